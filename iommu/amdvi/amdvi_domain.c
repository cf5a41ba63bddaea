// SPDX-License-Identifier: MIT
/*
 * AMD-Vi behind iommu/iommu.h: domain IDs, paging/blocked/identity domains,
 * device probe (IVRS aliases, ATS), attach through DTEs, map/unmap with the
 * flush before any table page is freed, IVMD unity ranges, reserved regions.
 */
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/pci.h"
#include "iommu/amdvi/amdvi.h"
#include "iommu/amdvi/amdvi_caps.h"
#include <linux/iommufd.h>
#include "iommu/ivrs.h"
#include "lib/alloc.h"
#include "lib/bitmap.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define MSI_START	0xfee00000ULL
#define MSI_LEN		0x100000ULL
#define HT_START	0xfd00000000ULL	/* HyperTransport reserved: up to 1T */
#define HT_LEN		0x300000000ULL
#define PCI_ATS_CAP	0x04
#define PCI_ATS_CTRL	0x06
#define PCI_ATS_ENABLE	BIT(15)

static DECLARE_BITMAP(domids, AMDVI_DEVTAB_ENTRIES);
static DEFINE_SPINLOCK(domid_lock);
static long domids_used;

long amdvi_domids_used(void)
{
	return domids_used;
}

/* A free domain ID (0 stays unused), 0 when none is left. */
static u16 domid_alloc(void)
{
	unsigned long flags;
	u32 id = 1;

	spin_lock_irqsave(&domid_lock, flags);
	id = (u32)bitmap_find_next_zero(domids, AMDVI_DEVTAB_ENTRIES, 1);
	if (id < AMDVI_DEVTAB_ENTRIES) {
		bitmap_set_bit(domids, id);
		domids_used++;
	} else {
		id = 0;
	}
	spin_unlock_irqrestore(&domid_lock, flags);
	return (u16)id;
}

static void domid_free(u16 id)
{
	unsigned long flags;

	spin_lock_irqsave(&domid_lock, flags);
	bitmap_clear_bit(domids, id);
	domids_used--;
	spin_unlock_irqrestore(&domid_lock, flags);
}

static const struct iommu_domain_ops amdvi_paging_ops;

static struct amdvi_unit *dom_unit(struct amdvi_domain *d)
{
	return d->domain.iommu ? container_of(d->domain.iommu, struct amdvi_unit, iommu) : NULL;
}

struct amdvi_domain *amdvi_domain_alloc(struct amdvi_unit *u, unsigned int va_bits)
{
	struct amdvi_domain *d = failable(kzalloc(sizeof(*d)));
	int levels;
	u64 last;

	if (!d)
		return ERR_PTR(-ENOMEM);
	if (!va_bits || va_bits > u->va_bits)
		va_bits = u->va_bits;
	levels = amdvi_levels_for_width(va_bits, u->max_levels);
	last = amdvi_level_size(levels + 1) ? amdvi_level_size(levels + 1) - 1 : ~0ULL;
	if (va_bits < 64)
		last = min(last, (1ULL << va_bits) - 1);
	d->id = domid_alloc();
	if (!d->id || amdvi_pgtable_init(&d->pt, levels, last)) {
		if (d->id)
			domid_free(d->id);
		kfree(d);
		return ERR_PTR(-ENOMEM);
	}
	spin_lock_init(&d->lock);
	INIT_LIST_HEAD(&d->devs);
	d->domain.type = IOMMU_DOMAIN_PAGING;
	d->domain.ops = &amdvi_paging_ops;
	d->domain.owner = &amdvi_ops;
	/* next-level-7 sizes too, unless amdvi_allsizes=0 */
	d->domain.pgsize_bitmap = amdvi_pgsize_bitmap(levels,
				  cmdline_get_u64("amdvi_allsizes", 1));
	d->domain.geometry.aperture_start = 0;
	d->domain.geometry.aperture_end = last;
	d->domain.geometry.force_aperture = true;
	d->domain.iommu = &u->iommu;
	return d;
}

static struct iommu_domain *amdvi_domain_alloc_paging(struct iommu_dev *dev)
{
	struct amdvi_dev *ad = dev->iommu_priv;
	struct amdvi_domain *d;

