// SPDX-License-Identifier: MIT
/*
 * Ring-3 test of pinned-page accounting: pins count against RLIMIT_MEMLOCK
 * in pages (4K and 2M alike), ENOMEM past it with nothing left pinned, and
 * the charge goes when the pins go. Like Linux's own selftest it drops
 * CAP_IPC_LOCK first (with it Linux charges nothing).
 */
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
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

#define CAP_VERSION_3		0x20080522
#define CAP_IPC_LOCK		14
#define CAP_SYS_RESOURCE	24

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

static void caps_get(struct cap_data data[2])
{
	struct { uint32_t version; int pid; } hdr = { CAP_VERSION_3, 0 };

	ASSERT_EQ(0, syscall(SYS_capget, &hdr, data));
}

/* Pins are charged only to a process without CAP_IPC_LOCK (Linux, and ours). */
static void drop_cap_ipc_lock(void)
{
	struct { uint32_t version; int pid; } hdr = { CAP_VERSION_3, 0 };
	struct cap_data data[2];

	caps_get(data);
	data[0].effective &= ~(1u << CAP_IPC_LOCK);
	ASSERT_EQ(0, syscall(SYS_capset, &hdr, data));
}

static int setup(uint32_t *ioas)
{
	int fd = iommufd_open();

	drop_cap_ipc_lock();
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
	drop_cap_ipc_lock();
	limit_pages(16);
	for (int round = 0; round < 3; round++) {
		fd = setup(&ioas);
		EXPECT_EQ(0, ioas_map(fd, ioas, mem, 16 * PAGE_SZ, &iova, MAP_FIXED_RW));
		close(fd);
	}
	unlimit();
	munmap(mem, 16 * PAGE_SZ);
}

/*
 * Per-process accounting (IOMMU_OPTION_RLIMIT_MODE 1) enforces the same
 * limit. Setting it needs CAP_SYS_RESOURCE, as on Linux: without it (this
 * kernel's ring 3, Linux as an ordinary user) SET is EPERM and changes
 * nothing; libiommufd-host.so always allows it (see lib/platform.h).
 */
TEST(test_per_process_mode)
{
	struct cap_data caps[2];
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
	int ret;

	drop_cap_ipc_lock();
	ret = ioctl(fd, IOMMU_OPTION, &opt);
	if (ret) {
		EXPECT_EQ(EPERM, errno);
		caps_get(caps);
		EXPECT_FALSE(caps[0].effective & (1u << CAP_SYS_RESOURCE));
		opt.op = IOMMU_OPTION_OP_GET;
		ASSERT_EQ(0, ioctl(fd, IOMMU_OPTION, &opt));
		EXPECT_EQ(0, opt.val64);
		close(fd);
		munmap(mem, 32 * PAGE_SZ);
		SKIP("no CAP_SYS_RESOURCE: SET is EPERM and the mode stays per user");
	}
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
