// SPDX-License-Identifier: MIT
/*
 * Mock IOMMU domain driver: one ID-table entry per 2 KiB IO page holding the
 * physical address and START/LAST marks of the map call that made it.
 * Semantics follow Linux's iommufd selftest mock; the code is ours.
 */
#include "iommu/mock/mock.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/idtable.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define MOCK_PFN_MASK	((1ULL << 53) - 1)

struct mock_domain {
	struct iommu_domain domain;
	spinlock_t lock;		/* protects pfns, entries, dirty_tracking */
	struct idtab pfns;		/* iova / MOCK_IO_PAGE_SIZE -> encoded entry */
	unsigned long entries;
	bool huge;			/* made for a MOCK_FLAGS_DEVICE_HUGE_IOVA device */
	bool dirty_tracking;		/* set_dirty_tracking(true) */
};

/* A user-owned stage 1 on a mock parent: only its IOTLB is modelled. */
struct mock_nested {
	struct iommu_domain domain;
	struct mock_domain *parent;
	u32 iotlb[MOCK_NESTED_DOMAIN_IOTLB_NUM];
};

struct mock_dev {
	struct iommu_dev dev;
	u32 flags;
	char name[16];
	struct list_head resv;		/* struct iommu_resv_region */
};

static long live_domains, live_devs, violations;
static unsigned long map_calls, unmap_calls;
static int dev_seq;
static const struct iommu_ops mock_ops;
static const struct iommu_domain_ops mock_domain_ops;
static const struct iommu_domain_ops mock_nested_ops;

static void violation(void)
{
	__atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED);
}

static struct mock_domain *to_mock(struct iommu_domain *d)
{
	return container_of(d, struct mock_domain, domain);
}

static void *encode(u64 v)
{
	return (void *)(uintptr_t)((v << 1) | 1);
}

static u64 decode(void *e)
{
	return (u64)(uintptr_t)e >> 1;
}

static struct mock_dev *to_mdev(struct iommu_dev *dev)
{
	return container_of(dev, struct mock_dev, dev);
}

/* A device without dirty tracking cannot join a dirty-tracking domain. */
static int mock_nop_attach(struct iommu_domain *d, struct iommu_dev *dev)
{
	if (d->dirty_ops && (to_mdev(dev)->flags & MOCK_FLAGS_DEVICE_NO_DIRTY))
		return -EINVAL;
	return 0;
}

static const struct iommu_domain_ops mock_blocked_ops = {
	.attach_dev = mock_nop_attach,
};

static struct iommu_domain mock_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &mock_blocked_ops,
	.owner = &mock_ops,
};


static int mock_map_pages(struct iommu_domain *d, unsigned long iova, phys_addr_t pa,
			  size_t pgsize, size_t pgcount, int prot, size_t *mapped)
{
	struct mock_domain *m = to_mock(d);
	unsigned long start = iova, n = pgsize / MOCK_IO_PAGE_SIZE * pgcount;
	u64 flags = MOCK_PFN_START_IOVA | (pgsize > MOCK_IO_PAGE_SIZE ? MOCK_PFN_HUGE_IOVA : 0);
	int ret = 0;

	__atomic_fetch_add(&map_calls, 1, __ATOMIC_RELAXED);
	if ((iova | pa) % MOCK_IO_PAGE_SIZE || !(pgsize & d->pgsize_bitmap) || !n) {
		violation();
		return -EINVAL;
	}
	/* the table allocates too, but this site fails even when it would not */
	if (failpoint_hit())
		return -ENOMEM;
	spin_lock(&m->lock);
	for (unsigned long i = 0; i < n; i++) {
		void *old;

		if (i == n - 1)
			flags |= MOCK_PFN_LAST_IOVA;
		if (idtab_load(&m->pfns, iova / MOCK_IO_PAGE_SIZE)) {
			violation();	/* the core mapped over a live entry */
			ret = -EEXIST;
			break;
		}
		ret = idtab_store(&m->pfns, iova / MOCK_IO_PAGE_SIZE,
				  encode((pa / MOCK_IO_PAGE_SIZE) | flags), &old);
		if (ret)
			break;
		m->entries++;
		iova += MOCK_IO_PAGE_SIZE;
		pa += MOCK_IO_PAGE_SIZE;
		flags &= MOCK_PFN_HUGE_IOVA;
	}
	if (ret) {
		/* undo this call: a failed map_pages leaves nothing behind */
		for (; start != iova; start += MOCK_IO_PAGE_SIZE, m->entries--)
			idtab_erase(&m->pfns, start / MOCK_IO_PAGE_SIZE);
	} else {
		*mapped += n * MOCK_IO_PAGE_SIZE;
	}
	spin_unlock(&m->lock);
	return ret;
}

