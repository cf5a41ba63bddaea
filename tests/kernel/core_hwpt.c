// SPDX-License-Identifier: MIT
/*
 * core suite, the 6.7-6.12 ioctls beyond Linux's selftest: nested HWPTs and
 * HWPT_INVALIDATE (entry arrays, partial progress), fault queues (read and
 * write rules, cookies, answers on close and detach), dirty tracking (range
 * checks, unaligned and bad bitmaps), GET_HW_INFO types, PASIDs, caps.
 */
#include "tests/kernel/core_util.h"
#include "lib/failpoint.h"

#define PG PAGE_SIZE
#define BASE MOCK_APERTURE_START

/* One mock device on a new IOAS, and a HWPT on it with flags (0 or -errno). */
struct hw {
	int fd;
	u32 ioas, stdev, idev, auto_hwpt;
};

static void hw_setup(struct hw *h, u32 dev_flags)
{
	h->fd = t_open();
	h->ioas = t_ioas(h->fd);
	t_mock_domain_flags(h->fd, h->ioas, dev_flags, &h->stdev, &h->auto_hwpt, &h->idev);
}

static long hwpt(struct hw *h, u32 pt, u32 flags, u32 data_type, void *data, u32 len,
		 u32 fault_id, u32 *out)
{
	struct iommu_hwpt_alloc c = { .size = sizeof(c), .flags = flags, .dev_id = h->idev,
				      .pt_id = pt, .data_type = data_type, .data_len = len,
				      .data_uptr = U(data), .fault_id = fault_id };
	long r = t_ioctl(h->fd, IOMMU_HWPT_ALLOC, &c);

	if (!r && out)
		*out = c.out_hwpt_id;
	return r;
}

static long invalidate(struct hw *h, u32 id, void *reqs, u32 type, u32 len, u32 *num)
{
	struct iommu_hwpt_invalidate c = { .size = sizeof(c), .hwpt_id = id,
					   .data_uptr = U(reqs), .data_type = type,
					   .entry_len = len, .entry_num = *num };
	long r = t_ioctl(h->fd, IOMMU_HWPT_INVALIDATE, &c);

	*num = c.entry_num;
	return r;
}

static long iotlb(struct hw *h, u32 id, u32 entry, u32 want)
{
	struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_MD_CHECK_IOTLB,
				    .id = id, .check_iotlb = { .id = entry, .iotlb = want } };

	return t_ioctl(h->fd, IOMMU_TEST_CMD, &c);
}

