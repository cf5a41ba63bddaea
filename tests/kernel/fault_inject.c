// SPDX-License-Identifier: MIT
/*
 * fault-inject suite: opening /dev/iommu and every ioctl scenario run with a
 * failure at each allocation site in turn (the core, ID tables, the fd
 * table and anonymous fds, the mock driver). Each must fail with ENOMEM and
 * leave state and every counter exactly as before; past the last site it
 * must succeed.
 */
#include "tests/kernel/core_util.h"
#include "iommu/mock/mock.h"
#include "lib/alloc.h"
#include "lib/failpoint.h"

#define PG PAGE_SIZE
#define BASE MOCK_APERTURE_START
#define BIG (600 * PG)		/* more than one 512-page pin chunk */

struct fi {
	int fd, afd, ffd, fd2;
	u32 ioas, ioas2, hwpt, stdev, idev, pin, parent, fault, nested;
	u8 *buf;
};

/* Everything a failed ioctl must leave untouched. */
struct snapshot {
	u64 digest;
	long heap, objects, pins, charged, domains, devs, files, cached;
};

static void snap(struct fi *f, struct snapshot *s)
{
	s->digest = iommufd_test_digest(t_ctx(f->fd));
	s->heap = (long)kmalloc_live();
	s->objects = iommufd_live_objects();
	s->pins = iommufd_pinned_pages();
	s->charged = (long)t_charged();
	s->domains = mock_live_domains();
	s->devs = mock_live_devs();
	s->files = sim_live_files();
	s->cached = iommufd_ctx_pages_cached(t_ctx(f->fd));
}

static bool same(const struct snapshot *a, const struct snapshot *b)
{
	return a->digest == b->digest && a->heap == b->heap && a->objects == b->objects &&
	       a->pins == b->pins && a->charged == b->charged && a->domains == b->domains &&
	       a->devs == b->devs && a->files == b->files && a->cached == b->cached;
}

/* --- setups: the state each scenario starts from --- */

static void st_none(struct fi *f)
{
}

static void st_ioas(struct fi *f)
{
	f->ioas = t_ioas(f->fd);
}

static void st_domain(struct fi *f)
{
	st_ioas(f);
	t_mock_domain(f->fd, f->ioas, &f->stdev, &f->hwpt, &f->idev);
}

static void st_mapped(struct fi *f)
{
	st_ioas(f);
	t_map_fixed(f->fd, f->ioas, f->buf, BIG, BASE);
	f->ioas2 = t_ioas(f->fd);
	t_map_fixed(f->fd, f->ioas2, f->buf, 8 * PG, BASE);
}

static void st_mapped_domain(struct fi *f)
{
	st_domain(f);
	t_map_fixed(f->fd, f->ioas, f->buf, BIG, BASE);
	f->ioas2 = t_ioas(f->fd);
	t_map_fixed(f->fd, f->ioas2, f->buf, 8 * PG, BASE);
}

/* A small map unmapped: its pages object waits in the context's pages cache. */
static void prime_pages_cache(struct fi *f)
{
	int bad = t_map_fixed(f->fd, f->ioas, f->buf, PG, BASE + (3UL << 20));

	bad += t_unmap(f->fd, f->ioas, BASE + (3UL << 20), PG, NULL);
	if (bad || !iommufd_ctx_pages_cached(t_ctx(f->fd)))
		report(false, "setup: a 4K map and unmap leave a pages object in the cache");
}

static void st_cached(struct fi *f)
{
	st_mapped(f);
	prime_pages_cache(f);
}

static void st_cached_domain(struct fi *f)
{
	st_mapped_domain(f);
	prime_pages_cache(f);
}

static void st_access(struct fi *f)
{
	st_mapped_domain(f);
	t_create_access(f->fd, f->ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &f->afd);
}

static void st_type1(struct fi *f)
{
	st_domain(f);
	t_vfio_ioas_set(f->fd, f->ioas);
	t_ioctl(f->fd, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU);
	t_map_fixed(f->fd, f->ioas, f->buf, 16 * PG, BASE);
}

