// SPDX-License-Identifier: MIT
/*
 * Ring-3 test of the /dev/iommu ioctl ABI: every command's size rules, bad
 * user pointers at every pointer field (EFAULT, nothing changed), reserved
 * fields and unknown numbers. Linux ABI only: also runs against Linux.
 */
#include <stdint.h>
#include <stdlib.h>
#include <linux/vfio.h>
#include "iommufd_cmds.h"
#include "iommufd_utils.h"

#define BAD_PTR test_ptr(8)
#define BAD_PAGE test_ptr(0x1000)	/* page-aligned, never mapped */
#define KERNEL_PTR test_ptr(0xffff800000000000UL)
#define IOVA MOCK_APERTURE_START

/* A page-aligned buffer of n pages whose following page is unmapped. */
static uint8_t *buf_before_hole(size_t n)
{
	uint8_t *p = map_anon((n + 1) * PAGE_SZ, PROT_READ | PROT_WRITE, 0);

	ASSERT_NE(MAP_FAILED, (void *)p);
	ASSERT_EQ(0, munmap(p + n * PAGE_SZ, PAGE_SZ));
	return p;
}

TEST(test_open_close)
{
	int a = iommufd_open(), b = iommufd_open();

	EXPECT_GE(a, 3);
	EXPECT_NE(a, b);
	EXPECT_EQ(0, close(a));
	EXPECT_EQ(0, close(b));
	EXPECT_ERRNO(EBADF, close(a));
	EXPECT_ERRNO(EBADF, ioctl(a, IOMMU_IOAS_ALLOC, NULL));
	a = openat(AT_FDCWD, "/dev/iommu", O_RDWR);
	EXPECT_GE(a, 3);
	EXPECT_EQ(0, close(a));
}

TEST(test_unknown_numbers_enotty)
{
	int fd = iommufd_open();
	uint8_t buf[128] = { 0 };

	*(uint32_t *)buf = sizeof(buf);
	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE - 1), buf));
	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IO(IOMMUFD_TYPE, 0x9f), buf));
	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IO(IOMMUFD_TYPE, 0xff), buf));
	/* the whole number must match, not just the command index */
	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IOW(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC, 12), buf));
	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IO('X', IOMMUFD_CMD_IOAS_ALLOC), buf));
	close(fd);
}

/* The size is the first thing read: a bad struct pointer is EFAULT for every command. */
TEST(test_struct_pointer_efault)
{
	int fd = iommufd_open();

	for (size_t i = 0; i < IOMMUFD_NCMDS; i++) {
		const struct iommufd_cmd *c = &iommufd_cmds[i];
		int f = test_failures();

		EXPECT_ERRNO(EFAULT, ioctl(fd, c->nr, NULL));
		EXPECT_ERRNO(EFAULT, ioctl(fd, c->nr, BAD_PTR));
		EXPECT_ERRNO(EFAULT, ioctl(fd, c->nr, KERNEL_PTR));
		if (test_failures() > f)
			TH_LOG("(that was %s)", c->name);
	}
	close(fd);
}

/* Issue c with a zeroed struct of size bytes (poison: last byte 0xff); errno or 0. */
static int try_size(int fd, const struct iommufd_cmd *c, uint32_t size, int poison)
{
	uint8_t buf[256] = { 0 };

	*(uint32_t *)buf = size;
	if (poison)
		buf[size - 1] = 0xff;
	errno = 0;
	return ioctl(fd, c->nr, buf) ? errno : 0;
}

/* EINVAL, or ENOTTY for a command the kernel does not have (one after 6.12 on 6.12). */
static int size_errno(int fd, const struct iommufd_cmd *c, int err)
{
	if (iommufd_cmd_after_6_12(c->nr) && try_size(fd, c, c->size, 0) == ENOTTY)
		return ENOTTY;
	return err;
}

TEST(test_size_below_minimum_einval)
{
	int fd = iommufd_open();

	for (size_t i = 0; i < IOMMUFD_NCMDS; i++) {
		const struct iommufd_cmd *c = &iommufd_cmds[i];
		int f = test_failures();

		EXPECT_EQ(size_errno(fd, c, EINVAL), try_size(fd, c, c->min - 1, 0));
		EXPECT_EQ(size_errno(fd, c, EINVAL), try_size(fd, c, 0, 0));
		if (test_failures() > f)
			TH_LOG("(that was %s)", c->name);
	}
	close(fd);
}

