// SPDX-License-Identifier: MIT
/*
 * VT-d domains behind the iommu.h ops: paging domains (second- or
 * first-stage tables plus the invalidation each change needs), nested
 * domains (a user's first stage over a nest parent) with their user
 * invalidations, second-stage dirty tracking, the blocked and identity
 * domains, attach (RID and PASID) with RMRR identity maps first.
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include <linux/iommufd.h>

#define MSI_WINDOW_BASE	0xfee00000ULL
#define MSI_WINDOW_SIZE	0x100000ULL

static const struct iommu_domain_ops vtd_paging_ops;
static const struct iommu_domain_ops vtd_static_ops;
static const struct iommu_domain_ops vtd_nested_ops;

struct vtd_domain vtd_blocked_domain = {
	.domain = { .type = IOMMU_DOMAIN_BLOCKED, .ops = &vtd_static_ops, .owner = &vtd_iommu_ops },
	.devs = LIST_HEAD_INIT(vtd_blocked_domain.devs),
	.children = LIST_HEAD_INIT(vtd_blocked_domain.children),
	.plain_unit = -1,	/* never flushed: no plan, as every domain not planned */
};

struct vtd_domain vtd_identity_domain = {
	.domain = { .type = IOMMU_DOMAIN_IDENTITY, .ops = &vtd_static_ops, .owner = &vtd_iommu_ops },
	.devs = LIST_HEAD_INIT(vtd_identity_domain.devs),
	.children = LIST_HEAD_INIT(vtd_identity_domain.children),
	.plain_unit = -1,	/* never flushed: no plan, as every domain not planned */
};

int vtd_rmrr_map(const struct dmar_table *t, struct vtd_dev *vd, struct vtd_domain *dom)
{
	for (int i = 0; i < t->nrmrr; i++) {
		const struct dmar_rmrr *r = &t->rmrr[i];
		u64 base = ALIGN_DOWN(r->base, PAGE_SIZE);
		u64 size = ALIGN(r->end + 1, PAGE_SIZE) - base;
		int ret;

		if (!dmar_rmrr_applies(t, r, &vd->path))
			continue;
		if (iommu_iova_to_phys(&dom->domain, base) == base)
			continue;	/* another covered device mapped it already */
		ret = iommu_map(&dom->domain, base, base, size, IOMMU_READ | IOMMU_WRITE);
		if (ret) {
			printk("vtd: %s: RMRR [%#llx, %#llx] identity map failed (%d)\n",
			       vd->dev ? vd->dev->name : "?", (unsigned long long)r->base,
			       (unsigned long long)r->end, ret);
			return ret;
		}
	}
	return 0;
}

int vtd_rmrr_resv(const struct dmar_table *t, const struct dmar_dev_path *path,
		  struct list_head *head)
{
	int n = 0;

	for (int i = 0; i < t->nrmrr; i++) {
		const struct dmar_rmrr *m = &t->rmrr[i];
		struct iommu_resv_region *r;

		if (!dmar_rmrr_applies(t, m, path) || !(r = failable(kzalloc(sizeof(*r)))))
			continue;
		r->start = ALIGN_DOWN(m->base, PAGE_SIZE);
		r->length = ALIGN(m->end + 1, PAGE_SIZE) - r->start;
		r->prot = IOMMU_READ | IOMMU_WRITE;
		r->type = IOMMU_RESV_DIRECT;
		list_add_tail(&r->list, head);
		n++;
	}
	return n;
}

static int vtd_attach_dev(struct iommu_domain *d, struct iommu_dev *dev)
{
	struct vtd_dev *vd = dev->iommu_priv;
	struct vtd_domain *dom = to_vtd_domain(d);
	int ret;

	if (dev->ops != &vtd_iommu_ops || !vd)
		return -EINVAL;
	if (d->type == IOMMU_DOMAIN_BLOCKED)
		return vtd_ctx_attach(vd, NULL);
	if (d->type == IOMMU_DOMAIN_PAGING) {
		ret = vtd_rmrr_map(vtd_dmar, vd, dom);
		if (ret)
			return ret;
	}
	return vtd_ctx_attach(vd, dom);
}