	if (!ad)
		return ERR_PTR(-ENODEV);
	d = amdvi_domain_alloc(ad->unit, 0);
	return IS_ERR(d) ? (struct iommu_domain *)d : &d->domain;
}

/* ---- flushing ---- */

/* Flush [start, last] of d on every unit with a device attached, and device TLBs. */
static int domain_flush(struct amdvi_domain *d, u64 start, u64 last, bool pde)
{
	struct amdvi_dev *ad;
	int ret = 0, r;

	for (int i = 0; i < amdvi_nunits; i++) {
		struct amdvi_unit *u = amdvi_units[i];
		u64 cmd[2];

		if (!d->attached[i])
			continue;
		amdvi_cmd_inv_pages(cmd, d->id, start, last, pde);
		r = amdvi_cmd_queue(u, cmd);
		list_for_each_entry(ad, &d->devs, domain_node) {
			if (r || ad->unit != u || !ad->ats)
				continue;
			amdvi_cmd_inv_iotlb(cmd, ad->devid, ad->ats_qdep, start, last);
			r = amdvi_cmd_queue(u, cmd);
		}
		if (!r)
			r = amdvi_cmd_sync(u);
		if (r && !ret)
			ret = r;
	}
	return ret;
}

/* A flush that did not complete is a hardware failure the running test must see. */
static void report_flush_failure(struct amdvi_domain *d, int err)
{
	struct iommu_fault_record f = {
		.kind = IOMMU_FAULT_KIND_OTHER, .reason_str = "AMD-Vi flush did not complete",
		.iommu = d->domain.iommu, .reason = (u32)-err,
	};

	printk("# amdvi: domain %u: flush failed (%d); keeping its freed table pages\n",
	       d->id, err);
	iommu_fault_report(&f);
}

static void amdvi_iotlb_sync(struct iommu_domain *dom, struct iommu_iotlb_gather *g)
{
	struct amdvi_domain *d = to_amdvi_domain(dom);
	bool pde = !list_empty(&g->freelist);
	struct amdvi_unit *u = dom_unit(d);
	struct amdvi_freed_page *fp, *n;
	unsigned long flags;
	int ret = 0;

	if (g->start > g->end && !pde)
		return;
	spin_lock_irqsave(&d->lock, flags);
	ret = domain_flush(d, g->start <= g->end ? g->start : 0,
			   g->start <= g->end ? g->end : ~0ULL, pde);
	spin_unlock_irqrestore(&d->lock, flags);
	if (ret) {
		/* never free what the IOMMU may still walk: quarantine the pages */
		report_flush_failure(d, ret);
		if (!u)
			return;
		spin_lock_irqsave(&u->quarantine_lock, flags);
		list_for_each_entry_safe(fp, n, &g->freelist, node) {
			u->stats.kept_after_timeout++;
			list_del(&fp->node);
			list_add_tail(&fp->node, &u->quarantine);
		}
		u->quarantine_units |= d->ever_attached;
		spin_unlock_irqrestore(&u->quarantine_lock, flags);
		return;
	}
	/* unlocked look: the release looks again under quarantine_lock */
	if (u && (!list_empty(&u->quarantine) || !list_empty(&u->zombies)))
		amdvi_quarantine_release(u);
	list_for_each_entry(fp, &g->freelist, node) {
		if (!u)
			continue;
		__atomic_fetch_add(&u->stats.freed_after_flush, 1, __ATOMIC_RELAXED);
		amdvi_trace(u, AMDVI_TR_FREE, 0, d->id);
	}
	amdvi_pgtable_free_list(&g->freelist);
}

static void domain_destroy(struct amdvi_domain *d)
{
	amdvi_pgtable_destroy(&d->pt);
	domid_free(d->id);
	kfree(d);
}

/*
 * Take the unit's quarantine and zombies (into pages, zombies) or, put
 * back, return them, under quarantine_lock: a release on another CPU then
 * never walks or frees what this one holds.
 */
static void quarantine_move(struct amdvi_unit *u, struct list_head *pages,
			    struct list_head *zombies, u32 *units, bool take)
{
	unsigned long flags;

