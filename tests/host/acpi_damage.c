// SPDX-License-Identifier: MIT
/*
 * acpi suite (hosted): every fixture DMAR and IVRS damaged every way a dump
 * can be (cut, length fields wrong, checksum, subtable lengths, random bytes)
 * is rejected with a clear error, never read out of bounds (ASan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/dmar.h"
#include "iommu/ivrs.h"
#include "tests/host/hostutil.h"
#include "tests/host/tblbuild.h"
#include "tests/ktest.h"

static struct dmar_table dmar;
static struct ivrs_table ivrs;

/* The two parsers behind one face. */
struct kind {
	const char *sig;
	u32 hdr_len;
	int (*parse)(const void *buf, size_t len);	/* 0 = valid */
	const struct acpitab_log *log;
	bool (*is_unit)(const u8 *sub);		/* a DRHD / an IVHD */
	bool (*sane)(void);			/* the result's own invariants hold */
};

static int parse_dmar(const void *buf, size_t len) { return dmar_parse(buf, len, &dmar); }
static int parse_ivrs(const void *buf, size_t len) { return ivrs_parse(buf, len, &ivrs); }
static bool dmar_unit(const u8 *s) { return s[0] == 0 && s[1] == 0; }
static bool ivrs_unit(const u8 *s) { return s[0] == 0x10 || s[0] == 0x11 || s[0] == 0x40; }

/* Whatever the input, indices stay inside the arrays and ranges are ordered. */
static bool dmar_sane(void)
{
	bool ok = dmar.nunits <= DMAR_MAX_UNITS && dmar.nscopes <= DMAR_MAX_SCOPES &&
		  dmar.valid == (dmar.log.nerr == 0);

	for (int i = 0; ok && i < dmar.nunits; i++)
		ok = dmar.units[i].first_scope + dmar.units[i].nscopes <= dmar.nscopes;
	for (int i = 0; ok && i < dmar.nrmrr; i++)
		ok = dmar.rmrr[i].base <= dmar.rmrr[i].end && !(dmar.rmrr[i].base & 0xfff) &&
		     dmar.rmrr[i].first_scope + dmar.rmrr[i].nscopes <= dmar.nscopes;
	for (int i = 0; ok && i < dmar.nscopes; i++)
		ok = dmar.scopes[i].nhops >= 1 && dmar.scopes[i].nhops <= DMAR_MAX_HOPS;
	return ok;
}

static bool ivrs_sane(void)
{
	bool ok = ivrs.nunits <= IVRS_MAX_UNITS && ivrs.valid == (ivrs.log.nerr == 0);

	for (int i = 0; ok && i < ivrs.nunits; i++)
		ok = ivrs.units[i].first_range + ivrs.units[i].nranges <= ivrs.nranges;
	for (int i = 0; ok && i < ivrs.nranges; i++)
		ok = ivrs.ranges[i].first <= ivrs.ranges[i].last && ivrs.ranges[i].unit < ivrs.nunits;
	for (int i = 0; ok && i < ivrs.nivmd; i++)
		ok = ivrs.ivmd[i].start <= ivrs.ivmd[i].end && ivrs.ivmd[i].first <= ivrs.ivmd[i].last;
	return ok;
}

static const struct kind kinds[] = {
	{ "DMAR", DMAR_HDR_LEN, parse_dmar, &dmar.log, dmar_unit, dmar_sane },
	{ "IVRS", IVRS_HDR_LEN, parse_ivrs, &ivrs.log, ivrs_unit, ivrs_sane },
};

static const struct kind *kind_of(const u8 *b)
{
	return &kinds[memcmp(b, "DMAR", 4) == 0 ? 0 : 1];
}

