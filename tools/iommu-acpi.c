// SPDX-License-Identifier: MIT
/*
 * iommu-acpi [--json] FILE... | --rules: decode DMAR and IVRS tables dumped from any
 * machine (binary tables, or acpidump's text output) with the kernel's own
 * parsers. Exit 0 when every table is valid, 1 when any was rejected.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tools/acpi_report.h"
#include "tools/tools.h"

#define MAX_FILE (16u << 20)
#define MAX_TABLES 16
#define MAX_TABLE (1u << 20)	/* bytes kept of one table in acpidump text */
#define LINE_MAX_KEPT 256	/* acpidump lines are 76 characters */

size_t iommu_acpi_read_chunk = 65536;

struct found {
	char sig[5];
	unsigned char *bytes;
	size_t len, cap;	/* cap grows up to MAX_TABLE */
};

/* Read a whole file (at most MAX_FILE bytes); NULL with errno set. */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : (iommu_acpi_read_chunk ? iommu_acpi_read_chunk : 1);
			nb = cap > 2 * (size_t)MAX_FILE ? NULL : realloc(buf, cap);
			if (!nb) {
				errno = cap > 2 * (size_t)MAX_FILE ? EFBIG : ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n && *len <= MAX_FILE);
	if (ferror(f) || *len > MAX_FILE) {
		errno = ferror(f) ? (errno ? errno : EIO) : EFBIG;
		goto fail;
	}
	fclose(f);
	return buf ? buf : malloc(1);
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/*
 * Copy the line at text[*pos] (up to '\n' or len, without "\r\n") into
 * line[LINE_MAX_KEPT] as a C string, cut if longer; *pos moves past it.
 * All text parsing below reads only this copy, never the file buffer.
 */
static void next_line(const unsigned char *text, size_t len, size_t *pos, char *line)
{
	const unsigned char *s = text + *pos;
	const unsigned char *nl = memchr(s, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - s) : len - *pos;

	*pos += n + (nl != NULL);
	if (n && s[n - 1] == '\r')
		n--;
	if (n >= LINE_MAX_KEPT)
		n = LINE_MAX_KEPT - 1;
	memcpy(line, s, n);
	line[n] = 0;
}

/* Room for more bytes of a table; false at MAX_TABLE or without memory. */
static bool grow(struct found *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4096;
	unsigned char *nb = cap > MAX_TABLE ? NULL : realloc(t->bytes, cap);

	if (!nb)
		return false;
	t->bytes = nb;
	t->cap = cap;
	return true;
}

/*
 * Parse one acpidump data line "  0010: 01 02 ...  ascii" whose offset must
 * be where the table has got to; bytes appended to t. Returns how many, or
 * -1 when the line is not the table's next data line.
 */
static int hex_line(const char *s, struct found *t)
{
	unsigned long off;
	char *end;
	int n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isxdigit((unsigned char)*s))
		return -1;
	off = strtoul(s, &end, 16);
	if (*end != ':' || off != t->len)
		return -1;
	s = end + 1;
	/* bytes are " HH"; the ASCII column starts after two spaces */
	while (s[0] == ' ' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]) &&
	       (s[3] == ' ' || s[3] == 0) && n < 16) {
		char hex[3] = { s[1], s[2], 0 };

		if (t->len == t->cap && !grow(t))
			return -1;
		t->bytes[t->len++] = (unsigned char)strtoul(hex, NULL, 16);
		s += 3;
		n++;
	}
	return n;
}

/* "DMAR @ 0x..." (any signature): the line that starts a table in acpidump text. */
static bool table_start(const char *p)
{
	return strnlen(p, 9) == 9 && isalnum((unsigned char)p[0]) && !strncmp(p + 4, " @ 0x", 5);
}

/*
 * Find the DMAR and IVRS tables in acpidump text ("DMAR @ 0x..." then hex
 * lines) held in text[0, len). Returns how many were found (each malloc'ed),
 * at most max.
 */
static int acpidump_extract(const unsigned char *text, size_t len, struct found *out, int max)
{
	struct found *cur = NULL;
	char line[LINE_MAX_KEPT];
	size_t pos = 0;
	int n = 0;

	while (pos < len) {
		const char *p = line;

		next_line(text, len, &pos, line);
		while (*p == ' ' || *p == '\t')
			p++;
		if (table_start(p)) {
			cur = NULL;
			if ((!strncmp(p, "DMAR", 4) || !strncmp(p, "IVRS", 4)) && n < max) {
				cur = &out[n++];
				*cur = (struct found){ .bytes = NULL };
				memcpy(cur->sig, p, 4);
			}
			continue;
		}
		if (cur && hex_line(line, cur) < 0 && *p)
			cur = NULL;	/* some other text: the table has ended */
	}
	return n;
}

