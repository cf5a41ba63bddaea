// SPDX-License-Identifier: MIT
/*
 * abi suite: the /dev/iommu ioctl ABI through the syscall stub. Size-first
 * copy-in for every ioctl, copy-out bounded by the user's size, ENOTTY,
 * EFAULT at every pointer, reserved fields, exact return values, VFIO.
 */
#include "tests/kernel/core_util.h"
#include "tests/user/lib/iommufd_cmds.h"

#define PG PAGE_SIZE

/* Class 30: short -> EINVAL; junk tail -> E2BIG; zero tail = exact; nothing written past size. */
KTEST(abi, test_abi_size_rules_every_ioctl)
{
	static u8 cmd[256];
	int fd = t_open();

	for (size_t i = 0; i < ARRAY_SIZE(iommufd_cmds); i++) {
		const struct iommufd_cmd *a = &iommufd_cmds[i];
		long exact, padded;

		report_prefix_push(a->name);
		memset(cmd, 0, sizeof(cmd));
		*(u32 *)cmd = a->min - 1;
		report(t_ioctl(fd, a->nr, cmd) == -EINVAL, "size = min - 1 -> EINVAL");
		*(u32 *)cmd = a->size + 8;
		cmd[a->size + 7] = 1;
		report(t_ioctl(fd, a->nr, cmd) == -E2BIG, "nonzero byte past the struct -> E2BIG");
		memset(cmd, 0, sizeof(cmd));
		*(u32 *)cmd = a->size;
		exact = t_ioctl(fd, a->nr, cmd);
		if (!exact && iommufd_cmd_out_fd(a->nr, cmd) >= 0)
			t_close(iommufd_cmd_out_fd(a->nr, cmd));
		memset(cmd, 0, sizeof(cmd));
		memset(cmd + a->size + 8, 0xcc, 16);	/* canary after the user's struct */
		*(u32 *)cmd = a->size + 8;
		padded = t_ioctl(fd, a->nr, cmd);
		if (!padded && iommufd_cmd_out_fd(a->nr, cmd) >= 0)
			t_close(iommufd_cmd_out_fd(a->nr, cmd));
		report(exact == padded, "size + 8 zero-padded behaves as exact (%ld, %ld)", exact,
		       padded);
		report(cmd[a->size + 8] == 0xcc && cmd[a->size + 23] == 0xcc,
		       "no byte written past the user's size");
		report_prefix_pop();
	}
	t_close(fd);
}

/* Copy-out stops at the user's size even when the kernel knows more. */
KTEST(abi, test_abi_copy_out_bounded_by_user_size)
{
	static u8 cmd[64];
	int fd = t_open();

	memset(cmd, 0xcc, sizeof(cmd));
	memset(cmd, 0, offsetofend(struct iommu_ioas_alloc, out_ioas_id));
	*(u32 *)cmd = offsetofend(struct iommu_ioas_alloc, out_ioas_id);
	report(t_ioctl(fd, IOMMU_IOAS_ALLOC, cmd) == 0 &&
	       ((struct iommu_ioas_alloc *)cmd)->out_ioas_id == 1 && cmd[12] == 0xcc,
	       "IOAS_ALLOC at the minimum size: the ID comes back, nothing after it");
	t_close(fd);
}

/*
 * ENOTTY: unknown numbers, wrong direction bits, and the ioctls after 6.12
 * not served (VIOMMU_ALLOC 0x90, VDEVICE_ALLOC 0x91, VEVENTQ_ALLOC 0x93).
 */
/*
 * The call helpers (tests/user/lib/iommufd_calls.h) leave an in/out
 * argument alone when the call fails: a test that goes on after a failed
 * COPY or OPTION set still holds what it asked for, not a 0 the kernel
 * never returned.
 */
