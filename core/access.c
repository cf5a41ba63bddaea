// SPDX-License-Identifier: MIT
/*
 * ACCESS objects: in-kernel users (emulated devices) that pin IOAS pages by
 * IOVA or copy through them with the CPU, and are told to unpin before an
 * unmap. Contracts as Linux's iommufd_access_* (device.c there).
 */
#include "core/io_pagetable.h"

void iommufd_access_destroy_object(struct iommufd_object *obj)
{
	struct iommufd_access *access = container_of(obj, struct iommufd_access, obj);

	if (access->ioas)
		iommufd_access_detach(access);
	plat_mutex_destroy(&access->ioas_lock);
	iommufd_ctx_put(access->ictx);
}

/*
 * A new access on ictx (which it keeps alive); the caller owns it until
 * iommufd_access_destroy(). ops->unmap must unpin whatever it pinned in the
 * range it is given.
 */
struct iommufd_access *iommufd_access_create(struct iommufd_ctx *ictx,
					     const struct iommufd_access_ops *ops,
					     void *data, u32 *id)
{
	struct iommufd_access *access;

	access = iommufd_object_alloc(ictx, access, IOMMUFD_OBJ_ACCESS);
	if (IS_ERR(access))
		return access;
	access->data = data;
	access->ops = ops;
	access->iova_alignment = ops->needs_pin_pages ? PAGE_SIZE : 1;
	plat_mutex_init(&access->ioas_lock);
	refcount_inc(&access->obj.users);	/* the creator's */
	access->ictx = ictx;
	iommufd_ctx_get(ictx);
	iommufd_object_finalize(ictx, &access->obj);
	*id = access->obj.id;
	return access;
}

void iommufd_access_destroy(struct iommufd_access *access)
{
	iommufd_object_destroy_user(access->ictx, &access->obj);
}

/*
 * Move access from its IOAS (if any) to new_ioas (NULL: none). Pins are
 * refused while it moves; the driver is told to unpin everything on the
 * old IOAS. The old IOAS is left by the ID it gave us (bug class 6).
 * ioas_lock held.
 */
static int change_ioas(struct iommufd_access *access, struct iommufd_ioas *new_ioas)
{
	struct iommufd_ioas *cur = access->ioas_unpin;
	u32 cur_id = access->iopt_access_list_id;
	int ret;

	if (cur != access->ioas)
		return -EBUSY;	/* racing another change */
	if (cur == new_ioas)
		return 0;
	access->ioas = NULL;
	if (new_ioas) {
		ret = iopt_add_access(&new_ioas->iopt, access);
		if (ret) {
			access->ioas = cur;
			return ret;
		}
		refcount_inc(&new_ioas->obj.users);
	}
	if (cur) {
		if (access->ops->unmap) {
			plat_mutex_unlock(&access->ioas_lock);
			access->ops->unmap(access->data, 0, ULONG_MAX);
			plat_mutex_lock(&access->ioas_lock);
		}
		iopt_remove_access(&cur->iopt, access, cur_id);
		refcount_dec(&cur->obj.users);
	}
	access->ioas = new_ioas;
	access->ioas_unpin = new_ioas;
	return 0;
}

static int access_set_ioas(struct iommufd_access *access, u32 ioas_id, bool replace)
{
	struct iommufd_ioas *ioas;
	int ret;

	plat_mutex_lock(&access->ioas_lock);
	if (!!access->ioas != replace) {
		ret = -EINVAL;
		goto out_unlock;
	}
	ioas = iommufd_get_ioas(access->ictx, ioas_id);
	if (IS_ERR(ioas)) {
		ret = (int)PTR_ERR(ioas);
		goto out_unlock;
	}
	ret = change_ioas(access, ioas);
	iommufd_put_object(access->ictx, &ioas->obj);
out_unlock:
	plat_mutex_unlock(&access->ioas_lock);
	return ret;
}

int iommufd_access_attach(struct iommufd_access *access, u32 ioas_id)
{
	return access_set_ioas(access, ioas_id, false);
}

int iommufd_access_replace(struct iommufd_access *access, u32 ioas_id)
{
	return access_set_ioas(access, ioas_id, true);
}

void iommufd_access_detach(struct iommufd_access *access)
{
	plat_mutex_lock(&access->ioas_lock);
	if (change_ioas(access, NULL))
		plat_warn("iommufd_access_detach: detach raced a change");
	plat_mutex_unlock(&access->ioas_lock);
}

/*
 * Called by unmap before it removes [iova, iova + length): every access of
 * the IOAS must unpin there. Its own lock is not held across the calls.
 */
void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length)
{
	struct iommufd_access *access;
	unsigned long index = 0;

	plat_down_read(&iopt->iova_rwsem);
	while ((access = idtab_find(&iopt->access_list, &index))) {
		if (iommufd_lock_obj(&access->obj)) {
			plat_up_read(&iopt->iova_rwsem);
			access->ops->unmap(access->data, iova, length);
			iommufd_put_object(access->ictx, &access->obj);
			plat_down_read(&iopt->iova_rwsem);
		}
		index++;
	}
	plat_up_read(&iopt->iova_rwsem);
}

/*
 * Check [iova, iova + length) and take the access's IOAS for reading:
 * its iopt, or ERR_PTR(EINVAL/EOVERFLOW/ENOENT). End with access_end().
 */
