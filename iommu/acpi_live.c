// SPDX-License-Identifier: MIT
/*
 * The live DMAR/IVRS: found with acpi_find(), parsed once with the same
 * parsers the hosted tools use, summarised on the console in a few lines,
 * and tied to pci_devs[]. No register access here (the drivers map units).
 */
#include "arch/x86/acpi.h"
#include "arch/x86/console.h"
#include "iommu/acpi_live.h"
#include "lib/errno.h"

#define MAX_SUMMARY_UNITS 16
#define MAX_SUMMARY_MSGS 8

static struct dmar_table dmar;
static struct ivrs_table ivrs;
static bool have_dmar, have_ivrs, parsed;

/* The mapped length of the table acpi_find() returned (not its length field). */
static u32 mapped_len(const struct acpi_header *h)
{
	for (int i = 0; i < acpi.ntables; i++)
		if (acpi.tables[i].hdr == h)
			return acpi.tables[i].length;
	return 0;
}

static void print_log(const struct acpitab_log *log)
{
	for (int i = 0; i < log->n && i < MAX_SUMMARY_MSGS; i++)
		printk("#   %s: %s\n", log->msg[i].level == ACPITAB_ERR ? "error" : "warning",
		       log->msg[i].text);
	if (log->nerr + log->nwarn > MAX_SUMMARY_MSGS)
		printk("#   ... %d more (build/host/iommu-acpi shows all)\n",
		       log->nerr + log->nwarn - MAX_SUMMARY_MSGS);
}

static void print_dmar(void)
{
	printk("# DMAR: %u DRHD, %u RMRR, %u ATSR, HAW %u, flags 0x%x: %s\n",
	       dmar.count[DMAR_TYPE_DRHD], dmar.nrmrr, dmar.natsr, dmar.haw, dmar.flags,
	       dmar.valid ? "valid" : "REJECTED");
	for (int i = 0; i < dmar.nunits && i < MAX_SUMMARY_UNITS; i++) {
		const struct dmar_unit *u = &dmar.units[i];

		printk("#   dmar%d 0x%llx seg %u%s%s:", i, (unsigned long long)u->base, u->segment,
		       u->include_all ? " INCLUDE_PCI_ALL" : "", u->usable ? "" : " NOT USABLE");
		for (int k = 0; k < u->nscopes; k++) {
			char s[48];

			dmar_scope_str(dmar_scope_at(&dmar, u->first_scope, k), s, sizeof(s));
			printk(" %s", s);
		}
		printk("\n");
	}
	for (int i = 0; i < dmar.nrmrr && i < MAX_SUMMARY_UNITS; i++)
		printk("#   RMRR [0x%llx, 0x%llx]\n", (unsigned long long)dmar.rmrr[i].base,
		       (unsigned long long)dmar.rmrr[i].end);
	print_log(&dmar.log);
}

static void print_ivrs(void)
{
	printk("# IVRS: %u IOMMU, %u IVMD, IVinfo 0x%x: %s\n", ivrs.nunits, ivrs.nivmd,
	       ivrs.ivinfo, ivrs.valid ? "valid" : "REJECTED");
	for (int i = 0; i < ivrs.nunits && i < MAX_SUMMARY_UNITS; i++) {
		const struct ivrs_unit *u = &ivrs.units[i];

		printk("#   iommu%d %02x:%02x.%u 0x%llx seg %u IVHD %02xh%s: %u device ranges\n",
		       i, u->devid >> 8, (u->devid >> 3) & 0x1f, u->devid & 7,
		       (unsigned long long)u->base, u->segment, u->type,
		       u->usable ? "" : " NOT USABLE", u->nranges);
	}
	print_log(&ivrs.log);
}

void iommu_acpi_init(void)
{
	const struct acpi_header *h;

	if (parsed)
		return;
	parsed = true;
	if ((h = acpi_find("DMAR", 0))) {
		have_dmar = true;
		dmar_parse(h, mapped_len(h), &dmar);
		print_dmar();
	}
	if ((h = acpi_find("IVRS", 0))) {
		have_ivrs = true;
		ivrs_parse(h, mapped_len(h), &ivrs);
		print_ivrs();
	}
	if (!have_dmar && !have_ivrs)
		printk("# no DMAR or IVRS table: the firmware reports no IOMMU\n");
}

const struct dmar_table *dmar_live(void)
{
	iommu_acpi_init();
	return have_dmar ? &dmar : NULL;
}

const struct ivrs_table *ivrs_live(void)
{
	iommu_acpi_init();
	return have_ivrs ? &ivrs : NULL;
}

struct pci_dev *dmar_scope_dev(const struct dmar_scope *s, u16 segment)
{
	struct pci_dev *d = NULL;
	u8 bus = s->bus;

	if (s->type != DMAR_SCOPE_ENDPOINT && s->type != DMAR_SCOPE_BRIDGE)
		return NULL;
	for (int i = 0; i < s->nhops; i++) {
		d = pci_find_bdf(segment, (u16)(bus << 8 | s->path[i]));
		if (!d || (i + 1 < s->nhops && !d->is_bridge))
			return NULL;
		bus = d->secondary;
	}
	return d;
}

const struct dmar_unit *dmar_unit_of(const struct pci_dev *d)
{
	const struct dmar_table *t = dmar_live();
	struct dmar_dev_path p;

	if (!t || dmar_dev_path(d, &p))
		return NULL;
	return dmar_unit_for_dev(t, &p);
}
