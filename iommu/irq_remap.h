/* SPDX-License-Identifier: MIT */
/*
 * Interrupt remapping, IOMMU-neutral: the driver interface VT-d and AMD-Vi
 * implement (struct irq_remap_ops), and interrupt lines a test or the VFIO
 * layer requests for a device or an IOAPIC pin (struct irq_line, kernel).
 */
#ifndef IOMMU_IRQ_REMAP_H
#define IOMMU_IRQ_REMAP_H

#include "lib/compiler.h"

struct pci_dev;

/* Who sends an interrupt, as the remapping hardware tells senders apart. */
enum irq_src_kind {
	IRQ_SRC_PCI,		/* a PCI function's MSI or MSI-X */
	IRQ_SRC_IOAPIC,		/* an IOAPIC (all of its pins) */
	IRQ_SRC_HPET,		/* an MSI-capable HPET block */
};

struct irq_source {
	u8 kind;		/* enum irq_src_kind */
	u8 id;			/* IOAPIC id (MADT) or HPET number */
	u16 segment;
	u16 rid;		/* PCI: the requester ID its writes carry */
	struct pci_dev *pdev;	/* PCI only, NULL hosted */
};

/* Where an interrupt goes: fixed delivery of vector to one CPU. */
struct irq_target {
	u32 dest;		/* APIC ID; above 255 needs x2APIC and remapping */
	u8 vector;
	bool level;		/* trigger mode of the source (IOAPIC level pins) */
};

/* The message a source writes (an IOAPIC forms it from its entry). */
struct irq_msg {
	u64 addr;
	u32 data;
};

/*
 * One remapping table entry handed out by a driver. The driver owns every
 * field but src; index is what the source names in its messages.
 */
struct irq_remap_entry {
	struct irq_source src;
	void *unit;		/* the driver's unit */
	void *priv;		/* the driver's per-source state */
	u32 index;
	bool live;		/* allocated and not yet freed */
};

/*
 * What a remapping driver offers. Every call that changes a table entry
 * invalidates the unit's cached copy before it returns (an entry changed
 * without invalidation may be used stale for as long as the cache holds it).
 */
struct irq_remap_ops {
	const char *name;
	/* Whether src's interrupts go through remapping (unit found, remapping on). */
	bool (*covers)(const struct irq_source *src);
	/* Reserve an entry for src: 0, -ENODEV (not covered), -ENOSPC, -ENOMEM. */
	int (*alloc)(const struct irq_source *src, struct irq_remap_entry *e);
	/*
	 * Point e at t and say what the source must send to use it:
	 * 0, -ERANGE (t cannot be expressed), -EIO/-ETIMEDOUT (invalidation).
	 */
	int (*set)(struct irq_remap_entry *e, const struct irq_target *t, struct irq_msg *msg);
	/* Make e not present (its interrupts are blocked) and invalidate. */
	int (*clear)(struct irq_remap_entry *e);
	/* Clear and give back e. */
	void (*free)(struct irq_remap_entry *e);
	/*
	 * Let src's interrupts pass unremapped (on) or remap them again (off),
	 * where the hardware allows it per source or per unit: 0, -EOPNOTSUPP.
	 */
	int (*bypass)(const struct irq_source *src, bool on);
	/*
	 * Whether compatibility-format MSIs from src are blocked: 1 blocked,
	 * 0 passed through, -EOPNOTSUPP when the notion does not apply.
	 */
	int (*compat_blocked)(const struct irq_source *src);
	/* Entries handed out and not freed (inherited ones not counted): the leak check. */
	long (*live)(void);
	/* Remapping found not to deliver: covers() false from now on, for every source. */
	void (*off)(void);
};

/* The active driver's ops (NULL: no remapping). One driver at a time. */
void irq_remap_register(const struct irq_remap_ops *ops);
void irq_remap_unregister(const struct irq_remap_ops *ops);
const struct irq_remap_ops *irq_remap_ops(void);
/* ops covers src: its interrupts must use remapping entries. */
bool irq_remap_covers(const struct irq_source *src);

