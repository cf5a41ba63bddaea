// SPDX-License-Identifier: MIT
/*
 * lib/alloc.h for hosted builds: calloc/free with a live-allocation counter
 * for the leak check. Fault injection is the fail point's job, not ours.
 */
#include <stdlib.h>
#include "lib/alloc.h"

static u64 live;

void *kmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p)
		__atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (p)
		__atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
	return p;
}

void kfree(const void *p)
{
	if (!p)
		return;
	__atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
	free((void *)p);
}

u64 kmalloc_live(void)
{
	return __atomic_load_n(&live, __ATOMIC_RELAXED);
}
