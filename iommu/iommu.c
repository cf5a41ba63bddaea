// SPDX-License-Identifier: MIT
/*
 * Generic IOMMU helpers over the driver ops of iommu.h: unit and device
 * registry, domain alloc/attach, map/unmap split into supported page sizes,
 * reserved regions. No hardware knowledge; builds in the kernel and hosted.
 */
#include "iommu/iommu.h"
#include "lib/alloc.h"
#include "lib/bitops.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/platform.h"
#include "lib/spinlock.h"
#include "lib/string.h"

static LIST_HEAD(units);
static LIST_HEAD(devices);
static DEFINE_SPINLOCK(registry_lock);

void iommu_device_register(struct iommu_device *iommu)
{
	spin_lock(&registry_lock);
	list_add_tail(&iommu->node, &units);
	spin_unlock(&registry_lock);
}

void iommu_device_unregister(struct iommu_device *iommu)
{
	spin_lock(&registry_lock);
	list_del(&iommu->node);
	spin_unlock(&registry_lock);
}

void iommu_dev_register(struct iommu_dev *dev)
{
	spin_lock(&registry_lock);
	list_add_tail(&dev->node, &devices);
	spin_unlock(&registry_lock);
}

void iommu_dev_unregister(struct iommu_dev *dev)
{
	spin_lock(&registry_lock);
	list_del(&dev->node);
	spin_unlock(&registry_lock);
}

struct iommu_dev *iommu_dev_get(int n)
{
	struct iommu_dev *d, *found = NULL;

	spin_lock(&registry_lock);
	list_for_each_entry(d, &devices, node) {
		if (n-- == 0) {
			found = d;
			break;
		}
	}
	spin_unlock(&registry_lock);
	return found;
}

struct iommu_dev *iommu_dev_find(const char *name)
{
	struct iommu_dev *d, *found = NULL;

	spin_lock(&registry_lock);
	list_for_each_entry(d, &devices, node) {
		if (!strcmp(d->name, name)) {
			found = d;
			break;
		}
	}
	spin_unlock(&registry_lock);
	return found;
}

/* Call fn for every registered unit (fault polling). */
void iommu_for_each_unit(void (*fn)(struct iommu_device *iommu, void *ctx), void *ctx)
{
	struct iommu_device *u;

	list_for_each_entry(u, &units, node)
		fn(u, ctx);
}

const char *iommu_no_dma_reason(void)
{
	struct iommu_device *u;
	const char *why = NULL;

	list_for_each_entry(u, &units, node) {
		if (!u->no_dma)
			return NULL;
		why = why ? why : u->no_dma;
	}
	return why;
}

struct iommu_domain *iommu_domain_alloc_paging(struct iommu_dev *dev)
{
	struct iommu_domain *d;

	if (!dev->ops || !dev->ops->domain_alloc_paging)
		return ERR_PTR(-ENODEV);
	d = dev->ops->domain_alloc_paging(dev);
	if (!IS_ERR(d) && !d->owner)
		d->owner = dev->ops;
	return d;
}

void iommu_domain_free(struct iommu_domain *d)
{
	if (d && d->ops && d->ops->free)
		d->ops->free(d);
}

int iommu_attach_device(struct iommu_domain *d, struct iommu_dev *dev)
{
	int ret;

	if (!dev->ops || (d->owner && d->owner != dev->ops))
		return -EINVAL;
	ret = d->ops->attach_dev(d, dev);
	if (ret == 0)
		dev->domain = d;
	return ret;
}

static int pasid_check(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid)
{
	if (!dev->ops || (d->owner && d->owner != dev->ops) || pasid == IOMMU_NO_PASID ||
	    pasid >= dev->max_pasids)
		return -EINVAL;
	return d->ops->set_dev_pasid && dev->ops->remove_dev_pasid ? 0 : -EOPNOTSUPP;
}

int iommu_attach_device_pasid(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid)
{
	int ret = pasid_check(d, dev, pasid);

	return ret ? ret : d->ops->set_dev_pasid(d, dev, pasid, NULL);
}

int iommu_replace_device_pasid(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid,
			       struct iommu_domain *old)
{
	int ret = pasid_check(d, dev, pasid);

