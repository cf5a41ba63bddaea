// SPDX-License-Identifier: MIT
/*
 * lib/platform.h on Linux: pthread locks; "user memory" is this process's
 * own, checked with process_vm_readv/writev so bad pointers give EFAULT;
 * a pinned page's "physical address" is its virtual address.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>
#include "lib/platform.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "arch/host/host.h"

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(struct plat_mutex), "plat_mutex too small");
_Static_assert(sizeof(pthread_rwlock_t) <= sizeof(struct plat_rwsem), "plat_rwsem too small");

void plat_mutex_init(struct plat_mutex *m)
{
	pthread_mutex_init((pthread_mutex_t *)m, NULL);
}

void plat_mutex_destroy(struct plat_mutex *m)
{
	pthread_mutex_destroy((pthread_mutex_t *)m);
}

void plat_mutex_lock(struct plat_mutex *m)
{
	pthread_mutex_lock((pthread_mutex_t *)m);
}

void plat_mutex_unlock(struct plat_mutex *m)
{
	pthread_mutex_unlock((pthread_mutex_t *)m);
}

void plat_rwsem_init(struct plat_rwsem *s)
{
	pthread_rwlock_init((pthread_rwlock_t *)s, NULL);
}

void plat_rwsem_destroy(struct plat_rwsem *s)
{
	pthread_rwlock_destroy((pthread_rwlock_t *)s);
}

void plat_down_read(struct plat_rwsem *s)
{
	pthread_rwlock_rdlock((pthread_rwlock_t *)s);
}

void plat_up_read(struct plat_rwsem *s)
{
	pthread_rwlock_unlock((pthread_rwlock_t *)s);
}

void plat_down_write(struct plat_rwsem *s)
{
	pthread_rwlock_wrlock((pthread_rwlock_t *)s);
}

void plat_up_write(struct plat_rwsem *s)
{
	pthread_rwlock_unlock((pthread_rwlock_t *)s);
}

void plat_yield(void)
{
	sched_yield();
}

/* Our pid, cached (a syscall per copy is what user copies cost hosted). */
static pid_t self_pid;

static void refresh_pid(void)
{
	self_pid = getpid();
}

static pid_t self(void)
{
	if (!self_pid)
		refresh_pid();
	return self_pid;
}

/* Move n bytes between our buffer and "user" address uaddr of this process. */
static int vm_copy(void *local, u64 uaddr, size_t n, bool to_user)
{
	u64 end;

	if (check_add_overflow(uaddr, (u64)n, &end))
		return -EFAULT;
	while (n) {
		struct iovec l = { local, n }, r = { (void *)(uintptr_t)uaddr, n };
		ssize_t got = to_user ? process_vm_writev(self(), &l, 1, &r, 1, 0) :
					process_vm_readv(self(), &l, 1, &r, 1, 0);

		if (got <= 0)
			return -EFAULT;
		local = (char *)local + got;
		uaddr += (u64)got;
		n -= (size_t)got;
	}
	return 0;
}

int copy_from_user(void *dst, u64 usrc, size_t n)
{
	return vm_copy(dst, usrc, n, false);
}

int copy_to_user(u64 udst, const void *src, size_t n)
{
	return vm_copy((void *)src, udst, n, true);
}

#define PROBE_BATCH 512

/*
 * Probe the first byte of each page: readable, and for write also
 * writable (the byte is written back with the value just read; a thread
 * storing to that very byte at that instant would lose its store).
 */
static int probe_pages(u64 uva, unsigned long npages, bool write)
{
	struct iovec remote[PROBE_BATCH], local;
	char bytes[PROBE_BATCH];

	for (unsigned long done = 0; done < npages; ) {
		unsigned long n = min(npages - done, (unsigned long)PROBE_BATCH);

		for (unsigned long i = 0; i < n; i++) {
			remote[i].iov_base = (void *)(uintptr_t)(uva + (done + i) * PAGE_SIZE);
			remote[i].iov_len = 1;
		}
		local.iov_base = bytes;
		local.iov_len = n;
		if (process_vm_readv(self(), &local, 1, remote, n, 0) != (ssize_t)n)
			return -EFAULT;
		if (write && process_vm_writev(self(), &local, 1, remote, n, 0) != (ssize_t)n)
			return -EFAULT;
		done += n;
	}
	return 0;
}

int plat_pin_user_pages(u64 uva, unsigned long npages, bool write, phys_addr_t *pas)
{
	u64 bytes, end;
	int ret;

	if (uva % PAGE_SIZE || check_mul_overflow((u64)npages, (u64)PAGE_SIZE, &bytes) ||
	    check_add_overflow(uva, bytes, &end))
		return -EFAULT;
	ret = probe_pages(uva, npages, write);
	if (ret)
		return ret;
	for (unsigned long i = 0; i < npages; i++)
		pas[i] = uva + i * PAGE_SIZE;
	return 0;
}

void plat_unpin_pages(const phys_addr_t *pas, unsigned long npages)
{
	/* the core keeps the pin counts; the process's pages need nothing */
}

void *plat_phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

int plat_user_to_phys(u64 uva, phys_addr_t *pa)
{
	char c;

	if (copy_from_user(&c, uva, 1))
		return -EFAULT;
	*pa = uva;
	return 0;
}

bool plat_capable_sys_resource(void)
{
	return true;	/* the self-tests run as root on Linux */
}

static bool memlock_rlimit;	/* host_use_rlimit() was called */
static unsigned long memlock_env = ULONG_MAX;	/* IOMMUFD_MEMLOCK_LIMIT, in pages */

void host_use_rlimit(void)
{
	memlock_rlimit = true;
}

unsigned long plat_memlock_limit(void)
{
	struct rlimit r;

	if (!memlock_rlimit || getrlimit(RLIMIT_MEMLOCK, &r) || r.rlim_cur == RLIM_INFINITY)
		return memlock_env;
	return min(memlock_env, (unsigned long)(r.rlim_cur / PAGE_SIZE));
}

static unsigned long warnings;

void plat_warn(const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&warnings, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "    # WARNING: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

unsigned long plat_warn_count(void)
{
	return __atomic_load_n(&warnings, __ATOMIC_RELAXED);
}

/* IOMMUFD_FAIL_NTH=n fails the n-th fail-point site; IOMMUFD_MEMLOCK_LIMIT=pages. */
static void __attribute__((constructor)) host_platform_init(void)
{
	const char *s = getenv("IOMMUFD_FAIL_NTH");

	pthread_atfork(NULL, NULL, refresh_pid);	/* a forked child copies from itself */

	if (s)
		failpoint_arm(strtoul(s, NULL, 0));
	s = getenv("IOMMUFD_MEMLOCK_LIMIT");
	if (s)
		memlock_env = strtoul(s, NULL, 0);
}
