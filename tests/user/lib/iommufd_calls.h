/* SPDX-License-Identifier: MIT */
/*
 * One C call per /dev/iommu ioctl and self-test op, for every test and
 * benchmark: each fills its struct here and returns 0 or -errno. An output
 * is written on failure too, as an id no object has (0) or fd -1, so a test
 * that goes on after a failed call passes a defined bad value on; in/out
 * arguments (*iova, *dst_iova, *val, *pt) change only on success. They go through IOMMUFD_IOCTL(fd, nr, arg),
 * which returns the ioctl's result or -errno: Linux programs (ring 3, the
 * LD_PRELOAD suite) get libc's ioctl() below; the core suites
 * (tests/kernel/core_util.c) and the hosted bench define it over
 * ioctl-sim's sim_ioctl() before including this, and bring lib/errno.h.
 */
#ifndef TESTS_USER_LIB_IOMMUFD_CALLS_H
#define TESTS_USER_LIB_IOMMUFD_CALLS_H

#include <stdint.h>
#include <linux/iommufd.h>
#include <iommufd_test.h>

#ifndef IOMMUFD_IOCTL
#include <errno.h>
#include <sys/ioctl.h>

static inline long libc_ioctl(int fd, unsigned long nr, void *arg)
{
	long r = ioctl(fd, nr, arg);

	return r == -1 ? -errno : r;
}
#define IOMMUFD_IOCTL(fd, nr, arg) libc_ioctl(fd, nr, arg)
#endif

#define IOMMUFD_PTR(p) ((uint64_t)(uintptr_t)(p))

static inline int ioctl_ioas_alloc(int fd, uint32_t *id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int r = (int)IOMMUFD_IOCTL(fd, IOMMU_IOAS_ALLOC, &cmd);

	*id = r ? 0 : cmd.out_ioas_id;
	return r;
}

static inline int ioctl_destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return (int)IOMMUFD_IOCTL(fd, IOMMU_DESTROY, &cmd);
}

/* Map len bytes at va with flags as given; *iova (NULL: 0) in, the IOVA used out. */
static inline int ioctl_ioas_map(int fd, uint32_t ioas, const void *va, uint64_t len,
				 uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd), .flags = flags, .ioas_id = ioas,
		.user_va = IOMMUFD_PTR(va), .length = len, .iova = iova ? *iova : 0,
	};
	int r = (int)IOMMUFD_IOCTL(fd, IOMMU_IOAS_MAP, &cmd);

	if (!r && iova)
		*iova = cmd.iova;
	return r;
}

/* Unmap [iova, iova + len); *unmapped (may be NULL) gets the byte count. */
static inline int ioctl_ioas_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len,
				   uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .iova = iova, .length = len,
	};
	int r = (int)IOMMUFD_IOCTL(fd, IOMMU_IOAS_UNMAP, &cmd);

	if (unmapped)
		*unmapped = r ? 0 : cmd.length;
	return r;
}

/* Copy [src_iova, + len) of src into dst at *dst_iova (in, and out). */
static inline int ioctl_ioas_copy(int fd, uint32_t dst, uint32_t src, uint64_t src_iova,
				  uint64_t len, uint64_t *dst_iova, uint32_t flags)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd), .flags = flags, .dst_ioas_id = dst, .src_ioas_id = src,
		.length = len, .dst_iova = *dst_iova, .src_iova = src_iova,
	};
	int r = (int)IOMMUFD_IOCTL(fd, IOMMU_IOAS_COPY, &cmd);

	if (!r)
		*dst_iova = cmd.dst_iova;
	return r;
}

/* Room for *num ranges in r; *num gets the count also on -EMSGSIZE, *align (or NULL) too. */
static inline int ioctl_ioas_iova_ranges(int fd, uint32_t ioas, struct iommu_iova_range *r,
					 uint32_t *num, uint64_t *align)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = *num,
		.allowed_iovas = IOMMUFD_PTR(r),
	};
	int ret = (int)IOMMUFD_IOCTL(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);

	if (!ret || ret == -EMSGSIZE) {
		*num = cmd.num_iovas;
		if (align)
			*align = cmd.out_iova_alignment;
	}
	return ret;
}

static inline int ioctl_ioas_allow_iovas(int fd, uint32_t ioas,
					 const struct iommu_iova_range *r, uint32_t num)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = num,
		.allowed_iovas = IOMMUFD_PTR(r),
	};

	return (int)IOMMUFD_IOCTL(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

/* IOMMU_OPTION: *val is the value set (in) or read (out). */
static inline int ioctl_option(int fd, uint32_t option, uint16_t op, uint32_t object,
			       uint64_t *val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd), .option_id = option, .op = op, .object_id = object,
		.val64 = *val,
	};
	int r = (int)IOMMUFD_IOCTL(fd, IOMMU_OPTION, &cmd);

	if (!r)
		*val = cmd.val64;
	return r;
}

/* Make ioas the VFIO container's compat IOAS (IOMMU_VFIO_IOAS_SET). */
static inline int ioctl_vfio_ioas_set(int fd, uint32_t ioas)
{
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .op = IOMMU_VFIO_IOAS_SET,
	};

	return (int)IOMMUFD_IOCTL(fd, IOMMU_VFIO_IOAS, &cmd);
}

