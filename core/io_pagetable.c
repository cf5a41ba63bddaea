// SPDX-License-Identifier: MIT
/*
 * The io_pagetable: which IOVA ranges are mapped (areas), reserved or
 * allowed, IOVA allocation, map, unmap and cutting areas. Keeping every
 * attached domain equal to the areas is iopt_domains.c, dirty tracking
 * iopt_dirty.c, pinning pages.c. Rules follow Linux's io_pagetable.c.
 */
#include "core/io_pagetable.h"

/* One source of pages for iopt_map_pages(): a byte range of an iopt_pages. */
struct iopt_pages_list {
	struct iopt_pages *pages;
	struct iopt_area *area;
	struct list_head next;
	unsigned long start_byte;
	unsigned long length;
};

struct iopt_area *iopt_area_iter_first(struct io_pagetable *iopt, unsigned long start,
				       unsigned long last)
{
	struct itree_node *n;

	lockdep_assert_held(&iopt->iova_rwsem);
	n = itree_iter_first(&iopt->area_itree, start, last);
	return n ? container_of(n, struct iopt_area, node) : NULL;
}

struct iopt_area *iopt_area_iter_next(struct iopt_area *area, unsigned long start,
				      unsigned long last)
{
	struct itree_node *n = itree_iter_next(&area->node, start, last);

	return n ? container_of(n, struct iopt_area, node) : NULL;
}

static bool reserved_overlaps(struct io_pagetable *iopt, unsigned long start,
			      unsigned long last)
{
	return itree_iter_first(&iopt->reserved_itree, start, last) != NULL;
}

struct iopt_area *iopt_area_contig_init(struct iopt_area_contig_iter *iter,
					struct io_pagetable *iopt, unsigned long iova,
					unsigned long last_iova)
{
	iter->cur_iova = iova;
	iter->last_iova = last_iova;
	iter->area = iopt_area_iter_first(iopt, iova, iova);
	if (iter->area && !iter->area->pages)
		iter->area = NULL;
	return iter->area;
}

struct iopt_area *iopt_area_contig_next(struct iopt_area_contig_iter *iter)
{
	unsigned long last;

	if (!iter->area)
		return NULL;
	last = iopt_area_last_iova(iter->area);
	if (iter->last_iova <= last)
		return NULL;
	iter->cur_iova = last + 1;
	iter->area = iopt_area_iter_next(iter->area, iter->cur_iova, iter->last_iova);
	if (iter->area && (iter->cur_iova != iopt_area_iova(iter->area) || !iter->area->pages))
		iter->area = NULL;
	return iter->area;
}

static unsigned long roundup_pow_of_two(unsigned long x)
{
	return x <= 1 ? 1 : 1UL << (64 - __builtin_clzl(x - 1));
}

/*
 * Move *start up to the next address aligned to align with low bits
 * page_offset; true if [*start, *start + length - 1] then fits below last.
 * Every step is overflow-checked (bug class 11).
 */
static bool alloc_iova_check_range(unsigned long *start, unsigned long last,
				   unsigned long length, unsigned long align,
				   unsigned long page_offset)
{
	unsigned long aligned;

	if (check_add_overflow(*start, align - 1, &aligned))
		return false;
	aligned = (aligned & ~(align - 1)) | page_offset;
	if (aligned < *start || aligned > last || last - aligned < length - 1)
		return false;
	*start = aligned;
	return true;
}

/*
 * The largest alignment an automatic IOVA keeps from the user VA: Linux's
 * HPAGE_SIZE (2 MiB on x86-64 with THP). Enough for a huge IOPTE; a bigger
 * one would only make big maps fail with ENOSPC where Linux succeeds.
 */
#define IOPT_MAX_AUTO_ALIGN (2UL << 20)

/*
 * Find free IOVA for length bytes that keeps uptr's alignment (up to
 * IOPT_MAX_AUTO_ALIGN): inside an allowed range (everything when none are
 * set), outside reserved ranges and areas. Never the first or last page.
 */
