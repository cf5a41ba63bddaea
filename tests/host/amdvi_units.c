// SPDX-License-Identifier: MIT
/*
 * amdvi-units (hosted): the AMD-Vi domain and device code over four software
 * units (amdvi_model.c) placed as a real 4-IOMMU Threadripper IVRS says:
 * devices on the unit IVRS names, one domain across units, its flushes.
 */
#include <stdlib.h>
#include <string.h>
#include "iommu/amdvi/amdvi.h"
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/ivrs.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/failpoint.h"
#include "tests/host/amdvi_model.h"
#include "tests/host/hostutil.h"
#include "arch/host/host.h"
#include "tests/host/live_tables.h"
#include "tests/ktest.h"

#define RW (IOMMU_READ | IOMMU_WRITE)
#define NUNITS 4

/* Functions behind each of the four IOMMUs, and one IVRS aliases. */
enum { GPU, NVME, NIC, SATA, ALIASED, NDEV };

static const struct {
	const char *name;
	u16 bdf, alias;
	int unit;
} devs[NDEV] = {
	[GPU] = { "0000:61:00.0", 0x6100, 0x6100, 0 },		/* 60:01.0-ff:1f.6 */
	[NVME] = { "0000:41:00.0", 0x4100, 0x4100, 1 },		/* 40:01.0-5f:1f.6 */
	[NIC] = { "0000:21:00.0", 0x2100, 0x2100, 2 },		/* 20:01.0-3f:1f.6 */
	[SATA] = { "0000:03:00.0", 0x0300, 0x0300, 3 },		/* 00:01.0-1f:1f.6 */
	[ALIASED] = { "0000:ff:01.0", 0xff08, 0x00a4, -1 },	/* ff:xx as 00:14.4 */
};

static struct rig {
	struct ivrs_table t;
	struct amdvi_unit *u[NUNITS];
	struct pci_dev pdev[NDEV];
	struct iommu_dev dev[NDEV];
} *rig;

static bool rig_up(void)
{
	size_t len;
	u8 *b = host_fixture("real/asus-rog-zenith-ii-extreme-alpha.ivrs.bin", &len);

	rig = calloc(1, sizeof(*rig));
	if (!b || !rig || ivrs_parse(b, len, &rig->t) || rig->t.nunits != NUNITS) {
		report(false, "the Threadripper IVRS parses with %d units", NUNITS);
		free(b);
		return false;
	}
	free(b);
	amdvi_ivrs = &rig->t;
	for (int i = 0; i < NUNITS; i++) {
		const struct ivrs_unit *iu = &rig->t.units[i];
		struct amdvi_unit *u = model_unit_create();

		if (!u || amdvi_devtab_init(u))
			return false;
		rig->u[i] = u;
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
		INIT_LIST_HEAD(&u->quarantine);
		INIT_LIST_HEAD(&u->zombies);
		u->iommu.name = u->name;
		u->iommu.ops = &amdvi_ops;
		amdvi_units[i] = u;
		iommu_device_register(&u->iommu);
	}
	amdvi_nunits = NUNITS;
	host_pci_devs = rig->pdev;
	host_pci_ndevs = NDEV;
	for (int i = 0; i < NDEV; i++) {
		struct pci_dev *p = &rig->pdev[i];
		struct iommu_dev *d = &rig->dev[i];

		p->bus = (u8)(devs[i].bdf >> 8);
		p->dev = (u8)((devs[i].bdf >> 3) & 31);
		p->fn = (u8)(devs[i].bdf & 7);
		d->name = devs[i].name;
		d->rid = devs[i].bdf;
		d->bus_priv = p;
		d->dma_mask = ~0ULL;
		iommu_dev_register(d);
		if (amdvi_probe_device(d))
			report(false, "%s probed", d->name);
	}
	return true;
}

static void rig_down(void)
{
	for (int i = 0; rig && i < NDEV; i++) {
		amdvi_release_device(&rig->dev[i]);
		iommu_dev_unregister(&rig->dev[i]);
	}
	for (int i = 0; rig && i < NUNITS; i++) {
		if (!rig->u[i])
			continue;
		iommu_device_unregister(&rig->u[i]->iommu);
		amdvi_devtab_fini(rig->u[i]);
		model_unit_destroy(rig->u[i]);
		amdvi_units[i] = NULL;
	}
	amdvi_nunits = 0;
	amdvi_ivrs = NULL;
	host_pci_devs = NULL;
	host_pci_ndevs = 0;
	free(rig);
	rig = NULL;
}

