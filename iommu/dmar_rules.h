/* SPDX-License-Identifier: MIT */
/*
 * Private to the DMAR parser: its walking state, which dmar.c fills and the
 * rules of dmar_rules.c read. Not for drivers (they use dmar.h).
 */
#ifndef IOMMU_DMAR_RULES_H
#define IOMMU_DMAR_RULES_H

#include "iommu/dmar.h"

/* Where a DMAR rule applies (acpirule.at): a structure type 0..6, or these. */
enum dmar_rule_at {
	DMAR_AT_TABLE = 16,	/* the 48-byte header; p is the table */
	DMAR_AT_SCOPE,		/* one device scope; p is the scope */
	DMAR_AT_END,		/* after the walk; p is the table */
};

/* Where the parser is: the table, and the structure being read. */
struct dmar_ctx {
	const u8 *b;
	u32 len;		/* table length field, <= bytes given */
	struct dmar_table *t;
	int idx;		/* structure number, 0-based */
	u16 type;
	u32 off;		/* structure offset */
	u32 slen;		/* structure length */
	u32 scope_off;		/* the device scope being checked */
	int order_idx;		/* first structure out of type order, or -1 */
	u16 order_type, order_after;	/* its type, and the type it came after */
};

/* Report a broken rule, prefixed with the structure (and scope) it concerns. */
void dmar_rule_report(const void *ctx, const struct acpirule *r, const char *text);

/* Apply the rules of at to p[0, len). */
static inline void dmar_rules_apply(struct dmar_ctx *c, unsigned int at, const u8 *p, u32 len)
{
	acpirule_apply(dmar_rules, dmar_nrules, at, c, p, len, dmar_rule_report);
}

/* RMRR range checks, shared by the rules that report and the parser that drops. */
static inline bool dmar_rmrr_empty(u64 base, u64 end)
{
	return !base && !end;
}

static inline bool dmar_rmrr_inverted(u64 base, u64 end)
{
	return end < base;
}

static inline bool dmar_rmrr_unaligned(u64 base, u64 end)
{
	return (base & 0xfff) || ((end + 1) & 0xfff);
}

/* A scope's path has a device above 31 or a function above 7 (p: the scope). */
bool dmar_scope_path_bad(const u8 *p, u32 len, unsigned int *hop);

#endif
