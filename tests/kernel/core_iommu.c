// SPDX-License-Identifier: MIT
/*
 * core suite: the generic helpers of iommu/iommu.c against the mock driver.
 * iommu_pgsize() checked by brute force, iommu_map() splitting and its
 * all-or-nothing rollback, iommu_unmap() and the argument checks.
 */
#include "tests/kernel/core_util.h"
#include "iommu/mock/mock.h"
#include "lib/bitops.h"
#include "lib/failpoint.h"

/* Is sz usable at iova/pa with len bytes left: supported, aligned, fits. */
static bool usable(unsigned long bitmap, unsigned long sz, u64 iova, u64 pa, u64 len)
{
	return (bitmap & sz) && sz <= len && !((iova | pa) & (sz - 1));
}

KTEST(core, test_core_iommu_pgsize_brute_force)
{
	static const unsigned long bitmaps[] = {
		0x1000, 0x201000, 0x40201000, 0x800, 0x100800, 0xfffff000, 0x3000,
	};
	int bad = 0, walks = 0;

	for (int i = 0; i < 3000; i++) {
		unsigned long bm = bitmaps[ktest_rand() % ARRAY_SIZE(bitmaps)];
		unsigned long min_pg = 1UL << ffs64_idx(bm);
		u64 iova = (ktest_rand() % (1ULL << 34)) & ~(min_pg - 1);
		u64 pa = (ktest_rand() % 2 ? iova : ktest_rand() % (1ULL << 34)) & ~(min_pg - 1);
		u64 len = (1 + ktest_rand() % (1ULL << (ktest_rand() % 31))) * min_pg;
		u64 done = 0;

		if (ktest_rand() % 4 == 0)
			pa = iova + ((ktest_rand() % 8) << 21);	/* equal offsets in big pages */
		/* walk the whole range as iommu_map does */
		while (done < len && !bad) {
			size_t count = 0, sz = iommu_pgsize(bm, iova + done, pa + done, len - done, &count);

			bad += !usable(bm, sz, iova + done, pa + done, len - done) || !count ||
			       count * sz > len - done;
			/* maximal: no bigger usable page at this point */
			for (unsigned long big = sz << 1; big && !bad; big <<= 1)
				bad += usable(bm, big, iova + done, pa + done, len - done);
			done += count * sz;
		}
		walks++;
		bad += done != len;
	}
	report(bad == 0, "%d walks: every step supported, aligned, maximal, exact coverage", walks);
}

KTEST(core, test_core_iommu_map_unmap_on_mock)
{
	struct iommu_dev *dev = mock_dev_create(MOCK_FLAGS_DEVICE_HUGE_IOVA);
	struct iommu_domain *d = iommu_domain_alloc_paging(dev);
	u64 base = MOCK_APERTURE_START, pa = 0x40000000;
	unsigned long calls = mock_map_calls();
	phys_addr_t got;
	u64 flags;

	report(!IS_ERR(d) && d->pgsize_bitmap == (MOCK_IO_PAGE_SIZE | MOCK_HUGE_PAGE_SIZE),
	       "huge mock domain: 2 KiB and 1 MiB pages");
	report(iommu_map(d, base + MOCK_IO_PAGE_SIZE, pa + MOCK_IO_PAGE_SIZE, 3 << 20,
			 IOMMU_READ | IOMMU_WRITE) == 0, "map 3 MiB at a 2 KiB offset");
	report(mock_domain_entries(d) == (3 << 20) / MOCK_IO_PAGE_SIZE,
	       "every 2 KiB of it is mapped");
	report(mock_domain_lookup(d, base + (1 << 20) + 4096, &got, &flags) == 0 &&
	       got == pa + (1 << 20) + 4096 && (flags & MOCK_PFN_HUGE_IOVA),
	       "the aligned middle went in as a 1 MiB page");
	report(mock_map_calls() - calls >= 3, "small head, huge middle, small tail: separate calls");
	report(iommu_iova_to_phys(d, base + (2 << 20) + 100) == pa + (2 << 20) + 100,
	       "iova_to_phys inside a huge page");
	report(iommu_unmap(d, base + MOCK_IO_PAGE_SIZE, 3 << 20) == 3 << 20 &&
	       mock_domain_entries(d) == 0, "unmap returns every byte and empties the domain");

	report(iommu_map(d, base + 100, pa, 4096, IOMMU_READ) == -EINVAL, "unaligned -> EINVAL");
	report(iommu_map(d, base, pa, 4096, 0) == -EINVAL, "no permission -> EINVAL");
	report(iommu_map(d, ~0UL - 4095, pa, 8192, IOMMU_READ) == -EOVERFLOW, "wrap -> EOVERFLOW");
	report(iommu_map(d, 0, pa, 4096, IOMMU_READ) == -ERANGE, "outside the aperture -> ERANGE");

	/* all or nothing: a failure after some pages went in leaves none */
	failpoint_arm(2);
	report(iommu_map(d, base + MOCK_IO_PAGE_SIZE, pa + MOCK_IO_PAGE_SIZE, 3 << 20,
			 IOMMU_READ) == -ENOMEM && failpoint_fired(), "a failure inside the map -> ENOMEM");
	failpoint_arm(0);
	report(mock_domain_entries(d) == 0, "the first call's pages were unmapped again");
	iommu_domain_free(d);
	mock_dev_destroy(dev);
}
