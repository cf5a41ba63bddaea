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

/* "all", "select", "alias", "alias target", "extended" ("?" out of range). */
const char *ivrs_range_kind_str(unsigned int kind);
/* "BB:DD.F" of a 16-bit device ID; returns what snprintf returns. */
int ivrs_devid_str(u16 devid, char *buf, size_t n);

#endif
