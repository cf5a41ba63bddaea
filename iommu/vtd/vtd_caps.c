// SPDX-License-Identifier: MIT
/*
 * VT-d VER/CAP/ECAP field tables and the decisions derived from them.
 * No MMIO: callers pass the register values. Bits: VT-d spec 4.1
 * 11.4.1-11.4.3; fields older specs defined and later deprecated keep their names.
 */
#include "iommu/vtd/vtd_caps.h"
#include "lib/errno.h"

const struct regfield vtd_cap_fields[VTD_CAP_NFIELDS] = {
	[VTD_CAP_ND] = RF_ROW_NUM("ND", 2, 0, RF_X_NDOMS, "ndoms",
		"domain ids: 2^(4 + 2*ND); sizes the domain-id allocator"),
	[VTD_CAP_AFL] = RF_ROW_FLAG("AFL", 3, "afl", "advanced fault logging"),
	[VTD_CAP_RWBF] = RF_ROW_FLAG("RWBF", 4, "rwbf",
		"write-buffer flush required before invalidations"),
	[VTD_CAP_PLMR] = RF_ROW_FLAG("PLMR", 5, "plmr",
		"protected low-memory region: disable it at init"),
	[VTD_CAP_PHMR] = RF_ROW_FLAG("PHMR", 6, "phmr",
		"protected high-memory region: disable it at init"),
	[VTD_CAP_CM] = RF_ROW_FLAG("CM", 7, "cm",
		"caching mode: not-present entries may be cached, maps need an IOTLB flush"),
	[VTD_CAP_SAGAW] = RF_ROW_LIST("SAGAW", 12, 8, RF_X_SAGAW_LEVELS, "agaw_levels_supported",
		"second-level table depths: the driver picks the smallest that covers the domain"),
	[VTD_CAP_SAGAW_WIDTHS] = { "SAGAW", 12, 8, RF_LIST, RF_X_SAGAW_WIDTHS, true,
		"agaw_widths", "the same depths as address widths" },
	[VTD_CAP_RSVD_15_13] = RF_ROW_RSVD(15, 13),
	[VTD_CAP_MGAW] = RF_ROW_NUM("MGAW", 21, 16, RF_X_PLUS1, "mgaw",
		"maximum guest address width: the end of the IOVA aperture"),
	[VTD_CAP_ZLR] = RF_ROW_FLAG("ZLR", 22, "zlr", "zero-length reads"),
	[VTD_CAP_ISOCH] = RF_ROW_DEP("ISOCH", 23, 23, "isoch",
		"isochrony (VT-d 1.x); deprecated"),
	[VTD_CAP_FRO] = RF_ROW_NUM("FRO", 33, 24, RF_X_TIMES16, "fro_offset",
		"byte offset of the first fault-recording register"),
	[VTD_CAP_SLLPS] = RF_ROW_LIST("SLLPS", 37, 34, RF_X_SLLPS, "superpages",
		"second-level large pages the mapper may use"),
	[VTD_CAP_RSVD_38] = RF_ROW_RSVD(38, 38),
	[VTD_CAP_PSI] = RF_ROW_FLAG("PSI", 39, "psi",
		"page-selective IOTLB invalidation; else domain-selective"),
	[VTD_CAP_NFR] = RF_ROW_NUM("NFR", 47, 40, RF_X_PLUS1, "nfr",
		"fault-recording registers to scan on a fault"),
	[VTD_CAP_MAMV] = RF_ROW_NUM("MAMV", 53, 48, RF_X_NONE, "mamv",
		"largest address mask of a page-selective invalidation (2^MAMV pages)"),
	[VTD_CAP_DWD] = RF_ROW_FLAG("DWD", 54, "dwd", "write draining"),
	[VTD_CAP_DRD] = RF_ROW_FLAG("DRD", 55, "drd", "read draining"),
	[VTD_CAP_FL1GP] = RF_ROW_FLAG("FL1GP", 56, "fl1gp", "first-level 1G pages"),
	[VTD_CAP_RSVD_58_57] = RF_ROW_RSVD(58, 57),
	[VTD_CAP_PI] = RF_ROW_FLAG("PI", 59, "pi", "posted interrupts"),
	[VTD_CAP_FL5LP] = RF_ROW_FLAG("FL5LP", 60, "fl5lp", "first-level 5-level paging"),
	[VTD_CAP_ECMDS] = RF_ROW_FLAG("ECMDS", 61, "ecmds", "enhanced command interface"),
	[VTD_CAP_ESIRTPS] = RF_ROW_FLAG("ESIRTPS", 62, "esirtps",
		"setting the IRT pointer also invalidates the interrupt entry cache"),
	[VTD_CAP_ESRTPS] = RF_ROW_FLAG("ESRTPS", 63, "esrtps",
		"setting the root pointer also invalidates all caches"),
};

