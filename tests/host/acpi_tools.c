// SPDX-License-Identifier: MIT
/*
 * acpi-tools suite (hosted): run the built build/host/iommu-acpi and
 * iommu-caps on the fixtures; their JSON must parse and match the
 * manifests, their exit status must say valid (0) or rejected (1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "iommu/dmar.h"
#include "iommu/ivrs.h"
#include "tools/tools.h"
#include "tests/host/hostutil.h"
#include "tests/host/tblbuild.h"
#include "tests/ktest.h"

#define ACPI_TOOL "build/host/iommu-acpi"
#define CAPS_TOOL "build/host/iommu-caps"
#define CHECKER "/usr/bin/python3 tests/host/check_tool_json.py"
/* Leak checking costs ~90 ms a run; iommu-caps allocates nothing, so it skips it. */
#define NOLEAK "ASAN_OPTIONS=detect_leaks=0 "

/* Write bytes to a new temporary file; its path in path[64]. */
static bool temp_file(char *path, const void *data, size_t len)
{
	int fd;
	bool ok;

	strcpy(path, "/tmp/iommu-acpi-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok;
}

/*
 * Run cmd (from the repository top); exit status, stdout in *out. A
 * sanitizer report (the tools exit TOOL_EXIT_SANITIZER, sanitize.c) fails
 * the test here, whatever status the caller expected.
 */
static int run(const char *cmd, char **out)
{
	int st = host_run(cmd, out);

	if (!*out)
		*out = strdup("");
	if (st == TOOL_EXIT_SANITIZER)
		report(false, "no sanitizer report from: %s", cmd);
	return st;
}

/*
 * Save JSON output and have the Python checker compare it with a table;
 * status is the worst exit status of the tool runs that printed it.
 */
static void checker(const char *kind, const char *table, const char *json, int status,
		    int expect_n)
{
	char path[64], cmd[512], *out, want[32];

	if (!temp_file(path, json, strlen(json))) {
		report(false, "temporary file written");
		return;
	}
	snprintf(cmd, sizeof(cmd), CHECKER " %s %s %s %d", kind, table, path, status);
	run(cmd, &out);
	snprintf(want, sizeof(want), "OK %d\n", expect_n);
	report(!strcmp(out, want), "%s JSON matches %s: %s", kind, table, out);
	free(out);
	unlink(path);
}

KTEST(acpi-tools, test_acpi_tools_iommu_acpi_fixtures)
{
	struct tsv *m = tsv_load(host_path("tests/fixtures/acpi/MANIFEST.tsv"));
	char *cmd = NULL, *out;
	size_t cap = 0;
	FILE *f = open_memstream(&cmd, &cap);
	int st, lines = 0;

	fprintf(f, ACPI_TOOL);
	for (int r = 0; m && r < m->nrows; r++)
		fprintf(f, " tests/fixtures/acpi/%s", tsv_get(m, r, "file"));
	fclose(f);
	st = run(cmd, &out);
	for (char *p = out; (p = strstr(p, ": valid\n")); p++)
		lines++;
	report(st == 0, "every fixture valid: exit status 0 (got %d)", st);
	report(m && lines == m->nrows, "one \"valid\" header line per table (%d)", lines);
	report(strstr(out, "dmar0: registers 0xfed90000 (4 KiB), segment 0") &&
	       strstr(out, "warning: subtable 2 type 0 @0x60: DRHD register base is 0") &&
	       strstr(out, "IVHD 40h used (described by 10h 11h 40h)"),
	       "text output names units, warnings and the IVHD type used");
	free(out);
	free(cmd);
	/* the same with --json, checked field by field against the manifest */
	f = open_memstream(&cmd, &cap);
	fprintf(f, ACPI_TOOL " --json");
	for (int r = 0; m && r < m->nrows; r++)
		fprintf(f, " tests/fixtures/acpi/%s", tsv_get(m, r, "file"));
	fclose(f);
	st = run(cmd, &out);
	report(st == 0, "--json: exit status 0");
	checker("acpi", "tests/fixtures/acpi/MANIFEST.tsv", out, st, m ? m->nrows : 0);
	free(out);
	free(cmd);
	tsv_free(m);
}

KTEST(acpi-tools, test_acpi_tools_iommu_acpi_rejects)
{
	static const char *const cmds[] = {
		ACPI_TOOL " /nonexistent/DMAR",
		ACPI_TOOL " README.md",
		ACPI_TOOL " tests/fixtures/acpi/MANIFEST.tsv",
		ACPI_TOOL " tests/fixtures/acpi/qemu/intel-iommu-default.bin /nonexistent",
	};
	size_t len;
	u8 *b = host_read(host_path("tests/fixtures/acpi/qemu/intel-iommu-default.bin"), &len);
	char path[64], cmd[256], *out;
	int st;

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		st = run(cmds[i], &out);
		report(st == 1 && strstr(out, "error: "), "%s: exit 1 with an error (got %d)", cmds[i], st);
		free(out);
	}
	st = run(ACPI_TOOL " 2>/dev/null", &out);
	report(st == 2, "no file: usage, exit 2 (got %d)", st);
	free(out);
	if (!b || !temp_file(path, b, len - 1)) {
		report(false, "truncated copy written");
		free(b);
		return;
	}
	snprintf(cmd, sizeof(cmd), ACPI_TOOL " --json %s", path);
	st = run(cmd, &out);
	report(st == 1 && strstr(out, "\"valid\":false") && strstr(out, "(truncated table)"),
	       "a truncated DMAR: exit 1, valid false, the error says why");
	free(out);
	unlink(path);
	b[9]++;
	temp_file(path, b, len);
	snprintf(cmd, sizeof(cmd), ACPI_TOOL " %s tests/fixtures/acpi/qemu/amd-iommu-default.bin", path);
	st = run(cmd, &out);
	report(st == 1 && strstr(out, "REJECTED") && strstr(out, "checksum is wrong") &&
	       strstr(out, "IVRS rev 1") && strstr(out, ": valid"),
	       "bad checksum next to a good IVRS: both reported, exit 1");
	free(out);
	unlink(path);
	free(b);
}

