// SPDX-License-Identifier: MIT
/*
 * abi-preload suite: a Linux-style iommufd self-test program. It knows only
 * <linux/iommufd.h>, iommufd_test.h, <linux/vfio.h> and libc (open, ioctl,
 * close, mmap) and runs unmodified under LD_PRELOAD=libiommufd-host.so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include "iommufd_test.h"
#include "tests/ktest.h"

#define PSZ 4096UL
#define MOCK_PSZ (PSZ / 2)
#define BUF_SIZE (16 * PSZ)
#define RWF (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

static uint8_t *buffer;

/* 2 MiB aligned, like Linux's test buffer: automatic IOVAs keep its alignment. */
static void __attribute__((constructor)) setup_buffer(void)
{
	uint8_t *p = mmap(NULL, 4UL << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		abort();
	buffer = (uint8_t *)(((uintptr_t)p + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	if (mmap(buffer, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != buffer)
		abort();
}

/* errno of a failed ioctl, 0 on success. */
static int err(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

struct fx {
	int fd;
	uint32_t ioas, stdev[2], hwpt[2], idev[2];
	uint64_t base;
};

static int test_cmd(int fd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return err(fd, IOMMU_TEST_CMD, cmd);
}

static int mock_domain(int fd, uint32_t pt, uint32_t *stdev, uint32_t *hwpt, uint32_t *idev)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = pt };
	int e = test_cmd(fd, &c);

	if (!e && stdev)
		*stdev = c.mock_domain.out_stdev_id;
	if (!e && hwpt)
		*hwpt = c.mock_domain.out_hwpt_id;
	if (!e && idev)
		*idev = c.mock_domain.out_idev_id;
	return e;
}

static uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc c = { .size = sizeof(c) };

	return err(fd, IOMMU_IOAS_ALLOC, &c) ? 0 : c.out_ioas_id;
}

static int map(int fd, uint32_t ioas, void *p, uint64_t len, uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map c = { .size = sizeof(c), .flags = flags, .ioas_id = ioas,
				    .user_va = (uintptr_t)p, .length = len, .iova = *iova };
	int e = err(fd, IOMMU_IOAS_MAP, &c);

	*iova = c.iova;
	return e;
}

static int map_fixed(int fd, uint32_t ioas, void *p, uint64_t len, uint64_t iova)
{
	return map(fd, ioas, p, len, &iova, RWF | IOMMU_IOAS_MAP_FIXED_IOVA);
}

static int unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len, uint64_t *out)
{
	struct iommu_ioas_unmap c = { .size = sizeof(c), .ioas_id = ioas, .iova = iova,
				      .length = len };
	int e = err(fd, IOMMU_IOAS_UNMAP, &c);

	if (out)
		*out = c.length;
	return e;
}

static int destroy(int fd, uint32_t id)
{
	struct iommu_destroy c = { .size = sizeof(c), .id = id };

	return err(fd, IOMMU_DESTROY, &c);
}

static int check_refs(int fd, void *p, uint64_t len, uint32_t refs)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_MD_CHECK_REFS,
				    .check_refs = { .length = len, .uptr = (uintptr_t)p,
						    .refs = refs } };

	return test_cmd(fd, &c);
}

static int check_map(int fd, uint32_t hwpt, uint64_t iova, void *p, uint64_t len)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_MD_CHECK_MAP, .id = hwpt,
				    .check_map = { .iova = iova, .length = len,
						   .uptr = (uintptr_t)p } };

	return test_cmd(fd, &c);
}

static int memory_limit(int fd, uint32_t limit)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
				    .memory_limit = { .limit = limit } };

	return test_cmd(fd, &c);
}

/* The IOAS fixture: no, one or two mock domains, or one with a tiny batch limit. */
static const struct variant {
	const char *name;
	int domains;
	uint32_t limit;
} variants[] = {
	{ "no_domain", 0, 0 },
	{ "mock_domain", 1, 0 },
	{ "two_mock_domain", 2, 0 },
	{ "mock_domain_limit", 1, 16 },
};

static bool setup(struct fx *f, const struct variant *v)
{
	memset(f, 0, sizeof(*f));
	f->fd = open("/dev/iommu", O_RDWR);
	if (f->fd < 0) {
		report(false, "open /dev/iommu: errno %d", errno);
		return false;
	}
	f->ioas = ioas_alloc(f->fd);
	memory_limit(f->fd, v->limit ? v->limit : 65536);
	for (int i = 0; i < v->domains; i++) {
		if (mock_domain(f->fd, f->ioas, &f->stdev[i], &f->hwpt[i], &f->idev[i]))
			report(false, "MOCK_DOMAIN %d: errno %d", i, errno);
		f->base = MOCK_APERTURE_START;
	}
	report_prefix_push(v->name);
	return true;
}

/* Close, then check from a second fd that no page of buffer is still pinned. */
static void teardown(struct fx *f)
{
	int fd;

	memory_limit(f->fd, 65536);
	report(close(f->fd) == 0, "close");
	fd = open("/dev/iommu", O_RDWR);
	report(check_refs(fd, buffer, BUF_SIZE, 0) == 0, "no page left pinned after close");
	close(fd);
	report_prefix_pop();
}

#define FOR_VARIANTS(f, v)                                                  \
	for (const struct variant *v = variants; v < variants + ARRAY_SIZE(variants); v++) \
		if (setup(f, v))

