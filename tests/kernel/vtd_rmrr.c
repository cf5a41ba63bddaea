// SPDX-License-Identifier: MIT
/*
 * vtd suite, RMRR part. QEMU builds no RMRR, so the logic runs against a
 * real machine's DMAR (HP dc7800, 8 RMRRs) and against an RMRR added for
 * the edu to the live parsed table; the test names say which.
 */
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "iommu/iommu_init.h"
#include "iommu/vtd/vtd.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/kernel/core_util.h"
#include "tests/kernel/vtd_util.h"

#define NEEDS (KT_NEED_VTD | KT_NEED_EDU)

extern const u8 fixture_dmar_dc7800[], fixture_dmar_dc7800_end[];

/* A one-hop path: a device on bus 0 as the fixture's scopes name it. */
static struct dmar_dev_path bus0_path(u8 dev, u8 fn)
{
	struct dmar_dev_path p = { .segment = 0, .nhops = 1 };

	p.hop[0].devfn = (u8)(dev << 3 | fn);
	return p;
}

static size_t fixture_len(void)
{
	return (size_t)(fixture_dmar_dc7800_end - fixture_dmar_dc7800);
}

KTEST_NEEDS(vtd, test_vtd_rmrr_from_fixture_dmar_hp_dc7800, NEEDS)
{
	struct dmar_table *t = kzalloc(sizeof(*t));
	struct vtd_dev vd = { 0 };
	struct iommu_resv_region *r;
	struct dma_edu e;
	LIST_HEAD(head);
	long tables;
	int bad = 0;

	if (!t || dma_edu_open(&e, 0))
		goto out_t;
	report(dmar_parse(fixture_dmar_dc7800, fixture_len(), t) == 0 && t->nrmrr == 8,
	       "the recorded DMAR parses with 8 RMRRs");
	vd.unit = vtd_unit_of(&e.d);
	vd.path = bus0_path(2, 0);	/* graphics: RMRR [0xdf600000, 0xdfffffff] */
	report(vtd_rmrr_map(t, &vd, to_vtd_domain(e.d.dom)) == 0,
	       "graphics 00:02.0: its RMRR is identity-mapped before it attaches");
	for (u64 a = 0xdf600000; a < 0xe0000000; a += PAGE_SIZE)
		bad += iommu_iova_to_phys(e.d.dom, a) != a;
	report(bad == 0, "every page of [0xdf600000, 0xdfffffff] translates to itself");
	if (e.d.dom->pgsize_bitmap & (2UL << 20))
		report(e.d.dom->ops->mapped_pgsize(e.d.dom, 0xdf600000) == (2UL << 20),
		       "with 2M leaves (the range is 2M aligned)");
	report(iommu_map(e.d.dom, 0xdf800000, 0x100000, PAGE_SIZE, IOMMU_READ | IOMMU_WRITE) == -EEXIST,
	       "a map overlapping the RMRR is refused (EEXIST)");
	tables = e.d.dom->ops->table_pages(e.d.dom);
	report(vtd_rmrr_map(t, &vd, to_vtd_domain(e.d.dom)) == 0 &&
	       e.d.dom->ops->table_pages(e.d.dom) == tables, "a second covered attach changes nothing");
	vd.path = bus0_path(0x1f, 2);	/* SATA: no RMRR */
	report(vtd_rmrr_map(t, &vd, to_vtd_domain(e.d.dom)) == 0 &&
	       e.d.dom->ops->table_pages(e.d.dom) == tables, "a device no RMRR names gets nothing");
	report(vtd_rmrr_resv(t, &vd.path, &head) == 0, "and no reserved region");
	vd.path = bus0_path(0x1d, 0);	/* USB: RMRR [0xdefd2000, 0xdefd2fff] */
	report(vtd_rmrr_resv(t, &vd.path, &head) == 1, "USB 00:1d.0 gets one reserved region");
	r = list_empty(&head) ? NULL : list_first_entry(&head, struct iommu_resv_region, list);
	report(r && r->start == 0xdefd2000 && r->length == PAGE_SIZE &&
	       r->type == IOMMU_RESV_DIRECT, "direct-mapped [0xdefd2000, +4K)");
	iommu_put_resv_regions(&head);
	report(iommu_unmap(e.d.dom, 0xdf600000, 0xa00000) == 0xa00000, "clean-up unmap");
	dma_edu_close(&e);
out_t:
	kfree(t);
}

