/* SPDX-License-Identifier: MIT */
/*
 * IVRS (AMD-Vi ACPI table): validate a table given as bytes and answer the
 * driver (units, per-device DTE settings and aliases, IVMD ranges, which unit
 * handles a devid). No hardware access. Layouts: AMD IOMMU spec 3.x ch. 5.
 */
#ifndef IOMMU_IVRS_H
#define IOMMU_IVRS_H

#include "iommu/acpitab.h"
#include "lib/bitops.h"

/* Parser limits; a table beyond them is rejected with a clear error. */
#define IVRS_MAX_UNITS		64
#define IVRS_MAX_RANGES		1024
#define IVRS_MAX_SPECIAL	128
#define IVRS_MAX_ACPIHID	64
#define IVRS_MAX_IVMD		64
#define IVRS_MAX_IVHD		128
#define IVRS_UID_LEN		32

#define IVRS_HDR_LEN		48	/* ACPI header + IVinfo + 8 reserved */

/* Subtable types */
enum ivrs_type {
	IVRS_TYPE_IVHD_10 = 0x10,	/* I/O virtualization hardware definition, fixed */
	IVRS_TYPE_IVHD_11 = 0x11,	/* ... with EFR image */
	IVRS_TYPE_IVHD_40 = 0x40,	/* ... with EFR image and ACPI HID devices */
	IVRS_TYPE_IVMD_ALL = 0x20,	/* memory definition: every device */
	IVRS_TYPE_IVMD_ONE = 0x21,	/* ... one device */
	IVRS_TYPE_IVMD_RANGE = 0x22,	/* ... a devid range */
};

/* IVinfo (offset 36) */
#define IVRS_IVINFO_EFRSUP	BIT(0)		/* IVHD EFR images are valid */
#define IVRS_IVINFO_DMA_REMAP	BIT(1)		/* pre-boot DMA protection in use */
#define IVRS_IVINFO_GVASIZE	GENMASK(7, 5)
#define IVRS_IVINFO_PASIZE	GENMASK(14, 8)
#define IVRS_IVINFO_VASIZE	GENMASK(21, 15)
#define IVRS_IVINFO_HTATSRESV	BIT(22)

/* IVHD flags (byte 1) */
#define IVRS_IVHD_HTTUNEN	BIT(0)
#define IVRS_IVHD_PASSPW	BIT(1)
#define IVRS_IVHD_RESPASSPW	BIT(2)
#define IVRS_IVHD_ISOC		BIT(3)
#define IVRS_IVHD_IOTLBSUP	BIT(4)
#define IVRS_IVHD_COHERENT	BIT(5)
#define IVRS_IVHD_PREFSUP	BIT(6)
#define IVRS_IVHD_PPRSUP	BIT(7)

/* IVHD IOMMU info (offset 18) */
#define IVRS_INFO_MSINUM	GENMASK(4, 0)
#define IVRS_INFO_UNITID	GENMASK(12, 8)

/* DTE setting byte of device entries */
#define IVRS_DTE_INITPASS	BIT(0)
#define IVRS_DTE_EINTPASS	BIT(1)
#define IVRS_DTE_NMIPASS	BIT(2)
#define IVRS_DTE_SYSMGT		GENMASK(5, 4)
#define IVRS_DTE_LINT0PASS	BIT(6)
#define IVRS_DTE_LINT1PASS	BIT(7)
/* Extended DTE setting (entries 46h/47h) */
#define IVRS_EXT_ATS_DISABLED	BIT(31)

/* IVMD flags */
#define IVRS_IVMD_UNITY		BIT(0)	/* identity-map the range */
#define IVRS_IVMD_IR		BIT(1)	/* readable */
#define IVRS_IVMD_IW		BIT(2)	/* writable */
#define IVRS_IVMD_EXCL		BIT(3)	/* exclusion range */

