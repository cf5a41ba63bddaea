// SPDX-License-Identifier: MIT
/*
 * The IVRS rule table: every bound the AMD IOMMU spec (rev 3.x, 5.2) and
 * Linux 6.12 (drivers/iommu/amd/init.c) put on an IVRS, one row each, with
 * what Linux does when it is broken. ivrs.c applies them as it walks.
 */
#include "iommu/ivrs_rules.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CTX(ctx) ((const struct ivrs_ctx *)(ctx))
#define BDF(d) (d) >> 8, ((d) >> 3) & 0x1f, (d) & 7

void ivrs_rule_report(const void *ctx, const struct acpirule *r, const char *text)
{
	const struct ivrs_ctx *c = ctx;
	char where[48] = "";

	if (r->at == IVRS_AT_IVHD || r->at == IVRS_AT_IVMD || r->at == IVRS_AT_ENTRY)
		snprintf(where, sizeof(where), "subtable %d type 0x%02x @0x%x: ", c->idx, c->type,
			 c->off);
	else if (r->at == IVRS_AT_UNIT)
		snprintf(where, sizeof(where), "IOMMU %04x:%02x:%02x.%u: ",
			 c->t->units[c->unit].segment, BDF(c->t->units[c->unit].devid));
	acpitab_log_rule(&c->t->log, r, where, text);
}

/* --- the table header ------------------------------------------------------ */

static bool hdr_reserved(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "reserved bytes 40..47 are not zero");
	return !acpitab_zero(p, 40, 8);
}

/* --- IVHD ------------------------------------------------------------------- */

static bool ivhd_cap(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	u16 cap = acpitab_u16(p, 6);

	snprintf(text, n, "capability offset 0x%x is not a PCI capability pointer (0x40..0xfc, dword aligned)",
		 cap);
	return cap < 0x40 || cap > 0xfc || (cap & 3);
}

static bool ivhd_efr_unused(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "IVHD %02xh carries an EFR image, but IVinfo.EFRSup is clear", p[0]);
	return p[0] != IVRS_TYPE_IVHD_10 && !(CTX(ctx)->t->ivinfo & IVRS_IVINFO_EFRSUP);
}

static bool range_never_ended(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "range start @0x%x has no range end; ignored", CTX(ctx)->open_at);
	return CTX(ctx)->open_at;
}

/* --- device entries (p: the entry; the IVHD is CTX(ctx)->type) ------------- */

/* The entry types the spec defines. */
static bool entry_known(u8 type)
{
	static const u8 known[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x40, 0x42, 0x43, 0x46, 0x47,
				    0x48, 0xf0 };

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (known[i] == type)
			return true;
	return false;
}

static bool entry_unknown(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "device entry @0x%x has unknown type 0x%02x; skipped (%u bytes)",
		 CTX(ctx)->entry_off, p[0], len);
	return !entry_known(p[0]);
}

static bool entry_dte_reserved(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "device entry @0x%x DTE setting 0x%02x has reserved bit 3 set",
		 CTX(ctx)->entry_off, p[3]);
	return p[0] != IVRS_DEV_PAD4 && p[0] != IVRS_DEV_PAD8 && p[0] != IVRS_DEV_RANGE_END &&
	       entry_known(p[0]) && (p[3] & 0x08);
}

static bool alias_reserved(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	if ((p[0] != IVRS_DEV_ALIAS_SELECT && p[0] != IVRS_DEV_ALIAS_RANGE) || (!p[4] && !p[7]))
		return false;
	snprintf(text, n, "alias entry @0x%x has reserved byte 4 or 7 set (0x%02x, 0x%02x)",
		 CTX(ctx)->entry_off, p[4], p[7]);
	return true;
}

static bool special_variety(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	if (p[0] != IVRS_DEV_SPECIAL || ivrs_variety_known(p[7]))
		return false;
	snprintf(text, n, "special device entry @0x%x has unknown variety %u",
		 CTX(ctx)->entry_off, p[7]);
	return true;
}

static bool range_end_alone(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "range end @0x%x without a range start; ignored", CTX(ctx)->entry_off);
	return p[0] == IVRS_DEV_RANGE_END && !CTX(ctx)->rs->active;
}

static bool range_inverted(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct range_start *rs = CTX(ctx)->rs;

	snprintf(text, n, "device range @0x%x ends (0x%04x) before it starts (0x%04x); ignored",
		 rs->at, acpitab_u16(p, 1), rs->first);
	return p[0] == IVRS_DEV_RANGE_END && rs->active && acpitab_u16(p, 1) < rs->first;
}

