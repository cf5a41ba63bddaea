/* SPDX-License-Identifier: MIT */
/*
 * VT-d VER/CAP/ECAP decoding: one table row per field, and the accessors the
 * driver chooses features with. No MMIO here (offsets live in vtd_regs.h).
 * Bit positions: VT-d spec 4.1 sections 11.4.1-11.4.3; older names kept.
 */
#ifndef IOMMU_VTD_VTD_CAPS_H
#define IOMMU_VTD_VTD_CAPS_H

#include "iommu/regfield.h"

/* Rows of vtd_cap_fields[], in bit order. */
enum vtd_cap_id {
	VTD_CAP_ND,		/* 2:0 number of domains */
	VTD_CAP_AFL,		/* 3 advanced fault logging */
	VTD_CAP_RWBF,		/* 4 required write-buffer flushing */
	VTD_CAP_PLMR,		/* 5 protected low-memory region */
	VTD_CAP_PHMR,		/* 6 protected high-memory region */
	VTD_CAP_CM,		/* 7 caching mode */
	VTD_CAP_SAGAW,		/* 12:8 supported adjusted guest address widths */
	VTD_CAP_SAGAW_WIDTHS,	/* alias of SAGAW as widths */
	VTD_CAP_RSVD_15_13,
	VTD_CAP_MGAW,		/* 21:16 maximum guest address width - 1 */
	VTD_CAP_ZLR,		/* 22 zero-length read */
	VTD_CAP_ISOCH,		/* 23 deprecated (isochrony in VT-d 1.x) */
	VTD_CAP_FRO,		/* 33:24 fault-recording register offset / 16 */
	VTD_CAP_SLLPS,		/* 37:34 second-level large page support */
	VTD_CAP_RSVD_38,
	VTD_CAP_PSI,		/* 39 page-selective invalidation */
	VTD_CAP_NFR,		/* 47:40 number of fault-recording registers - 1 */
	VTD_CAP_MAMV,		/* 53:48 maximum address mask value */
	VTD_CAP_DWD,		/* 54 write draining */
	VTD_CAP_DRD,		/* 55 read draining */
	VTD_CAP_FL1GP,		/* 56 first-level 1G pages */
	VTD_CAP_RSVD_58_57,
	VTD_CAP_PI,		/* 59 posted interrupts */
	VTD_CAP_FL5LP,		/* 60 first-level 5-level paging */
	VTD_CAP_ECMDS,		/* 61 enhanced command support */
	VTD_CAP_ESIRTPS,	/* 62 enhanced set IRT pointer */
	VTD_CAP_ESRTPS,		/* 63 enhanced set root table pointer */
	VTD_CAP_NFIELDS
};

/* Rows of vtd_ecap_fields[], in bit order. */
enum vtd_ecap_id {
	VTD_ECAP_C,		/* 0 page-walk coherency */
	VTD_ECAP_QI,		/* 1 queued invalidation */
	VTD_ECAP_DT,		/* 2 device-TLB */
	VTD_ECAP_IR,		/* 3 interrupt remapping */
	VTD_ECAP_EIM,		/* 4 extended interrupt mode */
	VTD_ECAP_CH,		/* 5 deprecated (caching hints) */
	VTD_ECAP_PT,		/* 6 pass-through */
	VTD_ECAP_SC,		/* 7 snoop control */
	VTD_ECAP_IRO,		/* 17:8 IOTLB register offset / 16 */
	VTD_ECAP_RSVD_19_18,
	VTD_ECAP_MHMV,		/* 23:20 maximum handle mask value */
	VTD_ECAP_ECS,		/* 24 deprecated (extended context) */
	VTD_ECAP_MTS,		/* 25 memory type */
	VTD_ECAP_NEST,		/* 26 nested translation */
	VTD_ECAP_DIS,		/* 27 deprecated (deferred invalidate) */
	VTD_ECAP_PASID_V2,	/* 28 deprecated (VT-d 2.x PASID) */
	VTD_ECAP_PRS,		/* 29 page requests */
	VTD_ECAP_ERS,		/* 30 execute requests */
	VTD_ECAP_SRS,		/* 31 supervisor requests */
	VTD_ECAP_POT,		/* 32 deprecated (PASID-only translation) */
	VTD_ECAP_NWFS,		/* 33 no-write flag */
	VTD_ECAP_EAFS,		/* 34 extended accessed flag */
	VTD_ECAP_PSS,		/* 39:35 PASID size - 1 */
	VTD_ECAP_PASID,		/* 40 PASID */
	VTD_ECAP_DIT,		/* 41 device-TLB invalidation throttle */
	VTD_ECAP_PDS,		/* 42 page-request drain */
	VTD_ECAP_SMTS,		/* 43 scalable-mode translation */
	VTD_ECAP_VCS,		/* 44 virtual command */
	VTD_ECAP_SLADS,		/* 45 second-level accessed/dirty */
	VTD_ECAP_SLTS,		/* 46 second-level translation (scalable mode) */
	VTD_ECAP_FLTS,		/* 47 first-level translation (scalable mode) */
	VTD_ECAP_SMPWCS,	/* 48 scalable-mode page-walk coherency */
	VTD_ECAP_RPS,		/* 49 RID-PASID */
	VTD_ECAP_RSVD_50,
	VTD_ECAP_PMS,		/* 51 performance monitoring */
	VTD_ECAP_ADMS,		/* 52 abort DMA mode */
	VTD_ECAP_RPRIVS,	/* 53 RID_PRIV */
	VTD_ECAP_RSVD_63_54,
	VTD_ECAP_NFIELDS
};

