// SPDX-License-Identifier: MIT
/*
 * VT-d root and context tables, legacy and scalable mode, and domain ids:
 * which domain a requester ID (and in scalable mode each PASID of it)
 * translates through, changed only by the clear -> flush -> set rule.
 * Layouts: VT-d spec 4.1 ch. 9.1-9.6; rules ch. 6.5.3 (table 25), 6.1.
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "lib/alloc.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

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
	for (int b = 0; b < 512; b++) {
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

/* Slot of the context table holding bus:devfn in u->ctx[]. */
static int ctx_slot(const struct vtd_unit *u, u8 bus, u8 devfn)
{
	return u->sm ? bus * 2 + devfn / 128 : bus;
}

u64 *vtd_ctx_entry(struct vtd_unit *u, u8 bus, u8 devfn)
{
	u64 *t = u->ctx[ctx_slot(u, bus, devfn)];

	if (!t)
		return NULL;
	return u->sm ? &t[(devfn % 128) * 4] : &t[devfn * 2];
}

/*
 * The context table(s) of a bus, created and linked from the root on first
 * use: one (legacy), or the lower and upper halves (scalable mode).
 */
int vtd_ctx_table(struct vtd_unit *u, u8 bus)
{
	int n = u->sm ? 2 : 1, first = ctx_slot(u, bus, 0);
	u64 *t[2] = { NULL, NULL };

	if (u->ctx[first])
		return 0;
	for (int i = 0; i < n; i++) {
		t[i] = failable(page_alloc_va(0));
		if (!t[i]) {
			if (i)
				page_free_va(t[0], 0);
			return -ENOMEM;
		}
		flush_if_needed(u, t[i], PAGE_SIZE);
	}
	for (int i = 0; i < n; i++) {
		u->ctx[first + i] = t[i];
		u->ctx_pa[first + i] = virt_to_phys(t[i]);
	}
	WRITE_ONCE(u->root[bus * 2 + 1], n == 2 ? u->ctx_pa[first + 1] | VTD_SMROOT_P : 0);
	WRITE_ONCE(u->root[bus * 2], u->ctx_pa[first] | VTD_ROOT_P);
	flush_if_needed(u, &u->root[bus * 2], 16);
	return 0;
}

/* Another device with the same requester ID (an alias), attached when attached_only. */
static struct vtd_dev *alias_of(const struct vtd_dev *vd, bool attached_only)
{
	struct iommu_dev *d;

	for (int n = 0; (d = iommu_dev_get(n)); n++) {
		struct vtd_dev *o = d->ops == &vtd_iommu_ops ? d->iommu_priv : NULL;

		if (o && o != vd && o->unit == vd->unit && o->bus == vd->bus &&
		    o->devfn == vd->devfn && (o->dom || !attached_only))
			return o;
	}
	return NULL;
}

void vtd_batch_dev_flush(struct vtd_dev *vd, struct vtd_batch *b, u32 pasid, u64 addr,
			 unsigned int order)
{
	if (!vd->ats)
		return;
	if (pasid)
		vtd_batch_pdevtlb(b, vtd_dev_sid(vd), vd->pfsid, vd->ats_qdep, pasid, addr, order);
	else
		vtd_batch_devtlb(b, vtd_dev_sid(vd), vd->pfsid, vd->ats_qdep, addr, order);
}

/*
 * Run b; when that fails, a global flush is tried. The result says whether
 * the caches b was for are known to be clean (else the DID those entries
 * carried must never be reused, and the tables they reached never freed).
 */
