// SPDX-License-Identifier: MIT
/*
 * The rest of the tiny libc for ring-3 test programs: program start and exit,
 * a page-granular malloc over mmap, number parsing, strerror and friends.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "lib/string.h"	/* checks string.h agrees with lib/string.c */
#include "lib/tsclock.h"

int main(int argc, char **argv, char **envp);
void __libc_start(long *sp);

char **environ;
const unsigned long *__testos_clock;	/* clock_gettime's, from the auxiliary vector */

void __libc_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **e;

	environ = argv + argc + 1;
	for (e = environ; *e; e++)
		;
	for (const unsigned long *aux = (const unsigned long *)(e + 1); aux[0]; aux += 2)
		if (aux[0] == AT_TESTOS_CLOCK)
			__testos_clock = (const unsigned long *)aux[1];
	exit(main(argc, argv, environ));
}

void exit(int status)
{
	fflush(NULL);
	_exit(status);
}

void abort(void)
{
	fprintf(stderr, "abort()\n");
	exit(134);	/* what a shell shows for SIGABRT */
}

void __assert_fail(const char *expr, const char *file, int line, const char *fn)
{
	fprintf(stderr, "%s:%d: %s: assertion '%s' failed\n", file, line, fn, expr);
	abort();
}

/* Every block is its own mapping; the header sits just before the pointer. */
struct block {
	void *base;
	size_t len;	/* of the mapping */
	size_t size;	/* asked for */
	size_t pad;
};

static void *block_alloc(size_t align, size_t size)
{
	size_t hdr = sizeof(struct block), len;
	uintptr_t base, p;
	struct block *b;

	if (align < hdr)
		align = hdr;
	if (size > SIZE_MAX / 2 || align > SIZE_MAX / 4) {
		errno = ENOMEM;
		return NULL;
	}
	len = (size + align + hdr + 4095) & ~(size_t)4095;
	base = (uintptr_t)mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == (uintptr_t)MAP_FAILED)
		return NULL;
	p = (base + hdr + align - 1) & ~(uintptr_t)(align - 1);
	b = (struct block *)p - 1;
	b->base = (void *)base;
	b->len = len;
	b->size = size;
	return (void *)p;
}

void *malloc(size_t n)
{
	return block_alloc(16, n);
}

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return malloc(n * size);	/* fresh mappings are zero */
}

void free(void *p)
{
	struct block *b = (struct block *)p - 1;

	if (p)
		munmap(b->base, b->len);
}

void *realloc(void *p, size_t n)
{
	struct block *b = (struct block *)p - 1;
	void *q;

	if (!p)
		return malloc(n);
	q = malloc(n);
	if (q) {
		memcpy(q, p, b->size < n ? b->size : n);
		free(p);
	}
	return q;
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (!align || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	p = block_alloc(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return (unsigned long)strtoull(s, end, base);
}

long strtol(const char *s, char **end, int base)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-')
		return -(long)strtoull(s + 1, end, base);
	return (long)strtoull(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

int abs(int v)
{
	return v < 0 ? -v : v;
}

char *getenv(const char *name)
{
	size_t n = strlen(name);

	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

char *strcpy(char *dst, const char *src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

char *strncpy(char *dst, const char *src, size_t n)
{
	size_t l = strnlen(src, n);

	memcpy(dst, src, l);
	memset(dst + l, 0, n - l);
	return dst;
}

static const char *const errstr[] = {
	[0] = "Success",
	[EPERM] = "Operation not permitted",
	[ENOENT] = "No such file or directory",
	[ESRCH] = "No such process",
	[EINTR] = "Interrupted system call",
	[EIO] = "Input/output error",
	[ENXIO] = "No such device or address",
	[E2BIG] = "Argument list too long",
	[ENOEXEC] = "Exec format error",
	[EBADF] = "Bad file descriptor",
	[EAGAIN] = "Resource temporarily unavailable",
	[ENOMEM] = "Cannot allocate memory",
	[EACCES] = "Permission denied",
	[EFAULT] = "Bad address",
	[EBUSY] = "Device or resource busy",
	[EEXIST] = "File exists",
	[ENODEV] = "No such device",
	[EINVAL] = "Invalid argument",
	[EMFILE] = "Too many open files",
	[ENOTTY] = "Inappropriate ioctl for device",
	[ENOSPC] = "No space left on device",
	[ESPIPE] = "Illegal seek",
	[ERANGE] = "Numerical result out of range",
	[ENAMETOOLONG] = "File name too long",
	[ENOSYS] = "Function not implemented",
	[EOVERFLOW] = "Value too large for defined data type",
	[EMSGSIZE] = "Message too long",
	[EOPNOTSUPP] = "Operation not supported",
	[ETIMEDOUT] = "Connection timed out",
};

char *strerror(int err)
{
	static char buf[32];

	if (err >= 0 && err < (int)(sizeof(errstr) / sizeof(errstr[0])) && errstr[err])
		return (char *)errstr[err];
	snprintf(buf, sizeof(buf), "Unknown error %d", err);
	return buf;
}
