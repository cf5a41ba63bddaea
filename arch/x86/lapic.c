// SPDX-License-Identifier: MIT
/*
 * Local APIC driver: switches off the legacy 8259 PICs, enables the APIC in
 * xAPIC or x2APIC mode (kept as the loader left it when that was x2APIC),
 * and provides EOI, IPIs and MSI encoding. Register offsets and the mode
 * rules: Intel SDM vol. 3, chapters 11.4-11.6 and 11.12 (x2APIC).
 */
#include "arch/x86/lapic.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define LAPIC_ID	0x20
#define LAPIC_EOI	0xb0
#define LAPIC_SVR	0xf0
#define LAPIC_ESR	0x280
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERR	0x370
#define APIC_BASE_EN	(1ULL << 11)
#define APIC_BASE_X2	(1ULL << 10)
#define MSR_X2APIC_BASE	0x800	/* x2APIC register r is MSR 0x800 + (r >> 4) */
#define MSR_X2APIC_ICR	0x830	/* one 64-bit register, destination in 63:32 */
#define MSR_X2APIC_SELF	0x83f

/* ICR low word: delivery mode (10:8), level assert (14), delivery status (12) */
#define ICR_FIXED	0x000
#define ICR_NMI		0x400
#define ICR_INIT	0x500
#define ICR_STARTUP	0x600
#define ICR_BUSY	(1u << 12)
#define ICR_ASSERT	(1u << 14)
#define ICR_SELF	(1u << 18)
#define ICR_WAIT_US	100000	/* an xAPIC accepts an IPI in microseconds */

static volatile u8 *mmio;
static bool x2;
static bool on;
static bool loader_x2;
static const char *mode_str = "off";

static u32 lapic_read(u32 reg)
{
	if (x2)
		return (u32)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return mmio_read32(mmio + reg);
}

static void lapic_write(u32 reg, u32 v)
{
	if (x2)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
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

/* This CPU: the mode in x2 (both enable steps: disabled -> xAPIC -> x2APIC), LVTs masked. */
static void enable_this_cpu(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_EN)) {
		base = (base & ~APIC_BASE_X2) | APIC_BASE_EN;
		wrmsr(MSR_APIC_BASE, base);
	}
	if (x2 && !(base & APIC_BASE_X2))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, 1u << 16);
	lapic_write(LAPIC_LVT_LINT1, 1u << 16);
	lapic_write(LAPIC_LVT_ERR, 1u << 16);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_EOI, 0);
}

const char *lapic_setup(bool want_x2)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	/* leaving x2APIC needs a full disable, and IDs above 255 may depend on it */
	bool found_x2 = (base & APIC_BASE_EN) && (base & APIC_BASE_X2);
	const char *why;

	if (found_x2) {
		x2 = true;
		why = want_x2 ? "x2APIC, enabled by the loader" :
				"x2APIC, enabled by the loader (x2apic=off ignored)";
	} else if (cpu_feat.x2apic && want_x2) {
		x2 = true;
		why = "x2APIC";
	} else {
		x2 = false;
		why = cpu_feat.x2apic ? "xAPIC (x2apic=off)" : "xAPIC (the CPU has no x2APIC)";
	}
	if (!x2 && !mmio)
		mmio = ioremap(base & 0xfffff000ULL, 0x1000);
	enable_this_cpu();
	on = true;
	return why;
}

void lapic_init(void)
{
	char v[8];
	bool off = cmdline_get("x2apic", v, sizeof(v)) &&
		   (!strcmp(v, "off") || !strcmp(v, "0") || !strcmp(v, "n"));
	u64 base = rdmsr(MSR_APIC_BASE);

	loader_x2 = (base & APIC_BASE_EN) && (base & APIC_BASE_X2);
	lapic_mask_legacy_pic();
	mode_str = lapic_setup(!off);
}

void lapic_init_ap(void)
{
	enable_this_cpu();
}

void lapic_disable(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	lapic_write(LAPIC_SVR, VEC_SPURIOUS);	/* software-disable first */
	wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_EN | APIC_BASE_X2));
}

bool lapic_enabled(void)
{
	return on;
}

bool lapic_x2apic(void)
{
	return x2;
}

bool lapic_loader_x2apic(void)
{
	return loader_x2;
}

const char *lapic_mode_str(void)
{
	return mode_str;
}

u32 lapic_max_dest(void)
{
	return x2 ? 0xfffffffeu : 0xfeu;
}

void lapic_eoi(void)
{
	if (on)
		lapic_write(LAPIC_EOI, 0);
}

u32 lapic_id(void)
{
	if (!on)
		return 0;
	return x2 ? lapic_read(LAPIC_ID) : lapic_read(LAPIC_ID) >> 24;
}

/* One IPI: x2APIC writes the 64-bit ICR at once; xAPIC writes high then low and waits. */
static int send_icr(u32 dest, u32 lo)
{
	unsigned long f;
	int ret = 0;

	if (!on || dest > lapic_max_dest())
		return -EINVAL;
	f = arch_irq_save();	/* the two xAPIC writes must not interleave with a handler's */
	if (x2) {
		wrmsr(MSR_X2APIC_ICR, ((u64)dest << 32) | lo);
	} else {
		lapic_write(LAPIC_ICR_HI, dest << 24);
		lapic_write(LAPIC_ICR_LO, lo);
		ret = poll_timeout(!(lapic_read(LAPIC_ICR_LO) & ICR_BUSY), ICR_WAIT_US);
	}
	arch_irq_restore(f);
	return ret;
}

int lapic_send_ipi(u32 dest, int vector)
{
	if (vector < VEC_FIRST_IRQ || vector > 0xff)
		return -EINVAL;
	return send_icr(dest, ICR_FIXED | ICR_ASSERT | (u32)vector);
}

int lapic_send_nmi(u32 dest)
{
	return send_icr(dest, ICR_NMI | ICR_ASSERT);
}

int lapic_send_init(u32 dest)
{
	return send_icr(dest, ICR_INIT | ICR_ASSERT);
}

int lapic_send_sipi(u32 dest, u8 page)
{
	return send_icr(dest, ICR_STARTUP | ICR_ASSERT | page);
}

void lapic_self_ipi(int vector)
{
	if (x2) {
		wrmsr(MSR_X2APIC_SELF, (u32)vector);	/* x2APIC SELF IPI register */
		return;
	}
	send_icr(0, (u32)vector | ICR_ASSERT | ICR_SELF);
}

u64 msi_addr(u32 apic_id)
{
	return 0xfee00000ULL | ((u64)(apic_id & 0xff) << 12);
}

u32 msi_data(int vector)
{
	return (u32)vector & 0xff;	/* fixed delivery, edge */
}

u32 lapic_read_reg(u32 reg)
{
	return lapic_read(reg);
}

void lapic_write_reg(u32 reg, u32 v)
{
	lapic_write(reg, v);
}
