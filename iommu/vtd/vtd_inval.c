// SPDX-License-Identifier: MIT
/*
 * VT-d invalidation front end: batches of context-cache, IOTLB, device-TLB
 * and interrupt-entry-cache invalidations, and in scalable mode PASID-cache,
 * PASID-based IOTLB and device-TLB ones, as descriptors, run through the
 * queue or the CCMD/IOTLB registers (spec 4.1 ch. 6.5), with counters and
 * an event trace for tests.
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/console.h"
#include "arch/x86/tsc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define TRACE_SIZE 256

static struct vtd_ev_rec trace_ring[TRACE_SIZE];
static u32 trace_next = 1;	/* from 1: an unwritten slot holds seq 0 */
bool vtd_trace_on;

/*
 * Off until someone reads the trace (vtd_trace_seq/since): every reader
 * starts from vtd_trace_seq(), so nothing it can see is lost, and a run
 * nobody inspects (make bench) does not pay for two records per
 * invalidation.
 */
void vtd_trace_rec(const struct vtd_unit *u, u8 ev, u8 gran, u16 did, u16 sid, u64 addr,
		   u8 am, u32 pasid)
{
	u32 seq = __atomic_fetch_add(&trace_next, 1, __ATOMIC_RELAXED);
	struct vtd_ev_rec *r = &trace_ring[seq % TRACE_SIZE];

	r->pasid = pasid;
	r->ev = ev;
	r->unit = u ? (u8)u->idx : 0xff;
	r->gran = gran;
	r->did = did;
	r->sid = sid;
	r->addr = addr;
	r->am = am;
	__atomic_store_n(&r->seq, seq, __ATOMIC_RELEASE);	/* last: the record is whole */
}

u32 vtd_trace_seq(void)
{
	WRITE_ONCE(vtd_trace_on, true);
	return READ_ONCE(trace_next);
}

int vtd_trace_since(u32 from, struct vtd_ev_rec *out, int max)
{
	u32 end = __atomic_load_n(&trace_next, __ATOMIC_ACQUIRE);
	int n = 0;

	WRITE_ONCE(vtd_trace_on, true);
	if (end - from > TRACE_SIZE)
		from = end - TRACE_SIZE;
	/* a slot whose seq is not yet s is still being written (another CPU): stop there */
	for (u32 s = from; s != end && n < max; s++) {
		const struct vtd_ev_rec *r = &trace_ring[s % TRACE_SIZE];

		if (__atomic_load_n(&r->seq, __ATOMIC_ACQUIRE) != s)
			break;
		out[n] = *r;
		if (__atomic_load_n(&r->seq, __ATOMIC_ACQUIRE) != s)
			break;	/* overwritten while copied: a writer went round the ring */
		n++;
	}
	return n;
}

static void batch_add(struct vtd_batch *b, u64 lo, u64 hi)
{
	if (b->n >= VTD_BATCH_MAX)
		panic("vtd_batch: more than %d descriptors", VTD_BATCH_MAX);
	b->d[b->n].lo = lo;
	b->d[b->n].hi = hi;
	b->n++;
}

void vtd_batch_cc(struct vtd_batch *b, int gran, u16 did, u16 sid)
{
	batch_add(b, VTD_DESC_CC | FIELD_PREP(VTD_DESC_G, gran) | FIELD_PREP(VTD_CC_DID, did) |
		     FIELD_PREP(VTD_CC_SID, sid), 0);
}

void vtd_batch_iotlb(struct vtd_unit *u, struct vtd_batch *b, int gran, u16 did,
		     u64 addr, unsigned int am, bool ih)
{
	u64 lo = VTD_DESC_IOTLB | FIELD_PREP(VTD_DESC_G, gran) | FIELD_PREP(VTD_IOTLB_DID_D, did);

	lo |= (u->drain_r ? VTD_IOTLB_DR_D : 0) | (u->drain_w ? VTD_IOTLB_DW_D : 0);
	if (gran != VTD_GRAN_PAGE)
		addr = am = 0, ih = false;
	batch_add(b, lo, (addr & VTD_IOTLB_ADDR_D) | FIELD_PREP(VTD_IOTLB_AM_D, am) |
		     (ih ? VTD_IOTLB_IH_D : 0));
}

