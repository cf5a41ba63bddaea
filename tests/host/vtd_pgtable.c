// SPDX-License-Identifier: MIT
/*
 * Hosted tests of the VT-d page tables and PSI encoder against the memory
 * model (tests/host/vtd_model.c): translations, large pages, tables kept
 * for the next map or freed after the flush, allocation failure, and what
 * a non-coherent walker sees.
 */
#include <stdlib.h>
#include "tests/host/vtd_model.h"
#include "tests/ktest.h"
#include "lib/errno.h"

#define SZ_4K (1UL << 12)
#define SZ_2M (1UL << 21)
#define SZ_1G (1UL << 30)
#define ALL_SIZES (SZ_4K | SZ_2M | SZ_1G)
#define RW (IOMMU_READ | IOMMU_WRITE)

static long pages_held(void)
{
	return model_pages();
}

KTEST_COUNTER(vtd_model_table_pages, pages_held);

static size_t unmap_sync(struct vtd_pgtable *pt, u64 iova, size_t pgsize, size_t count,
			 int *freed)
{
	struct iommu_iotlb_gather g;
	size_t n;

	iommu_iotlb_gather_init(&g);
	n = vtd_pgtable_unmap(pt, iova, pgsize, count, &g);
	*freed = vtd_pgtable_free_gathered(pt, &g);
	return n;
}

/* Does the walker (memory view) translate iova to pa with this page size? */
static bool hw_maps(const struct vtd_pgtable *pt, u64 iova, phys_addr_t pa, size_t pgsize)
{
	size_t sz = 0;
	u64 e = model_hw_lookup(pt, iova, &sz);

	return e && e != MODEL_WALK_BAD && sz == pgsize &&
	       ((e & VTD_PTE_ADDR & ~(u64)(sz - 1)) | (iova & (sz - 1))) == pa;
}

KTEST(vtd-pgtable, test_vtd_pgtable_map_4k_2m_1g)
{
	struct vtd_pgtable pt;
	size_t mapped, sz = 0;
	int freed;

	model_reset();
	report(vtd_pgtable_init(&pt, 3, ALL_SIZES, true) == 0, "3-level table allocated");
	report(vtd_pgtable_map(&pt, 0x1000, 0x5000, SZ_4K, 2, RW, &mapped) == 0 &&
	       mapped == 2 * SZ_4K, "two 4K pages mapped");
	report(vtd_pgtable_map(&pt, 0x40200000, 0x80000000, SZ_2M, 1, IOMMU_READ, &mapped) == 0,
	       "2M page mapped");
	report(vtd_pgtable_map(&pt, 0x80000000, 0x40000000, SZ_1G, 1, RW, &mapped) == 0,
	       "1G page mapped");
	report(vtd_pgtable_iova_to_phys(&pt, 0x2abc) == 0x6abc, "4K: iova_to_phys keeps the offset");
	report(vtd_pgtable_iova_to_phys(&pt, 0x40212345) == 0x80012345,
	       "2M: iova_to_phys inside the large page");
	report(vtd_pgtable_lookup(&pt, 0x40212345, &sz) && sz == SZ_2M, "2M leaf found at level 2");
	report(!(vtd_pgtable_lookup(&pt, 0x40212345, &sz) & VTD_PTE_W), "read-only leaf has no W");
	report(vtd_pgtable_iova_to_phys(&pt, 0xbfffffff) == 0x7fffffff, "1G: last byte translates");
	report(hw_maps(&pt, 0x1000, 0x5000, SZ_4K) && hw_maps(&pt, 0x40200000, 0x80000000, SZ_2M) &&
	       hw_maps(&pt, 0x80000000, 0x40000000, SZ_1G), "the walker sees all three in memory");
	report(vtd_pgtable_iova_to_phys(&pt, 0x3000) == 0, "unmapped neighbour translates to 0");
	report(unmap_sync(&pt, 0x1000, SZ_4K, 2, &freed) == 2 * SZ_4K, "4K pages unmapped");
	report(freed == 0, "their level-1 and level-2 tables stay for the next map (%d freed)",
	       freed);
	report(unmap_sync(&pt, 0x40200000, SZ_2M, 1, &freed) == SZ_2M && freed == 0,
	       "2M page unmapped, its level-2 table kept");
	report(unmap_sync(&pt, 0x80000000, SZ_1G, 1, &freed) == SZ_1G && freed == 0,
	       "1G page unmapped from the root table");
	report(pt.ntables == 4 && model_pages() == 4, "root and the three kept tables are left");
	report(vtd_pgtable_map(&pt, 0, 0x10000000, SZ_4K, 512, RW, &mapped) == 0 &&
	       pt.ntables == 4, "512 4K pages map into the kept level-1 table");
	report(unmap_sync(&pt, 0, SZ_4K, 512, &freed) == SZ_2M && freed == 1 && pt.ntables == 3,
	       "an unmap that clears a whole table frees it (after the flush)");
	vtd_pgtable_destroy(&pt);
	report(model_pages() == 0, "destroy frees every table");
}

