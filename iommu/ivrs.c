// SPDX-License-Identifier: MIT
/*
 * IVRS parser: walks IVHD/IVMD subtables and IVHD device entries of a table
 * held in memory, checking every length before reading. Lookups are in
 * ivrs_match.c. Layouts: AMD IOMMU spec rev 3.x, 5.2 (IVRS).
 */
#include "iommu/ivrs_rules.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static void sub_log(struct ivrs_ctx *c, enum acpitab_level lvl,
		    const char *fmt, ...) __printf(3, 4);

/* Log a message prefixed with the subtable it concerns (first pass only). */
static void sub_log(struct ivrs_ctx *c, enum acpitab_level lvl,
		    const char *fmt, ...)
{
	va_list ap;

	if (c->store)
		return;		/* everything was said in the first pass */
	va_start(ap, fmt);
	acpitab_vlog_sub(&c->t->log, lvl, c->idx, c->type, true, c->off, fmt, ap);
	va_end(ap);
}

int ivrs_ivhd_slot(unsigned int type)
{
	return type == 0x10 ? 0 : type == 0x11 ? 1 : type == 0x40 ? 2 : -1;
}

static int add_range(struct ivrs_ctx *c, u16 first, u16 last, u8 kind,
		     u8 dte, u16 alias, u32 ext)
{
	struct ivrs_table *t = c->t;
	struct ivrs_range *r;

	if (t->nranges >= IVRS_MAX_RANGES) {
		acpitab_log(&t->log, ACPITAB_ERR, "more than %d device ranges (parser limit)",
			    IVRS_MAX_RANGES);
		return -EINVAL;
	}
	r = &t->ranges[t->nranges++];
	*r = (struct ivrs_range){ .first = first, .last = last, .kind = kind,
				  .dte = dte, .alias = alias, .ext = ext,
				  .unit = c->unit };
	/* Requests of an aliased device arrive as alias: that devid is ours too. */
	if (kind == IVRS_RANGE_ALIAS)
		return add_range(c, alias, alias, IVRS_RANGE_ALIAS_TARGET, dte, 0, 0);
	return 0;
}

/* Copy n bytes of ASCII id, stopping at NUL; non-printables become '?'. */
static void copy_ascii(char *dst, const u8 *src, u32 n)
{
	u32 i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[i] = 0;
}

static int entry_acpihid(struct ivrs_ctx *c, u32 p, u8 uid_len)
{
	struct ivrs_table *t = c->t;
	struct ivrs_acpihid *h;
	const u8 *e = c->b + p;

	/* as Linux: skipped outside IVHD 40h and without a HID (rules ivrs.dev.hid_*) */
	if (!c->store || c->type != IVRS_TYPE_IVHD_40 || !e[4])
		return 0;
	if (t->nacpihid >= IVRS_MAX_ACPIHID) {
		acpitab_log(&t->log, ACPITAB_ERR, "more than %d ACPI HID devices (parser limit)",
			    IVRS_MAX_ACPIHID);
		return -EINVAL;
	}
	h = &t->acpihid[t->nacpihid++];
	memset(h, 0, sizeof(*h));
	h->devid = acpitab_u16(e, 1);
	h->dte = e[3];
	copy_ascii(h->hid, e + 4, 8);
	copy_ascii(h->cid, e + 12, 8);
	h->uid_format = e[20];
	h->unit = c->unit;
	if (h->uid_format == 1) {
		u64 v = 0;

		for (int i = min(uid_len, 8) - 1; i >= 0; i--)
			v = v << 8 | e[22 + i];
		snprintf(h->uid, sizeof(h->uid), "%llu", (unsigned long long)v);
	} else if (h->uid_format == 2) {
		copy_ascii(h->uid, e + 22, min_t(u32, uid_len, IVRS_UID_LEN));
	}
	return 0;
}

static int entry_special(struct ivrs_ctx *c, u32 p)
{
	struct ivrs_table *t = c->t;
	const u8 *e = c->b + p;
	struct ivrs_special *s;

	if (!c->store || !ivrs_variety_known(e[7]))
		return 0;	/* an unknown variety rejects the table: ivrs.dev.variety */
	if (t->nspecial >= IVRS_MAX_SPECIAL) {
		acpitab_log(&t->log, ACPITAB_ERR, "more than %d special devices (parser limit)",
			    IVRS_MAX_SPECIAL);
		return -EINVAL;
	}
	s = &t->special[t->nspecial++];
	*s = (struct ivrs_special){ .variety = e[7], .handle = e[4],
				    .devid = acpitab_u16(e, 5), .dte = e[3],
				    .unit = c->unit };
	return 0;
}

