// SPDX-License-Identifier: MIT
/*
 * DEVICE objects: binding an iommu_dev to a context, attaching it to a HWPT
 * or an IOAS (automatic domain), replace and detach, and GET_HW_INFO.
 * The in-kernel API VFIO cdev and the self-test use, as Linux's device.c.
 */
#include "core/io_pagetable.h"

/* Devices bound to any context: one context owns a device's DMA at a time. */
static struct plat_mutex bound_lock;
static LIST_HEAD(bound_devices);

static bool claim_device(struct iommufd_device *idev)
{
	struct iommufd_device *other;
	bool ok = true;

	plat_mutex_lock(&bound_lock);
	list_for_each_entry(other, &bound_devices, bound_item)
		if (other->dev == idev->dev)
			ok = false;
	if (ok)
		list_add_tail(&idev->bound_item, &bound_devices);
	plat_mutex_unlock(&bound_lock);
	return ok;
}

void iommufd_device_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev = container_of(obj, struct iommufd_device, obj);

	/* unbind without detach: detach now so the domains can go */
	iommufd_device_detach(idev);
	while (!list_empty(&idev->pasids))
		iommufd_device_detach_pasid(idev, list_first_entry(&idev->pasids,
						struct iommufd_pasid_attach, node)->pasid);
	plat_mutex_lock(&bound_lock);
	list_del(&idev->bound_item);
	plat_mutex_unlock(&bound_lock);
	plat_mutex_destroy(&idev->lock);
}

/*
 * Bind dev to ictx and return the DEVICE object (its ID in *id). The
 * caller owns the object until iommufd_device_unbind(); user space cannot
 * destroy it. The caller also keeps ictx alive (iommufd_ctx_get) meanwhile.
 * ENODEV: no IOMMU translates dev; EINVAL: it cannot enforce coherency;
 * EBUSY: dev is bound already.
 */
struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx, struct iommu_dev *dev,
					   u32 *id)
{
	struct iommufd_device *idev;

	if (!dev->ops)
		return ERR_PTR(-ENODEV);
	if (!dev->ops->capable || !dev->ops->capable(dev, IOMMU_CAP_CACHE_COHERENCY))
		return ERR_PTR(-EINVAL);
	idev = iommufd_object_alloc(ictx, idev, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(idev))
		return idev;
	idev->ictx = ictx;
	idev->dev = dev;
	idev->enforce_cache_coherency = true;
	INIT_LIST_HEAD(&idev->pasids);
	plat_mutex_init(&idev->lock);
	if (!claim_device(idev)) {
		plat_mutex_destroy(&idev->lock);
		iommufd_object_abort(ictx, &idev->obj);
		return ERR_PTR(-EBUSY);
	}
	/* the caller's reference: DESTROY from user space gets EBUSY */
	refcount_inc(&idev->obj.users);
	*id = idev->obj.id;
	iommufd_object_finalize(ictx, &idev->obj);
	return idev;
}

/* Undo bind (detaching first if needed); idev is gone afterwards. */
void iommufd_device_unbind(struct iommufd_device *idev)
{
	iommufd_object_destroy_user(idev->ictx, &idev->obj);
}

struct iommufd_ctx *iommufd_device_to_ictx(struct iommufd_device *idev)
{
	return idev->ictx;
}

u32 iommufd_device_to_id(struct iommufd_device *idev)
{
	return idev->obj.id;
}

struct iommufd_device *iommufd_get_device(struct iommufd_ucmd *ucmd, u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_DEVICE);

	return IS_ERR(obj) ? (struct iommufd_device *)obj :
			     container_of(obj, struct iommufd_device, obj);
}

/* The DEVICE object bound to dev, if any (the fault queue's page requests). */
struct iommufd_device *iommufd_device_of(struct iommu_dev *dev)
{
	struct iommufd_device *idev, *found = NULL;

	plat_mutex_lock(&bound_lock);
	list_for_each_entry(idev, &bound_devices, bound_item)
		if (idev->dev == dev)
			found = idev;
	plat_mutex_unlock(&bound_lock);
	return found;
}

/*
 * Point idev at hwpt: the device's reserved regions become reserved IOVA of
 * the IOAS behind it (EADDRINUSE if mapped there, bug class 13), then the
 * driver attaches. Takes a users reference on hwpt. idev->lock and the
 * IOAS's mutex held.
 */
