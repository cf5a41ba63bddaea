// SPDX-License-Identifier: MIT
/*
 * Minimal JSON writer for the hosted tools: tracks commas per nesting level
 * and escapes strings (ANDD names and ACPI UIDs carry backslashes).
 */
#include "tools/jsonout.h"

void jo_init(struct jo *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* Comma before a value or key unless it is the first at its level. */
static void sep(struct jo *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
}

static void open_level(struct jo *j, char c)
{
	sep(j);
	fputc(c, j->f);
	if (j->depth < JO_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_level(struct jo *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);	/* one top-level value per line */
}

void jo_obj(struct jo *j) { open_level(j, '{'); }
void jo_obj_end(struct jo *j) { close_level(j, '}'); }
void jo_arr(struct jo *j) { open_level(j, '['); }
void jo_arr_end(struct jo *j) { close_level(j, ']'); }

static void put_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void jo_key(struct jo *j, const char *k)
{
	sep(j);
	put_escaped(j->f, k);
	fputc(':', j->f);
	j->after_key = true;
}

void jo_str(struct jo *j, const char *s)
{
	sep(j);
	put_escaped(j->f, s);
}

void jo_u64(struct jo *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void jo_s64(struct jo *j, int64_t v)
{
	sep(j);
	fprintf(j->f, "%lld", (long long)v);
}

void jo_bool(struct jo *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

void jo_null(struct jo *j)
{
	sep(j);
	fputs("null", j->f);
}

void jo_kstr(struct jo *j, const char *k, const char *s)
{
	jo_key(j, k);
	jo_str(j, s);
}

void jo_ku64(struct jo *j, const char *k, uint64_t v)
{
	jo_key(j, k);
	jo_u64(j, v);
}

void jo_kbool(struct jo *j, const char *k, bool v)
{
	jo_key(j, k);
	jo_bool(j, v);
}
