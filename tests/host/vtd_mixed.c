// SPDX-License-Identifier: MIT
/*
 * vtd-mixed (hosted): one domain, devices behind VT-d units that differ, as
 * real machines mix unit kinds (a graphics unit beside the PCH's, or the
 * generations of fixtures/regs/vtd-caps.tsv): each attach is checked
 * against that unit's CAP/ECAP, in legacy and scalable mode, on software
 * units that reserve what the unit lacks (vtd_walk.c).
 */
#include <string.h>
#include "iommu/vtd/vtd.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "arch/host/host.h"
#include "core/iommufd.h"
#include "tests/host/hostutil.h"
#include "tests/host/vtd_hw.h"
#include "tests/host/vtd_rig.h"
#include "tests/kernel/core_util.h"
#include "tests/ktest.h"
#include <linux/iommufd.h>

#define RWC (IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE)
#define SZ_2M (2ULL << 20)
#define PSZ 4096UL

/* fixtures/regs/vtd-caps.tsv rows (CAP_E5, CAP_SPR, CAP_MTL: vtd_rig.h) */
#define CAP_HSW_PCH	0xd2008020660462ULL	/* Haswell 'vinco' dmar1: no large pages, MGAW 39 */
#define ECAP_HSW_PCH	0xf010daULL		/* SC */
#define CAP_HSW_GFX	0xc0000020660462ULL	/* its graphics unit, dmar0 */
#define ECAP_HSW_GFX	0xf0101aULL		/* no SC, no PT */
#define CAP_BDW_PCH	0xd2008c20660462ULL	/* Broadwell-U dmar1: as Haswell's, 2M and 1G */
#define ECAP_BDW_PCH	0xf010daULL
#define CAP_NHM_4L	0xc90780106f0462ULL	/* host 'major' dmar1: 4 levels only, MGAW 48 */
#define ECAP_NHM_4L	0xf020eaULL
#define CAP_NHM_3L	0xc9008010e60262ULL	/* its dmar0: 3 levels only, MGAW 39 */
#define ECAP_NHM_3L	0xf0206aULL
#define ECAP_MTL_PCH	0x12ca9a00f0efdeULL	/* Meteor Lake dmar1: ECAP_MTL (dmar0) plus SC */
/* synthetic: Meteor Lake's CAP without SLLPS (no public scalable-mode unit lacks large pages) */
#define CAP_MTL_NOSP	(CAP_MTL & ~GENMASK_ULL(37, 34))

/*
 * One pair: a domain made for unit A (dmar0, EP40) offered to a device of
 * unit B (dmar1, EP80), and one made for B offered to A's device.
 */
struct mixed_case {
	const char *what;
	u32 ver;
	u64 cap_a, ecap_a, cap_b, ecap_b;
	u32 flags;		/* IOMMU_HWPT_ALLOC_* of A's domain */
	bool b_takes_a, a_takes_b;
};

static const struct mixed_case cases[] = {
	{ "legacy: 2M/1G leaves (Broadwell PCH) vs none (Haswell PCH)", 0x10,
	  CAP_BDW_PCH, ECAP_BDW_PCH, CAP_HSW_PCH, ECAP_HSW_PCH, 0, false, true },
	{ "legacy: snoop control (Haswell PCH unit) vs none (its graphics unit)", 0x10,
	  CAP_HSW_PCH, ECAP_HSW_PCH, CAP_HSW_GFX, ECAP_HSW_GFX, 0, false, true },
	{ "legacy: MGAW 48 (Xeon E5) vs 39 (Broadwell PCH), both 4-level", 0x10,
	  CAP_E5, ECAP_E5, CAP_BDW_PCH, ECAP_BDW_PCH, 0, false, true },
	{ "legacy: 4-level only vs 3-level only (host 'major')", 0x10,
	  CAP_NHM_4L, ECAP_NHM_4L, CAP_NHM_3L, ECAP_NHM_3L, 0, false, false },
	{ "scalable: snoop control (Meteor Lake dmar1) vs none (dmar0)", 0x70,
	  CAP_MTL, ECAP_MTL_PCH, CAP_MTL, ECAP_MTL, 0, false, true },
	{ "scalable: MGAW 57 (VT-d 6.0 Xeon) vs 42 (Meteor Lake)", 0x70,
	  CAP_SPR, ECAP_SPR, CAP_MTL, ECAP_MTL_PCH, 0, false, true },
	{ "scalable: dirty tracking (VT-d 6.0 Xeon, SSADS) vs none (Meteor Lake)", 0x70,
	  CAP_SPR, ECAP_SPR, CAP_MTL, ECAP_MTL_PCH, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, false, true },
	{ "scalable: 2M/1G leaves vs none (synthetic SLLPS=0)", 0x70,
	  CAP_MTL, ECAP_MTL_PCH, CAP_MTL_NOSP, ECAP_MTL_PCH, 0, false, true },
};