static inline int ioctl_hwpt_alloc(int fd, uint32_t idev, uint32_t pt, uint32_t flags,
				   uint32_t *id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd), .flags = flags, .dev_id = idev, .pt_id = pt,
	};
	int r = (int)IOMMUFD_IOCTL(fd, IOMMU_HWPT_ALLOC, &cmd);

	*id = r ? 0 : cmd.out_hwpt_id;
	return r;
}

/* --- IOMMU_TEST_CMD: the mock driver and the access self-tests --- */

static inline int test_cmd(int fd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return (int)IOMMUFD_IOCTL(fd, IOMMU_TEST_CMD, cmd);
}

/* A mock device on pt (an IOAS or a HWPT); its IDs (each may be NULL). */
static inline int test_cmd_mock_domain_flags(int fd, uint32_t pt, uint32_t dev_flags,
					     uint32_t *stdev, uint32_t *hwpt, uint32_t *idev)
{
	struct iommu_test_cmd cmd = {
		.op = dev_flags ? IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS : IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = pt, .mock_domain_flags = { .dev_flags = dev_flags },
	};
	int r = test_cmd(fd, &cmd);

	if (stdev)
		*stdev = r ? 0 : cmd.mock_domain.out_stdev_id;
	if (hwpt)
		*hwpt = r ? 0 : cmd.mock_domain.out_hwpt_id;
	if (idev)
		*idev = r ? 0 : cmd.mock_domain.out_idev_id;
	return r;
}

static inline int test_cmd_mock_domain(int fd, uint32_t pt, uint32_t *stdev, uint32_t *hwpt,
				       uint32_t *idev)
{
	return test_cmd_mock_domain_flags(fd, pt, 0, stdev, hwpt, idev);
}

/* Move mock device stdev to *pt; *pt gets the HWPT it is attached to. */
static inline int test_cmd_mock_domain_replace(int fd, uint32_t stdev, uint32_t *pt)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, .id = stdev,
		.mock_domain_replace = { .pt_id = *pt },
	};
	int r = test_cmd(fd, &cmd);

	if (!r)
		*pt = cmd.mock_domain_replace.pt_id;
	return r;
}

/* The mock domain of hwpt maps [iova, iova + len) to the pages of buf. */
static inline int test_cmd_check_map(int fd, uint32_t hwpt, uint64_t iova, const void *buf,
				     uint64_t len)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_MAP, .id = hwpt,
		.check_map = { .iova = iova, .length = len, .uptr = IOMMUFD_PTR(buf) },
	};

	return test_cmd(fd, &cmd);
}

/* Every page of [buf, buf + len) pinned exactly refs times by iommufd. */
static inline int test_cmd_check_refs(int fd, const void *buf, uint64_t len, uint32_t refs)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = { .length = len, .uptr = IOMMUFD_PTR(buf), .refs = refs },
	};

	return test_cmd(fd, &cmd);
}

static inline int test_cmd_add_reserved(int fd, uint32_t ioas, uint64_t start, uint64_t len)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ADD_RESERVED, .id = ioas,
		.add_reserved = { .start = start, .length = len },
	};

	return test_cmd(fd, &cmd);
}

/* An access on ioas; *afd gets its fd. */
static inline int test_cmd_create_access(int fd, uint32_t ioas, uint32_t flags, int *afd)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS, .id = ioas, .create_access = { .flags = flags },
	};
	int r = test_cmd(fd, &cmd);

	/* -1 on failure: a later call with it fails with EBADF, never reads garbage */
	*afd = r ? -1 : (int)cmd.create_access.out_access_fd;
	return r;
}

/* Pin [iova, iova + len) through access afd; *id (may be NULL) names the pin. */
static inline int test_cmd_access_pages(int fd, int afd, uint64_t iova, uint64_t len,
					const void *uptr, uint32_t flags, uint32_t *id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_PAGES, .id = (uint32_t)afd,
		.access_pages = { .flags = flags, .iova = iova, .length = len,
				  .uptr = IOMMUFD_PTR(uptr) },
	};
	int r = test_cmd(fd, &cmd);

	if (id)
		*id = r ? 0 : cmd.access_pages.out_access_pages_id;
	return r;
}

static inline int test_cmd_destroy_access_pages(int fd, int afd, uint32_t id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, .id = (uint32_t)afd,
		.destroy_access_pages = { .access_pages_id = id },
	};

	return test_cmd(fd, &cmd);
}

static inline int test_cmd_access_rw(int fd, int afd, uint64_t iova, void *buf, uint64_t len,
				     uint32_t flags)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_RW, .id = (uint32_t)afd,
		.access_rw = { .iova = iova, .length = len, .uptr = IOMMUFD_PTR(buf),
			       .flags = flags },
	};

	return test_cmd(fd, &cmd);
}

static inline int test_cmd_access_replace_ioas(int fd, int afd, uint32_t ioas)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, .id = (uint32_t)afd,
		.access_replace_ioas = { .ioas_id = ioas },
	};

	return test_cmd(fd, &cmd);
}

/* The core's temporary memory limit (IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT; global). */
static inline int test_cmd_memory_limit(int fd, uint32_t limit)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, .memory_limit = { .limit = limit },
	};

	return test_cmd(fd, &cmd);
}

#endif
