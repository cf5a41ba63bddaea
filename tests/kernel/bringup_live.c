// SPDX-License-Identifier: MIT
/*
 * vtd and amdvi suites, the bring-up report's register reading: once the
 * driver has enabled a unit, reading it again must report exactly what the
 * driver set (the boot line shows QEMU's all-off state). Kernel only.
 */
#include "iommu/amdvi/amdvi.h"
#include "iommu/bringup.h"
#include "iommu/vtd/vtd.h"
#include "lib/json.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/ktest.h"

static char out[32768];

/* The units as the bring-up line would show them now. */
static void units_now(void)
{
	struct json_buf b;
	struct json j;

	iommu_bringup_snapshot();
	json_init_buf(&j, &b, out, sizeof(out));
	iommu_bringup_units(&j);
	report(b.used > 0 && !b.lost && j.depth == 0, "units written whole (%zu bytes)", b.used);
}

/* Whether the object of unit `name` holds `want`. */
static bool unit_has(const char *name, const char *want)
{
	char key[32];
	const char *at, *next;

	snprintf(key, sizeof(key), "\"name\":\"%s\"", name);
	at = strstr(out, key);
	if (!at)
		return false;
	next = strstr(at + 1, "\"name\":\"");
	at = strstr(at, want);
	return at && (!next || at < next);
}

KTEST_NEEDS(vtd, test_vtd_bringup_reads_the_state_the_driver_set, KT_NEED_VTD)
{
	units_now();
	for (int i = 0; i < vtd_nunits; i++) {
		struct vtd_unit *u = vtd_units[i];
		u32 gsts = vtd_readl(u, VTD_GSTS_REG);
		const char *name = u->name;	/* dmar<DRHD index>, the report's name too */
		char want[160];

		snprintf(want, sizeof(want), "\"firmware_state\":{\"translation\":true,"
			 "\"queued_invalidation\":%s,\"interrupt_remapping\":%s,\"root_table_set\":true",
			 u->inv == VTD_INV_QI ? "true" : "false",
			 gsts & VTD_GSTS_IRES ? "true" : "false");
		report(unit_has(name, want), "%s: translation on, QI and IR as the driver chose", name);
		snprintf(want, sizeof(want), "\"cap\":%llu,\"ecap\":%llu",
			 (unsigned long long)u->cap, (unsigned long long)u->ecap);
		report(unit_has(name, want), "%s: CAP and ECAP as the driver read them", name);
	}
}

KTEST_NEEDS(amdvi, test_amdvi_bringup_reads_the_state_the_driver_set, KT_NEED_AMDVI)
{
	units_now();
	for (int i = 0; i < amdvi_nunits; i++) {
		const char *name = amdvi_units[i]->name;

		report(unit_has(name, "\"firmware_state\":{\"translation\":true,"
				"\"queued_invalidation\":true"),
		       "%s: IommuEn and CmdBufEn read back as the driver set them", name);
	}
}
