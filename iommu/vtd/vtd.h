/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver internals: unit, domain and device state, root, context and
 * PASID entry and descriptor formats, legacy and scalable mode (spec 4.1
 * ch. 9.1-9.6, 6.5.2), what vtd_*.c share.
 * Lock order: vtd_ctx_lock -> vtd_unit.inv_lock; vtd_domain.pt_lock alone.
 */

/*
 * vtd_ctx_lock: context and PASID entries, DIDs, the attachments (RID and
 * PASIDs) of every domain, nested domains' lists on their parents;
 * vtd_domain.pt_lock: its page tables; vtd_unit.inv_lock: the unit's
 * invalidation interface and counters.
 */
#ifndef IOMMU_VTD_VTD_H
#define IOMMU_VTD_VTD_H

#include "arch/x86/x86.h"
#include "iommu/dmar.h"
#include "iommu/iommu.h"
#include "iommu/irq_remap.h"
#include "iommu/vtd/vtd_caps.h"
#include "iommu/vtd/vtd_pgtable.h"
#include "iommu/vtd/vtd_regs.h"
#include "lib/spinlock.h"

struct vtd_batch;

#define VTD_MAX_UNITS		16
#define VTD_TIMEOUT_US		1000000	/* any register or queue wait */

/* Root entry, legacy mode (9.1): lo = context table | P, hi = 0 */
#define VTD_ROOT_P		BIT_ULL(0)
#define VTD_ROOT_CTP		GENMASK_ULL(63, 12)

/* Context entry, legacy mode (9.3) */
#define VTD_CTX_P		BIT_ULL(0)		/* lo */
#define VTD_CTX_FPD		BIT_ULL(1)		/* lo: fault processing disable */
#define VTD_CTX_TT		GENMASK_ULL(3, 2)	/* lo: translation type */
#define VTD_CTX_SLPTPTR		GENMASK_ULL(63, 12)	/* lo */
#define VTD_CTX_AW		GENMASK_ULL(2, 0)	/* hi: 1 = 3 levels, 2 = 4, 3 = 5 */
#define VTD_CTX_DID		GENMASK_ULL(23, 8)	/* hi */
#define VTD_TT_MULTI_LEVEL	0
#define VTD_TT_DEV_IOTLB	1	/* also translated requests (ATS) */
#define VTD_TT_PASS_THROUGH	2

/* Root entry, scalable mode (9.2): lo = devfn 0-127's context table, hi = 128-255's */
#define VTD_SMROOT_P		BIT_ULL(0)		/* in each half */

/* Context entry, scalable mode (9.4): 256 bits, qwords 2 and 3 reserved */
#define VTD_SMCTX_P		BIT_ULL(0)		/* [0] */
#define VTD_SMCTX_FPD		BIT_ULL(1)		/* [0] */
#define VTD_SMCTX_DTE		BIT_ULL(2)		/* [0] device-TLB (ATS) enable */
#define VTD_SMCTX_PASIDE	BIT_ULL(3)		/* [0] requests with PASID allowed */
#define VTD_SMCTX_PRE		BIT_ULL(4)		/* [0] page requests */
#define VTD_SMCTX_RSVD0		GENMASK_ULL(8, 5)
#define VTD_SMCTX_PDTS		GENMASK_ULL(11, 9)	/* [0] directory: 2^(PDTS + 7) entries */
#define VTD_SMCTX_PDTP		GENMASK_ULL(63, 12)	/* [0] PASID directory */
#define VTD_SMCTX_RID_PASID	GENMASK_ULL(19, 0)	/* [1] PASID of requests without one */
#define VTD_SMCTX_RSVD1		GENMASK_ULL(63, 21)

/* PASID directory entry (9.5): one per 64 PASIDs */
#define VTD_PDE_P		BIT_ULL(0)
#define VTD_PDE_FPD		BIT_ULL(1)
#define VTD_PDE_PTP		GENMASK_ULL(63, 12)	/* PASID table */
#define VTD_PASID_PER_TABLE	64
#define VTD_PASID_MAX_BITS	20

/* PASID table entry (9.6): 512 bits, eight qwords */
#define VTD_PE_P		BIT_ULL(0)		/* [0] */
#define VTD_PE_FPD		BIT_ULL(1)		/* [0] */
#define VTD_PE_AW		GENMASK_ULL(4, 2)	/* [0] second stage: 1 = 3 levels, 2 = 4, 3 = 5 */
#define VTD_PE_PGTT		GENMASK_ULL(8, 6)	/* [0] */
#define VTD_PE_SSADE		BIT_ULL(9)		/* [0] second-stage A/D updates */
#define VTD_PE_SSPTPTR		GENMASK_ULL(63, 12)	/* [0] */
#define VTD_PE_DID		GENMASK_ULL(15, 0)	/* [1] */
#define VTD_PE_PWSNP		BIT_ULL(23)		/* [1] page walks snoop */
#define VTD_PE_PGSNP		BIT_ULL(24)		/* [1] page accesses snoop */
#define VTD_PE_SRE		BIT_ULL(0)		/* [2] supervisor requests */
#define VTD_PE_ERE		BIT_ULL(1)		/* [2] execute requests */
#define VTD_PE_FSPM		GENMASK_ULL(3, 2)	/* [2] first stage: 0 = 4 levels, 1 = 5 */
#define VTD_PE_WPE		BIT_ULL(4)		/* [2] supervisor writes honour R/W */
#define VTD_PE_EAFE		BIT_ULL(7)		/* [2] extended access flag */
#define VTD_PE_FSPTPTR		GENMASK_ULL(63, 12)	/* [2] */
#define VTD_PGTT_FS		1	/* first stage only */
#define VTD_PGTT_SS		2	/* second stage only */
#define VTD_PGTT_NESTED		3	/* first stage over second */
#define VTD_PGTT_PT		4	/* pass-through */

