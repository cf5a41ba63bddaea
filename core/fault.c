// SPDX-License-Identifier: MIT
/*
 * FAULT objects (IOMMU_FAULT_QUEUE_ALLOC): I/O page requests of devices on
 * a HWPT made with a fault_id, read by user space from the object's fd and
 * answered by cookie. Rules of Linux 6.12's fault.c; one request is one
 * group here (every request carries LAST_PAGE).
 */
#include "core/io_pagetable.h"

/* A request waiting to be read (on deliver) or answered (in response). */
struct iommufd_fault_group {
	struct list_head node;
	struct iommufd_device *idev;
	struct iommu_page_request req;
	u32 cookie;
};

static long responses[2];	/* answers given: [SUCCESS], [INVALID] */

long iommufd_fault_responses(u32 code)
{
	return code < 2 ? __atomic_load_n(&responses[code], __ATOMIC_RELAXED) : 0;
}

/* Answer and free a request (no driver here has page requests to answer). */
static void group_respond(struct iommufd_fault_group *group, u32 code)
{
	__atomic_fetch_add(&responses[code == IOMMUFD_PAGE_RESP_SUCCESS ? 0 : 1], 1,
			   __ATOMIC_RELAXED);
	kfree(group);
}

void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct iommufd_device *idev)
{
	struct iommufd_fault *fault = hwpt->fault;
	struct iommufd_fault_group *group, *next;
	unsigned long index;

	if (!fault)
		return;
	plat_mutex_lock(&fault->mutex);
	list_for_each_entry_safe(group, next, &fault->deliver, node) {
		if (group->idev != idev)
			continue;
		list_del(&group->node);
		group_respond(group, IOMMUFD_PAGE_RESP_INVALID);
	}
	idtab_for_each(&fault->response, index, group) {
		if (group->idev != idev)
			continue;
		idtab_erase(&fault->response, index);
		group_respond(group, IOMMUFD_PAGE_RESP_INVALID);
	}
	plat_mutex_unlock(&fault->mutex);
}

/* Nothing uses the object any more (its fd is closed): answer what is left. */
void iommufd_fault_destroy(struct iommufd_object *obj)
{
	struct iommufd_fault *fault = container_of(obj, struct iommufd_fault, obj);
	struct iommufd_fault_group *group, *next;
	unsigned long index;

	list_for_each_entry_safe(group, next, &fault->deliver, node) {
		list_del(&group->node);
		group_respond(group, IOMMUFD_PAGE_RESP_INVALID);
	}
	idtab_for_each(&fault->response, index, group) {
		idtab_erase(&fault->response, index);
		group_respond(group, IOMMUFD_PAGE_RESP_INVALID);
	}
	idtab_destroy(&fault->response);
	plat_mutex_destroy(&fault->mutex);
}

struct iommufd_fault *iommufd_get_fault(struct iommufd_ucmd *ucmd, u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_FAULT);

	return IS_ERR(obj) ? (struct iommufd_fault *)obj :
			     container_of(obj, struct iommufd_fault, obj);
}

/*
 * The domain's iopf_handler: queue the request for reading. -ENOMEM when
 * it cannot be queued (the caller answers it INVALID).
 */
int iommufd_fault_iopf_handler(struct iommu_domain *d, struct iommu_dev *dev,
			       const struct iommu_page_request *req)
{
	struct iommufd_hw_pagetable *hwpt = d->fault_data;
	struct iommufd_fault *fault = hwpt->fault;
	struct iommufd_fault_group *group;
	struct iommufd_device *idev = iommufd_device_of(dev);

	if (!idev)
		return -ENODEV;
	group = iommufd_alloc(sizeof(*group));
	if (!group)
		return -ENOMEM;
	group->idev = idev;
	group->req = *req;
	plat_mutex_lock(&fault->mutex);
	list_add_tail(&group->node, &fault->deliver);
	plat_mutex_unlock(&fault->mutex);
	return 0;
}

/*
 * A page request from idev (TRIGGER_IOPF): to the fault queue of the HWPT
 * it is attached to, or answered INVALID at once when nothing takes it.
 */
void iommufd_device_page_request(struct iommufd_device *idev,
				 const struct iommu_page_request *req)
{
	int ret;

	plat_mutex_lock(&idev->lock);	/* the HWPT and its fault stay while we queue */
	ret = iommu_report_page_request(idev->dev, req);
	plat_mutex_unlock(&idev->lock);
	if (ret)
		__atomic_fetch_add(&responses[1], 1, __ATOMIC_RELAXED);
}

