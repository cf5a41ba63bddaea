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
	console_write(DIAG, strlen(DIAG));
	console_write(l, n->len);
	console_write("\n", 1);
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
	const char *old = console_set_line_prefix(DIAG);
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
	console_set_line_prefix(old);
	return ret;
}

int user_prog_run_plain(const struct user_prog *up, struct proc *p)
{
	struct prog_out n = { .plan = -1 };

	return run(up, p, &n);
}

void user_prog_run_test(const struct user_prog *up)
{
	struct prog_out n = { .plan = -1 };
	struct proc p = { 0 };
	int ret = run(up, &p, &n);
	bool cut = n.plan >= 0 && n.results < n.plan;

	if (ret) {
		report(false, "%s starts (error %d)", up->name, ret);
		return;
	}
	switch (p.end) {
	case PROC_EXITED:
		if (p.status == 4 && !cut) {
			report_skip("every test of %s skipped", up->name);
			break;
		}
		report(p.status == 0, "%s exits with status 0 (got %d)", up->name, p.status);
		break;
	case PROC_FAULTED:
		report(false, "%s killed by exception %llu at %#llx (see its dump)", up->name,
		       (unsigned long long)p.fault.vector, (unsigned long long)p.fault.rip);
		break;
	case PROC_TIMEOUT:
		report(false, "%s ran out of time at %#llx (see its dump)", up->name,
		       (unsigned long long)p.fault.rip);
		break;
	case PROC_KERNEL_CRASH:
		report(false, "the kernel took exception %d in a syscall of %s", p.status,
		       up->name);
		break;
	}
	report(n.ktap && n.plan >= 0, "%s printed a KTAP header and plan", up->name);
	report(!cut, "%s reported all %d planned results (got %d)", up->name, n.plan, n.results);
	report(!n.failed, "no test of %s failed (%d did)", up->name, n.failed);
	/* a partial pass must not look like a whole one in the log */
	if (n.skipped && n.skipped < n.results)
		report_info("%d of the %d tests of %s skipped (reasons above)", n.skipped,
			    n.results, up->name);
}
