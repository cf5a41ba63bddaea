// SPDX-License-Identifier: MIT
/*
 * vtd-caps and amdvi-caps suites (hosted): every real unit in
 * tests/fixtures/regs/ (vtd-caps.tsv, amdvi-efr.tsv) decoded and checked against every decoded
 * column; field tables, reserved bits and the driver's derived choices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/vtd/vtd_caps.h"
#include "lib/errno.h"
#include "tests/host/hostutil.h"
#include "tests/ktest.h"

/* A field as the fixtures write it: 0/1, a number, or "a,b" / "-" lists. */
static void field_text(const struct regfield *f, u64 v, char *buf, size_t n)
{
	u64 elems[8];
	int k;

	buf[0] = 0;
	switch (f->kind) {
	case RF_LIST:
		k = regfield_list(f, v, elems, 8);
		for (int i = 0; i < k && i < 8; i++) {
			char e[16];

			regfield_list_elem_str(f, elems[i], e, sizeof(e));
			snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? "," : "", e);
		}
		if (!k)
			snprintf(buf, n, "-");
		break;
	case RF_NUM:
		snprintf(buf, n, "%llu", (unsigned long long)regfield_value(f, v));
		break;
	default:
		snprintf(buf, n, "%llu", (unsigned long long)regfield_raw(f, v));
	}
}

/* "0x200" and "512" are the same number; lists compare as text. */
static bool same(const char *want, const char *got)
{
	char *e1, *e2;
	unsigned long long a = strtoull(want, &e1, 0), b = strtoull(got, &e2, 0);

	if (*want && !*e1 && *got && !*e2)
		return a == b;
	return !strcmp(want, got);
}

/*
 * Check every column after the raw ones against the field with that key in
 * regs[] (present[i] false: the register was not given, the cell must be "-").
 */
static void check_columns(const struct tsv *t, int r, const char *const *raw, int nraw,
			  const struct regfield_reg *const *regs, const u64 *vals,
			  const bool *present, int nregs)
{
	for (int c = 0; c < t->ncols; c++) {
		const char *col = t->hdr[c], *want = t->rows[r][c];
		const struct regfield *f = NULL;
		char got[64];
		int k = 0;
		bool is_raw = false;

		for (int i = 0; i < nraw; i++)
			is_raw |= !strcmp(col, raw[i]);
		if (is_raw)
			continue;
		for (; k < nregs && !f; k++)
			f = regfield_find(regs[k], col);
		if (!f) {
			report(false, "column %s has a field row", col);
			continue;
		}
		if (!present[k - 1])
			snprintf(got, sizeof(got), "-");
		else
			field_text(f, vals[k - 1], got, sizeof(got));
		report(same(want, got), "%s (%s bits %u:%u): fixture %s, decoded %s",
		       col, f->name, f->hi, f->lo, want, got);
	}
}

KTEST(vtd-caps, test_vtd_caps_every_fixture_row_every_column)
{
	static const char *const raw[] = { "machine", "cpu", "unit", "reg_base", "ver",
					   "cap", "ecap", "source" };
	const struct regfield_reg *regs[] = { &vtd_cap_reg, &vtd_ecap_reg };
	struct tsv *t = tsv_load(host_path("tests/fixtures/regs/vtd-caps.tsv"));

	report(t && t->nrows > 0, "vtd-caps.tsv read (%d rows)", t ? t->nrows : 0);
	for (int r = 0; t && r < t->nrows; r++) {
		u64 v[2] = { strtoull(tsv_get(t, r, "cap"), NULL, 16),
			     strtoull(tsv_get(t, r, "ecap"), NULL, 16) };
		bool present[2] = { true, true };
		struct regfield_warnings w = { 0 };
		unsigned int maj, min;
		char label[96];

		snprintf(label, sizeof(label), "row %d %s %s", r + 2, tsv_get(t, r, "unit"),
			 tsv_get(t, r, "reg_base"));
		report_prefix_push(label);
		check_columns(t, r, raw, ARRAY_SIZE(raw), regs, v, present, 2);
		report(sscanf(tsv_get(t, r, "ver"), "%u:%u", &maj, &min) == 2 &&
		       vtd_ver_major(maj << 4 | min) == maj && vtd_ver_minor(maj << 4 | min) == min,
		       "VER %s decodes to its major and minor", tsv_get(t, r, "ver"));
		vtd_caps_check(v[0], v[1], maj << 4 | min, &w);
		report(w.n == 0, "a real unit gives no warning (%d: %s)", w.n, w.n ? w.msg[0] : "-");
		report_prefix_pop();
	}
	tsv_free(t);
}

