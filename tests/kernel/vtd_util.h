/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the VT-d suites: the unit and context entry behind a test
 * device, invalidation counters, and ordered checks on the driver's trace.
 */
#ifndef TESTS_KERNEL_VTD_UTIL_H
#define TESTS_KERNEL_VTD_UTIL_H

#include "iommu/vtd/vtd.h"
#include "tests/kernel/dma_util.h"

struct vtd_unit *vtd_unit_of(struct dma_dev *d);
/* The device's context entry (two qwords, four in scalable mode), NULL when its table is missing. */
u64 *vtd_dev_ctx(struct dma_dev *d);

/*
 * How the unit translates a device's requests without PASID, read from
 * the tables: the legacy context entry, or in scalable mode the context
 * entry and RID_PASID's PASID entry.
 */
struct vtd_xlate {
	bool present;		/* the entry that translates is present */
	int pgtt;		/* VTD_PGTT_*: legacy TT multi-level/device-IOTLB read as SS */
	bool devtlb;		/* translated requests allowed (TT=1, or context DTE) */
	u16 did;
	u64 ss_ptr;		/* second-stage table */
	int ss_levels;
	u64 fs_ptr;		/* first-stage table (scalable mode) */
};

bool vtd_dev_xlate(struct dma_dev *d, struct vtd_xlate *x);
/* The trace event that makes a RID's translation present: CTX_SET, or PE_SET in scalable mode. */
int vtd_ev_set(const struct vtd_unit *u);
/* IOTLB invalidations of any granularity issued by u so far. */
u64 vtd_iotlb_flushes(struct vtd_unit *u);

/* One expected trace event; -1 in a field matches anything. */
struct vtd_ev_want {
	int ev, gran, did, sid;
};

#define EVW(e, g, d, s) { (e), (g), (d), (s) }

/*
 * The events of a RID's present translation with DID did going away, in
 * the unit's mode (legacy: context entry cleared, context cache by device,
 * IOTLB by DID, wait; scalable: PASID entry cleared, PASID cache for
 * RID_PASID, IOTLB by DID, wait). Fills w (room for 4), returns how many.
 */
int vtd_want_rid_clear(const struct vtd_unit *u, u16 did, u16 sid, struct vtd_ev_want *w);

/*
 * Do the events since 'from' contain want[0..n) in this order (other events
 * may come between)? Prints the trace when they do not.
 */
bool vtd_trace_expect(u32 from, const struct vtd_ev_want *want, int n);
/* The name a trace line gives event ev ("?" for one without a name). */
const char *vtd_ev_name(int ev);

#endif
