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
#include "iommu/irq_remap.h"
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

/* Scalable-mode faults as the unit records them and the driver decodes them (PASID, kind). */
KTEST(vtd-sm, test_vtd_sm_faults_recorded_and_decoded)
{
	static const struct {
		int dev;
		long pasid;
		u64 iova;
		bool write, priv, exec;
		u8 reason;
		const char *what;
	} rows[] = {
		{ EPC0, -1, 0x100000, false, false, false, 0x41, "context entry not present" },
		{ EP40, 5, 0x100000, false, false, false, 0x59, "PASID entry not present" },
		{ EP40, 0x1000, 0x100000, false, false, false, 0x51, "PASID directory entry clear" },
		{ EP40, -1, 0x300000, true, false, false, 0x85, "write to nothing" },
		{ EP40, -1, 0x300000, false, false, false, 0x86, "read of nothing" },
		{ EP40, 3, 0x100000, false, true, false, 0x5d, "supervisor request without SRE" },
		{ EP40, 3, 0x100000, false, false, true, 0x5c, "execute request without ERE" },
	};
	struct iommu_domain *d = NULL, *e = NULL;
	struct iommu_fault_record f[4];
	int bad = 0;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	d = vtd_rig_attach_new(EP40);
	e = iommu_domain_alloc_paging(&vtd_rig->dev[EP40]);
	if (!d || IS_ERR(e) || iommu_attach_device_pasid(e, &vtd_rig->dev[EP40], 3))
		goto out;
	iommu_map(e, 0x100000, 0x7000000, 0x1000, RW);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct vtd_hw_req r = { .sid = vtd_rig_sid_of(rows[i].dev),
					.has_pasid = rows[i].pasid >= 0, .pasid = (u32)rows[i].pasid,
					.addr = rows[i].iova, .write = rows[i].write,
					.priv = rows[i].priv, .exec = rows[i].exec };
		struct iommu_fault_match any = { .flags = IOMMU_FAULT_MATCH_ANY_SID |
							  IOMMU_FAULT_MATCH_ANY_ADDR };
		struct vtd_hw_xlate x;
		int n;
		bool ok;

		iommu_fault_expect_match(&any);
		x = vtd_hw_dma(vtd_rig_hw_of(rows[i].dev), &r);
		iommu_fault_expect_done();
		n = iommu_fault_records(f, 4);
		ok = !x.ok && x.reason == rows[i].reason && x.recorded && n == 1 &&
		     f[0].reason == rows[i].reason && f[0].source_id == r.sid &&
		     f[0].addr == (rows[i].iova & ~0xfffULL) && f[0].write == rows[i].write &&
		     f[0].pasid == (rows[i].pasid >= 0 ? (u32)rows[i].pasid : 0) &&
		     f[0].kind != IOMMU_FAULT_KIND_OTHER &&
		     strcmp(f[0].reason_str, "unknown fault reason");
		bad += !ok;
		report_info("%s: reason %#x (%s), PASID %u, %s", rows[i].what, f[0].reason,
			    n ? f[0].reason_str : "-", n ? f[0].pasid : 0, ok ? "ok" : "WRONG");
	}
	report(bad == 0, "%zu faults: reason, requester, address, access and PASID decoded",
	       ARRAY_SIZE(rows));
	for (u32 r = 0x30; r <= 0x90; r++) {
		bool listed = strcmp(vtd_fault_reason_str(r), "unknown fault reason");

		bad += listed && vtd_fault_kind(r) == IOMMU_FAULT_KIND_OTHER && r != 0x87;
	}
	report(bad == 0 && vtd_fault_kind(0x59) == IOMMU_FAULT_KIND_DEVICE &&
	       vtd_fault_kind(0x86) == IOMMU_FAULT_KIND_PAGE &&
	       vtd_fault_kind(0x5a) == IOMMU_FAULT_KIND_TABLE &&
	       vtd_fault_kind(0x80) == IOMMU_FAULT_KIND_RANGE,
	       "every scalable-mode reason listed has text and a kind");
	iommu_unmap(e, 0x100000, 0x1000);
	iommu_detach_device_pasid(e, &vtd_rig->dev[EP40], 3);
	iommu_detach_device(d, &vtd_rig->dev[EP40]);
