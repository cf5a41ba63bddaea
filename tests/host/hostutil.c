// SPDX-License-Identifier: MIT
/*
 * Helpers for hosted tests: find the repository from the test binary
 * (build/host/test-*), read fixtures, parse TSV manifests, run the tools,
 * sweep a fail point over an operation, the device's view of user memory.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/failpoint.h"
#include "lib/platform.h"
#include "tests/host/hostutil.h"
#include "tests/ktest.h"

static const char *top(void)
{
	static char dir[4096];
	char *slash;
	ssize_t n;

	if (dir[0])
		return dir;
	if (!access("tests/fixtures", F_OK)) {
		strcpy(dir, ".");
		return dir;
	}
	/* build/host/test-x -> the repository is two levels up */
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 16);
	if (n <= 0) {
		strcpy(dir, ".");
		return dir;
	}
	dir[n] = 0;
	for (int up = 0; up < 3 && (slash = strrchr(dir, '/')); up++)
		*slash = 0;
	return dir;
}

const char *host_path(const char *rel)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf), "%s/%s", top(), rel);
	return buf;
}

unsigned char *host_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = 0;
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

unsigned char *host_fixture(const char *name, size_t *len)
{
	char rel[512];
	unsigned char *b;

	snprintf(rel, sizeof(rel), "tests/fixtures/acpi/%s", name);
	b = host_read(host_path(rel), len);
	if (!b)
		report(false, "fixture %s is readable", name);
	return b;
}

/* Split line at tabs into a NULL-padded array of ncols cells. */
static char **split(char *line, int ncols, int *found)
{
	char **cells = calloc((size_t)ncols + 1, sizeof(*cells));
	int n = 0;

	for (char *p = line; cells && p; n++) {
		char *tab = strchr(p, '\t');

		if (tab)
			*tab = 0;
		if (n < ncols)
			cells[n] = p;
		p = tab ? tab + 1 : NULL;
	}
	for (int i = 0; cells && i < ncols; i++)
		if (!cells[i])
			cells[i] = "";
	*found = n;
	return cells;
}

struct tsv *tsv_load(const char *path)
{
	size_t len;
	struct tsv *t;
	char *line, *next;
	int n;

	t = calloc(1, sizeof(*t));
	if (!t || !(t->text = (char *)host_read(path, &len))) {
		free(t);
		return NULL;
	}
	line = t->text;
	next = strchr(line, '\n');
	if (next)
		*next++ = 0;
	t->ncols = 1;
	for (char *p = line; *p; p++)
		t->ncols += *p == '\t';
	t->hdr = split(line, t->ncols, &n);
	t->rows = calloc(len + 1, sizeof(*t->rows));
	for (line = next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = 0;
		t->rows[t->nrows++] = split(line, t->ncols, &n);
	}
	return t;
}

void tsv_free(struct tsv *t)
{
	if (!t)
		return;
	for (int r = 0; r < t->nrows; r++)
		free(t->rows[r]);
	free(t->rows);
	free(t->hdr);
	free(t->text);
	free(t);
}

int tsv_col(const struct tsv *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (!strcmp(t->hdr[c], name))
			return c;
	return -1;
}

const char *tsv_get(const struct tsv *t, int row, const char *col)
{
	int c = tsv_col(t, col);

	return c < 0 || row < 0 || row >= t->nrows ? "" : t->rows[row][c];
}

int host_run(const char *cmd, char **out)
{
	char *full, *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *p;
	int st;

	*out = NULL;
	if (asprintf(&full, "cd '%s' && %s", top(), cmd) < 0)
		return -1;
	p = popen(full, "r");
	free(full);
	if (!p)
		return -1;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb)
				break;
			buf = nb;
		}
		size_t n = fread(buf + len, 1, 4096, p);

		if (!n)
			break;
		len += n;
	}
	if (buf)
		buf[len] = 0;
	*out = buf;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int host_failpoint_sweep(long (*op)(void *ctx), bool (*intact)(void *ctx, long ret), void *ctx,
			 int *fired, long *last)
{
	int bad = 0;

	*fired = 0;
	for (unsigned long n = 1; n < 1000; n++) {
		bool f;

		failpoint_arm(n);
		*last = op(ctx);
		f = failpoint_fired();
		failpoint_arm(0);
		if (!f)
			return bad;
		(*fired)++;
		bad += !intact(ctx, *last);
	}
	return bad + 1;	/* never got through: that is a failure too */
}

unsigned long long host_user_pa(unsigned long long uva)
{
	phys_addr_t pa;

	return plat_user_to_phys(uva, &pa) ? 0 : pa;
}
