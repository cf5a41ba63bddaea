/* SPDX-License-Identifier: MIT */
/*
 * The /dev/iommu ioctl ABI: numbers and struct layouts identical to Linux
 * 6.12's include/uapi/linux/iommufd.h, written here from the published
 * layouts (every size and offset is checked at the end of this file).
 */
#ifndef _UAPI_IOMMUFD_H
#define _UAPI_IOMMUFD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define IOMMUFD_TYPE (';')

/*
 * Every command struct starts with __u32 size. A size below the command's
 * minimum is EINVAL; bytes past what the kernel knows must be zero (else
 * E2BIG); unknown flags or nonzero __reserved fields are EOPNOTSUPP.
 */
enum {
	IOMMUFD_CMD_BASE = 0x80,
	IOMMUFD_CMD_DESTROY = IOMMUFD_CMD_BASE,
	IOMMUFD_CMD_IOAS_ALLOC = 0x81,
	IOMMUFD_CMD_IOAS_ALLOW_IOVAS = 0x82,
	IOMMUFD_CMD_IOAS_COPY = 0x83,
	IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
	IOMMUFD_CMD_IOAS_MAP = 0x85,
	IOMMUFD_CMD_IOAS_UNMAP = 0x86,
	IOMMUFD_CMD_OPTION = 0x87,
	IOMMUFD_CMD_VFIO_IOAS = 0x88,
	IOMMUFD_CMD_HWPT_ALLOC = 0x89,
	IOMMUFD_CMD_GET_HW_INFO = 0x8a,
	IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,
	IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,
	IOMMUFD_CMD_HWPT_INVALIDATE = 0x8d,
	IOMMUFD_CMD_FAULT_QUEUE_ALLOC = 0x8e,
	/* after 6.12, with upstream's numbers (0x90, 0x91, 0x93, 0x94 are not served) */
	IOMMUFD_CMD_IOAS_MAP_FILE = 0x8f,
	IOMMUFD_CMD_IOAS_CHANGE_PROCESS = 0x92,
};

/* IOMMU_DESTROY: destroy any object by ID. */
struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY)

/* IOMMU_IOAS_ALLOC: make an empty IO address space. */
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)

/* An inclusive IOVA range. */
struct iommu_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/*
 * IOMMU_IOAS_IOVA_RANGES: the usable IOVA ranges; num_iovas returns the
 * real count, EMSGSIZE (after filling what fits) when the array is short.
 */
struct iommu_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
	__aligned_u64 out_iova_alignment;
};
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_IOVA_RANGES)

/* IOMMU_IOAS_ALLOW_IOVAS: restrict automatic IOVA allocation to these ranges. */
struct iommu_ioas_allow_iovas {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
};
#define IOMMU_IOAS_ALLOW_IOVAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOW_IOVAS)

enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

/* IOMMU_IOAS_MAP: map user memory at a fixed or kernel-chosen IOVA. */
struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)

/* IOMMU_IOAS_COPY: map the pages behind one IOAS range into another IOAS. */
struct iommu_ioas_copy {
	__u32 size;
	__u32 flags;
	__u32 dst_ioas_id;
	__u32 src_ioas_id;
	__aligned_u64 length;
	__aligned_u64 dst_iova;
	__aligned_u64 src_iova;
};
#define IOMMU_IOAS_COPY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_COPY)

/*
 * IOMMU_IOAS_UNMAP: unmap whole areas inside [iova, iova + length);
 * iova 0 with length UINT64_MAX unmaps everything. length returns the bytes
 * unmapped.
 */
struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)

enum iommufd_option {
	IOMMU_OPTION_RLIMIT_MODE = 0,	/* global: 0 per-user, 1 per-process accounting */
	IOMMU_OPTION_HUGE_PAGES = 1,	/* per IOAS: 0 maps only PAGE_SIZE entries */
};

enum iommufd_option_ops {
	IOMMU_OPTION_OP_SET = 0,
	IOMMU_OPTION_OP_GET = 1,
};

/* IOMMU_OPTION: get or set a global or per-object option. */
struct iommu_option {
	__u32 size;
	__u32 option_id;
	__u16 op;
	__u16 __reserved;
	__u32 object_id;
	__aligned_u64 val64;
};
#define IOMMU_OPTION _IO(IOMMUFD_TYPE, IOMMUFD_CMD_OPTION)

