/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi EFR/EFR2 decoding: one table row per field, and the accessors the
 * driver chooses features with. No MMIO here (offsets live in amdvi_regs.h).
 * Bit positions: AMD IOMMU spec rev 3.x, MMIO 0030h and 01A0h.
 */
#ifndef IOMMU_AMDVI_AMDVI_CAPS_H
#define IOMMU_AMDVI_AMDVI_CAPS_H

#include "iommu/regfield.h"

/* Rows of amdvi_efr_fields[], in bit order. */
enum amdvi_efr_id {
	AMDVI_EFR_PREFSUP,	/* 0 prefetch pages command */
	AMDVI_EFR_PPRSUP,	/* 1 peripheral page requests */
	AMDVI_EFR_XTSUP,	/* 2 x2APIC interrupts */
	AMDVI_EFR_NXSUP,	/* 3 no-execute */
	AMDVI_EFR_GTSUP,	/* 4 guest translation */
	AMDVI_EFR_GAPPISUP,	/* 5 guest APIC physical processor interrupt */
	AMDVI_EFR_IASUP,	/* 6 INVALIDATE_IOMMU_ALL */
	AMDVI_EFR_GASUP,	/* 7 guest virtual APIC */
	AMDVI_EFR_HESUP,	/* 8 hardware error registers */
	AMDVI_EFR_PCSUP,	/* 9 performance counters */
	AMDVI_EFR_HATS,		/* 11:10 host page-table levels: 0=4, 1=5, 2=6 */
	AMDVI_EFR_GATS,		/* 13:12 guest page-table levels: 0=4, 1=5 */
	AMDVI_EFR_GLXSUP,	/* 15:14 GCR3 table levels */
	AMDVI_EFR_SMIFSUP,	/* 17:16 SMI filter */
	AMDVI_EFR_SMIFRC,	/* 20:18 SMI filter register count */
	AMDVI_EFR_GAMSUP,	/* 23:21 guest virtual APIC modes */
	AMDVI_EFR_DUALPPRLOGSUP,	/* 25:24 */
	AMDVI_EFR_RSVD_27_26,
	AMDVI_EFR_DUALEVENTLOGSUP,	/* 29:28 */
	AMDVI_EFR_RSVD_30,
	AMDVI_EFR_SATSSUP,	/* 31 secure ATS */
	AMDVI_EFR_PASMAX,	/* 36:32 PASID width - 1 */
	AMDVI_EFR_USSUP,	/* 37 user/supervisor pages */
	AMDVI_EFR_DEVTBLSEGSUP,	/* 39:38 device table segments */
	AMDVI_EFR_PPROVRFLWEARLYSUP,	/* 40 */
	AMDVI_EFR_PPRAUTORSPSUP,	/* 41 */
	AMDVI_EFR_MARCSUP,	/* 43:42 memory access routing */
	AMDVI_EFR_BLKSTOPMRKSUP,	/* 44 */
	AMDVI_EFR_PERFOPTSUP,	/* 45 */
	AMDVI_EFR_MSICAPMMIOSUP,	/* 46 */
	AMDVI_EFR_SNOOPATTRSUP,	/* 47 */
	AMDVI_EFR_GIOSUP,	/* 48 guest I/O protection */
	AMDVI_EFR_HASUP,	/* 49 host access bit */
	AMDVI_EFR_EPHSUP,	/* 50 enhanced PPR handling */
	AMDVI_EFR_ATTRFWSUP,	/* 51 attribute forwarding */
	AMDVI_EFR_HDSUP,	/* 52 host dirty bit */
	AMDVI_EFR_V2HDDISSUP,	/* 53 v2 dirty-bit update disable */
	AMDVI_EFR_INVIOTLBTYPESUP,	/* 54 */
	AMDVI_EFR_VIOMMUSUP,	/* 55 virtualized IOMMU */
	AMDVI_EFR_VMGUARDIOSUP,	/* 56 */
	AMDVI_EFR_VMTABLESIZE,	/* 60:57 */
	AMDVI_EFR_GAUPDATEDISSUP,	/* 61 guest access-bit update disable */
	AMDVI_EFR_FORCEPHYSDESTSUP,	/* 62 */
	AMDVI_EFR_SNPSUP,	/* 63 SEV-SNP */
	AMDVI_EFR_NFIELDS
};