/* What the unit of dev holds for it: its context entry, and in scalable mode RID_PASID's entry. */
static void dev_state(int dev, u64 out[12])
{
	u64 *ce = vtd_rig_ctx_of(dev), *pe = NULL;

	memset(out, 0, 12 * sizeof(u64));
	if (ce)
		memcpy(out, ce, 4 * sizeof(u64));
	if (ce && vtd_rig_vd_of(dev)->unit->sm)
		pe = vtd_pasid_entry(ce, 0);
	if (pe)
		memcpy(out + 4, pe, 8 * sizeof(u64));
}

/*
 * A 4K page at 0x1000, a 2M leaf where the domain takes one, and the top
 * page of its aperture: what the domain's tables may hold.
 */
static bool fill(struct iommu_domain *d)
{
	u64 top = d->geometry.aperture_end & ~0xfffULL;

	return !iommu_map(d, 0x1000, 0x5000000, PSZ, RWC) &&
	       (!(d->pgsize_bitmap & SZ_2M) || !iommu_map(d, 0x40000000, 0x80000000, SZ_2M, RWC)) &&
	       !iommu_map(d, top, 0x6000000, PSZ, RWC);
}

/* Each page fill() mapped reached through dev. */
static bool reaches(int dev, struct iommu_domain *d)
{
	u64 top = d->geometry.aperture_end & ~0xfffULL;

	return vtd_rig_lands(dev, -1, 0x1008, true, 0x5000008) &&
	       (!(d->pgsize_bitmap & SZ_2M) || vtd_rig_lands(dev, -1, 0x40123000, true, 0x80123000)) &&
	       vtd_rig_lands(dev, -1, top + 8, false, 0x6000008);
}

/*
 * Offer domain d (filled, attached to its own unit's device) to dev of the
 * other unit: refused with EINVAL and nothing changed there, or taken and
 * every page reached.
 */
static bool offer(struct iommu_domain *d, int dev, bool takes)
{
	u64 before[12], after[12];
	struct vtd_domain *was = vtd_rig_vd_of(dev)->dom;
	int ret;

	dev_state(dev, before);
	ret = iommu_attach_device(d, &vtd_rig->dev[dev]);
	dev_state(dev, after);
	if (!takes)
		return ret == -EINVAL && !memcmp(before, after, sizeof(after)) &&
		       vtd_rig_vd_of(dev)->dom == was;
	if (ret || !reaches(dev, d))
		return false;
	iommu_detach_device(d, &vtd_rig->dev[dev]);
	return true;
}

static struct iommu_domain *domain_for(int dev, u32 flags)
{
	struct iommu_domain *d = flags ? vtd_iommu_ops.domain_alloc_user(&vtd_rig->dev[dev], flags,
									  NULL, NULL) :
					 iommu_domain_alloc_paging(&vtd_rig->dev[dev]);

	return IS_ERR(d) ? NULL : d;
}

/* One case: A's domain offered to B's device, B's to A's. */
static void run_case(const struct mixed_case *c)
{
	const u64 cap[VTD_RIG_UNITS] = { c->cap_a, c->cap_b, c->cap_a, c->cap_a };
	const u64 ecap[VTD_RIG_UNITS] = { c->ecap_a, c->ecap_b, c->ecap_a, c->ecap_a };
	struct iommu_domain *da = NULL, *db = NULL;

	report_prefix_push(c->what);
	if (!vtd_rig_up_mixed(c->ver, cap, ecap, ""))
		goto out;
	da = domain_for(EP40, c->flags);
	db = domain_for(EP80, 0);
	if (!da || !db || !fill(da) || !fill(db) || iommu_attach_device(da, &vtd_rig->dev[EP40]) ||
	    iommu_attach_device(db, &vtd_rig->dev[EP80])) {
		report(false, "a domain on each unit, filled and attached to its own device");
		goto out;
	}
	report(reaches(EP40, da) && reaches(EP80, db), "each unit walks its own domain");
	iommu_detach_device(db, &vtd_rig->dev[EP80]);
	report(offer(da, EP80, c->b_takes_a), "A's domain to B's device: %s",
	       c->b_takes_a ? "taken, every page reached" : "EINVAL, B's entries as they were");
	iommu_detach_device(da, &vtd_rig->dev[EP40]);
	report(offer(db, EP40, c->a_takes_b), "B's domain to A's device: %s",
	       c->a_takes_b ? "taken, every page reached" : "EINVAL, A's entries as they were");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	for (int i = 0; vtd_rig && i < VTD_RIG_NDEV; i++)
		if (vtd_rig->dev[i].domain == da || vtd_rig->dev[i].domain == db)
			iommu_detach_device(vtd_rig->dev[i].domain, &vtd_rig->dev[i]);
	if (da)
		iommu_domain_free(da);
	if (db)
		iommu_domain_free(db);
	vtd_rig_down();
	report_prefix_pop();
}

