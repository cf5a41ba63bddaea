// SPDX-License-Identifier: MIT
/*
 * DMA translation by the software VT-d unit (vtd_hw.h), written from the
 * spec (VT-d 4.1 ch. 3.4-3.8 translation, 9.1-9.8 structures, 6.2 caches,
 * 7.1 faults): legacy and scalable-mode root/context entries, PASID
 * directory and tables, second-stage, first-stage (IA-32e) and nested
 * walks with A/D updates and the user/supervisor, write and execute
 * rules, the context/PASID/IOTLB caches and what each invalidation drops.
 */
#include <string.h>
#include "arch/host/host.h"
#include "tests/host/vtd_hw.h"
#include "tests/host/vtd_model.h"

static u64 regq(const struct vtd_hw *hw, u32 off)
{
	u64 v;

	memcpy(&v, hw->regs + off, 8);
	return v;
}

bool vtd_hw_sm(const struct vtd_hw *hw)
{
	return FIELD_GET(VTD_RTADDR_TTM, hw->rta) == 1;
}

/* A paging-structure qword as this unit's walker reads it: coherent, or from memory only. */
static u64 *tmem(phys_addr_t pa, bool coh)
{
	return model_mem(pa, coh);
}

/*
 * Whether paging-structure reads snoop (11.4.3): ECAP.C in legacy mode; in
 * scalable mode ECAP.SMPWCS, and only for a PASID entry with PWSNP set.
 */
static bool walk_coherent(const struct vtd_hw *hw, bool sm, const u64 *pe)
{
	u64 ecap = regq(hw, VTD_ECAP_REG);

	return sm ? (ecap & BIT_ULL(48)) && (pe[1] & VTD_PE_PWSNP) : ecap & 1;
}

/* The input address a request may carry: below 2^MGAW (11.4.2), else 0x4 (0x83). */
static bool within_mgaw(const struct vtd_hw *hw, u64 addr)
{
	return !(addr >> (((regq(hw, VTD_CAP_REG) >> 16) & 0x3f) + 1));
}

/* --- caches --- */

static bool overlaps(const struct vtd_hw_tlbe *t, u64 addr, unsigned int am)
{
	u64 size = 4096ULL << am, base = addr & ~(size - 1);

	return t->iova < base + size && base < t->iova + t->size;
}

/* Function mask of a device-selective context-cache invalidation (6.5.2.1). */
static bool sid_match(u16 a, u16 b, u8 fm)
{
	static const u16 mask[4] = { 0xffff, 0xfffb, 0xfff9, 0xfff8 };

	return !((a ^ b) & mask[fm & 3]);
}

void vtd_hw_cache_inval(struct vtd_hw *hw, const struct vtd_hw_op *op, u8 fm)
{
	bool sm = vtd_hw_sm(hw);

	switch (op->type) {
	case VTD_DESC_CC:
		for (int i = 0; i < VTD_HW_CC; i++) {
			struct vtd_hw_cce *c = &hw->cc[i];

			if (op->gran == VTD_GRAN_GLOBAL || (op->gran == VTD_GRAN_DOMAIN &&
			    (sm || FIELD_GET(VTD_CTX_DID, c->ce[1]) == op->did)) ||
			    (op->gran == VTD_GRAN_DEVICE && sid_match(c->sid, op->sid, fm)))
				c->valid = false;
		}
		break;
	case VTD_DESC_PC:
		for (int i = 0; i < VTD_HW_PC; i++) {
			struct vtd_hw_pce *c = &hw->pc[i];
			u16 did = (u16)FIELD_GET(VTD_PE_DID, c->pe[1]);

			if (op->gran == VTD_PC_GLOBAL || (did == op->did &&
			    (op->gran == VTD_PC_ALL_PASIDS || c->pasid == op->pasid)))
				c->valid = false;
		}
		break;
	case VTD_DESC_IOTLB:
		/* second-stage, pass-through and nested entries of the DID; nested ones whatever the address */
		for (int i = 0; i < VTD_HW_TLB; i++) {
			struct vtd_hw_tlbe *t = &hw->tlb[i];

			if (op->gran == VTD_GRAN_GLOBAL ||
			    (t->did == op->did && t->pgtt != VTD_PGTT_FS &&
			     (op->gran == VTD_GRAN_DOMAIN || t->pgtt == VTD_PGTT_NESTED ||
			      overlaps(t, op->addr, op->am))))
				t->valid = false;
		}
		break;
	case VTD_DESC_PIOTLB:
		/* first-stage, nested and pass-through entries of the DID and PASID */
		for (int i = 0; i < VTD_HW_TLB; i++) {
			struct vtd_hw_tlbe *t = &hw->tlb[i];

			if (t->did == op->did && t->pasid == op->pasid && t->pgtt != VTD_PGTT_SS &&
			    (op->gran == VTD_P_GRAN_PASID ||
			     (t->pgtt != VTD_PGTT_PT && overlaps(t, op->addr, op->am))))
				t->valid = false;
		}
		break;
	}
}

