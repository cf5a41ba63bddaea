// SPDX-License-Identifier: MIT
/*
 * acpi suite (hosted), issue 10 item 7: every rule of dmar_rules[] and
 * ivrs_rules[] against a real fixture damaged the way the rule forbids. The
 * rule must stay silent on the table as dumped, and speak at its level on
 * the damaged copy (an error rejects, a warning keeps the table valid). The
 * damage is written here from the specs, not derived from the rule rows.
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

/* A fixture copy being damaged, with room for inserted bytes. */
struct copy {
	u8 b[8192];
	u32 len;
};

static struct copy cp;

static u32 sub_len(const struct copy *c, u32 off)
{
	return c->b[off + 2] | c->b[off + 3] << 8;
}

/* Offset of the nth subtable of a type (DMAR: u16 type, IVRS: u8), or 0. */
static u32 find_sub(const struct copy *c, unsigned int type, int nth)
{
	bool ivrs_tab = !memcmp(c->b, "IVRS", 4);

	for (u32 off = 48; off + 4 <= c->len && sub_len(c, off); off += sub_len(c, off)) {
		unsigned int t = ivrs_tab ? c->b[off] : (unsigned int)(c->b[off] | c->b[off + 1] << 8);

		if (t == type && nth-- == 0)
			return off;
	}
	return 0;
}

/* The scope-th device scope of the DMAR structure at sub, or 0. */
static u32 find_scope(const struct copy *c, u32 sub, int scope)
{
	static const u8 from[] = { 16, 24, 8, 0, 0, 8, 8 };
	u32 type = c->b[sub], p = type < sizeof(from) && from[type] ? sub + from[type] : 0;

	while (p && p < sub + sub_len(c, sub) && scope--)
		p += c->b[p + 1];
	return p && p < sub + sub_len(c, sub) ? p : 0;
}

/* The nth device entry of a type in any IVHD, or 0; its IVHD in *sub. */
static u32 find_entry(const struct copy *c, u8 etype, int nth, u32 *sub)
{
	for (u32 off = 48; off + 4 <= c->len && sub_len(c, off); off += sub_len(c, off)) {
		u8 t = c->b[off];

		if (t != 0x10 && t != 0x11 && t != 0x40)
			continue;
		for (u32 p = off + (t == 0x10 ? 24 : 40); p < off + sub_len(c, off);) {
			u8 et = c->b[p];

			if (et == etype && nth-- == 0) {
				*sub = off;
				return p;
			}
			p += et < 0x80 ? 4u << (et >> 6) : 22u + c->b[p + 21];
		}
	}
	return 0;
}

/* Insert n bytes (a copy of src, or zeros) at off, growing the subtable at sub. */
static void insert(struct copy *c, u32 sub, u32 off, const u8 *src, u32 n)
{
	u8 tmp[4096];

	if (src)
		memcpy(tmp, src, n);
	memmove(c->b + off + n, c->b + off, c->len - off);
	if (src)
		memcpy(c->b + off, tmp, n);
	else
		memset(c->b + off, 0, n);
	c->len += n;
	if (sub)
		put16(c->b + sub + 2, (u16)(sub_len(c, sub) + n));
}

/* Remove bytes [off, off + n), shrinking the subtable at sub. */
static void cut(struct copy *c, u32 sub, u32 off, u32 n)
{
	memmove(c->b + off, c->b + off + n, c->len - off - n);
	c->len -= n;
	put16(c->b + sub + 2, (u16)(sub_len(c, sub) - n));
}

/* Move the subtable at from to offset to (to < from). */
static void move_before(struct copy *c, u32 from, u32 to)
{
	u8 tmp[4096];
	u32 n = sub_len(c, from);

	memcpy(tmp, c->b + from, n);
	memmove(c->b + to + n, c->b + to, from - to);
	memcpy(c->b + to, tmp, n);
}

static void put64(u8 *p, u64 v)
{
	put32(p, (u32)v);
	put32(p + 4, (u32)(v >> 32));
}

