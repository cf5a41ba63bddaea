/* SPDX-License-Identifier: MIT */
/*
 * Minimal polled AHCI driver: find a port with a device, run ATA IDENTIFY
 * (DEVICE or PACKET DEVICE) into memory the caller maps (CPU pointer plus bus address).
 * Layouts: Serial ATA AHCI 1.3.1 (HBA/port registers 3, structures 4).
 */
#ifndef DRIVERS_AHCI_H
#define DRIVERS_AHCI_H

#include "lib/types.h"

struct pci_dev;

#define AHCI_CLASS	0x010601	/* mass storage, SATA, AHCI 1.0 */
#define AHCI_MEM_BYTES	4096		/* command list + FIS area + one table */
#define AHCI_IDENTIFY_BYTES 512

struct ahci {
	struct pci_dev *pdev;
	volatile u8 *abar;
	int port;		/* port with a device, -1 none */
	void *mem;		/* CPU view of the caller's AHCI_MEM_BYTES page */
	u64 mem_bus;
	u32 last_tfd;		/* PxTFD after the last command */
	bool atapi;		/* the port has a packet device (CD/DVD) */
};

/* Map ABAR, enable AHCI mode, find a port with a device. 0, -ENODEV. */
int ahci_init(struct ahci *a, struct pci_dev *pdev);
/*
 * Stop the port, point it at the page mem (bus address mem_bus, 4 KiB
 * aligned) and start it. 0, -EINVAL, -ETIMEDOUT.
 */
int ahci_port_start(struct ahci *a, void *mem, u64 mem_bus);
/*
 * IDENTIFY DEVICE (IDENTIFY PACKET DEVICE on ATAPI) into 512 bytes at bus
 * address buf. 0, -EIO, -ETIMEDOUT.
 */
int ahci_identify(struct ahci *a, u64 buf);
/* Stop the port (no more fetches from mem) and bus mastering; -ETIMEDOUT: it kept running. */
int ahci_port_stop(struct ahci *a);

#endif
