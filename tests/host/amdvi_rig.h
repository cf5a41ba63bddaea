/* SPDX-License-Identifier: MIT */
/*
 * The hosted AMD-Vi rig: four software units (amdvi_model.c) placed as a
 * real 4-IOMMU Threadripper IVRS says, with five PCI functions probed on
 * them (one an IVRS alias). Shared by test-amdvi's unit and IR tests.
 */
#ifndef TESTS_HOST_AMDVI_RIG_H
#define TESTS_HOST_AMDVI_RIG_H

#include "arch/x86/pci.h"
#include "iommu/amdvi/amdvi.h"
#include "iommu/ivrs.h"

#define AMDVI_RIG_UNITS 4

/* Functions behind each of the four IOMMUs, and one IVRS aliases. */
enum { GPU, NVME, NIC, SATA, ALIASED, AMDVI_RIG_NDEV };

struct amdvi_rig_dev {
	const char *name;
	u16 bdf, alias;
	int unit;		/* -1: the unit IVRS gives its alias */
};

struct amdvi_rig {
	struct ivrs_table t;
	struct amdvi_unit *u[AMDVI_RIG_UNITS];
	struct pci_dev pdev[AMDVI_RIG_NDEV];
	struct iommu_dev dev[AMDVI_RIG_NDEV];
};

extern const struct amdvi_rig_dev amdvi_rig_devs[AMDVI_RIG_NDEV];
extern struct amdvi_rig *amdvi_rig;

/* Units up, devices probed (reports what failed). */
bool amdvi_rig_up(void);
void amdvi_rig_down(void);
struct amdvi_dev *amdvi_rig_dev(int i);
/* Commands of op for domain (or devid) arg the unit ran from exec entry 'from' on. */
int amdvi_rig_ran(int unit, int from, int op, u32 arg);
/* Where the unit's exec log is now. */
int amdvi_rig_mark(int unit);

#endif
