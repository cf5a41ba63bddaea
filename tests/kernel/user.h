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
 * Run prog printing nothing (several CPUs may run programs at once) and
 * judge it as user_prog_run_test does: 0 passed, 2 all skipped, 1 failed
 * with why filled in.
 */
int user_prog_run_quiet(const struct user_prog *prog, char *why, size_t len);

#endif
