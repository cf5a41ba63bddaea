/* SPDX-License-Identifier: MIT */
/*
 * Running a hosted tool's main in-process (the tool fuzz targets and their
 * corpus replay): its stdout and stderr captured, and a JSON line checker
 * for what --json prints.
 */
#ifndef TESTS_FUZZ_TOOLRUN_H
#define TESTS_FUZZ_TOOLRUN_H

#include <stdbool.h>
#include <stddef.h>

struct tool_out {
	int status;		/* what the tool's main returned; -1 if it could not run */
	char *out, *err;	/* stdout and stderr, NUL-terminated (free with tool_out_free) */
	size_t outlen, errlen;
};

/*
 * Call main_fn(argc, argv) with stdout and stderr sent to memory. Sanitizer
 * and libFuzzer reports still reach the real stderr (they write to fd 2,
 * the tool writes through the stdio pointers swapped here).
 */
void tool_run(int (*main_fn)(int argc, char **argv), int argc, char **argv,
	      struct tool_out *o);
void tool_out_free(struct tool_out *o);

/*
 * A broken promise of the tool is a bug: unless cond, print what (with the
 * target's name and the tool's output) and abort, so the fuzzer keeps the input.
 */
void tool_must(bool cond, const char *target, const char *what, const struct tool_out *o);

/* Is s[0, n) one JSON value, with only whitespace around it? */
bool json_valid(const char *s, size_t n);

/* Is every line of text one JSON object (and is there at least one)? */
bool json_lines_valid(const char *text, size_t len);

#endif
