// SPDX-License-Identifier: MIT
/*
 * lib suite: the formatter, one row per format/argument/expected output.
 * Built into the kernel and into the hosted test-lib program.
 */
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/ktest.h"

#define CHECK(expect, ...)                                                    \
	do {                                                                  \
		char b[64];                                                   \
		int n = snprintf(b, sizeof(b), __VA_ARGS__);                  \
		report(!strcmp(b, expect) && n == (int)strlen(expect),        \
		       "%s -> \"%s\" (got \"%s\")", #__VA_ARGS__, expect, b); \
	} while (0)

KTEST(lib, test_lib_printf_integers)
{
	CHECK("42", "%d", 42);
	CHECK("-42", "%d", -42);
	CHECK("-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	CHECK("4294967295", "%u", 4294967295u);
	CHECK("ff", "%x", 255);
	CHECK("FF", "%X", 255);
	CHECK("0xff", "%#x", 255);
	CHECK("0", "%#x", 0);
	CHECK("17", "%o", 15);
	CHECK("ffffffffffffffff", "%lx", ~0UL);
	CHECK("18446744073709551615", "%llu", ~0ULL);
	CHECK("123", "%zu", (size_t)123);
	CHECK("-1", "%hhd", 255);
	CHECK("65535", "%hu", 65535);
}

KTEST(lib, test_lib_printf_widths)
{
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("00042", "%05d", 42);
	CHECK("-0042", "%05d", -42);
	CHECK("+42", "%+d", 42);
	CHECK(" 42", "% d", 42);
	CHECK("00ff", "%04x", 255);
	CHECK("0x00ff", "%#06x", 255);
	CHECK("  007", "%5.3d", 7);
	CHECK("  abc", "%5s", "abc");
	CHECK("ab", "%.2s", "abc");
	CHECK("abc  |", "%-5s|", "abc");
	CHECK("   hi", "%*s", 5, "hi");
	CHECK("x", "%c", 'x');
	CHECK("100%", "%d%%", 100);
	{
		const char *volatile nul = NULL;	/* hide NULL from -Wformat-overflow */

		CHECK("(null)", "%s", nul);
	}
}

KTEST(lib, test_lib_printf_pointer_and_truncation)
{
	char b[8];
	int n;

	CHECK("0x1000", "%p", (void *)0x1000);
	n = snprintf(b, sizeof(b), "%s", "longer than eight");
	report(n == 17 && !strcmp(b, "longer "), "truncation returns the full length, buffer ends in NUL");
	n = snprintf(b, 0, "%d", 12345);
	report(n == 5, "size 0 writes nothing and still counts");
}
