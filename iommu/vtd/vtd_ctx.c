// SPDX-License-Identifier: MIT
/*
 * VT-d root and context tables (legacy mode) and domain ids: which domain a
 * requester ID translates through, changed only by the clear -> flush ->
 * set rule. Layouts: VT-d spec 4.1 ch. 9.1, 9.3; rules ch. 6.5.3, 6.1.
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/failpoint.h"

static void flush_if_needed(const struct vtd_unit *u, const void *p, size_t len)
{
	if (!u->coherent)
		vtd_cache_flush(p, len);
}

int vtd_ctx_init(struct vtd_unit *u)
{
	u->ndoms = min(vtd_cap_ndoms(u->cap), 65536u);
	u->dids = failable(kzalloc(BITS_TO_LONGS(u->ndoms) * sizeof(long)));
	u->root = failable(page_alloc_va(0));
	if (!u->dids || !u->root) {
		vtd_ctx_fini(u);
		return -ENOMEM;
	}
	u->root_pa = virt_to_phys(u->root);
	flush_if_needed(u, u->root, PAGE_SIZE);
	if (u->cm)
		bitmap_set_bit(u->dids, 0);	/* CM=1 tags cached not-present entries with DID 0 */
	return 0;
}

void vtd_ctx_fini(struct vtd_unit *u)
{
	for (int b = 0; b < 256; b++) {
		if (u->ctx[b])
			page_free_va(u->ctx[b], 0);
		u->ctx[b] = NULL;
	}
	if (u->root)
		page_free_va(u->root, 0);
	kfree(u->dids);
	u->root = NULL;
	u->dids = NULL;
}

int vtd_did_alloc(struct vtd_unit *u)
{
	size_t did = bitmap_find_next_zero(u->dids, u->ndoms, 0);

	if (did >= u->ndoms || failpoint_hit())
		return -ENOSPC;
	bitmap_set_bit(u->dids, did);
	return (int)did;
}

void vtd_did_free(struct vtd_unit *u, u16 did)
{
	if (did >= u->ndoms || !bitmap_test_bit(u->dids, did) || (u->cm && did == 0))
		return;
	bitmap_clear_bit(u->dids, did);
}

u64 *vtd_ctx_entry(struct vtd_unit *u, u8 bus, u8 devfn)
{
	return u->ctx[bus] ? &u->ctx[bus][devfn * 2] : NULL;
}

/* The context table of a bus, created and linked from the root on first use. */
int vtd_ctx_table(struct vtd_unit *u, u8 bus)
{
	u64 *t;

	if (u->ctx[bus])
		return 0;
	t = failable(page_alloc_va(0));
	if (!t)
		return -ENOMEM;
	flush_if_needed(u, t, PAGE_SIZE);
	u->ctx[bus] = t;
	u->ctx_pa[bus] = virt_to_phys(t);
	u->root[bus * 2 + 1] = 0;
	WRITE_ONCE(u->root[bus * 2], u->ctx_pa[bus] | VTD_ROOT_P);
	flush_if_needed(u, &u->root[bus * 2], 16);
	return 0;
}

/* Another device with the same requester ID that is attached (an alias). */
static struct vtd_dev *alias_attached(const struct vtd_dev *vd)
{
	struct iommu_dev *d;

	for (int n = 0; (d = iommu_dev_get(n)); n++) {
		struct vtd_dev *o = d->ops == &vtd_iommu_ops ? d->iommu_priv : NULL;

		if (o && o != vd && o->unit == vd->unit && o->bus == vd->bus &&
		    o->devfn == vd->devfn && o->dom)
			return o;
	}
	return NULL;
}

/*
 * Make the entry not present and flush what the unit cached for it. When
 * that flush fails, a global one is tried; the result says whether the old
 * DID's caches are known to be clean (else the DID must never be reused).
 */
static int ctx_clear(struct vtd_dev *vd, u64 *ce)
{
	struct vtd_unit *u = vd->unit;
	u16 did = (u16)FIELD_GET(VTD_CTX_DID, ce[1]);
	struct vtd_batch b = { .n = 0 };

	WRITE_ONCE(ce[0], 0);
	WRITE_ONCE(ce[1], 0);
	flush_if_needed(u, ce, 16);
	vtd_trace(u, VTD_EV_CTX_CLEAR, 0, did, vtd_dev_sid(vd), 0, 0);
	vtd_flush_write_buffer(u);
	vtd_batch_cc(&b, VTD_GRAN_DEVICE, did, vtd_dev_sid(vd));
	vtd_batch_iotlb(u, &b, VTD_GRAN_DOMAIN, did, 0, 0, false);
	if (vd->ats)
		vtd_batch_devtlb(&b, vtd_dev_sid(vd), vd->ats_qdep, 0, 52);
	if (!vtd_batch_run(u, &b) || !vtd_flush_all(u))
		return 0;
	printk("vtd: %s: DID %u could not be flushed: it is never reused\n", u->name, did);
	return -EIO;
}