const struct vtd_hw_tlbe *vtd_hw_tlb_find(const struct vtd_hw *hw, int did, long pasid, u64 iova)
{
	for (int i = 0; i < VTD_HW_TLB; i++) {
		const struct vtd_hw_tlbe *t = &hw->tlb[i];

		if (t->valid && (did < 0 || t->did == did) && (pasid < 0 || t->pasid == pasid) &&
		    iova >= t->iova && iova - t->iova < t->size)
			return t;
	}
	return NULL;
}

static void tlb_fill(struct vtd_hw *hw, const struct vtd_hw_tlbe *e)
{
	hw->tlb[hw->tlb_next++ % VTD_HW_TLB] = *e;
}

/* --- the walks --- */

struct walk {
	phys_addr_t pa;
	u64 size;
	bool r, w;
	u8 reason;
};

/* Legacy or scalable-mode fault code. */
static u8 fr(bool sm, u8 legacy, u8 scalable)
{
	return sm ? scalable : legacy;
}

/*
 * Second-stage entry bits a unit without these features reserves (9.8):
 * large pages beyond SLLPS; in legacy mode a leaf's SNP without snoop
 * control (ECAP.SC), as QEMU enforces it too.
 */
static bool ss_reserved(const struct vtd_hw *hw, bool sm, u64 e, int level)
{
	u64 cap = regq(hw, VTD_CAP_REG), sllps = (cap >> 34) & 0xf;
	bool leaf = level == 1 || (e & VTD_PTE_PS);

	if (leaf && (e & VTD_PTE_SNP) && !sm && !(regq(hw, VTD_ECAP_REG) & BIT_ULL(7)))
		return true;
	if (!(e & VTD_PTE_PS) || level == 1)
		return false;
	return level > 3 || !(sllps & (1u << (level - 2)));
}

/*
 * Second stage: addr through the table at root (levels deep). Permissions
 * are ANDed down the walk; an entry with neither R nor W is not present.
 * With ad (PASID entry SSADE) A is set in every entry used, D in the leaf
 * of a write.
 */
static bool ss_walk(struct vtd_hw *hw, bool sm, bool coh, phys_addr_t root, int levels, u64 addr,
		    bool write, bool ad, struct walk *o)
{
	phys_addr_t t = root;
	bool r = true, w = true;

	if (addr >> (12 + 9 * levels)) {
		o->reason = fr(sm, 0x4, 0x83);
		return false;
	}
	for (int l = levels; l >= 1; l--) {
		phys_addr_t ea = t + 8 * ((addr >> (12 + 9 * (l - 1))) & 511);
		u64 *p = tmem(ea, coh), e;
		bool leaf;

		if (!p) {
			o->reason = fr(sm, 0x7, 0x78);
			return false;
		}
		e = *p;
		if ((e & (VTD_PTE_R | VTD_PTE_W)) && ss_reserved(hw, sm, e, l)) {
			o->reason = fr(sm, 0xc, 0x7a);
			return false;
		}
		r = r && (e & VTD_PTE_R);
		w = w && (e & VTD_PTE_W);
		if (write ? !w : !r) {
			o->reason = write ? fr(sm, 0x5, 0x85) : fr(sm, 0x6, 0x86);
			return false;
		}
		leaf = l == 1 || (e & VTD_PTE_PS);
		if (ad)
			model_mem_or(ea, VTD_PTE_A | (leaf && write ? VTD_PTE_D : 0));
		if (leaf) {
			o->size = 1ULL << (12 + 9 * (l - 1));
			o->pa = (e & VTD_PTE_ADDR & ~(o->size - 1)) | (addr & (o->size - 1));
			o->r = r;
			o->w = w;
			return true;
		}
		t = e & VTD_PTE_ADDR;
	}
	return false;
}