/* Range end (04h): close the pending start. */
static int entry_range_end(struct ivrs_ctx *c, u32 p, struct range_start *rs)
{
	u16 last = acpitab_u16(c->b, p + 1);
	bool open = rs->active;

	rs->active = false;
	if (!open || last < rs->first || !c->store)
		return 0;	/* ivrs.dev.range_end, ivrs.dev.range_order */
	return add_range(c, rs->first, last, rs->kind, rs->dte, rs->alias, rs->ext);
}

/* One device entry of len bytes at p (bounded by the caller). */
static int do_entry(struct ivrs_ctx *c, u32 p, u32 len, struct range_start *rs)
{
	const u8 *e = c->b + p;
	u8 type = e[0], dte = len >= 4 ? e[3] : 0;
	u16 devid = acpitab_u16(e, 1);
	u16 alias = len >= 8 ? acpitab_u16(e, 5) : 0;
	u32 ext = len >= 8 ? acpitab_u32(e, 4) : 0;

	switch (type) {
	case IVRS_DEV_PAD4:
	case IVRS_DEV_PAD8:
		return 0;
	case IVRS_DEV_ALL:
		return c->store ? add_range(c, 0, 0xffff, IVRS_RANGE_ALL, dte, 0, 0) : 0;
	case IVRS_DEV_SELECT:
		return c->store ? add_range(c, devid, devid, IVRS_RANGE_SELECT, dte, 0, 0) : 0;
	case IVRS_DEV_ALIAS_SELECT:
		return c->store ? add_range(c, devid, devid, IVRS_RANGE_ALIAS, dte, alias, 0) : 0;
	case IVRS_DEV_EXT_SELECT:
		return c->store ? add_range(c, devid, devid, IVRS_RANGE_EXT, dte, 0, ext) : 0;
	case IVRS_DEV_RANGE_START:
	case IVRS_DEV_ALIAS_RANGE:
	case IVRS_DEV_EXT_RANGE:
		*rs = (struct range_start){
			.active = true, .at = p, .first = devid, .dte = dte,
			.kind = type == IVRS_DEV_RANGE_START ? IVRS_RANGE_SELECT :
				type == IVRS_DEV_ALIAS_RANGE ? IVRS_RANGE_ALIAS : IVRS_RANGE_EXT,
			.alias = type == IVRS_DEV_ALIAS_RANGE ? alias : 0,
			.ext = type == IVRS_DEV_EXT_RANGE ? ext : 0,
		};
		return 0;
	case IVRS_DEV_RANGE_END:
		return entry_range_end(c, p, rs);
	case IVRS_DEV_SPECIAL:
		return entry_special(c, p);
	case IVRS_DEV_ACPI_HID:
		return entry_acpihid(c, p, e[21]);
	default:
		return 0;	/* skipped by its length: ivrs.dev.unknown */
	}
}

/* Length of the device entry at p with `left` bytes in the IVHD; 0 = cannot tell. */
static u32 entry_len(const u8 *b, u32 p, u32 left)
{
	u8 type = b[p];

	if (type < 0x80)
		return 4u << (type >> 6);
	if (type == IVRS_DEV_ACPI_HID)
		return left >= 22 ? 22u + b[p + 21] : 22u;
	return 0;
}

/* Walk the device entries of the IVHD at c->off, data from byte hdr_len. */
static int walk_entries(struct ivrs_ctx *c, u32 hdr_len)
{
	u32 end = c->off + c->slen, p = c->off + hdr_len;
	struct range_start rs = { 0 };

	while (p < end) {
		u32 left = end - p, len = entry_len(c->b, p, left);

		if (!len) {
			sub_log(c, ACPITAB_ERR, "device entry @0x%x has type 0x%02x, whose length is not defined; cannot walk further",
				p, c->b[p]);
			return -EINVAL;
		}
		if (len > left) {
			sub_log(c, ACPITAB_ERR, "device entry @0x%x (%s, %u bytes) is truncated: %u bytes left in the IVHD",
				p, ivrs_dev_type_name(c->b[p]), len, left);
			return -EINVAL;
		}
		if (!c->store) {
			c->t->ndev_entries++;
			c->t->entry_count[c->b[p]]++;
		}
		c->entry_off = p;
		c->rs = &rs;
		ivrs_rules_apply(c, IVRS_AT_ENTRY, c->b + p, len);
		if (do_entry(c, p, len, &rs))
			return -EINVAL;
		p += len;
	}
	c->open_at = rs.active ? rs.at : 0;
	return 0;
}

