// SPDX-License-Identifier: MIT
/*
 * acpi suite (hosted), DMAR meaning: which unit translates a device (scopes,
 * bridges, INCLUDE_PCI_ALL), RMRR sanity (bug class 44), unknown types,
 * base-0 units, scope and structure lengths, parser limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/dmar.h"
#include "tests/host/hostutil.h"
#include "tests/host/tblbuild.h"
#include "tests/ktest.h"

static struct dmar_table t;
static struct tb tb;

#define DEVFN(d, f) ((u8)((d) << 3 | (f)))

/* Parse a fixture by name into t; false if it could not be read. */
static bool load(const char *name)
{
	size_t len;
	u8 *b = host_fixture(name, &len);

	if (b)
		dmar_parse(b, len, &t);
	free(b);
	return b != NULL;
}

/* A device path: pairs of (bus, devfn) from the root bus down. */
static struct dmar_dev_path path(u16 seg, int n, const struct dmar_hop *hops)
{
	struct dmar_dev_path p = { .segment = seg, .nhops = (u8)n };

	memcpy(p.hop, hops, sizeof(*hops) * (size_t)n);
	return p;
}

#define PATH(seg, ...) path(seg, sizeof((struct dmar_hop[]){ __VA_ARGS__ }) / \
			    sizeof(struct dmar_hop), (struct dmar_hop[]){ __VA_ARGS__ })

static long unit_base(const struct dmar_dev_path *p)
{
	const struct dmar_unit *u = dmar_unit_for_dev(&t, p);

	return u ? (long)u->base : -1;
}

static int parse_tb(void)
{
	tb_finish(&tb);
	return dmar_parse(tb.b, tb.len, &t);
}

KTEST(acpi, test_acpi_dmar_unit_for_dev_real_tables)
{
	struct dmar_dev_path p;

	if (load("real/lenovo-thinkpad-e15-gen2.dmar.bin")) {
		p = PATH(0, { 0, DEVFN(2, 0) });
		report(unit_base(&p) == 0xfed90000, "E15: 00:02.0 (graphics) -> dmar0 0xfed90000");
		p = PATH(0, { 0, DEVFN(7, 0) });
		report(unit_base(&p) == 0xfed84000, "E15: 00:07.0 (bridge scope) -> 0xfed84000");
		p = PATH(0, { 0, DEVFN(7, 0) }, { 0x20, DEVFN(0, 0) }, { 0x21, DEVFN(3, 0) });
		report(unit_base(&p) == 0xfed84000, "E15: 21:03.0 below the 00:07.0 bridge -> 0xfed84000");
		p = PATH(0, { 0, DEVFN(0x14, 0) });
		report(unit_base(&p) == 0, "E15: 00:14.0 -> the INCLUDE_PCI_ALL unit (base 0)");
		report(!dmar_unit_for_dev(&t, &p)->usable && t.units[0].usable && t.units[1].usable,
		       "E15: only the base-0 unit is marked unusable");
		p = PATH(1, { 0, DEVFN(2, 0) });
		report(!dmar_unit_for_dev(&t, &p), "E15: segment 1 has no unit");
	}
	if (load("real/dell-poweredge-r820.dmar.bin")) {
		p = PATH(0, { 0x40, DEVFN(2, 2) }, { 0x43, DEVFN(0, 1) });
		report(unit_base(&p) == 0xcf000000, "R820: 43:00.1 below bridge 40:02.2 -> 0xcf000000");
		p = PATH(0, { 0x40, DEVFN(5, 0) });
		report(unit_base(&p) == 0xcf000000, "R820: 40:05.0 endpoint -> 0xcf000000");
		p = PATH(0, { 0x40, DEVFN(5, 1) });
		report(unit_base(&p) == 0xdf100000, "R820: 40:05.1 (not scoped) -> INCLUDE_PCI_ALL 0xdf100000");
		p = PATH(0, { 0x80, DEVFN(5, 0) });
		report(unit_base(&p) == 0xc8000000, "R820: 80:05.0 -> 0xc8000000");
		p = PATH(0, { 0x40, DEVFN(5, 0) }, { 0x41, DEVFN(0, 0) });
		report(unit_base(&p) == 0xdf100000, "R820: an endpoint scope does not cover devices below it");
	}
	if (load("qemu/intel-iommu-default.bin")) {
		p = PATH(0, { 0, DEVFN(0x1f, 2) });
		report(unit_base(&p) == 0xfed90000, "QEMU: 00:1f.2 -> 0xfed90000");
		p = PATH(0, { 0, DEVFN(3, 0) });
		report(!dmar_unit_for_dev(&t, &p), "QEMU: 00:03.0 is in no scope and there is no INCLUDE_PCI_ALL");
	}
}

