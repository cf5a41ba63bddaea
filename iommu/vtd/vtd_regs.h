/* SPDX-License-Identifier: MIT */
/*
 * VT-d remapping-unit registers: offsets and bits, in the spec's order.
 * CAP/ECAP/VER fields live in vtd_caps.h (table-driven decoder).
 * Layouts: VT-d spec 4.1 ch. 11.4 (register order); names as Linux intel/iommu.h.
 */
#ifndef IOMMU_VTD_VTD_REGS_H
#define IOMMU_VTD_VTD_REGS_H

#include "lib/bitops.h"

/* Identification: version, capabilities */
#define VTD_VER_REG	0x00	/* Version (32) */
#define VTD_CAP_REG	0x08	/* Capability (64) */
#define VTD_ECAP_REG	0x10	/* Extended capability (64) */

/* Global command (32): one-shot and persistent bits */
#define VTD_GCMD_REG	0x18
#define VTD_GCMD_CFI	BIT(23)	/* compatibility format interrupts */
#define VTD_GCMD_SIRTP	BIT(24)	/* set interrupt remap table pointer (one-shot) */
#define VTD_GCMD_IRE	BIT(25)	/* interrupt remapping enable */
#define VTD_GCMD_QIE	BIT(26)	/* queued invalidation enable */
#define VTD_GCMD_WBF	BIT(27)	/* write buffer flush (one-shot) */
#define VTD_GCMD_EAFL	BIT(28)	/* enable advanced fault logging */
#define VTD_GCMD_SFL	BIT(29)	/* set fault log (one-shot) */
#define VTD_GCMD_SRTP	BIT(30)	/* set root table pointer (one-shot) */
#define VTD_GCMD_TE	BIT(31)	/* translation enable */
/* Persistent enables: GCMD is written with these taken from GSTS. */
#define VTD_GCMD_PERSIST (VTD_GCMD_CFI | VTD_GCMD_IRE | VTD_GCMD_QIE | VTD_GCMD_EAFL | VTD_GCMD_TE)

/* Global status (32): same positions, "...S" */
#define VTD_GSTS_REG	0x1c
#define VTD_GSTS_CFIS	BIT(23)
#define VTD_GSTS_IRTPS	BIT(24)
#define VTD_GSTS_IRES	BIT(25)
#define VTD_GSTS_QIES	BIT(26)
#define VTD_GSTS_WBFS	BIT(27)
#define VTD_GSTS_AFLS	BIT(28)
#define VTD_GSTS_FLS	BIT(29)
#define VTD_GSTS_RTPS	BIT(30)
#define VTD_GSTS_TES	BIT(31)

/* Root table address (64) */
#define VTD_RTADDR_REG	0x20
#define VTD_RTADDR_TTM	GENMASK_ULL(11, 10)	/* 0 legacy, 1 scalable */
#define VTD_RTADDR_RTA	GENMASK_ULL(63, 12)

/* Context command (64): register-based context-cache invalidation */
#define VTD_CCMD_REG	0x28
#define VTD_CCMD_ICC	BIT_ULL(63)		/* invalidate (busy while set) */
#define VTD_CCMD_CIRG	GENMASK_ULL(62, 61)	/* requested granularity */
#define VTD_CCMD_CAIG	GENMASK_ULL(60, 59)	/* actual granularity, 0 = not done */
#define VTD_CCMD_FM	GENMASK_ULL(33, 32)	/* function mask */
#define VTD_CCMD_SID	GENMASK_ULL(31, 16)
#define VTD_CCMD_DID	GENMASK_ULL(15, 0)

/* IOTLB registers, at ECAP.IRO: invalidate address, then IOTLB */
#define VTD_IVA_OFF	0x00	/* invalidate address (64) */
#define VTD_IVA_AM	GENMASK_ULL(5, 0)	/* address mask: 2^AM pages */
#define VTD_IVA_IH	BIT_ULL(6)		/* hint: leaf entries only */
#define VTD_IVA_ADDR	GENMASK_ULL(63, 12)
#define VTD_IOTLB_OFF	0x08	/* IOTLB invalidate (64) */
#define VTD_IOTLB_IVT	BIT_ULL(63)		/* invalidate (busy while set) */
#define VTD_IOTLB_IIRG	GENMASK_ULL(61, 60)	/* requested: 1 global, 2 DSI, 3 PSI */
#define VTD_IOTLB_IAIG	GENMASK_ULL(58, 57)	/* actual, 0 = rejected */
#define VTD_IOTLB_DR	BIT_ULL(49)		/* drain reads */
#define VTD_IOTLB_DW	BIT_ULL(48)		/* drain writes */
#define VTD_IOTLB_DID	GENMASK_ULL(47, 32)

