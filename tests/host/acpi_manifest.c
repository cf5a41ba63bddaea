// SPDX-License-Identifier: MIT
/*
 * acpi suite (hosted): every DMAR/IVRS in tests/fixtures/acpi/ is parsed and
 * checked against every column of its MANIFEST.tsv row, read at run time,
 * so a new row or fixture is tested without touching this file.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/dmar.h"
#include "iommu/ivrs.h"
#include "tests/host/hostutil.h"
#include "tests/ktest.h"

#define FIXDIR "tests/fixtures/acpi/"

static struct dmar_table dmar;
static struct ivrs_table ivrs;

/* What one manifest row is checked against. */
struct row {
	const struct tsv *m;
	int r;
	bool is_dmar;
	const struct acpitab_hdr *hdr;
	const struct acpitab_log *log;
	size_t file_len;
};

static const char *cell(const struct row *w, const char *col)
{
	return tsv_get(w->m, w->r, col);
}

static void expect_num(const struct row *w, const char *col, unsigned long long got)
{
	const char *c = cell(w, col);
	char *end;
	unsigned long long want = strtoull(c, &end, 0);

	report(*c && !*end && want == got, "%s: manifest %s, parsed %llu (0x%llx)",
	       col, c, got, got);
}

static void expect_str(const struct row *w, const char *col, const char *got)
{
	report(!strcmp(cell(w, col), got), "%s: manifest \"%s\", parsed \"%s\"",
	       col, cell(w, col), got);
}

/* Append sep (unless first) and a formatted item to a string buffer. */
static void cat(char *buf, size_t n, const char *sep, const char *fmt, ...)
	__printf(4, 5);

static void cat(char *buf, size_t n, const char *sep, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;

	snprintf(buf + l, n - l, "%s", l ? sep : "");
	l = strlen(buf);
	va_start(ap, fmt);
	vsnprintf(buf + l, n - l, fmt, ap);
	va_end(ap);
}

/* DMAR-only columns. */
static void check_dmar_cols(const struct row *w)
{
	static const char *const type_cols[] = {
		"n_drhd", "n_rmrr", "n_atsr", "n_rhsa", "n_andd", "n_satc",
	};
	char bases[512] = "";
	int incl = 0;

	expect_num(w, "host_address_width", dmar.haw);
	expect_num(w, "flags", dmar.flags);
	for (int t = 0; t < 6; t++)
		expect_num(w, type_cols[t], dmar.count[t]);
	for (int i = 0; i < dmar.nunits; i++) {
		cat(bases, sizeof(bases), ",", "0x%llx", (unsigned long long)dmar.units[i].base);
		incl += dmar.units[i].include_all;
	}
	expect_str(w, "drhd_base_addresses", bases);
	expect_num(w, "include_pci_all", (unsigned long long)incl);
	expect_num(w, "n_device_scope_entries", dmar.nscope_entries);
}

/* IVRS-only columns. */
static void check_ivrs_cols(const struct row *w)
{
	static const unsigned int types[] = { 0x10, 0x11, 0x40 };
	char counts[128] = "", bases[1024] = "";

	expect_num(w, "iv_info", ivrs.ivinfo);
	for (int s = 0; s < 3; s++)
		if (ivrs.nivhd[s])
			cat(counts, sizeof(counts), ";", "0x%x:%u", types[s], ivrs.nivhd[s]);
	expect_str(w, "n_ivhd", counts);
	expect_num(w, "n_ivmd", ivrs.nivmd_found);
	for (int i = 0; i < ivrs.nivhds; i++)
		cat(bases, sizeof(bases), ",", "0x%llx", (unsigned long long)ivrs.ivhds[i].base);
	expect_str(w, "ivhd_base_addresses", bases);
	expect_num(w, "n_device_entries", ivrs.ndev_entries);
}