const struct regfield vtd_ecap_fields[VTD_ECAP_NFIELDS] = {
	[VTD_ECAP_C] = RF_ROW_FLAG("C", 0, "coherent",
		"page walks snoop; if 0 clflush every table update"),
	[VTD_ECAP_QI] = RF_ROW_FLAG("QI", 1, "qi",
		"queued invalidation; else CCMD/IOTLB registers and no IR"),
	[VTD_ECAP_DT] = RF_ROW_FLAG("DT", 2, "dt", "device-TLB (ATS) invalidation"),
	[VTD_ECAP_IR] = RF_ROW_FLAG("IR", 3, "ir", "interrupt remapping"),
	[VTD_ECAP_EIM] = RF_ROW_FLAG("EIM", 4, "eim", "32-bit APIC ids with IR (x2APIC)"),
	[VTD_ECAP_CH] = RF_ROW_DEP("CH", 5, 5, "ch", "caching hints (VT-d 2.x); deprecated"),
	[VTD_ECAP_PT] = RF_ROW_FLAG("PT", 6, "pt", "pass-through: identity without tables"),
	[VTD_ECAP_SC] = RF_ROW_FLAG("SC", 7, "sc", "snoop control: force-snoop PTE bit"),
	[VTD_ECAP_IRO] = RF_ROW_NUM("IRO", 17, 8, RF_X_TIMES16, "iro_offset",
		"byte offset of the IOTLB registers"),
	[VTD_ECAP_RSVD_19_18] = RF_ROW_RSVD(19, 18),
	[VTD_ECAP_MHMV] = RF_ROW_NUM("MHMV", 23, 20, RF_X_NONE, "mhmv",
		"largest handle mask of a selective IEC invalidation"),
	[VTD_ECAP_ECS] = RF_ROW_DEP("ECS", 24, 24, "ecs", "extended context (VT-d 2.x); deprecated"),
	[VTD_ECAP_MTS] = RF_ROW_FLAG("MTS", 25, "mts", "memory type support"),
	[VTD_ECAP_NEST] = RF_ROW_FLAG("NEST", 26, "nest", "nested translation"),
	[VTD_ECAP_DIS] = RF_ROW_DEP("DIS", 27, 27, "dis",
		"deferred invalidate (VT-d 2.x); reserved since 3.0"),
	[VTD_ECAP_PASID_V2] = RF_ROW_DEP("PASID2", 28, 28, "pasid_v2",
		"PASID in extended context (VT-d 2.x); deprecated"),
	[VTD_ECAP_PRS] = RF_ROW_FLAG("PRS", 29, "prs", "page requests"),
	[VTD_ECAP_ERS] = RF_ROW_FLAG("ERS", 30, "ers", "execute requests"),
	[VTD_ECAP_SRS] = RF_ROW_FLAG("SRS", 31, "srs", "supervisor requests"),
	[VTD_ECAP_POT] = RF_ROW_DEP("POT", 32, 32, "pot",
		"PASID-only translation (VT-d 2.x); reserved since 3.0"),
	[VTD_ECAP_NWFS] = RF_ROW_FLAG("NWFS", 33, "nwfs", "no-write flag"),
	[VTD_ECAP_EAFS] = RF_ROW_FLAG("EAFS", 34, "eafs", "extended accessed flag"),
	[VTD_ECAP_PSS] = RF_ROW_NUM("PSS", 39, 35, RF_X_NONE, "pss", "PASID width - 1"),
	[VTD_ECAP_PASID] = RF_ROW_FLAG("PASID", 40, "pasid", "PASID support"),
	[VTD_ECAP_DIT] = RF_ROW_FLAG("DIT", 41, "dit", "device-TLB invalidation throttle"),
	[VTD_ECAP_PDS] = RF_ROW_FLAG("PDS", 42, "pds", "page-request drain"),
	[VTD_ECAP_SMTS] = RF_ROW_FLAG("SMTS", 43, "smts",
		"scalable-mode translation: scalable vs legacy root/context tables"),
	[VTD_ECAP_VCS] = RF_ROW_FLAG("VCS", 44, "vcs", "virtual command"),
	[VTD_ECAP_SLADS] = RF_ROW_FLAG("SLADS", 45, "slads", "second-level accessed/dirty bits"),
	[VTD_ECAP_SLTS] = RF_ROW_FLAG("SLTS", 46, "slts", "second-level translation in scalable mode"),
	[VTD_ECAP_FLTS] = RF_ROW_FLAG("FLTS", 47, "flts", "first-level translation in scalable mode"),
	[VTD_ECAP_SMPWCS] = RF_ROW_FLAG("SMPWCS", 48, "smpwcs", "scalable-mode page-walk coherency"),
	[VTD_ECAP_RPS] = RF_ROW_FLAG("RPS", 49, "rps", "RID-PASID"),
	[VTD_ECAP_RSVD_50] = RF_ROW_RSVD(50, 50),
	[VTD_ECAP_PMS] = RF_ROW_FLAG("PMS", 51, "pms", "performance monitoring"),
	[VTD_ECAP_ADMS] = RF_ROW_FLAG("ADMS", 52, "adms", "abort DMA mode"),
	[VTD_ECAP_RPRIVS] = RF_ROW_FLAG("RPRIVS", 53, "rprivs", "RID_PRIV"),
	[VTD_ECAP_RSVD_63_54] = RF_ROW_RSVD(63, 54),
};

