// SPDX-License-Identifier: MIT
/*
 * dma suite, core part: a real PCI device bound to /dev/iommu as a DEVICE
 * object and attached to an IOAS or HWPT through the core paths the ioctls
 * use; IOAS_MAP/UNMAP then decide what the device reaches. Any IOMMU driver.
 */
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "iommu/iommu_init.h"
#include "lib/err.h"
#include "lib/string.h"
#include "tests/kernel/core_util.h"
#include "tests/kernel/dma_util.h"

#define NEEDS (KT_NEED_IOMMU | KT_NEED_EDU)
#define IOVA 0x300000ULL

/* An edu bound to a fresh /dev/iommu: fd, DEVICE object, its id. */
struct core_edu {
	int fd;
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev;
	u32 dev_id;
	struct edu edu;
	struct dma_dev d;	/* only pdev/dev, for fault expectations */
};

static int core_edu_open(struct core_edu *c, int n)
{
	struct pci_dev *p = pci_find(EDU_VENDOR, EDU_DEVICE, n);

	memset(c, 0, sizeof(*c));
	c->fd = t_open();
	if (c->fd < 0 || !p || edu_init(&c->edu, p)) {
		report(false, "/dev/iommu open and edu #%d ready", n);
		return -1;
	}
	c->d.pdev = p;
	c->d.dev = iommu_dev_of_pci(p);
	c->ictx = t_ctx(c->fd);
	iommufd_ctx_get(c->ictx);
	c->idev = iommufd_device_bind(c->ictx, c->d.dev, &c->dev_id);
	report(!IS_ERR(c->idev), "%s bound as DEVICE object %u", p->name,
	       IS_ERR(c->idev) ? 0 : c->dev_id);
	if (IS_ERR(c->idev)) {
		c->idev = NULL;
		return -1;
	}
	return 0;
}

static void core_edu_close(struct core_edu *c)
{
	if (c->idev)
		iommufd_device_unbind(c->idev);
	if (c->ictx)
		iommufd_ctx_put(c->ictx);
	if (c->fd >= 0)
		t_close(c->fd);
	edu_fini(&c->edu);
}

/* Fill the edu buffer with a pattern through a temporary IOAS mapping. */
static void core_edu_load(struct core_edu *c, u32 ioas, u8 *scratch, u32 seed)
{
	dma_fill(scratch, 256, seed);
	t_map_fixed(c->fd, ioas, scratch, PAGE_SIZE, DMA_IOVA_A);
	report(edu_dma_to_dev(&c->edu, DMA_IOVA_A, 0, 256) == 0, "device reads through the IOAS");
	t_unmap(c->fd, ioas, DMA_IOVA_A, PAGE_SIZE, NULL);
}

