// SPDX-License-Identifier: MIT
/*
 * Local APIC driver: switches off the legacy 8259 PICs, enables the APIC
 * (x2APIC when the CPU has it), and provides EOI, self-IPI and MSI encoding.
 * Register offsets: Intel SDM vol. 3, chapter 11.
 */
#include "arch/x86/lapic.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/trap.h"
#include "arch/x86/x86.h"

#define LAPIC_ID	0x20
#define LAPIC_EOI	0xb0
#define LAPIC_SVR	0xf0
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERR	0x370
#define APIC_BASE_EN	(1ULL << 11)
#define APIC_BASE_X2	(1ULL << 10)

static volatile u8 *mmio;
static bool x2;
static bool on;

static u32 lapic_read(u32 reg)
{
	if (x2)
		return (u32)rdmsr(0x800 + (reg >> 4));
	return mmio_read32(mmio + reg);
}

static void lapic_write(u32 reg, u32 v)
{
	if (x2)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio_write32(mmio + reg, v);
}

void lapic_mask_legacy_pic(void)
{
	/* remap the 8259s to 0x20/0x28 so stray IRQs are recognisable, then mask */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, 0x20);
	outb(0xa1, 0x28);
	outb(0x21, 4);
	outb(0xa1, 2);
	outb(0x21, 1);
	outb(0xa1, 1);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void lapic_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	lapic_mask_legacy_pic();
	x2 = cpu_feat.x2apic;
	base |= APIC_BASE_EN;
	if (x2)
		base |= APIC_BASE_X2;
	wrmsr(MSR_APIC_BASE, base);
	if (!x2)
		mmio = ioremap(base & 0xfffff000ULL, 0x1000);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_TIMER, 1u << 16);
	lapic_write(LAPIC_LVT_LINT0, 1u << 16);
	lapic_write(LAPIC_LVT_LINT1, 1u << 16);
	lapic_write(LAPIC_LVT_ERR, 1u << 16);
	on = true;
	lapic_eoi();
}

bool lapic_enabled(void)
{
	return on;
}

void lapic_eoi(void)
{
	if (on)
		lapic_write(LAPIC_EOI, 0);
}

bool lapic_x2apic_mode(void)
{
	return on && x2;
}

u32 lapic_id(void)
{
	if (!on)
		return 0;
	return x2 ? lapic_read(LAPIC_ID) : lapic_read(LAPIC_ID) >> 24;
}

u64 msi_addr(u32 apic_id)
{
	return 0xfee00000ULL | ((u64)(apic_id & 0xff) << 12);
}

u32 msi_data(int vector)
{
	return (u32)vector & 0xff;	/* fixed delivery, edge */
}

void lapic_self_ipi(int vector)
{
	if (x2) {
		wrmsr(0x83f, (u32)vector);	/* x2APIC SELF IPI register */
		return;
	}
	lapic_write(LAPIC_ICR_HI, lapic_id() << 24);
	lapic_write(LAPIC_ICR_LO, (u32)vector | (1u << 18));	/* shorthand: self */
}


u32 lapic_read_reg(u32 reg)
{
	return lapic_read(reg);
}

void lapic_write_reg(u32 reg, u32 v)
{
	lapic_write(reg, v);
}