/* Each fixture table in turn: fn(kind, bytes, len, name). */
static void for_each_fixture(void (*fn)(const struct kind *k, const u8 *b, u32 len,
					const char *name))
{
	struct tsv *m = tsv_load(host_path("tests/fixtures/acpi/MANIFEST.tsv"));
	char rel[512];

	report(m && m->nrows > 0, "manifest read");
	for (int r = 0; m && r < m->nrows; r++) {
		size_t len;
		u8 *b;

		snprintf(rel, sizeof(rel), "tests/fixtures/acpi/%s", tsv_get(m, r, "file"));
		b = host_read(host_path(rel), &len);
		if (!b) {
			report(false, "%s readable", rel);
			continue;
		}
		report_prefix_push(tsv_get(m, r, "file"));
		fn(kind_of(b), b, (u32)len, tsv_get(m, r, "file"));
		report_prefix_pop();
		free(b);
	}
	tsv_free(m);
}

static bool has_err(const struct kind *k, const char *needle)
{
	return acpitab_log_has(k->log, ACPITAB_ERR, needle);
}

static const char *first_err(const struct kind *k)
{
	const char *e = acpitab_msg_at(k->log, ACPITAB_ERR, 0);

	return e ? e : "(none)";
}

/* Parse an exact-size copy so that ASan sees any read past the end. */
static int parse_copy(const struct kind *k, const u8 *b, u32 len)
{
	u8 *c = tb_copy(b, len);
	int ret = k->parse(c, len);

	free(c);
	return ret;
}

/* The buffer ends early; the header still claims the whole table. */
static void cut_buffer(const struct kind *k, const u8 *b, u32 len, const char *name)
{
	int bad = 0;

	for (u32 n = 0; n < len; n++) {
		bool ok = parse_copy(k, b, n) != 0 &&
			  has_err(k, n < 36 ? "shorter than the 36-byte ACPI header" :
					      "(truncated table)");

		if (!ok && bad++ < 3)
			report(false, "%u of %u bytes: rejected as truncated (got: %s)", n, len,
			       first_err(k));
	}
	report(!bad, "every cut buffer 0..%u bytes is rejected as truncated", len - 1);
}

/* Is n where a subtable ends, and is there a DRHD/IVHD before it? */
static bool at_boundary(const struct kind *k, const u8 *b, u32 len, u32 n, bool *unit)
{
	u32 off = k->hdr_len;

	*unit = false;
	while (off < n && off + 4 <= len) {
		u32 sl = (u32)b[off + 2] | (u32)b[off + 3] << 8;

		*unit |= k->is_unit(b + off) && off + sl <= n;
		off += sl;
	}
	return off == n;
}

/* Length field and checksum say n: the walker itself meets the cut. */
static void cut_table(const struct kind *k, const u8 *b, u32 len, const char *name)
{
	u8 *c = tb_copy(b, len);
	int bad = 0, cuts = 0;

	for (u32 n = 0; n < len; n++) {
		bool unit, boundary = at_boundary(k, b, len, n, &unit), ok;
		int ret;

		memcpy(c, b, len);
		if (n >= 10)
			tb_fix(c, n);
		ret = parse_copy(k, c, n);
		if (n < k->hdr_len)
			ok = ret && k->log->nerr >= 1;
		else if (boundary)
			ok = (ret == 0) == unit;
		else
			ok = ret && (has_err(k, "runs past the end of the table") ||
				     has_err(k, "too few for a"));
		cuts += !boundary;
		if (!ok && bad++ < 3)
			report(false, "table cut to %u bytes (boundary %d, unit before %d): ret %d, %s",
			       n, boundary, unit, ret, first_err(k));
	}
	report(!bad, "length field cut to each of 0..%u: %d cuts inside a structure rejected, boundaries judged",
	       len - 1, cuts);
	free(c);
}

KTEST(acpi, test_acpi_truncated_at_every_length)
{
	for_each_fixture(cut_buffer);
	for_each_fixture(cut_table);
}

