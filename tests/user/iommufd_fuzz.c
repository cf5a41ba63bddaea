// SPDX-License-Identifier: MIT
/*
 * Ring-3 garbage test: random /dev/iommu ioctls (numbers, sizes, field
 * values, pointers into good, read-only, unmapped and kernel memory). The
 * kernel must answer each with an errno or a result and never crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include "iommufd_utils.h"

#define ROUNDS 4000
#define REOPEN 500

static const struct {
	unsigned long num;
	uint32_t size;
} cmds[] = {
#define CMD(n, t) { n, sizeof(struct t) }
	CMD(IOMMU_DESTROY, iommu_destroy),
	CMD(IOMMU_IOAS_ALLOC, iommu_ioas_alloc),
	CMD(IOMMU_IOAS_ALLOW_IOVAS, iommu_ioas_allow_iovas),
	CMD(IOMMU_IOAS_COPY, iommu_ioas_copy),
	CMD(IOMMU_IOAS_IOVA_RANGES, iommu_ioas_iova_ranges),
	CMD(IOMMU_IOAS_MAP, iommu_ioas_map),
	CMD(IOMMU_IOAS_UNMAP, iommu_ioas_unmap),
	CMD(IOMMU_OPTION, iommu_option),
	CMD(IOMMU_VFIO_IOAS, iommu_vfio_ioas),
	CMD(IOMMU_HWPT_ALLOC, iommu_hwpt_alloc),
	CMD(IOMMU_GET_HW_INFO, iommu_hw_info),
	CMD(IOMMU_TEST_CMD, iommu_test_cmd),
#undef CMD
};

static uint64_t rng;
static int succeeded, by_errno[128];

/* splitmix64: the run repeats exactly from its seed */
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct targets {
	uint8_t *good, *ro, *hole;
};

/* A value for a 64-bit field: small numbers, edges, and every kind of pointer. */
static uint64_t value(const struct targets *t)
{
	switch (rnd() % 10) {
	case 0: return 0;
	case 1: return rnd() % 8;
	case 2: return (uintptr_t)t->good + (rnd() % 4) * PAGE_SZ;
	case 3: return (uintptr_t)t->ro;
	case 4: return (uintptr_t)t->hole;
	case 5: return 0xffff800000000000ULL + (rnd() % 16) * PAGE_SZ;
	case 6: return UINT64_MAX - (rnd() % 3) * PAGE_SZ;
	case 7: return MOCK_APERTURE_START + (rnd() % 64) * PAGE_SZ;
	case 8: return (rnd() % 64) * PAGE_SZ;
	default: return rnd();
	}
}

static void one_call(int fd, const struct targets *t)
{
	union {
		uint64_t q[32];
		uint32_t w[64];
		struct iommu_test_cmd test;
	} buf;
	size_t c = rnd() % (sizeof(cmds) / sizeof(cmds[0]));
	unsigned long cmd = cmds[c].num;
	uint32_t size;

	for (size_t i = 0; i < 32; i++)
		buf.q[i] = value(t);
	/* mostly a zero tail past the struct, else E2BIG answers everything */
	if (rnd() % 8)
		memset((uint8_t *)&buf + cmds[c].size, 0, sizeof(buf) - cmds[c].size);
	switch (rnd() % 6) {
	case 0: size = cmds[c].size + 8 * (uint32_t)(rnd() % 4); break;
	case 1: size = (uint32_t)(rnd() % 80); break;
	case 2: size = (uint32_t)rnd(); break;
	default: size = cmds[c].size; break;
	}
	if (size > sizeof(buf) && rnd() % 2)
		size = sizeof(buf);
	buf.w[0] = size;
	/* small object ids hit real objects now and then */
	if (rnd() % 2)
		buf.w[rnd() % 4 + 1] = (uint32_t)(rnd() % 8);
	if (cmd == IOMMU_TEST_CMD) {
		buf.test.op = (uint32_t)(rnd() % 16);
		if (buf.test.op == IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT)
			buf.test.op = IOMMU_TEST_OP_MOCK_DOMAIN;	/* global: would outlive us */
	}
	if (rnd() % 16 == 0)
		cmd ^= 1UL << (rnd() % 32);	/* a number nobody knows */
	if (ioctl(fd, cmd, rnd() % 8 ? (void *)&buf : (void *)(uintptr_t)value(t)) >= 0)
		succeeded++;
	else
		by_errno[errno & 127]++;
}

TEST(test_random_ioctls_never_crash)
{
	struct targets t;
	int fd;

	/* the kernel passes its seed= as KTEST_SEED; a failing run repeats with it */
	rng = getenv("KTEST_SEED") ? strtoull(getenv("KTEST_SEED"), NULL, 0) : 1;
	TH_LOG("seed %llu, %d calls", (unsigned long long)rng, ROUNDS);
	t.good = map_anon(8 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	t.ro = map_anon(PAGE_SZ, PROT_READ, 0);
	t.hole = map_anon(PAGE_SZ, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, (void *)t.good);
	ASSERT_NE(MAP_FAILED, (void *)t.ro);
	ASSERT_EQ(0, munmap(t.hole, PAGE_SZ));
	fd = iommufd_open();
	for (int i = 0; i < ROUNDS; i++) {
		if (i && i % REOPEN == 0) {
			/* access fds the fuzzer made close with their context */
			for (int extra = fd + 1; extra < fd + 64; extra++)
				close(extra);
			ASSERT_EQ(0, close(fd));
			fd = iommufd_open();
		}
		one_call(fd, &t);
	}
	for (int extra = fd + 1; extra < fd + 64; extra++)
		close(extra);
	ASSERT_EQ(0, close(fd));
	/* everything the garbage pinned went with the contexts */
	fd = iommufd_open();
	EXPECT_EQ(0, check_refs(fd, t.good, 8 * PAGE_SZ, 0));
	close(fd);
	TH_LOG("%d calls succeeded; EFAULT %d, EINVAL %d, ENOENT %d, EOPNOTSUPP %d, E2BIG %d, "
	       "ENOTTY %d, EOVERFLOW %d, other %d", succeeded, by_errno[EFAULT],
	       by_errno[EINVAL], by_errno[ENOENT], by_errno[EOPNOTSUPP], by_errno[E2BIG],
	       by_errno[ENOTTY], by_errno[EOVERFLOW],
	       ROUNDS - succeeded - by_errno[EFAULT] - by_errno[EINVAL] - by_errno[ENOENT] -
	       by_errno[EOPNOTSUPP] - by_errno[E2BIG] - by_errno[ENOTTY] - by_errno[EOVERFLOW]);
	/* the garbage reached the handlers, not only the size checks */
	EXPECT_GT(succeeded, 0);
	EXPECT_GT(by_errno[ENOENT] + by_errno[EOPNOTSUPP], 0);
}

TEST_HARNESS_MAIN
