// SPDX-License-Identifier: MIT
/*
 * Interrupt lines for tests and the VFIO layer: a vector and a counting
 * handler, a remapping entry when the active driver covers the source,
 * and the source (MSI, MSI-X entry, IOAPIC pin) programmed to use them.
 * Kernel only; the remapping itself is the driver's (irq_remap_ops).
 */
#include "iommu/irq_remap.h"
#include "arch/x86/console.h"
#include "arch/x86/ioapic.h"
#include "arch/x86/lapic.h"
#include "arch/x86/pci.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

void irq_source_pci(struct irq_source *s, struct pci_dev *pdev)
{
	memset(s, 0, sizeof(*s));
	s->kind = IRQ_SRC_PCI;
	s->segment = pdev->seg;
	s->rid = pci_dma_source_id(pdev);
	s->pdev = pdev;
}

int irq_source_ioapic(struct irq_source *s, u32 gsi)
{
	struct ioapic *io;
	u32 pin;

	memset(s, 0, sizeof(*s));
	io = ioapic_of_gsi(gsi, &pin);
	if (!io)
		return -ENODEV;
	s->kind = IRQ_SRC_IOAPIC;
	s->id = io->id;
	return 0;
}

static void line_irq(struct trap_frame *tf, void *ctx)
{
	struct irq_line *l = ctx;
	u32 me = lapic_id();

	l->last_apic = me;
	if (me != l->tgt.dest)
		l->wrong_dest++;	/* misdelivered: the test checks it */
	l->count++;
	if (l->fn)
		l->fn(l, l->ctx);
	if (l->how == IRQ_LINE_IOAPIC && l->tgt.level)
		ioapic_eoi(l->gsi);
}

/* Write msg into the source (masked IOAPIC entries stay masked). */
static int program(struct irq_line *l, const struct irq_msg *msg)
{
	switch (l->how) {
	case IRQ_LINE_MSI:
		return pci_msi_enable(l->src.pdev, msg->addr, msg->data);
	case IRQ_LINE_MSIX:
		return pci_msix_set(l->src.pdev, l->msix_entry, msg->addr, msg->data);
	case IRQ_LINE_IOAPIC: {
		bool masked = ioapic_read_rte(l->gsi) & IOAPIC_RTE_MASKED;
		u64 rte = irq_msg_to_rte(msg, l->tgt.level, l->low);

		return ioapic_write_rte(l->gsi, masked ? rte : rte & ~IOAPIC_RTE_MASKED);
	}
	}
	return -EINVAL;
}

/* The message for the line's target: through its entry, or compatibility format. */
static int compose(struct irq_line *l, const struct irq_target *t, struct irq_msg *msg)
{
	if (l->remapped)
		return irq_remap_ops()->set(&l->ire, t, msg);
	return irq_msg_compat(t, msg);
}

/* Common part of every request; l->how, src, gsi, low, msix_entry are set. */
static int line_setup(struct irq_line *l, bool level, unsigned int flags)
{
	int v, ret;

	l->vector = -1;
	l->count = 0;
	l->wrong_dest = 0;
	l->last_apic = ~0u;
	v = failpoint_hit() ? -ENOSPC : irq_alloc_vector(line_irq, l);
	if (v < 0)
		return v;
	l->vector = v;
	l->tgt.dest = lapic_id();
	l->tgt.vector = (u8)v;
	l->tgt.level = level;
	l->remapped = !(flags & IRQ_LINE_DIRECT) && irq_remap_covers(&l->src);
	if (l->remapped) {
		ret = irq_remap_ops()->alloc(&l->src, &l->ire);
		if (ret)
			goto err_vector;
	}
	ret = compose(l, &l->tgt, &l->msg);
	if (!ret)
		ret = program(l, &l->msg);
	if (!ret)
		return 0;
	if (l->remapped)
		irq_remap_ops()->free(&l->ire);
err_vector:
	irq_unregister(v);
	l->vector = -1;
	l->how = IRQ_LINE_NONE;
	return ret;
}

