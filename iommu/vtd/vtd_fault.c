// SPDX-License-Identifier: MIT
/*
 * VT-d primary fault logging: read and decode the fault recording
 * registers, clear them and overflow, report through iommu/fault.c, and the
 * fault event MSI. Layouts: VT-d spec 4.1 ch. 7.1-7.3, 11.4 (FSTS, FRCD).
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/lapic.h"
#include "arch/x86/trap.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"

static const struct {
	u8 code;
	u8 kind;		/* enum iommu_fault_kind */
	const char *str;
} vtd_fault_reasons[] = {
	{ 0x01, IOMMU_FAULT_KIND_DEVICE, "root entry not present" },
	{ 0x02, IOMMU_FAULT_KIND_DEVICE, "context entry not present" },
	{ 0x03, IOMMU_FAULT_KIND_TABLE, "context entry invalid (AW or TT)" },
	{ 0x04, IOMMU_FAULT_KIND_RANGE, "address beyond the guest address width" },
	{ 0x05, IOMMU_FAULT_KIND_PAGE, "write not permitted (no W, or not mapped)" },
	{ 0x06, IOMMU_FAULT_KIND_PAGE, "read not permitted (no R, or not mapped)" },
	{ 0x07, IOMMU_FAULT_KIND_TABLE, "error reading a paging entry" },
	{ 0x08, IOMMU_FAULT_KIND_TABLE, "error reading the root entry" },
	{ 0x09, IOMMU_FAULT_KIND_TABLE, "error reading the context entry" },
	{ 0x0a, IOMMU_FAULT_KIND_TABLE, "reserved bits set in the root entry" },
	{ 0x0b, IOMMU_FAULT_KIND_TABLE, "reserved bits set in the context entry" },
	{ 0x0c, IOMMU_FAULT_KIND_TABLE, "reserved bits set in a paging entry" },
	{ 0x0d, IOMMU_FAULT_KIND_DEVICE, "request blocked by the translation type" },
	{ 0x20, IOMMU_FAULT_KIND_INTR, "interrupt request with reserved fields set" },
	{ 0x21, IOMMU_FAULT_KIND_INTR, "interrupt index beyond the remapping table" },
	{ 0x22, IOMMU_FAULT_KIND_INTR, "interrupt remapping entry not present" },
	{ 0x23, IOMMU_FAULT_KIND_INTR, "error reading the interrupt remapping table" },
	{ 0x24, IOMMU_FAULT_KIND_INTR, "reserved bits set in an interrupt remapping entry" },
	{ 0x25, IOMMU_FAULT_KIND_INTR, "compatibility-format interrupt blocked" },
	{ 0x26, IOMMU_FAULT_KIND_INTR, "remapped interrupt failed the source-id check" },
	{ 0x27, IOMMU_FAULT_KIND_INTR, "error reading a posted-interrupt descriptor" },
	/* scalable mode (VT-d 4.1 appendix A, SRT/SCT/SPD/SPT/SFS/SSS/SGN) */
	{ 0x30, IOMMU_FAULT_KIND_TABLE, "SM: root table address invalid" },
	{ 0x31, IOMMU_FAULT_KIND_DEVICE, "SM: request with PASID while RTADDR.TTM is legacy" },
	{ 0x32, IOMMU_FAULT_KIND_DEVICE, "SM: page request while RTADDR.TTM is legacy" },
	{ 0x38, IOMMU_FAULT_KIND_TABLE, "SM: error reading the root entry" },
	{ 0x39, IOMMU_FAULT_KIND_DEVICE, "SM: root entry not present" },
	{ 0x3a, IOMMU_FAULT_KIND_TABLE, "SM: reserved bits set in the root entry" },
	{ 0x40, IOMMU_FAULT_KIND_TABLE, "SM: error reading the context entry" },
	{ 0x41, IOMMU_FAULT_KIND_DEVICE, "SM: context entry not present" },
	{ 0x42, IOMMU_FAULT_KIND_TABLE, "SM: reserved bits set in the context entry" },
	{ 0x43, IOMMU_FAULT_KIND_TABLE, "SM: context entry invalid" },
	{ 0x44, IOMMU_FAULT_KIND_DEVICE, "SM: translated request while context DTE is clear" },
	{ 0x45, IOMMU_FAULT_KIND_DEVICE, "SM: request with PASID while context PASIDE is clear" },
	{ 0x46, IOMMU_FAULT_KIND_RANGE, "SM: PASID beyond the context entry's directory" },
	{ 0x47, IOMMU_FAULT_KIND_DEVICE, "SM: page request while context PRE is clear" },
	{ 0x48, IOMMU_FAULT_KIND_TABLE, "SM: RID_PASID field error in the context entry" },
	{ 0x50, IOMMU_FAULT_KIND_TABLE, "SM: error reading the PASID directory entry" },
	{ 0x51, IOMMU_FAULT_KIND_DEVICE, "SM: PASID directory entry not present" },
	{ 0x52, IOMMU_FAULT_KIND_TABLE, "SM: reserved bits set in the PASID directory entry" },
	{ 0x58, IOMMU_FAULT_KIND_TABLE,
	  "SM: error reading the PASID table entry (QEMU 7.2: any PASID-table problem)" },
	{ 0x59, IOMMU_FAULT_KIND_DEVICE, "SM: PASID table entry not present" },
	{ 0x5a, IOMMU_FAULT_KIND_TABLE, "SM: reserved bits set in the PASID table entry" },
	{ 0x5b, IOMMU_FAULT_KIND_TABLE, "SM: PASID table entry invalid (PGTT, AW, pointer)" },
	{ 0x5c, IOMMU_FAULT_KIND_DEVICE, "SM: execute request while PASID entry ERE is clear" },
	{ 0x5d, IOMMU_FAULT_KIND_DEVICE, "SM: supervisor request while PASID entry SRE is clear" },
	{ 0x70, IOMMU_FAULT_KIND_TABLE, "SM: error reading a first-stage paging entry" },
	{ 0x71, IOMMU_FAULT_KIND_PAGE, "SM: first-stage paging entry not present" },
	{ 0x72, IOMMU_FAULT_KIND_TABLE, "SM: reserved bits set in a first-stage paging entry" },
	{ 0x73, IOMMU_FAULT_KIND_TABLE, "SM: error reading the first-stage root (FSPTPTR)" },
	{ 0x74, IOMMU_FAULT_KIND_RANGE, "SM: nested: first-stage entry address beyond the width" },
	{ 0x75, IOMMU_FAULT_KIND_PAGE, "SM: nested: no read permission for the first-stage root" },
	{ 0x76, IOMMU_FAULT_KIND_PAGE, "SM: nested: no read permission for a first-stage entry" },
	{ 0x77, IOMMU_FAULT_KIND_PAGE,
	  "SM: nested: no write permission for a first-stage A/D update" },
	{ 0x78, IOMMU_FAULT_KIND_TABLE, "SM: error reading a second-stage paging entry" },
	{ 0x79, IOMMU_FAULT_KIND_PAGE, "SM: second-stage paging entry permission error" },
	{ 0x7a, IOMMU_FAULT_KIND_TABLE, "SM: reserved bits set in a second-stage paging entry" },
	{ 0x7b, IOMMU_FAULT_KIND_TABLE, "SM: second-stage table pointer invalid" },
	{ 0x7c, IOMMU_FAULT_KIND_TABLE, "SM: second-stage A/D update in a no-snoop walk" },
	{ 0x80, IOMMU_FAULT_KIND_RANGE, "SM: first-stage input address not canonical" },
	{ 0x81, IOMMU_FAULT_KIND_PAGE, "SM: user request to a supervisor page (U/S clear)" },
	{ 0x82, IOMMU_FAULT_KIND_PAGE, "SM: execute request to an execute-disabled page" },
	{ 0x83, IOMMU_FAULT_KIND_RANGE, "SM: address beyond the translation's width" },
	{ 0x84, IOMMU_FAULT_KIND_RANGE, "SM: second-stage output address beyond the width" },
	{ 0x85, IOMMU_FAULT_KIND_PAGE, "SM: write not permitted (no W, or not mapped)" },
	{ 0x86, IOMMU_FAULT_KIND_PAGE, "SM: read not permitted (no R, or not mapped)" },
	{ 0x87, IOMMU_FAULT_KIND_OTHER, "SM: DMA request to the interrupt address range" },
	{ 0x90, IOMMU_FAULT_KIND_TABLE, "SM: first-stage A/D update in a no-snoop walk" },
};

