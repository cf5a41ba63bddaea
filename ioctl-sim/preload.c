// SPDX-License-Identifier: MIT
/*
 * libiommufd-host.so: LD_PRELOAD it and an unmodified Linux program's
 * open("/dev/iommu"), ioctl and close on such fds are served by the core;
 * every other call goes to libc. Our fds are real eventfds as placeholders.
 * A warning of the core (lib/warn.h) fails the program: its harness reads
 * iommufd_host_warnings() after each test, and the exit status turns to 1.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "lib/platform.h"
#include "arch/host/host.h"
#include "ioctl-sim/sim.h"


static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real___open_2)(const char *, int);
static int (*real___open64_2)(const char *, int);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_close)(int);

/* libc's versions: the next definitions after ours. */
static void resolve(void)
{
#define NEXT(name) (real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name))
	if (real_close)
		return;
	NEXT(open);
	NEXT(open64);
	NEXT(openat);
	NEXT(openat64);
	NEXT(__open_2);
	NEXT(__open64_2);
	NEXT(ioctl);
	NEXT(close);
#undef NEXT
}

#define RESOLVE(name) (resolve(), real_##name)

static int placeholder_alloc(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static void placeholder_free(int fd)
{
	RESOLVE(close)(fd);
}

static const struct sim_fd_allocator placeholders = {
	.alloc = placeholder_alloc,
	.free = placeholder_free,
};

/* Warnings the core printed in this process (for tests/user/lib/harness.c). */
unsigned long iommufd_host_warnings(void);

unsigned long iommufd_host_warnings(void)
{
	return plat_warn_count();
}

/* A program that ends well after the core warned still fails. */
static void warned_exit(int status, void *arg)
{
	unsigned long n = plat_warn_count();

	if (!n)
		return;
	fflush(NULL);
	fprintf(stderr, "libiommufd-host.so: %lu warning(s) from the core (above): exit status 1\n",
		n);
	if (!status)
		_exit(1);
}

static void __attribute__((constructor)) preload_init(void)
{
	sim_set_fd_allocator(&placeholders);
	host_use_rlimit();
	on_exit(warned_exit, NULL);
}

/* The fortified entry points have no prototype outside bits/fcntl2.h. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int ioctl(int fd, unsigned long request, ...);

#define NOT_OURS (-2)

/* fd, -1 with errno, or NOT_OURS when no simulated node has this path. */
static int try_open(const char *upath, int flags)
{
	char path[64];
	size_t i;
	int r;

	/* read the path as the kernel would: a bad pointer is libc's EFAULT, not a crash */
	for (i = 0; i < sizeof(path); i++) {
		if (copy_from_user(&path[i], (u64)(uintptr_t)upath + i, 1))
			return NOT_OURS;
		if (!path[i])
			break;
	}
	if (i == sizeof(path) || path[0] != '/')
		return NOT_OURS;
	r = sim_open(path, flags);
	if (r == -ENOENT)
		return NOT_OURS;
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

static mode_t open_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

#define OPEN_WRAPPER(name)                                                  \
	int name(const char *path, int flags, ...)                          \
	{                                                                   \
		int fd = try_open(path, flags);                             \
		mode_t mode;                                                \
		va_list ap;                                                 \
		if (fd != NOT_OURS)                                         \
			return fd;                                          \
		va_start(ap, flags);                                        \
		mode = open_mode(flags, ap);                                \
		va_end(ap);                                                 \
		return RESOLVE(name)(path, flags, mode);                    \
	}

#define OPENAT_WRAPPER(name)                                                \
	int name(int dirfd, const char *path, int flags, ...)               \
	{                                                                   \
		int fd = try_open(path, flags);                             \
		mode_t mode;                                                \
		va_list ap;                                                 \
		if (fd != NOT_OURS)                                         \
			return fd;                                          \
		va_start(ap, flags);                                        \
		mode = open_mode(flags, ap);                                \
		va_end(ap);                                                 \
		return RESOLVE(name)(dirfd, path, flags, mode);             \
	}

#define OPEN2_WRAPPER(name)                                                 \
	int name(const char *path, int flags)                               \
	{                                                                   \
		int fd = try_open(path, flags);                             \
		return fd != NOT_OURS ? fd : RESOLVE(name)(path, flags);    \
	}

OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)
OPEN2_WRAPPER(__open_2)
OPEN2_WRAPPER(__open64_2)

int ioctl(int fd, unsigned long request, ...)
{
	unsigned long arg;
	va_list ap;
	long r;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (!sim_fd_is_ours(fd))
		return RESOLVE(ioctl)(fd, request, arg);
	r = sim_ioctl(fd, (unsigned int)request, arg);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (int)r;
}

int close(int fd)
{
	if (sim_fd_is_ours(fd)) {
		int r = sim_close(fd);

		if (r < 0) {
			errno = -r;
			return -1;
		}
		return 0;
	}
	return RESOLVE(close)(fd);
}