static void compose(struct iommu_hwpt_pgfault *msg, const struct iommufd_fault_group *g)
{
	memset(msg, 0, sizeof(*msg));
	msg->flags = g->req.flags;
	msg->dev_id = g->idev->obj.id;
	msg->pasid = g->req.pasid;
	msg->grpid = g->req.grpid;
	msg->perm = g->req.perm;
	msg->addr = g->req.addr;
	msg->cookie = g->cookie;
}

/*
 * read(): whole requests, oldest first, each given a cookie; a count that
 * is not a multiple of the message is ESPIPE (as Linux), one too small for
 * the first request EINVAL, nothing queued 0 (no blocking).
 */
static long fault_read(void *priv, u64 ubuf, size_t count)
{
	const size_t sz = sizeof(struct iommu_hwpt_pgfault);
	struct iommufd_fault *fault = priv;
	struct iommufd_fault_group *group;
	struct iommu_hwpt_pgfault msg;
	size_t done = 0;
	int ret = 0;

	if (count % sz)
		return -ESPIPE;
	plat_mutex_lock(&fault->mutex);
	while (!list_empty(&fault->deliver)) {
		unsigned long cookie;

		group = list_first_entry(&fault->deliver, struct iommufd_fault_group, node);
		if (count - done < sz) {
			if (!done)
				ret = -EINVAL;
			break;
		}
		ret = idtab_alloc(&fault->response, group, 1, U32_MAX, &cookie);
		if (ret)
			break;
		group->cookie = (u32)cookie;
		compose(&msg, group);
		if (copy_to_user(ubuf + done, &msg, sz)) {
			idtab_erase(&fault->response, cookie);
			ret = -EFAULT;
			break;
		}
		list_del(&group->node);
		done += sz;
	}
	plat_mutex_unlock(&fault->mutex);
	return done ? (long)done : ret;
}

/* write(): answers by cookie; an unknown cookie or code stops with EINVAL. */
static long fault_write(void *priv, u64 ubuf, size_t count)
{
	const size_t sz = sizeof(struct iommu_hwpt_page_response);
	struct iommufd_fault *fault = priv;
	struct iommu_hwpt_page_response resp;
	struct iommufd_fault_group *group;
	size_t done = 0;
	int ret = 0;

	if (count % sz)
		return -ESPIPE;
	plat_mutex_lock(&fault->mutex);
	while (count > done) {
		if (copy_from_user(&resp, ubuf + done, sz)) {
			ret = -EFAULT;
			break;
		}
		if (resp.code != IOMMUFD_PAGE_RESP_SUCCESS &&
		    resp.code != IOMMUFD_PAGE_RESP_INVALID) {
			ret = -EINVAL;
			break;
		}
		group = resp.cookie ? idtab_erase(&fault->response, resp.cookie) : NULL;
		if (!group) {
			ret = -EINVAL;
			break;
		}
		group_respond(group, resp.code);
		done += sz;
	}
	plat_mutex_unlock(&fault->mutex);
	return done ? (long)done : ret;
}

/* Last close of the fd: the object and the context may go now. */
static void fault_release(void *priv)
{
	struct iommufd_fault *fault = priv;
	struct iommufd_ctx *ictx = fault->ictx;

	refcount_dec(&fault->obj.users);
	iommufd_ctx_put(ictx);
}

static const struct iommufd_anon_ops fault_fops = {
	.name = "[iommufd-pgfault]",
	.release = fault_release,
	.read = fault_read,
	.write = fault_write,
};

/* IOMMU_FAULT_QUEUE_ALLOC: the object and its fd; the fd holds both it and the context. */
int iommufd_fault_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_fault_alloc *cmd = ucmd->cmd;
	struct iommufd_fault *fault;
	int fd, ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (!iommufd_fd_ops)
		return -EOPNOTSUPP;	/* no fd layer to hand out the queue's fd */
	fault = iommufd_object_alloc(ucmd->ictx, fault, IOMMUFD_OBJ_FAULT);
	if (IS_ERR(fault))
		return (int)PTR_ERR(fault);
	fault->ictx = ucmd->ictx;
	INIT_LIST_HEAD(&fault->deliver);
	idtab_init(&fault->response);
	plat_mutex_init(&fault->mutex);
	fd = iommufd_fd_ops->reserve();
	if (fd < 0) {
		ret = fd;
		goto out_abort;
	}
	cmd->out_fault_id = fault->obj.id;
	cmd->out_fault_fd = (u32)fd;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		goto out_unreserve;
	refcount_inc(&fault->obj.users);
	iommufd_ctx_get(fault->ictx);
	iommufd_object_finalize(ucmd->ictx, &fault->obj);
	iommufd_fd_ops->install(fd, &fault_fops, fault);
	return 0;

out_unreserve:
	iommufd_fd_ops->unreserve(fd);
out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &fault->obj);
	return ret;
}