/*
 * The 4K-leaf hint (a 4K map or unmap in the same 2 MiB as the last walk
 * skips the walk down) never outlives its table's link: freed by a
 * whole-table unmap, or replaced by a 2M page, the next 4K map builds and
 * links a new table the walker sees.
 */
KTEST(vtd-pgtable, test_vtd_pgtable_leaf_hint_follows_unlinks)
{
	struct vtd_pgtable pt;
	size_t mapped;
	int freed;

	model_reset();
	vtd_pgtable_init(&pt, 4, SZ_4K | SZ_2M, true);
	report(vtd_pgtable_map(&pt, 0x200000, 0x1000000, SZ_4K, 512, RW, &mapped) == 0 &&
	       unmap_sync(&pt, 0x200000, SZ_4K, 512, &freed) == SZ_2M && freed == 1,
	       "a whole leaf table mapped and unmapped: freed");
	report(vtd_pgtable_map(&pt, 0x201000, 0x3000000, SZ_4K, 1, RW, &mapped) == 0 &&
	       hw_maps(&pt, 0x201000, 0x3000000, SZ_4K) && pt.ntables == 4,
	       "a 4K map there links a new table the walker sees");
	report(unmap_sync(&pt, 0x201000, SZ_4K, 1, &freed) == SZ_4K && freed == 0,
	       "its unmap keeps the table");
	report(vtd_pgtable_map(&pt, 0x200000, 0x4000000, SZ_2M, 1, RW, &mapped) == 0 &&
	       hw_maps(&pt, 0x200000, 0x4000000, SZ_2M), "a 2M page replaces the empty table");
	report(unmap_sync(&pt, 0x200000, SZ_2M, 1, &freed) == SZ_2M &&
	       vtd_pgtable_map(&pt, 0x202000, 0x5000000, SZ_4K, 1, RW, &mapped) == 0 &&
	       hw_maps(&pt, 0x202000, 0x5000000, SZ_4K), "after it, a 4K map links a new table");
	vtd_pgtable_destroy(&pt);
	report(model_pages() == 0, "destroy frees every table");
}

