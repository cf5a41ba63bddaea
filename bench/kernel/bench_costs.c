// SPDX-License-Identifier: MIT
/*
 * The driver benchmarks' map/unmap run (bench_costs.h): time and driver
 * counters around n maps and n unmaps of each page size.
 */
#include "arch/x86/tsc.h"
#include "bench/kernel/bench_costs.h"
#include "lib/printf.h"
#include "tests/ktest.h"

#define RW (IOMMU_READ | IOMMU_WRITE)

struct snap {
	u64 ns, val[BENCH_COUNTERS];
};

static void snap(const struct bench_counters *c, struct snap *s)
{
	s->ns = time_ns();
	c->read(c->unit, s->val);
}

static void show(const struct bench_counters *c, const char *what, size_t size, int n,
		 const struct snap *a, const struct snap *b)
{
	char line[256];
	int len = snprintf(line, sizeof(line), "%-6s %7zu KiB x %4d: %6llu ns/op", what,
			   size >> 10, n, (unsigned long long)((b->ns - a->ns) / n));

	for (int i = 0; i < BENCH_COUNTERS && c->name[i]; i++) {
		u64 d = b->val[i] - a->val[i];

		len += snprintf(line + len, sizeof(line) - len, ", %llu.%02llu %s/op",
				(unsigned long long)(d / n), (unsigned long long)(d * 100 / n % 100),
				c->name[i]);
	}
	report_info("%s", line);
}

void bench_map_unmap(struct iommu_domain *dom, const struct bench_counters *c)
{
	static const size_t sizes[] = { 4UL << 10, 64UL << 10, 2UL << 20, 1UL << 30 };
	int n = 256 * (int)ktest_loops();

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct snap before, mapped, unmapped;
		int bad = 0;

		snap(c, &before);
		for (int k = 0; k < n; k++)
			bad += iommu_map(dom, (u64)k * sizes[i] + (1ULL << 32), 0, sizes[i], RW) != 0;
		snap(c, &mapped);
		for (int k = 0; k < n; k++)
			bad += iommu_unmap(dom, (u64)k * sizes[i] + (1ULL << 32), sizes[i]) !=
			       sizes[i];
		snap(c, &unmapped);
		show(c, "map", sizes[i], n, &before, &mapped);
		show(c, "unmap", sizes[i], n, &mapped, &unmapped);
		report(bad == 0, "%d maps and unmaps of %zu KiB", n, sizes[i] >> 10);
	}
}
