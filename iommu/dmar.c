// SPDX-License-Identifier: MIT
/*
 * DMAR parser: walks the remapping structures of a table held in memory,
 * checking every length before reading, and builds struct dmar_table.
 * Lookups (which unit, which RMRR) are in dmar_match.c. Layouts: VT-d 4.1 ch. 8.
 */
#include "iommu/dmar_rules.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

static void sub_log(struct dmar_ctx *c, enum acpitab_level lvl,
		    const char *fmt, ...) __printf(3, 4);

/* Log a message prefixed with the structure it concerns. */
static void sub_log(struct dmar_ctx *c, enum acpitab_level lvl,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	acpitab_vlog_sub(&c->t->log, lvl, c->idx, c->type, false, c->off, fmt, ap);
	va_end(ap);
}

static const char *const scope_names[DMAR_SCOPE_NTYPES] = {
	[DMAR_SCOPE_ENDPOINT] = "endpoint",
	[DMAR_SCOPE_BRIDGE] = "bridge",
	[DMAR_SCOPE_IOAPIC] = "ioapic",
	[DMAR_SCOPE_HPET] = "hpet",
	[DMAR_SCOPE_ACPI] = "acpi",
};

const char *dmar_scope_type_name(unsigned int type)
{
	if (type < DMAR_SCOPE_NTYPES && scope_names[type])
		return scope_names[type];
	return "unknown";
}

/* Check one scope entry at p (header already bounded) and store it. */
static int store_scope(struct dmar_ctx *c, u32 p, u8 slen)
{
	struct dmar_table *t = c->t;
	struct dmar_scope *s;
	u8 type = c->b[p];
	u8 nhops = (u8)((slen - 6) / 2);
	unsigned int hop;

	if (type == 0 || type >= DMAR_SCOPE_NTYPES || dmar_scope_path_bad(c->b + p, slen, &hop))
		return 0;	/* skipped: rules dmar.scope.type, dmar.scope.path */
	if (nhops > DMAR_MAX_HOPS) {
		sub_log(c, ACPITAB_ERR, "device scope @0x%x has %u path entries, more than the parser's %d",
			p, nhops, DMAR_MAX_HOPS);
		return -EINVAL;
	}
	if (t->nscopes >= DMAR_MAX_SCOPES) {
		sub_log(c, ACPITAB_ERR, "more than %d device scopes in the table (parser limit)",
			DMAR_MAX_SCOPES);
		return -EINVAL;
	}
	s = &t->scopes[t->nscopes];
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->flags = c->b[p + 2];
	s->enum_id = c->b[p + 4];
	s->bus = c->b[p + 5];
	s->nhops = nhops;
	for (u8 i = 0; i < nhops; i++)
		s->path[i] = (u8)(c->b[p + 6 + 2 * i] << 3 | c->b[p + 7 + 2 * i]);
	t->nscopes++;
	return 0;
}

/*
 * Parse the device scopes in [from, c->off + c->slen) and record where they
 * went (*first, *n). Returns 0, or -EINVAL after logging an error.
 */
static int parse_scopes(struct dmar_ctx *c, u32 from, u16 *first, u16 *n)
{
	u32 end = c->off + c->slen, p = from;
	int ret = 0;

	*first = c->t->nscopes;
	while (p < end) {
		u8 slen;

		if (end - p < 2) {
			sub_log(c, ACPITAB_ERR, "device scope @0x%x: %u byte left, too short for a scope header",
				p, end - p);
			return -EINVAL;
		}
		slen = c->b[p + 1];
		if (slen < 8 || (slen & 1)) {
			sub_log(c, ACPITAB_ERR, "device scope @0x%x has length %u (must be even and at least 8)",
				p, slen);
			return -EINVAL;
		}
		if (slen > end - p) {
			sub_log(c, ACPITAB_ERR, "device scope @0x%x has length %u but only %u bytes are left in its structure",
				p, slen, end - p);
			return -EINVAL;
		}
		c->t->nscope_entries++;
		if (c->b[p] < DMAR_SCOPE_NTYPES)
			c->t->scope_count[c->b[p]]++;
		c->scope_off = p;
		dmar_rules_apply(c, DMAR_AT_SCOPE, c->b + p, slen);
		if (!ret)
			ret = store_scope(c, p, slen);
		p += slen;
	}
	*n = (u16)(c->t->nscopes - *first);
	return ret;
}