KTEST_NEEDS(dma, test_dma_core_ioas_map_reaches_device, NEEDS)
{
	struct iommu_hw_info info = { .size = sizeof(info) };
	struct iommu_iova_range r[8];
	struct core_edu c;
	u8 hw[256];
	u32 hw_len = sizeof(hw), hw_type = IOMMU_HW_INFO_TYPE_NONE;
	long ret;
	u32 ioas, pt, num = 8;
	u64 unmapped = 0, align;
	u8 *buf;
	bool msi_hole = false;

	if (core_edu_open(&c, 0))
		goto out;
	info.dev_id = c.dev_id;
	if (c.d.dev->ops->hw_info)
		c.d.dev->ops->hw_info(c.d.dev, hw, &hw_len, &hw_type);
	else
		hw_len = 0;	/* no driver data: type NONE, nothing copied */
	ret = t_ioctl(c.fd, IOMMU_GET_HW_INFO, &info);
	report(ret == 0 && info.out_data_type == hw_type && info.data_len == hw_len,
	       "GET_HW_INFO: the driver's data type %u, %u bytes", info.out_data_type,
	       info.data_len);
	report(info.out_data_type == (!strcmp(c.d.dev->ops->name, "vtd") ?
				      IOMMU_HW_INFO_TYPE_INTEL_VTD : IOMMU_HW_INFO_TYPE_AMD),
	       "Linux's type for %s: %u", c.d.dev->ops->name, info.out_data_type);
	ioas = t_ioas(c.fd);
	{
		struct iommu_hwpt_alloc ha = { .size = sizeof(ha), .dev_id = c.dev_id, .pt_id = ioas,
					       .flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING };
		bool cap = info.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING;

		/* VT-d's needs scalable mode (not here yet); QEMU's AMD-Vi has no HDSup */
		ret = t_ioctl(c.fd, IOMMU_HWPT_ALLOC, &ha);
		report(cap ? ret == 0 && t_destroy(c.fd, ha.out_hwpt_id) == 0 : ret == -EOPNOTSUPP,
		       "dirty tracking %s: HWPT_ALLOC DIRTY_TRACKING -> %ld",
		       cap ? "offered" : "not offered", ret);
	}
	pt = ioas;
	report(iommufd_device_attach(c.idev, &pt) == 0 && pt != ioas,
	       "attach to the IOAS made an automatic HWPT %u", pt);
	ret = t_ranges(c.fd, ioas, r, &num, &align);
	report(ret == 0 && num >= 2, "the IOAS has %u usable ranges", num);
	for (u32 i = 0; i + 1 < num; i++)
		msi_hole |= r[i].last < 0xfee00000ULL && r[i + 1].start > 0xfeefffffULL;
	report(msi_hole, "the device's MSI window is not usable IOVA");
	report(ret == 0 && num && r[num - 1].last == c.d.dev->domain->geometry.aperture_end,
	       "IOVA ranges end where the %s page table does (%#llx)", c.d.dev->ops->name,
	       (unsigned long long)c.d.dev->domain->geometry.aperture_end);
	buf = t_buf(2 * PAGE_SIZE);
	core_edu_load(&c, ioas, buf + PAGE_SIZE, 91);
	memset(buf, 0, PAGE_SIZE);
	report(t_map_fixed(c.fd, ioas, buf, PAGE_SIZE, IOVA) == 0, "IOAS_MAP at %#llx", IOVA);
	report(edu_dma_from_dev(&c.edu, IOVA, 0, 256) == 0 && dma_check(buf, 256, 91),
	       "the device writes into the mapped user page");
	report(t_unmap(c.fd, ioas, IOVA, PAGE_SIZE, &unmapped) == 0 && unmapped == PAGE_SIZE,
	       "IOAS_UNMAP");
	memset(buf, 0, PAGE_SIZE);
	dma_expect_page_fault(&c.d, IOVA, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&c.edu, IOVA, 0, 256));
	dma_fault_seen(&c.d, "after the unmap the device faults", false);
	report(mem_is_zero(buf, PAGE_SIZE), "after the unmap the page is untouched");
	iommufd_device_detach(c.idev);
	t_buf_free(buf, 2 * PAGE_SIZE);
out:
	core_edu_close(&c);
}

KTEST_NEEDS(dma, test_dma_core_hwpt_replace_cuts_off_old_ioas, NEEDS)
{
	struct iommu_hwpt_alloc h = { .size = sizeof(h) };
	struct core_edu c;
	u32 ioas_a, ioas_b, pt;
	long ret;
	u8 *buf;

	if (core_edu_open(&c, 0))
		goto out;
	ioas_a = t_ioas(c.fd);
	ioas_b = t_ioas(c.fd);
	h.dev_id = c.dev_id;
	h.pt_id = ioas_b;
	ret = t_ioctl(c.fd, IOMMU_HWPT_ALLOC, &h);
	report(ret == 0 && h.out_hwpt_id, "HWPT_ALLOC on IOAS B: HWPT %u", h.out_hwpt_id);
	pt = ioas_a;
	report(iommufd_device_attach(c.idev, &pt) == 0, "attached to IOAS A");
	buf = t_buf(2 * PAGE_SIZE);
	core_edu_load(&c, ioas_a, buf + PAGE_SIZE, 92);
	memset(buf, 0, PAGE_SIZE);
	t_map_fixed(c.fd, ioas_a, buf, PAGE_SIZE, IOVA);
	dma_edu_done(edu_dma_from_dev(&c.edu, IOVA, 0, 256));
	report(dma_check(buf, 256, 92), "DMA through IOAS A lands");
	memset(buf, 0, PAGE_SIZE);
	pt = h.out_hwpt_id;
	report(iommufd_device_replace(c.idev, &pt) == 0, "replace with the HWPT of IOAS B");
	dma_expect_page_fault(&c.d, IOVA, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&c.edu, IOVA, 0, 256));
	dma_fault_seen(&c.d, "the IOVA mapped only in A now faults", false);
	report(mem_is_zero(buf, PAGE_SIZE), "the IOVA mapped only in A writes nothing");
	t_map_fixed(c.fd, ioas_b, buf, PAGE_SIZE, IOVA + PAGE_SIZE);
	dma_edu_done(edu_dma_from_dev(&c.edu, IOVA + PAGE_SIZE, 0, 256));
	report(dma_check(buf, 256, 92), "a map in IOAS B reaches the device at once");
	iommufd_device_detach(c.idev);
	t_unmap(c.fd, ioas_a, IOVA, PAGE_SIZE, NULL);
	t_unmap(c.fd, ioas_b, IOVA + PAGE_SIZE, PAGE_SIZE, NULL);
	t_destroy(c.fd, h.out_hwpt_id);
	t_buf_free(buf, 2 * PAGE_SIZE);
