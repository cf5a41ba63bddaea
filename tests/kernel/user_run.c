// SPDX-License-Identifier: MIT
/*
 * Runs the ring-3 programs of the user suite. Each program is one kernel
 * test; its own KTAP lines become that test's diagnostics ("    # ok 3 x"),
 * and are watched so a report cut short or a failed subtest fails the test.
 */
#include "tests/kernel/user.h"
#include "arch/x86/console.h"
#include "arch/x86/fwcfg.h"
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "core/iommufd.h"
#include "ioctl-sim/sim.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define DIAG	"    # "	/* a diagnostic of the running kernel test */
#define LINE	160

extern const struct user_prog __start_user_progs[], __stop_user_progs[];

/* The output filter between a program's stdout/stderr and the console. */
struct prog_out {
	char line[LINE];
	size_t len;
	bool quiet;	/* parse only, print nothing (the judge's own test) */
	bool ktap;	/* the program printed its KTAP header (or kselftest's TAP 13 one) */
	int plan;	/* N of its "1..N", -1 before that */
	int results;	/* its top-level result lines so far */
	int failed;	/* of which "not ok" */
	int skipped;	/* of which "ok ... # SKIP" */
	struct user_sample *samples;	/* counts read at "# sample N" lines */
	int nsamples;
};

const struct user_prog *user_prog_find(const char *name)
{
	for (const struct user_prog *p = __start_user_progs; p < __stop_user_progs; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

void user_sample_take(struct user_sample *s)
{
	*s = (struct user_sample){
		.taken = true,
		.free_pages = (long)pmm_free_pages(),
		.heap_objects = (long)kmalloc_live(),
		.files = sim_live_files(),
		.user_pins = (long)uvm_pinned_total(),
		.iommufd_pins = iommufd_pinned_pages(),
		.iommufd_objects = iommufd_live_objects(),
	};
}

bool user_sample_same(const struct user_sample *a, const struct user_sample *b, char *why,
		      size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
		{ "free pages", offsetof(struct user_sample, free_pages) },
		{ "heap objects", offsetof(struct user_sample, heap_objects) },
		{ "open files", offsetof(struct user_sample, files) },
		{ "user pins", offsetof(struct user_sample, user_pins) },
		{ "iommufd pins", offsetof(struct user_sample, iommufd_pins) },
		{ "iommufd objects", offsetof(struct user_sample, iommufd_objects) },
	};

	if (!a->taken || !b->taken) {
		snprintf(why, len, "a sample was not taken");
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		long x = *(const long *)((const u8 *)a + f[i].off);
		long y = *(const long *)((const u8 *)b + f[i].off);

		if (x != y) {
			snprintf(why, len, "%s %ld, then %ld", f[i].name, x, y);
			return false;
		}
	}
	snprintf(why, len, "the same counts");
	return true;
}

static void out_line(struct prog_out *n)
{
	const char *l = n->line;
	int k;

	n->line[n->len] = 0;
	if (!strncmp(l, "# sample ", 9) && (k = (int)strtoull(l + 9, NULL, 10)) < n->nsamples)
		user_sample_take(&n->samples[k]);
	if (!strncmp(l, "KTAP version", 12) || !strcmp(l, "TAP version 13"))
		n->ktap = true;
	else if (!strncmp(l, "1..", 3) && n->plan < 0)
		n->plan = (int)strtoull(l + 3, NULL, 10);
	else if (!strncmp(l, "ok ", 3) || !strncmp(l, "not ok ", 7))
		n->results++;
	if (!strncmp(l, "not ok ", 7))
		n->failed++;
	else if (!strncmp(l, "ok ", 3) && strstr(l, "# SKIP"))
		n->skipped++;
	if (!n->quiet) {
		console_write(DIAG, strlen(DIAG));
		console_write(l, n->len);
		console_write("\n", 1);
	}
	n->len = 0;
}

/* proc_out_fn: split into lines; NULL flushes a partial last line. */
static void out_write(void *ctx, const char *s, size_t len)
{
	struct prog_out *n = ctx;

	if (!s) {
		if (n->len)
			out_line(n);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			out_line(n);
			continue;
		}
		if (n->len == LINE - 1)
			out_line(n);
		if (s[i] != '\r')
			n->line[n->len++] = s[i];
	}
}

