// SPDX-License-Identifier: MIT
/*
 * Ring-3 self-test of the syscall stub: console write, getpid, clocks, mmap
 * and munmap (anonymous, fixed, huge pages), errno for bad arguments.
 * Linux ABI only: builds and passes as an ordinary Linux program too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

#define PAGE 4096UL
#define HUGE (2UL << 20)
#define BAD_PTR test_ptr(8)	/* never mapped in any process */
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)	/* glibc has it in linux/mman.h */
#endif

static void *map_anon(size_t len, int prot, int flags)
{
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

TEST(test_write_stdout_returns_count)
{
	static const char msg[] = "# hello from ring 3\n";

	ASSERT_EQ((ssize_t)sizeof(msg) - 1, write(STDOUT_FILENO, msg, sizeof(msg) - 1));
	EXPECT_EQ(0, write(STDOUT_FILENO, msg, 0));
}

TEST(test_write_bad_pointer_efault)
{
	EXPECT_ERRNO(EFAULT, write(STDOUT_FILENO, BAD_PTR, 16));
	EXPECT_ERRNO(EFAULT, write(STDOUT_FILENO, test_ptr(0xffff800000000000UL), 16));
}

TEST(test_bad_fd_ebadf)
{
	EXPECT_ERRNO(EBADF, write(77, "x", 1));
	EXPECT_ERRNO(EBADF, close(77));
	EXPECT_ERRNO(EBADF, ioctl(77, 0x3b80, NULL));
	EXPECT_ERRNO(EBADF, close(-1));
}

TEST(test_open_missing_enoent)
{
	EXPECT_ERRNO(ENOENT, open("/dev/no-such-device", O_RDWR));
	EXPECT_ERRNO(ENOENT, openat(AT_FDCWD, "/dev/no-such-device", O_RDWR));
	EXPECT_ERRNO(EFAULT, open(BAD_PTR, O_RDWR));
}

/* A relative path needs a directory fd: a file is ENOTDIR, a closed fd EBADF. */
TEST(test_openat_dirfd_rules)
{
	int fd = open("/dev/iommu", O_RDWR);

	EXPECT_ERRNO(EBADF, openat(77, "dev/iommu", O_RDWR));
	EXPECT_ERRNO(ENOTDIR, openat(STDOUT_FILENO, "dev/iommu", O_RDWR));
	if (fd < 0)
		SKIP("no /dev/iommu to use as a non-directory fd");
	EXPECT_ERRNO(ENOTDIR, openat(fd, "dev/iommu", O_RDWR));
	EXPECT_ERRNO(ENOTDIR, openat(fd, "x", O_RDONLY));
	EXPECT_EQ(0, close(fd));
}

TEST(test_getpid_stable)
{
	pid_t a = getpid();

	ASSERT_GT(a, 0);
	EXPECT_EQ(a, getpid());
}

TEST(test_clock_monotonic)
{
	struct timespec a, b;

	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &a));
	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &b));
	EXPECT_TRUE(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
	EXPECT_TRUE(a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);
	/* the raw syscall: Linux's vDSO would just crash on a bad pointer */
	EXPECT_ERRNO(EFAULT, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD_PTR));
	EXPECT_ERRNO(EINVAL, clock_gettime(1000, &a));
}

/* Defined by the ring-3 libc under iommu-testos (the clock handed over at exec), not by glibc. */
extern const unsigned long *__testos_clock __attribute__((weak));

static long long ts_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/*
 * clock_gettime without a system call (the TSC and the kernel's scale, as
 * Linux's vDSO) reads the same clock as the system call: between two
 * system-call readings, every time, and moving forward.
 */
TEST(test_clock_gettime_fast_path_agrees_with_syscall)
{
	struct timespec a, f, b;
	long long prev = 0;

	if (&__testos_clock)
		ASSERT_TRUE(__testos_clock != NULL);	/* the kernel handed the clock over */
	for (int i = 0; i < 200; i++) {
		ASSERT_EQ(0, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a));
		ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &f));
		ASSERT_EQ(0, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b));
		EXPECT_TRUE(ts_ns(&a) <= ts_ns(&f) && ts_ns(&f) <= ts_ns(&b));
		EXPECT_TRUE(f.tv_nsec >= 0 && f.tv_nsec < 1000000000L && ts_ns(&f) >= prev);
		if (!(ts_ns(&a) <= ts_ns(&f) && ts_ns(&f) <= ts_ns(&b))) {
			TH_LOG("syscall %lld, fast %lld, syscall %lld", ts_ns(&a), ts_ns(&f), ts_ns(&b));
			break;
		}
		prev = ts_ns(&f);
	}
	ASSERT_EQ(0, clock_gettime(CLOCK_BOOTTIME, &f));	/* the same clock, as the kernel's */
}

TEST(test_unknown_syscall_enosys)
{
	EXPECT_ERRNO(ENOSYS, syscall(1000, 0, 0, 0, 0, 0, 0));
}

TEST(test_mmap_anon_rw)
{
	size_t len = 16 * PAGE;
	uint8_t *p = map_anon(len, PROT_READ | PROT_WRITE, 0);
	int zero = 1, match = 1;

	ASSERT_NE(MAP_FAILED, (void *)p);
	EXPECT_EQ(0, (uintptr_t)p % PAGE);
	for (size_t i = 0; i < len; i++)
		zero &= p[i] == 0;
	EXPECT_TRUE(zero);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < len; i++)
		match &= p[i] == (uint8_t)(i * 7);
	EXPECT_TRUE(match);
	ASSERT_EQ(0, munmap(p, len));
}

