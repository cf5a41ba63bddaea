/* SPDX-License-Identifier: MIT */
/*
 * What the DMAR and IVRS parsers share: bounds-checked little-endian reads
 * from a byte buffer, the ACPI header, and the log of errors and warnings.
 * No hardware access; builds into the kernel and hosted. Layouts: ACPI 6.5 5.2.6.
 */
#ifndef IOMMU_ACPITAB_H
#define IOMMU_ACPITAB_H

#include "lib/compiler.h"

#define ACPITAB_HDR_LEN 36
#define ACPITAB_MAX_MSGS 32
#define ACPITAB_MSG_LEN 200

enum acpitab_level {
	ACPITAB_ERR,		/* the table is rejected (valid = false) */
	ACPITAB_WARN,		/* skipped, or a firmware bug; the rest is used */
};

struct acpitab_msg {
	u8 level;			/* enum acpitab_level */
	const char *rule;		/* id of the rule that found it, or NULL */
	char text[ACPITAB_MSG_LEN];
};

/* Errors and warnings of one parse, in the order found. */
struct acpitab_log {
	struct acpitab_msg msg[ACPITAB_MAX_MSGS];
	u16 n;				/* messages stored */
	u16 dropped;			/* messages that did not fit */
	u16 nerr, nwarn;		/* all found, stored or not */
};

/* The standard ACPI header, decoded. */
struct acpitab_hdr {
	char sig[5];
	u32 length;			/* length field */
	u8 revision;
	u8 checksum;			/* the checksum byte */
	bool checksum_ok;		/* bytes [0, length) sum to 0 */
	char oem_id[7];			/* trailing spaces removed */
	char oem_table_id[9];
	u32 oem_revision;
	char creator_id[5];
	u32 creator_revision;
};

/* Little-endian reads; the caller has checked off + size <= buffer length. */
static inline u16 acpitab_u16(const u8 *p, u32 off)
{
	return (u16)(p[off] | p[off + 1] << 8);
}

static inline u32 acpitab_u32(const u8 *p, u32 off)
{
	return (u32)acpitab_u16(p, off) | (u32)acpitab_u16(p, off + 2) << 16;
}

static inline u64 acpitab_u64(const u8 *p, u32 off)
{
	return (u64)acpitab_u32(p, off) | (u64)acpitab_u32(p, off + 4) << 32;
}

/* Are p[off, off + n) all zero (reserved bytes)? */
static inline bool acpitab_zero(const u8 *p, u32 off, u32 n)
{
	while (n--)
		if (p[off++])
			return false;
	return true;
}

/*
 * Check and decode the header of a table of signature sig held in
 * buf[0, buflen): signature, length field (>= min_len and <= buflen),
 * checksum. Errors go to log. Returns 0, or -EINVAL when the table
 * cannot be parsed further (then *len_out is 0); a bad checksum is
 * logged as an error but still returns 0 so the rest can be reported.
 */
int acpitab_check_header(const u8 *buf, size_t buflen, const char *sig,
			 u32 min_len, struct acpitab_hdr *hdr,
			 struct acpitab_log *log, u32 *len_out);

/* Append a message; returns the level for convenience. */
int acpitab_log(struct acpitab_log *log, enum acpitab_level level,
		const char *fmt, ...) __printf(3, 4);

/*
 * Append "subtable IDX type T @0xOFF: " + message, the form every message
 * about one subtable takes; T in hex when hex_type (IVRS), decimal (DMAR).
 */
void acpitab_vlog_sub(struct acpitab_log *log, enum acpitab_level level, int idx,
		      unsigned int type, bool hex_type, u32 off, const char *fmt,
		      va_list ap);

/*
 * Read the 4-byte header of the subtable at off (type: u16 for DMAR, u8 for
 * IVRS; length u16 at +2) in a table of len bytes. Returns 0, or -EINVAL
 * after logging why the walk cannot go on (header or length out of bounds).
 */
int acpitab_sub_header(const u8 *b, u32 len, u32 off, int idx, bool ivrs,
		       struct acpitab_log *log, unsigned int *type, u32 *slen);

/*
 * Rules: the bounds the VT-d and AMD IOMMU specs (and Linux) put on a
 * table's fields and structures. Each parser has one table of them
 * (dmar_rules[], ivrs_rules[]) and applies the rules of a place (its own
 * "at" numbers: the table header, each structure type, device scopes or
 * entries, the whole table after the walk) as it gets there. A field rule
 * reads size bytes at off of the structure and compares them with arg; a
 * check rule calls check(). A broken rule logs "<what it found>; <why>
 * [<id>]" at its level: ACPITAB_ERR rejects the table (as Linux does),
 * ACPITAB_WARN reports a firmware bug the parser works around.
 */
enum acpirule_kind {
	ACPIRULE_RSVD,		/* (field & arg) must be 0: reserved bits */
	ACPIRULE_MIN,		/* field >= arg */
	ACPIRULE_MAX,		/* field <= arg */
	ACPIRULE_ALIGN,		/* field is a multiple of arg (a power of two) */
	ACPIRULE_CHECK,		/* check() */
};

struct acpirule {
	const char *id;		/* e.g. "dmar.haw.min": in the message, named by its test */
	u8 at;			/* where it applies, in the parser's own numbering */
	u8 kind;		/* enum acpirule_kind */
	u8 level;		/* enum acpitab_level */
	u8 off, size;		/* the field: byte offset in the structure, 1..8 bytes */
	u64 arg;		/* mask, bound or alignment */
	const char *what;	/* the field's name, to start the message */
	const char *why;	/* the spec section, or what Linux does */
	/*
	 * ACPIRULE_CHECK: true when the rule is broken, with what was found
	 * written to text[n]. ctx is the parser's own; p[0, len) the structure.
	 */
	bool (*check)(const void *ctx, const u8 *p, u32 len, char *text, size_t n);
};

/* Rows of a rule table: a field rule, and a check rule (what: a few words). */
#define RULE_FIELD(_id, _at, _kind, _lvl, _off, _size, _arg, _what, _why) \
	{ .id = _id, .at = _at, .kind = _kind, .level = _lvl, .off = _off, .size = _size, \
	  .arg = _arg, .what = _what, .why = _why }
#define RULE_CHECK(_id, _at, _lvl, _fn, _what, _why) \
	{ .id = _id, .at = _at, .kind = ACPIRULE_CHECK, .level = _lvl, .check = _fn, \
	  .what = _what, .why = _why }

/* Log text of the broken rule r, at r's level, prefixed by where (may be ""). */
void acpitab_log_rule(struct acpitab_log *log, const struct acpirule *r,
		      const char *where, const char *text);

/*
 * Apply every rule of rules[0, n) whose at matches to the structure p[0,
 * len); report(ctx, rule, text) each one broken. Returns how many broke.
 */
int acpirule_apply(const struct acpirule *rules, int n, unsigned int at,
		   const void *ctx, const u8 *p, u32 len,
		   void (*report)(const void *ctx, const struct acpirule *r, const char *text));

/* The rule with this id in rules[0, n), or NULL. */
const struct acpirule *acpirule_find(const struct acpirule *rules, int n, const char *id);

/* True when some stored message of that level came from rule id. */
bool acpitab_log_has_rule(const struct acpitab_log *log, enum acpitab_level level,
			  const char *id);

/* The i-th message of a level (0-based), or NULL. */
const char *acpitab_msg_at(const struct acpitab_log *log,
			   enum acpitab_level level, int i);

/* True when some stored message of that level contains needle. */
bool acpitab_log_has(const struct acpitab_log *log, enum acpitab_level level,
		     const char *needle);

#endif
