// SPDX-License-Identifier: MIT
/*
 * AMD-Vi host (v1) I/O page tables: level choice, PTE encoding (default and
 * next-level-7 page sizes), map, unmap with deferred table freeing, walk.
 * No hardware access (builds hosted). Layout: AMD IOMMU spec 2.2.3.
 */
#include "iommu/amdvi/amdvi.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

static long amdvi_pt_pages_total;	/* table pages of every pgtable */

long amdvi_table_pages(void)
{
	return __atomic_load_n(&amdvi_pt_pages_total, __ATOMIC_RELAXED);
}

static inline int lvl_shift(int level)
{
	return 12 + 9 * (level - 1);
}

static inline unsigned int lvl_index(u64 iova, int level)
{
	return (iova >> lvl_shift(level)) & (AMDVI_PT_ENTRIES - 1);
}

u64 amdvi_level_size(int level)
{
	int s = lvl_shift(level);

	return s >= 64 ? 0 : 1ULL << s;
}

int amdvi_levels_for_width(unsigned int va_bits, unsigned int max_levels)
{
	int levels;

	if (va_bits <= 12)
		va_bits = 13;
	levels = (int)DIV_ROUND_UP(va_bits - 12, 9);
	if (max_levels > AMDVI_MAX_LEVELS)
		max_levels = AMDVI_MAX_LEVELS;
	if (levels > (int)max_levels)
		levels = (int)max_levels;
	return levels < 1 ? 1 : levels;
}

/*
 * 4K, 2M and 1G leaves use next level 0 at levels 1-3 (a level's default
 * size). all_sizes adds every power of two in between (next level 7 with
 * replicated entries). 512G and above stay out: too large to be useful
 * and known broken on some parts.
 */
unsigned long amdvi_pgsize_bitmap(int levels, bool all_sizes)
{
	unsigned long m = 0;
	int top = levels < 3 ? levels : 3;

	for (int l = 1; l <= top; l++)
		m |= amdvi_level_size(l);
	if (all_sizes)
		m |= (amdvi_level_size(top + 1) - 1) & ~0xfffUL;
	return m;
}

static u64 prot_bits(int prot)
{
	u64 v = 0;

	if (prot & IOMMU_READ)
		v |= AMDVI_PTE_IR;
	if (prot & IOMMU_WRITE)
		v |= AMDVI_PTE_IW;
	if (prot & IOMMU_CACHE)
		v |= AMDVI_PTE_FC;
	return v;
}

u64 amdvi_pte_leaf(phys_addr_t pa, u64 size, int prot, int *level, int *count)
{
	int k = ffs64_idx(size);
	u64 addr;

	*level = (k - 12) / 9 + 1;
	*count = 1 << ((k - 12) % 9);
	if (*count == 1)
		return (pa & AMDVI_PTE_ADDR) | AMDVI_PTE_PR | prot_bits(prot);
	/* size 2^k: address bits 12..k-2 set, bit k-1 clear */
	addr = ((pa | (size - 1)) & ~(size >> 1)) & AMDVI_PTE_ADDR;
	return addr | FIELD_PREP(AMDVI_PTE_NEXT, AMDVI_PTE_NEXT_SIZE) |
	       AMDVI_PTE_PR | prot_bits(prot);
}

u64 amdvi_pte_leaf_size(u64 pte, int level)
{
	u64 ones;

	if (FIELD_GET(AMDVI_PTE_NEXT, pte) != AMDVI_PTE_NEXT_SIZE)
		return amdvi_level_size(level);
	/* count the 1 bits from bit 12 up: size = 2^(13 + ones) */
	ones = (~(pte >> 12)) & ((1ULL << 40) - 1);
	return 1ULL << (13 + ffs64_idx(ones | (1ULL << 40)));
}

u64 amdvi_pte_table(phys_addr_t table_pa, int child_level)
{
	/* permissions must be granted at every level: IR|IW on directories */
	return (table_pa & AMDVI_PTE_ADDR) | FIELD_PREP(AMDVI_PTE_NEXT, child_level) |
	       AMDVI_PTE_PR | AMDVI_PTE_IR | AMDVI_PTE_IW;
}

