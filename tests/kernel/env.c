// SPDX-License-Identifier: MIT
/*
 * The kernel side of the test runner: console output, crash recovery around
 * each test, what hardware is present, and the counters of the leak check.
 */
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/trap.h"
#include "boot/cmdline.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "arch/x86/watchdog.h"
#include "lib/printf.h"
#include "tests/kernel/env.h"
#include "tests/ktest.h"

static struct env_hook *hooks;

void env_add_hook(struct env_hook *h)
{
	h->next = hooks;
	hooks = h;
}

void ktest_env_write(const char *s, size_t n)
{
	console_write(s, n);
}

static void call_test(void *fn)
{
	((void (*)(void))fn)();
}

/* Seconds a single test may run before the watchdog ends the run (watchdog=). */
static u64 test_timeout_s(void)
{
	static u64 s = ~0ULL;

	if (s == ~0ULL)
		s = cmdline_get_u64("watchdog", 120);
	return s;
}

int ktest_env_protected_call(void (*fn)(void))
{
	const char *old = console_set_line_prefix("    # ");
	int r;

	watchdog_arm(test_timeout_s() * 1000, "a test", NULL);
	r = trap_call(call_test, (void *)fn, NULL, true);
	watchdog_disarm();
	console_set_line_prefix(old);
	return r;
}

/* The n-th edu is there and its BAR0 can be mapped; else why says what is wrong. */
static bool edu_usable(int n, const char **why)
{
	static char buf[96];
	struct pci_dev *d = pci_find(0x1234, 0x11e8, n);
	const char *bad = d ? pci_bar_problem(d, 0) : NULL;

	if (!d)
		return false;
	if (bad) {
		snprintf(buf, sizeof(buf), "edu %s BAR0 not usable: %s", d->name, bad);
		*why = buf;
	}
	return !bad;
}

bool ktest_env_has(unsigned int need, const char **why)
{
	for (struct env_hook *h = hooks; h; h = h->next)
		if (h->has && h->has(need, why))
			return true;
	switch (need) {
	case KT_NEED_KERNEL:
		return true;
	case KT_NEED_EDU:
		*why = "start QEMU with -device edu";
		return edu_usable(0, why);
	case KT_NEED_TWO_EDU:
		*why = "start QEMU with two -device edu";
		return edu_usable(0, why) && edu_usable(1, why);
	default:
		return false;
	}
}

void ktest_env_after_test(const struct ktest *t)
{
	const char *old = console_set_line_prefix("    # ");

	for (struct env_hook *h = hooks; h; h = h->next)
		if (h->after_test)
			h->after_test(t);
	if (smp_calls_running())
		report(false, "%d CPUs are still running a call of this test", smp_calls_running());
	console_set_line_prefix(old);
}

u64 ktest_env_ns(void)
{
	return time_ns();
}

static long free_pages(void)
{
	return (long)pmm_free_pages();
}

static long heap_objects(void)
{
	return (long)kmalloc_live();
}

KTEST_COUNTER(free_pages, free_pages);
KTEST_COUNTER(heap_objects, heap_objects);

/*
 * Interrupts on vectors without a handler: one that comes late (after its
 * handler went) or lands on the wrong vector fails the test it arrives in.
 */
static long expected_strays;

void ktest_expect_strays(long n)
{
	expected_strays += n;
}

static long unexpected_strays(void)
{
	return (long)irq_strays() - expected_strays;
}

KTEST_COUNTER(irq_strays, unexpected_strays);
