// SPDX-License-Identifier: MIT
/*
 * vtd-units (hosted): the whole VT-d driver against software units (vtd_hw.c)
 * built from a real machine's DMAR (Dell PowerEdge R820, 4 DRHDs) and real
 * CAP/ECAP values (fixtures/regs/vtd-caps.tsv): what QEMU's single unit cannot show.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/vtd/vtd.h"
#include "lib/alloc.h"
#include "lib/bitmap.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/warn.h"
#include "tests/host/hostutil.h"
#include "arch/host/host.h"
#include "tests/host/live_tables.h"
#include "tests/host/vtd_hw.h"
#include "tests/host/vtd_model.h"
#include "tests/host/vtd_rig.h"
#include "tests/ktest.h"

#define RW (IOMMU_READ | IOMMU_WRITE)

KTEST(vtd-units, test_vtd_units_r820_devices_units_and_domain_ids)
{
	struct iommu_domain *x, *y, *z;
	int nlog[VTD_RIG_UNITS], bad = 0;
	struct vtd_ev_rec ev[64];
	u32 seq;
	int n, k;

	if (!vtd_rig_up(0x10, CAP_E5, ECAP_E5, ""))
		goto out;
	for (int i = 0; i < VTD_RIG_UNITS; i++) {
		struct vtd_unit *u = vtd_units[i];

		bad += (vtd_rig->hw[i]->gsts & (VTD_GSTS_TES | VTD_GSTS_QIES | VTD_GSTS_RTPS)) !=
		       (VTD_GSTS_TES | VTD_GSTS_QIES | VTD_GSTS_RTPS) ||
		       vtd_rig->hw[i]->rta != u->root_pa || u->levels != 4 || u->nfr != 8;
	}
	report(bad == 0, "each unit: own root table, queue and translation on, 4 levels, 8 records");
	for (int i = 0; i < VTD_RIG_NDEV; i++)
		if (!vtd_rig_devs[i].bridge)
			report(vtd_rig->dev[i].iommu == &vtd_units[vtd_rig_devs[i].unit]->iommu,
			       "%s is translated by dmar%d", vtd_rig_devs[i].name, vtd_rig_devs[i].unit);
	report(vtd_rig_vd_of(NIC)->bus == 0x41 && vtd_rig_vd_of(NIC)->ats,
	       "the device below bridge 40:02.0: requester 41:00.0, ATS on (ATSR)");

	/* domain ids are per unit: dmar3 hands out one before the shared domain comes */
	y = vtd_rig_attach_new(SATA);
	x = vtd_rig_attach_new(EP40);
	if (!x || !y || iommu_attach_device(x, &vtd_rig->dev[USB]) ||
	    iommu_attach_device(x, &vtd_rig->dev[NIC]))
		goto free;
	report(to_vtd_domain(x)->did[0] == 0 && to_vtd_domain(x)->did[3] == 1 &&
	       to_vtd_domain(y)->did[3] == 0, "one domain on dmar0 and dmar3: DID 0 on one, 1 on "
	       "the other (dmar3's 0 belongs to another domain)");
	report(FIELD_GET(VTD_CTX_DID, vtd_rig_ctx_of(EP40)[1]) == 0 &&
	       FIELD_GET(VTD_CTX_DID, vtd_rig_ctx_of(USB)[1]) == 1 &&
	       FIELD_GET(VTD_CTX_DID, vtd_rig_ctx_of(SATA)[1]) == 0 &&
	       FIELD_GET(VTD_CTX_TT, vtd_rig_ctx_of(NIC)[0]) == VTD_TT_DEV_IOTLB,
	       "each unit's context entries carry that unit's DID; the ATS device's allows "
	       "translated requests");

	for (int i = 0; i < VTD_RIG_UNITS; i++)
		nlog[i] = vtd_rig->hw[i]->nlog;
	iommu_map(x, 0x100000, 0x7000000, 4096, RW);
	iommu_unmap(x, 0x100000, 4096);
	report(vtd_hw_count_since(vtd_rig->hw[0], nlog[0], VTD_DESC_IOTLB, 0) == 1 &&
	       vtd_hw_count_since(vtd_rig->hw[3], nlog[3], VTD_DESC_IOTLB, 1) == 1 &&
	       vtd_hw_count_since(vtd_rig->hw[3], nlog[3], VTD_DESC_IOTLB, -1) == 1,
	       "an unmap flushes dmar0 with DID 0 and dmar3 with DID 1, never DID 0 there");
	report(vtd_rig_last_op(vtd_rig->hw[0], VTD_DESC_IOTLB)->gran == VTD_GRAN_PAGE &&
	       vtd_rig_last_op(vtd_rig->hw[0], VTD_DESC_IOTLB)->addr == 0x100000 &&
	       vtd_hw_count_since(vtd_rig->hw[0], nlog[0], VTD_DESC_DEVTLB, -1) == 1 &&
	       vtd_rig_last_op(vtd_rig->hw[0], VTD_DESC_DEVTLB)->sid == 0x4100,
	       "page-selective, and the ATS device's TLB too (sid 41:00.0)");
	report(vtd_rig->hw[1]->nlog == nlog[1] && vtd_rig->hw[2]->nlog == nlog[2],
	       "units the domain is not on see nothing");

	iommu_detach_device(x, &vtd_rig->dev[EP40]);
	iommu_detach_device(x, &vtd_rig->dev[NIC]);
	report(!bitmap_test_bit(vtd_units[0]->dids, 0) && bitmap_test_bit(vtd_units[3]->dids, 1) &&
	       to_vtd_domain(x)->ndevs[0] == 0 && to_vtd_domain(x)->ndevs[3] == 1,
	       "leaving dmar0 frees DID 0 there only; DID 1 stays in use on dmar3");
	seq = vtd_trace_seq();
	z = vtd_rig_attach_new(EP40);
	n = vtd_trace_since(seq, ev, 64);
	for (k = 0; k < n && !(ev[k].ev == VTD_EV_CTX_SET && ev[k].unit == 0); k++)
		;
	report(z && to_vtd_domain(z)->did[0] == 0 && k < n && ev[k].did == 0 &&
	       vtd_rig_last_op(vtd_rig->hw[0], VTD_DESC_IOTLB)->gran == VTD_GRAN_DOMAIN &&
	       vtd_rig_last_op(vtd_rig->hw[0], VTD_DESC_IOTLB)->did == 0,
	       "DID 0 of dmar0 is reused only after its domain-selective flush");
	iommu_detach_device(z, &vtd_rig->dev[EP40]);
	iommu_domain_free(z);
	iommu_detach_device(x, &vtd_rig->dev[USB]);
