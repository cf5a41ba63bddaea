// SPDX-License-Identifier: MIT
/*
 * vtd suite: the VT-d driver's mechanics on the unit it runs: enable state,
 * AGAW, context entries and their flush order, domain ids, invalidation
 * per operation, table freeing after the flush, caching mode, takeover.
 */
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "iommu/vtd/vtd.h"
#include "lib/bitmap.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include "tests/kernel/dma_util.h"
#include "tests/kernel/vtd_util.h"
#include "tests/ktest.h"
#include <linux/iommufd.h>

#define RW (IOMMU_READ | IOMMU_WRITE)
#define SZ_2M (2UL << 20)
#define NEEDS (KT_NEED_VTD | KT_NEED_EDU)

static long inval_errors(void)
{
	long n = 0;

	for (int i = 0; i < vtd_nunits; i++)
		n += (long)vtd_units[i]->st.errors;
	return n;
}

/* Any failed invalidation fails the test that caused it. */
KTEST_COUNTER(vtd_inval_errors, inval_errors);

static long dids_used(void)
{
	long n = 0;

	for (int i = 0; i < vtd_nunits; i++)
		n += (long)bitmap_weight(vtd_units[i]->dids, vtd_units[i]->ndoms);
	return n;
}

/* Every driver event has a name for the trace a failed order check prints (IEC, IRTE too). */
KTEST_NEEDS(vtd, test_vtd_trace_events_all_named, KT_NEED_KERNEL)
{
	int unnamed = 0;

	for (int ev = 0; ev < VTD_EV_NEV; ev++) {
		if (!strcmp(vtd_ev_name(ev), "?")) {
			report_info("event %d has no name", ev);
			unnamed++;
		}
	}
	report(!unnamed && !strcmp(vtd_ev_name(VTD_EV_IEC), "iec") &&
	       !strcmp(vtd_ev_name(VTD_EV_IRTE), "irte"), "%d events, %d without a name",
	       VTD_EV_NEV, unnamed);
}

/* Domain ids back where they were after every test (as amdvi_domain_ids). */
KTEST_COUNTER(vtd_domain_ids, dids_used);

KTEST_NEEDS(vtd, test_vtd_units_enabled, KT_NEED_VTD)
{
	for (int i = 0; i < vtd_nunits; i++) {
		struct vtd_unit *u = vtd_units[i];
		u32 gsts = vtd_readl(u, VTD_GSTS_REG);

		report_prefix_push(u->name);
		report(gsts & VTD_GSTS_TES, "translation enabled (GSTS %#x)", gsts);
		report((vtd_readq(u, VTD_RTADDR_REG) & VTD_RTADDR_RTA) == u->root_pa &&
		       FIELD_GET(VTD_RTADDR_TTM, vtd_readq(u, VTD_RTADDR_REG)) == u->sm,
		       "root table pointer is ours, %s mode", u->sm ? "scalable" : "legacy");
		report(u->sm == (vtd_ecap_smts(u->ecap) && vtd_opt.sm),
		       "scalable mode %s (ECAP.SMTS %d, vtd_sm=%s)", u->sm ? "on" : "off",
		       vtd_ecap_smts(u->ecap), vtd_opt.sm ? "on" : "off");
		/*
		 * A unit reading 256-bit slots as 128-bit descriptors would
		 * stop at the first zero upper half (type 0: IQE). QEMU 7.2
		 * honours IQA.DW but reads IQA back without it.
		 */
		report(u->qi.dw == u->sm && (!u->sm || vtd_flush_all(u) == 0),
		       "%s invalidation descriptors run (IQA reads %#llx)",
		       u->qi.dw ? "256-bit" : "128-bit", (unsigned long long)vtd_readq(u, VTD_IQA_REG));
		report(!!(gsts & VTD_GSTS_QIES) == (u->inv == VTD_INV_QI),
		       "queued invalidation %s as chosen", u->inv == VTD_INV_QI ? "on" : "off");
		report(!!(gsts & VTD_GSTS_IRES) == u->ir.on &&
		       (!u->ir.on || (vtd_readq(u, VTD_IRTA_REG) & VTD_IRTA_ADDR) == u->ir.irt_pa),
		       "interrupt remapping %s", u->ir.on ? "on with our table" :
		       "off (no ECAP.IR, no queue, or intremap=off)");
		report(!(vtd_readl(u, VTD_FECTL_REG) & VTD_FECTL_IM) && u->fault_vector > 0,
		       "fault event interrupt unmasked on vector %d", u->fault_vector);
		report(u->iommu.ops == &vtd_iommu_ops && u->nfr >= 1,
		       "registered; %u fault recording register(s) at %#x", u->nfr, u->fro);
		report_prefix_pop();
	}
}