static int run_or_flush_all(struct vtd_unit *u, struct vtd_batch *b, u16 did)
{
	if (!vtd_batch_run(u, b) || !vtd_flush_all(u))
		return 0;
	printk("vtd: %s: DID %u could not be flushed: it is never reused\n", u->name, did);
	return -EIO;
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
	vtd_batch_dev_flush(vd, &b, 0, 0, 52);
	return run_or_flush_all(u, &b, did);
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

/* dom's DID on u: the one it has while attached there, else a fresh one. */
static int did_get(struct vtd_unit *u, struct vtd_domain *dom, u16 *did, bool *new_did)
{
	int ret;

	*new_did = false;
	if (dom->ndevs[u->idx]) {
		*did = dom->did[u->idx];
		return 0;
	}
	ret = vtd_did_alloc(u);
	if (ret < 0)
		return ret;
	*did = (u16)ret;
	*new_did = true;
	return 0;
}

/* Checks and resources for attaching vd to dom; nothing visible changes. */
static int ctx_prepare(struct vtd_dev *vd, struct vtd_domain *dom, u16 *did, bool *new_did)
{
	struct vtd_unit *u = vd->unit;
	int ret;

	*new_did = false;
	if (dom->domain.type == IOMMU_DOMAIN_IDENTITY && !vtd_ecap_pt(u->ecap))
		return -EOPNOTSUPP;
	if (dom->domain.type != IOMMU_DOMAIN_IDENTITY && dom->domain.type != IOMMU_DOMAIN_PAGING)
		return -EINVAL;	/* nested domains need scalable mode */
	if (dom->domain.type == IOMMU_DOMAIN_PAGING && vtd_paging_check(u, dom))
		return -EINVAL;	/* the unit cannot walk these tables (or track dirty bits) */
	ret = did_get(u, dom, did, new_did);
	if (ret)
		return ret;
	ret = vtd_ctx_table(u, vd->bus);
	if (ret && *new_did)
		vtd_did_free(u, *did);
	return ret;
}

DEFINE_SPINLOCK(vtd_ctx_lock);

/* Put attachment a on dom's books with did. */
static void att_link(struct vtd_att *a, struct vtd_domain *dom, u16 did)
{
	struct vtd_unit *u = a->vd->unit;

	a->dom = dom;
	dom->did[u->idx] = did;
	dom->ndevs[u->idx]++;
	list_add_tail(&a->dom_node, &dom->devs);
	vtd_domain_replan(dom);
}

/* Take a off its domain's books; the DID goes back with the last one, if its caches are clean. */
static void att_unlink(struct vtd_att *a, bool clean)
{
	struct vtd_unit *u = a->vd->unit;
	struct vtd_domain *old = a->dom;

	list_del(&a->dom_node);
	if (--old->ndevs[u->idx] == 0 && clean)
		vtd_did_free(u, old->did[u->idx]);
	vtd_domain_replan(old);
	a->dom = NULL;
}

static int ctx_attach_locked(struct vtd_dev *vd, struct vtd_domain *dom)
{
	struct vtd_unit *u = vd->unit;
	struct vtd_domain *old = vd->dom;
	struct vtd_dev *sib = alias_of(vd, true);
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
		if (dom->domain.type == IOMMU_DOMAIN_PAGING && !u->pt_coherent)
			vtd_pgtable_set_flush(&dom->pt);
	}
	ce = vtd_ctx_entry(u, vd->bus, vd->devfn);
	if (!sib && ce && (ce[0] & VTD_CTX_P))
		clean = ctx_clear(vd, ce) == 0;
	if (!sib && dom)
		ctx_set(vd, ce, dom, did);
	if (old)
		att_unlink(&vd->rid, clean);
	if (dom)
		att_link(&vd->rid, dom, did);
	vd->dom = dom;
	return 0;
}

/* --- scalable mode: context entries point at PASID tables --- */

/*
 * A PASID entry goes from present to not present (table 25): P cleared,
 * then PASID cache for the PASID, the IOTLB the entry's translation type
 * filled (second stage and nested: by DID; first stage and pass-through:
 * by DID and PASID), the device-TLB, one wait; only then is the entry
 * zeroed. Returns 0 when the caches are known clean.
 */
static int pe_clear(struct vtd_dev *vd, u64 *pe, u32 pasid)
{
	struct vtd_unit *u = vd->unit;
	u16 did = (u16)FIELD_GET(VTD_PE_DID, pe[1]);
	int pgtt = (int)FIELD_GET(VTD_PE_PGTT, pe[0]);
	struct vtd_batch b = { .n = 0 };
	int ret;

	WRITE_ONCE(pe[0], pe[0] & ~VTD_PE_P);
	flush_if_needed(u, pe, 64);
	vtd_trace_pasid(u, VTD_EV_PE_CLEAR, (u8)pgtt, did, vtd_dev_sid(vd), 0, 0, pasid);
	vtd_flush_write_buffer(u);
	vtd_batch_pc(&b, VTD_PC_PASID_SEL, did, pasid);
	if (pgtt == VTD_PGTT_PT || pgtt == VTD_PGTT_FS)
		vtd_batch_piotlb(&b, VTD_P_GRAN_PASID, did, pasid, 0, 0, false);
	else
		vtd_batch_iotlb(u, &b, VTD_GRAN_DOMAIN, did, 0, 0, false);
	vtd_batch_dev_flush(vd, &b, pasid, 0, 52);
	if (pgtt == VTD_PGTT_PT && u->qemu_pt_quirk && !pasid)
		vtd_batch_cc(&b, VTD_GRAN_DEVICE, 0, vtd_dev_sid(vd));
	ret = run_or_flush_all(u, &b, did);
	memset(pe, 0, 8 * sizeof(u64));
	flush_if_needed(u, pe, 64);
	return ret;
}

