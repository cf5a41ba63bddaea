// SPDX-License-Identifier: MIT
/*
 * This machine's SMBIOS: the entry point from the EFI configuration table
 * (UEFI) or the F-segment scan (BIOS), the table mapped and parsed once,
 * and its identity facts as JSON for the bring-up report.
 */
#include "arch/x86/mm.h"
#include "arch/x86/smbios.h"
#include "boot/bootinfo.h"
#include "lib/json.h"
#include "lib/printf.h"
#include "lib/string.h"

#define EFI_SYSTAB_SIG	0x5453595320494249ULL	/* "IBI SYST" */
#define EFI_NTABLES	104	/* offsets in the 64-bit EFI system table */
#define EFI_TABLES	112
#define EFI_MAX_TABLES	256

static struct smbios_info info;

static const u8 smbios3_guid[16] = {	/* f2fd1544-9794-4a2c-992e-e5bbcf20e394 */
	0x44, 0x15, 0xfd, 0xf2, 0x94, 0x97, 0x2c, 0x4a,
	0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94 };
static const u8 smbios_guid[16] = {	/* eb9d2d31-2d88-11d3-9a16-0090273fc14d */
	0x31, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
	0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d };

/* The entry point the EFI configuration table gives (SMBIOS 3 first), or 0. */
static phys_addr_t from_efi(phys_addr_t systab)
{
	const u8 *st = memremap(systab, EFI_TABLES + 8);
	phys_addr_t found = 0;
	u64 sig, n, tab;

	memcpy(&sig, st, 8);
	memcpy(&n, st + EFI_NTABLES, 8);
	memcpy(&tab, st + EFI_TABLES, 8);
	if (sig != EFI_SYSTAB_SIG || !tab || tab >> 52 || n > EFI_MAX_TABLES)
		return 0;
	for (int pass = 0; pass < 2 && !found; pass++) {
		const u8 *ct = memremap(tab, (size_t)n * 24);

		for (u64 i = 0; i < n && !found; i++)
			if (!memcmp(ct + 24 * i, pass ? smbios_guid : smbios3_guid, 16))
				memcpy(&found, ct + 24 * i + 16, 8);
	}
	return found >> 52 ? 0 : found;
}

/* The legacy scan: 16-byte boundaries of 0xf0000-0xfffff, SMBIOS 3 first. */
static phys_addr_t from_fseg(void)
{
	const u8 *f = memremap(0xf0000, 0x10000);

	for (int pass = 0; pass < 2; pass++)
		for (u32 off = 0; off + 32 <= 0x10000; off += 16)
			if (!memcmp(f + off, pass ? "_SM_" : "_SM3_", pass ? 4 : 5))
				return 0xf0000 + off;
	return 0;
}

void smbios_init(void)
{
	phys_addr_t ep = 0;

	if (boot_info.efi_systab) {
		ep = from_efi(boot_info.efi_systab);
		strlcpy(info.source, "EFI", sizeof(info.source));
	} else if (!boot_info.efi) {
		ep = from_fseg();
		strlcpy(info.source, "F-segment", sizeof(info.source));
	}
	if (!ep) {
		strlcpy(info.error, "no SMBIOS entry point found", sizeof(info.error));
		return;
	}
	if (smbios_parse_entry(memremap(ep, 32), 32, &info))
		return;
	smbios_parse_table(memremap(info.table, min_t(u32, info.table_len, SMBIOS_MAX_TABLE)),
			   min_t(u32, info.table_len, SMBIOS_MAX_TABLE), &info);
}

const struct smbios_info *smbios_get(void)
{
	return &info;
}

static void kstr_or_null(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	if (v[0])
		json_str(j, v);
	else
		json_null(j);
}

void smbios_json(struct json *j)
{
	char ver[8];

	json_obj(j);
	kstr_or_null(j, "vendor", info.vendor);
	kstr_or_null(j, "product", info.product);
	kstr_or_null(j, "version", info.version);
	kstr_or_null(j, "family", info.family);
	kstr_or_null(j, "board_vendor", info.board_vendor);
	kstr_or_null(j, "board_product", info.board_product);
	json_key(j, "firmware");
	json_obj(j);
	kstr_or_null(j, "vendor", info.bios_vendor);
	kstr_or_null(j, "version", info.bios_version);
	kstr_or_null(j, "date", info.bios_date);
	json_kstr(j, "kind", boot_info.efi ? "UEFI" : "BIOS");
	json_obj_end(j);
	json_key(j, "smbios");
	json_obj(j);
	json_key(j, "version");
	if (info.found) {
		snprintf(ver, sizeof(ver), "%u.%u", info.major, info.minor);
		json_str(j, ver);
	} else {
		json_null(j);
	}
	kstr_or_null(j, "entry", info.entry);
	kstr_or_null(j, "found_by", info.source);
	json_ku64(j, "table", info.table);
	json_ku64(j, "structures", info.nstructs);
	kstr_or_null(j, "error", info.error);
	json_obj_end(j);
	json_obj_end(j);
}
