/* SPDX-License-Identifier: MIT */
/*
 * The soak engine: random map/unmap/copy/attach/detach/replace sequences on
 * /dev/iommu, each op checked against a reference model of IOASes, areas,
 * HWPTs, domains, pins and (with an edu) what DMA reaches in memory.
 */
#ifndef TESTS_KERNEL_SOAK_H
#define TESTS_KERNEL_SOAK_H

#include "lib/types.h"

struct soak;

/*
 * A real device the engine binds to each context and drives DMA with
 * (NULL: mock devices only). The callbacks return 0 or -errno.
 */
struct soak_dev {
	struct iommu_dev *dev;
	/* one transfer of len bytes at edu buffer offset 0 <-> bus address iova */
	int (*dma)(void *ctx, u64 iova, u32 len, bool to_ram);
	void *ctx;
};

struct soak_params {
	u64 seed;
	unsigned int ops;	/* random operations in all */
	unsigned int epochs;	/* contexts opened and closed in turn */
	unsigned int dma_per_mille;	/* chance of a DMA check per op (real device only) */
	struct soak_dev *real;	/* NULL: mock devices only */
};

struct soak_stats {
	unsigned long ops, failed_as_predicted, dmas, faults_seen, checks;
};

/* Run the soak; failures are reported as they are found. Returns the stats. */
struct soak_stats soak_run(const struct soak_params *p);

#endif