/*
 * Unmaps must cover whole map calls: the first entry of each call is a
 * START and the last a LAST (as Linux's mock checks; huge domains excepted
 * because unmap splits by IOVA alignment only).
 */
static size_t mock_unmap_pages(struct iommu_domain *d, unsigned long iova, size_t pgsize,
			       size_t pgcount, struct iommu_iotlb_gather *gather)
{
	struct mock_domain *m = to_mock(d);
	unsigned long n = pgsize / MOCK_IO_PAGE_SIZE * pgcount;

	__atomic_fetch_add(&unmap_calls, 1, __ATOMIC_RELAXED);
	if (iova % MOCK_IO_PAGE_SIZE || !n) {
		violation();
		return 0;
	}
	spin_lock(&m->lock);
	for (unsigned long i = 0; i < n; i++) {
		void *e = idtab_erase(&m->pfns, (iova + i * MOCK_IO_PAGE_SIZE) / MOCK_IO_PAGE_SIZE);
		u64 v = e ? decode(e) : 0;

		if (!e) {
			violation();
			continue;
		}
		m->entries--;
		if (m->huge)
			continue;
		if ((i == 0 && !(v & MOCK_PFN_START_IOVA)) ||
		    (i == n - 1 && !(v & MOCK_PFN_LAST_IOVA)))
			violation();
	}
	spin_unlock(&m->lock);
	iommu_iotlb_gather_add_range(gather, iova, n * MOCK_IO_PAGE_SIZE);
	return n * MOCK_IO_PAGE_SIZE;
}

static void mock_iotlb_sync(struct iommu_domain *d, struct iommu_iotlb_gather *gather)
{
}

int mock_domain_lookup(struct iommu_domain *d, unsigned long iova, phys_addr_t *pa,
		       u64 *flags)
{
	struct mock_domain *m = to_mock(d);
	void *e;

	spin_lock(&m->lock);
	e = idtab_load(&m->pfns, iova / MOCK_IO_PAGE_SIZE);
	spin_unlock(&m->lock);
	if (!e)
		return -ENOENT;
	*pa = (decode(e) & MOCK_PFN_MASK) * MOCK_IO_PAGE_SIZE + iova % MOCK_IO_PAGE_SIZE;
	if (flags)
		*flags = decode(e) & ~MOCK_PFN_MASK;
	return 0;
}

static phys_addr_t mock_iova_to_phys(struct iommu_domain *d, dma_addr_t iova)
{
	phys_addr_t pa;

	return mock_domain_lookup(d, iova, &pa, NULL) ? 0 : pa;
}

static void mock_domain_free(struct iommu_domain *d)
{
	struct mock_domain *m = to_mock(d);

	if (m->entries)
		violation();	/* freed with mappings left */
	idtab_destroy(&m->pfns);
	kfree(m);
	__atomic_fetch_sub(&live_domains, 1, __ATOMIC_RELAXED);
}

/*
 * Dirty tracking, as Linux's mock: entries carry a dirty bit the DIRTY
 * test op sets; reading walks IO pages (a huge entry stands for its whole
 * huge page) and clears the bit unless asked not to.
 */
static int mock_set_dirty_tracking(struct iommu_domain *d, bool enable)
{
	struct mock_domain *m = to_mock(d);

	if (enable && !d->dirty_ops)
		return -EINVAL;
	spin_lock(&m->lock);
	m->dirty_tracking = enable;
	spin_unlock(&m->lock);
	return 0;
}

/* Whether any IO page of [head, head + size) is dirty; clears them unless no_clear. */
static bool mock_test_and_clear_dirty(struct mock_domain *m, unsigned long head,
				      unsigned long size, bool no_clear)
{
	bool dirty = false;

	for (unsigned long cur = head; cur - head < size; cur += MOCK_IO_PAGE_SIZE) {
		void *e = idtab_load(&m->pfns, cur / MOCK_IO_PAGE_SIZE);

		if (!e || !(decode(e) & MOCK_PFN_DIRTY_IOVA))
			continue;
		dirty = true;
		if (!no_clear)
			idtab_store(&m->pfns, cur / MOCK_IO_PAGE_SIZE,
				    encode(decode(e) & ~MOCK_PFN_DIRTY_IOVA), NULL);
	}
	return dirty;
}

