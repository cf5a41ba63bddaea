// SPDX-License-Identifier: MIT
/*
 * Runs the ring-3 programs of the user suite. Each program is one kernel
 * test; its own KTAP lines become that test's diagnostics ("    # ok 3 x"),
 * and are watched so a report cut short or a failed subtest fails the test.
 */
#include "tests/kernel/user.h"
#include "arch/x86/console.h"
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
	bool ktap;	/* the program printed its KTAP header */
	int plan;	/* N of its "1..N", -1 before that */
	int results;	/* its top-level result lines so far */
	int failed;	/* of which "not ok" */
	int skipped;	/* of which "ok ... # SKIP" */
};

const struct user_prog *user_prog_find(const char *name)
{
	for (const struct user_prog *p = __start_user_progs; p < __stop_user_progs; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static void out_line(struct prog_out *n)
{
	const char *l = n->line;

	n->line[n->len] = 0;
	if (!strncmp(l, "KTAP version", 12))
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
	p->out = out_write;
	p->out_ctx = n;
	p->dump_prefix = DIAG;
	ret = proc_run(p, up->image, (size_t)(up->end - up->image));
	out_write(n, NULL, 0);
	if (!n->quiet)
		console_set_line_prefix(old);
	return ret;
}

int user_prog_run_plain(const struct user_prog *up, struct proc *p)
{
	struct prog_out n = { .plan = -1 };

	return run(up, p, &n);
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
	struct prog_out n = { .plan = -1 };
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
