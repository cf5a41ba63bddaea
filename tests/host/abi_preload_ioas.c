// SPDX-License-Identifier: MIT
/*
 * abi-preload suite, IOAS part: areas, unmap ranges, IOVA ranges and
 * automatic IOVAs, copies and options, under each fixture variant.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/host/abi_preload.h"

KTEST(abi-preload, test_preload_ioas_destroy_and_attach)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		if (f.stdev[0]) {
			report(ioctl_destroy(f.fd, f.ioas) == -EBUSY,
			       "IOAS used by a HWPT -> EBUSY");
			report(test_cmd_mock_domain(f.fd, f.hwpt[0], NULL, NULL, NULL) == 0,
			       "a device attaches straight to the HWPT");
		} else {
			report(test_cmd_mock_domain(f.fd, f.hwpt[0], NULL, NULL, NULL) == -ENOENT,
			       "no HWPT -> ENOENT");
			report(map_fixed(f.fd, f.ioas, buffer, PSZ, f.base) == 0, "map");
			report(ioctl_destroy(f.fd, f.ioas) == 0,
			       "an IOAS with areas can be destroyed");
		}
		for (int i = 0; i < 10 && f.stdev[0]; i++)
			map_fixed(f.fd, f.ioas, buffer, PSZ, f.base + i * PSZ);
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_area)
{
	uint64_t len;
	struct fx f;

	FOR_VARIANTS(&f, v) {
		int bad = 0;

		for (int i = 0; i < 10; i++)
			bad += ioctl_ioas_unmap(f.fd, f.ioas, i * PSZ, PSZ, NULL) != -ENOENT;
		report(!bad, "unmap of nothing -> ENOENT");
		for (int i = 0; i < 10; i++)
			bad += map_fixed(f.fd, f.ioas, buffer, PSZ, f.base + i * PSZ) != 0;
		for (int i = 0; i < 10; i++)
			bad += ioctl_ioas_unmap(f.fd, f.ioas, f.base + i * PSZ, PSZ, NULL) != 0;
		report(!bad, "ten one-page maps and unmaps");
		map_fixed(f.fd, f.ioas, buffer, 2 * PSZ, f.base + 16 * PSZ);
		report(ioctl_ioas_unmap(f.fd, f.ioas, f.base + 16 * PSZ, PSZ, NULL) == -ENOENT &&
		       ioctl_ioas_unmap(f.fd, f.ioas, f.base + 17 * PSZ, PSZ, NULL) == -ENOENT,
		       "unmap splitting an area -> ENOENT");
		report(map_fixed(f.fd, f.ioas, buffer, 2 * PSZ, f.base + 16 * PSZ) == -EEXIST &&
		       map_fixed(f.fd, f.ioas, buffer, PSZ, f.base + 17 * PSZ) == -EEXIST &&
		       map_fixed(f.fd, f.ioas, buffer, 2 * PSZ, f.base + 15 * PSZ) == -EEXIST &&
		       map_fixed(f.fd, f.ioas, buffer, 3 * PSZ, f.base + 15 * PSZ) == -EEXIST,
		       "maps over an area -> EEXIST");
		report(ioctl_ioas_unmap(f.fd, f.ioas, 0, UINT64_MAX, &len) == 0 && len == 2 * PSZ,
		       "unmap all returns the bytes unmapped");
		report(ioctl_ioas_unmap(f.fd, f.ioas, 0, UINT64_MAX, &len) == 0 && len == 0,
		       "unmap all of nothing succeeds");
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_unmap_fully_contained_areas)
{
	uint64_t len;
	struct fx f;

	FOR_VARIANTS(&f, v) {
		f.base += 4 * PSZ;
		for (int i = 0; i != 4; i++)
			map_fixed(f.fd, f.ioas, buffer, 8 * PSZ, f.base + i * 16 * PSZ);
		report(ioctl_ioas_unmap(f.fd, f.ioas, f.base - 4 * PSZ, 8 * PSZ, NULL) == -ENOENT,
		       "range cutting the first area -> ENOENT");
		report(ioctl_ioas_unmap(f.fd, f.ioas, f.base + 3 * 16 * PSZ + 4 * PSZ, 8 * PSZ,
					NULL) == -ENOENT,
		       "range cutting the last area -> ENOENT");
		report(ioctl_ioas_unmap(f.fd, f.ioas, f.base - 4 * PSZ, 3 * 16 * PSZ + 12 * PSZ,
					&len) == 0 &&
		       len == 32 * PSZ, "a range holding whole areas unmaps them all");
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_iova_ranges)
{
	struct iommu_iova_range r[4];
	struct fx f;
	uint32_t n;

	FOR_VARIANTS(&f, v) {
		n = 4;
		report(ioctl_ioas_iova_ranges(f.fd, f.ioas, r, &n, NULL) == 0 && n == 1,
		       "one range");
		if (f.stdev[0])
			report(r[0].start == MOCK_APERTURE_START && r[0].last == MOCK_APERTURE_LAST,
			       "the mock aperture");
		else
			report(r[0].start == 0 && r[0].last == SIZE_MAX, "the whole space");
		memset(r, 0, sizeof(r));
		n = 0;
		report(ioctl_ioas_iova_ranges(f.fd, f.ioas, r, &n, NULL) == -EMSGSIZE && n == 1 &&
		       !r[0].last,
		       "no room -> EMSGSIZE, count 1, nothing written");
		test_cmd_add_reserved(f.fd, f.ioas, PSZ, PSZ);
		n = 1;
		if (f.stdev[0]) {
			report(ioctl_ioas_iova_ranges(f.fd, f.ioas, r, &n, NULL) == 0 && n == 1,
			       "reserved outside the aperture changes nothing");
		} else {
			report(ioctl_ioas_iova_ranges(f.fd, f.ioas, r, &n, NULL) == -EMSGSIZE &&
			       n == 2 &&
			       r[0].start == 0 && r[0].last == PSZ - 1 && r[1].last == 0,
			       "two ranges, room for one: first filled, EMSGSIZE, count 2");
		}
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_area_auto_iova)
{
	struct iommu_iova_range range;
	struct iommu_ioas_allow_iovas allow = { .size = sizeof(allow), .num_iovas = 1,
						.allowed_iovas = (uintptr_t)&range };
	uint64_t iovas[10];
	struct fx f;

	FOR_VARIANTS(&f, v) {
		const uint64_t res_start = 4 * PSZ, res_len = 100 * PSZ;
		int bad = 0;

		allow.ioas_id = f.ioas;
		for (int i = 0; i != 10; i++) {
			uint64_t len = PSZ * (i + 1);

			iovas[i] = 0;
			bad += ioctl_ioas_map(f.fd, f.ioas, f.stdev[0] ? buffer : (void *)(1UL << 31),
					      len, &iovas[i], RWF) != 0;
			bad += iovas[i] % (1UL << __builtin_ctzl(len)) != 0;
		}
		for (int i = 0; i != 10; i++)
			bad += ioctl_ioas_unmap(f.fd, f.ioas, iovas[i], PSZ * (i + 1), NULL) != 0;
		report(!bad, "automatic IOVAs are aligned to the length's low bit");
		test_cmd_add_reserved(f.fd, f.ioas, res_start, res_len);
		for (int i = 0; i != 10; i++) {
			iovas[i] = 0;
			bad += ioctl_ioas_map(f.fd, f.ioas, buffer, PSZ * (i + 1), &iovas[i],
					       RWF) != 0;
			bad += iovas[i] + PSZ * (i + 1) > res_start &&
			       iovas[i] < res_start + res_len;
		}
		for (int i = 0; i != 10; i++)
			bad += ioctl_ioas_unmap(f.fd, f.ioas, iovas[i], PSZ * (i + 1), NULL) != 0;
		report(!bad, "automatic IOVAs avoid a reserved range");
		range.start = PSZ;
		range.last = 600 * PSZ;
		report(libc_ioctl(f.fd, IOMMU_IOAS_ALLOW_IOVAS, &allow) == -EADDRINUSE,
		       "allowed range over a reserved one -> EADDRINUSE");
		range.start = f.stdev[0] ? MOCK_APERTURE_START + PSZ : 200 * PSZ;
		range.last = range.start + 599 * PSZ - 1;
		report(libc_ioctl(f.fd, IOMMU_IOAS_ALLOW_IOVAS, &allow) == 0, "allow a window");
		for (int i = 0; i != 10; i++) {
			uint64_t len = PSZ * (i + 1);

			iovas[i] = 0;
			bad += ioctl_ioas_map(f.fd, f.ioas, buffer, len, &iovas[i], RWF) != 0;
			bad += iovas[i] < range.start || iovas[i] + len - 1 > range.last;
		}
		report(!bad, "automatic IOVAs come from the allowed window");
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_copy_area_and_sweep)
{
	struct iommu_ioas_copy c = { .size = sizeof(c), .flags = IOMMU_IOAS_MAP_FIXED_IOVA | RWF,
				     .length = MOCK_PSZ };
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint64_t last = MOCK_APERTURE_START + BUF_SIZE - (f.stdev[0] ? 1 : 2);
		uint32_t dst = ioas_alloc(f.fd);
		int bad = 0;

		map_fixed(f.fd, f.ioas, buffer, last - MOCK_APERTURE_START + 1,
			  MOCK_APERTURE_START);
		c.src_ioas_id = f.ioas;
		c.dst_ioas_id = dst;
		c.dst_iova = MOCK_APERTURE_START;
		for (uint64_t iova = MOCK_APERTURE_START - PSZ; iova <= last; iova += 511) {
			int expect = iova < MOCK_APERTURE_START || iova + c.length - 1 > last ?
				     -ENOENT : 0;

			c.src_iova = iova;
			bad += libc_ioctl(f.fd, IOMMU_IOAS_COPY, &c) != expect;
			if (!expect)
				bad += ioctl_ioas_unmap(f.fd, dst, c.dst_iova, c.length, NULL) != 0;
		}
		report(!bad, "copy of covered ranges works, uncovered -> ENOENT");
		c.src_iova = MOCK_APERTURE_START;
		c.dst_ioas_id = f.ioas;
		c.dst_iova = MOCK_APERTURE_START + 2 * BUF_SIZE;
		report(libc_ioctl(f.fd, IOMMU_IOAS_COPY, &c) == 0, "copy inside one IOAS");
		report(ioctl_destroy(f.fd, dst) == 0, "destroy the destination IOAS");
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_iova_alloc_lengths)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		int bad = 0;

		for (uint64_t len = 1; len != PSZ * 2; len++) {
			uint64_t iova = 0;
			int e = ioctl_ioas_map(f.fd, f.ioas, buffer, len, &iova, RWF);

			if (v->domains && len % MOCK_PSZ) {
				bad += e != -EINVAL;
			} else {
				bad += e != 0;
				bad += ioctl_ioas_unmap(f.fd, f.ioas, iova, len, NULL) != 0;
			}
		}
		report(!bad, "every length maps, except non-IO-page multiples with a domain");
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_option_huge_pages_and_align)
{
	struct iommu_option c = { .size = sizeof(c), .option_id = IOMMU_OPTION_HUGE_PAGES,
				  .op = IOMMU_OPTION_OP_GET, .val64 = 3 };
	struct fx f;

	FOR_VARIANTS(&f, v) {
		c.object_id = f.ioas;
		c.op = IOMMU_OPTION_OP_GET;
		report(libc_ioctl(f.fd, IOMMU_OPTION, &c) == 0 && c.val64 == 1,
		       "huge pages on by default");
		c.op = IOMMU_OPTION_OP_SET;
		c.val64 = 2;
		report(libc_ioctl(f.fd, IOMMU_OPTION, &c) == -EINVAL, "value 2 -> EINVAL");
		if (!v->domains) {
			map_fixed(f.fd, f.ioas, buffer, PSZ, MOCK_APERTURE_START);
			c.val64 = 0;
			report(libc_ioctl(f.fd, IOMMU_OPTION, &c) == 0, "off with aligned areas");
			report(map_fixed(f.fd, f.ioas, buffer + MOCK_PSZ, PSZ,
					 MOCK_APERTURE_START + PSZ) == -EINVAL,
			       "then a misaligned map -> EINVAL");
			c.val64 = 1;
			libc_ioctl(f.fd, IOMMU_OPTION, &c);
			map_fixed(f.fd, f.ioas, buffer + MOCK_PSZ, PSZ, MOCK_APERTURE_START + PSZ);
			c.val64 = 0;
			report(libc_ioctl(f.fd, IOMMU_OPTION, &c) == -EADDRINUSE,
			       "off with a misaligned area -> EADDRINUSE");
		}
		fx_teardown(&f);
	}
}