int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt, struct iommufd_device *idev)
{
	struct io_pagetable *iopt = &find_hwpt_paging(hwpt)->ioas->iopt;
	int ret;

	if (idev->hwpt)
		return -EINVAL;
	ret = iopt_table_enforce_dev_resv_regions(iopt, idev->dev, idev);
	if (ret)
		return ret;
	ret = iommu_attach_device(hwpt->domain, idev->dev);
	if (ret) {
		iopt_remove_reserved_iova(iopt, idev);
		return ret;
	}
	idev->hwpt = hwpt;
	refcount_inc(&hwpt->obj.users);
	return 0;
}

/*
 * Undo iommufd_hw_pagetable_attach(): page requests of idev still pending
 * on hwpt's fault queue are answered INVALID. The caller drops the
 * returned reference.
 */
struct iommufd_hw_pagetable *iommufd_hw_pagetable_detach(struct iommufd_device *idev)
{
	struct iommufd_hw_pagetable *hwpt = idev->hwpt;

	iommu_detach_device(hwpt->domain, idev->dev);
	iommufd_auto_response_faults(hwpt, idev);
	iopt_remove_reserved_iova(&find_hwpt_paging(hwpt)->ioas->iopt, idev);
	idev->hwpt = NULL;
	return hwpt;
}

typedef int (*attach_fn)(struct iommufd_device *idev, struct iommufd_hw_pagetable *hwpt,
			 struct iommufd_hw_pagetable **old);

static int do_attach(struct iommufd_device *idev, struct iommufd_hw_pagetable *hwpt,
		     struct iommufd_hw_pagetable **old)
{
	*old = NULL;
	return iommufd_hw_pagetable_attach(hwpt, idev);
}

/*
 * Move idev from its HWPT to hwpt: the new domain takes over in one step
 * and on failure the device stays where it was (bug class 24). Requests
 * pending on the old HWPT's fault queue are answered INVALID.
 */
static int do_replace(struct iommufd_device *idev, struct iommufd_hw_pagetable *hwpt,
		      struct iommufd_hw_pagetable **old)
{
	struct iommufd_hw_pagetable *cur = idev->hwpt;
	struct io_pagetable *new_iopt = &find_hwpt_paging(hwpt)->ioas->iopt;
	bool same_ioas;
	int ret;

	*old = NULL;
	if (!cur)
		return -EINVAL;
	if (cur == hwpt)
		return 0;
	same_ioas = find_hwpt_paging(cur)->ioas == find_hwpt_paging(hwpt)->ioas;
	if (!same_ioas) {
		ret = iopt_table_enforce_dev_resv_regions(new_iopt, idev->dev, idev);
		if (ret)
			return ret;
	}
	ret = iommu_attach_device(hwpt->domain, idev->dev);
	if (ret) {
		if (!same_ioas)
			iopt_remove_reserved_iova(new_iopt, idev);
		return ret;
	}
	iommufd_auto_response_faults(cur, idev);
	if (!same_ioas)
		iopt_remove_reserved_iova(&find_hwpt_paging(cur)->ioas->iopt, idev);
	idev->hwpt = hwpt;
	refcount_inc(&hwpt->obj.users);
	*old = cur;
	return 0;
}

/*
 * Attach (or replace) to an automatic HWPT of ioas: reuse the first one
 * the device is compatible with, or make one. ioas->mutex is held across
 * the search and the publish so two devices cannot race (bug class 22).
 */
