// SPDX-License-Identifier: MIT
/*
 * Pinned-page accounting (core/iommufd.h) for both builds: one account per
 * mode (one user; one mm at a time: hosted the process, in the kernel the one
 * running ring-3 process), checked against a memlock-style limit in pages.
 */
#include "core/iommufd.h"
#include "lib/platform.h"
#include "lib/errno.h"

struct iommufd_account {
	unsigned long charged;		/* pages */
	long refs;			/* pages objects charging here */
};

static struct iommufd_account accounts[2];	/* IOMMUFD_ACCOUNT_USER, IOMMUFD_ACCOUNT_MM */
static unsigned long memlock_limit = ULONG_MAX;

struct iommufd_account *iommufd_account_get(enum iommufd_account_mode mode)
{
	struct iommufd_account *a = &accounts[mode == IOMMUFD_ACCOUNT_MM];

	if (mode == IOMMUFD_ACCOUNT_NONE)
		return NULL;
	__atomic_fetch_add(&a->refs, 1, __ATOMIC_RELAXED);
	return a;
}

void iommufd_account_put(struct iommufd_account *a)
{
	if (!a)
		return;
	if (__atomic_sub_fetch(&a->refs, 1, __ATOMIC_RELAXED) < 0)
		plat_warn("iommufd_account_put: more puts than gets");
}

int iommufd_account_charge(struct iommufd_account *a, unsigned long npages)
{
	unsigned long old, new, limit;

	if (!a)
		return 0;
	old = __atomic_load_n(&a->charged, __ATOMIC_RELAXED);
	limit = min(__atomic_load_n(&memlock_limit, __ATOMIC_RELAXED), plat_memlock_limit());
	do {
		if (__builtin_add_overflow(old, npages, &new) || new > limit)
			return -ENOMEM;
	} while (!__atomic_compare_exchange_n(&a->charged, &old, new, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return 0;
}

void iommufd_account_uncharge(struct iommufd_account *a, unsigned long npages)
{
	if (!a)
		return;
	if (__atomic_fetch_sub(&a->charged, npages, __ATOMIC_RELAXED) < npages)
		plat_warn("iommufd_account_uncharge: more pages uncharged than charged");
}

unsigned long iommufd_account_charged(const struct iommufd_account *a)
{
	if (!a)
		return 0;
	return __atomic_load_n(&a->charged, __ATOMIC_RELAXED);
}

void iommufd_set_memlock_limit(unsigned long pages)
{
	__atomic_store_n(&memlock_limit, pages, __ATOMIC_RELAXED);
}
