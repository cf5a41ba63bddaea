// SPDX-License-Identifier: MIT
/*
 * The ring-3 test harness runtime: runs TEST()s in source order, leaves a
 * failed test by longjmp, prints KTAP version 1 with a totals line.
 * Portable: the same file links with the tiny libc and with glibc.
 */
#if __STDC_HOSTED__	/* the Linux build; ring 3's is freestanding */
#define _GNU_SOURCE
#include <dlfcn.h>
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "harness.h"

#define MAX_TESTS 256
#define MAX_DEFERRED 32

extern const struct test_case __start_user_tests[], __stop_user_tests[];

static struct {
	jmp_buf env;
	int failures;
	int checks;
	int skipped;
	char skip_reason[160];
	struct {
		int fd;		/* to close, or -1 */
		void *addr;	/* to munmap (fd -1) */
		size_t len;
	} deferred[MAX_DEFERRED];
	int ndeferred;
} cur;

void test_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur.failures++;
	cur.checks++;
	va_start(ap, fmt);
	printf("# %s:%d: ", file, line);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

void test_abort(void)
{
	longjmp(cur.env, 1);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur.skip_reason, sizeof(cur.skip_reason), fmt, ap);
	va_end(ap);
	cur.skipped = 1;
	longjmp(cur.env, 1);
}

int test_failures(void)
{
	return cur.failures;
}

void test_checked(void)
{
	cur.checks++;
}

int test_defer_close(int fd)
{
	if (fd >= 0 && cur.ndeferred < MAX_DEFERRED)
		cur.deferred[cur.ndeferred++].fd = fd;
	return fd;
}

void *test_defer_munmap(void *addr, size_t len)
{
	if (addr != MAP_FAILED && cur.ndeferred < MAX_DEFERRED) {
		cur.deferred[cur.ndeferred].fd = -1;
		cur.deferred[cur.ndeferred].addr = addr;
		cur.deferred[cur.ndeferred++].len = len;
	}
	return addr;
}

/*
 * A count of the core serving /dev/iommu under libiommufd-host.so, by name
 * (ring 3 of our kernel: the kernel's runner counts them itself).
 */
static unsigned long core_count(const char *name)
{
#if __STDC_HOSTED__
	unsigned long (*count)(void) = (unsigned long (*)(void))dlsym(RTLD_DEFAULT, name);

	return count ? count() : 0;
#else
	return 0;
#endif
}

/* Its warnings, and its heap objects and pages (each test gives back what it took). */
static unsigned long core_warnings(void)
{
	return core_count("iommufd_host_warnings");
}

static unsigned long core_live(void)
{
	return core_count("iommufd_host_live");
}

/* Run one test: 0 pass, 1 fail, 2 skip. */
static int run_one(const struct test_case *t)
{
	unsigned long warnings = core_warnings(), live = core_live();

	cur.failures = 0;
	cur.checks = 0;
	cur.skipped = 0;
	if (!setjmp(cur.env))
		t->fn();
	/* a test that checked nothing and did not skip proves nothing */
	if (!cur.checks && !cur.skipped) {
		printf("# %s made no checks (no ASSERT/EXPECT, no SKIP)\n", t->name);
		cur.failures++;
	}
	/* last opened, first closed; what the test closed itself just fails */
	while (cur.ndeferred > 0) {
		cur.ndeferred--;
		if (cur.deferred[cur.ndeferred].fd >= 0)
			close(cur.deferred[cur.ndeferred].fd);
		else
			munmap(cur.deferred[cur.ndeferred].addr, cur.deferred[cur.ndeferred].len);
	}
	if (core_live() != live) {
		printf("# %s: %+ld heap objects and pages of the core serving /dev/iommu "
		       "not given back\n", t->name, (long)(core_live() - live));
		cur.failures++;
	}
	if (core_warnings() != warnings) {
		printf("# %s: %lu warning(s) from the core serving /dev/iommu\n", t->name,
		       core_warnings() - warnings);
		cur.failures++;
	}
	return cur.failures ? 1 : cur.skipped ? 2 : 0;
}

int test_harness_main(int argc, char **argv)
{
	static const struct test_case *tests[MAX_TESTS];
	int n = 0, pass = 0, fail = 0, skip = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct test_case *t = __start_user_tests; t < __stop_user_tests && n < MAX_TESTS;
	     t++) {
		int j = n++;

		while (j > 0 && tests[j - 1]->line > t->line) {
			tests[j] = tests[j - 1];
			j--;
		}
		tests[j] = t;
	}
	printf("KTAP version 1\n1..%d\n", n);
	for (int i = 0; i < n; i++) {
		int r = run_one(tests[i]);

		if (r == 1) {
			printf("not ok %d %s\n", i + 1, tests[i]->name);
			fail++;
		} else if (r == 2) {
			printf("ok %d %s # SKIP %s\n", i + 1, tests[i]->name, cur.skip_reason);
			skip++;
		} else {
			printf("ok %d %s\n", i + 1, tests[i]->name);
			pass++;
		}
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n", pass, fail, skip);
	printf("# iommu-testos: %d passed, %d failed, %d skipped\n", pass, fail, skip);
	fflush(stdout);
	if (fail)
		return 1;
	return !pass && skip ? TEST_EXIT_SKIP : 0;
}