KTEST(abi, test_abi_helpers_keep_in_out_on_failure)
{
	int fd = t_open(), r;
	u32 ioas = t_ioas(fd);
	u64 iova = MOCK_APERTURE_START, val = 1;

	r = t_copy(fd, ioas, 0xdead, MOCK_APERTURE_START, PG, &iova,
		   IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	report(r == -ENOENT && iova == MOCK_APERTURE_START,
	       "a COPY from no IOAS (%d) keeps *dst_iova (%#llx)", r, (unsigned long long)iova);
	r = t_option(fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, 0xdead, &val);
	report(r == -ENOENT && val == 1, "an OPTION set on no IOAS (%d) keeps *val (%llu)", r,
	       (unsigned long long)val);
	t_close(fd);
}

KTEST(abi, test_abi_enotty)
{
	static const unsigned int nrs[] = {
		_IO(IOMMUFD_TYPE, 0x90), _IO(IOMMUFD_TYPE, 0x91), _IO(IOMMUFD_TYPE, 0x93),
		_IO(IOMMUFD_TYPE, 0x94), _IO(IOMMUFD_TYPE, 0x9f),
		_IO(IOMMUFD_TYPE, 0xa1), _IO(IOMMUFD_TYPE, 0x7f), _IO('X', 0x80),
		_IOW(IOMMUFD_TYPE, 0x80, struct iommu_destroy), VFIO_IOMMU_DIRTY_PAGES,
		VFIO_DEVICE_GET_INFO,
	};
	struct iommu_destroy cmd = { .size = 64 };
	int fd = t_open(), bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
		long r = t_ioctl(fd, nrs[i], &cmd);

		if (r != -ENOTTY)
			report_info("ioctl %#x -> %ld", nrs[i], r);
		bad += r != -ENOTTY;
	}
	report(!bad, "%zu unknown or unserved numbers -> ENOTTY", ARRAY_SIZE(nrs));
	t_close(fd);
}

/* EFAULT wherever a user pointer is read or written. */
KTEST(abi, test_abi_efault_every_pointer)
{
	u64 bad_ptr = t_unmapped(PG);
	u8 *buf = t_buf(PG);
	int fd = t_open();
	u32 ioas = t_ioas(fd), idev, hwpt;
	u32 num = 4;
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA,
				    .ioas_id = ioas, .user_va = bad_ptr, .length = PG,
				    .iova = MOCK_APERTURE_START };
	struct iommu_hw_info hi = { .size = sizeof(hi), .data_len = 8, .data_uptr = bad_ptr };
	u64 iova = 0;

	report(t_ioctl(fd, IOMMU_DESTROY, (void *)(uintptr_t)bad_ptr) == -EFAULT,
	       "the struct itself -> EFAULT");
	report(t_ranges(fd, ioas, (void *)(uintptr_t)bad_ptr, &num, NULL) == -EFAULT,
	       "IOVA_RANGES array -> EFAULT");
	report(t_allow(fd, ioas, (void *)(uintptr_t)bad_ptr, 1) == -EFAULT,
	       "ALLOW_IOVAS array -> EFAULT");
	t_mock_domain(fd, ioas, NULL, &hwpt, &idev);
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EFAULT && iommufd_pinned_pages() == 0,
	       "MAP of unmapped user memory with a domain -> EFAULT, nothing pinned");
	hi.dev_id = idev;
	report(t_ioctl(fd, IOMMU_GET_HW_INFO, &hi) == -EFAULT, "GET_HW_INFO data -> EFAULT");
	report(t_check_refs(fd, (void *)(uintptr_t)bad_ptr, PG, 0) == -EFAULT,
	       "MD_CHECK_REFS uptr -> EFAULT");
	t_map(fd, ioas, buf, PG, &iova, 0);
	report(t_check_map(fd, hwpt, iova, (void *)(uintptr_t)bad_ptr, PG) == -EFAULT,
	       "MD_CHECK_MAP uptr -> EFAULT");
	t_close(fd);
	t_buf_free(buf, PG);
}