/*
 * Invalidation descriptors (6.5.2): 128-bit, or 256-bit (IQA.DW, scalable
 * mode) where qw2/qw3 follow and are 0 in every type used here.
 */
struct vtd_desc {
	u64 lo, hi;
};

#define VTD_DESC_TYPE		GENMASK_ULL(3, 0)
#define VTD_DESC_CC		1	/* context cache */
#define VTD_DESC_IOTLB		2
#define VTD_DESC_DEVTLB		3
#define VTD_DESC_IEC		4
#define VTD_DESC_WAIT		5
#define VTD_DESC_PIOTLB		6	/* PASID-based IOTLB (scalable mode) */
#define VTD_DESC_PC		7	/* PASID cache (scalable mode) */
#define VTD_DESC_PDEVTLB	8	/* PASID-based device-TLB (scalable mode) */
#define VTD_DESC_G		GENMASK_ULL(5, 4)	/* granularity (CC, IOTLB) */
#define VTD_CC_DID		GENMASK_ULL(31, 16)
#define VTD_CC_SID		GENMASK_ULL(47, 32)
#define VTD_CC_FM		GENMASK_ULL(49, 48)
#define VTD_IOTLB_DW_D		BIT_ULL(6)
#define VTD_IOTLB_DR_D		BIT_ULL(7)
#define VTD_IOTLB_DID_D		GENMASK_ULL(31, 16)
#define VTD_IOTLB_AM_D		GENMASK_ULL(5, 0)	/* hi */
#define VTD_IOTLB_IH_D		BIT_ULL(6)		/* hi */
#define VTD_IOTLB_ADDR_D	GENMASK_ULL(63, 12)	/* hi */
#define VTD_DEVTLB_PFSID_LO	GENMASK_ULL(15, 12)
#define VTD_DEVTLB_MIP		GENMASK_ULL(20, 16)	/* max invalidations pending */
#define VTD_DEVTLB_SID		GENMASK_ULL(47, 32)
#define VTD_DEVTLB_PFSID_HI	GENMASK_ULL(63, 52)
#define VTD_DEVTLB_S		BIT_ULL(0)		/* hi: size in ADDR's low bits */
#define VTD_DEVTLB_ADDR		GENMASK_ULL(63, 12)	/* hi */
#define VTD_IEC_G		BIT_ULL(4)		/* index-selective (else global) */
#define VTD_IEC_IM		GENMASK_ULL(31, 27)	/* 2^IM entries from IIDX */
#define VTD_IEC_IIDX		GENMASK_ULL(47, 32)
#define VTD_WAIT_IF		BIT_ULL(4)
#define VTD_WAIT_SW		BIT_ULL(5)
#define VTD_WAIT_FN		BIT_ULL(6)
#define VTD_WAIT_SDATA		GENMASK_ULL(63, 32)
#define VTD_WAIT_SADDR		GENMASK_ULL(63, 2)	/* hi */
#define VTD_PC_DID		GENMASK_ULL(31, 16)
#define VTD_PC_PASID		GENMASK_ULL(51, 32)
#define VTD_P_DID		GENMASK_ULL(31, 16)	/* P_IOTLB, lo */
#define VTD_P_PASID		GENMASK_ULL(51, 32)	/* P_IOTLB and PASID device-TLB, lo */
#define VTD_PDEVTLB_SID		GENMASK_ULL(31, 16)
#define VTD_PDEVTLB_G		BIT_ULL(0)		/* hi: global (all PASIDs' global pages) */
#define VTD_PDEVTLB_S		BIT_ULL(11)		/* hi: size in ADDR's low bits */

/* Granularity codes shared by CCMD/IOTLB registers and descriptors. */
enum {
	VTD_GRAN_GLOBAL = 1,
	VTD_GRAN_DOMAIN = 2,
	VTD_GRAN_DEVICE = 3,	/* context cache */
	VTD_GRAN_PAGE = 3,	/* IOTLB */
};

/* PASID-cache granularity (6.5.2.2) and P_IOTLB granularity (6.5.2.5). */
enum {
	VTD_PC_ALL_PASIDS = 0,	/* every PASID of a DID */
	VTD_PC_PASID_SEL = 1,	/* one PASID of a DID */
	VTD_PC_GLOBAL = 3,
	VTD_P_GRAN_PASID = 2,	/* every non-global entry of a PASID */
	VTD_P_GRAN_PAGE = 3,	/* pages within a PASID */
};

