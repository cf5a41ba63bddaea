// SPDX-License-Identifier: MIT
/*
 * arch/x86/mm.h's page allocator hosted: aligned heap blocks, counted for
 * the leak check and failable on demand; "physical" addresses are pointers.
 */
#include <stdlib.h>
#include <string.h>
#include "arch/host/host.h"
#include "arch/x86/mm.h"

static long pages_live;
static long fail_after = -1;	/* page allocations to allow before failing */

void host_pages_fail_after(long n)
{
	fail_after = n;
}

long host_pages_live(void)
{
	return pages_live;
}

void *page_alloc_va(unsigned int order)
{
	void *p;

	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	p = aligned_alloc(PAGE_SIZE << order, PAGE_SIZE << order);
	if (!p)
		return NULL;
	memset(p, 0, PAGE_SIZE << order);
	pages_live += 1L << order;
	return p;
}

void page_free_va(void *va, unsigned int order)
{
	if (!va)
		return;
	memset(va, 0x6b, PAGE_SIZE << order);	/* poison: a late walker reads junk */
	pages_live -= 1L << order;
	free(va);
}

void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

phys_addr_t virt_to_phys(const void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}