KTEST(acpi, test_acpi_dmar_scope_matching_rules)
{
	static const u8 ep_deep[] = { DEVFN(0x1c, 0), DEVFN(0, 0) };
	static const u8 ep_bus2[] = { DEVFN(0, 0) };
	static const u8 br[] = { DEVFN(0x1c, 4) };
	struct dmar_dev_path p;

	tb_dmar(&tb, 39, 1);
	tb_drhd(&tb, 0, 0, 0xfed90000);
	tb_scope(&tb, DMAR_SCOPE_ENDPOINT, 0, 0, 2, ep_deep);	/* 00:1c.0 then 00.0 below it */
	tb_sub_end(&tb);
	tb_drhd(&tb, 0, 0, 0xfed91000);
	tb_scope(&tb, DMAR_SCOPE_ENDPOINT, 0, 5, 1, ep_bus2);	/* start bus 5: a secondary bus */
	tb_scope(&tb, DMAR_SCOPE_BRIDGE, 0, 0, 1, br);
	tb_sub_end(&tb);
	tb_drhd(&tb, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed92000);
	tb_sub_end(&tb);
	report(parse_tb() == 0 && t.nunits == 3 && t.nscopes == 3, "synthetic DMAR parses (3 units, 3 scopes)");

	p = PATH(0, { 0, DEVFN(0x1c, 0) }, { 2, DEVFN(0, 0) });
	report(unit_base(&p) == 0xfed90000, "two-hop endpoint path 00:1c.0/00.0 names 02:00.0");
	p = PATH(0, { 0, DEVFN(0x1c, 0) });
	report(unit_base(&p) == 0xfed92000, "that endpoint scope does not name the bridge itself");
	p = PATH(0, { 0, DEVFN(0x1c, 1) }, { 5, DEVFN(0, 0) });
	report(unit_base(&p) == 0xfed91000, "a scope may start at a secondary bus (05:00.0)");
	p = PATH(0, { 0, DEVFN(0x1c, 4) });
	report(unit_base(&p) == 0xfed91000, "a bridge scope names the bridge");
	p = PATH(0, { 0, DEVFN(0x1c, 4) }, { 7, DEVFN(0, 0) }, { 8, DEVFN(1, 0) });
	report(unit_base(&p) == 0xfed91000, "... and every device below it, at any depth");
	p = PATH(0, { 0, DEVFN(0x1c, 5) }, { 9, DEVFN(0, 0) });
	report(unit_base(&p) == 0xfed92000, "a sibling port falls to INCLUDE_PCI_ALL");
	p = PATH(0, { 3, DEVFN(0, 0) });
	report(unit_base(&p) == 0xfed92000, "start bus must match: 03:00.0 is not 05:00.0");
	p.nhops = 0;
	report(!dmar_scope_matches(&t.scopes[0], &p), "an empty path matches nothing");
}

