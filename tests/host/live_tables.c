// SPDX-License-Identifier: MIT
/*
 * dmar_live() and ivrs_live() for hosted driver tests: the tables the test
 * set in host_dmar / host_ivrs, instead of the machine's (iommu/acpi_live.c).
 */
#include "iommu/acpi_live.h"
#include "tests/host/live_tables.h"

const struct dmar_table *host_dmar;
const struct ivrs_table *host_ivrs;

const struct dmar_table *dmar_live(void)
{
	return host_dmar;
}

const struct ivrs_table *ivrs_live(void)
{
	return host_ivrs;
}