	if (ret || old == d)
		return ret;
	return d->ops->set_dev_pasid(d, dev, pasid, old);
}

void iommu_detach_device_pasid(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid)
{
	if (dev->ops && dev->ops->remove_dev_pasid)
		dev->ops->remove_dev_pasid(dev, pasid, d);
}

void iommu_detach_device(struct iommu_domain *d, struct iommu_dev *dev)
{
	struct iommu_domain *blocked = dev->ops ? dev->ops->blocked_domain : NULL;

	if (dev->domain != d)
		return;
	if (blocked && blocked->ops->attach_dev(blocked, dev) == 0) {
		dev->domain = blocked;
		return;
	}
	dev->domain = NULL;
}

size_t iommu_pgsize(unsigned long pgsize_bitmap, unsigned long iova,
		    phys_addr_t paddr, size_t size, size_t *count)
{
	unsigned long addr_merge = iova | (unsigned long)paddr;
	unsigned long pgsizes, bigger;
	size_t pgsize, n;
	int idx;

	/* exactly one smallest page (every 4K map and unmap): nothing to choose */
	if (size == (pgsize_bitmap & -pgsize_bitmap) && !(addr_merge & (size - 1))) {
		*count = 1;
		return size;
	}
	/* page sizes no larger than size and aligned to both addresses */
	pgsizes = pgsize_bitmap & (size >= (1UL << 63) ? ~0UL : (2UL << fls64_idx(size)) - 1);
	if (addr_merge)
		pgsizes &= (2UL << ffs64_idx(addr_merge)) - 1;
	if (!pgsizes) {
		*count = 0;
		return 0;
	}
	idx = fls64_idx(pgsizes);
	pgsize = 1UL << idx;
	n = size >> idx;
	/* stop where a larger page could start: the caller re-evaluates there */
	bigger = pgsize_bitmap & ~((2UL << idx) - 1);
	if (bigger) {
		unsigned long next = 1UL << ffs64_idx(bigger);

		if (((iova ^ (unsigned long)paddr) & (next - 1)) == 0) {
			unsigned long to_boundary = ALIGN(iova + 1, next) - iova;

			if (IS_ALIGNED(iova, next))
				to_boundary = next;
			n = min(n, (size_t)(to_boundary >> idx));
			if (!n)
				n = 1;
		}
	}
	*count = n;
	return pgsize;
}