KTEST(vtd-pgtable, test_vtd_pgtable_map_rejects_bad_requests)
{
	struct vtd_pgtable pt;
	size_t mapped;
	int freed;

	model_reset();
	vtd_pgtable_init(&pt, 3, SZ_4K | SZ_2M, true);
	report(vtd_pgtable_map(&pt, 0x1000, 0x2000, SZ_4K, 1, 0, &mapped) == -EINVAL,
	       "no READ/WRITE -> EINVAL");
	report(vtd_pgtable_map(&pt, 0x1800, 0x2000, SZ_4K, 1, RW, &mapped) == -EINVAL,
	       "unaligned IOVA -> EINVAL");
	report(vtd_pgtable_map(&pt, 0, 0, SZ_1G, 1, RW, &mapped) == -EINVAL,
	       "1G when SLLPS lacks it -> EINVAL");
	report(vtd_pgtable_map(&pt, 1ULL << 39, 0, SZ_4K, 1, RW, &mapped) == -ERANGE,
	       "IOVA at 2^39 on a 3-level table -> ERANGE");
	report(vtd_pgtable_map(&pt, (1ULL << 39) - SZ_4K, 0, SZ_4K, 2, RW, &mapped) == -ERANGE,
	       "range crossing 2^39 -> ERANGE");
	report(vtd_pgtable_map(&pt, 0x200000, 0x1000000, SZ_4K, 4, RW, &mapped) == 0, "4 pages mapped");
	report(vtd_pgtable_map(&pt, 0x1fe000, 0x2000000, SZ_4K, 4, RW, &mapped) == -EEXIST &&
	       mapped == 2 * SZ_4K, "overlap -> EEXIST after the 2 free pages (mapped=%zu)", mapped);
	report(vtd_pgtable_map(&pt, 0x200000, 0x4000000, SZ_2M, 1, RW, &mapped) == -EEXIST,
	       "2M over a live level-1 table -> EEXIST");
	report(vtd_pgtable_iova_to_phys(&pt, 0x201000) == 0x1001000, "the old mapping is intact");
	report(unmap_sync(&pt, 0x1fe000, SZ_4K, 6, &freed) == 6 * SZ_4K, "all 6 pages unmapped");
	report(pt.ntables == 4 && freed == 0, "their three tables kept for the next map (%ld)",
	       pt.ntables);
	vtd_pgtable_destroy(&pt);
}

KTEST(vtd-pgtable, test_vtd_pgtable_superpage_after_4k_unmap)
{
	struct vtd_pgtable pt;
	struct iommu_iotlb_gather g;
	size_t mapped;
	long before;

	model_reset();
	vtd_pgtable_init(&pt, 3, ALL_SIZES, true);
	report(vtd_pgtable_map(&pt, 0, 0x10000000, SZ_4K, 512, RW, &mapped) == 0,
	       "512 4K pages fill [0, 2M)");
	/* a neighbour keeps the level-2 table alive */
	vtd_pgtable_map(&pt, 0x200000, 0x30000000, SZ_4K, 1, RW, &mapped);
	before = model_pages();
	iommu_iotlb_gather_init(&g);
	report(vtd_pgtable_unmap(&pt, 0, SZ_4K, 512, &g) == SZ_2M, "all of them unmapped");
	report(model_pages() == before, "the emptied table is not freed before the flush");
	report(vtd_pgtable_map(&pt, 0, 0x20000000, SZ_2M, 1, RW, &mapped) == 0,
	       "2M superpage installs where the table was");
	report(hw_maps(&pt, 0x1ff000, 0x201ff000, SZ_2M), "0x1ff000 walks to the new large page");
	report(vtd_pgtable_free_gathered(&pt, &g) == 1 && model_pages() == before - 1,
	       "old level-1 table freed after the flush");
	report(hw_maps(&pt, 0x1ff000, 0x201ff000, SZ_2M), "still the large page afterwards");
	report(vtd_pgtable_iova_to_phys(&pt, 0x200000) == 0x30000000, "the neighbour is intact");
	vtd_pgtable_destroy(&pt);
}

/*
 * One unmap over a 2M leaf, a table of 4K leaves, then a 2M leaf: the
 * gathered range (what the IOTLB invalidation covers) spans all three.
 * The level-2 leaves are gathered once per table, around the table
 * between them.
 */
