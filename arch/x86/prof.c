// SPDX-License-Identifier: MIT
/*
 * Sampling profiler (arch/x86/prof.h): a histogram indexed by kallsyms
 * symbol, filled from the watchdog's LAPIC timer interrupt sped up to
 * profile_us while a region runs, printed as a top-N table by function.
 */
#include "arch/x86/prof.h"
#include "arch/x86/console.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "arch/x86/watchdog.h"
#include "boot/cmdline.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PROF_SYMS	8192	/* kallsyms entries counted one by one; more go to [other] */
#define PROF_DEPTH	24	/* frames walked per sample for the inclusive counts */

static struct {
	char selected[128];	/* profile=: comma-separated region names, or "all" */
	u64 period_ns;
	int top;
	char region[PROF_NAME_MAX];
	int cpu;		/* the timer is fast on this CPU; -1: none */
	bool running;		/* samples count (a pause leaves the timer fast: a
				 * resume must not restart its period) */
	u32 hits[PROF_SYMS];	/* samples whose instruction is in the function (self) */
	u32 incl[PROF_SYMS];	/* samples with the function anywhere on the stack */
	u32 ring3, other, total;
} prof = { .cpu = -1 };

/* Every function on the interrupted stack once (recursion counts once). */
static void count_callers(struct trap_frame *tf, long self)
{
	u64 pcs[PROF_DEPTH];
	long seen[PROF_DEPTH + 1];
	int n = stack_callers(tf->rbp, pcs, PROF_DEPTH), k = 0;

	seen[k++] = self;
	for (int j = 0; j < n; j++) {
		long i = ksym_index(pcs[j] - 1);	/* the call, not what follows it */
		int d = 0;

		while (d < k && seen[d] != i)
			d++;
		if (d == k)
			seen[k++] = i;
	}
	for (int d = 0; d < k; d++)
		if (seen[d] >= 0 && seen[d] < PROF_SYMS)
			prof.incl[seen[d]]++;
}

static void prof_sample(struct trap_frame *tf)
{
	long i;

	if (!prof.running)
		return;
	prof.total++;
	if ((tf->cs & 3) == 3) {
		prof.ring3++;
		return;
	}
	i = ksym_index(tf->rip);
	if (i >= 0 && i < PROF_SYMS)
		prof.hits[i]++;
	else
		prof.other++;
	count_callers(tf, i);
}

void prof_init(void)
{
	if (!cmdline_get("profile", prof.selected, sizeof(prof.selected)))
		prof.selected[0] = 0;
	prof.period_ns = cmdline_get_u64("profile_us", 100) * 1000;
	if (!prof.period_ns)
		prof.period_ns = 100000;
	prof.top = (int)cmdline_get_u64("profile_top", 20);
}

bool prof_enabled(void)
{
	return prof.selected[0] != 0;
}

/* Is region one of profile='s comma-separated names? */
static bool selected(const char *region)
{
	size_t n = strlen(region);

	if (!strcmp(prof.selected, "all"))
		return true;
	for (const char *p = prof.selected; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !memcmp(p, region, n))
			return true;
		p += len + (e != NULL);
	}
	return false;
}

void prof_reset(void)
{
	prof.running = false;
	if (prof.cpu >= 0 && prof.cpu == smp_cpu_id()) {
		watchdog_sample(NULL, 0);
		prof.cpu = -1;
	}
	memset(prof.hits, 0, sizeof(prof.hits));
	memset(prof.incl, 0, sizeof(prof.incl));
	prof.ring3 = prof.other = prof.total = 0;
	prof.region[0] = 0;
}

int prof_begin(const char *region, bool force)
{
	if (prof.cpu >= 0 && prof.cpu != smp_cpu_id())
		return -EBUSY;
	if (strncmp(region, prof.region, sizeof(prof.region))) {
		if (prof.total)
			prof_report();
		prof_reset();
	}
	if (!force && !selected(region))
		return -ENOENT;
	if (!watchdog_running())
		return -ENODEV;
	strlcpy(prof.region, region, sizeof(prof.region));
	if (prof.cpu < 0) {
		prof.cpu = smp_cpu_id();
		watchdog_sample(prof_sample, prof.period_ns);
	}
	prof.running = true;
	return 0;
}

void prof_pause(void)
{
	prof.running = false;
}

/* The n largest of counts[] as rows, most first; how many. */
static int top_of(const u32 *counts, struct prof_row *rows, int n)
{
	static bool taken[PROF_SYMS];
	int k = 0;

	memset(taken, 0, sizeof(taken));
	while (k < n) {
		long best = -1;
		u32 most = 0;

		for (long i = 0; i < PROF_SYMS; i++)
			if (!taken[i] && counts[i] > most) {
				most = counts[i];
				best = i;
			}
		if (best < 0)
			break;
		taken[best] = true;
		rows[k].name = ksym_name(best);
		rows[k++].samples = most;
	}
	return k;
}

int prof_top(struct prof_row *rows, int n, u32 *total)
{
	int k = top_of(prof.hits, rows, n);

	/* ring 3 and [other] take their places by count */
	for (int extra = 0; extra < 2; extra++) {
		u32 c = extra ? prof.other : prof.ring3;
		int at = k;

		if (!c)
			continue;
		while (at > 0 && rows[at - 1].samples < c)
			at--;
		if (at >= n)
			continue;
		if (k == n)
			k--;
		memmove(&rows[at + 1], &rows[at], (size_t)(k - at) * sizeof(rows[0]));
		rows[at].name = extra ? "[other]" : "[ring 3]";
		rows[at].samples = c;
		k++;
	}
	*total = prof.total;
	return k;
}

int prof_top_inclusive(struct prof_row *rows, int n)
{
	return top_of(prof.incl, rows, n);
}

/* "# PROF region: what  pct%  samples  function" for n rows. */
static void print_rows(const char *what, const struct prof_row *rows, int n, u32 total)
{
	for (int i = 0; i < n && total; i++) {
		u32 permille = (u32)((u64)rows[i].samples * 1000 / total);

		printk("# PROF %s: %s %3u.%u%% %7u %s\n", prof.region, what, permille / 10,
		       permille % 10, rows[i].samples, rows[i].name ? rows[i].name : "?");
	}
}

void prof_report(void)
{
	static struct prof_row rows[64];
	int max = prof.top < 1 ? 1 : prof.top > 64 ? 64 : prof.top, n;
	u32 total, shown = 0;

	prof.running = false;
	n = prof_top(rows, max, &total);
	printk("# PROF %s: %u samples, one per %llu us, CPU %d\n", prof.region, total,
	       (unsigned long long)(prof.period_ns / 1000), smp_cpu_id());
	print_rows("self", rows, n, total);
	for (int i = 0; i < n; i++)
		shown += rows[i].samples;
	printk("# PROF %s: self: %u samples in functions not shown\n", prof.region,
	       total - shown);
	n = prof_top_inclusive(rows, max);
	print_rows("incl", rows, n, total);
	printk("# PROF %s: end\n", prof.region);
	prof_reset();
}