/* Write a not-present entry as present for dom, then what CM/RWBF require. */
static void ctx_set(struct vtd_dev *vd, u64 *ce, struct vtd_domain *dom, u16 did)
{
	struct vtd_unit *u = vd->unit;
	bool identity = dom->domain.type == IOMMU_DOMAIN_IDENTITY;
	int levels = identity ? u->levels : dom->pt.levels;
	u64 tt = identity ? VTD_TT_PASS_THROUGH : vd->ats ? VTD_TT_DEV_IOTLB : VTD_TT_MULTI_LEVEL;
	struct vtd_batch b = { .n = 0 };

	WRITE_ONCE(ce[1], FIELD_PREP(VTD_CTX_AW, levels - 2) | FIELD_PREP(VTD_CTX_DID, did));
	barrier();
	WRITE_ONCE(ce[0], (identity ? 0 : dom->pt.root) | FIELD_PREP(VTD_CTX_TT, tt) | VTD_CTX_P);
	flush_if_needed(u, ce, 16);
	vtd_trace(u, VTD_EV_CTX_SET, 0, did, vtd_dev_sid(vd), 0, 0);
	if (u->cm) {
		/* not-present entries may be cached, tagged with DID 0 */
		vtd_batch_cc(&b, VTD_GRAN_DEVICE, 0, vtd_dev_sid(vd));
		vtd_batch_iotlb(u, &b, VTD_GRAN_DOMAIN, did, 0, 0, false);
		vtd_batch_run(u, &b);
	} else {
		vtd_flush_write_buffer(u);
	}
}

/* Checks and resources for attaching vd to dom; nothing visible changes. */
static int ctx_prepare(struct vtd_dev *vd, struct vtd_domain *dom, u16 *did, bool *new_did)
{
	struct vtd_unit *u = vd->unit;
	int ret;

	*new_did = false;
	if (dom->domain.type == IOMMU_DOMAIN_IDENTITY && !vtd_ecap_pt(u->ecap))
		return -EOPNOTSUPP;
	if (dom->domain.type == IOMMU_DOMAIN_PAGING && !(u->level_mask & BIT(dom->pt.levels)))
		return -EINVAL;	/* the unit cannot walk tables this deep */
	if (dom->ndevs[u->idx]) {
		*did = dom->did[u->idx];
	} else {
		ret = vtd_did_alloc(u);
		if (ret < 0)
			return ret;
		*did = (u16)ret;
		*new_did = true;
	}
	ret = vtd_ctx_table(u, vd->bus);
	if (ret && *new_did)
		vtd_did_free(u, *did);
	return ret;
}

DEFINE_SPINLOCK(vtd_ctx_lock);

static int ctx_attach_locked(struct vtd_dev *vd, struct vtd_domain *dom)
{
	struct vtd_unit *u = vd->unit;
	struct vtd_domain *old = vd->dom;
	struct vtd_dev *sib = alias_attached(vd);
	bool new_did = false;
	u16 did = 0;
	bool clean = true;
	u64 *ce;
	int ret;

	if (old == dom)
		return 0;
	if (sib && dom && sib->dom != dom)
		return -EBUSY;	/* one context entry serves both: they move together */
	if (dom) {
		ret = ctx_prepare(vd, dom, &did, &new_did);
		if (ret)
			return ret;
		if (dom->domain.type == IOMMU_DOMAIN_PAGING && !u->coherent)
			vtd_pgtable_set_flush(&dom->pt);
	}
	ce = vtd_ctx_entry(u, vd->bus, vd->devfn);
	if (!sib && ce && (ce[0] & VTD_CTX_P))
		clean = ctx_clear(vd, ce) == 0;
	if (!sib && dom)
		ctx_set(vd, ce, dom, did);
	if (old) {
		list_del(&vd->dom_node);
		if (--old->ndevs[u->idx] == 0 && clean)
			vtd_did_free(u, old->did[u->idx]);
	}
	if (dom) {
		dom->did[u->idx] = did;
		dom->ndevs[u->idx]++;
		list_add_tail(&vd->dom_node, &dom->devs);
	}
	vd->dom = dom;
	return 0;
}

int vtd_ctx_attach(struct vtd_dev *vd, struct vtd_domain *dom)
{
	int ret;

	spin_lock(&vtd_ctx_lock);
	ret = ctx_attach_locked(vd, dom);
	spin_unlock(&vtd_ctx_lock);
	return ret;
}