out:
	core_edu_close(&c);
}

/*
 * Two devices bound to one /dev/iommu, each attached to its own IOAS: the
 * same IOVA reaches each device's own page only, and an IOVA mapped only in
 * the other's IOAS reaches nothing.
 */
KTEST_NEEDS(dma, test_dma_core_two_ioas_isolate_two_devices, NEEDS | KT_NEED_TWO_EDU)
{
	struct core_edu a, b;
	u32 ioas_a, ioas_b, pt;
	int own_fd;
	u8 *buf;

	if (core_edu_open(&a, 0))
		goto out_a;
	if (core_edu_open(&b, 1))
		goto out_b;
	/* b's DEVICE object on a's context, so both live in one /dev/iommu */
	iommufd_device_unbind(b.idev);
	b.idev = iommufd_device_bind(a.ictx, b.d.dev, &b.dev_id);
	if (IS_ERR(b.idev)) {
		b.idev = NULL;
		report(false, "both devices bound to one /dev/iommu");
		goto out_b;
	}
	ioas_a = pt = t_ioas(a.fd);
	report(iommufd_device_attach(a.idev, &pt) == 0, "device A attached to IOAS %u", ioas_a);
	ioas_b = pt = t_ioas(a.fd);
	report(iommufd_device_attach(b.idev, &pt) == 0, "device B attached to IOAS %u", ioas_b);
	report(a.d.dev->domain != b.d.dev->domain, "two hardware page tables");
	buf = t_buf(4 * PAGE_SIZE);
	own_fd = b.fd;
	b.fd = a.fd;	/* its IOAS lives in a's /dev/iommu */
	core_edu_load(&b, ioas_b, buf + 3 * PAGE_SIZE, 93);
	b.fd = own_fd;
	memset(buf, 0x11, 3 * PAGE_SIZE);
	t_map_fixed(a.fd, ioas_a, buf, PAGE_SIZE, IOVA);
	t_map_fixed(a.fd, ioas_b, buf + PAGE_SIZE, PAGE_SIZE, IOVA);
	t_map_fixed(a.fd, ioas_a, buf + 2 * PAGE_SIZE, PAGE_SIZE, IOVA + PAGE_SIZE);
	dma_edu_done(edu_dma_from_dev(&b.edu, IOVA, 0, 256));
	report(dma_check(buf + PAGE_SIZE, 256, 93) && buf[0] == 0x11 && buf[255] == 0x11,
	       "B's DMA to the shared IOVA lands in B's page, not A's");
	dma_expect_page_fault(&b.d, IOVA + PAGE_SIZE, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&b.edu, IOVA + PAGE_SIZE, 0, 256));
	dma_fault_seen(&b.d, "B's DMA to an IOVA only A's IOAS maps faults", false);
	report(buf[2 * PAGE_SIZE] == 0x11 && buf[2 * PAGE_SIZE + 255] == 0x11,
	       "and leaves A's memory as it was");
	iommufd_device_detach(b.idev);
	iommufd_device_detach(a.idev);
	t_unmap(a.fd, ioas_a, IOVA, 2 * PAGE_SIZE, NULL);
	t_unmap(a.fd, ioas_b, IOVA, PAGE_SIZE, NULL);
	t_buf_free(buf, 4 * PAGE_SIZE);
out_b:
	core_edu_close(&b);
out_a:
	core_edu_close(&a);
}

/* The unity (identity) ranges firmware gave dev: RMRRs on VT-d, IVMDs on AMD-Vi. */
static int direct_regions(struct iommu_dev *dev, struct list_head *head)
{
	struct iommu_resv_region *r, *n;
	int count = 0;

	iommu_get_resv_regions(dev, head);
	list_for_each_entry_safe(r, n, head, list) {
		if (r->type == IOMMU_RESV_DIRECT) {
			count++;
			continue;
		}
		list_del(&r->list);
		kfree(r);
	}
	return count;
}