/* PFSID's two fields, the same in both device-TLB descriptors (6.5.2.5, 6.5.2.6). */
static u64 pfsid_bits(u16 pfsid)
{
	return FIELD_PREP(VTD_DEVTLB_PFSID_LO, pfsid & 0xf) |
	       FIELD_PREP(VTD_DEVTLB_PFSID_HI, (u64)(pfsid >> 4));
}

void vtd_batch_devtlb(struct vtd_batch *b, u16 sid, u16 pfsid, u8 qdep, u64 addr,
		      unsigned int order)
{
	u64 hi = addr & VTD_DEVTLB_ADDR;

	/* S=1: the lowest clear bit of ADDR[63:12] gives the size (2^(order+12)) */
	if (order) {
		hi |= ((1ULL << (order - 1)) - 1) << 12;
		hi |= VTD_DEVTLB_S;
	}
	batch_add(b, VTD_DESC_DEVTLB | FIELD_PREP(VTD_DEVTLB_SID, sid) | pfsid_bits(pfsid) |
		     FIELD_PREP(VTD_DEVTLB_MIP, qdep < 32 ? qdep : 0), hi);
}

void vtd_batch_pc(struct vtd_batch *b, int gran, u16 did, u32 pasid)
{
	batch_add(b, VTD_DESC_PC | FIELD_PREP(VTD_DESC_G, gran) | FIELD_PREP(VTD_PC_DID, did) |
		     FIELD_PREP(VTD_PC_PASID, (u64)pasid), 0);
}

void vtd_batch_piotlb(struct vtd_batch *b, int gran, u16 did, u32 pasid, u64 addr,
		      unsigned int am, bool ih)
{
	if (gran != VTD_P_GRAN_PAGE)
		addr = am = 0, ih = false;
	batch_add(b, VTD_DESC_PIOTLB | FIELD_PREP(VTD_DESC_G, gran) | FIELD_PREP(VTD_P_DID, did) |
		     FIELD_PREP(VTD_P_PASID, (u64)pasid),
		  (addr & VTD_IOTLB_ADDR_D) | FIELD_PREP(VTD_IOTLB_AM_D, am) |
		  (ih ? VTD_IOTLB_IH_D : 0));
}

void vtd_batch_piotlb_range(struct vtd_unit *u, struct vtd_batch *b, u16 did, u32 pasid,
			    u64 start, u64 last, bool ih)
{
	u64 base;
	int am = vtd_psi_encode(start >> 12, (last >> 12) - (start >> 12) + 1, u->mamv, &base);

	if (am < 0)
		vtd_batch_piotlb(b, VTD_P_GRAN_PASID, did, pasid, 0, 0, false);
	else
		vtd_batch_piotlb(b, VTD_P_GRAN_PAGE, did, pasid, base << 12, (unsigned int)am, ih);
}

void vtd_batch_pdevtlb(struct vtd_batch *b, u16 sid, u16 pfsid, u8 qdep, u32 pasid, u64 addr,
		       unsigned int order)
{
	u64 hi = addr & VTD_DEVTLB_ADDR;

	/* as the device-TLB descriptor, with S at bit 11 */
	if (order) {
		hi |= ((1ULL << (order - 1)) - 1) << 12;
		hi |= VTD_PDEVTLB_S;
	}
	batch_add(b, VTD_DESC_PDEVTLB | FIELD_PREP(VTD_PDEVTLB_SID, sid) | pfsid_bits(pfsid) |
		     FIELD_PREP(VTD_P_PASID, (u64)pasid) |
		     ((u64)(qdep < 32 ? qdep : 0) << 4), hi);
}

void vtd_batch_iec(struct vtd_batch *b, bool global, u16 index, unsigned int im)
{
	if (global)
		batch_add(b, VTD_DESC_IEC, 0);
	else
		batch_add(b, VTD_DESC_IEC | VTD_IEC_G | FIELD_PREP(VTD_IEC_IM, (u64)im) |
			     FIELD_PREP(VTD_IEC_IIDX, (u64)index), 0);
}

