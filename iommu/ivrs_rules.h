/* SPDX-License-Identifier: MIT */
/*
 * Private to the IVRS parser: its walking state, which ivrs.c fills and the
 * rules of ivrs_rules.c read. Not for drivers (they use ivrs.h).
 */
#ifndef IOMMU_IVRS_RULES_H
#define IOMMU_IVRS_RULES_H

#include "iommu/ivrs.h"

/* Where an IVRS rule applies (acpirule.at). */
enum ivrs_rule_at {
	IVRS_AT_TABLE,		/* the 48-byte header; p is the table */
	IVRS_AT_IVHD,		/* an IVHD of any type, after its entries; p is the IVHD */
	IVRS_AT_IVMD,		/* an IVMD; p is the IVMD */
	IVRS_AT_ENTRY,		/* an IVHD device entry; p is the entry */
	IVRS_AT_UNIT,		/* each IOMMU (ivrs_ctx.unit) once built; p is the table */
	IVRS_AT_END,		/* after the walk and the units; p is the table */
};

/* A range start (03h, 43h, 47h) waiting for its range end (04h). */
struct range_start {
	bool active;
	u32 at;
	u8 kind, dte;
	u16 first, alias;
	u32 ext;
};

/* Where the parser is: the table, the subtable, the entry, per-IOMMU IVHDs. */
struct ivrs_ctx {
	const u8 *b;
	u32 len;
	struct ivrs_table *t;
	int idx;		/* subtable number, 0-based */
	u8 type;
	u32 off, slen;
	bool store;		/* second pass: store entries of the IVHD used */
	u16 unit;		/* unit being stored, or checked */
	u32 entry_off;		/* the device entry being checked */
	const struct range_start *rs;	/* the open range at that entry */
	u32 open_at;		/* a range start the IVHD never ended, or 0 */
};

/* Report a broken rule, prefixed with the subtable it concerns. */
void ivrs_rule_report(const void *ctx, const struct acpirule *r, const char *text);

/* Apply the rules of at to p[0, len) (first pass only: the second says nothing). */
static inline void ivrs_rules_apply(struct ivrs_ctx *c, unsigned int at, const u8 *p, u32 len)
{
	if (!c->store)
		acpirule_apply(ivrs_rules, ivrs_nrules, at, c, p, len, ivrs_rule_report);
}

/* Special device varieties the IVRS defines (entry 48h). */
static inline bool ivrs_variety_known(u8 v)
{
	return v == IVRS_SPECIAL_IOAPIC || v == IVRS_SPECIAL_HPET;
}

#endif