free:
	if (y)
		iommu_detach_device(y, &vtd_rig->dev[SATA]);
	iommu_domain_free(x);
	iommu_domain_free(y);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	vtd_rig_down();
}

/* Map and unmap one page of d; the IOTLB and device-TLB descriptors each unit saw for it. */
static void unmap_counts(struct iommu_domain *d, int iotlb[VTD_RIG_UNITS], int *devtlb0)
{
	int nlog[VTD_RIG_UNITS];

	if (iommu_map(d, 0x100000, 0x7000000, 4096, RW)) {
		for (int i = 0; i < VTD_RIG_UNITS; i++)
			iotlb[i] = -1;	/* fails every check */
		*devtlb0 = -1;
		return;
	}
	for (int i = 0; i < VTD_RIG_UNITS; i++)
		nlog[i] = vtd_rig->hw[i]->nlog;
	iommu_unmap(d, 0x100000, 4096);
	for (int i = 0; i < VTD_RIG_UNITS; i++)
		iotlb[i] = vtd_hw_count_since(vtd_rig->hw[i], nlog[i], VTD_DESC_IOTLB, -1);
	*devtlb0 = vtd_hw_count_since(vtd_rig->hw[0], nlog[0], VTD_DESC_DEVTLB, -1);
}

/*
 * The flush plan (vtd_domain.plain_unit): a domain on one unit, with no
 * ATS device and no nested child, is flushed with one IOTLB descriptor
 * there, without walking its units and devices. Every attach and detach
 * redoes the plan: a stale one would miss the second unit's or the device
 * TLB's invalidation (bug class: invalidation misses a cache).
 */