KTEST(abi-preload, test_preload_cmd_fail)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd) };
	int fd = open("/dev/iommu", O_RDWR);

	report(fd >= 0, "open(\"/dev/iommu\") gives an fd");
	report(destroy(fd, 0) == ENOENT, "DESTROY id 0 -> ENOENT");
	report(ioctl(fd, IOMMU_DESTROY, NULL) == -1 && errno == EFAULT, "NULL argument -> EFAULT");
	report(err(fd, _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE - 1), &cmd) == ENOTTY,
	       "ioctl below the base -> ENOTTY");
	report(close(fd) == 0, "close");
	report(ioctl(fd, IOMMU_DESTROY, &cmd) == -1 && errno == EBADF,
	       "a closed fd is the real kernel's again: EBADF");
}

/* The cmd_length rule for one ioctl: short, long with junk, long with zeros. */
static void length_rule(int fd, unsigned long nr, size_t size, size_t min, const char *name)
{
	struct {
		uint8_t cmd[128];
		uint8_t extra;
	} __attribute__((packed)) c;
	int e_exact, e_zero;

	memset(&c, 0, sizeof(c));
	*(uint32_t *)c.cmd = (uint32_t)(min - 1);
	c.cmd[size] = 0xff;
	report(err(fd, nr, &c) == EINVAL, "%s: size below the minimum -> EINVAL", name);
	*(uint32_t *)c.cmd = (uint32_t)(size + 1);
	report(err(fd, nr, &c) == E2BIG, "%s: nonzero byte past the struct -> E2BIG", name);
	memset(&c, 0, sizeof(c));
	*(uint32_t *)c.cmd = (uint32_t)size;
	e_exact = err(fd, nr, &c);
	memset(&c, 0, sizeof(c));
	*(uint32_t *)c.cmd = (uint32_t)(size + 1);
	e_zero = err(fd, nr, &c);
	report(e_exact == e_zero, "%s: zero-padded longer struct = exact size (%d, %d)", name,
	       e_exact, e_zero);
}

#define LENGTH(_struct, _ioctl, _last)                                       \
	length_rule(fd, _ioctl, sizeof(struct _struct),                     \
		    offsetof(struct _struct, _last) + sizeof(((struct _struct *)0)->_last), \
		    #_ioctl)

KTEST(abi-preload, test_preload_cmd_length)
{
	int fd = open("/dev/iommu", O_RDWR);

	LENGTH(iommu_destroy, IOMMU_DESTROY, id);
	LENGTH(iommu_hw_info, IOMMU_GET_HW_INFO, __reserved);
	LENGTH(iommu_hwpt_alloc, IOMMU_HWPT_ALLOC, __reserved);
	LENGTH(iommu_ioas_alloc, IOMMU_IOAS_ALLOC, out_ioas_id);
	LENGTH(iommu_ioas_iova_ranges, IOMMU_IOAS_IOVA_RANGES, out_iova_alignment);
	LENGTH(iommu_ioas_allow_iovas, IOMMU_IOAS_ALLOW_IOVAS, allowed_iovas);
	LENGTH(iommu_ioas_map, IOMMU_IOAS_MAP, iova);
	LENGTH(iommu_ioas_copy, IOMMU_IOAS_COPY, src_iova);
	LENGTH(iommu_ioas_unmap, IOMMU_IOAS_UNMAP, length);
	LENGTH(iommu_option, IOMMU_OPTION, val64);
	LENGTH(iommu_vfio_ioas, IOMMU_VFIO_IOAS, __reserved);
	close(fd);
}

KTEST(abi-preload, test_preload_cmd_ex_fail)
{
	struct {
		struct iommu_destroy cmd;
		uint64_t future;
	} c = { .cmd = { .size = sizeof(c) } };
	int fd = open("/dev/iommu", O_RDWR);

	report(err(fd, IOMMU_DESTROY, &c) == ENOENT, "longer zero-padded command -> ENOENT");
	c.future = 1;
	report(err(fd, IOMMU_DESTROY, &c) == E2BIG, "future field set -> E2BIG");
	c.cmd.size = sizeof(c.cmd);
	report(err(fd, IOMMU_DESTROY, &c) == ENOENT, "original size still works -> ENOENT");
	c.cmd.size = sizeof(c.cmd) - 1;
	report(err(fd, IOMMU_DESTROY, &c) == EINVAL, "short command -> EINVAL");
	close(fd);
}

KTEST(abi-preload, test_preload_global_options)
{
	struct iommu_option c = { .size = sizeof(c), .option_id = IOMMU_OPTION_RLIMIT_MODE,
				  .op = IOMMU_OPTION_OP_GET, .val64 = 1 };
	int fd = open("/dev/iommu", O_RDWR);

	report(err(fd, IOMMU_OPTION, &c) == 0 && c.val64 == 0, "RLIMIT_MODE starts per-user");
	c.op = IOMMU_OPTION_OP_SET;
	c.val64 = 1;
	report(err(fd, IOMMU_OPTION, &c) == 0, "set per-process");
	c.val64 = 2;
	report(err(fd, IOMMU_OPTION, &c) == EINVAL, "value 2 -> EINVAL");
	c.op = IOMMU_OPTION_OP_GET;
	report(err(fd, IOMMU_OPTION, &c) == 0 && c.val64 == 1, "reads back 1");
	c.op = IOMMU_OPTION_OP_SET;
	c.val64 = 0;
	report(err(fd, IOMMU_OPTION, &c) == 0, "back to per-user");
	c.op = IOMMU_OPTION_OP_GET;
	c.option_id = IOMMU_OPTION_HUGE_PAGES;
	report(err(fd, IOMMU_OPTION, &c) == ENOENT, "HUGE_PAGES of object 0 -> ENOENT");
	c.op = IOMMU_OPTION_OP_SET;
	report(err(fd, IOMMU_OPTION, &c) == ENOENT, "set on object 0 -> ENOENT");
	ioas_alloc(fd);
	c.option_id = IOMMU_OPTION_RLIMIT_MODE;
	c.val64 = 1;
	report(err(fd, IOMMU_OPTION, &c) == EBUSY, "mode change with objects -> EBUSY");
	close(fd);
}

KTEST(abi-preload, test_preload_ioas_destroy_and_attach)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		if (f.stdev[0]) {
			report(destroy(f.fd, f.ioas) == EBUSY, "IOAS used by a HWPT -> EBUSY");
			report(mock_domain(f.fd, f.hwpt[0], NULL, NULL, NULL) == 0,
			       "a device attaches straight to the HWPT");
		} else {
			report(mock_domain(f.fd, f.hwpt[0], NULL, NULL, NULL) == ENOENT,
			       "no HWPT -> ENOENT");
			report(map_fixed(f.fd, f.ioas, buffer, PSZ, f.base) == 0, "map");
			report(destroy(f.fd, f.ioas) == 0, "an IOAS with areas can be destroyed");
		}
		for (int i = 0; i < 10 && f.stdev[0]; i++)
			map_fixed(f.fd, f.ioas, buffer, PSZ, f.base + i * PSZ);
		teardown(&f);
	}
}