KTEST(amdvi-caps, test_amdvi_caps_every_fixture_row_every_column)
{
	static const char *const raw[] = { "machine", "cpu", "efr", "efr2", "linux_flags",
					   "source", "linux_words_recomputed",
					   "linux_words_match" };
	const struct regfield_reg *regs[] = { &amdvi_efr_reg, &amdvi_efr2_reg };
	struct tsv *t = tsv_load(host_path("tests/fixtures/regs/amdvi-efr.tsv"));

	report(t && t->nrows > 0, "amdvi-efr.tsv read (%d rows)", t ? t->nrows : 0);
	for (int r = 0; t && r < t->nrows; r++) {
		const char *efr2 = tsv_get(t, r, "efr2"), *flags = tsv_get(t, r, "linux_flags");
		const char *match = tsv_get(t, r, "linux_words_match");
		u64 v[2] = { strtoull(tsv_get(t, r, "efr"), NULL, 16), strtoull(efr2, NULL, 16) };
		bool present[2] = { true, strcmp(efr2, "-") != 0 };
		struct regfield_warnings w = { 0 };
		char words[128], label[64];

		snprintf(label, sizeof(label), "row %d efr %s", r + 2, tsv_get(t, r, "efr"));
		report_prefix_push(label);
		check_columns(t, r, raw, ARRAY_SIZE(raw), regs, v, present, 2);
		amdvi_efr_linux_words(v[0], words, sizeof(words));
		report(!strcmp(words, tsv_get(t, r, "linux_words_recomputed")),
		       "linux_words_recomputed: fixture \"%s\", ours \"%s\"",
		       tsv_get(t, r, "linux_words_recomputed"), words);
		report(!strcmp(match, "yes") ? !strcmp(words, flags) :
		       !strcmp(match, "n/a") && !strcmp(flags, "-"),
		       "linux_words_match %s: Linux printed \"%s\"", match, flags);
		amdvi_caps_check(v[0], v[1], &w);
		report(w.n == 0, "a real unit gives no warning (%d: %s)", w.n, w.n ? w.msg[0] : "-");
		report_prefix_pop();
	}
	tsv_free(t);
}

/* Rows in bit order cover every bit once (aliases aside), so no bit is silently dropped. */
KTEST(vtd-caps, test_vtd_caps_tables_cover_every_bit)
{
	report(regfield_check_table(&vtd_cap_reg, 64) == 0, "CAP rows cover bits 0-63 once");
	report(regfield_check_table(&vtd_ecap_reg, 64) == 0, "ECAP rows cover bits 0-63 once");
	report(regfield_check_table(&vtd_ver_reg, 32) == 0, "VER rows cover bits 0-31 once");
	for (int i = 0; i < VTD_CAP_NFIELDS; i++)
		report(vtd_cap_fields[i].name != NULL, "CAP row %d is filled", i);
	for (int i = 0; i < VTD_ECAP_NFIELDS; i++)
		report(vtd_ecap_fields[i].name != NULL, "ECAP row %d is filled", i);
}

KTEST(amdvi-caps, test_amdvi_caps_tables_cover_every_bit)
{
	report(regfield_check_table(&amdvi_efr_reg, 64) == 0, "EFR rows cover bits 0-63 once");
	report(regfield_check_table(&amdvi_efr2_reg, 64) == 0, "EFR2 rows cover bits 0-63 once");
	for (int i = 0; i < AMDVI_EFR_NFIELDS; i++)
		report(amdvi_efr_fields[i].name != NULL, "EFR row %d is filled", i);
}

/* A value with reserved bits set still decodes, with a warning naming the bits. */
KTEST(vtd-caps, test_vtd_caps_reserved_bits_warn_and_decode)
{
	u64 cap = 0xd2008c40660462ULL, ecap = 0xf050daULL;
	u64 bad_cap = cap | (1ULL << 38) | (1ULL << 13), bad_ecap = ecap | (1ULL << 50);
	struct regfield_warnings w = { 0 };

	vtd_caps_check(bad_cap, bad_ecap, 0x10, &w);
	report(w.n == 2, "two warnings (CAP and ECAP), got %d", w.n);
	report(w.n > 0 && strstr(w.msg[0], "CAP 0xd200cc40662462 has reserved bits set: 0x4000002000"),
	       "CAP warning names the reserved bits: %s", w.n > 0 ? w.msg[0] : "-");
	report(w.n > 1 && strstr(w.msg[1], "reserved bits set: 0x4000000000000"),
	       "ECAP warning names bit 50: %s", w.n > 1 ? w.msg[1] : "-");
	for (int i = 0; i < VTD_CAP_NFIELDS; i++)
		if (vtd_cap_fields[i].kind != RF_RESERVED)
			report(vtd_cap(cap, i) == vtd_cap(bad_cap, i), "%s decodes as without the bits",
			       vtd_cap_fields[i].name);
	w.n = 0;
	vtd_caps_check(cap & ~0x1f00ULL, (ecap & ~0xaULL) | 0x8, 0, &w);
	report(w.n == 2 && strstr(w.msg[0], "no 3-, 4- or 5-level") && strstr(w.msg[1], "IR without QI"),
	       "SAGAW 0 and IR without QI are reported (%d warnings)", w.n);
}