KTEST(vtd-units, test_vtd_units_flush_plan_follows_attachments)
{
	struct iommu_domain *x, *y;
	int n[VTD_RIG_UNITS], dev, r;
	u16 did;

	if (!vtd_rig_up(0x10, CAP_E5, ECAP_E5, ""))
		goto out;
	x = vtd_rig_attach_new(EP40);
	if (!x)
		goto down;
	unmap_counts(x, n, &dev);
	report(to_vtd_domain(x)->plain_unit == 0 && n[0] == 1 && n[3] == 0 && dev == 0,
	       "one device on dmar0: planned there, one IOTLB descriptor (%d)", n[0]);
	r = iommu_attach_device(x, &vtd_rig->dev[USB]);
	unmap_counts(x, n, &dev);
	report(r == 0 && to_vtd_domain(x)->plain_unit == -1 && n[0] == 1 && n[3] == 1,
	       "and one on dmar3: no plan, both units flushed (%d, %d)", n[0], n[3]);
	iommu_detach_device(x, &vtd_rig->dev[USB]);
	unmap_counts(x, n, &dev);
	report(to_vtd_domain(x)->plain_unit == 0 && n[0] == 1 && n[3] == 0,
	       "dmar3's device gone: planned on dmar0 again, dmar3 left alone");
	r = iommu_attach_device(x, &vtd_rig->dev[NIC]);
	unmap_counts(x, n, &dev);
	report(r == 0 && to_vtd_domain(x)->plain_unit == -1 && n[0] == 1 && dev == 1,
	       "an ATS device joins on dmar0: no plan, its device TLB flushed too (%d)", dev);
	iommu_detach_device(x, &vtd_rig->dev[NIC]);
	iommu_detach_device(x, &vtd_rig->dev[EP40]);
	unmap_counts(x, n, &dev);
	report(to_vtd_domain(x)->plain_unit == -1 && n[0] + n[1] + n[2] + n[3] == 0,
	       "no device left: no plan, nothing flushed");
	/* planned on dmar3, where another domain holds the first DID: its own DID (class 37) */
	y = vtd_rig_attach_new(SATA);
	r = y ? iommu_attach_device(x, &vtd_rig->dev[USB]) : -1;
	unmap_counts(x, n, &dev);
	did = to_vtd_domain(x)->did[3];
	report(r == 0 && to_vtd_domain(x)->plain_unit == 3 && n[3] == 1 &&
	       did != to_vtd_domain(y)->did[3] &&
	       vtd_rig_last_op(vtd_rig->hw[3], VTD_DESC_IOTLB)->did == did,
	       "alone on dmar3 beside another domain: planned there, flushed with its DID %u", did);
	if (!r)
		iommu_detach_device(x, &vtd_rig->dev[USB]);
	if (y) {
		iommu_detach_device(y, &vtd_rig->dev[SATA]);
		iommu_domain_free(y);
	}
	iommu_domain_free(x);
	report(vtd_blocked_domain.plain_unit == -1 && vtd_identity_domain.plain_unit == -1,
	       "the blocked and identity domains: no plan (%d, %d)", vtd_blocked_domain.plain_unit,
	       vtd_identity_domain.plain_unit);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
down:
	vtd_rig_down();
out:;
}

/* Faults from a device on dmar1, as its unit records them. */
static int inject(int nfaults, u64 base)
{
	int logged = 0;

	for (int i = 0; i < nfaults; i++)
		logged += vtd_hw_fault(vtd_rig->hw[1], 0x8028, base + (u64)i * 4096, 6, false);
	return logged;
}

/* The faults reported since the log restarted, checked against what was injected. */
static bool reported_in_order(int n, u64 base)
{
	struct iommu_fault_record f[16];
	int got = iommu_fault_records(f, 16), k = 0;

	for (int i = 0; i < got && i < 16; i++) {
		if (f[i].kind == IOMMU_FAULT_KIND_OVERFLOW)
			continue;
		if (f[i].source_id != 0x8028 || f[i].addr != base + (u64)k * 4096 ||
		    f[i].iommu != &vtd_units[1]->iommu || f[i].write || f[i].reason != 6)
			return false;
		k++;
	}
	return k == n;
}

