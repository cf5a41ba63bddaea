/* SPDX-License-Identifier: MIT */
/*
 * VT-d page tables, second stage (the VT-d format) and first stage (the
 * IA-32e format), and the page-selective invalidation encoder: pure logic
 * over table pages, built into the kernel and hosted (tests/host model).
 * Layouts: VT-d spec 4.1 ch. 9.7 (FS-PTE), 9.8 (SS-PTE), 6.5.2.3.
 */
#ifndef IOMMU_VTD_VTD_PGTABLE_H
#define IOMMU_VTD_VTD_PGTABLE_H

#include "iommu/iommu.h"
#include "lib/bitops.h"

/* Second-stage paging entry (9.8) */
#define VTD_PTE_R	BIT_ULL(0)	/* read */
#define VTD_PTE_W	BIT_ULL(1)	/* write */
#define VTD_PTE_PS	BIT_ULL(7)	/* large page (leaf above level 1) */
#define VTD_PTE_A	BIT_ULL(8)	/* accessed (PASID entry SSADE) */
#define VTD_PTE_D	BIT_ULL(9)	/* dirty, leaves only (SSADE) */
#define VTD_PTE_SNP	BIT_ULL(11)	/* snoop (only with ECAP.SC) */
#define VTD_PTE_ADDR	GENMASK_ULL(51, 12)

/* First-stage paging entry (9.7, the IA-32e format) */
#define VTD_FS_P	BIT_ULL(0)	/* present (reads allowed) */
#define VTD_FS_RW	BIT_ULL(1)	/* writes allowed */
#define VTD_FS_US	BIT_ULL(2)	/* user requests allowed */
#define VTD_FS_PWT	BIT_ULL(3)
#define VTD_FS_PCD	BIT_ULL(4)
#define VTD_FS_A	BIT_ULL(5)	/* accessed */
#define VTD_FS_D	BIT_ULL(6)	/* dirty, leaves only */
#define VTD_FS_PS	BIT_ULL(7)	/* 2M/1G leaf */
#define VTD_FS_XD	BIT_ULL(63)	/* execute disable */

enum vtd_pt_fmt {
	VTD_FMT_SS,		/* second stage: 3, 4 or 5 levels, any IOVA below the width */
	VTD_FMT_FS,		/* first stage: 4 or 5 levels, canonical IOVAs (the lower half) */
};

#define VTD_PT_ENTRIES	512
#define VTD_LEVEL_SHIFT(l) (12 + 9 * ((l) - 1))	/* level 1 maps 4K */
#define VTD_MIN_LEVELS	3
#define VTD_MAX_LEVELS	5

struct vtd_pgtable {
	phys_addr_t root;	/* top table */
	int levels;		/* 3, 4 or 5 (first stage: 4 or 5) */
	enum vtd_pt_fmt fmt;
	unsigned int width;	/* IOVA bits translated: 12 + 9 * levels, first stage one less */
	u64 pgsizes;		/* 4K, plus 2M/1G when SLLPS (first stage: FL1GP) allows */
	u64 snoop;		/* VTD_PTE_SNP when IOMMU_CACHE maps snooped, else 0 */
	bool flush;		/* clflush every store: the walker is not coherent */
	long ntables;		/* table pages held, root included */
	struct list_head stale;	/* empty tables a large page replaced: free after a flush */
	/*
	 * The 4K-leaf table the last walk reached, and iova >> 21 of it: a 4K
	 * map or unmap in the same 2 MiB goes straight to it, no walk down.
	 * Cleared whenever a table is unlinked (callers serialise on the
	 * domain's pt_lock).
	 */
	u64 *leaf;
	u64 leaf_tag;
};

/*
 * How the page-table code reaches memory. The kernel implements these over
 * the page allocator (vtd_mem.c); hosted tests over a memory model.
 */
void *vtd_table_alloc(phys_addr_t *pa);	/* zeroed 4 KiB page, NULL on failure */
void vtd_table_free(phys_addr_t pa);
void *vtd_table_va(phys_addr_t pa);
phys_addr_t vtd_table_pa(const void *va);
void vtd_cache_flush(const void *p, size_t len);	/* write back the lines */