void vtd_batch_iotlb_range(struct vtd_unit *u, struct vtd_batch *b, u16 did, u64 start,
			   u64 last, bool ih)
{
	u64 base;
	int am = u->psi ? vtd_psi_encode(start >> 12, (last >> 12) - (start >> 12) + 1,
					 u->mamv, &base) : -1;

	if (am < 0)
		vtd_batch_iotlb(u, b, VTD_GRAN_DOMAIN, did, 0, 0, false);
	else
		vtd_batch_iotlb(u, b, VTD_GRAN_PAGE, did, base << 12, (unsigned int)am, ih);
}

/* Count and trace one descriptor as it is issued. */
static void account(struct vtd_unit *u, const struct vtd_desc *d)
{
	int g = (int)FIELD_GET(VTD_DESC_G, d->lo);
	struct vtd_stats *s = &u->st;

	switch (d->lo & VTD_DESC_TYPE) {
	case VTD_DESC_CC:
		*(g == VTD_GRAN_GLOBAL ? &s->cc_global : g == VTD_GRAN_DOMAIN ?
		  &s->cc_domain : &s->cc_device) += 1;
		vtd_trace(u, VTD_EV_CC, (u8)g, (u16)FIELD_GET(VTD_CC_DID, d->lo),
			  (u16)FIELD_GET(VTD_CC_SID, d->lo), 0, 0);
		break;
	case VTD_DESC_IOTLB:
		*(g == VTD_GRAN_GLOBAL ? &s->iotlb_global : g == VTD_GRAN_DOMAIN ?
		  &s->iotlb_dsi : &s->iotlb_psi) += 1;
		vtd_trace(u, VTD_EV_IOTLB, (u8)g, (u16)FIELD_GET(VTD_IOTLB_DID_D, d->lo), 0,
			  d->hi & VTD_IOTLB_ADDR_D, (u8)FIELD_GET(VTD_IOTLB_AM_D, d->hi));
		break;
	case VTD_DESC_IEC:
		*(d->lo & VTD_IEC_G ? &s->iec_index : &s->iec_global) += 1;
		vtd_trace(u, VTD_EV_IEC, d->lo & VTD_IEC_G ? 1 : 0, 0, 0,
			  FIELD_GET(VTD_IEC_IIDX, d->lo), (u8)FIELD_GET(VTD_IEC_IM, d->lo));
		break;
	case VTD_DESC_DEVTLB:
		s->devtlb++;
		vtd_trace(u, VTD_EV_DEVTLB, 0, 0, (u16)FIELD_GET(VTD_DEVTLB_SID, d->lo),
			  d->hi & VTD_DEVTLB_ADDR, 0);
		break;
	case VTD_DESC_PC:
		s->pc++;
		vtd_trace_pasid(u, VTD_EV_PC, (u8)g, (u16)FIELD_GET(VTD_PC_DID, d->lo), 0, 0, 0,
				(u32)FIELD_GET(VTD_PC_PASID, d->lo));
		break;
	case VTD_DESC_PIOTLB:
		s->piotlb++;
		vtd_trace_pasid(u, VTD_EV_PIOTLB, (u8)g, (u16)FIELD_GET(VTD_P_DID, d->lo), 0,
				d->hi & VTD_IOTLB_ADDR_D, (u8)FIELD_GET(VTD_IOTLB_AM_D, d->hi),
				(u32)FIELD_GET(VTD_P_PASID, d->lo));
		break;
	case VTD_DESC_PDEVTLB:
		s->pdevtlb++;
		vtd_trace_pasid(u, VTD_EV_PDEVTLB, 0, 0, (u16)FIELD_GET(VTD_PDEVTLB_SID, d->lo),
				d->hi & VTD_DEVTLB_ADDR, 0, (u32)FIELD_GET(VTD_P_PASID, d->lo));
		break;
	}
}