static void overlong(const struct kind *k, const u8 *b, u32 len, const char *name)
{
	static const u32 extra[] = { 1, 2, 4, 1000, 0x10000 };
	u8 *c = tb_copy(b, len);

	for (size_t i = 0; i < ARRAY_SIZE(extra); i++) {
		memcpy(c, b, len);
		put32(c + 4, len + extra[i]);
		report(parse_copy(k, c, len) != 0 && has_err(k, "(truncated table)"),
		       "length field %u > %u bytes given: rejected (%s)", len + extra[i], len,
		       first_err(k));
	}
	put32(c + 4, 0xffffffff);
	report(parse_copy(k, c, len) != 0 && has_err(k, "(truncated table)"),
	       "length field 0xffffffff: rejected");
	for (u32 small = 0; small < k->hdr_len; small += 7) {
		memcpy(c, b, len);
		put32(c + 4, small);
		report(parse_copy(k, c, len) != 0 && has_err(k, "is below the"),
		       "length field %u below the %s header: rejected (%s)", small, k->sig,
		       first_err(k));
	}
	free(c);
}

KTEST(acpi, test_acpi_overlong_and_short_length_field)
{
	for_each_fixture(overlong);
}

static void bad_checksum(const struct kind *k, const u8 *b, u32 len, const char *name)
{
	u8 *c = tb_copy(b, len);

	c[9] ^= 0x01;
	report(parse_copy(k, c, len) != 0 && has_err(k, "checksum is wrong"),
	       "checksum byte changed: rejected (%s)", first_err(k));
	c[9] ^= 0x01;
	c[len - 1] += 3;
	report(parse_copy(k, c, len) != 0 && has_err(k, "sum to 0x03"),
	       "last byte changed: rejected naming the sum (%s)", first_err(k));
	free(c);
}

KTEST(acpi, test_acpi_corrupted_checksum)
{
	for_each_fixture(bad_checksum);
}

/* Lengths 0..3 stop the walk; overrunning ones are caught; checksum kept right. */
static void bad_sub_length(const struct kind *k, const u8 *b, u32 len, const char *name)
{
	static const u16 lens[] = { 0, 1, 2, 3 };
	u8 *c = tb_copy(b, len);
	u32 off = k->hdr_len, idx = 0;

	for (; off + 4 <= len; idx++) {
		u16 sl = (u16)(b[off + 2] | b[off + 3] << 8);

		for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
			memcpy(c, b, len);
			put16(c + off + 2, lens[i]);
			tb_fix(c, len);
			report(parse_copy(k, c, len) != 0 && has_err(k, "is below 4; cannot walk further"),
			       "subtable %u length %u: rejected (%s)", idx, lens[i], first_err(k));
		}
		memcpy(c, b, len);
		put16(c + off + 2, (u16)(len - off + 1));
		tb_fix(c, len);
		report(parse_copy(k, c, len) != 0 && has_err(k, "runs past the end of the table"),
		       "subtable %u length overruns the table by 1: rejected (%s)", idx, first_err(k));
		off += sl;
	}
	free(c);
}

KTEST(acpi, test_acpi_bad_subtable_lengths)
{
	for_each_fixture(bad_sub_length);
}

/* Random damage with a right checksum: any outcome but a crash or OOB read. */
static void random_damage(const struct kind *k, const u8 *b, u32 len, const char *name)
{
	u8 *c = tb_copy(b, len);
	int rejected = 0, rounds = 300, insane = 0;

	for (int i = 0; i < rounds; i++) {
		int nflips = 1 + (int)(ktest_rand() % 4);

		memcpy(c, b, len);
		for (int f = 0; f < nflips; f++)
			c[k->hdr_len + ktest_rand() % (len - k->hdr_len)] = (u8)ktest_rand();
		tb_fix(c, len);
		rejected += parse_copy(k, c, len) != 0;
		insane += !k->sane() || (k->log->nerr && !acpitab_msg_at(k->log, ACPITAB_ERR, 0));
	}
	report(!insane, "%d random mutations: no crash, results consistent (%d rejected, %d inconsistent)",
	       rounds, rejected, insane);
	free(c);
}

KTEST(acpi, test_acpi_random_damage_no_crash)
{
	for_each_fixture(random_damage);
}
