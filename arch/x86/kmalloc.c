// SPDX-License-Identifier: MIT
/*
 * Kernel heap: power-of-two slabs from 16 to 2048 bytes, one page per slab,
 * a slab returned to the page allocator as soon as it is empty (so the
 * per-test free-page baseline holds). Larger requests take whole pages.
 */
#include "arch/x86/mm.h"
#include "arch/x86/console.h"
#include "lib/bitops.h"
#include "lib/list.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define NCLASSES 8		/* 16 << 0 .. 16 << 7 = 2048 */
#define POISON_KFREE 0x6c

struct slab {
	struct list_head node;	/* in partial[cls] while it has free objects */
	void *freelist;
	u16 inuse, total, cls;
};

static struct list_head partial[NCLASSES];
static DEFINE_SPINLOCK(heap_lock);
/*
 * Live objects, for every test's leak check. Atomic on both paths: the
 * page-sized one counts outside heap_lock, so a plain ++ under the lock
 * would lose its concurrent updates (4 CPUs churning: 2,800 of 160,000).
 */
static u64 live;
static bool heap_ready;

static size_t class_size(int cls)
{
	return 16UL << cls;
}

static size_t first_offset(int cls)
{
	return ALIGN(sizeof(struct slab), class_size(cls) < 64 ? class_size(cls) : 64);
}

/* The smallest class that holds size (>= 1), or -1: whole pages. */
static int size_class(size_t size)
{
	int c = size <= 16 ? 0 : fls64_idx(size - 1) - 3;	/* 16 << c >= size */

	return c < NCLASSES ? c : -1;
}

static struct slab *new_slab(int cls)
{
	/* not zeroed: kmalloc promises no contents (a freed page's poison shows who relies on it) */
	phys_addr_t pa = pmm_alloc_flags(0, PMM_NOZERO);
	struct slab *s;
	size_t sz = class_size(cls);

	if (!pa)
		return NULL;
	pmm_page_set_slab(pa, (u16)cls);
	s = phys_to_virt(pa);
	s->cls = (u16)cls;
	s->inuse = 0;
	s->total = 0;
	s->freelist = NULL;
	for (size_t off = first_offset(cls); off + sz <= PAGE_SIZE; off += sz) {
		void **obj = (void **)((char *)s + off);

		*obj = s->freelist;
		s->freelist = obj;
		s->total++;
	}
	list_add(&s->node, &partial[cls]);
	return s;
}

void *kmalloc(size_t size)
{
	int cls = size_class(size ? size : 1);
	unsigned long flags;
	struct slab *s;
	void **obj;

	if (!heap_ready) {
		for (int c = 0; c < NCLASSES; c++)
			INIT_LIST_HEAD(&partial[c]);
		heap_ready = true;
	}
	if (cls < 0) {
		unsigned int order = 0;
		phys_addr_t pa;

		while ((PAGE_SIZE << order) < size && order <= PMM_MAX_ORDER)
			order++;
		/* kmalloc promises no contents, and kzalloc zeroes only size bytes */
		pa = pmm_alloc_flags(order, PMM_NOZERO);
		if (!pa)
			return NULL;
		__atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
		return phys_to_virt(pa);
	}
	spin_lock_irqsave(&heap_lock, flags);
	if (list_empty(&partial[cls]) && !new_slab(cls)) {
		spin_unlock_irqrestore(&heap_lock, flags);
		return NULL;
	}
	s = list_first_entry(&partial[cls], struct slab, node);
	obj = s->freelist;
	s->freelist = *obj;
	if (++s->inuse == s->total)
		list_del(&s->node);
	__atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&heap_lock, flags);
	return obj;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	unsigned long flags;
	phys_addr_t pa;
	struct slab *s;
	u16 cls;

	if (!p)
		return;
	pa = virt_to_phys(p);
	if (!pmm_page_is_slab(pa & PAGE_MASK, &cls)) {
		if (pa & ~PAGE_MASK)
			panic("kfree: %p is not an allocation", p);
		__atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
		pmm_free(pa, pmm_block_order(pa));
		return;
	}
	s = phys_to_virt(pa & PAGE_MASK);
	if (((pa & ~PAGE_MASK) - first_offset(cls)) % class_size(cls))
		panic("kfree: %p is misaligned for its slab", p);
	memset((void *)p, POISON_KFREE, class_size(cls));
	spin_lock_irqsave(&heap_lock, flags);
	if (s->inuse == s->total)
		list_add(&s->node, &partial[cls]);
	*(void **)p = s->freelist;
	s->freelist = (void *)p;
	__atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
	if (--s->inuse == 0) {
		list_del(&s->node);
		spin_unlock_irqrestore(&heap_lock, flags);
		pmm_free(pa & PAGE_MASK, 0);
		return;
	}
	spin_unlock_irqrestore(&heap_lock, flags);
}

u64 kmalloc_live(void)
{
	return READ_ONCE(live);
}