/* IVHD device entry types */
enum ivrs_dev_type {
	IVRS_DEV_PAD4 = 0x00,
	IVRS_DEV_ALL = 0x01,
	IVRS_DEV_SELECT = 0x02,
	IVRS_DEV_RANGE_START = 0x03,
	IVRS_DEV_RANGE_END = 0x04,
	IVRS_DEV_PAD8 = 0x40,
	IVRS_DEV_ALIAS_SELECT = 0x42,
	IVRS_DEV_ALIAS_RANGE = 0x43,
	IVRS_DEV_EXT_SELECT = 0x46,
	IVRS_DEV_EXT_RANGE = 0x47,
	IVRS_DEV_SPECIAL = 0x48,
	IVRS_DEV_ACPI_HID = 0xf0,
};

/* Special device varieties (entry 48h) */
enum ivrs_special_variety {
	IVRS_SPECIAL_IOAPIC = 1,
	IVRS_SPECIAL_HPET = 2,
};

/* One IOMMU. Described by one or more IVHDs; the highest type is used. */
struct ivrs_unit {
	u64 base;		/* MMIO base */
	u16 segment;		/* PCI segment group */
	u16 devid;		/* the IOMMU's own PCI function (bus << 8 | devfn) */
	u16 cap_offset;		/* its capability block in config space */
	u8 type;		/* IVHD type used: 0x10, 0x11 or 0x40 */
	u8 types_seen;		/* bit 0: 10h, bit 1: 11h, bit 2: 40h described it */
	u8 flags;		/* IVHD flags of the type used */
	u16 info;		/* IOMMU info: MSI number, unit id */
	u32 attr;		/* 10h: feature reporting; 11h/40h: attributes */
	u64 efr, efr2;		/* EFR/EFR2 images (11h/40h only) */
	bool efr_valid;		/* efr/efr2 came from the table */
	bool usable;		/* base nonzero and 16K aligned */
	u16 index;		/* unit order in the table */
	u32 ivhd_off[3];	/* byte offset of its IVHD 10h, 11h, 40h; 0 = none */
	u16 first_range, nranges;	/* its entries in ivrs_table.ranges[] */
};

/* Kinds of device ranges, after ranges and aliases were resolved. */
enum ivrs_range_kind {
	IVRS_RANGE_ALL,		/* 01h */
	IVRS_RANGE_SELECT,	/* 02h, or 03h..04h */
	IVRS_RANGE_ALIAS,	/* 42h, or 43h..04h: requests carry alias */
	IVRS_RANGE_ALIAS_TARGET,	/* the devid an alias entry names */
	IVRS_RANGE_EXT,		/* 46h, or 47h..04h: with an extended setting */
};

/* devids [first, last] of one unit with their DTE settings. */
struct ivrs_range {
	u16 first, last;
	u8 kind;		/* enum ivrs_range_kind */
	u8 dte;			/* DTE setting byte */
	u16 alias;		/* IVRS_RANGE_ALIAS: the devid the IOMMU sees */
	u32 ext;		/* IVRS_RANGE_EXT: extended DTE setting */
	u16 unit;		/* index into units[] */
};

/* An IOAPIC or HPET (entry 48h): its handle and the devid its MSIs carry. */
struct ivrs_special {
	u8 variety;		/* enum ivrs_special_variety */
	u8 handle;		/* IOAPIC id or HPET number */
	u16 devid;
	u8 dte;
	u16 unit;
};

/* An ACPI device (entry F0h, IVHD 40h). */
struct ivrs_acpihid {
	char hid[9];		/* e.g. "AMDI0020" */
	char cid[9];		/* compatible id, may be empty */
	u8 uid_format;		/* 0 none, 1 integer, 2 string */
	char uid[IVRS_UID_LEN + 1];	/* the UID as text (integer in decimal) */
	u16 devid;
	u8 dte;
	u16 unit;
};

/* A memory definition (IVMD) that passed the checks. */
struct ivrs_ivmd {
	u8 type;		/* 20h, 21h, 22h */
	u8 flags;		/* IVRS_IVMD_* */
	u16 first, last;	/* devids it applies to (20h: 0..0xffff) */
	u64 start;		/* first byte */
	u64 end;		/* last byte (inclusive) */
};