static int iopt_alloc_iova(struct io_pagetable *iopt, unsigned long *iova,
			   u64 uptr, unsigned long length)
{
	const struct itree_root *allowed[] = { &iopt->allowed_itree };
	const struct itree_root *used[] = { &iopt->reserved_itree, &iopt->area_itree };
	unsigned long page_offset = uptr % PAGE_SIZE, align;
	struct itree_span as, us;

	if (length == 0 || length >= ULONG_MAX / 2)
		return -EOVERFLOW;
	align = roundup_pow_of_two(length);
	if (uptr)
		align = min_t(unsigned long, align, 1UL << __builtin_ctzll(uptr));
	align = min(align, IOPT_MAX_AUTO_ALIGN);
	if (align < iopt->iova_alignment)
		return -EINVAL;

	itree_for_each_span(&as, allowed, 1, PAGE_SIZE, ULONG_MAX - PAGE_SIZE) {
		unsigned long start = as.start;

		if (itree_empty(&iopt->allowed_itree)) {
			as.start = PAGE_SIZE;
			as.last = ULONG_MAX - PAGE_SIZE;
			as.is_hole = false;
		}
		if (as.is_hole || !alloc_iova_check_range(&start, as.last, length, align,
							  page_offset))
			continue;
		itree_for_each_span(&us, used, 2, as.start, as.last) {
			start = us.start;
			if (!us.is_hole ||
			    !alloc_iova_check_range(&start, us.last, length, align, page_offset))
				continue;
			*iova = start;
			return 0;
		}
	}
	return -ENOSPC;
}

/*
 * A fixed IOVA must be aligned, not wrap, not be reserved nor mapped; *slot
 * is then where an area for all of it goes in the area tree (areas never
 * overlap: one walk down both checks and finds it).
 */
static int iopt_check_iova(struct io_pagetable *iopt, unsigned long iova,
			   unsigned long length, struct itree_slot *slot)
{
	unsigned long last;

	if (iova & (iopt->iova_alignment - 1))
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	if (reserved_overlaps(iopt, iova, last))
		return -EINVAL;
	if (!itree_find_slot(&iopt->area_itree, iova, last, slot))
		return -EEXIST;
	return 0;
}

/*
 * Put area (still without pages) into the tree: [iova, +length) of pages
 * from start_byte; at slot (iopt_check_iova() of exactly this range, the
 * tree unchanged since) or, NULL, wherever it goes.
 */
static int iopt_insert_area(struct io_pagetable *iopt, struct iopt_area *area,
			    struct iopt_pages *pages, unsigned long iova,
			    unsigned long start_byte, unsigned long length, int iommu_prot,
			    const struct itree_slot *slot)
{
	unsigned long last_byte;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	if ((iommu_prot & IOMMU_WRITE) && !pages->writable)
		return -EPERM;
	area->iommu_prot = iommu_prot;
	area->page_offset = start_byte % PAGE_SIZE;
	if (area->page_offset & (iopt->iova_alignment - 1))
		return -EINVAL;
	area->node.start = iova;
	if (check_add_overflow(iova, length - 1, &area->node.last))
		return -EOVERFLOW;
	area->pages_node.start = start_byte / PAGE_SIZE;
	if (check_add_overflow(start_byte, length - 1, &last_byte))
		return -EOVERFLOW;
	area->pages_node.last = last_byte / PAGE_SIZE;
	if (area->pages_node.last >= pages->npages) {
		plat_warn("iopt_insert_area: area past the end of its pages");
		return -EOVERFLOW;
	}
	area->iopt = iopt;
	if (slot)
		itree_insert_at(&iopt->area_itree, &area->node, slot);
	else
		itree_insert(&iopt->area_itree, &area->node);
	return 0;
}

/*
 * Claim the IOVA of every element of pages_list (areas already allocated):
 * *dst_iova (chosen here with IOPT_ALLOC_IOVA) onwards, back to back. The
 * areas go in with pages == NULL: the IOVA is claimed, not yet usable.
 * iova_rwsem held for write.
 */
