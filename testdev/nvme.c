// SPDX-License-Identifier: MIT
/*
 * NVMe admin queue and Identify, polled. No IOMMU knowledge: the caller
 * gives bus addresses (IOVAs). No I/O queues, no interrupts.
 * Registers and entries: NVM Express Base Specification 2.0.
 */
#include "testdev/nvme.h"
#include "arch/x86/pci.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/string.h"

#define NVME_REG_CAP	0x00
#define NVME_REG_CC	0x14
#define NVME_REG_CSTS	0x1c
#define NVME_REG_AQA	0x24
#define NVME_REG_ASQ	0x28
#define NVME_REG_ACQ	0x30
#define NVME_REG_DB	0x1000

#define NVME_CAP_TO	GENMASK_ULL(31, 24)	/* ready time-out, 500 ms units */
#define NVME_CAP_DSTRD	GENMASK_ULL(35, 32)
#define NVME_CC_EN	BIT(0)
#define NVME_CC_IOSQES	(6u << 16)		/* 64-byte SQ entries */
#define NVME_CC_IOCQES	(4u << 20)		/* 16-byte CQ entries */
#define NVME_CSTS_RDY	BIT(0)
#define NVME_CSTS_CFS	BIT(1)

#define NVME_OP_IDENTIFY 0x06
#define NVME_CMD_TIMEOUT_US 1000000

struct nvme_sqe {
	u32 cdw0;		/* opcode 7:0, command id 31:16 */
	u32 nsid;
	u32 rsvd[2];
	u64 mptr;
	u64 prp1, prp2;
	u32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	u32 result, rsvd;
	u16 sq_head, sq_id;
	u16 cid;
	u16 status;		/* bit 0 phase, 15:1 status field */
};

_Static_assert(sizeof(struct nvme_sqe) == 64, "nvme_sqe");
_Static_assert(sizeof(struct nvme_cqe) == 16, "nvme_cqe");

static u32 rd32(struct nvme_ctrl *c, u32 off)
{
	return mmio_read32(c->mmio + off);
}

static void wr32(struct nvme_ctrl *c, u32 off, u32 v)
{
	mmio_write32(c->mmio + off, v);
}

/* 64-bit registers as two dword accesses, which every implementation takes. */
static void wr64(struct nvme_ctrl *c, u32 off, u64 v)
{
	wr32(c, off, (u32)v);
	wr32(c, off + 4, (u32)(v >> 32));
}

static int wait_ready(struct nvme_ctrl *c, bool rdy)
{
	return poll_timeout(!!(rd32(c, NVME_REG_CSTS) & NVME_CSTS_RDY) == rdy,
			    c->ready_timeout_us);
}

int nvme_init(struct nvme_ctrl *c, struct pci_dev *pdev)
{
	memset(c, 0, sizeof(*c));
	c->mmio = pci_map_bar(pdev, 0);
	if (!c->mmio)
		return -ENODEV;
	c->pdev = pdev;
	c->cap = rd32(c, NVME_REG_CAP) | (u64)rd32(c, NVME_REG_CAP + 4) << 32;
	c->db_stride = 4u << FIELD_GET(NVME_CAP_DSTRD, c->cap);
	c->ready_timeout_us = (u32)(FIELD_GET(NVME_CAP_TO, c->cap) + 1) * 500000;
	wr32(c, NVME_REG_CC, 0);
	return wait_ready(c, false);
}

int nvme_enable(struct nvme_ctrl *c, void *sq, u64 sq_bus, void *cq, u64 cq_bus)
{
	if ((sq_bus | cq_bus) & 0xfff)
		return -EINVAL;
	c->sq = sq;
	c->cq = cq;
	c->sq_tail = c->cq_head = 0;
	c->phase = true;
	memset(cq, 0, NVME_CQ_BYTES);
	wr32(c, NVME_REG_AQA, (NVME_QDEPTH - 1) << 16 | (NVME_QDEPTH - 1));
	wr64(c, NVME_REG_ASQ, sq_bus);
	wr64(c, NVME_REG_ACQ, cq_bus);
	pci_set_master(c->pdev, true);
	wr32(c, NVME_REG_CC, NVME_CC_EN | NVME_CC_IOSQES | NVME_CC_IOCQES);
	if (wait_ready(c, true))
		return -ETIMEDOUT;
	return rd32(c, NVME_REG_CSTS) & NVME_CSTS_CFS ? -EIO : 0;
}

static bool cqe_ready(struct nvme_ctrl *c)
{
	volatile struct nvme_cqe *e = (struct nvme_cqe *)c->cq + c->cq_head;

	return (e->status & 1) == c->phase;
}

/* Submit one admin command and wait for its completion. */
static int nvme_admin(struct nvme_ctrl *c, struct nvme_sqe *cmd)
{
	volatile struct nvme_cqe *e;
	u16 cid = ++c->cid;

	cmd->cdw0 |= (u32)cid << 16;
	memcpy((struct nvme_sqe *)c->sq + c->sq_tail, cmd, sizeof(*cmd));
	c->sq_tail = (c->sq_tail + 1) % NVME_QDEPTH;
	mfence();
	wr32(c, NVME_REG_DB, c->sq_tail);
	if (poll_timeout(cqe_ready(c), NVME_CMD_TIMEOUT_US))
		return -ETIMEDOUT;
	e = (struct nvme_cqe *)c->cq + c->cq_head;
	c->last_status = e->status >> 1;
	if (++c->cq_head == NVME_QDEPTH) {
		c->cq_head = 0;
		c->phase = !c->phase;
	}
	wr32(c, NVME_REG_DB + c->db_stride, c->cq_head);
	if (e->cid != cid)
		return -EIO;
	return c->last_status ? -EIO : 0;
}

int nvme_identify(struct nvme_ctrl *c, u32 cns, u32 nsid, u64 buf)
{
	struct nvme_sqe cmd = {
		.cdw0 = NVME_OP_IDENTIFY,
		.nsid = nsid,
		.prp1 = buf,
		.cdw10 = cns,
	};

	if (buf & 0xfff)
		return -EINVAL;
	return nvme_admin(c, &cmd);
}

void nvme_disable(struct nvme_ctrl *c)
{
	if (!c->mmio)
		return;
	wr32(c, NVME_REG_CC, 0);
	wait_ready(c, false);
	pci_set_master(c->pdev, false);
}