/*
 * Bug class 38 across units (tables one unit cannot walk): a domain made
 * for one unit goes to a device behind another only where that unit
 * has the large pages, snoop control, address width, depth and dirty bits
 * the domain uses (Linux's paging_domain_compatible), in both modes; the
 * other way, a domain using less is taken.
 */
KTEST(vtd-mixed, test_vtd_mixed_attach_checks_each_unit)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

/*
 * Through the ABI: two devices attached to one IOAS, behind Haswell's PCH
 * unit (snoop control) and its graphics unit (none), legacy mode. The
 * first gets an automatic HWPT whose leaves carry SNP; the graphics unit
 * would fault on them (reserved, 0xc), so the second device gets a HWPT
 * of its own, and the same IOVA reaches the same page through both.
 */
KTEST(vtd-mixed, test_vtd_mixed_ioas_gets_a_hwpt_per_unit_kind)
{
	const u64 cap[VTD_RIG_UNITS] = { CAP_HSW_GFX, CAP_HSW_PCH, CAP_HSW_PCH, CAP_HSW_PCH };
	const u64 ecap[VTD_RIG_UNITS] = { ECAP_HSW_GFX, ECAP_HSW_PCH, ECAP_HSW_PCH, ECAP_HSW_PCH };
	struct iommufd_device *gfx = NULL, *pch = NULL;
	u32 ioas, pt_gfx, pt_pch, id_gfx, id_pch;
	u8 *buf = NULL;
	int fd = -1;

	if (!vtd_rig_up_mixed(0x10, cap, ecap, ""))
		goto out;
	fd = t_open();
	pch = iommufd_device_bind(t_ctx(fd), &vtd_rig->dev[EP80], &id_pch);
	gfx = iommufd_device_bind(t_ctx(fd), &vtd_rig->dev[EP40], &id_gfx);
	if (IS_ERR(pch) || IS_ERR(gfx)) {
		report(false, "both devices bound");
		pch = IS_ERR(pch) ? NULL : pch;
		gfx = IS_ERR(gfx) ? NULL : gfx;
		goto out;
	}
	ioas = t_ioas(fd);
	buf = t_buf(4 * PSZ);
	pt_pch = pt_gfx = ioas;
	report(t_map_fixed(fd, ioas, buf, 4 * PSZ, 0x100000) == 0 &&
	       iommufd_device_attach(pch, &pt_pch) == 0 && iommufd_device_attach(gfx, &pt_gfx) == 0,
	       "the PCH unit's device, then the graphics unit's, attached to one IOAS");
	report(pt_pch != ioas && pt_gfx != ioas && pt_pch != pt_gfx,
	       "two automatic HWPTs (%u, %u): the first one's SNP leaves do not suit the "
	       "graphics unit", pt_pch, pt_gfx);
	report(vtd_rig_lands(EP80, -1, 0x102010, true, host_user_pa(U(buf) + 2 * PSZ + 0x10)) &&
	       vtd_rig_lands(EP40, -1, 0x102010, true, host_user_pa(U(buf) + 2 * PSZ + 0x10)),
	       "the same IOVA reaches the same page through both units");
	iommufd_device_detach(gfx);
	iommufd_device_detach(pch);
	t_unmap(fd, ioas, 0x100000, 4 * PSZ, NULL);
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (gfx)
		iommufd_device_unbind(gfx);
	if (pch)
		iommufd_device_unbind(pch);
	if (fd >= 0)
		t_close(fd);
	vtd_rig_down();
	if (buf)
		t_buf_free(buf, 4 * PSZ);
}
