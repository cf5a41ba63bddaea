/* SPDX-License-Identifier: MIT */
/*
 * The hosted VT-d rig: software units (vtd_hw.c) built from a real machine's
 * DMAR (Dell PowerEdge R820, 4 DRHDs) with its PCI functions probed; shared
 * by test-vtd's unit and interrupt remapping tests.
 */
#ifndef TESTS_HOST_VTD_RIG_H
#define TESTS_HOST_VTD_RIG_H

#include "arch/x86/pci.h"
#include "iommu/vtd/vtd.h"
#include "tests/host/vtd_hw.h"

#define VTD_RIG_UNITS 4

/* fixtures/regs/vtd-caps.tsv rows */
#define CAP_E5		0xd2078c106f0462ULL	/* Dell PowerEdge 12th gen, Xeon E5 */
#define ECAP_E5		0xf020feULL		/* QI, DT, IR, PT, SC; C=0 */
#define CAP_CORE2	0xc9008020e30272ULL	/* Core 2 desktop: RWBF, no QI */
#define ECAP_CORE2	0x1000ULL
#define CAP_SKX		0x8d2078c106f0466ULL	/* Xeon Scalable */
#define ECAP_SKX	0xf020dfULL		/* as E5, and C=1 */
/* scalable mode: VT-d 6.0 Xeon (Sapphire Rapids class): SMTS, FLTS, SLTS, NEST, SLADS, C=1 */
#define CAP_SPR		0x9ed008c40780466ULL
#define ECAP_SPR	0x3ee9e86f050dfULL
/* ... its ECAP with PASID (bit 40) set too: synthetic, the public value has none */
#define ECAP_SPR_PASID	(ECAP_SPR | BIT_ULL(40))
/* Meteor Lake (VT-d 7.0 laptop): SMTS, FLTS, SLTS; no NEST, no SLADS; C=0 */
#define CAP_MTL		0xc9de008cee690462ULL
#define ECAP_MTL	0x12ca9a00f0ef5eULL

/* The R820's PCI functions the tests use, and the unit each belongs to. */
enum { BR40, NIC, EP40, EP80, EPC0, SATA, USB, VTD_RIG_NDEV };

struct vtd_rig_dev {
	const char *name;
	u8 bus, dev, fn;
	int parent, unit;
	bool bridge, ats;
	bool pasid;		/* a PCIe PASID capability (20 bits): PASIDs in scalable mode */
};

struct vtd_rig {
	struct dmar_table t;
	struct vtd_hw *hw[VTD_RIG_UNITS];
	struct pci_dev pdev[VTD_RIG_NDEV];
	u8 cfg[VTD_RIG_NDEV][4096];
	struct iommu_dev dev[VTD_RIG_NDEV];
};

extern const struct vtd_rig_dev vtd_rig_devs[VTD_RIG_NDEV];
extern struct vtd_rig *vtd_rig;

/*
 * Units at the R820's DRHD bases with these registers, set up further by
 * pre (may be NULL) as firmware left them; the driver starts them and
 * probes the devices.
 */
bool vtd_rig_up_as(u32 ver, u64 cap, u64 ecap, const char *cmdline,
		   void (*pre)(struct vtd_hw *hw));
bool vtd_rig_up(u32 ver, u64 cap, u64 ecap, const char *cmdline);
/* ... each unit with its own registers (a machine mixing unit kinds). */
bool vtd_rig_up_mixed(u32 ver, const u64 cap[VTD_RIG_UNITS], const u64 ecap[VTD_RIG_UNITS],
		      const char *cmdline);
void vtd_rig_down(void);
/* Free what vtd_init() started (vtd_rig_down() does, after the devices). */
void vtd_rig_units_down(void);
struct vtd_dev *vtd_rig_vd_of(int i);
u64 *vtd_rig_ctx_of(int i);
/* Programming-model rules the driver broke, all units. */
int vtd_rig_violations(void);
/* The last invalidation the unit performed of this type. */
const struct vtd_hw_op *vtd_rig_last_op(const struct vtd_hw *hw, int type);
/* A new paging domain attached to device dev (reports a failure). */
struct iommu_domain *vtd_rig_attach_new(int dev);

/* Scalable mode: the rig up (VT-d 6.0) with these registers, every unit in scalable mode. */
bool vtd_rig_sm_up(u64 cap, u64 ecap, const char *cmdline);
struct vtd_hw *vtd_rig_hw_of(int dev);
u16 vtd_rig_sid_of(int dev);
/* A DMA of device dev (pasid < 0: without PASID) as its unit translates it. */
struct vtd_hw_xlate vtd_rig_dma(int dev, long pasid, u64 iova, bool write);
/* ... translated to pa. */
bool vtd_rig_lands(int dev, long pasid, u64 iova, bool write, phys_addr_t pa);
/* ... blocked with this reason and recorded (the record drained). */
bool vtd_rig_faults(int dev, long pasid, u64 iova, bool write, u8 reason);
/* The PASID entry of dev's pasid, NULL if none. */
u64 *vtd_rig_pasid_entry(int dev, u32 pasid);

/* A trace event wanted: type, DID (-1: any), PASID (-1: any). */
struct vtd_rig_want {
	int ev, did;
	long pasid;
};

/* Do the driver's events since seq contain w[0..n) in order? (Prints them when not.) */
bool vtd_rig_trace_has(u32 seq, const struct vtd_rig_want *w, int n);
int vtd_rig_count_ev(u32 seq, int type);

#endif
