// SPDX-License-Identifier: MIT
/*
 * The software VT-d unit behind vtd_hw_read/vtd_hw_write (vtd_hw.h), from
 * the spec (VT-d 4.1 ch. 5.1, 6.5, 7.1-7.3, 10/11.4): registers and their
 * side effects, invalidation queue (128- and 256-bit descriptors) and
 * registers, faults, interrupt remapping. DMA translation: vtd_walk.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arch/host/host.h"
#include "tests/host/live_tables.h"
#include "tests/host/vtd_hw.h"

#define HW_MAX 8
#define GCMD_ONESHOT (VTD_GCMD_SRTP | VTD_GCMD_WBF | VTD_GCMD_SIRTP | VTD_GCMD_SFL)

static struct vtd_hw *units[HW_MAX];
static int nunits;

struct vtd_hw *vtd_hw_new(phys_addr_t base, u32 ver, u64 cap, u64 ecap)
{
	struct vtd_hw *hw = calloc(1, sizeof(*hw));

	if (!hw || nunits == HW_MAX)
		abort();
	hw->base = base;
	memcpy(hw->regs + VTD_VER_REG, &ver, 4);
	memcpy(hw->regs + VTD_CAP_REG, &cap, 8);
	memcpy(hw->regs + VTD_ECAP_REG, &ecap, 8);
	/* decoded here from the spec's bit positions, not with the driver's decoder */
	hw->fro = (u32)((cap >> 24) & 0x3ff) * 16;
	hw->nfr = (u32)((cap >> 40) & 0xff) + 1;
	hw->mamv = (u32)((cap >> 48) & 0x3f);
	hw->iro = (u32)((ecap >> 8) & 0x3ff) * 16;
	host_mmio_add(base, hw->regs, sizeof(hw->regs));
	units[nunits++] = hw;
	return hw;
}

void vtd_hw_reset(void)
{
	for (int i = 0; i < nunits; i++)
		free(units[i]);
	nunits = 0;
	host_mmio_reset();
}

struct vtd_hw *vtd_hw_of(const struct vtd_unit *u)
{
	for (int i = 0; i < nunits; i++)
		if ((const volatile u8 *)units[i]->regs == u->regs)
			return units[i];
	abort();	/* the driver touched registers it never mapped */
}

int vtd_hw_count_since(const struct vtd_hw *hw, int from, int type, int did)
{
	int n = 0;

	for (int i = from; i < hw->nlog; i++)
		n += hw->log[i].type == type && !hw->log[i].aborted &&
		     (did < 0 || hw->log[i].did == did);
	return n;
}

static u64 reg(const struct vtd_hw *hw, u32 off, int bytes)
{
	u64 v = 0;

	memcpy(&v, hw->regs + off, (size_t)bytes);
	return v;
}

static void set_reg(struct vtd_hw *hw, u32 off, u64 v, int bytes)
{
	memcpy(hw->regs + off, &v, (size_t)bytes);
}

static void violation(struct vtd_hw *hw, const char *what)
{
	hw->violations++;
	hw->violation = what;
	printf("    # vtd_hw %#llx: %s\n", (unsigned long long)hw->base, what);
}

static void log_op(struct vtd_hw *hw, struct vtd_hw_op op)
{
	if (hw->nlog < VTD_HW_LOG)
		hw->log[hw->nlog++] = op;
	else if (!hw->lost++)
		violation(hw, "the model's log is full (raise VTD_HW_LOG): counts are wrong");
}

static bool fault_pending(const struct vtd_hw *hw)
{
	for (u32 i = 0; i < hw->nfr; i++)
		if (reg(hw, hw->fro + i * VTD_FRCD_SIZE + 8, 8) & VTD_FRCD_F)
			return true;
	return false;
}

/* The fault event: an MSI to FEDATA's vector, or IP when masked (7.3). */
static void fault_event(struct vtd_hw *hw);

/* --- the invalidation queue (6.5.2) --- */

/* PSI address aligned to its 2^AM-page block, AM within MAMV (6.5.2.4, 6.5.2.5). */
static bool psi_ok(const struct vtd_hw *hw, const struct vtd_hw_op *op)
{
	return op->am <= hw->mamv && !((op->addr >> 12) & ((1ULL << op->am) - 1));
}