/* Report a file that holds no table we know. */
static void report_not_table(const struct report_opts *o, const char *path,
			     const char *sig, const char *why)
{
	if (o->json) {
		struct jo j;

		jo_init(&j, stdout);
		jo_obj(&j);
		jo_kstr(&j, "file", path);
		if (sig)
			jo_kstr(&j, "signature", sig);
		else {
			jo_key(&j, "signature");
			jo_null(&j);
		}
		jo_kbool(&j, "valid", false);
		jo_key(&j, "errors");
		jo_arr(&j);
		jo_str(&j, why);
		jo_arr_end(&j);
		jo_obj_end(&j);
	} else {
		printf("%s: error: %s\n", path, why);
	}
}

/* Decode every table in one file; returns true when all were valid. */
static bool do_file(const struct report_opts *o, const char *path)
{
	struct found tabs[MAX_TABLES];
	unsigned char *buf;
	size_t len;
	bool ok = true;
	int n;

	buf = read_file(path, &len);
	if (!buf) {
		char why[256];

		snprintf(why, sizeof(why), "cannot read: %s", strerror(errno));
		report_not_table(o, path, NULL, why);
		return false;
	}
	/* a binary table, unless it is "acpidump -n DMAR" text starting "DMAR @ 0x" */
	if (len >= 4 && (!memcmp(buf, "DMAR", 4) || !memcmp(buf, "IVRS", 4)) &&
	    (len < 9 || memcmp(buf + 4, " @ 0x", 5))) {
		ok = report_table(o, path, buf, len);
		free(buf);
		return ok;
	}
	n = acpidump_extract(buf, len, tabs, MAX_TABLES);
	if (!n) {
		char sig[5] = { 0 }, why[160];
		bool is_sig = len >= 36;

		for (int i = 0; i < 4 && is_sig; i++)
			is_sig = isupper(buf[i]) || isdigit(buf[i]);
		memcpy(sig, buf, is_sig ? 4 : 0);
		snprintf(why, sizeof(why), is_sig ?
			 "signature \"%s\" is not DMAR or IVRS" :
			 "no DMAR or IVRS table: neither a binary table nor acpidump output%s", sig);
		report_not_table(o, path, is_sig ? sig : NULL, why);
		free(buf);
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (tabs[i].len < 4 || memcmp(tabs[i].bytes, tabs[i].sig, 4)) {
			report_not_table(o, path, tabs[i].sig,
					 "acpidump block's data does not start with its signature");
			ok = false;
		} else {
			ok &= report_table(o, path, tabs[i].bytes, tabs[i].len);
		}
		free(tabs[i].bytes);
	}
	free(buf);
	return ok;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iommu-acpi [--json] FILE...   or   iommu-acpi --rules\n"
		"Decode ACPI DMAR (Intel VT-d) and IVRS (AMD-Vi) tables: binary tables\n"
		"(/sys/firmware/acpi/tables/DMAR, acpidump -b) or acpidump text output.\n"
		"--json prints one JSON object per table, one per line. Each error and\n"
		"warning ends with the [rule] that found it; --rules lists them all.\n"
		"Exit status: 0 every table valid, 1 some table rejected or unreadable, 2 usage.\n");
}

int iommu_acpi_main(int argc, char **argv)
{
	struct report_opts o = { 0 };
	bool ok = true;
	int nfiles = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			o.json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return TOOL_EXIT_OK;
		} else if (!strcmp(argv[i], "--rules") && argc == 2) {
			report_rules();
			return TOOL_EXIT_OK;
		} else if (!strcmp(argv[i], "--rules")) {
			/* files or --json beside it would be ignored: say so */
			fprintf(stderr, "iommu-acpi: --rules takes no other argument\n");
			usage(stderr);
			return TOOL_EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "iommu-acpi: unknown option %s\n", argv[i]);
			usage(stderr);
			return TOOL_EXIT_USAGE;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			continue;
		nfiles++;
		ok &= do_file(&o, argv[i]);
	}
	if (!nfiles) {
		usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	fflush(stdout);
	return ok ? TOOL_EXIT_OK : TOOL_EXIT_REJECTED;
}

/* Weak: the fuzz target and the replay test link this file with their own main. */
__attribute__((weak)) int main(int argc, char **argv)
{
	return iommu_acpi_main(argc, argv);
}
