/* SPDX-License-Identifier: MIT */
/*
 * PCI: configuration access (ECAM from MCFG, port 0xCF8 fallback), bus
 * enumeration, capability walk (MSI, MSI-X, PCIe, ATS), BAR sizing, MSI setup.
 */
#ifndef ARCH_X86_PCI_H
#define ARCH_X86_PCI_H

#include "lib/types.h"

#define PCI_MAX_DEVS 256

#define PCI_VENDOR_ID	0x00
#define PCI_COMMAND	0x04
#define PCI_STATUS	0x06
#define PCI_CLASS_REV	0x08
#define PCI_HEADER_TYPE	0x0e
#define PCI_BAR0	0x10
#define PCI_PRIMARY_BUS	0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_CAP_PTR	0x34
#define PCI_CMD_IO	0x1
#define PCI_CMD_MEM	0x2
#define PCI_CMD_MASTER	0x4
#define PCI_CMD_INTX_DISABLE 0x400
#define PCI_STATUS_CAPS	0x10

#define PCI_CAP_MSI	0x05
#define PCI_CAP_PCIE	0x10
#define PCI_CAP_MSIX	0x11
#define PCI_EXT_CAP_ATS	0x0f
/* MSI control word */
#define PCI_MSI_ENABLE	0x0001
#define PCI_MSI_64BIT	0x0080
#define PCI_MSI_PVM	0x0100	/* per-vector masking */

struct pci_bar {
	phys_addr_t base;
	u64 size;
	bool io, is64, prefetch;
	const char *bad;	/* memory BAR the kernel must not use: why (NULL: usable) */
};

struct pci_dev {
	u16 seg;
	u8 bus, dev, fn;
	u16 vendor, device;
	u8 class, subclass, progif, rev;
	u8 hdr_type;
	bool is_bridge;
	u8 secondary, subordinate;	/* bridges only */
	struct pci_dev *parent;		/* upstream bridge, NULL on a root bus */
	struct pci_bar bar[6];
	u8 cap_msi, cap_msix, cap_pcie;	/* config offsets, 0 = absent */
	u16 ecap_ats;
	u8 pcie_type;			/* PCIe device/port type */
	bool ecam;			/* config through ECAM (else port I/O) */
	volatile u8 *cfg;		/* mapped ECAM config space */
	volatile u8 *msix_table;	/* mapped by pci_msix_enable() */
	u16 msix_n;			/* its entries */
	void *iommu_priv;		/* the IOMMU driver's per-device data */
	char name[16];			/* "0000:00:03.0" */
};

extern struct pci_dev pci_devs[PCI_MAX_DEVS];
extern int pci_ndevs;

void pci_init(void);
/* Functions answering on every bus in range (what pci=all would list; slow). */
int pci_count_every_bus(void);
u32 pci_read32(const struct pci_dev *d, u16 off);
u16 pci_read16(const struct pci_dev *d, u16 off);
u8 pci_read8(const struct pci_dev *d, u16 off);
void pci_write32(const struct pci_dev *d, u16 off, u32 v);
void pci_write16(const struct pci_dev *d, u16 off, u16 v);
void pci_write8(const struct pci_dev *d, u16 off, u8 v);

static inline u16 pci_bdf(const struct pci_dev *d)
{
	return (u16)(d->bus << 8 | d->dev << 3 | d->fn);
}

/* Find the n-th device with vendor:device (0xffff matches any). */
struct pci_dev *pci_find(u16 vendor, u16 device, int n);
struct pci_dev *pci_find_bdf(u16 seg, u16 bdf);
/* Offset of a capability (standard list), 0 when absent. */
u8 pci_find_cap(const struct pci_dev *d, u8 id);
/* Offset of an extended capability (ECAM only), 0 when absent. */
u16 pci_find_ext_cap(const struct pci_dev *d, u16 id);

/* The walk of the extended capability list from 0x100 (bounded: a looped list ends). */
static inline u16 pci_ext_cap_walk(const struct pci_dev *d, u16 id)
{
	u16 off = 0x100;

	for (int i = 0; i < 480 && off >= 0x100; i++) {
		u32 h = pci_read32(d, off);

		if (h == 0 || h == 0xffffffff)
			return 0;
		if ((h & 0xffff) == id)
			return off;
		off = (h >> 20) & 0xffc;
	}
	return 0;
}
void pci_set_master(struct pci_dev *d, bool on);
void pci_enable_mem(struct pci_dev *d);
/* Map a memory BAR uncached; NULL if the BAR is absent, I/O or unusable. */
void *pci_map_bar(struct pci_dev *d, int bar);
/* Why memory BAR bar of d cannot be mapped, NULL when it can. */
const char *pci_bar_problem(const struct pci_dev *d, int bar);
/* Why a memory BAR as the firmware left it cannot be used (address 0, over RAM), or NULL. */
const char *pci_bar_firmware_problem(const struct pci_bar *b);
/* Program and enable MSI (single vector); -ENODEV without the capability. */
int pci_msi_enable(struct pci_dev *d, u64 addr, u32 data);
void pci_msi_disable(struct pci_dev *d);
/* Mask/unmask vector 0; -EOPNOTSUPP without per-vector masking. */
int pci_msi_mask(struct pci_dev *d, bool masked);
/* The message programmed; returns whether MSI is enabled. */
bool pci_msi_read(const struct pci_dev *d, u64 *addr, u32 *data);
/* MSI-X on with every entry masked: the table size, -ENODEV or -EINVAL (bad table). */
int pci_msix_enable(struct pci_dev *d);
/* Program entry (masked while it changes) and unmask it; -EINVAL out of range. */
int pci_msix_set(struct pci_dev *d, u16 entry, u64 addr, u32 data);
int pci_msix_mask(struct pci_dev *d, u16 entry, bool masked);
void pci_msix_disable(struct pci_dev *d);
/* The requester ID a device's DMA carries: its own BDF, or a bridge's alias. */
u16 pci_dma_source_id(const struct pci_dev *d);

#endif