KTEST(core, test_core_hwpt_nested_and_invalidate)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_invalidate_selftest reqs[3] = { { 0, 0 }, { 0, 2 }, { 0, 9 } };
	struct { struct iommu_hwpt_selftest d; u32 tail; } big = { data, 1 };
	u32 parent = 0, nested = 0, n;
	struct hw h;

	hw_setup(&h, 0);
	report(hwpt(&h, h.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, 0, &parent) == 0,
	       "a NEST_PARENT HWPT");
	report(hwpt(&h, parent, 0, IOMMU_HWPT_DATA_SELFTEST, &big, sizeof(big), 0, NULL) ==
	       -EINVAL, "data longer than the driver's struct -> EINVAL");
	report(hwpt(&h, parent, 0, IOMMU_HWPT_DATA_SELFTEST, (void *)t_unmapped(PG),
		    sizeof(data), 0, NULL) == -EFAULT, "data at a bad pointer -> EFAULT");
	report(hwpt(&h, parent, IOMMU_HWPT_FAULT_ID_VALID, IOMMU_HWPT_DATA_SELFTEST, &data,
		    sizeof(data), parent, NULL) == -ENOENT, "fault_id naming a HWPT -> ENOENT");
	report(hwpt(&h, parent, 0, IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data), 0, &nested) == 0,
	       "a nested HWPT");
	report(iotlb(&h, nested, 3, IOMMU_TEST_IOTLB_DEFAULT) == 0 &&
	       iotlb(&h, nested, 4, IOMMU_TEST_IOTLB_DEFAULT) == -EINVAL &&
	       iotlb(&h, parent, 0, IOMMU_TEST_IOTLB_DEFAULT) == -ENOENT,
	       "MD_CHECK_IOTLB: entry 3 set, entry 4 -> EINVAL, a paging HWPT -> ENOENT");
	n = 3;
	report(invalidate(&h, nested, reqs, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, sizeof(reqs[0]),
			  &n) == -EINVAL && n == 2, "a bad third entry: EINVAL, two done");
	report(iotlb(&h, nested, 0, 0) == 0 && iotlb(&h, nested, 2, 0) == 0 &&
	       iotlb(&h, nested, 1, IOMMU_TEST_IOTLB_DEFAULT) == 0,
	       "exactly the entries of the two done were invalidated");
	n = 1;
	report(invalidate(&h, nested, reqs, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, PG + 1, &n) ==
	       -EINVAL && n == 0, "entry_len above PAGE_SIZE -> EINVAL, none done");
	n = (1U << 19) + 1;
	report(invalidate(&h, nested, reqs, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, sizeof(reqs[0]),
			  &n) == -EINVAL && n == 0, "entry_num above 2^19 -> EINVAL");
	n = 2;
	report(invalidate(&h, nested, (void *)t_unmapped(PG), IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
			  sizeof(reqs[0]), &n) == -EFAULT && n == 0, "entries at a bad pointer -> EFAULT");
	n = 1;
	report(invalidate(&h, 999, reqs, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, sizeof(reqs[0]), &n) ==
	       -ENOENT && n == 0, "no such HWPT -> ENOENT, entry_num 0");
	report(t_destroy(h.fd, parent) == -EBUSY && t_destroy(h.fd, nested) == 0 &&
	       t_destroy(h.fd, parent) == 0, "the parent goes after its child");
	t_close(h.fd);
}

/* Page requests waiting on a fault queue, through the sim fd layer. */
static long trigger(struct hw *h, u32 grpid)
{
	struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_TRIGGER_IOPF,
				    .trigger_iopf = { .dev_id = h->idev, .pasid = 0,
						      .grpid = grpid, .perm = 1, .addr = 0x1000 } };

	return t_ioctl(h->fd, IOMMU_TEST_CMD, &c);
}

static int fault_setup(struct hw *h, u32 *fault_id, u32 *nested)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	u32 parent = 0, pt;

	hw_setup(h, 0);
	hwpt(h, h->ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, 0, &parent);
	if (t_ioctl(h->fd, IOMMU_FAULT_QUEUE_ALLOC, &fa))
		return -1;
	*fault_id = fa.out_fault_id;
	hwpt(h, parent, IOMMU_HWPT_FAULT_ID_VALID, IOMMU_HWPT_DATA_SELFTEST, &data,
	     sizeof(data), *fault_id, nested);
	pt = *nested;
	t_replace(h->fd, h->stdev, &pt);
	return (int)fa.out_fault_fd;
}