KTEST(abi-preload, test_preload_area)
{
	uint64_t len;
	struct fx f;

	FOR_VARIANTS(&f, v) {
		int bad = 0;

		for (int i = 0; i < 10; i++)
			bad += unmap(f.fd, f.ioas, i * PSZ, PSZ, NULL) != ENOENT;
		report(!bad, "unmap of nothing -> ENOENT");
		for (int i = 0; i < 10; i++)
			bad += map_fixed(f.fd, f.ioas, buffer, PSZ, f.base + i * PSZ);
		for (int i = 0; i < 10; i++)
			bad += unmap(f.fd, f.ioas, f.base + i * PSZ, PSZ, NULL);
		report(!bad, "ten one-page maps and unmaps");
		map_fixed(f.fd, f.ioas, buffer, 2 * PSZ, f.base + 16 * PSZ);
		report(unmap(f.fd, f.ioas, f.base + 16 * PSZ, PSZ, NULL) == ENOENT &&
		       unmap(f.fd, f.ioas, f.base + 17 * PSZ, PSZ, NULL) == ENOENT,
		       "unmap splitting an area -> ENOENT");
		report(map_fixed(f.fd, f.ioas, buffer, 2 * PSZ, f.base + 16 * PSZ) == EEXIST &&
		       map_fixed(f.fd, f.ioas, buffer, PSZ, f.base + 17 * PSZ) == EEXIST &&
		       map_fixed(f.fd, f.ioas, buffer, 2 * PSZ, f.base + 15 * PSZ) == EEXIST &&
		       map_fixed(f.fd, f.ioas, buffer, 3 * PSZ, f.base + 15 * PSZ) == EEXIST,
		       "maps over an area -> EEXIST");
		report(unmap(f.fd, f.ioas, 0, UINT64_MAX, &len) == 0 && len == 2 * PSZ,
		       "unmap all returns the bytes unmapped");
		report(unmap(f.fd, f.ioas, 0, UINT64_MAX, &len) == 0 && len == 0,
		       "unmap all of nothing succeeds");
		teardown(&f);
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
		report(unmap(f.fd, f.ioas, f.base - 4 * PSZ, 8 * PSZ, NULL) == ENOENT,
		       "range cutting the first area -> ENOENT");
		report(unmap(f.fd, f.ioas, f.base + 3 * 16 * PSZ + 4 * PSZ, 8 * PSZ, NULL) == ENOENT,
		       "range cutting the last area -> ENOENT");
		report(unmap(f.fd, f.ioas, f.base - 4 * PSZ, 3 * 16 * PSZ + 12 * PSZ, &len) == 0 &&
		       len == 32 * PSZ, "a range holding whole areas unmaps them all");
		teardown(&f);
	}
}

static int iova_ranges(int fd, uint32_t ioas, struct iommu_iova_range *r, uint32_t *num)
{
	struct iommu_ioas_iova_ranges c = { .size = sizeof(c), .ioas_id = ioas,
					    .num_iovas = *num, .allowed_iovas = (uintptr_t)r };
	int e = err(fd, IOMMU_IOAS_IOVA_RANGES, &c);

	*num = c.num_iovas;
	return e;
}

