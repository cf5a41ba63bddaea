/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi registers and in-memory formats: PCI capability, MMIO registers,
 * device table entry, v1 page-table entry, commands, events (spec order).
 * Layouts: AMD I/O Virtualization Technology (IOMMU) spec 48882 rev 3.x.
 */
#ifndef IOMMU_AMDVI_AMDVI_REGS_H
#define IOMMU_AMDVI_AMDVI_REGS_H

#include "lib/bitops.h"

/* --- IOMMU capability block in PCI config space (spec 3.2.1) --- */
#define AMDVI_CAP_ID		0x0f
#define AMDVI_CAP_HDR		0x00	/* capability header */
#define AMDVI_CAP_BAR_LO	0x04	/* base address low */
#define AMDVI_CAP_BAR_HI	0x08	/* base address high */
#define AMDVI_CAP_RANGE		0x0c	/* device range */
#define AMDVI_CAP_MISC0		0x10	/* miscellaneous information 0 */

/* AMDVI_CAP_HDR */
#define AMDVI_CAP_HDR_TYPE	GENMASK(18, 16)	/* 3 = IOMMU */
#define AMDVI_CAP_HDR_REV	GENMASK(23, 19)
#define AMDVI_CAP_HDR_IOTLBSUP	BIT(24)
#define AMDVI_CAP_HDR_HTTUNNEL	BIT(25)
#define AMDVI_CAP_HDR_NPCACHE	BIT(26)	/* not-present entries may be cached */
#define AMDVI_CAP_HDR_EFRSUP	BIT(27)
#define AMDVI_CAP_HDR_CAPEXT	BIT(28)
/* AMDVI_CAP_BAR_LO */
#define AMDVI_CAP_BAR_ENABLE	BIT(0)
#define AMDVI_CAP_BAR_LO_ADDR	GENMASK(31, 14)
/* AMDVI_CAP_MISC0 */
#define AMDVI_MISC0_MSINUM	GENMASK(4, 0)
#define AMDVI_MISC0_GVASIZE	GENMASK(7, 5)
#define AMDVI_MISC0_PASIZE	GENMASK(14, 8)
#define AMDVI_MISC0_VASIZE	GENMASK(21, 15)

/* --- MMIO registers (spec 3.4) --- */
#define AMDVI_MMIO_SIZE		0x4000	/* the part we map (no perf counters) */
#define AMDVI_DEVTAB_BASE	0x0000	/* device table base address */
#define AMDVI_CMDBUF_BASE	0x0008	/* command buffer base address */
#define AMDVI_EVTLOG_BASE	0x0010	/* event log base address */
#define AMDVI_CONTROL		0x0018	/* IOMMU control */
#define AMDVI_EXCL_BASE		0x0020	/* exclusion range base */
#define AMDVI_EXCL_LIMIT	0x0028	/* exclusion range limit */
#define AMDVI_EFR		0x0030	/* extended feature register */
#define AMDVI_PPRLOG_BASE	0x0038	/* PPR log base address */
#define AMDVI_HWEV_UPPER	0x0040	/* hardware event upper */
#define AMDVI_HWEV_LOWER	0x0048	/* hardware event lower */
#define AMDVI_HWEV_STATUS	0x0050	/* hardware event status */
#define AMDVI_GALOG_BASE	0x00e0	/* guest virtual APIC log base */
#define AMDVI_EFR2		0x01a0	/* extended feature register 2 */
#define AMDVI_CMD_HEAD		0x2000	/* command buffer head pointer */
#define AMDVI_CMD_TAIL		0x2008	/* command buffer tail pointer */
#define AMDVI_EVT_HEAD		0x2010	/* event log head pointer */
#define AMDVI_EVT_TAIL		0x2018	/* event log tail pointer */
#define AMDVI_STATUS		0x2020	/* IOMMU status */
#define AMDVI_PPR_HEAD		0x2030	/* PPR log head pointer */
#define AMDVI_PPR_TAIL		0x2038	/* PPR log tail pointer */