/* acpidump's text form: "DMAR @ 0x..." then "  0000: 44 4D ...  DMAR...". */
static void acpidump_block(FILE *f, const char *sig, const u8 *b, size_t len)
{
	fprintf(f, "%s @ 0x00000000bffe0000\n", sig);
	for (size_t off = 0; off < len; off += 16) {
		fprintf(f, "    %04zX:", off);
		for (size_t i = off; i < off + 16; i++)
			i < len ? fprintf(f, " %02X", b[i]) : fprintf(f, "   ");
		fprintf(f, "  ");
		for (size_t i = off; i < off + 16 && i < len; i++)
			fputc(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.', f);
		fputc('\n', f);
	}
	fputc('\n', f);
}

KTEST(acpi-tools, test_acpi_tools_iommu_acpi_reads_acpidump_text)
{
	size_t dl, il;
	u8 *d = host_read(host_path("tests/fixtures/acpi/real/dell-poweredge-r820.dmar.bin"), &dl);
	u8 *i = host_read(host_path("tests/fixtures/acpi/real/lenovo-ideapad-slim3-15abr8.ivrs.bin"), &il);
	u8 facp[64] = "FACP";
	char *text = NULL, path[64], cmd[256], *out;
	size_t tl = 0;
	FILE *f = open_memstream(&text, &tl);
	int st;

	acpidump_block(f, "FACP", facp, sizeof(facp));
	acpidump_block(f, "DMAR", d, dl);
	acpidump_block(f, "IVRS", i, il);
	fclose(f);
	if (!d || !i || !temp_file(path, text, tl)) {
		report(false, "acpidump text written");
	} else {
		snprintf(cmd, sizeof(cmd), ACPI_TOOL " --json %s", path);
		st = run(cmd, &out);
		report(st == 0, "acpidump text with DMAR and IVRS: exit 0 (got %d)", st);
		report(strstr(out, "\"signature\":\"DMAR\"") && strstr(out, "\"signature\":\"IVRS\"") &&
		       !strstr(out, "FACP"), "both tables found, the FACP ignored");
		report(strstr(out, "\"base\":3472883712") && strstr(out, "\"base\":4260364288"),
		       "the units are the binary tables' (0xcf000000, 0xfdf00000)");
		free(out);
		unlink(path);
	}
	free(text);
	free(d);
	free(i);
}

/* Each TSV row as a pasted Linux boot line; the JSON must match the row. */
static void caps_rows(const char *kind, const char *tsvrel)
{
	struct tsv *t = tsv_load(host_path(tsvrel));
	char *all = NULL, cmd[512], *out;
	size_t cap = 0;
	FILE *f = open_memstream(&all, &cap);
	int bad = 0, worst = 0;

	for (int r = 0; t && r < t->nrows; r++) {
		int st;

		const char *efr2 = tsv_get(t, r, "efr2");
		char sep[32] = "";

		if (!strcmp(kind, "vtd")) {
			snprintf(cmd, sizeof(cmd), NOLEAK CAPS_TOOL " --json vtd 'DMAR: %s: reg_base_addr %s ver %s cap %s ecap %s'",
				 tsv_get(t, r, "unit"), tsv_get(t, r, "reg_base"), tsv_get(t, r, "ver"),
				 tsv_get(t, r, "cap"), tsv_get(t, r, "ecap"));
		} else {
			if (strcmp(efr2, "-"))
				snprintf(sep, sizeof(sep), ", %s", efr2);
			snprintf(cmd, sizeof(cmd), NOLEAK CAPS_TOOL " --json amdvi 'AMD-Vi: Extended features (%s%s): %s'",
				 tsv_get(t, r, "efr"), sep, tsv_get(t, r, "linux_flags"));
		}
		st = run(cmd, &out);
		bad += st != 0;
		worst = st == TOOL_EXIT_SANITIZER || worst == TOOL_EXIT_SANITIZER ? TOOL_EXIT_SANITIZER :
			st > worst ? st : worst;
		fputs(out, f);
		free(out);
	}
	fclose(f);
	report(!bad, "%s: every pasted boot line decoded with exit 0 (%d failed)", kind, bad);
	checker(kind, tsvrel, all, worst, t ? t->nrows : 0);
	free(all);
	tsv_free(t);
}

KTEST(acpi-tools, test_acpi_tools_iommu_caps_fixture_rows)
{
	caps_rows("vtd", "tests/fixtures/regs/vtd-caps.tsv");
	caps_rows("amdvi", "tests/fixtures/regs/amdvi-efr.tsv");
}

KTEST(acpi-tools, test_acpi_tools_iommu_caps_inputs_and_exit)
{
	static const struct {
		const char *args;
		int status;
		const char *out;	/* expected in stdout, or NULL */
	} c[] = {
		{ "vtd d2008c40660462 f050da", 0, "SLLPS              37:34  2M,1G" },
		{ "vtd 0xd2008c40660462 0xf050da 1:0", 0, "VER 1:0" },
		{ "vtd 0XD2008C40660462 0Xf050DA", 0, "CAP 0x00d2008c40660462" },
		{ "--json vtd d2008c40660462 f050da", 0, "\"superpages\":[\"2M\",\"1G\"]" },
		{ "--json vtd DMAR: dmar1: reg_base_addr fed91000 ver 1:0 cap d2008c40660462 ecap f050da", 0,
		  "\"reg_base\":4275638272" },
		{ "--json vtd dmar: IOMMU 0: reg_base_addr fed90000 ver 1:0 cap c90780106f0462 ecap f020e2", 0,
		  "\"agaw_levels_supported\":[4]" },
		{ "--json vtd d2008c40660462 f050da", 0, "\"coherent\":false" },
		{ "--json vtd 2d2008c40660462 f050da", 0, "has reserved bits set: 0x200000000000000" },
		{ "--json amdvi 0x206d73ef22254ade", 0, "\"efr2\":null" },
		{ "--json amdvi 'AMD-Vi: Extended features (0xa5bf7320a2294aee, 0x1d): PPR'", 0,
		  "\"efr2_snpavicsup\":0" },
		{ "amdvi 0x206d73ef22254ade 0x0", 0, "Linux prints: PPR X2APIC NX GT IA GA PC GA_vAPIC" },
		{ "vtd zz f050da", 1, NULL },
		{ "vtd d2008c40660462", 1, NULL },
		{ "vtd 11112222333344445 f050da", 1, NULL },
		{ "amdvi 'AMD-Vi: Extended features (0xzz)'", 1, NULL },
		{ "vtd", 2, NULL },
		{ "", 2, NULL },
		{ "arm 1 2", 2, NULL },
	};
	char cmd[512], *out;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		int st;

		snprintf(cmd, sizeof(cmd), NOLEAK CAPS_TOOL " %s 2>/dev/null", c[i].args);
		st = run(cmd, &out);
		report(st == c[i].status && (!c[i].out || strstr(out, c[i].out)),
		       "iommu-caps %s: exit %d%s%s (got %d)", c[i].args, c[i].status,
		       c[i].out ? ", prints " : "", c[i].out ? c[i].out : "", st);
		free(out);
	}
}