static int mock_read_and_clear_dirty(struct iommu_domain *d, unsigned long iova, size_t size,
				     unsigned long flags, struct iommu_dirty_bitmap *dirty)
{
	struct mock_domain *m = to_mock(d);
	unsigned long end = iova + size;

	spin_lock(&m->lock);
	if (!m->dirty_tracking && dirty->record) {
		spin_unlock(&m->lock);
		return -EINVAL;
	}
	while (iova < end) {
		void *e = idtab_load(&m->pfns, iova / MOCK_IO_PAGE_SIZE);
		unsigned long pgsize = MOCK_IO_PAGE_SIZE;

		if (e && (decode(e) & MOCK_PFN_HUGE_IOVA))
			pgsize = MOCK_HUGE_PAGE_SIZE;
		if (e && mock_test_and_clear_dirty(m, iova & ~(pgsize - 1), pgsize,
						   flags & IOMMU_DIRTY_NO_CLEAR) &&
		    dirty->record)
			dirty->record(dirty, iova, pgsize);
		iova += pgsize;
	}
	spin_unlock(&m->lock);
	return 0;
}

static const struct iommu_dirty_ops mock_dirty_ops = {
	.set_dirty_tracking = mock_set_dirty_tracking,
	.read_and_clear_dirty = mock_read_and_clear_dirty,
};

/* IOMMU_TEST_OP_DIRTY: the device wrote to the IO page at iova. */
static int mock_domain_set_dirty(struct iommu_domain *d, unsigned long iova)
{
	struct mock_domain *m = to_mock(d);
	int ret = 0;
	void *e;

	spin_lock(&m->lock);
	e = idtab_load(&m->pfns, iova / MOCK_IO_PAGE_SIZE);
	if (!m->dirty_tracking)
		ret = -EINVAL;
	else if (!e)
		ret = -ENOENT;
	else
		idtab_store(&m->pfns, iova / MOCK_IO_PAGE_SIZE,
			    encode(decode(e) | MOCK_PFN_DIRTY_IOVA), NULL);
	spin_unlock(&m->lock);
	return ret;
}

static bool mock_domain_dirty_tracking(struct iommu_domain *d)
{
	return to_mock(d)->dirty_tracking;
}

static const struct iommu_domain_ops mock_domain_ops = {
	.attach_dev = mock_nop_attach,
	.map_pages = mock_map_pages,
	.unmap_pages = mock_unmap_pages,
	.iotlb_sync = mock_iotlb_sync,
	.iova_to_phys = mock_iova_to_phys,
	.free = mock_domain_free,
};

static struct iommu_domain *mock_domain_alloc_paging(struct iommu_dev *dev)
{
	struct mock_domain *m;

	m = failable(kzalloc(sizeof(*m)));
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->huge = to_mdev(dev)->flags & MOCK_FLAGS_DEVICE_HUGE_IOVA;
	m->domain.type = IOMMU_DOMAIN_PAGING;
	m->domain.ops = &mock_domain_ops;
	m->domain.owner = &mock_ops;
	m->domain.pgsize_bitmap = MOCK_IO_PAGE_SIZE | (m->huge ? MOCK_HUGE_PAGE_SIZE : 0);
	m->domain.geometry.aperture_start = MOCK_APERTURE_START;
	m->domain.geometry.aperture_end = MOCK_APERTURE_LAST;
	m->domain.geometry.force_aperture = true;
	spin_lock_init(&m->lock);
	idtab_init(&m->pfns);
	__atomic_fetch_add(&live_domains, 1, __ATOMIC_RELAXED);
	return &m->domain;
}

static void mock_nested_free(struct iommu_domain *d)
{
	kfree(container_of(d, struct mock_nested, domain));
	__atomic_fetch_sub(&live_domains, 1, __ATOMIC_RELAXED);
}

/*
 * Invalidate entries of the nested IOTLB, one request at a time as Linux's
 * mock: entry_num returns how many were done before the first bad one.
 */
