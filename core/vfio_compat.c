// SPDX-License-Identifier: MIT
/*
 * VFIO type1 container compatibility on the iommufd fd: the ioctls a VFIO
 * container answers, served from one chosen IOAS (IOMMU_VFIO_IOAS). The
 * rules are Linux's vfio_compat.c (type1 vs type1v2 unmap differences).
 */
#include "core/io_pagetable.h"
#include <linux/vfio.h>

/*
 * The compatibility IOAS, referenced, or ERR_PTR(-ENODEV) when there is none.
 * Its own spinlock, not the context's mutex: a destroy clears the pointer
 * under it before the object can be freed, so a pointer read under it is
 * safe to reference.
 */
static struct iommufd_ioas *get_compat_ioas(struct iommufd_ctx *ictx)
{
	struct iommufd_ioas *ioas;

	spin_lock(&ictx->vfio_ioas_lock);
	ioas = ictx->vfio_ioas;
	if (!ioas || !iommufd_lock_obj(&ioas->obj))
		ioas = ERR_PTR(-ENODEV);
	spin_unlock(&ictx->vfio_ioas_lock);
	return ioas;
}

static void set_compat_ioas(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas)
{
	spin_lock(&ictx->vfio_ioas_lock);
	ictx->vfio_ioas = ioas;
	spin_unlock(&ictx->vfio_ioas_lock);
}

/* IOMMU_VFIO_IOAS: get, set or clear the compatibility IOAS. */
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd)
{
	struct iommu_vfio_ioas *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		ioas = get_compat_ioas(ucmd->ictx);
		if (IS_ERR(ioas))
			return (int)PTR_ERR(ioas);
		cmd->ioas_id = ioas->obj.id;
		iommufd_put_object(ucmd->ictx, &ioas->obj);
		return iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	case IOMMU_VFIO_IOAS_SET:
		ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
		if (IS_ERR(ioas))
			return (int)PTR_ERR(ioas);
		set_compat_ioas(ucmd->ictx, ioas);
		iommufd_put_object(ucmd->ictx, &ioas->obj);
		return 0;
	case IOMMU_VFIO_IOAS_CLEAR:
		set_compat_ioas(ucmd->ictx, NULL);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int vfio_map_dma(struct iommufd_ctx *ictx, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_iommu_type1_dma_map, size);
	u32 supported = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct vfio_iommu_type1_dma_map map;
	int prot = IOMMU_CACHE, ret;
	struct iommufd_ioas *ioas;
	unsigned long iova;

	if (copy_from_user(&map, arg, minsz))
		return -EFAULT;
	if (map.argsz < minsz || (map.flags & ~supported))
		return -EINVAL;
	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	/* type1 always maps at the given IOVA, accounted like VFIO (per process) */
	iova = map.iova;
	ret = iopt_map_user_pages(ictx, &ioas->iopt, &iova, map.vaddr, map.size, prot, 0);
	iommufd_put_object(ictx, &ioas->obj);
	return ret;
}

static int vfio_unmap_dma(struct iommufd_ctx *ictx, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_iommu_type1_dma_unmap, size);
	struct vfio_iommu_type1_dma_unmap unmap;
	unsigned long unmapped = 0;
	struct iommufd_ioas *ioas;
	int ret;

	if (copy_from_user(&unmap, arg, minsz))
		return -EFAULT;
	if (unmap.argsz < minsz || (unmap.flags & ~VFIO_DMA_UNMAP_FLAG_ALL))
		return -EINVAL;
	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (unmap.iova || unmap.size) {
			ret = -EINVAL;
			goto out_put;
		}
		ret = iopt_unmap_all(&ioas->iopt, &unmapped);
	} else {
		if (READ_ONCE(ioas->iopt.disable_large_pages)) {
			/* type1 (v0) may cut mappings: cut at both ends first */
			unsigned long iovas[] = { unmap.iova + unmap.size - 1, unmap.iova - 1 };

			ret = iopt_cut_iova(&ioas->iopt, iovas, unmap.iova ? 2 : 1);
			if (ret)
				goto out_put;
		}
		ret = iopt_unmap_iova(&ioas->iopt, unmap.iova, unmap.size, &unmapped);
	}
	unmap.size = unmapped;
	if (copy_to_user(arg, &unmap, minsz))
		ret = -EFAULT;
out_put:
	iommufd_put_object(ictx, &ioas->obj);
	return ret;
}

/* 1 when every HWPT of the compat IOAS enforces cache coherency. */
static int vfio_cc_iommu(struct iommufd_ctx *ictx)
{
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_ioas *ioas = get_compat_ioas(ictx);
	int ret = 1;

	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	plat_mutex_lock(&ioas->mutex);
	list_for_each_entry(hwpt, &ioas->hwpt_list, hwpt_item)
		if (!hwpt->enforce_cache_coherency)
			ret = 0;
	plat_mutex_unlock(&ioas->mutex);
	iommufd_put_object(ictx, &ioas->obj);
	return ret;
}

static int vfio_check_extension(struct iommufd_ctx *ictx, unsigned long type)
{
	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_DMA_CC_IOMMU:
		return vfio_cc_iommu(ictx);
	default:	/* nesting (obsolete), UPDATE_VADDR (unsafe), the rest */
		return 0;
	}
}

/* type1 (v0) can unmap inside a mapping: emulated by mapping PAGE_SIZE IOPTEs only. */
static int vfio_set_iommu(struct iommufd_ctx *ictx, unsigned long type)
{
	struct iommufd_ioas *ioas;
	int ret = 0;

	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU)
		return -EINVAL;
	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	if (type == VFIO_TYPE1_IOMMU)
		ret = iopt_disable_large_pages(&ioas->iopt);
	iommufd_put_object(ictx, &ioas->obj);
	return ret;
}

