// SPDX-License-Identifier: MIT
/*
 * HW_PAGETABLE objects: PAGING ones (an IOMMU domain kept equal to an IOAS,
 * made automatically on attach or by IOMMU_HWPT_ALLOC) and NESTED ones (a
 * user stage 1 on a PAGING parent), dirty tracking and user invalidation.
 * Semantics and order of checks of Linux 6.12's hw_pagetable.c.
 */
#include "core/io_pagetable.h"

static void hwpt_common_teardown(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->domain)
		iommu_domain_free(hwpt->domain);
	if (hwpt->fault)
		refcount_dec(&hwpt->fault->obj.users);
}

static void hwpt_paging_teardown(struct iommufd_hwpt_paging *hwpt)
{
	if (hwpt->in_iopt)
		iopt_table_remove_domain(&hwpt->ioas->iopt, hwpt->common.domain);
	hwpt_common_teardown(&hwpt->common);
	refcount_dec(&hwpt->ioas->obj.users);
}

void iommufd_hwpt_paging_destroy(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt = to_hwpt_paging(
		container_of(obj, struct iommufd_hw_pagetable, obj));

	if (!list_empty(&hwpt->hwpt_item)) {
		plat_mutex_lock(&hwpt->ioas->mutex);
		list_del_init(&hwpt->hwpt_item);
		plat_mutex_unlock(&hwpt->ioas->mutex);
	}
	hwpt_paging_teardown(hwpt);
}

/*
 * A HWPT that was never finalized; it goes on ioas->hwpt_list only right
 * before finalize, and the caller holds ioas->mutex.
 */
void iommufd_hwpt_paging_abort(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt = to_hwpt_paging(
		container_of(obj, struct iommufd_hw_pagetable, obj));

	if (!list_empty(&hwpt->hwpt_item))
		plat_warn("iommufd_hwpt_paging_abort: HWPT already listed");
	hwpt_paging_teardown(hwpt);
}

void iommufd_hwpt_nested_destroy(struct iommufd_object *obj)
{
	struct iommufd_hwpt_nested *hwpt =
		container_of(obj, struct iommufd_hwpt_nested, common.obj);

	hwpt_common_teardown(&hwpt->common);
	refcount_dec(&hwpt->parent->common.obj.users);
}

/* The driver's domain for a new paging HWPT: flags and data need domain_alloc_user. */
static struct iommu_domain *hwpt_alloc_domain(struct iommufd_device *idev, u32 flags)
{
	const struct iommu_ops *ops = idev->dev->ops;
	struct iommu_domain *d;

	if (!ops->domain_alloc_user)
		return iommu_domain_alloc_paging(idev->dev);
	d = ops->domain_alloc_user(idev->dev, flags, NULL, NULL);
	if (!IS_ERR(d))
		d->owner = ops;
	return d;
}

/*
 * A HWPT for idev on ioas, filled with every mapping of ioas. With
 * immediate_attach the device is attached before the domain is filled (the
 * auto-domain path); the caller finalizes (or aborts) it. ioas->mutex held.
 */
struct iommufd_hwpt_paging *
iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			  struct iommufd_device *idev, u32 flags, bool immediate_attach)
{
	const u32 valid = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	struct iommufd_hwpt_paging *hwpt;
	struct iommu_domain *domain;
	int ret;

	if (flags && !idev->dev->ops->domain_alloc_user)
		return ERR_PTR(-EOPNOTSUPP);
	if (flags & ~valid)
		return ERR_PTR(-EOPNOTSUPP);
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !idev->dev->ops->capable(idev->dev, IOMMU_CAP_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);
	hwpt = __iommufd_object_alloc(ictx, hwpt, IOMMUFD_OBJ_HWPT_PAGING, common.obj);
	if (IS_ERR(hwpt))
		return hwpt;
	INIT_LIST_HEAD(&hwpt->hwpt_item);
	/* the HWPT keeps its IOAS alive */
	refcount_inc(&ioas->obj.users);
	hwpt->ioas = ioas;
	hwpt->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	domain = hwpt_alloc_domain(idev, flags);
	if (IS_ERR(domain)) {
		ret = (int)PTR_ERR(domain);
		goto out_abort;
	}
	hwpt->common.domain = domain;
	hwpt->enforce_cache_coherency = idev->enforce_cache_coherency;
	if (immediate_attach) {
		ret = iommufd_hw_pagetable_attach(&hwpt->common, idev);
		if (ret)
			goto out_abort;
	}
	ret = iopt_table_add_domain(&ioas->iopt, domain);
	if (ret)
		goto out_detach;
	hwpt->in_iopt = true;
	return hwpt;

out_detach:
	if (immediate_attach) {
		iommufd_hw_pagetable_detach(idev);
		refcount_dec(&hwpt->common.obj.users);
	}
out_abort:
	iommufd_object_abort_and_destroy(ictx, &hwpt->common.obj);
	return ERR_PTR(ret);
}