static struct io_pagetable *access_begin(struct iommufd_access *access, unsigned long iova,
					 unsigned long length, unsigned long *last_iova)
{
	struct io_pagetable *iopt;

	if (!length)
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(iova, length - 1, last_iova))
		return ERR_PTR(-EOVERFLOW);
	plat_mutex_lock(&access->ioas_lock);
	if (!access->ioas) {
		plat_mutex_unlock(&access->ioas_lock);
		return ERR_PTR(-ENOENT);
	}
	iopt = &access->ioas->iopt;
	plat_down_read(&iopt->iova_rwsem);
	return iopt;
}

static void access_end(struct iommufd_access *access, struct io_pagetable *iopt)
{
	plat_up_read(&iopt->iova_rwsem);
	plat_mutex_unlock(&access->ioas_lock);
}

/* Pages passed out must be contiguous: areas may only meet at page edges. */
static bool contig_is_aligned(struct iopt_area_contig_iter *iter, unsigned long first_iova)
{
	if (iter->cur_iova != first_iova &&
	    iopt_area_start_byte(iter->area, iter->cur_iova) % PAGE_SIZE)
		return false;
	if (!iopt_area_contig_done(iter) &&
	    iopt_area_start_byte(iter->area, iopt_area_last_iova(iter->area)) % PAGE_SIZE !=
		    PAGE_SIZE - 1)
		return false;
	return true;
}

/* Drop one access pin of each area part in [iova, last_iova]; false on a gap. */
static bool unpin_areas(struct io_pagetable *iopt, unsigned long iova,
			unsigned long last_iova)
{
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;

	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = min(last_iova, iopt_area_last_iova(area));

		iopt_area_remove_access(area, iopt_area_iova_to_index(area, iter.cur_iova),
					iopt_area_iova_to_index(area, last));
	}
	return iopt_area_contig_done(&iter);
}

/*
 * Pin the pages behind [iova, iova + length): out_pas gets one physical
 * address per PAGE_SIZE page from the page holding iova. ENOENT where
 * nothing is mapped, EPERM writing a read-only area, EINVAL while the
 * range is being unmapped.
 */
int iommufd_access_pin_pages(struct iommufd_access *access, unsigned long iova,
			     unsigned long length, phys_addr_t *out_pas, unsigned int flags)
{
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;
	unsigned long last_iova;
	struct io_pagetable *iopt = access_begin(access, iova, length, &last_iova);
	int ret = 0;

	if (IS_ERR(iopt))
		return (int)PTR_ERR(iopt);
	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = min(last_iova, iopt_area_last_iova(area));
		unsigned long first_index = iopt_area_iova_to_index(area, iter.cur_iova);
		unsigned long last_index = iopt_area_iova_to_index(area, last);

		if (area->prevent_access || !contig_is_aligned(&iter, iova)) {
			ret = -EINVAL;
			goto err_remove;
		}
		ret = iopt_area_add_access(area, first_index, last_index, out_pas,
					   flags & IOMMUFD_ACCESS_RW_WRITE);
		if (ret)
			goto err_remove;
		if (out_pas)
			out_pas += last_index - first_index + 1;
	}
	if (!iopt_area_contig_done(&iter)) {
		ret = -ENOENT;
		goto err_remove;
	}
	access_end(access, iopt);
	return 0;
err_remove:
	if (iova < iter.cur_iova)
		unpin_areas(iopt, iova, iter.cur_iova - 1);
	access_end(access, iopt);
	return ret;
}

/* Undo one iommufd_access_pin_pages() of exactly this range. */
void iommufd_access_unpin_pages(struct iommufd_access *access, unsigned long iova,
				unsigned long length)
{
	struct io_pagetable *iopt;
	unsigned long last_iova;

	if (!length || check_add_overflow(iova, length - 1, &last_iova)) {
		plat_warn("iommufd_access_unpin_pages: bad range");
		return;
	}
	plat_mutex_lock(&access->ioas_lock);
	if (!access->ioas_unpin) {
		plat_warn("iommufd_access_unpin_pages: access has no IOAS");
		plat_mutex_unlock(&access->ioas_lock);
		return;
	}
	iopt = &access->ioas_unpin->iopt;
	plat_down_read(&iopt->iova_rwsem);
	if (!unpin_areas(iopt, iova, last_iova))
		plat_warn("iommufd_access_unpin_pages: range was not pinned");
	plat_up_read(&iopt->iova_rwsem);
	plat_mutex_unlock(&access->ioas_lock);
}

/*
 * Copy len bytes between data and IOVA iova with the CPU. EINVAL for len 0,
 * ENOENT where nothing is mapped, EPERM writing a read-only area.
 */
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova, void *data,
		      size_t len, unsigned int flags)
{
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;
	unsigned long last_iova;
	struct io_pagetable *iopt = access_begin(access, iova, len, &last_iova);
	int ret = 0;

	if (IS_ERR(iopt))
		return (int)PTR_ERR(iopt);
	iopt_for_each_contig_area(&iter, area, iopt, iova, last_iova) {
		unsigned long last = min(last_iova, iopt_area_last_iova(area));
		unsigned long bytes = last - iter.cur_iova + 1;

		if (area->prevent_access) {
			ret = -EINVAL;
			break;
		}
		if ((flags & IOMMUFD_ACCESS_RW_WRITE) && !(area->iommu_prot & IOMMU_WRITE)) {
			ret = -EPERM;
			break;
		}
		ret = iopt_pages_rw_access(area->pages, iopt_area_start_byte(area, iter.cur_iova),
					   data, bytes, flags);
		if (ret)
			break;
		data = (char *)data + bytes;
	}
	if (!ret && !iopt_area_contig_done(&iter))
		ret = -ENOENT;
	access_end(access, iopt);
	return ret;
}
