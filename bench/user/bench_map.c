// SPDX-License-Identifier: MIT
/*
 * make bench, ring 3: VFIO type1 MAP_DMA/UNMAP_DMA through /dev/iommu's
 * compat container with the edu attached, the figures of Linux's own
 * bench/linux-vfio/bench.c, printed as "# RESULT name value unit" lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include "vfio_utils.h"

#ifdef QUICK		/* make check: one small round, to see that it still runs */
#define N_PAIRS		20
#define N_WARM		2
#define REPS_D		1
#define BIG		(4UL << 20)
#else
#define N_PAIRS		20000
#define N_WARM		200
#define REPS_D		20
#define BIG		(1UL << 30)
#endif
#define N_D		256
#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_BUF		0x40000
#define XFER		4000	/* QEMU 7.2's edu rejects a transfer ending at its buffer's end */

static int fd = -1, dfd = -1;
static volatile uint8_t *bar;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* "# RESULT name value unit" with value = num / den to three decimals. */
static void result(const char *name, uint64_t num, uint64_t den, const char *unit)
{
	uint64_t milli = den ? num * 1000 / den : 0;

	TH_LOG("RESULT %s %llu.%03llu %s", name, (unsigned long long)(milli / 1000),
	       (unsigned long long)(milli % 1000), unit);
}

static int map_dma(void *va, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = size,
	};

	return ioctl(fd, VFIO_IOMMU_MAP_DMA, &m);
}

static int unmap_dma(uint64_t iova, uint64_t size, uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .iova = iova, .size = size };
	int ret = ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u);

	if (!ret && unmapped)
		*unmapped = u.size;
	return ret;
}

/* One edu DMA between IOVA addr and its buffer; 0, or -1 after 2 s. */
static int edu_dma(uint64_t addr, int to_ram)
{
	uint64_t end = now_ns() + 2000000000ULL;

	*(volatile uint64_t *)(bar + EDU_DMA_SRC) = to_ram ? EDU_BUF : addr;
	*(volatile uint64_t *)(bar + EDU_DMA_DST) = to_ram ? addr : EDU_BUF;
	*(volatile uint64_t *)(bar + EDU_DMA_COUNT) = XFER;
	*(volatile uint64_t *)(bar + EDU_DMA_CMD) = 1 | (to_ram ? 2 : 0);
	while (*(volatile uint32_t *)(bar + EDU_DMA_CMD) & 1)
		if (now_ns() > end)
			return -1;
	return 0;
}

/*
 * The container: /dev/iommu with a compat IOAS, type1v2, and the edu bound
 * and attached to that IOAS, so every map reaches the IOMMU's page tables
 * (no edu: the test skips).
 */
static void setup(void)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v), .op = IOMMU_VFIO_IOAS_SET };
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	size_t bar_size;
	uint32_t devid;

	/* as root on Linux: pinning is not limited by RLIMIT_MEMLOCK */
	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	fd = iommufd_open();
	v.ioas_id = ioas_alloc(fd);
	ASSERT_EQ(0, ioctl(fd, IOMMU_VFIO_IOAS, &v));
	ASSERT_EQ(VFIO_API_VERSION, ioctl(fd, VFIO_GET_API_VERSION));
	ASSERT_EQ(1, ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, ioctl(fd, VFIO_IOMMU_GET_INFO, &info));
	TH_LOG("INFO iommu_pgsizes 0x%llx", (unsigned long long)info.iova_pgsizes);
	dfd = vfio_open_pci(fd, EDU_VENDOR, EDU_DEVICE, 0, &devid);
	ASSERT_EQ(0, vfio_attach(dfd, v.ioas_id, NULL));
	bar = vfio_map_bar(dfd, VFIO_PCI_BAR0_REGION_INDEX, &bar_size);
	ASSERT_NE(MAP_FAILED, (void *)bar);
	ASSERT_EQ(0, vfio_set_master(dfd, 1));
	TH_LOG("INFO edu attached to the compat IOAS %u", v.ioas_id);
}

static uint8_t *buffer(size_t len, int flags)
{
	uint8_t *p = map_anon(len, PROT_READ | PROT_WRITE, flags);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_NOHUGEPAGE		/* Linux: 4 KiB pages as asked (ring 3 here has only those) */
	if (!(flags & MAP_HUGETLB))
		madvise(p, len, MADV_NOHUGEPAGE);
#endif
	memset(p, 0x11, len);		/* prefaulted: the maps time pinning, not zeroing */
	return p;
}

/* The mapping is real: the edu copies A to B through it; unmapped, B stays. */
static void dma_check(void)
{
	uint8_t *a = buffer(PAGE_SZ, 0), *b = buffer(PAGE_SZ, 0);
	int wrong = 0, changed = 0;

	ASSERT_TRUE(a && b);
	for (int i = 0; i < PAGE_SZ; i++)
		a[i] = (uint8_t)(i * 7 + 0x5a);
	memset(b, 0xee, PAGE_SZ);
	ASSERT_EQ(0, map_dma(a, 0x100000, PAGE_SZ));
	ASSERT_EQ(0, map_dma(b, 0x200000, PAGE_SZ));
	ASSERT_EQ(0, edu_dma(0x100000, 0));
	ASSERT_EQ(0, edu_dma(0x200000, 1));
	for (int i = 0; i < PAGE_SZ; i++)
		wrong += b[i] != (i < XFER ? a[i] : 0xee);
	ASSERT_EQ(0, unmap_dma(0x200000, PAGE_SZ, NULL));
	memset(b, 0xee, PAGE_SZ);
	ASSERT_EQ(0, edu_dma(0x200000, 1));
	for (int i = 0; i < PAGE_SZ; i++)
		changed += b[i] != 0xee;
	ASSERT_EQ(0, unmap_dma(0x100000, PAGE_SZ, NULL));
	{
		struct vfio_device_testos_fault f[4];

		vfio_faults(dfd, f, 4);	/* ours: take the fault the check caused (Linux: ENOTTY) */
	}
	result("dma_check_positive", wrong == 0, 1, "bool");
	result("dma_check_negative", changed == 0, 1, "bool");
	EXPECT_EQ(0, wrong);
	EXPECT_EQ(0, changed);
	munmap(a, PAGE_SZ);
	munmap(b, PAGE_SZ);
}