out:
	if (e && !IS_ERR(e))
		iommu_domain_free(e);
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}

/* Interrupt remapping in scalable mode: IEC invalidations ride the 256-bit queue. */
KTEST(vtd-sm, test_vtd_sm_interrupt_entries_through_256bit_queue)
{
	struct irq_source s = { .kind = IRQ_SRC_PCI };
	const struct vtd_hw_op *op;
	struct irq_remap_entry e = { .live = false };
	struct irq_msg msg;
	struct vtd_hw *hw;
	u64 *slot;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	s.rid = pci_bdf(&vtd_rig->pdev[EP80]);
	s.pdev = &vtd_rig->pdev[EP80];
	hw = vtd_rig_hw_of(EP80);
	report(vtd_units[1]->ir.on && vtd_irq_remap_ops.alloc(&s, &e) == 0 &&
	       vtd_irq_remap_ops.set(&e, &(struct irq_target){ .vector = 0x41 }, &msg) == 0,
	       "remapping on; an entry for the device");
	op = vtd_rig_last_op(hw, VTD_DESC_IEC);
	report(op && op->wide && op->gran == 1 && op->addr == e.index,
	       "its IEC invalidation was a 256-bit descriptor for entry %u", e.index);
	report(vtd_hw_interrupt(hw, s.rid, msg.addr, msg.data).vector == 0x41, "0x41 arrives");
	slot = &vtd_units[1]->ir.irt[2 * e.index];
	slot[0] = (slot[0] & ~VTD_IRTE_V) | FIELD_PREP(VTD_IRTE_V, 0x42ULL);
	report(vtd_hw_interrupt(hw, s.rid, msg.addr, msg.data).vector == 0x41,
	       "changed without invalidation: stale");
	report(vtd_irq_remap_ops.set(&e, &(struct irq_target){ .vector = 0x43 }, &msg) == 0 &&
	       vtd_hw_interrupt(hw, s.rid, msg.addr, msg.data).vector == 0x43,
	       "the driver's change invalidates it: 0x43");
	vtd_irq_remap_ops.free(&e);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	vtd_rig_down();
}

/*
 * Bug class 43 in scalable mode (Meteor Lake, ECAP.C=0): the context and
 * PASID entries are written back from the CPU cache before the unit is
 * told about them, and again after they are cleared.
 */
KTEST(vtd-sm, test_vtd_sm_noncoherent_entries_written_back)
{
	struct iommu_domain *d = NULL;
	struct vtd_ev_rec ev[64];
	long set_seq = -1, clear_seq = -1;
	u64 *ce, *pe;
	u32 seq;
	int n;

	if (!vtd_rig_sm_up(CAP_MTL, ECAP_MTL, ""))
		goto out;
	report(!vtd_units[0]->coherent, "Meteor Lake's unit does not snoop page walks (C=0)");
	seq = vtd_trace_seq();
	d = vtd_rig_attach_new(EP40);
	if (!d)
		goto out;
	ce = vtd_rig_ctx_of(EP40);
	pe = vtd_rig_pasid_entry(EP40, 0);
	n = vtd_trace_since(seq, ev, 64);
	for (int i = 0; i < n; i++)
		if (ev[i].ev == VTD_EV_PE_SET)
			set_seq = ev[i].seq;
	report(set_seq >= 0 && model_flush_seq(pe) >= (long)seq && model_flush_seq(pe) <= set_seq &&
	       model_flush_seq(ce) >= (long)seq && model_flush_seq(ce) <= set_seq &&
	       model_flushed_as_is(pe, 64) && model_flushed_as_is(ce, 32),
	       "context and PASID entry written back, as they are now, before the PASID entry "
	       "counted as set");
	report(model_dirty_lines() == 0, "no table line differs from what the unit reads");
	seq = vtd_trace_seq();
	iommu_detach_device(d, &vtd_rig->dev[EP40]);
	n = vtd_trace_since(seq, ev, 64);
	for (int i = 0; i < n && clear_seq < 0; i++)
		if (ev[i].ev == VTD_EV_PE_CLEAR)
			clear_seq = ev[i].seq;
	report(clear_seq >= 0 && model_flush_seq(ce) > clear_seq && model_flushed_as_is(ce, 32),
	       "detach: the cleared context entry written back too (its PASID table is freed)");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}