KTEST(vtd-pgtable, test_vtd_pgtable_unmap_gathers_every_leaf)
{
	struct vtd_pgtable pt;
	struct iommu_iotlb_gather g;
	size_t mapped;

	model_reset();
	vtd_pgtable_init(&pt, 3, ALL_SIZES, true);
	vtd_pgtable_map(&pt, 0, 0x40000000, SZ_2M, 1, RW, &mapped);
	vtd_pgtable_map(&pt, SZ_2M, 0x50000000, SZ_4K, 512, RW, &mapped);
	vtd_pgtable_map(&pt, 2 * SZ_2M, 0x60000000, SZ_2M, 1, RW, &mapped);
	iommu_iotlb_gather_init(&g);
	report(vtd_pgtable_unmap(&pt, 0, SZ_4K, 3 * 512, &g) == 3 * SZ_2M,
	       "2M leaf, 512 4K leaves, 2M leaf: all 6M unmapped");
	report(g.start == 0 && g.end == 3 * SZ_2M - 1,
	       "the gather covers [0, 6M): [%#lx, %#lx]", g.start, g.end);
	report(g.pgsize == SZ_2M, "its largest page is 2M (%#zx)", g.pgsize);
	vtd_pgtable_free_gathered(&pt, &g);
	vtd_pgtable_destroy(&pt);
}

KTEST(vtd-pgtable, test_vtd_pgtable_unmap_inside_superpage)
{
	struct vtd_pgtable pt;
	size_t mapped;
	int freed;

	model_reset();
	vtd_pgtable_init(&pt, 3, ALL_SIZES, true);
	vtd_pgtable_map(&pt, 0x400000, 0x800000, SZ_2M, 1, RW, &mapped);
	report(vtd_pgtable_iova_to_phys(&pt, 0x401234) == 0x801234,
	       "iova_to_phys inside the 2M page keeps the offset");
	report(unmap_sync(&pt, 0x401000, SZ_4K, 1, &freed) == 0,
	       "4K unmap at +0x1000 is refused (a large page is never split)");
	report(vtd_pgtable_iova_to_phys(&pt, 0x401234) == 0x801234, "and the page stays mapped");
	report(unmap_sync(&pt, 0x400000, SZ_4K, 1, &freed) == SZ_2M,
	       "4K unmap at the start removes the whole 2M page and says so");
	report(vtd_pgtable_iova_to_phys(&pt, 0x5ff000) == 0, "nothing left in the range");
	vtd_pgtable_destroy(&pt);
}

KTEST(vtd-pgtable, test_vtd_pgtable_unmap_hole_has_no_side_effects)
{
	struct vtd_pgtable pt;
	size_t mapped;
	int freed;
	long before;

	model_reset();
	vtd_pgtable_init(&pt, 4, ALL_SIZES, true);
	vtd_pgtable_map(&pt, 0x200000, 0x1000, SZ_4K, 1, RW, &mapped);
	before = model_pages();
	report(unmap_sync(&pt, 1ULL << 45, SZ_4K, 1, &freed) == 0, "unmap far above: 0 bytes");
	report(unmap_sync(&pt, 0x201000, SZ_4K, 1, &freed) == 0,
	       "unmap of a hole inside a populated table: 0 bytes");
	report(unmap_sync(&pt, 1ULL << 48, SZ_4K, 1, &freed) == 0, "unmap beyond the width: 0 bytes");
	report(model_pages() == before && freed == 0, "no table allocated or freed");
	report(vtd_pgtable_iova_to_phys(&pt, 0x200000) == 0x1000, "the mapping is intact");
	report(unmap_sync(&pt, 0x1ff000, SZ_4K, 3, &freed) == 0,
	       "unmap starting at a hole stops there (0 bytes)");
	vtd_pgtable_destroy(&pt);
}

