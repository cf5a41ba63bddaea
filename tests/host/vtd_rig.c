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
	[NIC] = { "0000:41:00.0", 0x41, 0, 0, BR40, 0, false, true },	/* below it, ATSR */
	[EP40] = { "0000:40:05.0", 0x40, 5, 0, -1, 0 },		/* endpoint scope of dmar0 */
	[EP80] = { "0000:80:05.0", 0x80, 5, 0, -1, 1 },		/* dmar1 */
	[EPC0] = { "0000:c0:05.0", 0xc0, 5, 0, -1, 2 },		/* dmar2 */
	[SATA] = { "0000:00:1f.2", 0x00, 0x1f, 2, -1, 3 },	/* INCLUDE_PCI_ALL dmar3 */
	[USB] = { "0000:00:1d.0", 0x00, 0x1d, 0, -1, 3 },	/* RMRRs */
};

struct vtd_rig *vtd_rig;

/*
 * Units at the R820's DRHD bases with these registers, set up further by
 * pre (may be NULL) as firmware left them; the driver starts them and
 * probes the devices.
 */
bool vtd_rig_up_as(u32 ver, u64 cap, u64 ecap, const char *cmdline,
		      void (*pre)(struct vtd_hw *hw))
{
	size_t len;
	u8 *b = host_fixture("real/dell-poweredge-r820.dmar.bin", &len);

	vtd_rig = calloc(1, sizeof(*vtd_rig));
	if (!b || !vtd_rig || dmar_parse(b, len, &vtd_rig->t) || vtd_rig->t.nunits != VTD_RIG_UNITS) {
		report(false, "the R820 DMAR parses with %d units", VTD_RIG_UNITS);
		free(b);
		return false;
	}
	free(b);
	for (int i = 0; i < VTD_RIG_UNITS; i++) {
		vtd_rig->hw[i] = vtd_hw_new(vtd_rig->t.units[i].base, ver, cap, ecap);
		if (pre)
			pre(vtd_rig->hw[i]);
	}
	host_dmar = &vtd_rig->t;
	host_set_cmdline(cmdline);
	model_reset();
	report(vtd_init() == 0 && vtd_nunits == VTD_RIG_UNITS, "the driver starts %d units (%d)",
	       VTD_RIG_UNITS, vtd_nunits);
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
		d->name = vtd_rig_devs[i].name;
		d->rid = pci_bdf(p);
		d->bus_priv = p;
		d->dma_mask = ~0ULL;
		iommu_dev_register(d);
		if (!vtd_rig_devs[i].bridge && vtd_iommu_ops.probe_device(d))
			report(false, "%s probed", d->name);
	}
	return vtd_nunits == VTD_RIG_UNITS;
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

