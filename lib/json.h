/* SPDX-License-Identifier: MIT */
/*
 * Streaming JSON writer: objects, arrays, escaped strings, integers,
 * booleans, null and base64 blobs, written through a sink (no buffer, no
 * allocation). The kernel's bring-up line and the hosted tools share it.
 */
#ifndef LIB_JSON_H
#define LIB_JSON_H

#include "lib/compiler.h"

#define JSON_MAX_DEPTH 16

typedef void (*json_sink)(void *ctx, const char *s, size_t n);

struct json {
	json_sink put;
	void *ctx;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no element written yet at this depth */
	bool after_key;			/* a key was written: the value needs no comma */
	bool top_newline;		/* end each top-level value with '\n' */
	size_t bytes;			/* written so far */
};

void json_init(struct json *j, json_sink put, void *ctx);

/* A buffer to write into, kept NUL-terminated; what does not fit is counted in lost. */
struct json_buf {
	char *mem;
	size_t size, used, lost;
};

/* Start j writing into b's size bytes at mem. */
void json_init_buf(struct json *j, struct json_buf *b, char *mem, size_t size);
void json_obj(struct json *j);		/* { */
void json_obj_end(struct json *j);	/* } */
void json_arr(struct json *j);		/* [ */
void json_arr_end(struct json *j);	/* ] */
void json_key(struct json *j, const char *k);
void json_str(struct json *j, const char *s);
/* A string of at most n bytes of s (stops at a NUL). */
void json_strn(struct json *j, const char *s, size_t n);
void json_u64(struct json *j, u64 v);
void json_s64(struct json *j, s64 v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* A string holding the standard base64 (RFC 4648, padded) of n bytes. */
void json_base64(struct json *j, const void *buf, size_t n);

/* key + value in one call */
void json_kstr(struct json *j, const char *k, const char *s);
void json_ku64(struct json *j, const char *k, u64 v);
void json_ks64(struct json *j, const char *k, s64 v);
void json_kbool(struct json *j, const char *k, bool v);

#endif