/* Every IVHD in table order, used or not (for reports and checks). */
struct ivrs_ivhd {
	u8 type;
	u32 off;		/* byte offset in the table */
	u64 base;
	u16 segment, devid;
	u16 nentries;		/* device entries */
	s16 unit;		/* index into units[]; -1 when it could not be walked */
};

/*
 * A parsed IVRS. Everything points into the arrays inside, never into the
 * bytes parsed, so the buffer may go away after ivrs_parse().
 */
struct ivrs_table {
	bool valid;		/* no error: the driver may use the table */
	struct acpitab_hdr hdr;
	u32 ivinfo;
	u16 nivhd[3];		/* IVHD subtables of type 10h, 11h, 40h */
	u16 nivmd_found;	/* IVMD subtables found (valid or not) */
	u16 nunknown;		/* unknown subtables skipped by length */
	u32 ndev_entries;	/* device entries in all IVHDs of all types */
	u16 entry_count[256];	/* device entries per type, all IVHDs */

	struct ivrs_ivhd ivhds[IVRS_MAX_IVHD];
	u16 nivhds;
	struct ivrs_unit units[IVRS_MAX_UNITS];
	u16 nunits;
	struct ivrs_range ranges[IVRS_MAX_RANGES];	/* of the IVHD used per unit */
	u16 nranges;
	struct ivrs_special special[IVRS_MAX_SPECIAL];
	u16 nspecial;
	struct ivrs_acpihid acpihid[IVRS_MAX_ACPIHID];
	u16 nacpihid;
	struct ivrs_ivmd ivmd[IVRS_MAX_IVMD];
	u16 nivmd;

	struct acpitab_log log;	/* every error and warning, as clear sentences */
};

/* What the table says about one devid. */
struct ivrs_dev {
	const struct ivrs_unit *unit;	/* the IOMMU that handles it */
	u8 dte;			/* DTE setting byte */
	bool has_alias;		/* its requests arrive with devid alias */
	u16 alias;
	u32 ext;		/* extended DTE setting, 0 when none */
};

/*
 * The rules ivrs_parse() applies (ivrs_rules.c): every bound the AMD IOMMU
 * spec and Linux put on an IVRS's fields, subtables and entries, one row each.
 */
extern const struct acpirule ivrs_rules[];
extern const int ivrs_nrules;

/*
 * Parse and validate the IVRS in buf[0, len). Every length is checked before
 * it is read. Returns 0 when the table is valid, -EINVAL when it was
 * rejected (t->valid false; t->log says why).
 */
int ivrs_parse(const void *buf, size_t len, struct ivrs_table *t);

/*
 * Settings for devid in segment: the last device entry naming it wins, as
 * entries are applied in table order. Returns 0, or -ENOENT when no IVHD
 * names it (no IOMMU translates it).
 */
int ivrs_lookup(const struct ivrs_table *t, u16 segment, u16 devid,
		struct ivrs_dev *out);

/* The unit handling devid (aliases included), or NULL. */
const struct ivrs_unit *ivrs_unit_for_devid(const struct ivrs_table *t,
					    u16 segment, u16 devid);

/* The IOAPIC/HPET entry for handle, or NULL. */
const struct ivrs_special *ivrs_find_special(const struct ivrs_table *t,
					     u8 variety, u8 handle);

/* Does IVMD m apply to devid (segment 0 only: IVMD has no segment field)? */
bool ivrs_ivmd_applies(const struct ivrs_ivmd *m, u16 devid);

/* "IVHD 10h" ..., "IVMD 21h", or "unknown". */
const char *ivrs_type_name(unsigned int type);
/* "select", "range start", "alias select", ..., or "unknown". */
const char *ivrs_dev_type_name(unsigned int type);

/* Index of an IVHD type in nivhd[] and types_seen bits: 0, 1, 2, or -1. */
int ivrs_ivhd_slot(unsigned int type);

#endif
