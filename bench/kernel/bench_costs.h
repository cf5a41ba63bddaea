/* SPDX-License-Identifier: MIT */
/*
 * The driver benchmarks' common run (bench_vtd.c, bench_amdvi.c): maps then
 * unmaps of each page size on a domain, timed, with what each op cost in
 * the driver's own counters.
 */
#ifndef BENCH_KERNEL_BENCH_COSTS_H
#define BENCH_KERNEL_BENCH_COSTS_H

#include "iommu/iommu.h"

#define BENCH_COUNTERS 4

/* What a driver counts, read before and after each half of a run. */
struct bench_counters {
	const char *name[BENCH_COUNTERS];	/* printed as "<per op> <name>/op"; NULL ends */
	void (*read)(void *unit, u64 *val);	/* the counters now, in name[]'s order */
	void *unit;
};

/*
 * 256 * loops maps, then as many unmaps, of 4K, 64K, 2M and 1G at 4 GiB and
 * up: their ns/op and counters/op, and one check per size that every map and
 * unmap succeeded.
 */
void bench_map_unmap(struct iommu_domain *dom, const struct bench_counters *c);

#endif
