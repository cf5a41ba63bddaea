// SPDX-License-Identifier: MIT
/*
 * acpi suite (hosted), IVRS meaning: one unit per IOMMU however many IVHD
 * types describe it (bug class 54), device ranges, aliases, special devices,
 * ACPI HID entries, IVMD checks, truncated and unknown entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/ivrs.h"
#include "lib/errno.h"
#include "tests/host/hostutil.h"
#include "tests/host/tblbuild.h"
#include "tests/ktest.h"

static struct ivrs_table t;
static struct tb tb;

static bool load(const char *name)
{
	size_t len;
	u8 *b = host_fixture(name, &len);

	if (b)
		ivrs_parse(b, len, &t);
	free(b);
	return b != NULL;
}

static int parse_tb(void)
{
	tb_finish(&tb);
	return ivrs_parse(tb.b, tb.len, &t);
}

/* The same IOMMU (devid 00:00.2) as IVHD 10h, 11h and 40h with different entries. */
static void three_types(u32 ivinfo, bool highest_first)
{
	static const u8 order_lo[] = { 0x10, 0x11, 0x40 }, order_hi[] = { 0x40, 0x11, 0x10 };
	const u8 *order = highest_first ? order_hi : order_lo;

	tb_ivrs(&tb, ivinfo);
	for (int i = 0; i < 3; i++) {
		tb_ivhd(&tb, order[i], 0x30, 0x0002, 0xfd200000, 0x246577efa2254afaULL);
		if (order[i] == 0x40) {
			tb_dev4(&tb, IVRS_DEV_SELECT, 0x0010, 0xd7);
			tb_dev4(&tb, IVRS_DEV_RANGE_START, 0x0100, 0);
			tb_dev4(&tb, IVRS_DEV_RANGE_END, 0x01ff, 0);
		} else {
			tb_dev4(&tb, IVRS_DEV_SELECT, 0x0008, 0);
		}
		tb_sub_end(&tb);
	}
}

/* Bug class 54: one unit, from the highest type, whatever the order. */
KTEST(acpi, test_acpi_ivrs_mixed_ivhd_types_one_unit)
{
	struct ivrs_dev d;

	for (int hf = 0; hf < 2; hf++) {
		three_types(IVRS_IVINFO_EFRSUP, hf);
		report_prefix_push(hf ? "40h first" : "10h first");
		report(parse_tb() == 0 && t.nunits == 1 && t.nivhds == 3,
		       "10h+11h+40h of one IOMMU -> one unit (%u units)", t.nunits);
		report(t.units[0].type == 0x40 && t.units[0].types_seen == 7,
		       "the unit uses IVHD 40h and knows all three described it");
		report(ivrs_lookup(&t, 0, 0x0010, &d) == 0 && d.dte == 0xd7,
		       "devid 0x0010 from 40h's select, DTE 0xd7");
		report(ivrs_lookup(&t, 0, 0x0180, &d) == 0 && d.unit == &t.units[0],
		       "devid 0x0180 inside 40h's range");
		report(ivrs_lookup(&t, 0, 0x0008, &d) == -ENOENT,
		       "devid 0x0008 (only in 10h/11h) is not taken from the unused IVHDs");
		report(t.units[0].efr_valid && t.units[0].efr == 0x246577efa2254afaULL,
		       "EFR comes from the IVHD image (IVinfo EFRSup set)");
		report_prefix_pop();
	}
	three_types(0, false);
	report(parse_tb() == 0 && !t.units[0].efr_valid,
	       "without IVinfo EFRSup the IVHD EFR image is not trusted");
	if (load("real/asus-rog-zenith-ii-extreme-alpha.ivrs.bin"))
		report(t.nunits == 4 && t.nivhds == 8 && t.units[0].type == 0x11 &&
		       t.units[3].base == 0xe2200000, "Zenith II: 8 IVHDs (10h+11h) -> 4 units");
	if (load("real/asrock-x370-killer-sli.ivrs.bin")) {
		report(t.nunits == 1 && t.units[0].type == 0x40 && t.units[0].efr == 0x4f77ef22294adaULL,
		       "X370: one unit from 40h with EFR 0x4f77ef22294ada");
		report(t.nacpihid == 1 && !strcmp(t.acpihid[0].hid, "AMDI0040") &&
		       t.acpihid[0].devid == 0x0099 && t.acpihid[0].uid[0] == 0,
		       "X370: ACPI HID AMDI0040 at 00:13.1 with an empty UID");
	}
}