/* The depth an independent reading of SAGAW/MGAW gives (VT-d 11.4.2). */
static int expected_levels(u64 cap)
{
	unsigned int sagaw = (cap >> 8) & 0x1f, mgaw = ((cap >> 16) & 0x3f) + 1;
	int best = -1;

	for (int l = 3; l <= 5; l++) {
		if (!(sagaw & (1u << (l - 2))))
			continue;
		if (30 + 9 * (l - 2) >= (int)mgaw)
			return l;
		best = l;
	}
	return best;
}

KTEST_NEEDS(vtd, test_vtd_agaw_from_sagaw_and_width, NEEDS)
{
	struct dma_edu e;
	struct vtd_domain *dom;
	struct vtd_unit *u;
	struct vtd_xlate x;
	u64 end;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	dom = to_vtd_domain(e.d.dom);
	report(u->levels == expected_levels(u->cap), "%s: SAGAW %#llx, MGAW %u -> %d levels",
	       u->name, (unsigned long long)((u->cap >> 8) & 0x1f), u->mgaw, u->levels);
	report(dom->pt.levels == u->levels, "new domains get %d-level tables", u->levels);
	end = e.d.dom->geometry.aperture_end;
	report(end == (1ULL << min(vtd_pgtable_width(u->levels), u->mgaw)) - 1,
	       "aperture ends at %#llx", (unsigned long long)end);
	report(iommu_map(e.d.dom, end + 1, 0x100000, PAGE_SIZE, RW) == -ERANGE,
	       "map at the first IOVA past the width -> ERANGE");
	report(iommu_map(e.d.dom, end + 1 - PAGE_SIZE, 0x100000, PAGE_SIZE, RW) == 0 &&
	       iommu_unmap(e.d.dom, end + 1 - PAGE_SIZE, PAGE_SIZE) == PAGE_SIZE,
	       "the last page below it maps and unmaps");
	report(vtd_dev_xlate(&e.d, &x) && x.ss_levels == u->levels,
	       "%s entry AW says %d levels", u->sm ? "PASID" : "context", u->levels);
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_context_entry_attach_detach, NEEDS)
{
	struct vtd_ev_want w[8];
	struct vtd_domain *dom;
	struct vtd_xlate x;
	struct dma_edu e;
	struct vtd_dev *vd;
	u32 seq;
	u64 *ce;
	u16 did;
	int n;

	if (dma_edu_open(&e, 0))
		return;
	vd = e.d.dev->iommu_priv;
	dom = to_vtd_domain(e.d.dom);
	did = dom->did[vd->unit->idx];
	ce = vtd_dev_ctx(&e.d);
	report(ce && (ce[0] & VTD_CTX_P), "context entry present after attach");
	report(vtd_dev_xlate(&e.d, &x) && x.ss_ptr == dom->pt.root,
	       "%s points at the domain's root table",
	       vd->unit->sm ? "RID_PASID's PASID entry (second stage)" : "it");
	report(x.pgtt == VTD_PGTT_SS && x.devtlb == vd->ats, "second-stage translation%s",
	       vd->ats ? ", translated requests allowed" : "");
	report(x.did == did && dom->ndevs[vd->unit->idx] == 1, "domain id %u, one device", did);
	if (vd->unit->sm)
		report(FIELD_GET(VTD_SMCTX_RID_PASID, ce[1]) == 0 && !ce[2] && !ce[3] &&
		       !!(ce[0] & VTD_SMCTX_PASIDE) == !!vd->pasid_bits,
		       "scalable-mode context entry: RID_PASID 0, PASIDs %s, upper half 0",
		       vd->pasid_bits ? "enabled" : "off (no PASID capability)");
	report(e.d.dev->domain == e.d.dom, "the core sees the device attached");
	seq = vtd_trace_seq();
	iommu_detach_device(e.d.dom, e.d.dev);
	report(ce[0] == 0 && ce[1] == 0, "detach clears the entry");
	n = vtd_want_rid_clear(vd->unit, did, vtd_dev_sid(vd), w);
	if (vd->unit->sm) {
		/* then the context entry, its PASID table no longer used */
		w[n++] = (struct vtd_ev_want)EVW(VTD_EV_CTX_CLEAR, -1, -1, vtd_dev_sid(vd));
		w[n++] = (struct vtd_ev_want)EVW(VTD_EV_CC, VTD_GRAN_DEVICE, -1, vtd_dev_sid(vd));
		w[n++] = (struct vtd_ev_want)EVW(VTD_EV_WAIT, -1, -1, -1);
	}
	report(vtd_trace_expect(seq, w, n), "%s", vd->unit->sm ?
	       "PASID entry cleared, PASID cache, IOTLB (domain), wait; then the context "
	       "entry, context cache (device), wait" :
	       "clear, then context-cache (device), IOTLB (domain), wait");
	report(e.d.dev->domain == &vtd_blocked_domain.domain && !vd->dom,
	       "the device is blocked");
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_domain_switch_clear_flush_set, NEEDS)
{
	struct vtd_ev_want w[5];
	struct dma_edu e;
	struct iommu_domain *b;
	struct dma_buf buf;
	struct vtd_dev *vd;
	u16 did_a, did_b;
	u32 seq;
	int n;

	if (dma_edu_open(&e, 0))
		return;
	vd = e.d.dev->iommu_priv;
	b = iommu_domain_alloc_paging(e.d.dev);
	if (dma_buf_alloc(&buf, 1) || !b)
		goto out;
	dma_edu_load(&e, &buf, DMA_IOVA_A, 128, 31);
	memset(buf.va, 0, 2 * PAGE_SIZE);
	dma_map(&e.d, DMA_IOVA_B, buf.pa, PAGE_SIZE, RW);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 128));
	report(dma_check(buf.va, 128, 31), "DMA through domain A lands (now cached)");
	memset(buf.va, 0, PAGE_SIZE);
	did_a = to_vtd_domain(e.d.dom)->did[vd->unit->idx];
	seq = vtd_trace_seq();
	report(iommu_attach_device(b, e.d.dev) == 0, "replace A with B");
	did_b = to_vtd_domain(b)->did[vd->unit->idx];
	report(did_a != did_b, "B has its own domain id (%u, A had %u)", did_b, did_a);
	n = vtd_want_rid_clear(vd->unit, did_a, vtd_dev_sid(vd), w);
	w[n++] = (struct vtd_ev_want)EVW(vtd_ev_set(vd->unit), -1, did_b, vtd_dev_sid(vd));
	report(vtd_trace_expect(seq, w, n),
	       "old entry cleared and A's DID flushed before B's entry is written");
	dma_expect_page_fault(&e.d, DMA_IOVA_B, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 128));
	report(iommu_fault_expect_done() >= 1, "DMA to an IOVA mapped only in A faults");
	report(mem_is_zero(buf.va, PAGE_SIZE), "A's page is untouched");
	iommu_attach_device(e.d.dom, e.d.dev);
	dma_unmap(&e.d, DMA_IOVA_B, PAGE_SIZE);
	dma_buf_free(&buf);