/* AMDVI_DEVTAB_BASE */
#define AMDVI_DEVTAB_SIZE	GENMASK_ULL(8, 0)	/* 4K pages - 1 */
#define AMDVI_BASE_ADDR		GENMASK_ULL(51, 12)	/* all base registers */
/* AMDVI_CMDBUF_BASE, AMDVI_EVTLOG_BASE: log2 of the entry count, 8..15 */
#define AMDVI_RING_LEN		GENMASK_ULL(59, 56)
#define AMDVI_RING_LEN_MIN	8
#define AMDVI_RING_LEN_MAX	15
/* head/tail pointers: byte offset of a 16-byte entry */
#define AMDVI_RING_PTR		GENMASK_ULL(18, 4)

/* AMDVI_CONTROL */
#define AMDVI_CTRL_IOMMU_EN	BIT_ULL(0)
#define AMDVI_CTRL_HTTUN_EN	BIT_ULL(1)
#define AMDVI_CTRL_EVTLOG_EN	BIT_ULL(2)
#define AMDVI_CTRL_EVTINT_EN	BIT_ULL(3)
#define AMDVI_CTRL_COMWAITINT_EN BIT_ULL(4)
#define AMDVI_CTRL_INV_TIMEOUT	GENMASK_ULL(7, 5)
#define AMDVI_CTRL_PASSPW	BIT_ULL(8)
#define AMDVI_CTRL_RESPASSPW	BIT_ULL(9)
#define AMDVI_CTRL_COHERENT	BIT_ULL(10)
#define AMDVI_CTRL_ISOC		BIT_ULL(11)
#define AMDVI_CTRL_CMDBUF_EN	BIT_ULL(12)
#define AMDVI_CTRL_PPRLOG_EN	BIT_ULL(13)
#define AMDVI_CTRL_PPRINT_EN	BIT_ULL(14)
#define AMDVI_CTRL_PPR_EN	BIT_ULL(15)
#define AMDVI_CTRL_GT_EN	BIT_ULL(16)
#define AMDVI_CTRL_GA_EN	BIT_ULL(17)
#define AMDVI_CTRL_GALOG_EN	BIT_ULL(28)
#define AMDVI_CTRL_GAINT_EN	BIT_ULL(29)
#define AMDVI_CTRL_XT_EN	BIT_ULL(50)
#define AMDVI_CTRL_INTCAPXT_EN	BIT_ULL(51)
/* InvTimeOut values */
#define AMDVI_INV_TIMEOUT_1S	4

/* AMDVI_STATUS (bits 0-2 and 5, 6, 9, 10 are write-1-to-clear) */
#define AMDVI_STS_EVT_OVERFLOW	BIT_ULL(0)
#define AMDVI_STS_EVT_INT	BIT_ULL(1)
#define AMDVI_STS_COMWAIT_INT	BIT_ULL(2)
#define AMDVI_STS_EVT_RUN	BIT_ULL(3)
#define AMDVI_STS_CMDBUF_RUN	BIT_ULL(4)
#define AMDVI_STS_PPR_OVERFLOW	BIT_ULL(5)
#define AMDVI_STS_PPR_INT	BIT_ULL(6)
#define AMDVI_STS_PPRLOG_RUN	BIT_ULL(7)
#define AMDVI_STS_GALOG_RUN	BIT_ULL(8)
#define AMDVI_STS_GALOG_OVERFLOW BIT_ULL(9)
#define AMDVI_STS_GA_INT	BIT_ULL(10)
#define AMDVI_STS_W1C		(AMDVI_STS_EVT_OVERFLOW | AMDVI_STS_EVT_INT | \
				 AMDVI_STS_COMWAIT_INT | AMDVI_STS_PPR_OVERFLOW | \
				 AMDVI_STS_PPR_INT | AMDVI_STS_GALOG_OVERFLOW | \
				 AMDVI_STS_GA_INT)