TEST(test_size_trailing_nonzero_e2big)
{
	int fd = iommufd_open();

	for (size_t i = 0; i < IOMMUFD_NCMDS; i++) {
		const struct iommufd_cmd *c = &iommufd_cmds[i];
		int f = test_failures();

		EXPECT_EQ(size_errno(fd, c, E2BIG), try_size(fd, c, c->size + 8, 1));
		if (test_failures() > f)
			TH_LOG("(that was %s)", c->name);
	}
	close(fd);
}

/* A longer struct with a zero tail works; bytes past the user's size are never written. */
TEST(test_size_trailing_zero_accepted)
{
	int fd = iommufd_open();
	uint8_t buf[64];
	struct iommu_ioas_alloc *cmd = (void *)buf;
	int untouched = 1;

	memset(buf, 0xa5, sizeof(buf));
	memset(buf, 0, sizeof(*cmd) + 8);
	cmd->size = sizeof(*cmd) + 8;
	ASSERT_EQ(0, ioctl(fd, IOMMU_IOAS_ALLOC, cmd));
	EXPECT_NE(0, cmd->out_ioas_id);
	for (size_t i = sizeof(*cmd) + 8; i < sizeof(buf); i++)
		untouched &= buf[i] == 0xa5;
	EXPECT_TRUE(untouched);
	EXPECT_EQ(0, destroy(fd, cmd->out_ioas_id));

	memset(buf, 0xa5, sizeof(buf));
	cmd->size = sizeof(*cmd);
	cmd->flags = 0;
	ASSERT_EQ(0, ioctl(fd, IOMMU_IOAS_ALLOC, cmd));
	untouched = 1;
	for (size_t i = sizeof(*cmd); i < sizeof(buf); i++)
		untouched &= buf[i] == 0xa5;
	EXPECT_TRUE(untouched);
	close(fd);
}

/* A size that runs into unmapped memory: the zero check faults (EFAULT). */
TEST(test_size_past_mapping_efault)
{
	int fd = iommufd_open();
	uint8_t *p = buf_before_hole(1);
	struct iommu_ioas_alloc *cmd = (void *)(p + PAGE_SZ - 64);

	memset(cmd, 0, 64);
	cmd->size = 128;
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_ALLOC, cmd));
	munmap(p, PAGE_SZ);
	close(fd);
}

/* The struct starts on a good page and runs into a hole. */
TEST(test_struct_straddles_hole_efault)
{
	int fd = iommufd_open();
	uint8_t *p = buf_before_hole(1);
	struct iommu_ioas_map *cmd = (void *)(p + PAGE_SZ - 8);

	cmd->size = sizeof(*cmd);
	cmd->flags = 0;
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_MAP, cmd));
	munmap(p, PAGE_SZ);
	close(fd);
}

TEST(test_reserved_and_flags_eopnotsupp)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc), .flags = 1 };
	struct iommu_ioas_map map = {
		.size = sizeof(map), .flags = MAP_RW, .ioas_id = ioas,
		.user_va = (uintptr_t)mem, .length = PAGE_SZ,
	};
	struct iommu_ioas_iova_ranges ranges = {
		.size = sizeof(ranges), .ioas_id = ioas, .__reserved = 1,
	};
	struct iommu_ioas_allow_iovas allow = {
		.size = sizeof(allow), .ioas_id = ioas, .__reserved = 1,
	};
	struct iommu_option opt = {
		.size = sizeof(opt), .option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_GET, .object_id = ioas, .__reserved = 1,
	};

	EXPECT_ERRNO(EOPNOTSUPP, ioctl(fd, IOMMU_IOAS_ALLOC, &alloc));
	map.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(fd, IOMMU_IOAS_MAP, &map));
	map.__reserved = 0;
	map.flags |= 1 << 7;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(fd, IOMMU_IOAS_MAP, &map));
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &ranges));
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &allow));
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(fd, IOMMU_OPTION, &opt));
	/* none of it mapped anything */
	uint64_t n = 1;

	EXPECT_EQ(0, ioas_unmap(fd, ioas, 0, UINT64_MAX, &n));
	EXPECT_EQ(0, n);
	munmap(mem, PAGE_SZ);
	close(fd);
}

