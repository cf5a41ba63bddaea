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
#include "lib/err.h"
#include "tests/host/amdvi_model.h"
#include "tests/host/amdvi_rig.h"
#include "tests/host/hostutil.h"
#include "arch/host/host.h"
#include "tests/host/live_tables.h"
#include "tests/ktest.h"

#define RW (IOMMU_READ | IOMMU_WRITE)

KTEST(amdvi-units, test_amdvi_units_threadripper_domain_across_units)
{
	struct amdvi_domain *d = NULL;
	int m[AMDVI_RIG_UNITS], bad = 0;
	u16 id;

	if (!amdvi_rig_up())
		goto out;
	for (int i = 0; i < AMDVI_RIG_NDEV; i++) {
		const struct ivrs_unit *iu = ivrs_unit_for_devid(&amdvi_rig->t, 0, amdvi_rig_devs[i].bdf);
		int want = amdvi_rig_devs[i].unit >= 0 ? amdvi_rig_devs[i].unit : iu ? iu->index : -1;

		report(want >= 0 && amdvi_rig->dev[i].iommu == &amdvi_rig->u[want]->iommu,
		       "%s is translated by IOMMU %d of 4", amdvi_rig_devs[i].name, want);
	}
	report(amdvi_rig_dev(ALIASED) && amdvi_rig_dev(ALIASED)->alias == 0x00a4,
	       "ff:01.0 carries the IVRS alias 00:14.4");

	d = amdvi_domain_alloc(amdvi_rig->u[0], 0);
	if (IS_ERR(d)) {
		d = NULL;
		goto out;
	}
	id = d->id;
	iommu_attach_device(&d->domain, &amdvi_rig->dev[GPU]);
	iommu_attach_device(&d->domain, &amdvi_rig->dev[NVME]);
	for (int k = 0; k < 2; k++) {
		int i = k ? NVME : GPU;
		const u64 *dte = amdvi_dte_ptr(amdvi_rig->u[amdvi_rig_devs[i].unit], amdvi_rig_devs[i].bdf);

		bad += !amdvi_dte_translates(dte) || FIELD_GET(AMDVI_DTE1_DOMID, dte[1]) != id ||
		       (dte[0] & AMDVI_DTE0_PT_ROOT) != amdvi_pa(d->pt.root);
	}
	bad += amdvi_dte_translates(amdvi_dte_ptr(amdvi_rig->u[1], amdvi_rig_devs[GPU].bdf)) ||
	       amdvi_dte_translates(amdvi_dte_ptr(amdvi_rig->u[0], amdvi_rig_devs[NVME].bdf));
	report(bad == 0, "one domain (ID %u) on IOMMUs 0 and 1: each device's DTE on its own "
	       "unit's table, nowhere else", id);

	for (int i = 0; i < AMDVI_RIG_UNITS; i++)
		m[i] = amdvi_rig_mark(i);
	iommu_map(&d->domain, 0x100000, 0x7000000, 4096, RW);
	iommu_unmap(&d->domain, 0x100000, 4096);
	report(amdvi_rig_ran(0, m[0], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 &&
	       amdvi_rig_ran(1, m[1], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 &&
	       amdvi_rig_mark(2) == m[2] && amdvi_rig_mark(3) == m[3],
	       "an unmap invalidates domain %u on both its IOMMUs, nothing on the others", id);

	m[1] = amdvi_rig_mark(1);
	iommu_detach_device(&d->domain, &amdvi_rig->dev[NVME]);
	report(amdvi_rig_ran(1, m[1], AMDVI_CMD_INV_DEVTAB_ENTRY, amdvi_rig_devs[NVME].bdf) == 1 &&
	       amdvi_rig_ran(1, m[1], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 &&
	       !amdvi_dte_translates(amdvi_dte_ptr(amdvi_rig->u[1], amdvi_rig_devs[NVME].bdf)),
	       "detach on IOMMU 1: its DTE blocked, the DTE and domain %u flushed there", id);
	for (int i = 0; i < AMDVI_RIG_UNITS; i++)
		m[i] = amdvi_rig_mark(i);
	iommu_map(&d->domain, 0x100000, 0x7000000, 4096, RW);
	iommu_unmap(&d->domain, 0x100000, 4096);
	report(amdvi_rig_ran(0, m[0], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 && amdvi_rig_mark(1) == m[1],
	       "afterwards only IOMMU 0 is flushed");

	iommu_detach_device(&d->domain, &amdvi_rig->dev[GPU]);
	for (int i = 0; i < AMDVI_RIG_UNITS; i++)
		m[i] = amdvi_rig_mark(i);
	iommu_domain_free(&d->domain);
	d = NULL;
	report(amdvi_rig_ran(0, m[0], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 &&
	       amdvi_rig_ran(1, m[1], AMDVI_CMD_INV_IOMMU_PAGES, id) == 1 && amdvi_rig_mark(2) == m[2],
	       "freeing the domain flushes its ID on every IOMMU it was ever on (0 and 1)");

	d = amdvi_domain_alloc(amdvi_rig->u[2], 0);
	if (!IS_ERR(d)) {
		u16 dte_ids[2] = { amdvi_rig_devs[ALIASED].bdf, 0x00a4 };
		struct amdvi_unit *u = amdvi_rig_dev(ALIASED)->unit;

		iommu_attach_device(&d->domain, &amdvi_rig->dev[ALIASED]);
		report(amdvi_dte_translates(amdvi_dte_ptr(u, dte_ids[0])) &&
		       amdvi_dte_translates(amdvi_dte_ptr(u, dte_ids[1])) &&
		       FIELD_GET(AMDVI_DTE1_DOMID, amdvi_dte_ptr(u, dte_ids[1])[1]) == d->id,
		       "the aliased device: its own DTE and its alias's both translate");
		iommu_detach_device(&d->domain, &amdvi_rig->dev[ALIASED]);
		iommu_domain_free(&d->domain);
	}
	d = NULL;
	for (int i = 0; i < AMDVI_RIG_UNITS; i++)
		bad += model_of(amdvi_rig->u[i])->illegal;
	report(bad == 0, "no illegal command on any unit");
out:
	if (d)
		iommu_domain_free(&d->domain);
	amdvi_rig_down();
}
