// SPDX-License-Identifier: MIT
/*
 * bench suite, AMD-Vi part (not run by default: suite=bench): time per map
 * and unmap and what each costs in commands and completion waits, for 4K
 * pages, 64K next-level-7 pages, 2M and 1G leaves.
 */
#include "arch/x86/mm.h"
#include "bench/kernel/bench_costs.h"
#include "iommu/amdvi/amdvi.h"
#include "tests/kernel/dma_util.h"
#include "tests/ktest.h"

static void read_costs(void *unit, u64 *val)
{
	struct amdvi_unit *u = unit;

	val[0] = 0;
	for (int i = 0; i < AMDVI_CMD_NR_OPS; i++)
		val[0] += u->stats.cmds[i];
	val[1] = u->stats.waits;
}

KTEST_FULL(bench, test_bench_amdvi_map_unmap_costs, KT_NEED_AMDVI | KT_NEED_EDU, KT_NODEFAULT)
{
	struct bench_counters c = { .name = { "commands", "waits" }, .read = read_costs };
	struct dma_edu e;
	struct amdvi_unit *u;

	if (dma_edu_open(&e, 0))
		return;
	u = ((struct amdvi_dev *)e.d.dev->iommu_priv)->unit;
	report_info("%s: NpCache %d, IASup %d, page sizes %#lx", u->name, u->np_cache, u->ia,
		    e.d.dom->pgsize_bitmap);
	c.unit = u;
	bench_map_unmap(e.d.dom, &c);
	dma_edu_close(&e);
}
