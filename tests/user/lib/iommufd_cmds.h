/* SPDX-License-Identifier: MIT */
/*
 * Every /dev/iommu ioctl as X(number, struct, last field of its minimum size),
 * and the one table made of it (iommufd_cmds[]) that the kernel abi suite,
 * the ring-3 iommufd_abi and iommufd_fuzz tests and the ioctl fuzz target
 * walk. Minimum sizes: the structs' first layouts (include/uapi/, Linux 6.2
 * to 6.11), written here independently of ioctl-sim/ioctl.c's table, which
 * they check.
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
	X(IOMMU_HWPT_SET_DIRTY_TRACKING, iommu_hwpt_set_dirty_tracking, __reserved) \
	X(IOMMU_HWPT_GET_DIRTY_BITMAP, iommu_hwpt_get_dirty_bitmap, data) \
	X(IOMMU_HWPT_INVALIDATE, iommu_hwpt_invalidate, __reserved)	\
	X(IOMMU_FAULT_QUEUE_ALLOC, iommu_fault_alloc, out_fault_fd)	\
	X(IOMMU_IOAS_MAP_FILE, iommu_ioas_map_file, iova)		\
	X(IOMMU_IOAS_CHANGE_PROCESS, iommu_ioas_change_process, __reserved) \
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

/*
 * Commands newer than Linux 6.12 (upstream's MAP_FILE, CHANGE_PROCESS): a
 * 6.12 kernel answers them ENOTTY whatever the size, and checks of the size
 * rules expect that there.
 */
static inline int iommufd_cmd_after_6_12(unsigned int nr)
{
	return nr == IOMMU_IOAS_MAP_FILE || nr == IOMMU_IOAS_CHANGE_PROCESS;
}

/*
 * The fd a successful call of nr handed out in its struct at cmd, or -1: a
 * caller walking every command closes it (a fault queue's fd holds the
 * context open).
 */
static inline int iommufd_cmd_out_fd(unsigned int nr, const void *cmd)
{
	if (nr == IOMMU_FAULT_QUEUE_ALLOC)
		return (int)((const struct iommu_fault_alloc *)cmd)->out_fault_fd;
	return -1;
}

#endif
