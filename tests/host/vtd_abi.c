// SPDX-License-Identifier: MIT
/*
 * vtd-abi (hosted): Linux's /dev/iommu ABI for scalable-mode VT-d, through
 * the real ioctl dispatch and core onto the VT-d driver and the software
 * unit: GET_HW_INFO (struct iommu_hw_info_vtd), IOMMU_HWPT_ALLOC of a
 * nested HWPT with IOMMU_HWPT_DATA_VTD_S1 on a NEST_PARENT (the guest's
 * tables in user memory, walked by the unit), IOMMU_HWPT_INVALIDATE,
 * second-stage dirty tracking, and a device's PASID attached to another
 * address space than its RID, as a ring-3 VFIO program sets them up.
 */
#include <string.h>
#include "arch/host/host.h"
#include "core/iommufd.h"
#include "lib/alloc.h"
#include "lib/failpoint.h"
#include "iommu/vtd/vtd.h"
#include "tests/host/hostutil.h"
#include "tests/host/vtd_hw.h"
#include "tests/host/vtd_rig.h"
#include "tests/kernel/core_util.h"

#define PSZ 4096UL
#define GPA_T 0x10000000ULL	/* the guest's first-stage tables */
#define GPA_D 0x20000000ULL	/* its data page */
#define FS_TABLE (VTD_FS_P | VTD_FS_RW | VTD_FS_US)

/* A /dev/iommu fd with one rig device bound to it (what VFIO_DEVICE_BIND_IOMMUFD does). */
struct env {
	int fd;
	struct iommufd_device *idev;
	u32 dev;
};

static bool env_open(struct env *e, u64 cap, u64 ecap, int dev)
{
	e->fd = -1;
	e->idev = NULL;
	if (!vtd_rig_sm_up(cap, ecap, ""))
		return false;
	e->fd = t_open();
	e->idev = iommufd_device_bind(t_ctx(e->fd), &vtd_rig->dev[dev], &e->dev);
	report(!IS_ERR(e->idev), "%s bound, device %u", vtd_rig->dev[dev].name, e->dev);
	if (IS_ERR(e->idev))
		e->idev = NULL;
	return e->idev;
}

static void env_close(struct env *e)
{
	if (e->idev)
		iommufd_device_unbind(e->idev);
	if (e->fd >= 0)
		t_close(e->fd);
	vtd_rig_down();
}

static long hwpt_alloc(int fd, u32 dev, u32 pt, u32 flags, u32 type, const void *data, u32 len,
		       u32 *id)
{
	struct iommu_hwpt_alloc a = { .size = sizeof(a), .flags = flags, .dev_id = dev, .pt_id = pt,
				      .data_type = type, .data_len = len, .data_uptr = U(data) };
	long ret = t_ioctl(fd, IOMMU_HWPT_ALLOC, &a);

	*id = a.out_hwpt_id;
	return ret;
}

static long invalidate(int fd, u32 hwpt, const void *e, u32 len, u32 *num, u32 type)
{
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv), .hwpt_id = hwpt,
					     .data_uptr = U(e), .data_type = type, .entry_len = len,
					     .entry_num = *num };
	long ret = t_ioctl(fd, IOMMU_HWPT_INVALIDATE, &inv);

	*num = inv.entry_num;
	return ret;
}

KTEST(vtd-abi, test_vtd_abi_hw_info_and_refusals)
{
	struct iommu_hw_info_vtd vtd;
	struct iommu_hw_info info = { .size = sizeof(info), .data_len = sizeof(vtd),
				      .data_uptr = U(&vtd) };
	struct env v;
	u32 ioas, id;

	if (!env_open(&v, CAP_MTL, ECAP_MTL, EP40))
		goto out;
	info.dev_id = v.dev;
	report(t_ioctl(v.fd, IOMMU_GET_HW_INFO, &info) == 0 &&
	       info.out_data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD && info.data_len == 24 &&
	       vtd.flags == IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 && vtd.cap_reg == CAP_MTL &&
	       vtd.ecap_reg == ECAP_MTL && !info.out_max_pasid_log2 &&
	       !(info.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING),
	       "GET_HW_INFO: Intel VT-d, CAP/ECAP, Linux's erratum flag; no PASIDs (no "
	       "ECAP.PASID), no dirty tracking (no SSADS)");
	ioas = t_ioas(v.fd);
	report(hwpt_alloc(v.fd, v.dev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, &id) ==
	       -EOPNOTSUPP && hwpt_alloc(v.fd, v.dev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL,
					 0, &id) == -EOPNOTSUPP,
	       "Meteor Lake: HWPT_ALLOC NEST_PARENT and DIRTY_TRACKING -> EOPNOTSUPP");
out:
	env_close(&v);
}

