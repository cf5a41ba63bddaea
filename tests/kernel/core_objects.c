// SPDX-License-Identifier: MIT
/*
 * core suite: object lifetimes. IDs, DESTROY and EBUSY, objects invisible
 * until finalized, aborted builds, closing the fd with a deep graph of
 * IOAS/HWPT/device/access, and the release loop's no-progress check.
 */
#include "tests/kernel/core_util.h"
#include "core/iommufd_private.h"
#include "iommu/mock/mock.h"

KTEST(core, test_core_ioas_alloc_destroy)
{
	int fd = t_open();
	u32 a = t_ioas(fd), b = t_ioas(fd);

	report(a == 1 && b == 2, "IDs start at 1 and count up (%u, %u)", a, b);
	report(t_destroy(fd, a) == 0, "DESTROY of an unused IOAS -> 0");
	report(t_destroy(fd, a) == -ENOENT, "DESTROY again -> ENOENT (class 2)");
	report(t_destroy(fd, 0) == -ENOENT, "DESTROY id 0 -> ENOENT");
	report(t_ioas(fd) == a, "a freed ID is handed out again");
	t_close(fd);
}

/* Class 2: DESTROY takes no counted reference; EBUSY changes nothing. */
KTEST(core, test_core_destroy_busy_keeps_object)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd), stdev, hwpt, idev;
	void *buf = t_buf(PAGE_SIZE);
	struct iommufd_ctx *ictx = t_ctx(fd);
	u64 before, iova = MOCK_APERTURE_START;

	t_mock_domain(fd, ioas, &stdev, &hwpt, &idev);
	before = iommufd_test_digest(ictx);
	report(t_destroy(fd, ioas) == -EBUSY, "IOAS under a HWPT -> EBUSY");
	report(t_destroy(fd, hwpt) == -EBUSY, "HWPT under a device -> EBUSY");
	report(t_destroy(fd, idev) == -EBUSY, "a bound DEVICE cannot be destroyed by the user");
	report(iommufd_test_digest(ictx) == before, "failed DESTROYs change nothing, no users leaked");
	report(t_map_fixed(fd, ioas, buf, PAGE_SIZE, iova) == 0 &&
	       t_check_map(fd, hwpt, iova, buf, PAGE_SIZE) == 0, "the IOAS still works");
	report(t_destroy(fd, stdev) == 0, "the mock device goes");
	report(t_destroy(fd, hwpt) == -ENOENT, "its automatic HWPT went with it");
	report(t_destroy(fd, idev) == -ENOENT, "and the DEVICE object");
	report(t_destroy(fd, ioas) == 0, "then the IOAS can go");
	t_close(fd);
	t_buf_free(buf, PAGE_SIZE);
}

/* An object is invisible until finalized, and its ID is reserved meanwhile. */
KTEST(core, test_core_object_invisible_until_finalized)
{
	int fd = t_open();
	struct iommufd_ctx *ictx = t_ctx(fd);
	struct iommufd_ioas *ioas = iommufd_ioas_alloc(ictx);
	struct iommufd_object *obj;
	u32 id = ioas->obj.id, next;

	obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_ANY);
	report(IS_ERR(obj) && PTR_ERR(obj) == -ENOENT, "lookup of a building object -> ENOENT");
	report(t_destroy(fd, id) == -ENOENT, "DESTROY of it -> ENOENT");
	next = t_ioas(fd);
	report(next != id, "its ID is not handed out twice (%u vs %u)", next, id);
	iommufd_object_finalize(ictx, &ioas->obj);
	obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_IOAS);
	report(!IS_ERR(obj), "visible after finalize");
	if (!IS_ERR(obj))
		iommufd_put_object(ictx, obj);
	report(t_destroy(fd, id) == 0 && t_destroy(fd, next) == 0, "both destroyable");
	/* an aborted build frees its ID and leaves nothing (class 7) */
	report(t_mock_domain(fd, 999, NULL, NULL, NULL) == -ENOENT,
	       "MOCK_DOMAIN on a missing IOAS -> ENOENT (the object is aborted)");
	report(t_ioas(fd) == 1, "the aborted object's ID is free again");
	t_close(fd);
}

