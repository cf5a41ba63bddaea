/* SPDX-License-Identifier: MIT */
/*
 * Loud warnings: a broken invariant that is not worth a panic (refcount
 * misuse, a core object that will not die). Printed and counted by the
 * platform (arch/x86/platform.c, arch/host/platform.c); the test
 * runner fails the test during which the count grew unannounced.
 */
#ifndef LIB_WARN_H
#define LIB_WARN_H

#include "lib/compiler.h"

void plat_warn(const char *fmt, ...) __printf(1, 2);
/* Warnings since boot/start. */
unsigned long plat_warn_count(void);

#endif
