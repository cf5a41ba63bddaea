// SPDX-License-Identifier: MIT
/*
 * AMD-Vi EFR (MMIO 0030h) and EFR2 (MMIO 01A0h) field tables and the
 * decisions derived from them. No MMIO: callers pass the values read.
 * Bits: AMD IOMMU spec rev 3.x; keys match fixtures/regs/amdvi-efr.tsv.
 */
#include "iommu/amdvi/amdvi_caps.h"
#include "lib/printf.h"

#define FLAG RF_ROW_FLAG
#define NUM(n, h, l, k, d) RF_ROW_NUM(n, h, l, RF_X_NONE, k, d)

const struct regfield amdvi_efr_fields[AMDVI_EFR_NFIELDS] = {
	[AMDVI_EFR_PREFSUP] = FLAG("PreFSup", 0, "prefsup", "PREFETCH_IOMMU_PAGES command"),
	[AMDVI_EFR_PPRSUP] = FLAG("PPRSup", 1, "pprsup", "peripheral page requests (PPR log)"),
	[AMDVI_EFR_XTSUP] = FLAG("XTSup", 2, "xtsup", "x2APIC interrupts: needed for x2APIC with IR"),
	[AMDVI_EFR_NXSUP] = FLAG("NXSup", 3, "nxsup", "no-execute protection"),
	[AMDVI_EFR_GTSUP] = FLAG("GTSup", 4, "gtsup", "guest (v2) translation"),
	[AMDVI_EFR_GAPPISUP] = FLAG("GAPPISup", 5, "gappisup",
		"guest APIC physical processor interrupts (Linux prints [5])"),
	[AMDVI_EFR_IASUP] = FLAG("IASup", 6, "iasup",
		"INVALIDATE_IOMMU_ALL; else invalidate device table and pages per domain"),
	[AMDVI_EFR_GASUP] = FLAG("GASup", 7, "gasup", "guest virtual APIC"),
	[AMDVI_EFR_HESUP] = FLAG("HESup", 8, "hesup", "hardware error registers"),
	[AMDVI_EFR_PCSUP] = FLAG("PCSup", 9, "pcsup", "performance counters"),
	[AMDVI_EFR_HATS] = NUM("HATS", 11, 10, "hats",
		"host page-table levels 4 + HATS: caps the v1 page-table mode"),
	[AMDVI_EFR_GATS] = NUM("GATS", 13, 12, "gats", "guest page-table levels 4 + GATS"),
	[AMDVI_EFR_GLXSUP] = NUM("GLXSup", 15, 14, "glxsup", "GCR3 table levels"),
	[AMDVI_EFR_SMIFSUP] = NUM("SmiFSup", 17, 16, "smifsup", "SMI filter"),
	[AMDVI_EFR_SMIFRC] = NUM("SmiFRC", 20, 18, "smifrc", "SMI filter register count"),
	[AMDVI_EFR_GAMSUP] = NUM("GAMSup", 23, 21, "gamsup", "guest virtual APIC modes; 1 = GA_vAPIC"),
	[AMDVI_EFR_DUALPPRLOGSUP] = NUM("DualPprLogSup", 25, 24, "dualpprlogsup", "dual PPR logs"),
	[AMDVI_EFR_RSVD_27_26] = RF_ROW_RSVD(27, 26),
	[AMDVI_EFR_DUALEVENTLOGSUP] = NUM("DualEventLogSup", 29, 28, "dualeventlogsup",
		"dual event logs"),
	[AMDVI_EFR_RSVD_30] = RF_ROW_RSVD(30, 30),
	[AMDVI_EFR_SATSSUP] = FLAG("SATSSup", 31, "satssup", "secure ATS"),
	[AMDVI_EFR_PASMAX] = NUM("PASmax", 36, 32, "pasmax", "PASID width - 1"),
	[AMDVI_EFR_USSUP] = FLAG("USSup", 37, "ussup", "user/supervisor page protection"),
	[AMDVI_EFR_DEVTBLSEGSUP] = NUM("DevTblSegSup", 39, 38, "devtblsegsup",
		"device table segments: 2^n"),
	[AMDVI_EFR_PPROVRFLWEARLYSUP] = FLAG("PprOvrflwEarlySup", 40, "pprovrflwearlysup",
		"PPR log overflow early warning"),
	[AMDVI_EFR_PPRAUTORSPSUP] = FLAG("PPRAutoRspSup", 41, "pprautorspsup",
		"PPR automatic response"),
	[AMDVI_EFR_MARCSUP] = NUM("MARCSup", 43, 42, "marcsup", "memory access routing registers"),
	[AMDVI_EFR_BLKSTOPMRKSUP] = FLAG("BlkStopMrkSup", 44, "blkstopmrksup", "block StopMark"),
	[AMDVI_EFR_PERFOPTSUP] = FLAG("PerfOptSup", 45, "perfoptsup", "performance optimization"),
	[AMDVI_EFR_MSICAPMMIOSUP] = FLAG("MsiCapMmioSup", 46, "msicapmmiosup",
		"MSI capability registers in MMIO"),
	[AMDVI_EFR_SNOOPATTRSUP] = FLAG("SnoopAttrSup", 47, "snoopattrsup", "snoop attribute"),
	[AMDVI_EFR_GIOSUP] = FLAG("GIOSup", 48, "giosup", "guest I/O protection"),
	[AMDVI_EFR_HASUP] = FLAG("HASup", 49, "hasup", "host access bit"),
	[AMDVI_EFR_EPHSUP] = FLAG("EPHSup", 50, "ephsup", "enhanced PPR handling"),
	[AMDVI_EFR_ATTRFWSUP] = FLAG("AttrFWSup", 51, "attrfwsup", "attribute forwarding"),
	[AMDVI_EFR_HDSUP] = FLAG("HDSup", 52, "hdsup", "host dirty bit (dirty tracking)"),
	[AMDVI_EFR_V2HDDISSUP] = FLAG("V2HDDisSup", 53, "v2hddissup",
		"v2 page-table dirty-bit update disable"),
	[AMDVI_EFR_INVIOTLBTYPESUP] = FLAG("InvIotlbTypeSup", 54, "inviotlbtypesup",
		"INVALIDATE_IOTLB_PAGES type field"),
	[AMDVI_EFR_VIOMMUSUP] = FLAG("vIommuSup", 55, "viommusup", "virtualized IOMMU"),
	[AMDVI_EFR_VMGUARDIOSUP] = FLAG("VmGuardIOSup", 56, "vmguardiosup", "VM guard I/O"),
	[AMDVI_EFR_VMTABLESIZE] = NUM("VmTableSize", 60, 57, "vmtablesize", "vIOMMU VM table size"),
	[AMDVI_EFR_GAUPDATEDISSUP] = FLAG("GAUpdateDisSup", 61, "gaupdatedissup",
		"guest access-bit update disable"),
	[AMDVI_EFR_FORCEPHYSDESTSUP] = FLAG("ForcePhysDestSup", 62, "forcephysdestsup",
		"force physical destination for remapped interrupts"),
	[AMDVI_EFR_SNPSUP] = FLAG("SNPSup", 63, "snpsup", "SEV-SNP"),
};