KTEST(vtd-abi, test_vtd_abi_nested_hwpt_walked_by_the_unit)
{
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = GPA_T, .addr_width = 48 };
	struct iommu_hwpt_vtd_s1_invalidate e[2] = { { .addr = 0x400000, .npages = 1 } };
	u32 ioas, parent, nest, paging, num, pt;
	u64 *t = NULL;
	u8 *data = NULL;
	struct env v;

	if (!env_open(&v, CAP_SPR, ECAP_SPR_PASID, EP40))
		goto out;
	ioas = t_ioas(v.fd);
	t = t_buf(4 * PSZ);
	data = t_buf(2 * PSZ);
	/* the guest: IOVA 0x400000 -> GPA_D, 0x401000 -> GPA_D + 4K */
	t[0] = (GPA_T + PSZ) | FS_TABLE;
	t[512] = (GPA_T + 2 * PSZ) | FS_TABLE;
	t[1024 + 2] = (GPA_T + 3 * PSZ) | FS_TABLE;
	t[1536] = GPA_D | FS_TABLE;
	t[1537] = (GPA_D + PSZ) | FS_TABLE;
	report(t_map_fixed(v.fd, ioas, t, 4 * PSZ, GPA_T) == 0 &&
	       t_map_fixed(v.fd, ioas, data, 2 * PSZ, GPA_D) == 0, "the guest's memory mapped");
	report(hwpt_alloc(v.fd, v.dev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, &parent) == 0,
	       "HWPT_ALLOC NEST_PARENT: %u", parent);
	report(hwpt_alloc(v.fd, v.dev, ioas, 0, 0, NULL, 0, &paging) == 0 &&
	       hwpt_alloc(v.fd, v.dev, paging, 0, IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1), &nest) ==
	       -EINVAL, "nested on a parent that is no NEST_PARENT -> EINVAL");
	report(hwpt_alloc(v.fd, v.dev, parent, 0, IOMMU_HWPT_DATA_NONE, &s1, sizeof(s1), &nest) ==
	       -EINVAL && hwpt_alloc(v.fd, v.dev, parent, 0, 7, &s1, sizeof(s1), &nest) == -EOPNOTSUPP,
	       "data of type NONE with a length -> EINVAL; an unknown type -> EOPNOTSUPP");
	report(hwpt_alloc(v.fd, v.dev, parent, IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_DATA_VTD_S1,
			  &s1, sizeof(s1), &nest) == -EOPNOTSUPP,
	       "a nested HWPT with NEST_PARENT -> EOPNOTSUPP");
	report(hwpt_alloc(v.fd, v.dev, parent, 0, IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1), &nest) == 0,
	       "HWPT_ALLOC IOMMU_HWPT_DATA_VTD_S1 on the parent: %u", nest);
	pt = nest;
	report(iommufd_device_attach(v.idev, &pt) == 0 && pt == nest, "device attached to it");
	report(vtd_rig_lands(EP40, -1, 0x400abc, true, host_user_pa(U(data) + 0xabc)),
	       "the unit walks the guest's tables in user memory: IOVA -> GPA -> the user page");
	report((t[1536] & (VTD_FS_A | VTD_FS_D)) == (VTD_FS_A | VTD_FS_D),
	       "and sets A and D in the guest's leaf, as hardware does");
	t[1536] = (GPA_D + PSZ) | FS_TABLE;
	report(vtd_rig_lands(EP40, -1, 0x400abc, false, host_user_pa(U(data) + 0xabc)),
	       "the guest changes its leaf: the cached translation stays until it invalidates");
	num = 1;
	report(invalidate(v.fd, nest, e, sizeof(e[0]), &num, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) ==
	       0 && num == 1 &&
	       vtd_rig_lands(EP40, -1, 0x400abc, false, host_user_pa(U(data) + PSZ + 0xabc)),
	       "HWPT_INVALIDATE with one VTD_S1 entry: done 1, the new leaf is used");
	e[1].addr = 0x123;
	num = 2;
	report(invalidate(v.fd, nest, e, sizeof(e[0]), &num, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) ==
	       -EINVAL && num == 1, "two entries, the second unaligned: EINVAL, entry_num 1");
	num = 1;
	report(invalidate(v.fd, nest, e, sizeof(e[0]), &num, 5) == -EINVAL && num == 0 &&
	       invalidate(v.fd, parent, e, sizeof(e[0]), &(u32){ 1 }, 0) == -ENOENT,
	       "another data type: EINVAL, none done; on a paging HWPT: ENOENT");
	num = 1;
	report(invalidate(v.fd, nest, e, 16, &num, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) == -EINVAL &&
	       num == 0, "entries shorter than the struct: EINVAL");
	report(t_destroy(v.fd, parent) == -EBUSY, "the parent is busy while nested on");
	iommufd_device_detach(v.idev);
	report(t_destroy(v.fd, nest) == 0 && t_destroy(v.fd, parent) == 0 &&
	       t_destroy(v.fd, paging) == 0, "detached; nested, parent and paging HWPT destroyed");
	t_unmap(v.fd, ioas, GPA_T, 4 * PSZ, NULL);
	t_unmap(v.fd, ioas, GPA_D, 2 * PSZ, NULL);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	env_close(&v);
	if (t)
		t_buf_free(t, 4 * PSZ);
	if (data)
		t_buf_free(data, 2 * PSZ);
}

