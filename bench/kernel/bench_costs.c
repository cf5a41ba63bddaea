// SPDX-License-Identifier: MIT
/*
 * The driver benchmarks' map/unmap run (bench_costs.h): time and driver
 * counters around n maps and n unmaps of each page size; the floors.
 */
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "arch/x86/uvm.h"
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

#define FLOOR_N		2000	/* register reads and invalidations timed */
#define FLOOR_PAGES	256	/* pages pinned one call each, FLOOR_REPS times */
#define FLOOR_REPS	8

/* "RESULT name value us" of ns nanoseconds over n operations, three decimals. */
static void result_us(const char *name, u64 ns, u64 n)
{
	u64 milli = ns / n;	/* ns per op = thousandths of a microsecond */

	report_info("RESULT %s %llu.%03llu us", name, (unsigned long long)(milli / 1000),
		    (unsigned long long)(milli % 1000));
}

/*
 * One 4 KiB user page pinned (and unpinned) per call, as the core pins
 * a process's page: a fresh address space, FLOOR_PAGES pages of it.
 */
static void pin_floor(void)
{
	static phys_addr_t pa[FLOOR_PAGES];
	struct uvm *m = uvm_create();
	u64 tpin = 0, tunpin = 0;
	long va = m ? uvm_map(m, 0, FLOOR_PAGES * PAGE_SIZE, UVM_READ | UVM_WRITE, 0, 0) : -1;
	int bad = 0;

	if (va < 0) {
		report(false, "an address space of %d pages to pin", FLOOR_PAGES);
		uvm_destroy(m);
		return;
	}
	for (int r = 0; r < FLOOR_REPS; r++) {
		u64 t0 = time_ns(), t1;

		for (int i = 0; i < FLOOR_PAGES; i++)
			bad += uvm_pin(m, (u64)va + (u64)i * PAGE_SIZE, 1, true, &pa[i]) != 0;
		t1 = time_ns();
		for (int i = 0; i < FLOOR_PAGES && !bad; i++)
			uvm_unpin(&pa[i], 1);
		tpin += t1 - t0;
		tunpin += time_ns() - t1;
		if (bad)
			break;
	}
	report(bad == 0, "%d single-page pins and unpins", FLOOR_PAGES * FLOOR_REPS);
	result_us("floor_pin4k_us", tpin, FLOOR_PAGES * FLOOR_REPS);
	result_us("floor_unpin4k_us", tunpin, FLOOR_PAGES * FLOOR_REPS);
	uvm_destroy(m);
}

void bench_floors(struct iommu_domain *dom, const struct bench_floor_ops *ops)
{
	u64 t0 = time_ns(), t1;
	int bad = 0;

	for (int i = 0; i < FLOOR_N; i++)
		ops->reg_read(ops->unit);
	t1 = time_ns();
	result_us("floor_reg_read_us", t1 - t0, FLOOR_N);
	for (int i = 0; i < FLOOR_N; i++)
		bad += ops->inval(ops->unit, dom, (1ULL << 32) + (u64)(i % 512) * PAGE_SIZE) != 0;
	result_us("floor_inv_us", time_ns() - t1, FLOOR_N);
	report(bad == 0, "%d single-page invalidations, each waited for", FLOOR_N);
	pin_floor();
}
