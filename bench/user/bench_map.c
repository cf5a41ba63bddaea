// SPDX-License-Identifier: MIT
/*
 * make bench, ring 3: VFIO type1 MAP_DMA/UNMAP_DMA through /dev/iommu's
 * compat container with the edu attached, the figures of Linux's own
 * bench/linux-vfio/bench.c (same names, same work: the physically
 * contiguous runs of each buffer are counted through /proc/self/pagemap,
 * and a scattered 1 GiB has every page its own run), printed as
 * "# RESULT name value unit" lines. The same source runs on Linux 6.12
 * (scripts/bench-compare) and on this kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include "vfio_utils.h"

#ifdef QUICK		/* make check: one small round, to see that it still runs */
#define N_PAIRS		20
#define N_WARM		2
#define REPS_D		1
#define BIG		(4UL << 20)
#define N_SYSCALLS	20
#define SCALE_AREAS	{ 16, 64, 256 }
#define N_SCALE		10
#else
#define N_PAIRS		20000
#define N_WARM		200
#define REPS_D		20
#define BIG		(1UL << 30)
#define N_SYSCALLS	20000
#define SCALE_AREAS	{ 1000, 64000, 1000000 }	/* type1's default dma_entry_limit is 65535 */
#define N_SCALE		2000
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

static int fd = -1, dfd = -1, pfd = -1;
static volatile uint8_t *bar;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The profiler of our kernel (profile=NAME on its command line; README
 * "Profiling"): "NAME" starts or resumes sampling a region, "-" pauses it,
 * "." prints its table. No such file (Linux, or no profile=): nothing.
 */
static void prof(const char *what)
{
	if (pfd >= 0 && write(pfd, what, strlen(what)) < 0)
		TH_LOG("INFO profiler: %s refused (errno %d)", what, errno);
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
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	size_t bar_size;
	uint32_t devid, ioas;

	/* as root on Linux: pinning is not limited by RLIMIT_MEMLOCK */
	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	fd = iommufd_open();
	ioas = ioas_alloc(fd);
	ASSERT_EQ(0, ioctl_vfio_ioas_set(fd, ioas));
	ASSERT_EQ(VFIO_API_VERSION, ioctl(fd, VFIO_GET_API_VERSION));
	ASSERT_EQ(1, ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, ioctl(fd, VFIO_IOMMU_GET_INFO, &info));
	TH_LOG("INFO iommu_pgsizes 0x%llx", (unsigned long long)info.iova_pgsizes);
	dfd = vfio_open_pci(fd, EDU_VENDOR, EDU_DEVICE, 0, &devid);
	ASSERT_EQ(0, vfio_attach(dfd, ioas, NULL));
	bar = vfio_map_bar(dfd, VFIO_PCI_BAR0_REGION_INDEX, &bar_size);
	ASSERT_NE(MAP_FAILED, (void *)bar);
	ASSERT_EQ(0, vfio_set_master(dfd, 1));
	TH_LOG("INFO edu attached to the compat IOAS %u", ioas);
	pfd = open("/sys/kernel/debug/testos/profile", O_WRONLY);
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
		struct vfio_device_testos_faults q = {
			.argsz = sizeof(q), .count = 4, .faults = (uintptr_t)f,
		};

		/*
		 * Ours: take the fault the check caused. Linux has no such
		 * ioctl (ENOTTY): not vfio_faults(), which SKIPs the program there.
		 */
		if (ioctl(dfd, VFIO_DEVICE_TESTOS_GET_FAULTS, &q))
			ASSERT_EQ(ENOTTY, errno);
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
	prof("a_4k_pair");
	t0 = now_ns();
	for (int i = 0; i < N_PAIRS; i++) {
		ASSERT_EQ(0, map_dma(p, 0x10000000, PAGE_SZ));
		ASSERT_EQ(0, unmap_dma(0x10000000, PAGE_SZ, NULL));
	}
	t = now_ns() - t0;
	prof(".");
	result("a_4k_pair_ops_per_s", (uint64_t)N_PAIRS * 1000000000ULL, t, "ops/s");
	result("a_4k_pair_us", t, (uint64_t)N_PAIRS * 1000, "us");
	for (int i = 0; i < N_PAIRS; i++) {
		uint64_t s0 = now_ns(), s1, s1u, s2;

		ASSERT_EQ(0, map_dma(p, 0x10000000, PAGE_SZ));
		s1 = now_ns();
		prof("a_4k_unmap");	/* outside the timed spans */
		s1u = pfd >= 0 ? now_ns() : s1;
		ASSERT_EQ(0, unmap_dma(0x10000000, PAGE_SZ, NULL));
		s2 = now_ns();
		prof("-");
		tmap += s1 - s0;
		tunmap += s2 - s1u;
	}
	prof(".");
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
		uint64_t t0 = now_ns(), t1, t1u, t2, unmapped = 0;

		for (int i = 0; i < N_D; i++)
			ASSERT_EQ(0, map_dma(p + (size_t)i * PAGE_SZ, 0x20000000 + (uint64_t)i * PAGE_SZ,
					     PAGE_SZ));
		t1 = now_ns();
		prof("d_256x4k_unmap");
		t1u = pfd >= 0 ? now_ns() : t1;
		ASSERT_EQ(0, unmap_dma(0x20000000, N_D * PAGE_SZ, &unmapped));
		t2 = now_ns();
		prof("-");
		ASSERT_EQ(N_D * PAGE_SZ, unmapped);
		if (r) {	/* the first round warms up */
			sum_map += t1 - t0;
			sum_unmap += t2 - t1u;
		}
	}
	prof(".");
	result("d_256x4k_map_total_us", sum_map, REPS_D * 1000ULL, "us");
	result("d_256x4k_map_per_op_us", sum_map, REPS_D * 1000ULL * N_D, "us");
	result("d_256x4k_unmap_all_us", sum_unmap, REPS_D * 1000ULL, "us");
	munmap(p, N_D * PAGE_SZ);
}