/* Bug class 44: bad RMRRs are rejected with a warning; the good ones are kept. */
KTEST(acpi, test_acpi_dmar_rmrr_sanity)
{
	static const u8 xhci[] = { DEVFN(0x14, 0) }, port[] = { DEVFN(0x1c, 0) };
	static const struct {
		u64 base, end;
		const char *warn;	/* NULL: accepted */
	} r[] = {
		{ 0x80000000, 0x80003fff, NULL },
		{ 0x90000000, 0x8fffffff, "RMRR [0x90000000, 0x8fffffff] ends before it starts; rejected" },
		{ 0x90000800, 0x90001fff, "RMRR [0x90000800, 0x90001fff] is not 4 KiB aligned" },
		{ 0x91000000, 0x91000800, "RMRR [0x91000000, 0x91000800] is not 4 KiB aligned" },
		{ 0, 0, "RMRR is empty (base and end address are 0); rejected" },
		{ 0x92000000, 0x92000000, "RMRR [0x92000000, 0x92000000] is not 4 KiB aligned" },
		{ 0xa0000000, 0xa00fffff, NULL },
	};
	struct dmar_dev_path p;

	tb_dmar(&tb, 39, 1);
	tb_drhd(&tb, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	tb_sub_end(&tb);
	for (size_t i = 0; i < ARRAY_SIZE(r); i++) {
		tb_rmrr(&tb, 0, r[i].base, r[i].end);
		tb_scope(&tb, i == 6 ? DMAR_SCOPE_BRIDGE : DMAR_SCOPE_ENDPOINT, 0, 0, 1,
			 i == 6 ? port : xhci);
		tb_sub_end(&tb);
	}
	report(parse_tb() == 0, "bad RMRRs do not reject the table (%s)",
	       t.log.nerr ? acpitab_msg_at(&t.log, ACPITAB_ERR, 0) : "no error");
	report(t.count[DMAR_TYPE_RMRR] == 7 && t.nrmrr == 2, "7 RMRRs found, 2 kept (kept %u)", t.nrmrr);
	report(t.nrmrr == 2 && t.rmrr[0].base == 0x80000000 && t.rmrr[0].end == 0x80003fff &&
	       t.rmrr[1].base == 0xa0000000 && t.rmrr[1].end == 0xa00fffff,
	       "the kept RMRRs are the two sane ones");
	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		if (r[i].warn)
			report(acpitab_log_has(&t.log, ACPITAB_WARN, r[i].warn), "warned: %s", r[i].warn);
	report(t.log.nwarn == 5, "one warning per bad RMRR (%u)", t.log.nwarn);
	report(t.nscopes == 2, "scopes of rejected RMRRs are dropped with them (%u left)", t.nscopes);
	p = PATH(0, { 0, DEVFN(0x14, 0) });
	report(dmar_rmrr_applies(&t, &t.rmrr[0], &p) && !dmar_rmrr_applies(&t, &t.rmrr[1], &p),
	       "00:14.0 gets the first RMRR only");
	p = PATH(0, { 0, DEVFN(0x1c, 0) }, { 1, DEVFN(0, 0) });
	report(!dmar_rmrr_applies(&t, &t.rmrr[0], &p) && dmar_rmrr_applies(&t, &t.rmrr[1], &p),
	       "01:00.0 below port 00:1c.0 gets the second");
	p.segment = 1;
	report(!dmar_rmrr_applies(&t, &t.rmrr[1], &p), "not in another segment");
}

KTEST(acpi, test_acpi_dmar_unknown_types_skipped)
{
	tb_dmar(&tb, 46, 1);
	tb_drhd(&tb, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	tb_sub_end(&tb);
	tb_dsub(&tb, 7);
	tb_zero(&tb, 8);
	tb_sub_end(&tb);
	tb_dsub(&tb, 0x8000);
	tb_sub_end(&tb);
	tb_rmrr(&tb, 0, 0x1000, 0x1fff);
	tb_sub_end(&tb);
	report(parse_tb() == 0, "a table with unknown structures is valid");
	report(t.nunknown == 2 && t.nunits == 1 && t.nrmrr == 1,
	       "2 unknown skipped by length, the RMRR after them still read");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "subtable 1 type 7 @0x40: unknown DMAR structure type skipped (12 bytes)") &&
	       acpitab_log_has(&t.log, ACPITAB_WARN, "subtable 2 type 32768 @0x4c: unknown DMAR structure type skipped (4 bytes)"),
	       "each unknown structure is named in a warning");
}