KTEST(abi-preload, test_preload_iova_ranges)
{
	struct iommu_iova_range r[4];
	struct fx f;
	uint32_t n;

	FOR_VARIANTS(&f, v) {
		struct iommu_test_cmd res = { .op = IOMMU_TEST_OP_ADD_RESERVED, .id = f.ioas,
					      .add_reserved = { .start = PSZ, .length = PSZ } };

		n = 4;
		report(iova_ranges(f.fd, f.ioas, r, &n) == 0 && n == 1, "one range");
		if (f.stdev[0])
			report(r[0].start == MOCK_APERTURE_START && r[0].last == MOCK_APERTURE_LAST,
			       "the mock aperture");
		else
			report(r[0].start == 0 && r[0].last == SIZE_MAX, "the whole space");
		memset(r, 0, sizeof(r));
		n = 0;
		report(iova_ranges(f.fd, f.ioas, r, &n) == EMSGSIZE && n == 1 && !r[0].last,
		       "no room -> EMSGSIZE, count 1, nothing written");
		test_cmd(f.fd, &res);
		n = 1;
		if (f.stdev[0]) {
			report(iova_ranges(f.fd, f.ioas, r, &n) == 0 && n == 1,
			       "reserved outside the aperture changes nothing");
		} else {
			report(iova_ranges(f.fd, f.ioas, r, &n) == EMSGSIZE && n == 2 &&
			       r[0].start == 0 && r[0].last == PSZ - 1 && r[1].last == 0,
			       "two ranges, room for one: first filled, EMSGSIZE, count 2");
		}
		teardown(&f);
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
		struct iommu_test_cmd res = { .op = IOMMU_TEST_OP_ADD_RESERVED, .id = f.ioas,
					      .add_reserved = { .start = 4 * PSZ,
								.length = 100 * PSZ } };
		int bad = 0;

		allow.ioas_id = f.ioas;
		for (int i = 0; i != 10; i++) {
			uint64_t len = PSZ * (i + 1);

			iovas[i] = 0;
			bad += map(f.fd, f.ioas, f.stdev[0] ? buffer : (void *)(1UL << 31), len,
				   &iovas[i], RWF) != 0;
			bad += iovas[i] % (1UL << __builtin_ctzl(len)) != 0;
		}
		for (int i = 0; i != 10; i++)
			bad += unmap(f.fd, f.ioas, iovas[i], PSZ * (i + 1), NULL);
		report(!bad, "automatic IOVAs are aligned to the length's low bit");
		test_cmd(f.fd, &res);
		for (int i = 0; i != 10; i++) {
			iovas[i] = 0;
			bad += map(f.fd, f.ioas, buffer, PSZ * (i + 1), &iovas[i], RWF);
			bad += iovas[i] + PSZ * (i + 1) > res.add_reserved.start &&
			       iovas[i] < res.add_reserved.start + res.add_reserved.length;
		}
		for (int i = 0; i != 10; i++)
			bad += unmap(f.fd, f.ioas, iovas[i], PSZ * (i + 1), NULL);
		report(!bad, "automatic IOVAs avoid a reserved range");
		range.start = PSZ;
		range.last = 600 * PSZ;
		report(err(f.fd, IOMMU_IOAS_ALLOW_IOVAS, &allow) == EADDRINUSE,
		       "allowed range over a reserved one -> EADDRINUSE");
		range.start = f.stdev[0] ? MOCK_APERTURE_START + PSZ : 200 * PSZ;
		range.last = range.start + 599 * PSZ - 1;
		report(err(f.fd, IOMMU_IOAS_ALLOW_IOVAS, &allow) == 0, "allow a window");
		for (int i = 0; i != 10; i++) {
			uint64_t len = PSZ * (i + 1);

			iovas[i] = 0;
			bad += map(f.fd, f.ioas, buffer, len, &iovas[i], RWF);
			bad += iovas[i] < range.start || iovas[i] + len - 1 > range.last;
		}
		report(!bad, "automatic IOVAs come from the allowed window");
		teardown(&f);
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

		map_fixed(f.fd, f.ioas, buffer, last - MOCK_APERTURE_START + 1, MOCK_APERTURE_START);
		c.src_ioas_id = f.ioas;
		c.dst_ioas_id = dst;
		c.dst_iova = MOCK_APERTURE_START;
		for (uint64_t iova = MOCK_APERTURE_START - PSZ; iova <= last; iova += 511) {
			int expect = iova < MOCK_APERTURE_START || iova + c.length - 1 > last ?
				     ENOENT : 0;

			c.src_iova = iova;
			bad += err(f.fd, IOMMU_IOAS_COPY, &c) != expect;
			if (!expect)
				bad += unmap(f.fd, dst, c.dst_iova, c.length, NULL);
		}
		report(!bad, "copy of covered ranges works, uncovered -> ENOENT");
		c.src_iova = MOCK_APERTURE_START;
		c.dst_ioas_id = f.ioas;
		c.dst_iova = MOCK_APERTURE_START + 2 * BUF_SIZE;
		report(err(f.fd, IOMMU_IOAS_COPY, &c) == 0, "copy inside one IOAS");
		report(destroy(f.fd, dst) == 0, "destroy the destination IOAS");
		teardown(&f);
	}
}

KTEST(abi-preload, test_preload_iova_alloc_lengths)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		int bad = 0;

		for (uint64_t len = 1; len != PSZ * 2; len++) {
			uint64_t iova = 0;
			int e = map(f.fd, f.ioas, buffer, len, &iova, RWF);

			if (v->domains && len % MOCK_PSZ) {
				bad += e != EINVAL;
			} else {
				bad += e != 0;
				bad += unmap(f.fd, f.ioas, iova, len, NULL) != 0;
			}
		}
		report(!bad, "every length maps, except non-IO-page multiples with a domain");
		teardown(&f);
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
		report(err(f.fd, IOMMU_OPTION, &c) == 0 && c.val64 == 1, "huge pages on by default");
		c.op = IOMMU_OPTION_OP_SET;
		c.val64 = 2;
		report(err(f.fd, IOMMU_OPTION, &c) == EINVAL, "value 2 -> EINVAL");
		if (!v->domains) {
			map_fixed(f.fd, f.ioas, buffer, PSZ, MOCK_APERTURE_START);
			c.val64 = 0;
			report(err(f.fd, IOMMU_OPTION, &c) == 0, "off with aligned areas");
			report(map_fixed(f.fd, f.ioas, buffer + MOCK_PSZ, PSZ,
					 MOCK_APERTURE_START + PSZ) == EINVAL,
			       "then a misaligned map -> EINVAL");
			c.val64 = 1;
			err(f.fd, IOMMU_OPTION, &c);
			map_fixed(f.fd, f.ioas, buffer + MOCK_PSZ, PSZ, MOCK_APERTURE_START + PSZ);
			c.val64 = 0;
			report(err(f.fd, IOMMU_OPTION, &c) == EADDRINUSE,
			       "off with a misaligned area -> EADDRINUSE");
		}
		teardown(&f);
	}
}

