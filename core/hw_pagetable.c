// SPDX-License-Identifier: MIT
/*
 * HW_PAGETABLE objects: an IOMMU domain kept equal to an IOAS. Made
 * automatically when a device attaches to an IOAS, or by IOMMU_HWPT_ALLOC.
 * Semantics of Linux's hw_pagetable.c (paging HWPTs only; no nesting).
 */
#include "core/io_pagetable.h"

static void hwpt_paging_teardown(struct iommufd_hwpt_paging *hwpt)
{
	if (hwpt->in_iopt)
		iopt_table_remove_domain(&hwpt->ioas->iopt, hwpt->domain);
	if (hwpt->domain)
		iommu_domain_free(hwpt->domain);
	refcount_dec(&hwpt->ioas->obj.users);
}

void iommufd_hwpt_paging_destroy(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt = container_of(obj, struct iommufd_hwpt_paging, obj);

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
	struct iommufd_hwpt_paging *hwpt = container_of(obj, struct iommufd_hwpt_paging, obj);

	if (!list_empty(&hwpt->hwpt_item))
		plat_warn("iommufd_hwpt_paging_abort: HWPT already listed");
	hwpt_paging_teardown(hwpt);
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
	struct iommufd_hwpt_paging *hwpt;
	struct iommu_domain *domain;
	int ret;

	if (flags & ~IOMMU_HWPT_ALLOC_NEST_PARENT)
		return ERR_PTR(-EOPNOTSUPP);
	hwpt = iommufd_object_alloc(ictx, hwpt, IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(hwpt))
		return hwpt;
	INIT_LIST_HEAD(&hwpt->hwpt_item);
	/* the HWPT keeps its IOAS alive */
	refcount_inc(&ioas->obj.users);
	hwpt->ioas = ioas;
	hwpt->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	domain = iommu_domain_alloc_paging(idev->dev);
	if (IS_ERR(domain)) {
		ret = (int)PTR_ERR(domain);
		goto out_abort;
	}
	hwpt->domain = domain;
	hwpt->enforce_cache_coherency = idev->enforce_cache_coherency;
	if (immediate_attach) {
		ret = iommufd_hw_pagetable_attach(hwpt, idev);
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
		refcount_dec(&hwpt->obj.users);
	}
out_abort:
	iommufd_object_abort_and_destroy(ictx, &hwpt->obj);
	return ERR_PTR(ret);
}

/*
 * A nested HWPT on parent: refused in Linux's order (flags or no data:
 * EOPNOTSUPP; a parent that cannot nest: EINVAL), then by the driver, as
 * no driver here nests (EOPNOTSUPP).
 */
static int hwpt_nested_refuse(struct iommufd_hwpt_paging *parent,
			      struct iommufd_device *idev, u32 flags, u32 data_len)
{
	if ((flags & ~IOMMU_HWPT_FAULT_ID_VALID) || !data_len)
		return -EOPNOTSUPP;
	if (parent->auto_domain || !parent->nest_parent ||
	    parent->domain->owner != idev->dev->ops)
		return -EINVAL;
	return -EOPNOTSUPP;
}

/*
 * IOMMU_HWPT_ALLOC: a paging HWPT on an IOAS for a device's IOMMU. Nested
 * HWPTs (a HWPT as pt_id) are refused. Like Linux 6.12: a pt_id naming
 * nothing is EINVAL, and __reserved2 is not checked.
 */
int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_object *pt_obj;
	struct iommufd_device *idev;
	struct iommufd_ioas *ioas;
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
	if (pt_obj->type == IOMMUFD_OBJ_HWPT_PAGING) {
		ret = hwpt_nested_refuse(container_of(pt_obj, struct iommufd_hwpt_paging, obj),
					 idev, cmd->flags, cmd->data_len);
		goto out_put_pt;
	}
	if (pt_obj->type != IOMMUFD_OBJ_IOAS) {
		ret = -EINVAL;
		goto out_put_pt;
	}
	if (cmd->data_type != IOMMU_HWPT_DATA_NONE) {
		ret = -EOPNOTSUPP;	/* no driver takes user data for a paging HWPT */
		goto out_put_pt;
	}
	ioas = container_of(pt_obj, struct iommufd_ioas, obj);
	plat_mutex_lock(&ioas->mutex);
	hwpt = iommufd_hwpt_paging_alloc(ucmd->ictx, ioas, idev, cmd->flags, false);
	if (IS_ERR(hwpt)) {
		ret = (int)PTR_ERR(hwpt);
		goto out_unlock;
	}
	cmd->out_hwpt_id = hwpt->obj.id;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret) {
		iommufd_object_abort_and_destroy(ucmd->ictx, &hwpt->obj);
		goto out_unlock;
	}
	list_add_tail(&hwpt->hwpt_item, &ioas->hwpt_list);
	iommufd_object_finalize(ucmd->ictx, &hwpt->obj);
out_unlock:
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
void iommufd_hw_pagetable_put(struct iommufd_ctx *ictx, struct iommufd_hwpt_paging *hwpt)
{
	if (hwpt->auto_domain) {
		iommufd_object_put_and_try_destroy(ictx, &hwpt->obj);
		return;
	}
	refcount_dec(&hwpt->obj.users);
}
