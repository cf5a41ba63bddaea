/* SPDX-License-Identifier: MIT */
/*
 * A software VT-d remapping unit for hosted tests of the whole driver:
 * registers with the spec's side effects, the invalidation queue and
 * registers, fault recording, interrupt remapping (platform: arch/host/host.h).
 */
#ifndef TESTS_HOST_VTD_HW_H
#define TESTS_HOST_VTD_HW_H

#include "arch/x86/pci.h"
#include "iommu/vtd/vtd.h"

/* One invalidation the unit performed (from a descriptor or a register). */
struct vtd_hw_op {
	u8 type;		/* VTD_DESC_CC, _IOTLB, _DEVTLB, _IEC, _WAIT, _PIOTLB, _PC, _PDEVTLB */
	u8 gran;		/* VTD_GRAN_* (CC, IOTLB), VTD_PC_*, VTD_P_GRAN_* */
	bool reg;		/* through CCMD/IOTLB registers, not the queue */
	bool aborted;		/* dropped by an invalidation time-out */
	bool wide;		/* a 256-bit descriptor */
	u16 did, sid;
	u8 am;
	bool ih;
	u32 pasid;
	u64 addr;
};

#define VTD_HW_LOG 32768

/*
 * The unit's translation caches (VT-d 6.2): context cache by requester
 * ID, PASID cache by requester ID and PASID, IOTLB by DID (and PASID for
 * first-stage, nested and pass-through entries). Each entry stays until an
 * invalidation covers it, as in hardware: a missing flush shows as a stale
 * translation.
 */
#define VTD_HW_CC	16
#define VTD_HW_PC	32
#define VTD_HW_TLB	64

struct vtd_hw_cce {
	bool valid;
	u16 sid;
	u64 ce[4];
};

struct vtd_hw_pce {
	bool valid;
	u16 sid;
	u32 pasid;
	u64 pe[8];
};

struct vtd_hw_tlbe {
	bool valid;
	u8 pgtt;		/* VTD_PGTT_* (legacy: SS or PT) */
	u16 did;
	u32 pasid;		/* first stage, nested, pass-through */
	u64 iova, size;		/* the page the translation covers */
	phys_addr_t pa;
	bool r, w;		/* what the walk allowed */
	bool dirty;		/* walked for a write: D is set (a write without it walks again) */
};

struct vtd_hw {
	phys_addr_t base;
	u8 regs[4096];		/* what reads return, unless computed */
	u32 gsts, fsts;		/* FSTS without PPF (computed) */
	u64 iqh;
	u64 rta;		/* root table latched by the last SRTP */
	u64 irta;		/* interrupt remapping table latched by the last SIRTP */
	struct {		/* interrupt entry cache: stale until invalidated */
		bool valid;
		u32 index;
		u64 e[2];
	} iec[64];
	u32 iec_next;
	u32 fr_next;		/* fault recording register for the next fault */
	u32 nfr, fro, iro, mamv;
	/* what it did */
	struct vtd_hw_op log[VTD_HW_LOG];
	int nlog, lost;
	int wbf, srtp, msis;
	int te_offs;		/* times translation was turned off */
	int ire_offs;		/* times interrupt remapping was turned off */
	u32 last_status;	/* data of the last status-write wait */
	int status_not_newer;	/* status writes not above the one before */
	int violations;		/* programming-model rules the driver broke */
	const char *violation;	/* the last one */
	/* failure injection */
	bool stuck;		/* invalidations never complete */
	int ite_devtlb;		/* time out the n-th device-TLB invalidation from now */
	/* DMA translation (vtd_walk.c) */
	struct vtd_hw_cce cc[VTD_HW_CC];
	struct vtd_hw_pce pc[VTD_HW_PC];
	struct vtd_hw_tlbe tlb[VTD_HW_TLB];
	u32 cc_next, pc_next, tlb_next;
	u64 walks, hits;	/* DMA requests that walked, that hit the IOTLB */
};