/* --- Device table entry: 256 bits as four u64 words (spec 2.2.2.1) --- */
#define AMDVI_DTE_SIZE		32
#define AMDVI_DEVTAB_ENTRIES	65536
/* word 0 */
#define AMDVI_DTE0_V		BIT_ULL(0)	/* entry valid */
#define AMDVI_DTE0_TV		BIT_ULL(1)	/* translation information valid */
#define AMDVI_DTE0_RSVD		(GENMASK_ULL(6, 2) | BIT_ULL(63))
#define AMDVI_DTE0_HAD		GENMASK_ULL(8, 7)	/* host access/dirty update */
#define AMDVI_DTE0_MODE		GENMASK_ULL(11, 9)	/* levels; 0 = no translation */
#define AMDVI_DTE0_PT_ROOT	GENMASK_ULL(51, 12)	/* host page-table root */
#define AMDVI_DTE0_PPR		BIT_ULL(52)
#define AMDVI_DTE0_GPRP		BIT_ULL(53)
#define AMDVI_DTE0_GIOV		BIT_ULL(54)
#define AMDVI_DTE0_GV		BIT_ULL(55)
#define AMDVI_DTE0_GLX		GENMASK_ULL(57, 56)
#define AMDVI_DTE0_GCR3_A	GENMASK_ULL(60, 58)
#define AMDVI_DTE0_IR		BIT_ULL(61)	/* DMA reads allowed */
#define AMDVI_DTE0_IW		BIT_ULL(62)	/* DMA writes allowed */
/* word 1 */
#define AMDVI_DTE1_DOMID	GENMASK_ULL(15, 0)
#define AMDVI_DTE1_GCR3_B	GENMASK_ULL(31, 16)
#define AMDVI_DTE1_I		BIT_ULL(32)	/* device IOTLB (ATS) enabled */
#define AMDVI_DTE1_SE		BIT_ULL(33)	/* suppress page-fault events */
#define AMDVI_DTE1_SA		BIT_ULL(34)	/* suppress all events */
#define AMDVI_DTE1_IOCTL	GENMASK_ULL(36, 35)
#define AMDVI_DTE1_CACHE	BIT_ULL(37)
#define AMDVI_DTE1_SD		BIT_ULL(38)	/* snoop disable */
#define AMDVI_DTE1_EX		BIT_ULL(39)	/* exclusion range applies */
#define AMDVI_DTE1_SYSMGT	GENMASK_ULL(41, 40)
#define AMDVI_DTE1_GCR3_C	GENMASK_ULL(63, 43)
/* word 2 */
#define AMDVI_DTE2_IV		BIT_ULL(0)	/* interrupt map valid */
#define AMDVI_DTE2_INTTABLEN	GENMASK_ULL(4, 1)
#define AMDVI_DTE2_IG		BIT_ULL(5)
#define AMDVI_DTE2_INTTAB	GENMASK_ULL(51, 6)
#define AMDVI_DTE2_RSVD		(GENMASK_ULL(55, 52) | BIT_ULL(59))
#define AMDVI_DTE2_INITPASS	BIT_ULL(56)
#define AMDVI_DTE2_EINTPASS	BIT_ULL(57)
#define AMDVI_DTE2_NMIPASS	BIT_ULL(58)
#define AMDVI_DTE2_INTCTL	GENMASK_ULL(61, 60)
#define AMDVI_INTCTL_ABORT	0	/* target abort fixed/arbitrated interrupts */
#define AMDVI_INTCTL_PASS	1	/* forward them unmapped */
#define AMDVI_INTCTL_REMAP	2	/* remap them through the table */
#define AMDVI_DTE2_IR_FIELDS	(AMDVI_DTE2_IV | AMDVI_DTE2_INTTABLEN | AMDVI_DTE2_IG | \
				 AMDVI_DTE2_INTTAB | AMDVI_DTE2_INTCTL)
#define AMDVI_DTE2_LINT0PASS	BIT_ULL(62)
#define AMDVI_DTE2_LINT1PASS	BIT_ULL(63)
/* word 3: reserved for this driver (vIOMMU and SNP fields), always 0 */

