/* SPDX-License-Identifier: MIT */
/*
 * I/O APICs from the MADT: their pins as global system interrupts (GSIs),
 * ISA IRQ overrides, and redirection entries in compatibility or
 * remappable (VT-d) format. No interrupt remapping tables here.
 */
#ifndef ARCH_X86_IOAPIC_H
#define ARCH_X86_IOAPIC_H

#include "lib/bitops.h"
#include "lib/types.h"

#define IOAPIC_MAX		8

/*
 * Redirection table entry (82093AA datasheet 3.2.4; remappable format:
 * VT-d spec 5.1.5.1):
 *
 *   63..56 destination APIC ID      (compatibility format)
 *   63..49 interrupt index [14:0]   (remappable format)
 *       48 format: 1 = remappable
 *       16 masked
 *       15 trigger: 1 = level
 *       14 remote IRR (read-only)
 *       13 polarity: 1 = active low
 *       12 delivery status (read-only)
 *       11 destination mode (compatibility) / interrupt index [15] (remappable)
 *   10..8  delivery mode: 0 fixed
 *    7..0  vector
 */
#define IOAPIC_RTE_VECTOR	GENMASK_ULL(7, 0)
#define IOAPIC_RTE_DELMODE	GENMASK_ULL(10, 8)
#define IOAPIC_RTE_INDEX15	BIT_ULL(11)
#define IOAPIC_RTE_PENDING	BIT_ULL(12)
#define IOAPIC_RTE_LOW		BIT_ULL(13)
#define IOAPIC_RTE_IRR		BIT_ULL(14)
#define IOAPIC_RTE_LEVEL	BIT_ULL(15)
#define IOAPIC_RTE_MASKED	BIT_ULL(16)
#define IOAPIC_RTE_REMAP	BIT_ULL(48)
#define IOAPIC_RTE_INDEX	GENMASK_ULL(63, 49)
#define IOAPIC_RTE_DEST		GENMASK_ULL(63, 56)

struct ioapic {
	u8 id;			/* MADT id: the handle of DMAR/IVRS IOAPIC scopes */
	u8 version;
	u8 npins;		/* redirection entries */
	u32 gsi_base;
	phys_addr_t base;
	volatile u8 *mmio;
};

extern struct ioapic ioapics[IOAPIC_MAX];
extern int ioapic_count;

/* Map every MADT IOAPIC and mask all of its pins (the kernel owns them now). */
void ioapic_init(void);
/* The IOAPIC and pin of a GSI; NULL when no IOAPIC has it. */
struct ioapic *ioapic_of_gsi(u32 gsi, u32 *pin);
/*
 * The GSI an ISA IRQ arrives on, with its trigger and polarity: the MADT's
 * interrupt source override, else the ISA default (same number, edge, high).
 */
u32 ioapic_isa_gsi(u8 isa_irq, bool *level, bool *low);
/* Whole-entry access; a write masks the pin while it changes. -EINVAL: no such GSI. */
int ioapic_write_rte(u32 gsi, u64 rte);
u64 ioapic_read_rte(u32 gsi);
int ioapic_mask(u32 gsi, bool masked);
/* End of interrupt of a level pin, by its entry's vector field (version 0x20+). */
void ioapic_eoi(u32 gsi);
/* Entries, masked: compatibility format to a physical APIC ID, or a remapping index. */
u64 ioapic_rte_compat(u8 vector, u32 apic_id, bool level, bool low);
u64 ioapic_rte_remap(u16 index, u8 vector, bool level, bool low);

#endif