/* Results: 0 for success (not a count), the documented out fields set. */
TEST(test_exact_return_values)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = map_anon(4 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint64_t iova = 0, unmapped = 0;
	struct iommu_option opt = {
		.size = sizeof(opt), .option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_GET, .object_id = ioas,
	};

	ASSERT_NE(MAP_FAILED, (void *)mem);
	EXPECT_EQ(0, ioas_map(fd, ioas, mem, 4 * PAGE_SZ, &iova, MAP_RW));
	EXPECT_EQ(0, iova % PAGE_SZ);
	EXPECT_EQ(0, ioctl(fd, IOMMU_OPTION, &opt));
	EXPECT_EQ(1, opt.val64);
	EXPECT_EQ(0, ioas_unmap(fd, ioas, iova, 4 * PAGE_SZ, &unmapped));
	EXPECT_EQ(4 * PAGE_SZ, unmapped);
	EXPECT_EQ(0, ioas_unmap(fd, ioas, 0, UINT64_MAX, &unmapped));
	EXPECT_EQ(0, unmapped);
	EXPECT_EQ(0, destroy(fd, ioas));
	EXPECT_ERRNO(ENOENT, destroy(fd, ioas));
	munmap(mem, 4 * PAGE_SZ);
	close(fd);
}

TEST(test_iova_ranges_pointer_efault)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	struct iommu_iova_range r[4];
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = 1,
		.allowed_iovas = (uintptr_t)BAD_PTR,
	};

	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd));
	cmd.num_iovas = 0;
	cmd.allowed_iovas = 0;
	EXPECT_ERRNO(EMSGSIZE, ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd));
	EXPECT_GE(cmd.num_iovas, 1);
	cmd.num_iovas = 4;
	cmd.allowed_iovas = (uintptr_t)r;
	ASSERT_EQ(0, ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd));
	EXPECT_EQ(1, cmd.num_iovas);
	EXPECT_EQ(0, r[0].start);
	close(fd);
}

TEST(test_allow_iovas_pointer_efault_changes_nothing)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	struct iommu_iova_range good = { .start = 1UL << 30, .last = (1UL << 31) - 1 };
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .num_iovas = 1,
		.allowed_iovas = (uintptr_t)BAD_PTR,
	};
	uint64_t iova = 0;

	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	/* two ranges where the second is past the mapping: the first is not kept */
	cmd.num_iovas = 2;
	cmd.allowed_iovas = (uintptr_t)(buf_before_hole(1) + PAGE_SZ - sizeof(good));
	memcpy((void *)(uintptr_t)cmd.allowed_iovas, &good, sizeof(good));
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	/* automatic IOVAs are still allowed anywhere: below 1 GiB works */
	iova = 0x100000;
	EXPECT_EQ(0, ioas_map(fd, ioas, mem, PAGE_SZ, &iova, MAP_RW | IOMMU_IOAS_MAP_FIXED_IOVA));
	cmd.num_iovas = 1;
	cmd.allowed_iovas = (uintptr_t)&good;
	EXPECT_EQ(0, ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	iova = 0;
	EXPECT_EQ(0, ioas_map(fd, ioas, mem, PAGE_SZ, &iova, MAP_RW));
	EXPECT_TRUE(iova >= good.start && iova <= good.last);
	munmap(mem, PAGE_SZ);
	close(fd);
}