out:
	if (b)
		iommu_domain_free(b);
	dma_edu_close(&e);
}

/* Another translated PCI function on edu's unit (q35 always has 00:1f.2). */
static struct iommu_dev *other_dev_on(struct vtd_unit *u, struct iommu_dev *not)
{
	struct iommu_dev *d;

	for (int n = 0; (d = iommu_dev_get(n)); n++)
		if (d != not && d->ops == &vtd_iommu_ops &&
		    ((struct vtd_dev *)d->iommu_priv)->unit == u &&
		    d->rid != not->rid)
			return d;
	return NULL;
}

KTEST_NEEDS(vtd, test_vtd_domain_ids_per_unit_and_reuse, NEEDS)
{
	struct iommu_domain *d1 = NULL, *d2 = NULL, *d3 = NULL;
	struct iommu_dev *dev2;
	struct vtd_unit *u;
	struct dma_edu e;
	u16 did1, did2, did3;
	u32 seq;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	dev2 = other_dev_on(u, e.d.dev);
	if (!dev2) {
		report_skip("no second device on %s", u->name);
		goto out;
	}
	d1 = e.d.dom;
	d2 = iommu_domain_alloc_paging(dev2);
	report(iommu_attach_device(d2, dev2) == 0, "%s attached to a second domain", dev2->name);
	did1 = to_vtd_domain(d1)->did[u->idx];
	did2 = to_vtd_domain(d2)->did[u->idx];
	report(did1 != did2, "two domains on one unit: DIDs %u and %u", did1, did2);
	report(!u->cm || (did1 && did2), "DID 0 unused while CM=1 (CM=%d)", u->cm);
	seq = vtd_trace_seq();
	iommu_detach_device(d2, dev2);
	d3 = iommu_domain_alloc_paging(dev2);
	report(iommu_attach_device(d3, dev2) == 0, "a third domain attached");
	did3 = to_vtd_domain(d3)->did[u->idx];
	report(did3 == did2, "the freed DID %u is reused (%u)", did2, did3);
	report(vtd_trace_expect(seq, (const struct vtd_ev_want[]){
		EVW(VTD_EV_IOTLB, VTD_GRAN_DOMAIN, did2, -1),
		EVW(VTD_EV_WAIT, -1, -1, -1),
		EVW(vtd_ev_set(u), -1, did3, -1),
	}, 3), "its domain-selective flush completed before the reuse");
	iommu_detach_device(d3, dev2);
	report(!u->cm || bitmap_test_bit(u->dids, 0), "DID 0 stays reserved");
out:
	if (d2)
		iommu_domain_free(d2);
	if (d3)
		iommu_domain_free(d3);
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_caching_mode_invalidates_on_map, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b;
	struct vtd_unit *u;
	u64 before;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	if (dma_buf_alloc(&b, 3))
		goto out;
	before = vtd_iotlb_flushes(u);
	for (int i = 0; i < 4; i++)
		iommu_map(e.d.dom, DMA_IOVA_B + i * 2 * PAGE_SIZE, b.pa + i * 2 * PAGE_SIZE,
			  2 * PAGE_SIZE, RW);
	report(vtd_iotlb_flushes(u) - before == (u->cm ? 4u : 0u),
	       "CM=%d: %llu IOTLB invalidations for 4 maps (expect %d)", u->cm,
	       (unsigned long long)(vtd_iotlb_flushes(u) - before), u->cm ? 4 : 0);
	dma_edu_load(&e, &b, DMA_IOVA_A, 64, 41);
	memset(b.va + 6 * PAGE_SIZE, 0, 64);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B + 6 * PAGE_SIZE, 0, 64));
	report(dma_check(b.va + 6 * PAGE_SIZE, 64, 41), "DMA right after the map lands");
	dma_unmap(&e.d, DMA_IOVA_B, 8 * PAGE_SIZE);
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

