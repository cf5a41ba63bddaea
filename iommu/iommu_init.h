/* SPDX-License-Identifier: MIT */
/*
 * Kernel bring-up of the IOMMU layer: pick the driver ACPI describes (or
 * iommu= says), start it, and bind every PCI device as an iommu_dev.
 * Kernel only (uses arch/); the driver interface itself is iommu.h.
 */
#ifndef IOMMU_IOMMU_INIT_H
#define IOMMU_IOMMU_INIT_H

#include "lib/types.h"

struct pci_dev;
struct iommu_dev;

/* Boot step after PCI enumeration. Never fails the boot: no IOMMU is a result too. */
void iommu_init(void);
/* "vtd", "amdvi", or NULL when no hardware IOMMU driver runs. */
const char *iommu_driver_name(void);
/* The iommu_dev bound to a PCI function (NULL before iommu_init). */
struct iommu_dev *iommu_dev_of_pci(struct pci_dev *pdev);

/* Driver entry points: 0 when at least one unit translates. */
int vtd_init(void);
int amdvi_init(void) __attribute__((weak));

#endif