/* Issue 10 item 8: a value is all hex digits (0x optional) or the input is rejected. */
KTEST(acpi-tools, test_acpi_tools_iommu_caps_rejects_trailing_garbage)
{
	static const struct {
		const char *args;
		const char *why;	/* expected on stderr */
	} c[] = {
		{ "vtd 'cap 12zz ecap f050da'", "CAP value \"12zz\" is not a hex number" },
		{ "vtd 'cap ecap f'", "CAP value \"ecap\" is not a hex number" },
		{ "vtd 'DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c40660462 ecap f050da,'",
		  "ECAP value \"f050da,\"" },
		{ "vtd 'reg_base_addr fed9000g cap d2008c40660462 ecap f050da'",
		  "reg_base_addr value \"fed9000g\"" },
		{ "vtd 'ver 1:0x cap d2008c40660462 ecap f050da'", "VER value \"1:0x\"" },
		{ "vtd d2008c40660462 f050da 16:0", "VER value \"16:0\"" },
		{ "vtd d2008c40660462 f050da :1", "VER value \":1\"" },
		{ "vtd 12zz f050da", "CAP value \"12zz\"" },
		{ "vtd d2008c40660462 0xf050da0x", "ECAP value \"0xf050da0x\"" },
		{ "vtd d2008c40660462 f050da 1:0 1", "expected CAP ECAP [VER], got 4 values" },
		{ "vtd 'cap 1 ecap 2 cap 3'", "\"cap\" appears twice" },
		{ "vtd 'cap 1 ver 1:0'", "needs both \"cap\" and \"ecap\"" },
		{ "vtd 'ecap 2 cap'", "CAP has no value" },
		{ "vtd 0x 1", "CAP value \"0x\"" },
		{ "amdvi 0x12zz", "EFR value \"0x12zz\"" },
		{ "amdvi 0x1 0x2 0x3", "expected EFR [EFR2], got 3 values" },
		{ "amdvi 11112222333344445", "EFR value \"11112222333344445\"" },
		{ "amdvi 'AMD-Vi: Extended features (0x12zz): PPR'", "EFR value \"0x12zz\"" },
		{ "amdvi 'AMD-Vi: Extended features (0x12, 0x3g)'", "EFR2 value \"0x3g\"" },
		{ "amdvi 'AMD-Vi: Extended features (0x12,)'", "an empty value" },
		{ "amdvi 'AMD-Vi: Extended features (0x12, 0x3'", "no closing parenthesis" },
	};
	char cmd[2048], *out;
	int st;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		snprintf(cmd, sizeof(cmd), NOLEAK CAPS_TOOL " %s 2>&1 >/dev/null", c[i].args);
		st = run(cmd, &out);
		report(st == TOOL_EXIT_REJECTED && strstr(out, c[i].why),
		       "iommu-caps %s: exit 1 saying %s (got %d: %s)", c[i].args, c[i].why, st, out);
		free(out);
	}
	/* longer than the 1023 characters the tool joins: rejected, never cut and decoded */
	snprintf(cmd, sizeof(cmd), NOLEAK CAPS_TOOL " amdvi 0x1%01100d 2>&1 >/dev/null", 0);
	st = run(cmd, &out);
	report(st == TOOL_EXIT_REJECTED && strstr(out, "longer than 1023 characters"),
	       "a 1103-character value: exit 1, too long (got %d)", st);
	free(out);
}