static bool range_interrupted(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "range start @0x%x is not followed by a range end", CTX(ctx)->rs->at);
	return p[0] != IVRS_DEV_RANGE_END && CTX(ctx)->rs->active;
}

static bool hid_outside_40h(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "ACPI HID entry @0x%x in an IVHD of type 0x%02x (only 40h defines it)",
		 CTX(ctx)->entry_off, CTX(ctx)->type);
	return p[0] == IVRS_DEV_ACPI_HID && CTX(ctx)->type != IVRS_TYPE_IVHD_40;
}

/* Entries of type F0h are at least 22 bytes (the walker checked). */
static bool hid_empty(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	if (p[0] != IVRS_DEV_ACPI_HID || p[4])
		return false;
	snprintf(text, n, "ACPI HID entry @0x%x has an empty HID", CTX(ctx)->entry_off);
	return true;
}

static bool hid_uid(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	if (p[0] != IVRS_DEV_ACPI_HID || !((p[20] == 0 && p[21]) || p[20] > 2))
		return false;
	snprintf(text, n, "ACPI HID entry @0x%x has UID format %u with %u UID bytes",
		 CTX(ctx)->entry_off, p[20], p[21]);
	return true;
}

static bool hid_uid_long(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	if (p[0] != IVRS_DEV_ACPI_HID || p[21] <= IVRS_UID_LEN)
		return false;
	snprintf(text, n, "ACPI HID entry @0x%x UID of %u bytes cut to %d",
		 CTX(ctx)->entry_off, p[21], IVRS_UID_LEN);
	return true;
}

/* --- IVMD ------------------------------------------------------------------- */

static bool ivmd_reserved(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "IVMD reserved bytes 10..15 are not zero");
	return !acpitab_zero(p, 10, 6);
}

static bool ivmd_length(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "IVMD length %u is not 32", len);
	return len != 32;
}

static bool ivmd_devid_reserved(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "IVMD %02xh has device ID 0x%04x, auxiliary data 0x%04x where they are reserved",
		 p[0], acpitab_u16(p, 4), acpitab_u16(p, 6));
	return (p[0] == IVRS_TYPE_IVMD_ALL && (acpitab_u16(p, 4) || acpitab_u16(p, 6))) ||
	       (p[0] == IVRS_TYPE_IVMD_ONE && acpitab_u16(p, 6));
}

static bool ivmd_empty(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "IVMD at 0x%llx has length 0; rejected",
		 (unsigned long long)acpitab_u64(p, 16));
	return !acpitab_u64(p, 24);
}

static bool ivmd_wraps(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	u64 s = acpitab_u64(p, 16), l = acpitab_u64(p, 24), end;

	snprintf(text, n, "IVMD [0x%llx, +0x%llx] wraps past 2^64; rejected",
		 (unsigned long long)s, (unsigned long long)l);
	return l && check_add_overflow(s, l - 1, &end);
}

static bool ivmd_unaligned(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	u64 s = acpitab_u64(p, 16), l = acpitab_u64(p, 24);

	snprintf(text, n, "IVMD [0x%llx, +0x%llx] is not 4 KiB aligned; rejected",
		 (unsigned long long)s, (unsigned long long)l);
	return l && ((s | l) & 0xfff);
}

static bool ivmd_devids_inverted(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "IVMD devid range 0x%04x..0x%04x is inverted; rejected",
		 acpitab_u16(p, 4), acpitab_u16(p, 6));
	return p[0] == IVRS_TYPE_IVMD_RANGE && acpitab_u16(p, 6) < acpitab_u16(p, 4);
}

static bool ivmd_kind(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "IVMD [0x%llx, +0x%llx] is neither unity nor exclusion range",
		 (unsigned long long)acpitab_u64(p, 16), (unsigned long long)acpitab_u64(p, 24));
	return !(p[1] & (IVRS_IVMD_UNITY | IVRS_IVMD_EXCL));
}

static bool ivmd_no_access(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "IVMD [0x%llx, +0x%llx] is a unity range that may be neither read nor written",
		 (unsigned long long)acpitab_u64(p, 16), (unsigned long long)acpitab_u64(p, 24));
	return (p[1] & (IVRS_IVMD_UNITY | IVRS_IVMD_EXCL | IVRS_IVMD_IR | IVRS_IVMD_IW)) ==
	       IVRS_IVMD_UNITY;
}

static bool ivmd_above_pa(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	unsigned int pa = (CTX(ctx)->t->ivinfo & IVRS_IVINFO_PASIZE) >> 8;
	u64 s = acpitab_u64(p, 16), l = acpitab_u64(p, 24), end;

	snprintf(text, n, "IVMD [0x%llx, +0x%llx] ends above the %u-bit physical address size",
		 (unsigned long long)s, (unsigned long long)l, pa);
	return pa && pa < 64 && l && !check_add_overflow(s, l - 1, &end) && (end >> pa);
}

