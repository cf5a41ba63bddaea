// SPDX-License-Identifier: MIT
/*
 * iommufd core: contexts, the object table and object lifetimes.
 *
 * iommufd gives user space control over IOMMU objects: IO address spaces
 * (IOAS) that map user memory at chosen IOVAs, hardware page tables that
 * mirror them in IOMMU domains, devices attached to them, and in-kernel
 * accesses. Objects live in a per-context ID table; each counts its users
 * and dies only when nothing uses it (or when its context is closed).
 */
#include "core/iommufd_private.h"

struct iommufd_object_ops {
	void (*destroy)(struct iommufd_object *obj);
	void (*abort)(struct iommufd_object *obj);	/* for never-finalized objects */
};

static const struct iommufd_object_ops iommufd_object_ops[IOMMUFD_OBJ_MAX] = {
	[IOMMUFD_OBJ_DEVICE] = { .destroy = iommufd_device_destroy },
	[IOMMUFD_OBJ_FAULT] = { .destroy = iommufd_fault_destroy },
	[IOMMUFD_OBJ_HWPT_NESTED] = { .destroy = iommufd_hwpt_nested_destroy },
	[IOMMUFD_OBJ_HWPT_PAGING] = {
		.destroy = iommufd_hwpt_paging_destroy,
		.abort = iommufd_hwpt_paging_abort,
	},
	[IOMMUFD_OBJ_IOAS] = { .destroy = iommufd_ioas_destroy },
	[IOMMUFD_OBJ_ACCESS] = { .destroy = iommufd_access_destroy_object },
	[IOMMUFD_OBJ_SELFTEST] = { .destroy = iommufd_selftest_destroy },
};

static long live_objects;

long iommufd_live_objects(void)
{
	return __atomic_load_n(&live_objects, __ATOMIC_RELAXED);
}

/* A new context with one reference (the caller's: usually the open file). */
const struct iommufd_fd_ops *iommufd_fd_ops;

void iommufd_set_fd_ops(const struct iommufd_fd_ops *ops)
{
	__atomic_store_n(&iommufd_fd_ops, ops, __ATOMIC_RELEASE);
}

struct iommufd_ctx *iommufd_ctx_alloc(void)
{
	struct iommufd_ctx *ictx = iommufd_alloc(sizeof(*ictx));

	if (!ictx)
		return NULL;
	plat_mutex_init(&ictx->lock);
	idtab_init(&ictx->objects);
	refcount_set(&ictx->refs, 1);
	ictx->account_mode = IOMMUFD_ACCOUNT_USER;
	spin_lock_init(&ictx->vfio_ioas_lock);
	spin_lock_init(&ictx->pages_cache_lock);
	return ictx;
}

void iommufd_ctx_get(struct iommufd_ctx *ictx)
{
	refcount_inc(&ictx->refs);
}

static void obj_free(struct iommufd_object *obj)
{
	obj->magic = 0;
	kfree(obj);
	__atomic_fetch_sub(&live_objects, 1, __ATOMIC_RELAXED);
}

/* Tests only: free an object a refcount bug kept out of the release loop. */
void iommufd_test_free_object(struct iommufd_object *obj)
{
	obj_free(obj);
}

/*
 * Destroy the object graph leaf first: repeatedly destroy every object whose
 * only user is the table. Destroying a leaf drops users of what it used. A
 * pass that destroys nothing means a users count is wrong: say so loudly and
 * leak the rest rather than loop forever.
 */
static void iommufd_ctx_release(struct iommufd_ctx *ictx)
{
	while (!idtab_empty(&ictx->objects)) {
		struct iommufd_object *obj;
		unsigned long index, destroyed = 0;

		idtab_for_each(&ictx->objects, index, obj) {
			if (!refcount_dec_if_one(&obj->users))
				continue;
			idtab_erase(&ictx->objects, index);
			iommufd_object_ops[obj->type].destroy(obj);
			obj_free(obj);
			destroyed++;
		}
		if (!destroyed) {
			plat_warn("iommufd_ctx_release: %lu objects still have users, refcount bug",
				  ictx->objects.count);
			break;
		}
	}
	iopt_pages_cache_drain(ictx);	/* after every IOAS: their unmaps fill it */
	idtab_destroy(&ictx->objects);
	plat_mutex_destroy(&ictx->lock);
	kfree(ictx);
}

/* Drop a context reference; the last one destroys every object in it. */
void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
	if (refcount_dec_and_test(&ictx->refs))
		iommufd_ctx_release(ictx);
}

/*
 * Allocate an object and reserve its ID. It stays invisible to lookups until
 * iommufd_object_finalize(), which callers do after the last step that can
 * fail; on failure they call iommufd_object_abort[_and_destroy]().
 */
struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx, size_t size,
					     enum iommufd_object_type type)
{
	struct iommufd_object *obj = iommufd_alloc(size);
	unsigned long id;
	int ret;

	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->type = type;
	obj->magic = IOMMUFD_OBJ_MAGIC;
	refcount_set(&obj->shortterm_users, 1);
	refcount_set(&obj->users, 1);
	plat_mutex_lock(&ictx->lock);
	ret = idtab_alloc(&ictx->objects, IDTAB_ZERO, IOMMUFD_ID_MIN, IOMMUFD_ID_MAX, &id);
	plat_mutex_unlock(&ictx->lock);
	if (ret) {
		kfree(obj);
		return ERR_PTR(ret == -EBUSY ? -ENOSPC : ret);
	}
	obj->id = (u32)id;
	__atomic_fetch_add(&live_objects, 1, __ATOMIC_RELAXED);
	return obj;
}