/* Reserved fields and unknown flags: EOPNOTSUPP, checked before anything else. */
KTEST(abi, test_abi_reserved_fields)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd);
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc), .flags = 1 };
	struct iommu_ioas_iova_ranges r = { .size = sizeof(r), .ioas_id = ioas, .__reserved = 1 };
	struct iommu_ioas_allow_iovas al = { .size = sizeof(al), .ioas_id = ioas, .__reserved = 1 };
	struct iommu_ioas_copy cp = { .size = sizeof(cp), .flags = RW | 8 };
	struct iommu_option op = { .size = sizeof(op), .option_id = 0, .__reserved = 1 };
	struct iommu_vfio_ioas vi = { .size = sizeof(vi), .__reserved = 1 };
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha), .__reserved = 1 };
	struct iommu_hw_info hi = { .size = sizeof(hi), .flags = 2 };

	report(t_ioctl(fd, IOMMU_IOAS_ALLOC, &alloc) == -EOPNOTSUPP, "IOAS_ALLOC flags");
	report(t_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &r) == -EOPNOTSUPP, "IOVA_RANGES __reserved");
	report(t_ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &al) == -EOPNOTSUPP, "ALLOW_IOVAS __reserved");
	report(t_ioctl(fd, IOMMU_IOAS_COPY, &cp) == -EOPNOTSUPP, "COPY unknown flag");
	report(t_ioctl(fd, IOMMU_OPTION, &op) == -EOPNOTSUPP, "OPTION __reserved");
	op.__reserved = 0;
	op.option_id = 7;
	report(t_ioctl(fd, IOMMU_OPTION, &op) == -EOPNOTSUPP, "OPTION unknown option");
	op.option_id = IOMMU_OPTION_RLIMIT_MODE;
	op.op = 9;
	report(t_ioctl(fd, IOMMU_OPTION, &op) == -EOPNOTSUPP, "OPTION unknown op");
	op.op = IOMMU_OPTION_OP_GET;
	op.object_id = ioas;
	report(t_ioctl(fd, IOMMU_OPTION, &op) == -EOPNOTSUPP, "RLIMIT_MODE on an object");
	report(t_ioctl(fd, IOMMU_VFIO_IOAS, &vi) == -EOPNOTSUPP, "VFIO_IOAS __reserved");
	vi.__reserved = 0;
	vi.op = 3;
	report(t_ioctl(fd, IOMMU_VFIO_IOAS, &vi) == -EOPNOTSUPP, "VFIO_IOAS unknown op");
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == -EOPNOTSUPP, "HWPT_ALLOC __reserved");
	report(t_ioctl(fd, IOMMU_GET_HW_INFO, &hi) == -EOPNOTSUPP, "GET_HW_INFO unknown flag");
	t_close(fd);
}

/* HWPT_ALLOC: the errno of every wrong argument. */
KTEST(abi, test_abi_hwpt_alloc_errnos)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd), idev, hwpt, stdev;
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha), .pt_id = ioas };

	t_mock_domain(fd, ioas, &stdev, &hwpt, &idev);
	ha.dev_id = 99;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == -ENOENT, "no such device -> ENOENT");
	ha.dev_id = idev;
	ha.data_len = 8;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == -EINVAL, "data_len without data_type -> EINVAL");
	ha.data_type = IOMMU_HWPT_DATA_VTD_S1;
	ha.data_len = 0;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == -EINVAL, "data_type without data -> EINVAL");
	ha.data_len = sizeof(struct iommu_hwpt_vtd_s1);
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == -EOPNOTSUPP, "driver data -> EOPNOTSUPP");
	ha.data_type = 0;
	ha.data_len = 0;
	ha.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == 0 && t_destroy(fd, ha.out_hwpt_id) == 0,
	       "dirty tracking for a mock device that tracks: a HWPT");
	t_mock_domain_flags(fd, ioas, MOCK_FLAGS_DEVICE_NO_DIRTY, NULL, NULL, &ha.dev_id);
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == -EOPNOTSUPP,
	       "dirty tracking for a device without it -> EOPNOTSUPP");
	ha.dev_id = idev;
	ha.flags = 0;
	ha.pt_id = hwpt;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == -EOPNOTSUPP, "nesting on a HWPT -> EOPNOTSUPP");
	ha.pt_id = idev;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == -EINVAL, "pt_id a device -> EINVAL");
	ha.pt_id = ioas;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == 0 && ha.out_hwpt_id > hwpt, "a paging HWPT");
	report(t_destroy(fd, ha.out_hwpt_id) == 0, "unused: destroyable");
	t_close(fd);
}

