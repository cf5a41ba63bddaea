// SPDX-License-Identifier: MIT
/*
 * vtd-sm (hosted): the VT-d driver in scalable mode against software units
 * that walk every structure as the spec says (vtd_walk.c): PASID tables,
 * RID_PASID, second-stage, first-stage and nested translation, dirty
 * bits, PASID attach, the invalidation order of each change, faults 0x30+.
 * Units: the R820's four DRHDs with a Sapphire Rapids-class VT-d 6.0
 * unit's CAP/ECAP (ECAP.PASID added), or Meteor Lake's (no nesting, no
 * dirty bits, not coherent). QEMU 7.2 cannot show these: it walks
 * first-stage and nested entries as second-stage tables.
 */
#include <stdlib.h>
#include <string.h>
#include "iommu/vtd/vtd.h"
#include "lib/alloc.h"
#include "lib/bitmap.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "arch/host/host.h"
#include "tests/host/vtd_hw.h"
#include "tests/host/vtd_model.h"
#include "tests/host/vtd_rig.h"
#include "tests/ktest.h"
#include <linux/iommufd.h>

#define RW (IOMMU_READ | IOMMU_WRITE)
#define SZ_2M (2ULL << 20)

KTEST(vtd-sm, test_vtd_sm_tables_and_dma_through_rid_pasid)
{
	struct iommu_domain *d = NULL;
	struct vtd_domain *dom;
	struct vtd_unit *u;
	u64 *ce, *pe, rta;
	unsigned int order;
	u8 pdts;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	u = vtd_units[0];
	rta = vtd_rig_hw_of(EP40)->rta;
	report(vtd_hw_sm(vtd_rig_hw_of(EP40)) && (rta & VTD_RTADDR_RTA) == u->root_pa,
	       "RTADDR.TTM = scalable, latched with our root by SRTP");
	report(u->qi.dw && (vtd_readq(u, VTD_IQA_REG) & VTD_IQA_DW) && u->pasid_bits == 20 &&
	       u->ss && u->fs && u->nest && u->ssads,
	       "256-bit descriptors, 20-bit PASIDs, both stages, nesting, dirty bits");
	report(vtd_rig_vd_of(EP40)->pasid_bits == 20 && vtd_rig_vd_of(EPC0)->pasid_bits == 0 &&
	       (vtd_rig->cfg[EP40][0x106] & 1), "a device with a PASID capability gets 20 bits "
	       "(enabled in it); one without gets none");
	d = vtd_rig_attach_new(EP40);
	if (!d)
		goto out;
	dom = to_vtd_domain(d);
	ce = vtd_rig_ctx_of(EP40);
	vtd_pasid_dir_geometry(20, &order, &pdts);
	report(order == 5 && pdts == 7 && FIELD_GET(VTD_SMCTX_PDTS, ce[0]) == 7 &&
	       (ce[0] & VTD_SMCTX_P) && (ce[0] & VTD_SMCTX_PASIDE) && !ce[1] && !ce[2] && !ce[3],
	       "context entry: a 2^14-entry directory (32 pages) for 20-bit PASIDs, PASIDE, "
	       "RID_PASID 0, upper half 0");
	vtd_pasid_dir_geometry(0, &order, &pdts);
	report(order == 0 && pdts == 0, "a device without PASIDs: the smallest directory, one page");
	pe = vtd_rig_pasid_entry(EP40, 0);
	report(pe && (pe[0] & VTD_PE_P) && FIELD_GET(VTD_PE_PGTT, pe[0]) == VTD_PGTT_SS &&
	       (pe[0] & VTD_PE_SSPTPTR) == dom->pt.root &&
	       FIELD_GET(VTD_PE_AW, pe[0]) == (u64)dom->pt.levels - 2 &&
	       FIELD_GET(VTD_PE_DID, pe[1]) == dom->did[0] && (pe[1] & VTD_PE_PWSNP),
	       "RID_PASID's entry: second stage, the domain's table and depth, its DID, "
	       "page-walk snoop (SMPWCS)");
	report(iommu_map(d, 0x100000, 0x7000000, 0x2000, RW) == 0 &&
	       iommu_map(d, 0x200000, 0x7200000, 0x1000, IOMMU_READ) == 0,
	       "8 KiB read-write and 4 KiB read-only mapped");
	report(vtd_rig_lands(EP40, -1, 0x101234, true, 0x7001234) && vtd_rig_lands(EP40, -1, 0x200010, false,
									 0x7200010),
	       "DMA without PASID translates through RID_PASID's second stage");
	report(vtd_rig_dma(EP40, -1, 0x101234, true).did == dom->did[0], "tagged with the entry's DID");
	report(vtd_rig_faults(EP40, -1, 0x200010, true, 0x85) && vtd_rig_faults(EP40, -1, 0x300000, false, 0x86),
	       "a write to the read-only page: 0x85; a read of nothing: 0x86 (scalable-mode codes)");
	iommu_unmap(d, 0x100000, 0x2000);
	report(vtd_rig_faults(EP40, -1, 0x101234, true, 0x85), "after the unmap: no stale translation");
	iommu_unmap(d, 0x200000, 0x1000);
	report(vtd_hw_count(vtd_rig_hw_of(EP40), VTD_DESC_IOTLB, dom->did[0]) >= 2,
	       "unmaps flush the IOTLB with the PASID entry's DID");
	iommu_detach_device(d, &vtd_rig->dev[EP40]);
	report(!(ce[0] & VTD_SMCTX_P), "the last detach clears the context entry");
	report(vtd_rig_faults(EP40, -1, 0x100000, false, 0x41), "then DMA faults 0x41 (context not present)");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}

