// SPDX-License-Identifier: MIT
/*
 * core suite, hosted only: races between ioctls in threads, run under
 * ASan (bug classes 1, 9, 20, 22, 26). Each checks only results the
 * ABI allows and that nothing is left pinned or alive after the join.
 */
#include <pthread.h>
#include "tests/kernel/core_util.h"

#define PG PAGE_SIZE
#define BASE MOCK_APERTURE_START

struct race {
	int fd, afd;
	u32 ioas, ioas2;
	u8 *buf;
	int iters;
	int bad;		/* results the ABI does not allow */
	volatile bool stop;
};

static void run(void *(*fn)(void *), struct race *r, pthread_t *t)
{
	if (pthread_create(t, NULL, fn, r))
		report(false, "pthread_create");
}

/* Class 1: lookups racing DESTROY of the same ID. */
static void *ranges_loop(void *p)
{
	struct race *r = p;
	struct iommu_iova_range range[2];

	while (!r->stop) {
		u32 num = 2;
		int ret = t_ranges(r->fd, r->ioas, range, &num, NULL);

		if (ret && ret != -ENOENT)
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

KTEST(core, test_core_race_lookup_vs_destroy)
{
	struct race r = { .fd = t_open(), .iters = 20000 };
	pthread_t t;

	r.ioas = t_ioas(r.fd);
	run(ranges_loop, &r, &t);
	for (int i = 0; i < r.iters; i++) {
		int ret = t_destroy(r.fd, r.ioas);

		if (ret && ret != -EBUSY)
			r.bad++;
		if (!ret && t_ioas(r.fd) != r.ioas)	/* the lowest ID comes back */
			r.bad++;
	}
	r.stop = true;
	pthread_join(t, NULL);
	report(!r.bad, "%d destroy/alloc cycles against IOVA_RANGES: only 0/EBUSY/ENOENT",
	       r.iters);
	t_close(r.fd);
}

/* Class 9: access pins racing unmap/map of the same range. */
static void *pin_loop(void *p)
{
	struct race *r = p;

	while (!r->stop) {
		u32 id;
		int ret = t_access_pages(r->fd, r->afd, BASE, 8 * PG, r->buf, 0, &id);

		if (!ret) {
			ret = t_destroy_access_pages(r->fd, r->afd, id);
			if (ret && ret != -ENOENT)	/* the unmap callback may have taken it */
				__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
		} else if (ret != -ENOENT && ret != -EINVAL) {
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

KTEST(core, test_core_race_access_pin_vs_unmap)
{
	struct race r = { .fd = t_open(), .iters = 3000, .buf = t_buf(8 * PG) };
	pthread_t t;

	r.ioas = t_ioas(r.fd);
	t_mock_domain(r.fd, r.ioas, NULL, NULL, NULL);
	t_create_access(r.fd, r.ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &r.afd);
	t_map_fixed(r.fd, r.ioas, r.buf, 8 * PG, BASE);
	run(pin_loop, &r, &t);
	for (int i = 0; i < r.iters; i++) {
		int ret = t_unmap(r.fd, r.ioas, 0, U64_MAX, NULL);

		r.bad += ret != 0;
		r.bad += t_map_fixed(r.fd, r.ioas, r.buf, 8 * PG, BASE) != 0;
	}
	r.stop = true;
	pthread_join(t, NULL);
	report(!r.bad, "%d unmap/map cycles against pin/unpin: every unmap waited for the pin",
	       r.iters);
	t_close(r.afd);
	t_close(r.fd);
	report(iommufd_pinned_pages() == 0, "nothing pinned after the join and close");
	t_buf_free(r.buf, 8 * PG);
}

/* Class 20: an access moving between IOAS while both are mapped and unmapped. */
static void *replace_loop(void *p)
{
	struct race *r = p;

	for (int i = 0; !r->stop; i++) {
		int ret = t_access_replace(r->fd, r->afd, i % 2 ? r->ioas : r->ioas2);

		if (ret && ret != -EBUSY)
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

KTEST(core, test_core_race_access_replace_vs_map)
{
	struct race r = { .fd = t_open(), .iters = 3000, .buf = t_buf(4 * PG) };
	pthread_t t;

	r.ioas = t_ioas(r.fd);
	r.ioas2 = t_ioas(r.fd);
	t_create_access(r.fd, r.ioas, 0, &r.afd);
	run(replace_loop, &r, &t);
	for (int i = 0; i < r.iters; i++) {
		u32 ioas = i % 2 ? r.ioas : r.ioas2;
		u8 tmp[8];

		r.bad += t_map_fixed(r.fd, ioas, r.buf, 4 * PG, BASE) != 0;
		(void)t_access_rw(r.fd, r.afd, BASE, tmp, sizeof(tmp), 0);
		r.bad += t_unmap(r.fd, ioas, BASE, 4 * PG, NULL) != 0;
	}
	r.stop = true;
	pthread_join(t, NULL);
	report(!r.bad, "%d map/unmap rounds against replace: all results allowed", r.iters);
	t_close(r.afd);
	report(t_destroy(r.fd, r.ioas) == 0 && t_destroy(r.fd, r.ioas2) == 0,
	       "both IOAS free after the access closes: no reference left behind");
	t_close(r.fd);
	t_buf_free(r.buf, 4 * PG);
}

/* Class 22: devices attaching to one IOAS at once share one automatic HWPT. */
static void *attach_loop(void *p)
{
	struct race *r = p;

	for (int i = 0; i < r->iters; i++) {
		u32 stdev, hwpt;

		if (t_mock_domain(r->fd, r->ioas, &stdev, &hwpt, NULL) ||
		    t_destroy(r->fd, stdev))
			__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

KTEST(core, test_core_race_auto_domain_attach)
{
	struct race r = { .fd = t_open(), .iters = 2000, .buf = t_buf(4 * PG) };
	pthread_t t[2];
	u32 stdev, hwpt;

	r.ioas = t_ioas(r.fd);
	t_mock_domain(r.fd, r.ioas, &stdev, &hwpt, NULL);
	run(attach_loop, &r, &t[0]);
	run(attach_loop, &r, &t[1]);
	for (int i = 0; i < r.iters; i++) {
		r.bad += t_map_fixed(r.fd, r.ioas, r.buf, 4 * PG, BASE) != 0;
		r.bad += t_unmap(r.fd, r.ioas, BASE, 4 * PG, NULL) != 0;
	}
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	report(!r.bad, "two attach/detach loops and a map loop: no error");
	report(t_destroy(r.fd, stdev) == 0 && t_destroy(r.fd, r.ioas) == 0 &&
	       iommufd_live_objects() == 0, "one shared HWPT, gone with its last device");
	t_close(r.fd);
	t_buf_free(r.buf, 4 * PG);
}

/* Class 26: the VFIO compat IOAS cleared and destroyed while VFIO ioctls use it. */
static void *vfio_loop(void *p)
{
	struct race *r = p;
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ, .iova = 0x100000,
		.size = PG, .vaddr = U(r->buf) };
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .flags = VFIO_DMA_UNMAP_FLAG_ALL };

	while (!r->stop) {
		long a = t_ioctl(r->fd, VFIO_IOMMU_MAP_DMA, &m), b;

		u.size = 0;	/* the last call wrote back how much it unmapped */
		b = t_ioctl(r->fd, VFIO_IOMMU_UNMAP_DMA, &u);

		if ((a && a != -ENODEV && a != -EEXIST) || (b && b != -ENODEV)) {
			if (__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED) < 3)
				report_info("map %ld, unmap %ld", a, b);
		}
	}
	return NULL;
}

KTEST(core, test_core_race_vfio_ioas_vs_destroy)
{
	struct race r = { .fd = t_open(), .iters = 5000, .buf = t_buf(PG) };
	struct iommu_vfio_ioas vi = { .size = sizeof(vi), .op = IOMMU_VFIO_IOAS_CLEAR };
	pthread_t t;

	run(vfio_loop, &r, &t);
	for (int i = 0; i < r.iters; i++) {
		u32 ioas = t_ioas(r.fd);
		int ret;

		r.bad += t_vfio_ioas_set(r.fd, ioas) != 0;
		if (i % 2)
			r.bad += t_ioctl(r.fd, IOMMU_VFIO_IOAS, &vi) != 0;
		while ((ret = t_destroy(r.fd, ioas)) == -EBUSY)
			;
		if (ret && r.bad++ < 3)
			report_info("destroy %d", ret);
	}
	r.stop = true;
	pthread_join(t, NULL);
	report(!r.bad, "%d set/clear/destroy rounds against map/unmap: only allowed results",
	       r.iters);
	t_close(r.fd);
	t_buf_free(r.buf, PG);
}
