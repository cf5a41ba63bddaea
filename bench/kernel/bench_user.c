// SPDX-License-Identifier: MIT
/*
 * bench suite, ring-3 part (suite=bench, not in the default run): the VFIO
 * type1 map/unmap benchmark bench/user/bench_map.c through /dev/iommu, as
 * Linux's bench/linux-vfio/bench.c measures Linux. Its figures are RESULT lines.
 */
#include "tests/kernel/user.h"

KTEST_FULL(bench, test_bench_user_map, KT_NEED_IOMMU | KT_NEED_EDU, KT_NODEFAULT)
{
	const struct user_prog *p = user_prog_find("bench_map");

	if (!p) {
		report(false, "bench_map is linked into the image");
		return;
	}
	user_prog_run_test(p);
}
