// SPDX-License-Identifier: MIT
/*
 * The hosted side of the test runner: output to stdout, tests run directly
 * (sanitizers report crashes), no hardware, wall-clock time.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "tests/ktest.h"

void ktest_env_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
	fflush(stdout);
}

int ktest_env_protected_call(void (*fn)(void))
{
	fn();
	return 0;
}

bool ktest_env_has(unsigned int need, const char **why)
{
	*why = "hosted build has no hardware";
	return false;
}

void ktest_env_after_test(const struct ktest *t)
{
}

u64 ktest_env_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* Programs that use the hosted heap or page allocator get their leak checks. */
u64 kmalloc_live(void) __attribute__((weak));
long host_pages_live(void) __attribute__((weak));

static long heap_objects(void)
{
	return kmalloc_live ? (long)kmalloc_live() : 0;
}

KTEST_COUNTER(heap_objects, heap_objects);

static long pages(void)
{
	return host_pages_live ? host_pages_live() : 0;
}

KTEST_COUNTER(host_pages, pages);

/*
 * Under LD_PRELOAD=libiommufd-host.so (test-abi-preload) the core's warnings
 * are counted inside the library, apart from this program's own count.
 */
static long preload_warnings(void)
{
	static unsigned long (*count)(void);
	static bool looked;

	if (!looked) {
		count = (unsigned long (*)(void))dlsym(RTLD_DEFAULT, "iommufd_host_warnings");
		looked = true;
	}
	return count ? (long)count() : 0;
}

KTEST_COUNTER(preload_warnings, preload_warnings);
