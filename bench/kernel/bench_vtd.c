// SPDX-License-Identifier: MIT
/*
 * bench suite, VT-d part (not run by default: suite=bench): time per map
 * and unmap, and what each costs in invalidations, waits and cache-line
 * flushes, for 4K pages, 64K runs, 2M and 1G leaves.
 */
#include "arch/x86/mm.h"
#include "bench/kernel/bench_costs.h"
#include "iommu/vtd/vtd.h"
#include "tests/kernel/vtd_util.h"
#include "tests/ktest.h"

static void read_costs(void *unit, u64 *val)
{
	struct vtd_unit *u = unit;

	val[0] = vtd_iotlb_flushes(u) + u->st.devtlb;
	val[1] = u->st.waits;
	val[2] = u->st.reg_inv;
	val[3] = vtd_clflush_lines;
}

KTEST_FULL(bench, test_bench_vtd_map_unmap_costs, KT_NEED_VTD | KT_NEED_EDU, KT_NODEFAULT)
{
	struct bench_counters c = {
		.name = { "IOTLB inv", "waits", "reg inv", "clflush lines" },
		.read = read_costs,
	};
	struct dma_edu e;
	struct vtd_unit *u;

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	report_info("%s: %s invalidation, CM=%d, coherent=%d", u->name,
		    u->inv == VTD_INV_QI ? "queued" : "register", u->cm, u->coherent);
	c.unit = u;
	bench_map_unmap(e.d.dom, &c);
	dma_edu_close(&e);
}