/* The sanitized tools carry exitcode=70 (sanitize.c), so a crash is never "rejected". */
KTEST(acpi-tools, test_acpi_tools_sanitizer_exit_status)
{
	static const char *const tools[] = { ACPI_TOOL, CAPS_TOOL };
	char cmd[256], *out;

	for (size_t i = 0; i < ARRAY_SIZE(tools); i++) {
		snprintf(cmd, sizeof(cmd), "ASAN_OPTIONS=help=1 %s --help 2>&1", tools[i]);
		run(cmd, &out);
		report(strstr(out, "exit status if the tool found an error (Current Value: 70)") != NULL,
		       "%s: a sanitizer report exits %d", tools[i], TOOL_EXIT_SANITIZER);
		free(out);
	}
}

/*
 * Issue 10 item 1: acpidump text whose last line is shorter than " @ 0x",
 * in files just under the 64 KiB and 128 KiB read buffers, was read past
 * its end. The sizes with short last lines, alone and after a DMAR
 * (every buffer boundary and line is replayed in-process by test-tools).
 */
KTEST(acpi-tools, test_acpi_tools_iommu_acpi_short_last_line)
{
	static const size_t sizes[] = { 65533, 65534, 131069, 131070 };
	static const char *const last[] = { "A", "ABC" };
	size_t dl;
	u8 *d = host_read(host_path("tests/fixtures/acpi/qemu/intel-iommu-default.bin"), &dl);

	for (int with_dmar = 0; with_dmar < 2 && d; with_dmar++) {
		int bad = 0, runs = 0;

		for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
			for (size_t li = 0; li < ARRAY_SIZE(last); li++) {
				char *text = NULL, path[64], cmd[128], *out;
				size_t tl = 0, ll = strlen(last[li]);
				FILE *f = open_memstream(&text, &tl);
				bool ok;
				int st;

				if (with_dmar)
					acpidump_block(f, "DMAR", d, dl);
				/* other text up to the size, then the short line without '\n' */
				for (fflush(f); tl + ll < sizes[si]; fflush(f))
					fputs(sizes[si] - tl - ll >= 6 ? "    :\n" : "\n", f);
				fputs(last[li], f);
				fclose(f);
				if (tl != sizes[si] || !temp_file(path, text, tl)) {
					report(false, "%zu-byte file written (%zu)", sizes[si], tl);
					free(text);
					continue;
				}
				snprintf(cmd, sizeof(cmd), ACPI_TOOL " %s", path);
				st = run(cmd, &out);
				ok = with_dmar ? st == 0 && strstr(out, ": valid\n") :
						 st == 1 && strstr(out, "error: no DMAR or IVRS table");
				if (!ok && bad++ < 3)
					report(false, "%zu bytes ending in \"%s\": exit %d, %s", sizes[si],
					       last[li], st, out);
				runs++;
				free(out);
				free(text);
				unlink(path);
			}
		}
		report(!bad && runs == ARRAY_SIZE(sizes) * ARRAY_SIZE(last),
		       "%d files ending in a short line%s: %s, no read past the end",
		       runs, with_dmar ? " after a DMAR" : "",
		       with_dmar ? "the DMAR decoded" : "rejected with a clear error");
	}
	free(d);
}