KTEST(vtd-units, test_vtd_units_fault_records_circular_and_overflow)
{
	struct iommu_fault_match any = {
		.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	struct vtd_unit *u;
	u64 irqs;

	if (!vtd_rig_up(0x10, CAP_E5, ECAP_E5, ""))
		goto out;
	u = vtd_units[1];
	irqs = u->fault_irqs;
	iommu_fault_expect_match(&any);
	inject(5, 0x10000);
	report(iommu_fault_expect_done() == 5 && reported_in_order(5, 0x10000),
	       "5 faults in records 0-4 reported in order");
	report(u->fault_irqs == irqs + 5, "each raised the fault event interrupt");
	iommu_fault_expect_match(&any);
	inject(8, 0x40000);
	report(FIELD_GET(VTD_FSTS_FRI, vtd_readl(u, VTD_FSTS_REG)) == 5,
	       "the next 8 fill records 5-7 and 0-4: FRI 5");
	report(iommu_fault_expect_done() == 8 && reported_in_order(8, 0x40000),
	       "all 8 read from FRI round the end, in order");
	iommu_fault_expect_match(&any);
	report(inject(9, 0x80000) == 8, "a ninth fault finds every record full");
	report(iommu_fault_expect_done() == 9 && reported_in_order(8, 0x80000),
	       "8 faults and the overflow reported");
	report(!(vtd_readl(u, VTD_FSTS_REG) & (VTD_FSTS_PFO | VTD_FSTS_PPF)),
	       "records and PFO cleared");
	iommu_fault_expect_match(&any);
	inject(1, 0x100000);
	report(iommu_fault_expect_done() == 1 && reported_in_order(1, 0x100000),
	       "a fault after the overflow is recorded and reported");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	vtd_rig_down();
}

KTEST(vtd-units, test_vtd_units_core2_registers_rwbf_noncoherent)
{
	struct iommu_domain *d;
	struct vtd_hw *hw;
	long flushed;
	int wbf, reg_ops = 0;
	size_t sz;

	if (!vtd_rig_up(0x10, CAP_CORE2, ECAP_CORE2, ""))
		goto out;
	hw = vtd_rig->hw[3];
	report(vtd_units[3]->inv == VTD_INV_REGS && vtd_units[3]->rwbf &&
	       !vtd_units[3]->coherent && vtd_units[3]->levels == 3 && vtd_units[3]->mgaw == 36,
	       "no QI, RWBF, C=0: register invalidation, write-buffer flushes, clflush; "
	       "3 levels for 36 bits");
	d = vtd_rig_attach_new(SATA);
	if (!d)
		goto out;
	wbf = hw->wbf;
	flushed = model_flushed_lines();
	iommu_map(d, 0x200000, 0x7000000, 4096, RW);
	report(hw->wbf == wbf + 1, "a map flushes the write buffer once (CAP.RWBF)");
	report(model_flushed_lines() > flushed && model_dirty_lines() == 0 &&
	       model_hw_lookup(&to_vtd_domain(d)->pt, 0x200000, &sz) &&
	       vtd_hw_count(hw, VTD_DESC_IOTLB, -1) == 1,
	       "its table stores are written back: the walker sees the page");
	iommu_unmap(d, 0x200000, 4096);
	report(vtd_rig_last_op(hw, VTD_DESC_IOTLB)->reg && vtd_rig_last_op(hw, VTD_DESC_IOTLB)->gran ==
	       VTD_GRAN_PAGE && vtd_rig_last_op(hw, VTD_DESC_IOTLB)->am == 0,
	       "unmap: page-selective through the IOTLB registers");
	iommu_map(d, 0x400000, 0x8000000, 4 << 20, RW);
	iommu_unmap(d, 0x400000, 4 << 20);
	report(vtd_rig_last_op(hw, VTD_DESC_IOTLB)->gran == VTD_GRAN_DOMAIN,
	       "4 MiB needs AM 10 > MAMV 9: domain-selective instead");
	iommu_detach_device(d, &vtd_rig->dev[SATA]);
	iommu_domain_free(d);
	for (int i = 0; i < hw->nlog; i++)
		reg_ops += hw->log[i].reg;
	report(reg_ops == hw->nlog && hw->srtp == 1, "every invalidation went through registers");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	vtd_rig_down();
}

KTEST(vtd-units, test_vtd_units_coherent_unit_writes_back_nothing)
{
	struct iommu_domain *d;
	long flushed;

	if (!vtd_rig_up(0x10, CAP_SKX, ECAP_SKX, ""))
		goto out;
	d = vtd_rig_attach_new(EP80);
	if (!d)
		goto out;
	flushed = model_flushed_lines();
	iommu_map(d, 0x200000, 0x7000000, 8 << 20, RW);
	iommu_unmap(d, 0x200000, 8 << 20);
	report(vtd_units[1]->coherent && !to_vtd_domain(d)->pt.flush &&
	       model_flushed_lines() == flushed, "ECAP.C=1: no clflush for table stores");
	iommu_detach_device(d, &vtd_rig->dev[EP80]);
	iommu_domain_free(d);
	vtd_rig_down();
	if (!vtd_rig_up(0x10, CAP_SKX, ECAP_SKX, "vtd_noncoherent=1"))
		goto out;
	d = vtd_rig_attach_new(EP80);
	if (!d)
		goto out;
	flushed = model_flushed_lines();
	iommu_map(d, 0x200000, 0x7000000, 4096, RW);
	report(!vtd_units[1]->coherent && model_flushed_lines() > flushed &&
	       model_dirty_lines() == 0, "vtd_noncoherent=1 forces the write-backs");
	iommu_unmap(d, 0x200000, 4096);
	iommu_detach_device(d, &vtd_rig->dev[EP80]);
	iommu_domain_free(d);
out:
	vtd_rig_down();
}

/*
 * The event trace records only once someone reads it (vtd_trace_seq):
 * a run nobody inspects skips two records per invalidation. Nothing a
 * reader asked for may be lost: everything after its vtd_trace_seq() is
 * there, and the hardware saw the same descriptors either way.
 */
KTEST(vtd-units, test_vtd_units_trace_records_only_once_read)
{
	struct vtd_ev_rec ev[16];
	struct iommu_domain *d;
	u32 seq, quiet;
	int nlog, n, k;

	if (!vtd_rig_up(0x10, CAP_SKX, ECAP_SKX, ""))
		goto out;
	d = vtd_rig_attach_new(EP80);
	if (!d)
		goto out;
	seq = vtd_trace_seq();
	WRITE_ONCE(vtd_trace_on, false);	/* as after boot: nobody has read it yet */
	nlog = vtd_rig->hw[1]->nlog;
	iommu_map(d, 0x200000, 0x7000000, 4096, RW);
	iommu_unmap(d, 0x200000, 4096);
	quiet = vtd_trace_seq();
	report(quiet == seq && vtd_hw_count_since(vtd_rig->hw[1], nlog, VTD_DESC_IOTLB, -1) >= 1,
	       "not read yet: the unit is invalidated, nothing recorded (%u events)", quiet - seq);
	iommu_map(d, 0x200000, 0x7000000, 4096, RW);
	iommu_unmap(d, 0x200000, 4096);
	n = vtd_trace_since(quiet, ev, 16);
	for (k = 0; k < n && !(ev[k].ev == VTD_EV_IOTLB && ev[k].addr == 0x200000); k++)
		;
	report(k < n && ev[n - 1].ev == VTD_EV_WAIT,
	       "after vtd_trace_seq(): the unmap's IOTLB invalidation and its wait are there");
	iommu_detach_device(d, &vtd_rig->dev[EP80]);
	iommu_domain_free(d);
out:
	vtd_rig_down();
}

KTEST(vtd-units, test_vtd_units_device_tlb_timeout_recovers)
{
	struct iommu_domain *d;
	struct vtd_unit *u;
	u64 errors;
	int devtlb;

	if (!vtd_rig_up(0x10, CAP_E5, ECAP_E5, ""))
		goto out;
	u = vtd_units[0];
	d = vtd_rig_attach_new(NIC);
	if (!d)
		goto out;
	errors = u->st.errors;
	/* 512 4K pages fill a level-1 table: unmapped together, the table goes */
	for (int i = 0; i < 512; i++)
		iommu_map(d, 0x40000000 + i * 4096UL, 0x7000000, 4096, RW);
	vtd_rig->hw[0]->ite_devtlb = 1;	/* the device never answers this one */
	iommu_unmap(d, 0x40000000, 512 * 4096UL);
	report(u->st.errors == errors + 1 && !(vtd_readl(u, VTD_FSTS_REG) & VTD_FSTS_ITE),
	       "the time-out fails that invalidation, and ITE is cleared");
	report(!list_empty(&to_vtd_domain(d)->deferred),
	       "the emptied table is not freed after a failed invalidation");
	devtlb = vtd_hw_count(vtd_rig->hw[0], VTD_DESC_DEVTLB, -1);
	iommu_map(d, 0x40000000, 0x7000000, 4096, RW);
	iommu_unmap(d, 0x40000000, 4096);
	report(u->st.errors == errors + 1 && vtd_hw_count(vtd_rig->hw[0], VTD_DESC_DEVTLB, -1) ==
	       devtlb + 1, "the queue runs again: the next unmap completes");
	u->st.errors = errors;
	iommu_detach_device(d, &vtd_rig->dev[NIC]);
	iommu_domain_free(d);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	vtd_rig_down();
}

/*
 * Invalidations that never complete, through the queue (E5) and through
 * the registers (Core 2, no QI): each wait times out and is counted, the
 * caller gets control back, and the DID that was never flushed is never
 * handed out again.
 */
KTEST(vtd-units, test_vtd_units_stuck_unit_never_reuses_unflushed_did)
{
	static const struct {
		const char *how;
		u64 cap, ecap;
	} modes[] = {
		{ "queue", CAP_E5, ECAP_E5 },
		{ "registers", CAP_CORE2, ECAP_CORE2 },
	};

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct iommu_domain *a, *b;
		struct vtd_unit *u;
		u64 errors;

		report_prefix_push(modes[m].how);
		if (!vtd_rig_up(0x10, modes[m].cap, modes[m].ecap, ""))
			goto next;
		u = vtd_units[2];
		a = vtd_rig_attach_new(EPC0);
		if (!a)
			goto next;
		errors = u->st.errors;
		host_poll_step_us(1000);	/* the one-second waits pass in virtual time */
		vtd_rig->hw[2]->stuck = true;
		iommu_detach_device(a, &vtd_rig->dev[EPC0]);
		report(u->st.errors > errors && bitmap_test_bit(u->dids, to_vtd_domain(a)->did[2]),
		       "detach from a unit whose flushes never complete returns, DID %u kept",
		       to_vtd_domain(a)->did[2]);
		vtd_rig->hw[2]->stuck = false;
		b = vtd_rig_attach_new(EPC0);
		report(b && to_vtd_domain(b)->did[2] != to_vtd_domain(a)->did[2],
		       "the next domain gets another DID");
		u->st.errors = errors;
		if (b) {
			iommu_detach_device(b, &vtd_rig->dev[EPC0]);
			iommu_domain_free(b);
		}
		bitmap_clear_bit(u->dids, to_vtd_domain(a)->did[2]);	/* so the rig goes down clean */
		iommu_domain_free(a);
next:
		vtd_rig_down();
		report_prefix_pop();
	}
}