static struct amdvi_dev *ad_of(int i)
{
	return rig->dev[i].iommu_priv;
}

/* Commands of op for domain (or devid) arg the unit ran from exec entry 'from' on. */
static int ran(int unit, int from, int op, u32 arg)
{
	struct amdvi_model *m = model_of(rig->u[unit]);
	int n = 0;

	for (int i = from; i < m->nexec && i < MODEL_EXEC_LOG; i++) {
		const u64 *c = m->exec[i];
		u32 a = op == AMDVI_CMD_INV_IOMMU_PAGES ? (u32)FIELD_GET(AMDVI_IP_DOMID, c[0]) :
						       (u32)FIELD_GET(AMDVI_CMD_DEVID, c[0]);

		n += FIELD_GET(AMDVI_CMD_OPCODE, c[0]) == (u64)op && a == arg;
	}
	return n;
}

static int mark(int unit)
{
	return model_of(rig->u[unit])->nexec;
}

KTEST(amdvi-units, test_amdvi_units_threadripper_domain_across_units)
{
	struct amdvi_domain *d = NULL;
	int m[NUNITS], bad = 0;
	u16 id;

	if (!rig_up())
		goto out;
	for (int i = 0; i < NDEV; i++) {
		const struct ivrs_unit *iu = ivrs_unit_for_devid(&rig->t, 0, devs[i].bdf);
		int want = devs[i].unit >= 0 ? devs[i].unit : iu ? iu->index : -1;

		report(want >= 0 && rig->dev[i].iommu == &rig->u[want]->iommu,
		       "%s is translated by IOMMU %d of 4", devs[i].name, want);
	}
	report(ad_of(ALIASED) && ad_of(ALIASED)->alias == 0x00a4,
	       "ff:01.0 carries the IVRS alias 00:14.4");

	d = amdvi_domain_alloc(rig->u[0], 0);
	if (IS_ERR(d)) {
		d = NULL;
		goto out;
	}
	id = d->id;
	iommu_attach_device(&d->domain, &rig->dev[GPU]);
	iommu_attach_device(&d->domain, &rig->dev[NVME]);
	for (int k = 0; k < 2; k++) {
		int i = k ? NVME : GPU;
		const u64 *dte = amdvi_dte_ptr(rig->u[devs[i].unit], devs[i].bdf);

		bad += !amdvi_dte_translates(dte) || FIELD_GET(AMDVI_DTE1_DOMID, dte[1]) != id ||
		       (dte[0] & AMDVI_DTE0_PT_ROOT) != amdvi_pa(d->pt.root);
	}
	bad += amdvi_dte_translates(amdvi_dte_ptr(rig->u[1], devs[GPU].bdf)) ||
	       amdvi_dte_translates(amdvi_dte_ptr(rig->u[0], devs[NVME].bdf));
	report(bad == 0, "one domain (ID %u) on IOMMUs 0 and 1: each device's DTE on its own "
	       "unit's table, nowhere else", id);

	for (int i = 0; i < NUNITS; i++)
		m[i] = mark(i);
	iommu_map(&d->domain, 0x100000, 0x7000000, 4096, RW);
	iommu_unmap(&d->domain, 0x100000, 4096);
	report(ran(0, m[0], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 &&
	       ran(1, m[1], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 &&
	       mark(2) == m[2] && mark(3) == m[3],
	       "an unmap invalidates domain %u on both its IOMMUs, nothing on the others", id);

	m[1] = mark(1);
	iommu_detach_device(&d->domain, &rig->dev[NVME]);
	report(ran(1, m[1], AMDVI_CMD_INV_DEVTAB_ENTRY, devs[NVME].bdf) == 1 &&
	       ran(1, m[1], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 &&
	       !amdvi_dte_translates(amdvi_dte_ptr(rig->u[1], devs[NVME].bdf)),
	       "detach on IOMMU 1: its DTE blocked, the DTE and domain %u flushed there", id);
	for (int i = 0; i < NUNITS; i++)
		m[i] = mark(i);
	iommu_map(&d->domain, 0x100000, 0x7000000, 4096, RW);
	iommu_unmap(&d->domain, 0x100000, 4096);
	report(ran(0, m[0], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 && mark(1) == m[1],
	       "afterwards only IOMMU 0 is flushed");

	iommu_detach_device(&d->domain, &rig->dev[GPU]);
	for (int i = 0; i < NUNITS; i++)
		m[i] = mark(i);
	iommu_domain_free(&d->domain);
	d = NULL;
	report(ran(0, m[0], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 &&
	       ran(1, m[1], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 && mark(2) == m[2],
	       "freeing the domain flushes its ID on every IOMMU it was ever on (0 and 1)");

	d = amdvi_domain_alloc(rig->u[2], 0);
	if (!IS_ERR(d)) {
		u16 dte_ids[2] = { devs[ALIASED].bdf, 0x00a4 };
		struct amdvi_unit *u = ad_of(ALIASED)->unit;

		iommu_attach_device(&d->domain, &rig->dev[ALIASED]);
		report(amdvi_dte_translates(amdvi_dte_ptr(u, dte_ids[0])) &&
		       amdvi_dte_translates(amdvi_dte_ptr(u, dte_ids[1])) &&
		       FIELD_GET(AMDVI_DTE1_DOMID, amdvi_dte_ptr(u, dte_ids[1])[1]) == d->id,
		       "the aliased device: its own DTE and its alias's both translate");
		iommu_detach_device(&d->domain, &rig->dev[ALIASED]);
		iommu_domain_free(&d->domain);
	}
	d = NULL;
	for (int i = 0; i < NUNITS; i++)
		bad += model_of(rig->u[i])->illegal;
	report(bad == 0, "no illegal command on any unit");
out:
	if (d)
		iommu_domain_free(&d->domain);
	rig_down();
}

/*
 * Fail each allocation and hardware wait of enabling a unit (device table,
 * command ring and its store page, event log, the first flush and its
 * wait) in turn, on a software unit that has never run: the enable fails,
 * the unit is off again and holds no ring or table, and every heap object
 * and page is back. A round with nothing injected enables it.
 */
KTEST(amdvi-units, test_amdvi_units_failure_at_every_enable_site)
{
	int sites = 0, absorbed = 0, left = 0, held = 0, clean = -1;

	for (unsigned long n = 1; n < 200 && clean < 0; n++) {
		struct amdvi_unit *u = model_unit_create();
		long heap, pages;
		bool fired;
		int ret;

		if (!u) {
			report(false, "a software unit");
			return;
		}
		/* as firmware leaves it: off, no rings of ours */
		amdvi_ctrl_update(u, 0, AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_CMDBUF_EN |
				  AMDVI_CTRL_EVTLOG_EN);
		amdvi_event_fini(u);
		amdvi_cmd_fini(u);
		u->ia = true;	/* INVALIDATE_IOMMU_ALL: one flush command */
		INIT_LIST_HEAD(&u->quarantine);
		INIT_LIST_HEAD(&u->zombies);
		heap = (long)kmalloc_live();
		pages = host_pages_live();
		failpoint_arm(n);
		ret = amdvi_unit_enable(u);
		fired = failpoint_fired();
		failpoint_arm(0);
		if (!fired) {
			clean = ret == 0 && u->enabled;
		} else {
			sites++;
			absorbed += !ret;
			left += !ret ? 0 : u->devtab || u->cmdbuf || u->evtlog || u->enabled ||
			       (amdvi_readq(u, AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN);
		}
		if (!ret) {
			amdvi_ctrl_update(u, 0, AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_CMDBUF_EN |
					  AMDVI_CTRL_EVTLOG_EN);
			amdvi_devtab_fini(u);
		} else {
			held += (long)kmalloc_live() != heap || host_pages_live() != pages;
		}
		model_unit_destroy(u);
	}
	report(clean == 1, "a round with nothing injected enables the unit");
	report(sites >= 5, "%d sites failed one at a time (%d absorbed)", sites, absorbed);
	report(left == 0, "each failed enable left the unit off with no table or ring (%d not)",
	       left);
	report(held == 0, "and gave back every heap object and page (%d rounds not)", held);
}