/* Fault status (32); write 1 to clear */
#define VTD_FSTS_REG	0x34
#define VTD_FSTS_PFO	BIT(0)	/* primary fault overflow */
#define VTD_FSTS_PPF	BIT(1)	/* primary pending fault (RO: some FRCD.F set) */
#define VTD_FSTS_AFO	BIT(2)
#define VTD_FSTS_APF	BIT(3)
#define VTD_FSTS_IQE	BIT(4)	/* invalidation queue error */
#define VTD_FSTS_ICE	BIT(5)	/* invalidation completion error */
#define VTD_FSTS_ITE	BIT(6)	/* invalidation time-out error */
#define VTD_FSTS_FRI	GENMASK(15, 8)	/* fault record index */
#define VTD_FSTS_W1C	(VTD_FSTS_PFO | VTD_FSTS_AFO | VTD_FSTS_APF | VTD_FSTS_IQE | \
			 VTD_FSTS_ICE | VTD_FSTS_ITE)

/* Fault event interrupt: control, data, address */
#define VTD_FECTL_REG	0x38
#define VTD_FECTL_IM	BIT(31)	/* interrupt mask */
#define VTD_FECTL_IP	BIT(30)	/* interrupt pending */
#define VTD_FEDATA_REG	0x3c
#define VTD_FEADDR_REG	0x40
#define VTD_FEUADDR_REG	0x44

/* Fault recording registers (128 each), at CAP.FRO */
#define VTD_FRCD_SIZE	16
#define VTD_FRCD_FI	GENMASK_ULL(63, 12)	/* low qword: fault info (page address) */
#define VTD_FRCD_IR_INDEX GENMASK_ULL(63, 48)	/* ... or, for interrupts, the index */
#define VTD_FRCD_SID	GENMASK_ULL(15, 0)	/* high qword from here */
#define VTD_FRCD_PRIV	BIT_ULL(29)
#define VTD_FRCD_EXE	BIT_ULL(30)
#define VTD_FRCD_PP	BIT_ULL(31)		/* PASID present */
#define VTD_FRCD_FR	GENMASK_ULL(39, 32)	/* fault reason */
#define VTD_FRCD_PV	GENMASK_ULL(59, 40)	/* PASID value */
#define VTD_FRCD_AT	GENMASK_ULL(61, 60)	/* address type */
#define VTD_FRCD_T	BIT_ULL(62)		/* 1 read, 0 write */
#define VTD_FRCD_F	BIT_ULL(63)		/* fault (write 1 to clear) */

/* Advanced fault log */
#define VTD_AFLOG_REG	0x58

/* Protected memory regions */
#define VTD_PMEN_REG	0x64
#define VTD_PMEN_EPM	BIT(31)	/* enable protected memory */
#define VTD_PMEN_PRS	BIT(0)	/* protected region status */
#define VTD_PLMBASE_REG	0x68
#define VTD_PLMLIMIT_REG 0x6c
#define VTD_PHMBASE_REG	0x70
#define VTD_PHMLIMIT_REG 0x78

/* Queued invalidation */
#define VTD_IQH_REG	0x80	/* head (64): descriptor index << 4 */
#define VTD_IQT_REG	0x88	/* tail (64) */
#define VTD_IQ_INDEX	GENMASK_ULL(18, 4)
#define VTD_IQA_REG	0x90	/* queue address (64) */
#define VTD_IQA_QS	GENMASK_ULL(2, 0)	/* 2^(QS+8) descriptors (128-bit) */
#define VTD_IQA_DW	BIT_ULL(11)		/* 256-bit descriptors */
#define VTD_ICS_REG	0x9c	/* completion status: IWC bit 0 */
#define VTD_ICS_IWC	BIT(0)
#define VTD_IECTL_REG	0xa0	/* completion event control */
#define VTD_IEDATA_REG	0xa4
#define VTD_IEADDR_REG	0xa8
#define VTD_IEUADDR_REG	0xac
#define VTD_IQERCD_REG	0xb0	/* queue error record (VT-d 3.x) */

/* Interrupt remapping table address (64) */
#define VTD_IRTA_REG	0xb8

#endif