/* set_dev_pasid of every domain type but blocked: a PASID entry for it (replacing old). */
static int vtd_set_dev_pasid(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid,
			     struct iommu_domain *old)
{
	struct vtd_dev *vd = dev->iommu_priv;

	if (dev->ops != &vtd_iommu_ops || !vd)
		return -EINVAL;
	if (vtd_pasid_domain(vd, pasid) != (old ? to_vtd_domain(old) : NULL))
		return old ? -EINVAL : -EBUSY;	/* not what the caller thinks is there */
	return vtd_pasid_attach(vd, pasid, to_vtd_domain(d));
}

void vtd_remove_dev_pasid(struct iommu_dev *dev, u32 pasid, struct iommu_domain *d)
{
	struct vtd_dev *vd = dev->iommu_priv;

	if (vd && vtd_pasid_domain(vd, pasid) == to_vtd_domain(d))
		vtd_pasid_attach(vd, pasid, NULL);
}

/* Run b first when fewer than need slots are left. */
static void room(struct vtd_unit *u, struct vtd_batch *b, int need, int *ret)
{
	int r;

	if (b->n + need <= VTD_BATCH_MAX)
		return;
	r = vtd_batch_run(u, b);
	*ret = *ret ? *ret : r;
}

/* Whether an earlier attachment of dom on u has the same PASID (one P_IOTLB serves both). */
static bool pasid_seen(const struct vtd_domain *dom, const struct vtd_att *upto)
{
	const struct vtd_att *a;

	list_for_each_entry(a, &dom->devs, dom_node) {
		if (a == upto)
			return false;
		if (a->vd->unit == upto->vd->unit && a->pasid == upto->pasid)
			return true;
	}
	return false;
}

/*
 * What a change of [start, last] in dom's tables needs flushed on unit u:
 * second stage, the IOTLB by DID; first stage, P_IOTLB by DID and each
 * PASID attached; the device-TLB of each ATS attachment (devtlb false:
 * a not-present entry became present, no device caches those). A nest
 * parent's children cache translations through it under their own DIDs:
 * theirs too, and their devices' whole device-TLB (their addresses are
 * not the parent's). vtd_ctx_lock held.
 */
static void flush_on_unit(struct vtd_unit *u, struct vtd_batch *b, struct vtd_domain *dom,
			  u64 start, u64 last, bool ih, bool devtlb, int *ret)
{
	bool fs = dom->domain.type == IOMMU_DOMAIN_PAGING && dom->pt.fmt == VTD_FMT_FS;
	u64 base = 0;
	int order = -2;		/* the device-TLB's range, worked out for the first ATS device */
	u16 did = dom->did[u->idx];
	struct vtd_domain *c;
	struct vtd_att *a;

	if (dom->ndevs[u->idx] && !fs) {
		room(u, b, 1, ret);
		vtd_batch_iotlb_range(u, b, did, start, last, ih);
	}
	list_for_each_entry(a, &dom->devs, dom_node) {
		if (a->vd->unit != u)
			continue;
		if (fs && !pasid_seen(dom, a)) {
			room(u, b, 1, ret);
			vtd_batch_piotlb_range(u, b, did, a->pasid, start, last, ih);
		}
		if (devtlb && a->vd->ats) {
			if (order == -2)
				order = vtd_psi_encode(start >> 12, (last >> 12) - (start >> 12) + 1,
						       52, &base);
			room(u, b, 1, ret);
			vtd_batch_dev_flush(a->vd, b, a->pasid, base << 12,
					    order < 0 ? 52 : (unsigned int)order);
		}
	}
	list_for_each_entry(c, &dom->children, child_node) {
		if (!c->ndevs[u->idx])
			continue;
		room(u, b, 1, ret);
		vtd_batch_iotlb_range(u, b, c->did[u->idx], start, last, ih);
		list_for_each_entry(a, &c->devs, dom_node) {
			if (a->vd->unit != u || !devtlb || !a->vd->ats)
				continue;
			room(u, b, 1, ret);
			vtd_batch_dev_flush(a->vd, b, a->pasid, 0, 52);
		}
	}
}

