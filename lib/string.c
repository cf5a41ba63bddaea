// SPDX-License-Identifier: MIT
/*
 * Freestanding string and memory functions for the kernel and ring-3 programs.
 * The hosted library uses libc's; the hosted lib test links these in to test them.
 */
#define LIB_STRING_IMPL	/* the definitions, not the inlining macros */
#include "lib/string.h"

/*
 * rep movs/stos: fast on modern CPUs. Whole quadwords first, then the odd
 * bytes: QEMU's TCG runs string instructions one iteration at a time, so a
 * page copied or cleared by quadwords is eight times fewer of them.
 * The outputs are early-clobbered: %rdi, %rsi and %rcx change before the
 * odd-byte count is read, so it must not share one of them (inlined with
 * constants, as LTO does, gcc put a count equal to q's in %rcx itself).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8;

	n %= 8;
	__asm__ __volatile__("rep movsq\n\tmovq %3, %%rcx\n\trep movsb"
			     : "+&D"(d), "+&S"(src), "+&c"(q) : "r"(n) : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t q = n / 8;

	n %= 8;
	__asm__ __volatile__("rep stosq\n\tmovq %2, %%rcx\n\trep stosb"
			     : "+&D"(d), "+&c"(q) : "r"(n), "a"((u64)(u8)c * 0x0101010101010101ULL)
			     : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return n ? NULL : (char *)hay;
}

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Base 0 picks 16 for "0x", 8 for a leading 0, else 10. Saturates on overflow. */
unsigned long long strtoull(const char *s, char **end, int base)
{
	unsigned long long v = 0;
	bool ovf = false;
	const char *start;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    digit_val(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	start = s;
	for (; digit_val(*s) < base; s++) {
		if (__builtin_mul_overflow(v, (unsigned)base, &v) ||
		    __builtin_add_overflow(v, (unsigned)digit_val(*s), &v))
			ovf = true;
	}
	if (end)
		*end = (char *)(s == start ? start : s);
	return ovf ? ~0ULL : v;
}