/* One round of what the scalable-mode paths do; every step may fail cleanly. */
static void sm_life_cycle(void)
{
	struct iommu_dev *dev = &vtd_rig->dev[EP40];
	struct iommu_domain *a = iommu_domain_alloc_paging(dev), *b, *p = NULL;

	if (IS_ERR(a))
		return;
	b = vtd_domain_alloc_user(dev, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL, NULL);
	/* a PASID first (the context entry and directory come with it), then the RID */
	if (!IS_ERR(b) && !iommu_attach_device_pasid(b, dev, 9)) {
		b->dirty_ops->set_dirty_tracking(b, true);
		if (!iommu_attach_device(a, dev)) {
			iommu_map(a, 0x100000, 0x7000000, 0x2000, RW);
			iommu_attach_device_pasid(a, dev, 200);
			iommu_detach_device_pasid(a, dev, 200);
			iommu_unmap(a, 0x100000, 0x2000);
			iommu_detach_device(a, dev);
		}
		iommu_detach_device_pasid(b, dev, 9);
	}
	p = vtd_domain_alloc_user(dev, IOMMU_HWPT_ALLOC_NEST_PARENT, NULL, NULL);
	if (!IS_ERR(p)) {
		struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = 0x10000000, .addr_width = 48 };
		struct iommu_user_data data = { .type = IOMMU_HWPT_DATA_VTD_S1,
						.uptr = (u64)(uintptr_t)&s1, .len = sizeof(s1) };
		struct iommu_domain *n = vtd_domain_alloc_user(dev, 0, p, &data);

		if (!IS_ERR(n)) {
			if (!iommu_attach_device(n, dev))
				iommu_detach_device(n, dev);
			iommu_domain_free(n);
		}
		iommu_domain_free(p);
	}
	if (!IS_ERR(b))
		iommu_domain_free(b);
	iommu_domain_free(a);
}

static long dids_in_use(void)
{
	long n = 0;

	for (int i = 0; i < vtd_nunits; i++)
		n += (long)bitmap_weight(vtd_units[i]->dids, vtd_units[i]->ndoms);
	return n;
}

/*
 * Every allocation and wait of the scalable-mode paths (PASID directory and
 * tables, attachments, nested and dirty domains, the flushes) failed in
 * turn: nothing leaks (table and host pages, DIDs), nothing is left
 * attached, and the units still work.
 */
KTEST(vtd-sm, test_vtd_sm_failure_at_every_site)
{
	long pages, tables, dids, heap;
	int n, fired = 0, bad = 0;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	heap = (long)kmalloc_live();
	pages = host_pages_live();
	tables = model_pages();
	dids = dids_in_use();
	host_poll_step_us(1000);
	for (n = 1; n < 300; n++) {
		bool f;

		failpoint_arm((unsigned long)n);
		sm_life_cycle();
		f = failpoint_fired();
		failpoint_arm(0);
		if (!f)
			break;
		fired++;
		bad += host_pages_live() != pages || model_pages() != tables ||
		       (long)kmalloc_live() != heap ||
		       dids_in_use() != dids || vtd_rig_vd_of(EP40)->dom ||
		       !list_empty(&vtd_rig_vd_of(EP40)->pasids);
	}
	host_poll_step_us(0);
	report(n < 300 && fired >= 23 && bad == 0, "%d sites failed one at a time (at least 23); "
	       "heap, pages, tables, DIDs back each time", fired);
	report(vtd_flush_all(vtd_units[0]) == 0 && !(vtd_rig_ctx_of(EP40)[0] & VTD_SMCTX_P),
	       "the unit still works, the device's context entry is clear");
	for (int i = 0; i < vtd_nunits; i++)
		vtd_units[i]->st.errors = 0;	/* the injected ones */
out:
	vtd_rig_down();
}