/* What a unit did, for tests and benchmarks; only ever increases. */
struct vtd_stats {
	u64 cc_global, cc_domain, cc_device;
	u64 iotlb_global, iotlb_dsi, iotlb_psi;
	u64 devtlb;
	u64 pc, piotlb, pdevtlb;	/* scalable mode: PASID cache, PASID IOTLB, PASID device-TLB */
	u64 iec_global, iec_index;	/* interrupt entry cache */
	u64 waits;		/* queue submissions completed (one wait each) */
	u64 reg_inv;		/* register-based invalidations */
	u64 wbf;		/* write-buffer flushes */
	u64 errors;		/* failed or timed-out invalidations */
	u64 injected;		/* ... of them made to fail by a fail point */
};

enum vtd_inv_mode {
	VTD_INV_REGS,		/* CCMD and IOTLB registers */
	VTD_INV_QI,		/* invalidation queue */
};

struct vtd_qi {
	u64 *ring;		/* VTD_QI_PAGES pages: 2 or 4 qwords a descriptor */
	phys_addr_t ring_pa;
	u32 size;		/* descriptors in the ring: 256, or 128 of 256 bits */
	bool dw;		/* 256-bit descriptors (IQA.DW, scalable mode) */
	u32 tail;		/* next free slot */
	u32 head_seen;		/* IQH as last read, or as a completed wait proves it */
	volatile u32 *status;	/* wait descriptors write their sequence number here */
	phys_addr_t status_pa;
	u32 seq;		/* last sequence number used; never 0 */
};

#define VTD_QI_QS	0	/* one 4 KiB page: 256 descriptors, or 128 of 256 bits */
#define VTD_QI_SIZE	(256u << VTD_QI_QS)	/* the most descriptors the ring holds */

/*
 * Interrupt remapping state of a unit; ir_lock protects the table and the
 * bitmap (entries are written and invalidated under it).
 */
struct vtd_ir {
	u64 *irt;			/* 2 u64 per 128-bit entry */
	phys_addr_t irt_pa;
	u32 entries;			/* 2^(S+1) */
	unsigned int order;		/* pages of the table, log2 */
	unsigned long *used;		/* allocated entries */
	unsigned long *kept;		/* ... of them, copied from a previous owner */
	u32 inherited;			/* entries copied from a previous owner */
	bool on;			/* IRE set with our table */
	bool eime;			/* x2APIC destinations (IRTA.EIME) */
	bool cfi_works;			/* GSTS.CFIS follows GCMD.CFI */
	bool found_on;			/* IRE was set when we came */
	u64 found_irta;			/* ... with this IRTA */
	bool takeover_failed;		/* left as found: remapping not ours */
	spinlock_t lock;
};

/* One remapping hardware unit (DRHD). */
struct vtd_unit {
	struct iommu_device iommu;	/* registered with iommu.c */
	int idx;			/* index in vtd_units[] */
	char name[12];			/* "dmar0" */
	const struct dmar_unit *drhd;
	phys_addr_t base;
	volatile u8 *regs;
	u16 segment;
	u32 ver;
	u64 cap, ecap;
	u32 level_mask;			/* BIT(n): n-level tables supported */
	int levels;			/* depth of new domains */
	unsigned int mgaw;		/* bits */
	u64 pgsizes;			/* 4K, plus SLLPS sizes */
	bool coherent;			/* ECAP.C, unless forced off: root, context, PASID tables */
	/*
	 * Paging-structure walks snoop (11.4.3): ECAP.C in legacy mode; in
	 * scalable mode ECAP.SMPWCS (PASID entries then set PWSNP), whatever
	 * ECAP.C says. Unless forced off.
	 */
	bool pt_coherent;
	bool rwbf;			/* CAP.RWBF, or forced */
	bool cm;			/* CAP.CM */
	bool psi;			/* CAP.PSI */
	unsigned int mamv;
	bool drain_r, drain_w;		/* CAP.DRD/DWD: drain on IOTLB flush */
	enum vtd_inv_mode inv;
	u32 fro, nfr, iro;		/* fault recording and IOTLB register offsets */
	/* scalable mode (ECAP.SMTS, unless vtd_sm=off) and what it offers */
	bool sm;			/* RTADDR.TTM = scalable: PASID tables, 256-bit descriptors */
	unsigned int pasid_bits;	/* PASIDs the unit takes: ECAP.PSS + 1, 0 without ECAP.PASID */
	bool fs;			/* first-stage tables (ECAP.FLTS) */
	bool ss;			/* second-stage tables (ECAP.SLTS) */
	bool nest;			/* nested translation (ECAP.NEST) */
	bool ssads;			/* second-stage A/D bits (ECAP.SSADS) */
	u64 fs_pgsizes;			/* first-stage page sizes: 4K, 2M, 1G with CAP.FL1GP */
	int fs_levels;			/* first-stage depth of new domains: 4, or 5 where needed */
	u64 *root;			/* root table */
	phys_addr_t root_pa;
	/*
	 * Context tables: legacy mode one per bus (index bus), scalable
	 * mode two per bus (index 2 * bus + devfn / 128); NULL until needed.
	 */
	u64 *ctx[512];
	phys_addr_t ctx_pa[512];
	unsigned long *dids;		/* domain id bitmap */
	u32 ndoms;
	struct vtd_qi qi;
	int fault_vector;		/* fault event MSI vector, <= 0 none */
	u64 fault_irqs;			/* fault events delivered */
	bool took_over;			/* translation was on when we found it */
	/*
	 * No address width to translate with (CAP.SAGAW offers no 3-, 4- or
	 * 5-level table; QEMU dma-translation=off): as Linux's ignored DRHD
	 * the unit translates nothing (TE off, no root table, no device
	 * claimed) and is used for interrupt remapping only.
	 */
	bool ir_only;
	char no_dma[112];		/* iommu.no_dma for such a unit */
	/*
	 * QEMU 7.2 leaves a device on its pass-through fast path until a
	 * context-cache invalidation, also in scalable mode where the
	 * PASID entry says pass-through: a RID_PASID entry leaving PGTT=PT
	 * adds one (device-selective) to the flush table 25 asks for.
	 */
	bool qemu_pt_quirk;
	/*
	 * QEMU 7.2 checks an IRTE's bus range (SVT 2) with start and end
	 * swapped (vtd_irte_get: bus_max = SID 15:8): a range of more than one
	 * bus refuses every bus. Such entries verify the PCIe-to-PCI bridge's
	 * alias exactly (SVT 1, SID = secondary bus, 00.0) instead.
	 */
	bool qemu_svt_bus_quirk;
	/* protects qi, the CCMD/IOTLB/GCMD registers, st; order: vtd_ctx_lock -> inv_lock */
	spinlock_t inv_lock;
	struct vtd_stats st;
	struct vtd_ir ir;		/* interrupt remapping (vtd_irq.c) */
};

