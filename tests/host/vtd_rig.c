// SPDX-License-Identifier: MIT
/*
 * The hosted VT-d rig (vtd_rig.h): software units at the R820's DRHD bases,
 * the driver started on them, its PCI functions probed.
 */
#include <stdlib.h>
#include <string.h>
#include "arch/host/host.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "tests/host/hostutil.h"
#include "tests/host/live_tables.h"
#include "tests/host/vtd_model.h"
#include "tests/host/vtd_rig.h"
#include "tests/ktest.h"

const struct vtd_rig_dev vtd_rig_devs[VTD_RIG_NDEV] = {
	[BR40] = { "0000:40:02.0", 0x40, 2, 0, -1, 0, true },	/* bridge scope of dmar0 */
	[NIC] = { "0000:41:00.0", 0x41, 0, 0, BR40, 0, false, true, true },	/* below it, ATSR */
	[EP40] = { "0000:40:05.0", 0x40, 5, 0, -1, 0, .pasid = true },	/* endpoint scope of dmar0 */
	[EP80] = { "0000:80:05.0", 0x80, 5, 0, -1, 1, .pasid = true },	/* dmar1 */
	[EPC0] = { "0000:c0:05.0", 0xc0, 5, 0, -1, 2 },		/* dmar2 */
	[SATA] = { "0000:00:1f.2", 0x00, 0x1f, 2, -1, 3 },	/* INCLUDE_PCI_ALL dmar3 */
	[USB] = { "0000:00:1d.0", 0x00, 0x1d, 0, -1, 3 },	/* RMRRs */
};

struct vtd_rig *vtd_rig;

/* Units at the R820's DRHD bases, unit i with cap[i] and ecap[i]; see vtd_rig_up_as. */
static bool rig_up(u32 ver, const u64 *cap, const u64 *ecap, const char *cmdline,
		   void (*pre)(struct vtd_hw *hw))
{
	size_t len;
	u8 *b = host_fixture("real/dell-poweredge-r820.dmar.bin", &len);
	int ret;

	vtd_rig = calloc(1, sizeof(*vtd_rig));
	if (!b || !vtd_rig || dmar_parse(b, len, &vtd_rig->t) || vtd_rig->t.nunits != VTD_RIG_UNITS) {
		report(false, "the R820 DMAR parses with %d units", VTD_RIG_UNITS);
		free(b);
		return false;
	}
	free(b);
	for (int i = 0; i < VTD_RIG_UNITS; i++) {
		vtd_rig->hw[i] = vtd_hw_new(vtd_rig->t.units[i].base, ver, cap[i], ecap[i]);
		if (pre)
			pre(vtd_rig->hw[i]);
	}
	host_dmar = &vtd_rig->t;
	host_set_cmdline(cmdline);
	model_reset();
	ret = vtd_init();
	report(ret == 0 && vtd_nunits == VTD_RIG_UNITS, "the driver starts %d units (%d, %d)",
	       VTD_RIG_UNITS, vtd_nunits, ret);
	for (int i = 0; i < VTD_RIG_NDEV; i++) {
		struct pci_dev *p = &vtd_rig->pdev[i];
		struct iommu_dev *d = &vtd_rig->dev[i];

		p->bus = vtd_rig_devs[i].bus;
		p->dev = vtd_rig_devs[i].dev;
		p->fn = vtd_rig_devs[i].fn;
		p->is_bridge = vtd_rig_devs[i].bridge;
		p->secondary = vtd_rig_devs[i].bridge ? 0x41 : 0;
		p->parent = vtd_rig_devs[i].parent >= 0 ? &vtd_rig->pdev[vtd_rig_devs[i].parent] : NULL;
		p->cfg = vtd_rig->cfg[i];
		if (vtd_rig_devs[i].ats) {
			p->ecap_ats = 0x100;
			vtd_rig->cfg[i][0x104] = 2;	/* invalidate queue depth */
		}
		if (vtd_rig_devs[i].pasid) {
			/* PCIe PASID capability (ID 0x1b, version 1) with 20-bit PASIDs */
			u32 hdr = 0x1b | 1u << 16;

			memcpy(&vtd_rig->cfg[i][0x100], &hdr, 4);
			vtd_rig->cfg[i][0x105] = 20;
		}
		d->name = vtd_rig_devs[i].name;
		d->rid = pci_bdf(p);
		d->bus_priv = p;
		d->dma_mask = ~0ULL;
		iommu_dev_register(d);
		/* a unit kept for interrupt remapping only claims no device */
		if (!vtd_rig_devs[i].bridge && vtd_iommu_ops.probe_device(d) &&
		    !(vtd_rig_devs[i].unit < vtd_nunits && vtd_units[vtd_rig_devs[i].unit]->ir_only))
			report(false, "%s probed", d->name);
	}
	return vtd_nunits == VTD_RIG_UNITS;
}

