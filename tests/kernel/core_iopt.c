// SPDX-License-Identifier: MIT
/*
 * core suite: the io_pagetable through the ioctls. Map and unmap rules and
 * their errnos, the top of the address space, IOVA allocation (alignment,
 * allowed, reserved, apertures), and overflow-proof allocation.
 */
#include "tests/kernel/core_util.h"

#define PG PAGE_SIZE

KTEST(core, test_core_map_errnos)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd);
	void *buf = t_buf(4 * PG);
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA,
				    .ioas_id = ioas, .user_va = U(buf), .length = PG,
				    .iova = 16 * PG };

	m.flags |= 1u << 3;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EOPNOTSUPP, "unknown flag -> EOPNOTSUPP");
	m.flags &= ~(1u << 3);
	m.__reserved = 1;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EOPNOTSUPP, "__reserved set -> EOPNOTSUPP");
	m.__reserved = 0;
	m.iova = ULONG_MAX;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EOVERFLOW, "iova ULONG_MAX -> EOVERFLOW");
	m.iova = 16 * PG;
	m.length = ULONG_MAX;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EOVERFLOW, "length ULONG_MAX -> EOVERFLOW");
	m.length = PG;
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EINVAL && iommufd_pinned_pages() == 0,
	       "neither READABLE nor WRITEABLE -> EINVAL, nothing pinned (class 10)");
	m.flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA;
	m.ioas_id = 77;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -ENOENT, "no such IOAS -> ENOENT");
	m.ioas_id = ioas;
	m.length = 0;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EINVAL, "length 0 -> EINVAL");
	m.length = 2 * PG;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == 0, "map 2 pages at 16 pages");
	m.iova = 17 * PG;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EEXIST, "overlapping map -> EEXIST");
	m.iova = 15 * PG;
	m.length = PG;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == 0, "adjacent map below is fine");
	report(t_add_reserved(fd, ioas, 100 * PG, PG) == 0, "reserve a page");
	m.iova = 100 * PG;
	report(t_ioctl(fd, IOMMU_IOAS_MAP, &m) == -EINVAL, "fixed IOVA in a reserved range -> EINVAL");
	report(t_add_reserved(fd, ioas, 16 * PG, PG) == -EADDRINUSE,
	       "reserving a mapped range -> EADDRINUSE");
	report(t_add_reserved(fd, ioas, 0, 0) == -EINVAL, "reserving nothing -> EINVAL");
	t_close(fd);
	t_buf_free(buf, 4 * PG);
}

/* Class 12: unmap only whole areas; ENOENT otherwise, with Linux's in-order rule. */
KTEST(core, test_core_unmap_errnos)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd);
	void *buf = t_buf(16 * PG);
	u64 n = 0;

	t_map_fixed(fd, ioas, buf, 16 * PG, 0x100000);
	report(t_unmap(fd, ioas, 0x100000 + 4 * PG, 4 * PG, NULL) == -ENOENT,
	       "unmap cutting an area -> ENOENT");
	report(t_unmap(fd, ioas, 0x200000, PG, NULL) == -ENOENT, "unmap of a hole -> ENOENT");
	report(t_unmap(fd, ioas, 0x100000, 0, NULL) == -EINVAL, "length 0 -> EINVAL");
	report(t_unmap(fd, ioas, ~0UL - PG + 1, 2 * PG, NULL) == -EOVERFLOW,
	       "range wrapping the top -> EOVERFLOW");
	report(t_unmap(fd, ioas, ULONG_MAX, 1, NULL) == -EOVERFLOW, "iova ULONG_MAX -> EOVERFLOW");
	report(t_unmap(fd, ioas, 0x100000, 16 * PG, &n) == 0 && n == 16 * PG,
	       "the exact area unmaps, length returns the bytes");
	/* areas are taken in IOVA order; one sticking out stops the walk */
	t_map_fixed(fd, ioas, buf, PG, 0x100000);
	t_map_fixed(fd, ioas, buf, 2 * PG, 0x100000 + PG);
	report(t_unmap(fd, ioas, 0x100000, 2 * PG, NULL) == -ENOENT,
	       "range ending inside the second area -> ENOENT");
	report(t_unmap(fd, ioas, 0x100000, PG, NULL) == -ENOENT,
	       "the first area went already, as Linux does before the ENOENT");
	report(t_unmap(fd, ioas, 0, U64_MAX, &n) == 0 && n == 2 * PG, "unmap all gets the rest");
	report(t_unmap(fd, ioas, 0, U64_MAX, &n) == 0 && n == 0, "unmap all of nothing -> 0");
	t_close(fd);
	t_buf_free(buf, 16 * PG);
}