KTEST(amdvi-caps, test_amdvi_caps_reserved_bits_warn_and_decode)
{
	u64 efr = 0x206d73ef22254adeULL;
	struct regfield_warnings w = { 0 };

	amdvi_caps_check(efr | (1ULL << 30) | (3ULL << 26), 1ULL << 12, &w);
	report(w.n == 2 && strstr(w.msg[0], "EFR 0x206d73ef6e254ade has reserved bits set: 0x4c000000"),
	       "EFR warning names bits 26, 27, 30: %s", w.n ? w.msg[0] : "-");
	report(w.n == 2 && strstr(w.msg[1], "EFR2 0x1000 has reserved bits set: 0x1000"),
	       "EFR2 warning names bit 12: %s", w.n > 1 ? w.msg[1] : "-");
	report(amdvi_efr_ia(efr | (1ULL << 30)) && amdvi_efr_max_levels(efr | (1ULL << 30)) == 6,
	       "features still decode: IA, 6 levels (HATS 2)");
	w.n = 0;
	amdvi_caps_check(efr | (3ULL << 10) | (2ULL << 12), 0, &w);
	report(w.n == 1 && strstr(w.msg[0], "HATS 3"), "HATS 3 is reported as reserved");
	report(amdvi_efr_max_levels(0) == 4 && amdvi_efr_max_levels(1ULL << 10) == 5,
	       "HATS 0 -> 4 levels, 1 -> 5 levels");
	report(amdvi_efr_pasid_bits(efr) == 16, "PASmax 15 -> 16-bit PASIDs");
}

/* Bug class 38: the depth comes from SAGAW and the wanted width. */
KTEST(vtd-caps, test_vtd_caps_pick_levels_from_sagaw)
{
	static const struct {
		u64 sagaw;
		unsigned int width;
		int levels;
	} cases[] = {
		{ 0x2, 39, 3 },		/* QEMU aw-bits=39 */
		{ 0x6, 48, 4 },		/* QEMU aw-bits=48 */
		{ 0x6, 39, 3 },
		{ 0x4, 39, 4 },		/* client units: 4-level only, MGAW 39 */
		{ 0xc, 57, 5 },		/* Granite Rapids */
		{ 0xc, 48, 4 },
		{ 0x2, 48, 3 },		/* nothing covers 48: the largest there is */
		{ 0x8, 39, 5 },
		{ 0x0, 48, -EINVAL },
		{ 0x11, 48, -EINVAL },	/* only the reserved 2-/6-level bits */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 cap = cases[i].sagaw << 8;

		report(vtd_cap_pick_levels(cap, cases[i].width) == cases[i].levels,
		       "SAGAW 0x%llx width %u -> %d levels (got %d)",
		       (unsigned long long)cases[i].sagaw, cases[i].width, cases[i].levels,
		       vtd_cap_pick_levels(cap, cases[i].width));
	}
	report(vtd_cap_levels(0x6ULL << 8) == ((1u << 3) | (1u << 4)), "SAGAW 0x6 -> levels {3,4}");
	report(vtd_levels_to_width(3) == 39 && vtd_levels_to_width(5) == 57, "3 -> 39 bits, 5 -> 57");
}

KTEST(vtd-caps, test_vtd_caps_derived_values)
{
	u64 skl = 0xd2008c40660462ULL;		/* Skylake-class non-graphics unit */
	u64 snb = 0xc0000020e60262ULL;		/* Ivy Bridge graphics: no superpages */
	char s[512];

	report(vtd_cap_pgsize_bitmap(skl) == ((1ULL << 12) | (1ULL << 21) | (1ULL << 30)),
	       "SLLPS 3 -> 4K|2M|1G");
	report(vtd_cap_pgsize_bitmap(snb) == (1ULL << 12), "SLLPS 0 -> 4K only");
	report(vtd_cap_ndoms(skl) == 256 && vtd_cap_mgaw(skl) == 39 && vtd_cap_nfr(skl) == 1 &&
	       vtd_cap_fro(skl) == 0x400 && vtd_cap_mamv(skl) == 18 && vtd_cap_psi(skl) &&
	       !vtd_cap_cm(skl) && !vtd_cap_rwbf(skl), "ND/MGAW/NFR/FRO/MAMV/PSI/CM/RWBF of 0xd2008c40660462");
	report(vtd_ecap_iro(0xf050da) == 0x500 && vtd_ecap_qi(0xf050da) && vtd_ecap_ir(0xf050da) &&
	       !vtd_ecap_coherent(0xf050da) && vtd_ecap_pt(0xf050da) && vtd_ecap_sc(0xf050da),
	       "IRO/QI/IR/C/PT/SC of ecap 0xf050da");
	vtd_cap_summary(skl, s, sizeof(s));
	report(strstr(s, "ND=256") && strstr(s, "SAGAW=4") && strstr(s, "SLLPS=2M,1G") &&
	       strstr(s, "FRO=0x400") && strstr(s, " PSI") && !strstr(s, " CM"),
	       "summary line: %s", s);
}