static int auto_get_domain(struct iommufd_device *idev, struct iommufd_ioas *ioas,
			   u32 *pt_id, attach_fn fn, struct iommufd_hw_pagetable **old)
{
	struct iommufd_hwpt_paging *hwpt;
	bool immediate = fn == do_attach;
	int ret;

	if (immediate == !!idev->hwpt)
		return -EINVAL;		/* attach twice, or replace while detached */
	plat_mutex_lock(&ioas->mutex);
	list_for_each_entry(hwpt, &ioas->hwpt_list, hwpt_item) {
		if (!hwpt->auto_domain || !iommufd_lock_obj(&hwpt->common.obj))
			continue;
		ret = fn(idev, &hwpt->common, old);
		iommufd_put_object(idev->ictx, &hwpt->common.obj);
		if (ret == -EINVAL)
			continue;	/* incompatible domain: try the next */
		if (!ret)
			*pt_id = hwpt->common.obj.id;
		goto out_unlock;
	}
	hwpt = iommufd_hwpt_paging_alloc(idev->ictx, ioas, idev, 0, immediate);
	if (IS_ERR(hwpt)) {
		ret = (int)PTR_ERR(hwpt);
		goto out_unlock;
	}
	hwpt->auto_domain = true;
	if (!immediate) {
		ret = fn(idev, &hwpt->common, old);
		if (ret) {
			iommufd_object_abort_and_destroy(idev->ictx, &hwpt->common.obj);
			goto out_unlock;
		}
	}
	*pt_id = hwpt->common.obj.id;
	list_add_tail(&hwpt->hwpt_item, &ioas->hwpt_list);
	iommufd_object_finalize(idev->ictx, &hwpt->common.obj);
	ret = 0;
out_unlock:
	plat_mutex_unlock(&ioas->mutex);
	return ret;
}

static int change_pt(struct iommufd_device *idev, u32 *pt_id, attach_fn fn)
{
	struct iommufd_hw_pagetable *old = NULL, *hwpt;
	struct iommufd_object *pt_obj;
	struct iommufd_ioas *ioas;
	int ret;

	pt_obj = iommufd_get_object(idev->ictx, *pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj))
		return (int)PTR_ERR(pt_obj);
	plat_mutex_lock(&idev->lock);
	switch (pt_obj->type) {
	case IOMMUFD_OBJ_HWPT_PAGING:
	case IOMMUFD_OBJ_HWPT_NESTED:
		hwpt = container_of(pt_obj, struct iommufd_hw_pagetable, obj);
		ioas = find_hwpt_paging(hwpt)->ioas;
		plat_mutex_lock(&ioas->mutex);
		ret = fn(idev, hwpt, &old);
		plat_mutex_unlock(&ioas->mutex);
		break;
	case IOMMUFD_OBJ_IOAS:
		ret = auto_get_domain(idev, container_of(pt_obj, struct iommufd_ioas, obj),
				      pt_id, fn, &old);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	plat_mutex_unlock(&idev->lock);
	iommufd_put_object(idev->ictx, pt_obj);
	if (old)
		iommufd_hw_pagetable_put(idev->ictx, old);
	return ret;
}

/*
 * Attach idev to the HWPT or IOAS *pt_id; for an IOAS, *pt_id returns the
 * automatic HWPT used. EINVAL when already attached or incompatible.
 */
int iommufd_device_attach(struct iommufd_device *idev, u32 *pt_id)
{
	return change_pt(idev, pt_id, do_attach);
}

/* Like attach, for an attached device; it never ends up detached. */
int iommufd_device_replace(struct iommufd_device *idev, u32 *pt_id)
{
	return change_pt(idev, pt_id, do_replace);
}

/* Detach idev (back to blocking DMA); an automatic HWPT may die here. */
void iommufd_device_detach(struct iommufd_device *idev)
{
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_ioas *ioas;

	plat_mutex_lock(&idev->lock);
	hwpt = idev->hwpt;
	if (hwpt) {
		ioas = find_hwpt_paging(hwpt)->ioas;
		plat_mutex_lock(&ioas->mutex);
		iommufd_hw_pagetable_detach(idev);
		plat_mutex_unlock(&ioas->mutex);
	}
	plat_mutex_unlock(&idev->lock);
	if (hwpt)
		iommufd_hw_pagetable_put(idev->ictx, hwpt);
}

/* --- PASIDs --- */

static struct iommufd_pasid_attach *pasid_find(struct iommufd_device *idev, u32 pasid)
{
	struct iommufd_pasid_attach *pa;

	list_for_each_entry(pa, &idev->pasids, node)
		if (pa->pasid == pasid)
			return pa;
	return NULL;
}

/*
 * Point pasid at hwpt: attach (cur NULL) or replace cur's domain; on
 * success the attachment holds a users reference on hwpt and the caller
 * drops cur's. idev->lock held.
 */
static int pasid_set(struct iommufd_device *idev, u32 pasid, struct iommufd_hw_pagetable *hwpt,
		     struct iommufd_pasid_attach *cur, struct iommufd_pasid_attach **fresh)
{
	int ret;