/* The system calls the run tried that the kernel lacks (ENOSYS), with counts. */
static void report_enosys(const struct proc *p)
{
	char line[160];
	size_t len = 0;

	for (int i = 0; i < PROC_ENOSYS_NRS && p->enosys[i].count; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - min(len, sizeof(line)),
					" %u (x%u)", p->enosys[i].nr, p->enosys[i].count);
	if (len)
		report_info("%s: system calls answered ENOSYS:%s%s", p->name, line,
			    p->enosys_more ? " and more" : "");
}

static int run(const struct user_prog *up, struct proc *p, struct prog_out *n)
{
	/* the line prefix is the console's: quiet runs (several CPUs at once) leave it */
	const char *old = n->quiet ? NULL : console_set_line_prefix(DIAG);
	u64 limit = p->time_limit_ms;
	char seed[40];
	const char *envp[] = { seed, NULL };
	int ret;

	/* the run's seed= reaches randomized programs as KTEST_SEED */
	snprintf(seed, sizeof(seed), "KTEST_SEED=%llu", (unsigned long long)ktest_seed());
	memset(p, 0, sizeof(*p));
	p->time_limit_ms = limit;
	p->envp = envp;
	p->name = up->name;
	p->argv = up->argv;
	p->root = up->root;
	p->out = out_write;
	p->out_ctx = n;
	p->dump_prefix = DIAG;
	ret = proc_run(p, up->image, (size_t)(up->end - up->image));
	out_write(n, NULL, 0);
	if (!n->quiet)
		console_set_line_prefix(old);
	if (!ret && !n->quiet)
		report_enosys(p);
	return ret;
}

int user_prog_run_plain(const struct user_prog *up, struct proc *p)
{
	struct prog_out n = { .plan = -1 };

	return run(up, p, &n);
}

int user_spin_run(struct proc *p, u32 ms)
{
	const struct user_prog *up = user_prog_find("spin");

	if (!up) {
		report(false, "helper spin is linked in");
		return -ENOENT;
	}
	memset(p, 0, sizeof(*p));
	p->time_limit_ms = ms;
	return user_prog_run_plain(up, p);
}

/* Exit status of a program whose every test skipped (kselftest's KSFT_SKIP). */
#define EXIT_SKIP	4

/*
 * The verdict on one run: NULL when the program passed (*skip: every test
 * of it skipped), else why its test fails, written into buf.
 */
static const char *verdict(const struct proc *p, const struct prog_out *n, bool *skip,
			   char *buf, size_t len)
{
	*skip = false;
	if (p->end == PROC_FAULTED)
		snprintf(buf, len, "killed by exception %llu at %#llx (see its dump)",
			 (unsigned long long)p->fault.vector, (unsigned long long)p->fault.rip);
	else if (p->end == PROC_TIMEOUT)
		snprintf(buf, len, "ran out of time at %#llx (see its dump)",
			 (unsigned long long)p->fault.rip);
	else if (p->end == PROC_SIGNALED)
		snprintf(buf, len, "killed by signal %d", p->status);
	else if (p->end == PROC_KERNEL_CRASH)
		snprintf(buf, len, "the kernel took exception %d in one of its syscalls",
			 p->status);
	else if (!n->ktap || n->plan < 0)
		snprintf(buf, len, "printed no KTAP header and plan");
	else if (n->results != n->plan)
		snprintf(buf, len, "reported %d results for a plan of %d", n->results, n->plan);
	else if (n->failed)
		snprintf(buf, len, "%d of its tests failed", n->failed);
	else if (p->status == EXIT_SKIP && n->skipped == n->results)
		return *skip = true, NULL;
	else if (p->status)
		snprintf(buf, len, "exit status %d after a clean report", p->status);
	else
		return NULL;
	return buf;
}

void user_prog_run_test(const struct user_prog *up)
{
	user_prog_run_test_sampled(up, NULL, 0);
}