KTEST(acpi, test_acpi_ivrs_aliases_and_special_devices)
{
	const struct ivrs_special *s;
	struct ivrs_dev d;

	if (load("real/biostar-a68mhe.ivrs.bin")) {
		report(ivrs_lookup(&t, 0, 0x0310, &d) == 0 && d.has_alias && d.alias == 0x00a4,
		       "A68: devid 03:02.0 in the alias range appears as 00:14.4");
		report(ivrs_lookup(&t, 0, 0x00a4, &d) == 0 && d.unit == &t.units[0],
		       "A68: the alias target 00:14.4 belongs to the unit");
		report(ivrs_lookup(&t, 0, 0x0010, &d) == 0 && !d.has_alias && d.alias == 0x0010,
		       "A68: 00:02.0 has no alias");
		s = ivrs_find_special(&t, IVRS_SPECIAL_IOAPIC, 0);
		report(s && s->devid == 0x00a0, "A68: IOAPIC 0 sends as 00:14.0");
		s = ivrs_find_special(&t, IVRS_SPECIAL_HPET, 0);
		report(s && s->devid == 0x00a0, "A68: HPET 0 sends as 00:14.0");
		report(!ivrs_find_special(&t, IVRS_SPECIAL_IOAPIC, 1), "A68: no IOAPIC 1");
		report(ivrs_unit_for_devid(&t, 0, 0xffff) == NULL, "A68: devid 0xffff is in no range");
		report(ivrs_unit_for_devid(&t, 1, 0x0010) == NULL, "A68: nothing in segment 1");
	}
	if (load("real/hp-envy-x360-13-ay1xxx.ivrs.bin"))
		report(t.nacpihid == 4 && !strcmp(t.acpihid[1].uid, "\\_SB.FUR1") &&
		       t.acpihid[1].uid_format == 2 && t.acpihid[1].devid == 0x00a5,
		       "ENVY: ACPI HID entries with string UIDs (\\_SB.FUR1 at 00:14.5)");
}

KTEST(acpi, test_acpi_ivrs_entry_semantics)
{
	struct ivrs_dev d;

	tb_ivrs(&tb, 0);
	tb_ivhd(&tb, 0x10, 0, 0x0002, 0xfeb80000, 0);
	tb_dev4(&tb, IVRS_DEV_ALL, 0, 0x01);
	tb_dev4(&tb, IVRS_DEV_SELECT, 0x0020, 0x02);			/* later wins */
	tb_dev8(&tb, IVRS_DEV_EXT_SELECT, 0x0030, 0x03, 0, 0, 0x80);	/* ext = 0x80000000 */
	tb_dev8(&tb, IVRS_DEV_ALIAS_RANGE, 0x0400, 0x04, 0, 0x00a4, 0);
	tb_dev4(&tb, IVRS_DEV_RANGE_END, 0x04ff, 0);
	tb_dev4(&tb, IVRS_DEV_RANGE_END, 0x0600, 0);			/* no start */
	tb_dev4(&tb, IVRS_DEV_RANGE_START, 0x0700, 0);
	tb_dev4(&tb, IVRS_DEV_RANGE_END, 0x06ff, 0);			/* inverted */
	tb_dev8(&tb, IVRS_DEV_SPECIAL, 0, 0, 5, 0x00a0, 7);		/* variety 7 */
	tb_dev4(&tb, 0x05, 0x1234, 0);					/* unknown 4-byte */
	tb_dev8(&tb, 0x44, 0x1234, 0, 0, 0, 0);				/* unknown 8-byte */
	tb_dev4(&tb, IVRS_DEV_SELECT, 0x0050, 0x05);
	tb_dev4(&tb, IVRS_DEV_RANGE_START, 0x0800, 0);			/* never ended */
	tb_sub_end(&tb);
	report(parse_tb() != 0 && t.log.nerr == 1 &&
	       acpitab_log_has_rule(&t.log, ACPITAB_ERR, "ivrs.dev.variety"),
	       "odd but readable entries only warn; an unknown special variety rejects (Linux fails)");
	report(ivrs_lookup(&t, 0, 0x1111, &d) == 0 && d.dte == 0x01, "ALL covers every devid");
	report(ivrs_lookup(&t, 0, 0x0020, &d) == 0 && d.dte == 0x02, "a later select overrides ALL");
	report(ivrs_lookup(&t, 0, 0x0030, &d) == 0 && d.ext == 0x80000000 &&
	       (d.ext & IVRS_EXT_ATS_DISABLED), "extended select carries its ext setting");
	report(ivrs_lookup(&t, 0, 0x0480, &d) == 0 && d.has_alias && d.alias == 0x00a4 && d.dte == 0x04,
	       "alias range 0x400-0x4ff appears as 0x00a4");
	report(ivrs_lookup(&t, 0, 0x0050, &d) == 0 && d.dte == 0x05,
	       "entries after unknown ones are still read");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "range end @0x") &&
	       acpitab_log_has(&t.log, ACPITAB_WARN, "without a range start; ignored"),
	       "range end without start: warned");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "ends (0x06ff) before it starts (0x0700); ignored"),
	       "inverted range: warned");
	report(acpitab_log_has(&t.log, ACPITAB_ERR, "has unknown variety 7") && !ivrs_find_special(&t, 7, 5),
	       "special variety 7: an error, not stored");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "has unknown type 0x05; skipped (4 bytes)") &&
	       acpitab_log_has(&t.log, ACPITAB_WARN, "has unknown type 0x44; skipped (8 bytes)"),
	       "unknown entry types skipped by their size");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "has no range end; ignored") &&
	       ivrs_lookup(&t, 0, 0x0800, &d) == 0 && d.dte == 0x01,
	       "a range start never ended is ignored (0x0800 stays with ALL)");
	report(t.ndev_entries == 13 && t.entry_count[IVRS_DEV_RANGE_END] == 3,
	       "all 13 entries counted (%u)", t.ndev_entries);
}