const struct regfield amdvi_efr2_fields[AMDVI_EFR2_NFIELDS] = {
	[AMDVI_EFR2_TMPMSUP] = FLAG("TMPMSup", 0, "efr2_tmpmsup", "tiered memory page migration"),
	[AMDVI_EFR2_SEVSNPIOSUP] = FLAG("SEVSNPIOSup", 1, "efr2_sevsnpiosup", "SEV-SNP trusted I/O"),
	[AMDVI_EFR2_GAPPIDISSUP] = FLAG("GAPPIDisSup", 2, "efr2_gappidissup",
		"guest APIC physical processor interrupt disable"),
	[AMDVI_EFR2_GCR3TRPMODESUP] = FLAG("GCR3TRPModeSup", 3, "efr2_gcr3trpmodesup",
		"GCR3 table root pointer trap mode"),
	[AMDVI_EFR2_GSTBUFTRPMODESUP] = FLAG("GstBufferTRPModeSup", 4, "efr2_gstbuftrpmodesup",
		"guest buffer trap mode"),
	[AMDVI_EFR2_SNPAVICSUP] = NUM("SNPAVICSup", 7, 5, "efr2_snpavicsup",
		"virtual APIC under SNP; 1 = GA mode allowed"),
	[AMDVI_EFR2_NUMINTREMAPSUP] = NUM("NumIntRemapSup", 9, 8, "efr2_numintremapsup",
		"remapped interrupts per device: 0 = 512, 1 = 2048"),
	[AMDVI_EFR2_RSVD_10] = RF_ROW_RSVD(10, 10),
	[AMDVI_EFR2_HTRANGEIGNORE] = FLAG("HTRangeIgnore", 11, "efr2_htrangeignore",
		"the HyperTransport range need not be reserved"),
	[AMDVI_EFR2_RSVD_63_12] = RF_ROW_RSVD(63, 12),
};