/* Unmap [iova, iova + size) and check the one IOTLB invalidation it issued. */
static void check_unmap_psi(struct dma_dev *d, u64 iova, size_t size, int am, u64 addr)
{
	struct vtd_unit *u = vtd_unit_of(d);
	struct vtd_ev_rec ev[16];
	u64 waits = u->st.waits, regs = u->st.reg_inv;
	u32 seq = vtd_trace_seq();
	int n, niotlb = 0, k = -1;

	iommu_unmap(d->dom, iova, size);
	n = vtd_trace_since(seq, ev, 16);
	for (int i = 0; i < n; i++)
		if (ev[i].ev == VTD_EV_IOTLB)
			niotlb++, k = i;
	if (!u->psi || am > (int)u->mamv) {
		report(niotlb == 1 && ev[k].gran == VTD_GRAN_DOMAIN,
		       "unmap %#llx+%#zx: domain-selective (PSI %d, MAMV %u)",
		       (unsigned long long)iova, size, u->psi, u->mamv);
		return;
	}
	report(niotlb == 1 && ev[k].gran == VTD_GRAN_PAGE && ev[k].am == am && ev[k].addr == addr,
	       "unmap %#llx+%#zx: one PSI, AM %d at %#llx (got %d, AM %u at %#llx)",
	       (unsigned long long)iova, size, am, (unsigned long long)addr, niotlb,
	       k >= 0 ? ev[k].am : 0, k >= 0 ? (unsigned long long)ev[k].addr : 0ULL);
	if (u->inv == VTD_INV_QI)
		report(u->st.waits == waits + 1, "one wait for the whole unmap");
	else
		report(u->st.reg_inv == regs + 1, "one register invalidation");
}