/*
 * Bug class 45 in scalable mode: a previous owner left translation on with
 * its own scalable-mode root and filled the caches. The takeover keeps
 * translation on, sets our root with TTM, and empties context cache, PASID
 * cache and IOTLB globally: nothing of the old translations survives.
 */
/* A root table latched by SRTP and still in RTADDR, as an owner leaves it. */
static void left_root(struct vtd_hw *hw, u64 rta)
{
	hw->gsts = VTD_GSTS_TES | VTD_GSTS_RTPS;
	hw->rta = rta;
	memcpy(hw->regs + VTD_RTADDR_REG, &rta, 8);
}

static void left_sm(struct vtd_hw *hw)
{
	left_root(hw, 0x12345000 | FIELD_PREP(VTD_RTADDR_TTM, 1));
	hw->cc[0] = (struct vtd_hw_cce){ .valid = true, .sid = 0x4028 };
	hw->pc[0] = (struct vtd_hw_pce){ .valid = true, .sid = 0x4028 };
	hw->tlb[0] = (struct vtd_hw_tlbe){ .valid = true, .pgtt = VTD_PGTT_SS, .did = 0,
					   .iova = 0x100000, .size = 4096, .pa = 0x66600000,
					   .r = true, .w = true };
}

KTEST(vtd-sm, test_vtd_sm_takeover_empties_every_cache)
{
	struct vtd_hw *hw;
	struct vtd_unit *u;

	if (!vtd_rig_up_as(0x60, CAP_SPR, ECAP_SPR_PASID, "", left_sm))
		goto out;
	hw = vtd_rig_hw_of(EP40);
	u = vtd_units[0];
	report(u->took_over && u->sm && hw->te_offs == 0 && (hw->rta & VTD_RTADDR_RTA) == u->root_pa &&
	       vtd_hw_sm(hw), "taken over in scalable mode; translation never off; our root");
	report(!hw->cc[0].valid && !hw->pc[0].valid && !hw->tlb[0].valid &&
	       vtd_rig_last_op(hw, VTD_DESC_PC) &&
	       vtd_rig_last_op(hw, VTD_DESC_PC)->gran == VTD_PC_GLOBAL,
	       "the old context, PASID and IOTLB entries are gone (global invalidations)");
	report(vtd_rig_faults(EP40, -1, 0x100000, true, 0x41),
	       "the old owner's mapping is not used: the device faults until attached");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	vtd_rig_down();
}

static void left_legacy(struct vtd_hw *hw)
{
	left_root(hw, 0x12345000);
}

/*
 * Bug class 45 across modes: the table mode (RTADDR.TTM) may change only
 * while translation is off, so a root found on in the other mode (legacy
 * under a scalable-mode driver, or scalable under vtd_sm=off) costs one
 * TE off before our root goes in; the same mode never does (above).
 */
