// SPDX-License-Identifier: MIT
/*
 * Pinned-page accounting of core/platform.h for both builds: one account per
 * mode (one user; one mm at a time: hosted the process, in the kernel the one
 * running ring-3 process), checked against a memlock-style limit in pages.
 */
#include "core/platform.h"
#include "lib/errno.h"

struct plat_account {
	unsigned long charged;		/* pages */
	long refs;			/* pages objects charging here */
};

static struct plat_account accounts[2];	/* PLAT_ACCOUNT_USER, PLAT_ACCOUNT_MM */
static unsigned long memlock_limit = ULONG_MAX;

struct plat_account *plat_account_get(enum plat_account_mode mode)
{
	struct plat_account *a = &accounts[mode == PLAT_ACCOUNT_MM];

	__atomic_fetch_add(&a->refs, 1, __ATOMIC_RELAXED);
	return a;
}

void plat_account_put(struct plat_account *a)
{
	if (__atomic_sub_fetch(&a->refs, 1, __ATOMIC_RELAXED) < 0)
		plat_warn("plat_account_put: more puts than gets");
}

int plat_account_charge(struct plat_account *a, unsigned long npages)
{
	unsigned long old = __atomic_load_n(&a->charged, __ATOMIC_RELAXED), new;
	unsigned long limit = min(__atomic_load_n(&memlock_limit, __ATOMIC_RELAXED),
				  plat_memlock_limit());

	do {
		if (__builtin_add_overflow(old, npages, &new) || new > limit)
			return -ENOMEM;
	} while (!__atomic_compare_exchange_n(&a->charged, &old, new, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return 0;
}

void plat_account_uncharge(struct plat_account *a, unsigned long npages)
{
	if (__atomic_fetch_sub(&a->charged, npages, __ATOMIC_RELAXED) < npages)
		plat_warn("plat_account_uncharge: more pages uncharged than charged");
}

unsigned long plat_account_charged(const struct plat_account *a)
{
	return __atomic_load_n(&a->charged, __ATOMIC_RELAXED);
}

void plat_set_memlock_limit(unsigned long pages)
{
	__atomic_store_n(&memlock_limit, pages, __ATOMIC_RELAXED);
}
