/* SPDX-License-Identifier: MIT */
/*
 * Atomic reference count that refuses to wrap: increments from 0 and
 * decrements below 0 saturate and are reported through refcount_bad().
 */
#ifndef LIB_REFCOUNT_H
#define LIB_REFCOUNT_H

#include "lib/compiler.h"

typedef struct {
	int refs;
} refcount_t;

#define REFCOUNT_SATURATED (INT_MIN / 2)

/* Called on misuse (lib/refcount.c): a warning the test runner counts. */
void refcount_bad(refcount_t *r, const char *what);

static inline void refcount_set(refcount_t *r, int n)
{
	__atomic_store_n(&r->refs, n, __ATOMIC_RELAXED);
}

static inline int refcount_read(const refcount_t *r)
{
	return __atomic_load_n(&r->refs, __ATOMIC_RELAXED);
}

static inline void refcount_inc(refcount_t *r)
{
	int old = __atomic_fetch_add(&r->refs, 1, __ATOMIC_RELAXED);

	if (unlikely(old <= 0)) {
		refcount_set(r, REFCOUNT_SATURATED);
		refcount_bad(r, "increment from zero");
	}
}

/* Increment unless the count is zero; true when a reference was taken. */
static inline bool refcount_inc_not_zero(refcount_t *r)
{
	int old = refcount_read(r);

	do {
		if (old <= 0)
			return false;
	} while (!__atomic_compare_exchange_n(&r->refs, &old, old + 1, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return true;
}

/* Decrement; true when the count reached zero and the caller must free. */
static inline bool refcount_dec_and_test(refcount_t *r)
{
	int old = __atomic_fetch_sub(&r->refs, 1, __ATOMIC_RELEASE);

	if (old == 1) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		return true;
	}
	if (unlikely(old <= 0)) {
		refcount_set(r, REFCOUNT_SATURATED);
		refcount_bad(r, "decrement below zero");
	}
	return false;
}

/* Drop the count from 1 to 0 only; false (count unchanged) otherwise. */
static inline bool refcount_dec_if_one(refcount_t *r)
{
	int one = 1;

	return __atomic_compare_exchange_n(&r->refs, &one, 0, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

static inline void refcount_dec(refcount_t *r)
{
	if (refcount_dec_and_test(r))
		refcount_bad(r, "decrement to zero without free");
}

#endif