void user_prog_run_test_sampled(const struct user_prog *up, struct user_sample *s, int ns)
{
	struct prog_out n = { .plan = -1, .samples = s, .nsamples = ns };
	struct proc p = { 0 };
	int ret = run(up, &p, &n);
	const char *why;
	char buf[96];
	bool skip;

	if (ret) {
		report(false, "%s starts (error %d)", up->name, ret);
		return;
	}
	why = verdict(&p, &n, &skip, buf, sizeof(buf));
	if (skip)
		report_skip("every test of %s skipped", up->name);
	else
		report(!why, "%s: %s", up->name,
		       why ? why : "a complete KTAP report, no failure, exit status 0");
	/* a partial pass must not look like a whole one in the log */
	if (n.skipped && n.skipped < n.results)
		report_info("%d of the %d tests of %s skipped (reasons above)", n.skipped,
			    n.results, up->name);
}

int user_prog_run_quiet(const struct user_prog *up, char *why, size_t len)
{
	struct prog_out n = { .plan = -1, .quiet = true };
	struct proc p = { 0 };
	const char *w;
	bool skip;
	int ret = run(up, &p, &n);

	if (ret) {
		snprintf(why, len, "did not start (error %d)", ret);
		return 1;
	}
	w = verdict(&p, &n, &skip, why, len);
	return skip ? 2 : w ? 1 : 0;
}

/* Program output and ends, and what the runner must make of them. */
static const struct {
	const char *what, *out;
	enum proc_end end;
	int status;
	char want;		/* 'p'ass, 's'kip, 'f'ail */
} judge_cases[] = {
	{ "complete, exit 0", "KTAP version 1\n1..2\nok 1 a\nok 2 b\n", PROC_EXITED, 0, 'p' },
	{ "CRLF and an unterminated last line", "KTAP version 1\r\n1..1\r\nok 1 a",
	  PROC_EXITED, 0, 'p' },
	{ "all skipped, exit 4", "KTAP version 1\n1..1\nok 1 a # SKIP no device\n",
	  PROC_EXITED, EXIT_SKIP, 's' },
	{ "one skipped of two, exit 4", "KTAP version 1\n1..2\nok 1 a\nok 2 b # SKIP x\n",
	  PROC_EXITED, EXIT_SKIP, 'f' },
	{ "a failure, exit 0", "KTAP version 1\n1..2\nok 1 a\nnot ok 2 b\n", PROC_EXITED, 0,
	  'f' },
	{ "cut short, exit 0", "KTAP version 1\n1..3\nok 1 a\n", PROC_EXITED, 0, 'f' },
	{ "more results than planned", "KTAP version 1\n1..1\nok 1 a\nok 2 b\n", PROC_EXITED, 0,
	  'f' },
	{ "no report, exit 0", "hello\n", PROC_EXITED, 0, 'f' },
	{ "no plan, exit 0", "KTAP version 1\nok 1 a\n", PROC_EXITED, 0, 'f' },
	{ "complete, exit 1", "KTAP version 1\n1..1\nok 1 a\n", PROC_EXITED, 1, 'f' },
	{ "complete, then a fault", "KTAP version 1\n1..1\nok 1 a\n", PROC_FAULTED, 0, 'f' },
	{ "complete, then out of time", "KTAP version 1\n1..1\nok 1 a\n", PROC_TIMEOUT, 0, 'f' },
	{ "kernel crash in a syscall", "KTAP version 1\n1..1\n", PROC_KERNEL_CRASH, 14, 'f' },
	{ "complete, then killed by a signal", "KTAP version 1\n1..1\nok 1 a\n", PROC_SIGNALED,
	  6, 'f' },
	{ "kselftest's TAP 13, all passed", "TAP version 13\n1..2\n# RUN x\nok 1 a\nok 2 b\n"
	  "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0\n", PROC_EXITED, 0, 'p' },
	{ "kselftest's TAP 13, one failed", "TAP version 13\n1..2\nok 1 a\nnot ok 2 b\n",
	  PROC_EXITED, 1, 'f' },
};

/* The runner's verdicts: a program passes only with a whole, clean report and status 0. */
KTEST(user, test_user_runner_judges_programs)
{
	for (size_t i = 0; i < ARRAY_SIZE(judge_cases); i++) {
		struct prog_out n = { .plan = -1, .quiet = true };
		struct proc p = { .end = judge_cases[i].end, .status = judge_cases[i].status };
		char buf[96], got;
		bool skip;

		out_write(&n, judge_cases[i].out, strlen(judge_cases[i].out));
		out_write(&n, NULL, 0);
		got = verdict(&p, &n, &skip, buf, sizeof(buf)) ? 'f' : skip ? 's' : 'p';
		report(got == judge_cases[i].want, "%s -> %c (got %c)", judge_cases[i].what,
		       judge_cases[i].want, got);
	}
}

