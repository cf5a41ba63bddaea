// SPDX-License-Identifier: MIT
/*
 * The memory model behind vtd_table_* for hosted VT-d tests: each table
 * page has the CPU's view (what the driver writes) and memory's view (what
 * a non-coherent walker reads), synchronised per 64-byte line by flushes.
 */
#include <stdlib.h>
#include <string.h>
#include "iommu/vtd/vtd.h"
#include "tests/host/vtd_model.h"

#define MAX_PAGES 8192
#define LINE 64

struct mpage {
	u64 *cpu;		/* 4 KiB aligned, what vtd_table_va returns */
	u64 mem[512];		/* what the IOMMU reads */
	bool used;
};

static struct mpage pages[MAX_PAGES];
/* The last lines written back, with the trace sequence number of the moment. */
#define FLUSH_LOG 512
static struct {
	uintptr_t line;
	u32 seq;
	u8 data[LINE];		/* what the line held when written back */
} flush_log[FLUSH_LOG];
static u32 flush_next;

static long npages, flushed_lines;
static int fail_nth;

void model_reset(void)
{
	for (int i = 0; i < MAX_PAGES; i++) {
		free(pages[i].cpu);
		pages[i].cpu = NULL;
		pages[i].used = false;
	}
	npages = flushed_lines = 0;
	fail_nth = 0;
	flush_next = 0;
}

long model_pages(void)
{
	return npages;
}

void model_fail_nth(int n)
{
	fail_nth = n;
}

long model_flushed_lines(void)
{
	return flushed_lines;
}

void *vtd_table_alloc(phys_addr_t *pa)
{
	if (fail_nth && --fail_nth == 0)
		return NULL;
	for (int i = 0; i < MAX_PAGES; i++) {
		if (pages[i].used)
			continue;
		if (!pages[i].cpu)
			pages[i].cpu = aligned_alloc(4096, 4096);
		if (!pages[i].cpu)
			return NULL;
		memset(pages[i].cpu, 0, 4096);
		/* memory keeps stale junk until the driver writes back the zeroes */
		memset(pages[i].mem, 0xa5, sizeof(pages[i].mem));
		pages[i].used = true;
		npages++;
		*pa = MODEL_PA_BASE + ((u64)i << 12);
		return pages[i].cpu;
	}
	return NULL;
}

static struct mpage *page_of_pa(phys_addr_t pa)
{
	u64 i = (pa - MODEL_PA_BASE) >> 12;

	if (pa < MODEL_PA_BASE || i >= MAX_PAGES || !pages[i].used)
		abort();	/* the driver used a page it does not own */
	return &pages[i];
}

void vtd_table_free(phys_addr_t pa)
{
	struct mpage *p = page_of_pa(pa);

	vtd_trace(NULL, VTD_EV_TABLE_FREE, 0, 0, 0, pa, 0);
	memset(p->cpu, 0x6b, 4096);	/* poison, as the kernel allocator does */
	memset(p->mem, 0x6b, sizeof(p->mem));
	p->used = false;
	npages--;
}

void *vtd_table_va(phys_addr_t pa)
{
	return page_of_pa(pa)->cpu;
}

/* The model page holding va, NULL when it is not a table page. */
static struct mpage *page_of_va(const void *va)
{
	for (int i = 0; i < MAX_PAGES; i++)
		if (pages[i].used && pages[i].cpu == (const u64 *)((uintptr_t)va & ~4095UL))
			return &pages[i];
	return NULL;
}

