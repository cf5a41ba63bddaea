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
#include <limits.h>

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

#ifndef ULONG_MAX
#define ULONG_MAX (~0UL)
#endif
#define U64_MAX ((u64)~0ULL)
#define U32_MAX ((u32)~0U)

#endif