/* Whether dom or one of its children is attached through unit i. */
static bool on_unit(const struct vtd_domain *dom, int i)
{
	const struct vtd_domain *c;

	if (dom->ndevs[i])
		return true;
	list_for_each_entry(c, &dom->children, child_node)
		if (c->ndevs[i])
			return true;
	return false;
}

_Static_assert(VTD_MAX_UNITS <= 127, "plain_unit is an s8");

/* The plan dom's attachments and children allow: a unit index, or -1. */
static int plan_of(const struct vtd_domain *dom)
{
	const struct vtd_att *a;
	int unit = -1;

	if (dom->domain.type != IOMMU_DOMAIN_PAGING || dom->pt.fmt == VTD_FMT_FS ||
	    !list_empty(&dom->children))
		return -1;
	list_for_each_entry(a, &dom->devs, dom_node) {
		if (a->vd->ats || (unit >= 0 && unit != a->vd->unit->idx))
			return -1;
		unit = a->vd->unit->idx;
	}
	return unit;
}

void vtd_domain_replan(struct vtd_domain *dom)
{
	/* one store: vtd_iotlb_sync_map() reads it unlocked */
	WRITE_ONCE(dom->plain_unit, (s8)plan_of(dom));
}

static int domain_flush(struct vtd_domain *dom, u64 start, u64 last, bool ih, bool devtlb)
{
	int ret = 0;

	spin_lock(&vtd_ctx_lock);	/* the units and devices dom is attached through */
	if (dom->plain_unit >= 0) {
		/* what flush_on_unit() issues for such a domain, without its walks */
		struct vtd_unit *u = vtd_units[dom->plain_unit];
		struct vtd_batch b;	/* not zeroed whole, as below */

		b.n = 0;
		vtd_batch_iotlb_range(u, &b, dom->did[u->idx], start, last, ih);
		ret = vtd_batch_run(u, &b);
		spin_unlock(&vtd_ctx_lock);
		return ret;
	}
	for (int i = 0; i < vtd_nunits; i++) {
		struct vtd_unit *u = vtd_units[i];
		struct vtd_batch b;	/* not zeroed whole: 256 bytes per flush */
		int r;

		if (!on_unit(dom, i))
			continue;
		b.n = 0;
		flush_on_unit(u, &b, dom, start, last, ih, devtlb, &ret);
		r = b.n ? vtd_batch_run(u, &b) : 0;
		ret = ret ? ret : r;
	}
	spin_unlock(&vtd_ctx_lock);
	return ret;
}

int vtd_domain_flush(struct vtd_domain *dom, u64 start, u64 last, bool ih)
{
	return domain_flush(dom, start, last, ih, true);
}

static int vtd_map_pages(struct iommu_domain *d, unsigned long iova, phys_addr_t paddr,
			 size_t pgsize, size_t pgcount, int prot, size_t *mapped)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	int ret;

	if (failpoint_hit()) {
		*mapped = 0;
		return -ENOMEM;
	}
	spin_lock(&dom->pt_lock);
	ret = vtd_pgtable_map(&dom->pt, iova, paddr, pgsize, pgcount, prot, mapped);
	spin_unlock(&dom->pt_lock);
	return ret;
}

static size_t vtd_unmap_pages(struct iommu_domain *d, unsigned long iova, size_t pgsize,
			      size_t pgcount, struct iommu_iotlb_gather *gather)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	size_t n;

	spin_lock(&dom->pt_lock);
	n = vtd_pgtable_unmap(&dom->pt, iova, pgsize, pgcount, gather);
	spin_unlock(&dom->pt_lock);
	return n;
}

/*
 * Lists of table pages move with list_splice_tail_init(), never list_del:
 * the nodes live in the pages, and list poison values would read as
 * present entries to a stale walker.
 */

/*
 * Tables a large page replaced (vtd_pgtable_map) may sit in a walker's
 * paging-structure cache: a domain-wide invalidation (not leaf-only), then
 * they are freed; if it fails they wait with the other deferred pages.
 * Rare: only where a large page goes over tables earlier unmaps kept.
 */
