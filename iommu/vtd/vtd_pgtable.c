// SPDX-License-Identifier: MIT
/*
 * VT-d page tables, second stage (spec 4.1 ch. 9.8, 3.7) and first stage
 * (9.7, 3.6): map/unmap with 4K/2M/1G leaves, lookup, second-stage dirty
 * bits, tables an unmap clears whole freed after the flush (others kept for
 * the next map), the PSI encoder. Pure logic
 * (memory through vtd_table_*), so it builds hosted.
 */
#include "iommu/vtd/vtd_pgtable.h"
#include "lib/errno.h"
#include "lib/list.h"

/*
 * An emptied table page is unlinked from its parent but stays untouched
 * until the flush, so a walker holding a stale pointer to it reads only
 * non-present entries. Its first 16 bytes then hold the gather list link:
 * two pointers, 8-byte aligned, so bits R and W of both "entries" are 0 and
 * they still read as not present.
 */
BUILD_BUG_ON(_Alignof(struct list_head) < 4);

static u64 *tva(phys_addr_t pa)
{
	return vtd_table_va(pa);
}

static unsigned int pt_index(u64 iova, int level)
{
	return (unsigned int)(iova >> VTD_LEVEL_SHIFT(level)) & (VTD_PT_ENTRIES - 1);
}

/* Second stage: R or W; first stage: P (bit 0, where R is). */
static bool pte_present(const struct vtd_pgtable *pt, u64 e)
{
	return e & (pt->fmt == VTD_FMT_FS ? VTD_FS_P : VTD_PTE_R | VTD_PTE_W);
}

bool vtd_pte_present(const struct vtd_pgtable *pt, u64 e)
{
	return pte_present(pt, e);
}

/* A link to a lower table: everything allowed, the leaf decides. */
static u64 pte_table(const struct vtd_pgtable *pt, phys_addr_t pa)
{
	if (pt->fmt == VTD_FMT_FS)
		return pa | VTD_FS_P | VTD_FS_RW | VTD_FS_US | VTD_FS_A;
	return pa | VTD_PTE_R | VTD_PTE_W;
}

/*
 * Leaf bits for prot. First stage cannot say write-only (P is read): a
 * write mapping is read-write. A and D come set, so the walker never has
 * to write them back; requests are user requests (U/S at every level).
 */
static u64 pte_leaf_bits(const struct vtd_pgtable *pt, int prot, int level)
{
	u64 b = level > 1 ? VTD_PTE_PS : 0;	/* bit 7 in both formats */

	if (pt->fmt == VTD_FMT_FS) {
		b |= VTD_FS_P | VTD_FS_US | VTD_FS_A;
		if (prot & IOMMU_WRITE)
			b |= VTD_FS_RW | VTD_FS_D;
		if (prot & IOMMU_NOEXEC)
			b |= VTD_FS_XD;
		return b;
	}
	return b | (prot & IOMMU_READ ? VTD_PTE_R : 0) | (prot & IOMMU_WRITE ? VTD_PTE_W : 0) |
	       (prot & IOMMU_CACHE ? pt->snoop : 0);
}

static bool pte_leaf(u64 e, int level)
{
	return level == 1 || (e & VTD_PTE_PS);
}

static int pgsize_level(size_t pgsize)
{
	for (int l = 1; l <= 3; l++)
		if (pgsize == 1UL << VTD_LEVEL_SHIFT(l))
			return l;
	return 0;
}

/* The hinted 4K-leaf table of iova, or NULL (walk down). */
static u64 *leaf_hint(const struct vtd_pgtable *pt, u64 iova)
{
	return pt->leaf && iova >> VTD_LEVEL_SHIFT(2) == pt->leaf_tag ? pt->leaf : NULL;
}

static void set_leaf_hint(struct vtd_pgtable *pt, u64 iova, u64 *t)
{
	pt->leaf = t;
	pt->leaf_tag = iova >> VTD_LEVEL_SHIFT(2);
}

/* Write back entries [first, first + n) when the walker is not coherent. */
static void flush_entries(const struct vtd_pgtable *pt, const u64 *first, size_t n)
{
	if (pt->flush && n)
		vtd_cache_flush(first, n * sizeof(u64));
}

static void *table_new(struct vtd_pgtable *pt, phys_addr_t *pa)
{
	void *t = vtd_table_alloc(pa);

	if (!t)
		return NULL;
	pt->ntables++;
	/* the zeroes are in the CPU cache; the walker must see them in memory */
	flush_entries(pt, t, VTD_PT_ENTRIES);
	return t;
}

