/* SPDX-License-Identifier: MIT */
/*
 * The firmware tables a hosted driver test puts in front of the driver:
 * what iommu/acpi_live.h's dmar_live() and ivrs_live() answer (live_tables.c
 * stands in for iommu/acpi_live.c, which reads the machine's ACPI).
 */
#ifndef TESTS_HOST_LIVE_TABLES_H
#define TESTS_HOST_LIVE_TABLES_H

#include "iommu/dmar.h"
#include "iommu/ivrs.h"

extern const struct dmar_table *host_dmar;
extern const struct ivrs_table *host_ivrs;

#endif