int iommu_map_nosync(struct iommu_domain *d, unsigned long iova, phys_addr_t paddr,
		     size_t size, int prot)
{
	unsigned long start = iova;
	size_t left = size, min_page;
	int ret = 0;

	if (!d->ops->map_pages || !d->pgsize_bitmap || !(prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	min_page = 1UL << ffs64_idx(d->pgsize_bitmap);
	if (!size || !IS_ALIGNED(iova | paddr | size, min_page))
		return -EINVAL;
	if (iova + size - 1 < iova)
		return -EOVERFLOW;
	if (d->geometry.force_aperture &&
	    (iova < d->geometry.aperture_start || iova + size - 1 > d->geometry.aperture_end))
		return -ERANGE;
	while (left) {
		size_t count, mapped = 0;
		size_t pgsize = iommu_pgsize(d->pgsize_bitmap, iova, paddr, left, &count);

		ret = d->ops->map_pages(d, iova, paddr, pgsize, count, prot, &mapped);
		iova += mapped;
		paddr += mapped;
		left -= mapped;
		if (ret)
			break;
		if (!mapped) {
			ret = -EIO;	/* a driver that maps nothing would loop forever */
			break;
		}
	}
	if (ret && iova > start)
		iommu_unmap(d, start, iova - start);
	return ret;
}

int iommu_sync_map(struct iommu_domain *d, unsigned long iova, size_t size)
{
	return d->ops->iotlb_sync_map ? d->ops->iotlb_sync_map(d, iova, size) : 0;
}

int iommu_map(struct iommu_domain *d, unsigned long iova, phys_addr_t paddr,
	      size_t size, int prot)
{
	int ret = iommu_map_nosync(d, iova, paddr, size, prot);

	if (ret)
		return ret;
	ret = iommu_sync_map(d, iova, size);
	if (ret)
		iommu_unmap(d, iova, size);
	return ret;
}

size_t iommu_unmap_fast(struct iommu_domain *d, unsigned long iova, size_t size,
			struct iommu_iotlb_gather *g)
{
	size_t done = 0, min_page;

	if (!d->pgsize_bitmap || !size)
		return 0;
	min_page = 1UL << ffs64_idx(d->pgsize_bitmap);
	if (!IS_ALIGNED(iova | size, min_page))
		return 0;
	while (done < size) {
		size_t count, pgsize, n;

		pgsize = iommu_pgsize(d->pgsize_bitmap, iova + done, iova + done, size - done,
				      &count);
		n = d->ops->unmap_pages(d, iova + done, pgsize, count, g);
		if (!n)
			break;
		done += n;
	}
	return done;
}

void iommu_iotlb_sync(struct iommu_domain *d, struct iommu_iotlb_gather *g)
{
	if (d->ops->iotlb_sync)
		d->ops->iotlb_sync(d, g);
}

size_t iommu_unmap(struct iommu_domain *d, unsigned long iova, size_t size)
{
	struct iommu_iotlb_gather g;
	size_t done;

	if (!d->pgsize_bitmap || !size)
		return 0;
	iommu_iotlb_gather_init(&g);
	done = iommu_unmap_fast(d, iova, size, &g);
	iommu_iotlb_sync(d, &g);
	return done;
}

phys_addr_t iommu_iova_to_phys(struct iommu_domain *d, dma_addr_t iova)
{
	if (d->type == IOMMU_DOMAIN_IDENTITY)
		return iova;
	if (!d->ops->iova_to_phys)
		return 0;
	return d->ops->iova_to_phys(d, iova);
}

void iommu_get_resv_regions(struct iommu_dev *dev, struct list_head *head)
{
	if (dev->ops && dev->ops->get_resv_regions)
		dev->ops->get_resv_regions(dev, head);
}

void iommu_put_resv_regions(struct list_head *head)
{
	struct iommu_resv_region *r, *n;

	list_for_each_entry_safe(r, n, head, list) {
		list_del(&r->list);
		kfree(r);
	}
}

int iommu_copy_struct_from_user(void *dst, size_t dst_len, size_t min_len,
				const struct iommu_user_data *src, u32 type)
{
	if (src->type != type || src->len < min_len || src->len > dst_len)
		return -EINVAL;
	if (copy_from_user(dst, src->uptr, src->len))
		return -EFAULT;
	memset((u8 *)dst + src->len, 0, dst_len - src->len);
	return 0;
}

int iommu_copy_struct_from_user_array(void *dst, size_t dst_len, size_t min_len,
				      const struct iommu_user_data_array *src, u32 type,
				      u32 index)
{
	struct iommu_user_data one = {
		.type = src->type,
		.uptr = src->uptr + (u64)src->entry_len * index,
		.len = src->entry_len,
	};

	if (!src->entry_num || index >= src->entry_num)
		return -EINVAL;
	return iommu_copy_struct_from_user(dst, dst_len, min_len, &one, type);
}

/*
 * The domain that takes dev's page request: the attached one, or for a
 * PASID (nothing is ever attached to a PASID here) the RID's nested domain
 * when the user owns the PASID table.
 */
int iommu_report_page_request(struct iommu_dev *dev, const struct iommu_page_request *req)
{
	struct iommu_domain *d = dev->domain;

	if (!d || !d->iopf_handler)
		return -ENODEV;
	if (req->pasid != IOMMU_NO_PASID &&
	    !(dev->ops && dev->ops->user_pasid_table && d->type == IOMMU_DOMAIN_NESTED))
		return -ENODEV;
	return d->iopf_handler(d, dev, req);
}

extern const struct iommu_selftest_ops *const __start_iommu_selftest[] __attribute__((weak));
extern const struct iommu_selftest_ops *const __stop_iommu_selftest[] __attribute__((weak));

const struct iommu_selftest_ops *iommu_selftest_ops(void)
{
	const struct iommu_selftest_ops *const *first = __start_iommu_selftest;

	return first != __stop_iommu_selftest ? *first : NULL;
}