static void table_put(struct vtd_pgtable *pt, phys_addr_t pa)
{
	vtd_table_free(pa);
	pt->ntables--;
}

int vtd_pgtable_init_fmt(struct vtd_pgtable *pt, enum vtd_pt_fmt fmt, int levels, u64 pgsizes,
			 bool flush)
{
	if (levels < (fmt == VTD_FMT_FS ? 4 : VTD_MIN_LEVELS) || levels > VTD_MAX_LEVELS ||
	    !(pgsizes & (1UL << 12)))
		return -EINVAL;
	pt->levels = levels;
	pt->fmt = fmt;
	/* first stage: the upper half of the canonical space is never used */
	pt->width = vtd_pgtable_width(levels) - (fmt == VTD_FMT_FS);
	pt->pgsizes = pgsizes & (BIT(12) | BIT(21) | BIT(30));
	pt->snoop = 0;
	pt->flush = flush;
	pt->ntables = 0;
	pt->leaf = NULL;
	INIT_LIST_HEAD(&pt->stale);
	return table_new(pt, &pt->root) ? 0 : -ENOMEM;
}

int vtd_pgtable_init(struct vtd_pgtable *pt, int levels, u64 pgsizes, bool flush)
{
	return vtd_pgtable_init_fmt(pt, VTD_FMT_SS, levels, pgsizes, flush);
}

static void free_tree(struct vtd_pgtable *pt, phys_addr_t pa, int level)
{
	u64 *t = tva(pa);

	for (int i = 0; level > 1 && i < VTD_PT_ENTRIES; i++)
		if (pte_present(pt, t[i]) && !pte_leaf(t[i], level))
			free_tree(pt, t[i] & VTD_PTE_ADDR, level - 1);
	table_put(pt, pa);
}

void vtd_pgtable_destroy(struct vtd_pgtable *pt)
{
	struct list_head stale;

	vtd_pgtable_take_stale(pt, &stale);
	vtd_pgtable_free_list(pt, &stale);
	pt->leaf = NULL;
	if (pt->root)
		free_tree(pt, pt->root, pt->levels);
	pt->root = 0;
}

static void flush_tree(struct vtd_pgtable *pt, phys_addr_t pa, int level)
{
	u64 *t = tva(pa);

	flush_entries(pt, t, VTD_PT_ENTRIES);
	for (int i = 0; level > 1 && i < VTD_PT_ENTRIES; i++)
		if (pte_present(pt, t[i]) && !pte_leaf(t[i], level))
			flush_tree(pt, t[i] & VTD_PTE_ADDR, level - 1);
}

void vtd_pgtable_set_flush(struct vtd_pgtable *pt)
{
	if (pt->flush)
		return;
	pt->flush = true;
	flush_tree(pt, pt->root, pt->levels);
}

/*
 * The table at 'level' that holds iova's entry, creating missing tables on
 * the way. New tables are chained first and linked with one store, so an
 * allocation failure leaves the tree untouched. -EEXIST: a large page
 * covers iova above 'level'.
 */
static int walk_alloc(struct vtd_pgtable *pt, u64 iova, int level, u64 **out)
{
	phys_addr_t newpa[VTD_MAX_LEVELS];
	u64 *t = level == 1 ? leaf_hint(pt, iova) : NULL, *slot = NULL;
	int l, nnew = 0;

	if (t) {
		*out = t;
		return 0;
	}
	t = tva(pt->root);
	for (l = pt->levels; l > level; l--) {
		u64 e = t[pt_index(iova, l)];

		if (!pte_present(pt, e)) {
			slot = &t[pt_index(iova, l)];
			break;
		}
		if (pte_leaf(e, l))
			return -EEXIST;
		t = tva(e & VTD_PTE_ADDR);
	}
	if (!slot) {
		if (level == 1)
			set_leaf_hint(pt, iova, t);
		*out = t;
		return 0;
	}
	/* tables for levels l - 1 down to 'level' */
	for (int k = l - 1; k >= level; k--, nnew++) {
		if (!table_new(pt, &newpa[nnew])) {
			while (nnew--)
				table_put(pt, newpa[nnew]);
			return -ENOMEM;
		}
	}
	for (int k = nnew - 1; k > 0; k--) {
		u64 *parent = tva(newpa[k - 1]);
		u64 *e = &parent[pt_index(iova, l - k)];

		*e = pte_table(pt, newpa[k]);
		flush_entries(pt, e, 1);
	}
	WRITE_ONCE(*slot, pte_table(pt, newpa[0]));
	flush_entries(pt, slot, 1);
	*out = tva(newpa[nnew - 1]);
	if (level == 1)
		set_leaf_hint(pt, iova, *out);
	return 0;
}

