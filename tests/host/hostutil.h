/* SPDX-License-Identifier: MIT */
/*
 * Helpers for hosted tests that read fixtures and run the built tools:
 * repository paths, whole-file reads, TSV tables, running a command; and
 * the fail-point sweep the failure-path tests share.
 */
#ifndef TESTS_HOST_HOSTUTIL_H
#define TESTS_HOST_HOSTUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* rel (e.g. "tests/fixtures/acpi/MANIFEST.tsv") under the repository top; static buffer. */
const char *host_path(const char *rel);

/* Whole file, malloc'ed, with a NUL after the bytes; NULL if unreadable. */
unsigned char *host_read(const char *path, size_t *len);

/*
 * A fixture under tests/fixtures/acpi/ (e.g. "real/x.dmar.bin"); reports a
 * failed check and returns NULL when it cannot be read.
 */
unsigned char *host_fixture(const char *name, size_t *len);

/* A tab-separated table with one header line. */
struct tsv {
	char *text;		/* the file, cut into fields in place */
	char **hdr;		/* column names */
	int ncols;
	char ***rows;		/* rows[r][c], missing cells are "" */
	int nrows;
};

struct tsv *tsv_load(const char *path);
void tsv_free(struct tsv *t);
/* Column index by name, or -1. */
int tsv_col(const struct tsv *t, const char *name);
/* Cell by column name ("" when the column is absent). */
const char *tsv_get(const struct tsv *t, int row, const char *col);

/*
 * Run a shell command with the repository top as cwd; its stdout (malloc'ed,
 * NUL-terminated) in *out. Returns the exit status, or -1 if it did not run.
 */
int host_run(const char *cmd, char **out);

/*
 * Fail-point sweep (lib/failpoint.h): run op(ctx) with the fail point armed
 * at its 1st, 2nd, ... site until a run passes none. After each run that
 * failed, intact(ctx, its result) says whether it left everything as it
 * was. Returns how many did not; *fired counts the failed runs, *last is
 * the result of the run that passed none.
 */
int host_failpoint_sweep(long (*op)(void *ctx), bool (*intact)(void *ctx, long ret), void *ctx,
			 int *fired, long *last);

/*
 * The "physical address" a device reaches the user byte at uva through: a
 * pinned page's is the library's own alias of it (arch/host/umem.c), not
 * uva. 0 when uva is not readable.
 */
unsigned long long host_user_pa(unsigned long long uva);

#endif
