/* SPDX-License-Identifier: MIT */
/*
 * Every /dev/iommu ioctl as X(number, struct, last field of its minimum size),
 * and the one table made of it (iommufd_cmds[]) that the kernel abi suite,
 * the ring-3 iommufd_abi and iommufd_fuzz tests and the ioctl fuzz target
 * walk. Minimum sizes: the structs' Linux 6.2/6.6 layouts (include/uapi/),
 * written here independently of ioctl-sim/ioctl.c's table, which they check.
 */
#ifndef TESTS_USER_LIB_IOMMUFD_CMDS_H
#define TESTS_USER_LIB_IOMMUFD_CMDS_H

#include <stddef.h>
#include <linux/iommufd.h>
#include <iommufd_test.h>

#define IOMMUFD_CMDS(X)							\
	X(IOMMU_DESTROY, iommu_destroy, id)				\
	X(IOMMU_IOAS_ALLOC, iommu_ioas_alloc, out_ioas_id)		\
	X(IOMMU_IOAS_ALLOW_IOVAS, iommu_ioas_allow_iovas, allowed_iovas) \
	X(IOMMU_IOAS_COPY, iommu_ioas_copy, src_iova)			\
	X(IOMMU_IOAS_IOVA_RANGES, iommu_ioas_iova_ranges, out_iova_alignment) \
	X(IOMMU_IOAS_MAP, iommu_ioas_map, iova)				\
	X(IOMMU_IOAS_UNMAP, iommu_ioas_unmap, length)			\
	X(IOMMU_OPTION, iommu_option, val64)				\
	X(IOMMU_VFIO_IOAS, iommu_vfio_ioas, __reserved)			\
	X(IOMMU_HWPT_ALLOC, iommu_hwpt_alloc, __reserved)		\
	X(IOMMU_GET_HW_INFO, iommu_hw_info, __reserved)			\
	X(IOMMU_TEST_CMD, iommu_test_cmd, last)

struct iommufd_cmd {
	const char *name;
	unsigned int nr;
	unsigned int size;	/* of the struct this ABI knows */
	unsigned int min;	/* offsetofend of the first release's last field */
};

#define IOMMUFD_CMD_ENTRY(n, s, last)						\
	{ #n, n, sizeof(struct s), offsetof(struct s, last) + sizeof(((struct s *)0)->last) },

static const struct iommufd_cmd iommufd_cmds[] = { IOMMUFD_CMDS(IOMMUFD_CMD_ENTRY) };
#define IOMMUFD_NCMDS (sizeof(iommufd_cmds) / sizeof(iommufd_cmds[0]))

#endif