static int create_access(int fd, uint32_t ioas, uint32_t flags, int *afd)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_CREATE_ACCESS, .id = ioas,
				    .create_access = { .flags = flags } };
	int e = test_cmd(fd, &c);

	*afd = (int)c.create_access.out_access_fd;
	return e;
}

static int access_pages(int fd, int afd, uint64_t iova, uint64_t len, void *p, uint32_t *id)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_ACCESS_PAGES, .id = (uint32_t)afd,
				    .access_pages = { .iova = iova, .length = len,
						      .uptr = (uintptr_t)p } };
	int e = test_cmd(fd, &c);

	*id = c.access_pages.out_access_pages_id;
	return e;
}

static int destroy_access_pages(int fd, int afd, uint32_t id)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, .id = (uint32_t)afd,
				    .destroy_access_pages = { .access_pages_id = id } };

	return test_cmd(fd, &c);
}

KTEST(abi-preload, test_preload_access_pin)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint32_t id, id2, stdev, hwpt;
		int afd, bad = 0;

		report(create_access(f.fd, f.ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
				     &afd) == 0, "create a pinning access (fd %d)", afd);
		for (uint64_t n = 1; n < BUF_SIZE / PSZ; n += 3) {
			bad += map_fixed(f.fd, f.ioas, buffer, BUF_SIZE, MOCK_APERTURE_START);
			bad += access_pages(f.fd, afd, MOCK_APERTURE_START, n * PSZ, buffer, &id);
			bad += destroy_access_pages(f.fd, afd, id);
			bad += access_pages(f.fd, afd, MOCK_APERTURE_START, n * PSZ, buffer, &id);
			bad += access_pages(f.fd, afd, MOCK_APERTURE_START, n * PSZ, buffer, &id2);
			bad += check_refs(f.fd, buffer, n * PSZ, 1);
			bad += destroy_access_pages(f.fd, afd, id2);
			bad += destroy_access_pages(f.fd, afd, id);
			bad += access_pages(f.fd, afd, MOCK_APERTURE_START, n * PSZ, buffer, &id);
			bad += mock_domain(f.fd, f.ioas, &stdev, &hwpt, NULL);
			bad += check_map(f.fd, hwpt, MOCK_APERTURE_START, buffer, BUF_SIZE);
			bad += destroy(f.fd, stdev);
			bad += destroy_access_pages(f.fd, afd, id);
			bad += unmap(f.fd, f.ioas, MOCK_APERTURE_START, BUF_SIZE, NULL);
		}
		report(!bad, "pin, double pin, pin across a domain's life, unpin");
		bad = map_fixed(f.fd, f.ioas, buffer, BUF_SIZE, MOCK_APERTURE_START);
		bad += access_pages(f.fd, afd, MOCK_APERTURE_START, BUF_SIZE, buffer, &id);
		bad += unmap(f.fd, f.ioas, MOCK_APERTURE_START, BUF_SIZE, NULL);
		report(!bad && destroy_access_pages(f.fd, afd, id) == ENOENT,
		       "unmap makes the access drop its pin (item gone -> ENOENT)");
		report(close(afd) == 0, "close the access fd");
		teardown(&f);
	}
}

static void rw_sweep(int fd, int afd, uint64_t iova, unsigned int flags)
{
	uint16_t tmp[32], *b16 = (uint16_t *)buffer;
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_ACCESS_RW, .id = (uint32_t)afd,
				    .access_rw = { .uptr = (uintptr_t)tmp } };
	int bad = 0;
	void *big;

	for (unsigned int i = 0; i != BUF_SIZE / 2; i++)
		b16[i] = (uint16_t)rand();
	for (c.access_rw.iova = iova + PSZ - 50; c.access_rw.iova < iova + PSZ + 50;
	     c.access_rw.iova += 7) {
		for (c.access_rw.length = 1; c.access_rw.length < sizeof(tmp);
		     c.access_rw.length += 3) {
			c.access_rw.flags = flags;
			bad += test_cmd(fd, &c) != 0;
			bad += memcmp(buffer + (c.access_rw.iova - iova), tmp, c.access_rw.length) != 0;
			for (unsigned int i = 0; i != ARRAY_SIZE(tmp); i++)
				tmp[i] = (uint16_t)rand();
			c.access_rw.flags = flags | MOCK_ACCESS_RW_WRITE;
			bad += test_cmd(fd, &c) != 0;
			bad += memcmp(buffer + (c.access_rw.iova - iova), tmp, c.access_rw.length) != 0;
		}
	}
	big = malloc(BUF_SIZE);
	c.access_rw.iova = iova;
	c.access_rw.length = BUF_SIZE;
	c.access_rw.flags = flags;
	c.access_rw.uptr = (uintptr_t)big;
	bad += test_cmd(fd, &c) != 0 || memcmp(buffer, big, BUF_SIZE) != 0;
	free(big);
	report(!bad, "reads and writes across a page edge match the buffer (flags %u)", flags);
}

KTEST(abi-preload, test_preload_access_rw)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint64_t iova = 0;
		int afd;

		create_access(f.fd, f.ioas, 0, &afd);
		map(f.fd, f.ioas, buffer, BUF_SIZE, &iova, RWF);
		rw_sweep(f.fd, afd, iova, 0);
		rw_sweep(f.fd, afd, iova, MOCK_ACCESS_RW_SLOW_PATH);
		unmap(f.fd, f.ioas, iova, BUF_SIZE, NULL);
		iova = f.base + MOCK_PSZ;
		map_fixed(f.fd, f.ioas, buffer, BUF_SIZE, iova);
		rw_sweep(f.fd, afd, iova, 0);
		unmap(f.fd, f.ioas, iova, BUF_SIZE, NULL);
		close(afd);
		teardown(&f);
	}
}