/*
 * HWPT_ALLOC as Linux 6.12 orders it: a pt_id naming nothing is EINVAL (not
 * ENOENT); a nesting request is EOPNOTSUPP without data, then EINVAL when
 * the parent is an automatic or non-NEST_PARENT HWPT, before the driver is
 * asked; __reserved2 is not checked.
 */
KTEST(abi, test_abi_hwpt_alloc_linux_order)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	int fd = t_open();
	u32 ioas = t_ioas(fd), idev, auto_hwpt, plain, parent;
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha), .pt_id = ioas };
	long ret;

	t_mock_domain(fd, ioas, NULL, &auto_hwpt, &idev);
	ha.dev_id = idev;
	ha.pt_id = 9999;
	ret = t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha);
	report(ret == -EINVAL, "pt_id naming no object -> EINVAL (%ld)", ret);
	ha.pt_id = ioas;
	ha.__reserved2 = 0xdead;
	ret = t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha);
	plain = ha.out_hwpt_id;
	report(ret == 0, "__reserved2 is ignored, as Linux does (%ld)", ret);
	ha.__reserved2 = 0;
	ha.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == 0, "a NEST_PARENT paging HWPT");
	parent = ha.out_hwpt_id;
	ha.flags = 0;
	ha.data_type = IOMMU_HWPT_DATA_SELFTEST;
	ha.data_len = sizeof(data);
	ha.data_uptr = U(&data);
	ha.pt_id = auto_hwpt;
	ret = t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha);
	report(ret == -EINVAL, "nesting on the automatic HWPT -> EINVAL (%ld)", ret);
	ha.pt_id = plain;
	ret = t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha);
	report(ret == -EINVAL, "nesting on a HWPT without NEST_PARENT -> EINVAL (%ld)", ret);
	ha.pt_id = parent;
	ha.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	ret = t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha);
	report(ret == -EOPNOTSUPP, "a flag other than FAULT_ID_VALID on a nested one -> EOPNOTSUPP");
	ha.flags = 0;
	ret = t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha);
	report(ret == 0, "a proper parent: a nested HWPT (%ld)", ret);
	report(t_destroy(fd, parent) == -EBUSY, "the parent is busy while it has a child");
	t_close(fd);
}

/* Class 28: the exact result of each VFIO query, not just "not negative". */
KTEST(abi, test_abi_vfio_exact_returns)
{
	static const struct {
		unsigned long ext;
		long want;
	} ext[] = {
		{ VFIO_TYPE1_IOMMU, 1 }, { VFIO_TYPE1v2_IOMMU, 1 }, { VFIO_UNMAP_ALL, 1 },
		{ VFIO_TYPE1_NESTING_IOMMU, 0 }, { VFIO_UPDATE_VADDR, 0 }, { VFIO_SPAPR_TCE_IOMMU, 0 },
		{ VFIO_NOIOMMU_IOMMU, 0 }, { 12345, 0 }, { VFIO_DMA_CC_IOMMU, -ENODEV },
	};
	int fd = t_open(), bad = 0;
	u32 ioas = t_ioas(fd);

	report(t_ioctl(fd, VFIO_GET_API_VERSION, NULL) == VFIO_API_VERSION, "API version 0");
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		bad += t_ioctl(fd, VFIO_CHECK_EXTENSION, (void *)ext[i].ext) != ext[i].want;
	report(!bad, "CHECK_EXTENSION answers 1, 0 or ENODEV exactly");
	t_vfio_ioas_set(fd, ioas);
	t_mock_domain(fd, ioas, NULL, NULL, NULL);
	report(t_ioctl(fd, VFIO_CHECK_EXTENSION, (void *)VFIO_DMA_CC_IOMMU) == 1,
	       "DMA_CC_IOMMU with a coherent domain -> 1");
	report(t_ioctl(fd, VFIO_SET_IOMMU, (void *)VFIO_SPAPR_TCE_IOMMU) == -EINVAL,
	       "SET_IOMMU of a type not emulated -> EINVAL");
	report(t_ioctl(fd, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU) == 0, "SET_IOMMU type1v2 -> 0");
	t_close(fd);
}