/* Bytes of IOVA a table of this depth translates: 2^(12 + 9 * levels). */
static inline unsigned int vtd_pgtable_width(int levels)
{
	return 12 + 9 * (unsigned int)levels;
}

/* Allocate the root of a second-stage table. 0, -EINVAL (depth), -ENOMEM. */
int vtd_pgtable_init(struct vtd_pgtable *pt, int levels, u64 pgsizes, bool flush);
/* The same in a format: first stage takes 4 or 5 levels only. */
int vtd_pgtable_init_fmt(struct vtd_pgtable *pt, enum vtd_pt_fmt fmt, int levels, u64 pgsizes,
			 bool flush);
/* Free every table page (not the mapped pages). */
void vtd_pgtable_destroy(struct vtd_pgtable *pt);
/* Start flushing stores, and write back every table now (a non-coherent unit joined). */
void vtd_pgtable_set_flush(struct vtd_pgtable *pt);
/*
 * Map count pages of pgsize at iova -> pa with IOMMU_READ/WRITE prot.
 * *mapped: bytes mapped, also on failure. 0, -EINVAL (size/alignment/prot),
 * -ERANGE (beyond the width), -EEXIST (something is mapped there), -ENOMEM.
 * A large page may replace tables that map nothing (kept by earlier
 * unmaps): they go to pt->stale, and the caller must invalidate (not
 * leaf-only) before vtd_pgtable_free_stale() frees them.
 */
int vtd_pgtable_map(struct vtd_pgtable *pt, u64 iova, phys_addr_t pa, size_t pgsize,
		    size_t count, int prot, size_t *mapped);
/*
 * Unmap leaves from iova up to pgsize * count bytes, stopping at the first
 * hole or at a large page that does not start at the address reached (it is
 * never split). A large page starting there goes whole, so the result may
 * exceed the request. Unmapped ranges go to gather, and so do the table
 * pages of every range the unmap cleared whole; tables a partial unmap
 * leaves empty stay for the next map (vtd_pgtable_destroy frees them).
 * Table pages are freed only by vtd_pgtable_free_gathered after the flush.
 * Returns bytes unmapped.
 */
size_t vtd_pgtable_unmap(struct vtd_pgtable *pt, u64 iova, size_t pgsize, size_t count,
			 struct iommu_iotlb_gather *gather);
/* Free the table pages an unmap gathered (call only after the invalidation completed). */
int vtd_pgtable_free_gathered(struct vtd_pgtable *pt, struct iommu_iotlb_gather *gather);
/* Move pt->stale's tables to list (caller holds what guards pt), to free after a flush. */
void vtd_pgtable_take_stale(struct vtd_pgtable *pt, struct list_head *list);
/* Free a list of table pages (taken from a gather or from pt->stale) after the flush. */
int vtd_pgtable_free_list(struct vtd_pgtable *pt, struct list_head *list);
/* Leaf entry for iova and its page size; 0 when unmapped. */
u64 vtd_pgtable_lookup(const struct vtd_pgtable *pt, u64 iova, size_t *pgsize);
/* Physical address iova translates to, 0 when unmapped. */
phys_addr_t vtd_pgtable_iova_to_phys(const struct vtd_pgtable *pt, u64 iova);
/* Whether entry e of a table in pt's format is present. */
bool vtd_pte_present(const struct vtd_pgtable *pt, u64 e);
/*
 * Second-stage dirty bits of the leaves in [iova, iova + size): record(priv,
 * iova, length) for each dirty leaf, clearing D unless !clear. Returns how
 * many it found.
 */
long vtd_pgtable_read_dirty(struct vtd_pgtable *pt, u64 iova, u64 size, bool clear,
			    void (*record)(void *priv, u64 iova, u64 len), void *priv);

/*
 * Page-selective invalidation of pages [pfn, pfn + npages): the smallest
 * address mask am whose aligned block of 2^am pages covers them, and that
 * block's first page. Returns am, or -1 when am would exceed mamv (the
 * caller then invalidates the whole domain; *base_pfn is 0, from where a
 * device-TLB flush of everything starts).
 */
int vtd_psi_encode(u64 pfn, u64 npages, unsigned int mamv, u64 *base_pfn);

#endif