KTEST(vtd-pgtable, test_vtd_pgtable_enomem_leaves_tree_unchanged)
{
	struct vtd_pgtable pt;
	size_t mapped;
	bool clean = true;
	int freed;

	model_reset();
	vtd_pgtable_init(&pt, 4, ALL_SIZES, true);
	/* a 4K map at a fresh address needs three new tables under a 4-level root */
	for (int nth = 1; nth <= 3; nth++) {
		long before = model_pages();

		model_fail_nth(nth);
		clean &= vtd_pgtable_map(&pt, 0x8000000000ULL, 0x1000, SZ_4K, 1, RW, &mapped) ==
			 -ENOMEM && mapped == 0;
		clean &= model_pages() == before && pt.ntables == before;
		clean &= model_hw_lookup(&pt, 0x8000000000ULL, &mapped) == 0;
		clean &= unmap_sync(&pt, 0x8000000000ULL, SZ_4K, 1, &freed) == 0 && !freed;
	}
	model_fail_nth(0);
	report(clean, "failing table allocation 1, 2 or 3 leaves no table behind");
	report(vtd_pgtable_map(&pt, 0x8000000000ULL, 0x1000, SZ_4K, 1, RW, &mapped) == 0 &&
	       pt.ntables == 4, "the same map succeeds afterwards with 3 new tables");
	unmap_sync(&pt, 0x8000000000ULL, SZ_4K, 1, &freed);
	report(freed == 0 && pt.ntables == 4, "and its unmap keeps all three");
	model_fail_nth(1);
	report(vtd_pgtable_map(&pt, 0x8000000000ULL, 0x1000, SZ_4K, 1, RW, &mapped) == 0,
	       "the next map there allocates nothing (it would have failed)");
	model_fail_nth(0);
	unmap_sync(&pt, 0x8000000000ULL, SZ_4K, 1, &freed);
	vtd_pgtable_destroy(&pt);
}

KTEST(vtd-pgtable, test_vtd_pgtable_noncoherent_walker_sees_every_store)
{
	struct vtd_pgtable pt;
	size_t mapped;
	long lines;
	int freed;

	model_reset();
	vtd_pgtable_init(&pt, 3, ALL_SIZES, true);
	report(model_dirty_lines() == 0, "a new root is written back (zeroes reach memory)");
	lines = model_flushed_lines();
	vtd_pgtable_map(&pt, 0, 0x100000, SZ_4K, 8, RW, &mapped);
	report(model_dirty_lines() == 0, "after map: no line differs between CPU and memory");
	/* two new tables (64 lines each), two parent entries, one line of 8 PTEs */
	report(model_flushed_lines() - lines == 2 * 64 + 2 + 1,
	       "exactly one flush per modified line (%ld)", model_flushed_lines() - lines);
	report(hw_maps(&pt, 0x7000, 0x107000, SZ_4K), "the walker translates the last page");
	unmap_sync(&pt, 0, SZ_4K, 4, &freed);
	report(model_dirty_lines() == 0 && model_hw_lookup(&pt, 0x3000, &mapped) == 0,
	       "after unmap: cleared entries reached memory");
	vtd_pgtable_destroy(&pt);

	/* the same with flushing off: the model must notice (the check can fail) */
	model_reset();
	vtd_pgtable_init(&pt, 3, ALL_SIZES, false);
	vtd_pgtable_map(&pt, 0, 0x100000, SZ_4K, 1, RW, &mapped);
	report(model_dirty_lines() > 0 && !hw_maps(&pt, 0, 0x100000, SZ_4K),
	       "without flushes the walker does not see the map (model is sensitive)");
	vtd_pgtable_set_flush(&pt);
	report(model_dirty_lines() == 0 && hw_maps(&pt, 0, 0x100000, SZ_4K),
	       "set_flush writes every table back");
	unmap_sync(&pt, 0, SZ_4K, 1, &freed);
	vtd_pgtable_destroy(&pt);
}