	spin_lock_irqsave(&u->quarantine_lock, flags);
	if (take) {
		list_splice_tail_init(&u->quarantine, pages);
		list_splice_tail_init(&u->zombies, zombies);
		*units = u->quarantine_units;
		u->quarantine_units = 0;
	} else {
		list_splice_tail_init(pages, &u->quarantine);
		list_splice_tail_init(zombies, &u->zombies);
		u->quarantine_units |= *units;
	}
	spin_unlock_irqrestore(&u->quarantine_lock, flags);
}

/* Flush everything on u and on each unit in units; the first error. */
static int flush_units(struct amdvi_unit *u, u32 units)
{
	int ret = amdvi_flush_all(u);

	for (int i = 0; i < amdvi_nunits && !ret; i++)
		if ((units & BIT(i)) && amdvi_units[i] != u)
			ret = amdvi_flush_all(amdvi_units[i]);
	return ret;
}

int amdvi_quarantine_release(struct amdvi_unit *u)
{
	struct amdvi_domain *d, *n;
	LIST_HEAD(pages);
	LIST_HEAD(zombies);
	u32 units;
	int ret;

	quarantine_move(u, &pages, &zombies, &units, true);
	if (list_empty(&pages) && list_empty(&zombies))
		return 0;
	ret = flush_units(u, units);
	if (ret) {
		quarantine_move(u, &pages, &zombies, &units, false);
		return ret;
	}
	amdvi_pgtable_free_list(&pages);
	list_for_each_entry_safe(d, n, &zombies, zombie_node) {
		list_del(&d->zombie_node);
		domain_destroy(d);
	}
	return 0;
}

static void amdvi_flush_iotlb_all(struct iommu_domain *dom)
{
	struct amdvi_domain *d = to_amdvi_domain(dom);
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&d->lock, flags);
	ret = domain_flush(d, 0, ~0ULL, true);
	spin_unlock_irqrestore(&d->lock, flags);
	if (ret)
		report_flush_failure(d, ret);
}

/* Units that cache not-present entries need a flush after a map too. */
static int amdvi_iotlb_sync_map(struct iommu_domain *dom, unsigned long iova, size_t size)
{
	struct amdvi_domain *d = to_amdvi_domain(dom);
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&d->lock, flags);
	for (int i = 0; i < amdvi_nunits && !ret; i++) {
		u64 cmd[2];

		if (!d->attached[i] || !amdvi_units[i]->np_cache)
			continue;
		amdvi_cmd_inv_pages(cmd, d->id, iova, iova + size - 1, false);
		ret = amdvi_cmd_run(amdvi_units[i], cmd);
	}
	spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}

/* ---- map, unmap, walk ---- */

static int amdvi_map_pages(struct iommu_domain *dom, unsigned long iova, phys_addr_t paddr,
			   size_t pgsize, size_t pgcount, int prot, size_t *mapped)
{
	struct amdvi_domain *d = to_amdvi_domain(dom);
	unsigned long flags;
	u64 done = 0;
	int ret;

	spin_lock_irqsave(&d->lock, flags);
	ret = amdvi_pgtable_map(&d->pt, iova, paddr, pgsize, pgcount, prot, &done);
	spin_unlock_irqrestore(&d->lock, flags);
	*mapped = done;
	return ret;
}

static size_t amdvi_unmap_pages(struct iommu_domain *dom, unsigned long iova, size_t pgsize,
				size_t pgcount, struct iommu_iotlb_gather *g)
{
	struct amdvi_domain *d = to_amdvi_domain(dom);
	unsigned long flags;
	u64 n, leaf, start = iova;

	spin_lock_irqsave(&d->lock, flags);
	leaf = amdvi_pgtable_leaf(&d->pt, iova, NULL);
	if (leaf > pgsize)
		start = iova & ~(leaf - 1);	/* the whole large leaf goes */
	n = amdvi_pgtable_unmap(&d->pt, iova, pgsize, pgcount, &g->freelist, NULL);
	spin_unlock_irqrestore(&d->lock, flags);
	if (n) {
		iommu_iotlb_gather_add_range(g, start, n);
		if (n > g->pgsize)
			g->pgsize = n;
	}
	return n;
}

