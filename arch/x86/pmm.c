// SPDX-License-Identifier: MIT
/*
 * Physical page allocator: a binary buddy allocator over the boot memory map,
 * with a struct page per frame holding the reference count used for pinning.
 * Blocks come back zeroed; freed pages are poisoned to catch stale users.
 * The free lists link struct pages, not the free frames themselves: boot
 * writes nothing into free RAM (under QEMU each first write to a fresh
 * 2 MiB of guest RAM makes the host allocate and zero it: 1.6 s per GiB).
 */
#include "arch/x86/mm.h"
#include "arch/x86/console.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define PG_RAM		0x01	/* frame is usable RAM */
#define PG_FREE		0x02	/* head of a free block of 'order' */
#define PG_HEAD		0x04	/* head of an allocated block */
#define PG_TAIL		0x08	/* inside an allocated block */
#define PG_SLAB		0x10	/* kmalloc slab page */
#define POISON_FREE	0x6b

#define NO_PFN		0xffffffffU

struct page {
	u32 refcount;	/* on the head page of an allocated block */
	u8 order;	/* block order, on every page of the block */
	u8 flags;
	u16 slab_class;	/* kmalloc size class for PG_SLAB pages */
	u32 next, prev;	/* PG_FREE heads: the free list of their order (NO_PFN ends it) */
};

static struct page *pages;
static u64 max_pfn;
static u32 free_head[PMM_MAX_ORDER + 1];	/* first free block of each order */
static u64 nr_free, nr_total;
static u64 fail_countdown;
static DEFINE_SPINLOCK(pmm_lock);

static struct page *pfn_page(u64 pfn)
{
	return &pages[pfn];
}

static void free_list_add(u64 pfn, unsigned int order)
{
	struct page *p = pfn_page(pfn);

	p->prev = NO_PFN;
	p->next = free_head[order];
	if (p->next != NO_PFN)
		pfn_page(p->next)->prev = (u32)pfn;
	free_head[order] = (u32)pfn;
}

static void free_list_del(u64 pfn, unsigned int order)
{
	struct page *p = pfn_page(pfn);

	if (p->prev != NO_PFN)
		pfn_page(p->prev)->next = p->next;
	else
		free_head[order] = p->next;
	if (p->next != NO_PFN)
		pfn_page(p->next)->prev = p->prev;
}

static void free_block_locked(u64 pfn, unsigned int order)
{
	while (order < PMM_MAX_ORDER) {
		u64 buddy = pfn ^ (1ULL << order);
		struct page *b;

		if (buddy + (1ULL << order) > max_pfn)
			break;
		b = pfn_page(buddy);
		if (!(b->flags & PG_FREE) || b->order != order)
			break;
		free_list_del(buddy, order);
		b->flags &= (u8)~PG_FREE;
		pfn = min(pfn, buddy);
		order++;
	}
	pfn_page(pfn)->flags |= PG_FREE;
	pfn_page(pfn)->order = (u8)order;
	free_list_add(pfn, order);
}

/* Hand the RAM frames [start, end) to the allocator. */
void pmm_add_range(u64 start_pfn, u64 end_pfn)
{
	end_pfn = min(end_pfn, max_pfn);
	for (u64 p = start_pfn; p < end_pfn; p++)
		pages[p].flags |= PG_RAM;
	while (start_pfn < end_pfn) {
		unsigned int order = PMM_MAX_ORDER;

		while (order && ((start_pfn & ((1ULL << order) - 1)) ||
				 start_pfn + (1ULL << order) > end_pfn))
			order--;
		free_block_locked(start_pfn, order);
		nr_free += 1ULL << order;
		nr_total += 1ULL << order;
		start_pfn += 1ULL << order;
	}
}

/* Mark RAM frames the kernel owns from boot (they are never freed). */
void pmm_mark_ram(u64 start_pfn, u64 end_pfn)
{
	for (u64 p = start_pfn; p < end_pfn && p < max_pfn; p++)
		pages[p].flags |= PG_RAM;
}

void pmm_setup(struct page *array, u64 npfn)
{
	pages = array;
	max_pfn = min(npfn, (u64)NO_PFN);	/* the free lists hold 32-bit pfns: 16 TiB */
	memset(pages, 0, npfn * sizeof(*pages));
	for (int i = 0; i <= PMM_MAX_ORDER; i++)
		free_head[i] = NO_PFN;
}

