/* SPDX-License-Identifier: MIT */
/*
 * Force-included (-include) when scripts/linux-selftest and scripts/linux-oracle
 * build Linux 6.12's iommufd selftest. Debian's 6.12.117/118 stable selftest
 * uses four names that its own tree's headers lack (they came with a backported
 * test change; the uapi and iommufd_test.h parts were not backported), so the
 * unmodified source does not compile against its own headers alone. These are
 * the values upstream Linux gave them (6.15/6.17 uapi); nothing else is added.
 */
#ifndef LINUX_SELFTEST_COMPAT_H
#define LINUX_SELFTEST_COMPAT_H

/* struct iommu_hw_info: upstream made out_data_type a union with in_data_type (same offset) */
#define in_data_type out_data_type
/* enum iommufd_hw_info_flags */
#define IOMMU_HW_INFO_FLAG_INPUT_TYPE (1 << 0)
/* enum iommu_hw_info_type: DEFAULT is NONE's value */
#define IOMMU_HW_INFO_TYPE_DEFAULT 0
/* drivers/iommu/iommufd/iommufd_test.h */
#define MOCK_FLAGS_DEVICE_PASID (1 << 2)
#define MOCK_PASID_WIDTH 20

#endif