/* One "key=value" note; returns false when the key is not known here. */
static bool check_note(const struct row *w, const char *key, const char *val)
{
	char got[256] = "";
	unsigned long long n = strtoull(val, NULL, 0);

	if (!strcmp(key, "rev")) {
		report(n == w->hdr->revision, "note rev=%s, parsed %u", val, w->hdr->revision);
	} else if (!strcmp(key, "oem")) {
		report(!strcmp(val, w->hdr->oem_id), "note oem=%s, parsed \"%s\"", val, w->hdr->oem_id);
	} else if (!strcmp(key, "n_sidp(type6)") && w->is_dmar) {
		report(n == dmar.count[DMAR_TYPE_SIDP], "note %s=%s, parsed %u", key, val,
		       dmar.count[DMAR_TYPE_SIDP]);
	} else if (!strcmp(key, "scope_types") && w->is_dmar) {
		for (int ty = 0; ty < DMAR_SCOPE_NTYPES; ty++)
			if (dmar.scope_count[ty])
				cat(got, sizeof(got), "/", "%d:%u", ty, dmar.scope_count[ty]);
		report(!strcmp(got, val), "note scope_types=%s, parsed %s", val, got);
	} else if (!strcmp(key, "n_special(0x48)") && !w->is_dmar) {
		report(n == ivrs.entry_count[0x48], "note %s=%s, parsed %u", key, val,
		       ivrs.entry_count[0x48]);
	} else if (!strcmp(key, "n_acpihid(0xF0)") && !w->is_dmar) {
		report(n == ivrs.entry_count[0xf0], "note %s=%s, parsed %u", key, val,
		       ivrs.entry_count[0xf0]);
	} else if (!strcmp(key, "unknown_types")) {
		unsigned int nunk = w->is_dmar ? dmar.nunknown : ivrs.nunknown;
		char want[32];

		snprintf(want, sizeof(want), "type 0x%02llx", n);
		report(nunk == 1 && acpitab_log_has(w->log, ACPITAB_WARN, want),
		       "note unknown_types=%s: %u unknown subtable skipped with a warning naming it",
		       val, nunk);
	} else {
		return false;
	}
	return true;
}

/* The notes column: "k=v; k=v; WARN: text; WARN: text". */
static void check_notes(const struct row *w)
{
	char *notes = strdup(cell(w, "notes")), *warn = strstr(notes, "WARN: ");
	char *kv = notes;
	int nwarn = 0;

	if (warn == notes)
		kv = notes + strlen(notes);
	else if (warn)
		warn[-2] = 0;	/* "...; WARN: " ends the key=value part */
	for (char *save = NULL, *it = strtok_r(kv, ";", &save); it; it = strtok_r(NULL, ";", &save)) {
		char *eq;

		while (*it == ' ')
			it++;
		eq = strchr(it, '=');
		if (!*it)
			continue;
		if (!eq)
			report(false, "note \"%s\" is not key=value", it);
		else if (*eq = 0, !check_note(w, it, eq + 1))
			report(false, "note key \"%s\" has no check in this test", it);
	}
	for (char *p = warn; p; nwarn++) {
		char *next = strstr(p + 6, "; WARN: ");

		if (next)
			*next = 0;
		report(acpitab_log_has(w->log, ACPITAB_WARN, p + 6),
		       "the parser warns \"%s\"", p + 6);
		p = next ? next + 2 : NULL;
	}
	report(w->log->nwarn == (unsigned int)nwarn, "%u warnings, as many as the manifest's WARN notes (%d)",
	       w->log->nwarn, nwarn);
	free(notes);
}

