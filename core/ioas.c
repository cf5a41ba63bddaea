// SPDX-License-Identifier: MIT
/*
 * IOAS objects and their ioctls: alloc, IOVA ranges, allowed ranges, map,
 * copy, unmap and the per-IOAS option. Check order and errnos as Linux's
 * ioas.c: EOPNOTSUPP, EOVERFLOW, EINVAL, then the lookup, then the work.
 */
#include "core/io_pagetable.h"

void iommufd_ioas_destroy(struct iommufd_object *obj)
{
	struct iommufd_ioas *ioas = container_of(obj, struct iommufd_ioas, obj);
	int ret = iopt_unmap_all(&ioas->iopt, NULL);

	if (ret)
		plat_warn("iommufd_ioas_destroy: unmap all failed: %d", ret);
	iopt_destroy_table(&ioas->iopt);
	plat_mutex_destroy(&ioas->mutex);
}

struct iommufd_ioas *iommufd_ioas_alloc(struct iommufd_ctx *ictx)
{
	struct iommufd_ioas *ioas = iommufd_object_alloc(ictx, ioas, IOMMUFD_OBJ_IOAS);

	if (IS_ERR(ioas))
		return ioas;
	iopt_init_table(&ioas->iopt);
	INIT_LIST_HEAD(&ioas->hwpt_list);
	plat_mutex_init(&ioas->mutex);
	return ioas;
}

struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_IOAS);

	return IS_ERR(obj) ? (struct iommufd_ioas *)obj :
			     container_of(obj, struct iommufd_ioas, obj);
}

int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_alloc *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	ioas = iommufd_ioas_alloc(ucmd->ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	cmd->out_ioas_id = ioas->obj.id;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		goto out_table;
	iommufd_object_finalize(ucmd->ictx, &ioas->obj);
	return 0;
out_table:
	iommufd_object_abort_and_destroy(ucmd->ictx, &ioas->obj);
	return ret;
}

/*
 * IOMMU_IOAS_IOVA_RANGES: the holes of the reserved ranges. Fills what fits
 * in the user's array, reports the real count, and says EMSGSIZE when the
 * array was too short (after writing the struct back).
 */
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_iova_ranges *cmd = ucmd->cmd;
	const struct itree_root *roots[1];
	struct iommufd_ioas *ioas;
	struct itree_span span;
	u32 max_iovas;
	int ret = 0;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	plat_down_read(&ioas->iopt.iova_rwsem);
	roots[0] = &ioas->iopt.reserved_itree;
	max_iovas = cmd->num_iovas;
	cmd->num_iovas = 0;
	cmd->out_iova_alignment = ioas->iopt.iova_alignment;
	itree_for_each_span(&span, roots, 1, 0, ULONG_MAX) {
		if (!span.is_hole)
			continue;
		if (cmd->num_iovas < max_iovas) {
			struct iommu_iova_range elm = { .start = span.start, .last = span.last };

			if (copy_to_user(cmd->allowed_iovas + cmd->num_iovas * sizeof(elm), &elm,
					 sizeof(elm))) {
				ret = -EFAULT;
				goto out_put;
			}
		}
		cmd->num_iovas++;
	}
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		goto out_put;
	if (cmd->num_iovas > max_iovas)
		ret = -EMSGSIZE;
out_put:
	plat_up_read(&ioas->iopt.iova_rwsem);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return ret;
}

static void free_allowed(struct itree_root *root)
{
	struct itree_node *n;

	while ((n = itree_first(root))) {
		itree_remove(root, n);
		kfree(container_of(n, struct iopt_allowed, node));
	}
}

/* Read num ranges from the user into a new tree; ranges may not overlap. */
static int load_iovas(struct itree_root *root, u64 uranges, u32 num)
{
	for (u32 i = 0; i != num; i++) {
		struct iommu_iova_range range;
		struct iopt_allowed *allowed;

		if (copy_from_user(&range, uranges + (u64)i * sizeof(range), sizeof(range)))
			return -EFAULT;
		if (range.start >= range.last)
			return -EINVAL;
		if (itree_iter_first(root, range.start, range.last))
			return -EINVAL;
		allowed = iommufd_alloc(sizeof(*allowed));
		if (!allowed)
			return -ENOMEM;
		allowed->node.start = range.start;
		allowed->node.last = range.last;
		itree_insert(root, &allowed->node);
	}
	return 0;
}

