// SPDX-License-Identifier: MIT
/*
 * String helpers that are not in libc (strlcpy, mem_is_zero, glob_match):
 * split from string.c so hosted programs can link them beside libc's.
 */
#include "lib/string.h"

/* Copy with truncation; returns strlen(src) so callers can detect truncation. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

bool mem_is_zero(const void *s, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p)
			return false;
	return true;
}

/* Shell-style glob: '*' any run, '?' one char. Comma-free; callers split lists. */
bool glob_match(const char *pat, const char *str)
{
	const char *star = NULL, *retry = NULL;

	while (*str) {
		if (*pat == '*') {
			star = ++pat;
			retry = str;
		} else if (*pat == '?' || *pat == *str) {
			pat++;
			str++;
		} else if (star) {
			pat = star;
			str = ++retry;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}
