/* SPDX-License-Identifier: MIT */
/*
 * Local APIC in xAPIC (MMIO) or x2APIC (MSR) mode: enable, EOI, IPIs (fixed,
 * NMI, INIT, start-up) to any APIC ID, and the MSI address/data a device
 * needs to interrupt a CPU. Every CPU runs its APIC in the boot CPU's mode.
 */
#ifndef ARCH_X86_LAPIC_H
#define ARCH_X86_LAPIC_H

#include "lib/types.h"

/*
 * Boot CPU: choose the mode and enable. A loader that hands over in x2APIC
 * mode (IA32_APIC_BASE.EXTD) keeps it; otherwise x2APIC when the CPU has it
 * and the command line does not say x2apic=off.
 */
void lapic_init(void);
/*
 * This CPU's part of lapic_init with the choice given (want_x2: x2APIC if the
 * CPU has it); returns why the mode was chosen. Tests re-run it as a loader's
 * handover would find the APIC.
 */
const char *lapic_setup(bool want_x2);
/* Any other CPU: enable its APIC in the boot CPU's mode. */
void lapic_init_ap(void);
/* Software- and hardware-disable this CPU's APIC (x2APIC -> disabled, so xAPIC may follow). */
void lapic_disable(void);
bool lapic_enabled(void);
bool lapic_x2apic(void);
/* Whether the loader handed over with the APIC already in x2APIC mode. */
bool lapic_loader_x2apic(void);
/* Why this mode, for the boot log ("x2APIC, enabled by the loader", ...). */
const char *lapic_mode_str(void);
/* Highest APIC ID an IPI can address in the current mode (0xfe or 0xfffffffe). */
u32 lapic_max_dest(void);
void lapic_eoi(void);
/* This CPU's APIC ID: 8 bits in xAPIC mode, 32 in x2APIC mode. */
u32 lapic_id(void);

/*
 * IPIs by physical destination. 0, -EINVAL when dest is out of the mode's
 * range, -ETIMEDOUT when the xAPIC never reported the IPI sent.
 */
int lapic_send_ipi(u32 dest, int vector);
int lapic_send_nmi(u32 dest);
int lapic_send_init(u32 dest);
/* Start-up IPI: the CPU starts in real mode at page << 12. */
int lapic_send_sipi(u32 dest, u8 page);
/* Send a fixed interrupt to ourselves (tests interrupt delivery). */
void lapic_self_ipi(int vector);

/* Compatibility-format MSI targeting an APIC ID below 256 with a fixed vector. */
u64 msi_addr(u32 apic_id);
u32 msi_data(int vector);
void lapic_mask_legacy_pic(void);
/* Raw register access (offsets as in xAPIC MMIO; x2APIC mapped to MSRs). */
u32 lapic_read_reg(u32 reg);
void lapic_write_reg(u32 reg, u32 v);

/* The timer's registers (SDM vol. 3, 11.5.4) and its LVT's bits. */
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_TIMER_INIT	0x380
#define LAPIC_TIMER_CUR		0x390
#define LAPIC_TIMER_DIV		0x3e0
#define LAPIC_LVT_MASKED	(1u << 16)
#define LAPIC_LVT_PERIODIC	(1u << 17)

#endif