	if (cur && cur->hwpt == hwpt)
		return 0;
	if (!cur) {
		*fresh = iommufd_alloc(sizeof(**fresh));
		if (!*fresh)
			return -ENOMEM;
		ret = iommu_attach_device_pasid(hwpt->domain, idev->dev, pasid);
		if (ret) {
			kfree(*fresh);
			*fresh = NULL;
			return ret;
		}
		(*fresh)->pasid = pasid;
		(*fresh)->hwpt = hwpt;
		list_add_tail(&(*fresh)->node, &idev->pasids);
	} else {
		ret = iommu_replace_device_pasid(hwpt->domain, idev->dev, pasid, cur->hwpt->domain);
		if (ret)
			return ret;
		iommufd_auto_response_faults(cur->hwpt, idev);
		cur->hwpt = hwpt;
	}
	refcount_inc(&hwpt->obj.users);
	return 0;
}

/* An automatic HWPT of ioas for the PASID: the first compatible one, or a new one. */
static int pasid_auto(struct iommufd_device *idev, u32 pasid, struct iommufd_ioas *ioas,
		      struct iommufd_pasid_attach *cur, u32 *pt_id)
{
	struct iommufd_pasid_attach *fresh = NULL;
	struct iommufd_hwpt_paging *hwpt;
	int ret;

	plat_mutex_lock(&ioas->mutex);
	list_for_each_entry(hwpt, &ioas->hwpt_list, hwpt_item) {
		if (!hwpt->auto_domain || !iommufd_lock_obj(&hwpt->common.obj))
			continue;
		ret = pasid_set(idev, pasid, &hwpt->common, cur, &fresh);
		iommufd_put_object(idev->ictx, &hwpt->common.obj);
		if (ret == -EINVAL)
			continue;	/* incompatible domain: try the next */
		if (!ret)
			*pt_id = hwpt->common.obj.id;
		goto out_unlock;
	}
	hwpt = iommufd_hwpt_paging_alloc(idev->ictx, ioas, idev, 0, false);
	if (IS_ERR(hwpt)) {
		ret = (int)PTR_ERR(hwpt);
		goto out_unlock;
	}
	hwpt->auto_domain = true;
	ret = pasid_set(idev, pasid, &hwpt->common, cur, &fresh);
	if (ret) {
		iommufd_object_abort_and_destroy(idev->ictx, &hwpt->common.obj);
		goto out_unlock;
	}
	*pt_id = hwpt->common.obj.id;
	list_add_tail(&hwpt->hwpt_item, &ioas->hwpt_list);
	iommufd_object_finalize(idev->ictx, &hwpt->common.obj);
out_unlock:
	plat_mutex_unlock(&ioas->mutex);
	return ret;
}

static int pasid_change(struct iommufd_device *idev, u32 pasid, u32 *pt_id, bool replace)
{
	struct iommufd_hw_pagetable *old = NULL, *hwpt;
	struct iommufd_pasid_attach *cur, *fresh = NULL;
	struct iommufd_object *pt_obj;
	int ret;

	if (pasid == IOMMU_NO_PASID)
		return -EINVAL;
	pt_obj = iommufd_get_object(idev->ictx, *pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj))
		return (int)PTR_ERR(pt_obj);
	plat_mutex_lock(&idev->lock);
	cur = pasid_find(idev, pasid);
	if (!!cur != replace) {
		ret = -EINVAL;	/* attach twice, or replace what is not there */
		goto out_unlock;
	}
	old = cur ? cur->hwpt : NULL;
	switch (pt_obj->type) {
	case IOMMUFD_OBJ_HWPT_PAGING:
	case IOMMUFD_OBJ_HWPT_NESTED:
		hwpt = container_of(pt_obj, struct iommufd_hw_pagetable, obj);
		ret = pasid_set(idev, pasid, hwpt, cur, &fresh);
		break;
	case IOMMUFD_OBJ_IOAS:
		ret = pasid_auto(idev, pasid, container_of(pt_obj, struct iommufd_ioas, obj), cur,
				 pt_id);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret || !cur || cur->hwpt == old)
		old = NULL;	/* nothing replaced: no reference to drop */
out_unlock:
	plat_mutex_unlock(&idev->lock);
	iommufd_put_object(idev->ictx, pt_obj);
	if (old)
		iommufd_hw_pagetable_put(idev->ictx, old);
	return ret;
}