KTEST_NEEDS(vtd, test_vtd_unmap_psi_address_mask, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b;

	if (dma_edu_open(&e, 0))
		return;
	if (dma_buf_alloc(&b, 10))
		goto out;
	iommu_map(e.d.dom, 0x600000, b.pa, PAGE_SIZE, RW);
	check_unmap_psi(&e.d, 0x600000, PAGE_SIZE, 0, 0x600000);
	iommu_map(e.d.dom, 0x600000, b.pa, SZ_2M, RW);
	check_unmap_psi(&e.d, 0x600000, SZ_2M, 9, 0x600000);
	/* pfns 0x7ff and 0x800 first share bit 12 and up: AM 12 from 0 */
	iommu_map(e.d.dom, 0x7ff000, b.pa + 0x1ff000, 2 * PAGE_SIZE, RW);
	check_unmap_psi(&e.d, 0x7ff000, 2 * PAGE_SIZE, 12, 0);
	iommu_map(e.d.dom, 0x1003000, b.pa, 5 * PAGE_SIZE, RW);
	check_unmap_psi(&e.d, 0x1003000, 5 * PAGE_SIZE, 3, 0x1000000);
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_tables_freed_only_after_flush, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b;
	struct vtd_ev_rec ev[32];
	const u64 base = 0x40000000ULL;
	long before;
	int n, wait_at = -1, frees = 0, early = 0, levels, bad = 0;
	u32 seq;

	if (dma_edu_open(&e, 0))
		return;
	if (dma_buf_alloc(&b, 0))
		goto out;
	/* a fresh domain holds only its root: the map adds one table per level below */
	levels = to_vtd_domain(e.d.dom)->pt.levels;
	before = to_vtd_domain(e.d.dom)->pt.ntables;
	iommu_map(e.d.dom, base + 0x5000, b.pa, PAGE_SIZE, RW);
	report(before == 1 && to_vtd_domain(e.d.dom)->pt.ntables == levels,
	       "a map into a fresh %d-level domain adds %d tables", levels, levels - 1);
	iommu_unmap(e.d.dom, base + 0x5000, PAGE_SIZE);
	report(to_vtd_domain(e.d.dom)->pt.ntables == levels,
	       "a 4K unmap keeps them for the next map (%ld tables)",
	       to_vtd_domain(e.d.dom)->pt.ntables);
	/* 512 pages fill the level-1 table: one unmap of them all clears it whole */
	for (int i = 0; i < 512; i++)
		bad += iommu_map(e.d.dom, base + (u64)i * PAGE_SIZE, b.pa, PAGE_SIZE, RW) != 0;
	seq = vtd_trace_seq();
	bad += iommu_unmap(e.d.dom, base, 512 * PAGE_SIZE) != 512 * PAGE_SIZE;
	n = vtd_trace_since(seq, ev, 32);
	for (int i = 0; i < n; i++) {
		if (ev[i].ev == VTD_EV_WAIT && wait_at < 0)
			wait_at = i;
		if (ev[i].ev == VTD_EV_TABLE_FREE) {
			frees++;
			early += wait_at < 0;
		}
	}
	report(bad == 0 && frees == 1 && early == 0,
	       "the table an unmap cleared whole is freed, after the wait (%d, %d early)", frees,
	       early);
	report(to_vtd_domain(e.d.dom)->pt.ntables == levels - 1, "table count %ld",
	       to_vtd_domain(e.d.dom)->pt.ntables);
	if (e.edu.dma_mask < base + 0x5000 + 63) {
		report_info("the old IOVA is beyond this edu's DMA mask: its fault not checked");
	} else {
		dma_expect_page_fault(&e.d, base + 0x5000, IOMMU_FAULT_ACCESS_READ);
		dma_edu_done(edu_dma_to_dev(&e.edu, base + 0x5000, 0, 64));
		report(iommu_fault_expect_done() >= 1,
		       "DMA to the old IOVA faults (never walks a freed table)");
	}
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_superpage_replaces_freed_table, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b1, b2;

	if (dma_edu_open(&e, 0))
		return;
	if (!(e.d.dom->pgsize_bitmap & SZ_2M)) {
		report_skip("no 2M pages on this unit");
		goto out;
	}
	if (dma_buf_alloc(&b1, 9))
		goto out;
	if (dma_buf_alloc(&b2, 9))
		goto out1;
	dma_edu_load(&e, &b2, DMA_IOVA_A, 64, 51);
	memset(b1.va, 0, SZ_2M);
	memset(b2.va, 0, SZ_2M);
	for (int i = 0; i < 512; i++)
		iommu_map(e.d.dom, 0x600000 + i * PAGE_SIZE, b1.pa + i * PAGE_SIZE, PAGE_SIZE, RW);
	dma_edu_done(edu_dma_from_dev(&e.edu, 0x7ff000, 0, 64));
	report(dma_check(b1.va + 0x1ff000, 64, 51), "DMA through the 4K mappings lands");
	memset(b1.va + 0x1ff000, 0, 64);
	report(iommu_unmap(e.d.dom, 0x600000, SZ_2M) == SZ_2M, "all 512 pages unmapped");
	dma_map(&e.d, 0x600000, b2.pa, SZ_2M, RW);
	report(vtd_pgtable_lookup(&to_vtd_domain(e.d.dom)->pt, 0x7ff000, &(size_t){ 0 }) &&
	       e.d.dom->ops->mapped_pgsize(e.d.dom, 0x7ff000) == SZ_2M,
	       "a 2M leaf now sits where the level-1 table was");
	dma_edu_done(edu_dma_from_dev(&e.edu, 0x7ff000, 0, 64));
	report(dma_check(b2.va + 0x1ff000, 64, 51), "DMA to 0x7ff000 lands in the new page");
	report(mem_is_zero(b1.va, SZ_2M), "the old pages are untouched");
	dma_unmap(&e.d, 0x600000, SZ_2M);
	dma_buf_free(&b2);
out1:
	dma_buf_free(&b1);
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_noncoherent_unit_flushes_table_writes, NEEDS)
{
	struct dma_edu e;
	struct vtd_unit *u;
	u64 lines;
	int n;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	if (u->pt_coherent) {
		report_skip("%s's page walks snoop (%s); boot with vtd_noncoherent=1", u->name,
			    u->sm ? "ECAP.SMPWCS=1" : "ECAP.C=1");
		goto out;
	}
	report(to_vtd_domain(e.d.dom)->pt.flush, "the domain flushes its table stores");
	/* fresh domain: levels - 1 new tables (64 lines each), as many links, one leaf line */
	n = to_vtd_domain(e.d.dom)->pt.levels - 1;
	lines = vtd_clflush_lines;
	iommu_map(e.d.dom, 0x80000000ULL, 0x100000, PAGE_SIZE, RW);
	report(vtd_clflush_lines - lines == (u64)(n * 64 + n + 1),
	       "a map needing %d new tables flushes %d x 64 + %d + 1 lines (%llu)", n, n, n,
	       (unsigned long long)(vtd_clflush_lines - lines));
	lines = vtd_clflush_lines;
	iommu_map(e.d.dom, 0x80001000ULL, 0x101000, PAGE_SIZE, RW);
	report(vtd_clflush_lines - lines == 1, "a map into an existing table flushes one line");
	lines = vtd_clflush_lines;
	iommu_unmap(e.d.dom, 0x80000000ULL, 2 * PAGE_SIZE);
	report(vtd_clflush_lines - lines >= 1, "the unmap flushes the cleared entries");
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_rwbf_flushes_write_buffer, NEEDS)
{
	struct dma_edu e;
	struct vtd_unit *u;
	u64 wbf;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	if (!u->rwbf || u->cm) {
		report_skip("%s needs no write-buffer flush (CAP.RWBF=0); boot with vtd_rwbf=1",
			    u->name);
		goto out;
	}
	wbf = u->st.wbf;
	iommu_map(e.d.dom, DMA_IOVA_B, 0x100000, PAGE_SIZE, RW);
	report(u->st.wbf == wbf + 1, "a map flushes the write buffer once");
	iommu_unmap(e.d.dom, DMA_IOVA_B, PAGE_SIZE);
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_identity_domain_passes_through, NEEDS)
{
	struct vtd_xlate x;
	struct dma_edu e;
	struct dma_buf b;

	if (!vtd_iommu_ops.identity_domain) {
		report_skip("no pass-through (ECAP.PT=0)");
		return;
	}
	if (dma_edu_open(&e, 0))
		return;
	if (dma_buf_alloc(&b, 0))
		goto out;
	dma_edu_load(&e, &b, DMA_IOVA_A, 64, 61);
	memset(b.va, 0, 64);
	report(iommu_attach_device(vtd_iommu_ops.identity_domain, e.d.dev) == 0,
	       "attach the identity domain");
	report(vtd_dev_xlate(&e.d, &x) && x.pgtt == VTD_PGTT_PT, "%s entry is pass-through",
	       vtd_unit_of(&e.d)->sm ? "PASID" : "context");
	if (b.pa <= e.edu.dma_mask) {
		dma_edu_done(edu_dma_from_dev(&e.edu, b.pa, 0, 64));
		report(dma_check(b.va, 64, 61), "DMA to the physical address lands");
	}
	report(iommu_attach_device(e.d.dom, e.d.dev) == 0, "back to the paging domain");
	if (b.pa <= e.edu.dma_mask) {
		/* QEMU 7.2 leaves pass-through only on a context-cache flush (qemu_pt_quirk) */
		memset(b.va, 0, 64);
		dma_expect_page_fault(&e.d, b.pa, IOMMU_FAULT_ACCESS_WRITE);
		edu_dma_from_dev(&e.edu, b.pa, 0, 64);
		report(iommu_fault_expect_done() >= 1 && mem_is_zero(b.va, 64),
		       "translated again: DMA to the physical address faults, memory untouched");
	}
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(vtd, test_vtd_device_tlb_invalidation_with_ats, KT_NEED_VTD)
{
	struct iommu_dev *dev;
	struct vtd_dev *vd = NULL;
	struct vtd_xlate x;
	struct dma_dev d;
	u64 devtlb;

	for (int n = 0; (dev = iommu_dev_get(n)); n++)
		if (dev->ops == &vtd_iommu_ops && ((struct vtd_dev *)dev->iommu_priv)->ats)
			vd = dev->iommu_priv;
	if (!vd) {
		report_skip("no device with ATS (QEMU: device-iotlb=on, a PCIe device with ats=on)");
		return;
	}
	if (dma_dev_open(&d, vd->pdev))
		return;
	report(vtd_dev_xlate(&d, &x) && x.devtlb,
	       "%s: context entry allows translated requests", vd->dev->name);
	iommu_map(d.dom, DMA_IOVA_B, 0x100000, 4 * PAGE_SIZE, RW);
	devtlb = vd->unit->st.devtlb;
	iommu_unmap(d.dom, DMA_IOVA_B, 4 * PAGE_SIZE);
	report(vd->unit->st.devtlb == devtlb + 1, "unmap invalidates the device-TLB once");
	devtlb = vd->unit->st.devtlb;
	dma_dev_close(&d);
	/* scalable mode: RID_PASID's entry goes, then the context entry (table 25: each) */
	report(vd->unit->st.devtlb == devtlb + (vd->unit->sm ? 2 : 1),
	       "detach invalidates it too%s", vd->unit->sm ?
	       ": for the PASID entry and for the context entry" : "");
}

/*
 * The foreign owner's entry for vd in scalable mode (its own mode: the
 * mode changes only with translation off): the context entry in its half
 * of the bus, a one-page PASID directory and RID_PASID's second-stage
 * entry with DID 1. Returns the root entry's slot.
 */
static int foreign_sm_entry(struct vtd_unit *u, struct vtd_dev *vd, u64 *ctx, u64 *dir, u64 *pt0,
			    phys_addr_t ss_root)
{
	pt0[1] = FIELD_PREP(VTD_PE_DID, 1);
	pt0[0] = ss_root | FIELD_PREP(VTD_PE_AW, u->levels - 2) |
		 FIELD_PREP(VTD_PE_PGTT, VTD_PGTT_SS) | VTD_PE_P;
	dir[0] = virt_to_phys(pt0) | VTD_PDE_P;
	ctx[(vd->devfn % 128) * 4] = virt_to_phys(dir) | VTD_SMCTX_P;
	vtd_cache_flush(dir, PAGE_SIZE);
	vtd_cache_flush(pt0, PAGE_SIZE);
	return vd->bus * 2 + vd->devfn / 128;
}

/*
 * A previous owner left translation on with its own tables, in the unit's
 * mode. Model that on the live unit (foreign root table, a mapping the edu
 * can use), then run the boot path's takeover: it must keep DMA
 * blocked-or-ours throughout and leave no translation from the old tables
 * behind.
 */
KTEST_NEEDS(vtd, test_vtd_takeover_of_enabled_unit, NEEDS)
{
	struct dma_edu e;
	struct vtd_unit *u;
	struct vtd_pgtable pt;
	struct dma_buf b;
	struct vtd_dev *vd;
	u64 *root, *ctx, *dir = NULL, *pt0 = NULL;
	size_t mapped;
	int slot;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	vd = e.d.dev->iommu_priv;
	if (dma_buf_alloc(&b, 1) || vtd_pgtable_init(&pt, u->levels, PAGE_SIZE, !u->pt_coherent))
		goto out;
	dma_edu_load(&e, &b, DMA_IOVA_A, 64, 71);
	memset(b.va, 0, 2 * PAGE_SIZE);
	root = page_alloc_va(0);
	ctx = page_alloc_va(0);
	if (u->sm) {
		dir = page_alloc_va(0);
		pt0 = page_alloc_va(0);
	}
	if (!root || !ctx || (u->sm && (!dir || !pt0))) {
		report(false, "memory for the foreign tables");
		goto out_tables;
	}
	vtd_pgtable_map(&pt, DMA_IOVA_HOLE, b.pa, PAGE_SIZE, 1, RW, &mapped);
	if (u->sm) {
		slot = foreign_sm_entry(u, vd, ctx, dir, pt0, pt.root);
	} else {
		ctx[vd->devfn * 2 + 1] = FIELD_PREP(VTD_CTX_AW, u->levels - 2) |
					 FIELD_PREP(VTD_CTX_DID, 1);
		ctx[vd->devfn * 2] = pt.root | VTD_CTX_P;
		slot = vd->bus * 2;
	}
	root[slot] = virt_to_phys(ctx) | VTD_ROOT_P;
	vtd_cache_flush(root, PAGE_SIZE);
	vtd_cache_flush(ctx, PAGE_SIZE);
	vtd_writeq(u, VTD_RTADDR_REG, virt_to_phys(root) | FIELD_PREP(VTD_RTADDR_TTM, u->sm));
	vtd_gcmd(u, VTD_GCMD_SRTP, 0, VTD_GSTS_RTPS, true);
	vtd_flush_all(u);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_HOLE, 0, 64));
	report(dma_check(b.va, 64, 71), "the foreign tables translate (the state to take over)");
	memset(b.va, 0, 64);
	report(vtd_unit_start(u) == 0, "takeover succeeds");
	report(u->took_over && (vtd_readl(u, VTD_GSTS_REG) & VTD_GSTS_TES),
	       "it noticed translation was on and kept it on");
	report((vtd_readq(u, VTD_RTADDR_REG) & VTD_RTADDR_RTA) == u->root_pa,
	       "our root table is back");
	dma_expect_page_fault(&e.d, DMA_IOVA_HOLE, IOMMU_FAULT_ACCESS_WRITE);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_HOLE, 0, 64));
	report(iommu_fault_expect_done() >= 1 && mem_is_zero(b.va, 64),
	       "the old mapping is gone from every cache: DMA faults, memory untouched");
	dma_map(&e.d, DMA_IOVA_B, b.pa + PAGE_SIZE, PAGE_SIZE, RW);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 64));
	report(dma_check(b.va + PAGE_SIZE, 64, 71), "our own mappings work afterwards");
	dma_unmap(&e.d, DMA_IOVA_B, PAGE_SIZE);