static int flush_stale_tables_slow(struct vtd_domain *dom)
{
	struct list_head stale;
	int ret;

	spin_lock(&dom->pt_lock);
	vtd_pgtable_take_stale(&dom->pt, &stale);
	spin_unlock(&dom->pt_lock);
	if (list_empty(&stale))
		return 0;
	ret = vtd_domain_flush(dom, 0, (1ULL << vtd_pgtable_width(dom->pt.levels)) - 1, false);
	spin_lock(&dom->pt_lock);
	if (ret)
		list_splice_tail_init(&stale, &dom->deferred);
	else
		vtd_pgtable_free_list(&dom->pt, &stale);
	spin_unlock(&dom->pt_lock);
	return ret;
}

/* Unlocked look first: a map's own stale tables are seen by its own sync. */
static inline int flush_stale_tables(struct vtd_domain *dom)
{
	return list_empty(&dom->pt.stale) ? 0 : flush_stale_tables_slow(dom);
}

/*
 * CM=1: not-present -> present changes are invalidated too (RWBF: the write
 * buffer). The map may have linked new tables: not a leaf-only flush (IH 0).
 */
static int vtd_iotlb_sync_map(struct iommu_domain *d, unsigned long iova, size_t size)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	int pu = READ_ONCE(dom->plain_unit);	/* unlocked, as on_unit(): read once */
	bool cm = false, wbf = false;
	int ret = flush_stale_tables(dom);

	if (ret)
		return ret;
	if (pu >= 0) {
		cm = vtd_units[pu]->cm;
		wbf = !cm && vtd_units[pu]->rwbf;
	}
	for (int i = 0; i < vtd_nunits && pu < 0; i++) {
		if (on_unit(dom, i) && vtd_units[i]->cm)
			cm = true;
		else if (on_unit(dom, i) && vtd_units[i]->rwbf)
			wbf = true;
	}
	if (cm)
		ret = domain_flush(dom, iova, iova + size - 1, false, false);
	if (!wbf)
		return ret;	/* no unit of the domain needs its write buffer flushed */
	spin_lock(&vtd_ctx_lock);
	for (int i = 0; i < vtd_nunits; i++) {
		if (on_unit(dom, i) && !vtd_units[i]->cm && vtd_units[i]->rwbf) {
			int r = vtd_flush_write_buffer(vtd_units[i]);

			ret = ret ? ret : r;
		}
	}
	spin_unlock(&vtd_ctx_lock);
	return ret;
}

/*
 * The unmap is done only here: invalidate the gathered range on every unit,
 * wait, and only then free the emptied table pages. If the invalidation
 * failed the pages are not freed (a leak the tests report, never a
 * use-after-free by the walker).
 */
static void vtd_iotlb_sync(struct iommu_domain *d, struct iommu_iotlb_gather *g)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	bool tables = !list_empty(&g->freelist);

	flush_stale_tables(dom);	/* a failed map's leftovers, if any */
	if (g->start <= g->end &&
	    vtd_domain_flush(dom, g->start, g->end, !tables)) {
		printk("vtd: invalidation failed: emptied table pages kept until the domain is freed\n");
		list_splice_tail_init(&g->freelist, &dom->deferred);
		return;
	}
	if (tables)
		vtd_pgtable_free_gathered(&dom->pt, g);
}

static void vtd_flush_iotlb_all(struct iommu_domain *d)
{
	struct vtd_domain *dom = to_vtd_domain(d);

	vtd_domain_flush(dom, 0, (1ULL << dom->pt.width) - 1, false);
}

static phys_addr_t vtd_iova_to_phys(struct iommu_domain *d, dma_addr_t iova)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	phys_addr_t pa;

	spin_lock(&dom->pt_lock);
	pa = vtd_pgtable_iova_to_phys(&dom->pt, iova);
	spin_unlock(&dom->pt_lock);
	return pa;
}

static size_t vtd_mapped_pgsize(struct iommu_domain *d, dma_addr_t iova)
{
	size_t sz = 0;

	return vtd_pgtable_lookup(&to_vtd_domain(d)->pt, iova, &sz) ? sz : 0;
}