/* A DMA request as the unit receives it. */
struct vtd_hw_req {
	u16 sid;
	bool has_pasid;		/* PASID-tagged (else RID_PASID's translation) */
	u32 pasid;
	u64 addr;
	bool write, exec, priv;	/* execute and supervisor (privileged) requests need a PASID */
};

/* What became of it. */
struct vtd_hw_xlate {
	bool ok;
	phys_addr_t pa;
	u8 reason;		/* blocked: fault reason */
	bool recorded;		/* ... and a fault record was written (not FPD, no overflow) */
	bool hit;		/* served from the IOTLB */
	u16 did;		/* the DID the translation is tagged with */
	u8 pgtt;		/* how it was translated */
};

/*
 * Translate a DMA request as the spec says (VT-d 4.1 ch. 3, 9, 7): legacy
 * context entries or scalable-mode PASID tables, second-stage, first-stage
 * (IA-32e), nested and pass-through, with A/D updates, the permission and
 * privilege rules, the caches above, and fault recording. QEMU 7.2 walks
 * first-stage and nested entries as second-stage tables: this is the spec.
 */
struct vtd_hw_xlate vtd_hw_dma(struct vtd_hw *hw, const struct vtd_hw_req *r);
/* vtd_hw_dma of a plain request: sid to addr, no PASID (or with pasid when >= 0). */
struct vtd_hw_xlate vtd_hw_rw(struct vtd_hw *hw, u16 sid, long pasid, u64 addr, bool write);
/* A cached IOTLB entry for did (pasid < 0: any) covering iova, NULL if none. */
const struct vtd_hw_tlbe *vtd_hw_tlb_find(const struct vtd_hw *hw, int did, long pasid, u64 iova);
/* Fault record with the request's PASID and privilege (vtd_hw_fault without them). */
bool vtd_hw_fault_req(struct vtd_hw *hw, const struct vtd_hw_req *r, u8 reason);
/* Called by the queue: a descriptor's effect on the caches above. */
void vtd_hw_cache_inval(struct vtd_hw *hw, const struct vtd_hw_op *op, u8 fm);
/* Whether the unit's root table is in scalable mode (RTADDR.TTM latched by SRTP). */
bool vtd_hw_sm(const struct vtd_hw *hw);

/* A unit at base with these identification registers (ioremap(base) finds it). */
struct vtd_hw *vtd_hw_new(phys_addr_t base, u32 ver, u64 cap, u64 ecap);
/* The unit behind a driver unit. */
struct vtd_hw *vtd_hw_of(const struct vtd_unit *u);
/* Forget every unit. */
void vtd_hw_reset(void);
/*
 * The unit records a DMA fault as hardware does: in the next recording
 * register, circularly; overflow (PFO) when that one is still full. Raises
 * the fault event interrupt unless masked. false when it overflowed.
 */
bool vtd_hw_fault(struct vtd_hw *hw, u16 sid, u64 addr, u8 reason, bool write);
/* What an interrupt request the unit received became (VT-d 5.1). */
struct vtd_hw_intr {
	bool delivered;
	u8 vector;
	u32 dest;
	bool level;
	u8 reason;		/* blocked: fault reason 0x20-0x27 */
	bool recorded;		/* ... and a fault record was written */
};

/*
 * A device with requester ID sid writes data to addr in the interrupt
 * range: the unit remaps it through its entry cache (stale until an IEC
 * invalidation), checks source-id, format and entry, and records the
 * faults the spec says it records.
 */
struct vtd_hw_intr vtd_hw_interrupt(struct vtd_hw *hw, u16 sid, u64 addr, u32 data);

/*
 * Invalidations of this type (and, when did >= 0, this DID) performed from
 * log entry 'from' on (0: since the unit was made).
 */
int vtd_hw_count_since(const struct vtd_hw *hw, int from, int type, int did);
#define vtd_hw_count(hw, type, did) vtd_hw_count_since(hw, 0, type, did)

#endif
