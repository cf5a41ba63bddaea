/* SPDX-License-Identifier: MIT */
/* stdlib.h for ring-3 test programs: exit, a page-granular malloc, numbers. */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS	0
#define EXIT_FAILURE	1

__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
int posix_memalign(void **out, size_t align, size_t n);
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
char *getenv(const char *name);
int abs(int v);

#endif