static long vtd_table_pages(struct iommu_domain *d)
{
	return to_vtd_domain(d)->pt.ntables;
}

/* A caller that forgot to detach: block those devices (and PASIDs) before the tables go. */
static void block_attached(struct vtd_domain *dom)
{
	struct vtd_att *a, *n;

	list_for_each_entry_safe(a, n, &dom->devs, dom_node) {
		struct vtd_dev *vd = a->vd;

		printk("vtd: domain freed while %s (PASID %u) is attached; blocking it\n",
		       vd->dev->name, a->pasid);
		if (a->pasid) {
			vtd_pasid_attach(vd, a->pasid, NULL);
			continue;
		}
		vtd_ctx_attach(vd, NULL);
		vd->dev->domain = &vtd_blocked_domain.domain;
	}
}

static void vtd_domain_free(struct iommu_domain *d)
{
	struct vtd_domain *dom = to_vtd_domain(d);

	block_attached(dom);
	if (!list_empty(&dom->children)) {
		/* the core keeps a parent alive while nested domains use it */
		printk("vtd: nest parent freed under its nested domains: its tables are kept\n");
		return;
	}
	if (!list_empty(&dom->deferred)) {
		struct iommu_iotlb_gather g;
		int ret = 0;

		/* their invalidation failed: free them only after one that succeeds */
		for (int i = 0; i < vtd_nunits; i++)
			ret = ret ? ret : vtd_flush_all(vtd_units[i]);
		if (ret) {
			printk("vtd: no flush completes: the domain's tables are never freed\n");
			return;
		}
		iommu_iotlb_gather_init(&g);
		list_splice_tail_init(&dom->deferred, &g.freelist);
		vtd_pgtable_free_gathered(&dom->pt, &g);
	}
	vtd_pgtable_destroy(&dom->pt);
	kfree(dom);
}

static struct vtd_domain *domain_new(void)
{
	struct vtd_domain *dom = failable(kzalloc(sizeof(*dom)));

	if (!dom)
		return NULL;
	spin_lock_init(&dom->pt_lock);
	INIT_LIST_HEAD(&dom->devs);
	INIT_LIST_HEAD(&dom->deferred);
	INIT_LIST_HEAD(&dom->children);
	INIT_LIST_HEAD(&dom->child_node);
	dom->plain_unit = -1;
	dom->domain.owner = &vtd_iommu_ops;
	return dom;
}

/*
 * A paging domain for dev's unit: second-stage tables, or first-stage ones
 * where the unit translates first stage in scalable mode and vtd_fs=1 asks
 * for them (or it has no second stage). First stage takes canonical IOVAs
 * only: the aperture is the lower half of 48 (or 57) bits, or less where
 * MGAW is narrower.
 */
static struct iommu_domain *paging_alloc(struct vtd_unit *u, bool fs)
{
	struct vtd_domain *dom = domain_new();
	u64 pgsizes = fs ? u->fs_pgsizes : u->pgsizes;
	int levels = fs ? u->fs_levels : u->levels;
	unsigned int width;

	if (!dom)
		return ERR_PTR(-ENOMEM);
	if (vtd_pgtable_init_fmt(&dom->pt, fs ? VTD_FMT_FS : VTD_FMT_SS, levels, pgsizes,
				 !u->pt_coherent)) {
		kfree(dom);
		return ERR_PTR(-ENOMEM);
	}
	dom->pt.snoop = !fs && vtd_ecap_sc(u->ecap) ? VTD_PTE_SNP : 0;
	/* the unit blocks any request above 2^MGAW, whatever the tables translate (11.4.2) */
	width = min(dom->pt.width, u->mgaw);
	dom->domain.type = IOMMU_DOMAIN_PAGING;
	dom->domain.ops = &vtd_paging_ops;
	dom->domain.pgsize_bitmap = pgsizes;
	dom->domain.geometry.aperture_start = 0;
	dom->domain.geometry.aperture_end = (1ULL << width) - 1;
	dom->domain.geometry.force_aperture = true;
	dom->domain.iommu = &u->iommu;
	return &dom->domain;
}

