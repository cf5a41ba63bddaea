// SPDX-License-Identifier: MIT
/*
 * IOMMU-neutral interrupt test helpers (see irq_util.h): edu lines, waits
 * for an interrupt or for silence, controls with remapping bypassed, and
 * the leak counters of interrupt lines and vectors.
 */
#include "tests/kernel/irq_util.h"
#include "arch/x86/acpi.h"
#include "arch/x86/ioapic.h"
#include "arch/x86/pci.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "boot/cmdline.h"
#include "iommu/iommu_init.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/ktest.h"

static long vectors_used(void)
{
	return irq_vectors_used();
}

KTEST_COUNTER(irq_vectors, vectors_used);

static long remap_entries(void)
{
	const struct irq_remap_ops *ops = irq_remap_ops();

	return ops ? ops->live() : 0;
}

KTEST_COUNTER(irq_remap_entries, remap_entries);

void irq_edu_ack(struct irq_line *l, void *ctx)
{
	struct irq_edu *x = ctx;

	edu_irq_ack(&x->e.edu, EDU_IRQ_FACT | EDU_IRQ_DMA);
}

static int edu_open(struct irq_edu *x, int n, bool dma)
{
	struct pci_dev *pdev = pci_find(EDU_VENDOR, EDU_DEVICE, n);
	struct iommu_dev *dev = pdev && dma ? iommu_dev_of_pci(pdev) : NULL;
	int ret;

	memset(x, 0, sizeof(*x));
	x->l.how = IRQ_LINE_NONE;
	if (!pdev) {
		report_skip("no edu device #%d", n);
		return -ENODEV;
	}
	if (dev && dev->ops)
		ret = dma_edu_open(&x->e, n);
	else
		ret = edu_init(&x->e.edu, pdev);
	if (ret) {
		report(false, "edu %s opens (%d)", pdev->name, ret);
		return ret;
	}
	x->e.d.pdev = pdev;
	x->translated = x->e.d.dom != NULL;
	return 0;
}

int irq_edu_open(struct irq_edu *x, int n)
{
	return edu_open(x, n, true);
}

int irq_edu_open_nodma(struct irq_edu *x, int n)
{
	return edu_open(x, n, false);
}

int irq_edu_alias_pair(void)
{
	struct pci_dev *a, *b;

	for (int i = 0; (a = pci_find(EDU_VENDOR, EDU_DEVICE, i)); i++)
		for (int k = i + 1; (b = pci_find(EDU_VENDOR, EDU_DEVICE, k)); k++)
			if (pci_dma_source_id(a) == pci_dma_source_id(b))
				return i << 8 | k;
	return -1;
}

void irq_edu_close(struct irq_edu *x)
{
	irq_line_free(&x->l);
	edu_irq_ack(&x->e.edu, EDU_IRQ_FACT | EDU_IRQ_DMA);
	if (x->translated)
		dma_edu_close(&x->e);
	else
		edu_fini(&x->e.edu);
}

int irq_edu_msi(struct irq_edu *x, unsigned int flags)
{
	int ret = irq_line_msi(&x->l, x->e.d.pdev, flags);

	report(ret == 0, "%s MSI on vector %d, %s (%d)", x->e.d.pdev->name, x->l.vector,
	       ret ? "-" : x->l.remapped ? "remapped, entry" : "compatibility format", ret);
	if (!ret && x->l.remapped)
		report_info("remapping entry %u, message %#llx/%#x", x->l.ire.index,
			    (unsigned long long)x->l.msg.addr, x->l.msg.data);
	if (!ret) {
		x->l.fn = irq_edu_ack;
		x->l.ctx = x;
	}
	return ret;
}

bool irq_edu_fire(struct irq_edu *x)
{
	u64 seen = x->l.count;

	edu_irq_raise(&x->e.edu, EDU_IRQ_FACT);
	if (irq_line_wait(&x->l, seen, IRQ_WAIT_US))
		return false;
	udelay(100);	/* a duplicate would come right behind */
	return x->l.count == seen + 1;
}

bool irq_edu_blocked(struct irq_edu *x, const struct irq_line *also)
{
	u64 seen = x->l.count, seen2 = also ? also->count : 0, strays = irq_strays();
	bool none;

	edu_irq_raise(&x->e.edu, EDU_IRQ_FACT);
	udelay(IRQ_QUIET_US);
	edu_irq_ack(&x->e.edu, EDU_IRQ_FACT);
	/* nor anywhere else: a blocked interrupt must not land on another vector */
	none = irq_strays() == strays;
	if (!none)
		report_info("%llu interrupt(s) on vectors without a handler meanwhile",
			    (unsigned long long)(irq_strays() - strays));
	return x->l.count == seen && (!also || also->count == seen2) && none;
}

bool irq_line_settled(const struct irq_line *l, u64 want)
{
	udelay(IRQ_QUIET_US);
	return l->count == want;
}

const char *irq_expected_remap(char *buf, size_t n)
{
	return cmdline_get("expect_intremap", buf, n) ? buf : NULL;
}

