/* SPDX-License-Identifier: MIT */
/*
 * The io_pagetable and its parts: areas (IOVA ranges) and pages (pinned
 * user memory shared by areas, domains and accesses). Concepts and names
 * follow Linux's drivers/iommu/iommufd/io_pagetable.h; the code is ours.
 */
#ifndef CORE_IO_PAGETABLE_H
#define CORE_IO_PAGETABLE_H

#include "core/iommufd_private.h"

struct pin_chunk;
/*
 * An area is one IOAS_MAP (or COPY) result: the IOVA range [node.start,
 * node.last] backed by a byte range of an iopt_pages. Areas never overlap.
 * The iopt's iova_rwsem protects node, pages, prevent_access and
 * num_accesses; pages->mutex protects pages_node and storage.
 */
struct iopt_area {
	struct itree_node node;		/* IOVA range, in iopt->area_itree */
	struct itree_node pages_node;	/* page index range, in pages->domains_itree */
	struct io_pagetable *iopt;
	struct iopt_pages *pages;	/* NULL while being built or torn down */
	unsigned int page_offset;	/* byte offset of the first IOVA in its page */
	int iommu_prot;			/* IOMMU_READ/WRITE/CACHE */
	bool prevent_access;		/* unmap in progress: no new access pins */
	bool storage;			/* pages are mapped into the iopt's domains */
	bool embedded;			/* pages->first_area: freed with its pages */
	unsigned int num_accesses;	/* access pins on this area */
	/* an unmap's batch: its pages (area->pages is NULL then) and the next area */
	struct iopt_pages *unmap_pages;
	struct iopt_area *unmap_next;
};

/* A range of IOVA that may not be mapped (domain aperture, resv region, test). */
struct iopt_reserved {
	struct itree_node node;
	void *owner;			/* who removes it: a domain, a device, NULL */
};

/* A range user space allowed for automatic IOVA allocation. */
struct iopt_allowed {
	struct itree_node node;
};

/*
 * The user memory behind one or more areas: pages [0, npages) starting at
 * the page-aligned uptr. A page is pinned exactly while it is covered by
 * some node of domains_itree (areas mapped into domains) or access_itree
 * (access pins); pinned pages are charged to account once, however many
 * users share them. mutex protects everything below it.
 */
struct iopt_pages {
	refcount_t kref;		/* areas and pages lists holding it */
	u64 uptr;			/* user address of page 0, page aligned */
	unsigned long npages;
	bool writable;
	u8 account_mode;		/* enum iommufd_account_mode */
	struct iommufd_account *account;
	void *file_ref;			/* IOAS_MAP_FILE: plat_file_view()'s reference */
	void *source_mm;		/* plat_mm_get() of the mapper: where pins come from */
	struct iommufd_ctx *ictx;	/* whose pages cache a small one goes back to */
	bool recycled;			/* taken from that cache (a failed map puts it back) */

	struct list_head list;		/* in pages.c's list of every pages object */
	struct plat_mutex mutex;
	unsigned long npinned;		/* pages pinned by this object */
	struct idtab pins;		/* chunk of PINS_PER_CHUNK pages -> struct pin_chunk */
	struct pin_chunk *small;	/* or, for a few pages, their pins in this allocation */
	struct itree_root domains_itree;	/* struct iopt_area.pages_node */
	struct itree_root access_itree;	/* struct iopt_pages_access.node */
	/*
	 * The area of the map that made this object, in the same allocation
	 * (one allocation per map, not two). Used once, by that map; after an
	 * unmap or a split it is dead storage until the pages go.
	 */
	struct iopt_area first_area;
};

static inline unsigned long iopt_area_iova(const struct iopt_area *area)
{
	return area->node.start;
}

static inline unsigned long iopt_area_last_iova(const struct iopt_area *area)
{
	return area->node.last;
}

static inline unsigned long iopt_area_length(const struct iopt_area *area)
{
	return area->node.last - area->node.start + 1;
}

static inline unsigned long iopt_area_index(const struct iopt_area *area)
{
	return area->pages_node.start;
}