static phys_addr_t amdvi_iova_to_phys(struct iommu_domain *dom, dma_addr_t iova)
{
	return amdvi_pgtable_iova_to_phys(&to_amdvi_domain(dom)->pt, iova);
}

static size_t amdvi_mapped_pgsize(struct iommu_domain *dom, dma_addr_t iova)
{
	return amdvi_pgtable_leaf(&to_amdvi_domain(dom)->pt, iova, NULL);
}

static long amdvi_domain_table_pages(struct iommu_domain *dom)
{
	return to_amdvi_domain(dom)->pt.pages;
}

/*
 * The domain ID may be handed out again: flush it on every unit that
 * ever used it first, so no stale entry can serve the next owner.
 */
static void amdvi_domain_free(struct iommu_domain *dom)
{
	struct amdvi_domain *d = to_amdvi_domain(dom);
	unsigned long flags;

	if (WARN_ON(!list_empty(&d->devs)))
		return;	/* still in use: leak rather than free live tables */
	for (int i = 0; i < amdvi_nunits; i++) {
		int ret;

		if (!(d->ever_attached & BIT(i)))
			continue;
		ret = amdvi_flush_pages(amdvi_units[i], d->id, 0, ~0ULL, true);
		if (ret) {
			/* keep tables and ID until a flush of everything succeeds */
			report_flush_failure(d, ret);
			spin_lock_irqsave(&amdvi_units[i]->quarantine_lock, flags);
			list_add_tail(&d->zombie_node, &amdvi_units[i]->zombies);
			/* the units after i were not flushed for its ID at all */
			amdvi_units[i]->quarantine_units |= d->ever_attached;
			spin_unlock_irqrestore(&amdvi_units[i]->quarantine_lock, flags);
			return;
		}
	}
	domain_destroy(d);
}

/* ---- attach ---- */

struct unity_ctx {
	struct amdvi_domain *d;
	int ret;
};

static void map_unity_one(void *p, u64 start, u64 len, int prot)
{
	struct unity_ctx *c = p;

	for (u64 a = start; a < start + len && !c->ret; a += PAGE_SIZE) {
		u64 done;

		if (amdvi_pgtable_iova_to_phys(&c->d->pt, a) == a)
			continue;	/* already there (another device's range) */
		c->ret = amdvi_pgtable_map(&c->d->pt, a, a, PAGE_SIZE, 1, prot, &done);
	}
}

/* IVMD unity ranges for this device, identity-mapped before it translates. */
static int map_unity(struct amdvi_domain *d, struct amdvi_dev *ad)
{
	struct unity_ctx c = { d, 0 };
	u16 ids[3];

	amdvi_ivmd_ranges(amdvi_ivrs, ids, amdvi_dev_devids(ad, ids), map_unity_one, &c);
	return c.ret;
}

static void dte_for(struct amdvi_domain *d, struct amdvi_dev *ad, u64 dte[4])
{
	switch (d->domain.type) {
	case IOMMU_DOMAIN_IDENTITY:
		amdvi_dte_identity(dte, ad->ivrs_bits);
		break;
	case IOMMU_DOMAIN_PAGING:
		amdvi_dte_paging(dte, ad->ivrs_bits, amdvi_pa(d->pt.root), d->pt.levels,
				 d->id, ad->ats);
		if (d->dirty_tracking)
			dte[0] |= AMDVI_DTE0_HAD;	/* update A and D bits */
		break;
	default:
		amdvi_dte_blocked(dte, ad->ivrs_bits);
	}
	dte[2] |= amdvi_ir_dte2(ad->unit, ad->alias);	/* the table of the devid the unit sees */
}

static void account_attach(struct amdvi_domain *d, struct amdvi_dev *ad, bool on)
{
	int i = ad->unit->index;

	if (on) {
		d->attached[i]++;
		d->ever_attached |= BIT(i);
		list_add_tail(&ad->domain_node, &d->devs);
	} else {
		d->attached[i]--;
		list_del(&ad->domain_node);
	}
}

static struct amdvi_domain amdvi_blocked;

int amdvi_dev_devids(const struct amdvi_dev *ad, u16 ids[3])
{
	int n = 0;

	ids[n++] = ad->devid;
	if (ad->alias != ad->devid)
		ids[n++] = ad->alias;
	if (ad->has_qalias)
		ids[n++] = ad->qalias;
	return n;
}

