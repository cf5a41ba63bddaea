// SPDX-License-Identifier: MIT
/*
 * ACPI discovery: walk the root table found from the boot handoff, map and
 * checksum every table, and decode MADT (CPUs, IOAPICs, ISA overrides),
 * MCFG (ECAM) and FADT (PM timer). Lengths are checked before every access.
 * Layouts: ACPI 6.5 sections 5.2.5-5.2.12; PCI Firmware spec (MCFG).
 */
#include "arch/x86/acpi.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "boot/bootinfo.h"
#include "lib/string.h"

struct acpi_info acpi;

bool acpi_checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* Map a whole table: map the header first to learn its length. */
static const struct acpi_header *map_table(phys_addr_t pa, u32 *len_out)
{
	const struct acpi_header *h = memremap(pa, sizeof(*h));
	u32 len = h->length;

	if (len < sizeof(*h) || len > (16u << 20))
		return NULL;
	*len_out = len;
	return memremap(pa, len);
}

static void add_table(phys_addr_t pa)
{
	struct acpi_table *t;
	u32 len;
	const struct acpi_header *h;

	if (!pa || acpi.ntables >= ACPI_MAX_TABLES)
		return;
	h = map_table(pa, &len);
	if (!h) {
		printk("# acpi: table at %#llx has a bad length, ignored\n",
		       (unsigned long long)pa);
		return;
	}
	t = &acpi.tables[acpi.ntables++];
	memcpy(t->sig, h->sig, 4);
	t->sig[4] = 0;
	t->pa = pa;
	t->length = len;
	t->hdr = h;
	t->checksum_ok = acpi_checksum_ok(h, len);
	if (!t->checksum_ok)
		printk("# acpi: %s at %#llx has a bad checksum\n", t->sig,
		       (unsigned long long)pa);
}