static inline unsigned long iopt_area_last_index(const struct iopt_area *area)
{
	return area->pages_node.last;
}

/* Byte offset inside area->pages of the IOVA iova (which lies in area). */
static inline unsigned long iopt_area_start_byte(const struct iopt_area *area,
						 unsigned long iova)
{
	return iova - iopt_area_iova(area) + area->page_offset +
	       iopt_area_index(area) * PAGE_SIZE;
}

/* Page index inside area->pages of the IOVA iova. */
static inline unsigned long iopt_area_iova_to_index(const struct iopt_area *area,
						    unsigned long iova)
{
	return iopt_area_start_byte(area, iova) / PAGE_SIZE;
}

struct iopt_area *iopt_area_iter_first(struct io_pagetable *iopt, unsigned long start,
				       unsigned long last);
struct iopt_area *iopt_area_iter_next(struct iopt_area *area, unsigned long start,
				      unsigned long last);

/*
 * Walks the areas covering [iova, last_iova] without a gap; afterwards
 * iopt_area_contig_done() says whether the whole range was covered.
 * The caller holds iova_rwsem.
 */
struct iopt_area_contig_iter {
	unsigned long cur_iova;
	unsigned long last_iova;
	struct iopt_area *area;
};

struct iopt_area *iopt_area_contig_init(struct iopt_area_contig_iter *iter,
					struct io_pagetable *iopt, unsigned long iova,
					unsigned long last_iova);
struct iopt_area *iopt_area_contig_next(struct iopt_area_contig_iter *iter);

static inline bool iopt_area_contig_done(struct iopt_area_contig_iter *iter)
{
	if (!iter->area)
		return false;
	return iopt_area_last_iova(iter->area) >= iter->last_iova;
}

#define iopt_for_each_contig_area(iter, area, iopt, iova, last_iova)          \
	for (area = iopt_area_contig_init(iter, iopt, iova, last_iova); area; \
	     area = iopt_area_contig_next(iter))

/*
 * Reserved IOVA with iova_rwsem held (io_pagetable.c): reserve [start, last]
 * for owner (EADDRINUSE where mapped or allowed), drop every range of owner.
 */
int __iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start, unsigned long last,
			void *owner);
void __iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner);

/* pages.c: the pinning layer. */
struct iopt_pages *iopt_alloc_pages(struct iommufd_ctx *ictx, u64 uptr, unsigned long length,
				    bool writable);
void iopt_put_pages(struct iopt_pages *pages);
/* The same where the object may go to its context's cache (an unmap, a failed map). */
void iopt_put_pages_cached(struct iopt_pages *pages);
int iopt_area_fill_domains(struct iopt_area *area, struct iopt_pages *pages);
void iopt_area_unfill_domains(struct iopt_area *area, struct iopt_pages *pages);
/* Its second half, after the caller unmapped and invalidated area in every domain. */
void iopt_area_unfill_done(struct iopt_area *area, struct iopt_pages *pages);
int iopt_area_fill_domain(struct iopt_area *area, struct iommu_domain *domain);
void iopt_area_unfill_domain(struct iopt_area *area, struct iopt_pages *pages,
			     struct iommu_domain *domain);
void iopt_area_unmap_domain(struct iopt_area *area, struct iommu_domain *domain);
int iopt_area_add_access(struct iopt_area *area, unsigned long start_index,
			 unsigned long last_index, phys_addr_t *out_pas, bool write);
void iopt_area_remove_access(struct iopt_area *area, unsigned long start_index,
			     unsigned long last_index);
int iopt_pages_rw_access(struct iopt_pages *pages, unsigned long start_byte, void *data,
			 unsigned long length, unsigned int flags);
/* Physical address of pinned page index of pages (pages->mutex held). */
phys_addr_t iopt_pages_pa(struct iopt_pages *pages, unsigned long index);

/* Batch size in bytes for pin/map loops (IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT). */
extern unsigned long iommufd_test_memory_limit;

#endif