int irq_line_msi(struct irq_line *l, struct pci_dev *pdev, unsigned int flags)
{
	memset(l, 0, sizeof(*l));
	if (!pdev->cap_msi)
		return -ENODEV;
	irq_source_pci(&l->src, pdev);
	l->how = IRQ_LINE_MSI;
	return line_setup(l, false, flags);
}

int irq_line_msix(struct irq_line *l, struct pci_dev *pdev, u16 entry, unsigned int flags)
{
	int n;

	memset(l, 0, sizeof(*l));
	n = pci_msix_enable(pdev);
	if (n < 0)
		return n;
	if (entry >= n)
		return -EINVAL;
	irq_source_pci(&l->src, pdev);
	l->how = IRQ_LINE_MSIX;
	l->msix_entry = entry;
	return line_setup(l, false, flags);
}

int irq_line_ioapic(struct irq_line *l, u32 gsi, bool level, bool low, unsigned int flags)
{
	int ret;

	memset(l, 0, sizeof(*l));
	ret = irq_source_ioapic(&l->src, gsi);
	if (ret)
		return ret;
	l->how = IRQ_LINE_IOAPIC;
	l->gsi = gsi;
	l->low = low;
	ioapic_mask(gsi, true);
	ret = line_setup(l, level, flags);
	if (!ret)
		ret = ioapic_mask(gsi, false);
	return ret;
}

int irq_line_isa(struct irq_line *l, u8 isa_irq, unsigned int flags)
{
	bool level, low;
	u32 gsi = ioapic_isa_gsi(isa_irq, &level, &low);

	return irq_line_ioapic(l, gsi, level, low, flags);
}

void irq_line_free(struct irq_line *l)
{
	switch (l->how) {
	case IRQ_LINE_MSI:
		pci_msi_disable(l->src.pdev);
		break;
	case IRQ_LINE_MSIX:
		pci_msix_mask(l->src.pdev, l->msix_entry, true);
		break;
	case IRQ_LINE_IOAPIC:
		ioapic_write_rte(l->gsi, IOAPIC_RTE_MASKED);
		break;
	default:
		return;
	}
	if (l->remapped)
		irq_remap_ops()->free(&l->ire);
	if (l->vector >= 0)
		irq_unregister(l->vector);
	l->vector = -1;
	l->how = IRQ_LINE_NONE;
}

/*
 * The new vector's handler is in place before the entry moves, and the old
 * one goes only after the move was invalidated: an interrupt in flight
 * meanwhile lands on a vector that still counts it.
 */
int irq_line_retarget(struct irq_line *l, int vector, u32 dest)
{
	struct irq_target t = l->tgt;
	struct irq_msg msg;
	int old = l->vector, ret;

	if (l->how == IRQ_LINE_NONE)
		return -EINVAL;
	if (vector < 0)
		vector = failpoint_hit() ? -ENOSPC : irq_alloc_vector(line_irq, l);
	else if (irq_register(vector, line_irq, l))
		return -EBUSY;
	if (vector < 0)
		return vector;
	t.vector = (u8)vector;
	t.dest = dest;
	ret = compose(l, &t, &msg);
	if (!ret && (!l->remapped || l->how == IRQ_LINE_IOAPIC))
		ret = program(l, &msg);	/* IOAPIC: the entry's vector follows the IRTE's */
	if (ret) {
		irq_unregister(vector);
		if (l->remapped)
			compose(l, &l->tgt, &l->msg);	/* the old target back */
		return ret;
	}
	l->tgt = t;
	l->msg = msg;
	l->vector = vector;
	irq_unregister(old);
	return 0;
}

int irq_line_mask(struct irq_line *l, bool masked)
{
	switch (l->how) {
	case IRQ_LINE_MSI:
		return pci_msi_mask(l->src.pdev, masked);
	case IRQ_LINE_MSIX:
		return pci_msix_mask(l->src.pdev, l->msix_entry, masked);
	case IRQ_LINE_IOAPIC:
		return ioapic_mask(l->gsi, masked);
	}
	return -EINVAL;
}

