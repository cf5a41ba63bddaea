// SPDX-License-Identifier: MIT
/*
 * platform suite, SMBIOS: entry points (3.x and 2.x) and structure tables
 * built in a buffer, good and broken, through arch/x86/smbios.c. Runs in
 * the kernel and hosted.
 */
#include "arch/x86/smbios.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/ktest.h"

static u8 buf[512];
static struct smbios_info info;

static void sum_fix(u8 *p, size_t n, size_t at)
{
	u8 s = 0;

	p[at] = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i];
	p[at] = (u8)-s;
}

static void sm3(u8 *ep, u64 table, u32 len)
{
	memset(ep, 0, 24);
	memcpy(ep, "_SM3_", 5);
	ep[6] = 24;
	ep[7] = 3;
	ep[8] = 4;
	memcpy(ep + 12, &len, 4);
	memcpy(ep + 16, &table, 8);
	sum_fix(ep, 24, 5);
}

static void sm2(u8 *ep, u32 table, u16 len)
{
	memset(ep, 0, 31);
	memcpy(ep, "_SM_", 4);
	ep[5] = 31;
	ep[6] = 2;
	ep[7] = 8;
	memcpy(ep + 16, "_DMI_", 5);
	memcpy(ep + 22, &len, 2);
	memcpy(ep + 24, &table, 4);
	sum_fix(ep + 16, 15, 5);
	sum_fix(ep, 31, 4);
}

/* Append a structure: type, formatted bytes (length len incl. header), strings. */
static size_t add(u8 *t, size_t off, u8 type, u8 len, const u8 *fmt, const char *strs,
		  size_t slen)
{
	t[off] = type;
	t[off + 1] = len;
	memcpy(t + off + 4, fmt, len - 4);
	memcpy(t + off + len, strs, slen);
	return off + len + slen;
}

/* A string set as a literal: its strings, then the extra NUL the literal ends with. */
#define STRINGS(lit) lit, sizeof(lit)

static size_t machine(u8 *t)
{
	static const u8 bios[14] = { 1, 2, 0, 0, 3 };		/* vendor 1, version 2, date 3 */
	static const u8 sys[23] = { 1, 2, 3, 0 , [22] = 4 };	/* family string 4 at 0x1a */
	size_t off = 0;

	off = add(t, off, 0, 18, bios, STRINGS("Firm Co\0v1.2  \0" "03/04/2024\0"));
	off = add(t, off, 1, 27, sys, STRINGS("Maker\0Box 9000\0rev B\0Boxes\0"));
	off = add(t, off, 1, 27, sys, STRINGS("Second\0Ignored\0x\0y\0"));
	off = add(t, off, 127, 4, (const u8 *)"", STRINGS("\0"));
	return off;
}

KTEST(platform, test_platform_smbios_entry_points)
{
	memset(&info, 0, sizeof(info));
	sm3(buf, 0x7f000, 300);
	report(!smbios_parse_entry(buf, 24, &info) && info.found && info.major == 3 &&
	       info.minor == 4 && info.table == 0x7f000 && info.table_len == 300 &&
	       !strcmp(info.entry, "_SM3_"), "SMBIOS 3.4 entry point");
	memset(&info, 0, sizeof(info));
	sm2(buf, 0xf1000, 500);
	report(!smbios_parse_entry(buf, 31, &info) && info.major == 2 && info.minor == 8 &&
	       info.table == 0xf1000 && info.table_len == 500, "SMBIOS 2.8 entry point");
	buf[20] ^= 1;
	sum_fix(buf, 31, 4);
	report(smbios_parse_entry(buf, 31, &info) == -EINVAL && strstr(info.error, "_DMI_"),
	       "a broken _DMI_ part: %s", info.error);
	sm3(buf, 0x7f000, 300);
	buf[10] ^= 1;
	report(smbios_parse_entry(buf, 24, &info) == -EINVAL && strstr(info.error, "checksum"),
	       "a wrong checksum");
	sm3(buf, 0x7f000, 300);
	report(smbios_parse_entry(buf, 23, &info) == -EINVAL, "fewer bytes than the entry point");
	sm3(buf, 0, 300);
	report(smbios_parse_entry(buf, 24, &info) == -EINVAL && strstr(info.error, "not readable"),
	       "a table at address 0");
	memcpy(buf, "_SMX_", 5);
	report(smbios_parse_entry(buf, 24, &info) == -EINVAL, "no signature");
}

KTEST(platform, test_platform_smbios_strings)
{
	size_t n = machine(buf);
	int r;

	memset(&info, 0, sizeof(info));
	r = smbios_parse_table(buf, n, &info);
	report(!r && info.nstructs == 4, "four structures walked up to the end marker (%d, %u)",
	       r, info.nstructs);
	report(!strcmp(info.bios_vendor, "Firm Co") && !strcmp(info.bios_version, "v1.2") &&
	       !strcmp(info.bios_date, "03/04/2024"), "type 0: vendor, version (blanks cut), date");
	report(!strcmp(info.vendor, "Maker") && !strcmp(info.product, "Box 9000") &&
	       !strcmp(info.version, "rev B") && !strcmp(info.family, "Boxes"),
	       "type 1: the first one describes the machine");
	report(info.board_vendor[0] == 0, "no type 2: no board strings");
}

KTEST(platform, test_platform_smbios_broken_tables)
{
	size_t n = machine(buf);
	int r;

	memset(&info, 0, sizeof(info));
	report(smbios_parse_table(buf, n - 30, &info) == -EINVAL &&
	       strstr(info.error, "past the table") && !strcmp(info.vendor, "Maker"),
	       "cut inside a structure: an error, what came before kept (%s)", info.error);
	buf[1] = 2;
	memset(&info, 0, sizeof(info));
	report(smbios_parse_table(buf, n, &info) == -EINVAL && strstr(info.error, "length 2"),
	       "a structure shorter than its header");
	machine(buf);
	buf[18 + 27 - 1] = 'x';	/* "Boxes\0\0" loses its end */
	memset(buf + 18 + 27, 'x', n - 18 - 27);
	memset(&info, 0, sizeof(info));
	report(smbios_parse_table(buf, n, &info) == -EINVAL && strstr(info.error, "strings run"),
	       "strings without their double NUL");
	machine(buf);
	buf[4] = 9;		/* vendor string 9 of 3 */
	memset(&info, 0, sizeof(info));
	r = smbios_parse_table(buf, n, &info);
	report(!r && info.bios_vendor[0] == 0 && !strcmp(info.bios_version, "v1.2"),
	       "a string number past the set reads as empty (%d, \"%s\")", r, info.bios_vendor);
}
