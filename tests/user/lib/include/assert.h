/* SPDX-License-Identifier: MIT */
/* assert.h for ring-3 test programs: print the failed condition, then abort. */
#ifndef _ASSERT_H
#define _ASSERT_H

void __assert_fail(const char *expr, const char *file, int line, const char *fn)
	__attribute__((noreturn));

#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))

#endif