/* Class 25 and 27: GET_INFO never leaks padding; type1 rules, table-driven. */
KTEST(abi, test_abi_vfio_info_and_type1_rules)
{
	static u8 info[256];
	struct vfio_iommu_type1_info *i = (void *)info;
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m), .iova = MOCK_APERTURE_START,
					      .flags = VFIO_DMA_MAP_FLAG_READ };
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u) };
	u8 *buf = t_buf(4 * PG);
	int fd = t_open();
	u32 ioas = t_ioas(fd);

	t_vfio_ioas_set(fd, ioas);
	t_mock_domain(fd, ioas, NULL, NULL, NULL);
	memset(info, 0xa5, sizeof(info));
	i->argsz = sizeof(info);
	report(t_ioctl(fd, VFIO_IOMMU_GET_INFO, info) == 0 && i->pad == 0 &&
	       i->iova_pgsizes == PG && i->cap_offset == sizeof(*i),
	       "info: padding zeroed, PAGE_SIZE pages, caps right after (class 25)");
	report(info[i->argsz] == 0xa5, "nothing written past the caps");
	m.vaddr = U(buf);
	m.size = 1000;
	report(t_ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) == -EINVAL, "size not a page multiple -> EINVAL");
	m.size = 4 * PG;
	m.flags = 0;
	report(t_ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) == -EINVAL, "neither READ nor WRITE -> EINVAL");
	m.flags = VFIO_DMA_MAP_FLAG_READ;
	report(t_ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) == 0, "map 4 pages read-only");
	u.iova = MOCK_APERTURE_START + PG;
	u.size = PG;
	report(t_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == -ENOENT && u.size == 0,
	       "type1v2: unmap inside a mapping -> ENOENT, size 0");
	u.flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	report(t_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == -EINVAL, "dirty bitmap flag -> EINVAL");
	u.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	report(t_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == -EINVAL, "UNMAP_ALL with a range -> EINVAL");
	u.iova = u.size = 0;
	report(t_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == 0 && u.size == 4 * PG, "UNMAP_ALL");
	report(t_ioctl(fd, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU) == 0,
	       "type1 (v0) while nothing is mapped");
	m.flags = VFIO_DMA_MAP_FLAG_READ;
	t_ioctl(fd, VFIO_IOMMU_MAP_DMA, &m);
	u.flags = 0;
	u.iova = MOCK_APERTURE_START + PG;
	u.size = PG;
	report(t_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == 0 && u.size == PG,
	       "type1: unmap inside a mapping cuts it");
	report(t_ioctl(fd, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU) == 0, "back to type1v2 mode");
	t_close(fd);
	t_buf_free(buf, 4 * PG);
}

/*
 * Linux (6.6+) puts every capability of VFIO_IOMMU_GET_INFO on an 8-byte
 * boundary: DMA_AVAIL is 12 bytes but the next cap starts 16 bytes later,
 * and the 4 padding bytes are left as the caller had them.
 */
KTEST(abi, test_abi_vfio_info_caps_8_byte_aligned)
{
	static u8 info[256];
	struct vfio_iommu_type1_info *i = (void *)info;
	struct vfio_iommu_type1_info_dma_avail *dma = (void *)(info + sizeof(*i));
	struct vfio_iommu_type1_info_cap_iova_range *iovas = (void *)(info + sizeof(*i) + 16);
	size_t total = sizeof(*i) + 16 + sizeof(*iovas) + sizeof(struct vfio_iova_range);
	int fd = t_open();
	u32 ioas = t_ioas(fd);
	long ret;

	t_vfio_ioas_set(fd, ioas);
	t_mock_domain(fd, ioas, NULL, NULL, NULL);
	memset(info, 0xa5, sizeof(info));
	i->argsz = sizeof(info);
	ret = t_ioctl(fd, VFIO_IOMMU_GET_INFO, info);
	report(ret == 0 && i->argsz == total && i->cap_offset == sizeof(*i),
	       "whole chain: argsz %u (Linux: %zu)", i->argsz, total);
	report(dma->header.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
	       dma->header.next == sizeof(*i) + 16 && info[sizeof(*i) + sizeof(*dma)] == 0xa5,
	       "DMA_AVAIL's next is 8-byte aligned (%u), its padding untouched",
	       dma->header.next);
	report(iovas->header.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE && !iovas->header.next &&
	       iovas->nr_iovas == 1 && iovas->iova_ranges[0].start == MOCK_APERTURE_START &&
	       iovas->iova_ranges[0].end == MOCK_APERTURE_LAST && info[total] == 0xa5,
	       "IOVA_RANGE cap at the aligned offset, nothing written past the chain");
	memset(info, 0xa5, sizeof(info));
	i->argsz = sizeof(*i) + sizeof(*dma);
	report(t_ioctl(fd, VFIO_IOMMU_GET_INFO, info) == 0 && i->argsz == total &&
	       !i->cap_offset && dma->header.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
	       info[sizeof(*i) + sizeof(*dma)] == 0xa5,
	       "argsz ending at DMA_AVAIL's end: cap written, no chain offset, full size told");
	t_close(fd);
}