static inline bool pte_present(u64 pte)
{
	return pte & AMDVI_PTE_PR;
}

static inline bool pte_is_leaf(u64 pte)
{
	u64 n = FIELD_GET(AMDVI_PTE_NEXT, pte);

	return n == 0 || n == AMDVI_PTE_NEXT_SIZE;
}

static inline u64 *pte_table(u64 pte)
{
	return amdvi_va(pte & AMDVI_PTE_ADDR);
}

/* One 64-bit store: the walker sees the old or the new entry, never a mix. */
static inline void pte_write(struct amdvi_pgtable *pt, u64 *p, u64 v)
{
	WRITE_ONCE(*p, v);
	pt->pte_writes++;
}

static u64 *table_alloc(struct amdvi_pgtable *pt)
{
	u64 *t = failable(page_alloc_va(0));

	if (!t)
		return NULL;
	memset(t, 0, PAGE_SIZE);
	pt->pages++;
	__atomic_add_fetch(&amdvi_pt_pages_total, 1, __ATOMIC_RELAXED);
	return t;
}

static void table_free(void *t)
{
	page_free_va(t, 0);
	__atomic_sub_fetch(&amdvi_pt_pages_total, 1, __ATOMIC_RELAXED);
}

int amdvi_pgtable_init(struct amdvi_pgtable *pt, int levels, u64 last_iova)
{
	memset(pt, 0, sizeof(*pt));
	if (levels < 1 || levels > AMDVI_MAX_LEVELS)
		return -EINVAL;
	pt->levels = levels;
	pt->last_iova = last_iova;
	pt->root = table_alloc(pt);
	return pt->root ? 0 : -ENOMEM;
}

static void free_level(struct amdvi_pgtable *pt, u64 *t, int level)
{
	for (int i = 0; level > 1 && i < AMDVI_PT_ENTRIES; i++) {
		u64 pte = t[i];

		if (pte_present(pte) && !pte_is_leaf(pte))
			free_level(pt, pte_table(pte), level - 1);
	}
	table_free(t);
	pt->pages--;
}

void amdvi_pgtable_destroy(struct amdvi_pgtable *pt)
{
	if (pt->root)
		free_level(pt, pt->root, pt->levels);
	pt->root = NULL;
}

/*
 * The table at 'level' covering iova, allocating directories on the way.
 * NULL with *err: -EEXIST (a leaf sits above), -ENOMEM.
 */
static u64 *walk_alloc(struct amdvi_pgtable *pt, u64 iova, int level, int *err)
{
	u64 *t = pt->root;

	for (int l = pt->levels; l > level; l--) {
		u64 *slot = &t[lvl_index(iova, l)];
		u64 pte = READ_ONCE(*slot);

		if (!pte_present(pte)) {
			u64 *n = table_alloc(pt);

			if (!n) {
				*err = -ENOMEM;
				return NULL;
			}
			pte_write(pt, slot, amdvi_pte_table(amdvi_pa(n), l - 1));
			t = n;
			continue;
		}
		if (pte_is_leaf(pte)) {
			*err = -EEXIST;
			return NULL;
		}
		t = pte_table(pte);
	}
	return t;
}

static int map_one(struct amdvi_pgtable *pt, u64 iova, phys_addr_t pa, u64 size, int prot)
{
	int level, count, err = 0;
	u64 pte = amdvi_pte_leaf(pa, size, prot, &level, &count);
	unsigned int idx = lvl_index(iova, level);
	u64 *t;
	int i;

	if (level > pt->levels)
		return -EINVAL;
	t = walk_alloc(pt, iova, level, &err);
	if (!t)
		return err;
	for (i = 0; i < count; i++) {
		u64 old = READ_ONCE(t[idx + i]);

		if (!pte_present(old))
			continue;
		if (pte_is_leaf(old) || level == 1)
			return -EEXIST;
		break;
	}
	if (i < count) {
		/*
		 * A table already lives where the large leaf would go: never
		 * replace a live table (its pages might still be walked);
		 * fill it with the next smaller size instead.
		 */
		u64 sub = amdvi_level_size(level - 1), off;

		for (off = 0; off < size; off += sub) {
			err = map_one(pt, iova + off, pa + off, sub, prot);
			if (err)
				break;
		}
		if (err && off)	/* undo only what this call mapped */
			amdvi_pgtable_unmap(pt, iova, sub, off / sub, NULL, NULL);
		return err;
	}
	for (i = 0; i < count; i++)
		pte_write(pt, &t[idx + i], pte);
	return 0;
}