/* Patch one RMRR of a copy of the fixture; the table checksum is fixed up. */
static void patch_rmrr(u8 *b, size_t len, int which, u64 base, u64 end)
{
	u8 sum = 0;

	for (size_t off = DMAR_HDR_LEN; off + 4 <= len;) {
		u16 type = (u16)(b[off] | b[off + 1] << 8), l = (u16)(b[off + 2] | b[off + 3] << 8);

		if (l < 4)
			break;
		if (type == DMAR_TYPE_RMRR && which-- == 0) {
			memcpy(b + off + 8, &base, 8);
			memcpy(b + off + 16, &end, 8);
			break;
		}
		off += l;
	}
	b[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum += b[i];
	b[9] = (u8)-sum;
}

KTEST_NEEDS(vtd, test_vtd_rmrr_fixture_bad_ranges_never_mapped, KT_NEED_VTD)
{
	static const struct {
		const char *what;
		u64 base, end;
	} bad[] = {
		{ "end below base", 0xdefd2000, 0xdefd1fff },
		{ "base not page aligned", 0xdefd2010, 0xdefd2fff },
		{ "end not at a page end", 0xdefd2000, 0xdefd2ffe },
	};
	struct dmar_table *t = kzalloc(sizeof(*t));
	u8 *copy = kmalloc(fixture_len());
	struct dmar_dev_path usb = bus0_path(0x1d, 0);
	LIST_HEAD(head);

	if (!t || !copy)
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(copy, fixture_dmar_dc7800, fixture_len());
		patch_rmrr(copy, fixture_len(), 3, bad[i].base, bad[i].end);	/* 00:1d.0's */
		memset(t, 0, sizeof(*t));
		dmar_parse(copy, fixture_len(), t);
		report(t->nrmrr == 7 && t->log.nwarn > 0, "%s: that RMRR is dropped with a warning",
		       bad[i].what);
		report(vtd_rmrr_resv(t, &usb, &head) == 0, "%s: nothing reserved or mapped for 00:1d.0",
		       bad[i].what);
		iommu_put_resv_regions(&head);
	}
out:
	kfree(copy);
	kfree(t);
}

/* The edu's DMA mask as dma_edu_high_iova() probes it (once per boot). */
static u64 edu_mask_probed(void)
{
	struct dma_edu e;
	u64 mask = EDU_DEFAULT_DMA_MASK;

	if (!dma_edu_open(&e, 0)) {
		dma_edu_high_iova(&e);
		mask = e.edu.dma_mask;
		dma_edu_close(&e);
	}
	return mask;
}

/*
 * An RMRR naming the edu, added to a copy of the live parsed DMAR (the
 * driver is pointed at the copy) over memory this test owns: attach through
 * the core maps it 1:1 before the device can DMA, the IOAS reserves it,
 * user maps over it fail, and it stays mapped.
 */