/*
 * Write a not-present PASID entry: every field, then P. With CM=1 the
 * unit may have cached it as not present: PASID cache and PASID-based
 * IOTLB for it (as Linux does); else only the write buffer.
 */
static void pe_set(struct vtd_dev *vd, u64 *pe, u32 pasid, const u64 *val)
{
	struct vtd_unit *u = vd->unit;
	u16 did = (u16)FIELD_GET(VTD_PE_DID, val[1]);
	struct vtd_batch b = { .n = 0 };

	for (int i = 7; i >= 1; i--)
		WRITE_ONCE(pe[i], val[i]);
	barrier();
	WRITE_ONCE(pe[0], val[0] | VTD_PE_P);
	flush_if_needed(u, pe, 64);
	vtd_trace_pasid(u, VTD_EV_PE_SET, (u8)FIELD_GET(VTD_PE_PGTT, val[0]), did,
			vtd_dev_sid(vd), 0, 0, pasid);
	if (u->cm) {
		vtd_batch_pc(&b, VTD_PC_PASID_SEL, did, pasid);
		vtd_batch_piotlb(&b, VTD_P_GRAN_PASID, did, pasid, 0, 0, false);
		vtd_batch_run(u, &b);
	} else {
		vtd_flush_write_buffer(u);
	}
}

/* A not-present scalable-mode context entry made present, pointing at a directory. */
static void smctx_set(struct vtd_dev *vd, u64 *ce, phys_addr_t dir_pa, u8 pdts)
{
	struct vtd_unit *u = vd->unit;
	struct vtd_batch b = { .n = 0 };

	WRITE_ONCE(ce[3], 0);
	WRITE_ONCE(ce[2], 0);
	WRITE_ONCE(ce[1], FIELD_PREP(VTD_SMCTX_RID_PASID, 0));
	barrier();
	WRITE_ONCE(ce[0], dir_pa | FIELD_PREP(VTD_SMCTX_PDTS, pdts) |
		   (vd->ats ? VTD_SMCTX_DTE : 0) | (vd->pasid_bits ? VTD_SMCTX_PASIDE : 0) |
		   VTD_SMCTX_P);
	flush_if_needed(u, ce, 32);
	vtd_trace(u, VTD_EV_CTX_SET, 0, 0, vtd_dev_sid(vd), 0, 0);
	if (u->cm) {
		vtd_batch_cc(&b, VTD_GRAN_DEVICE, 0, vtd_dev_sid(vd));
		vtd_batch_iotlb(u, &b, VTD_GRAN_DOMAIN, 0, 0, 0, false);
		vtd_batch_run(u, &b);
	} else {
		vtd_flush_write_buffer(u);
	}
}

/*
 * The last PASID entry went: the context entry goes too (context cache by
 * device, device-TLB; the IOTLB holds nothing of it any more), and its
 * PASID tables are freed once that flush completed. If it failed they are
 * kept for ever: a walker may still hold them.
 */
static void smctx_clear(struct vtd_dev *vd, u64 *ce)
{
	struct vtd_unit *u = vd->unit;
	u64 *dir = vtd_phys_va(ce[0] & VTD_SMCTX_PDTP);
	u8 pdts = (u8)FIELD_GET(VTD_SMCTX_PDTS, ce[0]);
	struct vtd_batch b = { .n = 0 };

	WRITE_ONCE(ce[0], ce[0] & ~VTD_SMCTX_P);
	flush_if_needed(u, ce, 32);
	vtd_trace(u, VTD_EV_CTX_CLEAR, 0, 0, vtd_dev_sid(vd), 0, 0);
	vtd_flush_write_buffer(u);
	vtd_batch_cc(&b, VTD_GRAN_DEVICE, 0, vtd_dev_sid(vd));
	vtd_batch_dev_flush(vd, &b, 0, 0, 52);
	if (run_or_flush_all(u, &b, 0)) {
		printk("vtd: %s: PASID tables of %02x:%02x.%u kept: their flush failed\n", u->name,
		       vd->bus, vd->devfn >> 3, vd->devfn & 7);
	} else {
		vtd_pasid_dir_free(dir, pdts);
	}
	memset(ce, 0, 4 * sizeof(u64));
	flush_if_needed(u, ce, 32);
}

/* The attachment of vd's pasid, NULL when there is none. */
static struct vtd_att *att_of(struct vtd_dev *vd, u32 pasid)
{
	struct vtd_att *a;

	if (!pasid)
		return vd->dom ? &vd->rid : NULL;
	list_for_each_entry(a, &vd->pasids, dev_node)
		if (a->pasid == pasid)
			return a;
	return NULL;
}