static int iopt_claim_area_pages(struct io_pagetable *iopt, struct list_head *pages_list,
				 unsigned long length, unsigned long *dst_iova,
				 int iommu_prot, unsigned int flags)
{
	struct iopt_pages_list *elm;
	struct itree_slot slot;
	unsigned long iova;
	int ret;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	if ((length & (iopt->iova_alignment - 1)) || !length)
		return -EINVAL;
	if (flags & IOPT_ALLOC_IOVA) {
		elm = list_first_entry(pages_list, struct iopt_pages_list, next);
		ret = iopt_alloc_iova(iopt, dst_iova, elm->pages->uptr + elm->start_byte, length);
		if (ret)
			return ret;
		if (iopt_check_iova(iopt, *dst_iova, length, &slot)) {
			plat_warn("iopt_alloc_iova: allocated IOVA %#lx fails the checks", *dst_iova);
			return -EINVAL;
		}
	} else {
		ret = iopt_check_iova(iopt, *dst_iova, length, &slot);
		if (ret)
			return ret;
	}
	iova = *dst_iova;
	list_for_each_entry(elm, pages_list, next) {
		/* one area for the whole range: it goes where the check found room */
		ret = iopt_insert_area(iopt, elm->area, elm->pages, iova, elm->start_byte,
				       elm->length, iommu_prot,
				       pages_list->next->next == pages_list ? &slot : NULL);
		if (ret)
			return ret;
		iova += elm->length;
	}
	return 0;
}

/* An area's memory goes, unless it lives in its pages (first_area: with them). */
static void iopt_free_area(struct iopt_area *area)
{
	if (!area->embedded)
		kfree(area);
}

/* Take area (without pages) out of its table and free it; iova_rwsem held for write. */
static void iopt_remove_area(struct iopt_area *area)
{
	if (area->pages)
		plat_warn("iopt_abort_area: area still has pages");
	if (area->iopt) {
		lockdep_assert_held_write(&area->iopt->iova_rwsem);
		itree_remove(&area->iopt->area_itree, &area->node);
	}
	iopt_free_area(area);
}

static void iopt_abort_area(struct iopt_area *area)
{
	struct io_pagetable *iopt = area->iopt;

	if (iopt)
		plat_down_write(&iopt->iova_rwsem);
	iopt_remove_area(area);
	if (iopt)
		plat_up_write(&iopt->iova_rwsem);
}

void iopt_free_pages_list(struct list_head *pages_list)
{
	struct iopt_pages_list *elm, *tmp;

	list_for_each_entry_safe(elm, tmp, pages_list, next) {
		if (elm->area)
			iopt_abort_area(elm->area);
		if (elm->pages)
			iopt_put_pages(elm->pages);
		list_del(&elm->next);
		kfree(elm);
	}
}

static int iopt_fill_domains_pages(struct list_head *pages_list)
{
	struct iopt_pages_list *elm, *undo;
	int ret;

	list_for_each_entry(elm, pages_list, next) {
		ret = iopt_area_fill_domains(elm->area, elm->pages);
		if (ret)
			goto err_undo;
	}
	return 0;
err_undo:
	list_for_each_entry(undo, pages_list, next) {
		if (undo == elm)
			break;
		iopt_area_unfill_domains(undo->area, undo->pages);
	}
	return ret;
}

/*
 * Map every element of pages_list back to back from *dst_iova (chosen here
 * with IOPT_ALLOC_IOVA) into every domain, allocating an area for each
 * element that brings none. On success the areas own the list's page
 * references; on failure nothing is left mapped or pinned.
 */