/*
 * A paging (second- or first-stage tables), nested, identity or blocked
 * domain as this driver keeps it. A nested domain is a user's first-stage
 * table (s1_pgtbl, an address in its parent's IOVA space) over a paging
 * parent made with IOMMU_HWPT_ALLOC_NEST_PARENT.
 */
struct vtd_domain {
	struct iommu_domain domain;
	spinlock_t pt_lock;		/* protects pt; taken alone (allocator below) */
	struct vtd_pgtable pt;		/* paging domains only */
	u16 did[VTD_MAX_UNITS];		/* per unit, valid while ndevs[u] > 0 */
	u16 ndevs[VTD_MAX_UNITS];	/* attachments (RID or PASID) through unit u */
	struct list_head devs;		/* vtd_att.dom_node */
	struct list_head deferred;	/* table pages whose invalidation failed */
	bool nest_parent;		/* may carry nested domains (second stage only) */
	bool dirty_tracking;		/* SSADE set in every PASID entry using pt */
	/*
	 * The flush plan (vtd_ctx_lock; vtd_domain_replan()): the unit index
	 * when the domain is second stage, attached through that unit only, to
	 * no ATS device and with no nested child, so a flush is one IOTLB
	 * descriptor there; -1 otherwise (the general walk).
	 */
	s8 plain_unit;
	struct list_head children;	/* nested domains over this parent (vtd_domain.child_node) */
	/* nested domains */
	struct vtd_domain *parent;
	struct list_head child_node;
	u64 s1_pgtbl;			/* first-stage root, in the parent's IOVA space */
	u32 s1_flags;			/* IOMMU_VTD_S1_* */
	int s1_levels;			/* 4 or 5 */
};

/*
 * One attachment of a device (its RID, or one of its PASIDs) to a domain.
 * The RID's lives in vtd_dev.rid; PASIDs' are allocated on attach.
 */
struct vtd_att {
	struct vtd_dev *vd;
	struct vtd_domain *dom;
	u32 pasid;			/* 0: the RID (RID_PASID in scalable mode) */
	struct list_head dom_node;	/* vtd_domain.devs */
	struct list_head dev_node;	/* vtd_dev.pasids (PASID attachments only) */
};

/* Per-device state (iommu_dev.iommu_priv). */
struct vtd_dev {
	struct iommu_dev *dev;
	struct pci_dev *pdev;
	struct vtd_unit *unit;
	u8 bus, devfn;			/* the requester ID the unit sees */
	struct vtd_domain *dom;		/* NULL: blocked (context entry clear) */
	struct vtd_att rid;		/* the RID's attachment, on dom->devs while dom */
	struct list_head pasids;	/* vtd_att of PASIDs other than 0 (scalable mode) */
	unsigned int pasid_bits;	/* PASIDs it may use: min(its PASID capability, the unit's) */
	bool ats;			/* ATS enabled: device-TLB flushes needed */
	u8 ats_qdep;
	u16 pfsid;			/* device-TLB descriptors' PFSID: its PF's SID with ECAP.DIT, else 0 */
	struct dmar_dev_path path;
};

