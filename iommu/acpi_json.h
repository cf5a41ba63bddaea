/* SPDX-License-Identifier: MIT */
/*
 * DMAR and IVRS as JSON members (iommu-acpi --json's keys, all but "file"),
 * written into the object the caller opened; and the names both iommu-acpi
 * and the JSON give IVRS device ranges and device IDs.
 */
#ifndef IOMMU_ACPI_JSON_H
#define IOMMU_ACPI_JSON_H

#include "iommu/dmar.h"
#include "iommu/ivrs.h"

struct json;

void dmar_json(struct json *j, const struct dmar_table *t);
void ivrs_json(struct json *j, const struct ivrs_table *t);
/* One unit's members, as in the tables' "units" arrays (scopes/devices included). */
void dmar_unit_json(struct json *j, const struct dmar_table *t, const struct dmar_unit *u);
void ivrs_unit_json(struct json *j, const struct ivrs_table *t, const struct ivrs_unit *u);
/* One entry's members, as in "reserved", "atsr"/"satc" (flag_key: the flag's name). */
void dmar_rmrr_json(struct json *j, const struct dmar_table *t, const struct dmar_rmrr *r);
void dmar_scoped_json(struct json *j, const struct dmar_table *t, const struct dmar_atsr *a,
		      const char *flag_key);
void ivrs_ivmd_json(struct json *j, const struct ivrs_ivmd *m);

/* "all", "select", "alias", "alias target", "extended" ("?" out of range). */
const char *ivrs_range_kind_str(unsigned int kind);
/* "BB:DD.F" of a 16-bit device ID; returns what snprintf returns. */
int ivrs_devid_str(u16 devid, char *buf, size_t n);

#endif
