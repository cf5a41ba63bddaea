// SPDX-License-Identifier: MIT
/*
 * Ring-3 test of mapping user memory into an IOAS with a mock domain:
 * anonymous, 2 MiB huge-page and read-only memory, what stays pinned and
 * for how long (refs checked by IOMMU_TEST_OP_MD_CHECK_REFS).
 */
#include <stdint.h>
#include "iommufd_utils.h"

#define IOVA MOCK_APERTURE_START

struct env {
	int fd;
	uint32_t ioas, hwpt;
};

static struct env setup(void)
{
	struct env e;

	e.fd = iommufd_open();
	e.ioas = ioas_alloc(e.fd);
	e.hwpt = mock_domain(e.fd, e.ioas, NULL, NULL);
	return e;
}

static uint8_t *filled(size_t len, int flags)
{
	uint8_t *p = map_anon(len, PROT_READ | PROT_WRITE, flags);

	if (p == MAP_FAILED && (flags & MAP_HUGETLB) && errno == ENOMEM)
		SKIP("no 2 MiB huge pages available");
	ASSERT_NE(MAP_FAILED, (void *)p);
	for (size_t i = 0; i < len; i += PAGE_SZ)
		p[i] = (uint8_t)(i >> 12);
	return p;
}

TEST(test_map_anonymous)
{
	struct env e = setup();
	size_t len = 16 * PAGE_SZ;
	uint8_t *mem = filled(len, 0);
	uint64_t iova = IOVA, unmapped = 0;

	ASSERT_EQ(0, ioas_map(e.fd, e.ioas, mem, len, &iova, MAP_FIXED_RW));
	EXPECT_EQ(IOVA, iova);
	EXPECT_EQ(0, check_map(e.fd, e.hwpt, IOVA, mem, len));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 1));
	ASSERT_EQ(0, ioas_unmap(e.fd, e.ioas, IOVA, len, &unmapped));
	EXPECT_EQ(len, unmapped);
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 0));
	munmap(mem, len);
	close(e.fd);
}

TEST(test_map_same_memory_twice)
{
	struct env e = setup();
	size_t len = 4 * PAGE_SZ;
	uint8_t *mem = filled(len, 0);
	uint64_t a = IOVA, b = IOVA + (1 << 20);

	ASSERT_EQ(0, ioas_map(e.fd, e.ioas, mem, len, &a, MAP_FIXED_RW));
	ASSERT_EQ(0, ioas_map(e.fd, e.ioas, mem, len, &b, MAP_FIXED_RW));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 2));
	EXPECT_EQ(0, ioas_unmap(e.fd, e.ioas, a, len, NULL));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 1));
	EXPECT_EQ(0, ioas_unmap(e.fd, e.ioas, b, len, NULL));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 0));
	munmap(mem, len);
	close(e.fd);
}

TEST(test_map_hugepage)
{
	struct env e = setup();
	uint8_t *mem = filled(HUGE_SZ, MAP_HUGETLB);
	uint64_t iova = IOVA, unmapped = 0;

	ASSERT_EQ(0, ioas_map(e.fd, e.ioas, mem, HUGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, check_map(e.fd, e.hwpt, IOVA, mem, HUGE_SZ));
	EXPECT_EQ(0, check_refs(e.fd, mem, HUGE_SZ, 1));
	/* a piece from the middle of the huge page maps on its own too */
	iova = IOVA + 2 * HUGE_SZ + PAGE_SZ;
	EXPECT_EQ(0, ioas_map(e.fd, e.ioas, mem + PAGE_SZ, PAGE_SZ, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, check_map(e.fd, e.hwpt, iova, mem + PAGE_SZ, PAGE_SZ));
	EXPECT_EQ(0, check_refs(e.fd, mem + PAGE_SZ, PAGE_SZ, 2));
	ASSERT_EQ(0, ioas_unmap(e.fd, e.ioas, 0, UINT64_MAX, &unmapped));
	EXPECT_EQ(HUGE_SZ + PAGE_SZ, unmapped);
	EXPECT_EQ(0, check_refs(e.fd, mem, HUGE_SZ, 0));
	munmap(mem, HUGE_SZ);
	close(e.fd);
}

TEST(test_map_readonly_memory)
{
	struct env e = setup();
	size_t len = 4 * PAGE_SZ;
	uint8_t *mem = filled(len, 0);
	uint64_t iova = IOVA;

	ASSERT_EQ(0, mprotect(mem, len, PROT_READ));
	/* the device may not write to memory the process may not write */
	EXPECT_ERRNO(EFAULT, ioas_map(e.fd, e.ioas, mem, len, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 0));
	EXPECT_ERRNO(ENOENT, ioas_unmap(e.fd, e.ioas, IOVA, len, NULL));
	/* device reads are fine */
	ASSERT_EQ(0, ioas_map(e.fd, e.ioas, mem, len, &iova,
			      IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_FIXED_IOVA));
	EXPECT_EQ(0, check_map(e.fd, e.hwpt, IOVA, mem, len));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 1));
	EXPECT_EQ(0, ioas_unmap(e.fd, e.ioas, IOVA, len, NULL));
	munmap(mem, len);
	close(e.fd);
}

/*
 * Pages pinned for a device outlive the process's own mapping of them:
 * after munmap the mock domain still maps them (not new memory put at the
 * same address) and an access reads their data back through the pins,
 * until the IOAS unmaps them.
 */
