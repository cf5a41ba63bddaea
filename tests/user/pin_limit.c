// SPDX-License-Identifier: MIT
/*
 * Ring-3 test of pinned-page accounting: pins count against RLIMIT_MEMLOCK
 * in pages (4K and 2M alike), ENOMEM past it with nothing left pinned, and
 * the charge goes when the pins go. On Linux run it without CAP_IPC_LOCK.
 */
#include <stdint.h>
#include <sys/resource.h>
#include "iommufd_utils.h"

#define IOVA MOCK_APERTURE_START

static struct rlimit saved;

/* A memlock limit of pages for the rest of the test. */
static void limit_pages(unsigned long pages)
{
	struct rlimit r;

	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &saved));
	r.rlim_cur = pages * PAGE_SZ;
	r.rlim_max = saved.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &r));
}

static void unlimit(void)
{
	EXPECT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &saved));
}

static int setup(uint32_t *ioas)
{
	int fd = iommufd_open();

	*ioas = ioas_alloc(fd);
	mock_domain(fd, *ioas, NULL, NULL);
	return fd;
}

TEST(test_default_limit_is_8mib)
{
	struct rlimit r;

	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &r));
	EXPECT_EQ(8UL << 20, r.rlim_cur);
}

TEST(test_limit_enforced)
{
	uint32_t ioas;
	int fd = setup(&ioas);
	uint8_t *mem = map_anon(64 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint64_t iova = IOVA;

	ASSERT_NE(MAP_FAILED, (void *)mem);
	limit_pages(16);
	EXPECT_ERRNO(ENOMEM, ioas_map(fd, ioas, mem, 32 * PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, check_refs(fd, mem, 32 * PAGE_SZ, 0));
	EXPECT_ERRNO(ENOENT, ioas_unmap(fd, ioas, IOVA, 32 * PAGE_SZ, NULL));
	ASSERT_EQ(0, ioas_map(fd, ioas, mem, 16 * PAGE_SZ, &iova, MAP_FIXED_RW));
	iova = IOVA + (1 << 20);
	EXPECT_ERRNO(ENOMEM, ioas_map(fd, ioas, mem + 16 * PAGE_SZ, PAGE_SZ, &iova,
				      MAP_FIXED_RW));
	/* the charge goes with the pins */
	EXPECT_EQ(0, ioas_unmap(fd, ioas, IOVA, 16 * PAGE_SZ, NULL));
	EXPECT_EQ(0, ioas_map(fd, ioas, mem + 32 * PAGE_SZ, 16 * PAGE_SZ, &iova, MAP_FIXED_RW));
	unlimit();
	close(fd);
	munmap(mem, 64 * PAGE_SZ);
}

/* A 2 MiB page is charged as 512 pages, not as one. */
TEST(test_hugepage_charged_in_small_pages)
{
	uint32_t ioas;
	int fd = setup(&ioas);
	uint8_t *mem = map_anon(HUGE_SZ, PROT_READ | PROT_WRITE, MAP_HUGETLB);
	uint64_t iova = IOVA;

	if (mem == MAP_FAILED && errno == ENOMEM)
		SKIP("no 2 MiB huge pages available");
	ASSERT_NE(MAP_FAILED, (void *)mem);
	limit_pages(511);
	EXPECT_ERRNO(ENOMEM, ioas_map(fd, ioas, mem, HUGE_SZ, &iova, MAP_FIXED_RW));
	unlimit();
	limit_pages(512);
	EXPECT_EQ(0, ioas_map(fd, ioas, mem, HUGE_SZ, &iova, MAP_FIXED_RW));
	unlimit();
	close(fd);
	munmap(mem, HUGE_SZ);
}

/* Closing the fd gives the charge back: a new context can pin the same amount. */
TEST(test_close_uncharges)
{
	uint8_t *mem = map_anon(16 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint64_t iova = IOVA;
	uint32_t ioas;
	int fd;

	ASSERT_NE(MAP_FAILED, (void *)mem);
	limit_pages(16);
	for (int round = 0; round < 3; round++) {
		fd = setup(&ioas);
		EXPECT_EQ(0, ioas_map(fd, ioas, mem, 16 * PAGE_SZ, &iova, MAP_FIXED_RW));
		close(fd);
	}
	unlimit();
	munmap(mem, 16 * PAGE_SZ);
}

/* Per-process accounting (IOMMU_OPTION_RLIMIT_MODE 1) enforces the same limit. */
TEST(test_per_process_mode)
{
	int fd = iommufd_open();
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_SET,
		.val64 = 1,
	};
	uint8_t *mem = map_anon(32 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint64_t iova = IOVA;
	uint32_t ioas;

	ASSERT_EQ(0, ioctl(fd, IOMMU_OPTION, &opt));
	opt.op = IOMMU_OPTION_OP_GET;
	opt.val64 = 0;
	ASSERT_EQ(0, ioctl(fd, IOMMU_OPTION, &opt));
	EXPECT_EQ(1, opt.val64);
	ioas = ioas_alloc(fd);
	mock_domain(fd, ioas, NULL, NULL);
	limit_pages(16);
	EXPECT_ERRNO(ENOMEM, ioas_map(fd, ioas, mem, 32 * PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, ioas_map(fd, ioas, mem, 16 * PAGE_SZ, &iova, MAP_FIXED_RW));
	unlimit();
	close(fd);
	munmap(mem, 32 * PAGE_SZ);
}

TEST_HARNESS_MAIN