/* Register-based invalidation of one descriptor's worth (6.5.1). */
static int reg_run(struct vtd_unit *u, const struct vtd_desc *d)
{
	int g = (int)FIELD_GET(VTD_DESC_G, d->lo);
	u32 iotlb = u->iro + VTD_IOTLB_OFF;
	u64 v;

	u->st.reg_inv++;
	switch (d->lo & VTD_DESC_TYPE) {
	case VTD_DESC_CC:
		vtd_writeq(u, VTD_CCMD_REG, VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, g) |
			   FIELD_PREP(VTD_CCMD_SID, FIELD_GET(VTD_CC_SID, d->lo)) |
			   FIELD_PREP(VTD_CCMD_DID, FIELD_GET(VTD_CC_DID, d->lo)));
		if (poll_timeout(!(vtd_readq(u, VTD_CCMD_REG) & VTD_CCMD_ICC), VTD_TIMEOUT_US))
			return -ETIMEDOUT;
		return FIELD_GET(VTD_CCMD_CAIG, vtd_readq(u, VTD_CCMD_REG)) ? 0 : -EIO;
	case VTD_DESC_IOTLB:
		if (g == VTD_GRAN_PAGE)
			vtd_writeq(u, u->iro + VTD_IVA_OFF, d->hi);
		v = VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, g) |
		    FIELD_PREP(VTD_IOTLB_DID, FIELD_GET(VTD_IOTLB_DID_D, d->lo)) |
		    (d->lo & VTD_IOTLB_DR_D ? VTD_IOTLB_DR : 0) |
		    (d->lo & VTD_IOTLB_DW_D ? VTD_IOTLB_DW : 0);
		vtd_writeq(u, iotlb, v);
		if (poll_timeout(!(vtd_readq(u, iotlb) & VTD_IOTLB_IVT), VTD_TIMEOUT_US))
			return -ETIMEDOUT;
		return FIELD_GET(VTD_IOTLB_IAIG, vtd_readq(u, iotlb)) ? 0 : -EIO;
	default:
		return -EOPNOTSUPP;	/* device-TLB invalidation needs the queue */
	}
}

int vtd_batch_run(struct vtd_unit *u, struct vtd_batch *b)
{
	int ret = 0;

	spin_lock(&u->inv_lock);
	for (int i = 0; i < b->n; i++)
		account(u, &b->d[i]);
	if (u->inv == VTD_INV_QI) {
		ret = vtd_qi_submit(u, b->d, b->n);
		u->st.waits += ret == 0;
	} else {
		for (int i = 0; i < b->n && !ret; i++)
			ret = reg_run(u, &b->d[i]);
	}
	if (ret && failpoint_fired()) {
		u->st.injected++;	/* a test made it fail: not the unit's error */
	} else if (ret) {
		u->st.errors++;
		printk("vtd: %s: invalidation failed (%d)\n", u->name, ret);
	} else {
		vtd_trace(u, VTD_EV_WAIT, 0, 0, 0, 0, 0);
	}
	spin_unlock(&u->inv_lock);
	b->n = 0;
	return ret;
}

int vtd_flush_all(struct vtd_unit *u)
{
	struct vtd_batch b = { .n = 0 };

	vtd_batch_cc(&b, VTD_GRAN_GLOBAL, 0, 0);
	if (u->sm)
		vtd_batch_pc(&b, VTD_PC_GLOBAL, 0, 0);
	/* global IOTLB invalidation covers every PASID's entries too (6.5.2.4) */
	vtd_batch_iotlb(u, &b, VTD_GRAN_GLOBAL, 0, 0, 0, false);
	return vtd_batch_run(u, &b);
}

int vtd_flush_write_buffer(struct vtd_unit *u)
{
	int ret;

	if (!u->rwbf)
		return 0;
	spin_lock(&u->inv_lock);
	u->st.wbf++;
	ret = vtd_gcmd(u, VTD_GCMD_WBF, 0, VTD_GSTS_WBFS, false);
	if (!ret)
		vtd_trace(u, VTD_EV_WBF, 0, 0, 0, 0, 0);
	else
		u->st.errors++;
	spin_unlock(&u->inv_lock);
	return ret;
}
