/* SPDX-License-Identifier: MIT */
/*
 * Copies between the kernel and the running process's memory that check the
 * range and survive page faults (exception fixup table): EFAULT, never a crash.
 * With no process running, pointers are the kernel's own (kernel-side tests).
 */
#ifndef ARCH_X86_UACCESS_H
#define ARCH_X86_UACCESS_H

#include "lib/types.h"

/* Is [addr, addr + n) a range the current context may name? */
bool access_ok(u64 addr, size_t n);
/* Both return the number of bytes NOT copied (0 = success), as Linux does. */
unsigned long copy_from_user(void *to, const void *from, unsigned long n);
unsigned long copy_to_user(void *to, const void *from, unsigned long n);
/*
 * Copy a NUL-terminated string of at most count bytes: returns its length
 * (count when no NUL was found in count bytes) or -EFAULT.
 */
long strncpy_from_user(char *dst, const char *src, long count);

#endif
