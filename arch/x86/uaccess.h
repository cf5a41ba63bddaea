/* SPDX-License-Identifier: MIT */
/*
 * Copies between the kernel and the running process's memory that check the
 * range and survive page faults (exception fixup table): EFAULT, never a crash.
 * With no process running, "user" pointers are the kernel's own (kernel tests).
 */
#ifndef ARCH_X86_UACCESS_H
#define ARCH_X86_UACCESS_H

#include "arch/x86/cpu.h"
#include "lib/types.h"

/* Open and close the window in which SMAP lets the kernel touch user pages. */
static inline void user_access_begin(void)
{
	if (cpu_feat.smap)
		__asm__ __volatile__("stac" : : : "memory");
}

static inline void user_access_end(void)
{
	if (cpu_feat.smap)
		__asm__ __volatile__("clac" : : : "memory");
}

/*
 * Is [addr, addr + n) a range the current context may name? In a process:
 * the user half. With none: RAM in the direct map or the kernel image.
 */
bool access_ok(u64 addr, size_t n);
/* Every page of [va, va + len) is RAM in the direct map. */
bool kernel_ram_range(u64 va, u64 len);
/* [va, va + len) lies in the kernel image. */
bool kernel_image_range(u64 va, u64 len);
/*
 * Copy n bytes; 0 or -EFAULT. A failed copy_from_user leaves the bytes it
 * could not read zeroed. Same prototypes as lib/platform.h declares.
 */
int copy_from_user(void *dst, u64 usrc, size_t n);
int copy_to_user(u64 udst, const void *src, size_t n);
/*
 * Copy a NUL-terminated string of at most count bytes: returns its length
 * (count when no NUL was found in count bytes) or -EFAULT.
 */
long strncpy_from_user(char *dst, u64 usrc, long count);

#endif
