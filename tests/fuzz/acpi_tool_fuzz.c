// SPDX-License-Identifier: MIT
/*
 * Fuzz target for iommu-acpi's whole input path, in-process: argument
 * parsing, file reading, acpidump text extraction, the parsers, the report.
 * Input: byte 0 = flags, then (flags >> 1 & 7) NUL-terminated arguments,
 * then the file's bytes (written to a memfd every argument not starting
 * with '-' names; "!" names a missing file; with none, one is appended).
 *   flags bit 0: --json first; bits 4..7: read buffer 16 << n bytes.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tools/tools.h"
#include "tests/fuzz/toolrun.h"

#define MAX_ARGS 12

int acpi_tool_fuzz_one(const uint8_t *data, size_t size);

static void must(bool cond, const char *what, const struct tool_out *o)
{
	tool_must(cond, "acpi_tool_fuzz", what, o);
}

/* The memfd the file arguments name, holding bytes [0, n). */
static const char *file_with(const uint8_t *b, size_t n)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("acpi-tool-fuzz", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || (n && pwrite(fd, b, n, 0) != (ssize_t)n))
		abort();
	return path;
}

/* Text output: does a line say a table was rejected or a file not read? */
static bool text_rejects(const char *out)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);

		if ((n >= 10 && !memcmp(l + n - 10, ": REJECTED", 10)) ||
		    (!memcmp(l, "/", 1) && memmem(l, n, ": error: ", 9)))
			return true;
	}
	return false;
}

/* Check what iommu-acpi promises: its statuses, clean JSON, errors iff not 0. */
static void check(const struct tool_out *o, bool json, bool usage)
{
	must(o->status == TOOL_EXIT_OK || o->status == TOOL_EXIT_REJECTED ||
	     o->status == TOOL_EXIT_USAGE, "exit status not 0, 1 or 2", o);
	if (o->status == TOOL_EXIT_USAGE || usage)
		return;
	must(!o->errlen, "wrote to stderr without a usage error", o);
	if (json) {
		must(json_lines_valid(o->out, o->outlen), "--json printed a line that is not a JSON object", o);
		must((o->status == TOOL_EXIT_OK) == !strstr(o->out, "\"valid\":false"),
		     "exit status and \"valid\" disagree", o);
	} else {
		must((o->status == TOOL_EXIT_OK) == !text_rejects(o->out),
		     "exit status and REJECTED/error lines disagree", o);
	}
}

int acpi_tool_fuzz_one(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], words[MAX_ARGS][64];
	const uint8_t *p = data + 1, *end = data + size;
	int argc = 0, nwords, nfiles = 0;
	bool json, usage = false;
	struct tool_out o;
	const char *path;

	if (!size)
		return 0;
	json = data[0] & 1;
	nwords = (data[0] >> 1) & 7;
	iommu_acpi_read_chunk = (size_t)16 << (data[0] >> 4);
	argv[argc++] = "iommu-acpi";
	if (json)
		argv[argc++] = "--json";
	for (int i = 0; i < nwords && p < end; i++) {
		const uint8_t *z = memchr(p, 0, (size_t)(end - p));
		size_t n = z ? (size_t)(z - p) : (size_t)(end - p);

		snprintf(words[i], sizeof(words[i]), "%.*s", (int)n, (const char *)p);
		p += n + (z != NULL);
		argv[argc++] = words[i];
	}
	path = file_with(p, (size_t)(end - p));
	for (int i = json ? 2 : 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			usage |= !!strcmp(argv[i], "--json");
			json |= !strcmp(argv[i], "--json");
			continue;
		}
		argv[i] = (char *)(strcmp(argv[i], "!") ? path : "/nonexistent/iommu-acpi-fuzz");
		nfiles++;
	}
	if (!nfiles)
		argv[argc++] = (char *)path;
	argv[argc] = NULL;
	tool_run(iommu_acpi_main, argc, argv, &o);
	check(&o, json, usage);
	tool_out_free(&o);
	iommu_acpi_read_chunk = 65536;
	return 0;
}

/* Weak: make check's replay links this target next to others. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
	__attribute__((weak, alias("acpi_tool_fuzz_one")));