enum iommufd_vfio_ioas_op {
	IOMMU_VFIO_IOAS_GET = 0,
	IOMMU_VFIO_IOAS_SET = 1,
	IOMMU_VFIO_IOAS_CLEAR = 2,
};

/* IOMMU_VFIO_IOAS: which IOAS the VFIO type1 compatibility ioctls use. */
struct iommu_vfio_ioas {
	__u32 size;
	__u32 ioas_id;
	__u16 op;
	__u16 __reserved;
};
#define IOMMU_VFIO_IOAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VFIO_IOAS)

enum iommufd_hwpt_alloc_flags {
	IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
	IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
	IOMMU_HWPT_FAULT_ID_VALID = 1 << 2,
};

enum iommu_hwpt_vtd_s1_flags {
	IOMMU_VTD_S1_SRE = 1 << 0,
	IOMMU_VTD_S1_EAFE = 1 << 1,
	IOMMU_VTD_S1_WPE = 1 << 2,
};

/* Intel VT-d stage-1 page table description (nested HWPT data). */
struct iommu_hwpt_vtd_s1 {
	__aligned_u64 flags;
	__aligned_u64 pgtbl_addr;
	__u32 addr_width;
	__u32 __reserved;
};

enum iommu_hwpt_data_type {
	IOMMU_HWPT_DATA_NONE = 0,
	IOMMU_HWPT_DATA_VTD_S1 = 1,
};

/* IOMMU_HWPT_ALLOC: allocate a hardware page table for dev_id on pt_id. */
struct iommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id;
	__u32 __reserved2;
};
#define IOMMU_HWPT_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_ALLOC)

enum iommu_hw_info_vtd_flags {
	IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 = 1 << 0,
};

/* GET_HW_INFO data for Intel VT-d: the unit's capability registers. */
struct iommu_hw_info_vtd {
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 cap_reg;
	__aligned_u64 ecap_reg;
};

/*
 * GET_HW_INFO data for AMD-Vi: the unit's Extended Feature registers (MMIO
 * 0x30 and 0x1a0). Linux's struct iommu_hw_info_amd and type 4 (upstream,
 * after 6.12; 6.12 itself reports AMD-Vi as IOMMU_HW_INFO_TYPE_NONE).
 */
struct iommu_hw_info_amd {
	__aligned_u64 efr;
	__aligned_u64 efr2;
};

enum iommu_hw_info_type {
	IOMMU_HW_INFO_TYPE_NONE = 0,
	IOMMU_HW_INFO_TYPE_DEFAULT = 0,		/* as input: the driver's own type */
	IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
	IOMMU_HW_INFO_TYPE_AMD = 4,
};

/*
 * flags of struct iommu_hw_info (upstream, after 6.12): INPUT_TYPE makes
 * in_data_type (the same field as out_data_type) the type asked for; a
 * type the IOMMU cannot report is EOPNOTSUPP.
 */
enum iommufd_hw_info_flags {
	IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0,
};

enum iommufd_hw_capabilities {
	IOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,
};

/* IOMMU_GET_HW_INFO: what the IOMMU behind dev_id is and can do. */
struct iommu_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;
	__aligned_u64 data_uptr;
	union {
		__u32 in_data_type;
		__u32 out_data_type;
	};
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};
#define IOMMU_GET_HW_INFO _IO(IOMMUFD_TYPE, IOMMUFD_CMD_GET_HW_INFO)

enum iommufd_hwpt_set_dirty_tracking_flags {
	IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1,
};

struct iommu_hwpt_set_dirty_tracking {
	__u32 size;
	__u32 flags;
	__u32 hwpt_id;
	__u32 __reserved;
};
#define IOMMU_HWPT_SET_DIRTY_TRACKING \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING)

enum iommufd_hwpt_get_dirty_bitmap_flags {
	IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1,
};

struct iommu_hwpt_get_dirty_bitmap {
	__u32 size;
	__u32 hwpt_id;
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 data;
};
#define IOMMU_HWPT_GET_DIRTY_BITMAP \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP)

enum iommu_hwpt_invalidate_data_type {
	IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0,
};

enum iommu_hwpt_vtd_s1_invalidate_flags {
	IOMMU_VTD_INV_FLAGS_LEAF = 1 << 0,
};