/*
 * Bug class 36 in scalable mode: replacing RID_PASID's domain clears the
 * entry, flushes PASID cache and IOTLB for the old DID and waits, before
 * the new entry is written; the old translation is gone from every cache.
 */
KTEST(vtd-sm, test_vtd_sm_replace_clear_flush_set)
{
	struct iommu_domain *a = NULL, *b = NULL;
	u16 did_a, did_b;
	u32 seq;
	int nlog;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	a = vtd_rig_attach_new(EP40);
	b = iommu_domain_alloc_paging(&vtd_rig->dev[EP40]);
	if (!a || IS_ERR(b))
		goto out;
	iommu_map(a, 0x100000, 0x7000000, 0x1000, RW);
	iommu_map(b, 0x200000, 0x8000000, 0x1000, RW);
	report(vtd_rig_lands(EP40, -1, 0x100000, false, 0x7000000) &&
	       vtd_hw_tlb_find(vtd_rig_hw_of(EP40), -1, -1, 0x100000), "DMA through A, now cached");
	did_a = to_vtd_domain(a)->did[0];
	seq = vtd_trace_seq();
	nlog = vtd_rig_hw_of(EP40)->nlog;
	report(iommu_attach_device(b, &vtd_rig->dev[EP40]) == 0, "replace A with B");
	did_b = to_vtd_domain(b)->did[0];
	report(did_a != did_b, "B has its own DID (%u; A %u)", did_b, did_a);
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_PE_CLEAR, did_a, 0 }, { VTD_EV_PC, did_a, 0 },
		{ VTD_EV_IOTLB, did_a, -1 }, { VTD_EV_WAIT, -1, -1 }, { VTD_EV_PE_SET, did_b, 0 },
	}, 5), "entry cleared, PASID cache and IOTLB of A's DID, wait, then B's entry");
	report(vtd_hw_count_since(vtd_rig_hw_of(EP40), nlog, VTD_DESC_PC, did_a) == 1 &&
	       vtd_rig_last_op(vtd_rig_hw_of(EP40), VTD_DESC_PC)->gran == VTD_PC_PASID_SEL &&
	       vtd_rig_last_op(vtd_rig_hw_of(EP40), VTD_DESC_PC)->wide,
	       "the unit ran one PASID-selective PASID-cache invalidation, a 256-bit descriptor");
	report(vtd_rig_faults(EP40, -1, 0x100000, false, 0x86) && vtd_rig_lands(EP40, -1, 0x200000, true, 0x8000000),
	       "A's mapping is gone from every cache; B's works");
	report(vtd_rig_count_ev(seq, VTD_EV_CTX_CLEAR) == 0 && vtd_rig_count_ev(seq, VTD_EV_CTX_SET) == 0,
	       "the context entry was left alone");
	iommu_unmap(a, 0x100000, 0x1000);
	iommu_unmap(b, 0x200000, 0x1000);
	iommu_detach_device(b, &vtd_rig->dev[EP40]);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (a)
		iommu_domain_free(a);
	if (b && !IS_ERR(b))
		iommu_domain_free(b);
	vtd_rig_down();
}

/*
 * PASIDs: the RID translates through one domain (RID_PASID), PASID 5 of
 * the same device through another; each PASID's entry its own DID; detach
 * flushes that PASID only; the context entry stays while any PASID is on.
 */