size_t pmm_page_struct_size(void)
{
	return sizeof(struct page);
}

void pmm_fail_nth(u64 n)
{
	fail_countdown = n;
}

phys_addr_t pmm_alloc(unsigned int order)
{
	return pmm_alloc_flags(order, 0);
}

phys_addr_t pmm_alloc_flags(unsigned int order, unsigned int flags)
{
	unsigned long irqf;
	unsigned int o;
	u64 pfn;

	if (order > PMM_MAX_ORDER)
		return 0;
	spin_lock_irqsave(&pmm_lock, irqf);
	if (fail_countdown && --fail_countdown == 0) {
		spin_unlock_irqrestore(&pmm_lock, irqf);
		return 0;
	}
	for (o = order; o <= PMM_MAX_ORDER && free_head[o] == NO_PFN; o++)
		;
	if (o > PMM_MAX_ORDER) {
		spin_unlock_irqrestore(&pmm_lock, irqf);
		return 0;
	}
	pfn = free_head[o];
	free_list_del(pfn, o);
	pfn_page(pfn)->flags &= (u8)~PG_FREE;
	while (o > order) {	/* split: return the upper halves */
		o--;
		pfn_page(pfn + (1ULL << o))->flags |= PG_FREE;
		pfn_page(pfn + (1ULL << o))->order = (u8)o;
		free_list_add(pfn + (1ULL << o), o);
	}
	for (u64 i = 0; i < (1ULL << order); i++) {
		pfn_page(pfn + i)->order = (u8)order;
		pfn_page(pfn + i)->flags |= i ? PG_TAIL : PG_HEAD;
	}
	pfn_page(pfn)->refcount = 1;
	nr_free -= 1ULL << order;
	spin_unlock_irqrestore(&pmm_lock, irqf);
	if (!(flags & PMM_NOZERO))
		memset(phys_to_virt(pfn << PAGE_SHIFT), 0, PAGE_SIZE << order);
	return pfn << PAGE_SHIFT;
}

static u64 head_pfn(u64 pfn)
{
	return pfn & ~((1ULL << pfn_page(pfn)->order) - 1);
}

static struct page *checked_head(phys_addr_t pa, const char *who)
{
	u64 pfn = pa >> PAGE_SHIFT;
	struct page *h;

	if (pfn >= max_pfn || !(pfn_page(pfn)->flags & (PG_HEAD | PG_TAIL)))
		panic("%s: page %#llx is not allocated", who, (unsigned long long)pa);
	h = pfn_page(head_pfn(pfn));
	if (!(h->flags & PG_HEAD) || h->refcount == 0)
		panic("%s: bad head for %#llx", who, (unsigned long long)pa);
	return h;
}

static void release_block(u64 pfn)
{
	unsigned int order = pfn_page(pfn)->order;
	unsigned long flags;
	u8 *va = phys_to_virt(pfn << PAGE_SHIFT);

	/* poison small blocks whole, large ones at both ends: cheap, still catches stale users */
	if (order <= 2) {
		memset(va, POISON_FREE, PAGE_SIZE << order);
	} else {
		memset(va, POISON_FREE, PAGE_SIZE);
		memset(va + (PAGE_SIZE << order) - PAGE_SIZE, POISON_FREE, PAGE_SIZE);
	}
	spin_lock_irqsave(&pmm_lock, flags);
	for (u64 i = 0; i < (1ULL << order); i++) {
		pfn_page(pfn + i)->flags &= (u8)~(PG_HEAD | PG_TAIL | PG_SLAB);
		pfn_page(pfn + i)->order = 0;
	}
	free_block_locked(pfn, order);
	nr_free += 1ULL << order;
	spin_unlock_irqrestore(&pmm_lock, flags);
}

void page_get(phys_addr_t pa)
{
	page_get_many(pa, 1);
}

void page_put(phys_addr_t pa)
{
	page_put_many(pa, 1);
}

/* n references on the block holding pa (one per 4K page pinned, say). */
void page_get_many(phys_addr_t pa, unsigned long n)
{
	struct page *h = checked_head(pa, "page_get");

	__atomic_fetch_add(&h->refcount, (u32)n, __ATOMIC_RELAXED);
}

