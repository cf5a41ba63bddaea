// SPDX-License-Identifier: MIT
/*
 * arch/x86/mm.h's ioremap hosted: a register window is whatever memory a
 * test registered for that physical address (a software IOMMU's registers);
 * memremap of RAM is the pointer itself.
 */
#include <stdlib.h>
#include "arch/host/host.h"
#include "arch/x86/mm.h"
#include "lib/compiler.h"

static struct {
	phys_addr_t pa;
	void *va;
	size_t len;
} windows[16];
static int nwindows;

void host_mmio_add(phys_addr_t pa, void *va, size_t len)
{
	if (nwindows == (int)ARRAY_SIZE(windows))
		abort();
	windows[nwindows].pa = pa;
	windows[nwindows].va = va;
	windows[nwindows++].len = len;
}

void host_mmio_reset(void)
{
	nwindows = 0;
}

void *ioremap(phys_addr_t pa, size_t len)
{
	for (int i = 0; i < nwindows; i++)
		if (windows[i].pa == pa && len <= windows[i].len)
			return windows[i].va;
	return NULL;
}

/* Firmware tables hosted: physical addresses are pointers (pmm.c). */
void *memremap(phys_addr_t pa, size_t len)
{
	return (void *)(uintptr_t)pa;
}