out_tables:
	if (root)
		page_free_va(root, 0);
	if (ctx)
		page_free_va(ctx, 0);
	if (dir)
		page_free_va(dir, 0);
	if (pt0)
		page_free_va(pt0, 0);
	vtd_pgtable_destroy(&pt);
out:
	dma_buf_free(&b);
	dma_edu_close(&e);
}

/*
 * What the unit does not offer is refused, as Linux refuses it: nest
 * parents without NEST, dirty tracking without SSADS (or in legacy mode),
 * PASIDs on a device without them. QEMU 7.2 offers none of the three.
 */
KTEST_NEEDS(vtd, test_vtd_scalable_features_refused_where_absent, NEEDS)
{
	struct iommu_domain *d;
	struct dma_edu e;
	struct vtd_unit *u;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	d = vtd_domain_alloc_user(e.d.dev, IOMMU_HWPT_ALLOC_NEST_PARENT, NULL, NULL);
	report(u->sm && u->nest ? !IS_ERR(d) : PTR_ERR(d) == -EOPNOTSUPP,
	       "nest parent: %s (scalable mode %d, NEST %d)", IS_ERR(d) ? "EOPNOTSUPP" : "made",
	       u->sm, u->nest);
	if (!IS_ERR(d))
		iommu_domain_free(d);
	d = vtd_domain_alloc_user(e.d.dev, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL, NULL);
	report(u->sm && u->ssads ? !IS_ERR(d) : PTR_ERR(d) == -EOPNOTSUPP,
	       "dirty tracking: %s (SSADS %d)", IS_ERR(d) ? "EOPNOTSUPP" : "made", u->ssads);
	if (!IS_ERR(d))
		iommu_domain_free(d);
	report(to_vtd_domain(e.d.dom)->pt.fmt == (u->sm && u->fs && (vtd_opt.fs || !u->ss) ?
						  VTD_FMT_FS : VTD_FMT_SS),
	       "paging domains: %s stage (FLTS %d, vtd_fs=%d)",
	       to_vtd_domain(e.d.dom)->pt.fmt == VTD_FMT_FS ? "first" : "second", u->fs,
	       vtd_opt.fs);
	if (e.d.dev->max_pasids)
		report_info("this edu has PASIDs (%u): not QEMU's", e.d.dev->max_pasids);
	else
		report(iommu_attach_device_pasid(e.d.dom, e.d.dev, 1) == -EINVAL,
		       "edu has no PASID capability: PASID attach EINVAL");
	dma_edu_close(&e);
}