/* Is [start, start + len) identity-mapped in d, first, middle and last page? */
static bool identity_mapped(struct iommu_domain *d, u64 start, u64 len)
{
	u64 at[3] = { start, start + (len / 2 & ~0xfffULL), start + len - PAGE_SIZE };

	for (int i = 0; i < 3; i++)
		if (iommu_iova_to_phys(d, at[i] + 0x10) != at[i] + 0x10)
			return false;
	return true;
}

/*
 * Every device the firmware gave unity ranges: attached through the core to
 * a fresh IOAS, its HWPT maps them 1:1, the IOAS leaves them out of its
 * usable ranges and refuses a user map over them. Any driver; QEMU builds no
 * RMRR or IVMD, so there the vtd and amdvi suites add one to a copy of the
 * live table instead (test_vtd_rmrr_synthesized_in_live_dmar_reserved_in_ioas,
 * test_amdvi_unity_range_from_fixture_ivmd).
 */
KTEST_NEEDS(dma, test_dma_firmware_unity_ranges_stay_mapped, KT_NEED_IOMMU)
{
	struct iommu_dev *dev;
	int devices = 0;

	for (int k = 0; (dev = iommu_dev_get(k)); k++) {
		struct iommufd_device *idev;
		struct iommu_resv_region *r;
		u32 dev_id, ioas, pt, num;
		struct iommu_iova_range rg[16];
		LIST_HEAD(head);
		u8 *ubuf;
		int fd;

		if (!dev->ops || !direct_regions(dev, &head))
			continue;
		devices++;
		fd = t_open();
		iommufd_ctx_get(t_ctx(fd));
		idev = iommufd_device_bind(t_ctx(fd), dev, &dev_id);
		ioas = pt = t_ioas(fd);
		if (IS_ERR(idev) || iommufd_device_attach(idev, &pt)) {
			report(false, "%s bound and attached to an IOAS", dev->name);
			goto next;
		}
		ubuf = t_buf(PAGE_SIZE);
		list_for_each_entry(r, &head, list) {
			bool left_out = true;

			num = ARRAY_SIZE(rg);
			t_ranges(fd, ioas, rg, &num, NULL);
			for (u32 i = 0; i < num; i++)
				left_out &= rg[i].last < r->start || rg[i].start >= r->start + r->length;
			report(identity_mapped(dev->domain, r->start, r->length) && left_out &&
			       t_map_fixed(fd, ioas, ubuf, PAGE_SIZE, r->start) == -EINVAL,
			       "%s: [%#llx, +%#zx) mapped 1:1, not usable IOVA, user map refused",
			       dev->name, (unsigned long long)r->start, r->length);
		}
		t_buf_free(ubuf, PAGE_SIZE);
		iommufd_device_detach(idev);
next:
		if (!IS_ERR(idev))
			iommufd_device_unbind(idev);
		iommufd_ctx_put(t_ctx(fd));
		t_close(fd);
		iommu_put_resv_regions(&head);
	}
	if (!devices)
		report_skip("the firmware gave no device a unity range (RMRR/IVMD); QEMU builds "
			    "none (the vtd and amdvi suites add one to a copy of the live table)");
}

/*
 * A unit kept for interrupt remapping only (CAP.SAGAW=0, vtd-ir-only)
 * claims no device: binding an edu behind it and a paging domain for it
 * fail with ENODEV, as for a device no IOMMU covers.
 */
KTEST_NEEDS(dma, test_dma_core_ir_only_unit_refuses_attach, KT_NEED_EDU)
{
	const char *why = iommu_no_dma_reason();
	struct pci_dev *p = pci_find(EDU_VENDOR, EDU_DEVICE, 0);
	struct iommu_dev *dev = iommu_dev_of_pci(p);
	struct iommufd_device *idev;
	struct iommu_domain *dom;
	struct iommufd_ctx *ictx;
	u32 id = 0;
	int fd;

	if (!why || !dev) {
		report_skip("no unit here remaps interrupts only (vtd-ir-only has one)");
		return;
	}
	report(!dev->ops && !dev->iommu && !dev->iommu_priv, "%s claimed by no unit (%s)",
	       p->name, why);
	fd = t_open();
	ictx = t_ctx(fd);
	iommufd_ctx_get(ictx);
	idev = iommufd_device_bind(ictx, dev, &id);
	report(PTR_ERR(idev) == -ENODEV, "binding it to /dev/iommu fails with ENODEV (%ld)",
	       IS_ERR(idev) ? PTR_ERR(idev) : 0L);
	if (!IS_ERR(idev))
		iommufd_device_unbind(idev);
	dom = iommu_domain_alloc_paging(dev);
	report(PTR_ERR(dom) == -ENODEV, "a paging domain for it fails with ENODEV (%ld)",
	       IS_ERR(dom) ? PTR_ERR(dom) : 0L);
	if (!IS_ERR(dom))
		iommu_domain_free(dom);
	iommufd_ctx_put(ictx);
	t_close(fd);
}