/* The entries of the device's requester ID, its IVRS alias, its QEMU alias. */
static int write_dtes(struct amdvi_dev *ad, const u64 dte[4])
{
	u16 ids[3];
	int n = amdvi_dev_devids(ad, ids);

	return amdvi_dte_set_many(ad->unit, ids, n, dte);
}

int amdvi_dev_refresh(struct amdvi_dev *ad)
{
	u64 dte[4];

	dte_for(ad->domain ? ad->domain : &amdvi_blocked, ad, dte);
	return write_dtes(ad, dte);
}

static bool unit_hdsup(const struct amdvi_unit *u)
{
	return amdvi_efr(u->efr, AMDVI_EFR_HDSUP);
}

/*
 * Whether a paging domain made on one unit suits unit u, which may differ
 * (Linux 6.12's amd_iommu_attach_device): u walks its depth, and updates
 * D bits when the domain was made for dirty tracking (HAD would be
 * reserved there, and the dirty bitmap silently empty).
 */
static bool domain_suits(const struct amdvi_domain *d, const struct amdvi_unit *u)
{
	if (d->domain.type != IOMMU_DOMAIN_PAGING)
		return true;
	return u->max_levels >= (u32)d->pt.levels && (!d->domain.dirty_ops || unit_hdsup(u));
}

static int amdvi_attach_dev(struct iommu_domain *dom, struct iommu_dev *dev)
{
	struct amdvi_domain *d = to_amdvi_domain(dom), *old;
	struct amdvi_dev *ad = dev->iommu_priv;
	unsigned long flags;
	u64 dte[4];
	int ret = 0;

	if (!ad)
		return -ENODEV;
	if (!domain_suits(d, ad->unit))
		return -EINVAL;
	old = ad->domain;
	if (old == d)
		return 0;
	if (dom->type == IOMMU_DOMAIN_PAGING) {
		spin_lock_irqsave(&d->lock, flags);
		ret = map_unity(d, ad);
		spin_unlock_irqrestore(&d->lock, flags);
		if (ret)
			return ret;
	}
	dte_for(d, ad, dte);
	ret = write_dtes(ad, dte);
	if (ret && d != &amdvi_blocked) {
		/* the flush failed: put the old entry back, keep the old domain */
		dte_for(old ? old : &amdvi_blocked, ad, dte);
		write_dtes(ad, dte);
		return ret;
	}
	if (ret && old)
		report_flush_failure(old, ret);	/* blocked anyway; the old ID stays dirty */
	if (old)
		account_attach(old, ad, false);
	account_attach(d, ad, true);
	ad->domain = d;
	return 0;
}

/* ---- dirty tracking (EFR.HDSup) ---- */

/*
 * Turn D-bit updates on or off in the DTE of every attached device (a
 * device attached later gets it from dte_for()). When a DTE flush fails
 * the flag and every DTE go back to what they were and the error returns
 * (a rollback flush failing too is reported).
 */
static int amdvi_set_dirty_tracking(struct iommu_domain *dom, bool enable)
{
	struct amdvi_domain *d = to_amdvi_domain(dom);
	struct amdvi_dev *ad;
	unsigned long flags;
	int ret = 0;
	u64 dte[4];

	spin_lock_irqsave(&d->lock, flags);
	if (d->dirty_tracking == enable)
		goto out_unlock;
	d->dirty_tracking = enable;
	list_for_each_entry(ad, &d->devs, domain_node) {
		dte_for(d, ad, dte);
		ret = write_dtes(ad, dte);
		if (ret)
			break;
	}
	if (ret) {
		d->dirty_tracking = !enable;
		list_for_each_entry(ad, &d->devs, domain_node) {
			dte_for(d, ad, dte);
			if (write_dtes(ad, dte))
				printk("amdvi: %s: DTE rollback not flushed\n", ad->unit->name);
		}
	}
out_unlock:
	spin_unlock_irqrestore(&d->lock, flags);
	return ret;
}

static void record_dirty(void *ctx, u64 iova, u64 size)
{
	struct iommu_dirty_bitmap *dirty = ctx;

	if (dirty->record)
		dirty->record(dirty, iova, size);
}