int iopt_map_pages(struct io_pagetable *iopt, struct list_head *pages_list,
		   unsigned long length, unsigned long *dst_iova, int iommu_prot,
		   unsigned int flags)
{
	struct iopt_pages_list *elm;
	int ret = 0;

	list_for_each_entry(elm, pages_list, next) {
		if (!elm->area)
			elm->area = iommufd_alloc(sizeof(*elm->area));
		if (!elm->area)
			return -ENOMEM;
	}
	/*
	 * One hold of iova_rwsem for the whole map (Linux drops it while
	 * pinning and loading the domains, taking it three times, under
	 * domains_rwsem): a racing unmap waits for the map instead of finding
	 * its area half built, and a domain added later (it takes both locks)
	 * sees the pages.
	 */
	plat_down_write(&iopt->iova_rwsem);
	ret = iopt_claim_area_pages(iopt, pages_list, length, dst_iova, iommu_prot, flags);
	if (!ret)
		ret = iopt_fill_domains_pages(pages_list);
	if (!ret) {
		list_for_each_entry(elm, pages_list, next) {
			elm->area->pages = elm->pages;	/* the list's reference moves in */
			elm->pages = NULL;
			elm->area = NULL;
		}
	}
	plat_up_write(&iopt->iova_rwsem);
	return ret;
}

/* Map a new pages object (its reference passes to the areas on success). */
static int iopt_map_common(struct io_pagetable *iopt, struct iopt_pages *pages,
			   unsigned long *iova, u64 uptr, unsigned long length,
			   int iommu_prot, unsigned int flags)
{
	struct iopt_pages_list elm = { .pages = pages, .area = &pages->first_area };
	LIST_HEAD(pages_list);
	int ret;

	pages->first_area.embedded = true;
	elm.start_byte = uptr - elm.pages->uptr;
	elm.length = length;
	list_add(&elm.next, &pages_list);

	ret = iopt_map_pages(iopt, &pages_list, length, iova, iommu_prot, flags);
	if (ret) {
		if (elm.area)
			iopt_abort_area(elm.area);
		if (elm.pages && elm.pages->recycled)
			iopt_put_pages_cached(elm.pages);	/* back where it came from */
		else if (elm.pages)
			iopt_put_pages(elm.pages);
	}
	return ret;
}

/*
 * Map length bytes of user memory at uptr to *iova (chosen when flags has
 * IOPT_ALLOC_IOVA). With domains attached the pages are pinned and loaded
 * into each; without, only a lazy reference is kept.
 */
int iopt_map_user_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, u64 uptr, unsigned long length,
			int iommu_prot, unsigned int flags)
{
	struct iopt_pages *pages = iopt_alloc_pages(ictx, uptr, length, iommu_prot & IOMMU_WRITE);

	if (IS_ERR(pages))
		return (int)PTR_ERR(pages);
	return iopt_map_common(iopt, pages, iova, uptr, length, iommu_prot, flags);
}

/*
 * IOAS_MAP_FILE: the same for bytes [start, start + length) of the file
 * behind fd, pinned where the platform shows them (plat_file_view()).
 */
int iopt_map_file_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, int fd, u64 start, unsigned long length,
			int iommu_prot, unsigned int flags)
{
	struct iopt_pages *pages;
	void *ref;
	u64 uptr;
	int ret;

	ret = plat_file_view(fd, start, length, iommu_prot & IOMMU_WRITE, &uptr, &ref);
	if (ret)
		return ret;
	pages = iopt_alloc_pages(ictx, uptr, length, iommu_prot & IOMMU_WRITE);
	if (IS_ERR(pages)) {
		plat_file_view_put(ref);
		return (int)PTR_ERR(pages);
	}
	pages->file_ref = ref;
	return iopt_map_common(iopt, pages, iova, uptr, length, iommu_prot, flags);
}

bool iopt_all_file_areas(struct io_pagetable *iopt)
{
	struct iopt_area *area;
	bool all = true;

	plat_down_read(&iopt->iova_rwsem);
	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area && all;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX))
		all = area->pages && area->pages->file_ref;
	plat_up_read(&iopt->iova_rwsem);
	return all;
}