KTEST(vtd-abi, test_vtd_abi_dirty_tracking_and_bitmap)
{
	struct iommu_hw_info info = { .size = sizeof(info) };
	u64 bitmap[4] = { 0 };
	struct iommu_hwpt_get_dirty_bitmap get = { .size = sizeof(get), .iova = 0x100000,
						   .length = 16 * PSZ, .page_size = PSZ,
						   .data = U(bitmap) };
	struct iommu_hwpt_set_dirty_tracking set = { .size = sizeof(set),
						     .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE };
	u32 ioas, hwpt, pt;
	u8 *buf = NULL;
	struct env v;

	if (!env_open(&v, CAP_SPR, ECAP_SPR_PASID, EP80))
		goto out;
	info.dev_id = v.dev;
	report(t_ioctl(v.fd, IOMMU_GET_HW_INFO, &info) == 0 &&
	       (info.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING) &&
	       info.out_max_pasid_log2 == 20,
	       "GET_HW_INFO: dirty tracking offered (SSADS), 20-bit PASIDs");
	ioas = t_ioas(v.fd);
	buf = t_buf(16 * PSZ);
	report(hwpt_alloc(v.fd, v.dev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL, 0, &hwpt) == 0,
	       "HWPT_ALLOC DIRTY_TRACKING: %u", hwpt);
	pt = hwpt;
	report(iommufd_device_attach(v.idev, &pt) == 0 &&
	       t_map_fixed(v.fd, ioas, buf, 16 * PSZ, 0x100000) == 0, "attached, 64 KiB mapped");
	set.hwpt_id = hwpt;
	report(t_ioctl(v.fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &set) == 0 &&
	       (vtd_rig_pasid_entry(EP80, 0)[0] & VTD_PE_SSADE), "SET_DIRTY_TRACKING: SSADE on");
	vtd_rig_lands(EP80, -1, 0x102000, true, host_user_pa(U(buf) + 2 * PSZ));
	vtd_rig_lands(EP80, -1, 0x10f800, true, host_user_pa(U(buf) + 15 * PSZ + 0x800));
	vtd_rig_lands(EP80, -1, 0x105000, false, host_user_pa(U(buf) + 5 * PSZ));
	get.hwpt_id = hwpt;
	get.flags = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	report(t_ioctl(v.fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get) == 0 &&
	       bitmap[0] == (BIT_ULL(2) | BIT_ULL(15)), "GET_DIRTY_BITMAP: pages 2 and 15 "
	       "(written), not 5 (read): %#llx", (unsigned long long)bitmap[0]);
	bitmap[0] = 0;
	get.flags = 0;
	report(t_ioctl(v.fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get) == 0 &&
	       bitmap[0] == (BIT_ULL(2) | BIT_ULL(15)), "NO_CLEAR kept them; read and cleared");
	bitmap[0] = 0;
	report(t_ioctl(v.fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get) == 0 && bitmap[0] == 0,
	       "then nothing is dirty");
	set.flags = 0;
	report(t_ioctl(v.fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &set) == 0 &&
	       !(vtd_rig_pasid_entry(EP80, 0)[0] & VTD_PE_SSADE), "tracking off: SSADE off");
	iommufd_device_detach(v.idev);
	t_unmap(v.fd, ioas, 0x100000, 16 * PSZ, NULL);
	report(t_destroy(v.fd, hwpt) == 0, "HWPT destroyed");
out:
	env_close(&v);
	if (buf)
		t_buf_free(buf, 16 * PSZ);
}

