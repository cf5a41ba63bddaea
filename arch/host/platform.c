// SPDX-License-Identifier: MIT
/*
 * lib/platform.h on Linux: pthread locks, the memlock limit, warnings and
 * the fail point from the environment; user memory and pins are umem.c.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
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

	if (s)
		failpoint_arm(strtoul(s, NULL, 0));
	s = getenv("IOMMUFD_MEMLOCK_LIMIT");
	if (s)
		memlock_env = strtoul(s, NULL, 0);
}
