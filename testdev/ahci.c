// SPDX-License-Identifier: MIT
/*
 * AHCI: one port, one command slot, IDENTIFY DEVICE, polled. No IOMMU
 * knowledge: the caller gives bus addresses (IOVAs).
 * Registers and structures: Serial ATA AHCI 1.3.1; FIS: SATA 3.x.
 */
#include "testdev/ahci.h"
#include "arch/x86/pci.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/string.h"

#define HBA_GHC		0x04
#define HBA_PI		0x0c
#define GHC_AE		BIT(31)

#define PORT_BASE(p)	(0x100 + (p) * 0x80)
#define PX_CLB		0x00
#define PX_FB		0x08
#define PX_IS		0x10
#define PX_CMD		0x18
#define PX_TFD		0x20
#define PX_SIG		0x24
#define PX_SSTS		0x28
#define PX_SERR		0x30
#define PX_CI		0x38
#define PX_CMD_ST	BIT(0)
#define PX_CMD_FRE	BIT(4)
#define PX_CMD_FR	BIT(14)
#define PX_CMD_CR	BIT(15)
#define PX_IS_TFES	BIT(30)
#define PX_TFD_ERR	BIT(0)
#define PX_TFD_DRQ	BIT(3)
#define PX_TFD_BSY	BIT(7)
#define SSTS_DET_PRESENT 3

/* Where the pieces sit in the caller's page. */
#define MEM_CLB		0x000	/* 32 command headers, 1 KiB aligned */
#define MEM_FB		0x400	/* received FIS, 256 B aligned */
#define MEM_CT		0x800	/* command table, 128 B aligned */

#define FIS_H2D		0x27
#define ATA_IDENTIFY	0xec
#define ATA_IDENTIFY_PACKET 0xa1
#define SIG_ATAPI	0xeb140101
#define AHCI_TIMEOUT_US	1000000

struct ahci_cmd_hdr {
	u32 flags;		/* CFL 4:0 (dwords), W bit 6, PRDTL 31:16 */
	u32 prdbc;
	u64 ctba;
	u32 rsvd[4];
};

struct ahci_prd {
	u64 dba;
	u32 rsvd;
	u32 dbc;		/* byte count - 1 (odd), I bit 31 */
};

static u32 prd32(struct ahci *a, u32 off)
{
	return mmio_read32(a->abar + PORT_BASE(a->port) + off);
}

static void pwr32(struct ahci *a, u32 off, u32 v)
{
	mmio_write32(a->abar + PORT_BASE(a->port) + off, v);
}

int ahci_init(struct ahci *a, struct pci_dev *pdev)
{
	u32 pi;

	memset(a, 0, sizeof(*a));
	a->port = -1;
	a->abar = pci_map_bar(pdev, 5);
	if (!a->abar)
		return -ENODEV;
	a->pdev = pdev;
	mmio_write32(a->abar + HBA_GHC, mmio_read32(a->abar + HBA_GHC) | GHC_AE);
	pi = mmio_read32(a->abar + HBA_PI);
	for (int p = 0; p < 32; p++) {
		u32 ssts = mmio_read32(a->abar + PORT_BASE(p) + PX_SSTS);

		if ((pi & BIT(p)) && (ssts & 0xf) == SSTS_DET_PRESENT) {
			a->port = p;
			a->atapi = mmio_read32(a->abar + PORT_BASE(p) + PX_SIG) == SIG_ATAPI;
			return 0;
		}
	}
	return -ENODEV;
}

int ahci_port_stop(struct ahci *a)
{
	int ret;

	if (a->port < 0)
		return 0;
	pwr32(a, PX_CMD, prd32(a, PX_CMD) & ~PX_CMD_ST);
	ret = poll_timeout(!(prd32(a, PX_CMD) & PX_CMD_CR), AHCI_TIMEOUT_US);
	pwr32(a, PX_CMD, prd32(a, PX_CMD) & ~PX_CMD_FRE);
	ret = poll_timeout(!(prd32(a, PX_CMD) & PX_CMD_FR), AHCI_TIMEOUT_US) ?: ret;
	pci_set_master(a->pdev, false);
	return ret;
}

int ahci_port_start(struct ahci *a, void *mem, u64 mem_bus)
{
	if (a->port < 0)
		return -ENODEV;
	if (mem_bus & 0xfff)
		return -EINVAL;
	if (ahci_port_stop(a))
		return -ETIMEDOUT;
	a->mem = mem;
	a->mem_bus = mem_bus;
	memset(mem, 0, AHCI_MEM_BYTES);
	pwr32(a, PX_CLB, (u32)(mem_bus + MEM_CLB));
	pwr32(a, PX_CLB + 4, (u32)((mem_bus + MEM_CLB) >> 32));
	pwr32(a, PX_FB, (u32)(mem_bus + MEM_FB));
	pwr32(a, PX_FB + 4, (u32)((mem_bus + MEM_FB) >> 32));
	pwr32(a, PX_SERR, ~0u);
	pwr32(a, PX_IS, ~0u);
	pci_set_master(a->pdev, true);
	pwr32(a, PX_CMD, prd32(a, PX_CMD) | PX_CMD_FRE);
	if (poll_timeout(!(prd32(a, PX_TFD) & (PX_TFD_BSY | PX_TFD_DRQ)), AHCI_TIMEOUT_US))
		return -ETIMEDOUT;
	/* QEMU posts the device's first D2H FIS, and so its signature, only
	 * once FIS receive is on: a firmware that never ran the port (qboot) */
	a->atapi = prd32(a, PX_SIG) == SIG_ATAPI;
	pwr32(a, PX_CMD, prd32(a, PX_CMD) | PX_CMD_ST);
	return 0;
}

int ahci_identify(struct ahci *a, u64 buf)
{
	struct ahci_cmd_hdr *h = (struct ahci_cmd_hdr *)((u8 *)a->mem + MEM_CLB);
	u8 *ct = (u8 *)a->mem + MEM_CT;
	struct ahci_prd *prd = (struct ahci_prd *)(ct + 0x80);

	if (!a->mem)
		return -EINVAL;
	memset(ct, 0, 0x80 + sizeof(*prd));
	ct[0] = FIS_H2D;
	ct[1] = 0x80;		/* C: this FIS carries a command */
	ct[2] = a->atapi ? ATA_IDENTIFY_PACKET : ATA_IDENTIFY;
	prd->dba = buf;
	prd->dbc = AHCI_IDENTIFY_BYTES - 1;
	memset(h, 0, sizeof(*h));
	h->flags = 5 | 1u << 16;	/* 5-dword FIS, one PRD, device-to-host */
	h->ctba = a->mem_bus + MEM_CT;
	mfence();
	pwr32(a, PX_IS, ~0u);
	pwr32(a, PX_CI, 1);
	if (poll_timeout(!(prd32(a, PX_CI) & 1) || (prd32(a, PX_IS) & PX_IS_TFES),
			 AHCI_TIMEOUT_US))
		return -ETIMEDOUT;
	a->last_tfd = prd32(a, PX_TFD);
	if ((prd32(a, PX_IS) & PX_IS_TFES) || (a->last_tfd & PX_TFD_ERR))
		return -EIO;
	return 0;
}
