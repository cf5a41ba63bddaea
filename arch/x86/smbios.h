/* SPDX-License-Identifier: MIT */
/*
 * SMBIOS: who made the machine and its firmware, for the bring-up report.
 * smbios.c parses entry points and structures from buffers (hosted tests
 * too); smbios_live.c finds them on this machine. Layouts: DMTF DSP0134.
 */
#ifndef ARCH_X86_SMBIOS_H
#define ARCH_X86_SMBIOS_H

#include "lib/types.h"

#define SMBIOS_STR	64
#define SMBIOS_MAX_TABLE (1u << 20)	/* we read at most this much of the table */

struct smbios_info {
	bool found;			/* a valid entry point */
	char error[96];			/* what was wrong, "" when all was read */
	char entry[8];			/* "_SM3_" or "_SM_" */
	char source[16];		/* "EFI" or "F-segment" */
	u8 major, minor;		/* SMBIOS version */
	phys_addr_t table;		/* structure table */
	u32 table_len;			/* its length (SMBIOS 3: the maximum) */
	u32 nstructs;			/* structures walked */
	char bios_vendor[SMBIOS_STR], bios_version[SMBIOS_STR], bios_date[SMBIOS_STR];
	char vendor[SMBIOS_STR], product[SMBIOS_STR], version[SMBIOS_STR], family[SMBIOS_STR];
	char board_vendor[SMBIOS_STR], board_product[SMBIOS_STR];
};

/*
 * An entry point ("_SM3_" or "_SM_") at ep, len bytes readable: sets
 * found, entry, version, table, table_len. 0, or -EINVAL with error set.
 */
int smbios_parse_entry(const void *ep, size_t len, struct smbios_info *out);
/*
 * Walk the structures of tbl (len bytes) and take the strings of types 0
 * (firmware), 1 (system) and 2 (baseboard). 0, or -EINVAL with error set
 * (what came before the bad structure is kept).
 */
int smbios_parse_table(const void *tbl, size_t len, struct smbios_info *out);

/* Find and read this machine's SMBIOS (EFI configuration table or F-segment). */
void smbios_init(void);
const struct smbios_info *smbios_get(void);

struct json;
/* The machine's identity as a JSON object (bring-up report "machine"). */
void smbios_json(struct json *j);

#endif
