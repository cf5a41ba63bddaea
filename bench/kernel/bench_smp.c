// SPDX-License-Identifier: MIT
/*
 * bench suite, SMP part (not run by default: suite=bench, under -smp 4):
 * IOAS map/unmap throughput of 4K pages with 1, 2 and 4 CPUs working at
 * once, all in one IOAS (one context, one mock domain) or each in its own
 * context and IOAS. The figures are RESULT lines for make bench.
 */
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "lib/alloc.h"
#include "lib/string.h"
#include "tests/kernel/core_util.h"
#include "tests/ktest.h"

#define PG	PAGE_SIZE
#define SLOTS	64

struct lane {
	int fd;
	u32 ioas;
	u8 *buf;
	int bad;
};

struct run {
	struct lane lane[NR_CPUS];
	int ops;
};

static void map_unmap_fn(void *arg, int cpu)
{
	struct run *r = arg;
	struct lane *l = &r->lane[cpu];
	u64 base = MOCK_APERTURE_START + (u64)cpu * SLOTS * PG * 2;

	for (int i = 0; i < r->ops; i++) {
		u64 iova = base + (u64)(i % SLOTS) * PG, unmapped = 0;

		if (t_map_fixed(l->fd, l->ioas, l->buf + (i % SLOTS) * PG, PG, iova) ||
		    t_unmap(l->fd, l->ioas, iova, PG, &unmapped) || unmapped != PG)
			l->bad++;
	}
}

/* One measurement: n CPUs, shared or separate IOAS; map+unmap pairs per second. */
static void measure(struct run *r, int n, bool shared)
{
	struct cpumask m = { 0 };
	u32 stdev, hwpt, idev;
	int fd0 = -1, bad = 0, cpus = 0, ret;
	u64 t0, ns;

	for (int i = 0; i < smp_cpu_slots() && cpus < n; i++) {
		struct lane *l = &r->lane[i];

		if (smp_cpu_state(i) != CPU_ONLINE)
			continue;
		cpumask_set(&m, i);
		cpus++;
		if (!shared || fd0 < 0) {
			l->fd = t_open();
			l->ioas = t_ioas(l->fd);
			t_mock_domain(l->fd, l->ioas, &stdev, &hwpt, &idev);
			fd0 = l->fd;
		} else {
			l->fd = fd0;
			l->ioas = r->lane[0].ioas;
		}
		l->buf = t_buf(SLOTS * PG);
		l->bad = 0;
	}
	t0 = time_ns();
	ret = smp_call(&m, map_unmap_fn, r, 600000);
	ns = time_ns() - t0;
	for (int i = 0; i < smp_cpu_slots(); i++) {
		struct lane *l = &r->lane[i];

		if (!cpumask_test(&m, i))
			continue;
		bad += l->bad;
		t_buf_free(l->buf, SLOTS * PG);
		if (!shared || i == 0)
			t_close(l->fd);
	}
	report(!ret && !bad, "%d CPUs, %s IOAS: every CPU finished (%d), every map and unmap "
	       "succeeded (%d failed)", n, shared ? "one" : "own", ret, bad);
	report_info("RESULT smp_%s_ioas_%dcpu_map_unmap_per_s %llu pairs/s", shared ? "one" : "own",
		    n, (unsigned long long)((u64)r->ops * n * 1000000000ULL / (ns ? ns : 1)));
}

KTEST_FULL(bench, test_bench_smp_map_unmap_scaling, 0, KT_NODEFAULT)
{
	struct run *r = kzalloc(sizeof(*r));
	static const int counts[] = { 1, 2, 4 };

	if (!r) {
		report(false, "memory for the run");
		return;
	}
	r->ops = 500 * (int)ktest_loops();
	report_info("%d map+unmap pairs of 4K per CPU, mock domain; %d CPUs online", r->ops,
		    smp_cpus_online());
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		if (counts[i] > smp_cpus_online()) {
			report_info("%d CPUs: only %d online, not measured", counts[i],
				    smp_cpus_online());
			continue;
		}
		measure(r, counts[i], true);
		measure(r, counts[i], false);
	}
	kfree(r);
}