/* What a first-stage walk works with. */
struct fs_ctx {
	const struct vtd_hw_req *r;
	const u64 *pe;
	bool nested;
	phys_addr_t ss_root;
	int ss_levels;
	bool ssade;
	bool coh;		/* paging-structure reads snoop */
};

/* A first-stage structure's address: itself, or in nested mode through the second stage. */
static bool fs_table(struct vtd_hw *hw, const struct fs_ctx *c, u64 gpa, bool root,
		     phys_addr_t *pa, bool *writable, u8 *reason)
{
	struct walk s;

	*pa = gpa;
	*writable = true;
	if (!c->nested)
		return true;
	if (!ss_walk(hw, true, c->coh, c->ss_root, c->ss_levels, gpa, false, c->ssade, &s)) {
		*reason = s.reason == 0x83 ? 0x74 : root ? 0x75 : 0x76;
		return false;
	}
	*pa = s.pa;
	*writable = s.w;
	return true;
}

/* First-stage entry bits reserved here (9.7): large pages the unit lacks. */
static bool fs_reserved(const struct vtd_hw *hw, u64 e, int level)
{
	u64 cap = regq(hw, VTD_CAP_REG);

	if (!(e & VTD_FS_PS) || level == 1)
		return false;
	return level > 3 || (level == 3 && !(cap & BIT_ULL(56)));
}

/*
 * First stage (IA-32e paging): canonical input, P at every level, A set on
 * every entry used and D in the leaf of a write (an update needing a second-
 * stage write permission in nested mode), then the rules: user requests
 * need U/S everywhere, writes need R/W everywhere (supervisor writes only
 * with WPE), execute requests need XD clear everywhere.
 */
static bool fs_walk(struct vtd_hw *hw, const struct fs_ctx *c, struct walk *o)
{
	const struct vtd_hw_req *r = c->r;
	int levels = FIELD_GET(VTD_PE_FSPM, c->pe[2]) ? 5 : 4;
	unsigned int width = 12 + 9 * (unsigned int)levels;
	u64 top = r->addr >> (width - 1), gpa = 0, size = 0;
	bool rw = true, us = true, xd = false;
	u64 t = c->pe[2] & VTD_PE_FSPTPTR;

	if (top && top != (~0ULL >> (width - 1))) {
		o->reason = 0x80;
		return false;
	}
	for (int l = levels; l >= 1; l--) {
		u64 idx = (r->addr >> (12 + 9 * (l - 1))) & 511, e;
		phys_addr_t tpa;
		bool tw, leaf;
		u64 *p;

		if (!fs_table(hw, c, t, l == levels, &tpa, &tw, &o->reason))
			return false;
		p = tmem(tpa + 8 * idx, c->coh);
		if (!p) {
			o->reason = l == levels ? 0x73 : 0x70;
			return false;
		}
		e = *p;
		if (!(e & VTD_FS_P)) {
			o->reason = 0x71;
			return false;
		}
		if (fs_reserved(hw, e, l)) {
			o->reason = 0x72;
			return false;
		}
		rw = rw && (e & VTD_FS_RW);
		us = us && (e & VTD_FS_US);
		xd = xd || (e & VTD_FS_XD);
		leaf = l == 1 || (e & VTD_FS_PS);
		if (leaf) {
			size = 1ULL << (12 + 9 * (l - 1));
			gpa = (e & VTD_PTE_ADDR & ~(size - 1)) | (r->addr & (size - 1));
		}
		if (!r->priv && leaf && !us) {
			o->reason = 0x81;
			return false;
		}
		if (r->exec && leaf && xd) {
			o->reason = 0x82;
			return false;
		}
		if (r->write && leaf && !rw && (!r->priv || (c->pe[2] & VTD_PE_WPE))) {
			o->reason = 0x85;
			return false;
		}
		if (!(e & VTD_FS_A) || (leaf && r->write && !(e & VTD_FS_D))) {
			if (!tw) {
				o->reason = 0x77;
				return false;
			}
			model_mem_or(tpa + 8 * idx, VTD_FS_A | (leaf && r->write ? VTD_FS_D : 0));
		}
		if (leaf)
			break;
		t = e & VTD_PTE_ADDR;
	}
	o->pa = gpa;
	o->size = size;
	o->r = true;
	o->w = rw;
	if (c->nested) {
		struct walk s;

		if (!ss_walk(hw, true, c->coh, c->ss_root, c->ss_levels, gpa, r->write, c->ssade, &s)) {
			o->reason = s.reason;
			return false;
		}
		o->pa = s.pa;
		o->size = 4096;	/* cached per 4K: the two stages' pages need not line up */
		o->w = rw && s.w;
	}
	return true;
}