/*
 * Class 4: a deep graph (two IOAS, automatic and allocated HWPTs, devices,
 * accesses with pins, copies, the VFIO IOAS) goes away on close, in either
 * order of closing the iommufd and the access fds. Counters prove it.
 */
KTEST(core, test_core_close_deep_graph)
{
	void *buf = t_buf(16 * PAGE_SIZE);

	for (int order = 0; order < 2; order++) {
		struct iommu_hwpt_alloc ha = { .size = sizeof(ha) };
		int fd = t_open(), afd;
		u32 a = t_ioas(fd), b = t_ioas(fd), idev, hwpt, pin, stdev2;
		u64 iova = MOCK_APERTURE_START, copy = MOCK_APERTURE_START + (1 << 20);
		int bad = 0;

		bad += t_mock_domain(fd, a, NULL, &hwpt, &idev);
		ha.dev_id = idev;
		ha.pt_id = b;
		bad += (int)t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha);
		bad += t_mock_domain(fd, ha.out_hwpt_id, &stdev2, NULL, NULL);
		bad += t_map_fixed(fd, a, buf, 16 * PAGE_SIZE, iova);
		bad += t_copy(fd, b, a, iova, 16 * PAGE_SIZE, &copy, RW | IOMMU_IOAS_MAP_FIXED_IOVA);
		bad += t_create_access(fd, b, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
		bad += t_access_pages(fd, afd, copy, 4 * PAGE_SIZE, buf, 0, &pin);
		bad += t_vfio_ioas_set(fd, a);
		bad += t_check_refs(fd, buf, 16 * PAGE_SIZE, 1);
		report(!bad, "graph built (order %d)", order);
		if (order == 0) {
			t_close(fd);
			report(iommufd_live_objects() > 0, "the access fd keeps the context alive");
			t_close(afd);
		} else {
			t_close(afd);
			t_close(fd);
		}
		report(iommufd_live_objects() == 0 && iommufd_pinned_pages() == 0,
		       "everything destroyed and unpinned");
	}
	t_buf_free(buf, 16 * PAGE_SIZE);
}

/* The release loop stops on a graph it cannot shrink and says so. */
KTEST(core, test_core_release_reports_refcount_bug)
{
	struct iommufd_ctx *ictx = iommufd_ctx_alloc();
	struct iommufd_ioas *stuck = iommufd_ioas_alloc(ictx), *fine = iommufd_ioas_alloc(ictx);
	unsigned long warnings = plat_warn_count();

	iommufd_object_finalize(ictx, &stuck->obj);
	iommufd_object_finalize(ictx, &fine->obj);
	refcount_inc(&stuck->obj.users);	/* a user nobody will ever drop */
	ktest_expect_warnings(1);
	iommufd_ctx_put(ictx);
	report(plat_warn_count() == warnings + 1, "the stuck pass is reported, the loop ends");
	report(iommufd_live_objects() == 1, "only the stuck object is left (%ld)",
	       iommufd_live_objects());
	/* clean up by hand what the buggy count kept alive */
	iommufd_ioas_destroy(&stuck->obj);
	iommufd_test_free_object(&stuck->obj);
	report(iommufd_live_objects() == 0, "cleaned up");
}

/* Devices: bind claims the device; a second bind is EBUSY; unbind detaches. */
KTEST(core, test_core_device_bind_attach_detach)
{
	int fd = t_open();
	struct iommufd_ctx *ictx = t_ctx(fd);
	struct iommu_dev *dev = mock_dev_create(0);
	struct iommufd_device *idev, *again;
	u32 id, id2, ioas = t_ioas(fd), pt = ioas;

	idev = iommufd_device_bind(ictx, dev, &id);
	report(!IS_ERR(idev) && iommufd_device_to_id(idev) == id, "bind -> DEVICE %u", id);
	again = iommufd_device_bind(ictx, dev, &id2);
	report(IS_ERR(again) && PTR_ERR(again) == -EBUSY, "second bind -> EBUSY");
	report(iommufd_device_attach(idev, &pt) == 0 && pt != ioas,
	       "attach to an IOAS makes an automatic HWPT (%u)", pt);
	report(iommufd_device_attach(idev, &pt) == -EINVAL, "attach twice -> EINVAL");
	report(t_destroy(fd, ioas) == -EBUSY, "the IOAS is busy");
	iommufd_device_unbind(idev);
	report(t_destroy(fd, pt) == -ENOENT, "unbind detached and freed the automatic HWPT");
	report(t_destroy(fd, ioas) == 0, "the IOAS is free");
	mock_dev_destroy(dev);
	t_close(fd);
}