/*
 * PFSID of a device-TLB descriptor (6.5.2.5, 6.5.2.6: bits 15:12 and
 * 63:52 of either type): with ECAP.DIT the SID of the device's physical
 * function (the rig has no virtual functions: its own), else reserved, 0.
 */
static void pfsid_check(struct vtd_hw *hw, const struct vtd_hw_op *op, u64 lo)
{
	u16 pfsid = (u16)(((lo >> 12) & 0xf) | ((lo >> 52) & 0xfff) << 4);
	bool dit = reg(hw, VTD_ECAP_REG, 8) & BIT_ULL(41);

	if (pfsid != (dit ? op->sid : 0))
		violation(hw, dit ? "device-TLB invalidation without the PFSID that ECAP.DIT needs" :
			  "device-TLB invalidation with PFSID set (reserved without ECAP.DIT)");
}

/*
 * One descriptor (d: two qwords, four when wide); false: invalid (IQE).
 * The PASID-granular types exist only while the root table is in
 * scalable mode; a 256-bit descriptor's upper half is 0 in every type here.
 */
static bool qi_one(struct vtd_hw *hw, const u64 *d, bool wide)
{
	struct vtd_desc dd = { d[0], d[1] };
	struct vtd_hw_op op = { .type = (u8)(d[0] & VTD_DESC_TYPE), .wide = wide };
	u8 fm = 0;

	if (wide && (d[2] || d[3]))
		return false;
	if (op.type >= VTD_DESC_PIOTLB && !vtd_hw_sm(hw))
		return false;
	op.gran = (u8)FIELD_GET(VTD_DESC_G, dd.lo);
	switch (op.type) {
	case VTD_DESC_CC:
		if (dd.hi || !op.gran)
			return false;
		op.did = (u16)FIELD_GET(VTD_CC_DID, dd.lo);
		op.sid = (u16)FIELD_GET(VTD_CC_SID, dd.lo);
		fm = (u8)FIELD_GET(VTD_CC_FM, dd.lo);
		break;
	case VTD_DESC_PC:
		if (dd.hi || op.gran == 2 || (dd.lo & (GENMASK_ULL(15, 6) | GENMASK_ULL(63, 52))))
			return false;
		op.did = (u16)FIELD_GET(VTD_PC_DID, dd.lo);
		op.pasid = (u32)FIELD_GET(VTD_PC_PASID, dd.lo);
		break;
	case VTD_DESC_PIOTLB:
		op.did = (u16)FIELD_GET(VTD_P_DID, dd.lo);
		op.pasid = (u32)FIELD_GET(VTD_P_PASID, dd.lo);
		op.am = (u8)FIELD_GET(VTD_IOTLB_AM_D, dd.hi);
		op.ih = dd.hi & VTD_IOTLB_IH_D;
		op.addr = dd.hi & VTD_IOTLB_ADDR_D;
		if (op.gran < VTD_P_GRAN_PASID || (op.gran == VTD_P_GRAN_PASID && dd.hi) ||
		    (op.gran == VTD_P_GRAN_PAGE && !psi_ok(hw, &op)))
			return false;
		break;
	case VTD_DESC_PDEVTLB:
		op.sid = (u16)FIELD_GET(VTD_PDEVTLB_SID, dd.lo);
		op.pasid = (u32)FIELD_GET(VTD_P_PASID, dd.lo);
		op.addr = dd.hi & VTD_DEVTLB_ADDR;
		pfsid_check(hw, &op, dd.lo);
		break;
	case VTD_DESC_IOTLB:
		op.did = (u16)FIELD_GET(VTD_IOTLB_DID_D, dd.lo);
		op.am = (u8)FIELD_GET(VTD_IOTLB_AM_D, dd.hi);
		op.ih = dd.hi & VTD_IOTLB_IH_D;
		op.addr = dd.hi & VTD_IOTLB_ADDR_D;
		if (!op.gran)
			return false;
		if (op.gran == VTD_GRAN_PAGE && !psi_ok(hw, &op))
			return false;
		break;
	case VTD_DESC_DEVTLB:
		op.sid = (u16)FIELD_GET(VTD_DEVTLB_SID, dd.lo);
		op.addr = dd.hi & VTD_DEVTLB_ADDR;
		pfsid_check(hw, &op, dd.lo);
		break;
	case VTD_DESC_IEC:
		if ((dd.lo & (GENMASK_ULL(26, 5) | GENMASK_ULL(63, 48))) || dd.hi)
			return false;
		op.gran = dd.lo & VTD_IEC_G ? 1 : 0;
		op.addr = FIELD_GET(VTD_IEC_IIDX, dd.lo);
		op.am = (u8)FIELD_GET(VTD_IEC_IM, dd.lo);
		for (size_t i = 0; i < ARRAY_SIZE(hw->iec); i++)
			if (!op.gran || (hw->iec[i].index >> op.am) == (op.addr >> op.am))
				hw->iec[i].valid = false;
		break;
	case VTD_DESC_WAIT:
		if (dd.lo & VTD_WAIT_SW) {
			u32 data = (u32)FIELD_GET(VTD_WAIT_SDATA, dd.lo);

			/* a late status write must never look like a newer one */
			hw->status_not_newer += hw->last_status && data <= hw->last_status;
			hw->last_status = data;
			memcpy((void *)(uintptr_t)(dd.hi & VTD_WAIT_SADDR), &data, 4);
		}
		if (dd.lo & VTD_WAIT_IF)
			set_reg(hw, VTD_ICS_REG, VTD_ICS_IWC, 4);
		break;
	default:
		return false;
	}
	vtd_hw_cache_inval(hw, &op, fm);
	log_op(hw, op);
	return true;
}