/* --- context and PASID entries --- */

/* Context entry of sid (cached, or read and cached when present); 0 or a fault reason. */
static u8 context_of(struct vtd_hw *hw, u16 sid, bool sm, u64 *ce)
{
	u64 *root = (u64 *)(uintptr_t)(hw->rta & VTD_RTADDR_RTA), re;
	u8 bus = (u8)(sid >> 8), devfn = (u8)sid;
	u64 *t;

	for (int i = 0; i < VTD_HW_CC; i++) {
		if (hw->cc[i].valid && hw->cc[i].sid == sid) {
			memcpy(ce, hw->cc[i].ce, 32);
			return 0;
		}
	}
	re = sm && devfn >= 128 ? root[bus * 2 + 1] : root[bus * 2];
	if (!(re & VTD_ROOT_P))
		return fr(sm, 0x1, 0x39);
	if (!sm && root[bus * 2 + 1])
		return 0xa;
	t = (u64 *)(uintptr_t)(re & VTD_ROOT_CTP);
	memset(ce, 0, 32);
	memcpy(ce, sm ? &t[(devfn % 128) * 4] : &t[devfn * 2], sm ? 32 : 16);
	if (!(ce[0] & VTD_CTX_P))
		return fr(sm, 0x2, 0x41);
	if (sm ? (ce[0] & VTD_SMCTX_RSVD0) || (ce[1] & VTD_SMCTX_RSVD1) || ce[2] || ce[3] :
		 (ce[0] & GENMASK_ULL(11, 4)) || (ce[1] & (GENMASK_ULL(7, 3) | GENMASK_ULL(63, 24))))
		return fr(sm, 0xb, 0x42);
	hw->cc[hw->cc_next % VTD_HW_CC] = (struct vtd_hw_cce){ .valid = true, .sid = sid };
	memcpy(hw->cc[hw->cc_next++ % VTD_HW_CC].ce, ce, 32);
	return 0;
}

/* Whether the unit takes this PGTT (9.6: FS needs FLTS, SS SLTS, nested NEST, PT ECAP.PT). */
static bool pgtt_ok(const struct vtd_hw *hw, int pgtt)
{
	u64 ecap = regq(hw, VTD_ECAP_REG);

	switch (pgtt) {
	case VTD_PGTT_FS:
		return ecap & BIT_ULL(47);
	case VTD_PGTT_SS:
		return ecap & BIT_ULL(46);
	case VTD_PGTT_NESTED:
		return (ecap & BIT_ULL(26)) && (ecap & BIT_ULL(46)) && (ecap & BIT_ULL(47));
	case VTD_PGTT_PT:
		return ecap & BIT_ULL(6);
	}
	return false;
}

/*
 * PASID entry of (sid, pasid) under ce: cached or read; *fpd collects the
 * fault-processing-disable bits met. 0 or a fault reason.
 */
