// SPDX-License-Identifier: MIT
/*
 * The hosted AMD-Vi rig (amdvi_rig.h): software units at the Threadripper
 * IVRS's bases, devices probed on the unit IVRS names for each.
 */
#include <stdlib.h>
#include "iommu/amdvi/amdvi_caps.h"
#include "tests/host/amdvi_model.h"
#include "tests/host/amdvi_rig.h"
#include "tests/host/hostutil.h"
#include "tests/ktest.h"

const struct amdvi_rig_dev amdvi_rig_devs[AMDVI_RIG_NDEV] = {
	[GPU] = { "0000:61:00.0", 0x6100, 0x6100, 0 },		/* 60:01.0-ff:1f.6 */
	[NVME] = { "0000:41:00.0", 0x4100, 0x4100, 1 },		/* 40:01.0-5f:1f.6 */
	[NIC] = { "0000:21:00.0", 0x2100, 0x2100, 2 },		/* 20:01.0-3f:1f.6 */
	[SATA] = { "0000:03:00.0", 0x0300, 0x0300, 3 },		/* 00:01.0-1f:1f.6 */
	[ALIASED] = { "0000:ff:01.0", 0xff08, 0x00a4, -1 },	/* ff:xx as 00:14.4 */
};

struct amdvi_rig *amdvi_rig;

bool amdvi_rig_up(void)
{
	size_t len;
	u8 *b = host_fixture("real/asus-rog-zenith-ii-extreme-alpha.ivrs.bin", &len);

	amdvi_rig = calloc(1, sizeof(*amdvi_rig));
	if (!b || !amdvi_rig || ivrs_parse(b, len, &amdvi_rig->t) ||
	    amdvi_rig->t.nunits != AMDVI_RIG_UNITS) {
		report(false, "the Threadripper IVRS parses with %d units", AMDVI_RIG_UNITS);
		free(b);
		return false;
	}
	free(b);
	amdvi_ivrs = &amdvi_rig->t;
	for (int i = 0; i < AMDVI_RIG_UNITS; i++) {
		const struct ivrs_unit *iu = &amdvi_rig->t.units[i];
		struct amdvi_unit *u = model_unit_create();

		if (!u || amdvi_devtab_init(u))
			return false;
		amdvi_rig->u[i] = u;
		u->index = i;
		u->name[0] = 'u';
		u->name[1] = (char)('0' + i);
		u->base = iu->base;
		u->segment = iu->segment;
		u->devid = iu->devid;
		u->efr = iu->efr;
		u->max_levels = amdvi_efr_max_levels(iu->efr);
		u->va_bits = 48;
		u->ia = amdvi_efr_ia(iu->efr);
		spin_lock_init(&u->quarantine_lock);
		INIT_LIST_HEAD(&u->quarantine);
		INIT_LIST_HEAD(&u->zombies);
		u->iommu.name = u->name;
		u->iommu.ops = &amdvi_ops;
		amdvi_units[i] = u;
		iommu_device_register(&u->iommu);
	}
	amdvi_nunits = AMDVI_RIG_UNITS;
	host_pci_devs = amdvi_rig->pdev;
	host_pci_ndevs = AMDVI_RIG_NDEV;
	for (int i = 0; i < AMDVI_RIG_NDEV; i++) {
		struct pci_dev *p = &amdvi_rig->pdev[i];
		struct iommu_dev *d = &amdvi_rig->dev[i];

		p->bus = (u8)(amdvi_rig_devs[i].bdf >> 8);
		p->dev = (u8)((amdvi_rig_devs[i].bdf >> 3) & 31);
		p->fn = (u8)(amdvi_rig_devs[i].bdf & 7);
		d->name = amdvi_rig_devs[i].name;
		d->rid = amdvi_rig_devs[i].bdf;
		d->bus_priv = p;
		d->dma_mask = ~0ULL;
		iommu_dev_register(d);
		if (amdvi_probe_device(d))
			report(false, "%s probed", d->name);
	}
	return true;
}

void amdvi_rig_down(void)
{
	for (int i = 0; amdvi_rig && i < AMDVI_RIG_NDEV; i++) {
		amdvi_release_device(&amdvi_rig->dev[i]);
		iommu_dev_unregister(&amdvi_rig->dev[i]);
	}
	for (int i = 0; amdvi_rig && i < AMDVI_RIG_UNITS; i++) {
		if (!amdvi_rig->u[i])
			continue;
		iommu_device_unregister(&amdvi_rig->u[i]->iommu);
		amdvi_devtab_fini(amdvi_rig->u[i]);
		model_unit_destroy(amdvi_rig->u[i]);
		amdvi_units[i] = NULL;
	}
	amdvi_nunits = 0;
	amdvi_ivrs = NULL;
	host_pci_devs = NULL;
	host_pci_ndevs = 0;
	free(amdvi_rig);
	amdvi_rig = NULL;
}

struct amdvi_dev *amdvi_rig_dev(int i)
{
	return amdvi_rig->dev[i].iommu_priv;
}

/* Commands of op for domain (or devid) arg the unit ran from exec entry 'from' on. */
int amdvi_rig_ran(int unit, int from, int op, u32 arg)
{
	struct amdvi_model *m = model_of(amdvi_rig->u[unit]);
	int n = 0;

	for (int i = from; i < m->nexec && i < MODEL_EXEC_LOG; i++) {
		const u64 *c = m->exec[i];
		u32 a = op == AMDVI_CMD_INV_IOMMU_PAGES ? (u32)FIELD_GET(AMDVI_IP_DOMID, c[0]) :
						       (u32)FIELD_GET(AMDVI_CMD_DEVID, c[0]);

		n += FIELD_GET(AMDVI_CMD_OPCODE, c[0]) == (u64)op && a == arg;
	}
	return n;
}

int amdvi_rig_mark(int unit)
{
	return model_of(amdvi_rig->u[unit])->nexec;
}

