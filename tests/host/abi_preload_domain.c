// SPDX-License-Identifier: MIT
/*
 * abi-preload suite, domain and access part: access pins and reads/writes,
 * what reaches the mock domains, copies between IOASes, replace and HWPT
 * allocation, GET_HW_INFO.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/host/abi_preload.h"

/* Pin the first len bytes of the buffer, mapped at MOCK_APERTURE_START, through afd. */
static int pin(const struct fx *f, int afd, uint64_t len, uint32_t *id)
{
	return test_cmd_access_pages(f->fd, afd, MOCK_APERTURE_START, len, buffer, 0, id);
}

static int unpin(const struct fx *f, int afd, uint32_t id)
{
	return test_cmd_destroy_access_pages(f->fd, afd, id);
}

KTEST(abi-preload, test_preload_access_pin)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint32_t id = 0, id2 = 0, stdev, hwpt;
		int afd = -1, bad = 0;
		int made = test_cmd_create_access(f.fd, f.ioas,
						  MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);

		report(made == 0, "create a pinning access (fd %d)", afd);
		for (uint64_t n = 1; n < BUF_SIZE / PSZ; n += 3) {
			bad += map_fixed(f.fd, f.ioas, buffer, BUF_SIZE, MOCK_APERTURE_START) != 0;
			bad += pin(&f, afd, n * PSZ, &id) != 0;
			bad += unpin(&f, afd, id) != 0;
			bad += pin(&f, afd, n * PSZ, &id) != 0;
			bad += pin(&f, afd, n * PSZ, &id2) != 0;
			bad += test_cmd_check_refs(f.fd, buffer, n * PSZ, 1) != 0;
			bad += unpin(&f, afd, id2) != 0;
			bad += unpin(&f, afd, id) != 0;
			bad += pin(&f, afd, n * PSZ, &id) != 0;
			bad += test_cmd_mock_domain(f.fd, f.ioas, &stdev, &hwpt, NULL) != 0;
			bad += test_cmd_check_map(f.fd, hwpt, MOCK_APERTURE_START, buffer,
						  BUF_SIZE) != 0;
			bad += ioctl_destroy(f.fd, stdev) != 0;
			bad += unpin(&f, afd, id) != 0;
			bad += ioctl_ioas_unmap(f.fd, f.ioas, MOCK_APERTURE_START, BUF_SIZE,
						NULL) != 0;
		}
		report(!bad, "pin, double pin, pin across a domain's life, unpin");
		bad = map_fixed(f.fd, f.ioas, buffer, BUF_SIZE, MOCK_APERTURE_START) != 0;
		bad += pin(&f, afd, BUF_SIZE, &id) != 0;
		bad += ioctl_ioas_unmap(f.fd, f.ioas, MOCK_APERTURE_START, BUF_SIZE, NULL) != 0;
		report(!bad && unpin(&f, afd, id) == -ENOENT,
		       "unmap makes the access drop its pin (item gone -> ENOENT)");
		report(close(afd) == 0, "close the access fd");
		fx_teardown(&f);
	}
}

static void rw_sweep(int fd, int afd, uint64_t iova, unsigned int flags)
{
	uint16_t tmp[32], *b16 = (uint16_t *)buffer;
	int bad = 0;
	void *big;

	for (unsigned int i = 0; i != BUF_SIZE / 2; i++)
		b16[i] = (uint16_t)rand();
	for (uint64_t at = iova + PSZ - 50; at < iova + PSZ + 50; at += 7) {
		for (uint64_t len = 1; len < sizeof(tmp); len += 3) {
			bad += test_cmd_access_rw(fd, afd, at, tmp, len, flags) != 0;
			bad += memcmp(buffer + (at - iova), tmp, len) != 0;
			for (unsigned int i = 0; i != ARRAY_SIZE(tmp); i++)
				tmp[i] = (uint16_t)rand();
			bad += test_cmd_access_rw(fd, afd, at, tmp, len,
						  flags | MOCK_ACCESS_RW_WRITE) != 0;
			bad += memcmp(buffer + (at - iova), tmp, len) != 0;
		}
	}
	big = malloc(BUF_SIZE);
	bad += test_cmd_access_rw(fd, afd, iova, big, BUF_SIZE, flags) != 0 ||
	       memcmp(buffer, big, BUF_SIZE) != 0;
	free(big);
	report(!bad, "reads and writes across a page edge match the buffer (flags %u)", flags);
}

