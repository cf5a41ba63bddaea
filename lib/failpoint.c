// SPDX-License-Identifier: MIT
/*
 * The shared fail point: one armed countdown for the whole program (kernel
 * or hosted process). Atomic so threads may pass sites concurrently.
 */
#include "lib/failpoint.h"

unsigned long failpoint_armed_at;	/* 0: disarmed */
unsigned long failpoint_passed;
static bool fired;
static unsigned long fired_at;

void failpoint_arm(unsigned long n)
{
	__atomic_store_n(&failpoint_passed, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&fired, false, __ATOMIC_SEQ_CST);
	__atomic_store_n(&failpoint_armed_at, n, __ATOMIC_SEQ_CST);
}

__attribute__((noinline)) bool failpoint_hit_armed(void)
{
	unsigned long at = __atomic_load_n(&failpoint_armed_at, __ATOMIC_RELAXED);
	unsigned long n = __atomic_add_fetch(&failpoint_passed, 1, __ATOMIC_RELAXED);

	if (!at || n != at)
		return false;
	fired_at = (unsigned long)__builtin_return_address(0);
	__atomic_store_n(&fired, true, __ATOMIC_SEQ_CST);
	return true;
}

unsigned long failpoint_count(void)
{
	return __atomic_load_n(&failpoint_passed, __ATOMIC_RELAXED);
}

bool failpoint_fired(void)
{
	return __atomic_load_n(&fired, __ATOMIC_SEQ_CST);
}

unsigned long failpoint_fired_at(void)
{
	return __atomic_load_n(&fired, __ATOMIC_SEQ_CST) ? fired_at : 0;
}

unsigned long failpoint_remaining(void)
{
	unsigned long at = __atomic_load_n(&failpoint_armed_at, __ATOMIC_SEQ_CST);
	unsigned long n = __atomic_load_n(&failpoint_passed, __ATOMIC_SEQ_CST);

	return at && n < at ? at - n : 0;
}