/*
 * One unmap call over a run of 512 separately mapped 4K areas filling a
 * 2 MiB-aligned block, every other one read-only (different pages objects
 * and protections: one driver call for the run, which the iommu layer hands
 * down as one 2M page over a table of 4K entries). Afterwards the device
 * faults in the block, one invalidation was made, the emptied leaf table
 * went, and a new 4K map in the same block lands (on VT-d its leaf-table
 * hint must not point at the table that went).
 */
KTEST_NEEDS(dma, test_dma_core_unmap_run_of_separate_4k_maps, NEEDS)
{
	enum { N = 512 };
	const u64 block = 0x400000;
	struct iommu_domain *dom;
	struct core_edu c;
	bool map_flushes;
	long before, tables;
	u64 unmapped = 0;
	u32 ioas, pt;
	int bad = 0;
	u8 *buf, *scratch;

	if (core_edu_open(&c, 0))
		goto out;
	ioas = pt = t_ioas(c.fd);
	if (iommufd_device_attach(c.idev, &pt)) {
		report(false, "attach to the IOAS");
		goto out;
	}
	dom = c.d.dev->domain;
	buf = t_buf(N * PAGE_SIZE);
	scratch = t_buf(PAGE_SIZE);
	core_edu_load(&c, ioas, scratch, 57);
	tables = dom->ops->table_pages ? dom->ops->table_pages(dom) : -1;
	for (int i = 0; i < N; i++)
		bad += t_map(c.fd, ioas, buf + i * PAGE_SIZE, PAGE_SIZE,
			     &(u64){ block + (u64)i * PAGE_SIZE },
			     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			     (i % 2 ? 0 : IOMMU_IOAS_MAP_WRITEABLE)) != 0;
	report(!bad && edu_dma_from_dev(&c.edu, block + 6 * PAGE_SIZE, 0, 256) == 0 &&
	       dma_check(buf + 6 * PAGE_SIZE, 256, 57),
	       "%d separate 4K maps, every other one read-only: the device writes into one", N);
	before = dma_iotlb_invalidations(&c.d, &map_flushes);
	bad += t_unmap(c.fd, ioas, block, N * PAGE_SIZE, &unmapped) != 0;
	report(!bad && unmapped == N * PAGE_SIZE, "one unmap of the 2 MiB block: %#llx bytes",
	       (unsigned long long)unmapped);
	report(before < 0 || dma_iotlb_invalidations(&c.d, &map_flushes) - before == 1,
	       "with one IOTLB invalidation (%ld)",
	       before < 0 ? 0 : dma_iotlb_invalidations(&c.d, &map_flushes) - before);
	report(tables < 0 || dom->ops->table_pages(dom) == tables,
	       "the leaf table the maps made went with them (%ld -> %ld tables)", tables,
	       tables < 0 ? 0 : dom->ops->table_pages(dom));
	for (int i = 0; i < N; i += 73)
		bad += iommu_iova_to_phys(dom, block + (u64)i * PAGE_SIZE) != 0;
	memset(buf, 0, N * PAGE_SIZE);
	dma_expect_page_fault(&c.d, block + 6 * PAGE_SIZE, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&c.edu, block + 6 * PAGE_SIZE, 0, 256));
	dma_fault_seen(&c.d, "after the unmap the device faults in the block", false);
	report(!bad && mem_is_zero(buf, N * PAGE_SIZE), "nothing translates there, memory untouched");
	bad += t_map_fixed(c.fd, ioas, buf + 9 * PAGE_SIZE, PAGE_SIZE, block + 7 * PAGE_SIZE) != 0;
	report(!bad && edu_dma_from_dev(&c.edu, block + 7 * PAGE_SIZE, 0, 256) == 0 &&
	       dma_check(buf + 9 * PAGE_SIZE, 256, 57),
	       "a new 4K map in the block links a new table the device walks");
	bad += t_unmap(c.fd, ioas, block + 7 * PAGE_SIZE, PAGE_SIZE, NULL) != 0;
	report(!bad && iommufd_pinned_pages() == 0, "nothing left pinned");
	iommufd_device_detach(c.idev);
	t_buf_free(scratch, PAGE_SIZE);
	t_buf_free(buf, N * PAGE_SIZE);