/* The last page of the 64-bit space is mappable; nothing wraps. */
KTEST(core, test_core_top_of_address_space)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd);
	void *buf = t_buf(2 * PG);
	struct iommu_iova_range r[2];
	u32 num = 2;
	u64 n = 0, iova = 0;

	report(t_map_fixed(fd, ioas, buf, PG, ~0UL - PG + 1) == 0, "map the last page");
	report(t_map_fixed(fd, ioas, buf, 2 * PG, ~0UL - PG + 1) == -EOVERFLOW,
	       "two pages from the last page -> EOVERFLOW");
	report(t_ranges(fd, ioas, r, &num, NULL) == 0 && num == 1 && r[0].start == 0 &&
	       r[0].last == U64_MAX, "IOVA range is still [0, UINT64_MAX]");
	report(t_map(fd, ioas, (void *)(uintptr_t)(~0ULL - PG + 1), 2 * PG, &iova, 0) ==
	       -EOVERFLOW, "user VA range wrapping the top -> EOVERFLOW (class 17)");
	report(t_map(fd, ioas, buf, 1UL << 63, &iova, 0) == -EOVERFLOW,
	       "automatic IOVA for 2^63 bytes -> EOVERFLOW (class 11)");
	report(t_map(fd, ioas, buf, PG, &iova, 0) == 0 && iova >= PG && iova <= ~0UL - 2 * PG + 1,
	       "automatic IOVAs avoid the first and the last page (%#llx)",
	       (unsigned long long)iova);
	report(t_unmap(fd, ioas, ~0UL - PG + 1, PG, &n) == 0 && n == PG, "unmap the last page");
	t_close(fd);
	t_buf_free(buf, 2 * PG);
}

/* Class 11: allocation near the top never wraps into a small bogus IOVA. */
KTEST(core, test_core_iova_alloc_no_wrap)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd);
	void *buf = t_buf(4 * PG);
	struct iommu_iova_range top = { .start = ~0ULL - (1ULL << 19) + 1, .last = ~0ULL - PG };
	u64 iova = 0;

	report(t_allow(fd, ioas, &top, 1) == 0, "allow only the top 512 KiB");
	/* 16 KiB aligned buffer: 16 KiB alignment fits below the top */
	report(t_map(fd, ioas, buf, 4 * PG, &iova, 0) == 0 && iova >= top.start &&
	       iova + 4 * PG - 1 <= top.last, "allocation inside the top window");
	report(t_unmap(fd, ioas, iova, 4 * PG, NULL) == 0, "unmap");
	top.start = ~0ULL - 3 * PG + 1;
	top.last = ~0ULL - PG;
	report(t_allow(fd, ioas, &top, 1) == 0, "allow the last two pages before the top page");
	report(t_map(fd, ioas, buf, 4 * PG, &iova, 0) == -ENOSPC,
	       "4 pages cannot fit: ENOSPC, not a wrapped IOVA");
	t_close(fd);
	t_buf_free(buf, 4 * PG);
}

/*
 * Automatic IOVAs keep the user VA's alignment only up to 2 MiB, Linux's
 * HPAGE_SIZE (x86-64 with THP): a big map from a very aligned VA must not
 * ask for a 1 GiB-aligned hole. No domain, so the VA is never touched.
 */
KTEST(core, test_core_iova_alloc_alignment_capped_at_2m)
{
	const void *va = (const void *)(uintptr_t)(1ULL << 40);
	struct iommu_iova_range win = { .start = MOCK_APERTURE_START,
					.last = MOCK_APERTURE_LAST };
	int fd = t_open();
	u32 ioas = t_ioas(fd);
	u64 iova = 0;
	int ret;

	ret = t_map(fd, ioas, va, 64UL << 20, &iova, 0);
	report(ret == 0 && iova == 2UL << 20, "64 MiB from a 1 TiB-aligned VA lands at 2 MiB (%d, %#llx)",
	       ret, (unsigned long long)iova);
	report(t_unmap(fd, ioas, iova, 64UL << 20, NULL) == 0, "unmap it");
	report(t_map(fd, ioas, va, 3 * PG, &iova, 0) == 0 && iova == 4 * PG,
	       "3 pages still ask for 4-page alignment (%#llx)", (unsigned long long)iova);
	report(t_unmap(fd, ioas, iova, 3 * PG, NULL) == 0, "unmap it");
	report(t_allow(fd, ioas, &win, 1) == 0, "allow only the mock aperture [16 MiB, 2 GiB)");
	report(t_map(fd, ioas, va, 3UL << 29, &iova, 0) == 0 && iova == MOCK_APERTURE_START,
	       "1.5 GiB fits at 16 MiB, not ENOSPC for want of a 2 GiB-aligned hole");
	t_close(fd);
}

