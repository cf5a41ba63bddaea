/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the ring-3 /dev/iommu test programs, in the spirit of
 * Linux's selftests/iommu/iommufd_utils.h: thin wrappers that return -1 and
 * errno like the ioctls, plus the mock-domain self-test commands.
 */
#ifndef TESTS_USER_LIB_IOMMUFD_UTILS_H
#define TESTS_USER_LIB_IOMMUFD_UTILS_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <iommufd_test.h>
#include "harness.h"

#define PAGE_SZ 4096UL
#define HUGE_SZ (2UL << 20)
#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))

static inline int iommufd_open(void)
{
	int fd = open("/dev/iommu", O_RDWR);

	if (fd < 0 && errno == ENOENT)
		SKIP("no /dev/iommu");
	ASSERT_GE(fd, 0);
	return test_defer_close(fd);
}

static inline uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	ASSERT_EQ(0, ioctl(fd, IOMMU_IOAS_ALLOC, &cmd));
	return cmd.out_ioas_id;
}

static inline int destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd);
}

/* A mock device attached to ioas (IOMMU_TEST_OP_MOCK_DOMAIN); returns its hwpt. */
static inline uint32_t mock_domain(int fd, uint32_t ioas, uint32_t *stdev, uint32_t *idev)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = ioas,
	};
	int ret = ioctl(fd, IOMMU_TEST_CMD, &cmd);

	if (ret && errno == ENOTTY)
		SKIP("no IOMMU_TEST_CMD (iommufd self-test support)");
	ASSERT_EQ(0, ret);
	if (stdev)
		*stdev = cmd.mock_domain.out_stdev_id;
	if (idev)
		*idev = cmd.mock_domain.out_idev_id;
	return cmd.mock_domain.out_hwpt_id;
}

static inline int ioas_map(int fd, uint32_t ioas, void *va, uint64_t len, uint64_t *iova,
			   uint32_t flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova ? *iova : 0,
	};
	int ret = ioctl(fd, IOMMU_IOAS_MAP, &cmd);

	if (!ret && iova)
		*iova = cmd.iova;
	return ret;
}

#define MAP_RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define MAP_FIXED_RW (MAP_RW | IOMMU_IOAS_MAP_FIXED_IOVA)

/* Unmap [iova, iova + len); *unmapped gets the byte count. */
static inline int ioas_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len,
			     uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = len,
	};
	int ret = ioctl(fd, IOMMU_IOAS_UNMAP, &cmd);

	if (!ret && unmapped)
		*unmapped = cmd.length;
	return ret;
}

/* Every page of [va, va + len) pinned exactly refs times by iommufd. */
static inline int check_refs(int fd, void *va, uint64_t len, uint32_t refs)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = { .length = len, .uptr = (uintptr_t)va, .refs = refs },
	};

	return ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

/* The mock domain of hwpt maps [iova, iova + len) to the pages of va. */
static inline int check_map(int fd, uint32_t hwpt, uint64_t iova, void *va, uint64_t len)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.id = hwpt,
		.check_map = { .iova = iova, .length = len, .uptr = (uintptr_t)va },
	};

	return ioctl(fd, IOMMU_TEST_CMD, &cmd);
}

static inline void *map_anon(size_t len, int prot, int flags)
{
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

#endif