const struct regfield vtd_ver_fields[VTD_VER_NFIELDS] = {
	[VTD_VER_MIN] = RF_ROW_NUM("MIN", 3, 0, RF_X_NONE, "ver_minor", "minor version"),
	[VTD_VER_MAX] = RF_ROW_NUM("MAX", 7, 4, RF_X_NONE, "ver_major", "major version"),
	[VTD_VER_RSVD] = RF_ROW_RSVD(31, 8),
};

const struct regfield_reg vtd_cap_reg = { "CAP", vtd_cap_fields, VTD_CAP_NFIELDS };
const struct regfield_reg vtd_ecap_reg = { "ECAP", vtd_ecap_fields, VTD_ECAP_NFIELDS };
const struct regfield_reg vtd_ver_reg = { "VER", vtd_ver_fields, VTD_VER_NFIELDS };

u32 vtd_cap_levels(u64 cap)
{
	u64 levels[5];
	int n = regfield_list(&vtd_cap_fields[VTD_CAP_SAGAW], cap, levels, 5);
	u32 mask = 0;

	for (int i = 0; i < n && i < 5; i++)
		mask |= 1u << levels[i];
	return mask;
}

int vtd_cap_pick_levels(u64 cap, unsigned int addr_width)
{
	u32 mask = vtd_cap_levels(cap);
	int best = -EINVAL;

	for (unsigned int l = 3; l <= 5; l++) {
		if (!(mask & (1u << l)))
			continue;
		best = (int)l;
		if (vtd_levels_to_width(l) >= addr_width)
			return best;
	}
	return best;
}

u64 vtd_cap_pgsize_bitmap(u64 cap)
{
	u64 sizes[4], bitmap = 1ULL << 12;
	int n = regfield_list(&vtd_cap_fields[VTD_CAP_SLLPS], cap, sizes, 4);

	for (int i = 0; i < n && i < 4; i++)
		bitmap |= sizes[i];
	return bitmap;
}

void vtd_caps_check(u64 cap, u64 ecap, u32 ver, struct regfield_warnings *w)
{
	u64 sagaw = regfield_raw(&vtd_cap_fields[VTD_CAP_SAGAW], cap);

	regfield_warn_reserved(w, &vtd_cap_reg, cap);
	regfield_warn_reserved(w, &vtd_ecap_reg, ecap);
	if (ver)
		regfield_warn_reserved(w, &vtd_ver_reg, ver);
	if (sagaw & 0x11)
		regfield_warn(w, "SAGAW 0x%llx sets bit 0 or 4 (2-/6-level tables), reserved since VT-d 2.0",
			      (unsigned long long)sagaw);
	if (!(sagaw & 0xe))
		regfield_warn(w, "SAGAW 0x%llx offers no 3-, 4- or 5-level table: the unit cannot remap DMA",
			      (unsigned long long)sagaw);
	if (regfield_raw(&vtd_cap_fields[VTD_CAP_ND], cap) == 7)
		regfield_warn(w, "ND 7 is reserved");
	if (!vtd_cap_fro(cap) || !vtd_ecap_iro(ecap))
		regfield_warn(w, "fault-recording (0x%x) or IOTLB (0x%x) register offset is 0",
			      vtd_cap_fro(cap), vtd_ecap_iro(ecap));
	if (vtd_ecap_ir(ecap) && !vtd_ecap_qi(ecap))
		regfield_warn(w, "IR without QI: interrupt remapping cannot be enabled");
}

int vtd_cap_summary(u64 cap, char *buf, size_t n)
{
	return regfield_summary(&vtd_cap_reg, cap, buf, n);
}

int vtd_ecap_summary(u64 ecap, char *buf, size_t n)
{
	return regfield_summary(&vtd_ecap_reg, ecap, buf, n);
}