/* What a SET_DIRTY_TRACKING sweep works on, and the PASID entries it watches. */
struct dirty_sweep {
	int fd;
	struct iommu_hwpt_set_dirty_tracking set;
	struct vtd_domain *dom;
	u64 pa;			/* the page a DMA write to 0x102000 reaches */
	u64 before[3][8];
};

static const int sweep_dev[3] = { EP80, EP80, EP40 };
static const u32 sweep_pasid[3] = { 0, 7, 0 };

static void pe_snapshot(u64 (*out)[8])
{
	for (int i = 0; i < 3; i++)
		memcpy(out[i], vtd_rig_pasid_entry(sweep_dev[i], sweep_pasid[i]), sizeof(out[i]));
}

static long dirty_set(void *ctx)
{
	struct dirty_sweep *w = ctx;

	return t_ioctl(w->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &w->set);
}

/* A failed SET_DIRTY_TRACKING: an error, entries and flag as before; turning it on, no D set. */
static bool dirty_intact(void *ctx, long ret)
{
	struct dirty_sweep *w = ctx;
	bool enable = w->set.flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	u64 after[3][8];
	size_t sz;

	pe_snapshot(after);
	if (!ret || w->dom->dirty_tracking == enable || memcmp(w->before, after, sizeof(after)))
		return false;
	return !enable || (vtd_rig_lands(EP80, -1, 0x102000, true, w->pa) &&
			   !(vtd_pgtable_lookup(&w->dom->pt, 0x102000, &sz) & VTD_PTE_D));
}

/* SET_DIRTY_TRACKING swept over its fail-point sites: failed runs that changed anything. */
static int dirty_sweep(int fd, u32 hwpt, bool enable, u64 pa, int *fired, long *last)
{
	struct dirty_sweep w = {
		.fd = fd, .dom = to_vtd_domain(t_domain(fd, hwpt)), .pa = pa,
		.set = { .size = sizeof(w.set), .hwpt_id = hwpt,
			 .flags = enable ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0 },
	};

	pe_snapshot(w.before);
	return host_failpoint_sweep(dirty_set, dirty_intact, &w, fired, last);
}

/*
 * A failed change leaves nothing half-programmed (as class 24): SET_DIRTY_TRACKING
 * whose PASID-entry flush fails (each fail point in turn) rolls back as
 * Linux's intel_iommu_set_dirty_tracking does: every PASID entry of the
 * domain (RID_PASID and PASID 7 on dmar1, a nested child's on dmar0) and
 * the domain's flag as they were, the ioctl returns the error, a DMA
 * write sets no D bit. Both ways: turning it on and turning it off.
 */
