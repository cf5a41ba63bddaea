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
#include "lib/errno.h"
#include "lib/failpoint.h"
#include <linux/iommufd.h>
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

/* What read_and_clear_dirty reported, as IOVA runs. */
struct dirty_log {
	struct iommu_dirty_bitmap dirty;
	u64 iova[8], len[8];
	int n;
};

static void log_dirty(struct iommu_dirty_bitmap *dirty, unsigned long iova, unsigned long len)
{
	struct dirty_log *l = container_of(dirty, struct dirty_log, dirty);

	if (l->n < 8) {
		l->iova[l->n] = iova;
		l->len[l->n] = len;
	}
	l->n++;
}

/*
 * Dirty tracking against the software unit (QEMU 7.2 sets no D bits): only
 * a unit with HDSup offers it; tracking puts HAD in the DTE, a DMA write
 * through the model marks the leaf dirty, reading reports and clears it and
 * invalidates the domain, NO_CLEAR keeps it.
 */
KTEST(amdvi-units, test_amdvi_units_dirty_tracking_model)
{
	const struct iommu_ops *ops = &amdvi_ops;
	struct dirty_log log = { .dirty.record = log_dirty };
	struct iommu_domain *dom = NULL;
	struct amdvi_unit *u;
	phys_addr_t pa;
	u64 efr;
	int m;

	if (!amdvi_rig_up())
		goto out;
	u = amdvi_rig->u[amdvi_rig_devs[GPU].unit];
	efr = u->efr;
	u->efr &= ~BIT_ULL(52);		/* HDSup */
	report(!ops->capable(&amdvi_rig->dev[GPU], IOMMU_CAP_DIRTY_TRACKING) &&
	       PTR_ERR(ops->domain_alloc_user(&amdvi_rig->dev[GPU], IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
					      NULL, NULL)) == -EOPNOTSUPP,
	       "a unit without HDSup: no dirty tracking, the HWPT flag -> EOPNOTSUPP");
	u->efr |= BIT_ULL(52);
	report(ops->capable(&amdvi_rig->dev[GPU], IOMMU_CAP_DIRTY_TRACKING) &&
	       PTR_ERR(ops->domain_alloc_user(&amdvi_rig->dev[GPU], IOMMU_HWPT_ALLOC_NEST_PARENT,
					      NULL, NULL)) == -EOPNOTSUPP,
	       "with HDSup it is offered; nesting is not");
	dom = ops->domain_alloc_user(&amdvi_rig->dev[GPU], IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL, NULL);
	if (IS_ERR(dom)) {
		report(false, "a dirty-tracking domain: %ld", PTR_ERR(dom));
		dom = NULL;
		goto out;
	}
	report(iommu_attach_device(dom, &amdvi_rig->dev[GPU]) == 0 &&
	       iommu_map(dom, 0x200000, 0x7000000, 0x4000, RW) == 0 &&
	       iommu_map(dom, 0x204000, 0x9000000, 0x1000, RW) == 0 &&
	       iommu_map(dom, 0x400000, 0x8000000, 0x200000, RW) == 0,
	       "attached; 16 KiB, 4 KiB and 2 MiB mapped");
	report(model_dma(u, amdvi_rig_devs[GPU].bdf, 0x201000, true, &pa) == 0 && pa == 0x7001000 &&
	       !(amdvi_dte_ptr(u, amdvi_rig_devs[GPU].bdf)[0] & AMDVI_DTE0_HAD),
	       "a write translates; tracking is off, so the DTE has no HAD");
	log.n = 0;
	report(dom->dirty_ops->read_and_clear_dirty(dom, 0x200000, 0x400000, 0, &log.dirty) ==
	       -EINVAL, "reading while not tracking -> EINVAL");
	m = amdvi_rig_mark(amdvi_rig_devs[GPU].unit);
	report(dom->dirty_ops->set_dirty_tracking(dom, true) == 0 &&
	       FIELD_GET(AMDVI_DTE0_HAD, amdvi_dte_ptr(u, amdvi_rig_devs[GPU].bdf)[0]) == 3 &&
	       amdvi_rig_ran(amdvi_rig_devs[GPU].unit, m, AMDVI_CMD_INV_DEVTAB_ENTRY, amdvi_rig_devs[GPU].bdf) == 1,
	       "tracking on: DTE.HAD = 11b, the DTE flushed");
	model_dma(u, amdvi_rig_devs[GPU].bdf, 0x202010, true, &pa);
	model_dma(u, amdvi_rig_devs[GPU].bdf, 0x204000, false, &pa);
	model_dma(u, amdvi_rig_devs[GPU].bdf, 0x4abc00, true, &pa);
	log.n = 0;
	report(dom->dirty_ops->read_and_clear_dirty(dom, 0x200000, 0x400000,
						    IOMMU_DIRTY_NO_CLEAR, &log.dirty) == 0 &&
	       log.n == 2 && log.iova[0] == 0x200000 && log.len[0] == 0x4000 &&
	       log.iova[1] == 0x400000 && log.len[1] == 0x200000,
	       "dirty: the 16 KiB page (a next-level-7 run, D in its third entry) and the "
	       "2 MiB page");
	report(amdvi_pgtable_leaf(&to_amdvi_domain(dom)->pt, 0x203000, NULL) == 0x4000,
	       "(the 16 KiB really is one next-level-7 page)");
	m = amdvi_rig_mark(amdvi_rig_devs[GPU].unit);
	log.n = 0;
	report(dom->dirty_ops->read_and_clear_dirty(dom, 0x200000, 0x400000, 0, &log.dirty) == 0 &&
	       log.n == 2 && amdvi_rig_ran(amdvi_rig_devs[GPU].unit, m, AMDVI_CMD_INV_IOMMU_PAGES,
				  to_amdvi_domain(dom)->id) == 1,
	       "NO_CLEAR kept them; a clearing read reports them and flushes the IOTLB");
	log.n = 0;
	report(dom->dirty_ops->read_and_clear_dirty(dom, 0x200000, 0x400000, 0, &log.dirty) == 0 &&
	       log.n == 0, "then nothing is dirty");
	report(dom->dirty_ops->set_dirty_tracking(dom, false) == 0 &&
	       !(amdvi_dte_ptr(u, amdvi_rig_devs[GPU].bdf)[0] & AMDVI_DTE0_HAD),
	       "tracking off: HAD cleared in the DTE");
	model_dma(u, amdvi_rig_devs[GPU].bdf, 0x201000, true, &pa);
	report(dom->dirty_ops->read_and_clear_dirty(dom, 0x200000, 0x400000, 0, &log.dirty) ==
	       -EINVAL || log.n == 0, "no D bits are set while it is off");
	iommu_unmap(dom, 0x200000, 0x5000);
	iommu_unmap(dom, 0x400000, 0x200000);
	iommu_detach_device(dom, &amdvi_rig->dev[GPU]);
	u->efr = efr;
	report(model_of(u)->illegal == 0, "no illegal command");
out:
	if (dom)
		iommu_domain_free(dom);
	amdvi_rig_down();
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
		spin_lock_init(&u->quarantine_lock);
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

/* fixtures/regs/amdvi-efr.tsv: an EPYC SEV-SNP host's EFR, with HDSup (the Threadripper's has none) */
#define EFR_EPYC_SNP 0xa5bf7320a2294aeeULL

/* Give unit i the registers of another real IOMMU. */
static void unit_efr(int i, u64 efr)
{
	struct amdvi_unit *u = amdvi_rig->u[i];

	u->efr = efr;
	u->max_levels = amdvi_efr_max_levels(efr);
	u->ia = amdvi_efr_ia(efr);
}

/* The domain an AMD-Vi dirty-tracking sweep works on, and its two devices' DTEs. */
struct amdvi_sweep {
	struct amdvi_domain *d;
	bool enable;
	u64 before[2][4];
};

static void dte_snapshot(u64 (*out)[4])
{
	static const int devs[] = { GPU, NVME };

	for (int i = 0; i < 2; i++)
		memcpy(out[i], amdvi_dte_ptr(amdvi_rig_dev(devs[i])->unit,
					     amdvi_rig_devs[devs[i]].bdf), sizeof(out[i]));
}

static long amdvi_dirty_set(void *ctx)
{
	struct amdvi_sweep *w = ctx;

	return w->d->domain.dirty_ops->set_dirty_tracking(&w->d->domain, w->enable);
}

static bool amdvi_dirty_intact(void *ctx, long ret)
{
	struct amdvi_sweep *w = ctx;
	u64 after[2][4];

	dte_snapshot(after);
	return ret && w->d->dirty_tracking != w->enable && !memcmp(w->before, after, sizeof(after));
}

/* set_dirty_tracking swept over its fail-point sites: failed runs that changed anything. */
static int amdvi_dirty_sweep(struct amdvi_domain *d, bool enable, int *fired, int *last)
{
	struct amdvi_sweep w = { .d = d, .enable = enable };
	long ret;
	int bad;

	dte_snapshot(w.before);
	bad = host_failpoint_sweep(amdvi_dirty_set, amdvi_dirty_intact, &w, fired, &ret);
	*last = (int)ret;
	return bad;
}

/*
 * The same on AMD-Vi (nothing half-programmed, as class 24):
 * set_dirty_tracking on a domain with devices
 * behind two units (EPYC registers: HDSup), each command and wait failing
 * in turn: every DTE and the domain's flag as before, the error returned;
 * both ways.
 */
KTEST(amdvi-units, test_amdvi_units_dirty_tracking_flush_failure_rolls_back)
{
	struct iommu_domain *dom = NULL;
	struct amdvi_domain *d;
	int fired, bad, last;

	if (!amdvi_rig_up())
		goto out;
	unit_efr(amdvi_rig_devs[GPU].unit, EFR_EPYC_SNP);
	unit_efr(amdvi_rig_devs[NVME].unit, EFR_EPYC_SNP);
	dom = amdvi_ops.domain_alloc_user(&amdvi_rig->dev[GPU], IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
					  NULL, NULL);
	if (IS_ERR(dom)) {
		report(false, "a dirty-tracking domain: %ld", PTR_ERR(dom));
		dom = NULL;
		goto out;
	}
	d = to_amdvi_domain(dom);
	report(iommu_attach_device(dom, &amdvi_rig->dev[GPU]) == 0 &&
	       iommu_attach_device(dom, &amdvi_rig->dev[NVME]) == 0,
	       "attached to devices behind IOMMUs 0 and 1");
	bad = amdvi_dirty_sweep(d, true, &fired, &last);
	report(fired >= 6 && bad == 0, "turning tracking on failed at each of its %d sites "
	       "(at least 6): both "
	       "DTEs and the flag as before, the error returned", fired);
	report(last == 0 && (amdvi_dte_ptr(amdvi_rig->u[0], amdvi_rig_devs[GPU].bdf)[0] &
			     AMDVI_DTE0_HAD) &&
	       (amdvi_dte_ptr(amdvi_rig->u[1], amdvi_rig_devs[NVME].bdf)[0] & AMDVI_DTE0_HAD),
	       "then it succeeds: HAD in both DTEs");
	bad = amdvi_dirty_sweep(d, false, &fired, &last);
	report(fired >= 6 && bad == 0 && last == 0, "turning it off failed at each of its %d "
	       "sites (at least 6) "
	       "with nothing changed, then succeeds", fired);
	iommu_detach_device(dom, &amdvi_rig->dev[GPU]);
	iommu_detach_device(dom, &amdvi_rig->dev[NVME]);
	report(model_of(amdvi_rig->u[0])->illegal == 0 && model_of(amdvi_rig->u[1])->illegal == 0,
	       "no illegal command");
out:
	if (dom)
		iommu_domain_free(dom);
	amdvi_rig_down();
}

/*
 * A domain attached through several IOMMUs must suit each one (Linux 6.12's
 * amd_iommu_attach_device): a dirty-tracking domain made on a unit with
 * HDSup (EPYC registers) is refused (EINVAL) by a device behind one
 * without (the Threadripper's own); a plain domain of the first unit
 * attaches there; a table deeper than the unit walks is refused too.
 */
KTEST(amdvi-units, test_amdvi_units_attach_checks_each_unit)
{
	struct iommu_domain *dirty = NULL, *plain = NULL;
	struct amdvi_domain *was;
	struct amdvi_unit *nic;
	u64 dte[4];

	if (!amdvi_rig_up())
		goto out;
	nic = amdvi_rig->u[amdvi_rig_devs[NIC].unit];
	unit_efr(amdvi_rig_devs[GPU].unit, EFR_EPYC_SNP);
	dirty = amdvi_ops.domain_alloc_user(&amdvi_rig->dev[GPU], IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
					    NULL, NULL);
	plain = amdvi_ops.domain_alloc_paging(&amdvi_rig->dev[GPU]);
	if (IS_ERR(dirty) || IS_ERR(plain)) {
		report(false, "two domains on IOMMU 0");
		dirty = IS_ERR(dirty) ? NULL : dirty;
		plain = IS_ERR(plain) ? NULL : plain;
		goto out;
	}
	memcpy(dte, amdvi_dte_ptr(nic, amdvi_rig_devs[NIC].bdf), sizeof(dte));
	was = amdvi_rig_dev(NIC)->domain;
	report(iommu_attach_device(dirty, &amdvi_rig->dev[NIC]) == -EINVAL &&
	       !memcmp(dte, amdvi_dte_ptr(nic, amdvi_rig_devs[NIC].bdf), sizeof(dte)) &&
	       amdvi_rig_dev(NIC)->domain == was,
	       "dirty-tracking domain to a device behind a unit without HDSup: EINVAL, DTE as it was");
	report(iommu_attach_device(dirty, &amdvi_rig->dev[GPU]) == 0,
	       "... while its own unit takes it");
	report(iommu_attach_device(plain, &amdvi_rig->dev[NIC]) == 0,
	       "a plain domain of the same unit attaches there");
	iommu_detach_device(plain, &amdvi_rig->dev[NIC]);
	iommu_detach_device(dirty, &amdvi_rig->dev[GPU]);
	nic->max_levels = to_amdvi_domain(plain)->pt.levels - 1;
	report(iommu_attach_device(plain, &amdvi_rig->dev[NIC]) == -EINVAL,
	       "a unit walking fewer levels than the table has: EINVAL");
	nic->max_levels = amdvi_efr_max_levels(nic->efr);
out:
	if (dirty)
		iommu_domain_free(dirty);
	if (plain)
		iommu_domain_free(plain);
	amdvi_rig_down();
}

/* Pages "another CPU" quarantines while a release is flushing (see below). */
static LIST_HEAD(late_pages);
static void (*model_write)(struct amdvi_unit *u, u32 off, u64 v);

/* The model's MMIO write, then the late pages join the unit's quarantine. */
static void quarantine_during_flush(struct amdvi_unit *u, u32 off, u64 v)
{
	unsigned long flags;

	model_write(u, off, v);
	spin_lock_irqsave(&u->quarantine_lock, flags);
	list_splice_tail_init(&late_pages, &u->quarantine);
	spin_unlock_irqrestore(&u->quarantine_lock, flags);
}

/*
 * A domain on u, attached to the GPU, whose unmap of a 4K page failed to
 * flush: its 3 table pages wait in u's quarantine. *total: table pages
 * before the map.
 */
static struct amdvi_domain *domain_with_3_quarantined(struct amdvi_unit *u, long *total)
{
	struct amdvi_domain *d = amdvi_domain_alloc(u, 0);
	u64 kept = u->stats.kept_after_timeout;

	if (IS_ERR(d)) {
		report(false, "a domain on unit %d: %ld", amdvi_rig_devs[GPU].unit, PTR_ERR(d));
		return NULL;
	}
	report(iommu_attach_device(&d->domain, &amdvi_rig->dev[GPU]) == 0, "attached");
	*total = amdvi_table_pages();
	report(iommu_map(&d->domain, 0x100000, 0x7000000, 4096, RW) == 0, "a 4K page mapped");
	amdvi_ctrl_update(u, 0, AMDVI_CTRL_CMDBUF_EN);	/* the unit stops fetching */
	report(iommu_unmap(&d->domain, 0x100000, 4096) == 4096, "unmapped");
	amdvi_ctrl_update(u, AMDVI_CTRL_CMDBUF_EN, 0);
	report(u->stats.kept_after_timeout == kept + 3 && amdvi_table_pages() == *total + 3,
	       "its flush failed: 3 table pages quarantined (%llu), none freed",
	       (unsigned long long)(u->stats.kept_after_timeout - kept));
	return d;
}

/*
 * A release frees only the table pages its own flush covered (modelled:
 * the model's MMIO write hook, which runs inside the release's flush,
 * plays another CPU whose flush just failed). Before quarantine_lock a
 * release walked the unit's list after its flush and freed pages that
 * came during it, and two releases could walk and free the same list.
 */
KTEST(amdvi-units, test_amdvi_units_release_frees_only_what_its_flush_covered)
{
	struct amdvi_domain *d = NULL;
	struct amdvi_unit *u;
	unsigned long flags;
	long total;

	if (!amdvi_rig_up())
		goto out;
	u = amdvi_rig->u[amdvi_rig_devs[GPU].unit];
	d = domain_with_3_quarantined(u, &total);
	if (!d)
		goto out;
	/* one stays in the quarantine; two "come later", during the release's flush */
	spin_lock_irqsave(&u->quarantine_lock, flags);
	list_splice_tail_init(&u->quarantine, &late_pages);
	list_move(late_pages.next, &u->quarantine);
	spin_unlock_irqrestore(&u->quarantine_lock, flags);
	model_write = u->mmio_write_hook;
	u->mmio_write_hook = quarantine_during_flush;
	report(amdvi_quarantine_release(u) == 0, "a release whose flush completes");
	u->mmio_write_hook = model_write;
	report(amdvi_table_pages() == total + 2 && list_count(&u->quarantine) == 2,
	       "it freed the one page it held before its flush (%ld of 3 left), the 2 that came "
	       "during it wait (%zu)", amdvi_table_pages() - total, list_count(&u->quarantine));
	report(amdvi_quarantine_release(u) == 0 && amdvi_table_pages() == total &&
	       list_empty(&u->quarantine), "the next release frees them");
	iommu_detach_device(&d->domain, &amdvi_rig->dev[GPU]);
out:
	if (d)
		iommu_domain_free(&d->domain);
	amdvi_rig_down();
}

/*
 * A release whose flush fails frees nothing and leaves the pages and
 * zombies it took on the unit, so a later release still frees them.
 */
KTEST(amdvi-units, test_amdvi_units_failed_release_puts_back_what_it_took)
{
	struct amdvi_domain *d = NULL;
	struct amdvi_unit *u;
	long base, total, ids;

	if (!amdvi_rig_up())
		goto out;
	u = amdvi_rig->u[amdvi_rig_devs[GPU].unit];
	base = amdvi_table_pages();
	ids = amdvi_domids_used();
	d = domain_with_3_quarantined(u, &total);
	if (!d)
		goto out;
	iommu_detach_device(&d->domain, &amdvi_rig->dev[GPU]);
	amdvi_ctrl_update(u, 0, AMDVI_CTRL_CMDBUF_EN);
	iommu_domain_free(&d->domain);
	d = NULL;	/* a zombie now: the release owns it */
	report(list_count(&u->quarantine) == 3 && list_count(&u->zombies) == 1,
	       "3 pages quarantined (%zu), the domain a zombie (%zu)",
	       list_count(&u->quarantine), list_count(&u->zombies));
	report(amdvi_quarantine_release(u) != 0, "a release whose flush fails");
	amdvi_ctrl_update(u, AMDVI_CTRL_CMDBUF_EN, 0);
	report(list_count(&u->quarantine) == 3 && list_count(&u->zombies) == 1 &&
	       amdvi_domids_used() == ids + 1,
	       "it put back the 3 pages (%zu) and the zombie (%zu)",
	       list_count(&u->quarantine), list_count(&u->zombies));
	report(amdvi_quarantine_release(u) == 0 && list_empty(&u->quarantine) &&
	       list_empty(&u->zombies) && amdvi_table_pages() == base &&
	       amdvi_domids_used() == ids, "the next release frees them (%ld pages left)",
	       amdvi_table_pages() - base);
out:
	if (d)
		iommu_domain_free(&d->domain);
	amdvi_rig_down();
}

/* A domain of u0 (the GPU's unit) on the GPU and the NVMe, two IOMMUs; NULL on failure. */
static struct amdvi_domain *domain_on_two_units(struct amdvi_unit *u0)
{
	struct amdvi_domain *d = amdvi_domain_alloc(u0, 0);

	if (IS_ERR(d)) {
		report(false, "a domain: %ld", PTR_ERR(d));
		return NULL;
	}
	report(iommu_attach_device(&d->domain, &amdvi_rig->dev[GPU]) == 0 &&
	       iommu_attach_device(&d->domain, &amdvi_rig->dev[NVME]) == 0,
	       "attached behind IOMMUs %d and %d", amdvi_rig_devs[GPU].unit,
	       amdvi_rig_devs[NVME].unit);
	return d;
}

/*
 * A domain on two IOMMUs whose flush failed on the second: its table
 * pages wait in the first unit's quarantine (the domain's own) until both
 * units have flushed everything; a release that flushed only its own unit
 * freed pages IOMMU 1 might still walk.
 */
KTEST(amdvi-units, test_amdvi_units_release_flushes_every_unit_the_domain_was_on)
{
	struct amdvi_domain *d = NULL;
	struct amdvi_unit *u0, *u1;
	long total;
	u64 kept;
	int ret;

	if (!amdvi_rig_up())
		goto out;
	u0 = amdvi_rig->u[amdvi_rig_devs[GPU].unit];
	u1 = amdvi_rig->u[amdvi_rig_devs[NVME].unit];
	d = domain_on_two_units(u0);
	if (!d)
		goto out;
	total = amdvi_table_pages();
	report(iommu_map(&d->domain, 0x100000, 0x7000000, 4096, RW) == 0, "a 4K page mapped");
	kept = u0->stats.kept_after_timeout;
	amdvi_ctrl_update(u1, 0, AMDVI_CTRL_CMDBUF_EN);	/* only IOMMU 1 stops fetching */
	report(iommu_unmap(&d->domain, 0x100000, 4096) == 4096, "unmapped");
	report(u0->stats.kept_after_timeout == kept + 3 && amdvi_table_pages() == total + 3,
	       "IOMMU 1's flush failed: 3 table pages quarantined on the domain's unit");
	ret = amdvi_quarantine_release(u0);
	report(ret != 0 && amdvi_table_pages() == total + 3 && list_count(&u0->quarantine) == 3,
	       "while IOMMU 1 cannot flush, a release keeps them (%d, %ld of 3 left)", ret,
	       amdvi_table_pages() - total);
	amdvi_ctrl_update(u1, AMDVI_CTRL_CMDBUF_EN, 0);
	report(amdvi_quarantine_release(u0) == 0 && amdvi_table_pages() == total &&
	       list_empty(&u0->quarantine), "once it can, the release frees them");
	iommu_detach_device(&d->domain, &amdvi_rig->dev[GPU]);
	iommu_detach_device(&d->domain, &amdvi_rig->dev[NVME]);
out:
	if (d)
		iommu_domain_free(&d->domain);
	amdvi_rig_down();
}

/*
 * A domain freed while the first of its two IOMMUs cannot flush becomes a
 * zombie there, and the second was never flushed for its ID: the release
 * must flush that one too before the ID can go to a new domain.
 */
KTEST(amdvi-units, test_amdvi_units_zombie_waits_for_every_unit_it_was_on)
{
	struct amdvi_domain *d;
	struct amdvi_unit *u0, *u1;
	long ids;
	int ret;

	if (!amdvi_rig_up())
		goto out;
	u0 = amdvi_rig->u[amdvi_rig_devs[GPU].unit];
	u1 = amdvi_rig->u[amdvi_rig_devs[NVME].unit];
	ids = amdvi_domids_used();
	d = domain_on_two_units(u0);
	if (!d)
		goto out;
	iommu_detach_device(&d->domain, &amdvi_rig->dev[GPU]);
	iommu_detach_device(&d->domain, &amdvi_rig->dev[NVME]);
	amdvi_ctrl_update(u0, 0, AMDVI_CTRL_CMDBUF_EN);	/* IOMMU 0 stops fetching */
	iommu_domain_free(&d->domain);	/* a zombie now: the release owns it */
	amdvi_ctrl_update(u0, AMDVI_CTRL_CMDBUF_EN, 0);
	report(list_count(&u0->zombies) == 1 && amdvi_domids_used() == ids + 1,
	       "its flush failed on IOMMU 0: a zombie there (%zu), its ID kept",
	       list_count(&u0->zombies));
	amdvi_ctrl_update(u1, 0, AMDVI_CTRL_CMDBUF_EN);	/* now IOMMU 1 cannot flush */
	ret = amdvi_quarantine_release(u0);
	amdvi_ctrl_update(u1, AMDVI_CTRL_CMDBUF_EN, 0);
	report(ret != 0 && list_count(&u0->zombies) == 1 && amdvi_domids_used() == ids + 1,
	       "while IOMMU 1 cannot flush, a release keeps the zombie and its ID (%d)", ret);
	report(amdvi_quarantine_release(u0) == 0 && list_empty(&u0->zombies) &&
	       amdvi_domids_used() == ids, "once it can, the release frees them");
out:
	amdvi_rig_down();
}
