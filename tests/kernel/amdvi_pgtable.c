// SPDX-License-Identifier: MIT
/*
 * amdvi-pgtable: the v1 page-table code against an independent walker
 * written from the spec (levels, default and next-level-7 page sizes,
 * unmap semantics, deferred table freeing). Pure: kernel and hosted.
 */
#include "iommu/amdvi/amdvi.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/ktest.h"

#define NOT_MAPPED (~0ULL)
#define RW (IOMMU_READ | IOMMU_WRITE)

/*
 * The walk an AMD IOMMU does (spec 2.2.3), written apart from the driver:
 * next level 0 is a leaf of the level's size, 7 a leaf whose size is
 * 2^(k+1) for the first clear address bit k >= 12, 1-6 the next table.
 * *perm gets the IR/IW bits granted at every level.
 */
static u64 spec_walk(const struct amdvi_pgtable *pt, u64 iova, u64 *pgsize, u64 *perm)
{
	u64 table = amdvi_pa(pt->root), granted = AMDVI_PTE_IR | AMDVI_PTE_IW;
	int level = pt->levels;

	for (int guard = 0; guard < 8; guard++) {
		u64 pte = ((u64 *)amdvi_va(table))[(iova >> (12 + 9 * (level - 1))) & 511];
		int nl = (int)((pte >> 9) & 7);
		u64 size;

		if (!(pte & 1))
			return NOT_MAPPED;
		granted &= pte;
		if (nl == 0 || nl == 7) {
			int k = 12;

			if (nl == 0) {
				size = 1ULL << (12 + 9 * (level - 1));
			} else {
				while ((pte >> k) & 1)
					k++;
				size = 1ULL << (k + 1);
			}
			*pgsize = size;
			if (perm)
				*perm = granted & (AMDVI_PTE_IR | AMDVI_PTE_IW);
			return ((pte & 0x000ffffffffff000ULL) & ~(size - 1)) | (iova & (size - 1));
		}
		if (nl >= level)
			return NOT_MAPPED;	/* a loop: no valid table does this */
		table = pte & 0x000ffffffffff000ULL;
		level = nl;
	}
	return NOT_MAPPED;
}

/* Steps over [0, size): every 4K up to 4096 of them, else evenly spread ones. */
static u64 step_for(u64 size)
{
	return size / PAGE_SIZE > 4096 ? size / 4096 : PAGE_SIZE;
}

/* Each checked 4K of [iova, iova + size) resolves to pa + offset, by both walkers. */
static bool walks_to(struct amdvi_pgtable *pt, u64 iova, u64 pa, u64 size, u64 want_pgsize)
{
	for (u64 off = 0; off < size; off += step_for(size)) {
		u64 pgsize = 0;

		if (spec_walk(pt, iova + off, &pgsize, NULL) != pa + off ||
		    amdvi_pgtable_iova_to_phys(pt, iova + off) != pa + off ||
		    (want_pgsize && pgsize != want_pgsize))
			return false;
	}
	return true;
}

static bool unmapped(struct amdvi_pgtable *pt, u64 iova, u64 size)
{
	for (u64 off = 0; off < size; off += step_for(size)) {
		u64 pgsize;

		if (spec_walk(pt, iova + off, &pgsize, NULL) != NOT_MAPPED ||
		    amdvi_pgtable_iova_to_phys(pt, iova + off))
			return false;
	}
	return true;
}

