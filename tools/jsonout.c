// SPDX-License-Identifier: MIT
/*
 * The hosted tools' JSON writer: lib/json.c with a stdio sink.
 */
#include "tools/jsonout.h"

static void file_sink(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, ctx);
}

void jo_init(struct json *j, FILE *f)
{
	json_init(j, file_sink, f);
	j->top_newline = true;
}