/* A tiny universe where every allowed/reserved/area layout can be checked by brute force. */
#define UNIV 64			/* pages */
#define UBASE (1UL << 30)

static bool page_free(const bool *allowed, const bool *used, u64 first, u64 n)
{
	for (u64 p = first; p < first + n; p++)
		if (p >= UNIV || !allowed[p] || used[p])
			return false;
	return true;
}

/*
 * Random allowed and reserved ranges and existing areas; every automatic
 * allocation must be aligned, allowed, unreserved and unused, and ENOSPC
 * must mean that no aligned spot exists.
 */
KTEST(core, test_core_iova_alloc_random_vs_brute_force)
{
	void *buf = t_buf(8 * PG);
	int bad = 0, allocs = 0, nospc = 0;

	for (int round = 0; round < 60; round++) {
		static bool allowed[UNIV], used[UNIV];
		struct iommu_iova_range r[4];
		int fd = t_open(), nr = 0;
		u32 ioas = t_ioas(fd);

		memset(used, 0, sizeof(used));
		for (int i = 0; i < UNIV; i++)
			allowed[i] = false;
		for (int i = 0; i < 4; i++) {
			u64 s = ktest_rand() % UNIV, e = s + ktest_rand() % 24;

			e = min(e, (u64)UNIV - 1);
			if (i && r[nr - 1].last >= UBASE + s * PG)
				continue;
			r[nr].start = UBASE + s * PG;
			r[nr].last = UBASE + (e + 1) * PG - 1;
			for (u64 p = s; p <= e; p++)
				allowed[p] = true;
			nr++;
		}
		if (t_allow(fd, ioas, r, nr)) {
			bad++;	/* sorted, disjoint ranges: must be accepted */
			t_close(fd);
			continue;
		}
		for (int i = 0; i < 3; i++) {
			u64 s = ktest_rand() % UNIV;

			if (!allowed[s] || t_map_fixed(fd, ioas, buf, PG, UBASE + s * PG))
				continue;
			used[s] = true;
		}
		for (int i = 0; i < 8; i++) {
			u64 n = 1 + ktest_rand() % 8, iova = 0, align = 1;
			int ret = t_map(fd, ioas, buf, n * PG, &iova, 0);
			bool fits = false;

			while (align < n)
				align <<= 1;
			align = min(align, 8UL);	/* buf is only 8-page aligned at best */
			for (u64 p = 0; p < UNIV; p++)
				fits |= (UBASE / PG + p) % align == 0 && page_free(allowed, used, p, n);
			if (ret == 0) {
				u64 p = (iova - UBASE) / PG;

				allocs++;
				bad += iova < UBASE || iova % PG || !page_free(allowed, used, p, n);
				for (u64 q = p; q < p + n && q < UNIV; q++)
					used[q] = true;
			} else {
				nospc++;
				bad += ret != -ENOSPC || (fits && ((U(buf) / PG) % align) == 0);
			}
		}
		t_close(fd);
	}
	report(bad == 0, "%d allocations valid, %d ENOSPC only when nothing fits", allocs, nospc);
	t_buf_free(buf, 8 * PG);
}