KTEST(vtd-sm, test_vtd_sm_pasid_attach_replace_detach)
{
	struct iommu_domain *a = NULL, *b = NULL, *c = NULL;
	struct iommu_dev *dev;
	struct vtd_dev *vd;
	u16 did_b;
	u32 seq;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	dev = &vtd_rig->dev[EP80];
	vd = vtd_rig_vd_of(EP80);
	report(dev->max_pasids == 1u << 20, "the core sees 2^20 PASIDs");
	a = vtd_rig_attach_new(EP80);
	b = iommu_domain_alloc_paging(dev);
	c = iommu_domain_alloc_paging(dev);
	if (!a || IS_ERR(b) || IS_ERR(c))
		goto out;
	iommu_map(a, 0x100000, 0x7000000, 0x1000, RW);
	iommu_map(b, 0x100000, 0x8000000, 0x1000, RW);
	iommu_map(c, 0x100000, 0x9000000, 0x1000, RW);
	report(iommu_attach_device_pasid(b, dev, 5) == 0, "PASID 5 attached to B");
	did_b = to_vtd_domain(b)->did[1];
	report(vtd_rig_lands(EP80, -1, 0x100000, true, 0x7000000) && vtd_rig_lands(EP80, 5, 0x100000, true,
								     0x8000000),
	       "the same IOVA: without PASID to A's page, with PASID 5 to B's");
	report(FIELD_GET(VTD_PE_DID, vtd_rig_pasid_entry(EP80, 5)[1]) == did_b &&
	       did_b != to_vtd_domain(a)->did[1], "PASID 5's entry carries B's DID %u", did_b);
	report(vtd_rig_faults(EP80, 6, 0x100000, false, 0x59), "PASID 6 (same table, no entry): 0x59");
	report(vtd_rig_faults(EP80, 0x1000, 0x100000, false, 0x51),
	       "PASID 0x1000 (no PASID table there): 0x51");
	report(vtd_rig_faults(EPC0, 5, 0x100000, false, 0x41) || vtd_rig_faults(EPC0, 5, 0x100000, false, 0x45),
	       "a device without PASIDs: a request with PASID faults");
	report(iommu_attach_device_pasid(b, dev, 1u << 20) == -EINVAL &&
	       iommu_attach_device_pasid(b, dev, 0) == -EINVAL &&
	       iommu_attach_device_pasid(b, &vtd_rig->dev[EPC0], 5) == -EINVAL,
	       "PASID beyond the width, PASID 0, a device without PASIDs: EINVAL");
	report(iommu_attach_device_pasid(c, dev, 5) == -EBUSY,
	       "attach over an attached PASID: EBUSY (replace says what it replaces)");
	seq = vtd_trace_seq();
	report(iommu_replace_device_pasid(c, dev, 5, b) == 0 && vtd_rig_lands(EP80, 5, 0x100000, false,
									 0x9000000),
	       "replace B by C on PASID 5: DMA with PASID 5 reaches C's page");
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_PE_CLEAR, did_b, 5 }, { VTD_EV_PC, did_b, 5 }, { VTD_EV_IOTLB, did_b, -1 },
		{ VTD_EV_WAIT, -1, -1 }, { VTD_EV_PE_SET, to_vtd_domain(c)->did[1], 5 },
	}, 5), "PASID 5's entry cleared, its PASID cache and B's IOTLB flushed, then C's set");
	report(vtd_rig_lands(EP80, -1, 0x100000, false, 0x7000000), "the RID still reaches A");
	iommu_detach_device(a, dev);
	report((vtd_rig_ctx_of(EP80)[0] & VTD_SMCTX_P) && vtd_rig_faults(EP80, -1, 0x100000, false, 0x59) &&
	       vtd_rig_lands(EP80, 5, 0x100000, false, 0x9000000),
	       "RID detached: context entry stays for PASID 5; DMA without PASID faults 0x59");
	seq = vtd_trace_seq();
	iommu_detach_device_pasid(c, dev, 5);
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_PE_CLEAR, -1, 5 }, { VTD_EV_PC, -1, 5 }, { VTD_EV_WAIT, -1, -1 },
		{ VTD_EV_CTX_CLEAR, -1, -1 }, { VTD_EV_CC, -1, -1 }, { VTD_EV_WAIT, -1, -1 },
		{ VTD_EV_TABLE_FREE, -1, -1 },
	}, 7), "the last PASID goes: its entry flushed, then the context entry, then its PASID "
	       "tables are freed after that wait");
	report(!(vtd_rig_ctx_of(EP80)[0] & VTD_SMCTX_P) && vtd_pasid_domain(vd, 5) == NULL &&
	       list_empty(&vd->pasids), "nothing left attached");
	iommu_unmap(a, 0x100000, 0x1000);
	iommu_unmap(b, 0x100000, 0x1000);
	iommu_unmap(c, 0x100000, 0x1000);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (a)
		iommu_domain_free(a);
	if (b && !IS_ERR(b))
		iommu_domain_free(b);
	if (c && !IS_ERR(c))
		iommu_domain_free(c);
	vtd_rig_down();
}