bool vtd_rig_up_as(u32 ver, u64 cap, u64 ecap, const char *cmdline,
		   void (*pre)(struct vtd_hw *hw))
{
	u64 caps[VTD_RIG_UNITS], ecaps[VTD_RIG_UNITS];

	for (int i = 0; i < VTD_RIG_UNITS; i++) {
		caps[i] = cap;
		ecaps[i] = ecap;
	}
	return rig_up(ver, caps, ecaps, cmdline, pre);
}

bool vtd_rig_up_mixed(u32 ver, const u64 cap[VTD_RIG_UNITS], const u64 ecap[VTD_RIG_UNITS],
		      const char *cmdline)
{
	return rig_up(ver, cap, ecap, cmdline, NULL);
}

bool vtd_rig_up(u32 ver, u64 cap, u64 ecap, const char *cmdline)
{
	return vtd_rig_up_as(ver, cap, ecap, cmdline, NULL);
}

void vtd_rig_down(void)
{
	for (int i = 0; vtd_rig && i < VTD_RIG_NDEV; i++) {
		struct iommu_dev *d = &vtd_rig->dev[i];

		if (d->domain && d->domain->type == IOMMU_DOMAIN_PAGING)
			report(false, "%s left attached", d->name);
		kfree(d->iommu_priv);
		iommu_dev_unregister(d);
	}
	vtd_rig_units_down();
	vtd_hw_reset();
	host_poll_step_us(0);
	free(vtd_rig);
	vtd_rig = NULL;
}

void vtd_rig_units_down(void)
{
	for (int i = 0; i < vtd_nunits; i++) {
		struct vtd_unit *u = vtd_units[i];

		vtd_fault_fini(u);
		vtd_ir_stop(u);
		vtd_qi_free(u);
		vtd_ctx_fini(u);
		iommu_device_unregister(&u->iommu);
		kfree(u);
		vtd_units[i] = NULL;
	}
	vtd_nunits = 0;
	irq_remap_unregister(&vtd_irq_remap_ops);
	vtd_dmar = NULL;
	vtd_iommu_ops.identity_domain = NULL;
}

struct vtd_dev *vtd_rig_vd_of(int i)
{
	return vtd_rig->dev[i].iommu_priv;
}

u64 *vtd_rig_ctx_of(int i)
{
	struct vtd_dev *vd = vtd_rig_vd_of(i);

	return vtd_ctx_entry(vd->unit, vd->bus, vd->devfn);
}

int vtd_rig_violations(void)
{
	int n = 0;

	for (int i = 0; i < VTD_RIG_UNITS; i++)
		n += vtd_rig->hw[i]->violations;
	return n;
}

/* The last invalidation the unit performed of this type. */
const struct vtd_hw_op *vtd_rig_last_op(const struct vtd_hw *hw, int type)
{
	for (int i = hw->nlog - 1; i >= 0; i--)
		if (hw->log[i].type == type)
			return &hw->log[i];
	return NULL;
}

