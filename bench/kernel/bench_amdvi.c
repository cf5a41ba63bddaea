// SPDX-License-Identifier: MIT
/*
 * bench suite, AMD-Vi part (not run by default: suite=bench): time per map
 * and unmap and what each costs in commands and completion waits, for 4K
 * pages, 64K next-level-7 pages, 2M and 1G leaves.
 */
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "iommu/amdvi/amdvi.h"
#include "tests/kernel/dma_util.h"
#include "tests/ktest.h"

#define RW (IOMMU_READ | IOMMU_WRITE)

struct costs {
	u64 ns, cmds, waits;
};

static void snap(struct amdvi_unit *u, struct costs *c)
{
	c->ns = time_ns();
	c->cmds = 0;
	for (int i = 0; i < AMDVI_CMD_NR_OPS; i++)
		c->cmds += u->stats.cmds[i];
	c->waits = u->stats.waits;
}

static void show(const char *what, size_t size, int n, const struct costs *a,
		 const struct costs *b)
{
	report_info("%-6s %7zu KiB x %4d: %6llu ns/op, %llu.%02llu commands/op, "
		    "%llu.%02llu waits/op", what, size >> 10, n,
		    (unsigned long long)((b->ns - a->ns) / n),
		    (unsigned long long)((b->cmds - a->cmds) / n),
		    (unsigned long long)((b->cmds - a->cmds) * 100 / n % 100),
		    (unsigned long long)((b->waits - a->waits) / n),
		    (unsigned long long)((b->waits - a->waits) * 100 / n % 100));
}

KTEST_FULL(bench, test_bench_amdvi_map_unmap_costs, KT_NEED_AMDVI | KT_NEED_EDU, KT_NODEFAULT)
{
	static const size_t sizes[] = { 4UL << 10, 64UL << 10, 2UL << 20, 1UL << 30 };
	struct dma_edu e;
	struct amdvi_unit *u;
	int n = 256 * (int)ktest_loops();

	if (dma_edu_open(&e, 0))
		return;
	u = ((struct amdvi_dev *)e.d.dev->iommu_priv)->unit;
	report_info("%s: NpCache %d, IASup %d, page sizes %#lx", u->name, u->np_cache, u->ia,
		    e.d.dom->pgsize_bitmap);
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