/* --rules lists every rule of both tables; a finding carries its rule in JSON. */
KTEST(acpi-tools, test_acpi_tools_iommu_acpi_rules)
{
	char *out;
	int st = run(ACPI_TOOL " --rules", &out), lines = 0, missing = 0;

	for (char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	for (int i = 0; i < dmar_nrules + ivrs_nrules; i++) {
		const struct acpirule *r = i < dmar_nrules ? &dmar_rules[i] : &ivrs_rules[i - dmar_nrules];
		char want[64];

		snprintf(want, sizeof(want), "\n%-24s %-7s ", r->id,
			 r->level == ACPITAB_ERR ? "error" : "warning");
		missing += !strstr(out, want);
	}
	report(st == 0 && lines == 1 + dmar_nrules + ivrs_nrules && !missing,
	       "--rules: exit 0, a header and one line per rule (%d lines, %d missing)", lines, missing);
	free(out);
	/* beside files or --json, --rules would ignore them: a usage error instead */
	for (int i = 0; i < 2; i++) {
		const char *args = i ? " --json --rules" : " --rules tests/fixtures/acpi/qemu/intel-iommu-default.bin";
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "%s%s", ACPI_TOOL, args);
		st = run(cmd, &out);
		report(st == TOOL_EXIT_USAGE && !*out, "%s: usage, exit 2, nothing decoded (got %d)",
		       args + 1, st);
		free(out);
	}
	st = run(ACPI_TOOL " --json tests/fixtures/acpi/real/lenovo-thinkpad-e15-gen2.dmar.bin", &out);
	report(st == 0 && strstr(out, "\"rules\":[\"dmar.drhd.base0\"]") &&
	       strstr(out, "(Linux ignores the whole DMAR) [dmar.drhd.base0]\""),
	       "E15's base-0 DRHD: the warning ends with its rule, listed under \"rules\"");
	free(out);
}