struct iommu_hwpt_vtd_s1_invalidate {
	__aligned_u64 addr;
	__aligned_u64 npages;
	__u32 flags;
	__u32 __reserved;
};

struct iommu_hwpt_invalidate {
	__u32 size;
	__u32 hwpt_id;
	__aligned_u64 data_uptr;
	__u32 data_type;
	__u32 entry_len;
	__u32 entry_num;
	__u32 __reserved;
};
#define IOMMU_HWPT_INVALIDATE _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_INVALIDATE)

enum iommu_hwpt_pgfault_flags {
	IOMMU_PGFAULT_FLAGS_PASID_VALID = 1 << 0,
	IOMMU_PGFAULT_FLAGS_LAST_PAGE = 1 << 1,
};

enum iommu_hwpt_pgfault_perm {
	IOMMU_PGFAULT_PERM_READ = 1 << 0,
	IOMMU_PGFAULT_PERM_WRITE = 1 << 1,
	IOMMU_PGFAULT_PERM_EXEC = 1 << 2,
	IOMMU_PGFAULT_PERM_PRIV = 1 << 3,
};

struct iommu_hwpt_pgfault {
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u32 __reserved;
	__aligned_u64 addr;
	__u32 length;
	__u32 cookie;
};

enum iommufd_page_response_code {
	IOMMUFD_PAGE_RESP_SUCCESS = 0,
	IOMMUFD_PAGE_RESP_INVALID = 1,
};

struct iommu_hwpt_page_response {
	__u32 cookie;
	__u32 code;
};

struct iommu_fault_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_fault_id;
	__u32 out_fault_fd;
};
#define IOMMU_FAULT_QUEUE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_FAULT_QUEUE_ALLOC)

/*
 * IOMMU_IOAS_MAP_FILE (upstream, after 6.12): IOAS_MAP of bytes [start,
 * start + length) of the memfd fd instead of user memory; same flags and
 * rules. In this kernel's ring 3 no file can be mapped (EBADF): there are
 * no memfds; libiommufd-host.so maps the process's real memfds.
 */
struct iommu_ioas_map_file {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__s32 fd;
	__aligned_u64 start;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP_FILE _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP_FILE)

/*
 * IOMMU_IOAS_CHANGE_PROCESS (upstream, after 6.12): charge every pinned
 * page of the context to the calling process from now on; EINVAL while any
 * IOAS maps user memory rather than a file. Here one account per mode
 * serves every process, so nothing moves: only the rule is checked.
 */
struct iommu_ioas_change_process {
	__u32 size;
	__u32 __reserved;
};
#define IOMMU_IOAS_CHANGE_PROCESS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_CHANGE_PROCESS)

