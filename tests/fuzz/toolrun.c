// SPDX-License-Identifier: MIT
/*
 * toolrun.h: a tool's main run in-process with its output in memory, and a
 * strict JSON checker (RFC 8259, ASCII only, as tools/jsonout.c writes it).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/fuzz/toolrun.h"

void tool_run(int (*main_fn)(int argc, char **argv), int argc, char **argv,
	      struct tool_out *o)
{
	FILE *so = stdout, *se = stderr, *fo, *fe;

	memset(o, 0, sizeof(*o));
	o->status = -1;
	fflush(so);
	fflush(se);
	fo = open_memstream(&o->out, &o->outlen);
	fe = open_memstream(&o->err, &o->errlen);
	if (fo && fe) {
		stdout = fo;	/* glibc: the standard streams are plain variables */
		stderr = fe;
		o->status = main_fn(argc, argv);
		stdout = so;
		stderr = se;
	}
	if (fo)
		fclose(fo);
	if (fe)
		fclose(fe);
}

void tool_out_free(struct tool_out *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}

void tool_must(bool cond, const char *target, const char *what, const struct tool_out *o)
{
	if (cond)
		return;
	fprintf(stderr, "%s: %s (exit %d)\nstdout: %.2000s\nstderr: %.500s\n", target, what,
		o->status, o->out ? o->out : "", o->err ? o->err : "");
	abort();
}

/* --- JSON ------------------------------------------------------------------ */

struct jp {
	const char *s, *end;
	int depth;
};

static bool value(struct jp *p);

static void ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static bool lit(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n))
		return false;
	p->s += n;
	return true;
}

static bool digits(struct jp *p)
{
	const char *a = p->s;

	while (p->s < p->end && isdigit((unsigned char)*p->s))
		p->s++;
	return p->s > a;
}

static bool number(struct jp *p)
{
	if (p->s < p->end && *p->s == '-')
		p->s++;
	if (p->s < p->end && *p->s == '0')
		p->s++;
	else if (!digits(p))
		return false;
	if (p->s < p->end && *p->s == '.' && (++p->s, !digits(p)))
		return false;
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		return digits(p);
	}
	return true;
}

static bool string(struct jp *p)
{
	if (p->s >= p->end || *p->s++ != '"')
		return false;
	while (p->s < p->end) {
		unsigned char c = (unsigned char)*p->s++;

		if (c == '"')
			return true;
		if (c < 0x20 || c >= 0x7f)
			return false;	/* control characters and non-ASCII are escaped */
		if (c != '\\')
			continue;
		if (p->s >= p->end)
			return false;
		c = (unsigned char)*p->s++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++)
				if (p->s >= p->end || !isxdigit((unsigned char)*p->s++))
					return false;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return false;
		}
	}
	return false;
}

/* Members or elements up to close; keys when obj. */
static bool items(struct jp *p, char close, bool obj)
{
	ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return true;
	}
	for (;;) {
		ws(p);
		if (obj) {
			if (!string(p))
				return false;
			ws(p);
			if (p->s >= p->end || *p->s++ != ':')
				return false;
		}
		if (!value(p))
			return false;
		ws(p);
		if (p->s >= p->end)
			return false;
		if (*p->s == close) {
			p->s++;
			return true;
		}
		if (*p->s++ != ',')
			return false;
	}
}

static bool value(struct jp *p)
{
	bool ok, obj;

	ws(p);
	if (p->s >= p->end)
		return false;
	switch (*p->s) {
	case '{':
	case '[':
		obj = *p->s++ == '{';
		if (++p->depth > 64)
			return false;
		ok = items(p, obj ? '}' : ']', obj);
		p->depth--;
		return ok;
	case '"':
		return string(p);
	case 't':
		return lit(p, "true");
	case 'f':
		return lit(p, "false");
	case 'n':
		return lit(p, "null");
	default:
		return number(p);
	}
}

bool json_valid(const char *s, size_t n)
{
	struct jp p = { .s = s, .end = s + n };

	if (!value(&p))
		return false;
	ws(&p);
	return p.s == p.end;
}

bool json_lines_valid(const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	int lines = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (!n || s[0] != '{' || !json_valid(s, n))
			return false;
		lines++;
		s += n + 1;
	}
	return lines > 0;
}