KTEST_NEEDS(vtd, test_vtd_rmrr_synthesized_in_live_dmar_reserved_in_ioas, NEEDS)
{
	u64 mask = edu_mask_probed();	/* before edu_init: the probe ends with edu_fini */
	const struct dmar_table *live = vtd_dmar;
	struct dmar_table *t = kmalloc(sizeof(*t));
	struct iommu_iova_range r[8];
	struct iommufd_device *idev;
	struct iommu_dev *dev;
	struct dmar_scope *sc;
	struct vtd_dev *vd;
	struct edu edu;
	phys_addr_t rmrr = 0;
	u32 dev_id, ioas, pt, num = 8;
	bool hole = false;
	int fd, ret;
	u8 *ubuf;

	dev = iommu_dev_of_pci(pci_find(EDU_VENDOR, EDU_DEVICE, 0));
	if (!t || !dev || live->nrmrr >= DMAR_MAX_RMRR || live->nscopes >= DMAR_MAX_SCOPES ||
	    edu_init(&edu, dev->bus_priv)) {
		report(false, "edu, memory and room in the parsed DMAR");
		goto out_t;
	}
	edu.dma_mask = mask;
	rmrr = pmm_alloc(4);	/* 64 KiB */
	if (!rmrr || rmrr + 0xffff > edu.dma_mask) {
		report_skip("no RMRR buffer within the edu's DMA mask");
		goto out_edu;
	}
	vd = dev->iommu_priv;
	memcpy(t, live, sizeof(*t));
	sc = &t->scopes[t->nscopes];
	memset(sc, 0, sizeof(*sc));
	sc->type = DMAR_SCOPE_ENDPOINT;
	sc->bus = vd->path.hop[0].bus;
	sc->nhops = vd->path.nhops;
	for (int i = 0; i < vd->path.nhops; i++)
		sc->path[i] = vd->path.hop[i].devfn;
	t->rmrr[t->nrmrr++] = (struct dmar_rmrr){ .base = rmrr, .end = rmrr + 0xffff,
						  .segment = dev->segment,
						  .first_scope = t->nscopes++, .nscopes = 1 };
	vtd_dmar = t;

	fd = t_open();
	iommufd_ctx_get(t_ctx(fd));
	idev = iommufd_device_bind(t_ctx(fd), dev, &dev_id);
	ioas = pt = t_ioas(fd);
	report(iommufd_device_attach(idev, &pt) == 0, "edu attached to an IOAS through the core");
	report(iommu_iova_to_phys(dev->domain, rmrr + 0x1234) == rmrr + 0x1234,
	       "the RMRR is identity-mapped in its HWPT");
	t_ranges(fd, ioas, r, &num, NULL);
	for (u32 i = 0; i + 1 < num; i++)
		hole |= r[i].last < rmrr && r[i + 1].start > rmrr + 0xffff;
	report(hole, "the IOAS's usable ranges leave the RMRR out");
	ubuf = t_buf(2 * PAGE_SIZE);
	/* as Linux's iopt_check_iova: a fixed IOVA on reserved space is EINVAL */
	ret = t_map_fixed(fd, ioas, ubuf, PAGE_SIZE, rmrr);
	report(ret == -EINVAL, "IOAS_MAP over the RMRR is refused (%d)", ret);
	dma_fill(ubuf + PAGE_SIZE, 64, 101);
	ret = t_map_fixed(fd, ioas, ubuf + PAGE_SIZE, PAGE_SIZE, DMA_IOVA_A);
	report(ret == 0, "IOAS_MAP elsewhere works (%d)", ret);
	dma_edu_done(edu_dma_to_dev(&edu, DMA_IOVA_A, 0, 64));
	t_unmap(fd, ioas, DMA_IOVA_A, PAGE_SIZE, NULL);
	memset(phys_to_virt(rmrr), 0, 0x10000);
	dma_edu_done(edu_dma_from_dev(&edu, rmrr + 0x1000, 0, 64));
	report(dma_check((u8 *)phys_to_virt(rmrr) + 0x1000, 64, 101),
	       "after other maps and unmaps the device still reaches the RMRR 1:1");
	iommufd_device_detach(idev);
	iommufd_device_unbind(idev);
	iommufd_ctx_put(t_ctx(fd));
	t_close(fd);
	t_buf_free(ubuf, 2 * PAGE_SIZE);
	vtd_dmar = live;
out_edu:
	if (rmrr)
		pmm_free(rmrr, 4);
	edu_fini(&edu);
out_t:
	kfree(t);
}
