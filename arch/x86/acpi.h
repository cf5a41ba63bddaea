/* SPDX-License-Identifier: MIT */
/*
 * ACPI table access: RSDP -> XSDT/RSDT with checksum checks, lookup by
 * signature, and the tables the platform itself needs (MADT, MCFG, FADT).
 * DMAR and IVRS are parsed by iommu/ from the bytes acpi_find() returns.
 */
#ifndef ARCH_X86_ACPI_H
#define ARCH_X86_ACPI_H

#include "lib/types.h"

#define ACPI_MAX_TABLES 64
#define ACPI_MAX_CPUS 1024
#define ACPI_MAX_ECAM 8
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISO 16

struct acpi_header {
	char sig[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __attribute__((packed));

struct acpi_table {
	char sig[5];
	phys_addr_t pa;
	u32 length;
	bool checksum_ok;
	const struct acpi_header *hdr;	/* mapped, whole table */
};

/* MADT entry 1: one I/O APIC. */
struct acpi_ioapic {
	u8 id;				/* the handle DMAR and IVRS scopes use */
	u32 addr;			/* register base */
	u32 gsi_base;			/* first global system interrupt of its pins */
};

/* MADT entry 2: an ISA IRQ wired to another GSI, or with other polarity/trigger. */
struct acpi_iso {
	u8 bus;				/* 0: ISA */
	u8 source;			/* ISA IRQ */
	u32 gsi;
	u16 flags;			/* MPS INTI flags: polarity 1:0, trigger 3:2 */
};

#define ACPI_INTI_POLARITY	0x3	/* 0 bus default, 1 high, 3 low */
#define ACPI_INTI_TRIGGER	0xc	/* 0 bus default, 4 edge, 0xc level */

/* A processor of the MADT (Local APIC or Local x2APIC entry). */
struct acpi_cpu {
	u32 apic_id;
	u32 uid;		/* ACPI processor UID */
	u8 type;		/* MADT_LAPIC or MADT_X2APIC: the entry it came from */
	bool enabled;		/* flags bit 0: usable now */
	bool online_capable;	/* flags bit 1: not enabled, may be hot-added */
};

#define MADT_LAPIC	0
#define MADT_IOAPIC	1
#define MADT_ISO	2
#define MADT_X2APIC	9

/* What madt_parse() found; cpus/max given by the caller. */
struct madt_info {
	struct acpi_cpu *cpus;
	int max;
	int ncpus;		/* entries kept in cpus[] */
	int nenabled;		/* of which enabled */
	int dropped;		/* usable entries not kept: invalid or duplicate ID, table full */
	bool truncated;		/* an entry's length ran past the table or was < 2 */
	u32 lapic_addr;		/* the 32-bit Local APIC address of the header */
	phys_addr_t ioapic_base;	/* first IOAPIC */
	/* IOAPICs and ISA overrides when the caller gives room (may be NULL) */
	struct acpi_ioapic *ioapics;
	int max_ioapics, nioapics, dropped_ioapics;
	struct acpi_iso *isos;
	int max_isos, niso;
};

struct ecam_region {
	phys_addr_t base;
	u16 segment;
	u8 start_bus, end_bus;
};

struct acpi_info {
	bool present;
	u8 rsdp_revision;
	bool xsdt;			/* true: XSDT used, false: RSDT */
	bool root_checksum_ok;
	struct acpi_table tables[ACPI_MAX_TABLES];
	int ntables;
	/* MADT */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	int ncpus;
	struct madt_info madt;
	phys_addr_t ioapic_base;	/* the first IOAPIC's */
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	int nioapics;
	struct acpi_iso isos[ACPI_MAX_ISO];
	int niso;
	/* MCFG */
	struct ecam_region ecam[ACPI_MAX_ECAM];
	int necam;
	/* FADT */
	u32 pm_timer_port;
	bool pm_timer_32bit;
	u16 sci_irq;
};

extern struct acpi_info acpi;

void acpi_init(void);
/* The instance-th table with this signature (mapped), or NULL. */
const struct acpi_header *acpi_find(const char *sig, int instance);
/*
 * Decode a whole MADT (header included) of len bytes into m: every usable
 * processor (enabled or online-capable) once, by APIC ID; never reads past len.
 */
void madt_parse(const void *tbl, size_t len, struct madt_info *m);
/* Byte sum of a table == 0. */
bool acpi_checksum_ok(const void *p, size_t len);

#endif