TEST(test_mmap_bad_args_einval)
{
	EXPECT_ERRNO(EINVAL, mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	EXPECT_ERRNO(EINVAL, mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0));
	EXPECT_ERRNO(EINVAL, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 123));
	EXPECT_ERRNO(EINVAL, mmap((void *)0x10000123, PAGE, PROT_READ,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	EXPECT_ERRNO(EBADF, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 77, 0));
}

TEST(test_munmap_rules)
{
	uint8_t *p = map_anon(3 * PAGE, PROT_READ | PROT_WRITE, 0);
	void *q;

	ASSERT_NE(MAP_FAILED, (void *)p);
	EXPECT_ERRNO(EINVAL, munmap(p + 1, PAGE));
	EXPECT_ERRNO(EINVAL, munmap(p, 0));
	/* unmapping the middle page leaves both ends usable and a hole between */
	ASSERT_EQ(0, munmap(p + PAGE, PAGE));
	p[0] = 1;
	p[2 * PAGE] = 2;
	EXPECT_EQ(1, p[0]);
	EXPECT_EQ(2, p[2 * PAGE]);
	q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT_EQ((void *)(p + PAGE), q);
	/* now the range is taken again */
	EXPECT_ERRNO(EEXIST, mmap(p, PAGE, PROT_READ,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	ASSERT_EQ(0, munmap(p, 3 * PAGE));
	/* a hole unmaps fine */
	EXPECT_EQ(0, munmap(p, 3 * PAGE));
}

TEST(test_mmap_fixed_replaces)
{
	uint8_t *p = map_anon(2 * PAGE, PROT_READ | PROT_WRITE, 0);
	uint8_t *q;

	ASSERT_NE(MAP_FAILED, (void *)p);
	p[PAGE] = 0x5a;
	q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	ASSERT_EQ((void *)(p + PAGE), (void *)q);
	EXPECT_EQ(0, q[0]);
	EXPECT_EQ(0, munmap(p, 2 * PAGE));
}

TEST(test_mprotect_readonly_keeps_data)
{
	uint8_t *p = map_anon(3 * PAGE, PROT_READ | PROT_WRITE, 0);
	struct timespec *ts = (struct timespec *)(p + PAGE);

	ASSERT_NE(MAP_FAILED, (void *)p);
	memset(p, 0x77, 3 * PAGE);
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_READ));
	EXPECT_EQ(0x77, p[PAGE]);
	/* the kernel may not write there either */
	EXPECT_ERRNO(EFAULT, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts));
	EXPECT_EQ(0x77, p[PAGE]);
	/* the neighbours stay writable */
	p[0] = 1;
	p[2 * PAGE] = 2;
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_NONE));
	ASSERT_EQ(0, mprotect(p, 3 * PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts));
	EXPECT_EQ(1, p[0]);
	EXPECT_EQ(2, p[2 * PAGE]);
	EXPECT_ERRNO(EINVAL, mprotect(p + 1, PAGE, PROT_READ));
	ASSERT_EQ(0, munmap(p + PAGE, PAGE));
	EXPECT_ERRNO(ENOMEM, mprotect(p, 3 * PAGE, PROT_READ));
	EXPECT_EQ(0, munmap(p, 3 * PAGE));
}

TEST(test_mmap_hugetlb_2m)
{
	uint8_t *p = map_anon(HUGE, PROT_READ | PROT_WRITE, MAP_HUGETLB | MAP_HUGE_2MB);
	int match = 1;

	if (p == MAP_FAILED && errno == ENOMEM)
		SKIP("no 2 MiB huge pages reserved");
	ASSERT_NE(MAP_FAILED, (void *)p);
	EXPECT_EQ(0, (uintptr_t)p % HUGE);
	for (size_t i = 0; i < HUGE; i += PAGE)
		p[i] = (uint8_t)(i >> 12);
	for (size_t i = 0; i < HUGE; i += PAGE)
		match &= p[i] == (uint8_t)(i >> 12);
	EXPECT_TRUE(match);
	/* hugetlb mappings are cut only on 2 MiB boundaries */
	EXPECT_ERRNO(EINVAL, munmap(p + PAGE, PAGE));
	EXPECT_EQ(0, munmap(p, HUGE));
}

TEST(test_rlimit_memlock_roundtrip)
{
	struct rlimit old, r;

	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &old));
	r.rlim_cur = 64 * PAGE;
	r.rlim_max = old.rlim_max;
	if (r.rlim_cur > r.rlim_max)
		SKIP("hard memlock limit below 256 KiB");
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &r));
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &r));
	EXPECT_EQ(64 * PAGE, r.rlim_cur);
	EXPECT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &old));
	r.rlim_cur = r.rlim_max = 0;
	r.rlim_cur = 1;
	EXPECT_ERRNO(EINVAL, setrlimit(RLIMIT_MEMLOCK, &r));
	EXPECT_ERRNO(EFAULT, getrlimit(RLIMIT_MEMLOCK, BAD_PTR));
	EXPECT_ERRNO(EFAULT, setrlimit(RLIMIT_MEMLOCK, BAD_PTR));
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &r));
	EXPECT_EQ(old.rlim_cur, r.rlim_cur);
}

TEST_HARNESS_MAIN