/*
 * 256-bit descriptors: IQA.DW, which only a unit with ECAP.SMTS has
 * (11.4.9.3); the queue then holds 2^(QS + 7) of them and IQH/IQT count in
 * 32-byte steps, their bit 4 reserved.
 */
static bool qi_wide(struct vtd_hw *hw)
{
	u64 ecap = reg(hw, VTD_ECAP_REG, 8);

	return (reg(hw, VTD_IQA_REG, 8) & VTD_IQA_DW) && (ecap & BIT_ULL(43));
}

/* Fetch and run descriptors from IQH to IQT, stopping on an error. */
static void qi_run(struct vtd_hw *hw)
{
	u64 iqa = reg(hw, VTD_IQA_REG, 8), iqt = reg(hw, VTD_IQT_REG, 8);
	bool wide = qi_wide(hw);
	unsigned int shift = wide ? 5 : 4, qw = wide ? 4 : 2;
	u32 size = (wide ? 128u : 256u) << FIELD_GET(VTD_IQA_QS, iqa);
	const u64 *ring = (const void *)(uintptr_t)(iqa & ~0xfffULL);
	u32 head = (u32)((hw->iqh & VTD_IQ_INDEX) >> shift);
	u32 tail = (u32)((iqt & VTD_IQ_INDEX) >> shift);

	if (!(hw->gsts & VTD_GSTS_QIES) || hw->stuck || (hw->fsts & (VTD_FSTS_IQE | VTD_FSTS_ITE)))
		return;
	if (tail >= size || (wide && (iqt & BIT(4)))) {
		violation(hw, "IQT beyond the queue, or not on a 256-bit descriptor");
		return;
	}
	if (head != tail && vtd_hw_sm(hw) && !wide)
		violation(hw, "scalable mode with 128-bit invalidation descriptors");
	while (head != tail) {
		const u64 *d = &ring[(size_t)head * qw];

		if ((d[0] & VTD_DESC_TYPE) == VTD_DESC_DEVTLB && hw->ite_devtlb &&
		    --hw->ite_devtlb == 0) {
			/*
			 * Invalidation time-out (6.5.2.10): ITE is set, the wait
			 * descriptors pending are aborted (no status write), and
			 * fetching stops until software clears ITE.
			 */
			hw->fsts |= VTD_FSTS_ITE;
			do {
				struct vtd_hw_op op = {
					.type = (u8)(ring[(size_t)head * qw] & VTD_DESC_TYPE),
					.aborted = true };
				bool wait = op.type == VTD_DESC_WAIT;

				log_op(hw, op);
				head = (head + 1) % size;
				if (wait)
					break;
			} while (head != tail);
			break;
		}
		if (!qi_one(hw, d, wide)) {
			hw->fsts |= VTD_FSTS_IQE;	/* IQH stays at the bad descriptor */
			break;
		}
		head = (head + 1) % size;
	}
	hw->iqh = (u64)head << shift;
}