KTEST(abi-preload, test_preload_access_rw)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint64_t iova = 0;
		int afd = -1;

		test_cmd_create_access(f.fd, f.ioas, 0, &afd);
		ioctl_ioas_map(f.fd, f.ioas, buffer, BUF_SIZE, &iova, RWF);
		rw_sweep(f.fd, afd, iova, 0);
		rw_sweep(f.fd, afd, iova, MOCK_ACCESS_RW_SLOW_PATH);
		ioctl_ioas_unmap(f.fd, f.ioas, iova, BUF_SIZE, NULL);
		iova = f.base + MOCK_PSZ;
		map_fixed(f.fd, f.ioas, buffer, BUF_SIZE, iova);
		rw_sweep(f.fd, afd, iova, 0);
		ioctl_ioas_unmap(f.fd, f.ioas, iova, BUF_SIZE, NULL);
		close(afd);
		fx_teardown(&f);
	}
}

/* The mock-domain fixture: every map must reach both domains exactly. */
KTEST(abi-preload, test_preload_mock_domain_all_aligns)
{
	size_t size = 8 * PSZ;
	uint8_t *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct fx f;

	FOR_VARIANTS(&f, v) {
		int bad = test_cmd_check_refs(f.fd, buf, size, 0) != 0;

		if (!v->domains || v->limit) {
			fx_teardown(&f);
			continue;
		}
		for (size_t start = 0; start < size; start += MOCK_PSZ) {
			for (size_t end = start + MOCK_PSZ; end < size; end += MOCK_PSZ) {
				uint64_t iova = 0, len = end - start;
				size_t s = start / PSZ * PSZ, e = (end + PSZ - 1) / PSZ * PSZ;

				bad += ioctl_ioas_map(f.fd, f.ioas, buf + start, len, &iova,
						       RWF) != 0;
				for (int i = 0; i < v->domains; i++)
					bad += test_cmd_check_map(f.fd, f.hwpt[i], iova,
								  buf + start, len) != 0;
				bad += test_cmd_check_refs(f.fd, buf + s, e - s, 1) != 0;
				bad += ioctl_ioas_unmap(f.fd, f.ioas, iova, len, NULL) != 0;
			}
		}
		report(!bad && test_cmd_check_refs(f.fd, buf, size, 0) == 0,
		       "every start/length pair maps into each domain, pinned once, then unpinned");
		fx_teardown(&f);
	}
	munmap(buf, size);
}

KTEST(abi-preload, test_preload_mock_domain_efault_and_copy)
{
	size_t size = 8 * PSZ;
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint8_t *buf;
		uint64_t iova = 0;
		uint32_t stdev, hwpt;

		if (v->domains != 1 || v->limit) {
			fx_teardown(&f);
			continue;
		}
		buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(buf + size / 2, size / 2);
		report(ioctl_ioas_map(f.fd, f.ioas, buf, size, &iova, RWF) == -EFAULT,
		       "EFAULT half way through the buffer");
		munmap(buf, size / 2);
		report(ioctl_ioas_map(f.fd, f.ioas, buf, size, &iova, RWF) == -EFAULT,
		       "EFAULT on the first page");
		buf = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		report(ioctl_ioas_map(f.fd, f.ioas, buf, PSZ, &iova, RWF) == -EFAULT,
		       "device-writable map of read-only memory -> EFAULT");
		report(ioctl_ioas_map(f.fd, f.ioas, buf, PSZ, &iova,
				      IOMMU_IOAS_MAP_READABLE) == 0 &&
		       test_cmd_check_map(f.fd, f.hwpt[0], iova, buf, PSZ) == 0,
		       "read-only map of read-only memory works");
		munmap(buf, size);
		/* add a domain while areas exist: it must get every mapping */
		iova = 0;
		ioctl_ioas_map(f.fd, f.ioas, buffer, BUF_SIZE, &iova, RWF);
		report(test_cmd_mock_domain(f.fd, f.ioas, &stdev, &hwpt, NULL) == 0 &&
		       test_cmd_check_map(f.fd, hwpt, iova, buffer, BUF_SIZE) == 0 &&
		       test_cmd_check_refs(f.fd, buffer, BUF_SIZE, 1) == 0,
		       "a later device's domain holds the IOAS's mappings, pages pinned once");
		report(ioctl_destroy(f.fd, stdev) == 0, "destroy that device");
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_user_copy)
{
	struct iommu_ioas_copy c = { .size = sizeof(c), .flags = IOMMU_IOAS_MAP_FIXED_IOVA | RWF,
				     .dst_iova = MOCK_APERTURE_START, .length = BUF_SIZE };
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint32_t src, id = 0, id2 = 0;
		uint64_t src_iova = 0;
		int afd = -1, bad = 0;

		if (v->domains != 1 || v->limit) {
			fx_teardown(&f);
			continue;
		}
		src = ioas_alloc(f.fd);
		bad += ioctl_ioas_map(f.fd, src, buffer, BUF_SIZE, &src_iova, RWF) != 0;
		c.src_iova = src_iova;
		bad += test_cmd_create_access(f.fd, src, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
					      &afd) != 0;
		bad += test_cmd_access_pages(f.fd, afd, c.src_iova, BUF_SIZE, buffer, 0, &id) != 0;
		c.src_ioas_id = src;
		c.dst_ioas_id = f.ioas;
		bad += libc_ioctl(f.fd, IOMMU_IOAS_COPY, &c) != 0;
		bad += test_cmd_check_map(f.fd, f.hwpt[0], MOCK_APERTURE_START, buffer,
					  BUF_SIZE) != 0;
		bad += test_cmd_check_refs(f.fd, buffer, BUF_SIZE, 1) != 0;
		report(!bad, "pages pinned by an access in a domain-less IOAS copy into a domain");
		bad += ioctl_ioas_unmap(f.fd, f.ioas, MOCK_APERTURE_START, BUF_SIZE, NULL) != 0;
		bad += test_cmd_destroy_access_pages(f.fd, afd, id) != 0;
		bad += test_cmd_access_pages(f.fd, afd, c.src_iova, BUF_SIZE, buffer, 0, &id2) != 0;
		report(!bad, "after unmapping the copy the access still works");
		close(afd);
		report(ioctl_destroy(f.fd, src) == 0,
		       "the source IOAS goes once the access is closed");
		fx_teardown(&f);
	}
}