KTEST(vtd-sm, test_vtd_sm_takeover_across_table_modes)
{
	static const struct {
		const char *cmdline;
		void (*left)(struct vtd_hw *hw);
		bool sm;
		u8 reason;
	} rows[] = {
		{ "", left_legacy, true, 0x41 },
		{ "vtd_sm=off", left_sm, false, 0x2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct vtd_hw *hw;

		if (!vtd_rig_up_as(0x60, CAP_SPR, ECAP_SPR_PASID, rows[i].cmdline, rows[i].left))
			goto next;
		hw = vtd_rig_hw_of(EP40);
		report(vtd_units[0]->took_over && vtd_units[0]->sm == rows[i].sm &&
		       vtd_hw_sm(hw) == rows[i].sm && (hw->gsts & VTD_GSTS_TES) && hw->te_offs == 1,
		       "%s root found on, %s driver: translation off once, then on with our root",
		       rows[i].sm ? "legacy" : "scalable", rows[i].sm ? "scalable-mode" : "legacy");
		report(vtd_rig_faults(EP40, -1, 0x100000, false, rows[i].reason) &&
		       vtd_rig_violations() == 0,
		       "TTM never changed under translation; the device faults until attached");
next:
		vtd_rig_down();
	}
}

/*
 * Which units take a domain made for dirty tracking (as Linux's
 * prepare_domain_attach_device): only scalable-mode ones with SSADS, even
 * before tracking starts, since turning it on writes SSADE into every
 * PASID entry using the tables (a legacy context entry has none) and
 * nested children carry their parent's. dmar1 legacy, dmar2 without SSADS.
 */
static void mixed_units(struct vtd_hw *hw)
{
	u64 ecap = ECAP_SPR_PASID;

	if (hw == vtd_rig->hw[1])
		ecap &= ~BIT_ULL(43);	/* SMTS */
	else if (hw == vtd_rig->hw[2])
		ecap &= ~BIT_ULL(45);	/* SLADS */
	memcpy(hw->regs + VTD_ECAP_REG, &ecap, 8);
}

/* Attach d to dev; detached again if that worked. Returns what attach returned. */
static int attach_probe(struct iommu_domain *d, int dev)
{
	int ret = iommu_attach_device(d, &vtd_rig->dev[dev]);

	if (!ret)
		iommu_detach_device(d, &vtd_rig->dev[dev]);
	return ret;
}

KTEST(vtd-sm, test_vtd_sm_dirty_tracking_domains_only_where_ssads)
{
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = 0x10000000, .addr_width = 48 };
	struct iommu_user_data data = { .type = IOMMU_HWPT_DATA_VTD_S1,
					.uptr = (u64)(uintptr_t)&s1, .len = sizeof(s1) };
	struct iommu_domain *d = NULL, *p = NULL, *n = NULL;
	struct iommu_dev *dev;

	if (!vtd_rig_up_as(0x60, CAP_SPR, ECAP_SPR_PASID, "", mixed_units))
		goto out;
	dev = &vtd_rig->dev[EP40];
	report(vtd_units[0]->sm && !vtd_units[1]->sm && vtd_units[2]->sm && !vtd_units[2]->ssads,
	       "dmar0 scalable with SSADS, dmar1 legacy, dmar2 scalable without SSADS");
	d = vtd_domain_alloc_user(dev, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL, NULL);
	p = vtd_domain_alloc_user(dev, IOMMU_HWPT_ALLOC_NEST_PARENT |
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL, NULL);
	n = IS_ERR(p) ? p : vtd_domain_alloc_user(dev, 0, p, &data);
	if (IS_ERR(d) || IS_ERR(n)) {
		report(false, "dirty-tracking domains and a nested one allocated through dmar0");
		goto out;
	}
	report(attach_probe(d, EP80) == -EINVAL && attach_probe(d, EPC0) == -EINVAL &&
	       attach_probe(n, EPC0) == -EINVAL,
	       "refused (EINVAL) by the legacy unit, by the one without SSADS, and so is a "
	       "nested domain over a dirty-tracking parent");
	report(iommu_attach_device(d, dev) == 0 && d->dirty_ops->set_dirty_tracking(d, true) == 0 &&
	       (vtd_rig_pasid_entry(EP40, 0)[0] & VTD_PE_SSADE), "dmar0 takes it: SSADE set");
	d->dirty_ops->set_dirty_tracking(d, false);
	iommu_detach_device(d, dev);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (n && !IS_ERR(n))
		iommu_domain_free(n);
	if (p && !IS_ERR(p))
		iommu_domain_free(p);
	if (d && !IS_ERR(d))
		iommu_domain_free(d);
	vtd_rig_down();
}

