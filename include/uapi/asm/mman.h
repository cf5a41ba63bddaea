/* SPDX-License-Identifier: MIT */
/*
 * mmap protection and flag bits with Linux x86-64 values (shared by the
 * kernel's mmap and the ring-3 libc). From asm-generic/mman-common.h.
 */
/* Builds with a C library use the system's header; this one serves the kernel and ring 3. */
#if __STDC_HOSTED__
#include_next <asm/mman.h>
#else
#ifndef _ASM_MMAN_H
#define _ASM_MMAN_H

#define PROT_NONE		0x0
#define PROT_READ		0x1
#define PROT_WRITE		0x2
#define PROT_EXEC		0x4
#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_SHARED_VALIDATE	0x03
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_NORESERVE		0x4000
#define MAP_POPULATE		0x8000
#define MAP_HUGETLB		0x40000
#define MAP_FIXED_NOREPLACE	0x100000
#define MAP_HUGE_SHIFT		26
#define MAP_HUGE_MASK		0x3f
#define MAP_HUGE_2MB		(21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB		(30 << MAP_HUGE_SHIFT)

#endif
#endif /* __STDC_HOSTED__ */