/* References to the pages behind [iova, iova + length); ENOENT on any gap. */
int iopt_get_pages(struct io_pagetable *iopt, unsigned long iova, unsigned long length,
		   struct list_head *pages_list)
{
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;
	unsigned long last_iova;
	int ret;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last_iova))
		return -EOVERFLOW;
	plat_down_read(&iopt->iova_rwsem);
	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = min(last_iova, iopt_area_last_iova(area));
		struct iopt_pages_list *elm = iommufd_alloc(sizeof(*elm));

		if (!elm) {
			ret = -ENOMEM;
			goto err_free;
		}
		elm->start_byte = iopt_area_start_byte(area, iter.cur_iova);
		elm->pages = area->pages;
		elm->length = last - iter.cur_iova + 1;
		refcount_inc(&elm->pages->kref);
		list_add_tail(&elm->next, pages_list);
	}
	if (!iopt_area_contig_done(&iter)) {
		ret = -ENOENT;
		goto err_free;
	}
	plat_up_read(&iopt->iova_rwsem);
	return 0;
err_free:
	plat_up_read(&iopt->iova_rwsem);
	iopt_free_pages_list(pages_list);
	return ret;
}

/* Domains an unmap invalidates together; beyond that, one invalidation per area. */
#define IOPT_UNMAP_GATHERS 8

/* The areas one unmap call has taken out of the IOAS, not yet unmapped. */
struct unmap_batch {
	struct iopt_area *head, **tail;
	unsigned long bytes;		/* of the areas finished so far */
	struct iommu_iotlb_gather g[IOPT_UNMAP_GATHERS];
};

/*
 * Take the run of IOVA-adjacent areas mapped into the domains that starts
 * at area out of every domain, one driver call per domain for the whole
 * run (256 adjacent 4K areas: one table walk, not 256), into gathers[i];
 * returns the area after the run. No pages mutex: storage and the domains
 * change only with iova_rwsem held for write, which the caller holds.
 */
static struct iopt_area *unmap_domains_run(struct io_pagetable *iopt, struct iopt_area *area,
					   struct iommu_iotlb_gather *gathers)
{
	struct iopt_area *end = area;
	unsigned long len;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	if (!area->storage)
		return area->unmap_next;
	while (end->unmap_next && end->unmap_next->storage &&
	       iopt_area_iova(end->unmap_next) == iopt_area_last_iova(end) + 1)
		end = end->unmap_next;
	len = iopt_area_last_iova(end) - iopt_area_iova(area) + 1;
	for (unsigned int i = 0; i < iopt->ndomains; i++)
		if (iommu_unmap_fast(iopt->domains[i], iopt_area_iova(area), len, &gathers[i]) != len)
			plat_warn("iopt unmap: a domain unmapped less than its areas");
	return end->unmap_next;
}

/*
 * Unmap the batch's areas from every domain, each domain's IOTLB
 * invalidated once for all of them (unmapping 256 areas in one call costs
 * one invalidation, not 256), and only then unpin and free them.
 * iova_rwsem held for write, from taking the areas out to freeing them:
 * no round trip of the lock per area.
 */
static void unmap_batch_finish(struct io_pagetable *iopt, struct unmap_batch *b)
{
	bool together = iopt->ndomains <= IOPT_UNMAP_GATHERS;
	struct iopt_area *area, *next;

	if (!b->head)
		return;
	for (unsigned int i = 0; together && i < iopt->ndomains; i++)
		iommu_iotlb_gather_init(&b->g[i]);
	if (together)
		for (area = b->head; area;)
			area = unmap_domains_run(iopt, area, b->g);
	else
		for (area = b->head; area; area = area->unmap_next)
			iopt_area_unfill_domains(area, area->unmap_pages);
	for (unsigned int i = 0; together && i < iopt->ndomains; i++)
		iommu_iotlb_sync(iopt->domains[i], &b->g[i]);
	for (area = b->head; area; area = next) {
		struct iopt_pages *pages = area->unmap_pages;

		next = area->unmap_next;
		if (together)
			iopt_area_unfill_done(area, pages);
		b->bytes += iopt_area_length(area);
		area->unmap_pages = NULL;
		iopt_remove_area(area);
		iopt_put_pages_cached(pages);
	}
	b->head = NULL;
	b->tail = &b->head;
}