/*
 * Bug class 43 in scalable mode: paging structures are walked coherently
 * only with ECAP.SMPWCS (and PWSNP in the PASID entry), whatever ECAP.C
 * says about the root, context and PASID tables. Sapphire Rapids' unit
 * without SMPWCS (synthetic): table stores must be written back.
 */
KTEST(vtd-sm, test_vtd_sm_page_walks_snoop_only_with_smpwcs)
{
	struct iommu_domain *d = NULL;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID & ~BIT_ULL(48), ""))
		goto out;
	d = vtd_rig_attach_new(EP40);
	if (!d)
		goto out;
	report(vtd_units[0]->coherent && to_vtd_domain(d)->pt.flush &&
	       !(vtd_rig_pasid_entry(EP40, 0)[1] & VTD_PE_PWSNP),
	       "ECAP.C=1, SMPWCS=0: the domain writes back its table stores; PWSNP clear");
	report(iommu_map(d, 0x100000, 0x7000000, 0x1000, RW) == 0 &&
	       vtd_rig_lands(EP40, -1, 0x100010, true, 0x7000010) && model_dirty_lines() == 0,
	       "a walker reading memory only finds the new mapping");
	iommu_unmap(d, 0x100000, 0x1000);
	iommu_detach_device(d, &vtd_rig->dev[EP40]);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}

/*
 * Caching mode (CM=1: not-present entries may be cached, also in the
 * paging-structure caches): a map that links new tables is flushed
 * without the leaf-only hint (IH 0), or a cached not-present non-leaf
 * entry could survive.
 */
KTEST(vtd-sm, test_vtd_sm_caching_mode_map_flush_not_leaf_only)
{
	const struct vtd_hw_op *op;
	struct iommu_domain *d = NULL;
	int n;

	if (!vtd_rig_sm_up(CAP_SPR | BIT_ULL(7), ECAP_SPR_PASID, ""))
		goto out;
	d = vtd_rig_attach_new(EP40);
	if (!d)
		goto out;
	n = vtd_rig_hw_of(EP40)->nlog;
	report(iommu_map(d, 0x40000000, 0x7000000, 0x1000, RW) == 0, "a map needing new tables");
	op = vtd_rig_last_op(vtd_rig_hw_of(EP40), VTD_DESC_IOTLB);
	report(vtd_hw_count_since(vtd_rig_hw_of(EP40), n, VTD_DESC_IOTLB, to_vtd_domain(d)->did[0]) == 1 &&
	       op && !op->ih, "CM=1: one IOTLB flush of the domain's DID, IH clear");
	iommu_unmap(d, 0x40000000, 0x1000);
	iommu_detach_device(d, &vtd_rig->dev[EP40]);
out:
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}

/*
 * Bug class 37 in scalable mode: one domain on two units carries each
 * unit's DID in its PASID entries, and each unit is flushed with its own.
 */
KTEST(vtd-sm, test_vtd_sm_domain_ids_per_unit)
{
	struct iommu_domain *x = NULL, *y = NULL;
	int n0, n1;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	y = vtd_rig_attach_new(EP80);	/* takes dmar1's first DID */
	x = vtd_rig_attach_new(EP40);
	if (!x || !y || iommu_attach_device(x, &vtd_rig->dev[EP80]) != -EBUSY ||
	    iommu_attach_device_pasid(x, &vtd_rig->dev[EP80], 4))
		goto out;
	report(FIELD_GET(VTD_PE_DID, vtd_rig_pasid_entry(EP40, 0)[1]) == to_vtd_domain(x)->did[0] &&
	       FIELD_GET(VTD_PE_DID, vtd_rig_pasid_entry(EP80, 4)[1]) == to_vtd_domain(x)->did[1] &&
	       to_vtd_domain(x)->did[1] != to_vtd_domain(y)->did[1],
	       "one domain: dmar0's DID in EP40's entry, dmar1's own in EP80's PASID 4 entry");
	n0 = vtd_rig->hw[0]->nlog;
	n1 = vtd_rig->hw[1]->nlog;
	iommu_map(x, 0x100000, 0x7000000, 0x1000, RW);
	iommu_unmap(x, 0x100000, 0x1000);
	report(vtd_hw_count_since(vtd_rig->hw[0], n0, VTD_DESC_IOTLB, to_vtd_domain(x)->did[0]) == 1 &&
	       vtd_hw_count_since(vtd_rig->hw[1], n1, VTD_DESC_IOTLB, to_vtd_domain(x)->did[1]) == 1 &&
	       vtd_hw_count_since(vtd_rig->hw[1], n1, VTD_DESC_IOTLB, -1) == 1,
	       "an unmap flushes each unit with its own DID, only that one");
	iommu_detach_device_pasid(x, &vtd_rig->dev[EP80], 4);
	iommu_detach_device(x, &vtd_rig->dev[EP40]);
	iommu_detach_device(y, &vtd_rig->dev[EP80]);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (x)
		iommu_domain_free(x);
	if (y)
		iommu_domain_free(y);
	vtd_rig_down();
}