/* Read the D bits of [iova, iova + size); the IOTLB is flushed where some were cleared. */
static int amdvi_read_and_clear_dirty(struct iommu_domain *dom, unsigned long iova,
				      size_t size, unsigned long flags,
				      struct iommu_dirty_bitmap *dirty)
{
	struct amdvi_domain *d = to_amdvi_domain(dom);
	bool keep = flags & IOMMU_DIRTY_NO_CLEAR;
	unsigned long irqflags;
	u64 cleared;

	if (!d->dirty_tracking && dirty->record)
		return -EINVAL;
	spin_lock_irqsave(&d->lock, irqflags);
	cleared = amdvi_pgtable_dirty(&d->pt, iova, iova + size - 1, keep, record_dirty, dirty);
	spin_unlock_irqrestore(&d->lock, irqflags);
	/* the unit caches the PTE: it sets D again only after this flush */
	if (cleared)
		return domain_flush(d, iova, iova + size - 1, false) ? -EIO : 0;
	return 0;
}

static const struct iommu_dirty_ops amdvi_dirty_ops = {
	.set_dirty_tracking = amdvi_set_dirty_tracking,
	.read_and_clear_dirty = amdvi_read_and_clear_dirty,
};

/*
 * IOMMU_HWPT_ALLOC's paging domains: DIRTY_TRACKING where the unit has
 * HDSup (the core asked capable() first); no nesting, no driver data.
 */
static struct iommu_domain *amdvi_domain_alloc_user(struct iommu_dev *dev, u32 flags,
						    struct iommu_domain *parent,
						    const struct iommu_user_data *user_data)
{
	struct amdvi_dev *ad = dev->iommu_priv;
	struct amdvi_domain *d;

	if (parent || user_data || (flags & ~IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);
	if (!ad)
		return ERR_PTR(-ENODEV);
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) && !unit_hdsup(ad->unit))
		return ERR_PTR(-EOPNOTSUPP);
	d = amdvi_domain_alloc(ad->unit, 0);
	if (IS_ERR(d))
		return (struct iommu_domain *)d;
	if (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
		d->domain.dirty_ops = &amdvi_dirty_ops;
	return &d->domain;
}

static const struct iommu_domain_ops amdvi_paging_ops = {
	.attach_dev = amdvi_attach_dev,
	.map_pages = amdvi_map_pages,
	.unmap_pages = amdvi_unmap_pages,
	.iotlb_sync_map = amdvi_iotlb_sync_map,
	.iotlb_sync = amdvi_iotlb_sync,
	.flush_iotlb_all = amdvi_flush_iotlb_all,
	.iova_to_phys = amdvi_iova_to_phys,
	.free = amdvi_domain_free,
	.mapped_pgsize = amdvi_mapped_pgsize,
	.table_pages = amdvi_domain_table_pages,
};

static const struct iommu_domain_ops amdvi_static_ops = {
	.attach_dev = amdvi_attach_dev,
};

static struct amdvi_domain amdvi_blocked = {
	.domain = { .type = IOMMU_DOMAIN_BLOCKED, .ops = &amdvi_static_ops, .owner = &amdvi_ops },
	.devs = LIST_HEAD_INIT(amdvi_blocked.devs),
};

static struct amdvi_domain amdvi_identity = {
	.domain = { .type = IOMMU_DOMAIN_IDENTITY, .ops = &amdvi_static_ops, .owner = &amdvi_ops },
	.devs = LIST_HEAD_INIT(amdvi_identity.devs),
};

/* ---- devices ---- */

/* Turn on ATS when the device, the unit and IVRS all allow it. */
static void ats_setup(struct amdvi_dev *ad, struct pci_dev *p, u32 ivrs_ext)
{
	u16 cap;

	if (!p || !p->ecap_ats || !(ad->unit->cap_hdr & AMDVI_CAP_HDR_IOTLBSUP) ||
	    (ivrs_ext & IVRS_EXT_ATS_DISABLED) || !cmdline_get_u64("amdvi_ats", 1))
		return;
	cap = pci_read16(p, p->ecap_ats + PCI_ATS_CAP);
	ad->ats_qdep = (cap & 0x1f) ? (cap & 0x1f) : 32;
	pci_write16(p, p->ecap_ats + PCI_ATS_CTRL, PCI_ATS_ENABLE);	/* STU 0: 4K */
	ad->ats = true;
}

