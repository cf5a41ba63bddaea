// SPDX-License-Identifier: MIT
/*
 * The test runner shared by the kernel and the hosted test programs: selects
 * tests by suite/name globs, runs them, prints KTAP version 1, and fails any
 * test after which a registered counter (free pages, objects, pins) moved.
 */
#include "tests/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/warn.h"

extern const struct ktest __start_ktest_cases[] __attribute__((weak));
extern const struct ktest __stop_ktest_cases[] __attribute__((weak));
extern const struct ktest_counter __start_ktest_counters[] __attribute__((weak));
extern const struct ktest_counter __stop_ktest_counters[] __attribute__((weak));

#define MAX_TESTS 4096
#define MAX_COUNTERS 16
#define MAX_PREFIX 4
#define IND "    "

/* Suites in report order (DESIGN.md); "name-part" sorts with "name". */
static const char *const suite_order[] = {
	"platform", "lib", "core", "abi", "user", "acpi", "vtd", "amdvi",
	"dma", "fault-inject", "soak", "smp", "bench",
};

static const char *const need_names[KT_NEED_COUNT] = {
	"edu device", "hardware IOMMU", "Intel VT-d", "AMD-Vi", "NVMe controller",
	"AHCI controller", "the kernel build", "two edu devices",
};

static struct {
	int failures;
	int checks;
	bool skipped;
	char skip_reason[128];
	const char *prefix[MAX_PREFIX];
	int nprefix;
	bool verbose;
	u64 seed, rng;
	unsigned int loops;
} cur;

static void kt_vprint(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	ktest_env_write(buf, (size_t)n);
}

static void __printf(1, 2) kt_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kt_vprint(fmt, ap);
	va_end(ap);
}

/*
 * One diagnostic line with the prefix stack: "    # [a: b: ]msg", written
 * at once so lines from several CPUs (smp tests) do not interleave.
 */
static void diag(const char *tag, const char *fmt, va_list ap)
{
	char line[512];
	size_t n = (size_t)snprintf(line, sizeof(line), IND "# %s", tag);

	for (int i = 0; i < cur.nprefix && i < MAX_PREFIX && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s: ", cur.prefix[i]);
	if (n < sizeof(line))
		n += (size_t)vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	ktest_env_write(line, n);
}

/* report() and report_checks() may run on several CPUs or threads at once. */
void report(bool pass, const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&cur.checks, 1, __ATOMIC_RELAXED);
	if (!pass)
		__atomic_fetch_add(&cur.failures, 1, __ATOMIC_RELAXED);
	if (pass && !cur.verbose)
		return;
	va_start(ap, fmt);
	diag(pass ? "PASS " : "FAIL ", fmt, ap);
	va_end(ap);
}

void report_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag("", fmt, ap);
	va_end(ap);
}

void report_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur.skip_reason, sizeof(cur.skip_reason), fmt, ap);
	va_end(ap);
	cur.skipped = true;
}

void report_prefix_push(const char *p)
{
	if (cur.nprefix < MAX_PREFIX)
		cur.prefix[cur.nprefix] = p;
	cur.nprefix++;
}

void report_prefix_pop(void)
{
	if (cur.nprefix > 0)
		cur.nprefix--;
}

int report_failures(void)
{
	return __atomic_load_n(&cur.failures, __ATOMIC_RELAXED);
}

int report_checks(void)
{
	return __atomic_load_n(&cur.checks, __ATOMIC_RELAXED);
}