/* --- I/O page-table entry, host (v1) tables (spec 2.2.3) --- */
#define AMDVI_PTE_PR		BIT_ULL(0)	/* present */
#define AMDVI_PTE_A		BIT_ULL(5)	/* accessed (HASup) */
#define AMDVI_PTE_D		BIT_ULL(6)	/* dirty (HDSup, leaves) */
#define AMDVI_PTE_NEXT		GENMASK_ULL(11, 9)	/* next level, 0 = leaf */
#define AMDVI_PTE_ADDR		GENMASK_ULL(51, 12)
#define AMDVI_PTE_U		BIT_ULL(59)
#define AMDVI_PTE_FC		BIT_ULL(60)	/* force coherent */
#define AMDVI_PTE_IR		BIT_ULL(61)
#define AMDVI_PTE_IW		BIT_ULL(62)
#define AMDVI_PTE_NEXT_SIZE	7	/* next level 7: size encoded in addr */
#define AMDVI_PT_ENTRIES	512
#define AMDVI_MAX_LEVELS	6

/*
 * --- Interrupt remapping table entries (spec 2.2.5) ---
 * 32-bit (GAEn = 0):
 *   31..24 reserved  23..16 vector  15..8 destination  7 GuestMode (0)
 *        6 DM  5 RqEoi  4..2 IntType  1 SupIOPF  0 RemapEn
 * 128-bit (GAEn = 1, GuestMode = 0), low qword as above but
 *   31..8 destination[23:0], 63..32 reserved; high qword:
 *   63..56 destination[31:24] (XTEn)  55..8 reserved  7..0 vector
 */
#define AMDVI_IRTE_REMAPEN	BIT_ULL(0)
#define AMDVI_IRTE_SUPIOPF	BIT_ULL(1)
#define AMDVI_IRTE_INTTYPE	GENMASK_ULL(4, 2)	/* 0 fixed, 1 arbitrated */
#define AMDVI_IRTE_RQEOI	BIT_ULL(5)
#define AMDVI_IRTE_DM		BIT_ULL(6)
#define AMDVI_IRTE_GUEST	BIT_ULL(7)
#define AMDVI_IRTE_DEST		GENMASK_ULL(15, 8)	/* 32-bit format */
#define AMDVI_IRTE_VECTOR	GENMASK_ULL(23, 16)
#define AMDVI_IRTE_RSVD		GENMASK_ULL(31, 24)
#define AMDVI_GA_DEST_LO	GENMASK_ULL(31, 8)	/* 128-bit format, low qword */
#define AMDVI_GA_RSVD_LO	GENMASK_ULL(63, 32)
#define AMDVI_GA_VECTOR		GENMASK_ULL(7, 0)	/* high qword */
#define AMDVI_GA_RSVD_HI	GENMASK_ULL(55, 8)
#define AMDVI_GA_DEST_HI	GENMASK_ULL(63, 56)
/* MSI data that names an entry: bits 10:0 */
#define AMDVI_MSI_INDEX		GENMASK(10, 0)

/* --- Commands: 128 bits as two u64 words (spec 2.4) --- */
#define AMDVI_CMD_SIZE		16
#define AMDVI_CMD_OPCODE	GENMASK_ULL(63, 60)	/* in word 0 */
enum amdvi_cmd_op {
	AMDVI_CMD_COMPLETION_WAIT = 0x1,
	AMDVI_CMD_INV_DEVTAB_ENTRY = 0x2,
	AMDVI_CMD_INV_IOMMU_PAGES = 0x3,
	AMDVI_CMD_INV_IOTLB_PAGES = 0x4,
	AMDVI_CMD_INV_INTR_TABLE = 0x5,
	AMDVI_CMD_PREFETCH_PAGES = 0x6,
	AMDVI_CMD_COMPLETE_PPR = 0x7,
	AMDVI_CMD_INV_IOMMU_ALL = 0x8,
	AMDVI_CMD_NR_OPS = 0x10,
};
/* COMPLETION_WAIT: word 0 = store address 51:3, flags; word 1 = data */
#define AMDVI_CW_S		BIT_ULL(0)	/* store data at the address */
#define AMDVI_CW_I		BIT_ULL(1)	/* raise ComWaitInt */
#define AMDVI_CW_F		BIT_ULL(2)	/* flush queue */
#define AMDVI_CW_ADDR		GENMASK_ULL(51, 3)
/* INVALIDATE_DEVTAB_ENTRY, INVALIDATE_INTERRUPT_TABLE: word 0 */
#define AMDVI_CMD_DEVID		GENMASK_ULL(15, 0)
/* INVALIDATE_IOMMU_PAGES: word 0 = PASID 19:0, DomainID 47:32 */
#define AMDVI_IP_PASID		GENMASK_ULL(19, 0)
#define AMDVI_IP_DOMID		GENMASK_ULL(47, 32)
/* ... and word 1, shared with INVALIDATE_IOTLB_PAGES */
#define AMDVI_INV_S		BIT_ULL(0)	/* range encoded in the address */
#define AMDVI_INV_PDE		BIT_ULL(1)	/* also cached page directory entries */
#define AMDVI_INV_GN		BIT_ULL(2)	/* guest (PASID) address */
#define AMDVI_INV_ADDR		GENMASK_ULL(63, 12)
#define AMDVI_INV_ALL_ADDR	0x7ffffffffffff000ULL	/* S=1: every page */
/* INVALIDATE_IOTLB_PAGES: word 0 = DeviceID, MaxPend 31:24, QueueID 47:32 */
#define AMDVI_IT_MAXPEND	GENMASK_ULL(31, 24)
#define AMDVI_IT_QUEUEID	GENMASK_ULL(47, 32)

