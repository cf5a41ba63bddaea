// SPDX-License-Identifier: MIT
/*
 * VT-d domains behind the iommu.h ops: paging domains (second-level tables
 * plus the invalidation each change needs), the blocked and identity
 * domains, attach with RMRR identity maps first, and reserved regions.
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"

#define MSI_WINDOW_BASE	0xfee00000ULL
#define MSI_WINDOW_SIZE	0x100000ULL

static const struct iommu_domain_ops vtd_paging_ops;
static const struct iommu_domain_ops vtd_static_ops;

struct vtd_domain vtd_blocked_domain = {
	.domain = { .type = IOMMU_DOMAIN_BLOCKED, .ops = &vtd_static_ops, .owner = &vtd_iommu_ops },
	.devs = LIST_HEAD_INIT(vtd_blocked_domain.devs),
};

struct vtd_domain vtd_identity_domain = {
	.domain = { .type = IOMMU_DOMAIN_IDENTITY, .ops = &vtd_static_ops, .owner = &vtd_iommu_ops },
	.devs = LIST_HEAD_INIT(vtd_identity_domain.devs),
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

int vtd_domain_flush(struct vtd_domain *dom, u64 start, u64 last, bool ih)
{
	u64 base;
	int order = vtd_psi_encode(start >> 12, (last >> 12) - (start >> 12) + 1, 52, &base);
	int ret = 0;

	spin_lock(&vtd_ctx_lock);	/* the units and devices dom is attached through */
	for (int i = 0; i < vtd_nunits; i++) {
		struct vtd_unit *u = vtd_units[i];
		struct vtd_batch b = { .n = 0 };
		struct vtd_dev *vd;
		int r;

		if (!dom->ndevs[i])
			continue;
		vtd_batch_iotlb_range(u, &b, dom->did[i], start, last, ih);
		list_for_each_entry(vd, &dom->devs, dom_node) {
			if (vd->unit != u || !vd->ats)
				continue;
			if (b.n == VTD_BATCH_MAX) {
				r = vtd_batch_run(u, &b);
				ret = ret ? ret : r;
			}
			vtd_batch_devtlb(&b, vtd_dev_sid(vd), vd->ats_qdep, base << 12,
					 order < 0 ? 52 : (unsigned int)order);
		}
		r = vtd_batch_run(u, &b);
		ret = ret ? ret : r;
	}
	spin_unlock(&vtd_ctx_lock);
	return ret;
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

/* CM=1: not-present -> present changes are invalidated too (RWBF: the write buffer). */
static int vtd_iotlb_sync_map(struct iommu_domain *d, unsigned long iova, size_t size)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	int ret = 0;

	spin_lock(&vtd_ctx_lock);
	for (int i = 0; i < vtd_nunits; i++) {
		struct vtd_unit *u = vtd_units[i];
		struct vtd_batch b = { .n = 0 };

		if (!dom->ndevs[i])
			continue;
		if (u->cm) {
			vtd_batch_iotlb_range(u, &b, dom->did[i], iova, iova + size - 1, true);
			ret = ret ? ret : vtd_batch_run(u, &b);
		} else {
			ret = ret ? ret : vtd_flush_write_buffer(u);
		}
	}
	spin_unlock(&vtd_ctx_lock);
	return ret;
}

/*
 * Move a list of table pages without list_del: the nodes live in the pages,
 * and list poison values would read as present entries to a stale walker.
 */
static void splice_tail(struct list_head *from, struct list_head *to)
{
	if (list_empty(from))
		return;
	from->next->prev = to->prev;
	to->prev->next = from->next;
	from->prev->next = to;
	to->prev = from->prev;
	INIT_LIST_HEAD(from);
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

	if (g->start <= g->end &&
	    vtd_domain_flush(dom, g->start, g->end, !tables)) {
		printk("vtd: invalidation failed: emptied table pages kept until the domain is freed\n");
		splice_tail(&g->freelist, &dom->deferred);
		return;
	}
	vtd_pgtable_free_gathered(&dom->pt, g);
}

static void vtd_flush_iotlb_all(struct iommu_domain *d)
{
	struct vtd_domain *dom = to_vtd_domain(d);

	vtd_domain_flush(dom, 0, (1ULL << vtd_pgtable_width(dom->pt.levels)) - 1, false);
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

static void vtd_domain_free(struct iommu_domain *d)
{
	struct vtd_domain *dom = to_vtd_domain(d);
	struct vtd_dev *vd, *n;

	/* a caller that forgot to detach: block those devices before the tables go */
	list_for_each_entry_safe(vd, n, &dom->devs, dom_node) {
		printk("vtd: domain freed while %s is attached; blocking it\n", vd->dev->name);
		vtd_ctx_attach(vd, NULL);
		vd->dev->domain = &vtd_blocked_domain.domain;
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
		splice_tail(&dom->deferred, &g.freelist);
		vtd_pgtable_free_gathered(&dom->pt, &g);
	}
	vtd_pgtable_destroy(&dom->pt);
	kfree(dom);
}

struct iommu_domain *vtd_domain_alloc_paging(struct iommu_dev *dev)
{
	struct vtd_dev *vd = dev->iommu_priv;
	struct vtd_unit *u = vd ? vd->unit : NULL;
	struct vtd_domain *dom;
	unsigned int width;

	if (!u)
		return ERR_PTR(-ENODEV);
	dom = failable(kzalloc(sizeof(*dom)));
	if (!dom)
		return ERR_PTR(-ENOMEM);
	if (vtd_pgtable_init(&dom->pt, u->levels, u->pgsizes, !u->coherent)) {
		kfree(dom);
		return ERR_PTR(-ENOMEM);
	}
	dom->pt.snoop = vtd_ecap_sc(u->ecap) ? VTD_PTE_SNP : 0;
	spin_lock_init(&dom->pt_lock);
	INIT_LIST_HEAD(&dom->devs);
	INIT_LIST_HEAD(&dom->deferred);
	width = min(vtd_pgtable_width(u->levels), u->mgaw);
	dom->domain.type = IOMMU_DOMAIN_PAGING;
	dom->domain.ops = &vtd_paging_ops;
	dom->domain.owner = &vtd_iommu_ops;
	dom->domain.pgsize_bitmap = u->pgsizes;
	dom->domain.geometry.aperture_start = 0;
	dom->domain.geometry.aperture_end = (1ULL << width) - 1;
	dom->domain.geometry.force_aperture = true;
	dom->domain.iommu = &u->iommu;
	return &dom->domain;
}

static void vtd_static_free(struct iommu_domain *d)
{
}

static const struct iommu_domain_ops vtd_paging_ops = {
	.attach_dev = vtd_attach_dev,
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
	.free = vtd_static_free,
};