KTEST(vtd-pgtable, test_vtd_pgtable_levels_and_widths)
{
	static const struct { int levels; unsigned int width; } rows[] = {
		{ 3, 39 }, { 4, 48 }, { 5, 57 },
	};
	bool ok = true;

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct vtd_pgtable pt;
		u64 top = (1ULL << rows[i].width) - SZ_4K;
		size_t mapped;
		int freed;

		model_reset();
		ok &= vtd_pgtable_init(&pt, rows[i].levels, ALL_SIZES, true) == 0;
		ok &= vtd_pgtable_width(rows[i].levels) == rows[i].width;
		ok &= vtd_pgtable_map(&pt, top, 0x1000, SZ_4K, 1, RW, &mapped) == 0;
		ok &= hw_maps(&pt, top, 0x1000, SZ_4K);
		ok &= pt.ntables == rows[i].levels;
		ok &= vtd_pgtable_map(&pt, top + SZ_4K, 0x1000, SZ_4K, 1, RW, &mapped) == -ERANGE;
		ok &= unmap_sync(&pt, top, SZ_4K, 1, &freed) == SZ_4K && freed == 0;
		ok &= pt.ntables == rows[i].levels;
		vtd_pgtable_destroy(&pt);
		report(ok, "%d levels: the last 4K below 2^%u maps through %d tables", rows[i].levels,
		       rows[i].width, rows[i].levels);
	}
	report(vtd_pgtable_init(&(struct vtd_pgtable){ 0 }, 2, SZ_4K, true) == -EINVAL,
	       "2 levels refused");
}

/* A random sequence of maps and unmaps against a model of what is mapped. */
KTEST(vtd-pgtable, test_vtd_pgtable_random_against_model)
{
	enum { SLOTS = 64 };
	static const size_t sizes[] = { SZ_4K, SZ_2M, SZ_1G };
	struct { u64 iova; phys_addr_t pa; size_t sz, n; } m[SLOTS] = { 0 };
	struct vtd_pgtable pt;
	int bad = 0, freed, ops = 2000 * (int)ktest_loops();

	model_reset();
	vtd_pgtable_init(&pt, 4, ALL_SIZES, true);
	for (int op = 0; op < ops; op++) {
		int s = (int)(ktest_rand() % SLOTS);
		size_t mapped;

		if (m[s].n) {
			bad += unmap_sync(&pt, m[s].iova, m[s].sz, m[s].n, &freed) != m[s].sz * m[s].n;
			bad += vtd_pgtable_iova_to_phys(&pt, m[s].iova) != 0;
			m[s].n = 0;
			continue;
		}
		/* slot s owns IOVA [s * 64G, (s + 1) * 64G) so slots never overlap */
		m[s].sz = sizes[ktest_rand() % 3];
		m[s].n = 1 + ktest_rand() % (m[s].sz == SZ_1G ? 2 : 5);
		m[s].iova = ((u64)s << 36) + (ktest_rand() % 2) * m[s].sz * 8;
		m[s].pa = (ktest_rand() % 64) * SZ_1G;
		bad += vtd_pgtable_map(&pt, m[s].iova, m[s].pa, m[s].sz, m[s].n, RW, &mapped) != 0;
		for (size_t k = 0; k < m[s].n; k++) {
			u64 off = k * m[s].sz + (ktest_rand() % m[s].sz & ~0xfffUL);

			bad += !hw_maps(&pt, m[s].iova + off, m[s].pa + off, m[s].sz);
		}
	}
	report(bad == 0, "%d random operations agree with the model (%d mismatches)", ops, bad);
	for (int s = 0; s < SLOTS; s++)
		if (m[s].n)
			unmap_sync(&pt, m[s].iova, m[s].sz, m[s].n, &freed);
	{
		struct list_head stale;	/* what a caller frees after its flush */

		vtd_pgtable_take_stale(&pt, &stale);
		vtd_pgtable_free_list(&pt, &stale);
	}
	report(model_dirty_lines() == 0, "after unmapping everything all is written back");
	/* a 1G page goes over whatever tables the slot kept: they map nothing now */
	for (int s = 0; s < SLOTS; s++) {
		size_t mapped;

		bad += vtd_pgtable_map(&pt, (u64)s << 36, 0, SZ_1G, 1, RW, &mapped) != 0;
		bad += !hw_maps(&pt, ((u64)s << 36) + SZ_2M, SZ_2M, SZ_1G);
	}
	report(bad == 0, "a 1G page maps over every slot's kept tables (%d wrong)", bad);
	vtd_pgtable_destroy(&pt);
	report(model_pages() == 0, "destroy frees every table, replaced ones too");
}