/* A harmless descriptor: context-cache invalidation of device ff:1f.7. */
static struct vtd_desc harmless(void)
{
	struct vtd_batch b = { .n = 0 };

	vtd_batch_cc(&b, VTD_GRAN_DEVICE, 0, 0xffff);
	return b.d[0];
}

/*
 * The spec's unit (not QEMU's) stops at a descriptor it does not know
 * (IQE) wherever it sits in a batch: the submission fails at once, the
 * descriptors before it ran once and none after it, IQE is cleared and
 * the queue is idle and takes the next batch. Two errors in one batch too.
 */
KTEST(vtd-units, test_vtd_units_queue_error_recovered_queue_intact)
{
	struct vtd_desc d[8];
	struct vtd_unit *u;
	struct vtd_hw *hw;
	int bad = 0, ran = 0, want = 0;

	if (!vtd_rig_up(0x10, CAP_E5, ECAP_E5, ""))
		goto out;
	u = vtd_units[1];
	hw = vtd_rig->hw[1];
	ran = vtd_hw_count(hw, VTD_DESC_CC, -1);
	for (int pos = 0; pos < 8; pos++) {
		for (int second = pos; second < 8; second++) {
			for (int i = 0; i < 8; i++)
				d[i] = harmless();
			d[pos].lo = d[second].lo = 0xf;	/* no such descriptor type */
			d[pos].hi = d[second].hi = 0;
			bad += vtd_qi_submit(u, d, 8) != -EIO;
			bad += !!(vtd_readl(u, VTD_FSTS_REG) & VTD_FSTS_IQE);
			bad += FIELD_GET(VTD_IQ_INDEX, hw->iqh) != u->qi.tail;
			bad += vtd_qi_submit(u, d, pos) != 0;	/* the good ones before it */
			want += 2 * pos;
		}
	}
	report(bad == 0, "36 batches with one or two bad descriptors: -EIO each, IQE cleared, "
	       "the queue idle and usable (%d not)", bad);
	report(vtd_hw_count(hw, VTD_DESC_CC, -1) - ran == want,
	       "the descriptors before each error ran once, none after it (%d of %d)",
	       vtd_hw_count(hw, VTD_DESC_CC, -1) - ran, want);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	vtd_rig_down();
}