/* The mock-domain fixture: every map must reach both domains exactly. */
KTEST(abi-preload, test_preload_mock_domain_all_aligns)
{
	size_t size = 8 * PSZ;
	uint8_t *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct fx f;

	FOR_VARIANTS(&f, v) {
		int bad = check_refs(f.fd, buf, size, 0);

		if (!v->domains || v->limit) {
			teardown(&f);
			continue;
		}
		for (size_t start = 0; start < size; start += MOCK_PSZ) {
			for (size_t end = start + MOCK_PSZ; end < size; end += MOCK_PSZ) {
				uint64_t iova = 0, len = end - start;
				size_t s = start / PSZ * PSZ, e = (end + PSZ - 1) / PSZ * PSZ;

				bad += map(f.fd, f.ioas, buf + start, len, &iova, RWF);
				for (int i = 0; i < v->domains; i++)
					bad += check_map(f.fd, f.hwpt[i], iova, buf + start, len);
				bad += check_refs(f.fd, buf + s, e - s, 1);
				bad += unmap(f.fd, f.ioas, iova, len, NULL);
			}
		}
		report(!bad && check_refs(f.fd, buf, size, 0) == 0,
		       "every start/length pair maps into each domain, pinned once, then unpinned");
		teardown(&f);
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
			teardown(&f);
			continue;
		}
		buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(buf + size / 2, size / 2);
		report(map(f.fd, f.ioas, buf, size, &iova, RWF) == EFAULT,
		       "EFAULT half way through the buffer");
		munmap(buf, size / 2);
		report(map(f.fd, f.ioas, buf, size, &iova, RWF) == EFAULT, "EFAULT on the first page");
		buf = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		report(map(f.fd, f.ioas, buf, PSZ, &iova, RWF) == EFAULT,
		       "device-writable map of read-only memory -> EFAULT");
		report(map(f.fd, f.ioas, buf, PSZ, &iova, IOMMU_IOAS_MAP_READABLE) == 0 &&
		       check_map(f.fd, f.hwpt[0], iova, buf, PSZ) == 0,
		       "read-only map of read-only memory works");
		munmap(buf, size);
		/* add a domain while areas exist: it must get every mapping */
		iova = 0;
		map(f.fd, f.ioas, buffer, BUF_SIZE, &iova, RWF);
		report(mock_domain(f.fd, f.ioas, &stdev, &hwpt, NULL) == 0 &&
		       check_map(f.fd, hwpt, iova, buffer, BUF_SIZE) == 0 &&
		       check_refs(f.fd, buffer, BUF_SIZE, 1) == 0,
		       "a later device's domain holds the IOAS's mappings, pages pinned once");
		report(destroy(f.fd, stdev) == 0, "destroy that device");
		teardown(&f);
	}
}

KTEST(abi-preload, test_preload_user_copy)
{
	struct iommu_ioas_copy c = { .size = sizeof(c), .flags = IOMMU_IOAS_MAP_FIXED_IOVA | RWF,
				     .dst_iova = MOCK_APERTURE_START, .length = BUF_SIZE };
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint32_t src, id, id2;
		uint64_t src_iova = 0;
		int afd, bad = 0;

		if (v->domains != 1 || v->limit) {
			teardown(&f);
			continue;
		}
		src = ioas_alloc(f.fd);
		bad += map(f.fd, src, buffer, BUF_SIZE, &src_iova, RWF);
		c.src_iova = src_iova;
		bad += create_access(f.fd, src, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
		bad += access_pages(f.fd, afd, c.src_iova, BUF_SIZE, buffer, &id);
		c.src_ioas_id = src;
		c.dst_ioas_id = f.ioas;
		bad += err(f.fd, IOMMU_IOAS_COPY, &c);
		bad += check_map(f.fd, f.hwpt[0], MOCK_APERTURE_START, buffer, BUF_SIZE);
		bad += check_refs(f.fd, buffer, BUF_SIZE, 1);
		report(!bad, "pages pinned by an access in a domain-less IOAS copy into a domain");
		bad += unmap(f.fd, f.ioas, MOCK_APERTURE_START, BUF_SIZE, NULL);
		bad += destroy_access_pages(f.fd, afd, id);
		bad += access_pages(f.fd, afd, c.src_iova, BUF_SIZE, buffer, &id2);
		report(!bad, "after unmapping the copy the access still works");
		close(afd);
		report(destroy(f.fd, src) == 0, "the source IOAS goes once the access is closed");
		teardown(&f);
	}
}

static int replace(int fd, uint32_t stdev, uint32_t pt)
{
	struct iommu_test_cmd c = { .op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, .id = stdev,
				    .mock_domain_replace = { .pt_id = pt } };

	return test_cmd(fd, &c);
}

static int hwpt_alloc(int fd, uint32_t idev, uint32_t pt, uint32_t flags, uint32_t *id)
{
	struct iommu_hwpt_alloc c = { .size = sizeof(c), .flags = flags, .dev_id = idev,
				      .pt_id = pt };
	int e = err(fd, IOMMU_HWPT_ALLOC, &c);

	*id = c.out_hwpt_id;
	return e;
}

