// SPDX-License-Identifier: MIT
/*
 * fwstage=ir: the first boot stage of the takeover tests (fwstage.h). As
 * firmware would, and with none of the drivers' code: a remapping table of
 * its own (VT-d: at IRTA through its own invalidation queue, IRE set;
 * AMD-Vi: a device table whose edu and IOAPIC entries point at interrupt
 * tables, the unit on), the edu's MSI and INTx pin and the RTC's pin
 * through it, the RTC ticking, the INTx level asserted at a masked pin.
 * fwstage_after() then checks nothing was lost or misdelivered across the
 * driver's takeover; the irq-vtd and irq-amdvi tests report it.
 */
#include "tests/kernel/fwstage.h"
#include "arch/x86/acpi.h"
#include "arch/x86/console.h"
#include "arch/x86/ioapic.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "boot/cmdline.h"
#include "iommu/acpi_live.h"
#include "iommu/amdvi/amdvi.h"
#include "iommu/irq_remap.h"
#include "iommu/ivrs.h"
#include "iommu/vtd/vtd.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "testdev/edu.h"
#include "tests/ktest.h"

#define WAIT_US		200000
#define RTC_RATE	8		/* 32768 >> (8 - 1) = 256 Hz */
#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define WAIT_SW		BIT_ULL(5)	/* wait descriptor: write the status */
#define AMDVI_TABLE_LEN	4		/* 2^4 entries per interrupt table */
#define AMDVI_DEVIDS	65536

struct fwstage fwstage;

static struct pci_dev *pdev;
static struct edu edu;
static u32 boot_apic;
static volatile u8 *regs;	/* the unit's registers */
static u64 *table;		/* VT-d: the remapping table; AMD-Vi: the device table */
static u32 *irt[2];		/* AMD-Vi: the edu's and the IOAPIC's interrupt tables */
static u64 *queue;		/* VT-d: the invalidation queue (status word at its end) */
static struct irq_msg msi_msg;	/* the edu's MSI through entry FWSTAGE_MSI */

static bool fail(const char *why)
{
	snprintf(fwstage.why, sizeof(fwstage.why), "%s", why);
	printk("# fwstage: %s\n", why);
	return false;
}

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static void cmos_write(u8 reg, u8 v)
{
	outb(CMOS_INDEX, reg);
	outb(CMOS_DATA, v);
}

static void taken(void)
{
	if (lapic_id() != boot_apic)
		fwstage.wrong_apic++;
}

static void on_msi(struct trap_frame *tf, void *ctx)
{
	fwstage.msi++;
	taken();
	edu_irq_ack(&edu, EDU_IRQ_FACT);
}

static void on_intx(struct trap_frame *tf, void *ctx)
{
	fwstage.intx++;
	taken();
	edu_irq_ack(&edu, EDU_IRQ_FACT);	/* the level drops before the EOI */
	ioapic_eoi((u32)fwstage.gsi_intx);
}

static void on_rtc(struct trap_frame *tf, void *ctx)
{
	fwstage.rtc++;
	taken();
	cmos_read(0x0c);	/* register C read: the next tick may come */
}

static void rtc_periodic(bool on)
{
	u8 b = cmos_read(0x0b);

	if (on)
		cmos_write(0x0a, (u8)((cmos_read(0x0a) & 0xf0) | RTC_RATE));
	cmos_write(0x0b, on ? b | 0x40 : b & ~0x40);
	cmos_read(0x0c);
}

