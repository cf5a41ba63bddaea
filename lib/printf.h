/* SPDX-License-Identifier: MIT */
/*
 * Formatted printing into a buffer or through a character sink.
 * Formats: %d %i %u %x %X %o %p %s %c %% with flags "-0+ #", width, precision
 * and the length modifiers hh h l ll z t j.
 */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include "lib/compiler.h"

typedef void (*putc_fn)(void *ctx, char c);

/* Core formatter: feeds every output character to out(ctx, c). Returns count. */
int vformat(putc_fn out, void *ctx, const char *fmt, va_list ap);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