/*
 * A paging domain's tables are made for the unit it was allocated on
 * (paging_alloc); another unit may differ (real machines mix generations
 * and graphics units). Reading them it must take their format and depth,
 * every leaf size they may hold (SLLPS; first stage FL1GP), the snoop bit
 * in their leaves (ECAP.SC; reserved without it in legacy mode), the
 * whole aperture below its MGAW (above it the unit blocks) and, for a
 * domain made for dirty tracking, A/D updates (scalable mode, SSADS).
 */
int vtd_paging_check(const struct vtd_unit *u, const struct vtd_domain *dom)
{
	const struct vtd_pgtable *pt = &dom->pt;
	bool fs = pt->fmt == VTD_FMT_FS;
	bool walks = fs ? u->sm && u->fs && (pt->levels == 4 || vtd_cap(u->cap, VTD_CAP_FL5LP)) :
			  (!u->sm || u->ss) && (u->level_mask & BIT(pt->levels));

	if (!walks || (pt->pgsizes & ~(fs ? u->fs_pgsizes : u->pgsizes)))
		return -EINVAL;
	if ((pt->snoop && !vtd_ecap_sc(u->ecap)) ||
	    (u->mgaw < 64 && dom->domain.geometry.aperture_end >> u->mgaw))
		return -EINVAL;
	return dom->domain.dirty_ops && !(u->sm && u->ssads) ? -EINVAL : 0;
}

struct iommu_domain *vtd_domain_alloc_paging(struct iommu_dev *dev)
{
	struct vtd_dev *vd = dev->iommu_priv;
	struct vtd_unit *u = vd ? vd->unit : NULL;

	if (!u)
		return ERR_PTR(-ENODEV);
	return paging_alloc(u, u->sm && u->fs && (vtd_opt.fs || !u->ss));
}

/* --- second-stage dirty tracking (ECAP.SSADS, scalable mode) --- */

static int vtd_set_dirty_tracking(struct iommu_domain *d, bool enable)
{
	struct vtd_domain *dom = to_vtd_domain(d);

	if (dom->dirty_tracking == enable)
		return 0;
	return vtd_domain_set_ssade(dom, enable);
}

struct dirty_rec {
	struct iommu_dirty_bitmap *dirty;
	u64 first, last;	/* range whose D bits were cleared, for the flush */
	bool any;
};

static void record_dirty(void *priv, u64 iova, u64 len)
{
	struct dirty_rec *r = priv;

	if (r->dirty->record)
		r->dirty->record(r->dirty, iova, len);
	r->first = r->any ? min(r->first, iova) : iova;
	r->last = r->any ? max(r->last, iova + len - 1) : iova + len - 1;
	r->any = true;
}

/*
 * Report the D bits of [iova, iova + size) and clear them (unless NO_CLEAR);
 * cleared ones are flushed from the IOTLB, whose entries would otherwise
 * let later writes pass without setting D again.
 */
static int vtd_read_and_clear_dirty(struct iommu_domain *d, unsigned long iova, size_t size,
				    unsigned long flags, struct iommu_dirty_bitmap *dirty)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	bool clear = !(flags & IOMMU_DIRTY_NO_CLEAR);
	struct dirty_rec r = { .dirty = dirty };

	/* a bitmap without record() only clears (the core does so before tracking starts) */
	if (!dom->dirty_tracking && dirty->record)
		return -EINVAL;
	spin_lock(&dom->pt_lock);
	vtd_pgtable_read_dirty(&dom->pt, iova, size, clear, record_dirty, &r);
	spin_unlock(&dom->pt_lock);
	if (clear && r.any)
		return vtd_domain_flush(dom, r.first, r.last, false);
	return 0;
}

static const struct iommu_dirty_ops vtd_dirty_ops = {
	.set_dirty_tracking = vtd_set_dirty_tracking,
	.read_and_clear_dirty = vtd_read_and_clear_dirty,
};

/* --- nested domains: a user's first stage over a nest parent --- */