/* HWPT_ALLOC for the first device on pt with flags (and nested data when pt is a HWPT). */
static long hwpt_alloc(struct fi *f, u32 pt, u32 flags, u32 fault_id, u32 *out)
{
	static struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_alloc c = { .size = sizeof(c), .flags = flags, .dev_id = f->idev,
				      .pt_id = pt, .fault_id = fault_id };
	long r;

	if (pt != f->ioas && pt != f->ioas2) {
		c.data_type = IOMMU_HWPT_DATA_SELFTEST;
		c.data_len = sizeof(data);
		c.data_uptr = U(&data);
	}
	r = t_ioctl(f->fd, IOMMU_HWPT_ALLOC, &c);
	if (!r && out)
		*out = c.out_hwpt_id;
	return r;
}

/* A second domain: a manual HWPT with a device of its own. */
static void st_two_domains(struct fi *f)
{
	u32 hwpt2 = 0;

	st_domain(f);
	hwpt_alloc(f, f->ioas, 0, 0, &hwpt2);
	t_mock_domain(f->fd, hwpt2, NULL, NULL, NULL);
}

static long op_fault_alloc(struct fi *f)
{
	struct iommu_fault_alloc c = { .size = sizeof(c) };
	long r = t_ioctl(f->fd, IOMMU_FAULT_QUEUE_ALLOC, &c);

	if (!r) {
		f->fault = c.out_fault_id;
		f->ffd = (int)c.out_fault_fd;
	}
	return r;
}

/* A NEST_PARENT HWPT on the mapped IOAS and a fault queue. */
static void st_parent(struct fi *f)
{
	st_mapped_domain(f);
	hwpt_alloc(f, f->ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, &f->parent);
	op_fault_alloc(f);
}

/* A dirty-tracking HWPT on the mapped IOAS, tracking, with pages marked dirty. */
static void st_dirty(struct fi *f)
{
	struct iommu_hwpt_set_dirty_tracking t = { .size = sizeof(t),
						   .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE };
	static u64 bits[4] = { 0x5555, 0x1, 0, 0x8000000000000000ULL };
	struct iommu_test_cmd d = { .size = sizeof(d), .op = IOMMU_TEST_OP_DIRTY };

	st_mapped_domain(f);
	hwpt_alloc(f, f->ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, &f->parent);
	t.hwpt_id = f->parent;
	t_ioctl(f->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &t);
	d.id = f->parent;
	d.dirty.iova = BASE;
	d.dirty.length = 256 * MOCK_PAGE_SIZE;
	d.dirty.page_size = MOCK_PAGE_SIZE;
	d.dirty.uptr = U(bits);
	t_ioctl(f->fd, IOMMU_TEST_CMD, &d);
}

static long op_hwpt_nested(struct fi *f)
{
	return hwpt_alloc(f, f->parent, 0, 0, NULL);
}

static long op_hwpt_nested_iopf(struct fi *f)
{
	return hwpt_alloc(f, f->parent, IOMMU_HWPT_FAULT_ID_VALID, f->fault, NULL);
}

static long op_hwpt_dirty(struct fi *f)
{
	return hwpt_alloc(f, f->ioas2, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL);
}

static long op_get_dirty(struct fi *f)
{
	static u8 bitmap[BIG / MOCK_PAGE_SIZE / 8];
	struct iommu_hwpt_get_dirty_bitmap c = {
		.size = sizeof(c), .hwpt_id = f->parent, .iova = BASE, .length = BIG,
		.page_size = MOCK_PAGE_SIZE, .data = U(bitmap) };

	return t_ioctl(f->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &c);
}

/* --- operations under test --- */

static long op_open(struct fi *f)
{
	long fd = sim_open("/dev/iommu", 2);

	if (fd >= 0)
		f->fd2 = (int)fd;
	return fd < 0 ? fd : 0;
}

static long op_ioas_alloc(struct fi *f)
{
	struct iommu_ioas_alloc c = { .size = sizeof(c) };

	return t_ioctl(f->fd, IOMMU_IOAS_ALLOC, &c);
}

static long op_map_fixed(struct fi *f)
{
	return t_map_fixed(f->fd, f->ioas, f->buf, BIG, BASE + (4UL << 20));
}

/* A 4K map: its pages object comes from the cache the setup primed. */
static long op_map_small(struct fi *f)
{
	return t_map_fixed(f->fd, f->ioas, f->buf + PG, PG, BASE + (4UL << 20));
}

static long op_map_auto(struct fi *f)
{
	u64 iova = 0;

	return t_map(f->fd, f->ioas, f->buf + MOCK_PAGE_SIZE, 64 * PG, &iova, 0);
}