KTEST(vtd-abi, test_vtd_abi_dirty_tracking_flush_failure_rolls_back)
{
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = GPA_T, .addr_width = 48 };
	struct iommufd_device *idev40 = NULL;
	u32 ioas, parent, nest, pt, dev40;
	int fired, bad;
	u8 *buf = NULL;
	struct env v;
	long last;

	if (!env_open(&v, CAP_SPR, ECAP_SPR_PASID, EP80))
		goto out;
	idev40 = iommufd_device_bind(t_ctx(v.fd), &vtd_rig->dev[EP40], &dev40);
	if (IS_ERR(idev40)) {
		report(false, "%s bound", vtd_rig->dev[EP40].name);
		idev40 = NULL;
		goto out;
	}
	ioas = t_ioas(v.fd);
	buf = t_buf(4 * PSZ);
	report(t_map_fixed(v.fd, ioas, buf, 4 * PSZ, 0x100000) == 0 &&
	       hwpt_alloc(v.fd, v.dev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT |
			  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL, 0, &parent) == 0 &&
	       hwpt_alloc(v.fd, v.dev, parent, 0, IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1),
			  &nest) == 0, "a dirty-tracking nest parent %u and a nested HWPT %u on it",
	       parent, nest);
	pt = parent;
	report(iommufd_device_attach(v.idev, &pt) == 0 &&
	       iommufd_device_attach_pasid(v.idev, 7, &pt) == 0 &&
	       iommufd_device_attach(idev40, &nest) == 0,
	       "the parent on dmar1's RID and PASID 7, the nested HWPT on dmar0's device");
	bad = dirty_sweep(v.fd, parent, true, host_user_pa(U(buf) + 2 * PSZ), &fired, &last);
	report(fired >= 3 && bad == 0, "turning tracking on failed at each of its %d sites "
	       "(at least 3): every "
	       "PASID entry and the domain's flag as before, the error returned, a DMA write sets "
	       "no D bit", fired);
	report(last == 0 && (vtd_rig_pasid_entry(EP80, 0)[0] & VTD_PE_SSADE) &&
	       (vtd_rig_pasid_entry(EP80, 7)[0] & VTD_PE_SSADE) &&
	       (vtd_rig_pasid_entry(EP40, 0)[0] & VTD_PE_SSADE), "then it succeeds: SSADE in all three");
	vtd_rig_lands(EP80, -1, 0x101000, true, host_user_pa(U(buf) + PSZ));
	bad = dirty_sweep(v.fd, parent, false, 0, &fired, &last);
	report(fired >= 3 && bad == 0, "turning it off failed at each of its %d sites "
	       "(at least 3): SSADE and "
	       "the flag kept, the error returned", fired);
	report(last == 0 && !(vtd_rig_pasid_entry(EP80, 0)[0] & VTD_PE_SSADE) &&
	       !(vtd_rig_pasid_entry(EP40, 0)[0] & VTD_PE_SSADE), "then it succeeds: SSADE off");
	iommufd_device_detach(idev40);
	iommufd_device_detach_pasid(v.idev, 7);
	iommufd_device_detach(v.idev);
	report(t_destroy(v.fd, nest) == 0 && t_destroy(v.fd, parent) == 0, "HWPTs destroyed");
	t_unmap(v.fd, ioas, 0x100000, 4 * PSZ, NULL);
	for (int i = 0; i < vtd_nunits; i++)
		vtd_units[i]->st.injected = 0;
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (idev40)
		iommufd_device_unbind(idev40);
	env_close(&v);
	if (buf)
		t_buf_free(buf, 4 * PSZ);
}

/*
 * What tests/user/vfio_pasid does through VFIO_DEVICE_ATTACH_IOMMUFD_PT,
 * on a device that has PASIDs: the RID (RID_PASID) in one IOAS, PASID 7 in
 * another; the same IOVA reaches each one's pages; replace and detach.
 */