KTEST(abi-preload, test_preload_replace_and_alloc_hwpt)
{
	struct fx f;

	FOR_VARIANTS(&f, v) {
		uint32_t ioas2, h0, h1, stdev;
		int bad = 0;

		if (!v->domains || v->limit) {
			teardown(&f);
			continue;
		}
		ioas2 = ioas_alloc(f.fd);
		report(replace(f.fd, f.stdev[0], ioas2) == 0, "replace onto another IOAS");
		if (v->domains == 1)
			report(replace(f.fd, f.stdev[0], f.hwpt[0]) == ENOENT,
			       "the old automatic HWPT died with its last device");
		report(replace(f.fd, f.stdev[0], f.ioas) == 0, "and back");
		bad += hwpt_alloc(f.fd, f.idev[0], f.ioas, ~IOMMU_HWPT_ALLOC_NEST_PARENT, &h0) !=
		       EOPNOTSUPP;
		bad += hwpt_alloc(f.fd, f.idev[0], f.ioas, 0, &h0);
		bad += hwpt_alloc(f.fd, f.idev[0], f.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &h1);
		bad += replace(f.fd, f.stdev[0], h0);
		bad += destroy(f.fd, h0) != EBUSY;
		bad += replace(f.fd, f.stdev[0], h1);
		bad += destroy(f.fd, h1) != EBUSY;
		bad += replace(f.fd, f.stdev[0], f.ioas);
		bad += destroy(f.fd, h1);
		bad += mock_domain(f.fd, h0, &stdev, NULL, NULL);
		bad += destroy(f.fd, stdev);
		bad += destroy(f.fd, h0);
		report(!bad, "HWPT rotation: allocated HWPTs busy while used, free after");
		report(destroy(f.fd, ioas2) == 0, "the spare IOAS is free again");
		teardown(&f);
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
			report(err(f.fd, IOMMU_GET_HW_INFO, &c) == ENOENT, "no device -> ENOENT");
			teardown(&f);
			continue;
		}
		report(err(f.fd, IOMMU_GET_HW_INFO, &c) == 0 &&
		       c.out_data_type == IOMMU_HW_INFO_TYPE_SELFTEST &&
		       exact.test_reg == IOMMU_HW_INFO_SELFTEST_REGVAL, "self-test info");
		memset(&larger, 0xa5, sizeof(larger));
		c.data_uptr = (uintptr_t)&larger;
		c.data_len = sizeof(larger);
		report(err(f.fd, IOMMU_GET_HW_INFO, &c) == 0 && larger.trailing == 0 &&
		       c.data_len == sizeof(exact), "a larger buffer is zero-filled past the data");
		c.data_len = 0;
		c.data_uptr = 0;
		report(err(f.fd, IOMMU_GET_HW_INFO, &c) == 0 && c.data_len == sizeof(exact),
		       "a zero-length buffer learns the size");
		teardown(&f);
	}
}

/* --- VFIO type1 compatibility on the same fd --- */

KTEST(abi-preload, test_preload_vfio_without_ioas)
{
	struct vfio_iommu_type1_dma_unmap u = { .iova = MOCK_APERTURE_START, .size = PSZ };
	struct vfio_iommu_type1_dma_map m = { .iova = MOCK_APERTURE_START, .size = PSZ,
					      .vaddr = (uintptr_t)buffer };
	struct vfio_iommu_type1_info info = { .argsz = 1 };
	struct iommu_vfio_ioas vi = { .size = sizeof(vi), .op = IOMMU_VFIO_IOAS_GET };
	int fd = open("/dev/iommu", O_RDWR);
	uint32_t ioas;

	report(ioctl(fd, VFIO_GET_API_VERSION) == VFIO_API_VERSION, "API version");
	report(ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1, "type1v2 supported");
	u.argsz = 1;
	report(err(fd, VFIO_IOMMU_UNMAP_DMA, &u) == EINVAL, "unmap: short argsz -> EINVAL");
	u.argsz = sizeof(u);
	u.flags = 1u << 31;
	report(err(fd, VFIO_IOMMU_UNMAP_DMA, &u) == EINVAL, "unmap: unknown flag -> EINVAL");
	u.flags = 0;
	report(err(fd, VFIO_IOMMU_UNMAP_DMA, &u) == ENODEV, "unmap: no container IOAS -> ENODEV");
	m.argsz = 1;
	report(err(fd, VFIO_IOMMU_MAP_DMA, &m) == EINVAL, "map: short argsz -> EINVAL");
	m.argsz = sizeof(m);
	m.flags = 1u << 31;
	report(err(fd, VFIO_IOMMU_MAP_DMA, &m) == EINVAL, "map: unknown flag -> EINVAL");
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	report(err(fd, VFIO_IOMMU_MAP_DMA, &m) == ENODEV, "map: no container IOAS -> ENODEV");
	report(err(fd, VFIO_IOMMU_GET_INFO, &info) == EINVAL, "info: short argsz -> EINVAL");
	info.argsz = sizeof(info);
	report(err(fd, VFIO_IOMMU_GET_INFO, &info) == ENODEV, "info: no IOAS -> ENODEV");
	report(ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) == -1 && errno == ENODEV &&
	       ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) == -1 && errno == ENODEV,
	       "SET_IOMMU without an IOAS -> ENODEV");
	report(err(fd, IOMMU_VFIO_IOAS, &vi) == ENODEV, "VFIO_IOAS get without one -> ENODEV");
	vi.op = IOMMU_VFIO_IOAS_SET;
	report(err(fd, IOMMU_VFIO_IOAS, &vi) == ENOENT, "set to id 0 -> ENOENT");
	ioas = ioas_alloc(fd);
	vi.ioas_id = ioas;
	report(err(fd, IOMMU_VFIO_IOAS, &vi) == 0, "set");
	vi.op = IOMMU_VFIO_IOAS_GET;
	vi.ioas_id = 0;
	report(err(fd, IOMMU_VFIO_IOAS, &vi) == 0 && vi.ioas_id == ioas, "get returns it");
	vi.op = IOMMU_VFIO_IOAS_CLEAR;
	report(err(fd, IOMMU_VFIO_IOAS, &vi) == 0, "clear");
	vi.op = IOMMU_VFIO_IOAS_GET;
	report(err(fd, IOMMU_VFIO_IOAS, &vi) == ENODEV, "get after clear -> ENODEV");
	close(fd);
}

