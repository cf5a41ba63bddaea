/* SPDX-License-Identifier: MIT */
/*
 * This machine's DMAR and IVRS (from acpi_find), parsed once, and what ties
 * their scopes to the devices pci_init() found. Kernel only; the parsing
 * itself is dmar.c/ivrs.c, which also build hosted.
 */
#ifndef IOMMU_ACPI_LIVE_H
#define IOMMU_ACPI_LIVE_H

#include "arch/x86/pci.h"
#include "iommu/dmar.h"
#include "iommu/ivrs.h"

/*
 * Parse the firmware's DMAR and IVRS (first call only) and print a short
 * decoded summary as "# " lines. The VT-d and AMD-Vi drivers call this (or
 * dmar_live()/ivrs_live()) from their init.
 */
void iommu_acpi_init(void);

/* The parsed DMAR / IVRS, or NULL when the firmware has none. Check ->valid. */
const struct dmar_table *dmar_live(void);
const struct ivrs_table *ivrs_live(void);


/*
 * The device a PCI scope names on this machine, following each bridge's
 * secondary bus along the path; NULL when absent (or not a PCI scope).
 */
struct pci_dev *dmar_scope_dev(const struct dmar_scope *s, u16 segment);

/* The DRHD that translates d, or NULL (shortcut for the two calls above). */
const struct dmar_unit *dmar_unit_of(const struct pci_dev *d);

#endif