struct iommu_domain *vtd_rig_attach_new(int dev)
{
	struct iommu_domain *d = iommu_domain_alloc_paging(&vtd_rig->dev[dev]);

	if (IS_ERR(d) || iommu_attach_device(d, &vtd_rig->dev[dev])) {
		report(false, "a new domain attached to %s", vtd_rig->dev[dev].name);
		return IS_ERR(d) ? NULL : d;
	}
	return d;
}


/* --- scalable mode (vtd-sm, vtd-stage1) --- */

bool vtd_rig_sm_up(u64 cap, u64 ecap, const char *cmdline)
{
	if (!vtd_rig_up(0x60, cap, ecap, cmdline))
		return false;
	for (int i = 0; i < vtd_nunits; i++)
		if (!vtd_units[i]->sm) {
			report(false, "%s in scalable mode", vtd_units[i]->name);
			return false;
		}
	return true;
}

struct vtd_hw *vtd_rig_hw_of(int dev)
{
	return vtd_rig->hw[vtd_rig_devs[dev].unit];
}

u16 vtd_rig_sid_of(int dev)
{
	return vtd_dev_sid(vtd_rig_vd_of(dev));
}

/* A DMA of dev (pasid < 0: none) as its unit translates it. */
struct vtd_hw_xlate vtd_rig_dma(int dev, long pasid, u64 iova, bool write)
{
	return vtd_hw_rw(vtd_rig_hw_of(dev), vtd_rig_sid_of(dev), pasid, iova, write);
}

bool vtd_rig_lands(int dev, long pasid, u64 iova, bool write, phys_addr_t pa)
{
	struct vtd_hw_xlate x = vtd_rig_dma(dev, pasid, iova, write);

	return x.ok && x.pa == pa;
}

/* Blocked with this reason, and recorded (then drained, so records never run out). */
bool vtd_rig_faults(int dev, long pasid, u64 iova, bool write, u8 reason)
{
	struct iommu_fault_match any = { .flags = IOMMU_FAULT_MATCH_ANY_SID |
						  IOMMU_FAULT_MATCH_ANY_ADDR };
	struct vtd_hw_xlate x;

	iommu_fault_expect_match(&any);
	x = vtd_rig_dma(dev, pasid, iova, write);
	iommu_fault_expect_done();
	if (x.ok || x.reason != reason)
		report_info("DMA %#llx pasid %ld: %s, reason %#x (want %#x)",
			    (unsigned long long)iova, pasid, x.ok ? "translated" : "blocked",
			    x.reason, reason);
	return !x.ok && x.reason == reason && x.recorded;
}

u64 *vtd_rig_pasid_entry(int dev, u32 pasid)
{
	return vtd_pasid_entry(vtd_rig_ctx_of(dev), pasid);
}

bool vtd_rig_trace_has(u32 seq, const struct vtd_rig_want *w, int n)
{
	struct vtd_ev_rec ev[128];
	int got = vtd_trace_since(seq, ev, 128), k = 0;

	for (int i = 0; i < got && k < n; i++)
		if (ev[i].ev == w[k].ev && (w[k].did < 0 || ev[i].did == w[k].did) &&
		    (w[k].pasid < 0 || ev[i].pasid == w[k].pasid))
			k++;
	if (k < n) {
		report_info("trace: wanted event %d (type %d) not found in order; saw:", k, w[k].ev);
		for (int i = 0; i < got; i++)
			report_info("  ev %d gran %u did %u sid %04x pasid %u", ev[i].ev, ev[i].gran,
				    ev[i].did, ev[i].sid, ev[i].pasid);
	}
	return k == n;
}

int vtd_rig_count_ev(u32 seq, int type)
{
	struct vtd_ev_rec ev[128];
	int got = vtd_trace_since(seq, ev, 128), n = 0;

	for (int i = 0; i < got; i++)
		n += ev[i].ev == type;
	return n;
}