static long op_copy(struct fi *f)
{
	u64 iova = BASE + (8UL << 20);

	return t_copy(f->fd, f->ioas, f->ioas2, BASE, 8 * PG, &iova, RW | IOMMU_IOAS_MAP_FIXED_IOVA);
}

static long op_allow(struct fi *f)
{
	static const struct iommu_iova_range r[3] = {
		{ 0x100000, 0x1fffff }, { 0x400000, 0x4fffff }, { 0x800000, 0x8fffff },
	};

	return t_allow(f->fd, f->ioas, r, 3);
}

static long op_add_reserved(struct fi *f)
{
	return t_add_reserved(f->fd, f->ioas, 0x40000000, PG);
}

static long op_mock_domain(struct fi *f)
{
	return t_mock_domain(f->fd, f->ioas, NULL, NULL, NULL);
}

static long op_mock_domain_on_hwpt(struct fi *f)
{
	return t_mock_domain(f->fd, f->hwpt, NULL, NULL, NULL);
}

static long op_hwpt_alloc(struct fi *f)
{
	struct iommu_hwpt_alloc c = { .size = sizeof(c), .dev_id = f->idev, .pt_id = f->ioas2 };

	return t_ioctl(f->fd, IOMMU_HWPT_ALLOC, &c);
}

static long op_replace(struct fi *f)
{
	u32 pt = f->ioas2;

	return t_replace(f->fd, f->stdev, &pt);
}

static long op_create_access(struct fi *f)
{
	int afd;
	long r = t_create_access(f->fd, f->ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);

	if (!r)
		f->afd = afd;
	return r;
}

static long op_access_pages(struct fi *f)
{
	return t_access_pages(f->fd, f->afd, BASE + PG, BIG - 2 * PG, f->buf + PG, 0, &f->pin);
}

static long op_access_rw(struct fi *f)
{
	static u8 tmp[3 * 4096];

	return t_access_rw(f->fd, f->afd, BASE + 100, tmp, sizeof(tmp), MOCK_ACCESS_RW_SLOW_PATH);
}

static long op_vfio_map(struct fi *f)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ, .vaddr = U(f->buf) + 16 * PG,
		.iova = BASE + (4UL << 20), .size = 32 * PG };

	return t_ioctl(f->fd, VFIO_IOMMU_MAP_DMA, &m);
}

static long op_type1_cut(struct fi *f)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .iova = BASE + 5 * PG,
						.size = 2 * PG };

	return t_ioctl(f->fd, VFIO_IOMMU_UNMAP_DMA, &u);
}

static long op_unmap_all(struct fi *f)
{
	return t_unmap(f->fd, f->ioas, 0, U64_MAX, NULL);
}

static long op_hw_info(struct fi *f)
{
	struct iommu_test_hw_info info;
	struct iommu_hw_info c = { .size = sizeof(c), .dev_id = f->idev, .data_len = sizeof(info),
				   .data_uptr = U(&info) };

	return t_ioctl(f->fd, IOMMU_GET_HW_INFO, &c);
}

