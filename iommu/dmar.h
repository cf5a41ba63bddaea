/* SPDX-License-Identifier: MIT */
/*
 * DMAR (Intel VT-d ACPI table): validate a table given as bytes and answer the
 * VT-d driver's questions (units, device scopes, RMRR, ATSR, SATC, which unit
 * translates a device). No hardware access. Layouts: VT-d spec 4.1 ch. 8.
 */
#ifndef IOMMU_DMAR_H
#define IOMMU_DMAR_H

#include "iommu/acpitab.h"
#include "lib/bitops.h"

/* Parser limits; a table beyond them is rejected with a clear error. */
#define DMAR_MAX_UNITS	64
#define DMAR_MAX_RMRR	64
#define DMAR_MAX_ATSR	32
#define DMAR_MAX_SATC	32
#define DMAR_MAX_SIDP	32
#define DMAR_MAX_RHSA	64
#define DMAR_MAX_ANDD	32
#define DMAR_MAX_SCOPES	1024
#define DMAR_MAX_HOPS	16	/* path entries of one scope / bridges above one device */
#define DMAR_ANDD_NAME	64

#define DMAR_HDR_LEN	48	/* ACPI header + HAW, flags, 10 reserved */

/* Remapping structure types (8.2) */
enum dmar_type {
	DMAR_TYPE_DRHD = 0,	/* remapping hardware unit */
	DMAR_TYPE_RMRR = 1,	/* reserved memory region */
	DMAR_TYPE_ATSR = 2,	/* root-port ATS capability */
	DMAR_TYPE_RHSA = 3,	/* remapping hardware static affinity */
	DMAR_TYPE_ANDD = 4,	/* ACPI namespace device declaration */
	DMAR_TYPE_SATC = 5,	/* SoC integrated address translation cache */
	DMAR_TYPE_SIDP = 6,	/* SoC integrated device property */
	DMAR_NTYPES
};

/* Table flags (byte 37) */
#define DMAR_INTR_REMAP			BIT(0)
#define DMAR_X2APIC_OPT_OUT		BIT(1)
#define DMAR_DMA_CTRL_PLATFORM_OPT_IN	BIT(2)

#define DMAR_DRHD_INCLUDE_PCI_ALL	BIT(0)	/* DRHD flags */
#define DMAR_ATSR_ALL_PORTS		BIT(0)	/* ATSR flags */
#define DMAR_SATC_ATC_REQUIRED		BIT(0)	/* SATC flags */

/* Device scope types (8.3.1) */
enum dmar_scope_type {
	DMAR_SCOPE_ENDPOINT = 1,	/* PCI endpoint */
	DMAR_SCOPE_BRIDGE = 2,		/* PCI sub-hierarchy: a bridge and all below it */
	DMAR_SCOPE_IOAPIC = 3,
	DMAR_SCOPE_HPET = 4,		/* MSI-capable HPET */
	DMAR_SCOPE_ACPI = 5,		/* ACPI namespace device (see ANDD) */
	DMAR_SCOPE_NTYPES
};

/* One device scope entry: a start bus and a path of (device, function) hops. */
struct dmar_scope {
	u8 type;		/* enum dmar_scope_type */
	u8 flags;		/* scope flags byte */
	u8 enum_id;		/* IOAPIC id, HPET number or ACPI device number */
	u8 bus;			/* start bus number */
	u8 nhops;		/* 1..DMAR_MAX_HOPS */
	u8 path[DMAR_MAX_HOPS];	/* devfn (dev << 3 | fn) of each hop from the start bus */
};

/* A DRHD: one remapping hardware unit. */
struct dmar_unit {
	u64 base;		/* register base address */
	u64 reg_size;		/* register set size in bytes (4K << DRHD size field) */
	u16 segment;		/* PCI segment */
	u8 flags;		/* DRHD flags */
	bool include_all;	/* INCLUDE_PCI_ALL: every segment device not scoped elsewhere */
	bool usable;		/* base is nonzero and page aligned: the driver may map it */
	s64 proximity;		/* RHSA proximity domain, -1 when none */
	u16 index;		/* DRHD order in the table: dmar<index> */
	u16 first_scope;	/* scopes in dmar_table.scopes[first_scope ..] */
	u16 nscopes;
};

/* A reserved memory region (RMRR) that passed the sanity checks. */
struct dmar_rmrr {
	u64 base;		/* first byte */
	u64 end;		/* last byte (inclusive) */
	u16 segment;
	u16 first_scope, nscopes;
};

/* ATSR (root ports that support ATS) and SATC (SoC devices with an ATC). */
struct dmar_atsr {
	u16 segment;
	u8 flags;		/* ATSR: ALL_PORTS; SATC: ATC_REQUIRED */
	u16 first_scope, nscopes;
};

struct dmar_rhsa {
	u64 base;		/* the DRHD it describes */
	u32 proximity;
};

struct dmar_andd {
	u8 acpi_dev;		/* ACPI device number, matched by ACPI scopes' enum_id */
	char name[DMAR_ANDD_NAME];	/* object name, e.g. \_SB.PCI0.I2C0 */
};

/*
 * A parsed DMAR. Everything points into the arrays inside, never into the
 * bytes parsed, so the buffer may go away after dmar_parse(). Do not copy
 * the struct by value (indices stay right, but it is about 35 KiB).
 */
