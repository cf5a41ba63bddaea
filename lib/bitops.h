/* SPDX-License-Identifier: MIT */
/*
 * Bit and field macros for hardware registers and table entries
 * (BIT, GENMASK_ULL, FIELD_GET/FIELD_PREP) and bit-scan helpers.
 */
#ifndef LIB_BITOPS_H
#define LIB_BITOPS_H

#include "lib/types.h"

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) (((~0UL) << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))

/* Shift of the lowest set bit of a constant mask. */
#define __bf_shf(m) __builtin_ctzll(m)
#define FIELD_GET(mask, reg) ((__typeof__(mask))(((reg) & (mask)) >> __bf_shf(mask)))
#define FIELD_PREP(mask, val) ((((__typeof__(mask))(val)) << __bf_shf(mask)) & (mask))

static inline bool is_power_of_2(u64 n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* Index of the highest set bit, or -1 for 0. */
static inline int fls64_idx(u64 x)
{
	return x ? 63 - __builtin_clzll(x) : -1;
}

/* Index of the lowest set bit, or -1 for 0. */
static inline int ffs64_idx(u64 x)
{
	return x ? __builtin_ctzll(x) : -1;
}

static inline unsigned int ilog2_u64(u64 x)
{
	return (unsigned int)fls64_idx(x);
}

static inline int popcount64(u64 x)
{
	return __builtin_popcountll(x);
}

#endif