/* Command-line choices (vtd_qi=, vtd_noncoherent, vtd_rwbf, vtd_sp=, vtd_ats=, vtd_sm=, vtd_fs=). */
struct vtd_options {
	int qi;			/* -1 auto (ECAP.QI), 0 registers, 1 queue */
	bool sm;		/* scalable mode where ECAP.SMTS (default on) */
	bool fs;		/* paging domains get first-stage tables where ECAP.FLTS */
	bool noncoherent;	/* clflush table stores even when ECAP.C=1 */
	bool rwbf;		/* flush the write buffer even when CAP.RWBF=0 */
	bool superpages;	/* use SLLPS sizes (default on) */
	bool ats;		/* enable ATS where DMAR allows (default on) */
	bool intremap;		/* interrupt remapping where the unit has it (intremap=) */
};

extern struct vtd_options vtd_opt;
extern struct vtd_unit *vtd_units[VTD_MAX_UNITS];
extern int vtd_nunits;
extern struct iommu_ops vtd_iommu_ops;
/* The DMAR the units come from (dmar_live(); tests may point it at a copy). */
extern const struct dmar_table *vtd_dmar;
extern spinlock_t vtd_ctx_lock;

/*
 * Register access: the driver's hardware seam. The kernel reads and writes
 * the unit's MMIO window (vtd_mem.c); hosted tests put a software unit
 * behind it (tests/host/vtd_hw.c) that sees every access, as hardware would.
 */
u64 vtd_hw_read(const struct vtd_unit *u, u32 off, int bytes);
void vtd_hw_write(struct vtd_unit *u, u32 off, u64 v, int bytes);

static inline u32 vtd_readl(const struct vtd_unit *u, u32 off)
{
	return (u32)vtd_hw_read(u, off, 4);
}

static inline u64 vtd_readq(const struct vtd_unit *u, u32 off)
{
	return vtd_hw_read(u, off, 8);
}

static inline void vtd_writel(struct vtd_unit *u, u32 off, u32 v)
{
	vtd_hw_write(u, off, v, 4);
}

static inline void vtd_writeq(struct vtd_unit *u, u32 off, u64 v)
{
	vtd_hw_write(u, off, v, 8);
}

static inline struct vtd_domain *to_vtd_domain(struct iommu_domain *d)
{
	return container_of(d, struct vtd_domain, domain);
}

static inline u16 vtd_dev_sid(const struct vtd_dev *vd)
{
	return (u16)(vd->bus << 8 | vd->devfn);
}

/* vtd_init.c */
/* Start every usable DMAR unit; 0, -ENODEV (no DMAR/unit), -EINVAL (DMAR rejected). */
int vtd_init(void);
/*
 * Set persistent GCMD enables (set) and/or clear some (clear), plus a
 * one-shot bit, then wait until GSTS bit 'status' equals 'want'.
 * 0 or -ETIMEDOUT.
 */
int vtd_gcmd(struct vtd_unit *u, u32 set, u32 clear, u32 status, bool want);
/* Parse the command line into vtd_opt. */
void vtd_parse_options(void);
/* Legacy-mode invalidation choice: VTD_INV_*, or -ENODEV when none is usable. */
int vtd_choose_inval(u32 ver, u64 ecap, int want_qi);
/*
 * Bring a unit to a known state: quiesce what firmware or a previous kernel
 * left on (keeping translation on so DMA stays blocked), set our root
 * table, invalidate everything, enable translation. 0 or -errno.
 */
int vtd_unit_start(struct vtd_unit *u);

/* vtd_ctx.c */
int vtd_ctx_init(struct vtd_unit *u);	/* root table and DID space */
void vtd_ctx_fini(struct vtd_unit *u);
/* Make sure bus has a context table linked from the root; 0 or -ENOMEM. */
int vtd_ctx_table(struct vtd_unit *u, u8 bus);
/* Context entry of bus:devfn, NULL when its table does not exist. */
u64 *vtd_ctx_entry(struct vtd_unit *u, u8 bus, u8 devfn);
/*
 * Point vd's context entry at dom (NULL: clear it), following the rules:
 * a present entry is cleared and flushed (context cache, IOTLB, device-TLB
 * for the old DID) before the new one is written. Nothing changes on error.
 * In scalable mode the entry that changes is RID_PASID's PASID entry (the
 * same rule with PASID-cache, IOTLB or P_IOTLB, device-TLB).
 */
int vtd_ctx_attach(struct vtd_dev *vd, struct vtd_domain *dom);
/*
 * Scalable mode: point PASID pasid (1 .. 2^vd->pasid_bits - 1) of vd at
 * dom, replacing what it had; NULL removes it. -EOPNOTSUPP without PASID
 * support, -EINVAL for a PASID beyond the width, -EBUSY when vd has an
 * alias (one PASID table would serve both).
 */
int vtd_pasid_attach(struct vtd_dev *vd, u32 pasid, struct vtd_domain *dom);
/* The domain vd's pasid translates through (0: the RID's), NULL if none. */
struct vtd_domain *vtd_pasid_domain(struct vtd_dev *vd, u32 pasid);
/*
 * Set or clear SSADE in every PASID entry using dom's tables, with their
 * flushes. 0, or the flush error with the entries and dom->dirty_tracking
 * as they were.
 */