/* --- each unit, after the walk (CTX(ctx)->unit) ---------------------------- */

#define UNIT(ctx) (&CTX(ctx)->t->units[CTX(ctx)->unit])

static bool unit_base0(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "MMIO base is 0; unit not usable");
	return !UNIT(ctx)->base;
}

static bool unit_align(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	snprintf(text, n, "MMIO base 0x%llx is not 16 KiB aligned; unit not usable",
		 (unsigned long long)UNIT(ctx)->base);
	return UNIT(ctx)->base & 0x3fff;
}

static bool unit_bases_differ(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct ivrs_unit *u = UNIT(ctx);

	for (int s = 0; s < 3; s++) {
		u64 other;

		if (!u->ivhd_off[s])
			continue;
		other = acpitab_u64(p, u->ivhd_off[s] + 8);
		snprintf(text, n, "%s gives base 0x%llx but IVHD %02xh (used) gives 0x%llx",
			 ivrs_type_name(p[u->ivhd_off[s]]), (unsigned long long)other, u->type,
			 (unsigned long long)u->base);
		if (other != u->base)
			return true;
	}
	return false;
}

/*
 * Linux uses one IVHD type for every IOMMU: the last type (up to 40h, the
 * walk stops at a higher one) of the subtables that name the first IVHD's
 * devid. 0 when the table has no subtable.
 */
static u8 linux_ivhd_type(const u8 *p, u32 len)
{
	u32 off = IVRS_HDR_LEN;
	u16 devid;
	u8 last;

	if (off + 6 > len)
		return 0;
	last = p[off];
	devid = acpitab_u16(p, off + 4);
	while (off + 6 <= len && p[off] <= IVRS_TYPE_IVHD_40 && acpitab_u16(p, off + 2)) {
		if (acpitab_u16(p, off + 4) == devid)
			last = p[off];
		off += acpitab_u16(p, off + 2);
	}
	return last;
}

static bool unit_linux_type(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	u8 type = linux_ivhd_type(p, len);
	int slot = ivrs_ivhd_slot(type);

	snprintf(text, n, "Linux uses only subtables of type %02xh, and none describes this IOMMU",
		 type);
	return slot < 0 || !(UNIT(ctx)->types_seen & (1 << slot));
}

/* --- the whole table ------------------------------------------------------- */

static bool no_ivhd(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct ivrs_table *t = CTX(ctx)->t;

	snprintf(text, n, "no IVHD: the table describes no IOMMU");
	return !t->nivhd[0] && !t->nivhd[1] && !t->nivhd[2];
}

static bool ivhd_twice(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct ivrs_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nivhds; i++)
		for (int j = i + 1; j < t->nivhds; j++) {
			const struct ivrs_ivhd *a = &t->ivhds[i], *b = &t->ivhds[j];

			if (a->type != b->type || a->segment != b->segment || a->devid != b->devid)
				continue;
			snprintf(text, n, "IOMMU %04x:%02x:%02x.%u is described twice by IVHD type 0x%02x; the first is used",
				 a->segment, BDF(a->devid), a->type);
			return true;
		}
	return false;
}

static bool units_share_base(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct ivrs_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nunits; i++)
		for (int j = i + 1; j < t->nunits; j++)
			if (t->units[i].base && t->units[i].base == t->units[j].base) {
				snprintf(text, n, "IOMMUs %02x:%02x.%u and %02x:%02x.%u share MMIO base 0x%llx",
					 BDF(t->units[i].devid), BDF(t->units[j].devid),
					 (unsigned long long)t->units[i].base);
				return true;
			}
	return false;
}

static bool units_efr_differ(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct ivrs_table *t = CTX(ctx)->t;
	const struct ivrs_unit *first = NULL;

	for (int i = 0; i < t->nunits; i++) {
		const struct ivrs_unit *u = &t->units[i];

		if (!u->efr_valid)
			continue;
		if (!first) {
			first = u;
		} else if (u->efr != first->efr || u->efr2 != first->efr2) {
			snprintf(text, n, "IOMMU %02x:%02x.%u EFR 0x%llx, 0x%llx differs from IOMMU %02x:%02x.%u's 0x%llx, 0x%llx",
				 BDF(u->devid), (unsigned long long)u->efr, (unsigned long long)u->efr2,
				 BDF(first->devid), (unsigned long long)first->efr,
				 (unsigned long long)first->efr2);
			return true;
		}
	}
	return false;
}