/* Layout checks against Linux 6.12 on x86-64 (sizes and offsets by gcc). */
#ifndef __cplusplus
#define IOMMUFD_UAPI_CHECK(t, f, off) \
	_Static_assert(__builtin_offsetof(struct t, f) == (off), #t "." #f)
#define IOMMUFD_UAPI_SIZE(t, sz) _Static_assert(sizeof(struct t) == (sz), #t)

IOMMUFD_UAPI_SIZE(iommu_destroy, 8);
IOMMUFD_UAPI_CHECK(iommu_destroy, id, 4);
IOMMUFD_UAPI_SIZE(iommu_ioas_alloc, 12);
IOMMUFD_UAPI_CHECK(iommu_ioas_alloc, flags, 4);
IOMMUFD_UAPI_CHECK(iommu_ioas_alloc, out_ioas_id, 8);
IOMMUFD_UAPI_SIZE(iommu_iova_range, 16);
IOMMUFD_UAPI_CHECK(iommu_iova_range, last, 8);
IOMMUFD_UAPI_SIZE(iommu_ioas_iova_ranges, 32);
IOMMUFD_UAPI_CHECK(iommu_ioas_iova_ranges, ioas_id, 4);
IOMMUFD_UAPI_CHECK(iommu_ioas_iova_ranges, num_iovas, 8);
IOMMUFD_UAPI_CHECK(iommu_ioas_iova_ranges, __reserved, 12);
IOMMUFD_UAPI_CHECK(iommu_ioas_iova_ranges, allowed_iovas, 16);
IOMMUFD_UAPI_CHECK(iommu_ioas_iova_ranges, out_iova_alignment, 24);
IOMMUFD_UAPI_SIZE(iommu_ioas_allow_iovas, 24);
IOMMUFD_UAPI_CHECK(iommu_ioas_allow_iovas, ioas_id, 4);
IOMMUFD_UAPI_CHECK(iommu_ioas_allow_iovas, num_iovas, 8);
IOMMUFD_UAPI_CHECK(iommu_ioas_allow_iovas, __reserved, 12);
IOMMUFD_UAPI_CHECK(iommu_ioas_allow_iovas, allowed_iovas, 16);
IOMMUFD_UAPI_SIZE(iommu_ioas_map, 40);
IOMMUFD_UAPI_CHECK(iommu_ioas_map, flags, 4);
IOMMUFD_UAPI_CHECK(iommu_ioas_map, ioas_id, 8);
IOMMUFD_UAPI_CHECK(iommu_ioas_map, __reserved, 12);
IOMMUFD_UAPI_CHECK(iommu_ioas_map, user_va, 16);
IOMMUFD_UAPI_CHECK(iommu_ioas_map, length, 24);
IOMMUFD_UAPI_CHECK(iommu_ioas_map, iova, 32);
IOMMUFD_UAPI_SIZE(iommu_ioas_copy, 40);
IOMMUFD_UAPI_CHECK(iommu_ioas_copy, flags, 4);
IOMMUFD_UAPI_CHECK(iommu_ioas_copy, dst_ioas_id, 8);
IOMMUFD_UAPI_CHECK(iommu_ioas_copy, src_ioas_id, 12);
IOMMUFD_UAPI_CHECK(iommu_ioas_copy, length, 16);
IOMMUFD_UAPI_CHECK(iommu_ioas_copy, dst_iova, 24);
IOMMUFD_UAPI_CHECK(iommu_ioas_copy, src_iova, 32);
IOMMUFD_UAPI_SIZE(iommu_ioas_unmap, 24);
IOMMUFD_UAPI_CHECK(iommu_ioas_unmap, ioas_id, 4);
IOMMUFD_UAPI_CHECK(iommu_ioas_unmap, iova, 8);
IOMMUFD_UAPI_CHECK(iommu_ioas_unmap, length, 16);
IOMMUFD_UAPI_SIZE(iommu_option, 24);
IOMMUFD_UAPI_CHECK(iommu_option, option_id, 4);
IOMMUFD_UAPI_CHECK(iommu_option, op, 8);
IOMMUFD_UAPI_CHECK(iommu_option, __reserved, 10);
IOMMUFD_UAPI_CHECK(iommu_option, object_id, 12);
IOMMUFD_UAPI_CHECK(iommu_option, val64, 16);
IOMMUFD_UAPI_SIZE(iommu_vfio_ioas, 12);
IOMMUFD_UAPI_CHECK(iommu_vfio_ioas, ioas_id, 4);
IOMMUFD_UAPI_CHECK(iommu_vfio_ioas, op, 8);
IOMMUFD_UAPI_CHECK(iommu_vfio_ioas, __reserved, 10);
IOMMUFD_UAPI_SIZE(iommu_hwpt_vtd_s1, 24);
IOMMUFD_UAPI_CHECK(iommu_hwpt_vtd_s1, pgtbl_addr, 8);
IOMMUFD_UAPI_CHECK(iommu_hwpt_vtd_s1, addr_width, 16);
IOMMUFD_UAPI_CHECK(iommu_hwpt_vtd_s1, __reserved, 20);
IOMMUFD_UAPI_SIZE(iommu_hwpt_alloc, 48);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, flags, 4);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, dev_id, 8);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, pt_id, 12);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, out_hwpt_id, 16);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, __reserved, 20);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, data_type, 24);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, data_len, 28);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, data_uptr, 32);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, fault_id, 40);
IOMMUFD_UAPI_CHECK(iommu_hwpt_alloc, __reserved2, 44);
IOMMUFD_UAPI_SIZE(iommu_hw_info_vtd, 24);
IOMMUFD_UAPI_CHECK(iommu_hw_info_vtd, __reserved, 4);
IOMMUFD_UAPI_CHECK(iommu_hw_info_vtd, cap_reg, 8);
IOMMUFD_UAPI_CHECK(iommu_hw_info_vtd, ecap_reg, 16);
IOMMUFD_UAPI_SIZE(iommu_hw_info, 40);
IOMMUFD_UAPI_CHECK(iommu_hw_info, flags, 4);
IOMMUFD_UAPI_CHECK(iommu_hw_info, dev_id, 8);
IOMMUFD_UAPI_CHECK(iommu_hw_info, data_len, 12);
IOMMUFD_UAPI_CHECK(iommu_hw_info, data_uptr, 16);
IOMMUFD_UAPI_CHECK(iommu_hw_info, out_data_type, 24);
IOMMUFD_UAPI_CHECK(iommu_hw_info, out_max_pasid_log2, 28);
IOMMUFD_UAPI_CHECK(iommu_hw_info, __reserved, 29);
IOMMUFD_UAPI_CHECK(iommu_hw_info, out_capabilities, 32);
IOMMUFD_UAPI_SIZE(iommu_hwpt_set_dirty_tracking, 16);
IOMMUFD_UAPI_CHECK(iommu_hwpt_set_dirty_tracking, hwpt_id, 8);
IOMMUFD_UAPI_SIZE(iommu_hwpt_get_dirty_bitmap, 48);
IOMMUFD_UAPI_CHECK(iommu_hwpt_get_dirty_bitmap, flags, 8);
IOMMUFD_UAPI_CHECK(iommu_hwpt_get_dirty_bitmap, iova, 16);
IOMMUFD_UAPI_CHECK(iommu_hwpt_get_dirty_bitmap, page_size, 32);
IOMMUFD_UAPI_CHECK(iommu_hwpt_get_dirty_bitmap, data, 40);
IOMMUFD_UAPI_SIZE(iommu_hwpt_vtd_s1_invalidate, 24);
IOMMUFD_UAPI_CHECK(iommu_hwpt_vtd_s1_invalidate, npages, 8);
IOMMUFD_UAPI_CHECK(iommu_hwpt_vtd_s1_invalidate, flags, 16);
IOMMUFD_UAPI_SIZE(iommu_hwpt_invalidate, 32);
IOMMUFD_UAPI_CHECK(iommu_hwpt_invalidate, data_uptr, 8);
IOMMUFD_UAPI_CHECK(iommu_hwpt_invalidate, data_type, 16);
IOMMUFD_UAPI_CHECK(iommu_hwpt_invalidate, entry_len, 20);
IOMMUFD_UAPI_CHECK(iommu_hwpt_invalidate, entry_num, 24);
IOMMUFD_UAPI_CHECK(iommu_hwpt_invalidate, __reserved, 28);
IOMMUFD_UAPI_SIZE(iommu_hwpt_pgfault, 40);
IOMMUFD_UAPI_CHECK(iommu_hwpt_pgfault, perm, 16);
IOMMUFD_UAPI_CHECK(iommu_hwpt_pgfault, addr, 24);
IOMMUFD_UAPI_CHECK(iommu_hwpt_pgfault, length, 32);
IOMMUFD_UAPI_CHECK(iommu_hwpt_pgfault, cookie, 36);
IOMMUFD_UAPI_SIZE(iommu_hwpt_page_response, 8);
IOMMUFD_UAPI_SIZE(iommu_fault_alloc, 16);
IOMMUFD_UAPI_CHECK(iommu_fault_alloc, out_fault_fd, 12);
IOMMUFD_UAPI_SIZE(iommu_ioas_map_file, 40);
IOMMUFD_UAPI_CHECK(iommu_ioas_map_file, fd, 12);
IOMMUFD_UAPI_CHECK(iommu_ioas_map_file, start, 16);
IOMMUFD_UAPI_CHECK(iommu_ioas_map_file, iova, 32);
IOMMUFD_UAPI_SIZE(iommu_ioas_change_process, 8);
_Static_assert(IOMMU_IOAS_MAP_FILE == 0x3b8f && IOMMU_IOAS_CHANGE_PROCESS == 0x3b92,
	       "upstream's numbers");
_Static_assert(IOMMU_DESTROY == 0x3b80 && IOMMU_VFIO_IOAS == 0x3b88 &&
	       IOMMU_GET_HW_INFO == 0x3b8a && IOMMU_FAULT_QUEUE_ALLOC == 0x3b8e,
	       "ioctl numbers are _IO(';', nr)");
#undef IOMMUFD_UAPI_CHECK
#undef IOMMUFD_UAPI_SIZE
#endif

#endif