int vtd_domain_set_ssade(struct vtd_domain *dom, bool on);
/* Device-TLB flush for vd's pasid (0: the RID) of 2^order pages at addr, if it has ATS. */
void vtd_batch_dev_flush(struct vtd_dev *vd, struct vtd_batch *b, u32 pasid, u64 addr,
			 unsigned int order);
/* Allocate a domain id on u (never 0 when CM=1); -ENOSPC. */
int vtd_did_alloc(struct vtd_unit *u);
void vtd_did_free(struct vtd_unit *u, u16 did);

/* vtd_inval.c */
/* A batch of descriptors finished by one wait (QI) or run through registers. */
#define VTD_BATCH_MAX 16
struct vtd_batch {
	struct vtd_desc d[VTD_BATCH_MAX];
	int n;
};

void vtd_batch_cc(struct vtd_batch *b, int gran, u16 did, u16 sid);
void vtd_batch_iotlb(struct vtd_unit *u, struct vtd_batch *b, int gran, u16 did,
		     u64 addr, unsigned int am, bool ih);
void vtd_batch_devtlb(struct vtd_batch *b, u16 sid, u16 pfsid, u8 qdep, u64 addr,
		      unsigned int order);
/* Scalable mode: PASID cache (VTD_PC_*), for did and pasid. */
void vtd_batch_pc(struct vtd_batch *b, int gran, u16 did, u32 pasid);
/* PASID-based IOTLB (first-stage and pass-through entries): VTD_P_GRAN_*. */
void vtd_batch_piotlb(struct vtd_batch *b, int gran, u16 did, u32 pasid, u64 addr,
		      unsigned int am, bool ih);
/* ... of [start, last]: page-selective when it encodes within MAMV, else the whole PASID. */
void vtd_batch_piotlb_range(struct vtd_unit *u, struct vtd_batch *b, u16 did, u32 pasid,
			    u64 start, u64 last, bool ih);
/* PASID-based device-TLB: 2^order pages from addr (order 52: everything). */
void vtd_batch_pdevtlb(struct vtd_batch *b, u16 sid, u16 pfsid, u8 qdep, u32 pasid, u64 addr,
		       unsigned int order);
/* Interrupt entry cache: everything, or 2^im entries from index. */
void vtd_batch_iec(struct vtd_batch *b, bool global, u16 index, unsigned int im);
/* IOTLB flush of [start, last] for did: PSI when it encodes, else DSI. */
void vtd_batch_iotlb_range(struct vtd_unit *u, struct vtd_batch *b, u16 did, u64 start,
			   u64 last, bool ih);
/* Run a batch and wait for it. 0, -EIO (rejected), -ETIMEDOUT. */
int vtd_batch_run(struct vtd_unit *u, struct vtd_batch *b);
/* Global context-cache and IOTLB invalidation. */
int vtd_flush_all(struct vtd_unit *u);
int vtd_flush_write_buffer(struct vtd_unit *u);

/* vtd_pasid.c */
/* Pages (log2) and PDTS coding of the PASID directory for PASIDs of bits bits. */
void vtd_pasid_dir_geometry(unsigned int bits, unsigned int *order, u8 *pdts);
/* A zeroed directory for bits-bit PASIDs; its PDTS and address. NULL: no memory. */
u64 *vtd_pasid_dir_alloc(struct vtd_unit *u, unsigned int bits, u8 *pdts, phys_addr_t *pa);
/* The directory and every PASID table it links (after the flush that unlinked them). */
void vtd_pasid_dir_free(u64 *dir, u8 pdts);
/* Link a PASID table for pasid into dir if there is none; 0 or -ENOMEM. */
int vtd_pasid_table_ensure(struct vtd_unit *u, u64 *dir, u32 pasid);
/* The 8-qword PASID entry of pasid under scalable-mode context entry ce, NULL if none. */
u64 *vtd_pasid_entry(const u64 *ce, u32 pasid);
/* The PASID entry (P clear) that makes dom's translation with did; returns its PGTT. */
int vtd_pe_build(const struct vtd_unit *u, const struct vtd_domain *dom, u16 did, u64 pe[8]);
/* Can u translate through dom by a PASID entry? 0, -EINVAL, -EOPNOTSUPP. */
int vtd_pe_check(const struct vtd_unit *u, const struct vtd_domain *dom);
/* Kernel memory the unit reads, by physical address (root, context, PASID tables). */
void *vtd_phys_va(phys_addr_t pa);

/* vtd_qi.c */
int vtd_qi_enable(struct vtd_unit *u);
/* Disable the queue (it must be idle); 0 or -ETIMEDOUT. */
int vtd_qi_disable(struct vtd_unit *u);
void vtd_qi_free(struct vtd_unit *u);
/*
 * Submit n descriptors plus a wait descriptor with a fresh sequence number
 * and wait for its status write. On a queue error the rest of the batch,
 * from the bad descriptor on, is replaced by its wait, the queue restarted
 * and drained, and -EIO returned. 0, -EINVAL, -EIO, -ETIMEDOUT.
 */
