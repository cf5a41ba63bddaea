// SPDX-License-Identifier: MIT
/*
 * printf family for ring-3 test programs: lib/printf.c formats, this file
 * buffers (stdout by line, stderr per call) and writes with write(2).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/printf.h"

struct user_file {
	int fd;
	int mode;		/* _IOFBF, _IOLBF or _IONBF */
	size_t n;		/* bytes waiting in buf */
	char buf[1024];
};

static FILE out_file = { STDOUT_FILENO, _IOLBF, 0, { 0 } };
static FILE err_file = { STDERR_FILENO, _IONBF, 0, { 0 } };
FILE *stdout = &out_file;
FILE *stderr = &err_file;

int fflush(FILE *f)
{
	size_t done = 0, want;

	if (!f) {
		fflush(stdout);
		return fflush(stderr);
	}
	want = f->n;
	while (done < want) {
		ssize_t w = write(f->fd, f->buf + done, want - done);

		if (w <= 0)
			break;
		done += (size_t)w;
	}
	f->n = 0;
	return done == want ? 0 : EOF;
}

static void put(void *ctx, char c)
{
	FILE *f = ctx;

	f->buf[f->n++] = c;
	if (f->n == sizeof(f->buf) || (c == '\n' && f->mode == _IOLBF))
		fflush(f);
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	int n = vformat(put, f, fmt, ap);

	if (f->mode == _IONBF)
		fflush(f);
	return n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *s, FILE *f)
{
	return fprintf(f, "%s", s);
}

int puts(const char *s)
{
	return printf("%s\n", s);
}

int fputc(int c, FILE *f)
{
	put(f, (char)c);
	if (f->mode == _IONBF)
		fflush(f);
	return c & 0xff;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
	fflush(f);
	f->mode = mode;
	return 0;
}

void perror(const char *s)
{
	int e = errno;

	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strerror(e));
	else
		fprintf(stderr, "%s\n", strerror(e));
}