/* Every column, including those that must be "-" for the other table kind. */
static void check_row(const struct row *w)
{
	static const char *const dmar_only[] = {
		"host_address_width", "flags", "n_drhd", "n_rmrr", "n_atsr", "n_rhsa", "n_andd",
		"n_satc", "drhd_base_addresses", "include_pci_all", "n_device_scope_entries",
	};
	static const char *const ivrs_only[] = {
		"iv_info", "n_ivhd", "n_ivmd", "ivhd_base_addresses", "n_device_entries",
	};
	static const char *const common[] = {
		"file", "table", "source", "length", "checksum_ok", "notes",
	};
	const char *const *other = w->is_dmar ? ivrs_only : dmar_only;
	int nother = w->is_dmar ? ARRAY_SIZE(ivrs_only) : ARRAY_SIZE(dmar_only);

	expect_str(w, "table", w->hdr->sig);
	report(cell(w, "source")[0] != 0, "source names where the table came from");
	expect_num(w, "length", w->hdr->length);
	report(w->hdr->length == w->file_len, "length field %u == file size %zu",
	       w->hdr->length, w->file_len);
	expect_str(w, "checksum_ok", w->hdr->checksum_ok ? "y" : "n");
	(w->is_dmar ? check_dmar_cols : check_ivrs_cols)(w);
	for (int i = 0; i < nother; i++)
		expect_str(w, other[i], "-");
	check_notes(w);
	/* a column nobody checks is a test bug: the manifest grew */
	for (int c = 0; c < w->m->ncols; c++) {
		const char *name = w->m->hdr[c];
		bool known = false;

		for (size_t i = 0; i < ARRAY_SIZE(dmar_only); i++)
			known |= !strcmp(name, dmar_only[i]);
		for (size_t i = 0; i < ARRAY_SIZE(ivrs_only); i++)
			known |= !strcmp(name, ivrs_only[i]);
		for (size_t i = 0; i < ARRAY_SIZE(common); i++)
			known |= !strcmp(name, common[i]);
		report(known, "manifest column %s is checked", name);
	}
}

KTEST(acpi, test_acpi_manifest_every_row_every_column)
{
	struct tsv *m = tsv_load(host_path(FIXDIR "MANIFEST.tsv"));
	char rel[512];

	report(m && m->nrows > 0, "MANIFEST.tsv read (%d rows)", m ? m->nrows : 0);
	for (int r = 0; m && r < m->nrows; r++) {
		struct row w = { .m = m, .r = r };
		unsigned char *buf;
		int ret;

		snprintf(rel, sizeof(rel), FIXDIR "%s", tsv_get(m, r, "file"));
		report_prefix_push(tsv_get(m, r, "file"));
		buf = host_read(host_path(rel), &w.file_len);
		report(buf != NULL, "fixture file is readable");
		if (buf) {
			w.is_dmar = !strcmp(tsv_get(m, r, "table"), "DMAR");
			ret = w.is_dmar ? dmar_parse(buf, w.file_len, &dmar) :
					  ivrs_parse(buf, w.file_len, &ivrs);
			w.hdr = w.is_dmar ? &dmar.hdr : &ivrs.hdr;
			w.log = w.is_dmar ? &dmar.log : &ivrs.log;
			report(ret == 0 && w.log->nerr == 0, "a real table is accepted (%d errors: %s)",
			       w.log->nerr, w.log->nerr ? acpitab_msg_at(w.log, ACPITAB_ERR, 0) : "-");
			check_row(&w);
		}
		free(buf);
		report_prefix_pop();
	}
	tsv_free(m);
}

/* Every .bin under real/ and qemu/ has a manifest row (so none goes untested). */
KTEST(acpi, test_acpi_manifest_lists_every_fixture)
{
	static const char *const dirs[] = { "real", "qemu" };
	struct tsv *m = tsv_load(host_path(FIXDIR "MANIFEST.tsv"));
	int files = 0;

	for (size_t d = 0; m && d < ARRAY_SIZE(dirs); d++) {
		char rel[64], name[600];
		struct dirent *e;
		DIR *dir;

		snprintf(rel, sizeof(rel), FIXDIR "%s", dirs[d]);
		dir = opendir(host_path(rel));
		report(dir != NULL, "%s/ is readable", rel);
		while (dir && (e = readdir(dir))) {
			bool listed = false;

			if (!strstr(e->d_name, ".bin"))
				continue;
			files++;
			snprintf(name, sizeof(name), "%s/%s", dirs[d], e->d_name);
			for (int r = 0; r < m->nrows; r++)
				listed |= !strcmp(tsv_get(m, r, "file"), name);
			report(listed, "%s has a manifest row", name);
		}
		if (dir)
			closedir(dir);
	}
	report(m && files == m->nrows, "%d fixture files, %d manifest rows", files, m ? m->nrows : 0);
	tsv_free(m);
}