KTEST(core, test_core_fault_queue)
{
	struct iommu_hwpt_pgfault msg[3];
	struct iommu_hwpt_page_response resp[2];
	struct iommu_fault_alloc fa = { .size = sizeof(fa), .flags = 1 };
	long invalid0 = iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID);
	long ok0 = iommufd_fault_responses(IOMMUFD_PAGE_RESP_SUCCESS);
	u32 fault_id = 0, nested = 0;
	struct hw h;
	int ffd;

	ffd = fault_setup(&h, &fault_id, &nested);
	report(ffd > 0, "a fault queue and its fd");
	report(t_ioctl(h.fd, IOMMU_FAULT_QUEUE_ALLOC, &fa) == -EOPNOTSUPP, "unknown flags -> EOPNOTSUPP");
	report(sim_rw(ffd, U(msg), sizeof(msg), 0, false, false) == 0, "nothing queued: read 0");
	report(trigger(&h, 1) == 0 && trigger(&h, 2) == 0 && trigger(&h, 3) == 0,
	       "three page requests");
	report(sim_rw(ffd, U(msg), sizeof(msg[0]) + 1, 0, false, false) == -ESPIPE,
	       "a count that is no multiple of the message -> ESPIPE");
	report(sim_rw(ffd, U(msg), sizeof(msg[0]), 0, false, true) == -ESPIPE, "pread -> ESPIPE");
	report(sim_rw(ffd, t_unmapped(PG), sizeof(msg[0]), 0, false, false) == -EFAULT,
	       "a bad buffer -> EFAULT, the request stays queued");
	report(sim_rw(ffd, U(msg), 2 * sizeof(msg[0]), 0, false, false) == 2 * sizeof(msg[0]) &&
	       msg[0].grpid == 1 && msg[1].grpid == 2 && msg[0].dev_id == h.idev &&
	       msg[0].cookie && msg[1].cookie && msg[0].cookie != msg[1].cookie &&
	       (msg[0].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE) && msg[0].addr == 0x1000,
	       "two read in order, with distinct cookies and the request's fields");
	resp[0] = (struct iommu_hwpt_page_response){ msg[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS };
	resp[1] = (struct iommu_hwpt_page_response){ msg[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS };
	report(sim_rw(ffd, U(resp), sizeof(resp), 0, true, false) == sizeof(resp[0]) &&
	       iommufd_fault_responses(IOMMUFD_PAGE_RESP_SUCCESS) == ok0 + 1,
	       "answering a cookie twice: the first counts, the write stops at the second");
	resp[0] = (struct iommu_hwpt_page_response){ msg[1].cookie, 7 };
	report(sim_rw(ffd, U(resp), sizeof(resp[0]), 0, true, false) == -EINVAL,
	       "an unknown response code -> EINVAL");
	report(t_destroy(h.fd, fault_id) == -EBUSY, "the queue is busy while its fd is open");
	report(t_close(ffd) == 0 && t_destroy(h.fd, fault_id) == -EBUSY,
	       "and while a HWPT uses it");
	report(iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID) == invalid0,
	       "closing the fd answers nothing while requests may still be read...");
	report(t_destroy(h.fd, h.stdev) == 0 &&
	       iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID) == invalid0 + 2,
	       "...detaching the device answers its two pending requests INVALID");
	report(t_destroy(h.fd, nested) == 0 && t_destroy(h.fd, fault_id) == 0,
	       "then HWPT and queue can go");
	t_close(h.fd);
}

KTEST(core, test_core_fault_queue_close_answers)
{
	long invalid0 = iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID);
	struct iommu_hwpt_pgfault msg;
	u32 fault_id = 0, nested = 0;
	struct hw h;
	int ffd = fault_setup(&h, &fault_id, &nested);

	trigger(&h, 1);
	trigger(&h, 2);
	report(sim_rw(ffd, U(&msg), sizeof(msg), 0, false, false) == sizeof(msg),
	       "one of two requests read");
	report(t_close(h.fd) == 0 && iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID) == invalid0,
	       "the fault fd keeps the context alive after /dev/iommu closes");
	report(t_close(ffd) == 0 && iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID) == invalid0 + 2,
	       "its close answers the read and the unread request INVALID");
}

/* Without a fault HWPT, or when the queue cannot take it, a request is answered at once. */
KTEST(core, test_core_fault_unqueued_answered)
{
	long invalid0 = iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID);
	struct iommu_hwpt_pgfault msg;
	u32 fault_id = 0, nested = 0, pt;
	struct hw h;
	int ffd = fault_setup(&h, &fault_id, &nested);

	failpoint_arm(1);
	report(trigger(&h, 1) == 0, "TRIGGER_IOPF is 0 even when the queue cannot allocate");
	failpoint_arm(0);
	report(sim_rw(ffd, U(&msg), sizeof(msg), 0, false, false) == 0 &&
	       iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID) == invalid0 + 1,
	       "nothing queued, one INVALID answer");
	pt = h.ioas;
	report(t_replace(h.fd, h.stdev, &pt) == 0 && trigger(&h, 2) == 0 &&
	       iommufd_fault_responses(IOMMUFD_PAGE_RESP_INVALID) == invalid0 + 2,
	       "on a paging domain without a queue: answered INVALID");
	t_close(ffd);
	t_close(h.fd);
}

