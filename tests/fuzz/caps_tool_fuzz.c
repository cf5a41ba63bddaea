// SPDX-License-Identifier: MIT
/*
 * Fuzz target for iommu-caps' whole input path, in-process: the input is
 * its argument list, split at NUL bytes (at most 16 arguments), e.g.
 * "--json\0vtd\0cap 12zz ecap f050da". Checked: the exit statuses, a clear
 * message for every rejection, one JSON object for --json, and that an
 * accepted value is all hex digits.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tools/tools.h"
#include "tests/fuzz/toolrun.h"

#define MAX_ARGS 16

int caps_tool_fuzz_one(const uint8_t *data, size_t size);

static void must(bool cond, const char *what, const struct tool_out *o)
{
	tool_must(cond, "caps_tool_fuzz", what, o);
}

/*
 * Plain values (no keyword, no "features ("): when the tool accepts them,
 * each whitespace/comma-separated word but a VT-d VER must be pure hex.
 */
static bool plain_words_hex(char *line, bool vtd)
{
	char *save = NULL;
	int k = 0;

	for (char *w = strtok_r(line, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save), k++) {
		char *s = w + (w[0] == '0' && (w[1] == 'x' || w[1] == 'X') ? 2 : 0);

		if (vtd && k == 2)
			continue;	/* VER */
		if (!*s || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
			return false;
	}
	return true;
}

static void check(const struct tool_out *o, char **argv, int argc)
{
	bool json = argc > 1 && !strcmp(argv[1], "--json"), plain;
	int first = 2 + json;
	char line[2048] = "";

	must(o->status == TOOL_EXIT_OK || o->status == TOOL_EXIT_REJECTED ||
	     o->status == TOOL_EXIT_USAGE, "exit status not 0, 1 or 2", o);
	if (o->status == TOOL_EXIT_REJECTED)
		must(o->errlen > 12 && !strncmp(o->err, "iommu-caps: ", 12) &&
		     o->err[o->errlen - 1] == '\n' && !o->outlen,
		     "a rejection without one clear message", o);
	if (o->status != TOOL_EXIT_OK || (argc > 1 && (!strcmp(argv[1], "-h") ||
						       !strcmp(argv[1], "--help"))))
		return;
	must(!o->errlen, "accepted input, but wrote to stderr", o);
	if (json)
		must(json_lines_valid(o->out, o->outlen) &&
		     memchr(o->out, '\n', o->outlen) == o->out + o->outlen - 1,
		     "--json did not print exactly one JSON object", o);
	/* the tool reads the arguments joined by spaces */
	for (int i = first; i < argc; i++) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof(line) - n, "%s%s", n ? " " : "", argv[i]);
	}
	plain = !strstr(line, "cap") && !strstr(line, "ver") && !strstr(line, "features (");
	if (plain)
		must(plain_words_hex(line, !strcmp(argv[first - 1], "vtd")),
		     "accepted a value that is not all hex digits", o);
}

int caps_tool_fuzz_one(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *copy = malloc(size + 1);
	struct tool_out o;
	int argc = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = 0;
	argv[argc++] = "iommu-caps";
	for (char *p = copy; p <= copy + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	tool_run(iommu_caps_main, argc, argv, &o);
	check(&o, argv, argc);
	tool_out_free(&o);
	free(copy);
	return 0;
}

/* Weak: make check's replay links this target next to others. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
	__attribute__((weak, alias("caps_tool_fuzz_one")));