int amdvi_pgtable_map(struct amdvi_pgtable *pt, u64 iova, phys_addr_t pa,
		      u64 pgsize, u64 count, int prot, u64 *mapped)
{
	u64 end;
	int err = 0;

	*mapped = 0;
	if (!is_power_of_2(pgsize) || pgsize < PAGE_SIZE || !count ||
	    !IS_ALIGNED(iova | pa, pgsize) || !(prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (check_mul_overflow(pgsize, count, &end) || check_add_overflow(iova, end - 1, &end))
		return -EOVERFLOW;
	if (end > pt->last_iova || pa > (1ULL << 52) - pgsize * count)
		return -ERANGE;
	for (u64 i = 0; i < count; i++) {
		err = map_one(pt, iova + i * pgsize, pa + i * pgsize, pgsize, prot);
		if (err)
			break;
		*mapped += pgsize;
	}
	return err;
}

/* A table page with no entry left. */
static bool table_empty(const u64 *t)
{
	for (int i = 0; i < AMDVI_PT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/*
 * Remove the leaf mapping iova; returns its size, 0 when nothing is mapped.
 * path[l] is the table at level l on the way down.
 */
static u64 unmap_one(struct amdvi_pgtable *pt, u64 iova, struct list_head *freelist,
		     bool *pde_changed)
{
	u64 *path[AMDVI_MAX_LEVELS + 2];
	u64 *t = pt->root, size;
	int level, count;
	unsigned int idx;

	for (level = pt->levels;; level--) {
		u64 pte = READ_ONCE(t[lvl_index(iova, level)]);

		path[level] = t;
		if (!pte_present(pte))
			return 0;
		if (pte_is_leaf(pte)) {
			size = amdvi_pte_leaf_size(pte, level);
			break;
		}
		if (level == 1)
			return 0;	/* a directory at level 1 is not ours */
		t = pte_table(pte);
	}
	count = (int)(size / amdvi_level_size(level));
	if (count < 1)
		count = 1;
	idx = lvl_index(iova, level) & ~(unsigned int)(count - 1);
	for (int i = 0; i < count; i++)
		pte_write(pt, &t[idx + i], 0);

	/* unlink emptied tables bottom-up; the root stays */
	for (; freelist && level < pt->levels; level++) {
		struct amdvi_freed_page *fp;
		u64 *parent = path[level + 1];

		if (!table_empty(path[level]))
			break;
		fp = failable(kmalloc(sizeof(*fp)));
		if (!fp)
			break;	/* keep the empty table linked: no leak, no early free */
		pte_write(pt, &parent[lvl_index(iova, level + 1)], 0);
		fp->va = path[level];
		list_add_tail(&fp->node, freelist);
		pt->pages--;
		if (pde_changed)
			*pde_changed = true;
	}
	return size;
}

u64 amdvi_pgtable_unmap(struct amdvi_pgtable *pt, u64 iova, u64 pgsize, u64 count,
			struct list_head *freelist, bool *pde_changed)
{
	u64 done = 0, want, a = iova;

	if (!pgsize || !count || check_mul_overflow(pgsize, count, &want))
		return 0;
	while (a - iova < want) {
		u64 n;

		if (a > pt->last_iova)
			break;	/* beyond the table: nothing mapped, nothing to walk */
		n = unmap_one(pt, a, freelist, pde_changed);
		if (!n)
			break;
		done += n;	/* a whole leaf, even when a lies inside it */
		a = (a & ~(n - 1)) + n;
		if (!a)
			break;	/* wrapped past the top of the address space */
	}
	return done;
}

void amdvi_pgtable_free_list(struct list_head *freelist)
{
	struct amdvi_freed_page *fp, *n;

	list_for_each_entry_safe(fp, n, freelist, node) {
		list_del(&fp->node);
		table_free(fp->va);
		kfree(fp);
	}
}

u64 amdvi_pgtable_leaf(struct amdvi_pgtable *pt, u64 iova, int *level)
{
	u64 *t = pt->root;

	if (!t || iova > pt->last_iova)
		return 0;
	for (int l = pt->levels; l >= 1; l--) {
		u64 pte = READ_ONCE(t[lvl_index(iova, l)]);

		if (!pte_present(pte))
			return 0;
		if (pte_is_leaf(pte)) {
			if (level)
				*level = l;
			return amdvi_pte_leaf_size(pte, l);
		}
		t = pte_table(pte);
	}
	return 0;
}

phys_addr_t amdvi_pgtable_iova_to_phys(struct amdvi_pgtable *pt, u64 iova)
{
	u64 *t = pt->root;

	if (!t || iova > pt->last_iova)
		return 0;
	for (int l = pt->levels; l >= 1; l--) {
		u64 pte = READ_ONCE(t[lvl_index(iova, l)]);
		u64 size;

		if (!pte_present(pte))
			return 0;
		if (!pte_is_leaf(pte)) {
			t = pte_table(pte);
			continue;
		}
		size = amdvi_pte_leaf_size(pte, l);
		return ((pte & AMDVI_PTE_ADDR) & ~(size - 1)) | (iova & (size - 1));
	}
	return 0;
}

/*
 * The entry that maps iova (its level in *level), or NULL with *skip the
 * bytes from iova that no leaf maps (to the end of the empty entry).
 */
static u64 *leaf_entry(struct amdvi_pgtable *pt, u64 iova, int *level, u64 *skip)
{
	u64 *t = pt->root;

	for (int l = pt->levels; l >= 1; l--) {
		u64 *p = &t[lvl_index(iova, l)];
		u64 pte = READ_ONCE(*p);

		if (!pte_present(pte)) {
			*skip = amdvi_level_size(l) - (iova & (amdvi_level_size(l) - 1));
			return NULL;
		}
		if (pte_is_leaf(pte)) {
			*level = l;
			return p;
		}
		t = pte_table(pte);
	}
	*skip = PAGE_SIZE;
	return NULL;
}

/*
 * Host dirty bits (HDSup, spec 2.2.7.4): report every leaf in [iova, last]
 * the IOMMU marked dirty to fn(ctx, leaf IOVA, leaf size) and clear the D
 * bit unless keep. A next-level-7 page is a run of identical entries and
 * the unit may mark any of them, so the whole run is tested and cleared.
 * Returns the number of leaves whose D bit was cleared (they need a flush).
 */
u64 amdvi_pgtable_dirty(struct amdvi_pgtable *pt, u64 iova, u64 last, bool keep,
			void (*fn)(void *ctx, u64 iova, u64 size), void *ctx)
{
	u64 cleared = 0;

	while (pt->root && iova <= last && iova <= pt->last_iova) {
		int level = 0;
		u64 skip = 0, *p = leaf_entry(pt, iova, &level, &skip);
		u64 size, n, first, head;
		bool dirty = false;

		if (!p) {
			if (iova + skip < iova)
				break;
			iova += skip;
			continue;
		}
		size = amdvi_pte_leaf_size(READ_ONCE(*p), level);
		head = iova & ~(size - 1);
		n = size > amdvi_level_size(level) ? size / amdvi_level_size(level) : 1;
		first = (u64)(p - (u64 *)((uintptr_t)p & ~(PAGE_SIZE - 1)));
		first &= ~(n - 1);
		p = (u64 *)((uintptr_t)p & ~(PAGE_SIZE - 1)) + first;
		for (u64 i = 0; i < n; i++)
			dirty |= READ_ONCE(p[i]) & AMDVI_PTE_D;
		if (dirty) {
			fn(ctx, head, size);
			if (!keep) {
				for (u64 i = 0; i < n; i++)
					pte_write(pt, &p[i], READ_ONCE(p[i]) & ~AMDVI_PTE_D);
				cleared++;
			}
		}
		if (head + size < head)
			break;
		iova = head + size;
	}
	return cleared;
}