static u64 get(const u8 *p, int size)
{
	u64 v = 0;

	for (int i = size - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* --- damage made by hand --------------------------------------------------- */

static void drhd_no_scopes(struct copy *c)		/* R820 dmar0: scopes cut */
{
	u32 s = find_sub(c, 0, 0);

	cut(c, s, s + 16, sub_len(c, s) - 16);
}

static void all_pci_first(struct copy *c)		/* R820: INCLUDE_PCI_ALL unit moved first */
{
	move_before(c, find_sub(c, 0, 3), 48);
}

static void drhd_repeated(struct copy *c)		/* T3610: its DRHD listed twice */
{
	u32 s = find_sub(c, 0, 0);

	insert(c, 0, s + sub_len(c, s), c->b + s, sub_len(c, s));
}

static void drhd_overlapping(struct copy *c)		/* R820: dmar0 8 KiB, dmar1 in its 2nd page */
{
	u32 a = find_sub(c, 0, 0), b = find_sub(c, 0, 1);

	c->b[a + 5] = 1;
	put64(c->b + b + 8, get(c->b + a + 8, 8) + 0x1000);
}

static void rmrr_first(struct copy *c)			/* T3610: the RMRR before the DRHD */
{
	move_before(c, find_sub(c, 1, 0), 48);
}

static void rmrr_zero(struct copy *c)			/* R820: base and end 0 */
{
	u32 s = find_sub(c, 1, 0);

	put64(c->b + s + 8, 0);
	put64(c->b + s + 16, 0);
}

static void rmrr_backwards(struct copy *c)		/* R820: base one page past the end */
{
	u32 s = find_sub(c, 1, 0);

	put64(c->b + s + 8, get(c->b + s + 16, 8) + 1);
}

static void rmrr_no_scopes(struct copy *c)		/* T3610: its RMRR's endpoints cut */
{
	u32 s = find_sub(c, 1, 0);

	cut(c, s, s + 24, sub_len(c, s) - 24);
}

static void atsr_no_scopes(struct copy *c)		/* T3610: the ATSR's root ports cut */
{
	u32 s = find_sub(c, 2, 0);

	cut(c, s, s + 8, sub_len(c, s) - 8);
}

static void satc_no_scopes(struct copy *c)		/* NUC14: the SATC's endpoints cut */
{
	u32 s = find_sub(c, 5, 0);

	cut(c, s, s + 8, sub_len(c, s) - 8);
}

static void rhsa_longer(struct copy *c)			/* T3610: RHSA of 24 bytes */
{
	u32 s = find_sub(c, 3, 0);

	insert(c, s, s + sub_len(c, s), NULL, 4);
}

static void andd_no_nul(struct copy *c)			/* Surface Pro: name runs to the end */
{
	u32 s = find_sub(c, 4, 0);

	memset(c->b + s + 8, 'A', sub_len(c, s) - 8);
}

static void ivhd_repeated(struct copy *c)		/* ASRock 970M: its IVHD listed twice */
{
	u32 s = find_sub(c, 0x10, 0);

	insert(c, 0, s + sub_len(c, s), c->b + s, sub_len(c, s));
}

static void uid_40_bytes(struct copy *c)		/* HP Envy: a 40-byte string UID */
{
	u32 sub, e = find_entry(c, 0xf0, 0, &sub);

	insert(c, sub, e + 22 + c->b[e + 21], (const u8 *)"0123456789012345678901234567890", 31);
	c->b[e + 21] = 40;
}

static void ivmd_longer(struct copy *c)			/* Lenovo: IVMD of 40 bytes */
{
	u32 s = find_sub(c, 0x21, 0);

	insert(c, s, s + sub_len(c, s), NULL, 8);
}

/* --- the damage table ------------------------------------------------------ */

enum { AT_TABLE, AT_SUB, AT_SCOPE, AT_ENTRY };

struct damage {
	const char *rule;
	const char *fixture;	/* under tests/fixtures/acpi/real/ */
	u8 at;			/* AT_*: what off is relative to */
	u16 type;		/* subtable or entry type */
	u8 nth;			/* which of that type */
	u8 scope;		/* AT_SCOPE: which scope of the structure */
	u16 off;		/* byte offset in it */
	u8 size;		/* bytes, little-endian */
	char op;		/* '=', '|' or '&' with val */
	u64 val;
	void (*fn)(struct copy *c);	/* or this */
};

#define T3610 "dell-precision-t3610.dmar.bin"
#define R820 "dell-poweredge-r820.dmar.bin"
#define SURF "microsoft-surface-pro.dmar.bin"
#define NUC "asus-nuc14rvh-b.dmar.bin"
#define A970 "asrock-970m-pro3.ivrs.bin"
#define ENVY "hp-envy-x360-13-ay1xxx.ivrs.bin"
#define ZEN "asus-rog-zenith-ii-extreme-alpha.ivrs.bin"
#define SLIM "lenovo-ideapad-slim3-15abr8.ivrs.bin"

#define TAB(r, f, o, sz, op, v) { r, f, AT_TABLE, 0, 0, 0, o, sz, op, v, NULL }
#define SUB(r, f, ty, n, o, sz, op, v) { r, f, AT_SUB, ty, n, 0, o, sz, op, v, NULL }
#define SCOPE(r, f, ty, n, sc, o, sz, op, v) { r, f, AT_SCOPE, ty, n, sc, o, sz, op, v, NULL }
#define ENTRY(r, f, ty, n, o, sz, op, v) { r, f, AT_ENTRY, ty, n, 0, o, sz, op, v, NULL }
#define HAND(r, f, fn) { r, f, AT_TABLE, 0, 0, 0, 0, 0, 0, 0, fn }

static const struct damage damages[] = {
	/* DMAR header: HAW is byte 36 (width - 1), flags byte 37, reserved 38..47 */
	TAB("dmar.haw.min", T3610, 36, 1, '=', 10),
	TAB("dmar.haw.min", R820, 36, 1, '=', 0),
	TAB("dmar.haw.max", T3610, 36, 1, '=', 64),
	TAB("dmar.flags.rsvd", T3610, 37, 1, '|', 0x08),
	TAB("dmar.hdr.rsvd", T3610, 40, 1, '=', 0x5a),
	TAB("dmar.flags.x2apic", T3610, 37, 1, '=', 0x02),
	/* DRHD: flags +4, size +5, segment +6, base +8 */
	SUB("dmar.drhd.flags", T3610, 0, 0, 4, 1, '|', 0x02),
	SUB("dmar.drhd.size", T3610, 0, 0, 5, 1, '|', 0x10),
	SUB("dmar.drhd.base0", T3610, 0, 0, 8, 8, '=', 0),
	SUB("dmar.drhd.align", T3610, 0, 0, 8, 1, '|', 0x10),
	HAND("dmar.drhd.empty", R820, drhd_no_scopes),
	SUB("dmar.drhd.all_pci", R820, 0, 0, 4, 1, '|', 0x01),
	HAND("dmar.drhd.all_last", R820, all_pci_first),
	SUB("dmar.drhd.all_twice", R820, 0, 2, 4, 1, '|', 0x01),
	HAND("dmar.drhd.twice", T3610, drhd_repeated),
	HAND("dmar.drhd.overlap", R820, drhd_overlapping),
	SUB("dmar.drhd.none", T3610, 0, 0, 0, 2, '=', 7),
	HAND("dmar.order", T3610, rmrr_first),
	/* device scope: type +0, length +1, flags +2, reserved +3, enum +4, bus +5, path +6 */
	SCOPE("dmar.scope.type", T3610, 0, 0, 0, 0, 1, '=', 9),
	SCOPE("dmar.scope.rsvd", T3610, 0, 0, 1, 3, 1, '=', 1),
	SCOPE("dmar.scope.path", T3610, 1, 0, 1, 6, 1, '=', 32),
	SCOPE("dmar.scope.path", T3610, 1, 0, 0, 7, 1, '=', 8),
	SCOPE("dmar.scope.enum", R820, 0, 0, 1, 4, 1, '=', 7),
	SCOPE("dmar.scope.irq_place", T3610, 1, 0, 0, 0, 1, '=', 3),
	SCOPE("dmar.scope.atsr", T3610, 2, 0, 2, 0, 1, '=', 1),
	SCOPE("dmar.scope.satc", NUC, 5, 0, 1, 0, 1, '=', 2),
	SCOPE("dmar.scope.twice", R820, 0, 1, 1, 5, 1, '=', 0x40),
	/* RMRR: reserved +4, segment +6, base +8, end +16 */
	SUB("dmar.rmrr.rsvd", T3610, 1, 0, 4, 2, '=', 1),
	HAND("dmar.rmrr.empty", R820, rmrr_zero),
	HAND("dmar.rmrr.inverted", R820, rmrr_backwards),
	SUB("dmar.rmrr.align", T3610, 1, 0, 8, 1, '|', 0x80),
	SUB("dmar.rmrr.align", T3610, 1, 0, 16, 1, '=', 0x00),
	SUB("dmar.rmrr.haw", T3610, 1, 0, 16, 8, '=', (1ULL << 46) + 0xfff),
	HAND("dmar.rmrr.nodev", T3610, rmrr_no_scopes),
	SUB("dmar.rmrr.segment", T3610, 1, 0, 6, 2, '=', 1),
	SUB("dmar.rmrr.overlap", R820, 1, 1, 16, 8, '=', 0xbf458fff),
	/* ATSR: flags +4, reserved +5, segment +6 */
	SUB("dmar.atsr.flags", T3610, 2, 0, 4, 1, '|', 0x04),
	SUB("dmar.atsr.rsvd", T3610, 2, 0, 5, 1, '=', 1),
	SUB("dmar.atsr.all_ports", T3610, 2, 0, 4, 1, '|', 0x01),
	HAND("dmar.atsr.nothing", T3610, atsr_no_scopes),
	/* RHSA: reserved +4, base +8, proximity +16 */
	SUB("dmar.rhsa.rsvd", T3610, 3, 0, 4, 4, '=', 1),
	HAND("dmar.rhsa.length", T3610, rhsa_longer),
	SUB("dmar.rhsa.unit", T3610, 3, 0, 8, 8, '=', 0xdead0000),
	/* ANDD: reserved +4..6, device number +7, name +8 */
	SUB("dmar.andd.rsvd", SURF, 4, 0, 4, 1, '=', 1),
	HAND("dmar.andd.nul", SURF, andd_no_nul),
	SUB("dmar.andd.empty", SURF, 4, 0, 8, 1, '=', 0),
	SUB("dmar.andd.twice", SURF, 4, 1, 7, 1, '=', 1),
	SUB("dmar.andd.unscoped", SURF, 4, 0, 7, 1, '=', 42),
	SUB("dmar.acpi.no_andd", SURF, 4, 0, 0, 2, '=', 7),
	/* SATC: flags +4, reserved +5; SIDP: reserved +4..5 */
	SUB("dmar.satc.flags", NUC, 5, 0, 4, 1, '|', 0x02),
	SUB("dmar.satc.rsvd", NUC, 5, 0, 5, 1, '=', 1),
	HAND("dmar.satc.nodev", NUC, satc_no_scopes),
	SUB("dmar.sidp.rsvd", NUC, 6, 0, 4, 2, '=', 1),

	/* IVRS header: IVinfo at 36, reserved 40..47 */
	TAB("ivrs.ivinfo.rsvd", A970, 36, 4, '|', 0x4),
	TAB("ivrs.ivinfo.rsvd", ZEN, 39, 1, '|', 0x80),
	TAB("ivrs.hdr.rsvd", A970, 44, 1, '=', 1),
	TAB("ivrs.ivhd.efrsup", ENVY, 36, 4, '&', ~1ULL),
	/* IVHD: devid +4, capability offset +6, base +8, segment +16, info +18, EFR +24 */
	SUB("ivrs.ivhd.none", A970, 0x10, 0, 0, 1, '=', 0x5f),
	HAND("ivrs.ivhd.twice", A970, ivhd_repeated),
	SUB("ivrs.ivhd.info", A970, 0x10, 0, 18, 2, '|', 0x20),
	SUB("ivrs.ivhd.cap", A970, 0x10, 0, 6, 2, '=', 0x41),
	SUB("ivrs.ivhd.cap", A970, 0x10, 0, 6, 2, '=', 0x30),
	SUB("ivrs.unit.base0", A970, 0x10, 0, 8, 8, '=', 0),
	SUB("ivrs.unit.align", A970, 0x10, 0, 9, 1, '|', 0x20),
	SUB("ivrs.unit.bases", ENVY, 0x10, 0, 8, 8, '=', 0xfe000000),
	SUB("ivrs.unit.linux_type", ZEN, 0x11, 3, 4, 2, '=', 0x0003),
	SUB("ivrs.unit.shared_base", ZEN, 0x11, 1, 8, 8, '=', 0xb3180000),
	SUB("ivrs.unit.efr", ZEN, 0x11, 1, 24, 1, '|', 0x01),
	/* device entries: type +0, devid +1, DTE setting +3, 8-byte data +4..7 */
	ENTRY("ivrs.dev.unknown", A970, 0x02, 0, 0, 1, '=', 0x05),
	ENTRY("ivrs.dev.unknown", A970, 0x02, 0, 0, 1, '=', 0x41),
	ENTRY("ivrs.dev.dte", A970, 0x02, 0, 3, 1, '|', 0x08),
	ENTRY("ivrs.dev.alias", ENVY, 0x43, 0, 4, 1, '=', 1),
	ENTRY("ivrs.dev.variety", A970, 0x48, 0, 7, 1, '=', 7),
	ENTRY("ivrs.dev.range_end", A970, 0x03, 0, 0, 1, '=', 0x02),
	ENTRY("ivrs.dev.range_order", ENVY, 0x04, 0, 1, 2, '=', 0x0004),
	ENTRY("ivrs.dev.range_cut", A970, 0x04, 1, 0, 1, '=', 0x02),
	ENTRY("ivrs.dev.range_open", ENVY, 0x04, 1, 0, 1, '=', 0x02),
	SUB("ivrs.dev.hid_ivhd", ENVY, 0x40, 0, 0, 1, '=', 0x11),
	ENTRY("ivrs.dev.hid_empty", ENVY, 0xf0, 0, 4, 1, '=', 0),
	ENTRY("ivrs.dev.uid", ENVY, 0xf0, 0, 20, 1, '=', 0),
	ENTRY("ivrs.dev.uid", ENVY, 0xf0, 0, 20, 1, '=', 3),
	HAND("ivrs.dev.uid_long", ENVY, uid_40_bytes),
	ENTRY("ivrs.dev.special_twice", A970, 0x48, 2, 4, 1, '=', 9),
	ENTRY("ivrs.dev.sb_ioapic", A970, 0x48, 0, 5, 2, '=', 0x00a8),
	/* IVMD: flags +1, devid +4, aux +6, segment +8, reserved +10..15, start +16, length +24 */
	SUB("ivrs.ivmd.flags", SLIM, 0x21, 0, 1, 1, '|', 0x10),
	SUB("ivrs.ivmd.rsvd", SLIM, 0x21, 0, 12, 1, '=', 1),
	HAND("ivrs.ivmd.length", SLIM, ivmd_longer),
	SUB("ivrs.ivmd.devid", SLIM, 0x21, 0, 6, 2, '=', 1),
	SUB("ivrs.ivmd.empty", SLIM, 0x21, 0, 24, 8, '=', 0),
	SUB("ivrs.ivmd.wrap", SLIM, 0x21, 0, 16, 8, '=', 0xfffffffffffff000ULL),
	SUB("ivrs.ivmd.align", SLIM, 0x21, 0, 16, 1, '|', 0x80),
	SUB("ivrs.ivmd.align", SLIM, 0x21, 0, 24, 1, '|', 0x01),
	SUB("ivrs.ivmd.devids", SLIM, 0x21, 0, 0, 1, '=', 0x22),
	SUB("ivrs.ivmd.kind", SLIM, 0x21, 0, 1, 1, '=', 0x06),
	SUB("ivrs.ivmd.access", SLIM, 0x21, 0, 1, 1, '=', 0x01),
	SUB("ivrs.ivmd.pasize", SLIM, 0x21, 0, 16, 8, '=', 1ULL << 48),
};

/* The two parsers and their rule tables behind one face. */
struct kind {
	const struct acpirule *rules;
	const int *nrules;
	int (*parse)(const void *buf, size_t len);
	const struct acpitab_log *log;
};

static int parse_dmar(const void *buf, size_t len) { return dmar_parse(buf, len, &dmar); }
static int parse_ivrs(const void *buf, size_t len) { return ivrs_parse(buf, len, &ivrs); }

static const struct kind dmar_kind = { dmar_rules, &dmar_nrules, parse_dmar, &dmar.log };
static const struct kind ivrs_kind = { ivrs_rules, &ivrs_nrules, parse_ivrs, &ivrs.log };

static const struct kind *kind_of(const struct copy *c)
{
	return !memcmp(c->b, "DMAR", 4) ? &dmar_kind : &ivrs_kind;
}

/* Parse an exact-size copy (ASan sees any read past the end); true when valid. */
static bool parse(const struct kind *k, const struct copy *c)
{
	u8 *b = tb_copy(c->b, c->len);
	int ret = k->parse(b, c->len);

	free(b);
	return ret == 0;
}

static bool load(const char *fixture, struct copy *c)
{
	char rel[256];
	size_t len;
	u8 *b;

	snprintf(rel, sizeof(rel), "tests/fixtures/acpi/real/%s", fixture);
	b = host_read(host_path(rel), &len);
	if (!b || len > sizeof(c->b) / 2) {
		free(b);
		return false;
	}
	memcpy(c->b, b, len);
	c->len = (u32)len;
	free(b);
	return true;
}

/* Where a row's field is: 0 when the fixture has no such place. */
static u32 locate(const struct damage *d, const struct copy *c)
{
	u32 sub;

	switch (d->at) {
	case AT_SUB:
		return find_sub(c, d->type, d->nth);
	case AT_SCOPE:
		sub = find_sub(c, d->type, d->nth);
		return sub ? find_scope(c, sub, d->scope) : 0;
	case AT_ENTRY:
		return find_entry(c, (u8)d->type, d->nth, &sub);
	}
	return 0;	/* AT_TABLE: the offset is from the table start */
}

/* Damage c as row d says; false when the place is not in the fixture. */
static bool damage(const struct damage *d, struct copy *c)
{
	u32 at = locate(d, c);
	u64 v;

	if (d->fn) {
		d->fn(c);
		return true;
	}
	if (d->at != AT_TABLE && !at)
		return false;
	at += d->off;
	v = get(c->b + at, d->size);
	v = d->op == '=' ? d->val : d->op == '|' ? v | d->val : v & d->val;
	for (int i = 0; i < d->size; i++)
		c->b[at + i] = (u8)(v >> (8 * i));
	return true;
}

/* One row: silent on the dump, at its level on the damaged copy. */
static void check_row(const struct damage *d)
{
	const struct kind *k;
	const struct acpirule *r;
	bool valid;

	if (!load(d->fixture, &cp)) {
		report(false, "%s: fixture %s readable", d->rule, d->fixture);
		return;
	}
	k = kind_of(&cp);
	r = acpirule_find(k->rules, *k->nrules, d->rule);
	if (!r) {
		report(false, "%s: a rule of that name exists", d->rule);
		return;
	}
	valid = parse(k, &cp);
	if (!valid || acpitab_log_has_rule(k->log, ACPITAB_ERR, r->id) ||
	    acpitab_log_has_rule(k->log, ACPITAB_WARN, r->id)) {
		report(false, "%s: silent on %s as dumped", d->rule, d->fixture);
		return;
	}
	if (!damage(d, &cp)) {
		report(false, "%s: the place to damage is in %s", d->rule, d->fixture);
		return;
	}
	tb_fix(cp.b, cp.len);
	valid = parse(k, &cp);
	report(acpitab_log_has_rule(k->log, (enum acpitab_level)r->level, r->id) &&
	       valid == (r->level == ACPITAB_WARN),
	       "%s: damaged %s -> %s%s (first error: %s)", d->rule, d->fixture,
	       r->level == ACPITAB_ERR ? "error, table rejected" : "warning, table kept",
	       "", k->log->nerr ? acpitab_msg_at(k->log, ACPITAB_ERR, 0) : "none");
}

KTEST(acpi, test_acpi_rules_each_on_a_damaged_real_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(damages); i++)
		check_row(&damages[i]);
}

/* Every rule has a damage row (a new rule cannot come without its test), once. */
static void coverage(const struct acpirule *rules, int n, const char *name)
{
	int missing = 0;

	for (int i = 0; i < n; i++) {
		int rows = 0;

		for (size_t k = 0; k < ARRAY_SIZE(damages); k++)
			rows += !strcmp(damages[k].rule, rules[i].id);
		if (!rows && missing++ < 5)
			report(false, "%s has a damage row", rules[i].id);
		for (int j = i + 1; j < n; j++)
			if (!strcmp(rules[i].id, rules[j].id))
				report(false, "%s is one rule, not two", rules[i].id);
	}
	report(!missing && n > 0, "each of the %d %s rules is tested on a damaged real table", n, name);
}

KTEST(acpi, test_acpi_rules_all_tested)
{
	coverage(dmar_rules, dmar_nrules, "DMAR");
	coverage(ivrs_rules, ivrs_nrules, "IVRS");
}

/* The bounds themselves: the last good value passes, the first bad one does not. */
KTEST(acpi, test_acpi_rules_dmar_haw_bounds)
{
	static const struct {
		u8 byte;	/* HAW - 1 */
		bool ok;
	} c[] = { { 10, false }, { 11, true }, { 63, true }, { 64, false }, { 255, false } };

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		bool broke;

		if (!load(T3610, &cp))
			break;
		cp.b[36] = c[i].byte;
		tb_fix(cp.b, cp.len);
		parse(&dmar_kind, &cp);
		broke = acpitab_log_has_rule(&dmar.log, ACPITAB_ERR, "dmar.haw.min") ||
			acpitab_log_has_rule(&dmar.log, ACPITAB_WARN, "dmar.haw.max");
		report(broke != c[i].ok && dmar.haw == c[i].byte + 1,
		       "host address width %u bits: %s", c[i].byte + 1, c[i].ok ? "accepted" : "flagged");
	}
}