/* --- registers --- */

static void gcmd(struct vtd_hw *hw, u32 v)
{
	u32 was = hw->gsts & VTD_GCMD_PERSIST;
	u32 changed = ((v ^ was) & VTD_GCMD_PERSIST) | (v & GCMD_ONESHOT);

	/* 11.4.4: one field per write; the others must be written as they are */
	if (__builtin_popcount(changed) > 1)
		violation(hw, "GCMD write changes more than one field");
	if (v & VTD_GCMD_SRTP) {
		u64 rta = reg(hw, VTD_RTADDR_REG, 8);

		/* 11.4.5: the table mode changes only while translation is off */
		if ((hw->gsts & VTD_GSTS_TES) &&
		    FIELD_GET(VTD_RTADDR_TTM, rta) != FIELD_GET(VTD_RTADDR_TTM, hw->rta))
			violation(hw, "RTADDR.TTM changed while translation is enabled");
		hw->rta = rta;
		hw->gsts |= VTD_GSTS_RTPS;
		hw->srtp++;
	}
	if (v & VTD_GCMD_WBF)
		hw->wbf++;	/* done at once: WBFS reads 0 */
	if (v & VTD_GCMD_SIRTP) {
		hw->irta = reg(hw, VTD_IRTA_REG, 8);
		hw->gsts |= VTD_GSTS_IRTPS;
	}
	if ((v & VTD_GCMD_IRE) && !(hw->gsts & VTD_GSTS_IRES) && !(hw->gsts & VTD_GSTS_IRTPS))
		violation(hw, "interrupt remapping enabled before a table was set");
	hw->ire_offs += !(v & VTD_GCMD_IRE) && (hw->gsts & VTD_GSTS_IRES);
	if ((v & VTD_GCMD_QIE) && !(hw->gsts & VTD_GSTS_QIES)) {
		hw->iqh = 0;	/* 10.4.22: IQH is reset when QI is enabled */
		if (reg(hw, VTD_IQT_REG, 8))
			violation(hw, "QI enabled with IQT not 0");
		hw->gsts |= VTD_GSTS_QIES;
	} else if (!(v & VTD_GCMD_QIE) && (hw->gsts & VTD_GSTS_QIES)) {
		if (FIELD_GET(VTD_IQ_INDEX, hw->iqh) !=
		    FIELD_GET(VTD_IQ_INDEX, reg(hw, VTD_IQT_REG, 8)))
			violation(hw, "QI disabled with descriptors pending");
		hw->gsts &= ~VTD_GSTS_QIES;
	}
	if ((v & VTD_GCMD_TE) && !(hw->gsts & VTD_GSTS_TES) && !(hw->gsts & VTD_GSTS_RTPS))
		violation(hw, "translation enabled before a root table was set");
	hw->te_offs += !(v & VTD_GCMD_TE) && (hw->gsts & VTD_GSTS_TES);
	hw->gsts = (hw->gsts & ~(VTD_GSTS_TES | VTD_GSTS_IRES | VTD_GSTS_CFIS)) |
		   (v & (VTD_GCMD_TE | VTD_GCMD_IRE | VTD_GCMD_CFI));
}

/* VT-d 6.0 removed register-based invalidation (6.5.1). */
static bool regs_gone(struct vtd_hw *hw)
{
	u32 ver = (u32)reg(hw, VTD_VER_REG, 4);

	if (((ver >> 4) & 0xf) < 6)
		return false;
	violation(hw, "register invalidation on a VT-d 6+ unit");
	return true;
}