KTEST(core, test_core_iova_ranges_and_emsgsize)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd), num;
	struct iommu_iova_range r[4];
	u64 align = 0;

	memset(r, 0xa5, sizeof(r));
	t_add_reserved(fd, ioas, PG, PG);
	t_add_reserved(fd, ioas, 10 * PG, 5 * PG);
	num = 2;
	report(t_ranges(fd, ioas, r, &num, &align) == -EMSGSIZE && num == 3,
	       "three holes, room for two: EMSGSIZE with the count");
	report(r[0].start == 0 && r[0].last == PG - 1 && r[1].start == 2 * PG &&
	       r[1].last == 10 * PG - 1, "the two that fit are filled");
	report(r[2].start == 0xa5a5a5a5a5a5a5a5ULL, "nothing written past the user's array");
	num = 4;
	report(t_ranges(fd, ioas, r, &num, &align) == 0 && num == 3 && r[2].start == 15 * PG &&
	       r[2].last == U64_MAX && align == 1, "enough room: all three, alignment 1");
	num = 1;
	report(t_ranges(fd, ioas, (void *)(uintptr_t)t_unmapped(PG), &num, NULL) == -EFAULT,
	       "bad array pointer -> EFAULT");
	t_close(fd);
}

KTEST(core, test_core_allow_iovas_rules)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd);
	void *buf = t_buf(PG);
	struct iommu_iova_range r[2] = { { 0x100000, 0x1fffff }, { 0x180000, 0x2fffff } };
	u64 iova = 0;

	report(t_allow(fd, ioas, r, 2) == -EINVAL, "overlapping allowed ranges -> EINVAL");
	r[1].start = r[1].last = 0x300000;
	report(t_allow(fd, ioas, r, 2) == -EINVAL, "start == last -> EINVAL");
	report(t_allow(fd, ioas, (void *)(uintptr_t)t_unmapped(PG), 1) == -EFAULT,
	       "bad pointer -> EFAULT");
	report(t_allow(fd, ioas, r, 1) == 0, "one range");
	report(t_map(fd, ioas, buf, PG, &iova, 0) == 0 && iova >= 0x100000 && iova <= 0x1fffff,
	       "allocation inside it");
	t_add_reserved(fd, ioas, 0x400000, PG);
	r[1].start = 0x3ff000;
	r[1].last = 0x4fffff;
	report(t_allow(fd, ioas, r, 2) == -EADDRINUSE, "allowed over reserved -> EADDRINUSE");
	iova = 0;
	report(t_map(fd, ioas, buf, PG, &iova, 0) == 0 && iova >= 0x100000 && iova <= 0x1fffff,
	       "a failed update keeps the old allowed set");
	report(t_allow(fd, ioas, NULL, 0) == 0, "zero ranges clear it");
	report(t_add_reserved(fd, ioas, 0x150000, PG) == 0, "reserve where it was allowed");
	t_close(fd);
	t_buf_free(buf, PG);
}

/* Reserved IOVA of a device (class 13) and the aperture of its domain. */
KTEST(core, test_core_reserved_regions_and_aperture)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd), hwpt, stdev, num = 4;
	void *buf = t_buf(PG);
	struct iommu_iova_range r[4];
	u64 align, iova = 0;

	t_map_fixed(fd, ioas, buf, PG, 4096);
	report(t_mock_domain(fd, ioas, NULL, NULL, NULL) == -EADDRINUSE,
	       "a device whose aperture excludes a mapped IOVA -> EADDRINUSE");
	t_unmap(fd, ioas, 0, U64_MAX, NULL);
	report(t_mock_domain(fd, ioas, &stdev, &hwpt, NULL) == 0, "then it attaches");
	report(t_ranges(fd, ioas, r, &num, &align) == 0 && num == 1 &&
	       r[0].start == MOCK_APERTURE_START && r[0].last == MOCK_APERTURE_LAST &&
	       align == MOCK_PAGE_SIZE, "ranges: the aperture, alignment 2 KiB");
	report(t_map_fixed(fd, ioas, buf, PG, MOCK_APERTURE_START - PG) == -EINVAL,
	       "map below the aperture -> EINVAL");
	report(t_map_fixed(fd, ioas, buf, PG, MOCK_APERTURE_START + 1024) == -EINVAL,
	       "IOVA not 2 KiB aligned -> EINVAL");
	report(t_map(fd, ioas, buf, PG, &iova, 0) == 0 && iova >= MOCK_APERTURE_START &&
	       iova + PG - 1 <= MOCK_APERTURE_LAST, "automatic IOVA inside the aperture");
	report(t_destroy(fd, stdev) == 0, "device gone");
	num = 4;
	report(t_ranges(fd, ioas, r, &num, &align) == 0 && num == 1 && r[0].start == 0 &&
	       align == 1, "the aperture's reservations went with the domain");
	t_close(fd);
	t_buf_free(buf, PG);
}