KTEST(vtd-pgtable, test_vtd_pgtable_large_page_replaces_kept_table)
{
	struct vtd_pgtable pt;
	struct list_head stale;
	size_t mapped;
	long before;
	int freed;

	model_reset();
	vtd_pgtable_init(&pt, 3, ALL_SIZES, true);
	vtd_pgtable_map(&pt, 0x5000, 0x1000, SZ_4K, 1, RW, &mapped);
	vtd_pgtable_map(&pt, 0x200000, 0x2000, SZ_4K, 1, RW, &mapped);
	unmap_sync(&pt, 0x5000, SZ_4K, 1, &freed);
	before = model_pages();
	report(vtd_pgtable_map(&pt, 0, 0x40000000, SZ_2M, 1, RW, &mapped) == 0,
	       "a 2M page maps where an emptied level-1 table was kept");
	report(hw_maps(&pt, 0x5000, 0x40005000, SZ_2M), "the walker sees the large page");
	report(model_pages() == before, "the replaced table is not freed before a flush");
	report(vtd_pgtable_map(&pt, 0x200000, 0x40000000, SZ_2M, 1, RW, &mapped) == -EEXIST,
	       "a table that still maps a page is never replaced (EEXIST)");
	report(vtd_pgtable_iova_to_phys(&pt, 0x200000) == 0x2000, "and that page stays");
	vtd_pgtable_take_stale(&pt, &stale);
	report(vtd_pgtable_free_list(&pt, &stale) == 1 && model_pages() == before - 1,
	       "the replaced table is freed once the caller has flushed");
	vtd_pgtable_destroy(&pt);
}

/* Is [b, b + 2^am) the smallest aligned block covering [pfn, pfn + n)? */
static bool psi_ok(u64 pfn, u64 n, unsigned int mamv)
{
	u64 base = ~0ULL, last = pfn + n - 1;
	int am = vtd_psi_encode(pfn, n, mamv, &base);
	unsigned int need = 0;

	while ((pfn >> need) != (last >> need))
		need++;
	if (need > mamv)
		return am == -1 && base == 0;
	if (am < 0 || (unsigned int)am != need || base & ((1ULL << am) - 1))
		return false;
	return base <= pfn && last <= base + (1ULL << am) - 1;
}

KTEST(vtd-pgtable, test_vtd_psi_encoder_all_ranges)
{
	static const unsigned int mamvs[] = { 0, 9, 18, 63 };
	long bad = 0, checked = 0;

	for (size_t k = 0; k < ARRAY_SIZE(mamvs); k++) {
		/* every range inside the first 1024 pages */
		for (u64 pfn = 0; pfn < 1024; pfn++)
			for (u64 n = 1; pfn + n <= 1024; n++, checked++)
				bad += !psi_ok(pfn, n, mamvs[k]);
		/* every length up to 2^20 pages, at aligned, odd and boundary-straddling starts */
		for (u64 n = 1; n <= (1u << 20); n++) {
			u64 starts[] = { 0, 1, (1ULL << 20) - 1, 0x123456789ULL,
					 (1ULL << (ilog2_u64(n) + 1)) - 1 };

			for (size_t s = 0; s < ARRAY_SIZE(starts); s++, checked++)
				bad += !psi_ok(starts[s], n, mamvs[k]);
		}
	}
	report(bad == 0, "%ld (pfn, npages, mamv) cases: aligned, covering, minimal, "
	       "and -1 exactly when AM would exceed MAMV (%ld wrong)", checked, bad);
	{
		u64 base;

		report(vtd_psi_encode(0x1ff, 2, 18, &base) == 10 && base == 0,
		       "2 pages across a 512-page boundary need AM 10 from 0");
		report(vtd_psi_encode(0x200, 512, 18, &base) == 9 && base == 0x200,
		       "an aligned 2M range is AM 9");
		base = ~0ULL;
		report(vtd_psi_encode(0x1ff, 2, 9, &base) == -1 && base == 0,
		       "the same 2 pages with MAMV 9 fall back to domain-selective, base 0");
	}
}