static long dirty_get(struct hw *h, u32 id, u64 iova, u64 len, u64 psz, u64 data, u32 flags)
{
	struct iommu_hwpt_get_dirty_bitmap c = { .size = sizeof(c), .hwpt_id = id, .flags = flags,
						 .iova = iova, .length = len, .page_size = psz,
						 .data = data };

	return t_ioctl(h->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &c);
}

static long dirty_mark(struct hw *h, u32 id, u64 iova, u64 len, const void *bits, u64 *nr)
{
	struct iommu_test_cmd c = { .size = sizeof(c), .op = IOMMU_TEST_OP_DIRTY, .id = id,
				    .dirty = { .iova = iova, .length = len,
					       .page_size = MOCK_PAGE_SIZE, .uptr = U(bits) } };
	long r = t_ioctl(h->fd, IOMMU_TEST_CMD, &c);

	if (!r && nr)
		*nr = c.dirty.out_nr_dirty;
	return r;
}

static long tracking(struct hw *h, u32 id, u32 flags)
{
	struct iommu_hwpt_set_dirty_tracking c = { .size = sizeof(c), .flags = flags,
						   .hwpt_id = id };

	return t_ioctl(h->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &c);
}

KTEST(core, test_core_dirty_tracking_rules)
{
	const u64 len = 64 * MOCK_PAGE_SIZE;
	u8 *buf = t_buf(len), *bitmap = t_buf(PG);
	u64 marks = 0x8000000000000081ULL, nr = 0;
	u32 dirty_hwpt = 0;
	struct hw h;

	hw_setup(&h, 0);
	t_map_fixed(h.fd, h.ioas, buf, len, BASE);
	report(hwpt(&h, h.ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL, 0, 0, &dirty_hwpt) == 0,
	       "a dirty-tracking HWPT over a mapped IOAS");
	report(tracking(&h, dirty_hwpt, 2) == -EOPNOTSUPP, "SET_DIRTY_TRACKING unknown flag");
	report(tracking(&h, h.auto_hwpt, IOMMU_HWPT_DIRTY_TRACKING_ENABLE) == -EOPNOTSUPP,
	       "a HWPT made without dirty tracking -> EOPNOTSUPP");
	report(dirty_mark(&h, dirty_hwpt, BASE, len, &marks, NULL) == -EINVAL,
	       "DIRTY while not tracking -> EINVAL");
	report(tracking(&h, dirty_hwpt, IOMMU_HWPT_DIRTY_TRACKING_ENABLE) == 0, "tracking on");
	report(dirty_mark(&h, dirty_hwpt, BASE, 1ULL << 40, &marks, NULL) == -EOVERFLOW,
	       "DIRTY over 2^28 pages -> EOVERFLOW");
	report(dirty_mark(&h, dirty_hwpt, BASE, len, &marks, &nr) == 0 && nr == 3,
	       "three pages marked written");
	report(dirty_get(&h, dirty_hwpt, BASE + 1, len, MOCK_PAGE_SIZE, U(bitmap), 0) == -EINVAL &&
	       dirty_get(&h, dirty_hwpt, BASE, len, 0, U(bitmap), 0) == -EINVAL &&
	       dirty_get(&h, dirty_hwpt, BASE + MOCK_PAGE_SIZE, len - MOCK_PAGE_SIZE, PG, U(bitmap),
			 0) == -EINVAL,
	       "IOVA unaligned to the IOAS or to page_size, page_size 0 -> EINVAL");
	report(dirty_get(&h, dirty_hwpt, U64_MAX - PG + 1, 2 * PG, PG, U(bitmap), 0) == -EOVERFLOW,
	       "a range past 2^64 -> EOVERFLOW");
	/* (Linux has read and cleared the mapped part by then: NO_CLEAR keeps the marks) */
	report(dirty_get(&h, dirty_hwpt, BASE, len + PG, MOCK_PAGE_SIZE, U(bitmap),
			 IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) == -EINVAL,
	       "a range running past the mapping -> EINVAL");
	report(dirty_get(&h, dirty_hwpt, BASE, len, MOCK_PAGE_SIZE, t_unmapped(PG), 0) == -EFAULT,
	       "a bitmap at a bad pointer -> EFAULT (before anything is cleared)");
	report(dirty_get(&h, h.auto_hwpt, BASE, len, MOCK_PAGE_SIZE, U(bitmap), 0) == -EOPNOTSUPP,
	       "GET_DIRTY_BITMAP of a HWPT without tracking -> EOPNOTSUPP");
	memset(bitmap, 0, PG);
	report(dirty_get(&h, dirty_hwpt, BASE, len, MOCK_PAGE_SIZE, U(bitmap + 3),
			 IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) == 0 &&
	       bitmap[3] == 0x81 && bitmap[10] == 0x80 && bitmap[2] == 0 && bitmap[11] == 0,
	       "an odd bitmap address gets exactly the three bits (%#x %#x)", bitmap[3], bitmap[10]);
	memset(bitmap, 0xff, PG);
	report(dirty_get(&h, dirty_hwpt, BASE, len, PG, U(bitmap), 0) == 0 &&
	       bitmap[1] == 0xff && bitmap[4] == 0xff,
	       "bits are ORed in: the user's set bits stay set, inside the range and past it");
	memset(bitmap, 0, PG);
	report(dirty_get(&h, dirty_hwpt, BASE, len, MOCK_PAGE_SIZE, U(bitmap), 0) == 0 &&
	       mem_is_zero(bitmap, PG), "the read without NO_CLEAR cleared them");
	report(tracking(&h, dirty_hwpt, 0) == 0 && t_destroy(h.fd, dirty_hwpt) == 0,
	       "tracking off, HWPT gone");
	t_close(h.fd);
	t_buf_free(buf, len);
	t_buf_free(bitmap, PG);
}

