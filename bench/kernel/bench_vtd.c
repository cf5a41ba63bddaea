// SPDX-License-Identifier: MIT
/*
 * bench suite, VT-d part (not run by default: suite=bench): time per map
 * and unmap, and what each costs in invalidations, waits and cache-line
 * flushes, for 4K pages, 64K runs, 2M and 1G leaves.
 */
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "iommu/vtd/vtd.h"
#include "tests/kernel/vtd_util.h"
#include "tests/ktest.h"

#define RW (IOMMU_READ | IOMMU_WRITE)

struct costs {
	u64 ns, inval, waits, regs, lines;
};

static void snap(struct vtd_unit *u, struct costs *c)
{
	c->ns = time_ns();
	c->inval = vtd_iotlb_flushes(u) + u->st.devtlb;
	c->waits = u->st.waits;
	c->regs = u->st.reg_inv;
	c->lines = vtd_clflush_lines;
}

static void show(const char *what, size_t size, int n, const struct costs *a,
		 const struct costs *b)
{
	report_info("%-6s %5zu KiB x %4d: %6llu ns/op, %llu.%02llu IOTLB inv/op, "
		    "%llu.%02llu waits/op, %llu.%02llu reg inv/op, %llu.%02llu clflush lines/op",
		    what, size >> 10, n, (unsigned long long)((b->ns - a->ns) / n),
		    (unsigned long long)((b->inval - a->inval) / n),
		    (unsigned long long)((b->inval - a->inval) * 100 / n % 100),
		    (unsigned long long)((b->waits - a->waits) / n),
		    (unsigned long long)((b->waits - a->waits) * 100 / n % 100),
		    (unsigned long long)((b->regs - a->regs) / n),
		    (unsigned long long)((b->regs - a->regs) * 100 / n % 100),
		    (unsigned long long)((b->lines - a->lines) / n),
		    (unsigned long long)((b->lines - a->lines) * 100 / n % 100));
}

KTEST_FULL(bench, test_bench_vtd_map_unmap_costs, KT_NEED_VTD | KT_NEED_EDU, KT_NODEFAULT)
{
	static const size_t sizes[] = { 4UL << 10, 64UL << 10, 2UL << 20, 1UL << 30 };
	struct dma_edu e;
	struct vtd_unit *u;
	int n = 256 * (int)ktest_loops();

	if (dma_edu_open(&e, 0))
		return;
	u = vtd_unit_of(&e.d);
	report_info("%s: %s invalidation, CM=%d, coherent=%d", u->name,
		    u->inv == VTD_INV_QI ? "queued" : "register", u->cm, u->coherent);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct costs a, b, c;
		int bad = 0;

		snap(u, &a);
		for (int k = 0; k < n; k++)
			bad += iommu_map(e.d.dom, (u64)k * sizes[i] + (1ULL << 32), 0,
					 sizes[i], RW) != 0;
		snap(u, &b);
		for (int k = 0; k < n; k++)
			bad += iommu_unmap(e.d.dom, (u64)k * sizes[i] + (1ULL << 32), sizes[i]) !=
			       sizes[i];
		snap(u, &c);
		show("map", sizes[i], n, &a, &b);
		show("unmap", sizes[i], n, &b, &c);
		report(bad == 0, "%d maps and unmaps of %zu KiB", n, sizes[i] >> 10);
	}
	dma_edu_close(&e);
}