TEST(test_map_user_va_efault_changes_nothing)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = buf_before_hole(4);
	uint64_t iova = IOVA;

	mock_domain(fd, ioas, NULL, NULL);
	EXPECT_ERRNO(EFAULT, ioas_map(fd, ioas, BAD_PAGE, PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_ERRNO(EFAULT, ioas_map(fd, ioas, KERNEL_PTR, PAGE_SZ, &iova, MAP_FIXED_RW));
	/* the last page is a hole: nothing stays pinned, nothing is mapped */
	EXPECT_ERRNO(EFAULT, ioas_map(fd, ioas, mem, 5 * PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, check_refs(fd, mem, 4 * PAGE_SZ, 0));
	EXPECT_ERRNO(ENOENT, ioas_unmap(fd, ioas, IOVA, 5 * PAGE_SZ, NULL));
	/* the same range with good memory maps fine */
	EXPECT_EQ(0, ioas_map(fd, ioas, mem, 4 * PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, check_refs(fd, mem, 4 * PAGE_SZ, 1));
	munmap(mem, 4 * PAGE_SZ);
	close(fd);
}

TEST(test_map_user_va_overflow)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint64_t iova = 0;

	EXPECT_ERRNO(EOVERFLOW, ioas_map(fd, ioas, test_ptr(UINT64_MAX - PAGE_SZ + 1),
					 2 * PAGE_SZ, &iova, MAP_RW));
	EXPECT_ERRNO(EINVAL, ioas_map(fd, ioas, test_ptr(PAGE_SZ), 0, &iova, MAP_RW));
	close(fd);
}

/*
 * The struct itself read-only: the reply cannot be written back. As on
 * Linux the work is done and the ioctl says EFAULT after it (an IOAS_ALLOC
 * undoes its object, a MAP or UNMAP stays done).
 */
TEST(test_readonly_struct_efault_after_the_work)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint8_t *ro = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	struct iommu_ioas_alloc *alloc = (void *)ro;
	struct iommu_ioas_map *map = (void *)(ro + 64);
	struct iommu_ioas_unmap *unmap = (void *)(ro + 128);
	struct iommu_ioas_iova_ranges *ranges = (void *)(ro + 192);
	uint64_t iova = IOVA;

	ASSERT_NE(MAP_FAILED, (void *)ro);
	*alloc = (struct iommu_ioas_alloc){ .size = sizeof(*alloc) };
	*map = (struct iommu_ioas_map){
		.size = sizeof(*map), .flags = MAP_FIXED_RW, .ioas_id = ioas,
		.user_va = (uintptr_t)mem, .length = PAGE_SZ, .iova = IOVA,
	};
	*unmap = (struct iommu_ioas_unmap){
		.size = sizeof(*unmap), .ioas_id = ioas, .iova = IOVA, .length = PAGE_SZ,
	};
	*ranges = (struct iommu_ioas_iova_ranges){ .size = sizeof(*ranges), .ioas_id = ioas };
	ASSERT_EQ(0, mprotect(ro, PAGE_SZ, PROT_READ));

	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_ALLOC, alloc));
	EXPECT_ERRNO(ENOENT, destroy(fd, ioas + 1));
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_MAP, map));
	EXPECT_EQ(0, ioas_unmap(fd, ioas, IOVA, PAGE_SZ, NULL));
	ASSERT_EQ(0, ioas_map(fd, ioas, mem, PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_UNMAP, unmap));
	EXPECT_ERRNO(ENOENT, ioas_unmap(fd, ioas, IOVA, PAGE_SZ, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_IOAS_IOVA_RANGES, ranges));
	munmap(ro, PAGE_SZ);
	munmap(mem, PAGE_SZ);
	close(fd);
}

TEST(test_hw_info_pointer_efault)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd), idev;
	uint64_t data[4];
	struct iommu_hw_info cmd = { .size = sizeof(cmd), .data_len = sizeof(data) };

	mock_domain(fd, ioas, NULL, &idev);
	cmd.dev_id = idev;
	cmd.data_uptr = (uintptr_t)BAD_PTR;
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_GET_HW_INFO, &cmd));
	cmd.data_uptr = (uintptr_t)data;
	cmd.data_len = sizeof(data);
	EXPECT_EQ(0, ioctl(fd, IOMMU_GET_HW_INFO, &cmd));
	close(fd);
}

TEST(test_selftest_pointers_efault)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint32_t hwpt = mock_domain(fd, ioas, NULL, NULL);
	uint8_t *mem = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint64_t iova = IOVA;

	ASSERT_EQ(0, ioas_map(fd, ioas, mem, PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_ERRNO(EFAULT, check_refs(fd, BAD_PAGE, PAGE_SZ, 0));
	EXPECT_ERRNO(EFAULT, check_map(fd, hwpt, IOVA, BAD_PAGE, PAGE_SZ));
	EXPECT_EQ(0, check_map(fd, hwpt, IOVA, mem, PAGE_SZ));
	munmap(mem, PAGE_SZ);
	close(fd);
}

TEST(test_hwpt_alloc)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd), idev;
	struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd), .pt_id = ioas };

	mock_domain(fd, ioas, NULL, &idev);
	cmd.dev_id = idev;
	ASSERT_EQ(0, ioctl(fd, IOMMU_HWPT_ALLOC, &cmd));
	EXPECT_NE(0, cmd.out_hwpt_id);
	EXPECT_EQ(0, destroy(fd, cmd.out_hwpt_id));
	cmd.flags = 1u << 30;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(fd, IOMMU_HWPT_ALLOC, &cmd));
	cmd.flags = 0;
	cmd.data_len = 8;
	EXPECT_ERRNO(EINVAL, ioctl(fd, IOMMU_HWPT_ALLOC, &cmd));
	cmd.data_len = 0;
	cmd.dev_id = 0xdead;
	EXPECT_ERRNO(ENOENT, ioctl(fd, IOMMU_HWPT_ALLOC, &cmd));
	close(fd);
}