struct dmar_table {
	bool valid;		/* no error: the driver may use the table */
	struct acpitab_hdr hdr;
	u16 haw;		/* host address width in bits (byte 36 + 1) */
	u8 flags;		/* DMAR_INTR_REMAP ... */
	u16 count[DMAR_NTYPES];	/* remapping structures found, per type */
	u16 nunknown;		/* structures of unknown type, skipped */
	u16 scope_count[DMAR_SCOPE_NTYPES];	/* device scopes found, per type */
	u32 nscope_entries;	/* device scopes found in all structures */

	struct dmar_unit units[DMAR_MAX_UNITS];
	u16 nunits;
	struct dmar_rmrr rmrr[DMAR_MAX_RMRR];	/* only RMRRs that passed the checks */
	u16 nrmrr;
	struct dmar_atsr atsr[DMAR_MAX_ATSR];
	u16 natsr;
	struct dmar_atsr satc[DMAR_MAX_SATC];
	u16 nsatc;
	struct dmar_atsr sidp[DMAR_MAX_SIDP];	/* flags unused */
	u16 nsidp;
	struct dmar_rhsa rhsa[DMAR_MAX_RHSA];
	u16 nrhsa;
	struct dmar_andd andd[DMAR_MAX_ANDD];
	u16 nandd;
	struct dmar_scope scopes[DMAR_MAX_SCOPES];
	u16 nscopes;

	struct acpitab_log log;	/* every error and warning, as clear sentences */
};

/*
 * The PCI position of a device as the hardware has it: the bridges from the
 * root bus down to the device, each with the bus it sits on. hop[0] is on a
 * root bus; hop[nhops - 1] is the device itself.
 */
struct dmar_hop {
	u8 bus;
	u8 devfn;
};

struct pci_dev;

struct dmar_dev_path {
	u16 segment;
	u8 nhops;		/* 1..DMAR_MAX_HOPS */
	struct dmar_hop hop[DMAR_MAX_HOPS];
};

/*
 * The rules dmar_parse() applies (dmar_rules.c): every bound the VT-d spec
 * and Linux put on a DMAR's fields and structures, one row each.
 */
extern const struct acpirule dmar_rules[];
extern const int dmar_nrules;

/*
 * Parse and validate the DMAR in buf[0, len). Every length is checked before
 * it is read. Returns 0 when the table is valid, -EINVAL when it was
 * rejected (t->valid false; t->log says why, t holds what could be read).
 */
int dmar_parse(const void *buf, size_t len, struct dmar_table *t);

/* Scope i of unit/RMRR/ATSR ranges: &t->scopes[first + i]. */
static inline const struct dmar_scope *dmar_scope_at(const struct dmar_table *t,
						     u16 first, u16 i)
{
	return &t->scopes[first + i];
}

/*
 * Does scope s name the device at path p? An endpoint scope names exactly
 * one device; a bridge scope names the bridge and everything below it.
 * The scope's start bus may be any bus on the device's way up.
 */
bool dmar_scope_matches(const struct dmar_scope *s, const struct dmar_dev_path *p);

/* Does any of scopes[first, first + n) name p? */
bool dmar_scopes_match(const struct dmar_table *t, u16 first, u16 n,
		       const struct dmar_dev_path *p);

/* The bridges from the root bus down to d, for dmar_unit_for_dev(); -EINVAL if too deep. */
int dmar_dev_path(const struct pci_dev *d, struct dmar_dev_path *p);

/*
 * The unit that translates the PCI device at p: the first DRHD of p's
 * segment whose scopes name it (or a bridge above it), else the segment's
 * INCLUDE_PCI_ALL unit, else NULL. The unit may be !usable (base 0).
 */
const struct dmar_unit *dmar_unit_for_dev(const struct dmar_table *t,
					  const struct dmar_dev_path *p);

/*
 * The unit whose scope declares the IOAPIC/HPET/ACPI device enum_id
 * (scope_type DMAR_SCOPE_IOAPIC/HPET/ACPI), with the source-id its
 * interrupts carry (bus << 8 | devfn of the last hop); NULL if none.
 */
const struct dmar_unit *dmar_unit_for_special(const struct dmar_table *t,
					      u8 scope_type, u8 enum_id,
					      u16 *source_id);

/* Does RMRR r cover the device at p (same segment, a scope names it)? */
bool dmar_rmrr_applies(const struct dmar_table *t, const struct dmar_rmrr *r,
		       const struct dmar_dev_path *p);

/* May the device at p use ATS: an ATSR of its segment has ALL_PORTS or names its root port? */
bool dmar_ats_supported(const struct dmar_table *t, const struct dmar_dev_path *p);

/* The SATC naming the device at p, or NULL. */
const struct dmar_atsr *dmar_satc_for_dev(const struct dmar_table *t,
					  const struct dmar_dev_path *p);

/* "DRHD", "RMRR", ... or "unknown". */
const char *dmar_type_name(unsigned int type);
/* "endpoint", "bridge", "ioapic", "hpet", "acpi" or "unknown". */
const char *dmar_scope_type_name(unsigned int type);

/*
 * Format a scope for people: "00:1f.2" (endpoint), "00:1c.0/00.0 bridge",
 * "ioapic 2 (f0:1f.0)". Returns the length snprintf would write.
 */
int dmar_scope_str(const struct dmar_scope *s, char *buf, size_t n);

#endif