static long hw_info(struct hw *h, u32 dev, u32 flags, u32 type, struct iommu_hw_info *c)
{
	struct iommu_test_hw_info data;

	*c = (struct iommu_hw_info){ .size = sizeof(*c), .flags = flags, .dev_id = dev,
				     .data_len = sizeof(data), .data_uptr = U(&data),
				     .in_data_type = type };
	return t_ioctl(h->fd, IOMMU_GET_HW_INFO, c);
}

KTEST(core, test_core_hw_info_types_pasid_caps)
{
	struct iommu_hw_info c;
	u32 pasid_dev, nodirty_dev;
	struct hw h;

	hw_setup(&h, 0);
	t_mock_domain_flags(h.fd, h.ioas, MOCK_FLAGS_DEVICE_PASID, NULL, NULL, &pasid_dev);
	t_mock_domain_flags(h.fd, h.ioas, MOCK_FLAGS_DEVICE_NO_DIRTY, NULL, NULL, &nodirty_dev);
	report(hw_info(&h, h.idev, 0, 0x1234, &c) == 0 &&
	       c.out_data_type == IOMMU_HW_INFO_TYPE_SELFTEST,
	       "without INPUT_TYPE the type field is ignored");
	report(hw_info(&h, h.idev, IOMMU_HW_INFO_FLAG_INPUT_TYPE, IOMMU_HW_INFO_TYPE_INTEL_VTD,
		       &c) == -EOPNOTSUPP, "INPUT_TYPE of a type the IOMMU lacks -> EOPNOTSUPP");
	report(hw_info(&h, h.idev, IOMMU_HW_INFO_FLAG_INPUT_TYPE, IOMMU_HW_INFO_TYPE_SELFTEST,
		       &c) == 0 && c.data_len == sizeof(struct iommu_test_hw_info),
	       "INPUT_TYPE of its own type");
	report(c.out_max_pasid_log2 == 0 && (c.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING),
	       "a plain mock device: no PASIDs, dirty tracking");
	report(hw_info(&h, pasid_dev, 0, 0, &c) == 0 && c.out_max_pasid_log2 == MOCK_PASID_WIDTH,
	       "a PASID-capable one: %u-bit PASIDs", c.out_max_pasid_log2);
	report(hw_info(&h, nodirty_dev, 0, 0, &c) == 0 &&
	       !(c.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING),
	       "a device without dirty tracking says so");
	t_close(h.fd);
}