/* Record an IVHD in table order; NULL past the parser limit. */
static struct ivrs_ivhd *note_ivhd(struct ivrs_ctx *c)
{
	struct ivrs_table *t = c->t;
	struct ivrs_ivhd *h;

	if (t->nivhds >= IVRS_MAX_IVHD) {
		sub_log(c, ACPITAB_ERR, "more than %d IVHDs (parser limit)", IVRS_MAX_IVHD);
		return NULL;
	}
	h = &t->ivhds[t->nivhds++];
	*h = (struct ivrs_ivhd){
		.type = c->type, .off = c->off, .unit = -1,
		.devid = acpitab_u16(c->b, c->off + 4),
		.base = acpitab_u64(c->b, c->off + 8),
		.segment = acpitab_u16(c->b, c->off + 16),
	};
	return h;
}

/* First pass over an IVHD: check it, count its entries, note which IOMMU it describes. */
static void parse_ivhd(struct ivrs_ctx *c)
{
	struct ivrs_table *t = c->t;
	int slot = ivrs_ivhd_slot(c->type), k;
	u32 entries_before = t->ndev_entries;
	struct ivrs_ivhd *h;

	t->nivhd[slot]++;
	h = note_ivhd(c);
	if (walk_entries(c, c->type == IVRS_TYPE_IVHD_10 ? 24 : 40) || !h)
		return;
	ivrs_rules_apply(c, IVRS_AT_IVHD, c->b + c->off, c->slen);
	h->nentries = (u16)(t->ndev_entries - entries_before);
	/* One IOMMU may be described by IVHD 10h, 11h and 40h: one unit. */
	for (k = 0; k < t->nunits; k++)
		if (t->units[k].segment == h->segment && t->units[k].devid == h->devid)
			break;
	if (k == t->nunits) {
		if (t->nunits >= IVRS_MAX_UNITS) {
			sub_log(c, ACPITAB_ERR, "more than %d IOMMUs (parser limit)", IVRS_MAX_UNITS);
			return;
		}
		t->units[t->nunits++] = (struct ivrs_unit){ .segment = h->segment,
							   .devid = h->devid,
							   .index = (u16)k };
	}
	h->unit = (s16)k;
	if (t->units[k].ivhd_off[slot])
		return;		/* described twice: the first is used (ivrs.ivhd.twice) */
	t->units[k].ivhd_off[slot] = c->off;
	t->units[k].types_seen |= (u8)(1 << slot);
}

static void parse_ivmd(struct ivrs_ctx *c)
{
	const u8 *b = c->b + c->off;
	struct ivrs_table *t = c->t;
	struct ivrs_ivmd m = { .type = c->type, .flags = b[1] };
	u64 length = acpitab_u64(b, 24);

	t->nivmd_found++;
	ivrs_rules_apply(c, IVRS_AT_IVMD, b, c->slen);
	m.start = acpitab_u64(b, 16);
	m.first = c->type == IVRS_TYPE_IVMD_ALL ? 0 : acpitab_u16(b, 4);
	m.last = c->type == IVRS_TYPE_IVMD_ALL ? 0xffff :
		 c->type == IVRS_TYPE_IVMD_ONE ? m.first : acpitab_u16(b, 6);
	/* dropped: empty, wrapping, unaligned, inverted (rules ivrs.ivmd.*) */
	if (!length || check_add_overflow(m.start, length - 1, &m.end) ||
	    ((m.start | length) & 0xfff) || m.last < m.first)
		return;
	if (t->nivmd >= IVRS_MAX_IVMD) {
		sub_log(c, ACPITAB_ERR, "more than %d IVMDs (parser limit)", IVRS_MAX_IVMD);
		return;
	}
	t->ivmd[t->nivmd++] = m;
}