/* --- programs QEMU hands over (scripts/qemu --prog) ---------------------- */

#define FWCFG_PROG	"opt/iommu-testos/prog/"	/* the static ELF executables */
#define FWCFG_ARGS	"opt/iommu-testos/args/"	/* their arguments, by spaces */
#define FWCFG_NOTE	"opt/iommu-testos/prog-note"	/* why one the run wanted is missing */
#define MAX_FW_ARGS	15

/* Split s at spaces into argv[1..] after name; the count, or -E2BIG. */
static int split_args(char *s, const char *name, const char **argv)
{
	int n = 0;

	argv[n++] = name;
	while (*s) {
		while (*s == ' ' || *s == '\n')
			*s++ = '\0';
		if (!*s)
			break;
		if (n == MAX_FW_ARGS)
			return -E2BIG;
		argv[n++] = s;
		while (*s && *s != ' ' && *s != '\n')
			s++;
	}
	argv[n] = NULL;
	return n;
}

/* Load fw_cfg file path (size bytes) and run it as program name, judged as a linked one. */
static void run_fwcfg(const char *name, const char *path, u32 size)
{
	unsigned int order = 0;
	char args_path[64], args[256];
	const char *argv[MAX_FW_ARGS + 1];
	struct user_prog up = { name, NULL, NULL, argv, true };
	u64 t0, t1;
	u8 *image;

	while ((PAGE_SIZE << order) < size && order < PMM_MAX_ORDER)
		order++;
	snprintf(args_path, sizeof(args_path), FWCFG_ARGS "%s", name);
	if (fwcfg_read_file(args_path, args, sizeof(args)) < 0)
		args[0] = '\0';
	report_info("%s (%u bytes, from fw_cfg) as root, with%s%s", name, size,
		    args[0] ? " " : "out", args[0] ? args : " arguments");
	if (split_args(args, name, argv) < 0) {
		report(false, "%s: more than %d arguments", name, MAX_FW_ARGS - 1);
		return;
	}
	image = (PAGE_SIZE << order) >= size ? page_alloc_va(order) : NULL;
	if (!image) {
		report(false, "%s: no room for its %u bytes", name, size);
		return;
	}
	t0 = time_ns();
	if (fwcfg_read_raw(path, image, size) != (long)size) {
		report(false, "%s: fw_cfg gave less than its %u bytes", name, size);
	} else {
		up.image = image;
		up.end = image + size;
		t1 = time_ns();
		user_prog_run_test(&up);
		report_info("%s: loaded in %llu ms, ran %llu ms", name,
			    (unsigned long long)((t1 - t0) / 1000000),
			    (unsigned long long)((time_ns() - t1) / 1000000));
	}
	page_free_va(image, order);
}

/*
 * Every program QEMU hands over by fw_cfg (Linux's own selftest, linked
 * statically elsewhere: make linux-selftest-ring3), run and judged like
 * the linked ones. Only when named (suite=user-fwcfg).
 */
KTEST_FULL(user-fwcfg, test_user_fwcfg_programs, KT_NEED_KERNEL, KT_NODEFAULT)
{
	size_t plen = strlen(FWCFG_PROG);
	char name[56];
	int found = 0;
	u32 size;

	for (u32 i = 0; fwcfg_file_at(i, name, &size); i++) {
		if (strncmp(name, FWCFG_PROG, plen) || !name[plen])
			continue;
		found++;
		run_fwcfg(name + plen, name, size);
	}
	if (!found) {
		char note[200];

		if (fwcfg_read_file(FWCFG_NOTE, note, sizeof(note)) > 0)
			report_skip("%s", note);
		else
			report_skip("no program handed over by fw_cfg (scripts/qemu --prog)");
	} else if (fwcfg_read_file(FWCFG_NOTE, name, sizeof(name)) > 0) {
		report_info("some programs were not handed over: see opt/iommu-testos/prog-note");
	}
}
