// SPDX-License-Identifier: MIT
/*
 * lib/platform.h on Linux: pthread locks, capabilities, the memlock limit,
 * warnings and the fail point from the environment; user memory and pins
 * are umem.c.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lib/platform.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/lockdep.h"
#include "arch/host/host.h"


_Static_assert(sizeof(pthread_mutex_t) <= sizeof(((struct plat_mutex *)0)->opaque), "mutex");
_Static_assert(sizeof(pthread_rwlock_t) <= sizeof(((struct plat_rwsem *)0)->opaque), "rwsem");

void plat_mutex_init_class(struct plat_mutex *m, const char *name)
{
	pthread_mutex_init((pthread_mutex_t *)m, NULL);
	m->name = name;
}

void plat_mutex_destroy(struct plat_mutex *m)
{
	pthread_mutex_destroy((pthread_mutex_t *)m);
}

void plat_mutex_lock(struct plat_mutex *m)
{
	lockdep_acquire(m, m->name, true);
	pthread_mutex_lock((pthread_mutex_t *)m);
}

void plat_mutex_unlock(struct plat_mutex *m)
{
	lockdep_release(m);
	pthread_mutex_unlock((pthread_mutex_t *)m);
}

void plat_rwsem_init_class(struct plat_rwsem *s, const char *name)
{
	pthread_rwlock_init((pthread_rwlock_t *)s, NULL);
	s->name = name;
}

void plat_rwsem_destroy(struct plat_rwsem *s)
{
	pthread_rwlock_destroy((pthread_rwlock_t *)s);
}

void plat_down_read(struct plat_rwsem *s)
{
	lockdep_acquire_read(s, s->name);
	pthread_rwlock_rdlock((pthread_rwlock_t *)s);
}

void plat_up_read(struct plat_rwsem *s)
{
	lockdep_release(s);
	pthread_rwlock_unlock((pthread_rwlock_t *)s);
}

void plat_down_write(struct plat_rwsem *s)
{
	lockdep_acquire(s, s->name, true);
	pthread_rwlock_wrlock((pthread_rwlock_t *)s);
}

void plat_up_write(struct plat_rwsem *s)
{
	lockdep_release(s);
	pthread_rwlock_unlock((pthread_rwlock_t *)s);
}

void plat_yield(void)
{
	sched_yield();
}

static bool memlock_rlimit;	/* host_use_rlimit() was called: a real program's library */

/*
 * Under the preload: CAP_SYS_RESOURCE always (the accounting mode is this
 * process's own state in the library: there is no one else's limit to
 * escape), anything else as the process's effective set says (capget), so
 * a program that drops CAP_IPC_LOCK is accounted as on Linux. Without the
 * preload (hosted unit tests): the kernel's model.
 */
bool plat_capable(int cap)
{
	struct { u32 version; int pid; } hdr = { 0x20080522, 0 };	/* _LINUX_CAPABILITY_VERSION_3 */
	struct { u32 effective, permitted, inheritable; } data[2];

	if (!memlock_rlimit)
		return cap != PLAT_CAP_IPC_LOCK;
	if (cap == PLAT_CAP_SYS_RESOURCE)
		return true;
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}
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
