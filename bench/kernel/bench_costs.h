/* SPDX-License-Identifier: MIT */
/*
 * The driver benchmarks' common run (bench_vtd.c, bench_amdvi.c): maps then
 * unmaps of each page size on a domain, timed, with what each op cost in
 * the driver's own counters; and the floors every figure is measured
 * against (one register read, one invalidation round trip, one page pin).
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

/* A driver's floors: one register read, one IOTLB invalidation and its wait (0 or -errno). */
struct bench_floor_ops {
	void (*reg_read)(void *unit);
	int (*inval)(void *unit, struct iommu_domain *dom, u64 iova);
	void *unit;
};

/*
 * Print the floors as RESULT lines (floor_reg_read_us, floor_inv_us,
 * floor_pin4k_us, and floor_unpin4k_us beside the pin), checking every
 * invalidation and pin succeeded. scripts/bench-compare prints each figure
 * as a multiple of the floors it cannot go below.
 */
void bench_floors(struct iommu_domain *dom, const struct bench_floor_ops *ops);

#endif