/* Rows of amdvi_efr2_fields[], in bit order. */
enum amdvi_efr2_id {
	AMDVI_EFR2_TMPMSUP,	/* 0 tiered memory page migration */
	AMDVI_EFR2_SEVSNPIOSUP,	/* 1 SEV-SNP trusted I/O */
	AMDVI_EFR2_GAPPIDISSUP,	/* 2 */
	AMDVI_EFR2_GCR3TRPMODESUP,	/* 3 GCR3 table root pointer trap mode */
	AMDVI_EFR2_GSTBUFTRPMODESUP,	/* 4 guest buffer trap mode */
	AMDVI_EFR2_SNPAVICSUP,	/* 7:5 SNP virtual APIC */
	AMDVI_EFR2_NUMINTREMAPSUP,	/* 9:8 interrupt remapping entries: 1 = 2048 */
	AMDVI_EFR2_RSVD_10,
	AMDVI_EFR2_HTRANGEIGNORE,	/* 11 HyperTransport range not reserved */
	AMDVI_EFR2_RSVD_63_12,
	AMDVI_EFR2_NFIELDS
};

extern const struct regfield amdvi_efr_fields[AMDVI_EFR_NFIELDS];
extern const struct regfield amdvi_efr2_fields[AMDVI_EFR2_NFIELDS];
extern const struct regfield_reg amdvi_efr_reg, amdvi_efr2_reg;

static inline u64 amdvi_efr(u64 efr, enum amdvi_efr_id id)
{
	return regfield_value(&amdvi_efr_fields[id], efr);
}

static inline u64 amdvi_efr2(u64 efr2, enum amdvi_efr2_id id)
{
	return regfield_value(&amdvi_efr2_fields[id], efr2);
}

/* Feature choices of the driver. */
#define amdvi_efr_ia(efr)		((bool)amdvi_efr((efr), AMDVI_EFR_IASUP))
#define amdvi_efr_xt(efr)		((bool)amdvi_efr((efr), AMDVI_EFR_XTSUP))
#define amdvi_efr_ga(efr)		((bool)amdvi_efr((efr), AMDVI_EFR_GASUP))
#define amdvi_efr_nx(efr)		((bool)amdvi_efr((efr), AMDVI_EFR_NXSUP))
#define amdvi_efr_ppr(efr)		((bool)amdvi_efr((efr), AMDVI_EFR_PPRSUP))
#define amdvi_efr_gt(efr)		((bool)amdvi_efr((efr), AMDVI_EFR_GTSUP))
#define amdvi_efr_he(efr)		((bool)amdvi_efr((efr), AMDVI_EFR_HESUP))
#define amdvi_efr_pc(efr)		((bool)amdvi_efr((efr), AMDVI_EFR_PCSUP))

/*
 * Host (v1) page-table levels the unit walks at most: 4 + HATS
 * (HATS 0 = 4, 1 = 5, 2 = 6 levels); 6 for the reserved value 3.
 */
unsigned int amdvi_efr_max_levels(u64 efr);

/* PASID width in bits (PASmax + 1). */
static inline unsigned int amdvi_efr_pasid_bits(u64 efr)
{
	return (unsigned int)amdvi_efr(efr, AMDVI_EFR_PASMAX) + 1;
}

/*
 * The words Linux prints after "AMD-Vi: Extended features (...)": PreF PPR
 * X2APIC NX GT [5] IA GA HE PC for bits 0-9, GA_vAPIC for bit 21, SNP for
 * bit 63. Returns the length snprintf would write.
 */
int amdvi_efr_linux_words(u64 efr, char *buf, size_t n);

/* Warnings: reserved bits set in EFR/EFR2, reserved HATS value. */
void amdvi_caps_check(u64 efr, u64 efr2, struct regfield_warnings *w);

/* One-line summaries for the boot dump. */
int amdvi_efr_summary(u64 efr, char *buf, size_t n);
int amdvi_efr2_summary(u64 efr2, char *buf, size_t n);

#endif