/*
 * Fail each allocation and register wait of starting the driver (unit,
 * root table, domain-ID map, queue, the start-up commands and their waits)
 * in turn, on the R820's four units: the unit it hit is left out, warned
 * about once, stopped again (translation and queue off) and holds nothing;
 * the other three start. A round with nothing injected starts all four.
 */
KTEST(vtd-units, test_vtd_units_failure_at_every_init_site)
{
	int sites = 0, lost = 0, running = 0, held = 0, noisy = 0, absorbed = 0, clean = -1;
	struct dmar_table *t = calloc(1, sizeof(*t));
	size_t len;
	u8 *b = host_fixture("real/dell-poweredge-r820.dmar.bin", &len);

	if (!b || !t || dmar_parse(b, len, t) || t->nunits != VTD_RIG_UNITS) {
		report(false, "the R820 DMAR parses with %d units", VTD_RIG_UNITS);
		goto out;
	}
	host_dmar = t;
	for (unsigned long n = 1; n < 500 && clean < 0; n++) {
		struct vtd_hw *hw[VTD_RIG_UNITS];
		long heap, pages, warned;
		bool fired;

		for (int i = 0; i < VTD_RIG_UNITS; i++)
			hw[i] = vtd_hw_new(t->units[i].base, 0x10, CAP_E5, ECAP_E5);
		heap = (long)kmalloc_live();
		pages = host_pages_live();
		warned = (long)plat_warn_count();
		failpoint_arm(n);
		vtd_init();
		fired = failpoint_fired();
		failpoint_arm(0);
		if (!fired) {
			clean = vtd_nunits == VTD_RIG_UNITS;
		} else if (vtd_nunits == VTD_RIG_UNITS) {
			sites++;
			absorbed++;	/* e.g. interrupt remapping left off: the unit runs */
		} else {
			sites++;
			lost += vtd_nunits != VTD_RIG_UNITS - 1;
			noisy += (long)plat_warn_count() - warned != 1;
			for (int i = 0; i < VTD_RIG_UNITS; i++) {
				bool started = false;

				for (int k = 0; k < vtd_nunits; k++)
					started |= vtd_units[k]->base == t->units[i].base;
				running += !started && (hw[i]->gsts & (VTD_GSTS_TES | VTD_GSTS_QIES));
			}
			ktest_expect_warnings((long)plat_warn_count() - warned);
		}
		vtd_rig_units_down();
		held += (long)kmalloc_live() != heap || host_pages_live() != pages;
		vtd_hw_reset();
	}
	report(clean == 1, "a round with nothing injected starts all %d units", VTD_RIG_UNITS);
	report(sites >= 8, "%d sites failed one at a time (%d absorbed: every unit started)", sites,
	       absorbed);
	report(lost == 0 && noisy == 0, "each failure left exactly its unit out, with one "
	       "warning (%d rounds lost another number, %d warned otherwise)", lost, noisy);
	report(running == 0, "a unit left out is stopped: translation and queue off (%d not)",
	       running);
	report(held == 0, "every heap object and page of a round is back once the units it "
	       "started are gone (%d rounds not)", held);
out:
	host_dmar = NULL;
	free(b);
	free(t);
}