static u8 pasid_entry_of(struct vtd_hw *hw, u16 sid, const u64 *ce, u32 pasid, u64 *pe,
			 bool *fpd)
{
	u64 cap = regq(hw, VTD_CAP_REG), *dir, de, *t;
	int pgtt;

	for (int i = 0; i < VTD_HW_PC; i++) {
		if (hw->pc[i].valid && hw->pc[i].sid == sid && hw->pc[i].pasid == pasid) {
			memcpy(pe, hw->pc[i].pe, 64);
			*fpd = *fpd || (pe[0] & VTD_PE_FPD);
			return 0;
		}
	}
	if (pasid >> (FIELD_GET(VTD_SMCTX_PDTS, ce[0]) + 7 + 6))
		return 0x46;
	dir = (u64 *)(uintptr_t)(ce[0] & VTD_SMCTX_PDTP);
	de = dir[pasid / VTD_PASID_PER_TABLE];
	*fpd = *fpd || (de & VTD_PDE_FPD);
	if (!(de & VTD_PDE_P))
		return 0x51;
	if (de & GENMASK_ULL(11, 2))
		return 0x52;
	t = (u64 *)(uintptr_t)(de & VTD_PDE_PTP);
	memcpy(pe, &t[(pasid % VTD_PASID_PER_TABLE) * 8], 64);
	*fpd = *fpd || (pe[0] & VTD_PE_FPD);
	if (!(pe[0] & VTD_PE_P))
		return 0x59;
	if (pe[3] || pe[4] || pe[5] || pe[6] || pe[7])
		return 0x5a;
	pgtt = (int)FIELD_GET(VTD_PE_PGTT, pe[0]);
	if (!pgtt_ok(hw, pgtt) ||
	    ((pgtt == VTD_PGTT_SS || pgtt == VTD_PGTT_NESTED) &&
	     !((cap >> 8) & (1u << FIELD_GET(VTD_PE_AW, pe[0])))) ||
	    ((pgtt == VTD_PGTT_FS || pgtt == VTD_PGTT_NESTED) &&
	     FIELD_GET(VTD_PE_FSPM, pe[2]) == 1 && !(cap & BIT_ULL(60))))
		return 0x5b;
	hw->pc[hw->pc_next % VTD_HW_PC] = (struct vtd_hw_pce){ .valid = true, .sid = sid,
							     .pasid = pasid };
	memcpy(hw->pc[hw->pc_next++ % VTD_HW_PC].pe, pe, 64);
	return 0;
}

/* Faults the FPD bits silence (7.1.1: qualified); a table that cannot be read never is. */
static bool qualified(u8 reason)
{
	switch (reason) {
	case 0x1: case 0x2: case 0x8: case 0x9: case 0xa:
	case 0x30: case 0x31: case 0x38: case 0x39: case 0x3a: case 0x40: case 0x41: case 0x42:
		return false;
	}
	return true;
}

static struct vtd_hw_xlate blocked(struct vtd_hw *hw, const struct vtd_hw_req *r, u8 reason,
				   bool fpd)
{
	struct vtd_hw_xlate x = { .reason = reason };

	if (!(fpd && qualified(reason)))
		x.recorded = vtd_hw_fault_req(hw, r, reason);
	return x;
}

struct vtd_hw_xlate vtd_hw_dma(struct vtd_hw *hw, const struct vtd_hw_req *r)
{
	struct vtd_hw_xlate x = { .ok = true, .pa = r->addr };
	bool sm = vtd_hw_sm(hw), fpd = false, ok, coh;
	struct vtd_hw_tlbe te = { .valid = true };
	const struct vtd_hw_tlbe *hit;
	u64 ce[4], pe[8];
	u32 pasid = 0;
	struct walk w;
	u8 reason;