static const struct scenario {
	const char *name;
	void (*setup)(struct fi *f);
	long (*op)(struct fi *f);
	/*
	 * Sites the path has at least (kernel and hosted; a little under the
	 * counts where page tables make them vary): a sweep that stops reaching
	 * the domains fails. 0: it must have none, it cannot fail.
	 */
	int min_sites;
} scenarios[] = {
	{ "open /dev/iommu", st_none, op_open, 2 },
	{ "IOAS_ALLOC", st_ioas, op_ioas_alloc, 1 },
	{ "MAP fixed, no domain", st_mapped, op_map_fixed, 1 },	/* pages and area: one */
	{ "MAP fixed, one domain", st_mapped_domain, op_map_fixed, 20 },
	{ "MAP automatic, two domains", st_two_domains, op_map_auto, 13 },
	/* the recycled pages object must go back to the cache, not be freed */
	{ "MAP 4K from the pages cache, no domain", st_cached, op_map_small, 1 },
	{ "MAP 4K from the pages cache, one domain", st_cached_domain, op_map_small, 3 },
	{ "COPY into a domain", st_mapped_domain, op_copy, 6 },
	{ "ALLOW_IOVAS", st_ioas, op_allow, 3 },
	{ "ADD_RESERVED", st_ioas, op_add_reserved, 1 },
	{ "MOCK_DOMAIN on a mapped IOAS", st_mapped, op_mock_domain, 26 },
	{ "MOCK_DOMAIN on a HWPT", st_mapped_domain, op_mock_domain_on_hwpt, 3 },
	{ "HWPT_ALLOC on a mapped IOAS", st_mapped_domain, op_hwpt_alloc, 9 },
	{ "MOCK_DOMAIN_REPLACE to a mapped IOAS", st_mapped_domain, op_replace, 9 },
	{ "CREATE_ACCESS", st_mapped_domain, op_create_access, 5 },
	{ "ACCESS_PAGES", st_access, op_access_pages, 3 },
	{ "ACCESS_RW slow path", st_access, op_access_rw, 1 },
	{ "VFIO MAP_DMA type1", st_type1, op_vfio_map, 30 },
	{ "VFIO UNMAP_DMA type1 cut", st_type1, op_type1_cut, 4 },
	{ "UNMAP all", st_mapped_domain, op_unmap_all, 0 },
	{ "GET_HW_INFO", st_domain, op_hw_info, 1 },
	{ "FAULT_QUEUE_ALLOC", st_ioas, op_fault_alloc, 3 },
	{ "HWPT_ALLOC nested", st_parent, op_hwpt_nested, 2 },
	{ "HWPT_ALLOC nested with a fault queue", st_parent, op_hwpt_nested_iopf, 2 },
	{ "HWPT_ALLOC dirty tracking on a mapped IOAS", st_mapped_domain, op_hwpt_dirty, 9 },
	{ "GET_DIRTY_BITMAP", st_dirty, op_get_dirty, 1 },
};

static void teardown(struct fi *f)
{
	if (f->fd2 > 0)
		t_close(f->fd2);
	if (f->afd > 0)
		t_close(f->afd);
	if (f->ffd > 0)
		t_close(f->ffd);
	t_close(f->fd);
}

/* Returns the number of fail sites swept, or -1 when one misbehaved. */
static int sweep(const struct scenario *sc, u8 *buf)
{
	for (unsigned long n = 1; n < 1000; n++) {
		struct fi f = { .buf = buf, .afd = -1, .ffd = -1, .fd2 = -1 };
		struct snapshot before, after;
		bool fired;
		long ret;

		f.fd = t_open();
		sc->setup(&f);
		snap(&f, &before);
		failpoint_arm(n);
		ret = sc->op(&f);
		fired = failpoint_fired();
		failpoint_arm(0);
		if (!fired) {
			if (ret < 0)
				report_info("%s: no failure injected, still %ld", sc->name, ret);
			teardown(&f);
			return ret < 0 ? -1 : (int)(n - 1);
		}
		snap(&f, &after);
		if (ret != -ENOMEM || !same(&before, &after)) {
			report_info("%s: failure at site %lu -> %ld, state %s", sc->name, n, ret,
				    same(&before, &after) ? "unchanged" : "CHANGED");
			report_info("digest %d heap %ld objects %ld pins %ld charged %ld domains %ld "
				    "devs %ld files %ld cached %ld", before.digest != after.digest,
				    after.heap - before.heap, after.objects - before.objects,
				    after.pins - before.pins, after.charged - before.charged,
				    after.domains - before.domains, after.devs - before.devs,
				    after.files - before.files, after.cached - before.cached);
			teardown(&f);
			return -1;
		}
		teardown(&f);
	}
	return -1;
}

KTEST(fault-inject, test_fault_inject_every_site_of_every_ioctl)
{
	u8 *buf = t_buf(4UL << 20);
	int total = 0, bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++) {
		int sites = sweep(&scenarios[i], buf);

		if (!scenarios[i].min_sites)
			report(sites == 0, "%s: no allocation site (%d), it cannot fail",
			       scenarios[i].name, sites);
		else
			report(sites >= scenarios[i].min_sites, "%s: %d allocation sites (at least %d), "
			       "each fails cleanly with ENOMEM", scenarios[i].name, sites,
			       scenarios[i].min_sites);
		bad += sites < 0;
		total += sites > 0 ? sites : 0;
	}
	report(total > 0 && !bad, "%d fail points across %zu scenarios", total,
	       ARRAY_SIZE(scenarios));
	t_buf_free(buf, 4UL << 20);
}