enum vtd_ver_id {
	VTD_VER_MIN,		/* 3:0 minor */
	VTD_VER_MAX,		/* 7:4 major */
	VTD_VER_RSVD,		/* 31:8 */
	VTD_VER_NFIELDS
};

extern const struct regfield vtd_cap_fields[VTD_CAP_NFIELDS];
extern const struct regfield vtd_ecap_fields[VTD_ECAP_NFIELDS];
extern const struct regfield vtd_ver_fields[VTD_VER_NFIELDS];
extern const struct regfield_reg vtd_cap_reg, vtd_ecap_reg, vtd_ver_reg;

/* Field of CAP/ECAP after its transform (see the row). */
static inline u64 vtd_cap(u64 cap, enum vtd_cap_id id)
{
	return regfield_value(&vtd_cap_fields[id], cap);
}

static inline u64 vtd_ecap(u64 ecap, enum vtd_ecap_id id)
{
	return regfield_value(&vtd_ecap_fields[id], ecap);
}

/* The feature choices a driver makes, all read through the rows above. */
#define vtd_cap_ndoms(cap)		((u32)vtd_cap((cap), VTD_CAP_ND))
#define vtd_cap_mgaw(cap)		((unsigned int)vtd_cap((cap), VTD_CAP_MGAW))
#define vtd_cap_nfr(cap)		((unsigned int)vtd_cap((cap), VTD_CAP_NFR))
#define vtd_cap_fro(cap)		((u32)vtd_cap((cap), VTD_CAP_FRO))
#define vtd_cap_mamv(cap)		((unsigned int)vtd_cap((cap), VTD_CAP_MAMV))
#define vtd_cap_psi(cap)		((bool)vtd_cap((cap), VTD_CAP_PSI))
#define vtd_cap_cm(cap)			((bool)vtd_cap((cap), VTD_CAP_CM))
#define vtd_cap_rwbf(cap)		((bool)vtd_cap((cap), VTD_CAP_RWBF))
#define vtd_cap_plmr(cap)		((bool)vtd_cap((cap), VTD_CAP_PLMR))
#define vtd_cap_phmr(cap)		((bool)vtd_cap((cap), VTD_CAP_PHMR))
#define vtd_cap_esrtps(cap)		((bool)vtd_cap((cap), VTD_CAP_ESRTPS))
#define vtd_ecap_iro(ecap)		((u32)vtd_ecap((ecap), VTD_ECAP_IRO))
#define vtd_ecap_coherent(ecap)		((bool)vtd_ecap((ecap), VTD_ECAP_C))
#define vtd_ecap_qi(ecap)		((bool)vtd_ecap((ecap), VTD_ECAP_QI))
#define vtd_ecap_dt(ecap)		((bool)vtd_ecap((ecap), VTD_ECAP_DT))
#define vtd_ecap_ir(ecap)		((bool)vtd_ecap((ecap), VTD_ECAP_IR))
#define vtd_ecap_eim(ecap)		((bool)vtd_ecap((ecap), VTD_ECAP_EIM))
#define vtd_ecap_pt(ecap)		((bool)vtd_ecap((ecap), VTD_ECAP_PT))
#define vtd_ecap_sc(ecap)		((bool)vtd_ecap((ecap), VTD_ECAP_SC))
#define vtd_ecap_smts(ecap)		((bool)vtd_ecap((ecap), VTD_ECAP_SMTS))

/*
 * Second-level page-table depths the unit supports, as a bit mask:
 * BIT(3) = 3-level (39-bit), BIT(4) = 4-level (48-bit), BIT(5) = 5-level
 * (57-bit); the reserved SAGAW bits 0 and 4 map to BIT(2) and BIT(6).
 */
u32 vtd_cap_levels(u64 cap);

/*
 * Smallest supported depth (3, 4 or 5) whose width covers addr_width bits,
 * or the largest supported depth if none covers it; -EINVAL when SAGAW
 * offers none of 3, 4, 5. Callers pass min(wanted width, MGAW).
 */
int vtd_cap_pick_levels(u64 cap, unsigned int addr_width);

/* Address width a depth translates: 30 + 9 * (levels - 2). */
static inline unsigned int vtd_levels_to_width(unsigned int levels)
{
	return 30 + 9 * (levels - 2);
}

/* Second-level page sizes the unit supports: 4K always, 2M, 1G ... (SLLPS). */
u64 vtd_cap_pgsize_bitmap(u64 cap);

/* Highest VT-d version: VER_REG major and minor. */
static inline unsigned int vtd_ver_major(u32 ver) { return (ver >> 4) & 0xf; }
static inline unsigned int vtd_ver_minor(u32 ver) { return ver & 0xf; }

/*
 * Warnings about a unit's values: reserved bits set, SAGAW without a usable
 * depth, MGAW below every supported width, zero-length fields. ver may be 0
 * when unknown. Decoding never fails; these only say what looks wrong.
 */
void vtd_caps_check(u64 cap, u64 ecap, u32 ver, struct regfield_warnings *w);

/* One-line summaries for the boot dump, e.g. "ND=256 SAGAW=3,4 ... PSI". */
int vtd_cap_summary(u64 cap, char *buf, size_t n);
int vtd_ecap_summary(u64 ecap, char *buf, size_t n);

#endif
