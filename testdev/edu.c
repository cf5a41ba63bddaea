// SPDX-License-Identifier: MIT
/*
 * QEMU edu driver: identify, DMA between RAM and the device buffer (polled
 * with a time-out), and its interrupt status bits. No IOMMU knowledge:
 * callers pass bus addresses.
 * Registers: QEMU docs/specs/edu.rst (and hw/misc/edu.c).
 */
#include "testdev/edu.h"
#include "arch/x86/pci.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"

#define EDU_ID		0x00	/* RO: 0x010000ed */
#define EDU_LIVE	0x04	/* RW: reads back ~value */
#define EDU_IRQ_STATUS	0x24	/* RO: pending interrupt bits */
#define EDU_IRQ_RAISE	0x60	/* WO: set bits, interrupt */
#define EDU_IRQ_ACK	0x64	/* WO: clear bits */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1	/* start; reads 1 while the transfer runs */
#define EDU_CMD_TO_RAM	0x2	/* direction: device buffer -> RAM */
#define EDU_BUF_BASE	0x40000	/* the buffer's address in the device's space */
#define EDU_ID_MAGIC	0xed

int edu_init(struct edu *e, struct pci_dev *pdev)
{
	volatile u8 *m = pci_map_bar(pdev, 0);

	if (!m)
		return -ENODEV;
	if ((mmio_read32(m + EDU_ID) & 0xff) != EDU_ID_MAGIC)
		return -ENODEV;
	mmio_write32(m + EDU_LIVE, 0x12345678);
	if (mmio_read32(m + EDU_LIVE) != ~0x12345678u)
		return -EIO;
	e->pdev = pdev;
	e->mmio = m;
	if (!e->dma_mask)
		e->dma_mask = EDU_DEFAULT_DMA_MASK;
	e->dmas = 0;
	pci_set_master(pdev, true);
	return 0;
}

void edu_fini(struct edu *e)
{
	if (e->pdev)
		pci_set_master(e->pdev, false);
}

static bool edu_idle(struct edu *e)
{
	return !(mmio_read32(e->mmio + EDU_DMA_CMD) & EDU_CMD_START);
}

/* Every edu's DMAs and the time spent waiting for them (where a run's time goes). */
static unsigned long dmas_total;
static u64 wait_ns_total;

void edu_dma_totals(unsigned long *n, u64 *wait_ns)
{
	*n = __atomic_load_n(&dmas_total, __ATOMIC_RELAXED);
	*wait_ns = __atomic_load_n(&wait_ns_total, __ATOMIC_RELAXED);
}

int edu_dma_start(struct edu *e, u64 addr, u32 off, u32 len, bool to_ram)
{
	u64 buf = EDU_BUF_BASE + off;

	if (!len || off > EDU_MAX_XFER || len > EDU_MAX_XFER - off)
		return -EINVAL;
	if (addr > e->dma_mask || len - 1 > e->dma_mask - addr)
		return -ERANGE;
	if (!edu_idle(e))
		return -EBUSY;
	mmio_write64(e->mmio + EDU_DMA_SRC, to_ram ? buf : addr);
	mmio_write64(e->mmio + EDU_DMA_DST, to_ram ? addr : buf);
	mmio_write64(e->mmio + EDU_DMA_CNT, len);
	mmio_write64(e->mmio + EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
	e->dmas++;
	__atomic_fetch_add(&dmas_total, 1, __ATOMIC_RELAXED);
	return 0;
}

int edu_dma_wait(struct edu *e)
{
	u64 t0 = time_ns();
	int ret = poll_timeout(edu_idle(e), EDU_DMA_TIMEOUT_US);

	__atomic_fetch_add(&wait_ns_total, time_ns() - t0, __ATOMIC_RELAXED);
	return ret;
}

int edu_dma(struct edu *e, u64 addr, u32 off, u32 len, bool to_ram)
{
	int ret = edu_dma_start(e, addr, off, len, to_ram);

	return ret ? ret : edu_dma_wait(e);
}

void edu_irq_raise(struct edu *e, u32 bits)
{
	mmio_write32(e->mmio + EDU_IRQ_RAISE, bits);
}

void edu_irq_ack(struct edu *e, u32 bits)
{
	mmio_write32(e->mmio + EDU_IRQ_ACK, bits);
}

u32 edu_irq_status(struct edu *e)
{
	return mmio_read32(e->mmio + EDU_IRQ_STATUS);
}