/* Per subtable type: minimum length and first-pass parser. */
static const struct ivrs_type_info {
	u8 type;
	const char *name;
	u16 min_len;
	void (*parse)(struct ivrs_ctx *c);
} ivrs_types[] = {
	{ IVRS_TYPE_IVHD_10, "IVHD 10h", 24, parse_ivhd },
	{ IVRS_TYPE_IVHD_11, "IVHD 11h", 40, parse_ivhd },
	{ IVRS_TYPE_IVHD_40, "IVHD 40h", 40, parse_ivhd },
	{ IVRS_TYPE_IVMD_ALL, "IVMD 20h", 32, parse_ivmd },
	{ IVRS_TYPE_IVMD_ONE, "IVMD 21h", 32, parse_ivmd },
	{ IVRS_TYPE_IVMD_RANGE, "IVMD 22h", 32, parse_ivmd },
};

static const struct ivrs_type_info *type_info(unsigned int type)
{
	for (size_t i = 0; i < ARRAY_SIZE(ivrs_types); i++)
		if (ivrs_types[i].type == type)
			return &ivrs_types[i];
	return NULL;
}

const char *ivrs_type_name(unsigned int type)
{
	const struct ivrs_type_info *ti = type_info(type);

	return ti ? ti->name : "unknown";
}

/* One subtable at c->off; false when the walk must stop. */
static bool parse_one(struct ivrs_ctx *c)
{
	const struct ivrs_type_info *ti;
	unsigned int type;

	if (acpitab_sub_header(c->b, c->len, c->off, c->idx, true, &c->t->log, &type, &c->slen))
		return false;
	c->type = (u8)type;
	ti = type_info(c->type);
	if (!ti) {
		c->t->nunknown++;
		sub_log(c, ACPITAB_WARN, "unknown IVRS subtable type skipped");
		return true;
	}
	if (c->slen < ti->min_len) {
		sub_log(c, ACPITAB_ERR, "%s length %u is below its minimum %u",
			ti->name, c->slen, ti->min_len);
		return true;
	}
	ti->parse(c);
	return true;
}

/* Second pass: fill each unit from the highest IVHD type describing it. */
static void build_unit(struct ivrs_ctx *c, struct ivrs_unit *u)
{
	int slot = u->types_seen & 4 ? 2 : u->types_seen & 2 ? 1 : 0;
	const u8 *h = c->b + u->ivhd_off[slot];

	c->off = u->ivhd_off[slot];
	c->type = h[0];
	c->slen = acpitab_u16(h, 2);
	u->type = h[0];
	u->flags = h[1];
	u->cap_offset = acpitab_u16(h, 6);
	u->base = acpitab_u64(h, 8);
	u->info = acpitab_u16(h, 18);
	u->attr = acpitab_u32(h, 20);
	if (u->type != IVRS_TYPE_IVHD_10 && (c->t->ivinfo & IVRS_IVINFO_EFRSUP)) {
		u->efr = acpitab_u64(h, 24);
		u->efr2 = acpitab_u64(h, 32);
		u->efr_valid = true;
	}
	u->usable = u->base && !(u->base & 0x3fff);
	c->unit = u->index;
	c->store = true;
	u->first_range = c->t->nranges;
	walk_entries(c, u->type == IVRS_TYPE_IVHD_10 ? 24 : 40);
	u->nranges = (u16)(c->t->nranges - u->first_range);
	c->store = false;
}

/* Units exist only for IVHDs whose entries all walked cleanly. */
static void build_units(struct ivrs_ctx *c)
{
	for (int i = 0; i < c->t->nunits; i++) {
		build_unit(c, &c->t->units[i]);
		c->unit = (u16)i;
		ivrs_rules_apply(c, IVRS_AT_UNIT, c->b, c->len);
	}
}

int ivrs_parse(const void *buf, size_t len, struct ivrs_table *t)
{
	struct ivrs_ctx c = { .b = buf, .t = t };

	memset(t, 0, sizeof(*t));
	if (acpitab_check_header(buf, len, "IVRS", IVRS_HDR_LEN, &t->hdr,
				 &t->log, &c.len))
		return -EINVAL;
	t->ivinfo = acpitab_u32(c.b, 36);
	ivrs_rules_apply(&c, IVRS_AT_TABLE, c.b, c.len);
	for (c.off = IVRS_HDR_LEN; c.off < c.len; c.off += c.slen, c.idx++)
		if (!parse_one(&c))
			break;
	build_units(&c);
	ivrs_rules_apply(&c, IVRS_AT_END, c.b, c.len);
	t->valid = t->log.nerr == 0;
	return t->valid ? 0 : -EINVAL;
}