u64 ktest_rand(void)
{
	/* splitmix64: good enough spread, trivially repeatable from the seed (on one CPU) */
	u64 z = __atomic_add_fetch(&cur.rng, 0x9e3779b97f4a7c15ULL, __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

u64 ktest_seed(void)
{
	return cur.seed;
}

unsigned int ktest_loops(void)
{
	return cur.loops ? cur.loops : 1;
}

static size_t suite_base_len(const char *s)
{
	const char *dash = strchr(s, '-');

	return dash ? (size_t)(dash - s) : strlen(s);
}

static int suite_rank(const char *s)
{
	size_t bl = suite_base_len(s);

	for (size_t i = 0; i < ARRAY_SIZE(suite_order); i++) {
		if (!strcmp(s, suite_order[i]))
			return (int)i;
		if (strlen(suite_order[i]) == bl && !strncmp(s, suite_order[i], bl))
			return (int)i;
	}
	return (int)ARRAY_SIZE(suite_order);
}

/* Does name match any glob of a comma-separated list? exact: no wildcard. */
static bool list_match(const char *list, const char *name, bool exact)
{
	char pat[64];

	while (list && *list) {
		const char *comma = strchr(list, ',');
		size_t n = comma ? (size_t)(comma - list) : strlen(list);

		if (n < sizeof(pat)) {
			memcpy(pat, list, n);
			pat[n] = 0;
			if (exact ? !strcmp(pat, name) : glob_match(pat, name))
				return true;
		}
		list = comma ? comma + 1 : NULL;
	}
	return false;
}

static bool selected(const struct ktest *t, const struct ktest_opts *o)
{
	bool nodefault = t->flags & KT_NODEFAULT;

	if (o->suites && *o->suites) {
		if (!list_match(o->suites, t->suite, nodefault))
			return false;
	} else if (nodefault) {
		return false;
	}
	if (o->tests && *o->tests && !list_match(o->tests, t->name, nodefault))
		return false;
	return true;
}

const struct ktest *ktest_find(const char *name)
{
	for (const struct ktest *t = __start_ktest_cases; t < __stop_ktest_cases; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static long expected_warnings;

void ktest_expect_warnings(long n)
{
	expected_warnings += n;
}

/* Warnings a test did not announce: refcount misuse, core invariants. */
static long unexpected_warnings(void)
{
	return (long)plat_warn_count() - expected_warnings;
}

KTEST_COUNTER(warnings, unexpected_warnings);

/*
 * Warnings before the first test (boot, driver start) other than the
 * boot_warnings= announced: the first test fails.
 */
static long early_warnings;
static unsigned int boot_warnings;

static int read_counters(long *v)
{
	int n = 0;

	for (const struct ktest_counter *c = __start_ktest_counters;
	     c < __stop_ktest_counters && n < MAX_COUNTERS; c++)
		v[n++] = c->read();
	return n;
}

static bool missing_need(const struct ktest *t, char *why, size_t len)
{
	for (int i = 0; i < KT_NEED_COUNT; i++) {
		const char *detail = NULL;

		if (!(t->needs & (1u << i)) || ktest_env_has(1u << i, &detail))
			continue;
		snprintf(why, len, "needs %s%s%s", need_names[i],
			 detail ? ": " : "", detail ? detail : "");
		return true;
	}
	return false;
}

/* Run one test with baseline checks; 0 pass, 1 fail, 2 skip. */
static int run_one(const struct ktest *t)
{
	long before[MAX_COUNTERS], after[MAX_COUNTERS];
	const struct ktest_counter *c;
	int n, crash;

	cur.failures = cur.checks = 0;
	cur.skipped = false;
	cur.nprefix = 0;
	if (missing_need(t, cur.skip_reason, sizeof(cur.skip_reason)))
		return 2;
	n = read_counters(before);
	crash = ktest_env_protected_call(t->fn);
	cur.nprefix = 0;
	if (crash)
		report(false, "test crashed (trap vector %d), see the dump above", crash - 1);
	/* a test that checked nothing and did not skip proves nothing */
	if (!cur.checks && !cur.skipped)
		report(false, "the test made no checks (report() never called, no skip)");
	if (early_warnings) {
		report(false, "%ld warning(s) before the first test (boot, driver start: above), "
		       "%u announced by boot_warnings=", early_warnings + boot_warnings,
		       boot_warnings);
		early_warnings = 0;
	}
	ktest_env_after_test(t);
	read_counters(after);
	c = __start_ktest_counters;
	for (int i = 0; i < n; i++, c++)
		if (before[i] != after[i])
			report(false, "leak check: %s %ld before, %ld after", c->name,
			       before[i], after[i]);
	if (cur.failures)
		return 1;
	if (cur.skipped)
		return 2;
	return 0;
}

/* Nested use (a test running a test) keeps the outer test's state. */
int ktest_run_one(const struct ktest *t)
{
	static int depth;
	__typeof__(cur) saved = cur;
	int r;

	long warned = unexpected_warnings();

	depth++;
	r = run_one(t);
	if (depth > 1) {
		/* a nested test's warnings were its own (it failed for them) */
		expected_warnings += unexpected_warnings() - warned;
		saved.verbose = cur.verbose;
		saved.rng = cur.rng;
		cur = saved;
	}
	depth--;
	return r;
}

/* Index of the first test from the same file: files keep their link order. */
static int file_rank(const struct ktest *t)
{
	for (const struct ktest *f = __start_ktest_cases; f < t; f++)
		if (f->file == t->file || !strcmp(f->file, t->file))
			return (int)(f - __start_ktest_cases);
	return (int)(t - __start_ktest_cases);
}

/* Order: suite (DESIGN.md order, then name), file, line. */
static bool before(const struct ktest *a, const struct ktest *b)
{
	int ra = suite_rank(a->suite), rb = suite_rank(b->suite), c;

	if (ra != rb)
		return ra < rb;
	c = strcmp(a->suite, b->suite);
	if (c)
		return c < 0;
	ra = file_rank(a);
	rb = file_rank(b);
	if (ra != rb)
		return ra < rb;
	return a->line < b->line;
}

static int collect(const struct ktest_opts *o, const struct ktest **sel)
{
	int n = 0;

	for (const struct ktest *t = __start_ktest_cases;
	     t < __stop_ktest_cases && n < MAX_TESTS; t++)
		if (selected(t, o))
			sel[n++] = t;
	for (int i = 1; i < n; i++) {
		const struct ktest *k = sel[i];
		int j = i - 1;

		while (j >= 0 && before(k, sel[j])) {
			sel[j + 1] = sel[j];
			j--;
		}
		sel[j + 1] = k;
	}
	return n;
}

static int count_suites(const struct ktest **sel, int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		if (i == 0 || strcmp(sel[i]->suite, sel[i - 1]->suite))
			s++;
	return s;
}

/* Run the tests sel[from..to) of one suite; returns the suite's result line. */
static void run_suite(const struct ktest **sel, int from, int to, int idx,
		      struct ktest_totals *tot)
{
	struct ktest_totals st = { 0, 0, 0 };
	const char *suite = sel[from]->suite;
	u64 start = ktest_env_ns();

	kt_print(IND "KTAP version 1\n" IND "# Subtest: %s\n" IND "1..%d\n", suite,
		 to - from);
	for (int i = from; i < to; i++) {
		const struct ktest *t = sel[i];
		u64 t0, ms;
		int r;

		/* names the running test in a log cut off by a hang or a reboot */
		kt_print(IND "# start: %s\n", t->name);
		t0 = ktest_env_ns();
		r = ktest_run_one(t);
		ms = (ktest_env_ns() - t0) / 1000000;

		if (cur.verbose)
			kt_print(IND "# %s: %d checks, %llu ms\n", t->name, cur.checks,
				 (unsigned long long)ms);
		if (r == 2) {
			kt_print(IND "ok %d %s # SKIP %s\n", i - from + 1, t->name,
				 cur.skip_reason);
			st.skipped++;
		} else {
			kt_print(IND "%s %d %s\n", r ? "not ok" : "ok", i - from + 1, t->name);
			if (r)
				st.failed++;
			else
				st.passed++;
		}
	}
	kt_print(IND "# %s: pass:%d fail:%d skip:%d total:%d\n", suite, st.passed,
		 st.failed, st.skipped, to - from);
	/* where a run's time goes (make bench reads it) */
	kt_print(IND "# time: suite %s %llu ms\n", suite,
		 (unsigned long long)((ktest_env_ns() - start) / 1000000));
	if (st.failed)
		kt_print("not ok %d %s\n", idx, suite);
	else if (!st.passed && st.skipped)
		kt_print("ok %d %s # SKIP all tests skipped\n", idx, suite);
	else
		kt_print("ok %d %s\n", idx, suite);
	tot->passed += st.passed;
	tot->failed += st.failed;
	tot->skipped += st.skipped;
}

struct ktest_totals ktest_run_all(const struct ktest_opts *o)
{
	static const struct ktest *sel[MAX_TESTS];
	struct ktest_totals tot = { 0, 0, 0 };
	int n = collect(o, sel), nsuites = count_suites(sel, n), idx = 0;

	cur.verbose = o->verbose;
	cur.seed = cur.rng = o->seed;
	cur.loops = o->loops ? o->loops : 1;
	if (o->list) {
		for (int i = 0; i < n; i++)
			kt_print("%s %s\n", sel[i]->suite, sel[i]->name);
		return tot;
	}
	/* announced ones are expected exactly: fewer fail the first test too */
	early_warnings = unexpected_warnings() - o->boot_warnings;
	expected_warnings += o->boot_warnings;
	boot_warnings = o->boot_warnings;
	kt_print("\nKTAP version 1\n1..%u\n", nsuites * cur.loops);
	kt_print("# seed=%llu loops=%u tests=%d\n", (unsigned long long)cur.seed,
		 cur.loops, n);
	for (unsigned int loop = 0; loop < cur.loops; loop++) {
		for (int i = 0; i < n;) {
			int j = i + 1;

			while (j < n && !strcmp(sel[j]->suite, sel[i]->suite))
				j++;
			run_suite(sel, i, j, ++idx, &tot);
			i = j;
		}
	}
	kt_print("# iommu-testos: %d passed, %d failed, %d skipped\n", tot.passed,
		 tot.failed, tot.skipped);
	return tot;
}

static bool opt_is(const char *w, size_t len, const char *key, const char **val)
{
	size_t k = strlen(key);

	if (len <= k || strncmp(w, key, k) || w[k] != '=')
		return false;
	*val = w + k + 1;
	return true;
}

/* Words point into a persistent string; values are copied to small buffers. */
void ktest_parse_opt(struct ktest_opts *o, const char *w, size_t len)
{
	static char suites[256], tests[256];
	const char *v;
	size_t vl;

	if (opt_is(w, len, "suite", &v)) {
		vl = min(len - (size_t)(v - w), sizeof(suites) - 1);
		memcpy(suites, v, vl);
		suites[vl] = 0;
		o->suites = suites;
	} else if (opt_is(w, len, "test", &v)) {
		vl = min(len - (size_t)(v - w), sizeof(tests) - 1);
		memcpy(tests, v, vl);
		tests[vl] = 0;
		o->tests = tests;
	} else if (opt_is(w, len, "seed", &v)) {
		o->seed = strtoull(v, NULL, 0);
	} else if (opt_is(w, len, "loops", &v)) {
		o->loops = (unsigned int)strtoull(v, NULL, 0);
	} else if (opt_is(w, len, "boot_warnings", &v)) {
		o->boot_warnings = (unsigned int)strtoull(v, NULL, 0);
	} else if (opt_is(w, len, "verbose", &v)) {
		o->verbose = *v == '1' || *v == 'y';
	} else if (len == 4 && !strncmp(w, "list", 4)) {
		o->list = true;
	}
}