/* Whether the tables below entry e of a table at 'level' map nothing at all. */
static bool subtree_empty(u64 e, int level)
{
	const u64 *t = tva(e & VTD_PTE_ADDR);

	for (int i = 0; i < VTD_PT_ENTRIES; i++) {
		if (!t[i])
			continue;
		if (level == 2 || pte_leaf(t[i], level - 1) || !subtree_empty(t[i], level - 1))
			return false;
	}
	return true;
}

/* Put the tables below e (children first) on pt->stale; they stay intact until freed. */
static void make_stale(struct vtd_pgtable *pt, u64 e, int level)
{
	u64 *t = tva(e & VTD_PTE_ADDR);

	for (int i = 0; level > 2 && i < VTD_PT_ENTRIES; i++)
		if (t[i])
			make_stale(pt, t[i], level - 1);
	list_add_tail((struct list_head *)t, &pt->stale);
}

/*
 * The slot of a large page at 'level' holds a table: take it (to
 * pt->stale) when it maps nothing, so the large page can go there. A
 * walker may have cached it: it is freed only after a full invalidation.
 */
static bool replace_empty_table(struct vtd_pgtable *pt, u64 *slot, int level)
{
	u64 e = *slot;

	if (level == 1 || !pte_present(pt, e) || pte_leaf(e, level) || !subtree_empty(e, level))
		return false;
	WRITE_ONCE(*slot, 0);
	pt->leaf = NULL;	/* it may be below */
	make_stale(pt, e, level);
	return true;
}

/*
 * Write n leaves pte, pte + step, ... into the entries from e on while
 * they are empty (a bulk map's every entry); how many it wrote. The caller
 * deals with the first entry in use.
 */
static size_t fill_empty(u64 *e, size_t n, u64 pte, u64 step)
{
	u64 *end = e + n, *first = e;

	for (; e < end && !*e; e++, pte += step)
		WRITE_ONCE(*e, pte);
	return (size_t)(e - first);
}

int vtd_pgtable_map(struct vtd_pgtable *pt, u64 iova, phys_addr_t pa, size_t pgsize,
		    size_t count, int prot, size_t *mapped)
{
	int level = pgsize_level(pgsize);
	u64 size, last, bits;

	*mapped = 0;
	if (!level || !(pt->pgsizes & pgsize) || !count || !(prot & (IOMMU_READ | IOMMU_WRITE)) ||
	    !IS_ALIGNED(iova | pa, pgsize) || (pa & ~VTD_PTE_ADDR))
		return -EINVAL;
	if (check_mul_overflow((u64)pgsize, (u64)count, &size) ||
	    check_add_overflow(iova, size - 1, &last) || last >> pt->width ||
	    (pa + size - 1) & ~(VTD_PTE_ADDR | 0xfffULL))
		return -ERANGE;
	bits = pte_leaf_bits(pt, prot, level);
	while (count) {
		u64 *t;
		unsigned int i;
		size_t n, k;
		int ret = walk_alloc(pt, iova, level, &t);

		if (ret)
			return ret;
		i = pt_index(iova, level);
		n = min(count, (size_t)(VTD_PT_ENTRIES - i));
		k = fill_empty(&t[i], n, pa | bits, pgsize);
		for (; k < n; k++) {
			if (t[i + k] && !replace_empty_table(pt, &t[i + k], level))
				break;
			WRITE_ONCE(t[i + k], (pa + k * pgsize) | bits);
		}
		flush_entries(pt, &t[i], k);
		*mapped += k * pgsize;
		if (k < n)
			return -EEXIST;
		iova += n * pgsize;
		pa += n * pgsize;
		count -= n;
	}
	return 0;
}

struct unmap_walk {
	u64 iova;		/* next address to unmap */
	u64 last;		/* last address requested */
	size_t done;
	struct iommu_iotlb_gather *gather;
};