/*
 * Unmap every area inside [start, last], in IOVA order. An area that sticks
 * out of the range stops the walk with ENOENT (areas before it stay
 * unmapped, as in Linux); nothing inside the range is success with nothing
 * unmapped (Linux 6.12: IOAS_UNMAP makes that ENOENT, VFIO's unmap 0). Accesses
 * pinning an area are told to unpin first; one that does not gives
 * EDEADLK and the area stays.
 */
static int iopt_unmap_iova_range(struct io_pagetable *iopt, unsigned long start,
				 unsigned long last, unsigned long *unmapped)
{
	struct unmap_batch b;	/* not zeroed whole: the gathers are set up when used */
	struct iopt_area *area, *next;
	int ret = 0;

	b.head = NULL;
	b.tail = &b.head;
	b.bytes = 0;

again:
	plat_down_write(&iopt->iova_rwsem);
	for (area = iopt_area_iter_first(iopt, start, last); area; area = next) {
		unsigned long area_last = iopt_area_last_iova(area);
		unsigned long area_first = iopt_area_iova(area);

		next = iopt_area_iter_next(area, start, last);
		if (!area->pages) {	/* being mapped by a racing ioctl */
			ret = -EBUSY;
			goto out_unlock;
		}
		if (area_first < start || area_last > last) {
			ret = -ENOENT;
			goto out_unlock;
		}
		if (area->num_accesses) {
			start = area_first;
			area->prevent_access = true;
			unmap_batch_finish(iopt, &b);
			plat_up_write(&iopt->iova_rwsem);
			iommufd_access_notify_unmap(iopt, area_first, iopt_area_length(area));
			/* the old pointer may be stale now: look again (bug class 9) */
			plat_down_write(&iopt->iova_rwsem);
			area = iopt_area_iter_first(iopt, start, start);
			if (area && iopt_area_iova(area) == area_first && area->num_accesses) {
				/* an access did not unpin: refuse rather than free (class 21) */
				area->prevent_access = false;
				plat_up_write(&iopt->iova_rwsem);
				ret = -EDEADLK;
				goto out_report;
			}
			plat_up_write(&iopt->iova_rwsem);
			goto again;
		}
		lockdep_assert_held_write(&iopt->iova_rwsem);	/* one unmapper takes it */
		/* out of reach of every other path (pages NULL), still holding its IOVA */
		area->unmap_pages = area->pages;
		area->pages = NULL;
		area->unmap_next = NULL;
		*b.tail = area;
		b.tail = &area->unmap_next;
	}
out_unlock:
	unmap_batch_finish(iopt, &b);
	plat_up_write(&iopt->iova_rwsem);
out_report:
	if (unmapped)
		*unmapped = b.bytes;
	return ret;
}

int iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova, unsigned long length,
		    unsigned long *unmapped)
{
	unsigned long last;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	return iopt_unmap_iova_range(iopt, iova, last, unmapped);
}

/* Unmap everything; an empty IOAS is success. */
int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped)
{
	return iopt_unmap_iova_range(iopt, 0, ULONG_MAX, unmapped);
}

/*
 * Swap in a new set of allowed ranges (the caller frees whatever *allowed
 * holds afterwards: the old set on success, its own on failure). EADDRINUSE
 * when an allowed range overlaps a reserved one.
 */