/*
 * Fail each allocation of probing a device (its per-device state, its
 * bus's context table) in turn: -ENOMEM, the device unclaimed, nothing
 * allocated; with nothing injected it is claimed.
 */
KTEST(vtd-units, test_vtd_units_failure_at_every_probe_site)
{
	int sites = 0, bad = 0, clean = -1;

	if (!vtd_rig_up(0x10, CAP_E5, ECAP_E5, ""))
		goto out;
	for (unsigned long n = 1; n < 50 && clean < 0; n++) {
		/* an endpoint on a bus no device was probed on (INCLUDE_PCI_ALL unit) */
		struct pci_dev p = vtd_rig->pdev[EP80];
		struct iommu_dev d = { .name = "0000:81:05.0", .bus_priv = &p, .dma_mask = ~0ULL };
		long heap = (long)kmalloc_live(), pages = host_pages_live();
		bool fired;
		int ret;

		p.bus = 0x81;
		d.rid = pci_bdf(&p);
		failpoint_arm(n);
		ret = vtd_iommu_ops.probe_device(&d);
		fired = failpoint_fired();
		failpoint_arm(0);
		if (!fired) {
			clean = ret == 0 && d.iommu_priv && d.iommu;
			kfree(d.iommu_priv);
			break;
		}
		sites++;
		bad += ret != -ENOMEM || d.iommu_priv || d.ops || d.iommu ||
		       (long)kmalloc_live() != heap || host_pages_live() != pages;
	}
	report(clean == 1, "with nothing injected the device is claimed");
	report(sites >= 2 && bad == 0, "%d sites failed one at a time: -ENOMEM, unclaimed, "
	       "nothing allocated (%d not)", sites, bad);
out:
	vtd_rig_down();
}

/* Firmware (or a previous kernel) left translation, the queue and IR on. */
static void left_enabled(struct vtd_hw *hw)
{
	hw->gsts = VTD_GSTS_TES | VTD_GSTS_QIES | VTD_GSTS_IRES | VTD_GSTS_RTPS;
	hw->rta = 0x12345000;
	hw->iqh = FIELD_PREP(VTD_IQ_INDEX, 7);	/* idle at slot 7 */
	memcpy(hw->regs + VTD_IQT_REG, &hw->iqh, 8);
}

KTEST(vtd-units, test_vtd_units_takeover_keeps_translation_on)
{
	if (!vtd_rig_up_as(0x10, CAP_E5, ECAP_E5, "", left_enabled))
		goto out;
	for (int i = 0; i < VTD_RIG_UNITS; i++) {
		struct vtd_hw *hw = vtd_rig->hw[i];
		struct vtd_unit *u = vtd_units[i];

		report(u->took_over && (hw->gsts & VTD_GSTS_TES) && hw->te_offs == 0 &&
		       hw->rta == u->root_pa && hw->srtp == 1,
		       "dmar%d: noticed; translation never off; our root table", i);
		report((hw->gsts & VTD_GSTS_IRES) && hw->ire_offs == 0 &&
		       (hw->irta & VTD_IRTA_ADDR) == u->ir.irt_pa,
		       "dmar%d: interrupt remapping kept on, now with our table", i);
		report(vtd_hw_count(hw, VTD_DESC_CC, -1) >= 1 &&
		       vtd_hw_count(hw, VTD_DESC_IOTLB, -1) >= 1 && hw->violations == 0,
		       "dmar%d: global flushes after the new root, no rule broken", i);
	}
out:
	vtd_rig_down();
}