int vtd_qi_submit(struct vtd_unit *u, const struct vtd_desc *d, int n);

/* vtd_fault.c */
/* Fault reason text and neutral kind. */
const char *vtd_fault_reason_str(u32 reason);
u8 vtd_fault_kind(u32 reason);
/* Decode one fault recording register (lo/hi qwords) into a record. */
void vtd_fault_decode(struct vtd_unit *u, u64 lo, u64 hi, struct iommu_fault_record *f);
/* Route fault events to an MSI vector; 0 or -errno. */
int vtd_fault_init(struct vtd_unit *u);
void vtd_fault_fini(struct vtd_unit *u);
/* iommu_device.poll_faults: read, report and clear every pending record. */
void vtd_poll_faults(struct iommu_device *iommu);

/* vtd_irq.c */
/* IRTE, remapped format (9.10), low qword */
#define VTD_IRTE_P		BIT_ULL(0)
#define VTD_IRTE_FPD		BIT_ULL(1)
#define VTD_IRTE_DM		BIT_ULL(2)		/* logical destination */
#define VTD_IRTE_RH		BIT_ULL(3)
#define VTD_IRTE_TM		BIT_ULL(4)		/* level */
#define VTD_IRTE_DLM		GENMASK_ULL(7, 5)	/* delivery mode, 0 fixed */
#define VTD_IRTE_AVL		GENMASK_ULL(11, 8)
#define VTD_IRTE_RSVD_LO	(GENMASK_ULL(14, 12) | GENMASK_ULL(31, 24))
#define VTD_IRTE_IM		BIT_ULL(15)		/* posted format */
#define VTD_IRTE_V		GENMASK_ULL(23, 16)
#define VTD_IRTE_DST		GENMASK_ULL(63, 32)	/* EIME=1: x2APIC ID */
#define VTD_IRTE_DST_XAPIC	GENMASK_ULL(47, 40)	/* EIME=0: xAPIC ID */
/* ... high qword */
#define VTD_IRTE_SID		GENMASK_ULL(15, 0)
#define VTD_IRTE_SQ		GENMASK_ULL(17, 16)
#define VTD_IRTE_SVT		GENMASK_ULL(19, 18)
#define VTD_IRTE_RSVD_HI	GENMASK_ULL(63, 20)
#define VTD_SVT_NONE		0
#define VTD_SVT_SID		1	/* requester ID, bits ignored per SQ */
#define VTD_SVT_BUS		2	/* bus within [SID 15:8, SID 7:0] */
/* IRTA (11.4.9) */
#define VTD_IRTA_S		GENMASK_ULL(3, 0)	/* 2^(S+1) entries */
#define VTD_IRTA_EIME		BIT_ULL(11)
#define VTD_IRTA_ADDR		GENMASK_ULL(63, 12)
#define VTD_IRT_MAX_S		15
#define VTD_IRT_DEFAULT_S	7			/* 256 entries: one page */
/* remappable-format MSI address (5.1.5.2) */
#define VTD_MSI_IF		BIT_ULL(4)
#define VTD_MSI_SHV		BIT_ULL(3)
#define VTD_MSI_HANDLE15	BIT_ULL(2)
#define VTD_MSI_HANDLE		GENMASK_ULL(19, 5)

/* What an IRTE says, before encoding. */
struct vtd_irte_cfg {
	u32 dest;		/* APIC ID */
	u8 vector;
	bool level;
	u8 svt, sq;
	u16 sid;		/* SVT_BUS: start bus << 8 | end bus */
};

/* Encode a present remapped-format IRTE; -ERANGE when dest does not fit (xAPIC). */
int vtd_irte_encode(const struct vtd_irte_cfg *c, bool eime, u64 irte[2]);
/* Source validation for a PCI function's MSIs, Linux's set_msi_sid rules. */
void vtd_ir_pci_sid(const struct pci_dev *d, u8 *svt, u16 *sid);
/* The same made exact where the unit has qemu_svt_bus_quirk. */
void vtd_ir_sid_quirk(const struct vtd_unit *u, u8 *svt, u16 *sid);
/* The remappable-format MSI address naming entry index. */
u64 vtd_ir_msi_addr(u32 index);
/*
 * Bring up interrupt remapping on a started unit: a fresh table, or, when
 * remapping was on, a table that keeps the present entries of the old one
 * at their indices (nothing in flight is lost or misdelivered). 0, or
 * -errno with remapping as it was (-EOPNOTSUPP: the unit cannot).
 */
int vtd_ir_start(struct vtd_unit *u);
/* Remapping off and the table freed (tests; intremap=off at takeover). */
void vtd_ir_stop(struct vtd_unit *u);
/* Give back entries copied from a previous owner; returns how many. */
int vtd_ir_release_inherited(struct vtd_unit *u);
/* Invalidate the interrupt entry cache: global, or index. 0 or -errno. */
int vtd_iec_flush(struct vtd_unit *u, bool global, u16 index);
/* The unit whose DRHD this is (NULL if not started). */
struct vtd_unit *vtd_unit_of_drhd(const struct dmar_unit *du);
extern const struct irq_remap_ops vtd_irq_remap_ops;