out:
	core_edu_close(&c);
}

/*
 * The IOTLB invalidations each ioctl costs, counted at the unit: a map none
 * (one under caching mode / NpCache, however many runs it has), an unmap
 * one, and an unmap of 256 separately mapped pages one as well.
 */
KTEST_NEEDS(dma, test_dma_core_one_invalidation_per_call, NEEDS)
{
	enum { N = 256 };
	struct core_edu c;
	bool map_flushes;
	long before;
	u32 ioas, pt;
	int per_map, bad = 0;
	u8 *buf;

	if (core_edu_open(&c, 0))
		goto out;
	if (dma_iotlb_invalidations(&c.d, &map_flushes) < 0) {
		report_skip("no invalidation counter for %s", c.d.dev->ops->name);
		goto out;
	}
	per_map = map_flushes ? 1 : 0;
	ioas = pt = t_ioas(c.fd);
	if (iommufd_device_attach(c.idev, &pt)) {
		report(false, "attach to the IOAS");
		goto out;
	}
	buf = t_buf(N * PAGE_SIZE);
	before = dma_iotlb_invalidations(&c.d, &map_flushes);
	bad += t_map_fixed(c.fd, ioas, buf, PAGE_SIZE, IOVA) != 0;
	report(!bad && dma_iotlb_invalidations(&c.d, &map_flushes) - before == per_map,
	       "a 4K map: %ld invalidations (%d)", dma_iotlb_invalidations(&c.d, &map_flushes) -
	       before, per_map);
	before = dma_iotlb_invalidations(&c.d, &map_flushes);
	bad += t_unmap(c.fd, ioas, IOVA, PAGE_SIZE, NULL) != 0;
	report(!bad && dma_iotlb_invalidations(&c.d, &map_flushes) - before == 1,
	       "a 4K unmap: one invalidation");
	before = dma_iotlb_invalidations(&c.d, &map_flushes);
	for (int i = 0; i < N; i++)
		bad += t_map_fixed(c.fd, ioas, buf + i * PAGE_SIZE, PAGE_SIZE,
				   IOVA + (u64)i * PAGE_SIZE) != 0;
	report(!bad && dma_iotlb_invalidations(&c.d, &map_flushes) - before == N * per_map,
	       "%d separate 4K maps: %ld invalidations (%d)", N,
	       dma_iotlb_invalidations(&c.d, &map_flushes) - before, N * per_map);
	before = dma_iotlb_invalidations(&c.d, &map_flushes);
	bad += t_unmap(c.fd, ioas, IOVA, N * PAGE_SIZE, NULL) != 0;
	report(!bad && dma_iotlb_invalidations(&c.d, &map_flushes) - before == 1,
	       "one unmap of the %d pages: one invalidation (%ld)", N,
	       dma_iotlb_invalidations(&c.d, &map_flushes) - before);
	/* large pages off: a run ends at every page, still one map call */
	bad += t_option(c.fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &(u64){ 0 }) != 0;
	before = dma_iotlb_invalidations(&c.d, &map_flushes);
	bad += t_map_fixed(c.fd, ioas, buf, N * PAGE_SIZE, IOVA) != 0;
	report(!bad && dma_iotlb_invalidations(&c.d, &map_flushes) - before == per_map,
	       "a map of %d one-page runs: %ld invalidations (%d)", N,
	       dma_iotlb_invalidations(&c.d, &map_flushes) - before, per_map);
	before = dma_iotlb_invalidations(&c.d, &map_flushes);
	bad += t_unmap(c.fd, ioas, IOVA, N * PAGE_SIZE, NULL) != 0;
	report(!bad && dma_iotlb_invalidations(&c.d, &map_flushes) - before == 1,
	       "and its unmap: one invalidation");
	iommufd_device_detach(c.idev);
	t_buf_free(buf, N * PAGE_SIZE);
out:
	core_edu_close(&c);
}