static LIST_HEAD(amdvi_devs);

struct amdvi_dev *amdvi_dev_of_devid(struct amdvi_unit *u, u16 devid)
{
	struct amdvi_dev *o;

	list_for_each_entry(o, &amdvi_devs, node)
		if (o->unit == u && (o->devid == devid || o->alias == devid ||
				     (o->has_qalias && o->qalias == devid)))
			return o;
	return NULL;
}

int amdvi_alias_refresh(struct amdvi_unit *u, u16 alias)
{
	struct amdvi_dev *o;
	int n = 0, ret = 0;

	list_for_each_entry(o, &amdvi_devs, node) {
		if (o->unit == u && o->alias == alias) {
			ret = ret ? ret : amdvi_dev_refresh(o);
			n++;
		}
	}
	return ret ? ret : n;
}

int amdvi_alias_devids(struct amdvi_unit *u, u16 alias, u16 *ids, int max)
{
	struct amdvi_dev *o;
	int n = 0;

	list_for_each_entry(o, &amdvi_devs, node) {
		u16 own[3];
		int k = o->unit == u && o->alias == alias ? amdvi_dev_devids(o, own) : 0;

		for (int i = 0; i < k; i++) {
			bool seen = false;

			for (int m = 0; m < n; m++)
				seen |= ids[m] == own[i];
			if (!seen && n < max)
				ids[n++] = own[i];
		}
	}
	return n;
}

/* Does another probed device (one that can do DMA) use devid on unit u? */
static struct amdvi_dev *devid_owner(struct amdvi_unit *u, u16 devid)
{
	struct amdvi_dev *o;

	list_for_each_entry(o, &amdvi_devs, node) {
		struct pci_dev *p = o->dev->bus_priv;

		if (o->unit != u || (p && p->class == 0x06))
			continue;	/* host and ISA bridges do not DMA */
		if (o->devid == devid || o->alias == devid || (o->has_qalias && o->qalias == devid))
			return o;
	}
	return NULL;
}

/*
 * AMDVI_QUIRK_BUS0_DEVID: a device behind a bridge also answers to devid
 * (0, devfn). Two such devices with one devfn cannot be told apart; the
 * second is refused rather than sharing the first one's translations.
 */
static int quirk_bus0(struct amdvi_dev *ad, struct pci_dev *p)
{
	struct amdvi_dev *o;

	if (!(ad->unit->quirks & AMDVI_QUIRK_BUS0_DEVID) || !(ad->devid >> 8))
		return 0;
	ad->qalias = ad->devid & 0xff;
	o = devid_owner(ad->unit, ad->qalias);
	if (o && (!p || p->class != 0x06)) {
		printk("# amdvi: %s: QEMU sees it as devid %04x, which %s uses: not translated\n",
		       ad->dev->name, ad->qalias, o->dev->name);
		return -EBUSY;
	}
	ad->has_qalias = true;
	return 0;
}

int amdvi_probe_device(struct iommu_dev *dev)
{
	struct pci_dev *p = dev->bus_priv;
	struct amdvi_unit *u;
	struct amdvi_dev *ad;
	struct ivrs_dev iv;
	u16 bdf = p ? pci_bdf(p) : dev->rid;

	u = amdvi_unit_for(dev->segment, dev->rid);
	if (!u)
		u = amdvi_unit_for(dev->segment, bdf);
	if (!u)
		return -ENODEV;
	ad = failable(kzalloc(sizeof(*ad)));
	if (!ad)
		return -ENOMEM;
	ad->dev = dev;
	ad->unit = u;
	ad->devid = dev->rid;
	ad->alias = dev->rid;
	memset(&iv, 0, sizeof(iv));
	if (!ivrs_lookup(amdvi_ivrs, dev->segment, bdf, &iv)) {
		amdvi_dte_ivrs_bits(iv.dte, ad->ivrs_bits);
		if (iv.has_alias)
			ad->alias = iv.alias;
	}
	INIT_LIST_HEAD(&ad->domain_node);
	if (quirk_bus0(ad, p)) {
		kfree(ad);
		return -EBUSY;
	}
	ats_setup(ad, p, iv.ext);
	dev->ops = &amdvi_ops;
	dev->iommu = &u->iommu;
	dev->iommu_priv = ad;
	if (amdvi_attach_dev(&amdvi_blocked.domain, dev)) {
		dev->iommu_priv = NULL;
		dev->ops = NULL;
		kfree(ad);
		return -EIO;
	}
	dev->domain = &amdvi_blocked.domain;
	list_add_tail(&ad->node, &amdvi_devs);
	return 0;
}