	if (!(hw->gsts & VTD_GSTS_TES))
		return x;	/* translation off: as sent */
	hw->walks++;
	if (!sm && (r->has_pasid || r->exec || r->priv))
		return blocked(hw, r, 0x31, false);
	reason = context_of(hw, r->sid, sm, ce);
	if (reason)
		return blocked(hw, r, reason, false);
	fpd = ce[0] & VTD_CTX_FPD;
	if (!sm) {
		u64 tt = FIELD_GET(VTD_CTX_TT, ce[0]);

		if (tt > VTD_TT_PASS_THROUGH ||
		    (tt == VTD_TT_PASS_THROUGH && !(regq(hw, VTD_ECAP_REG) & BIT(6))))
			return blocked(hw, r, 0x3, fpd);
		te.pgtt = tt == VTD_TT_PASS_THROUGH ? VTD_PGTT_PT : VTD_PGTT_SS;
		te.did = (u16)FIELD_GET(VTD_CTX_DID, ce[1]);
		memset(pe, 0, sizeof(pe));
		pe[0] = (ce[0] & VTD_CTX_SLPTPTR) | FIELD_PREP(VTD_PE_AW, FIELD_GET(VTD_CTX_AW, ce[1]));
	} else {
		if (r->has_pasid && !(ce[0] & VTD_SMCTX_PASIDE))
			return blocked(hw, r, 0x45, fpd);
		pasid = r->has_pasid ? r->pasid : (u32)FIELD_GET(VTD_SMCTX_RID_PASID, ce[1]);
		reason = pasid_entry_of(hw, r->sid, ce, pasid, pe, &fpd);
		if (reason)
			return blocked(hw, r, reason, fpd);
		if (r->priv && !(pe[2] & VTD_PE_SRE))
			return blocked(hw, r, 0x5d, fpd);
		if (r->exec && !(pe[2] & VTD_PE_ERE))
			return blocked(hw, r, 0x5c, fpd);
		te.pgtt = (u8)FIELD_GET(VTD_PE_PGTT, pe[0]);
		te.did = (u16)FIELD_GET(VTD_PE_DID, pe[1]);
		te.pasid = te.pgtt == VTD_PGTT_SS ? 0 : pasid;
	}
	x.did = te.did;
	x.pgtt = te.pgtt;
	for (int i = 0; i < VTD_HW_TLB; i++) {
		hit = &hw->tlb[i];
		if (hit->valid && hit->did == te.did && hit->pgtt == te.pgtt &&
		    (te.pgtt == VTD_PGTT_SS || hit->pasid == pasid) &&
		    r->addr >= hit->iova && r->addr - hit->iova < hit->size &&
		    (r->write ? hit->w && hit->dirty : hit->r)) {
			hw->hits++;
			x.hit = true;
			x.pa = hit->pa + (r->addr - hit->iova);
			return x;
		}
	}
	coh = walk_coherent(hw, sm, pe);
	if (te.pgtt != VTD_PGTT_PT && !within_mgaw(hw, r->addr))
		return blocked(hw, r, fr(sm, 0x4, 0x83), fpd);
	if (te.pgtt == VTD_PGTT_PT) {
		w = (struct walk){ .pa = r->addr & ~0xfffULL, .size = 4096, .r = true, .w = true };
		ok = true;
	} else if (te.pgtt == VTD_PGTT_SS) {
		ok = ss_walk(hw, sm, coh, pe[0] & VTD_PE_SSPTPTR, (int)FIELD_GET(VTD_PE_AW, pe[0]) + 2,
			     r->addr, r->write, pe[0] & VTD_PE_SSADE, &w);
	} else {
		struct fs_ctx c = { .r = r, .pe = pe, .nested = te.pgtt == VTD_PGTT_NESTED,
				    .ss_root = pe[0] & VTD_PE_SSPTPTR,
				    .ss_levels = (int)FIELD_GET(VTD_PE_AW, pe[0]) + 2,
				    .ssade = pe[0] & VTD_PE_SSADE, .coh = coh };

		ok = fs_walk(hw, &c, &w);
	}
	if (!ok)
		return blocked(hw, r, w.reason, fpd);
	te.iova = r->addr & ~(w.size - 1);
	te.size = w.size;
	te.pa = w.pa & ~(w.size - 1);
	te.r = w.r;
	te.w = w.w;
	te.dirty = r->write;
	tlb_fill(hw, &te);
	x.pa = w.pa;
	return x;
}

struct vtd_hw_xlate vtd_hw_rw(struct vtd_hw *hw, u16 sid, long pasid, u64 addr, bool write)
{
	struct vtd_hw_req r = { .sid = sid, .has_pasid = pasid >= 0, .pasid = (u32)pasid,
				.addr = addr, .write = write };

	return vtd_hw_dma(hw, &r);
}