/*
 * Resources for pointing vd's pasid at dom, allocated before anything
 * visible changes: the DID, the bus's context tables, a directory when
 * the context entry is not present, the PASID table, the attachment.
 */
struct sm_prep {
	u16 did;
	bool new_did, new_ctx;
	u64 *dir;
	phys_addr_t dir_pa;
	u8 pdts;
	struct vtd_att *att;
	u64 pe[8];
};

static int sm_prepare(struct vtd_dev *vd, u32 pasid, struct vtd_domain *dom, u64 *ce,
		      struct sm_prep *p)
{
	struct vtd_unit *u = vd->unit;
	int ret = vtd_pe_check(u, dom);

	if (ret || (ret = did_get(u, dom, &p->did, &p->new_did)))
		return ret;
	p->att = &vd->rid;
	if (pasid && !(p->att = failable(kzalloc(sizeof(*p->att))))) {
		ret = -ENOMEM;
		goto out_did;
	}
	p->new_ctx = !(ce[0] & VTD_SMCTX_P);
	if (p->new_ctx)
		p->dir = vtd_pasid_dir_alloc(u, vd->pasid_bits, &p->pdts, &p->dir_pa);
	else
		p->dir = vtd_phys_va(ce[0] & VTD_SMCTX_PDTP);
	if (!p->dir) {
		ret = -ENOMEM;
		goto out_att;
	}
	ret = vtd_pasid_table_ensure(u, p->dir, pasid);
	if (ret)
		goto out_dir;
	vtd_pe_build(u, dom, p->did, p->pe);
	return 0;

out_dir:
	if (p->new_ctx)
		vtd_pasid_dir_free(p->dir, p->pdts);
out_att:
	if (pasid)
		kfree(p->att);
out_did:
	if (p->new_did)
		vtd_did_free(u, p->did);
	return ret;
}

/*
 * Point vd's pasid (0: the RID, through RID_PASID) at dom, or at nothing.
 * A present entry is torn down first (pe_clear), then the new one written;
 * the context entry is present while any PASID entry of the RID is.
 */
static int sm_attach_locked(struct vtd_dev *vd, u32 pasid, struct vtd_domain *dom)
{
	struct vtd_unit *u = vd->unit;
	struct vtd_att *a = att_of(vd, pasid);
	struct vtd_domain *old = a ? a->dom : NULL;
	struct vtd_dev *sib = pasid ? NULL : alias_of(vd, true);
	struct sm_prep p = { .did = 0 };
	bool clean = true;
	u64 *ce;
	int ret;

	if (old == dom)
		return 0;
	if (sib && dom && sib->dom != dom)
		return -EBUSY;	/* one context entry serves both: they move together */
	ret = vtd_ctx_table(u, vd->bus);
	if (ret)
		return ret;
	ce = vtd_ctx_entry(u, vd->bus, vd->devfn);
	if (sib) {
		/* the alias keeps the entries; only the books change */
		if (dom)
			att_link(&vd->rid, dom, dom->did[u->idx]);
		else
			att_unlink(&vd->rid, true);
		vd->dom = dom;
		return 0;
	}
	if (dom) {
		ret = sm_prepare(vd, pasid, dom, ce, &p);
		if (ret)
			return ret;
		if (!u->pt_coherent) {
			if (dom->domain.type == IOMMU_DOMAIN_PAGING)
				vtd_pgtable_set_flush(&dom->pt);
			if (dom->parent)
				vtd_pgtable_set_flush(&dom->parent->pt);
		}
	}
	if (old)
		clean = pe_clear(vd, vtd_pasid_entry(ce, pasid), pasid) == 0;
	if (dom) {
		if (p.new_ctx)
			smctx_set(vd, ce, p.dir_pa, p.pdts);
		pe_set(vd, vtd_pasid_entry(ce, pasid), pasid, p.pe);
	}
	if (old) {
		att_unlink(a, clean);
		if (pasid) {
			list_del(&a->dev_node);
			kfree(a);
		}
	}
	if (dom) {
		p.att->vd = vd;
		p.att->pasid = pasid;
		att_link(p.att, dom, p.did);
		if (pasid)
			list_add_tail(&p.att->dev_node, &vd->pasids);
	}
	if (!pasid)
		vd->dom = dom;
	if (!vd->dom && list_empty(&vd->pasids) && (ce[0] & VTD_SMCTX_P))
		smctx_clear(vd, ce);
	return 0;
}