/* A device entry cut by the IVHD length is rejected, never read past. */
KTEST(acpi, test_acpi_ivrs_truncated_entries_rejected)
{
	static const struct {
		int cut;		/* bytes of the last entry kept */
		u8 type;
		const char *err;
	} c[] = {
		{ 4, IVRS_DEV_ALIAS_SELECT, "(alias select, 8 bytes) is truncated: 4 bytes left" },
		{ 7, IVRS_DEV_SPECIAL, "(special, 8 bytes) is truncated: 7 bytes left" },
		{ 20, IVRS_DEV_ACPI_HID, "(ACPI HID, 22 bytes) is truncated: 20 bytes left" },
		{ 25, IVRS_DEV_ACPI_HID, "(ACPI HID, 31 bytes) is truncated: 25 bytes left" },
		{ 2, IVRS_DEV_SELECT, "(select, 4 bytes) is truncated: 2 bytes left" },
		{ 16, 0x80, "has type 0x80, whose length is not defined; cannot walk further" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		tb_ivrs(&tb, 0);
		tb_ivhd(&tb, 0x40, 0, 0x0002, 0xfd200000, 0);
		tb_dev4(&tb, IVRS_DEV_SELECT, 0x0008, 0);
		tb_u8(&tb, c[i].type);
		tb_zero(&tb, 20);
		tb_u8(&tb, 9);			/* UID length byte of an F0 entry */
		memcpy(tb.b + tb.len, "\\_SB.FUR0", 9);
		tb.len += 9;
		tb.len -= 31 - c[i].cut;	/* keep cut bytes of the 31-byte entry */
		tb_sub_end(&tb);
		report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, c[i].err) && t.nunits == 0,
		       "rejected, no unit built: %s", c[i].err);
	}
}

KTEST(acpi, test_acpi_ivrs_ivmd_checks)
{
	static const struct {
		u8 type, flags;
		u16 devid, aux;
		u64 start, len;
		const char *warn;
	} m[] = {
		{ 0x20, 1, 0, 0, 0xa0000000, 0x100000, NULL },
		{ 0x21, 7, 0x0300, 0, 0xccd42000, 0x26000, NULL },
		{ 0x22, 9, 0x0100, 0x01ff, 0xb0000000, 0x1000, NULL },
		{ 0x21, 1, 0x0300, 0, 0xc0000000, 0, "has length 0; rejected" },
		{ 0x21, 1, 0x0300, 0, 0xfffffffffffff000ULL, 0x2000, "wraps past 2^64; rejected" },
		{ 0x21, 1, 0x0300, 0, 0xc0000800, 0x1000, "is not 4 KiB aligned; rejected" },
		{ 0x22, 1, 0x0200, 0x0100, 0xc0000000, 0x1000, "devid range 0x0200..0x0100 is inverted" },
		{ 0x21, 0, 0x0300, 0, 0xd0000000, 0x1000, "is neither unity nor exclusion range" },
	};

	tb_ivrs(&tb, 0);
	tb_ivhd(&tb, 0x10, 0, 0x0002, 0xfeb80000, 0);
	tb_dev4(&tb, IVRS_DEV_ALL, 0, 0);
	tb_sub_end(&tb);
	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		tb_ivmd(&tb, m[i].type, m[i].flags, m[i].devid, m[i].aux, m[i].start, m[i].len);
	report(parse_tb() == 0, "bad IVMDs do not reject the table");
	report(t.nivmd_found == 8 && t.nivmd == 4, "8 IVMDs found, 4 kept (%u)", t.nivmd);
	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		if (m[i].warn)
			report(acpitab_log_has(&t.log, ACPITAB_WARN, m[i].warn), "warned: %s", m[i].warn);
	report(t.ivmd[0].first == 0 && t.ivmd[0].last == 0xffff && t.ivmd[0].end == 0xa00fffff,
	       "20h: every devid, [0xa0000000, 0xa00fffff]");
	report(ivrs_ivmd_applies(&t.ivmd[1], 0x0300) && !ivrs_ivmd_applies(&t.ivmd[1], 0x0301) &&
	       t.ivmd[1].end == 0xccd67fff, "21h: only devid 0x0300");
	report(ivrs_ivmd_applies(&t.ivmd[2], 0x0150) && !ivrs_ivmd_applies(&t.ivmd[2], 0x0200) &&
	       (t.ivmd[2].flags & IVRS_IVMD_EXCL), "22h: devids 0x100-0x1ff, exclusion");
}

