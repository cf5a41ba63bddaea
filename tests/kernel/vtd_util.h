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
/* The device's context entry (two qwords), NULL when its table is missing. */
u64 *vtd_dev_ctx(struct dma_dev *d);
/* IOTLB invalidations of any granularity issued by u so far. */
u64 vtd_iotlb_flushes(struct vtd_unit *u);

/* One expected trace event; -1 in a field matches anything. */
struct vtd_ev_want {
	int ev, gran, did, sid;
};

#define EVW(e, g, d, s) { (e), (g), (d), (s) }

/*
 * Do the events since 'from' contain want[0..n) in this order (other events
 * may come between)? Prints the trace when they do not.
 */
bool vtd_trace_expect(u32 from, const struct vtd_ev_want *want, int n);

#endif