KTEST(amdvi-pgtable, test_amdvi_pgtable_levels_from_width)
{
	static const struct { unsigned int bits, max; int levels; } t[] = {
		{ 21, 6, 1 }, { 30, 6, 2 }, { 39, 6, 3 }, { 40, 6, 4 }, { 48, 6, 4 },
		{ 49, 6, 5 }, { 57, 6, 5 }, { 58, 6, 6 }, { 64, 6, 6 }, { 48, 3, 3 },
		{ 64, 4, 4 }, { 0, 6, 1 }, { 12, 6, 1 }, { 13, 6, 1 }, { 64, 9, 6 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		report(amdvi_levels_for_width(t[i].bits, t[i].max) == t[i].levels,
		       "%u-bit IOVA, unit walks %u levels -> %d levels (got %d)", t[i].bits,
		       t[i].max, t[i].levels, amdvi_levels_for_width(t[i].bits, t[i].max));
}

KTEST(amdvi-pgtable, test_amdvi_pgtable_pgsize_bitmap)
{
	report(amdvi_pgsize_bitmap(4, false) == (0x1000UL | 0x200000UL | 0x40000000UL),
	       "4 levels, default sizes: 4K 2M 1G");
	report(amdvi_pgsize_bitmap(2, false) == (0x1000UL | 0x200000UL),
	       "2 levels: no 1G leaf");
	report(amdvi_pgsize_bitmap(4, true) == (((1UL << 39) - 1) & ~0xfffUL),
	       "4 levels, all sizes: every power of two 4K..256G");
	report(amdvi_pgsize_bitmap(1, true) == (((1UL << 21) - 1) & ~0xfffUL),
	       "1 level, all sizes: 4K..1M");
}

/* Leaf encodings from the spec's table, bit by bit (bug class 51). */
KTEST(amdvi-pgtable, test_amdvi_pgtable_leaf_encoding_golden)
{
	static const struct {
		u64 pa, size;
		int prot;
		u64 pte;
		int level, count;
	} t[] = {
		{ 0x40000000, 0x1000, RW, 0x6000000040000001ULL, 1, 1 },
		{ 0x40000000, 0x1000, IOMMU_READ, 0x2000000040000001ULL, 1, 1 },
		{ 0x40000000, 0x1000, IOMMU_WRITE | IOMMU_CACHE, 0x5000000040000001ULL, 1, 1 },
		{ 0x40000000, 0x2000, RW, 0x6000000040000e01ULL, 1, 2 },
		{ 0x40000000, 0x4000, RW, 0x6000000040001e01ULL, 1, 4 },
		{ 0x40000000, 0x10000, RW, 0x6000000040007e01ULL, 1, 16 },
		{ 0x40000000, 0x100000, RW, 0x600000004007fe01ULL, 1, 256 },
		{ 0x40000000, 0x200000, RW, 0x6000000040000001ULL, 2, 1 },
		{ 0x40000000, 0x400000, RW, 0x60000000401ffe01ULL, 2, 2 },
		{ 0x40000000, 0x40000000, RW, 0x6000000040000001ULL, 3, 1 },
		{ 0x80000000, 0x80000000, RW, 0x60000000bffffe01ULL, 3, 2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		int level, count;
		u64 pte = amdvi_pte_leaf(t[i].pa, t[i].size, t[i].prot, &level, &count);

		report(pte == t[i].pte && level == t[i].level && count == t[i].count,
		       "%#llx bytes at %#llx -> pte %#llx level %d x%d (got %#llx level %d x%d)",
		       (unsigned long long)t[i].size, (unsigned long long)t[i].pa,
		       (unsigned long long)t[i].pte, t[i].level, t[i].count,
		       (unsigned long long)pte, level, count);
		report(amdvi_pte_leaf_size(pte, level) == t[i].size,
		       "pte %#llx decodes back to %#llx bytes", (unsigned long long)pte,
		       (unsigned long long)t[i].size);
	}
}

KTEST(amdvi-pgtable, test_amdvi_pgtable_every_size_roundtrips)
{
	int bad = 0;

	for (int k = 12; k < 52; k++) {
		int level, count;
		u64 size = 1ULL << k, pa = 0x000f000000000000ULL & ~(size - 1);
		u64 pte = amdvi_pte_leaf(pa, size, RW, &level, &count);

		if (amdvi_pte_leaf_size(pte, level) != size ||
		    (u64)count * amdvi_level_size(level) != size)
			bad++;
	}
	report(bad == 0, "2^12..2^51: leaf size decodes back, count x level size = size (%d bad)",
	       bad);
}

KTEST(amdvi-pgtable, test_amdvi_pgtable_map_4k_walks)
{
	struct amdvi_pgtable pt;
	u64 done = 0, iovas[] = { 0, 0x1000, 0x1ff000, 0x200000, 0x7fffffff000ULL,
				  0xfffffffff000ULL, 0x123456789000ULL };
	bool ok = true;

	report(amdvi_pgtable_init(&pt, 4, (1ULL << 48) - 1) == 0, "4-level table");
	for (size_t i = 0; i < ARRAY_SIZE(iovas); i++)
		ok &= amdvi_pgtable_map(&pt, iovas[i], 0x10000000ULL + i * 0x1000, 0x1000, 1, RW,
					&done) == 0 && done == 0x1000;
	report(ok, "seven 4K pages mapped across the address space");
	ok = true;
	for (size_t i = 0; i < ARRAY_SIZE(iovas); i++)
		ok &= walks_to(&pt, iovas[i], 0x10000000ULL + i * 0x1000, 0x1000, 0x1000);
	report(ok, "spec walk and iova_to_phys agree on every page");
	report(unmapped(&pt, 0x2000, 0x1000) && unmapped(&pt, 0x800000000000ULL - 0x1000, 0x1000),
	       "neighbours stay unmapped");
	report(amdvi_pgtable_map(&pt, 0x1000, 0x5000, 0x1000, 1, RW, &done) == -EEXIST,
	       "mapping a mapped page -> EEXIST");
	amdvi_pgtable_destroy(&pt);
}

/* Default-size leaves (next level 0) and replicated next-level-7 groups. */
KTEST(amdvi-pgtable, test_amdvi_pgtable_large_pages)
{
	static const u64 sizes[] = { 0x2000, 0x10000, 0x100000, 0x200000, 0x400000,
				     0x1000000, 0x40000000, 0x80000000 };
	struct amdvi_pgtable pt;
	u64 long_before = amdvi_table_pages();

	report(amdvi_pgtable_init(&pt, 4, (1ULL << 48) - 1) == 0, "4-level table");
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 size = sizes[i], iova = (i + 1) * 0x100000000ULL, pa = 0x200000000ULL + size;
		u64 done = 0, n, *t;
		int level, count, lvl = 0;
		bool same = true;
		LIST_HEAD(fl);

		amdvi_pte_leaf(pa, size, RW, &level, &count);
		report(amdvi_pgtable_map(&pt, iova, pa, size, 1, RW, &done) == 0 && done == size,
		       "map %#llx-byte page", (unsigned long long)size);
		report(walks_to(&pt, iova, pa, size, size),
		       "%#llx page: every 4K inside walks to pa + offset",
		       (unsigned long long)size);
		report(amdvi_pgtable_leaf(&pt, iova + size / 2, &lvl) == size && lvl == level,
		       "leaf found at level %d", level);
		/* the replicated group: count identical entries */
		t = pt.root;
		for (int l = pt.levels; l > level; l--)
			t = amdvi_va(t[(iova >> (12 + 9 * (l - 1))) & 511] & AMDVI_PTE_ADDR);
		for (int c = 0; c < count; c++)
			same &= t[((iova >> (12 + 9 * (level - 1))) & 511) + c] ==
				t[(iova >> (12 + 9 * (level - 1))) & 511];
		report(same, "%d replicated entries are identical", count);
		n = amdvi_pgtable_unmap(&pt, iova + size - 0x1000, 0x1000, 1, &fl, NULL);
		report(n == size, "unmapping its last 4K removes the whole %#llx (got %#llx)",
		       (unsigned long long)size, (unsigned long long)n);
		report(unmapped(&pt, iova, size), "no 4K of it still translates");
		amdvi_pgtable_free_list(&fl);
	}
	amdvi_pgtable_destroy(&pt);
	report(amdvi_table_pages() == long_before, "every table page freed");
}

/* Bug class 55: unmapping what was never mapped changes nothing. */
KTEST(amdvi-pgtable, test_amdvi_pgtable_unmap_hole_no_side_effects)
{
	struct amdvi_pgtable pt;
	u64 done, writes;
	long pages;
	LIST_HEAD(fl);

	report(amdvi_pgtable_init(&pt, 3, (1ULL << 39) - 1) == 0, "3-level table");
	report(amdvi_pgtable_map(&pt, 0x200000, 0x800000, 0x1000, 1, RW, &done) == 0,
	       "one 4K page in the 2M region at 2M");
	pages = pt.pages;
	writes = pt.pte_writes;
	report(amdvi_pgtable_unmap(&pt, 1ULL << 45, 0x1000, 1, &fl, NULL) == 0,
	       "unmap beyond the table's reach -> 0 bytes");
	report(amdvi_pgtable_unmap(&pt, 0x201000, 0x1000, 1, &fl, NULL) == 0,
	       "unmap of a hole next to a mapping -> 0 bytes");
	report(amdvi_pgtable_unmap(&pt, 0x40000000, 0x1000, 16, &fl, NULL) == 0,
	       "unmap of a range with no table under it -> 0 bytes");
	report(pt.pages == pages && pt.pte_writes == writes && list_empty(&fl) &&
	       pt.levels == 3, "no table page allocated, freed or written; depth unchanged");
	amdvi_pgtable_destroy(&pt);
}

/* Bug class 35: emptied tables are unlinked but freed only by the caller. */
KTEST(amdvi-pgtable, test_amdvi_pgtable_unmap_defers_table_free)
{
	struct amdvi_pgtable pt;
	long global;
	u64 done;
	bool pde = false;
	LIST_HEAD(fl);
	int n = 0;
	struct amdvi_freed_page *fp;

	report(amdvi_pgtable_init(&pt, 4, (1ULL << 48) - 1) == 0, "4-level table");
	report(amdvi_pgtable_map(&pt, 0x12345000, 0x1000, 0x1000, 1, RW, &done) == 0,
	       "one 4K page");
	report(pt.pages == 4, "root + 3 directories (got %ld)", pt.pages);
	global = amdvi_table_pages();
	report(amdvi_pgtable_unmap(&pt, 0x12345000, 0x1000, 1, &fl, &pde) == 0x1000,
	       "unmapped 4K");
	list_for_each_entry(fp, &fl, node)
		n++;
	report(n == 3 && pde && pt.pages == 1, "3 empty tables unlinked, root kept (%d)", n);
	report(amdvi_table_pages() == global, "none freed before the caller's flush");
	report(pt.root[0] == 0, "the root entry is cleared");
	amdvi_pgtable_free_list(&fl);
	report(amdvi_table_pages() == global - 3, "freed after free_list");
	amdvi_pgtable_destroy(&pt);
}

/* Bug classes 31, 32: no large leaf over a live table; unmap inside a large page. */
KTEST(amdvi-pgtable, test_amdvi_pgtable_large_over_table_and_inside)
{
	struct amdvi_pgtable pt;
	u64 done;
	LIST_HEAD(fl);

	report(amdvi_pgtable_init(&pt, 4, (1ULL << 48) - 1) == 0, "4-level table");
	report(amdvi_pgtable_map(&pt, 0x400000, 0x1000000, 0x1000, 1, RW, &done) == 0,
	       "4K page at 4M");
	report(amdvi_pgtable_map(&pt, 0x400000, 0x2000000, 0x200000, 1, RW, &done) == -EEXIST,
	       "2M page over it -> EEXIST, nothing replaced");
	report(walks_to(&pt, 0x400000, 0x1000000, 0x1000, 0x1000), "4K mapping intact");
	/* an empty table left in place (unmap without freeing) gets 4K leaves */
	report(amdvi_pgtable_unmap(&pt, 0x400000, 0x1000, 1, NULL, NULL) == 0x1000,
	       "unmap without freeing: empty table stays");
	report(amdvi_pgtable_map(&pt, 0x400000, 0x2000000, 0x200000, 1, RW, &done) == 0 &&
	       done == 0x200000, "2M over the empty live table maps");
	report(walks_to(&pt, 0x400000, 0x2000000, 0x200000, 0x1000),
	       "...as 512 4K leaves in that table, never replacing it");
	report(amdvi_pgtable_unmap(&pt, 0x400000, 0x200000, 1, &fl, NULL) == 0x200000 &&
	       unmapped(&pt, 0x400000, 0x200000), "unmapped again");
	amdvi_pgtable_free_list(&fl);
	report(amdvi_pgtable_map(&pt, 0x600000, 0x2000000, 0x200000, 1, RW, &done) == 0,
	       "2M page at 6M");
	report(amdvi_pgtable_unmap(&pt, 0x602000, 0x1000, 1, &fl, NULL) == 0x200000,
	       "unmap 4K inside it -> the whole 2M reported");
	report(unmapped(&pt, 0x600000, 0x200000), "no part of it stays mapped");
	amdvi_pgtable_free_list(&fl);
	amdvi_pgtable_destroy(&pt);
}

KTEST(amdvi-pgtable, test_amdvi_pgtable_map_rejects_bad_input)
{
	struct amdvi_pgtable pt;
	u64 done = 1, writes;

	report(amdvi_pgtable_init(&pt, 3, (1ULL << 39) - 1) == 0, "3-level table");
	writes = pt.pte_writes;
	report(amdvi_pgtable_map(&pt, 0x1800, 0x1000, 0x1000, 1, RW, &done) == -EINVAL &&
	       done == 0, "unaligned IOVA -> EINVAL");
	report(amdvi_pgtable_map(&pt, 0x1000, 0x1000, 0x3000, 1, RW, &done) == -EINVAL,
	       "page size not a power of two -> EINVAL");
	report(amdvi_pgtable_map(&pt, 0x1000, 0x1000, 0x1000, 1, 0, &done) == -EINVAL,
	       "no permission -> EINVAL");
	report(amdvi_pgtable_map(&pt, 0x7ffffff000ULL, 0x1000, 0x1000, 2, RW, &done) == -ERANGE,
	       "past the 39-bit aperture -> ERANGE");
	report(amdvi_pgtable_map(&pt, ~0xfffULL, 0x1000, 0x1000, 2, RW, &done) == -EOVERFLOW,
	       "range wrapping 2^64 -> EOVERFLOW");
	report(amdvi_pgtable_map(&pt, 0x1000, 1ULL << 52, 0x1000, 1, RW, &done) == -ERANGE,
	       "physical address beyond 52 bits -> ERANGE");
	report(pt.pte_writes == writes && pt.pages == 1, "nothing was written");
	amdvi_pgtable_destroy(&pt);
	report(amdvi_pgtable_init(&pt, 7, ~0ULL) == -EINVAL && amdvi_pgtable_init(&pt, 0, 0) == -EINVAL,
	       "7 or 0 levels -> EINVAL");
}

/* Bug class 49: every entry changes with exactly one 64-bit store. */
KTEST(amdvi-pgtable, test_amdvi_pgtable_one_store_per_entry)
{
	struct amdvi_pgtable pt;
	u64 done, w;
	LIST_HEAD(fl);

	report(amdvi_pgtable_init(&pt, 4, (1ULL << 48) - 1) == 0, "4-level table");
	w = pt.pte_writes;
	amdvi_pgtable_map(&pt, 0x100000, 0x100000, 0x1000, 1, RW, &done);
	report(pt.pte_writes - w == 4, "first 4K map: 3 directory entries + 1 leaf = 4 stores "
	       "(got %llu)", (unsigned long long)(pt.pte_writes - w));
	w = pt.pte_writes;
	amdvi_pgtable_map(&pt, 0x110000, 0x110000, 0x10000, 1, RW, &done);
	report(pt.pte_writes - w == 16, "64K page: 16 replicated entries, 16 stores");
	w = pt.pte_writes;
	amdvi_pgtable_unmap(&pt, 0x110000, 0x10000, 1, &fl, NULL);
	report(pt.pte_writes - w == 16, "its unmap: 16 stores");
	amdvi_pgtable_free_list(&fl);
	amdvi_pgtable_destroy(&pt);
}

/* Bug class 56: freeing a table walks every level, large leaves skipped. */
KTEST(amdvi-pgtable, test_amdvi_pgtable_destroy_frees_every_level)
{
	long before = amdvi_table_pages();
	bool ok = true;

	for (int i = 0; i < 50 && ok; i++) {
		struct amdvi_pgtable pt;
		u64 done;

		int levels = 4 + (i & 1);

		ok &= amdvi_pgtable_init(&pt, levels, (1ULL << (12 + 9 * levels)) - 1) == 0;
		ok &= amdvi_pgtable_map(&pt, 0x1000 * (u64)i, 0x1000, 0x1000, 1, RW, &done) == 0;
		ok &= amdvi_pgtable_map(&pt, 0x40000000, 0x40000000, 0x200000, 3, RW, &done) == 0;
		ok &= amdvi_pgtable_map(&pt, 0x8000000000ULL, 0x40000000, 0x40000000, 1, RW,
					&done) == 0;
		ok &= amdvi_pgtable_map(&pt, 0x7f0000000000ULL, 0x10000, 0x10000, 4, RW,
					&done) == 0;
		amdvi_pgtable_destroy(&pt);
	}
	report(ok, "50 tables of 4 and 5 levels with 4K, 2M, 1G and 64K leaves");
	report(amdvi_table_pages() == before, "table pages back to %ld (now %ld)", before,
	       amdvi_table_pages());
}
