/* SPDX-License-Identifier: MIT */
/*
 * KTAP test harness for ring-3 test programs, after Linux's kselftest harness:
 * TEST(name) { ... }, ASSERT_* (ends the test) / EXPECT_* (carries on), SKIP.
 * Portable C: builds with the tiny libc for ring 3 and with glibc on Linux.
 */
#ifndef TESTS_USER_HARNESS_H
#define TESTS_USER_HARNESS_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
	int line;		/* tests run in source order */
};

#define TEST(n)                                                          \
	static void n(void);                                             \
	static const struct test_case __test_##n                         \
		__attribute__((used, section("user_tests"), aligned(8))) = \
		{ #n, n, __LINE__ };                                     \
	static void n(void)

/* Exit status of a program whose tests all skipped (kselftest's KSFT_SKIP). */
#define TEST_EXIT_SKIP 4

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
__attribute__((noreturn)) void test_abort(void);
__attribute__((noreturn, format(printf, 1, 2))) void test_skip(const char *fmt, ...);
void test_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Failures recorded so far in the running test. */
int test_failures(void);
/* Count one check (the macros below do); a test that makes none fails. */
void test_checked(void);
/*
 * Close fd when the running test ends, however it ends (an ASSERT or SKIP
 * leaves by longjmp): a device left bound would fail the tests after it.
 * Returns fd.
 */
int test_defer_close(int fd);
/*
 * munmap [addr, addr + len) when the running test ends: a device mapping
 * left behind keeps its device file, and so the device, bound. Returns addr.
 */
void *test_defer_munmap(void *addr, size_t len);
/* Runs every TEST() in source order, prints KTAP; returns the exit status. */
int test_harness_main(int argc, char **argv);

#define TEST_HARNESS_MAIN                          \
	int main(int argc, char **argv)            \
	{                                          \
		return test_harness_main(argc, argv); \
	}

#define __TEST_CMP(exp, op, seen, fatal)                                        \
	do {                                                                    \
		__typeof__(exp) __e = (exp);                                    \
		__typeof__(seen) __s = (seen);                                  \
		test_checked();                                                 \
		if (!(__e op __s)) {                                            \
			test_fail(__FILE__, __LINE__,                           \
				  "expected %s (%lld, %#llx) " #op " %s (%lld, %#llx)", \
				  #exp, (long long)__e, (unsigned long long)__e, \
				  #seen, (long long)__s, (unsigned long long)__s); \
			if (fatal)                                              \
				test_abort();                                   \
		}                                                               \
	} while (0)

#define ASSERT_EQ(exp, seen) __TEST_CMP(exp, ==, seen, 1)
#define ASSERT_NE(exp, seen) __TEST_CMP(exp, !=, seen, 1)
#define ASSERT_LT(exp, seen) __TEST_CMP(exp, <, seen, 1)
#define ASSERT_LE(exp, seen) __TEST_CMP(exp, <=, seen, 1)
#define ASSERT_GT(exp, seen) __TEST_CMP(exp, >, seen, 1)
#define ASSERT_GE(exp, seen) __TEST_CMP(exp, >=, seen, 1)
#define EXPECT_EQ(exp, seen) __TEST_CMP(exp, ==, seen, 0)
#define EXPECT_NE(exp, seen) __TEST_CMP(exp, !=, seen, 0)
#define EXPECT_LT(exp, seen) __TEST_CMP(exp, <, seen, 0)
#define EXPECT_LE(exp, seen) __TEST_CMP(exp, <=, seen, 0)
#define EXPECT_GT(exp, seen) __TEST_CMP(exp, >, seen, 0)
#define EXPECT_GE(exp, seen) __TEST_CMP(exp, >=, seen, 0)

#define __TEST_BOOL(cond, want, fatal)                                       \
	do {                                                                 \
		test_checked();                                              \
		if (!(cond) != !(want)) {                                    \
			test_fail(__FILE__, __LINE__, "expected %s to be %s", \
				  #cond, (want) ? "true" : "false");          \
			if (fatal)                                           \
				test_abort();                                \
		}                                                            \
	} while (0)

#define ASSERT_TRUE(c) __TEST_BOOL(c, 1, 1)
#define ASSERT_FALSE(c) __TEST_BOOL(c, 0, 1)
#define EXPECT_TRUE(c) __TEST_BOOL(c, 1, 0)
#define EXPECT_FALSE(c) __TEST_BOOL(c, 0, 0)

/* expr must fail the libc way: return -1 (or MAP_FAILED) with errno == err. */
#define __TEST_ERRNO(err, expr, fatal)                                          \
	do {                                                                    \
		long __r;                                                       \
		int __en, __want = (err);                                       \
		errno = 0;                                                      \
		__r = (long)(expr);                                             \
		__en = errno;                                                   \
		test_checked();                                                 \
		if (__r != -1 || __en != __want) {                              \
			test_fail(__FILE__, __LINE__,                           \
				  "%s: returned %ld errno %d, expected -1 errno %d (%s)", \
				  #expr, __r, __en, __want, strerror(__want));  \
			if (fatal)                                              \
				test_abort();                                   \
		}                                                               \
	} while (0)

#define EXPECT_ERRNO(err, expr) __TEST_ERRNO(err, expr, 0)
#define ASSERT_ERRNO(err, expr) __TEST_ERRNO(err, expr, 1)

/* An address the compiler cannot see through, for EFAULT tests. */
static inline void *test_ptr(unsigned long v)
{
	__asm__("" : "+r"(v));
	return (void *)v;
}

#define SKIP(...) test_skip(__VA_ARGS__)
#define TH_LOG(...) test_log(__VA_ARGS__)

#endif
