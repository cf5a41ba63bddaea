// SPDX-License-Identifier: MIT
/*
 * lib suite: bitmap set/clear/search, checked against a plain bool array model.
 */
#include "lib/bitmap.h"
#include "tests/ktest.h"

#define NB 200

KTEST(lib, test_lib_bitmap_model)
{
	DECLARE_BITMAP(map, NB);
	bool model[NB] = { false };
	bool ok = true;

	bitmap_zero(map, NB);
	for (int i = 0; i < 2000; i++) {
		size_t s = ktest_rand() % NB, l = ktest_rand() % (NB - s + 1);
		bool set = ktest_rand() & 1;

		if (set)
			bitmap_set(map, s, l);
		else
			bitmap_clear(map, s, l);
		for (size_t j = s; j < s + l; j++)
			model[j] = set;
		for (size_t j = 0; j < NB; j++)
			ok &= bitmap_test_bit(map, j) == model[j];
	}
	report(ok, "random set/clear runs agree with the model");
}

KTEST(lib, test_lib_bitmap_search)
{
	DECLARE_BITMAP(map, NB);

	bitmap_zero(map, NB);
	report(bitmap_find_next_set(map, NB, 0) == NB, "empty map: no set bit");
	bitmap_set(map, 70, 3);
	report(bitmap_find_next_set(map, NB, 0) == 70, "first set bit found across words");
	report(bitmap_find_next_zero(map, NB, 70) == 73, "next zero after a run");
	report(bitmap_weight(map, NB) == 3, "weight counts set bits");
	report(bitmap_find_zero_area(map, NB, 8, 8) == 0, "aligned area at the start");
	bitmap_set(map, 0, 1);
	report(bitmap_find_zero_area(map, NB, 8, 8) == 8, "area skips a busy aligned slot");
	report(bitmap_find_zero_area(map, NB, 64, 64) == 128, "64-bit aligned area skips the run at 70");
	report(bitmap_find_zero_area(map, NB, NB, 1) == NB, "too large: no area");
	bitmap_fill(map, NB);
	report(bitmap_find_next_zero(map, NB, 0) == NB && bitmap_weight(map, NB) == NB,
	       "fill sets exactly nbits");
}