const struct regfield_reg amdvi_efr_reg = { "EFR", amdvi_efr_fields, AMDVI_EFR_NFIELDS };
const struct regfield_reg amdvi_efr2_reg = { "EFR2", amdvi_efr2_fields, AMDVI_EFR2_NFIELDS };

unsigned int amdvi_efr_max_levels(u64 efr)
{
	return 4 + min_t(unsigned int, (unsigned int)amdvi_efr(efr, AMDVI_EFR_HATS), 2);
}

/* Linux's words for EFR bits 0-9, in bit order ("[5]": no name there). */
static const char *const linux_words[10] = {
	"PreF", "PPR", "X2APIC", "NX", "GT", "[5]", "IA", "GA", "HE", "PC",
};

int amdvi_efr_linux_words(u64 efr, char *buf, size_t n)
{
	int len = 0;

#define PUT(w) (len += snprintf(buf + min((size_t)len, n), n - min((size_t)len, n), \
				 "%s%s", len ? " " : "", w))
	if (n)
		buf[0] = 0;
	for (int bit = 0; bit < 10; bit++)
		if (efr & (1ULL << bit))
			PUT(linux_words[bit]);
	if (efr & (1ULL << 21))
		PUT("GA_vAPIC");
	if (amdvi_efr(efr, AMDVI_EFR_SNPSUP))
		PUT("SNP");
#undef PUT
	return len;
}

void amdvi_caps_check(u64 efr, u64 efr2, struct regfield_warnings *w)
{
	regfield_warn_reserved(w, &amdvi_efr_reg, efr);
	regfield_warn_reserved(w, &amdvi_efr2_reg, efr2);
	if (amdvi_efr(efr, AMDVI_EFR_HATS) == 3)
		regfield_warn(w, "HATS 3 is reserved; assuming 6 levels");
	if (amdvi_efr(efr, AMDVI_EFR_GATS) == 3)
		regfield_warn(w, "GATS 3 is reserved");
	if (amdvi_efr(efr, AMDVI_EFR_PASMAX) > 19)
		regfield_warn(w, "PASmax %llu exceeds the 20-bit PASID limit",
			      (unsigned long long)amdvi_efr(efr, AMDVI_EFR_PASMAX));
}

int amdvi_efr_summary(u64 efr, char *buf, size_t n)
{
	return regfield_summary(&amdvi_efr_reg, efr, buf, n);
}

int amdvi_efr2_summary(u64 efr2, char *buf, size_t n)
{
	return regfield_summary(&amdvi_efr2_reg, efr2, buf, n);
}