static int reason_row(u32 reason)
{
	for (size_t i = 0; i < ARRAY_SIZE(vtd_fault_reasons); i++)
		if (vtd_fault_reasons[i].code == reason)
			return (int)i;
	return -1;
}

const char *vtd_fault_reason_str(u32 reason)
{
	int i = reason_row(reason);

	return i < 0 ? "unknown fault reason" : vtd_fault_reasons[i].str;
}

u8 vtd_fault_kind(u32 reason)
{
	int i = reason_row(reason);

	return i < 0 ? IOMMU_FAULT_KIND_OTHER : vtd_fault_reasons[i].kind;
}

void vtd_fault_decode(struct vtd_unit *u, u64 lo, u64 hi, struct iommu_fault_record *f)
{
	memset(f, 0, sizeof(*f));
	f->iommu = &u->iommu;
	f->segment = u->segment;
	f->source_id = (u16)FIELD_GET(VTD_FRCD_SID, hi);
	f->addr = lo & VTD_FRCD_FI;
	f->reason = (u32)FIELD_GET(VTD_FRCD_FR, hi);
	f->write = !(hi & VTD_FRCD_T);
	f->pasid = hi & VTD_FRCD_PP ? (u32)FIELD_GET(VTD_FRCD_PV, hi) : 0;
	f->reason_str = vtd_fault_reason_str(f->reason);
	f->kind = vtd_fault_kind(f->reason);
	if (f->kind == IOMMU_FAULT_KIND_INTR) {
		/* interrupt requests: FI 63:48 is the interrupt index, no access type */
		f->addr = FIELD_GET(VTD_FRCD_IR_INDEX, lo);
		f->write = false;
	}
}