/* (a) one 4 KiB page mapped and unmapped at the same IOVA, N_PAIRS times. */
static void pairs(void)
{
	uint8_t *p = buffer(PAGE_SZ, 0);
	uint64_t t0, t, tmap = 0, tunmap = 0;

	ASSERT_TRUE(p != NULL);
	for (int i = 0; i < N_WARM; i++) {
		ASSERT_EQ(0, map_dma(p, 0x10000000, PAGE_SZ));
		ASSERT_EQ(0, unmap_dma(0x10000000, PAGE_SZ, NULL));
	}
	t0 = now_ns();
	for (int i = 0; i < N_PAIRS; i++) {
		ASSERT_EQ(0, map_dma(p, 0x10000000, PAGE_SZ));
		ASSERT_EQ(0, unmap_dma(0x10000000, PAGE_SZ, NULL));
	}
	t = now_ns() - t0;
	result("a_4k_pair_ops_per_s", (uint64_t)N_PAIRS * 1000000000ULL, t, "ops/s");
	result("a_4k_pair_us", t, (uint64_t)N_PAIRS * 1000, "us");
	for (int i = 0; i < N_PAIRS; i++) {
		uint64_t s0 = now_ns(), s1, s2;

		ASSERT_EQ(0, map_dma(p, 0x10000000, PAGE_SZ));
		s1 = now_ns();
		ASSERT_EQ(0, unmap_dma(0x10000000, PAGE_SZ, NULL));
		s2 = now_ns();
		tmap += s1 - s0;
		tunmap += s2 - s1;
	}
	result("a_4k_map_us", tmap, (uint64_t)N_PAIRS * 1000, "us");
	result("a_4k_unmap_us", tunmap, (uint64_t)N_PAIRS * 1000, "us");
	munmap(p, PAGE_SZ);
}

/* (d) 256 distinct 4 KiB maps at consecutive IOVAs, then one unmap of all. */
static void distinct(void)
{
	uint8_t *p = buffer(N_D * PAGE_SZ, 0);
	uint64_t sum_map = 0, sum_unmap = 0;

	ASSERT_TRUE(p != NULL);
	for (int r = 0; r <= REPS_D; r++) {
		uint64_t t0 = now_ns(), t1, t2, unmapped = 0;

		for (int i = 0; i < N_D; i++)
			ASSERT_EQ(0, map_dma(p + (size_t)i * PAGE_SZ, 0x20000000 + (uint64_t)i * PAGE_SZ,
					     PAGE_SZ));
		t1 = now_ns();
		ASSERT_EQ(0, unmap_dma(0x20000000, N_D * PAGE_SZ, &unmapped));
		t2 = now_ns();
		ASSERT_EQ(N_D * PAGE_SZ, unmapped);
		if (r) {	/* the first round warms up */
			sum_map += t1 - t0;
			sum_unmap += t2 - t1;
		}
	}
	result("d_256x4k_map_total_us", sum_map, REPS_D * 1000ULL, "us");
	result("d_256x4k_map_per_op_us", sum_map, REPS_D * 1000ULL * N_D, "us");
	result("d_256x4k_unmap_all_us", sum_unmap, REPS_D * 1000ULL, "us");
	munmap(p, N_D * PAGE_SZ);
}

/* (b)/(c) BIG bytes of 4 KiB or 2 MiB pages: one MAP_DMA, one UNMAP_DMA. */
static void big(const char *tag, int huge)
{
	uint8_t *p = buffer(BIG, huge ? MAP_HUGETLB : 0);
	uint64_t t0, t1, t2, unmapped = 0;
	char name[64];

	if (!p) {
		TH_LOG("INFO %s: no %lu MiB of %s pages (skipped)", tag, BIG >> 20,
		       huge ? "2 MiB" : "4 KiB");
		return;
	}
	t0 = now_ns();
	ASSERT_EQ(0, map_dma(p, 0x40000000, BIG));
	t1 = now_ns();
	ASSERT_EQ(0, unmap_dma(0x40000000, BIG, &unmapped));
	t2 = now_ns();
	ASSERT_EQ(BIG, unmapped);
	snprintf(name, sizeof(name), "%s_1g_map_ms", tag);
	result(name, t1 - t0, 1000000, "ms");
	snprintf(name, sizeof(name), "%s_1g_unmap_ms", tag);
	result(name, t2 - t1, 1000000, "ms");
	munmap(p, BIG);
}

TEST(test_bench_vfio_type1_map_unmap)
{
	setup();
	dma_check();
	pairs();
	distinct();
	big("b_4k", 0);
	big("c_2m", 1);
#ifdef QUICK
	TH_LOG("INFO a quick round (make check): no figure above means anything");
#endif
}

TEST_HARNESS_MAIN
