/* SPDX-License-Identifier: MIT */
/*
 * iommu-acpi's report of one DMAR or IVRS table, as text for people or as
 * one JSON object (keys in ../shared/DESIGN.md "Tools for people"). Hosted only.
 */
#ifndef IOMMU_TOOLS_ACPI_REPORT_H
#define IOMMU_TOOLS_ACPI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "tools/jsonout.h"

struct report_opts {
	bool json;
};

/* Parse buf as DMAR or IVRS (by signature) and print it; true when valid. */
bool report_table(const struct report_opts *o, const char *path,
		  const unsigned char *buf, size_t len);

/* Print every rule of both parsers: id, level, what it bounds, why (--rules). */
void report_rules(void);

#endif