/*
 * Report and clear every recording register with F set, starting at FSTS.FRI,
 * then the overflow. Each register is cleared after it is read, so a fault
 * recorded meanwhile is seen on the next poll, never lost.
 */
static DEFINE_SPINLOCK(vtd_fault_lock);	/* one CPU walks the records at a time */

void vtd_poll_faults(struct iommu_device *iommu)
{
	struct vtd_unit *u = container_of(iommu, struct vtd_unit, iommu);
	u32 fsts, idx;

	spin_lock(&vtd_fault_lock);
	fsts = vtd_readl(u, VTD_FSTS_REG);
	idx = (u32)FIELD_GET(VTD_FSTS_FRI, fsts);

	for (u32 n = 0; (fsts & VTD_FSTS_PPF) && n < u->nfr; n++, idx = (idx + 1) % u->nfr) {
		u32 off = u->fro + idx * VTD_FRCD_SIZE;
		u64 hi = vtd_readq(u, off + 8), lo;
		struct iommu_fault_record f;

		if (!(hi & VTD_FRCD_F))
			continue;
		lo = vtd_readq(u, off);
		vtd_writel(u, off + 12, (u32)(VTD_FRCD_F >> 32));	/* write 1 to F clears */
		vtd_fault_decode(u, lo, hi, &f);
		iommu_fault_report(&f);
	}
	if (fsts & VTD_FSTS_PFO) {
		struct iommu_fault_record f = {
			.iommu = &u->iommu, .segment = u->segment,
			.reason_str = "fault recording overflow: faults were lost",
			.kind = IOMMU_FAULT_KIND_OVERFLOW,
		};

		vtd_writel(u, VTD_FSTS_REG, VTD_FSTS_PFO);
		iommu_fault_report(&f);
	}
	spin_unlock(&vtd_fault_lock);
}

/* The interrupt only counts: faults are read in thread context (iommu_fault_drain). */
static void vtd_fault_irq(struct trap_frame *tf, void *ctx)
{
	struct vtd_unit *u = ctx;

	u->fault_irqs++;
}

int vtd_fault_init(struct vtd_unit *u)
{
	int v = irq_alloc_vector(vtd_fault_irq, u);
	u64 addr;

	if (v < 0)
		return v;
	u->fault_vector = v;
	addr = msi_addr(lapic_id());
	vtd_writel(u, VTD_FECTL_REG, VTD_FECTL_IM);
	vtd_writel(u, VTD_FEDATA_REG, msi_data(v));
	vtd_writel(u, VTD_FEADDR_REG, (u32)addr);
	vtd_writel(u, VTD_FEUADDR_REG, (u32)(addr >> 32));
	vtd_writel(u, VTD_FECTL_REG, 0);
	return 0;
}

void vtd_fault_fini(struct vtd_unit *u)
{
	vtd_writel(u, VTD_FECTL_REG, VTD_FECTL_IM);
	if (u->fault_vector > 0)
		irq_unregister(u->fault_vector);
	u->fault_vector = 0;
}
