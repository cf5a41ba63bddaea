/* SPDX-License-Identifier: MIT */
/*
 * Bitmaps of unsigned long words: set, clear, test and search for runs.
 * Used for domain-ID allocators, PCI bus maps and the page allocator's tests.
 */
#ifndef LIB_BITMAP_H
#define LIB_BITMAP_H

#include "lib/compiler.h"

#define BITS_PER_LONG 64
#define BITS_TO_LONGS(n) DIV_ROUND_UP(n, BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

static inline void bitmap_set_bit(unsigned long *map, size_t bit)
{
	map[bit / BITS_PER_LONG] |= 1UL << (bit % BITS_PER_LONG);
}

static inline void bitmap_clear_bit(unsigned long *map, size_t bit)
{
	map[bit / BITS_PER_LONG] &= ~(1UL << (bit % BITS_PER_LONG));
}

static inline bool bitmap_test_bit(const unsigned long *map, size_t bit)
{
	return (map[bit / BITS_PER_LONG] >> (bit % BITS_PER_LONG)) & 1;
}

void bitmap_zero(unsigned long *map, size_t nbits);
void bitmap_fill(unsigned long *map, size_t nbits);
void bitmap_set(unsigned long *map, size_t start, size_t len);
void bitmap_clear(unsigned long *map, size_t start, size_t len);
size_t bitmap_weight(const unsigned long *map, size_t nbits);
/* First set (or clear) bit at or after start; nbits when there is none. */
size_t bitmap_find_next_set(const unsigned long *map, size_t nbits, size_t start);
size_t bitmap_find_next_zero(const unsigned long *map, size_t nbits, size_t start);
/* Start of the first run of len clear bits whose start is a multiple of align; nbits if none. */
size_t bitmap_find_zero_area(const unsigned long *map, size_t nbits, size_t len,
			     size_t align);

#endif
