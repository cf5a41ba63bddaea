// SPDX-License-Identifier: MIT
/*
 * The VT-d driver's hardware seam in the kernel: the unit's registers
 * (vtd_hw_read/write of vtd.h) and the memory of its tables (vtd_table_*
 * of vtd_pgtable.h: page allocator, direct map, clflush). Hosted tests link
 * software units instead (tests/host/vtd_hw.c, tests/host/vtd_model.c).
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "lib/failpoint.h"

u64 vtd_clflush_lines;

u64 vtd_hw_read(const struct vtd_unit *u, u32 off, int bytes)
{
	return bytes == 8 ? mmio_read64(u->regs + off) : mmio_read32(u->regs + off);
}

void vtd_hw_write(struct vtd_unit *u, u32 off, u64 v, int bytes)
{
	if (bytes == 8)
		mmio_write64(u->regs + off, v);
	else
		mmio_write32(u->regs + off, (u32)v);
}

void *vtd_table_alloc(phys_addr_t *pa)
{
	void *p = failable(page_alloc_va(0));

	if (p)
		*pa = virt_to_phys(p);
	return p;
}

void vtd_table_free(phys_addr_t pa)
{
	vtd_trace(NULL, VTD_EV_TABLE_FREE, 0, 0, 0, pa, 0);
	pmm_free(pa, 0);
}

void *vtd_table_va(phys_addr_t pa)
{
	return phys_to_virt(pa);
}

void *vtd_phys_va(phys_addr_t pa)
{
	return phys_to_virt(pa);
}

phys_addr_t vtd_table_pa(const void *va)
{
	return virt_to_phys(va);
}

void vtd_cache_flush(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~63UL, end = (uintptr_t)p + len;
	u64 lines = 0;

	mfence();
	for (; a < end; a += 64, lines++)
		clflush((const void *)a);
	mfence();
	/* one count for the call, atomic: several CPUs flush tables at once */
	__atomic_fetch_add(&vtd_clflush_lines, lines, __ATOMIC_RELAXED);
}