/*
 * A NESTED HWPT on parent, in Linux's order of checks: flags other than
 * FAULT_ID_VALID, no data or a driver that cannot nest: EOPNOTSUPP; a
 * parent that is automatic, not a nest parent or another driver's: EINVAL;
 * then the driver's own checks of the data.
 */
static struct iommufd_hwpt_nested *
iommufd_hwpt_nested_alloc(struct iommufd_ctx *ictx, struct iommufd_hwpt_paging *parent,
			  struct iommufd_device *idev, u32 flags,
			  const struct iommu_user_data *user_data)
{
	const struct iommu_ops *ops = idev->dev->ops;
	struct iommufd_hwpt_nested *hwpt;
	struct iommu_domain *domain;
	int ret;

	if ((flags & ~IOMMU_HWPT_FAULT_ID_VALID) || !user_data->len || !ops->domain_alloc_user)
		return ERR_PTR(-EOPNOTSUPP);
	if (parent->auto_domain || !parent->nest_parent ||
	    parent->common.domain->owner != ops)
		return ERR_PTR(-EINVAL);
	hwpt = __iommufd_object_alloc(ictx, hwpt, IOMMUFD_OBJ_HWPT_NESTED, common.obj);
	if (IS_ERR(hwpt))
		return hwpt;
	refcount_inc(&parent->common.obj.users);
	hwpt->parent = parent;
	domain = ops->domain_alloc_user(idev->dev, flags & ~IOMMU_HWPT_FAULT_ID_VALID,
					parent->common.domain, user_data);
	if (IS_ERR(domain)) {
		ret = (int)PTR_ERR(domain);
		goto out_abort;
	}
	domain->owner = ops;
	hwpt->common.domain = domain;
	if (domain->type != IOMMU_DOMAIN_NESTED || !domain->ops->cache_invalidate_user) {
		plat_warn("iommufd_hwpt_nested_alloc: the driver made no nested domain");
		ret = -EINVAL;
		goto out_abort;
	}
	return hwpt;

out_abort:
	iommufd_object_abort_and_destroy(ictx, &hwpt->common.obj);
	return ERR_PTR(ret);
}

/* FAULT_ID_VALID: page requests of hwpt's devices go to the fault object fault_id. */
static int hwpt_set_fault(struct iommufd_ucmd *ucmd, struct iommufd_hw_pagetable *hwpt,
			  u32 fault_id)
{
	struct iommufd_fault *fault = iommufd_get_fault(ucmd, fault_id);

	if (IS_ERR(fault))
		return (int)PTR_ERR(fault);
	hwpt->fault = fault;
	hwpt->domain->iopf_handler = iommufd_fault_iopf_handler;
	hwpt->domain->fault_data = hwpt;
	refcount_inc(&fault->obj.users);
	iommufd_put_object(ucmd->ictx, &fault->obj);
	return 0;
}

/*
 * IOMMU_HWPT_ALLOC: a PAGING HWPT on an IOAS, or a NESTED one on a PAGING
 * parent. Like Linux 6.12: a pt_id naming nothing is EINVAL, and
 * __reserved2 is not checked.
 */
int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	const struct iommu_user_data user_data = {
		.type = cmd->data_type,
		.uptr = cmd->data_uptr,
		.len = cmd->data_len,
	};
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_object *pt_obj;
	struct iommufd_device *idev;
	int ret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if ((cmd->data_type == IOMMU_HWPT_DATA_NONE && cmd->data_len) ||
	    (cmd->data_type != IOMMU_HWPT_DATA_NONE && !cmd->data_len))
		return -EINVAL;
	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev))
		return (int)PTR_ERR(idev);
	pt_obj = iommufd_get_object(ucmd->ictx, cmd->pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj)) {
		ret = -EINVAL;
		goto out_put_idev;
	}
	if (pt_obj->type == IOMMUFD_OBJ_IOAS) {
		struct iommufd_hwpt_paging *paging;

		ioas = container_of(pt_obj, struct iommufd_ioas, obj);
		plat_mutex_lock(&ioas->mutex);
		if (cmd->data_len) {
			/* no driver here takes data for a paging domain */
			ret = -EOPNOTSUPP;
			goto out_unlock;
		}
		paging = iommufd_hwpt_paging_alloc(ucmd->ictx, ioas, idev, cmd->flags, false);
		if (IS_ERR(paging)) {
			ret = (int)PTR_ERR(paging);
			goto out_unlock;
		}
		hwpt = &paging->common;
	} else if (pt_obj->type == IOMMUFD_OBJ_HWPT_PAGING) {
		struct iommufd_hwpt_nested *nested;

		nested = iommufd_hwpt_nested_alloc(
			ucmd->ictx, to_hwpt_paging(container_of(pt_obj, struct iommufd_hw_pagetable,
								obj)),
			idev, cmd->flags, &user_data);
		if (IS_ERR(nested)) {
			ret = (int)PTR_ERR(nested);
			goto out_unlock;
		}
		hwpt = &nested->common;
	} else {
		ret = -EINVAL;
		goto out_put_pt;
	}
	if (cmd->flags & IOMMU_HWPT_FAULT_ID_VALID) {
		ret = hwpt_set_fault(ucmd, hwpt, cmd->fault_id);
		if (ret)
			goto out_hwpt;
	}
	cmd->out_hwpt_id = hwpt->obj.id;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		goto out_hwpt;
	if (ioas)
		list_add_tail(&to_hwpt_paging(hwpt)->hwpt_item, &ioas->hwpt_list);
	iommufd_object_finalize(ucmd->ictx, &hwpt->obj);
	goto out_unlock;

