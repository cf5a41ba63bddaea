/* SPDX-License-Identifier: MIT */
/*
 * The mock IOMMU: a domain driver with Linux's self-test semantics (IO page
 * 2 KiB, aperture [16 MiB, 2 GiB - 1], START/LAST marks per map call) and
 * mock devices. core/selftest.c reaches it through struct iommu_selftest_ops
 * (iommu/iommu.h); tests may look closer here. No hardware, builds both ways.
 */
#ifndef IOMMU_MOCK_MOCK_H
#define IOMMU_MOCK_MOCK_H

#include "iommu/iommu.h"
#include <iommufd_test.h>

#define MOCK_IO_PAGE_SIZE	2048UL
#define MOCK_HUGE_PAGE_SIZE	(512 * MOCK_IO_PAGE_SIZE)

/* Flags of a domain entry: first/last IO page of one map_pages() call. */
#define MOCK_PFN_START_IOVA	IOMMU_SELFTEST_PFN_START
#define MOCK_PFN_LAST_IOVA	IOMMU_SELFTEST_PFN_LAST
#define MOCK_PFN_HUGE_IOVA	IOMMU_SELFTEST_PFN_HUGE
#define MOCK_PFN_DIRTY_IOVA	(1ULL << 59)	/* written since the last read-and-clear */

/* A mock device (MOCK_FLAGS_DEVICE_* flags); ERR_PTR(-EINVAL/-ENOMEM). */
struct iommu_dev *mock_dev_create(u32 dev_flags);
void mock_dev_destroy(struct iommu_dev *dev);
bool mock_dev_is_mock(const struct iommu_dev *dev);
/* Give a mock device a reserved region (tests of reserved IOVA). */
int mock_dev_add_resv(struct iommu_dev *dev, u64 start, u64 length,
		      enum iommu_resv_type type);

bool mock_domain_is_mock(const struct iommu_domain *d);
/* The entry for the IO page holding iova: pa of that byte and MOCK_PFN_* flags. */
int mock_domain_lookup(struct iommu_domain *d, unsigned long iova, phys_addr_t *pa,
		       u64 *flags);
/* Entries (IO pages) mapped, and a hash of every (iova, entry) pair. */
unsigned long mock_domain_entries(struct iommu_domain *d);
u64 mock_domain_digest(struct iommu_domain *d);

/* Counters for the leak check and for tests. */
long mock_live_domains(void);
long mock_live_devs(void);
/* Calls that broke the driver contract (unmap not matching a map, double map, ...). */
long mock_violations(void);
/* map_pages() / unmap_pages() / iotlb_sync() calls since start. */
unsigned long mock_map_calls(void);
unsigned long mock_unmap_calls(void);

#endif