static int replace(int fd, uint32_t stdev, uint32_t pt)
{
	return test_cmd_mock_domain_replace(fd, stdev, &pt);
}

KTEST(abi-preload, test_preload_replace_and_alloc_hwpt)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint32_t ioas2, h0 = 0, h1 = 0, stdev;
		int bad = 0;

		if (!v->domains || v->limit) {
			fx_teardown(&f);
			continue;
		}
		ioas2 = ioas_alloc(f.fd);
		report(replace(f.fd, f.stdev[0], ioas2) == 0, "replace onto another IOAS");
		if (v->domains == 1)
			report(replace(f.fd, f.stdev[0], f.hwpt[0]) == -ENOENT,
			       "the old automatic HWPT died with its last device");
		report(replace(f.fd, f.stdev[0], f.ioas) == 0, "and back");
		bad += ioctl_hwpt_alloc(f.fd, f.idev[0], f.ioas, ~IOMMU_HWPT_ALLOC_NEST_PARENT,
					&h0) != -EOPNOTSUPP;
		bad += ioctl_hwpt_alloc(f.fd, f.idev[0], f.ioas, 0, &h0) != 0;
		bad += ioctl_hwpt_alloc(f.fd, f.idev[0], f.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
					&h1) != 0;
		bad += replace(f.fd, f.stdev[0], h0) != 0;
		bad += ioctl_destroy(f.fd, h0) != -EBUSY;
		bad += replace(f.fd, f.stdev[0], h1) != 0;
		bad += ioctl_destroy(f.fd, h1) != -EBUSY;
		bad += replace(f.fd, f.stdev[0], f.ioas) != 0;
		bad += ioctl_destroy(f.fd, h1) != 0;
		bad += test_cmd_mock_domain(f.fd, h0, &stdev, NULL, NULL) != 0;
		bad += ioctl_destroy(f.fd, stdev) != 0;
		bad += ioctl_destroy(f.fd, h0) != 0;
		report(!bad, "HWPT rotation: allocated HWPTs busy while used, free after");
		report(ioctl_destroy(f.fd, ioas2) == 0, "the spare IOAS is free again");
		fx_teardown(&f);
	}
}

KTEST(abi-preload, test_preload_get_hw_info)
{
	struct iommu_test_hw_info exact;
	struct {
		struct iommu_test_hw_info info;
		uint64_t trailing;
	} larger;
	struct iommu_hw_info c = { .size = sizeof(c) };
	struct fx f;

	FOR_VARIANTS(&f, v) {
		c.dev_id = f.idev[0];
		c.data_uptr = (uintptr_t)&exact;
		c.data_len = sizeof(exact);
		if (!f.idev[0]) {
			report(libc_ioctl(f.fd, IOMMU_GET_HW_INFO, &c) == -ENOENT,
			       "no device -> ENOENT");
			fx_teardown(&f);
			continue;
		}
		report(libc_ioctl(f.fd, IOMMU_GET_HW_INFO, &c) == 0 &&
		       c.out_data_type == IOMMU_HW_INFO_TYPE_SELFTEST &&
		       exact.test_reg == IOMMU_HW_INFO_SELFTEST_REGVAL, "self-test info");
		memset(&larger, 0xa5, sizeof(larger));
		c.data_uptr = (uintptr_t)&larger;
		c.data_len = sizeof(larger);
		report(libc_ioctl(f.fd, IOMMU_GET_HW_INFO, &c) == 0 && larger.trailing == 0 &&
		       c.data_len == sizeof(exact), "a larger buffer is zero-filled past the data");
		c.data_len = 0;
		c.data_uptr = 0;
		report(libc_ioctl(f.fd, IOMMU_GET_HW_INFO, &c) == 0 && c.data_len == sizeof(exact),
		       "a zero-length buffer learns the size");
		fx_teardown(&f);
	}
}
