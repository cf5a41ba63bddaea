/* SPDX-License-Identifier: MIT */
/*
 * Fixed-width integer types shared by the kernel and the hosted build.
 * Only compiler-provided freestanding headers are used, so this works both ways.
 */
#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t;	/* CPU physical address */
typedef u64 dma_addr_t;		/* address as a device emits it (an IOVA) */

/* The limits lib/ and core/ use, from the compiler (no C library's <limits.h>). */
#ifndef ULONG_MAX
#define ULONG_MAX (__LONG_MAX__ * 2UL + 1UL)
#endif
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#ifndef INT_MIN
#define INT_MIN (-INT_MAX - 1)
#endif
#define U64_MAX ((u64)~0ULL)
#define U32_MAX ((u32)~0U)

#endif