/* Messages without remapping: compatibility format, physical destination. */
int irq_msg_compat(const struct irq_target *t, struct irq_msg *msg);
/*
 * The IOAPIC entry that makes the IOAPIC send msg (it forms address bits
 * 19:4 from entry bits 63:48, bit 2 from bit 11, data from bits 15:0), masked.
 */
u64 irq_msg_to_rte(const struct irq_msg *msg, bool level, bool low);

/* --- interrupt lines (iommu/irq_line.c, kernel only) --- */

enum irq_line_how {
	IRQ_LINE_NONE,
	IRQ_LINE_MSI,
	IRQ_LINE_MSIX,
	IRQ_LINE_IOAPIC,
};

/* Request flags. */
#define IRQ_LINE_DIRECT	(1u << 0)	/* compatibility format, never a remapping entry */

struct irq_line;
typedef void (*irq_line_fn)(struct irq_line *l, void *ctx);

/*
 * One interrupt of one source on a vector of its own. The handler counts
 * it, then runs fn (interrupt context: acknowledge the device there).
 */
struct irq_line {
	u8 how;			/* enum irq_line_how */
	bool remapped;		/* through a remapping entry */
	struct irq_source src;
	u16 msix_entry;
	u32 gsi;		/* IOAPIC lines */
	bool low;		/* IOAPIC polarity */
	int vector;		/* < 0: none */
	struct irq_target tgt;
	struct irq_remap_entry ire;
	struct irq_msg msg;	/* what the source sends now */
	volatile u64 count;	/* interrupts taken */
	volatile u32 last_apic;	/* APIC ID of the CPU that took the last one */
	volatile u64 wrong_dest;	/* taken on a CPU other than tgt.dest */
	irq_line_fn fn;
	void *ctx;
};

/* The source a PCI function's MSIs come from (requester ID as the IOMMU sees it). */
void irq_source_pci(struct irq_source *s, struct pci_dev *pdev);
/* The source of an IOAPIC's interrupts; -ENODEV when no IOAPIC has this GSI. */
int irq_source_ioapic(struct irq_source *s, u32 gsi);

/*
 * Request a line: a free vector, a remapping entry when the source is
 * covered (unless IRQ_LINE_DIRECT), the source programmed and unmasked.
 * 0 or -errno with nothing left behind.
 */
int irq_line_msi(struct irq_line *l, struct pci_dev *pdev, unsigned int flags);
int irq_line_msix(struct irq_line *l, struct pci_dev *pdev, u16 entry, unsigned int flags);
int irq_line_ioapic(struct irq_line *l, u32 gsi, bool level, bool low, unsigned int flags);
/* The GSI an ISA IRQ is wired to (MADT overrides), with its trigger and polarity. */
int irq_line_isa(struct irq_line *l, u8 isa_irq, unsigned int flags);
/* Mask the source, give back entry and vector. */
void irq_line_free(struct irq_line *l);
/*
 * Move the line to another vector (and destination): rewrite and
 * invalidate its remapping entry, or reprogram the source when direct.
 */
int irq_line_retarget(struct irq_line *l, int vector, u32 dest);
/* Mask or unmask the source (IOAPIC pin, MSI-X entry, MSI where it can). */
int irq_line_mask(struct irq_line *l, bool masked);
/* Wait until more than seen interrupts were taken: 0, or -ETIMEDOUT. */
int irq_line_wait(struct irq_line *l, u64 seen, u64 timeout_us);
/* An IOAPIC line's end of interrupt (level pins, by the entry's vector field). */
void irq_line_eoi(struct irq_line *l);

/*
 * Boot, after iommu_init: check that remapped interrupts arrive (the PIT
 * through an IOAPIC; remapping that drops them is switched off) and report
 * what remapping the kernel runs with.
 */
void irq_remap_report(void);
/* Why the boot checks switched remapping off (NULL: they did not). */
const char *irq_remap_dropped(void);

#endif
