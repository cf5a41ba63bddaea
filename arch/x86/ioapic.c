// SPDX-License-Identifier: MIT
/*
 * I/O APIC driver: the IOAPICs and overrides the MADT lists, indirect
 * register access (IOREGSEL/IOWIN), redirection entries by GSI.
 * Registers: Intel 82093AA datasheet 3.0-3.2; MADT: ACPI 6.5 5.2.12.
 */
#include "arch/x86/ioapic.h"
#include "arch/x86/acpi.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"
#include "lib/spinlock.h"

#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOEOI		0x40	/* version 0x20 and later */
#define REG_ID		0x00
#define REG_VER		0x01
#define REG_RTE(pin)	(0x10 + 2 * (pin))

struct ioapic ioapics[IOAPIC_MAX];
int ioapic_count;
static spinlock_t ioapic_lock = SPINLOCK_INIT;	/* IOREGSEL/IOWIN pairs */

static u32 reg_read(struct ioapic *io, u32 reg)
{
	mmio_write32(io->mmio + IOREGSEL, reg);
	return mmio_read32(io->mmio + IOWIN);
}

static void reg_write(struct ioapic *io, u32 reg, u32 v)
{
	mmio_write32(io->mmio + IOREGSEL, reg);
	mmio_write32(io->mmio + IOWIN, v);
}

void ioapic_init(void)
{
	for (int i = 0; i < acpi.nioapics && ioapic_count < IOAPIC_MAX; i++) {
		const struct acpi_ioapic *a = &acpi.ioapics[i];
		struct ioapic *io = &ioapics[ioapic_count];
		u32 ver;

		io->base = a->addr;
		io->mmio = a->addr ? ioremap(a->addr, PAGE_SIZE) : NULL;
		if (!io->mmio)
			continue;
		ver = reg_read(io, REG_VER);
		if (ver == ~0u) {
			printk("# ioapic: nothing answers at %#llx (MADT id %u), ignored\n",
			       (unsigned long long)io->base, a->id);
			continue;
		}
		io->id = a->id;
		io->gsi_base = a->gsi_base;
		io->version = (u8)ver;
		io->npins = (u8)(((ver >> 16) & 0xff) + 1);
		for (u32 pin = 0; pin < io->npins; pin++) {
			reg_write(io, REG_RTE(pin), IOAPIC_RTE_MASKED);
			reg_write(io, REG_RTE(pin) + 1, 0);
		}
		printk("# ioapic: id %u at %#llx, version %#x, GSI %u-%u, all pins masked\n",
		       io->id, (unsigned long long)io->base, io->version, io->gsi_base,
		       io->gsi_base + io->npins - 1);
		ioapic_count++;
	}
}

struct ioapic *ioapic_of_gsi(u32 gsi, u32 *pin)
{
	for (int i = 0; i < ioapic_count; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->npins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

u32 ioapic_isa_gsi(u8 isa_irq, bool *level, bool *low)
{
	*level = false;
	*low = false;
	for (int i = 0; i < acpi.niso; i++) {
		const struct acpi_iso *o = &acpi.isos[i];

		if (o->bus != 0 || o->source != isa_irq)
			continue;
		*level = (o->flags & ACPI_INTI_TRIGGER) == 0xc;
		*low = (o->flags & ACPI_INTI_POLARITY) == 3;
		return o->gsi;
	}
	return isa_irq;
}

int ioapic_write_rte(u32 gsi, u64 rte)
{
	unsigned long flags;
	struct ioapic *io;
	u32 pin;

	io = ioapic_of_gsi(gsi, &pin);
	if (!io)
		return -EINVAL;
	spin_lock_irqsave(&ioapic_lock, flags);
	/* masked while the halves disagree, so no half-old entry fires */
	reg_write(io, REG_RTE(pin), (u32)rte | IOAPIC_RTE_MASKED);
	reg_write(io, REG_RTE(pin) + 1, (u32)(rte >> 32));
	reg_write(io, REG_RTE(pin), (u32)rte);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

u64 ioapic_read_rte(u32 gsi)
{
	unsigned long flags;
	struct ioapic *io;
	u32 pin;
	u64 v;

	io = ioapic_of_gsi(gsi, &pin);
	if (!io)
		return IOAPIC_RTE_MASKED;
	spin_lock_irqsave(&ioapic_lock, flags);
	v = reg_read(io, REG_RTE(pin)) | (u64)reg_read(io, REG_RTE(pin) + 1) << 32;
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return v;
}

int ioapic_mask(u32 gsi, bool masked)
{
	unsigned long flags;
	struct ioapic *io;
	u32 pin, lo;

	io = ioapic_of_gsi(gsi, &pin);
	if (!io)
		return -EINVAL;
	spin_lock_irqsave(&ioapic_lock, flags);
	lo = reg_read(io, REG_RTE(pin));
	lo = masked ? lo | (u32)IOAPIC_RTE_MASKED : lo & ~(u32)IOAPIC_RTE_MASKED;
	reg_write(io, REG_RTE(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

/*
 * End of interrupt for a level pin by its entry's vector field: what clears
 * remote IRR when the local APIC's broadcast cannot name the pin (the
 * vector field holds a remapping index, as on AMD-Vi). Older IOAPICs rely
 * on the broadcast.
 */
void ioapic_eoi(u32 gsi)
{
	struct ioapic *io;
	u32 pin;

	io = ioapic_of_gsi(gsi, &pin);
	if (io && io->version >= 0x20)
		mmio_write32(io->mmio + IOEOI, (u32)(ioapic_read_rte(gsi) & IOAPIC_RTE_VECTOR));
}

static u64 rte_mode(u8 vector, bool level, bool low)
{
	return FIELD_PREP(IOAPIC_RTE_VECTOR, vector) | (level ? IOAPIC_RTE_LEVEL : 0) |
	       (low ? IOAPIC_RTE_LOW : 0) | IOAPIC_RTE_MASKED;
}

u64 ioapic_rte_compat(u8 vector, u32 apic_id, bool level, bool low)
{
	return rte_mode(vector, level, low) | FIELD_PREP(IOAPIC_RTE_DEST, (u64)(apic_id & 0xff));
}

/*
 * The vector must equal the IRTE's (VT-d 5.1.5.1): the IOAPIC matches a
 * level-triggered pin's EOI by vector.
 */
u64 ioapic_rte_remap(u16 index, u8 vector, bool level, bool low)
{
	return rte_mode(vector, level, low) | IOAPIC_RTE_REMAP |
	       FIELD_PREP(IOAPIC_RTE_INDEX, (u64)(index & 0x7fff)) |
	       ((index & 0x8000) ? IOAPIC_RTE_INDEX15 : 0);
}
