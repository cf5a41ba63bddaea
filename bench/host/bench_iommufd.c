// SPDX-License-Identifier: MIT
/*
 * make bench: unmap + map of a random existing area among 1K, 64K and 1M,
 * through the ioctl stub against a mock domain, and straight into the
 * io_pagetable. Prints growth next to log2 and linear; asserts nothing.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <errno.h>
#include <time.h>
#include "core/iommufd_private.h"
#include <linux/iommufd.h>
#include <iommufd_test.h>
#include "ioctl-sim/sim.h"

#define SLOT 2048UL		/* one mock IO page per area */
#define BASE MOCK_APERTURE_START
static int pairs = 20000;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* An ioctl through the stub; any error but ENOENT ends the benchmark. */
static long ioc(int fd, unsigned int cmd, void *arg)
{
	long r = sim_ioctl(fd, cmd, (u64)(uintptr_t)arg);

	if (r < 0 && r != -ENOENT) {
		fprintf(stderr, "ioctl %#x failed: %ld\n", cmd, r);
		exit(1);
	}
	return r;
}

#define IOMMUFD_IOCTL(fd, nr, arg) ioc(fd, nr, arg)
#include "tests/user/lib/iommufd_calls.h"

static void map_at(int fd, u32 ioas, void *buf, u64 iova)
{
	ioctl_ioas_map(fd, ioas, buf, SLOT, &iova, IOMMU_IOAS_MAP_FIXED_IOVA |
		       IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE);
}

struct result {
	unsigned long areas;
	double setup_s, map_ns, unmap_ns, visits;
};

static unsigned long long rnd = 88172645463325252ULL;

static unsigned long pick(unsigned long n)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return rnd % n;
}

static void run(unsigned long areas, u8 *buf, struct result *res)
{
	int fd = sim_open("/dev/iommu", 2);
	double t0, t_map = 0, t_unmap = 0;
	unsigned long visits;
	u32 ioas = 0;

	ioctl_ioas_alloc(fd, &ioas);
	test_cmd_mock_domain(fd, ioas, NULL, NULL, NULL);
	t0 = now();
	for (unsigned long i = 0; i < areas; i++)
		map_at(fd, ioas, buf + (i % 2) * SLOT, BASE + i * SLOT);
	res->setup_s = now() - t0;
	visits = itree_visits;
	for (int i = 0; i < pairs; i++) {
		unsigned long k;
		double t1, t2, t3;

		k = pick(areas);
		t1 = now();
		ioctl_ioas_unmap(fd, ioas, BASE + k * SLOT, SLOT, NULL);
		t2 = now();
		map_at(fd, ioas, buf + (k % 2) * SLOT, BASE + k * SLOT);
		t3 = now();
		t_unmap += t2 - t1;
		t_map += t3 - t2;
	}
	res->visits = (double)(itree_visits - visits) / pairs;
	res->areas = areas;
	res->map_ns = t_map / pairs * 1e9;
	res->unmap_ns = t_unmap / pairs * 1e9;
	sim_close(fd);
}

/* The same pairs straight on the io_pagetable of an IOAS with no domain. */
static void run_iopt(unsigned long areas, u8 *buf, struct result *res)
{
	struct iommufd_ctx *ictx = iommufd_ctx_alloc();
	struct iommufd_ioas *ioas = iommufd_ioas_alloc(ictx);
	int prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	double t0, t_map = 0, t_unmap = 0;
	unsigned long visits;

	iommufd_object_finalize(ictx, &ioas->obj);
	t0 = now();
	for (unsigned long i = 0; i < areas; i++) {
		unsigned long iova = BASE + i * SLOT;

		iopt_map_user_pages(ictx, &ioas->iopt, &iova, (uintptr_t)buf, SLOT, prot, 0);
	}
	res->setup_s = now() - t0;
	visits = itree_visits;
	for (int i = 0; i < pairs; i++) {
		unsigned long k = pick(areas), iova = BASE + k * SLOT, n;
		double t1 = now(), t2, t3;

		iopt_unmap_iova(&ioas->iopt, iova, SLOT, &n);
		t2 = now();
		iopt_map_user_pages(ictx, &ioas->iopt, &iova, (uintptr_t)buf, SLOT, prot, 0);
		t3 = now();
		t_unmap += t2 - t1;
		t_map += t3 - t2;
	}
	res->visits = (double)(itree_visits - visits) / pairs;
	res->areas = areas;
	res->map_ns = t_map / pairs * 1e9;
	res->unmap_ns = t_unmap / pairs * 1e9;
	iommufd_ctx_put(ictx);
}

static void table(const char *title, const struct result *r, int n)
{
	printf("%s, %d pairs each\n", title, pairs);
	printf("%9s %10s %10s %12s %12s %9s %9s %8s %8s %8s\n", "areas", "map ns", "unmap ns",
	       "map ops/s", "unmap ops/s", "map x", "unmap x", "log2 x", "linear x", "nodes");
	for (int i = 0; i < n; i++) {
		double lg = __builtin_log2((double)r[i].areas) / __builtin_log2((double)r[0].areas);

		printf("%9lu %10.0f %10.0f %12.0f %12.0f %9.2f %9.2f %8.2f %8.0f %8.1f\n",
		       r[i].areas, r[i].map_ns, r[i].unmap_ns, 1e9 / r[i].map_ns,
		       1e9 / r[i].unmap_ns, r[i].map_ns / r[0].map_ns,
		       r[i].unmap_ns / r[0].unmap_ns, lg, (double)r[i].areas / r[0].areas,
		       r[i].visits);
	}
	printf("(setup: %.1f s for %lu maps)\n\n", r[n - 1].setup_s, r[n - 1].areas);
}

/*
 * --quick (make check, build/host/test-bench-iommufd): one small round of
 * each, as KTAP, to see that the benchmark still runs; no figure printed.
 */
static int quick(u8 *buf)
{
	struct result r, q;

	pairs = 100;
	printf("KTAP version 1\n1..1\n");
	run(1000, buf, &r);
	run_iopt(1000, buf, &q);
	printf("# %d pairs on 1000 areas through the stub and the io_pagetable\n", pairs);
	printf("ok 1 bench_iommufd_quick\n# iommu-testos: 1 passed, 0 failed, 0 skipped\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned long sizes[] = { 1000, 64000, 1000000 };
	struct result r[3], q[3];
	u8 *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (argc > 1 && !strcmp(argv[1], "--quick"))
		return quick(buf);
	for (int i = 0; i < 3; i++) {
		fprintf(stderr, "bench: %lu areas...\n", sizes[i]);
		run(sizes[i], buf, &r[i]);
		run_iopt(sizes[i], buf, &q[i]);
	}
	table("IOAS_UNMAP + IOAS_MAP ioctls of a random area, mock domain attached", r, 3);
	table("iopt_unmap_iova + iopt_map_user_pages of a random area, no domain", q, 3);
	printf("x: cost relative to %lu areas; log2 x and linear x: what O(log n) and O(n) "
	       "would give; nodes: interval-tree nodes visited per unmap+map pair (the\n"
	       "algorithmic cost; time also pays cache misses). User copies cost a syscall "
	       "each hosted.\n", sizes[0]);
	return 0;
}