static void ccmd(struct vtd_hw *hw, u64 v)
{
	struct vtd_hw_op op = { .type = VTD_DESC_CC, .reg = true };

	if (!(v & VTD_CCMD_ICC) || hw->stuck || regs_gone(hw))
		return;
	if (hw->gsts & VTD_GSTS_QIES) {
		violation(hw, "context command register used while QI is on");
		return;	/* ignored: ICC stays set */
	}
	op.gran = (u8)FIELD_GET(VTD_CCMD_CIRG, v);
	op.did = (u16)FIELD_GET(VTD_CCMD_DID, v);
	op.sid = (u16)FIELD_GET(VTD_CCMD_SID, v);
	vtd_hw_cache_inval(hw, &op, (u8)FIELD_GET(VTD_CCMD_FM, v));
	log_op(hw, op);
	v &= ~(VTD_CCMD_ICC | VTD_CCMD_CAIG);
	set_reg(hw, VTD_CCMD_REG, v | FIELD_PREP(VTD_CCMD_CAIG, op.gran), 8);
}

static void iotlb_reg(struct vtd_hw *hw, u64 v)
{
	u64 iva = reg(hw, hw->iro + VTD_IVA_OFF, 8);
	struct vtd_hw_op op = { .type = VTD_DESC_IOTLB, .reg = true };
	u64 aig;

	if (!(v & VTD_IOTLB_IVT) || hw->stuck || regs_gone(hw))
		return;
	if (hw->gsts & VTD_GSTS_QIES) {
		violation(hw, "IOTLB register used while QI is on");
		return;
	}
	op.gran = (u8)FIELD_GET(VTD_IOTLB_IIRG, v);
	op.did = (u16)FIELD_GET(VTD_IOTLB_DID, v);
	op.am = (u8)FIELD_GET(VTD_IVA_AM, iva);
	op.ih = iva & VTD_IVA_IH;
	op.addr = iva & VTD_IVA_ADDR;
	aig = op.gran;
	if (op.gran == VTD_GRAN_PAGE && !psi_ok(hw, &op)) {
		aig = 0;	/* not performed */
	} else {
		vtd_hw_cache_inval(hw, &op, 0);
		log_op(hw, op);
	}
	v &= ~(VTD_IOTLB_IVT | VTD_IOTLB_IAIG);
	set_reg(hw, hw->iro + VTD_IOTLB_OFF, v | FIELD_PREP(VTD_IOTLB_IAIG, aig), 8);
}

u64 vtd_hw_read(const struct vtd_unit *u, u32 off, int bytes)
{
	struct vtd_hw *hw = vtd_hw_of(u);

	switch (off) {
	case VTD_GSTS_REG:
		return hw->gsts;
	case VTD_FSTS_REG:
		return hw->fsts | (fault_pending(hw) ? VTD_FSTS_PPF : 0);
	case VTD_IQH_REG:
		return hw->iqh;
	}
	if (off + (u32)bytes > sizeof(hw->regs))
		abort();
	return reg(hw, off, bytes);
}

