/* SPDX-License-Identifier: MIT */
/*
 * The kernel build's <linux/types.h>: the __u8..__u64 names uapi headers use.
 * Hosted builds use the system's header (same names, same sizes).
 */
/* Builds with a C library use the system's header; this one serves the kernel and ring 3. */
#if __STDC_HOSTED__
#include_next <linux/types.h>
#else
#ifndef UAPI_LINUX_TYPES_H
#define UAPI_LINUX_TYPES_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef signed short __s16;
typedef unsigned int __u32;
typedef signed int __s32;
typedef unsigned long long __u64;
typedef signed long long __s64;

typedef __u16 __le16;
typedef __u32 __le32;
typedef __u64 __le64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u64 __be64;

#define __aligned_u64 __u64 __attribute__((aligned(8)))
#define __aligned_le64 __le64 __attribute__((aligned(8)))

#endif
#endif /* __STDC_HOSTED__ */