KTEST(acpi, test_acpi_ivrs_unknown_subtables_and_lengths)
{
	static const struct {
		u8 type;
		u16 len;
		const char *err;
	} s[] = {
		{ 0x10, 23, "IVHD 10h length 23 is below its minimum 24" },
		{ 0x11, 39, "IVHD 11h length 39 is below its minimum 40" },
		{ 0x40, 24, "IVHD 40h length 24 is below its minimum 40" },
		{ 0x21, 31, "IVMD 21h length 31 is below its minimum 32" },
	};

	tb_ivrs(&tb, 0);
	tb_ivhd(&tb, 0x10, 0, 0x0002, 0xfeb80000, 0);
	tb_dev4(&tb, IVRS_DEV_ALL, 0, 0);
	tb_sub_end(&tb);
	tb_isub(&tb, 0x51, 0);
	tb_zero(&tb, 28);
	tb_sub_end(&tb);
	tb_isub(&tb, 0xf0, 0);
	tb_sub_end(&tb);
	tb_ivmd(&tb, 0x20, 1, 0, 0, 0x1000, 0x1000);
	report(parse_tb() == 0 && t.nunknown == 2 && t.nivmd == 1,
	       "unknown subtables 0x51 and 0xf0 skipped by length; the IVMD after them read");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "subtable 1 type 0x51 @0x4c: unknown IVRS subtable type skipped"),
	       "the warning names type and offset");
	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		tb_ivrs(&tb, 0);
		tb_ivhd(&tb, 0x10, 0, 0x0002, 0xfeb80000, 0);
		tb_sub_end(&tb);
		tb_isub(&tb, s[i].type, 0);
		tb_zero(&tb, s[i].len - 4);
		tb_sub_end(&tb);
		report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, s[i].err),
		       "rejected: %s", s[i].err);
	}
	tb_ivrs(&tb, 0);
	tb_ivmd(&tb, 0x20, 1, 0, 0, 0x1000, 0x1000);
	report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, "no IVHD"),
	       "an IVRS without IVHD is rejected");
}

KTEST(acpi, test_acpi_ivrs_unit_checks_and_limits)
{
	tb_ivrs(&tb, 0);
	tb_ivhd(&tb, 0x10, 0, 0x0002, 0xfeb80000, 0);
	tb_sub_end(&tb);
	tb_ivhd(&tb, 0x11, 0, 0x0002, 0xfeb90000, 0);
	tb_sub_end(&tb);
	tb_ivhd(&tb, 0x10, 0, 0x4002, 0, 0);
	tb_sub_end(&tb);
	tb_ivhd(&tb, 0x10, 0, 0x4002, 0xfeb80000, 0);
	tb_sub_end(&tb);
	report(parse_tb() == 0 && t.nunits == 2, "two IOMMUs (devid 0x0002, 0x4002)");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "IOMMU 0000:00:00.2: IVHD 10h gives base 0xfeb80000 but IVHD 11h (used) gives 0xfeb90000"),
	       "IVHD types disagreeing on the base: warned");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "is described twice by IVHD type 0x10; the first is used") &&
	       acpitab_log_has(&t.log, ACPITAB_WARN, "IOMMU 0000:40:00.2: MMIO base is 0; unit not usable") &&
	       !t.units[1].usable && t.units[0].usable, "a repeated IVHD and a base-0 unit: warned, not usable");
	tb_ivrs(&tb, 0);
	tb_ivhd(&tb, 0x10, 0, 0x0002, 0xfeb80000, 0);
	for (int i = 0; i <= IVRS_MAX_RANGES; i++)
		tb_dev4(&tb, IVRS_DEV_SELECT, (u16)i, 0);
	tb_sub_end(&tb);
	report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, "more than 1024 device ranges (parser limit)"),
	       "1025 device ranges: rejected at the parser limit");
}