KTEST(vtd, test_vtd_invalidation_method_choice)
{
	static const struct {
		u32 ver;
		u64 ecap;
		int want, expect;
	} rows[] = {
		{ 0x10, BIT(1), -1, VTD_INV_QI },	/* QI when there is one */
		{ 0x10, BIT(1), 0, VTD_INV_REGS },	/* vtd_qi=off */
		{ 0x10, 0, -1, VTD_INV_REGS },		/* no QI: registers */
		{ 0x10, 0, 1, VTD_INV_REGS },		/* vtd_qi=on without QI */
		{ 0x60, BIT(1), 0, VTD_INV_QI },	/* 6.0: no register invalidation */
		{ 0x60, 0, -1, -ENODEV },		/* 6.0 without QI: unusable */
		{ 0x71, BIT(1), -1, VTD_INV_QI },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		report(vtd_choose_inval(rows[i].ver, rows[i].ecap, rows[i].want) == rows[i].expect,
		       "VER %#x, QI %d, vtd_qi=%d -> %d", rows[i].ver, (int)(rows[i].ecap >> 1),
		       rows[i].want, rows[i].expect);
}

static struct iommu_domain *sweep_alloc(struct dma_edu *e)
{
	return iommu_domain_alloc_paging(e->d.dev);
}

static void sweep_settle(struct dma_edu *e)
{
}

/*
 * Fail the n-th allocation or hardware wait of a domain's life for n = 1,
 * 2, ... (dma_sweep_life_cycle; as test_amdvi_failure_at_every_site): no
 * crash, no hang, DIDs and table pages back, the unit still works. The
 * failed invalidations are counted as errors; they are injected, so the
 * count is put back at the end.
 */
KTEST_NEEDS(vtd, test_vtd_failure_at_every_site, NEEDS)
{
	static const struct dma_sweep_ops ops = {
		.alloc = sweep_alloc, .flush_errors = inval_errors, .state = dids_used,
		.settle = sweep_settle,
	};
	u64 errors[VTD_MAX_UNITS];
	struct vtd_unit *u;
	struct dma_edu e;
	struct dma_buf b;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	if (dma_buf_alloc(&b, 9))
		goto out;
	for (int i = 0; i < vtd_nunits; i++)
		errors[i] = vtd_units[i]->st.errors;
	/* domain, DID, context, tables, and a wait behind each change */
	dma_sweep_life_cycle(&e, &b, &ops, 8);
	report(vtd_flush_all(u) == 0 && !(vtd_readl(u, VTD_FSTS_REG) & VTD_FSTS_IQE),
	       "the unit still works");
	for (int i = 0; i < vtd_nunits; i++)
		vtd_units[i]->st.errors = errors[i];
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}
