/* SPDX-License-Identifier: MIT */
/*
 * Minimal polled NVMe controller driver: admin queue bring-up and Identify,
 * into memory the caller maps (it passes CPU pointers and bus addresses).
 * Layouts: NVM Express Base Specification 2.0 (registers 3.1, commands 5).
 */
#ifndef DRIVERS_NVME_H
#define DRIVERS_NVME_H

#include "lib/types.h"

struct pci_dev;

#define NVME_CLASS	0x010802	/* mass storage, NVM, NVMe */
#define NVME_QDEPTH	16		/* admin SQ/CQ entries */
#define NVME_SQ_BYTES	(NVME_QDEPTH * 64)
#define NVME_CQ_BYTES	(NVME_QDEPTH * 16)
#define NVME_IDENTIFY_BYTES 4096
#define NVME_CNS_CTRL	1

struct nvme_ctrl {
	struct pci_dev *pdev;
	volatile u8 *mmio;
	u64 cap;
	u32 db_stride;		/* bytes between doorbells */
	u32 ready_timeout_us;	/* CAP.TO */
	void *sq, *cq;		/* CPU view of the admin queues */
	u16 sq_tail, cq_head, cid;
	bool phase;
	u16 last_status;	/* status field of the last completion */
};

/* Map BAR0, read CAP, disable the controller. 0, -ENODEV, -ETIMEDOUT. */
int nvme_init(struct nvme_ctrl *c, struct pci_dev *pdev);
/*
 * Program the admin queues and enable. sq (NVME_SQ_BYTES) and cq
 * (NVME_CQ_BYTES) are page-aligned; *_bus are the addresses the controller
 * uses for them. 0, -EINVAL (unaligned), -ETIMEDOUT, -EIO (CSTS.CFS).
 */
int nvme_enable(struct nvme_ctrl *c, void *sq, u64 sq_bus, void *cq, u64 cq_bus);
/*
 * Identify (CNS cns, namespace nsid) into the 4 KiB page at bus address buf.
 * 0, -EIO (error status, in last_status), -ETIMEDOUT (no completion).
 */
int nvme_identify(struct nvme_ctrl *c, u32 cns, u32 nsid, u64 buf);
/* Disable the controller and bus mastering. */
void nvme_disable(struct nvme_ctrl *c);

#endif