/* Unmap from w->iova inside table t at level; false when stopped early. */
static bool unmap_level(struct vtd_pgtable *pt, u64 *t, int level, struct unmap_walk *w)
{
	unsigned int i = pt_index(w->iova, level), first = VTD_PT_ENTRIES, last = 0;
	/* the leaves cleared here are gathered once, [leaves_from, leaves_to) */
	u64 sz = 1ULL << VTD_LEVEL_SHIFT(level), leaves_from = 0, leaves_to = 0;
	bool go = true;

	for (; i < VTD_PT_ENTRIES && w->iova <= w->last && go; i++) {
		u64 e = t[i];
		u64 *child;
		bool whole;

		if (!pte_present(pt, e) || (pte_leaf(e, level) && (w->iova & (sz - 1)))) {
			go = false;
			break;
		}
		if (pte_leaf(e, level)) {
			WRITE_ONCE(t[i], 0);
			first = min(first, i);
			last = i;
			if (leaves_to == leaves_from)
				leaves_from = w->iova;
			w->iova += sz;
			w->done += sz;
			leaves_to = w->iova;	/* tables between leaves add their own */
			continue;
		}
		/*
		 * A table goes only when this unmap clears all it translates (as
		 * Linux's driver does): no scan for emptiness, and the tables a
		 * 4K map/unmap pair needs stay for the next map.
		 */
		whole = !(w->iova & (sz - 1)) && w->last - w->iova >= sz - 1;
		child = tva(e & VTD_PTE_ADDR);
		go = unmap_level(pt, child, level - 1, w);
		if (whole && go) {
			WRITE_ONCE(t[i], 0);
			pt->leaf = NULL;	/* it may be below */
			first = min(first, i);
			last = i;
			list_add_tail((struct list_head *)child, &w->gather->freelist);
		}
	}
	if (leaves_to != leaves_from) {
		iommu_iotlb_gather_add_range(w->gather, leaves_from, leaves_to - leaves_from);
		w->gather->pgsize = max(w->gather->pgsize, (size_t)sz);
	}
	/* write back only the entries cleared here, not the ones walked through */
	if (first <= last)
		flush_entries(pt, &t[first], last - first + 1);
	return go;
}

/*
 * [iova, last] as leaves of one table at level, fewer than the table holds
 * (so no table would be freed), every one present: cleared in one walk
 * down. 0 when the range is anything else; the general walk takes it.
 */
static size_t unmap_in_one_table(struct vtd_pgtable *pt, u64 iova, u64 last, int level,
				 struct iommu_iotlb_gather *gather)
{
	u64 sz = 1ULL << VTD_LEVEL_SHIFT(level), *t;
	unsigned int i = pt_index(iova, level), n;

	if (!level || level >= pt->levels || (iova & (sz - 1)) || ((last + 1) & (sz - 1)) ||
	    last - iova >= (VTD_PT_ENTRIES - 1) * sz ||
	    iova >> VTD_LEVEL_SHIFT(level + 1) != last >> VTD_LEVEL_SHIFT(level + 1))
		return 0;
	t = level == 1 ? leaf_hint(pt, iova) : NULL;
	if (!t) {
		t = tva(pt->root);
		for (int l = pt->levels; l > level; l--) {
			u64 e = t[pt_index(iova, l)];

			if (!pte_present(pt, e) || pte_leaf(e, l))
				return 0;
			t = tva(e & VTD_PTE_ADDR);
		}
		if (level == 1)
			set_leaf_hint(pt, iova, t);
	}
	n = (unsigned int)((last - iova) >> VTD_LEVEL_SHIFT(level)) + 1;
	for (unsigned int k = 0; k < n; k++)
		if (!pte_present(pt, t[i + k]) || !pte_leaf(t[i + k], level))
			return 0;
	for (unsigned int k = 0; k < n; k++)
		WRITE_ONCE(t[i + k], 0);
	flush_entries(pt, &t[i], n);
	iommu_iotlb_gather_add_range(gather, iova, last - iova + 1);
	gather->pgsize = max(gather->pgsize, (size_t)sz);
	return (size_t)(last - iova + 1);
}

size_t vtd_pgtable_unmap(struct vtd_pgtable *pt, u64 iova, size_t pgsize, size_t count,
			 struct iommu_iotlb_gather *gather)
{
	struct unmap_walk w = { .iova = iova, .gather = gather };
	u64 size;

