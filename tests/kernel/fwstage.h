/* SPDX-License-Identifier: MIT */
/*
 * The first boot stage of the interrupt remapping takeover tests
 * (fwstage=ir): before the IOMMU driver starts, the kernel plays the
 * firmware and leaves remapping on with a table of its own and interrupts
 * live and pending; the driver then takes over on the ordinary boot path.
 */
#ifndef TESTS_KERNEL_FWSTAGE_H
#define TESTS_KERNEL_FWSTAGE_H

#include "lib/compiler.h"

/* Entries of the firmware's table: the edu's MSI, its INTx pin, the RTC's pin. */
#define FWSTAGE_MSI	7
#define FWSTAGE_INTX	9
#define FWSTAGE_RTC	11

struct fwstage {
	bool ran;			/* fwstage=ir was given and the stage ran */
	const char *iommu;		/* "vtd" or "amdvi": whose remapping it turned on */
	char why[96];			/* the stage could not run: why */
	int gsi_intx, gsi_rtc;
	int v_msi, v_intx, v_rtc;	/* the vectors its entries name */
	/* taken on each vector: before the driver, right after it, and at the end */
	u64 msi, intx, rtc;
	u64 rtc_before, rtc_after, rtc_end;
	u64 intx_after_unmask;		/* the pending level interrupt, after the unmask */
	u64 msi_after_raise;		/* one MSI raised after the takeover */
	u64 strays_before, strays_after;	/* interrupts on vectors without a handler */
	u32 wrong_apic;			/* interrupts taken by a CPU other than the boot CPU */
	int released;			/* the driver's kept entries, given back at the end */
};

extern struct fwstage fwstage;

/* Before iommu_init: with fwstage=ir, switch remapping on as firmware would. */
void fwstage_run(void);
/* After iommu_init: deliver what was left pending, count, and clean up the stage. */
void fwstage_after(void);
/* In a test: skip without the stage; else report what it saw; true when it ran for iommu. */
bool fwstage_report(const char *iommu);

#endif