int iopt_set_allow_iova(struct io_pagetable *iopt, struct itree_root *allowed)
{
	struct itree_root tmp;
	struct itree_node *n;

	plat_down_write(&iopt->iova_rwsem);
	for (n = itree_first(allowed); n; n = itree_next(n)) {
		if (reserved_overlaps(iopt, n->start, n->last)) {
			plat_up_write(&iopt->iova_rwsem);
			return -EADDRINUSE;
		}
	}
	lockdep_assert_held_write(&iopt->iova_rwsem);
	tmp = iopt->allowed_itree;
	iopt->allowed_itree = *allowed;
	*allowed = tmp;
	plat_up_write(&iopt->iova_rwsem);
	return 0;
}

/* Reserve [start, last] for owner; EADDRINUSE if mapped or allowed there. iova_rwsem held. */
int __iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
			unsigned long last, void *owner)
{
	struct iopt_reserved *r;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	if (iopt_area_iter_first(iopt, start, last) ||
	    itree_iter_first(&iopt->allowed_itree, start, last))
		return -EADDRINUSE;
	r = iommufd_alloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->node.start = start;
	r->node.last = last;
	r->owner = owner;
	itree_insert(&iopt->reserved_itree, &r->node);
	return 0;
}

int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start, unsigned long last,
		      void *owner)
{
	int ret;

	plat_down_write(&iopt->iova_rwsem);
	ret = __iopt_reserve_iova(iopt, start, last, owner);
	plat_up_write(&iopt->iova_rwsem);
	return ret;
}

void __iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	struct itree_node *n, *next;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	for (n = itree_first(&iopt->reserved_itree); n; n = next) {
		struct iopt_reserved *r = container_of(n, struct iopt_reserved, node);

		next = itree_next(n);
		if (r->owner == owner) {
			itree_remove(&iopt->reserved_itree, n);
			kfree(r);
		}
	}
}

void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	plat_down_write(&iopt->iova_rwsem);
	__iopt_remove_reserved_iova(iopt, owner);
	plat_up_write(&iopt->iova_rwsem);
}

/*
 * Reserve every reserved region of dev (RMRR/IVMD, MSI window, mock test
 * regions) for owner; EADDRINUSE (nothing reserved) when one is mapped.
 */
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt, struct iommu_dev *dev,
					void *owner)
{
	struct iommu_resv_region *r;
	LIST_HEAD(regions);
	int ret = 0;

	iommu_get_resv_regions(dev, &regions);
	plat_down_write(&iopt->iova_rwsem);
	list_for_each_entry(r, &regions, list) {
		if (!r->length)
			continue;
		ret = __iopt_reserve_iova(iopt, r->start, r->start + r->length - 1, owner);
		if (ret) {
			__iopt_remove_reserved_iova(iopt, owner);
			break;
		}
	}
	plat_up_write(&iopt->iova_rwsem);
	iommu_put_resv_regions(&regions);
	return ret;
}

void iopt_init_table(struct io_pagetable *iopt)
{
	memset(iopt, 0, sizeof(*iopt));
	plat_rwsem_init(&iopt->iova_rwsem);
	plat_rwsem_init(&iopt->domains_rwsem);
	idtab_init(&iopt->access_list);
	/* software tables take any byte alignment until a domain says otherwise */
	iopt->iova_alignment = 1;
}

static void free_itree(struct itree_root *root, size_t offset)
{
	struct itree_node *n;

	while ((n = itree_first(root))) {
		itree_remove(root, n);
		kfree((char *)n - offset);
	}
}

void iopt_destroy_table(struct io_pagetable *iopt)
{
	iopt_remove_reserved_iova(iopt, NULL);
	free_itree(&iopt->allowed_itree, offsetof(struct iopt_allowed, node));
	if (!itree_empty(&iopt->reserved_itree) || iopt->ndomains ||
	    !idtab_empty(&iopt->access_list) || !itree_empty(&iopt->area_itree))
		plat_warn("iopt_destroy_table: table still in use");
	kfree(iopt->domains);
	idtab_destroy(&iopt->access_list);
	plat_rwsem_destroy(&iopt->iova_rwsem);
	plat_rwsem_destroy(&iopt->domains_rwsem);
}

