// SPDX-License-Identifier: MIT
/*
 * Dirty tracking of an io_pagetable: turning it on in a domain, and reading
 * (and clearing) the dirty bits of an IOVA range into the user's bitmap.
 */
#include "core/io_pagetable.h"

/*
 * ---- dirty tracking ----
 * The user's bitmap is filled a window at a time: a kernel buffer of
 * DIRTY_WINDOW bytes collects the bits the driver reports for the IOVA the
 * window covers, then is ORed into the user's bytes (Linux's iova_bitmap
 * sets bits in the user's pages; the result is the same).
 */
#define DIRTY_WINDOW 4096UL

struct dirty_window {
	struct iommu_dirty_bitmap dirty;
	u8 *bits;			/* DIRTY_WINDOW bytes the driver's bits go to */
	u8 *user;			/* the user's bytes of the window */
	unsigned long base;		/* IOVA of bit 0 of the user's bitmap */
	unsigned long first, last;	/* bit range this window holds */
	unsigned long page_shift;
};

static void dirty_record(struct iommu_dirty_bitmap *dirty, unsigned long iova,
			 unsigned long length)
{
	struct dirty_window *w = container_of(dirty, struct dirty_window, dirty);
	unsigned long first = (iova - w->base) >> w->page_shift;
	unsigned long last = (iova + length - 1 - w->base) >> w->page_shift;

	if (iova < w->base)
		first = 0;
	first = max(first, w->first);
	last = min(last, w->last);
	for (unsigned long bit = first; bit <= last && bit >= first; bit++)
		w->bits[(bit - w->first) / 8] |= 1 << ((bit - w->first) % 8);
}

/* Ask the driver about [iova, last] area by area; EINVAL where no area is. */
static int dirty_read_range(struct io_pagetable *iopt, struct iommu_domain *domain,
			    unsigned long iova, unsigned long last_iova, unsigned long flags,
			    struct iommu_dirty_bitmap *dirty)
{
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;
	int ret;

	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = min(last_iova, iopt_area_last_iova(area));

		ret = domain->dirty_ops->read_and_clear_dirty(domain, iter.cur_iova,
							      last - iter.cur_iova + 1,
							      flags, dirty);
		if (ret)
			return ret;
	}
	return iopt_area_contig_done(&iter) ? 0 : -EINVAL;
}

/*
 * The user's bytes of this window, read and written back unchanged before
 * the driver clears anything (Linux pins them writable first): a bitmap the
 * caller cannot write is EFAULT with every dirty bit still recorded.
 */
static int dirty_load_window(struct dirty_window *w, u64 udata, size_t nbytes)
{
	u64 at = udata + w->first / 8;

	if (copy_from_user(w->user, at, nbytes) || copy_to_user(at, w->user, nbytes))
		return -EFAULT;
	return 0;
}

/* OR the window's bits into the user's bytes. */
static int dirty_flush_window(struct dirty_window *w, u64 udata, size_t nbytes)
{
	for (size_t i = 0; i < nbytes; i++)
		w->user[i] |= w->bits[i];
	return copy_to_user(udata + w->first / 8, w->user, nbytes) ? -EFAULT : 0;
}

/* The range checks of Linux's iommufd_check_iova_range(). */
static int dirty_check_range(struct io_pagetable *iopt,
			     const struct iommu_hwpt_get_dirty_bitmap *bitmap, u64 *last)
{
	unsigned long align = iopt->iova_alignment;

	if (check_add_overflow(bitmap->iova, bitmap->length - 1, last))
		return -EOVERFLOW;
	if (bitmap->iova > ULONG_MAX || *last > ULONG_MAX)
		return -EOVERFLOW;
	if ((bitmap->iova & (align - 1)) || ((*last + 1) & (align - 1)))
		return -EINVAL;
	if (!bitmap->page_size)
		return -EINVAL;
	if ((bitmap->iova & (bitmap->page_size - 1)) || ((*last + 1) & (bitmap->page_size - 1)))
		return -EINVAL;
	return 0;
}

/*
 * IOMMU_HWPT_GET_DIRTY_BITMAP: set a bit in the user's bitmap for every
 * page_size page of [iova, iova + length) the domain saw written, clearing
 * the domain's record unless flags has NO_CLEAR. The range must be mapped
 * without a gap (EINVAL).
 */
int iopt_read_and_clear_dirty_data(struct io_pagetable *iopt, struct iommu_domain *domain,
				   unsigned long flags,
				   struct iommu_hwpt_get_dirty_bitmap *bitmap)
{
	struct dirty_window w = { .dirty.record = dirty_record };
	unsigned long nbits;
	u64 last;
	int ret;

	ret = dirty_check_range(iopt, bitmap, &last);
	if (ret)
		return ret;
	if (!domain->dirty_ops)
		return -EOPNOTSUPP;
	/* as Linux's iova_bitmap: a bit covers the lowest set bit of page_size */
	w.page_shift = __builtin_ctzll(bitmap->page_size);
	w.base = bitmap->iova;
	nbits = ((last - bitmap->iova) >> w.page_shift) + 1;
	w.bits = iommufd_alloc(2 * DIRTY_WINDOW);
	if (!w.bits)
		return -ENOMEM;
	w.user = w.bits + DIRTY_WINDOW;
	plat_down_read(&iopt->iova_rwsem);
	for (w.first = 0; w.first < nbits && !ret; w.first += DIRTY_WINDOW * 8) {
		unsigned long wlast_iova;
		size_t nbytes;

		w.last = min(nbits - 1, w.first + DIRTY_WINDOW * 8 - 1);
		wlast_iova = w.last == nbits - 1 ? last :
			     w.base + ((w.last + 1) << w.page_shift) - 1;
		nbytes = (w.last - w.first) / 8 + 1;
		memset(w.bits, 0, DIRTY_WINDOW);
		ret = dirty_load_window(&w, bitmap->data, nbytes);
		if (!ret)
			ret = dirty_read_range(iopt, domain, w.base + (w.first << w.page_shift),
					       wlast_iova,
					       flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR ?
					       IOMMU_DIRTY_NO_CLEAR : 0, &w.dirty);
		if (!ret)
			ret = dirty_flush_window(&w, bitmap->data, nbytes);
	}
	plat_up_read(&iopt->iova_rwsem);
	kfree(w.bits);
	return ret;
}

/* Forget what the domain recorded before tracking starts (a clean snapshot). */
static int iopt_clear_dirty_data(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	struct iommu_dirty_bitmap none = { 0 };
	struct iopt_area *area;
	int ret = 0;

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area && !ret;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if (!area->pages)
			continue;
		ret = domain->dirty_ops->read_and_clear_dirty(domain, iopt_area_iova(area),
							      iopt_area_length(area), 0, &none);
	}
	return ret;
}

/* IOMMU_HWPT_SET_DIRTY_TRACKING: EOPNOTSUPP for a domain made without it. */
int iopt_set_dirty_tracking(struct io_pagetable *iopt, struct iommu_domain *domain,
			    bool enable)
{
	int ret = 0;

	if (!domain->dirty_ops)
		return -EOPNOTSUPP;
	plat_down_read(&iopt->iova_rwsem);
	if (enable)
		ret = iopt_clear_dirty_data(iopt, domain);
	if (!ret)
		ret = domain->dirty_ops->set_dirty_tracking(domain, enable);
	plat_up_read(&iopt->iova_rwsem);
	return ret;
}