/* An access (emulated device) reads IOAS memory into a user buffer. */
TEST(test_access_rw_pointer_efault)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0), out[16];
	uint64_t iova = IOVA;
	struct iommu_test_cmd acc = {
		.size = sizeof(acc), .op = IOMMU_TEST_OP_CREATE_ACCESS, .id = ioas,
	};
	struct iommu_test_cmd rw = {
		.size = sizeof(rw), .op = IOMMU_TEST_OP_ACCESS_RW,
		.access_rw = { .iova = IOVA, .length = sizeof(out), .uptr = (uintptr_t)BAD_PAGE },
	};

	memset(mem, 0x5c, PAGE_SZ);
	ASSERT_EQ(0, ioas_map(fd, ioas, mem, PAGE_SZ, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, ioctl(fd, IOMMU_TEST_CMD, &acc));
	test_defer_close((int)acc.create_access.out_access_fd);
	rw.id = acc.create_access.out_access_fd;
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_TEST_CMD, &rw));
	rw.access_rw.flags = MOCK_ACCESS_RW_WRITE;
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_TEST_CMD, &rw));
	EXPECT_EQ(0x5c, mem[0]);
	rw.access_rw.flags = 0;
	rw.access_rw.uptr = (uintptr_t)out;
	ASSERT_EQ(0, ioctl(fd, IOMMU_TEST_CMD, &rw));
	EXPECT_EQ(0x5c, out[15]);
	EXPECT_EQ(0, close((int)acc.create_access.out_access_fd));
	close(fd);
	munmap(mem, PAGE_SZ);
}

/* ACCESS_PAGES compares what it pinned with the user's pages at uptr. */
TEST(test_access_pages_pointer_efault_pins_nothing)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = map_anon(2 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint8_t *ro = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint64_t iova = IOVA;
	struct iommu_test_cmd acc = {
		.size = sizeof(acc), .op = IOMMU_TEST_OP_CREATE_ACCESS, .id = ioas,
		.create_access = { .flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES },
	};
	struct iommu_test_cmd pages = {
		.size = sizeof(pages), .op = IOMMU_TEST_OP_ACCESS_PAGES,
		.access_pages = { .iova = IOVA, .length = 2 * PAGE_SZ },
	};

	ASSERT_NE(MAP_FAILED, (void *)ro);
	ASSERT_EQ(0, ioas_map(fd, ioas, mem, 2 * PAGE_SZ, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, ioctl(fd, IOMMU_TEST_CMD, &acc));
	test_defer_close((int)acc.create_access.out_access_fd);
	pages.id = acc.create_access.out_access_fd;
	/* no domain: only the access pins, so the refs show exactly what it holds */
	EXPECT_EQ(0, check_refs(fd, mem, 2 * PAGE_SZ, 0));
	pages.access_pages.uptr = (uintptr_t)BAD_PAGE;
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_TEST_CMD, &pages));
	pages.access_pages.uptr = (uintptr_t)KERNEL_PTR;
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_TEST_CMD, &pages));
	EXPECT_EQ(0, check_refs(fd, mem, 2 * PAGE_SZ, 0));
	/* the reply cannot be written: the pins are undone */
	pages.access_pages.uptr = (uintptr_t)mem;
	memcpy(ro, &pages, sizeof(pages));
	ASSERT_EQ(0, mprotect(ro, PAGE_SZ, PROT_READ));
	EXPECT_ERRNO(EFAULT, ioctl(fd, IOMMU_TEST_CMD, ro));
	EXPECT_EQ(0, check_refs(fd, mem, 2 * PAGE_SZ, 0));
	ASSERT_EQ(0, ioctl(fd, IOMMU_TEST_CMD, &pages));
	EXPECT_EQ(0, check_refs(fd, mem, 2 * PAGE_SZ, 1));
	EXPECT_EQ(0, close((int)acc.create_access.out_access_fd));
	EXPECT_EQ(0, check_refs(fd, mem, 2 * PAGE_SZ, 0));
	close(fd);
	munmap(mem, 2 * PAGE_SZ);
	munmap(ro, PAGE_SZ);
}

