/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string and memory functions (lib/string.c) with libc names and
 * signatures, so the hosted build may use libc's instead without any change.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "lib/compiler.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
unsigned long long strtoull(const char *s, char **end, int base);

/* Not libc: helpers named as Linux names them. */
size_t strlcpy(char *dst, const char *src, size_t size);
bool mem_is_zero(const void *s, size_t n);
bool glob_match(const char *pat, const char *str);

/*
 * The kernel builds with -fno-builtin: without these every fill or copy of
 * a struct is a call. GCC inlines the small ones of a known size and calls
 * the functions above for the rest (lib/string.c defines them: not there).
 */
#if CONFIG_KERNEL && !defined(LIB_STRING_IMPL)
#define memcpy(...)	__builtin_memcpy(__VA_ARGS__)
#define memset(...)	__builtin_memset(__VA_ARGS__)
#endif

#endif