const struct acpi_header *acpi_find(const char *sig, int instance)
{
	for (int i = 0; i < acpi.ntables; i++)
		if (!memcmp(acpi.tables[i].sig, sig, 4) && instance-- == 0)
			return acpi.tables[i].hdr;
	return NULL;
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

/* Keep one processor entry: valid ID, not seen before, room left. */
static void madt_add(struct madt_info *m, u8 type, u32 id, u32 uid, u32 flags)
{
	bool invalid = type == MADT_LAPIC ? id == 0xff : id == 0xffffffffu;

	if (!(flags & 3))
		return;		/* neither enabled nor online-capable: not a CPU to use */
	for (int i = 0; i < m->ncpus; i++)
		if (m->cpus[i].apic_id == id)
			invalid = true;
	if (invalid || m->ncpus >= m->max) {
		m->dropped++;
		return;
	}
	m->cpus[m->ncpus++] = (struct acpi_cpu){ id, uid, type, flags & 1, !(flags & 1) };
	if (flags & 1)
		m->nenabled++;
}

/* Entry 1: id at 2, address at 4, GSI base at 8. The first one's address is ioapic_base. */
static void madt_ioapic(struct madt_info *m, const u8 *p)
{
	if (!m->ioapic_base)
		m->ioapic_base = get32(p + 4);
	if (!m->ioapics || m->nioapics >= m->max_ioapics) {
		m->dropped_ioapics += m->ioapics != NULL;
		return;
	}
	m->ioapics[m->nioapics++] = (struct acpi_ioapic){ p[2], get32(p + 4), get32(p + 8) };
}

/* Entry 2: bus at 2, source IRQ at 3, GSI at 4, flags at 8. */
static void madt_iso(struct madt_info *m, const u8 *p)
{
	if (m->isos && m->niso < m->max_isos)
		m->isos[m->niso++] = (struct acpi_iso){ p[2], p[3], get32(p + 4),
							(u16)(p[8] | p[9] << 8) };
}

void madt_parse(const void *tbl, size_t len, struct madt_info *m)
{
	const u8 *p, *end = (const u8 *)tbl + len;

	m->ncpus = m->nenabled = m->dropped = m->nioapics = m->niso = 0;
	m->truncated = false;
	m->ioapic_base = 0;
	m->lapic_addr = len >= 40 ? get32((const u8 *)tbl + 36) : 0;
	if (len < 44)
		return;
	for (p = (const u8 *)tbl + 44; p < end; p += p[1]) {
		if (end - p < 2 || p[1] < 2 || p[1] > end - p) {
			m->truncated = true;
			return;
		}
		if (p[0] == MADT_LAPIC && p[1] >= 8)
			madt_add(m, MADT_LAPIC, p[3], p[2], get32(p + 4));
		else if (p[0] == MADT_X2APIC && p[1] >= 16)
			madt_add(m, MADT_X2APIC, get32(p + 4), get32(p + 12), get32(p + 8));
		else if (p[0] == MADT_IOAPIC && p[1] >= 12)
			madt_ioapic(m, p);
		else if (p[0] == MADT_ISO && p[1] >= 10)
			madt_iso(m, p);
	}
}

static void parse_madt(const struct acpi_header *h)
{
	struct madt_info *m = &acpi.madt;

	m->cpus = acpi.cpus;
	m->max = ACPI_MAX_CPUS;
	m->ioapics = acpi.ioapics;
	m->max_ioapics = ACPI_MAX_IOAPICS;
	m->isos = acpi.isos;
	m->max_isos = ACPI_MAX_ISO;
	madt_parse(h, h->length, m);
	acpi.ncpus = m->ncpus;
	acpi.nioapics = m->nioapics;
	acpi.niso = m->niso;
	if (m->dropped_ioapics)
		printk("# acpi: MADT: more than %d IOAPICs, %d ignored\n", ACPI_MAX_IOAPICS,
		       m->dropped_ioapics);
	acpi.ioapic_base = m->ioapic_base;
	if (m->truncated || m->dropped)
		printk("# acpi: MADT: %s%d processor entries ignored (invalid or duplicate APIC ID)\n",
		       m->truncated ? "an entry runs past the table; " : "", m->dropped);
}

static void parse_mcfg(const struct acpi_header *h)
{
	const u8 *p = (const u8 *)h + 44, *end = (const u8 *)h + h->length;

	for (; p + 16 <= end && acpi.necam < ACPI_MAX_ECAM; p += 16) {
		struct ecam_region *e = &acpi.ecam[acpi.necam];

		memcpy(&e->base, p, 8);
		memcpy(&e->segment, p + 8, 2);
		e->start_bus = p[10];
		e->end_bus = p[11];
		if (e->base && e->end_bus >= e->start_bus)
			acpi.necam++;
	}
}

static void parse_fadt(const struct acpi_header *h)
{
	const u8 *p = (const u8 *)h;
	u32 port = 0, flags = 0;

	if (h->length >= 80)
		memcpy(&port, p + 76, 4);
	if (h->length >= 116)
		memcpy(&flags, p + 112, 4);
	if (h->length >= 48)
		memcpy(&acpi.sci_irq, p + 46, 2);
	if (h->length >= 220 && p[208] == 1) {	/* X_PM_TMR_BLK in system I/O space */
		u64 x;

		memcpy(&x, p + 212, 8);
		if (x && x < 0x10000)
			port = (u32)x;
	}
	acpi.pm_timer_port = port;
	acpi.pm_timer_32bit = flags & (1u << 8);
	if (port)
		pmtimer_init(port, acpi.pm_timer_32bit);
}

static void walk_root(phys_addr_t root, bool x)
{
	u32 len;
	const struct acpi_header *h = map_table(root, &len);
	size_t esz = x ? 8 : 4;

	if (!h) {
		printk("# acpi: root table at %#llx unreadable\n", (unsigned long long)root);
		return;
	}
	acpi.root_checksum_ok = acpi_checksum_ok(h, len);
	for (size_t off = sizeof(*h); off + esz <= len; off += esz) {
		u64 pa = 0;

		memcpy(&pa, (const u8 *)h + off, esz);
		add_table(pa);
	}
}

void acpi_init(void)
{
	const u8 *r = boot_info.rsdp;
	const struct acpi_header *h;
	u32 rsdt;
	u64 xsdt = 0;

	if (boot_info.rsdp_source == RSDP_NONE) {
		printk("# acpi: no RSDP from the loader or the BIOS scan\n");
		return;
	}
	acpi.present = true;
	acpi.rsdp_revision = r[15];
	memcpy(&rsdt, r + 16, 4);
	if (acpi.rsdp_revision >= 2 && acpi_checksum_ok(r, 36))
		memcpy(&xsdt, r + 24, 8);
	acpi.xsdt = xsdt != 0;
	walk_root(xsdt ? xsdt : rsdt, xsdt != 0);
	if ((h = acpi_find("APIC", 0)))
		parse_madt(h);
	if ((h = acpi_find("MCFG", 0)))
		parse_mcfg(h);
	if ((h = acpi_find("FACP", 0)))
		parse_fadt(h);
}