/* The VFIO type1 container ioctls /dev/iommu also answers. */
TEST(test_vfio_compat_type1)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = map_anon(4 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint8_t *ro = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	struct iommu_vfio_ioas get = { .size = sizeof(get), .op = IOMMU_VFIO_IOAS_GET };
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)BAD_PAGE, .iova = IOVA, .size = 4 * PAGE_SZ,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = IOVA, .size = 4 * PAGE_SZ,
	};
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };

	mock_domain(fd, ioas, NULL, NULL);
	ASSERT_EQ(0, ioctl_vfio_ioas_set(fd, ioas));
	ASSERT_EQ(0, ioctl(fd, IOMMU_VFIO_IOAS, &get));
	EXPECT_EQ(ioas, get.ioas_id);
	EXPECT_EQ(VFIO_API_VERSION, ioctl(fd, VFIO_GET_API_VERSION));
	EXPECT_EQ(1, ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));

	EXPECT_ERRNO(EFAULT, ioctl(fd, VFIO_IOMMU_MAP_DMA, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(fd, VFIO_IOMMU_MAP_DMA, &map));
	map.argsz = 8;
	EXPECT_ERRNO(EINVAL, ioctl(fd, VFIO_IOMMU_MAP_DMA, &map));
	map.argsz = sizeof(map);
	map.vaddr = (uintptr_t)mem;
	ASSERT_EQ(0, ioctl(fd, VFIO_IOMMU_MAP_DMA, &map));
	EXPECT_EQ(0, check_refs(fd, mem, 4 * PAGE_SZ, 1));

	/* the reply cannot be written: as on Linux the unmap is done, then EFAULT */
	memcpy(ro, &unmap, sizeof(unmap));
	ASSERT_EQ(0, mprotect(ro, PAGE_SZ, PROT_READ));
	EXPECT_ERRNO(EFAULT, ioctl(fd, VFIO_IOMMU_UNMAP_DMA, ro));
	EXPECT_EQ(0, check_refs(fd, mem, 4 * PAGE_SZ, 0));
	/* unmapping nothing is success with size 0 (Linux 6.12; IOAS_UNMAP says ENOENT) */
	ASSERT_EQ(0, ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &unmap));
	EXPECT_EQ(0, unmap.size);
	EXPECT_ERRNO(ENOENT, ioas_unmap(fd, ioas, IOVA, 4 * PAGE_SZ, NULL));
	ASSERT_EQ(0, ioctl(fd, VFIO_IOMMU_MAP_DMA, &map));
	EXPECT_EQ(0, check_refs(fd, mem, 4 * PAGE_SZ, 1));
	unmap.size = 4 * PAGE_SZ;
	ASSERT_EQ(0, ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &unmap));
	EXPECT_EQ(4 * PAGE_SZ, unmap.size);
	EXPECT_EQ(0, check_refs(fd, mem, 4 * PAGE_SZ, 0));

	EXPECT_ERRNO(EFAULT, ioctl(fd, VFIO_IOMMU_GET_INFO, BAD_PAGE));
	ASSERT_EQ(0, ioctl(fd, VFIO_IOMMU_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_IOMMU_INFO_PGSIZES);
	EXPECT_NE(0, info.iova_pgsizes);
	close(fd);
	munmap(mem, 4 * PAGE_SZ);
	munmap(ro, PAGE_SZ);
}

TEST(test_close_with_objects_releases_pins)
{
	int fd = iommufd_open(), check = iommufd_open();
	uint32_t ioas = ioas_alloc(fd);
	uint8_t *mem = map_anon(8 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint64_t iova = IOVA;

	mock_domain(fd, ioas, NULL, NULL);
	ASSERT_EQ(0, ioas_map(fd, ioas, mem, 8 * PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, check_refs(check, mem, 8 * PAGE_SZ, 1));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, check_refs(check, mem, 8 * PAGE_SZ, 0));
	munmap(mem, 8 * PAGE_SZ);
	close(check);
}

TEST_HARNESS_MAIN