/*
 * Device-TLBs in scalable mode (the ATS device under the R820's bridge,
 * with PASIDs): the context entry allows translated requests (DTE); a
 * PASID's changes flush its PASID-based device-TLB, the RID's the plain
 * one, each after the IOTLB and before the wait.
 */
KTEST(vtd-sm, test_vtd_sm_device_tlb_per_pasid)
{
	struct iommu_dev *dev;
	struct iommu_domain *a = NULL, *b = NULL;
	const struct vtd_hw_op *op;
	struct vtd_hw *hw;
	u32 seq;
	int n;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	dev = &vtd_rig->dev[NIC];
	hw = vtd_rig_hw_of(NIC);
	a = vtd_rig_attach_new(NIC);
	b = iommu_domain_alloc_paging(dev);
	if (!a || IS_ERR(b) || iommu_attach_device_pasid(b, dev, 3))
		goto out;
	report(vtd_rig_vd_of(NIC)->ats && (vtd_rig_ctx_of(NIC)[0] & VTD_SMCTX_DTE),
	       "ATS on, the context entry's DTE set");
	iommu_map(b, 0x100000, 0x7000000, 0x2000, RW);
	n = hw->nlog;
	iommu_unmap(b, 0x100000, 0x2000);
	op = vtd_rig_last_op(hw, VTD_DESC_PDEVTLB);
	report(vtd_hw_count_since(hw, n, VTD_DESC_PDEVTLB, -1) == 1 && op->pasid == 3 &&
	       op->sid == vtd_rig_sid_of(NIC) && vtd_hw_count_since(hw, n, VTD_DESC_DEVTLB, -1) == 0,
	       "an unmap in PASID 3's domain: one PASID-based device-TLB invalidation, PASID 3");
	seq = vtd_trace_seq();
	iommu_detach_device_pasid(b, dev, 3);
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_PE_CLEAR, -1, 3 }, { VTD_EV_PC, -1, 3 }, { VTD_EV_IOTLB, -1, -1 },
		{ VTD_EV_PDEVTLB, -1, 3 }, { VTD_EV_WAIT, -1, -1 } }, 5),
	       "PASID 3's entry goes: PASID cache, IOTLB, its device-TLB, wait");
	seq = vtd_trace_seq();
	iommu_detach_device(a, dev);
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_PE_CLEAR, -1, 0 }, { VTD_EV_PC, -1, 0 }, { VTD_EV_IOTLB, -1, -1 },
		{ VTD_EV_DEVTLB, -1, -1 }, { VTD_EV_WAIT, -1, -1 }, { VTD_EV_CTX_CLEAR, -1, -1 },
		{ VTD_EV_CC, -1, -1 }, { VTD_EV_DEVTLB, -1, -1 }, { VTD_EV_WAIT, -1, -1 } }, 9),
	       "RID_PASID's goes with the device's (RID) device-TLB; then the context entry, "
	       "again with it");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (a)
		iommu_domain_free(a);
	if (b && !IS_ERR(b))
		iommu_domain_free(b);
	vtd_rig_down();
}