/*
 * One reference on the block of each pa[i] (a pin of a run of user pages,
 * which are separate 4K blocks): such a page is checked and counted inline,
 * anything else (a page of a larger block) takes page_get's full lookup.
 */
void page_get_each(const phys_addr_t *pa, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		u64 pfn = pa[i] >> PAGE_SHIFT;
		struct page *p = &pages[pfn];

		if (pfn < max_pfn && (p->flags & PG_HEAD) && !p->order && p->refcount)
			__atomic_fetch_add(&p->refcount, 1, __ATOMIC_RELAXED);
		else
			page_get(pa[i]);
	}
}

static void put_refs(struct page *h, phys_addr_t pa, unsigned long n)
{
	u32 old = __atomic_fetch_sub(&h->refcount, (u32)n, __ATOMIC_ACQ_REL);

	if (old < n)
		panic("page_put: %#llx dropped %lu references, held %u",
		      (unsigned long long)pa, n, old);
	if (old == n)
		release_block((u64)(h - pages));
}

void page_put_many(phys_addr_t pa, unsigned long n)
{
	put_refs(checked_head(pa, "page_put"), pa, n);
}

unsigned long page_put_run(const phys_addr_t *pa, unsigned long n)
{
	u64 pfn = pa[0] >> PAGE_SHIFT;
	struct page *h = &pages[pfn];

	/*
	 * A process's 4K page (its own block) with more references than ours
	 * (its mapping holds one): dropped inline. The last reference, and
	 * anything else, takes the checked path below.
	 */
	if (pfn < max_pfn && (h->flags & PG_HEAD) && !h->order) {
		u32 old = __atomic_load_n(&h->refcount, __ATOMIC_RELAXED);

		while (old > 1 && !__atomic_compare_exchange_n(&h->refcount, &old, old - 1, false,
							       __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			;
		if (old > 1)
			return 1;
	}
	h = checked_head(pa[0], "page_put");
	unsigned long room = (unsigned long)((u64)(h - pages) + (1ULL << h->order) -
					     (pa[0] >> PAGE_SHIFT)), k;

	for (k = 1; k < n && k < room && pa[k] == pa[0] + k * PAGE_SIZE; k++)
		;
	put_refs(h, pa[0], k);
	return k;
}

int page_refcount(phys_addr_t pa)
{
	u64 pfn = pa >> PAGE_SHIFT;

	if (pfn >= max_pfn || !(pfn_page(pfn)->flags & (PG_HEAD | PG_TAIL)))
		return 0;
	return (int)pfn_page(head_pfn(pfn))->refcount;
}

void pmm_free(phys_addr_t pa, unsigned int order)
{
	struct page *h = checked_head(pa, "pmm_free");

	if (h->order != order || (u64)(h - pages) != pa >> PAGE_SHIFT)
		panic("pmm_free: %#llx freed with order %u, allocated with %u",
		      (unsigned long long)pa, order, h->order);
	page_put(pa);
}

bool pmm_is_ram(phys_addr_t pa)
{
	u64 pfn = pa >> PAGE_SHIFT;

	return pfn < max_pfn && (pfn_page(pfn)->flags & PG_RAM);
}

u64 pmm_free_pages(void)
{
	return READ_ONCE(nr_free);
}

u64 pmm_total_pages(void)
{
	return nr_total;
}

void *page_alloc_va(unsigned int order)
{
	phys_addr_t pa = pmm_alloc(order);

	return pa ? phys_to_virt(pa) : NULL;
}

void page_free_va(void *va, unsigned int order)
{
	if (va)
		pmm_free(virt_to_phys(va), order);
}

/* kmalloc's view of a page: slab flag and size class. */
bool pmm_page_is_slab(phys_addr_t pa, u16 *cls)
{
	struct page *p = pfn_page(pa >> PAGE_SHIFT);

	*cls = p->slab_class;
	return p->flags & PG_SLAB;
}

void pmm_page_set_slab(phys_addr_t pa, u16 cls)
{
	struct page *p = pfn_page(pa >> PAGE_SHIFT);

	p->flags |= PG_SLAB;
	p->slab_class = cls;
}

unsigned int pmm_block_order(phys_addr_t pa)
{
	return checked_head(pa, "pmm_block_order")->order;
}