/*
 * Physically contiguous runs of [p, p + len), from /proc/self/pagemap
 * (Linux: as root); -1 when it cannot be read.
 */
static long phys_runs(const uint8_t *p, size_t len)
{
	static uint64_t ent[512];
	uint64_t prev = 0;
	long runs = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY);

	if (pm < 0)
		return -1;
	for (size_t i = 0; i < len / PAGE_SZ; i += 512) {
		size_t n = len / PAGE_SZ - i < 512 ? len / PAGE_SZ - i : 512;
		off_t off = (off_t)(((uintptr_t)p / PAGE_SZ + i) * 8);

		if (pread(pm, ent, n * 8, off) != (ssize_t)(n * 8)) {
			runs = -1;
			break;
		}
		for (size_t j = 0; j < n; j++) {
			uint64_t pfn = ent[j] & ((1ULL << 55) - 1);

			if (!(ent[j] >> 63) || !pfn) {
				close(pm);
				return -1;
			}
			runs += i + j == 0 || pfn != prev + 1;
			prev = pfn;
		}
	}
	close(pm);
	return runs;
}

/*
 * len bytes whose every page is its own physical run. A kernel that pages
 * in on first touch (Linux) gets that from touching the pages top-down, as
 * bench/linux-vfio/bench.c does; one that allocates at mmap time (ours)
 * from mapping them one at a time, top-down, into a hole.
 */