/*
 * IOMMU_HWPT_INVALIDATE with IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 entries:
 * each a 4 KiB-aligned range (npages U64_MAX: everything) of the user's
 * first stage, flushed as P_IOTLB of the nested DID and each PASID
 * attached (LEAF: leaf entries only, IH) and the device-TLBs; Linux's
 * checks and order. array->entry_num returns the entries done.
 */
static int vtd_nested_invalidate(struct iommu_domain *d, struct iommu_user_data_array *array)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	struct iommu_hwpt_vtd_s1_invalidate inv;
	u32 done = 0;
	int ret = 0;

	if (array->type != IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) {
		ret = -EINVAL;
		goto out;
	}
	for (u32 i = 0; i < array->entry_num; i++) {
		u64 last;

		ret = iommu_copy_struct_from_user_array(&inv, sizeof(inv),
							offsetofend(typeof(inv), __reserved), array,
							IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, i);
		if (ret)
			break;
		if ((inv.flags & ~IOMMU_VTD_INV_FLAGS_LEAF) || inv.__reserved) {
			ret = -EOPNOTSUPP;
			break;
		}
		if ((inv.addr & 0xfff) || (inv.npages == ~0ULL && inv.addr)) {
			ret = -EINVAL;
			break;
		}
		if (inv.npages == ~0ULL || check_mul_overflow(inv.npages, 4096ULL, &last) ||
		    check_add_overflow(inv.addr, last - 1, &last))
			last = ~0ULL;
		if (inv.npages) {
			ret = vtd_s1_flush(dom, inv.addr, last, inv.flags & IOMMU_VTD_INV_FLAGS_LEAF);
			if (ret)
				break;
		}
		done++;
	}
out:
	array->entry_num = done;
	return ret;
}

int vtd_s1_flush(struct vtd_domain *dom, u64 start, u64 last, bool leaf)
{
	int ret = 0;

	spin_lock(&vtd_ctx_lock);
	for (int i = 0; i < vtd_nunits; i++) {
		struct vtd_unit *u = vtd_units[i];
		struct vtd_batch b = { .n = 0 };
		u64 base;
		int order = vtd_psi_encode(start >> 12, (last >> 12) - (start >> 12) + 1, 52, &base);
		struct vtd_att *a;
		int r;

		if (!dom->ndevs[i])
			continue;
		list_for_each_entry(a, &dom->devs, dom_node) {
			if (a->vd->unit != u)
				continue;
			if (!pasid_seen(dom, a)) {
				room(u, &b, 1, &ret);
				vtd_batch_piotlb_range(u, &b, dom->did[i], a->pasid, start, last, leaf);
			}
			if (a->vd->ats) {
				room(u, &b, 1, &ret);
				vtd_batch_dev_flush(a->vd, &b, a->pasid, base << 12,
						    order < 0 ? 52 : (unsigned int)order);
			}
		}
		r = b.n ? vtd_batch_run(u, &b) : 0;
		ret = ret ? ret : r;
	}
	spin_unlock(&vtd_ctx_lock);
	return ret;
}

static void vtd_nested_free(struct iommu_domain *d)
{
	struct vtd_domain *dom = to_vtd_domain(d);

	block_attached(dom);
	spin_lock(&vtd_ctx_lock);
	list_del(&dom->child_node);
	vtd_domain_replan(dom->parent);
	spin_unlock(&vtd_ctx_lock);
	kfree(dom);
}

/*
 * A nested domain over parent from IOMMU_HWPT_DATA_VTD_S1, Linux 6.12's
 * checks in its order: data of another type EOPNOTSUPP; a parent of
 * another driver or not a nest parent EINVAL; then the copy's rules
 * (length). As in Linux, flags and __reserved are not checked here and the
 * address width (48, or 57 with FL5LP), SRE (SRS) and EAFE (EAFS) only on
 * attach, against the unit: EINVAL there.
 */
