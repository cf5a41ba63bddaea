/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the ring-3 /dev/iommu test programs, in the spirit of
 * Linux's selftests/iommu/iommufd_utils.h: the calls of iommufd_calls.h
 * that return -1 and errno like the ioctls, or assert.
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
#include "harness.h"
#include "iommufd_calls.h"

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

/* A result of iommufd_calls.h as the ioctl gave it: 0, or -1 and errno. */
static inline int syscall_ret(int r)
{
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

static inline uint32_t ioas_alloc(int fd)
{
	uint32_t id;

	ASSERT_EQ(0, ioctl_ioas_alloc(fd, &id));
	return id;
}

static inline int destroy(int fd, uint32_t id)
{
	return syscall_ret(ioctl_destroy(fd, id));
}

/* A mock device attached to ioas (IOMMU_TEST_OP_MOCK_DOMAIN); returns its hwpt. */
static inline uint32_t mock_domain(int fd, uint32_t ioas, uint32_t *stdev, uint32_t *idev)
{
	uint32_t hwpt;
	int ret = test_cmd_mock_domain(fd, ioas, stdev, &hwpt, idev);

	if (ret == -ENOTTY)
		SKIP("no IOMMU_TEST_CMD (iommufd self-test support)");
	ASSERT_EQ(0, ret);
	return hwpt;
}

static inline int ioas_map(int fd, uint32_t ioas, void *va, uint64_t len, uint64_t *iova,
			   uint32_t flags)
{
	return syscall_ret(ioctl_ioas_map(fd, ioas, va, len, iova, flags));
}

#define MAP_RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define MAP_FIXED_RW (MAP_RW | IOMMU_IOAS_MAP_FIXED_IOVA)

/* Unmap [iova, iova + len); *unmapped gets the byte count. */
static inline int ioas_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len,
			     uint64_t *unmapped)
{
	return syscall_ret(ioctl_ioas_unmap(fd, ioas, iova, len, unmapped));
}

/* Every page of [va, va + len) pinned exactly refs times by iommufd. */
static inline int check_refs(int fd, void *va, uint64_t len, uint32_t refs)
{
	return syscall_ret(test_cmd_check_refs(fd, va, len, refs));
}

/* The mock domain of hwpt maps [iova, iova + len) to the pages of va. */
static inline int check_map(int fd, uint32_t hwpt, uint64_t iova, void *va, uint64_t len)
{
	return syscall_ret(test_cmd_check_map(fd, hwpt, iova, va, len));
}

static inline void *map_anon(size_t len, int prot, int flags)
{
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

#endif
