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
	u8 type;		/* VTD_DESC_CC, _IOTLB, _DEVTLB, _IEC, _WAIT */
	u8 gran;		/* VTD_GRAN_* (CC, IOTLB) */
	bool reg;		/* through CCMD/IOTLB registers, not the queue */
	bool aborted;		/* dropped by an invalidation time-out */
	u16 did, sid;
	u8 am;
	bool ih;
	u64 addr;
};

#define VTD_HW_LOG 32768

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
};

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
