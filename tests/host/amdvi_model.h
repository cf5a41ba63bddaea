/* SPDX-License-Identifier: MIT */
/*
 * A software AMD-Vi unit for hosted tests: registers in memory, a command
 * processor (stops on an illegal command, as the spec says), an event log
 * with ring and overflow semantics, interrupt remapping, slow or stuck modes.
 */
#ifndef TESTS_HOST_AMDVI_MODEL_H
#define TESTS_HOST_AMDVI_MODEL_H

#include "iommu/amdvi/amdvi.h"

#define MODEL_EXEC_LOG	4096

struct amdvi_model {
	u8 regs[AMDVI_MMIO_SIZE];
	u64 status;			/* the status register, W1C emulated */
	bool stop_on_illegal;		/* real hardware: yes; QEMU: no */
	int reads_per_exec;		/* 0: run everything at the tail write; n: one
					 * command per n reads of head or status */
	int reads;			/* atomic */
	bool stuck;			/* execute nothing (a hung unit) */
	bool no_store;			/* COMPLETION_WAIT stores are lost */
	u64 exec[MODEL_EXEC_LOG][2];	/* commands executed, in order */
	int nexec;
	int illegal;			/* illegal commands seen */
	u64 max_outstanding;		/* most commands ever queued and not yet run */
	/* interrupt remapping: what the unit caches until the driver invalidates it */
	struct {
		bool valid;
		u16 devid;
		u64 dte[4];
	} dte_cache[16];
	struct {
		bool valid;
		u16 devid, index;
		u64 raw[2];
	} irte_cache[64];
	u32 cache_next;			/* round-robin replacement */
	int intr_events;		/* IO_PAGE_FAULTs with I=1 logged */
	int iommu_disables;		/* CONTROL.IommuEn 1 -> 0 writes */
	u64 last_ctrl;
};

/* What an interrupt the unit received became. */
struct model_intr {
	bool delivered;
	u8 vector;
	u32 dest;
	u16 flags;		/* of the IO_PAGE_FAULT logged when blocked (0: none) */
};

/* A unit wired to a fresh model, with ring and log set up and enabled. */
struct amdvi_unit *model_unit_create(void);
void model_unit_destroy(struct amdvi_unit *u);
static inline struct amdvi_model *model_of(struct amdvi_unit *u)
{
	return u->model;
}
/* Run queued commands now (as if the hardware caught up). */
void model_run(struct amdvi_unit *u);
/* The hardware logs an event (spec ring semantics); false when it overflowed. */
bool model_log_event(struct amdvi_unit *u, u64 w0, u64 w1);
/*
 * A device (devid) writes data to addr in the interrupt range: the unit
 * remaps it as spec 2.2.5 says, through its DTE and entry caches (stale
 * until invalidated), and logs IO_PAGE_FAULT (I=1) for what it blocks.
 */
struct model_intr model_interrupt(struct amdvi_unit *u, u16 devid, u64 addr, u32 data);
/* Commands of opcode op executed so far. */
int model_count(struct amdvi_unit *u, int op);
/* A DMA of devid at iova walked as the unit would (A/D updates included): 0 or -EFAULT. */
int model_dma(struct amdvi_unit *u, u16 devid, u64 iova, bool write, phys_addr_t *pa);

#include "arch/host/host.h"

#endif
