/* SPDX-License-Identifier: MIT */
/*
 * The platform hosted driver tests probe with (platform_stubs.c): firmware
 * tables, command line, PCI functions and config space, MMIO windows, MSI.
 */
#ifndef TESTS_HOST_PLATFORM_STUBS_H
#define TESTS_HOST_PLATFORM_STUBS_H

#include "arch/x86/pci.h"
#include "arch/x86/trap.h"
#include "iommu/dmar.h"
#include "iommu/ivrs.h"

/* What dmar_live() and ivrs_live() answer. */
extern const struct dmar_table *host_dmar;
extern const struct ivrs_table *host_ivrs;
/* The kernel command line arch/x86/cmdline.c reads (boot_info.cmdline). */
void host_set_cmdline(const char *line);

/* pci_find_bdf() looks here; config space is pci_dev.cfg (4 KiB, may be NULL). */
extern struct pci_dev *host_pci_devs;
extern int host_pci_ndevs;

/* ioremap(pa, len) returns va for a window registered here, else NULL. */
void host_mmio_add(phys_addr_t pa, void *va, size_t len);
void host_mmio_reset(void);

/* Deliver an MSI: the handler irq_alloc_vector() put on this vector runs. */
void host_msi(u32 data);

#endif
