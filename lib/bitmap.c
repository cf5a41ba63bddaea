// SPDX-License-Identifier: MIT
/*
 * Bitmap operations over arrays of unsigned long (see lib/bitmap.h).
 * Plain loops: the maps here are small (domain IDs, buses) or tested hosted.
 */
#include "lib/bitmap.h"

void bitmap_zero(unsigned long *map, size_t nbits)
{
	for (size_t i = 0; i < BITS_TO_LONGS(nbits); i++)
		map[i] = 0;
}

void bitmap_fill(unsigned long *map, size_t nbits)
{
	bitmap_zero(map, nbits);
	bitmap_set(map, 0, nbits);
}

void bitmap_set(unsigned long *map, size_t start, size_t len)
{
	for (size_t i = start; i < start + len; i++)
		bitmap_set_bit(map, i);
}

void bitmap_clear(unsigned long *map, size_t start, size_t len)
{
	for (size_t i = start; i < start + len; i++)
		bitmap_clear_bit(map, i);
}

size_t bitmap_weight(const unsigned long *map, size_t nbits)
{
	size_t w = 0;

	for (size_t i = 0; i < nbits; i++)
		w += bitmap_test_bit(map, i);
	return w;
}

static size_t find_next(const unsigned long *map, size_t nbits, size_t start,
			unsigned long invert)
{
	while (start < nbits) {
		unsigned long w = (map[start / BITS_PER_LONG] ^ invert) >>
				  (start % BITS_PER_LONG);

		if (w) {
			start += (size_t)__builtin_ctzl(w);
			return start < nbits ? start : nbits;
		}
		start = ALIGN_DOWN(start, BITS_PER_LONG) + BITS_PER_LONG;
	}
	return nbits;
}

size_t bitmap_find_next_set(const unsigned long *map, size_t nbits, size_t start)
{
	return find_next(map, nbits, start, 0);
}

size_t bitmap_find_next_zero(const unsigned long *map, size_t nbits, size_t start)
{
	return find_next(map, nbits, start, ~0UL);
}

size_t bitmap_find_zero_area(const unsigned long *map, size_t nbits, size_t len,
			     size_t align)
{
	size_t start = 0;

	if (!align)
		align = 1;
	for (;;) {
		size_t end, busy;

		start = bitmap_find_next_zero(map, nbits, start);
		start = ALIGN(start, align);
		if (len > nbits || start > nbits - len)
			return nbits;
		end = start + len;
		busy = bitmap_find_next_set(map, end, start);
		if (busy >= end)
			return start;
		start = busy + 1;
	}
}