	if (!count || !pgsize || check_mul_overflow((u64)pgsize, (u64)count, &size) ||
	    check_add_overflow(iova, size - 1, &w.last) ||
	    iova >> pt->width)
		return 0;
	w.done = unmap_in_one_table(pt, iova, w.last, pgsize_level(pgsize), gather);
	if (!w.done)
		unmap_level(pt, tva(pt->root), pt->levels, &w);
	return w.done;
}

int vtd_pgtable_free_list(struct vtd_pgtable *pt, struct list_head *list)
{
	struct list_head *n, *next;
	int freed = 0;

	for (n = list->next; n != list; n = next) {
		next = n->next;
		list_del(n);
		table_put(pt, vtd_table_pa(n));
		freed++;
	}
	return freed;
}

int vtd_pgtable_free_gathered(struct vtd_pgtable *pt, struct iommu_iotlb_gather *gather)
{
	return vtd_pgtable_free_list(pt, &gather->freelist);
}

/* Spliced, never list_del: the nodes live in the table pages (see above). */
void vtd_pgtable_take_stale(struct vtd_pgtable *pt, struct list_head *list)
{
	INIT_LIST_HEAD(list);
	list_splice_tail_init(&pt->stale, list);
}

u64 vtd_pgtable_lookup(const struct vtd_pgtable *pt, u64 iova, size_t *pgsize)
{
	const u64 *t;

	if (!pt->root || iova >> pt->width)
		return 0;
	t = tva(pt->root);
	for (int l = pt->levels; l >= 1; l--) {
		u64 e = t[pt_index(iova, l)];

		if (!pte_present(pt, e))
			return 0;
		if (pte_leaf(e, l)) {
			*pgsize = 1UL << VTD_LEVEL_SHIFT(l);
			return e;
		}
		t = tva(e & VTD_PTE_ADDR);
	}
	return 0;
}

phys_addr_t vtd_pgtable_iova_to_phys(const struct vtd_pgtable *pt, u64 iova)
{
	size_t sz = 0;
	u64 e = vtd_pgtable_lookup(pt, iova, &sz);

	if (!e)
		return 0;
	/* a large leaf's address bits below its size are ignored (or reserved) */
	return (e & VTD_PTE_ADDR & ~((u64)sz - 1)) | (iova & (sz - 1));
}

struct dirty_walk {
	u64 iova, last;
	bool clear;
	long n;
	void (*record)(void *priv, u64 iova, u64 len);
	void *priv;
};

/* Leaves of t (at level, covering from base) inside [w->iova, w->last]. */
static void dirty_level(struct vtd_pgtable *pt, u64 *t, int level, u64 base, struct dirty_walk *w)
{
	u64 sz = 1ULL << VTD_LEVEL_SHIFT(level);

	for (unsigned int i = 0; i < VTD_PT_ENTRIES; i++) {
		u64 start = base + i * sz, e = t[i];

		if (start > w->last || start + sz - 1 < w->iova || !pte_present(pt, e))
			continue;
		if (!pte_leaf(e, level)) {
			dirty_level(pt, tva(e & VTD_PTE_ADDR), level - 1, start, w);
			continue;
		}
		if (!(e & VTD_PTE_D))
			continue;
		w->n++;
		w->record(w->priv, start, sz);
		if (w->clear) {
			/* the walker may set D again meanwhile: clear only that bit */
			__atomic_fetch_and(&t[i], ~VTD_PTE_D, __ATOMIC_SEQ_CST);
			flush_entries(pt, &t[i], 1);
		}
	}
}

long vtd_pgtable_read_dirty(struct vtd_pgtable *pt, u64 iova, u64 size, bool clear,
			    void (*record)(void *priv, u64 iova, u64 len), void *priv)
{
	struct dirty_walk w = { .iova = iova, .clear = clear, .record = record, .priv = priv };

	if (!size || pt->fmt != VTD_FMT_SS || check_add_overflow(iova, size - 1, &w.last))
		return 0;
	dirty_level(pt, tva(pt->root), pt->levels, 0, &w);
	return w.n;
}

int vtd_psi_encode(u64 pfn, u64 npages, unsigned int mamv, u64 *base_pfn)
{
	u64 last = pfn + (npages ? npages - 1 : 0);
	unsigned int am = 0;

	if (last < pfn)
		last = ~0ULL;
	while (am < 64 && (pfn >> am) != (last >> am))
		am++;
	if (am > mamv || am >= 64) {
		*base_pfn = 0;
		return -1;
	}
	*base_pfn = pfn & ~((1ULL << am) - 1);
	return (int)am;
}