/* A VFIO "container": an IOAS with a mock device, set as the compat IOAS. */
static int vfio_setup(unsigned long type, uint32_t *ioas)
{
	struct iommu_vfio_ioas vi = { .size = sizeof(vi), .op = IOMMU_VFIO_IOAS_SET };
	int fd = open("/dev/iommu", O_RDWR);

	*ioas = ioas_alloc(fd);
	mock_domain(fd, *ioas, NULL, NULL, NULL);
	vi.ioas_id = *ioas;
	if (err(fd, IOMMU_VFIO_IOAS, &vi) || ioctl(fd, VFIO_SET_IOMMU, type))
		report(false, "VFIO container setup");
	return fd;
}

static const unsigned long vfio_types[] = { VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU };

KTEST(abi-preload, test_preload_vfio_get_info)
{
	uint8_t *buf = malloc(4096);
	struct vfio_iommu_type1_info *info = (void *)buf;

	for (size_t t = 0; t < ARRAY_SIZE(vfio_types); t++) {
		struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
					  .op = IOMMU_OPTION_OP_GET };
		uint32_t ioas, full;
		int fd = vfio_setup(vfio_types[t], &ioas), bad = 0;

		o.object_id = ioas;
		report(err(fd, IOMMU_OPTION, &o) == 0 && o.val64 == (t == 0),
		       "type1 turns huge pages off, type1v2 keeps them");
		memset(buf, 0xa5, 4096);
		*info = (struct vfio_iommu_type1_info){ .argsz = sizeof(*info) };
		report(ioctl(fd, VFIO_IOMMU_GET_INFO, info) == 0 &&
		       info->flags == (VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS) &&
		       info->cap_offset == 0 && info->argsz > sizeof(*info) && info->iova_pgsizes,
		       "short argsz: no caps, real size reported");
		full = info->argsz;
		for (uint32_t sz = offsetof(struct vfio_iommu_type1_info, cap_offset); sz <= full;
		     sz++) {
			memset(buf, 0xa5, 4096);
			memset(buf, 0, sz < sizeof(*info) ? sz : sizeof(*info));
			info->argsz = sz;
			bad += ioctl(fd, VFIO_IOMMU_GET_INFO, info) != 0;
			for (uint32_t i = sz; i < 4096; i++)
				bad += buf[i] != 0xa5;	/* never past argsz (class 25) */
			if (sz == full) {
				uint32_t off = info->cap_offset;
				int caps = 0;

				bad += off != sizeof(*info);
				/* caps need not be 8-byte aligned (as on Linux): copy them out */
				while (caps++ < 4) {
					struct vfio_info_cap_header h;

					memcpy(&h, buf + off, sizeof(h));
					if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
						struct vfio_iommu_type1_info_cap_iova_range r;
						struct vfio_iova_range r0;

						memcpy(&r, buf + off, sizeof(r));
						memcpy(&r0, buf + off + sizeof(r), sizeof(r0));
						bad += r.nr_iovas != 1 || r0.start != MOCK_APERTURE_START ||
						       r0.end != MOCK_APERTURE_LAST;
					} else {
						bad += h.id != VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
					}
					if (!h.next)
						break;
					off = h.next;
				}
				bad += caps != 2;
			}
		}
		report(!bad, "every argsz: nothing written past it, full size has both caps");
		close(fd);
	}
	free(buf);
}

KTEST(abi-preload, test_preload_vfio_map_unmap)
{
	for (size_t t = 0; t < ARRAY_SIZE(vfio_types); t++) {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)buffer, .size = BUF_SIZE, .iova = MOCK_APERTURE_START };
		struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .size = BUF_SIZE,
							.iova = MOCK_APERTURE_START };
		uint64_t order[16];
		uint32_t ioas;
		int fd = vfio_setup(vfio_types[t], &ioas), bad = 0;

		report(ioctl(fd, VFIO_IOMMU_MAP_DMA, &m) == 0 &&
		       ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == 0 && u.size == BUF_SIZE,
		       "map and unmap; size returns the bytes");
		ioctl(fd, VFIO_IOMMU_MAP_DMA, &m);
		u.flags = VFIO_DMA_UNMAP_FLAG_ALL;
		report(err(fd, VFIO_IOMMU_UNMAP_DMA, &u) == EINVAL, "UNMAP_ALL with a range -> EINVAL");
		u.iova = u.size = 0;
		report(ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == 0 && u.size == BUF_SIZE, "UNMAP_ALL");
		/* one big map cut into 16 pieces: type1 may, type1v2 may not */
		ioctl(fd, VFIO_IOMMU_MAP_DMA, &m);
		for (int i = 0; i < 16; i++)
			order[i] = MOCK_APERTURE_START + (uint64_t)((i * 7) % 16) * PSZ;
		u.flags = 0;
		for (int i = 0; i < 16; i++) {
			u.iova = order[i];
			u.size = PSZ;
			bad += err(fd, VFIO_IOMMU_UNMAP_DMA, &u) != (t == 1 ? 0 : ENOENT);
		}
		report(!bad, "%s cuts a mapping: %s", t ? "type1" : "type1v2",
		       t ? "each piece unmaps" : "ENOENT");
		close(fd);
	}
}