int irq_line_wait(struct irq_line *l, u64 seen, u64 timeout_us)
{
	if (!irqs_enabled())
		return -EINVAL;	/* nothing could ever arrive */
	return poll_timeout(l->count > seen, timeout_us);
}

void irq_line_eoi(struct irq_line *l)
{
	if (l->how == IRQ_LINE_IOAPIC)
		ioapic_eoi(l->gsi);
}

static const char *dropped_why;

const char *irq_remap_dropped(void)
{
	return dropped_why;
}

/*
 * The PIT at 1 kHz: did a tick arrive on the line? A working line ticks
 * within 1 ms; a loaded host can stall a TCG guest for far longer, and a
 * wrong "silent" switches remapping off, so the wait is a generous second.
 */
static bool pit_probe(struct irq_line *l)
{
	bool ok;

	pit_periodic(1000);
	ok = poll_timeout(l->count > 0, 1000000) == 0;
	pit_periodic(0);
	return ok;
}

/*
 * Remapped interrupts must arrive: the PIT on ISA IRQ 0 through its IOAPIC,
 * remapped, and if that stays silent, once more with remapping bypassed.
 * Silent remapped but arriving bypassed: this remapping drops what it
 * should deliver (QEMU's amd-iommu without intremap=on takes the tables and
 * drops every remapped interrupt), so it is switched off. No tick either
 * way (no PIT): nothing is concluded.
 */
static void selftest(const struct irq_remap_ops *ops)
{
	struct irq_line l;
	bool direct = false;

	if (irq_line_isa(&l, 0, 0))
		return;
	if (!l.remapped) {
		irq_line_free(&l);
		return;
	}
	if (pit_probe(&l)) {
		printk("# irq: remapped interrupts arrive (PIT through IOAPIC %u, entry %u)\n",
		       l.src.id, l.ire.index);
		irq_line_free(&l);
		return;
	}
	irq_line_free(&l);
	if (ops->bypass(&l.src, true))
		return;
	if (!irq_line_isa(&l, 0, IRQ_LINE_DIRECT)) {
		direct = pit_probe(&l);
		irq_line_free(&l);
	}
	ops->bypass(&l.src, false);
	if (!direct) {
		printk("# irq: no PIT tick either way: remapping not verified\n");
		return;
	}
	printk("# irq: remapped interrupts do not arrive, unremapped ones do: %s remapping "
	       "switched off (QEMU's amd-iommu without intremap=on behaves so)\n", ops->name);
	dropped_why = "remapped PIT ticks did not arrive, unremapped ones did";
	ops->off();
	irq_remap_unregister(ops);
}

/*
 * Every IOAPIC must be behind a remapping unit (a DMAR scope, an IVRS
 * special entry or ivrs_ioapic=), as Linux requires: QEMU's amd-iommu
 * with intremap=off leaves its IOAPIC out of IVRS, and the unit then drops
 * every remapped interrupt.
 */
static bool ioapics_covered(const struct irq_remap_ops *ops)
{
	for (int i = 0; i < ioapic_count; i++) {
		struct irq_source s = { .kind = IRQ_SRC_IOAPIC, .id = ioapics[i].id };

		if (!ops->covers(&s)) {
			printk("# irq: IOAPIC %u is behind no %s remapping unit: remapping "
			       "switched off\n", ioapics[i].id, ops->name);
			return false;
		}
	}
	return true;
}

void irq_remap_report(void)
{
	const struct irq_remap_ops *ops = irq_remap_ops();

	if (ops && !ioapics_covered(ops)) {
		dropped_why = "an IOAPIC is behind no remapping unit";
		ops->off();
		irq_remap_unregister(ops);
	} else if (ops) {
		selftest(ops);
	}
	ops = irq_remap_ops();
	printk("# irq: %d IOAPIC(s); interrupt remapping %s%s\n", ioapic_count,
	       ops ? "by " : "off", ops ? ops->name : "");
}