/* Structure and scope lengths: too short for the type, 0, odd, overrunning. */
KTEST(acpi, test_acpi_dmar_bad_structure_and_scope_lengths)
{
	static const struct {
		u16 type, len;
		const char *err;
	} s[] = {
		{ 0, 15, "DRHD length 15 is below its minimum 16" },
		{ 1, 23, "RMRR length 23 is below its minimum 24" },
		{ 2, 7, "ATSR length 7 is below its minimum 8" },
		{ 3, 19, "RHSA length 19 is below its minimum 20" },
		{ 4, 7, "ANDD length 7 is below its minimum 8" },
		{ 5, 7, "SATC length 7 is below its minimum 8" },
		{ 6, 7, "SIDP length 7 is below its minimum 8" },
	};
	static const struct {
		u8 len;
		const char *err;
	} sc[] = {
		{ 0, "has length 0 (must be even and at least 8)" },
		{ 1, "has length 1 (must be even and at least 8)" },
		{ 6, "has length 6 (must be even and at least 8)" },
		{ 9, "has length 9 (must be even and at least 8)" },
		{ 10, "has length 10 but only 8 bytes are left in its structure" },
		{ 254, "has length 254 but only 8 bytes are left" },
	};
	static const u8 dev[] = { DEVFN(2, 0) };

	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		tb_dmar(&tb, 39, 0);
		tb_drhd(&tb, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
		tb_sub_end(&tb);
		tb_dsub(&tb, s[i].type);
		tb_zero(&tb, s[i].len - 4);
		tb_sub_end(&tb);
		report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, s[i].err) &&
		       t.log.nerr == 1, "rejected: %s", s[i].err);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sc); i++) {
		tb_dmar(&tb, 39, 0);
		tb_drhd(&tb, 0, 0, 0xfed90000);
		tb_scope(&tb, DMAR_SCOPE_ENDPOINT, 0, 0, 1, dev);
		tb.b[tb.len - 7] = sc[i].len;
		tb_sub_end(&tb);
		report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, sc[i].err),
		       "scope length %u rejected: %s", sc[i].len,
		       t.log.nerr ? acpitab_msg_at(&t.log, ACPITAB_ERR, 0) : "(no error)");
	}
}

KTEST(acpi, test_acpi_dmar_special_devices_ats_satc)
{
	struct dmar_dev_path p;
	u16 sid = 0;

	if (load("real/dell-precision-t3610.dmar.bin")) {
		report(dmar_unit_for_special(&t, DMAR_SCOPE_IOAPIC, 0, &sid) == &t.units[0] &&
		       sid == 0x00ff, "T3610: IOAPIC 0 at 00:1f.7 (source-id 0x00ff), got 0x%04x", sid);
		report(dmar_unit_for_special(&t, DMAR_SCOPE_HPET, 0, &sid) && sid == 0xf078,
		       "T3610: HPET 0 at f0:0f.0 (source-id 0xf078), got 0x%04x", sid);
		report(!dmar_unit_for_special(&t, DMAR_SCOPE_IOAPIC, 1, NULL), "T3610: no IOAPIC 1");
		report(t.units[0].proximity == 0, "T3610: RHSA gives dmar0 proximity domain 0");
		p = PATH(0, { 0, DEVFN(2, 0) }, { 3, DEVFN(0, 0) });
		report(dmar_ats_supported(&t, &p), "T3610: a device below root port 00:02.0 may use ATS");
		p = PATH(0, { 0, DEVFN(0x1c, 0) }, { 4, DEVFN(0, 0) });
		report(!dmar_ats_supported(&t, &p), "T3610: not below 00:1c.0 (not in the ATSR)");
	}
	if (load("qemu/intel-iommu-device-iotlb.bin")) {
		p = PATH(0, { 0, DEVFN(3, 0) });
		report(t.natsr == 1 && dmar_ats_supported(&t, &p), "QEMU device-iotlb: ATSR ALL_PORTS");
	}
	if (load("real/asus-nuc14rvh-b.dmar.bin")) {
		p = PATH(0, { 0, DEVFN(0xb, 0) });
		report(dmar_satc_for_dev(&t, &p) && (dmar_satc_for_dev(&t, &p)->flags & DMAR_SATC_ATC_REQUIRED),
		       "NUC14: 00:0b.0 is in the SATC, ATC required");
		p = PATH(0, { 0, DEVFN(0x14, 0) });
		report(!dmar_satc_for_dev(&t, &p), "NUC14: 00:14.0 is not");
		report(t.nsidp == 1 && t.sidp[0].nscopes == 2 && t.scopes[t.sidp[0].first_scope].flags == 0x1f,
		       "NUC14: SIDP with 2 scopes, scope flags kept (0x1f)");
	}
	if (load("real/microsoft-surface-pro.dmar.bin")) {
		report(t.nandd == 5 && !strcmp(t.andd[0].name, "\\_SB.PCI0.I2C0") && t.andd[4].acpi_dev == 9,
		       "Surface Pro: 5 ANDDs, \\_SB.PCI0.I2C0 first, device 9 last");
		report(dmar_unit_for_special(&t, DMAR_SCOPE_ACPI, 9, &sid) == &t.units[1] && sid == 0x00f0,
		       "Surface Pro: ACPI device 9 (UART) behind dmar1 at 00:1e.0");
	}
}

