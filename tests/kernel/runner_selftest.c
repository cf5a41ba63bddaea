// SPDX-License-Identifier: MIT
/*
 * platform suite, runner part: the runner must fail a test that fails, that
 * crashes or that leaks, and must carry on afterwards. The victims are
 * registered in suite "selftest-fail" (KT_NODEFAULT) so they never run on
 * their own unless named; `make check` boots them once to see the exit code.
 */
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "lib/errno.h"
#include "tests/kernel/env.h"
#include "tests/ktest.h"

KTEST_FULL(selftest-fail, test_selftest_fails, 0, KT_NODEFAULT)
{
	report(false, "this test fails on purpose");
}

KTEST_FULL(selftest-fail, test_selftest_crashes, 0, KT_NODEFAULT)
{
	__asm__ __volatile__("ud2");
}

static phys_addr_t leaked;

KTEST_FULL(selftest-fail, test_selftest_leaks_page, 0, KT_NODEFAULT)
{
	leaked = pmm_alloc(0);
	report(leaked != 0, "allocated a page and dropped it");
}

static void no_work(struct trap_frame *tf, void *ctx)
{
}

/* An interrupt that comes after its handler went (a device's late MSI). */
KTEST_FULL(selftest-fail, test_selftest_late_interrupt, 0, KT_NODEFAULT)
{
	int v = irq_alloc_vector(no_work, NULL);
	u64 strays = irq_strays();

	report(v >= 0, "a vector (%d)", v);
	if (v < 0)
		return;
	irq_unregister(v);
	lapic_self_ipi(v);
	report(poll_timeout(irq_strays() != strays, 100000) == 0,
	       "it arrived on vector %d after its handler went", v);
}

KTEST_FULL(selftest-fail, test_selftest_passes, 0, KT_NODEFAULT)
{
	report(true, "the runner carries on after failures");
}

KTEST(platform, test_platform_runner_catches_failures)
{
	static const struct {
		const char *name;
		int expect;
	} cases[] = {
		{ "test_selftest_fails", 1 },
		{ "test_selftest_crashes", 1 },
		{ "test_selftest_leaks_page", 1 },
		{ "test_selftest_late_interrupt", 1 },
		{ "test_selftest_passes", 0 },
	};
	u64 fp = pmm_free_pages();

	report_prefix_push("inner");
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct ktest *t = ktest_find(cases[i].name);
		int r = t ? ktest_run_one(t) : -1;

		report_prefix_pop();
		report(r == cases[i].expect, "%s reports %s", cases[i].name,
		       cases[i].expect ? "failure" : "pass");
		report_prefix_push("inner");
	}
	report_prefix_pop();
	ktest_expect_strays(1);	/* the late interrupt failed its victim, not this test */
	/* the leak victim's page is a real leak: give it back via its address */
	report(pmm_free_pages() == fp - 1, "the leak victim leaked exactly one page");
	if (leaked)
		pmm_free(leaked, 0);
	leaked = 0;
}

/* Booted alone with watchdog=2 by make check: the run must end, with a dump. */
KTEST_FULL(selftest-hang, test_selftest_hangs, 0, KT_NODEFAULT)
{
	for (;;)
		__asm__ __volatile__("pause");
}
