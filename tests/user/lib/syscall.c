// SPDX-License-Identifier: MIT
/*
 * System call wrappers for ring-3 test programs: the Linux x86-64 calling
 * convention (rax = number; rdi, rsi, rdx, r10, r8, r9), -errno -> errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "lib/tsclock.h"


int errno;

static long raw_syscall(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}

/* The libc convention: -1 and errno for a -errno result. */
static long ret_errno(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

long syscall(long nr, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return ret_errno(raw_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

ssize_t read(int fd, void *buf, size_t n)
{
	return ret_errno(raw_syscall(SYS_read, fd, (long)buf, (long)n, 0, 0, 0));
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return ret_errno(raw_syscall(SYS_write, fd, (long)buf, (long)n, 0, 0, 0));
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	return (int)ret_errno(raw_syscall(SYS_poll, (long)fds, (long)n, timeout_ms, 0, 0, 0));
}

int eventfd(unsigned int initval, int flags)
{
	return (int)ret_errno(raw_syscall(SYS_eventfd2, initval, flags, 0, 0, 0, 0));
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	return ret_errno(raw_syscall(SYS_pread64, fd, (long)buf, (long)n, off, 0, 0));
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return ret_errno(raw_syscall(SYS_pwrite64, fd, (long)buf, (long)n, off, 0, 0));
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	return (int)ret_errno(raw_syscall(SYS_open, (long)path, flags, mode, 0, 0, 0));
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	return (int)ret_errno(raw_syscall(SYS_openat, dirfd, (long)path, flags, mode, 0, 0));
}

int close(int fd)
{
	return (int)ret_errno(raw_syscall(SYS_close, fd, 0, 0, 0, 0, 0));
}

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	long arg;

	va_start(ap, request);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)ret_errno(raw_syscall(SYS_ioctl, fd, (long)request, arg, 0, 0, 0));
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)ret_errno(raw_syscall(SYS_mmap, (long)addr, (long)len, prot, flags,
					     fd, off));
}

int munmap(void *addr, size_t len)
{
	return (int)ret_errno(raw_syscall(SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0));
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)ret_errno(raw_syscall(SYS_mprotect, (long)addr, (long)len, prot, 0, 0, 0));
}

pid_t getpid(void)
{
	return (pid_t)raw_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

/*
 * The kernel's clocks up to CLOCK_BOOTTIME are one: time_ns(), a function of
 * the TSC it hands over at exec (as Linux's vDSO, no system call). Anything
 * else, or no clock handed over, asks the kernel.
 */
int clock_gettime(clockid_t clk, struct timespec *ts)
{
	extern const unsigned long *__testos_clock;
	const unsigned long *c = __testos_clock;

	if (c && (unsigned int)clk <= CLOCK_BOOTTIME) {
		unsigned int lo, hi;
		unsigned long ns;

		__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
		ns = tsclock_ns(((u64)hi << 32) | lo, c[0], c[1]);
		ts->tv_sec = (long)(ns / 1000000000UL);
		ts->tv_nsec = (long)(ns % 1000000000UL);
		return 0;
	}
	return (int)ret_errno(raw_syscall(SYS_clock_gettime, clk, (long)ts, 0, 0, 0, 0));
}

int getrlimit(int resource, struct rlimit *r)
{
	return (int)ret_errno(raw_syscall(SYS_getrlimit, resource, (long)r, 0, 0, 0, 0));
}

int setrlimit(int resource, const struct rlimit *r)
{
	return (int)ret_errno(raw_syscall(SYS_setrlimit, resource, (long)r, 0, 0, 0, 0));
}

void _exit(int status)
{
	for (;;)
		raw_syscall(SYS_exit_group, status, 0, 0, 0, 0, 0);
}

long sysconf(int name)
{
	if (name == _SC_PAGESIZE)
		return 4096;
	errno = EINVAL;
	return -1;
}