/* The GSI the edu's INTx reaches (16-23), found with remapping still off. */
static int intx_gsi(void)
{
	static struct irq_line l[8];
	int found = -1;

	pci_write16(pdev, PCI_COMMAND, pci_read16(pdev, PCI_COMMAND) & ~PCI_CMD_INTX_DISABLE);
	for (int i = 0; i < 8; i++)
		if (irq_line_ioapic(&l[i], 16 + i, true, true, IRQ_LINE_DIRECT))
			l[i].how = IRQ_LINE_NONE;
	edu_irq_raise(&edu, EDU_IRQ_FACT);
	udelay(20000);
	for (int i = 0; i < 8; i++) {
		if (l[i].how != IRQ_LINE_NONE && l[i].count && found < 0)
			found = 16 + i;
		ioapic_mask(16 + i, true);
	}
	edu_irq_ack(&edu, EDU_IRQ_FACT);
	for (int i = 0; i < 8; i++) {
		ioapic_eoi(16 + i);
		irq_line_free(&l[i]);
	}
	pci_write16(pdev, PCI_COMMAND, pci_read16(pdev, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
	return found;
}

/* --- VT-d, from the spec (ch. 5.1, 6.5.2) --- */

static u32 rd32(u32 off)
{
	return *(volatile u32 *)(regs + off);
}

static u64 rd64(u32 off)
{
	return *(volatile u64 *)(regs + off);
}

static void wr32(u32 off, u32 v)
{
	*(volatile u32 *)(regs + off) = v;
}

static void wr64(u32 off, u64 v)
{
	*(volatile u64 *)(regs + off) = v;
}

static bool vtd_cmd(u32 bit, u32 status)
{
	wr32(VTD_GCMD_REG, (rd32(VTD_GSTS_REG) & VTD_GCMD_PERSIST) | bit);
	return poll_timeout(rd32(VTD_GSTS_REG) & status, WAIT_US) == 0;
}

/* A global interrupt entry cache invalidation through the queue, and its wait. */
static bool vtd_iec_global(void)
{
	volatile u32 *status = (volatile u32 *)(queue + 510);
	u64 tail = rd64(VTD_IQT_REG) >> 4;
	u64 *d = queue + 2 * tail;

	*status = 0;
	d[0] = VTD_DESC_IEC;	/* G (bit 4) 0: global */
	d[1] = 0;
	d[2] = VTD_DESC_WAIT | WAIT_SW | (1ULL << 32);
	d[3] = virt_to_phys((const void *)status);
	wr64(VTD_IQT_REG, (tail + 2) << 4);
	return poll_timeout(*status == 1, WAIT_US) == 0;
}

static void vtd_irte(u32 i, int vector, u16 sid, bool level)
{
	table[2 * i] = VTD_IRTE_P | FIELD_PREP(VTD_IRTE_V, (u64)vector) |
		       (level ? VTD_IRTE_TM : 0) | FIELD_PREP(VTD_IRTE_DST_XAPIC, (u64)boot_apic);
	table[2 * i + 1] = sid ? FIELD_PREP(VTD_IRTE_SID, (u64)sid) |
				 FIELD_PREP(VTD_IRTE_SVT, (u64)VTD_SVT_SID) : 0;
}

/* The remappable-format address naming entry i (handle 15 in bit 2, SHV 0). */
static u64 vtd_handle(u32 i)
{
	return 0xfee00000ULL | BIT_ULL(4) | (u64)(i & 0x7fff) << 5 | (u64)(i >> 15) << 2;
}

static bool vtd_stage(struct irq_msg m[3])
{
	const struct dmar_table *t = dmar_live();
	struct dmar_dev_path path;
	const struct dmar_unit *du;
	u64 ecap;

	if (!t || !t->valid || dmar_dev_path(pdev, &path) ||
	    !(du = dmar_unit_for_dev(t, &path)) || !du->usable)
		return fail("no DMAR unit for the edu");
	regs = ioremap(du->base, 4096);
	ecap = regs ? rd64(VTD_ECAP_REG) : 0;
	if (!vtd_ecap_ir(ecap) || !vtd_ecap_qi(ecap) || rd32(VTD_GSTS_REG))
		return fail("the VT-d unit has no IR or QI, or is not in its reset state");
	table = page_alloc_va(0);	/* 256 entries */
	queue = page_alloc_va(0);	/* 256 descriptors, 128-bit */
	if (!table || !queue)
		return fail("no memory for the table and queue");
	memset(table, 0, PAGE_SIZE);
	memset(queue, 0, PAGE_SIZE);
	vtd_irte(FWSTAGE_MSI, fwstage.v_msi, pci_dma_source_id(pdev), false);
	vtd_irte(FWSTAGE_INTX, fwstage.v_intx, 0, true);	/* SVT 0, as some firmware */
	vtd_irte(FWSTAGE_RTC, fwstage.v_rtc, 0, false);
	wr64(VTD_IQT_REG, 0);
	wr64(VTD_IQA_REG, virt_to_phys(queue));
	if (!vtd_cmd(VTD_GCMD_QIE, VTD_GSTS_QIES))
		return fail("QIE did not come on");
	wr64(VTD_IRTA_REG, virt_to_phys(table) | 7);
	if (!vtd_cmd(VTD_GCMD_SIRTP, VTD_GSTS_IRTPS) || !vtd_iec_global() ||
	    !vtd_cmd(VTD_GCMD_IRE, VTD_GSTS_IRES))
		return fail("the table did not go live");
	for (int i = 0; i < 3; i++)
		m[i].addr = vtd_handle((u32[]){ FWSTAGE_MSI, FWSTAGE_INTX, FWSTAGE_RTC }[i]);
	m[0].data = 0;
	m[1].data = (u32)fwstage.v_intx;	/* an IOAPIC's vector matches its entry's */
	m[2].data = (u32)fwstage.v_rtc;
	fwstage.iommu = "vtd";
	printk("# fwstage: VT-d %#llx: remapping on with our table at %#llx (256 entries), "
	       "queue at %#llx\n", (unsigned long long)du->base,
	       (unsigned long long)virt_to_phys(table), (unsigned long long)virt_to_phys(queue));
	return true;
}

/* --- AMD-Vi, from the spec (2.2.2, 2.2.5) --- */

static void amdvi_entry(u32 *t, u32 i, int vector)
{
	t[i] = (u32)(AMDVI_IRTE_REMAPEN | FIELD_PREP(AMDVI_IRTE_DEST, (u64)boot_apic) |
		     FIELD_PREP(AMDVI_IRTE_VECTOR, (u64)vector));
}

static void amdvi_dte_irq(u16 devid, const u32 *t)
{
	table[4 * devid + 2] = AMDVI_DTE2_IV | FIELD_PREP(AMDVI_DTE2_INTTABLEN,
							  (u64)AMDVI_TABLE_LEN) |
			       (virt_to_phys(t) & AMDVI_DTE2_INTTAB) |
			       FIELD_PREP(AMDVI_DTE2_INTCTL, (u64)AMDVI_INTCTL_REMAP);
}

static bool amdvi_stage(struct irq_msg m[3])
{
	const struct ivrs_table *t = ivrs_live();
	const struct ivrs_special *io;

	if (!t || !t->valid || !t->nunits || !t->units[0].usable || !ioapic_count ||
	    !(io = ivrs_find_special(t, IVRS_SPECIAL_IOAPIC, ioapics[0].id)))
		return fail("no IVRS unit or IOAPIC devid");
	regs = ioremap(t->units[0].base, 0x4000);
	if (!regs || (rd64(AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN))
		return fail("the AMD-Vi unit is not in its reset state");
	table = page_alloc_va(9);	/* 64K devids of 32 bytes */
	irt[0] = page_alloc_va(0);
	irt[1] = page_alloc_va(0);
	if (!table || !irt[0] || !irt[1])
		return fail("no memory for the tables");
	memset(irt[0], 0, PAGE_SIZE);
	memset(irt[1], 0, PAGE_SIZE);
	for (u32 id = 0; id < AMDVI_DEVIDS; id++) {
		table[4 * id] = AMDVI_DTE0_V | AMDVI_DTE0_IR | AMDVI_DTE0_IW;	/* untranslated */
		table[4 * id + 1] = table[4 * id + 2] = table[4 * id + 3] = 0;
	}
	amdvi_entry(irt[0], FWSTAGE_MSI, fwstage.v_msi);
	amdvi_entry(irt[1], FWSTAGE_INTX, fwstage.v_intx);
	amdvi_entry(irt[1], FWSTAGE_RTC, fwstage.v_rtc);
	amdvi_dte_irq(pci_dma_source_id(pdev), irt[0]);
	amdvi_dte_irq(io->devid, irt[1]);
	wr64(AMDVI_DEVTAB_BASE, virt_to_phys(table) | 0x1ff);
	wr64(AMDVI_CONTROL, rd64(AMDVI_CONTROL) | AMDVI_CTRL_IOMMU_EN);
	/* the index in data 10:0 (an IOAPIC's vector field) */
	m[0] = (struct irq_msg){ 0xfee00000ULL, FWSTAGE_MSI };
	m[1] = (struct irq_msg){ 0xfee00000ULL, FWSTAGE_INTX };
	m[2] = (struct irq_msg){ 0xfee00000ULL, FWSTAGE_RTC };
	fwstage.iommu = "amdvi";
	printk("# fwstage: AMD-Vi %#llx: on with our device table at %#llx, interrupt tables "
	       "for %04x and IOAPIC %u (%04x)\n", (unsigned long long)t->units[0].base,
	       (unsigned long long)virt_to_phys(table), pci_dma_source_id(pdev), ioapics[0].id,
	       io->devid);
	return true;
}

/* Our tables go once the unit reads the driver's; a unit left as found keeps them. */
static void free_tables(void)
{
	bool vtd = !strcmp(fwstage.iommu, "vtd");
	u64 base = vtd ? rd64(VTD_IRTA_REG) : rd64(AMDVI_DEVTAB_BASE);

	if ((base & ~0xfffULL) == virt_to_phys(table)) {
		printk("# fwstage: the unit still reads our table: it stays\n");
		return;
	}
	if (vtd) {
		page_free_va(table, 0);
		if ((rd64(VTD_IQA_REG) & ~0xfffULL) != virt_to_phys(queue))
			page_free_va(queue, 0);
	} else {
		page_free_va(table, 9);
		page_free_va(irt[0], 0);
		page_free_va(irt[1], 0);
	}
}

/* --- the stage --- */

static bool want(void)
{
	char v[8];

	return cmdline_get("fwstage", v, sizeof(v)) && !strcmp(v, "ir");
}

static bool vectors(void)
{
	bool level, low;

	fwstage.gsi_rtc = (int)ioapic_isa_gsi(8, &level, &low);
	fwstage.v_msi = irq_alloc_vector(on_msi, NULL);
	fwstage.v_intx = irq_alloc_vector(on_intx, NULL);
	fwstage.v_rtc = irq_alloc_vector(on_rtc, NULL);
	return fwstage.v_msi >= 0 && fwstage.v_intx >= 0 && fwstage.v_rtc >= 0;
}

void fwstage_run(void)
{
	struct irq_msg m[3];
	bool ok;

	if (!want())
		return;
	fwstage.ran = true;
	boot_apic = lapic_id();
	pdev = pci_find(EDU_VENDOR, EDU_DEVICE, 0);
	if (!pdev || edu_init(&edu, pdev)) {
		fail("no edu");
		return;
	}
	fwstage.gsi_intx = intx_gsi();
	if (fwstage.gsi_intx < 0 || !vectors()) {
		fail("no INTx GSI for the edu, or no vectors");
		return;
	}
	ok = acpi_find("DMAR", 0) ? vtd_stage(m) : acpi_find("IVRS", 0) ? amdvi_stage(m) :
	     fail("no DMAR or IVRS");
	if (!ok)
		return;
	/* the MSI through the table works: once */
	msi_msg = m[0];
	pci_set_master(pdev, true);
	pci_msi_enable(pdev, msi_msg.addr, msi_msg.data);
	edu_irq_raise(&edu, EDU_IRQ_FACT);
	if (poll_timeout(fwstage.msi == 1, WAIT_US)) {
		fail("the edu's MSI did not arrive through our table");
		return;
	}
	/* the INTx level asserted at its masked pin: it waits there */
	pci_msi_disable(pdev);
	ioapic_write_rte((u32)fwstage.gsi_intx, irq_msg_to_rte(&m[1], true, true));
	pci_write16(pdev, PCI_COMMAND, pci_read16(pdev, PCI_COMMAND) & ~PCI_CMD_INTX_DISABLE);
	edu_irq_raise(&edu, EDU_IRQ_FACT);
	/* the RTC ticking through the table all along */
	ioapic_write_rte((u32)fwstage.gsi_rtc, irq_msg_to_rte(&m[2], false, false) &
		       ~IOAPIC_RTE_MASKED);
	rtc_periodic(true);
	if (poll_timeout(fwstage.rtc >= 3, WAIT_US)) {
		fail("the RTC's ticks did not arrive through our table");
		return;
	}
	fwstage.strays_before = irq_strays();
	fwstage.rtc_before = fwstage.rtc;
	printk("# fwstage: handing over: edu MSI entry %d (vector %d), INTx GSI %d entry %d "
	       "pending (vector %d), RTC GSI %d entry %d ticking (vector %d, %llu so far)\n",
	       FWSTAGE_MSI, fwstage.v_msi, fwstage.gsi_intx, FWSTAGE_INTX, fwstage.v_intx,
	       fwstage.gsi_rtc, FWSTAGE_RTC, fwstage.v_rtc, (unsigned long long)fwstage.rtc);
}

void fwstage_after(void)
{
	u64 seen;

	if (!fwstage.ran || fwstage.why[0])
		return;
	fwstage.rtc_after = fwstage.rtc;
	poll_timeout(fwstage.rtc >= fwstage.rtc_after + 3, WAIT_US);
	/* the pending level interrupt, once */
	seen = fwstage.intx;
	ioapic_mask((u32)fwstage.gsi_intx, false);
	poll_timeout(fwstage.intx > seen, WAIT_US);
	udelay(2000);
	fwstage.intx_after_unmask = fwstage.intx - seen;
	ioapic_write_rte((u32)fwstage.gsi_intx, IOAPIC_RTE_MASKED);
	pci_write16(pdev, PCI_COMMAND, pci_read16(pdev, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
	/* a new MSI through the kept entry, once */
	seen = fwstage.msi;
	pci_msi_enable(pdev, msi_msg.addr, msi_msg.data);
	edu_irq_raise(&edu, EDU_IRQ_FACT);
	poll_timeout(fwstage.msi > seen, WAIT_US);
	udelay(2000);
	fwstage.msi_after_raise = fwstage.msi - seen;
	pci_msi_disable(pdev);
	rtc_periodic(false);
	ioapic_write_rte((u32)fwstage.gsi_rtc, IOAPIC_RTE_MASKED);
	udelay(5000);
	fwstage.rtc_end = fwstage.rtc;
	fwstage.strays_after = irq_strays();
	irq_unregister(fwstage.v_msi);
	irq_unregister(fwstage.v_intx);
	irq_unregister(fwstage.v_rtc);
	pci_set_master(pdev, false);
	edu_fini(&edu);
	/* the driver's kept entries name the stage's vectors: given back before any test */
	if (!strcmp(fwstage.iommu, "vtd") && vtd_nunits)
		fwstage.released = vtd_ir_release_inherited(vtd_units[0]);
	else if (!strcmp(fwstage.iommu, "amdvi") && amdvi_nunits)
		fwstage.released = amdvi_ir_release_inherited(amdvi_units[0]);
	free_tables();
	printk("# fwstage: after the takeover: RTC %llu ticks before, %llu after; pending INTx "
	       "%llu; new MSI %llu; %u on another CPU, %llu on vectors without a handler\n",
	       (unsigned long long)fwstage.rtc_before,
	       (unsigned long long)(fwstage.rtc_end - fwstage.rtc_after),
	       (unsigned long long)fwstage.intx_after_unmask,
	       (unsigned long long)fwstage.msi_after_raise, fwstage.wrong_apic,
	       (unsigned long long)(fwstage.strays_after - fwstage.strays_before));
}

bool fwstage_report(const char *iommu)
{
	if (!fwstage.ran) {
		report_skip("no first stage ran (fwstage=ir: vtd-ir-takeover, amdvi-ir-takeover)");
		return false;
	}
	if (fwstage.why[0] || !fwstage.iommu || strcmp(fwstage.iommu, iommu)) {
		report(false, "the first stage turned %s remapping on (%s)", iommu,
		       fwstage.why[0] ? fwstage.why : fwstage.iommu ? fwstage.iommu : "-");
		return false;
	}
	report(fwstage.rtc_before >= 3 && fwstage.rtc_end > fwstage.rtc_after,
	       "the RTC ticked through the first stage's entry before (%llu) and after the "
	       "takeover (%llu)", (unsigned long long)fwstage.rtc_before,
	       (unsigned long long)(fwstage.rtc_end - fwstage.rtc_after));
	report(fwstage.intx_after_unmask == 1, "the level interrupt pending at the takeover "
	       "arrived once through the kept entry (%llu)",
	       (unsigned long long)fwstage.intx_after_unmask);
	report(fwstage.msi_after_raise == 1, "a new MSI through the kept entry arrived once (%llu)",
	       (unsigned long long)fwstage.msi_after_raise);
	report(fwstage.released == 3, "the driver had kept the 3 entries at their indices (%d "
	       "given back after the stage)", fwstage.released);
	report(!fwstage.wrong_apic && fwstage.strays_after == fwstage.strays_before,
	       "none misdelivered: %u on another CPU, %llu on vectors without a handler",
	       fwstage.wrong_apic, (unsigned long long)(fwstage.strays_after -
							 fwstage.strays_before));
	return true;
}