int vtd_ctx_attach(struct vtd_dev *vd, struct vtd_domain *dom)
{
	int ret;

	spin_lock(&vtd_ctx_lock);
	if (vd->unit->sm)
		ret = sm_attach_locked(vd, 0, dom);
	else
		ret = ctx_attach_locked(vd, dom);
	spin_unlock(&vtd_ctx_lock);
	return ret;
}

int vtd_pasid_attach(struct vtd_dev *vd, u32 pasid, struct vtd_domain *dom)
{
	int ret;

	if (!vd->unit->sm || !vd->pasid_bits)
		return -EOPNOTSUPP;
	if (!pasid || pasid >> vd->pasid_bits)
		return -EINVAL;
	spin_lock(&vtd_ctx_lock);
	ret = alias_of(vd, false) ? -EBUSY : sm_attach_locked(vd, pasid, dom);
	spin_unlock(&vtd_ctx_lock);
	return ret;
}

struct vtd_domain *vtd_pasid_domain(struct vtd_dev *vd, u32 pasid)
{
	struct vtd_att *a;

	spin_lock(&vtd_ctx_lock);
	a = att_of(vd, pasid);
	spin_unlock(&vtd_ctx_lock);
	return a ? a->dom : NULL;
}

/*
 * A present PASID entry rewritten in place (SSADE): the new first qword,
 * then table 25's sequence for a changed entry: PASID cache, IOTLB by DID
 * (second stage), device-TLB. vtd_ctx_lock held. 0 or the first error.
 */
static int pe_modify(struct vtd_att *a, u64 *pe, const u64 *val)
{
	struct vtd_unit *u = a->vd->unit;
	u16 did = (u16)FIELD_GET(VTD_PE_DID, pe[1]);
	struct vtd_batch b = { .n = 0 };
	int ret, wbf;

	WRITE_ONCE(pe[0], val[0] | VTD_PE_P);
	flush_if_needed(u, pe, 64);
	vtd_trace_pasid(u, VTD_EV_PE_CHANGE, (u8)FIELD_GET(VTD_PE_PGTT, val[0]), did,
			vtd_dev_sid(a->vd), 0, 0, a->pasid);
	wbf = vtd_flush_write_buffer(u);
	vtd_batch_pc(&b, VTD_PC_PASID_SEL, did, a->pasid);
	vtd_batch_iotlb(u, &b, VTD_GRAN_DOMAIN, did, 0, 0, false);
	vtd_batch_dev_flush(a->vd, &b, a->pasid, 0, 52);
	ret = vtd_batch_run(u, &b);
	return wbf ? wbf : ret;
}

/*
 * Rewrite the entries of every attachment of dom to what dom's state says
 * now; every entry is written even after a failed flush. 0 or the first error.
 */
static int refresh_entries(struct vtd_domain *dom)
{
	struct vtd_att *a;
	int ret = 0;

	list_for_each_entry(a, &dom->devs, dom_node) {
		u64 *ce = vtd_ctx_entry(a->vd->unit, a->vd->bus, a->vd->devfn), *pe, val[8];
		int r;

		if (!a->vd->unit->sm)
			continue;	/* a legacy context entry has no PASID entry (refused on attach) */
		pe = vtd_pasid_entry(ce, a->pasid);
		if (!pe || !(pe[0] & VTD_PE_P))
			continue;	/* an alias's books: its sibling's entry is the same */
		vtd_pe_build(a->vd->unit, dom, dom->did[a->vd->unit->idx], val);
		if (val[0] == (pe[0] & ~VTD_PE_P))
			continue;
		r = pe_modify(a, pe, val);
		ret = ret ? ret : r;
	}
	return ret;
}

/* ... of dom and, a nest parent, of the nested domains over it. */
static int refresh_tree(struct vtd_domain *dom)
{
	struct vtd_domain *c;
	int ret = refresh_entries(dom);

	list_for_each_entry(c, &dom->children, child_node) {
		int r = refresh_entries(c);

		ret = ret ? ret : r;
	}
	return ret;
}

/*
 * As Linux's intel_iommu_set_dirty_tracking: when a flush fails, the flag
 * and every entry go back to what they were (the rollback's flushes
 * normally succeed; if one fails too, it is reported) and the error returns.
 */
int vtd_domain_set_ssade(struct vtd_domain *dom, bool on)
{
	int ret;

	spin_lock(&vtd_ctx_lock);
	dom->dirty_tracking = on;
	ret = refresh_tree(dom);
	if (ret) {
		dom->dirty_tracking = !on;
		if (refresh_tree(dom))
			printk("vtd: SSADE rollback not flushed: the unit may still %s D bits\n",
			       on ? "set" : "not set");
	}
	spin_unlock(&vtd_ctx_lock);
	return ret;
}
