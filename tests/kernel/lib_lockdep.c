// SPDX-License-Identifier: MIT
/*
 * lib suite, the lock-order checker (also hosted): a planted inversion
 * (directly, and closing a cycle through a third lock) is reported once
 * and fails the test it happens in; a recursive acquisition too; a
 * consistent order and same-class nesting are not reported; an rwsem held
 * for reading where writing is asserted is reported.
 */
#include "lib/lockdep.h"
#include "lib/platform.h"
#include "lib/spinlock.h"
#include "lib/warn.h"
#include "tests/ktest.h"

static DEFINE_SPINLOCK(la);
static DEFINE_SPINLOCK(lb);

static void take2(spinlock_t *x, spinlock_t *y)
{
	spin_lock(x);
	spin_lock(y);
	spin_unlock(y);
	spin_unlock(x);
}

KTEST(lib, test_lib_lockdep_reports_inversion_once)
{
	unsigned long n0 = lockdep_inversions();
	int d0 = lockdep_depth();

	take2(&la, &lb);
	take2(&la, &lb);
	report(lockdep_inversions() == n0, "A then B, twice: nothing reported");
	ktest_expect_warnings(1);
	take2(&lb, &la);
	report(lockdep_inversions() == n0 + 1, "B then A after A then B: one inversion");
	take2(&lb, &la);
	report(lockdep_inversions() == n0 + 1, "the same inversion again: not reported twice");
	report(lockdep_depth() == d0, "held-lock depth back to %d", d0);
}

KTEST(lib, test_lib_lockdep_cycle_through_three_classes)
{
	struct plat_mutex x, y, z;
	unsigned long n0 = lockdep_inversions();

	plat_mutex_init(&x);
	plat_mutex_init(&y);
	plat_mutex_init(&z);
	plat_mutex_lock(&x);
	plat_mutex_lock(&y);
	plat_mutex_unlock(&y);
	plat_mutex_unlock(&x);
	plat_mutex_lock(&y);
	plat_mutex_lock(&z);
	plat_mutex_unlock(&z);
	plat_mutex_unlock(&y);
	report(lockdep_inversions() == n0, "x -> y, y -> z: a consistent order");
	ktest_expect_warnings(1);
	plat_mutex_lock(&z);
	plat_mutex_lock(&x);	/* x -> y -> z already: z -> x closes the cycle */
	plat_mutex_unlock(&x);
	plat_mutex_unlock(&z);
	report(lockdep_inversions() == n0 + 1, "z -> x closes x -> y -> z: reported");
	plat_mutex_destroy(&x);
	plat_mutex_destroy(&y);
	plat_mutex_destroy(&z);
}

KTEST(lib, test_lib_lockdep_same_class_nesting_and_recursion)
{
	struct plat_mutex m[2];
	unsigned long n0 = lockdep_inversions();
	int fake;

	for (int i = 0; i < 2; i++)
		plat_mutex_init(&m[i]);	/* one init site: one class */
	plat_mutex_lock(&m[0]);
	plat_mutex_lock(&m[1]);
	plat_mutex_unlock(&m[1]);
	plat_mutex_unlock(&m[0]);
	plat_mutex_lock(&m[1]);
	plat_mutex_lock(&m[0]);
	plat_mutex_unlock(&m[0]);
	plat_mutex_unlock(&m[1]);
	report(lockdep_inversions() == n0, "two locks of one class nest either way");
	for (int i = 0; i < 2; i++)
		plat_mutex_destroy(&m[i]);
	/* a lock taken again by its holder would never be granted: record only */
	ktest_expect_warnings(1);
	lockdep_acquire(&fake, "lib_lockdep fake", true);
	lockdep_acquire(&fake, "lib_lockdep fake", true);
	lockdep_release(&fake);
	lockdep_release(&fake);
	report(lockdep_inversions() == n0 + 1, "a recursive acquisition is reported");
}

/* Code that changes what an rwsem guards asserts it holds it for writing. */
KTEST(lib, test_lib_lockdep_reader_where_a_writer_is_needed)
{
	struct plat_rwsem s;
	unsigned long w0 = plat_warn_count();

	plat_rwsem_init(&s);
	plat_down_write(&s);
	lockdep_assert_held_write(&s);
	lockdep_assert_held(&s);
	plat_up_write(&s);
	report(plat_warn_count() == w0, "held for writing: both assertions hold");
	ktest_expect_warnings(2);
	plat_down_read(&s);
	lockdep_assert_held(&s);
	report(plat_warn_count() == w0, "held for reading: held");
	lockdep_assert_held_write(&s);
	report(plat_warn_count() == w0 + 1, "held for reading where writing is needed: reported");
	plat_up_read(&s);
	lockdep_assert_held(&s);
	report(plat_warn_count() == w0 + 2, "released: not held, reported");
	plat_rwsem_destroy(&s);
}

/* The victim: an inversion nobody announced must fail the test it happens in. */
static DEFINE_SPINLOCK(lc);
static DEFINE_SPINLOCK(ld);

KTEST_FULL(selftest-lockdep, test_selftest_lock_inversion, 0, KT_NODEFAULT)
{
	take2(&lc, &ld);
	take2(&ld, &lc);
	report(true, "both orders taken");
}

KTEST(lib, test_lib_lockdep_fails_the_running_test)
{
	const struct ktest *t = ktest_find("test_selftest_lock_inversion");
	unsigned long n0 = lockdep_inversions();

	/* the victim's warning is its own (ktest_run_one), so this test is not failed too */
	report(t && ktest_run_one(t) == 1, "a test with an unannounced inversion fails");
	report(lockdep_inversions() == n0 + 1, "exactly one inversion was seen");
}
