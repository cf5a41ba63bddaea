/* SPDX-License-Identifier: MIT */
/*
 * IOMMU-neutral helpers for DMA tests: a device (edu, NVMe, AHCI) with its
 * iommu_dev and a paging domain, DMA buffers, patterns, expected faults.
 * Only iommu.h, testdev/ and arch/ are used: any IOMMU driver runs these.
 */
#ifndef TESTS_KERNEL_DMA_UTIL_H
#define TESTS_KERNEL_DMA_UTIL_H

#include "testdev/edu.h"
#include "iommu/iommu.h"

struct pci_dev;

/* A PCI function under test with a fresh paging domain attached. */
struct dma_dev {
	struct pci_dev *pdev;
	struct iommu_dev *dev;
	struct iommu_domain *dom;
};

struct dma_edu {
	struct dma_dev d;
	struct edu edu;
};

/* Physically contiguous, 2^order pages, zeroed. */
struct dma_buf {
	u8 *va;
	phys_addr_t pa;
	unsigned int order;
	size_t size;
};

/*
 * Allocate a paging domain for pdev's iommu_dev and attach it. Reports the
 * failure (or a skip when pdev has no IOMMU) and returns -errno.
 */
int dma_dev_open(struct dma_dev *d, struct pci_dev *pdev);
/* Detach (back to blocked) and free the domain. */
void dma_dev_close(struct dma_dev *d);

/* The n-th edu, initialised and attached to a new domain; skip-reports if absent. */
int dma_edu_open(struct dma_edu *e, int n);
/* The same, for tests that need IOVAs above the edu's default 28-bit mask. */
int dma_edu_open_high(struct dma_edu *e, int n);
void dma_edu_close(struct dma_edu *e);

/* Both of the above with a 2^order-page buffer; -1 (reported) on failure. */
int dma_edu_setup(struct dma_edu *e, struct dma_buf *b, unsigned int order);
void dma_edu_teardown(struct dma_edu *e, struct dma_buf *b);

/*
 * Ranges i = 0..n-1 of (1 + i % 2) pages at iova[i] -> pa + 2 i pages, all
 * unmapped now, held tables table pages when mapped: map them again and
 * unmap them, reporting that the second time needs no more table pages
 * (emptied tables were kept for reuse or freed, never leaked or grown).
 */
void dma_remap_reuses_tables(struct iommu_domain *dom, const u64 *iova, int n, phys_addr_t pa,
			     int prot, long tables);

/*
 * IOTLB invalidations the unit behind d has issued so far (VT-d IOTLB
 * descriptors or register invalidations, AMD-Vi INVALIDATE_IOMMU_PAGES),
 * and in *map_flushes whether a map needs one too (VT-d caching mode,
 * AMD-Vi NpCache). -1 for a driver the tests cannot count.
 */
long dma_iotlb_invalidations(struct dma_dev *d, bool *map_flushes);

int dma_buf_alloc(struct dma_buf *b, unsigned int order);
void dma_buf_free(struct dma_buf *b);

/* Fill with a pattern that depends on seed and position; check it back. */
void dma_fill(void *p, size_t n, u32 seed);
bool dma_check(const void *p, size_t n, u32 seed);

/*
 * The result of an edu transfer (edu_dma_from_dev/to_dev): a transfer the
 * device did not finish fails the test (a blocked DMA still completes; a
 * check of untouched memory proves nothing if the DMA never ran).
 */
void dma_edu_done(int ret);

/* Map and report failure as a test failure; returns the errno. */
int dma_map(struct dma_dev *d, u64 iova, phys_addr_t pa, size_t size, int prot);
/* Unmap; reports a failure unless exactly size bytes went. */
void dma_unmap(struct dma_dev *d, u64 iova, size_t size);

/*
 * Load the edu buffer (len bytes at offset 0) from a pattern through a
 * scratch mapping at iova, so a later device write has known content.
 */
int dma_edu_load(struct dma_edu *e, struct dma_buf *scratch, u64 iova, size_t len, u32 seed);

/* Expect a page fault from d at iova for this access (IOMMU_FAULT_ACCESS_*). */
void dma_expect_page_fault(struct dma_dev *d, u64 iova, int access);
/*
 * End the expectations and check that a fault arrived ("what" states it).
 * When d's unit cannot log faults (iommu_device.no_fault_log) the check is
 * not made: a test whose point is the fault (essential) is reported as
 * skipped with that reason, others say so in a diagnostic and go on with
 * what they can check (memory untouched). Returns whether records exist.
 */
bool dma_fault_seen(struct dma_dev *d, const char *what, bool essential);

/*
 * Whether the edu emits IOVAs at and above 4 GiB unclamped (QEMU's
 * dma_mask property): probed once with two DMAs, then cached; sets
 * e->edu.dma_mask.
 */
bool dma_edu_high_iova(struct dma_edu *e);

/* The first PCI function of a class (class << 16 | subclass << 8 | prog-if), or NULL. */
struct pci_dev *dma_find_class(u32 cls);

/*
 * NVMe admin queues in q's first two pages (at least 4), mapped at
 * DMA_IOVA_QUEUES, the controller enabled; 0 or -errno (reported).
 * dma_nvme_down disables it and unmaps the queues.
 */
struct nvme_ctrl;
int dma_nvme_up(struct nvme_ctrl *c, struct dma_dev *d, struct dma_buf *q);
void dma_nvme_down(struct nvme_ctrl *c, struct dma_dev *d);

/* Fixed IOVAs the suites use (below 256 MiB, QEMU edu's default mask). */
#define DMA_IOVA_A	0x00100000ULL
#define DMA_IOVA_B	0x00200000ULL
#define DMA_IOVA_C	0x00400000ULL
#define DMA_IOVA_HOLE	0x00800000ULL	/* never mapped by any helper */
#define DMA_IOVA_QUEUES	0x00010000ULL	/* queues, command memory (NVMe: two pages) */
#define DMA_XFER	4000u		/* bytes per edu transfer (edu allows 4095) */

/*
 * A driver's side of dma_sweep_life_cycle(): how it makes a paging domain,
 * the flush failures it has counted (flushes return no code to the caller)
 * and what must be back after every round (domain IDs, table pages).
 */
struct dma_sweep_ops {
	struct iommu_domain *(*alloc)(struct dma_edu *e);
	long (*flush_errors)(void);
	long (*state)(void);
	/* after a round: what a failed round may have left for later (quarantine) */
	void (*settle)(struct dma_edu *e);
};

/*
 * Fail the n-th allocation or hardware wait (lib/failpoint.h) of one domain
 * life cycle (alloc, attach, map 4K, 2M and 8K across two page tables,
 * unmap, detach, free) for
 * n = 1, 2, ... until a round passes them all: each step must have done
 * exactly what it returned (a failed one nothing, a successful one all) and
 * every round gives back every ID and table page; the clean round must
 * succeed at each step.
 * At least min_sites must fail. Reports its checks.
 */
void dma_sweep_life_cycle(struct dma_edu *e, struct dma_buf *b,
			  const struct dma_sweep_ops *ops, int min_sites);

#endif