void amdvi_release_device(struct iommu_dev *dev)
{
	struct amdvi_dev *ad = dev->iommu_priv;
	struct pci_dev *p = dev->bus_priv;

	if (!ad)
		return;
	amdvi_attach_dev(&amdvi_blocked.domain, dev);
	account_attach(&amdvi_blocked, ad, false);
	if (ad->ats && p)
		pci_write16(p, p->ecap_ats + PCI_ATS_CTRL, 0);
	list_del(&ad->node);
	dev->iommu_priv = NULL;
	dev->domain = NULL;
	dev->ops = NULL;
	kfree(ad);
}

static void add_resv(struct list_head *head, u64 start, u64 len, int prot,
		     enum iommu_resv_type type)
{
	struct iommu_resv_region *r = failable(kzalloc(sizeof(*r)));

	if (!r)
		return;
	r->start = start;
	r->length = len;
	r->prot = prot;
	r->type = type;
	list_add_tail(&r->list, head);
}

static void add_direct(void *head, u64 start, u64 len, int prot)
{
	add_resv(head, start, len, prot, IOMMU_RESV_DIRECT);
}

static void amdvi_get_resv_regions(struct iommu_dev *dev, struct list_head *head)
{
	struct amdvi_dev *ad = dev->iommu_priv;
	u16 ids[3];

	add_resv(head, MSI_START, MSI_LEN, IOMMU_WRITE, IOMMU_RESV_MSI);
	if (!ad || !amdvi_efr2(ad->unit->efr2, AMDVI_EFR2_HTRANGEIGNORE))
		add_resv(head, HT_START, HT_LEN, 0, IOMMU_RESV_RESERVED);
	if (ad)
		amdvi_ivmd_ranges(amdvi_ivrs, ids, amdvi_dev_devids(ad, ids), add_direct, head);
}

/* Linux's struct iommu_hw_info_amd (IOMMU_HW_INFO_TYPE_AMD): EFR and EFR2 of the unit. */
static int amdvi_hw_info(struct iommu_dev *dev, void *data, u32 *length, u32 *type)
{
	struct amdvi_dev *ad = dev->iommu_priv;
	struct iommu_hw_info_amd info = { 0 };

	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT && *type != IOMMU_HW_INFO_TYPE_AMD)
		return -EOPNOTSUPP;
	if (ad) {
		info.efr = ad->unit->efr;
		info.efr2 = ad->unit->efr2;
	}
	memcpy(data, &info, min(*length, (u32)sizeof(info)));
	*length = sizeof(info);
	*type = IOMMU_HW_INFO_TYPE_AMD;
	return 0;
}

static bool amdvi_capable(struct iommu_dev *dev, int cap)
{
	struct amdvi_dev *ad = dev->iommu_priv;

	/* dirty tracking needs HDSup (QEMU 7.2's unit has none) */
	if (cap == IOMMU_CAP_DIRTY_TRACKING)
		return ad && unit_hdsup(ad->unit);
	/* IOMMU_CACHE sets FC in the PTE: the access is forced snooped */
	return cap == IOMMU_CAP_CACHE_COHERENCY;
}

const struct iommu_ops amdvi_ops = {
	.name = "amdvi",
	.domain_alloc_paging = amdvi_domain_alloc_paging,
	.domain_alloc_user = amdvi_domain_alloc_user,
	.blocked_domain = &amdvi_blocked.domain,
	.identity_domain = &amdvi_identity.domain,
	.get_resv_regions = amdvi_get_resv_regions,
	.hw_info = amdvi_hw_info,
	.capable = amdvi_capable,
	.probe_device = amdvi_probe_device,
};