KTEST(vtd-abi, test_vtd_abi_pasid_holds_another_address_space)
{
	u32 ioas1, ioas2, pt1, pt2, hw3;
	u8 *a = NULL, *b = NULL;
	struct env v;

	if (!env_open(&v, CAP_SPR, ECAP_SPR_PASID, EP80))
		goto out;
	ioas1 = t_ioas(v.fd);
	ioas2 = t_ioas(v.fd);
	a = t_buf(PSZ);
	b = t_buf(2 * PSZ);
	t_map_fixed(v.fd, ioas1, a, PSZ, 0x200000);
	t_map_fixed(v.fd, ioas2, b, 2 * PSZ, 0x200000);
	pt1 = ioas1;
	pt2 = ioas2;
	report(iommufd_device_attach(v.idev, &pt1) == 0 &&
	       iommufd_device_attach_pasid(v.idev, 7, &pt2) == 0 && pt1 != ioas1 && pt2 != ioas2 &&
	       pt1 != pt2, "RID to IOAS %u (HWPT %u), PASID 7 to IOAS %u (HWPT %u)", ioas1, pt1,
	       ioas2, pt2);
	report(vtd_rig_lands(EP80, -1, 0x200040, true, host_user_pa(U(a) + 0x40)) &&
	       vtd_rig_lands(EP80, 7, 0x200040, true, host_user_pa(U(b) + 0x40)),
	       "one IOVA: without PASID (RID_PASID) the first IOAS's page, with PASID 7 the second's");
	report(iommufd_device_attach_pasid(v.idev, 7, &pt1) == -EINVAL &&
	       iommufd_device_replace_pasid(v.idev, 8, &pt1) == -EINVAL &&
	       iommufd_device_attach_pasid(v.idev, 0, &pt1) == -EINVAL &&
	       iommufd_device_attach_pasid(v.idev, 1u << 20, &pt1) == -EINVAL,
	       "attach twice, replace of an unattached PASID, PASID 0, beyond 20 bits: EINVAL");
	report(hwpt_alloc(v.fd, v.dev, ioas1, 0, 0, NULL, 0, &hw3) == 0 &&
	       iommufd_device_replace_pasid(v.idev, 7, &hw3) == 0 &&
	       vtd_rig_lands(EP80, 7, 0x200040, false, host_user_pa(U(a) + 0x40)),
	       "replace PASID 7's HWPT by one of the first IOAS: the same page as the RID now");
	report(t_destroy(v.fd, pt2) == -ENOENT, "the automatic HWPT it left went with it");
	iommufd_device_detach_pasid(v.idev, 7);
	iommufd_device_detach_pasid(v.idev, 7);
	report(!iommufd_device_pasid_attached(v.idev, 7) &&
	       vtd_rig_faults(EP80, 7, 0x200040, false, 0x59) &&
	       vtd_rig_lands(EP80, -1, 0x200040, false, host_user_pa(U(a) + 0x40)),
	       "PASID 7 detached (twice: the second does nothing): it faults 0x59, the RID works");
	{
		long heap = (long)kmalloc_live(), pages = host_pages_live();
		int n, fired = 0, bad = 0;

		for (n = 1; n < 100; n++) {
			u32 pt = ioas2;
			int ret;
			bool f;

			failpoint_arm((unsigned long)n);
			ret = iommufd_device_attach_pasid(v.idev, 11, &pt);
			f = failpoint_fired();
			failpoint_arm(0);
			if (!ret)
				iommufd_device_detach_pasid(v.idev, 11);
			if (!f)
				break;
			fired++;
			bad += !ret || (long)kmalloc_live() != heap || host_pages_live() != pages ||
			       iommufd_device_pasid_attached(v.idev, 11);
		}
		report(n < 100 && fired >= 10 && !bad, "PASID attach to an IOAS failed at each of "
		       "its %d sites (at least 10): nothing left", fired);
	}
	report(iommufd_device_attach_pasid(v.idev, 9, &hw3) == 0, "PASID 9 left attached at unbind");
	iommufd_device_detach(v.idev);
	iommufd_device_unbind(v.idev);
	v.idev = NULL;
	report(t_destroy(v.fd, hw3) == 0 && !(vtd_rig_ctx_of(EP80)[0] & VTD_SMCTX_P),
	       "unbind detached PASID 9: its HWPT is free, the context entry clear");
	t_unmap(v.fd, ioas1, 0x200000, PSZ, NULL);
	t_unmap(v.fd, ioas2, 0x200000, 2 * PSZ, NULL);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	env_close(&v);
	if (a)
		t_buf_free(a, PSZ);
	if (b)
		t_buf_free(b, 2 * PSZ);
}