static int parse_drhd(struct dmar_ctx *c)
{
	struct dmar_table *t = c->t;
	struct dmar_unit *u;
	const u8 *b = c->b + c->off;

	if (t->nunits >= DMAR_MAX_UNITS) {
		sub_log(c, ACPITAB_ERR, "more than %d DRHDs (parser limit)", DMAR_MAX_UNITS);
		return -EINVAL;
	}
	u = &t->units[t->nunits];
	memset(u, 0, sizeof(*u));
	u->flags = b[4];
	u->reg_size = 4096ULL << (b[5] & 0xf);
	u->segment = acpitab_u16(b, 6);
	u->base = acpitab_u64(b, 8);
	u->include_all = u->flags & DMAR_DRHD_INCLUDE_PCI_ALL;
	u->proximity = -1;
	u->index = t->nunits;
	/* a base of 0 or off a page: rules dmar.drhd.base0, dmar.drhd.align */
	u->usable = u->base && !(u->base & 0xfff);
	t->nunits++;
	return parse_scopes(c, c->off + 16, &u->first_scope, &u->nscopes);
}

/* Bug class 44: empty, inverted and unaligned RMRRs are dropped (rules dmar.rmrr.*). */
static bool rmrr_sane(u64 base, u64 end)
{
	return !dmar_rmrr_empty(base, end) && !dmar_rmrr_inverted(base, end) &&
	       !dmar_rmrr_unaligned(base, end);
}

static int parse_rmrr(struct dmar_ctx *c)
{
	struct dmar_table *t = c->t;
	const u8 *b = c->b + c->off;
	struct dmar_rmrr r = {
		.segment = acpitab_u16(b, 6),
		.base = acpitab_u64(b, 8),
		.end = acpitab_u64(b, 16),
	};
	u16 nscopes_before = t->nscopes;

	if (parse_scopes(c, c->off + 24, &r.first_scope, &r.nscopes))
		return -EINVAL;
	if (!rmrr_sane(r.base, r.end)) {
		t->nscopes = nscopes_before;	/* drop its scopes with it */
		return 0;
	}
	if (t->nrmrr >= DMAR_MAX_RMRR) {
		sub_log(c, ACPITAB_ERR, "more than %d RMRRs (parser limit)", DMAR_MAX_RMRR);
		return -EINVAL;
	}
	t->rmrr[t->nrmrr++] = r;
	return 0;
}

/* ATSR, SATC and SIDP share a shape: flags, segment, scopes from byte 8. */
static int parse_scoped(struct dmar_ctx *c, struct dmar_atsr *arr, u16 *n, int max)
{
	const u8 *b = c->b + c->off;
	struct dmar_atsr a = { .flags = b[4], .segment = acpitab_u16(b, 6) };

	if (*n >= max) {
		sub_log(c, ACPITAB_ERR, "more than %d %s structures (parser limit)",
			max, dmar_type_name(c->type));
		return -EINVAL;
	}
	if (c->type == DMAR_TYPE_SIDP)
		a.flags = 0;
	if (parse_scopes(c, c->off + 8, &a.first_scope, &a.nscopes))
		return -EINVAL;
	arr[(*n)++] = a;
	return 0;
}

static int parse_atsr(struct dmar_ctx *c)
{
	return parse_scoped(c, c->t->atsr, &c->t->natsr, DMAR_MAX_ATSR);
}

static int parse_satc(struct dmar_ctx *c)
{
	return parse_scoped(c, c->t->satc, &c->t->nsatc, DMAR_MAX_SATC);
}

static int parse_sidp(struct dmar_ctx *c)
{
	return parse_scoped(c, c->t->sidp, &c->t->nsidp, DMAR_MAX_SIDP);
}

static int parse_rhsa(struct dmar_ctx *c)
{
	struct dmar_table *t = c->t;
	const u8 *b = c->b + c->off;

	if (t->nrhsa >= DMAR_MAX_RHSA) {
		sub_log(c, ACPITAB_ERR, "more than %d RHSAs (parser limit)", DMAR_MAX_RHSA);
		return -EINVAL;
	}
	t->rhsa[t->nrhsa].base = acpitab_u64(b, 8);
	t->rhsa[t->nrhsa].proximity = acpitab_u32(b, 16);
	t->nrhsa++;
	return 0;
}