/* --- Events: 128 bits as two u64 words (spec 2.5) --- */
#define AMDVI_EVT_SIZE		16
#define AMDVI_EVT_DEVID		GENMASK_ULL(15, 0)	/* word 0 */
#define AMDVI_EVT_PASID_LO	GENMASK_ULL(31, 16)
#define AMDVI_EVT_DOMID		GENMASK_ULL(47, 32)	/* or PASID 15:0 */
#define AMDVI_EVT_FLAGS		GENMASK_ULL(59, 48)
#define AMDVI_EVT_CODE		GENMASK_ULL(63, 60)
/* word 1: the address (IOVA, table address or command address) */
enum amdvi_evt_code {
	AMDVI_EVT_ILLEGAL_DEV_TABLE_ENTRY = 0x1,
	AMDVI_EVT_IO_PAGE_FAULT = 0x2,
	AMDVI_EVT_DEV_TAB_HARDWARE_ERROR = 0x3,
	AMDVI_EVT_PAGE_TAB_HARDWARE_ERROR = 0x4,
	AMDVI_EVT_ILLEGAL_COMMAND_ERROR = 0x5,
	AMDVI_EVT_COMMAND_HARDWARE_ERROR = 0x6,
	AMDVI_EVT_IOTLB_INV_TIMEOUT = 0x7,
	AMDVI_EVT_INVALID_DEVICE_REQUEST = 0x8,
	AMDVI_EVT_INVALID_PPR_REQUEST = 0x9,
	AMDVI_EVT_EVENT_COUNTER_ZERO = 0xa,
	AMDVI_EVT_GUEST_EVENT_FAULT = 0xb,
	AMDVI_EVT_RMP_PAGE_FAULT = 0xd,
	AMDVI_EVT_RMP_HARDWARE_ERROR = 0xe,
	AMDVI_EVT_NR_CODES = 0x10,
};
/* flags of IO_PAGE_FAULT, ILLEGAL_DEV_TABLE_ENTRY and the table errors */
#define AMDVI_EVF_GN		BIT(0)	/* guest (PASID) address */
#define AMDVI_EVF_NX		BIT(1)	/* execute access */
#define AMDVI_EVF_US		BIT(2)	/* user access */
#define AMDVI_EVF_I		BIT(3)	/* interrupt request */
#define AMDVI_EVF_PR		BIT(4)	/* the entry was present */
#define AMDVI_EVF_RW		BIT(5)	/* write access */
#define AMDVI_EVF_PE		BIT(6)	/* permission denied */
#define AMDVI_EVF_RZ		BIT(7)	/* reserved bit not zero */
#define AMDVI_EVF_TR		BIT(8)	/* translation request (ATS) */
/* flags of the hardware-error events: bits 5:4 type */
#define AMDVI_EVF_HW_TYPE	GENMASK(5, 4)

#endif