/* Root, context and PASID tables come from arch/host's allocator: addresses are pointers. */
void *vtd_phys_va(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

phys_addr_t vtd_table_pa(const void *va)
{
	struct mpage *pg = page_of_va(va);

	if (!pg)
		abort();
	return MODEL_PA_BASE + ((u64)(pg - pages) << 12) + ((uintptr_t)va & 4095);
}

static int flush_last(const void *p)
{
	uintptr_t line = (uintptr_t)p & ~(uintptr_t)(LINE - 1);

	for (u32 i = flush_next; i-- > 0 && flush_next - i <= FLUSH_LOG;)
		if (flush_log[i % FLUSH_LOG].line == line)
			return (int)(i % FLUSH_LOG);
	return -1;
}

long model_flush_seq(const void *p)
{
	int i = flush_last(p);

	return i < 0 ? -1 : flush_log[i].seq;
}

bool model_flushed_as_is(const void *p, size_t len)
{
	for (uintptr_t a = (uintptr_t)p & ~(uintptr_t)(LINE - 1); a < (uintptr_t)p + len;
	     a += LINE) {
		int i = flush_last((const void *)a);

		if (i < 0 || memcmp(flush_log[i].data, (const void *)a, LINE))
			return false;
	}
	return true;
}

void vtd_cache_flush(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(LINE - 1), end = (uintptr_t)p + len;

	for (; a < end; a += LINE) {
		struct mpage *pg = page_of_va((const void *)a);
		size_t off = a & 4095;

		flush_log[flush_next % FLUSH_LOG].line = a;
		flush_log[flush_next % FLUSH_LOG].seq = vtd_trace_seq();
		memcpy(flush_log[flush_next++ % FLUSH_LOG].data, (const void *)a, LINE);

		/* root and context tables are not modelled: only counted */
		if (pg)
			memcpy((u8 *)pg->mem + off, (u8 *)pg->cpu + off, LINE);
		flushed_lines++;
	}
}

long model_dirty_lines(void)
{
	long n = 0;

	for (int i = 0; i < MAX_PAGES; i++)
		for (int l = 0; pages[i].used && l < 4096 / LINE; l++)
			n += memcmp((u8 *)pages[i].cpu + l * LINE, (u8 *)pages[i].mem + l * LINE,
				    LINE) != 0;
	return n;
}

u64 model_hw_lookup(const struct vtd_pgtable *pt, u64 iova, size_t *pgsize)
{
	phys_addr_t t = pt->root;

	if (iova >> vtd_pgtable_width(pt->levels))
		return 0;
	for (int l = pt->levels; l >= 1; l--) {
		u64 i = (t - MODEL_PA_BASE) >> 12, e;

		if (t < MODEL_PA_BASE || i >= MAX_PAGES || !pages[i].used)
			return MODEL_WALK_BAD;
		e = pages[i].mem[(iova >> VTD_LEVEL_SHIFT(l)) & 511];

		if (!(e & (VTD_PTE_R | VTD_PTE_W)))
			return 0;
		if (l == 1 || (e & VTD_PTE_PS)) {
			*pgsize = 1UL << VTD_LEVEL_SHIFT(l);
			return e;
		}
		t = e & VTD_PTE_ADDR;
	}
	return 0;
}

u64 *model_mem(phys_addr_t pa, bool coherent)
{
	u64 i = (pa - MODEL_PA_BASE) >> 12;

	if (pa < MODEL_PA_BASE || pa >= MODEL_PA_BASE + ((u64)MAX_PAGES << 12))
		return (u64 *)(uintptr_t)(pa & ~7ULL);
	if (!pages[i].used)
		return NULL;
	return coherent ? &pages[i].cpu[(pa & 4095) / 8] : &pages[i].mem[(pa & 4095) / 8];
}

void model_mem_or(phys_addr_t pa, u64 bits)
{
	u64 *m = model_mem(pa, false), i = (pa - MODEL_PA_BASE) >> 12;

	if (!m)
		return;
	__atomic_fetch_or(m, bits, __ATOMIC_SEQ_CST);
	/* A/D updates snoop (ECAP.SMPWCS): the CPU sees them without a flush */
	if (pa >= MODEL_PA_BASE && i < MAX_PAGES)
		__atomic_fetch_or(&pages[i].cpu[(pa & 4095) / 8], bits, __ATOMIC_SEQ_CST);
}