/* Class 5: two devices on one automatic HWPT; it is listed once and dies with the last. */
KTEST(core, test_core_shared_auto_hwpt_listed_once)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd), s1, s2, h1, h2;

	report(t_mock_domain(fd, ioas, &s1, &h1, NULL) == 0 &&
	       t_mock_domain(fd, ioas, &s2, &h2, NULL) == 0 && h1 == h2,
	       "the second device reuses the first one's HWPT");
	report(t_destroy(fd, s1) == 0 && t_destroy(fd, h1) == -EBUSY, "still used by the other");
	report(t_destroy(fd, s2) == 0 && t_destroy(fd, h1) == -ENOENT, "gone with the last device");
	report(t_mock_domain(fd, ioas, &s1, &h2, NULL) == 0 && t_destroy(fd, s1) == 0,
	       "a new device makes a fresh one (the list held no stale entry)");
	report(t_destroy(fd, ioas) == 0, "the IOAS is free");
	t_close(fd);
}

/*
 * Class 13: a device's reserved regions become reserved IOVA of whatever it
 * attaches to, by any path; class 24: a failed replace leaves it where it was.
 */
KTEST(core, test_core_device_resv_regions_and_replace)
{
	int fd = t_open();
	struct iommufd_ctx *ictx = t_ctx(fd);
	struct iommu_dev *dev = mock_dev_create(MOCK_FLAGS_DEVICE_NO_DIRTY);
	struct iommu_dev *huge = mock_dev_create(MOCK_FLAGS_DEVICE_HUGE_IOVA);
	u32 a = t_ioas(fd), b = t_ioas(fd), id, hid, pt;
	struct iommufd_device *idev, *hdev;
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha) };
	void *buf = t_buf(PAGE_SIZE);
	struct iommu_domain *before;

	mock_dev_add_resv(dev, 0x20000000, 0x100000, IOMMU_RESV_MSI);
	idev = iommufd_device_bind(ictx, dev, &id);
	hdev = iommufd_device_bind(ictx, huge, &hid);
	t_map_fixed(fd, b, buf, PAGE_SIZE, 0x20010000);
	pt = b;
	report(iommufd_device_attach(idev, &pt) == -EADDRINUSE,
	       "attach to an IOAS mapping the MSI window -> EADDRINUSE");
	pt = a;
	report(iommufd_device_attach(idev, &pt) == 0, "attach to a clean IOAS");
	report(t_map_fixed(fd, a, buf, PAGE_SIZE, 0x20010000) == -EINVAL,
	       "mapping into the window -> EINVAL");
	before = dev->domain;
	pt = b;
	report(iommufd_device_replace(idev, &pt) == -EADDRINUSE && dev->domain == before,
	       "replace onto the mapped IOAS -> EADDRINUSE, still on the old domain");
	ha.dev_id = hid;
	ha.pt_id = a;
	ha.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	report(t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) == 0, "a dirty-tracking HWPT for another device");
	pt = ha.out_hwpt_id;
	report(iommufd_device_replace(idev, &pt) == -EINVAL && dev->domain == before,
	       "replace of a device without dirty tracking onto it -> EINVAL, still as before");
	report(t_map_fixed(fd, a, buf, PAGE_SIZE, 0x20010000) == -EINVAL,
	       "its reserved window is still enforced");
	iommufd_device_detach(idev);
	report(t_map_fixed(fd, a, buf, PAGE_SIZE, 0x20010000) == 0, "after detach the window is free");
	report(t_destroy(fd, ha.out_hwpt_id) == 0, "the spare HWPT goes");
	iommufd_device_unbind(hdev);
	iommufd_device_unbind(idev);
	mock_dev_destroy(huge);
	mock_dev_destroy(dev);
	t_close(fd);
	t_buf_free(buf, PAGE_SIZE);
}
