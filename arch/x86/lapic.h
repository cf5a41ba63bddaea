/* SPDX-License-Identifier: MIT */
/*
 * Local APIC (xAPIC MMIO or x2APIC MSRs): enable, EOI, IPIs, and the MSI
 * address/data a device needs to interrupt this CPU.
 */
#ifndef ARCH_X86_LAPIC_H
#define ARCH_X86_LAPIC_H

#include "lib/types.h"

void lapic_init(void);
bool lapic_enabled(void);
void lapic_eoi(void);
u32 lapic_id(void);
/* Whether the local APIC runs in x2APIC mode (32-bit destinations). */
bool lapic_x2apic_mode(void);
/* Compatibility-format MSI targeting this CPU with a fixed vector. */
u64 msi_addr(u32 apic_id);
u32 msi_data(int vector);
/* Send a fixed interrupt to ourselves (tests interrupt delivery). */
void lapic_self_ipi(int vector);
void lapic_mask_legacy_pic(void);
/* Raw register access (offsets as in xAPIC MMIO; x2APIC mapped to MSRs). */
u32 lapic_read_reg(u32 reg);
void lapic_write_reg(u32 reg, u32 v);

#endif
