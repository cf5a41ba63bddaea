// SPDX-License-Identifier: MIT
/*
 * Streaming JSON writer: tracks commas per nesting level, escapes strings
 * (SMBIOS strings, ANDD names and ACPI UIDs carry any byte), encodes base64.
 * Output goes to the caller's sink; nothing is buffered here.
 */
#include "lib/json.h"
#include "lib/printf.h"
#include "lib/string.h"

void json_init(struct json *j, json_sink put, void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->put = put;
	j->ctx = ctx;
	j->first[0] = true;
}

static void buf_sink(void *ctx, const char *s, size_t n)
{
	struct json_buf *b = ctx;

	if (b->used + n >= b->size) {
		b->lost += n;
		return;
	}
	memcpy(b->mem + b->used, s, n);
	b->used += n;
	b->mem[b->used] = 0;
}

void json_init_buf(struct json *j, struct json_buf *b, char *mem, size_t size)
{
	*b = (struct json_buf){ mem, size, 0, 0 };
	if (size)
		mem[0] = 0;
	json_init(j, buf_sink, b);
}

static void out(struct json *j, const char *s, size_t n)
{
	j->put(j->ctx, s, n);
	j->bytes += n;
}

static void outc(struct json *j, char c)
{
	out(j, &c, 1);
}

/* Comma before a value or key unless it is the first at its level. */
static void sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		outc(j, ',');
	j->first[j->depth] = false;
}

static void open_level(struct json *j, char c)
{
	sep(j);
	outc(j, c);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_level(struct json *j, char c)
{
	outc(j, c);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0 && j->top_newline)
		outc(j, '\n');
}

void json_obj(struct json *j) { open_level(j, '{'); }
void json_obj_end(struct json *j) { close_level(j, '}'); }
void json_arr(struct json *j) { open_level(j, '['); }
void json_arr_end(struct json *j) { close_level(j, ']'); }

/* Bytes outside printable ASCII become \u00XX (read as Latin-1). */
static void put_escaped(struct json *j, const char *s, size_t n)
{
	outc(j, '"');
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[8];

		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			out(j, e, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(e, sizeof(e), "\\u%04x", c);
			out(j, e, 6);
		} else {
			outc(j, (char)c);
		}
	}
	outc(j, '"');
}

void json_key(struct json *j, const char *k)
{
	sep(j);
	put_escaped(j, k, strlen(k));
	outc(j, ':');
	j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
	sep(j);
	put_escaped(j, s, strlen(s));
}

void json_strn(struct json *j, const char *s, size_t n)
{
	sep(j);
	put_escaped(j, s, n);
}

void json_u64(struct json *j, u64 v)
{
	char b[24];

	sep(j);
	out(j, b, (size_t)snprintf(b, sizeof(b), "%llu", (unsigned long long)v));
}

void json_s64(struct json *j, s64 v)
{
	char b[24];

	sep(j);
	out(j, b, (size_t)snprintf(b, sizeof(b), "%lld", (long long)v));
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	out(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json *j)
{
	sep(j);
	out(j, "null", 4);
}

void json_base64(struct json *j, const void *buf, size_t n)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const u8 *p = buf;

	sep(j);
	outc(j, '"');
	for (size_t i = 0; i < n; i += 3) {
		u32 w = (u32)p[i] << 16;
		char q[4];

		if (i + 1 < n)
			w |= (u32)p[i + 1] << 8;
		if (i + 2 < n)
			w |= p[i + 2];
		q[0] = abc[w >> 18 & 63];
		q[1] = abc[w >> 12 & 63];
		q[2] = i + 1 < n ? abc[w >> 6 & 63] : '=';
		q[3] = i + 2 < n ? abc[w & 63] : '=';
		out(j, q, 4);
	}
	outc(j, '"');
}

void json_kstr(struct json *j, const char *k, const char *s)
{
	json_key(j, k);
	json_str(j, s);
}

void json_ku64(struct json *j, const char *k, u64 v)
{
	json_key(j, k);
	json_u64(j, v);
}

void json_ks64(struct json *j, const char *k, s64 v)
{
	json_key(j, k);
	json_s64(j, v);
}

void json_kbool(struct json *j, const char *k, bool v)
{
	json_key(j, k);
	json_bool(j, v);
}