void iommufd_object_finalize(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	void *old = NULL;

	plat_mutex_lock(&ictx->lock);
	/* the slot exists (reserved at alloc), so storing cannot allocate */
	idtab_store(&ictx->objects, obj->id, obj, &old);
	plat_mutex_unlock(&ictx->lock);
	if (old != IDTAB_ZERO)
		plat_warn("iommufd_object_finalize: id %u was not reserved", obj->id);
}

/* Undo _iommufd_object_alloc() of an object that was never finalized. */
void iommufd_object_abort(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	void *old;

	plat_mutex_lock(&ictx->lock);
	old = idtab_erase(&ictx->objects, obj->id);
	plat_mutex_unlock(&ictx->lock);
	if (old != IDTAB_ZERO)
		plat_warn("iommufd_object_abort: id %u was visible", obj->id);
	if (refcount_read(&obj->users) != 1)
		plat_warn("iommufd_object_abort: id %u aborted with %d users", obj->id,
			  refcount_read(&obj->users));
	obj_free(obj);
}

/* Abort an object that is fully built (needs its destroy) but not finalized. */
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	const struct iommufd_object_ops *ops = &iommufd_object_ops[obj->type];

	if (ops->abort)
		ops->abort(obj);
	else
		ops->destroy(obj);
	iommufd_object_abort(ictx, obj);
}

void iommufd_obj_bad_magic(const struct iommufd_object *obj, const char *who)
{
	plat_warn("%s: %p is not a live object (magic %#x)", who, (const void *)obj, obj->magic);
}

/*
 * Look up a visible object of type (IOMMUFD_OBJ_ANY: any) and reference it
 * for the length of an ioctl; ERR_PTR(-ENOENT) otherwise. Release with
 * iommufd_put_object().
 */
struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id,
					  enum iommufd_object_type type)
{
	struct iommufd_object *obj;

	plat_mutex_lock(&ictx->lock);
	obj = idtab_load(&ictx->objects, id);
	if (!obj || (type != IOMMUFD_OBJ_ANY && obj->type != type) || !iommufd_lock_obj(obj))
		obj = ERR_PTR(-ENOENT);
	plat_mutex_unlock(&ictx->lock);
	return obj;
}

/* Drop obj's table shortterm reference and wait for ioctls in flight to end. */
static int dec_wait_shortterm(struct iommufd_object *obj)
{
	if (refcount_dec_and_test(&obj->shortterm_users))
		return 0;
	for (unsigned long spins = 0; spins < 100000000UL; spins++) {
		if (refcount_read(&obj->shortterm_users) == 0)
			return 0;
		plat_yield();
	}
	plat_warn("iommufd: timed out waiting for object %u to become free", obj->id);
	refcount_inc(&obj->shortterm_users);
	return -EBUSY;
}

/*
 * Remove object id if the table holds its only users reference and destroy
 * it. to_destroy: the caller holds a users reference on it, which is
 * dropped here. EBUSY (nothing changed) while others use it, ENOENT when no
 * such visible object exists.
 */
int iommufd_object_remove(struct iommufd_ctx *ictx, struct iommufd_object *to_destroy,
			  u32 id, unsigned int flags)
{
	struct iommufd_object *obj;
	bool waited = false;
	int ret;

	if (flags & REMOVE_WAIT_SHORTTERM) {
		ret = dec_wait_shortterm(to_destroy);
		if (ret) {
			refcount_dec(&to_destroy->users);
			return ret;
		}
		waited = true;
	}
	plat_mutex_lock(&ictx->lock);
	obj = idtab_load(&ictx->objects, id);
	if (to_destroy) {
		refcount_dec(&to_destroy->users);
		if (obj != to_destroy) {
			plat_warn("iommufd_object_remove: id %u is not the object", id);
			ret = -ENOENT;
			goto err_unlock;
		}
	} else if (!obj) {
		ret = -ENOENT;
		goto err_unlock;
	}
	if (!refcount_dec_if_one(&obj->users)) {
		ret = -EBUSY;
		goto err_unlock;
	}
	idtab_erase(&ictx->objects, id);
	spin_lock(&ictx->vfio_ioas_lock);
	if (ictx->vfio_ioas && &ictx->vfio_ioas->obj == obj)
		ictx->vfio_ioas = NULL;
	spin_unlock(&ictx->vfio_ioas_lock);
	plat_mutex_unlock(&ictx->lock);

	if (!waited && dec_wait_shortterm(obj))
		return -EBUSY;
	iommufd_object_ops[obj->type].destroy(obj);
	obj_free(obj);
	return 0;

err_unlock:
	if (waited)
		refcount_set(&to_destroy->shortterm_users, 1);
	plat_mutex_unlock(&ictx->lock);
	return ret;
}

/* IOMMU_DESTROY. It takes no users reference of its own (bug class 2). */
int iommufd_destroy(struct iommufd_ucmd *ucmd)
{
	struct iommu_destroy *cmd = ucmd->cmd;

	return iommufd_object_remove(ucmd->ictx, NULL, cmd->id, 0);
}

/* Copy the command struct back: only as many bytes as both sides know. */
int iommufd_ucmd_respond(struct iommufd_ucmd *ucmd, size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd, min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

/* IOMMU_OPTION: global options here, per-IOAS ones in ioas.c. */
int iommufd_option(struct iommufd_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	int ret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		ret = iommufd_option_rlimit_mode(cmd, ucmd->ictx);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		ret = iommufd_ioas_option(ucmd);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (ret)
		return ret;
	/* only val64 goes back, as in Linux */
	if (copy_to_user(ucmd->ubuffer + offsetof(struct iommu_option, val64), &cmd->val64,
			 sizeof(cmd->val64)))
		return -EFAULT;
	return 0;
}