int iommufd_device_attach_pasid(struct iommufd_device *idev, u32 pasid, u32 *pt_id)
{
	return pasid_change(idev, pasid, pt_id, false);
}

int iommufd_device_replace_pasid(struct iommufd_device *idev, u32 pasid, u32 *pt_id)
{
	return pasid_change(idev, pasid, pt_id, true);
}

void iommufd_device_detach_pasid(struct iommufd_device *idev, u32 pasid)
{
	struct iommufd_pasid_attach *pa;
	struct iommufd_hw_pagetable *hwpt = NULL;

	plat_mutex_lock(&idev->lock);
	pa = pasid_find(idev, pasid);
	if (pa) {
		hwpt = pa->hwpt;
		iommu_detach_device_pasid(hwpt->domain, idev->dev, pasid);
		iommufd_auto_response_faults(hwpt, idev);
		list_del(&pa->node);
		kfree(pa);
	}
	plat_mutex_unlock(&idev->lock);
	if (hwpt)
		iommufd_hw_pagetable_put(idev->ictx, hwpt);
}

bool iommufd_device_pasid_attached(struct iommufd_device *idev, u32 pasid)
{
	bool ret;

	plat_mutex_lock(&idev->lock);
	ret = pasid_find(idev, pasid) != NULL;
	plat_mutex_unlock(&idev->lock);
	return ret;
}

#define HW_INFO_MAX 256

/* Write n zero bytes to user memory. */
static int clear_user(u64 udst, size_t n)
{
	static const u8 zeros[64];

	while (n) {
		size_t c = min(n, sizeof(zeros));

		if (copy_to_user(udst, zeros, c))
			return -EFAULT;
		udst += c;
		n -= c;
	}
	return 0;
}

/*
 * IOMMU_GET_HW_INFO: the driver's data (of the type asked for with
 * IOMMU_HW_INFO_FLAG_INPUT_TYPE, else its own), truncated to the user's
 * buffer and zero-padded up to data_len; data_len returns the driver's full
 * size, and the capabilities and PASID width come with it.
 */
int iommufd_get_hw_info(struct iommufd_ucmd *ucmd)
{
	struct iommu_hw_info *cmd = ucmd->cmd;
	u32 len = HW_INFO_MAX, copy_len;
	const struct iommu_ops *ops;
	struct iommufd_device *idev;
	u8 *data;
	int ret;

	if ((cmd->flags & ~IOMMU_HW_INFO_FLAG_INPUT_TYPE) || cmd->__reserved[0] ||
	    cmd->__reserved[1] || cmd->__reserved[2])
		return -EOPNOTSUPP;
	if (!(cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;
	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev))
		return (int)PTR_ERR(idev);
	ops = idev->dev->ops;
	data = iommufd_alloc(HW_INFO_MAX);
	if (!data) {
		ret = -ENOMEM;
		goto out_put;
	}
	if (ops->hw_info) {
		ret = ops->hw_info(idev->dev, data, &len, &cmd->out_data_type);
		if (ret)
			goto out_free;
	} else if (cmd->in_data_type != IOMMU_HW_INFO_TYPE_DEFAULT) {
		ret = -EOPNOTSUPP;
		goto out_free;
	} else {
		len = 0;
		cmd->out_data_type = IOMMU_HW_INFO_TYPE_NONE;
	}
	copy_len = min(cmd->data_len, min_t(u32, len, HW_INFO_MAX));
	if (copy_to_user(cmd->data_uptr, data, copy_len) ||
	    clear_user(cmd->data_uptr + copy_len, cmd->data_len - copy_len)) {
		ret = -EFAULT;
		goto out_free;
	}
	cmd->data_len = len;
	cmd->out_capabilities = 0;
	if (ops->capable && ops->capable(idev->dev, IOMMU_CAP_DIRTY_TRACKING))
		cmd->out_capabilities |= IOMMU_HW_CAP_DIRTY_TRACKING;
	cmd->out_max_pasid_log2 = 0;
	if (idev->dev->max_pasids)
		cmd->out_max_pasid_log2 = (u8)(31 - __builtin_clz(idev->dev->max_pasids));
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	kfree(data);
out_put:
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return ret;
}