/*
 * Split area so that iova becomes the last byte of the left half (VFIO
 * type1 partial unmap), using the preallocated *lhs and *rhs (taken from
 * the caller when used). Both halves share the pages and stay in every
 * index the whole was in. iova_rwsem held for write.
 */
static int iopt_area_split(struct iopt_area *area, unsigned long iova,
			   struct iopt_area **lhsp, struct iopt_area **rhsp)
{
	struct io_pagetable *iopt = area->iopt;
	unsigned long align = iopt->iova_alignment, new_start = iova + 1;
	unsigned long start_iova = iopt_area_iova(area), last_iova = iopt_area_last_iova(area);
	struct iopt_pages *pages = area->pages;
	struct iopt_area *lhs = *lhsp, *rhs = *rhsp;
	int ret;

	if (iova == start_iova || iova == last_iova)
		return 0;
	if (!pages || area->prevent_access)
		return -EBUSY;
	if ((new_start & (align - 1)) || (iopt_area_start_byte(area, new_start) & (align - 1)))
		return -EINVAL;
	plat_mutex_lock(&pages->mutex);
	/* accesses pin by area range and large IOPTEs cannot be cut */
	if (area->num_accesses || (area->storage && !iopt->disable_large_pages)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	itree_remove(&iopt->area_itree, &area->node);
	ret = iopt_insert_area(iopt, lhs, pages, start_iova,
			       iopt_area_start_byte(area, start_iova), new_start - start_iova,
			       area->iommu_prot, NULL);
	if (!ret)
		ret = iopt_insert_area(iopt, rhs, pages, new_start,
				       iopt_area_start_byte(area, new_start),
				       last_iova - new_start + 1, area->iommu_prot, NULL);
	if (ret) {
		/* the checks above make this impossible: put the area back */
		plat_warn("iopt_area_split: cannot insert the halves");
		if (lhs->iopt)
			itree_remove(&iopt->area_itree, &lhs->node);
		itree_insert(&iopt->area_itree, &area->node);
		goto out_unlock;
	}
	if (area->storage) {
		/* both halves replace the whole in the domains index (bug class 8) */
		itree_remove(&pages->domains_itree, &area->pages_node);
		itree_insert(&pages->domains_itree, &lhs->pages_node);
		itree_insert(&pages->domains_itree, &rhs->pages_node);
		lhs->storage = rhs->storage = true;
	}
	lhs->pages = pages;
	rhs->pages = pages;
	refcount_inc(&pages->kref);
	*lhsp = *rhsp = NULL;
	iopt_free_area(area);
out_unlock:
	plat_mutex_unlock(&pages->mutex);
	return ret;
}

#define IOPT_MAX_CUTS 2

/*
 * Cut areas so each iovas[i] ends an area (iovas[i] + 1 starts one). All
 * memory is taken first, so ENOMEM leaves every area as it was.
 */
int iopt_cut_iova(struct io_pagetable *iopt, unsigned long *iovas, size_t num_iovas)
{
	struct iopt_area *spare[2 * IOPT_MAX_CUTS] = { NULL };
	int ret = 0;

	if (num_iovas > IOPT_MAX_CUTS)
		return -EINVAL;
	for (size_t i = 0; i < 2 * num_iovas; i++) {
		spare[i] = iommufd_alloc(sizeof(*spare[i]));
		if (!spare[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
	}
	plat_down_write(&iopt->iova_rwsem);
	for (size_t i = 0; i < num_iovas; i++) {
		struct iopt_area *area = iopt_area_iter_first(iopt, iovas[i], iovas[i]);

		if (!area)
			continue;
		ret = iopt_area_split(area, iovas[i], &spare[2 * i], &spare[2 * i + 1]);
		if (ret)
			break;
	}
	plat_up_write(&iopt->iova_rwsem);
out_free:
	for (size_t i = 0; i < ARRAY_SIZE(spare); i++)
		kfree(spare[i]);
	return ret;
}
