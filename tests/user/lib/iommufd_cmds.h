/* SPDX-License-Identifier: MIT */
/*
 * Every /dev/iommu ioctl as X(number, struct, last field of its minimum size),
 * for the ABI tables of the kernel abi suite and the ring-3 iommufd_abi test.
 * Minimum sizes: the structs' Linux 6.2/6.6 layouts (include/uapi/).
 */
#ifndef TESTS_USER_LIB_IOMMUFD_CMDS_H
#define TESTS_USER_LIB_IOMMUFD_CMDS_H

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

#endif