static int parse_andd(struct dmar_ctx *c)
{
	struct dmar_table *t = c->t;
	const u8 *b = c->b + c->off;
	struct dmar_andd *a;
	u32 room = c->slen - 8, len = 0;

	if (t->nandd >= DMAR_MAX_ANDD) {
		sub_log(c, ACPITAB_ERR, "more than %d ANDDs (parser limit)", DMAR_MAX_ANDD);
		return -EINVAL;
	}
	a = &t->andd[t->nandd++];
	a->acpi_dev = b[7];
	while (len < room && b[8 + len])
		len++;		/* unterminated or empty: rules dmar.andd.nul, .empty */
	for (u32 i = 0; i < len && i < DMAR_ANDD_NAME - 1; i++)
		a->name[i] = (b[8 + i] >= 0x20 && b[8 + i] < 0x7f) ? (char)b[8 + i] : '?';
	return 0;
}

/* Per type: name, minimum length, parser. */
static const struct dmar_type_info {
	const char *name;
	u16 min_len;
	int (*parse)(struct dmar_ctx *c);
} dmar_types[DMAR_NTYPES] = {
	[DMAR_TYPE_DRHD] = { "DRHD", 16, parse_drhd },
	[DMAR_TYPE_RMRR] = { "RMRR", 24, parse_rmrr },
	[DMAR_TYPE_ATSR] = { "ATSR", 8, parse_atsr },
	[DMAR_TYPE_RHSA] = { "RHSA", 20, parse_rhsa },
	[DMAR_TYPE_ANDD] = { "ANDD", 8, parse_andd },
	[DMAR_TYPE_SATC] = { "SATC", 8, parse_satc },
	[DMAR_TYPE_SIDP] = { "SIDP", 8, parse_sidp },
};

const char *dmar_type_name(unsigned int type)
{
	return type < DMAR_NTYPES ? dmar_types[type].name : "unknown";
}

/* One remapping structure at c->off; returns false when the walk must stop. */
static bool parse_one(struct dmar_ctx *c)
{
	unsigned int type;

	if (acpitab_sub_header(c->b, c->len, c->off, c->idx, false, &c->t->log, &type, &c->slen))
		return false;
	c->type = (u16)type;
	if (c->type >= DMAR_NTYPES) {
		c->t->nunknown++;
		sub_log(c, ACPITAB_WARN, "unknown DMAR structure type skipped (%u bytes)", c->slen);
		return true;
	}
	c->t->count[c->type]++;
	if (c->order_idx < 0 && c->type < c->order_after) {
		c->order_idx = c->idx;
		c->order_type = c->type;
	} else if (c->order_idx < 0) {
		c->order_after = c->type;
	}
	if (c->slen < dmar_types[c->type].min_len) {
		sub_log(c, ACPITAB_ERR, "%s length %u is below its minimum %u",
			dmar_types[c->type].name, c->slen, dmar_types[c->type].min_len);
		return true;
	}
	dmar_types[c->type].parse(c);
	dmar_rules_apply(c, c->type, c->b + c->off, c->slen);
	return true;
}

/* RHSA -> unit proximity (an RHSA naming no unit: rule dmar.rhsa.unit). */
static void link_rhsa(struct dmar_table *t)
{
	for (int i = 0; i < t->nrhsa; i++)
		for (int k = 0; k < t->nunits; k++)
			if (t->units[k].base == t->rhsa[i].base)
				t->units[k].proximity = t->rhsa[i].proximity;
}

int dmar_parse(const void *buf, size_t len, struct dmar_table *t)
{
	struct dmar_ctx c = { .b = buf, .t = t, .order_idx = -1 };

	memset(t, 0, sizeof(*t));
	if (acpitab_check_header(buf, len, "DMAR", DMAR_HDR_LEN, &t->hdr,
				 &t->log, &c.len))
		return -EINVAL;
	t->haw = (u16)(c.b[36] + 1);
	t->flags = c.b[37];
	dmar_rules_apply(&c, DMAR_AT_TABLE, c.b, c.len);
	for (c.off = DMAR_HDR_LEN; c.off < c.len; c.off += c.slen, c.idx++)
		if (!parse_one(&c))
			break;
	link_rhsa(t);
	dmar_rules_apply(&c, DMAR_AT_END, c.b, c.len);
	t->valid = t->log.nerr == 0;
	return t->valid ? 0 : -EINVAL;
}