bool irq_need_remap(const struct irq_source *src)
{
	const char *why = irq_remap_dropped() ?: irq_remap_ops() ? "its unit has remapping off" :
			  "no remapping driver";
	const char *want;
	char buf[16];

	if (irq_remap_covers(src))
		return true;
	want = irq_expected_remap(buf, sizeof(buf));
	if (want && strcmp(want, "off")) {
		/* a driver that cannot remap must not pass as a machine without remapping */
		report(false, "expect_intremap=%s, yet no remapping covers this source (%s)", want,
		       why);
		return false;
	}
	report_skip("no interrupt remapping covers this source (%s)", why);
	return false;
}

bool irq_control_begin(const struct irq_source *src)
{
	const struct irq_remap_ops *ops = irq_remap_ops();
	int ret;

	if (!ops || !ops->covers(src)) {
		report_info("control: remapping is off here already");
		return true;
	}
	ret = ops->bypass(src, true);
	if (ret == -EOPNOTSUPP) {
		report_skip("control: %s cannot let this source bypass remapping", ops->name);
		return false;
	}
	report(ret == 0, "control: remapping bypassed for the source (%d)", ret);
	return ret == 0;
}

void irq_control_end(const struct irq_source *src)
{
	const struct irq_remap_ops *ops = irq_remap_ops();

	if (ops && ops->bypass)
		report(ops->bypass(src, false) == 0 && ops->covers(src),
		       "control over: remapping back on");
}

bool irq_mode_begin(const struct irq_source *src, bool control, bool *bypassed)
{
	*bypassed = false;
	if (!control)
		return irq_need_remap(src);
	*bypassed = irq_control_begin(src);
	return *bypassed;
}

void irq_mode_end(const struct irq_source *src, bool bypassed)
{
	if (bypassed)
		irq_control_end(src);
}

struct iommu_device *irq_unit_of(const struct irq_source *src)
{
	struct iommu_dev *dev = src->pdev ? iommu_dev_of_pci(src->pdev) : NULL;

	return dev ? dev->iommu : NULL;
}

void irq_expect_fault(const struct irq_source *src)
{
	struct iommu_fault_match m = {
		.segment = src->segment,
		.source_id = src->rid,
		.kind = IOMMU_FAULT_KIND_INTR,
		.flags = IOMMU_FAULT_MATCH_ANY_ADDR,
	};

	if (src->kind != IRQ_SRC_PCI)
		m.flags |= IOMMU_FAULT_MATCH_ANY_SID;
	iommu_fault_expect_match(&m);
}

void irq_fault_check(const struct irq_source *src, const char *what)
{
	struct iommu_device *u = irq_unit_of(src);
	int n = iommu_fault_expect_done();
	const char *why = !u ? "its unit is not known" : u->no_intr_fault_log ?
			  u->no_intr_fault_log : u->no_fault_log;

	if (why) {
		report_info("%s: fault record not checked, %s (the interrupt stayed away)", what,
			    why);
		return;
	}
	report(n >= 1, "%s: the interrupt fault names %04x:%02x:%02x.%d", what, src->segment,
	       src->rid >> 8, (src->rid >> 3) & 31, src->rid & 7);
}

struct probe {
	struct irq_line l[8];
	int hit;
};

int irq_edu_intx_gsi(struct irq_edu *x)
{
	static struct probe p;
	int found = -1, n = 0;

	/* INTx on: MSI off, interrupt disable clear */
	pci_msi_disable(x->e.d.pdev);
	pci_write16(x->e.d.pdev, PCI_COMMAND,
		    pci_read16(x->e.d.pdev, PCI_COMMAND) & ~PCI_CMD_INTX_DISABLE);
	for (int i = 0; i < 8; i++) {
		if (irq_line_ioapic(&p.l[i], 16 + i, true, true, IRQ_LINE_DIRECT) == 0) {
			p.l[i].fn = irq_edu_ack;	/* the level drops, or the pin fires again */
			p.l[i].ctx = x;
			n++;
		} else
			p.l[i].how = IRQ_LINE_NONE;
	}
	if (n && !irq_control_begin(&p.l[0].src))
		n = 0;
	edu_irq_raise(&x->e.edu, EDU_IRQ_FACT);
	udelay(IRQ_QUIET_US);
	for (int i = 0; i < 8; i++) {
		if (p.l[i].how != IRQ_LINE_NONE && p.l[i].count && found < 0)
			found = 16 + i;
		ioapic_mask(16 + i, true);
	}
	edu_irq_ack(&x->e.edu, EDU_IRQ_FACT);
	for (int i = 0; i < 8; i++)
		irq_line_free(&p.l[i]);
	if (n)
		irq_control_end(&p.l[0].src);
	pci_write16(x->e.d.pdev, PCI_COMMAND,
		    pci_read16(x->e.d.pdev, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
	return found;
}

/* ACPI HPET: header, event timer block ID (4), base address (12), then the HPET number. */
#define ACPI_HPET_NUMBER	52

int irq_hpet_number(void)
{
	const struct acpi_header *h = acpi_find("HPET", 0);

	if (!h || h->length <= ACPI_HPET_NUMBER)
		return -1;
	return ((const u8 *)h)[ACPI_HPET_NUMBER];
}