out_hwpt:
	iommufd_object_abort_and_destroy(ucmd->ictx, &hwpt->obj);
out_unlock:
	if (ioas)
		plat_mutex_unlock(&ioas->mutex);
out_put_pt:
	iommufd_put_object(ucmd->ictx, pt_obj);
out_put_idev:
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return ret;
}

/*
 * Drop a device's reference on hwpt. An automatic HWPT dies with its last
 * device unless user space is using it right now.
 */
void iommufd_hw_pagetable_put(struct iommufd_ctx *ictx, struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->obj.type == IOMMUFD_OBJ_HWPT_PAGING && to_hwpt_paging(hwpt)->auto_domain) {
		iommufd_object_put_and_try_destroy(ictx, &hwpt->obj);
		return;
	}
	refcount_dec(&hwpt->obj.users);
}

struct iommufd_hwpt_paging *iommufd_get_hwpt_paging(struct iommufd_ucmd *ucmd, u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_HWPT_PAGING);

	if (IS_ERR(obj))
		return (struct iommufd_hwpt_paging *)obj;
	return to_hwpt_paging(container_of(obj, struct iommufd_hw_pagetable, obj));
}

int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_set_dirty_tracking *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt;
	int ret;

	if (cmd->flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return -EOPNOTSUPP;
	hwpt = iommufd_get_hwpt_paging(ucmd, cmd->hwpt_id);
	if (IS_ERR(hwpt))
		return (int)PTR_ERR(hwpt);
	ret = iopt_set_dirty_tracking(&hwpt->ioas->iopt, hwpt->common.domain,
				      cmd->flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	iommufd_put_object(ucmd->ictx, &hwpt->common.obj);
	return ret;
}

int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_get_dirty_bitmap *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt;
	int ret;

	if ((cmd->flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) || cmd->__reserved)
		return -EOPNOTSUPP;
	hwpt = iommufd_get_hwpt_paging(ucmd, cmd->hwpt_id);
	if (IS_ERR(hwpt))
		return (int)PTR_ERR(hwpt);
	ret = iopt_read_and_clear_dirty_data(&hwpt->ioas->iopt, hwpt->common.domain,
					     cmd->flags, cmd);
	iommufd_put_object(ucmd->ictx, &hwpt->common.obj);
	return ret;
}

/* A cap on entry_num far above any real batch, as Linux's. */
#define HWPT_INVALIDATE_ENTRY_NUM_MAX (1U << 19)

/*
 * IOMMU_HWPT_INVALIDATE on a NESTED HWPT: the driver handles the entries
 * in order and entry_num goes back as the number it handled, on failure too.
 */
int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_invalidate *cmd = ucmd->cmd;
	struct iommu_user_data_array array = {
		.type = cmd->data_type,
		.uptr = cmd->data_uptr,
		.entry_len = cmd->entry_len,
		.entry_num = cmd->entry_num,
	};
	struct iommufd_object *obj;
	struct iommufd_hw_pagetable *hwpt;
	u32 done = 0;
	int ret;

	if (cmd->__reserved) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (cmd->entry_num && (!cmd->data_uptr || !cmd->entry_len ||
			       cmd->entry_len > PAGE_SIZE ||
			       cmd->entry_num > HWPT_INVALIDATE_ENTRY_NUM_MAX)) {
		ret = -EINVAL;
		goto out;
	}
	obj = iommufd_get_object(ucmd->ictx, cmd->hwpt_id, IOMMUFD_OBJ_HWPT_NESTED);
	if (IS_ERR(obj)) {
		ret = (int)PTR_ERR(obj);
		goto out;
	}
	hwpt = container_of(obj, struct iommufd_hw_pagetable, obj);
	ret = hwpt->domain->ops->cache_invalidate_user(hwpt->domain, &array);
	done = array.entry_num;
	iommufd_put_object(ucmd->ictx, obj);
out:
	cmd->entry_num = done;
	if (iommufd_ucmd_respond(ucmd, sizeof(*cmd)))
		return -EFAULT;
	return ret;
}