static struct iommu_domain *nested_alloc(struct iommu_domain *parent,
					 const struct iommu_user_data *data)
{
	struct vtd_domain *p = to_vtd_domain(parent), *dom;
	struct iommu_hwpt_vtd_s1 s1;
	int ret;

	if (data->type != IOMMU_HWPT_DATA_VTD_S1)
		return ERR_PTR(-EOPNOTSUPP);
	if (parent->ops != &vtd_paging_ops || !p->nest_parent)
		return ERR_PTR(-EINVAL);
	ret = iommu_copy_struct_from_user(&s1, sizeof(s1), offsetofend(typeof(s1), __reserved),
					  data, IOMMU_HWPT_DATA_VTD_S1);
	if (ret)
		return ERR_PTR(ret);
	dom = domain_new();
	if (!dom)
		return ERR_PTR(-ENOMEM);
	dom->parent = p;
	dom->s1_pgtbl = s1.pgtbl_addr;
	dom->s1_flags = (u32)s1.flags;
	dom->s1_levels = s1.addr_width == 57 ? 5 : s1.addr_width == 48 ? 4 : 0;
	dom->domain.type = IOMMU_DOMAIN_NESTED;
	dom->domain.ops = &vtd_nested_ops;
	dom->domain.iommu = parent->iommu;
	spin_lock(&vtd_ctx_lock);
	list_add_tail(&dom->child_node, &p->children);
	vtd_domain_replan(p);
	spin_unlock(&vtd_ctx_lock);
	return &dom->domain;
}

/*
 * IOMMU_HWPT_ALLOC's driver side (Linux's intel_iommu_domain_alloc_user):
 * with a parent, a nested domain (no flags; the unit must nest); else a
 * second-stage paging domain, a nest parent (needs nesting) and/or dirty
 * tracking (needs second-stage A/D in scalable mode): EOPNOTSUPP where the
 * unit cannot.
 */
struct iommu_domain *vtd_domain_alloc_user(struct iommu_dev *dev, u32 flags,
					   struct iommu_domain *parent,
					   const struct iommu_user_data *data)
{
	struct vtd_dev *vd = dev->iommu_priv;
	struct vtd_unit *u = vd ? vd->unit : NULL;
	bool dirty = flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	bool nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	struct iommu_domain *d;

	if (!u)
		return ERR_PTR(-ENODEV);
	if (parent) {
		if (!(u->sm && u->nest) || flags)
			return ERR_PTR(-EOPNOTSUPP);
		return nested_alloc(parent, data);
	}
	if (flags & ~(u32)(IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);
	if ((nest_parent && !(u->sm && u->nest)) || (data && data->len) ||
	    (dirty && !(u->sm && u->ssads)))
		return ERR_PTR(-EOPNOTSUPP);
	/* user domains translate second stage, as Linux's */
	d = paging_alloc(u, false);
	if (IS_ERR(d))
		return d;
	to_vtd_domain(d)->nest_parent = nest_parent;
	if (dirty)
		d->dirty_ops = &vtd_dirty_ops;
	return d;
}

static void vtd_static_free(struct iommu_domain *d)
{
}

static const struct iommu_domain_ops vtd_paging_ops = {
	.attach_dev = vtd_attach_dev,
	.set_dev_pasid = vtd_set_dev_pasid,
	.map_pages = vtd_map_pages,
	.unmap_pages = vtd_unmap_pages,
	.iotlb_sync_map = vtd_iotlb_sync_map,
	.iotlb_sync = vtd_iotlb_sync,
	.flush_iotlb_all = vtd_flush_iotlb_all,
	.iova_to_phys = vtd_iova_to_phys,
	.free = vtd_domain_free,
	.mapped_pgsize = vtd_mapped_pgsize,
	.table_pages = vtd_table_pages,
};

static const struct iommu_domain_ops vtd_static_ops = {
	.attach_dev = vtd_attach_dev,
	.set_dev_pasid = vtd_set_dev_pasid,
	.free = vtd_static_free,
};

static const struct iommu_domain_ops vtd_nested_ops = {
	.attach_dev = vtd_attach_dev,
	.set_dev_pasid = vtd_set_dev_pasid,
	.free = vtd_nested_free,
	.cache_invalidate_user = vtd_nested_invalidate,
};