/* vtd_domain.c */
extern struct vtd_domain vtd_blocked_domain, vtd_identity_domain;
struct iommu_domain *vtd_domain_alloc_paging(struct iommu_dev *dev);
/*
 * Can unit u walk paging domain dom's tables (made for another unit,
 * perhaps)? 0 or -EINVAL, as Linux's paging_domain_compatible.
 */
int vtd_paging_check(const struct vtd_unit *u, const struct vtd_domain *dom);
/*
 * RMRRs of table t that cover vd: identity-mapped into dom (before vd may
 * use it; ranges already mapped are left alone). 0 or the map error.
 */
int vtd_rmrr_map(const struct dmar_table *t, struct vtd_dev *vd, struct vtd_domain *dom);
/* Add the RMRRs covering path to head as IOMMU_RESV_DIRECT regions; returns how many. */
int vtd_rmrr_resv(const struct dmar_table *t, const struct dmar_dev_path *path,
		  struct list_head *head);
/* Flush dom's range [start, last] on every unit it is attached through. */
int vtd_domain_flush(struct vtd_domain *dom, u64 start, u64 last, bool ih);
/* Recompute dom->plain_unit after its attachments or children changed (vtd_ctx_lock held). */
void vtd_domain_replan(struct vtd_domain *dom);
/* A nested domain's first-stage range [start, last]: P_IOTLB (leaf: IH) and device-TLBs. */
int vtd_s1_flush(struct vtd_domain *dom, u64 start, u64 last, bool leaf);
/* iommu_ops: IOMMU_HWPT_ALLOC's domains, and PASID detach. */
struct iommu_domain *vtd_domain_alloc_user(struct iommu_dev *dev, u32 flags,
					   struct iommu_domain *parent,
					   const struct iommu_user_data *data);
void vtd_remove_dev_pasid(struct iommu_dev *dev, u32 pasid, struct iommu_domain *d);

/* Trace of driver events, for tests of ordering rules. */
enum vtd_ev {
	VTD_EV_CTX_CLEAR,	/* context entry made not present */
	VTD_EV_CTX_SET,		/* context entry made present */
	VTD_EV_CC,		/* context-cache invalidation (gran, did, sid) */
	VTD_EV_IOTLB,		/* IOTLB invalidation (gran, did, addr, am) */
	VTD_EV_DEVTLB,		/* device-TLB invalidation (sid, addr) */
	VTD_EV_WAIT,		/* a batch completed */
	VTD_EV_WBF,		/* write buffer flushed */
	VTD_EV_TABLE_FREE,	/* a page-table page went back to the allocator */
	VTD_EV_IEC,		/* interrupt entry cache (gran 1: index in addr, am = IM) */
	VTD_EV_IRTE,		/* an interrupt remapping entry written (addr: index) */
	VTD_EV_PC,		/* PASID-cache invalidation (gran, did, pasid) */
	VTD_EV_PIOTLB,		/* PASID-based IOTLB (gran, did, pasid, addr, am) */
	VTD_EV_PDEVTLB,		/* PASID-based device-TLB (sid, pasid, addr) */
	VTD_EV_PE_CLEAR,	/* PASID entry made not present (did, sid, pasid; gran: old PGTT) */
	VTD_EV_PE_SET,		/* PASID entry made present (did, sid, pasid; gran: PGTT) */
	VTD_EV_PE_CHANGE,	/* a present PASID entry changed in place (SSADE) */
	VTD_EV_NEV
};

struct vtd_ev_rec {
	u32 seq;
	u8 ev, unit, gran, am;
	u16 did, sid;
	u32 pasid;
	u64 addr;
};

/* Recording starts with the first vtd_trace_seq() or vtd_trace_since() (vtd_inval.c). */
extern bool vtd_trace_on;
void vtd_trace_rec(const struct vtd_unit *u, u8 ev, u8 gran, u16 did, u16 sid, u64 addr,
		   u8 am, u32 pasid);

static inline void vtd_trace_pasid(const struct vtd_unit *u, u8 ev, u8 gran, u16 did, u16 sid,
				   u64 addr, u8 am, u32 pasid)
{
	if (READ_ONCE(vtd_trace_on))
		vtd_trace_rec(u, ev, gran, did, sid, addr, am, pasid);
}

static inline void vtd_trace(const struct vtd_unit *u, u8 ev, u8 gran, u16 did, u16 sid,
			     u64 addr, u8 am)
{
	vtd_trace_pasid(u, ev, gran, did, sid, addr, am, 0);
}

/* Sequence number the next event will get; turns recording on. */
u32 vtd_trace_seq(void);
/* Events with seq >= from (oldest first, up to max); returns how many were copied. */
int vtd_trace_since(u32 from, struct vtd_ev_rec *out, int max);

/* Memory: clflushed lines since boot (ECAP.C=0 or forced). */
extern u64 vtd_clflush_lines;

#endif
