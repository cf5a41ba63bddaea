// SPDX-License-Identifier: MIT
/*
 * Ring-3 garbage test: random /dev/iommu ioctls (numbers, sizes, field
 * values, pointers into good, read-only, unmapped and kernel memory) and
 * random system calls. The kernel must answer each with an errno or a
 * result and never crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include "iommufd_cmds.h"
#include "iommufd_utils.h"

#define ROUNDS 4000
#define REOPEN 500
#define SYSCALLS 3000
#define SCRATCH_PAGES 16
#ifndef MAP_GROWSDOWN
#define MAP_GROWSDOWN 0x0100	/* Linux's; the ring-3 libc has no stacks that grow */
#endif

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
	const struct iommufd_cmd *c = &iommufd_cmds[rnd() % IOMMUFD_NCMDS];
	unsigned long cmd = c->nr;
	uint32_t size;

	for (size_t i = 0; i < 32; i++)
		buf.q[i] = value(t);
	/* mostly a zero tail past the struct, else E2BIG answers everything */
	if (rnd() % 8)
		memset((uint8_t *)&buf + c->size, 0, sizeof(buf) - c->size);
	switch (rnd() % 6) {
	case 0: size = c->size + 8 * (uint32_t)(rnd() % 4); break;
	case 1: size = (uint32_t)(rnd() % 80); break;
	case 2: size = (uint32_t)rnd(); break;
	default: size = c->size; break;
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

/* Arguments for the system-call garbage: none may hurt the program itself. */
struct sysfuzz {
	struct targets t;
	uint8_t *scratch;	/* the only memory mmap/munmap/mprotect may touch */
	int fd;			/* an iommufd */
};

/* A descriptor: ours, closed, never opened or nonsense; never stdio. */
static long any_fd(const struct sysfuzz *z)
{
	static const long fds[] = { -1, 77, 1023, 1L << 31, -100 };

	return rnd() % 2 ? z->fd : fds[rnd() % 5];
}

/* An address for the memory calls: in scratch, or one no one can map. */
static long mm_addr(const struct sysfuzz *z)
{
	switch (rnd() % 6) {
	case 0: return (long)0xffff800000000000ULL;
	case 1: return (long)(UINT64_MAX - PAGE_SZ + 1);
	case 2: return (long)(uintptr_t)z->scratch + 1;
	default: return (long)(uintptr_t)z->scratch + (long)(rnd() % SCRATCH_PAGES) * PAGE_SZ;
	}
}

static long mm_len(void)
{
	switch (rnd() % 8) {
	case 0: return 0;
	case 1: return (long)(rnd() % 5000);
	case 2: return -1;
	default: return (long)(1 + rnd() % 4) * PAGE_SZ;
	}
}

static long any_val(const struct sysfuzz *z)
{
	return (long)value(&z->t);
}

/* One random call; returns what it returned. */
static long one_syscall(const struct sysfuzz *z)
{
	long a = any_val(z), b = any_val(z), r;
	int flags = (int)rnd();

	switch (rnd() % 14) {
	case 0: return syscall(SYS_read, any_fd(z), a, rnd() % 64);
	case 1: return syscall(SYS_write, any_fd(z), a, rnd() % 64);
	case 2: return syscall(SYS_pread64, any_fd(z), a, rnd() % 64, b);
	case 3: return syscall(SYS_pwrite64, any_fd(z), a, rnd() % 64, b);
	case 4: return syscall(SYS_ioctl, any_fd(z), (long)rnd(), a);
	case 5: return syscall(SYS_clock_gettime, (long)(rnd() % 12) - 1, a);
	case 6: return syscall(SYS_getrlimit, (long)(rnd() % 20), a);
	case 7: return syscall(SYS_prlimit64, rnd() % 2 ? 0L : (long)rnd() % 100000, (long)(rnd() % 20),
			       0L, a);
	case 8:	/* no O_CREAT: nothing may appear on a Linux disk */
		r = syscall(SYS_openat, rnd() % 2 ? (long)AT_FDCWD : any_fd(z),
			    rnd() % 2 ? (long)(uintptr_t)"/dev/iommu" : a,
			    (long)(flags & (O_ACCMODE | O_CLOEXEC | O_NONBLOCK)), 0L);
		if (r >= 0)
			close((int)r);
		return r;
	case 9: {
		long len = mm_len();

		if (rnd() % 4 == 0)	/* fixed maps only into scratch */
			flags |= MAP_FIXED;
		else
			flags &= ~(MAP_FIXED | MAP_FIXED_NOREPLACE);
		if (rnd() % 16)
			flags &= ~MAP_HUGETLB;
		r = syscall(SYS_mmap, mm_addr(z), len, (long)(rnd() % 8),
			    (long)(flags & ~MAP_GROWSDOWN), rnd() % 2 ? -1L : any_fd(z),
			    (long)(rnd() % 3) * (long)PAGE_SZ);
		if (r != -1 && !(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
			munmap((void *)r, (flags & MAP_HUGETLB) ? HUGE_SZ : (size_t)len);
		return r;
	}
	case 10: return syscall(SYS_munmap, mm_addr(z), mm_len());
	case 11: return syscall(SYS_mprotect, mm_addr(z), mm_len(), (long)(rnd() % 16));
	case 12: return syscall(SYS_getpid);
	default: return syscall(400 + (long)(rnd() % 600), a, b, a, b, a, b);	/* no such call */
	}
}

/* Every answer is a result or -1 with an errno; the program carries on unharmed. */
TEST(test_random_syscalls_never_crash)
{
	struct sysfuzz z;
	int failed = 0, bad_errno = 0;
	pid_t pid = getpid();

	rng = (getenv("KTEST_SEED") ? strtoull(getenv("KTEST_SEED"), NULL, 0) : 1) ^ 0x5ca1ab1e;
	TH_LOG("seed %llu, %d calls", (unsigned long long)rng, SYSCALLS);
	z.t.good = map_anon(8 * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	z.t.ro = map_anon(PAGE_SZ, PROT_READ, 0);
	z.t.hole = map_anon(PAGE_SZ, PROT_READ, 0);
	z.scratch = map_anon(SCRATCH_PAGES * PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, (void *)z.t.good);
	ASSERT_NE(MAP_FAILED, (void *)z.t.ro);
	ASSERT_NE(MAP_FAILED, (void *)z.scratch);
	ASSERT_EQ(0, munmap(z.t.hole, PAGE_SZ));
	z.fd = iommufd_open();
	for (int i = 0; i < SYSCALLS; i++) {
		errno = 0;
		if (one_syscall(&z) == -1) {
			failed++;
			bad_errno += errno <= 0 || errno >= 4096;
		}
	}
	TH_LOG("%d of %d calls failed", failed, SYSCALLS);
	EXPECT_EQ(0, bad_errno);
	EXPECT_GT(failed, 0);
	/* the process is whole: its pid, its memory, its iommufd */
	EXPECT_EQ(pid, getpid());
	z.t.good[0] = 1;
	EXPECT_EQ(1, z.t.good[0]);
	EXPECT_EQ(0, check_refs(z.fd, z.t.good, 8 * PAGE_SZ, 0));
	EXPECT_EQ(0, close(z.fd));
	munmap(z.scratch, SCRATCH_PAGES * PAGE_SZ);
}

TEST_HARNESS_MAIN
