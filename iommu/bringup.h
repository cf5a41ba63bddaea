/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU facts of the bring-up report (init/bringup.c lists them): each
 * writes one JSON value. Kernel only; the snapshot runs before the drivers.
 */
#ifndef IOMMU_BRINGUP_H
#define IOMMU_BRINGUP_H

struct json;

/* Read every described unit's registers as the firmware left them (iommu_init). */
void iommu_bringup_snapshot(void);
/* Array: each unit with its table entry, registers decoded and firmware state. */
void iommu_bringup_units(struct json *j);
/* Array: each PCI function, its DMA source-id and the unit translating it. */
void iommu_bringup_pci(struct json *j);
/* Array: RMRR, ATSR, SATC and IVMD entries. */
void iommu_bringup_ranges(struct json *j);
/* Object: the DMAR and IVRS decoded as iommu-acpi --json does (null when absent). */
void iommu_bringup_tables(struct json *j);

#endif