static int mock_nested_invalidate(struct iommu_domain *d, struct iommu_user_data_array *array)
{
	struct mock_nested *n = container_of(d, struct mock_nested, domain);
	struct iommu_hwpt_invalidate_selftest inv;
	u32 done = 0;
	int ret = 0;

	if (array->type != IOMMU_HWPT_INVALIDATE_DATA_SELFTEST) {
		ret = -EINVAL;
		goto out;
	}
	for (; done < array->entry_num; done++) {
		ret = iommu_copy_struct_from_user_array(&inv, sizeof(inv),
							offsetofend(typeof(inv), iotlb_id),
							array, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
							done);
		if (ret)
			break;
		if (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			ret = -EOPNOTSUPP;
			break;
		}
		if (inv.iotlb_id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX) {
			ret = -EINVAL;
			break;
		}
		for (unsigned int i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
			if ((inv.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) || i == inv.iotlb_id)
				n->iotlb[i] = 0;
	}
out:
	array->entry_num = done;
	return ret;
}

static const struct iommu_domain_ops mock_nested_ops = {
	.attach_dev = mock_nop_attach,
	.free = mock_nested_free,
	.cache_invalidate_user = mock_nested_invalidate,
};

static struct iommu_domain *mock_alloc_nested(struct iommu_domain *parent,
					      const struct iommu_user_data *user_data)
{
	struct iommu_hwpt_selftest cfg;
	struct mock_nested *n;
	int ret;

	if (parent->ops != &mock_domain_ops)
		return ERR_PTR(-EINVAL);
	ret = iommu_copy_struct_from_user(&cfg, sizeof(cfg), offsetofend(typeof(cfg), iotlb),
					  user_data, IOMMU_HWPT_DATA_SELFTEST);
	if (ret)
		return ERR_PTR(ret);
	n = failable(kzalloc(sizeof(*n)));
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->parent = to_mock(parent);
	n->domain.type = IOMMU_DOMAIN_NESTED;
	n->domain.ops = &mock_nested_ops;
	n->domain.owner = &mock_ops;
	for (unsigned int i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
		n->iotlb[i] = cfg.iotlb;
	__atomic_fetch_add(&live_domains, 1, __ATOMIC_RELAXED);
	return &n->domain;
}

/*
 * IOMMU_HWPT_ALLOC's domains, with Linux's mock's checks in order: a
 * paging one takes NEST_PARENT and DIRTY_TRACKING (the latter only where
 * the device tracks) and no data; a nested one only selftest data.
 */
static struct iommu_domain *mock_domain_alloc_user(struct iommu_dev *dev, u32 flags,
						   struct iommu_domain *parent,
						   const struct iommu_user_data *user_data)
{
	bool dirty = flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	struct iommu_domain *d;

	if (parent) {
		if (user_data->type != IOMMU_HWPT_DATA_SELFTEST || flags)
			return ERR_PTR(-EOPNOTSUPP);
		return mock_alloc_nested(parent, user_data);
	}
	if (flags & ~(IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);
	if (user_data || (dirty && (to_mdev(dev)->flags & MOCK_FLAGS_DEVICE_NO_DIRTY)))
		return ERR_PTR(-EOPNOTSUPP);
	d = mock_domain_alloc_paging(dev);
	if (!IS_ERR(d) && dirty)
		d->dirty_ops = &mock_dirty_ops;
	return d;
}

static int mock_hw_info(struct iommu_dev *dev, void *data, u32 *length, u32 *type)
{
	struct iommu_test_hw_info info = { .test_reg = IOMMU_HW_INFO_SELFTEST_REGVAL };

	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT && *type != IOMMU_HW_INFO_TYPE_SELFTEST)
		return -EOPNOTSUPP;

	memcpy(data, &info, min_t(size_t, *length, sizeof(info)));
	*length = sizeof(info);
	*type = IOMMU_HW_INFO_TYPE_SELFTEST;
	return 0;
}

static void mock_get_resv_regions(struct iommu_dev *dev, struct list_head *head)
{
	struct mock_dev *md = container_of(dev, struct mock_dev, dev);
	struct iommu_resv_region *r, *copy;

	list_for_each_entry(r, &md->resv, list) {
		copy = failable(kzalloc(sizeof(*copy)));
		if (!copy)
			return;		/* callers see fewer regions, as on OOM in Linux */
		*copy = *r;
		list_add_tail(&copy->list, head);
	}
}

static bool mock_capable(struct iommu_dev *dev, int cap)
{
	if (cap == IOMMU_CAP_DIRTY_TRACKING)
		return !(to_mdev(dev)->flags & MOCK_FLAGS_DEVICE_NO_DIRTY);
	return cap == IOMMU_CAP_CACHE_COHERENCY;
}

static const struct iommu_ops mock_ops = {
	.name = "mock",
	.domain_alloc_paging = mock_domain_alloc_paging,
	.domain_alloc_user = mock_domain_alloc_user,
	.blocked_domain = &mock_blocked_domain,
	.hw_info = mock_hw_info,
	.get_resv_regions = mock_get_resv_regions,
	.capable = mock_capable,
	.user_pasid_table = true,
};

static struct iommu_device mock_iommu = {
	.name = "mock",
	.ops = &mock_ops,
};

struct iommu_dev *mock_dev_create(u32 dev_flags)
{
	struct mock_dev *md;
	int seq;

	if (dev_flags & ~(MOCK_FLAGS_DEVICE_NO_DIRTY | MOCK_FLAGS_DEVICE_HUGE_IOVA |
			  MOCK_FLAGS_DEVICE_PASID))
		return ERR_PTR(-EINVAL);
	md = failable(kzalloc(sizeof(*md)));
	if (!md)
		return ERR_PTR(-ENOMEM);
	seq = __atomic_add_fetch(&dev_seq, 1, __ATOMIC_RELAXED);
	snprintf(md->name, sizeof(md->name), "mock%d", seq);
	md->flags = dev_flags;
	md->dev.name = md->name;
	md->dev.rid = (u16)seq;
	md->dev.ops = &mock_ops;
	md->dev.iommu = &mock_iommu;
	md->dev.domain = &mock_blocked_domain;
	md->dev.dma_mask = ~0ULL;
	if (dev_flags & MOCK_FLAGS_DEVICE_PASID)
		md->dev.max_pasids = 1U << MOCK_PASID_WIDTH;
	INIT_LIST_HEAD(&md->resv);
	__atomic_fetch_add(&live_devs, 1, __ATOMIC_RELAXED);
	return &md->dev;
}

void mock_dev_destroy(struct iommu_dev *dev)
{
	struct mock_dev *md = container_of(dev, struct mock_dev, dev);

	iommu_put_resv_regions(&md->resv);
	kfree(md);
	__atomic_fetch_sub(&live_devs, 1, __ATOMIC_RELAXED);
}

bool mock_dev_is_mock(const struct iommu_dev *dev)
{
	return dev->ops == &mock_ops;
}

int mock_dev_add_resv(struct iommu_dev *dev, u64 start, u64 length, enum iommu_resv_type type)
{
	struct mock_dev *md = container_of(dev, struct mock_dev, dev);
	struct iommu_resv_region *r = failable(kzalloc(sizeof(*r)));

	if (!r)
		return -ENOMEM;
	r->start = start;
	r->length = length;
	r->type = type;
	list_add_tail(&r->list, &md->resv);
	return 0;
}

bool mock_domain_is_mock(const struct iommu_domain *d)
{
	return d->ops == &mock_domain_ops;
}

static int mock_nested_iotlb(struct iommu_domain *d, unsigned int id, u32 *val)
{
	if (d->ops != &mock_nested_ops || id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX)
		return -EINVAL;
	*val = container_of(d, struct mock_nested, domain)->iotlb[id];
	return 0;
}

unsigned long mock_domain_entries(struct iommu_domain *d)
{
	return to_mock(d)->entries;
}

u64 mock_domain_digest(struct iommu_domain *d)
{
	struct mock_domain *m = to_mock(d);
	u64 h = 0xcbf29ce484222325ULL;
	unsigned long idx;
	void *e;

	spin_lock(&m->lock);
	idtab_for_each(&m->pfns, idx, e)
		h = (h ^ (idx * 0x9e3779b97f4a7c15ULL ^ decode(e))) * 0x100000001b3ULL;
	spin_unlock(&m->lock);
	return h;
}

long mock_live_domains(void)
{
	return __atomic_load_n(&live_domains, __ATOMIC_RELAXED);
}

long mock_live_devs(void)
{
	return __atomic_load_n(&live_devs, __ATOMIC_RELAXED);
}

long mock_violations(void)
{
	return __atomic_load_n(&violations, __ATOMIC_RELAXED);
}

unsigned long mock_map_calls(void)
{
	return __atomic_load_n(&map_calls, __ATOMIC_RELAXED);
}

unsigned long mock_unmap_calls(void)
{
	return __atomic_load_n(&unmap_calls, __ATOMIC_RELAXED);
}

static const struct iommu_selftest_ops mock_selftest_ops = {
	.io_page_size = MOCK_IO_PAGE_SIZE,
	.dev_create = mock_dev_create,
	.dev_destroy = mock_dev_destroy,
	.owns_domain = mock_domain_is_mock,
	.domain_lookup = mock_domain_lookup,
	.domain_entries = mock_domain_entries,
	.domain_digest = mock_domain_digest,
	.domain_set_dirty = mock_domain_set_dirty,
	.domain_dirty_tracking = mock_domain_dirty_tracking,
	.nested_iotlb = mock_nested_iotlb,
	.owns_dev = mock_dev_is_mock,
};

IOMMU_SELFTEST_DRIVER(mock_selftest_ops);