KTEST(acpi, test_acpi_dmar_cross_checks_warn)
{
	static const u8 dev[] = { DEVFN(2, 0) };

	tb_dmar(&tb, 39, 0);
	tb_drhd(&tb, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000);
	tb_scope(&tb, DMAR_SCOPE_ACPI, 3, 0, 1, dev);
	tb_sub_end(&tb);
	tb_drhd(&tb, DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90800);
	tb_sub_end(&tb);
	tb_dsub(&tb, DMAR_TYPE_RHSA);
	tb_u32(&tb, 0);
	tb_u64(&tb, 0xdead0000);
	tb_u32(&tb, 1);
	tb_sub_end(&tb);
	tb_dsub(&tb, DMAR_TYPE_ANDD);
	tb_zero(&tb, 3);
	tb_u8(&tb, 4);
	tb_u8(&tb, 'X');
	tb_u8(&tb, 0);
	tb_sub_end(&tb);
	report(parse_tb() == 0, "firmware slips are warnings, not errors");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "not 4 KiB aligned; unit not usable") &&
	       !t.units[1].usable, "unaligned register base: unit not usable");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "both have INCLUDE_PCI_ALL for segment 0"),
	       "two INCLUDE_PCI_ALL units in one segment");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "RHSA 0 names register base 0xdead0000, which no DRHD has"),
	       "RHSA for an unknown unit");
	report(acpitab_log_has(&t.log, ACPITAB_WARN, "ACPI namespace device 3 has a scope but no ANDD names it") &&
	       acpitab_log_has(&t.log, ACPITAB_WARN, "ANDD X (ACPI device 4) is in no device scope"),
	       "ACPI scope without ANDD, ANDD without scope");
	/* Linux rejects a DMAR whose ANDD name has no NUL; the copy stays bounded */
	tb.len--;
	tb_sub_end(&tb);
	report(parse_tb() != 0 && acpitab_log_has_rule(&t.log, ACPITAB_ERR, "dmar.andd.nul") &&
	       !strcmp(t.andd[0].name, "X"), "ANDD name without NUL: rejected, kept bounded");
}

KTEST(acpi, test_acpi_dmar_parser_limits_reject_cleanly)
{
	static const u8 deep[DMAR_MAX_HOPS + 1] = { 0 };

	tb_dmar(&tb, 39, 0);
	for (int i = 0; i <= DMAR_MAX_UNITS; i++) {
		tb_drhd(&tb, 0, 0, 0xfe000000 + 0x1000ULL * (u64)i);
		tb_sub_end(&tb);
	}
	report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, "more than 64 DRHDs (parser limit)") &&
	       t.nunits == DMAR_MAX_UNITS, "65 DRHDs: rejected at the parser limit, 64 kept");
	tb_dmar(&tb, 39, 0);
	tb_drhd(&tb, 0, 0, 0xfed90000);
	tb_scope(&tb, DMAR_SCOPE_BRIDGE, 0, 0, DMAR_MAX_HOPS + 1, deep);
	tb_sub_end(&tb);
	report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, "17 path entries, more than the parser's 16"),
	       "a 17-hop scope path: rejected at the parser limit");
	tb_dmar(&tb, 39, 0);
	report(parse_tb() != 0 && acpitab_log_has(&t.log, ACPITAB_ERR, "no DRHD"),
	       "a DMAR without DRHD is rejected");
}

KTEST(acpi, test_acpi_dmar_scope_strings)
{
	static const struct {
		struct dmar_scope s;
		const char *text;
	} c[] = {
		{ { .type = 1, .bus = 0, .nhops = 1, .path = { DEVFN(0x1f, 2) } }, "00:1f.2" },
		{ { .type = 2, .bus = 0x40, .nhops = 2, .path = { DEVFN(2, 2), DEVFN(0, 1) } },
		  "bridge 40:02.2/00.1" },
		{ { .type = 3, .enum_id = 2, .bus = 0xf0, .nhops = 1, .path = { DEVFN(0x1f, 0) } },
		  "ioapic 2 @f0:1f.0" },
	};
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		dmar_scope_str(&c[i].s, buf, sizeof(buf));
		report(!strcmp(buf, c[i].text), "\"%s\" == \"%s\"", buf, c[i].text);
	}
	report(dmar_scope_str(&c[1].s, buf, 4) == (int)strlen(c[1].text) && !strcmp(buf, "bri"),
	       "a short buffer is cut, the full length returned");
}