/* IOMMU_IOAS_ALLOW_IOVAS: replace the allowed set atomically (num 0 clears it). */
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_allow_iovas *cmd = ucmd->cmd;
	struct itree_root allowed = ITREE_ROOT_INIT;
	struct iommufd_ioas *ioas;
	int ret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	ret = load_iovas(&allowed, cmd->allowed_iovas, cmd->num_iovas);
	if (!ret)
		ret = iopt_set_allow_iova(&ioas->iopt, &allowed);
	free_allowed(&allowed);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return ret;
}

/* User mappings are always cache coherent: the IOMMU must enforce it. */
static int conv_iommu_prot(u32 map_flags)
{
	int prot = IOMMU_CACHE;

	if (map_flags & IOMMU_IOAS_MAP_WRITEABLE)
		prot |= IOMMU_WRITE;
	if (map_flags & IOMMU_IOAS_MAP_READABLE)
		prot |= IOMMU_READ;
	return prot;
}

#define IOAS_MAP_FLAGS \
	(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)

/* The argument checks IOAS_MAP and IOAS_MAP_FILE share, in Linux's order. */
static int map_args_check(u32 flags, u64 iova, u64 length)
{
	if (flags & ~IOAS_MAP_FLAGS)
		return -EOPNOTSUPP;
	if (iova >= ULONG_MAX || length >= ULONG_MAX)
		return -EOVERFLOW;
	/* an area nobody may read or write is refused (bug class 10) */
	if (!(flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	return 0;
}

int iommufd_ioas_map(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_map *cmd = ucmd->cmd;
	unsigned long iova = cmd->iova;
	struct iommufd_ioas *ioas;
	unsigned int flags = 0;
	int ret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	ret = map_args_check(cmd->flags, cmd->iova, cmd->length);
	if (ret)
		return ret;
	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	if (!(cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA))
		flags = IOPT_ALLOC_IOVA;
	ret = iopt_map_user_pages(ucmd->ictx, &ioas->iopt, &iova, cmd->user_va, cmd->length,
				  conv_iommu_prot(cmd->flags), flags);
	if (ret)
		goto out_put;
	cmd->iova = iova;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return ret;
}

/* IOMMU_IOAS_MAP_FILE: IOAS_MAP of a memfd range, checks in upstream Linux's order. */
int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_map_file *cmd = ucmd->cmd;
	unsigned long iova = cmd->iova;
	struct iommufd_ioas *ioas;
	int ret = map_args_check(cmd->flags, cmd->iova, cmd->length);

	if (ret)
		return ret;
	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	ret = iopt_map_file_pages(ucmd->ictx, &ioas->iopt, &iova, cmd->fd, cmd->start,
				  cmd->length, conv_iommu_prot(cmd->flags),
				  cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA ? 0 : IOPT_ALLOC_IOVA);
	if (!ret) {
		cmd->iova = iova;
		ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return ret;
}

/*
 * IOMMU_IOAS_CHANGE_PROCESS: only when every area of every IOAS maps a
 * file (EINVAL otherwise). The accounts here are one per mode for every
 * process (core/account.c), so the charge already is the caller's.
 */
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_change_process *cmd = ucmd->cmd;
	struct iommufd_ctx *ictx = ucmd->ictx;
	struct iommufd_object *obj;
	unsigned long index = 0;
	unsigned int n;
	u32 ids[32];
	int ret = 0;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	do {
		/* IOAS IDs a batch at a time: ictx->lock is never held while calling out */
		n = 0;
		plat_mutex_lock(&ictx->lock);
		while (n < ARRAY_SIZE(ids) && (obj = idtab_find(&ictx->objects, &index))) {
			if (obj->type == IOMMUFD_OBJ_IOAS)
				ids[n++] = (u32)index;
			index++;
		}
		plat_mutex_unlock(&ictx->lock);
		for (unsigned int i = 0; i < n && !ret; i++) {
			struct iommufd_ioas *ioas = iommufd_get_ioas(ictx, ids[i]);

			if (IS_ERR(ioas))
				continue;	/* destroyed meanwhile */
			if (!iopt_all_file_areas(&ioas->iopt))
				ret = -EINVAL;
			iommufd_put_object(ictx, &ioas->obj);
		}
	} while (!ret && obj);
	return ret;
}

/* IOMMU_IOAS_COPY: map the pages behind a source range; they stay pinned once. */
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_copy *cmd = ucmd->cmd;
	struct iommufd_ioas *src_ioas, *dst_ioas;
	LIST_HEAD(pages_list);
	unsigned int flags = 0;
	unsigned long iova;
	int ret;

	if (cmd->flags & ~IOAS_MAP_FLAGS)
		return -EOPNOTSUPP;
	if (cmd->length >= ULONG_MAX || cmd->src_iova >= ULONG_MAX ||
	    cmd->dst_iova >= ULONG_MAX)
		return -EOVERFLOW;
	if (!(cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	src_ioas = iommufd_get_ioas(ucmd->ictx, cmd->src_ioas_id);
	if (IS_ERR(src_ioas))
		return (int)PTR_ERR(src_ioas);
	ret = iopt_get_pages(&src_ioas->iopt, cmd->src_iova, cmd->length, &pages_list);
	iommufd_put_object(ucmd->ictx, &src_ioas->obj);
	if (ret)
		return ret;
	dst_ioas = iommufd_get_ioas(ucmd->ictx, cmd->dst_ioas_id);
	if (IS_ERR(dst_ioas)) {
		ret = (int)PTR_ERR(dst_ioas);
		goto out_pages;
	}
	if (!(cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA))
		flags = IOPT_ALLOC_IOVA;
	iova = cmd->dst_iova;
	ret = iopt_map_pages(&dst_ioas->iopt, &pages_list, cmd->length, &iova,
			     conv_iommu_prot(cmd->flags), flags);
	if (ret)
		goto out_put_dst;
	cmd->dst_iova = iova;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_put_dst:
	iommufd_put_object(ucmd->ictx, &dst_ioas->obj);
out_pages:
	iopt_free_pages_list(&pages_list);
	return ret;
}

int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_unmap *cmd = ucmd->cmd;
	unsigned long unmapped = 0;
	struct iommufd_ioas *ioas;
	int ret;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	if (cmd->iova == 0 && cmd->length == U64_MAX) {
		ret = iopt_unmap_all(&ioas->iopt, &unmapped);
	} else if (cmd->iova >= ULONG_MAX || cmd->length >= ULONG_MAX) {
		ret = -EOVERFLOW;
	} else {
		ret = iopt_unmap_iova(&ioas->iopt, cmd->iova, cmd->length, &unmapped);
		if (!ret && !unmapped)
			ret = -ENOENT;
	}
	if (ret)
		goto out_put;
	cmd->length = unmapped;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_put:
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return ret;
}

/* RLIMIT_MODE: global; may change only while the context has no objects. */
int iommufd_option_rlimit_mode(struct iommu_option *cmd, struct iommufd_ctx *ictx)
{
	int ret = 0;

	if (cmd->object_id)
		return -EOPNOTSUPP;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = ictx->account_mode == IOMMUFD_ACCOUNT_MM;
		return 0;
	}
	if (cmd->op != IOMMU_OPTION_OP_SET)
		return -EOPNOTSUPP;
	if (!plat_capable(PLAT_CAP_SYS_RESOURCE))
		return -EPERM;
	plat_mutex_lock(&ictx->lock);
	if (!idtab_empty(&ictx->objects))
		ret = -EBUSY;
	else if (cmd->val64 == 0)
		ictx->account_mode = IOMMUFD_ACCOUNT_USER;
	else if (cmd->val64 == 1)
		ictx->account_mode = IOMMUFD_ACCOUNT_MM;
	else
		ret = -EINVAL;
	plat_mutex_unlock(&ictx->lock);
	return ret;
}

static int ioas_option_huge_pages(struct iommu_option *cmd, struct iommufd_ioas *ioas)
{
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = !ioas->iopt.disable_large_pages;
		return 0;
	}
	if (cmd->op != IOMMU_OPTION_OP_SET)
		return -EOPNOTSUPP;
	if (cmd->val64 == 0)
		return iopt_disable_large_pages(&ioas->iopt);
	if (cmd->val64 == 1) {
		iopt_enable_large_pages(&ioas->iopt);
		return 0;
	}
	return -EINVAL;
}

/* Per-IOAS options: object_id names the IOAS (0 or another type: ENOENT). */
int iommufd_ioas_option(struct iommufd_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	int ret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	ioas = iommufd_get_ioas(ucmd->ictx, cmd->object_id);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	if (cmd->option_id == IOMMU_OPTION_HUGE_PAGES)
		ret = ioas_option_huge_pages(cmd, ioas);
	else
		ret = -EOPNOTSUPP;
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return ret;
}