KTEST(vtd-units, test_vtd_units_ver6_has_no_register_invalidation)
{
	struct iommu_domain *d;
	int reg_ops = 0;

	if (!vtd_rig_up(0x60, CAP_E5, ECAP_E5, "vtd_qi=off"))
		goto out;
	report(vtd_units[3]->inv == VTD_INV_QI, "VT-d 6.0 with vtd_qi=off still uses the queue");
	d = vtd_rig_attach_new(SATA);
	if (d) {
		iommu_map(d, 0x200000, 0x7000000, 4096, RW);
		iommu_unmap(d, 0x200000, 4096);
		iommu_detach_device(d, &vtd_rig->dev[SATA]);
		iommu_domain_free(d);
	}
	for (int i = 0; i < VTD_RIG_UNITS; i++)
		for (int k = 0; k < vtd_rig->hw[i]->nlog; k++)
			reg_ops += vtd_rig->hw[i]->log[k].reg;
	report(reg_ops == 0 && vtd_rig_violations() == 0, "no CCMD/IOTLB register write at all");
out:
	vtd_rig_down();
}

/* Register values that would send the driver outside the unit's window. */
KTEST(vtd-units, test_vtd_units_odd_register_offsets_refused)
{
	static const struct {
		const char *what;
		u64 cap, ecap;
	} odd[] = {
		{ "CAP.FRO at 0x3ff0", (CAP_E5 & ~(0x3ffULL << 24)) | (0x3ffULL << 24), ECAP_E5 },
		{ "CAP.NFR 256 records", CAP_E5 | (0xffULL << 40), ECAP_E5 },
		{ "ECAP.IRO at 0x3ff0", CAP_E5, (ECAP_E5 & ~(0x3ffULL << 8)) | (0x3ffULL << 8) },
		{ "CAP.SAGAW 0 (no table depth)", CAP_E5 & ~(0x1fULL << 8), ECAP_E5 },
		{ "all ones (nothing answers)", ~0ULL, ~0ULL },
	};
	size_t len;
	u8 *b = host_fixture("real/dell-poweredge-r820.dmar.bin", &len);
	struct dmar_table *t = calloc(1, sizeof(*t));

	if (!b || !t || dmar_parse(b, len, t))
		goto out;
	host_dmar = t;
	for (size_t k = 0; k < ARRAY_SIZE(odd); k++) {
		model_reset();
		for (int i = 0; i < VTD_RIG_UNITS; i++)
			vtd_hw_new(t->units[i].base, 0x10, odd[k].cap, odd[k].ecap);
		ktest_expect_warnings(VTD_RIG_UNITS);	/* each refused unit warns */
		report(vtd_init() == -ENODEV && vtd_nunits == 0,
		       "%s: every unit refused, nothing read outside the registers", odd[k].what);
		vtd_rig_down();
	}
out:
	host_dmar = NULL;
	free(b);
	free(t);
}

#define THREADS 4
#define PER_THREAD 2048

static int thread_failures;
static pthread_barrier_t start_line;

/* Batches of 1..4 harmless descriptors (context cache of ff:1f.7), each waited for. */
static void *flusher(void *arg)
{
	struct vtd_unit *u = arg;

	pthread_barrier_wait(&start_line);	/* all four at once */
	for (int i = 0; i < PER_THREAD; i++) {
		struct vtd_batch b = { .n = 0 };

		for (int k = 0; k <= i % 4; k++)
			vtd_batch_cc(&b, VTD_GRAN_DEVICE, 0, 0xffff);
		if (vtd_batch_run(u, &b))
			__atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Bug class 41: four CPUs share one queue; nothing lost, no status confusion. */
KTEST(vtd-units, test_vtd_units_queue_shared_by_four_threads)
{
	pthread_t th[THREADS];
	struct vtd_unit *u;
	u64 waits;
	int cc;

	if (!vtd_rig_up(0x10, CAP_E5, ECAP_E5, ""))
		goto out;
	u = vtd_units[2];
	waits = u->st.waits;
	cc = vtd_hw_count(vtd_rig->hw[2], VTD_DESC_CC, -1);
	thread_failures = 0;
	pthread_barrier_init(&start_line, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, flusher, u);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start_line);
	report(thread_failures == 0 && u->st.waits == waits + THREADS * PER_THREAD,
	       "%d submissions from %d threads, %d failed", THREADS * PER_THREAD, THREADS,
	       thread_failures);
	report(vtd_hw_count(vtd_rig->hw[2], VTD_DESC_CC, -1) == cc + THREADS * PER_THREAD / 4 * 10,
	       "every descriptor ran once (ring of %u wrapped %d times)", VTD_QI_SIZE,
	       THREADS * PER_THREAD * 7 / 2 / (int)VTD_QI_SIZE);
	report(vtd_rig->hw[2]->status_not_newer == 0 && vtd_rig_violations() == 0 &&
	       FIELD_GET(VTD_IQ_INDEX, vtd_rig->hw[2]->iqh) == u->qi.tail,
	       "each wait wrote a newer sequence number; the queue ends idle");
out:
	vtd_rig_down();
}