static unsigned long vfio_pagesizes(struct iommufd_ioas *ioas)
{
	struct io_pagetable *iopt = &ioas->iopt;
	unsigned long pgsizes = ULONG_MAX;

	plat_down_read(&iopt->domains_rwsem);
	for (unsigned int i = 0; i < iopt->ndomains; i++)
		pgsizes &= iopt->domains[i]->pgsize_bitmap;
	/* sub-page sizes are reported as PAGE_SIZE, like VFIO */
	if (pgsizes & ~PAGE_MASK) {
		pgsizes &= PAGE_MASK;
		pgsizes |= PAGE_SIZE;
	}
	pgsizes = max(pgsizes, iopt->iova_alignment);
	plat_up_read(&iopt->domains_rwsem);
	return pgsizes;
}

/* Capability: the usable IOVA ranges. Returns its size, writing it only if it fits. */
static int fill_cap_iova(struct iommufd_ioas *ioas, u64 ucap, size_t avail)
{
	struct vfio_iommu_type1_info_cap_iova_range cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1 },
	};
	const struct itree_root *roots[1] = { &ioas->iopt.reserved_itree };
	struct itree_span span;

	itree_for_each_span(&span, roots, 1, 0, ULONG_MAX) {
		struct vfio_iova_range range = { .start = span.start, .end = span.last };
		size_t need = sizeof(cap) + (cap.nr_iovas + 1) * sizeof(range);

		if (!span.is_hole)
			continue;
		if (avail >= need &&
		    copy_to_user(ucap + sizeof(cap) + cap.nr_iovas * sizeof(range), &range,
				 sizeof(range)))
			return -EFAULT;
		cap.nr_iovas++;
	}
	if (avail >= sizeof(cap) + cap.nr_iovas * sizeof(struct vfio_iova_range) &&
	    copy_to_user(ucap, &cap, sizeof(cap)))
		return -EFAULT;
	return (int)(sizeof(cap) + cap.nr_iovas * sizeof(struct vfio_iova_range));
}

/* Capability: how many more DMA mappings fit (unlimited here, as iommufd says). */
static int fill_cap_dma_avail(struct iommufd_ioas *ioas, u64 ucap, size_t avail)
{
	struct vfio_iommu_type1_info_dma_avail cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 },
		.avail = U32_MAX,
	};

	if (avail >= sizeof(cap) && copy_to_user(ucap, &cap, sizeof(cap)))
		return -EFAULT;
	return sizeof(cap);
}

typedef int (*fill_cap_fn)(struct iommufd_ioas *ioas, u64 ucap, size_t avail);

/*
 * VFIO_IOMMU_GET_INFO: page sizes and a capability chain after the struct.
 * A short argsz gets the caps that fit and learns the full size; bytes not
 * defined by the reply are never written (bug class 25).
 */
static int vfio_iommu_get_info(struct iommufd_ctx *ictx, u64 arg)
{
	static const fill_cap_fn fill_fns[] = { fill_cap_dma_avail, fill_cap_iova };
	size_t minsz = offsetofend(struct vfio_iommu_type1_info, iova_pgsizes);
	struct vfio_iommu_type1_info info;
	u64 last_cap = 0;
	size_t total;
	struct iommufd_ioas *ioas;
	int ret;

	memset(&info, 0, sizeof(info));
	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	minsz = min_t(size_t, info.argsz, sizeof(info));
	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = vfio_pagesizes(ioas);
	info.cap_offset = 0;
	info.pad = 0;
	plat_down_read(&ioas->iopt.iova_rwsem);
	total = sizeof(info);
	for (size_t i = 0; i != ARRAY_SIZE(fill_fns); i++) {
		int size = info.argsz > total ?
			fill_fns[i](ioas, arg + total, info.argsz - total) :
			fill_fns[i](ioas, 0, 0);

		if (size < 0) {
			ret = size;
			goto out_put;
		}
		/* every cap starts 8-byte aligned (Linux 6.6+); the gap is not written */
		size = ALIGN(size, (int)sizeof(u64));
		if (last_cap && info.argsz >= total) {
			u32 next = (u32)total;

			if (copy_to_user(last_cap + offsetof(struct vfio_info_cap_header, next),
					 &next, sizeof(next))) {
				ret = -EFAULT;
				goto out_put;
			}
		}
		last_cap = arg + total;
		total += size;
	}
	if (info.argsz >= total)
		info.cap_offset = sizeof(info);
	info.argsz = (u32)total;
	info.flags |= VFIO_IOMMU_INFO_CAPS;
	ret = copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
out_put:
	plat_up_read(&ioas->iopt.iova_rwsem);
	iommufd_put_object(ictx, &ioas->obj);
	return ret;
}

long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd, u64 arg)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_SET_IOMMU:
		return vfio_set_iommu(ictx, arg);
	case VFIO_CHECK_EXTENSION:
		return vfio_check_extension(ictx, arg);
	case VFIO_IOMMU_GET_INFO:
		return vfio_iommu_get_info(ictx, arg);
	case VFIO_IOMMU_MAP_DMA:
		return vfio_map_dma(ictx, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return vfio_unmap_dma(ictx, arg);
	default:	/* VFIO_IOMMU_DIRTY_PAGES and anything else */
		return -ENOIOCTLCMD;
	}
}