void vtd_hw_write(struct vtd_unit *u, u32 off, u64 v, int bytes)
{
	struct vtd_hw *hw = vtd_hw_of(u);

	if (off >= hw->fro && off < hw->fro + hw->nfr * VTD_FRCD_SIZE) {
		/* fault records are read-only but for F, write 1 to clear (at byte 15) */
		u32 in = (off - hw->fro) % VTD_FRCD_SIZE;
		u32 f_off = off - in + 8;

		if ((in == 12 && bytes == 4 && (v & BIT(31))) ||
		    (in == 8 && bytes == 8 && (v & VTD_FRCD_F)))
			set_reg(hw, f_off, reg(hw, f_off, 8) & ~VTD_FRCD_F, 8);
		else if (in != 12 && in != 8)
			violation(hw, "write to a read-only fault record field");
		return;
	}
	switch (off) {
	case VTD_VER_REG:
	case VTD_CAP_REG:
	case VTD_ECAP_REG:
	case VTD_GSTS_REG:
	case VTD_IQH_REG:
		violation(hw, "write to a read-only register");
		return;
	case VTD_GCMD_REG:
		gcmd(hw, (u32)v);
		return;
	case VTD_FSTS_REG:
		hw->fsts &= ~((u32)v & VTD_FSTS_W1C);
		qi_run(hw);	/* fetching resumes once IQE/ITE are clear */
		return;
	case VTD_FECTL_REG:
		set_reg(hw, off, (reg(hw, off, 4) & VTD_FECTL_IP) | (v & VTD_FECTL_IM), 4);
		if (!(v & VTD_FECTL_IM) && (reg(hw, off, 4) & VTD_FECTL_IP))
			fault_event(hw);
		return;
	}
	if (off == VTD_IQA_REG && (v & VTD_IQA_DW) && !(reg(hw, VTD_ECAP_REG, 8) & BIT_ULL(43)))
		violation(hw, "IQA.DW set on a unit without scalable mode (reserved)");
	set_reg(hw, off, v, bytes);
	if (off == VTD_CCMD_REG)
		ccmd(hw, v);
	else if (off == hw->iro + VTD_IOTLB_OFF)
		iotlb_reg(hw, v);
	else if (off == VTD_IQT_REG)
		qi_run(hw);
}

/* --- faults (7.1-7.3) --- */

static void fault_event(struct vtd_hw *hw)
{
	u32 data = (u32)reg(hw, VTD_FEDATA_REG, 4);

	if (reg(hw, VTD_FECTL_REG, 4) & VTD_FECTL_IM) {
		set_reg(hw, VTD_FECTL_REG, reg(hw, VTD_FECTL_REG, 4) | VTD_FECTL_IP, 4);
		return;
	}
	set_reg(hw, VTD_FECTL_REG, reg(hw, VTD_FECTL_REG, 4) & ~VTD_FECTL_IP, 4);
	hw->msis++;
	host_msi(data);
}

/* Record a fault whose high qword (without F) is hi. */
static bool record(struct vtd_hw *hw, u64 addr, u64 hi)
{
	u32 off = hw->fro + hw->fr_next * VTD_FRCD_SIZE;
	bool first = !fault_pending(hw);

	if (hw->fsts & VTD_FSTS_PFO)
		return false;	/* overflowed: nothing recorded until PFO is cleared */
	if (reg(hw, off + 8, 8) & VTD_FRCD_F) {
		hw->fsts |= VTD_FSTS_PFO;
		fault_event(hw);
		return false;
	}
	set_reg(hw, off, addr & VTD_FRCD_FI, 8);
	set_reg(hw, off + 8, VTD_FRCD_F | hi, 8);
	if (first)
		hw->fsts = (hw->fsts & ~VTD_FSTS_FRI) | FIELD_PREP(VTD_FSTS_FRI, hw->fr_next);
	hw->fr_next = (hw->fr_next + 1) % hw->nfr;
	fault_event(hw);
	return true;
}

bool vtd_hw_fault(struct vtd_hw *hw, u16 sid, u64 addr, u8 reason, bool write)
{
	return record(hw, addr, (write ? 0 : VTD_FRCD_T) | FIELD_PREP(VTD_FRCD_FR, reason) | sid);
}

bool vtd_hw_fault_req(struct vtd_hw *hw, const struct vtd_hw_req *r, u8 reason)
{
	return record(hw, r->addr, (r->write ? 0 : VTD_FRCD_T) | FIELD_PREP(VTD_FRCD_FR, reason) |
		      r->sid | (r->has_pasid ? VTD_FRCD_PP | FIELD_PREP(VTD_FRCD_PV, r->pasid) : 0) |
		      (r->priv ? VTD_FRCD_PRIV : 0) | (r->exec ? VTD_FRCD_EXE : 0));
}

/* --- interrupt remapping (5.1) --- */

