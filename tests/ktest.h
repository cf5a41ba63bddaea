/* SPDX-License-Identifier: MIT */
/*
 * The test API shared by in-kernel suites and hosted unit tests: KTEST()
 * registers a test in a linker section, report() checks one fact, and the
 * runner (tests/ktest.c) prints KTAP v1 and checks the leak baseline.
 */
#ifndef TESTS_KTEST_H
#define TESTS_KTEST_H

#include "lib/compiler.h"

/* What a test needs from the machine; the environment answers ktest_env_has(). */
enum {
	KT_NEED_EDU = (1u << 0),	/* QEMU edu device present */
	KT_NEED_IOMMU = (1u << 1),	/* a hardware IOMMU translates DMA (not IR only) */
	KT_NEED_VTD = (1u << 2),	/* Intel VT-d active */
	KT_NEED_AMDVI = (1u << 3),	/* AMD-Vi active */
	KT_NEED_NVME = (1u << 4),
	KT_NEED_AHCI = (1u << 5),
	KT_NEED_KERNEL = (1u << 6),	/* only meaningful in the kernel build */
	KT_NEED_TWO_EDU = (1u << 7),	/* two edu devices */
	KT_NEED_COUNT = 8
};

/* Flags of a test. */
#define KT_NODEFAULT 1u		/* runs only when its suite is named exactly */

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
	unsigned int needs;
	unsigned int flags;
	const char *file;	/* tests of a file run in source order */
	int line;
};

#define KTEST_FULL(s, n, nd, fl)                                              \
	static void n(void);                                                  \
	static const struct ktest __ktest_##n __used                          \
		__section("ktest_cases") __aligned(8) =                        \
		{ #s, #n, n, nd, fl, __FILE__, __LINE__ };                    \
	static void n(void)

#define KTEST(s, n) KTEST_FULL(s, n, 0, 0)
#define KTEST_NEEDS(s, n, needs) KTEST_FULL(s, n, needs, 0)

/*
 * A counter the runner reads before and after every test; any difference
 * fails the test as a leak (free pages, live objects, pinned pages...).
 */
struct ktest_counter {
	const char *name;
	long (*read)(void);
};

#define KTEST_COUNTER(n, fn)                                                 \
	static const struct ktest_counter __kcnt_##n __used                   \
		__section("ktest_counters") __aligned(8) = { #n, fn }

/* Record one checked fact; the message states the expectation. */
void report(bool pass, const char *fmt, ...) __printf(2, 3);
/* A diagnostic line ("# ...") inside the current test. */
void report_info(const char *fmt, ...) __printf(1, 2);
/* Mark the running test skipped, with the reason (a failure still wins). */
void report_skip(const char *fmt, ...) __printf(1, 2);
void report_prefix_push(const char *prefix);
void report_prefix_pop(void);
/* Failures and checks recorded so far in the running test (any CPU). */
int report_failures(void);
int report_checks(void);

/*
 * The running test provokes n warnings (lib/warn.h) on purpose; any other
 * warning fails the test during which it was printed.
 */
void ktest_expect_warnings(long n);

/* Deterministic per-run random numbers from the seed= option. */
u64 ktest_rand(void);
u64 ktest_seed(void);
/* Loop count from loops= (soak-style tests scale with it). */
unsigned int ktest_loops(void);

/* Options the runner takes (from the kernel command line or argv). */
struct ktest_opts {
	const char *suites;	/* comma-separated globs; NULL = all default */
	const char *tests;	/* comma-separated globs over test names */
	u64 seed;
	unsigned int loops;
	unsigned int boot_warnings;	/* warnings the boot gives on purpose (boot_warnings=) */
	bool verbose;
	bool list;		/* only list tests */
};

/* Totals of a run. */
struct ktest_totals {
	int passed, failed, skipped;
};

/* Run the selected tests, print KTAP; returns the totals. */
struct ktest_totals ktest_run_all(const struct ktest_opts *o);
/* Parse "key=value" words into opts (unknown keys ignored). */
void ktest_parse_opt(struct ktest_opts *o, const char *word, size_t len);

/*
 * Run one test by itself (used by the runner's own self-tests);
 * returns 0 pass, 1 fail, 2 skip. Output goes to the log as diagnostics.
 */
int ktest_run_one(const struct ktest *t);
const struct ktest *ktest_find(const char *name);

/* --- provided by the environment (kernel or hosted) --- */
void ktest_env_write(const char *s, size_t n);
/* Run fn; return 0, or a nonzero code (trap vector + 1) if it crashed. */
int ktest_env_protected_call(void (*fn)(void));
bool ktest_env_has(unsigned int need, const char **why);
/* Called between tests so the environment can drain pending events (faults). */
void ktest_env_after_test(const struct ktest *t);
u64 ktest_env_ns(void);

#endif
