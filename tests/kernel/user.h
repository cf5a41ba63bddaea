/* SPDX-License-Identifier: MIT */
/*
 * The kernel side of the ring-3 test programs: the table of programs linked
 * into the image and the runner that makes each program one kernel test
 * whose diagnostics are the program's own KTAP lines.
 */
#ifndef TESTS_KERNEL_USER_H
#define TESTS_KERNEL_USER_H

#include "arch/x86/proc.h"
#include "tests/ktest.h"

/* A ring-3 program linked into the image (section user_progs). */
struct user_prog {
	const char *name;
	const u8 *image, *end;	/* the static ELF executable */
	const char *const *argv;	/* its arguments (NULL: none but its name) */
	bool root;		/* runs as root (uid 0, every capability) */
};

/* Find a linked program by name, NULL if absent. */
const struct user_prog *user_prog_find(const char *name);

/*
 * Run prog as the body of the running kernel test: its output lines become
 * diagnostics; the test fails unless the program exits with status 0 after
 * a complete KTAP report with no failure (status 4, all skipped: it skips).
 */
void user_prog_run_test(const struct user_prog *prog);

/*
 * Run prog without judging it (for programs that are expected to die).
 * p->time_limit_ms is used (0: default); the rest of *p is filled in.
 * Returns proc_run()'s result; *p holds how it ended.
 */
int user_prog_run_plain(const struct user_prog *prog, struct proc *p);
/*
 * Run the ring-3 busy loop "spin" in p (zeroed first) until its ms time
 * limit stops it: user_prog_run_plain()'s result, or -ENOENT (a failed
 * check reported) when the helper is not linked in.
 */
int user_spin_run(struct proc *p, u32 ms);

/*
 * Run prog printing nothing (several CPUs may run programs at once) and
 * judge it as user_prog_run_test does: 0 passed, 2 all skipped, 1 failed
 * with why filled in.
 */
int user_prog_run_quiet(const struct user_prog *prog, char *why, size_t len);

/*
 * The kernel's counts of what processes hold, as a program asks for them:
 * a line "# sample N" of its output (N < the caller's count) reads them at
 * that moment, from inside its write.
 */
struct user_sample {
	bool taken;
	long free_pages, heap_objects, files, user_pins, iommufd_pins, iommufd_objects;
};

/* The counts now. */
void user_sample_take(struct user_sample *s);
/* user_prog_run_test, and the counts at each "# sample N" line into s[N] (N < n). */
void user_prog_run_test_sampled(const struct user_prog *prog, struct user_sample *s, int n);
/*
 * Whether sample b counts the same as a (both taken); when not, what differs
 * is written into why.
 */
bool user_sample_same(const struct user_sample *a, const struct user_sample *b, char *why,
		      size_t len);

#endif