static const u64 *iec_entry(struct vtd_hw *hw, u32 index)
{
	const u64 *t = (const u64 *)(uintptr_t)(hw->irta & VTD_IRTA_ADDR);
	u32 slot;

	for (size_t i = 0; i < ARRAY_SIZE(hw->iec); i++)
		if (hw->iec[i].valid && hw->iec[i].index == index)
			return hw->iec[i].e;
	slot = hw->iec_next++ % ARRAY_SIZE(hw->iec);
	hw->iec[slot].valid = true;
	hw->iec[slot].index = index;
	memcpy(hw->iec[slot].e, t + 2 * (size_t)index, 16);
	return hw->iec[slot].e;
}

/*
 * Blocked with reason. Qualified faults (entry not present, reserved bits
 * in it, source-id) are not recorded when the entry's FPD is set (7.1.1).
 */
static struct vtd_hw_intr ir_fault(struct vtd_hw *hw, u16 sid, u32 index, u8 reason,
				   const u64 *e)
{
	bool qualified = reason == 0x22 || reason == 0x24 || reason == 0x26;
	struct vtd_hw_intr r = { .reason = reason };

	if (!(qualified && e && (e[0] & VTD_IRTE_FPD)))
		r.recorded = vtd_hw_fault(hw, sid, (u64)index << 48, reason, true);
	return r;
}

/* Source validation (9.10: SVT, SQ, SID). */
static bool sid_ok(const u64 *e, u16 sid)
{
	static const u16 sq_mask[4] = { 0xffff, 0xfffb, 0xfff9, 0xfff8 };
	u16 want = (u16)FIELD_GET(VTD_IRTE_SID, e[1]);

	switch (FIELD_GET(VTD_IRTE_SVT, e[1])) {
	case VTD_SVT_NONE:
		return true;
	case VTD_SVT_SID:
		return !((want ^ sid) & sq_mask[FIELD_GET(VTD_IRTE_SQ, e[1])]);
	case VTD_SVT_BUS:	/* start bus in SID 15:8, end bus in 7:0 */
		return (sid >> 8) >= (want >> 8) && (sid >> 8) <= (want & 0xff);
	default:
		return false;
	}
}

struct vtd_hw_intr vtd_hw_interrupt(struct vtd_hw *hw, u16 sid, u64 addr, u32 data)
{
	struct vtd_hw_intr r = { .delivered = true, .vector = (u8)data,
				 .dest = (u32)((addr >> 12) & 0xff), .level = data & BIT(15) };
	bool eime = hw->irta & VTD_IRTA_EIME;
	u32 entries = 2u << (hw->irta & VTD_IRTA_S), index;
	const u64 *e;

	if (!(hw->gsts & VTD_GSTS_IRES))
		return r;				/* remapping off: as sent */
	if (!(addr & VTD_MSI_IF)) {			/* compatibility format */
		if (!eime && (hw->gsts & VTD_GSTS_CFIS))
			return r;
		return ir_fault(hw, sid, 0, 0x25, NULL);
	}
	index = (u32)FIELD_GET(VTD_MSI_HANDLE, addr) | (addr & VTD_MSI_HANDLE15 ? 0x8000 : 0);
	if (addr & VTD_MSI_SHV) {
		if (data >> 16)
			return ir_fault(hw, sid, index, 0x20, NULL);
		index += data & 0xffff;
	}
	if (index >= entries)
		return ir_fault(hw, sid, index, 0x21, NULL);
	e = iec_entry(hw, index);
	if (!(e[0] & VTD_IRTE_P))
		return ir_fault(hw, sid, index, 0x22, e);
	if ((e[0] & (VTD_IRTE_RSVD_LO | VTD_IRTE_IM)) || (e[1] & VTD_IRTE_RSVD_HI) ||
	    (!eime && (e[0] & (GENMASK_ULL(63, 48) | GENMASK_ULL(39, 32)))))
		return ir_fault(hw, sid, index, 0x24, e);
	if (!sid_ok(e, sid))
		return ir_fault(hw, sid, index, 0x26, e);
	r.vector = (u8)FIELD_GET(VTD_IRTE_V, e[0]);
	r.level = e[0] & VTD_IRTE_TM;
	r.dest = eime ? (u32)FIELD_GET(VTD_IRTE_DST, e[0]) : (u32)FIELD_GET(VTD_IRTE_DST_XAPIC, e[0]);
	return r;
}