/* Class 29: odd sizes and alignments are refused cleanly, never trapped on. */
KTEST(abi, test_abi_odd_sizes)
{
	static const u64 lens[] = { 0, 1, 3, 1ULL << 63, ~0ULL - 1, ~0ULL };
	u8 *buf = t_buf(PG);
	int fd = t_open(), bad = 0;
	u32 ioas = t_ioas(fd), hwpt;

	t_mock_domain(fd, ioas, NULL, &hwpt, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		u64 iova = 0;

		bad += t_map(fd, ioas, buf, lens[i], &iova, 0) == 0;
		bad += t_map_fixed(fd, ioas, buf, lens[i], MOCK_APERTURE_START) == 0;
		bad += t_unmap(fd, ioas, MOCK_APERTURE_START, lens[i], NULL) == 0;
		bad += lens[i] < PG && t_check_refs(fd, buf, lens[i], 0) == 0 && lens[i];
		bad += t_check_map(fd, hwpt, MOCK_APERTURE_START, buf, lens[i]) == 0 && lens[i];
	}
	report(!bad && iommufd_pinned_pages() == 0, "lengths 0, 1, 3, 2^63, ~0 all refused");
	t_close(fd);
	t_buf_free(buf, PG);
}

/* The fd layer itself: paths, bad fds, registration, files outliving their fd. */
static long echo_ioctl(struct sim_file *f, unsigned int cmd, u64 arg)
{
	return cmd == 1 ? (long)arg : -ENOIOCTLCMD;
}

static int released;

static void echo_release(struct sim_file *f)
{
	released++;
}

static const struct sim_file_ops echo_ops = {
	.name = "echo", .ioctl = echo_ioctl, .release = echo_release,
};

KTEST(abi, test_abi_sim_fd_table)
{
	struct sim_node node = { .path = "/dev/test-echo", .ops = &echo_ops };
	struct sim_node dup = { .path = "/dev/iommu", .ops = &echo_ops };
	struct sim_file *f;
	int fd;

	report(sim_open("/dev/nonexistent", 0) == -ENOENT, "unknown path -> ENOENT");
	report(sim_ioctl(12345, 0, 0) == -EBADF && sim_close(12345) == -EBADF, "bad fd -> EBADF");
	report(sim_register_node(&dup) == -EEXIST, "a taken path -> EEXIST");
	report(sim_register_node(&node) == 0, "register a node");
	fd = sim_open("/dev/test-echo", 0);
	report(fd >= 3, "open it (fd %d)", fd);
	report(sim_ioctl(fd, 1, 42) == 42 && sim_ioctl(fd, 2, 0) == -ENOTTY,
	       "ioctl results pass through; ENOIOCTLCMD becomes ENOTTY");
	released = 0;
	f = sim_fget(fd);
	report(sim_close(fd) == 0 && released == 0, "close while a reference is held: no release yet");
	report(sim_ioctl(fd, 1, 1) == -EBADF, "the fd is gone");
	sim_fput(f);
	report(released == 1, "the last reference releases the file");
	report(sim_open("/dev/test-echo", 0) == fd, "the lowest free fd is reused");
	sim_close(fd);
	sim_unregister_node(&node);
	report(sim_open("/dev/test-echo", 0) == -ENOENT, "unregistered -> ENOENT");
}