static uint8_t *scattered(size_t len)
{
	uint8_t *p = map_anon(len, PROT_READ | PROT_WRITE, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_NOHUGEPAGE
	madvise(p, len, MADV_NOHUGEPAGE);
#endif
	for (size_t off = len; off; off -= PAGE_SZ)
		memset(p + off - PAGE_SZ, 0x11, PAGE_SZ);
	if (phys_runs(p, len) == (long)(len / PAGE_SZ))
		return p;
	munmap(p, len);
	for (size_t off = len; off; off -= PAGE_SZ) {
		void *q = mmap(p + off - PAGE_SZ, PAGE_SZ, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (q != p + off - PAGE_SZ) {
			if (q != MAP_FAILED)
				munmap(q, PAGE_SZ);
			if (off < len)
				munmap(p + off, len - off);
			return NULL;
		}
		memset(q, 0x11, PAGE_SZ);
	}
	return p;
}

/* (b)/(c) BIG bytes of 4 KiB pages (contiguous as given, or scattered) or 2 MiB pages. */
static void big(const char *tag, int huge, int scatter)
{
	uint8_t *p = scatter ? scattered(BIG) : buffer(BIG, huge ? MAP_HUGETLB : 0);
	uint64_t t0, t1, t2, unmapped = 0;
	char name[64];

	if (!p) {
		TH_LOG("INFO %s: no %lu MiB of %s pages (skipped)", tag, BIG >> 20,
		       huge ? "2 MiB" : "4 KiB");
		return;
	}
	snprintf(name, sizeof(name), "%s_phys_runs", tag);
	result(name, (uint64_t)phys_runs(p, BIG), 1, "runs");
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
	snprintf(name, sizeof(name), "%s_1g_map_GiB_per_s", tag);
	result(name, (uint64_t)BIG * 1000000000ULL >> 30, t1 - t0, "GiB/s");
	munmap(p, BIG);
}

/*
 * (e) Scale: a 4 KiB map+unmap pair at a fresh IOVA while the IOAS holds
 * 1K, 64K and 1M other 4 KiB areas (one page mapped at consecutive IOVAs),
 * e_<n>_areas_pair_us; growing with n no faster than log n is the aim.
 * A kernel that refuses more areas (Linux 6.1's type1 stops at its
 * dma_entry_limit) reports the levels it reached.
 */
static void scale(void)
{
	static const long levels[] = SCALE_AREAS;
	const uint64_t base = 1ULL << 36, probe = 1ULL << 35;
	uint8_t *p = buffer(PAGE_SZ, 0);
	uint64_t unmapped = 0;
	long have = 0;
	char name[64];

	ASSERT_TRUE(p != NULL);
	for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		uint64_t t0;

		for (; have < levels[l]; have++)
			if (map_dma(p, base + (uint64_t)have * PAGE_SZ, PAGE_SZ))
				break;
		if (have < levels[l]) {
			TH_LOG("INFO scale: %ld areas mapped, the next refused (errno %d)", have, errno);
			break;
		}
		t0 = now_ns();
		for (int i = 0; i < N_SCALE; i++) {
			ASSERT_EQ(0, map_dma(p, probe, PAGE_SZ));
			ASSERT_EQ(0, unmap_dma(probe, PAGE_SZ, NULL));
		}
		snprintf(name, sizeof(name), "e_%ld%s_areas_pair_us",
			 levels[l] >= 1000000 ? levels[l] / 1000000 : levels[l] >= 1000 ?
			 levels[l] / 1000 : levels[l],
			 levels[l] >= 1000000 ? "m" : levels[l] >= 1000 ? "k" : "");
		result(name, now_ns() - t0, (uint64_t)N_SCALE * 1000, "us");
	}
	if (have)
		ASSERT_EQ(0, unmap_dma(base, (uint64_t)have * PAGE_SZ, &unmapped));
	ASSERT_EQ((uint64_t)have * PAGE_SZ, unmapped);
	munmap(p, PAGE_SZ);
}

/*
 * The floor of every figure: one system call round trip from ring 3. Taken
 * again at the end (floor_syscall_end_us): the same loop, so a host that
 * slowed the run down after its start shows there (scripts/bench-compare).
 */
static void syscall_floor(const char *name)
{
	uint64_t t0 = now_ns();

	for (int i = 0; i < N_SYSCALLS; i++)
		syscall(SYS_getpid);
	result(name, now_ns() - t0, (uint64_t)N_SYSCALLS * 1000, "us");
}

TEST(test_bench_vfio_type1_map_unmap)
{
	setup();
	dma_check();
	syscall_floor("floor_syscall_us");
	pairs();
	distinct();
	if (pfd < 0) {		/* make profile: the 4K loops only */
		big("b_4k", 0, 0);
		big("b_4k_scattered", 0, 1);
		big("c_2m", 1, 0);
		scale();
	}
	syscall_floor("floor_syscall_end_us");
	result("done", 1, 1, "bool");
#ifdef QUICK
	TH_LOG("INFO a quick round (make check): no figure above means anything");
#endif
}

TEST_HARNESS_MAIN