static bool special_twice(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct ivrs_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nspecial; i++)
		for (int j = i + 1; j < t->nspecial; j++) {
			const struct ivrs_special *a = &t->special[i], *b = &t->special[j];

			if (a->variety != b->variety || a->handle != b->handle || a->devid == b->devid)
				continue;
			snprintf(text, n, "%s %u is at %02x:%02x.%u and at %02x:%02x.%u",
				 a->variety == IVRS_SPECIAL_IOAPIC ? "IOAPIC" : "HPET", a->handle,
				 BDF(a->devid), BDF(b->devid));
			return true;
		}
	return false;
}

static bool no_sb_ioapic(const void *ctx, const u8 *p, u32 len, char *text, size_t n)
{
	const struct ivrs_table *t = CTX(ctx)->t;

	for (int i = 0; i < t->nspecial; i++)
		if (t->special[i].variety == IVRS_SPECIAL_IOAPIC && t->special[i].devid == 0x00a0 &&
		    !t->units[t->special[i].unit].segment)
			return false;
	snprintf(text, n, "no IOAPIC entry at 00:14.0, the southbridge IOAPIC");
	return t->nunits > 0;
}

#define E ACPITAB_ERR
#define W ACPITAB_WARN

const struct acpirule ivrs_rules[] = {
	/* the header (5.2.1) */
	RULE_FIELD("ivrs.ivinfo.rsvd", IVRS_AT_TABLE, ACPIRULE_RSVD, W, 36, 4, 0xff80001c, "IVinfo",
		   "AMD IOMMU 5.2.1: bits 31:23 and 4:2 are reserved"),
	RULE_CHECK("ivrs.hdr.rsvd", IVRS_AT_TABLE, W, hdr_reserved,
		   "header bytes 40..47 not zero", "AMD IOMMU 5.2.1"),
	/* IVHD (5.2.2) */
	RULE_CHECK("ivrs.ivhd.none", IVRS_AT_END, E, no_ivhd,
		   "no IVHD", NULL),
	RULE_CHECK("ivrs.ivhd.twice", IVRS_AT_END, W, ivhd_twice,
		   "an IOMMU twice in IVHDs of one type", NULL),
	RULE_FIELD("ivrs.ivhd.info", IVRS_AT_IVHD, ACPIRULE_RSVD, W, 18, 2, 0xe0e0, "IOMMU info",
		   "AMD IOMMU 5.2.2: bits 15:13 and 7:5 are reserved"),
	RULE_CHECK("ivrs.ivhd.cap", IVRS_AT_IVHD, W, ivhd_cap,
		   "capability offset outside 0x40..0xfc or unaligned",
		   "the IOMMU's PCI capability block"),
	RULE_CHECK("ivrs.ivhd.efrsup", IVRS_AT_IVHD, W, ivhd_efr_unused,
		   "IVHD 11h/40h while IVinfo.EFRSup is clear",
		   "the image is not used (Linux reads the EFR register)"),
	RULE_CHECK("ivrs.unit.base0", IVRS_AT_UNIT, W, unit_base0,
		   "IOMMU MMIO base 0", NULL),
	RULE_CHECK("ivrs.unit.align", IVRS_AT_UNIT, W, unit_align,
		   "IOMMU MMIO base not 16 KiB aligned", "AMD IOMMU 3.4: 16 KiB aligned"),
	RULE_CHECK("ivrs.unit.bases", IVRS_AT_UNIT, W, unit_bases_differ,
		   "IVHD types of one IOMMU give different bases", NULL),
	RULE_CHECK("ivrs.unit.linux_type", IVRS_AT_UNIT, W, unit_linux_type,
		   "an IOMMU without the IVHD type Linux uses", "Linux would not use this IOMMU"),
	RULE_CHECK("ivrs.unit.shared_base", IVRS_AT_END, W, units_share_base,
		   "two IOMMUs at one MMIO base", NULL),
	RULE_CHECK("ivrs.unit.efr", IVRS_AT_END, W, units_efr_differ,
		   "EFR images differ between IOMMUs", "Linux warns (FW_BUG) and uses the AND of all"),
	/* device entries (5.2.2.2) */
	RULE_CHECK("ivrs.dev.unknown", IVRS_AT_ENTRY, W, entry_unknown,
		   "device entry of a reserved type", "Linux skips it"),
	RULE_CHECK("ivrs.dev.dte", IVRS_AT_ENTRY, W, entry_dte_reserved,
		   "DTE setting bit 3 (reserved) set", "AMD IOMMU 5.2.2.2"),
	RULE_CHECK("ivrs.dev.alias", IVRS_AT_ENTRY, W, alias_reserved,
		   "alias entry bytes 4, 7 (reserved) set", "AMD IOMMU 5.2.2.2"),
	RULE_CHECK("ivrs.dev.variety", IVRS_AT_ENTRY, E, special_variety,
		   "special entry of unknown variety",
		   "Linux fails to set the IOMMUs up (add_special_device)"),
	RULE_CHECK("ivrs.dev.range_end", IVRS_AT_ENTRY, W, range_end_alone,
		   "range end without a start", NULL),
	RULE_CHECK("ivrs.dev.range_order", IVRS_AT_ENTRY, W, range_inverted,
		   "range end below its start", NULL),
	RULE_CHECK("ivrs.dev.range_cut", IVRS_AT_ENTRY, W, range_interrupted,
		   "range start followed by another entry",
		   "AMD IOMMU 5.2.2.2: a range end follows its start"),
	RULE_CHECK("ivrs.dev.range_open", IVRS_AT_IVHD, W, range_never_ended,
		   "range start never ended", NULL),
	RULE_CHECK("ivrs.dev.hid_ivhd", IVRS_AT_ENTRY, W, hid_outside_40h,
		   "ACPI HID entry outside IVHD 40h", "Linux skips it"),
	RULE_CHECK("ivrs.dev.hid_empty", IVRS_AT_ENTRY, W, hid_empty,
		   "ACPI HID entry with an empty HID", "Linux skips it (Invalid HID)"),
	RULE_CHECK("ivrs.dev.uid", IVRS_AT_ENTRY, W, hid_uid,
		   "UID format 0 with a length, or format > 2",
		   "format 0 has no UID, 1 and 2 are integer and string (Linux: Invalid UID length)"),
	RULE_CHECK("ivrs.dev.uid_long", IVRS_AT_ENTRY, W, hid_uid_long,
		   "UID longer than the parser keeps (32)", NULL),
	RULE_CHECK("ivrs.dev.special_twice", IVRS_AT_END, W, special_twice,
		   "an IOAPIC/HPET at two devids", "the last entry is used"),
	RULE_CHECK("ivrs.dev.sb_ioapic", IVRS_AT_END, W, no_sb_ioapic,
		   "no IOAPIC at 00:14.0",
		   "Linux disables interrupt remapping (No southbridge IOAPIC found)"),
	/* IVMD (5.2.3) */
	RULE_FIELD("ivrs.ivmd.flags", IVRS_AT_IVMD, ACPIRULE_RSVD, W, 1, 1, 0xf0, "IVMD flags",
		   "AMD IOMMU 5.2.3: bits 7:4 are reserved"),
	RULE_CHECK("ivrs.ivmd.rsvd", IVRS_AT_IVMD, W, ivmd_reserved,
		   "IVMD bytes 10..15 not zero", "Linux reads a segment at 8..9 only"),
	RULE_CHECK("ivrs.ivmd.length", IVRS_AT_IVMD, W, ivmd_length,
		   "IVMD length not 32", "AMD IOMMU 5.2.3: 32 bytes"),
	RULE_CHECK("ivrs.ivmd.devid", IVRS_AT_IVMD, W, ivmd_devid_reserved,
		   "IVMD device ID or aux data where reserved", "AMD IOMMU 5.2.3"),
	RULE_CHECK("ivrs.ivmd.empty", IVRS_AT_IVMD, W, ivmd_empty,
		   "IVMD of length 0", NULL),
	RULE_CHECK("ivrs.ivmd.wrap", IVRS_AT_IVMD, W, ivmd_wraps,
		   "IVMD past 2^64", NULL),
	RULE_CHECK("ivrs.ivmd.align", IVRS_AT_IVMD, W, ivmd_unaligned,
		   "IVMD start or length not 4 KiB aligned", "Linux rounds the start up to a page"),
	RULE_CHECK("ivrs.ivmd.devids", IVRS_AT_IVMD, W, ivmd_devids_inverted,
		   "IVMD 22h devid range inverted", NULL),
	RULE_CHECK("ivrs.ivmd.kind", IVRS_AT_IVMD, W, ivmd_kind,
		   "IVMD neither unity nor exclusion", "Linux ignores it"),
	RULE_CHECK("ivrs.ivmd.access", IVRS_AT_IVMD, W, ivmd_no_access,
		   "unity IVMD with neither IR nor IW", NULL),
	RULE_CHECK("ivrs.ivmd.pasize", IVRS_AT_IVMD, W, ivmd_above_pa,
		   "IVMD above IVinfo's physical address size", "no device can reach it"),
};

const int ivrs_nrules = ARRAY_SIZE(ivrs_rules);