TEST(test_munmap_while_mapped)
{
	struct env e = setup();
	size_t len = 8 * PAGE_SZ;
	uint8_t *mem = filled(len, 0), *again;
	uint8_t *out = test_defer_munmap(map_anon(len, PROT_READ | PROT_WRITE, 0), len);
	uint64_t iova = IOVA, unmapped = 0;
	struct iommu_test_cmd acc = {
		.size = sizeof(acc), .op = IOMMU_TEST_OP_CREATE_ACCESS, .id = e.ioas,
	};
	struct iommu_test_cmd rw = {
		.size = sizeof(rw), .op = IOMMU_TEST_OP_ACCESS_RW,
		.access_rw = { .iova = IOVA, .length = len, .uptr = (uintptr_t)out,
			       .flags = MOCK_ACCESS_RW_SLOW_PATH },
	};
	size_t wrong = 0;

	ASSERT_NE(MAP_FAILED, (void *)out);
	ASSERT_EQ(0, ioas_map(e.fd, e.ioas, mem, len, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, ioctl(e.fd, IOMMU_TEST_CMD, &acc));
	rw.id = (uint32_t)test_defer_close((int)acc.create_access.out_access_fd);
	ASSERT_EQ(0, munmap(mem, len));
	EXPECT_ERRNO(EFAULT, check_refs(e.fd, mem, len, 1));
	/* new memory at the old address is not what the device reaches */
	again = mmap(mem, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		     -1, 0);
	ASSERT_EQ((void *)mem, (void *)again);
	test_defer_munmap(again, len);
	memset(again, 0xee, len);
	EXPECT_ERRNO(EINVAL, check_map(e.fd, e.hwpt, IOVA, again, len));
	EXPECT_EQ(0, check_refs(e.fd, again, len, 0));
	ASSERT_EQ(0, ioctl(e.fd, IOMMU_TEST_CMD, &rw));
	for (size_t i = 0; i < len; i++)
		wrong += out[i] != (i % PAGE_SZ ? 0 : (uint8_t)(i / PAGE_SZ));
	EXPECT_EQ(0, wrong);
	EXPECT_EQ(0, ioas_unmap(e.fd, e.ioas, IOVA, len, &unmapped));
	EXPECT_EQ(len, unmapped);
	close(e.fd);
}

/* IOAS_COPY shares the pages: they stay pinned once until the last IOAS lets go. */
TEST(test_copy_pins_once)
{
	struct env e = setup();
	uint32_t ioas2 = ioas_alloc(e.fd);
	size_t len = 4 * PAGE_SZ;
	uint8_t *mem = filled(len, 0);
	uint64_t iova = IOVA;
	struct iommu_ioas_copy copy = {
		.size = sizeof(copy),
		.flags = MAP_FIXED_RW,
		.dst_ioas_id = ioas2,
		.src_ioas_id = e.ioas,
		.length = len,
		.dst_iova = IOVA + (1 << 20),
		.src_iova = IOVA,
	};

	mock_domain(e.fd, ioas2, NULL, NULL);
	ASSERT_EQ(0, ioas_map(e.fd, e.ioas, mem, len, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, ioctl(e.fd, IOMMU_IOAS_COPY, &copy));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 1));
	EXPECT_EQ(0, ioas_unmap(e.fd, e.ioas, IOVA, len, NULL));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 1));
	EXPECT_EQ(0, ioas_unmap(e.fd, ioas2, IOVA + (1 << 20), len, NULL));
	EXPECT_EQ(0, check_refs(e.fd, mem, len, 0));
	munmap(mem, len);
	close(e.fd);
}

/* Attaching a domain to an IOAS that already maps memory pins it then. */
TEST(test_domain_after_map)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd), hwpt;
	size_t len = 4 * PAGE_SZ;
	uint8_t *mem = filled(len, 0);
	uint64_t iova = IOVA;

	ASSERT_EQ(0, ioas_map(fd, ioas, mem, len, &iova, MAP_FIXED_RW));
	hwpt = mock_domain(fd, ioas, NULL, NULL);
	EXPECT_EQ(0, check_map(fd, hwpt, IOVA, mem, len));
	EXPECT_EQ(0, check_refs(fd, mem, len, 1));
	close(fd);
	munmap(mem, len);
}

/*
 * Destroying objects, not closing the fd, releases the pins too: without a
 * domain the IOAS needs no pinned pages (as Linux).
 */
TEST(test_destroy_releases_pins)
{
	int fd = iommufd_open();
	uint32_t ioas = ioas_alloc(fd), stdev;
	size_t len = 4 * PAGE_SZ;
	uint8_t *mem = filled(len, 0);
	uint64_t iova = IOVA;

	mock_domain(fd, ioas, &stdev, NULL);
	ASSERT_EQ(0, ioas_map(fd, ioas, mem, len, &iova, MAP_FIXED_RW));
	EXPECT_EQ(0, check_refs(fd, mem, len, 1));
	EXPECT_ERRNO(EBUSY, destroy(fd, ioas));
	EXPECT_EQ(0, destroy(fd, stdev));
	EXPECT_EQ(0, check_refs(fd, mem, len, 0));
	mock_domain(fd, ioas, &stdev, NULL);
	EXPECT_EQ(0, check_refs(fd, mem, len, 1));	/* a new domain pins them again */
	EXPECT_EQ(0, destroy(fd, stdev));
	EXPECT_EQ(0, destroy(fd, ioas));
	EXPECT_EQ(0, check_refs(fd, mem, len, 0));
	close(fd);
	munmap(mem, len);
}

TEST_HARNESS_MAIN
