// SPDX-License-Identifier: MIT
/*
 * The runner's silent-bug checks, in the kernel and hosted (test-lib): a
 * test that checks nothing, misuses a refcount, warns unannounced or leaks
 * heap must fail even though each of its own checks passed.
 */
#include "arch/x86/console.h"
#include "lib/alloc.h"
#include "lib/refcount.h"
#include "lib/warn.h"
#include "tests/ktest.h"

/* Victims: suite "selftest-fail" runs only when named (make check boots it alone). */
KTEST_FULL(selftest-fail, test_selftest_checks_nothing, 0, KT_NODEFAULT)
{
}

KTEST_FULL(selftest-fail, test_selftest_refcount_underflow, 0, KT_NODEFAULT)
{
	refcount_t r;

	refcount_set(&r, 0);
	report(!refcount_dec_and_test(&r), "a decrement below zero frees nothing");
}

KTEST_FULL(selftest-fail, test_selftest_refcount_inc_from_zero, 0, KT_NODEFAULT)
{
	refcount_t r;

	refcount_set(&r, 0);
	refcount_inc(&r);
	report(refcount_read(&r) < 0, "an increment from zero saturates");
}

KTEST_FULL(selftest-fail, test_selftest_warns, 0, KT_NODEFAULT)
{
	plat_warn("a warning on purpose (runner self-test)");
	report(plat_warn_count() > 0, "the warning is counted");
}

KTEST_FULL(selftest-fail, test_selftest_warn_on, 0, KT_NODEFAULT)
{
	volatile bool broken = true;

	report(WARN_ON(broken), "WARN_ON() says its condition held");
}

static void *leaked;

KTEST_FULL(selftest-fail, test_selftest_leaks_heap, 0, KT_NODEFAULT)
{
	leaked = kmalloc(64);
	report(leaked != NULL, "allocated 64 bytes and dropped them");
}

/* Not victims: an announced warning and a plain skip pass or skip. */
KTEST_FULL(selftest-fail, test_selftest_warns_announced, 0, KT_NODEFAULT)
{
	refcount_t r;

	refcount_set(&r, 0);
	ktest_expect_warnings(1);
	refcount_inc(&r);
	report(refcount_read(&r) < 0, "an announced misuse saturates");
}

KTEST_FULL(selftest-fail, test_selftest_skips, 0, KT_NODEFAULT)
{
	report_skip("skips without a check");
}

KTEST(lib, test_runner_fails_silent_bugs)
{
	static const struct {
		const char *name;
		int expect;	/* 0 pass, 1 fail, 2 skip */
	} cases[] = {
		{ "test_selftest_checks_nothing", 1 },
		{ "test_selftest_refcount_underflow", 1 },
		{ "test_selftest_refcount_inc_from_zero", 1 },
		{ "test_selftest_warns", 1 },
		{ "test_selftest_warn_on", 1 },
		{ "test_selftest_leaks_heap", 1 },
		{ "test_selftest_warns_announced", 0 },
		{ "test_selftest_skips", 2 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct ktest *t = ktest_find(cases[i].name);
		int r = t ? ktest_run_one(t) : -1;

		report(r == cases[i].expect, "%s: %s (got %d)", cases[i].name,
		       cases[i].expect == 1 ? "fails" : cases[i].expect ? "skips" : "passes", r);
	}
	/* the victims' warnings failed them, not this test (ktest_run_one) */
	kfree(leaked);
	leaked = NULL;
}
