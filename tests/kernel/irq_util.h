/* SPDX-License-Identifier: MIT */
/*
 * IOMMU-neutral helpers for interrupt tests: edu MSIs and INTx, the PIT on
 * an IOAPIC pin, waiting for an interrupt or for silence, the remapping
 * driver's knobs (bypass for controls) and expected interrupt faults.
 */
#ifndef TESTS_KERNEL_IRQ_UTIL_H
#define TESTS_KERNEL_IRQ_UTIL_H

#include "iommu/irq_remap.h"
#include "tests/kernel/dma_util.h"

#define IRQ_WAIT_US	200000	/* an interrupt that comes, comes in this time */
#define IRQ_QUIET_US	30000	/* ... and one that is blocked stays away this long */
#define IRQ_PIT_HZ	1000

/* An edu with its own DMA domain (when translated) and one interrupt line. */
struct irq_edu {
	struct dma_edu e;
	struct irq_line l;
	bool translated;	/* e.d has a domain */
};

/* The n-th edu, initialised (and attached to a new domain when translated); skip-reports. */
int irq_edu_open(struct irq_edu *x, int n);
void irq_edu_close(struct irq_edu *x);
/* The same without a DMA domain (interrupts only: a device sharing another's alias). */
int irq_edu_open_nodma(struct irq_edu *x, int n);
/* Two edus whose requests carry one requester ID (an alias): first << 8 | second, or -1. */
int irq_edu_alias_pair(void);
/* Line handler that acknowledges every edu interrupt (ctx: the irq_edu). */
void irq_edu_ack(struct irq_line *l, void *ctx);
/* Its MSI as a line (handler acknowledges); reports the result. */
int irq_edu_msi(struct irq_edu *x, unsigned int flags);
/* Raise one interrupt; true when exactly one more arrived on its line in time. */
bool irq_edu_fire(struct irq_edu *x);
/*
 * Raise one interrupt; true when nothing arrived within IRQ_QUIET_US on the
 * lines, nor on any vector without a handler.
 */
bool irq_edu_blocked(struct irq_edu *x, const struct irq_line *also);
/*
 * After the last raise: true when, IRQ_QUIET_US later, the line has taken
 * exactly want (a duplicate later than irq_edu_fire's window counts).
 */
bool irq_line_settled(const struct irq_line *l, u64 want);

/* The remapping the configuration expects (expect_intremap=), or NULL when not said. */
const char *irq_expected_remap(char *buf, size_t n);
/*
 * Tests that need remapping: true when it covers src; else a skip with
 * the reason, or a failure when the configuration expects remapping. Controls: remapping bypassed for src (false: skip reported).
 */
bool irq_need_remap(const struct irq_source *src);
bool irq_control_begin(const struct irq_source *src);
void irq_control_end(const struct irq_source *src);
/* Either of the above by control; *bypassed: irq_mode_end must end a control. */
bool irq_mode_begin(const struct irq_source *src, bool control, bool *bypassed);
void irq_mode_end(const struct irq_source *src, bool bypassed);

/* The unit behind a PCI source (for its fault-log caveats); NULL for none. */
struct iommu_device *irq_unit_of(const struct irq_source *src);
/* Expect an interrupt fault from src; then check it where the unit records them. */
void irq_expect_fault(const struct irq_source *src);
void irq_fault_check(const struct irq_source *src, const char *what);

/* The number of the HPET block the ACPI HPET table describes, or -1 without one. */
int irq_hpet_number(void);

/*
 * The GSI the edu's INTx reaches on the IOAPIC, found by raising INTx
 * with every PCI GSI (16-23) programmed direct; -1 when none answered.
 */
int irq_edu_intx_gsi(struct irq_edu *x);

#endif
