/* SPDX-License-Identifier: MIT */
/*
 * Register field tables: one row per field ({ "SAGAW", 12, 8, ... }), read
 * by the drivers' feature accessors, the boot dump and the iommu-caps tool.
 * No register access here; callers pass the value they read.
 */
#ifndef IOMMU_REGFIELD_H
#define IOMMU_REGFIELD_H

#include "lib/compiler.h"

enum regfield_kind {
	RF_FLAG,		/* one bit: a feature is there or not */
	RF_NUM,			/* a number (after the row's transform) */
	RF_LIST,		/* a list derived from a bit mask (levels, page sizes) */
	RF_DEPRECATED,		/* an older spec's field: decoded, no warning */
	RF_RESERVED,		/* reserved: a set bit gives a warning */
};

/* How a field's raw value becomes the value people and drivers use. */
enum regfield_xform {
	RF_X_NONE,
	RF_X_PLUS1,		/* raw + 1 (MGAW, NFR) */
	RF_X_TIMES16,		/* raw * 16: a register offset in bytes (FRO, IRO) */
	RF_X_NDOMS,		/* 2 ^ (4 + 2 * raw): number of domain ids */
	RF_X_SAGAW_LEVELS,	/* SAGAW bits -> page-table levels (bit n: n + 2 levels) */
	RF_X_SAGAW_WIDTHS,	/* SAGAW bits -> address widths (30 + 9 * n) */
	RF_X_SLLPS,		/* SLLPS bits -> page sizes 2M, 1G, 512G, 256T */
};

struct regfield {
	const char *name;	/* spec name, e.g. "SAGAW" */
	u8 hi, lo;		/* bit positions, inclusive */
	u8 kind;		/* enum regfield_kind */
	u8 xform;		/* enum regfield_xform */
	bool alias;		/* a second view of bits another row covers */
	const char *key;	/* output key (fixtures' column name), NULL = none */
	const char *desc;	/* what it means, or what the driver decides from it */
};

/* Row builders: spec name, bits, output key, description. */
#define RF_ROW_FLAG(n, b, k, d)		{ n, b, b, RF_FLAG, RF_X_NONE, false, k, d }
#define RF_ROW_NUM(n, h, l, x, k, d)	{ n, h, l, RF_NUM, x, false, k, d }
#define RF_ROW_LIST(n, h, l, x, k, d)	{ n, h, l, RF_LIST, x, false, k, d }
#define RF_ROW_DEP(n, h, l, k, d)	{ n, h, l, RF_DEPRECATED, RF_X_NONE, false, k, d }
#define RF_ROW_RSVD(h, l)		{ "RSVD", h, l, RF_RESERVED, RF_X_NONE, false, NULL, "reserved" }

/* A table of rows for one register. */
struct regfield_reg {
	const char *name;	/* "CAP", "ECAP", "EFR" ... */
	const struct regfield *rows;
	int nrows;
};

/* Raw field value. */
static inline u64 regfield_raw(const struct regfield *f, u64 v)
{
	u64 mask = f->hi >= 63 ? ~0ULL : (1ULL << (f->hi + 1)) - 1;

	return (v & mask) >> f->lo;
}

/* Field value after its transform (RF_X_NONE/PLUS1/TIMES16/NDOMS; lists: raw bits). */
u64 regfield_value(const struct regfield *f, u64 v);

/*
 * The elements of a RF_LIST field: writes up to max numbers (levels or
 * widths or page sizes in bytes) to out; returns how many there are.
 */
int regfield_list(const struct regfield *f, u64 v, u64 *out, int max);

/* Format a list element for people: "4" (levels), "48" (widths), "2M" (pages). */
int regfield_list_elem_str(const struct regfield *f, u64 elem, char *buf, size_t n);

/* Set bits of v that fall in RF_RESERVED rows. */
u64 regfield_reserved_bits(const struct regfield_reg *r, u64 v);

/* Row by key (or spec name when key is NULL for it), or NULL. */
const struct regfield *regfield_find(const struct regfield_reg *r, const char *key);

/*
 * Check a table: rows (aliases aside) do not overlap and together cover
 * bits [0, width). Returns 0, or the first bit that is wrong + 1 as a
 * negative number (-(bit + 1)).
 */
int regfield_check_table(const struct regfield_reg *r, int width);

/*
 * One-line summary for the boot dump: numbers as NAME=value (plain fields
 * that are 0 left out), set flags by name, e.g. "SAGAW=3,4 MGAW=48 ... PSI".
 * Returns the length snprintf would write.
 */
int regfield_summary(const struct regfield_reg *r, u64 v, char *buf, size_t n);

/* Warnings about one register value (reserved bits and field sanity). */
#define REGFIELD_MAX_WARN 8
#define REGFIELD_WARN_LEN 120

struct regfield_warnings {
	int n;
	char msg[REGFIELD_MAX_WARN][REGFIELD_WARN_LEN];
};

void regfield_warn(struct regfield_warnings *w, const char *fmt, ...) __printf(2, 3);
/* Add "REG has reserved bits set: 0x..." when reserved bits are set. */
void regfield_warn_reserved(struct regfield_warnings *w,
			    const struct regfield_reg *r, u64 v);

struct json;
/*
 * Every keyed, non-reserved row of r as "key": value members of the object
 * j is writing (numbers after their transform, flags as booleans, lists as
 * arrays; page sizes as "2M"...). present false writes null for each key.
 * iommu-caps --json and the kernel's bring-up line both use it.
 */
void regfield_json(struct json *j, const struct regfield_reg *r, u64 v, bool present);

#endif
