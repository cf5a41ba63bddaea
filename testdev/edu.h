/* SPDX-License-Identifier: MIT */
/*
 * QEMU's edu test device as a DMA initiator: copies between RAM (at an
 * address the caller chose, an IOVA when an IOMMU translates) and its 4 KiB
 * buffer. Polled, bounded. Layout: QEMU docs/specs/edu.rst.
 */
#ifndef DRIVERS_EDU_H
#define DRIVERS_EDU_H

#include "lib/types.h"

struct pci_dev;

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_BUF_SIZE	4096u
/* QEMU 7.2 aborts on a transfer that ends exactly at the buffer's end. */
#define EDU_MAX_XFER	4095u
/* QEMU's default dma_mask property: 28 bits; IOVAs above it wrap. */
#define EDU_DEFAULT_DMA_MASK 0x0fffffffULL
/* The DMA fires 100 ms of virtual time after the command. */
#define EDU_DMA_TIMEOUT_US 10000000

struct edu {
	struct pci_dev *pdev;
	volatile u8 *mmio;
	u64 dma_mask;		/* highest bus address it emits unclamped */
	u64 dmas;		/* transfers started (for benchmarks) */
};

/* Map BAR0, check the ID and liveness register, enable bus mastering. */
int edu_init(struct edu *e, struct pci_dev *pdev);
/* Bus mastering off (DMA stops reaching memory). */
void edu_fini(struct edu *e);
/*
 * One transfer of len bytes between bus address addr and the device buffer
 * at offset off; to_ram: device writes RAM, else device reads RAM.
 * 0, -EINVAL (len 0, off + len > EDU_MAX_XFER), -ERANGE (addr range beyond
 * dma_mask), -EBUSY (a transfer still running), -ETIMEDOUT.
 */
int edu_dma(struct edu *e, u64 addr, u32 off, u32 len, bool to_ram);
/* DMAs run by every edu so far and the time spent waiting for them to end. */
void edu_dma_totals(unsigned long *n, u64 *wait_ns);
/* edu_dma() in two halves: start the transfer; wait until it is done (-ETIMEDOUT). */
int edu_dma_start(struct edu *e, u64 addr, u32 off, u32 len, bool to_ram);
int edu_dma_wait(struct edu *e);

/* Interrupt status bits (irq_status register). */
#define EDU_IRQ_FACT	0x1
#define EDU_IRQ_DMA	0x100
/*
 * Raise interrupt status bits: one MSI per call when MSI is on, else INTx
 * asserted until every bit is acknowledged. Acknowledge clears bits.
 */
void edu_irq_raise(struct edu *e, u32 bits);
void edu_irq_ack(struct edu *e, u32 bits);
u32 edu_irq_status(struct edu *e);

/* RAM -> device buffer (the device reads memory). */
static inline int edu_dma_to_dev(struct edu *e, u64 addr, u32 off, u32 len)
{
	return edu_dma(e, addr, off, len, false);
}

/* Device buffer -> RAM (the device writes memory). */
static inline int edu_dma_from_dev(struct edu *e, u64 addr, u32 off, u32 len)
{
	return edu_dma(e, addr, off, len, true);
}

#endif
