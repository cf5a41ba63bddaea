// SPDX-License-Identifier: MIT
/*
 * lib suite: string and memory functions, checked against expected values.
 * Built into the kernel and into the hosted test-lib program.
 */
#include "lib/string.h"
#include "tests/ktest.h"

KTEST(lib, test_lib_memcpy_memmove_overlap)
{
	char buf[32];

	memcpy(buf, "0123456789", 11);
	memmove(buf + 2, buf, 8);
	report(!memcmp(buf, "0101234567", 10), "memmove forward overlap keeps source bytes");
	memcpy(buf, "0123456789", 11);
	memmove(buf, buf + 3, 7);
	report(!memcmp(buf, "3456789789", 10), "memmove backward overlap");
	memset(buf, 'x', 5);
	report(!memcmp(buf, "xxxxx", 5) && buf[5] == '8', "memset stops at n");
	report(memcmp("abc", "abd", 3) < 0 && memcmp("abd", "abc", 3) > 0, "memcmp sign");
	report(memcmp("\x80", "\x01", 1) > 0, "memcmp compares unsigned bytes");
}

KTEST(lib, test_lib_str_functions)
{
	char dst[8];
	const char *hello = "hello";

	report(strlen("") == 0 && strlen("hello") == 5, "strlen");
	report(strnlen("hello", 3) == 3, "strnlen caps at max");
	report(strcmp("a", "b") < 0 && strcmp("b", "a") > 0 && !strcmp("x", "x"), "strcmp");
	report(strncmp("abcX", "abcY", 3) == 0, "strncmp stops at n");
	report(strchr(hello, 'l') == hello + 2 && !strchr(hello, 'z'), "strchr finds the first");
	report(strrchr(hello, 'l') == hello + 3, "strrchr finds the last");
	report(strchr("abc", 0) != NULL && *strchr("abc", 0) == 0, "strchr finds the terminator");
	report(strstr("find the needle", "needle") != NULL && !strstr("abc", "abd"), "strstr");
	report(strlcpy(dst, "truncated!", sizeof(dst)) == 10 && !strcmp(dst, "truncat"),
	       "strlcpy truncates and returns the source length");
	report(mem_is_zero("\0\0\0", 3) && !mem_is_zero("\0\1", 2), "mem_is_zero");
}

KTEST(lib, test_lib_strtoull)
{
	static const struct {
		const char *s;
		int base;
		unsigned long long v;
		int consumed;
	} cases[] = {
		{ "0", 0, 0, 1 },
		{ "42", 10, 42, 2 },
		{ "0x1F", 0, 31, 4 },
		{ "0x", 0, 0, 1 },
		{ "017", 0, 15, 3 },
		{ "ff", 16, 255, 2 },
		{ "18446744073709551615", 10, ~0ULL, 20 },
		{ "18446744073709551616", 10, ~0ULL, 20 },	/* saturates */
		{ "12abc", 10, 12, 2 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		char *end;
		unsigned long long v = strtoull(cases[i].s, &end, cases[i].base);

		report(v == cases[i].v && end - cases[i].s == cases[i].consumed,
		       "strtoull(\"%s\", %d) = %llu, consumed %d", cases[i].s, cases[i].base,
		       cases[i].v, cases[i].consumed);
	}
}

KTEST(lib, test_lib_glob_match)
{
	report(glob_match("vtd*", "vtd-fault"), "vtd* matches vtd-fault");
	report(glob_match("*", ""), "* matches empty");
	report(glob_match("a?c", "abc") && !glob_match("a?c", "ac"), "? matches one character");
	report(!glob_match("vtd", "vtd-fault"), "no wildcard: exact only");
	report(glob_match("*fault*", "vtd-fault-overflow"), "infix star");
	report(!glob_match("amd*", "vtd"), "prefix mismatch");
}
