// SPDX-License-Identifier: MIT
/*
 * The bring-up report: one JSON object on the serial consoles, the line
 * "# bringup: {...}" before the tests. Its facts are the table below, one
 * row per key; each layer writes its own values (smbios_json, iommu_...).
 */
#include "arch/x86/acpi.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/smbios.h"
#include "arch/x86/smp.h"
#include "boot/bootinfo.h"
#include "init/bringup.h"
#include "iommu/bringup.h"
#include "iommu/iommu.h"
#include "iommu/iommu_init.h"
#include "iommu/irq_remap.h"
#include "lib/json.h"
#include "lib/printf.h"
#include "lib/string.h"

#define BRINGUP_SCHEMA	1	/* bumped when a key changes meaning or goes away */

static void fact_schema(struct json *j)
{
	json_u64(j, BRINGUP_SCHEMA);
}

static void fact_version(struct json *j)
{
	json_str(j, iommu_testos_version);
}

static void fact_loader(struct json *j)
{
	json_str(j, bootinfo_loader_str(boot_info.loader));
}

static void fact_loader_name(struct json *j)
{
	json_str(j, boot_info.loader_name);
}

static void fact_firmware(struct json *j)
{
	json_str(j, boot_info.efi ? "UEFI" : "BIOS");
}

static void fact_cmdline(struct json *j)
{
	json_str(j, boot_info.cmdline);
}

static void fact_cpu_vendor(struct json *j)
{
	json_str(j, cpu_feat.vendor);
}

static void fact_cpu_brand(struct json *j)
{
	const char *b = cpu_feat.brand;

	while (*b == ' ')
		b++;
	json_str(j, b);
}

static void fact_cpu_family(struct json *j)
{
	json_u64(j, cpu_feat.family);
}

static void fact_cpu_model(struct json *j)
{
	json_u64(j, cpu_feat.model);
}

static void fact_cpu_stepping(struct json *j)
{
	json_u64(j, cpu_feat.stepping);
}

/* Processors the MADT lists as usable (enabled or online-capable). */
static void fact_cpu_count(struct json *j)
{
	json_u64(j, (u64)acpi.ncpus);
}

/* The CPU offers x2APIC (CPUID 1 ECX.21); the APIC mode in use is the lapic's fact. */
static void fact_cpu_x2apic(struct json *j)
{
	json_bool(j, cpu_feat.x2apic);
}

/* CPUs that came up and run (count: the enabled ones the MADT lists). */
static void fact_cpu_online(struct json *j)
{
	json_u64(j, (u64)smp_cpus_online());
}

static void fact_apic_mode(struct json *j)
{
	json_str(j, lapic_x2apic() ? "x2apic" : "xapic");
}

static void fact_apic_mode_loader(struct json *j)
{
	json_str(j, lapic_loader_x2apic() ? "x2apic" : "xapic");
}

/* The interrupt remapping in use after the boot checks, or null. */
static void fact_irq_remap(struct json *j)
{
	const struct irq_remap_ops *ops = irq_remap_ops();

	if (ops)
		json_str(j, ops->name);
	else
		json_null(j);
}

static void fact_cpu_phys_bits(struct json *j)
{
	json_u64(j, cpu_feat.phys_bits);
}

static u64 mem_bytes(u32 type)
{
	u64 n = 0;

	for (int i = 0; i < boot_info.nmmap; i++)
		if (boot_info.mmap[i].type == type)
			n += boot_info.mmap[i].len;
	return n;
}

static void fact_mem_usable(struct json *j)
{
	json_u64(j, mem_bytes(MEM_USABLE));
}

static void fact_mem_reserved(struct json *j)
{
	json_u64(j, mem_bytes(MEM_RESERVED));
}

static void fact_mem_acpi(struct json *j)
{
	json_u64(j, mem_bytes(MEM_ACPI) + mem_bytes(MEM_NVS));
}

static void fact_mem_top(struct json *j)
{
	json_u64(j, mm_ram_top());
}

static void fact_mem_regions(struct json *j)
{
	static const char *const type[] = { "?", "usable", "reserved", "acpi", "nvs", "bad" };

	json_arr(j);
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];

		json_obj(j);
		json_ku64(j, "base", r->base);
		json_ku64(j, "length", r->len);
		json_kstr(j, "type", type[r->type < ARRAY_SIZE(type) ? r->type : 0]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void fact_acpi_tables(struct json *j)
{
	json_arr(j);
	for (int i = 0; i < acpi.ntables; i++) {
		const struct acpi_table *t = &acpi.tables[i];

		json_obj(j);
		json_kstr(j, "signature", t->sig);
		json_ku64(j, "address", t->pa);
		json_ku64(j, "length", t->length);
		json_kbool(j, "checksum_ok", t->checksum_ok);
		json_key(j, "oem_id");
		json_strn(j, t->hdr->oem_id, sizeof(t->hdr->oem_id));
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* The IOMMU tables and the console's, byte for byte (scripts/ktap --extract-acpi). */
static void fact_raw_tables(struct json *j)
{
	static const char *const sigs[] = { "DMAR", "IVRS", "SPCR" };

	json_obj(j);
	for (int i = 0; i < acpi.ntables; i++) {
		const struct acpi_table *t = &acpi.tables[i];

		for (size_t k = 0; k < ARRAY_SIZE(sigs); k++) {
			if (strcmp(t->sig, sigs[k]))
				continue;
			json_key(j, t->sig);
			json_base64(j, t->hdr, t->length);
		}
	}
	json_obj_end(j);
}

static void fact_iommu_driver(struct json *j)
{
	if (iommu_driver_name())
		json_str(j, iommu_driver_name());
	else
		json_null(j);
}

static void count_translating(struct iommu_device *iommu, void *ctx)
{
	*(u64 *)ctx += !iommu->no_dma;
}

/* Units translating DMA, and why none does where a driver runs (IR-only units). */
static void fact_dma_translation(struct json *j)
{
	u64 n = 0;

	if (!iommu_driver_name()) {
		json_null(j);
		return;
	}
	iommu_for_each_unit(count_translating, &n);
	json_obj(j);
	json_ku64(j, "units", n);
	json_key(j, "why_not");
	if (iommu_no_dma_reason())
		json_str(j, iommu_no_dma_reason());
	else
		json_null(j);
	json_obj_end(j);
}

/*
 * Every fact of the report, in output order: rows with the same section
 * form one object. Add a fact with one row here and a function in its layer.
 */
static const struct bringup_fact {
	const char *section;	/* NULL: a top-level key */
	const char *key;
	void (*emit)(struct json *j);
} facts[] = {
	{ NULL, "schema", fact_schema },
	{ NULL, "version", fact_version },
	{ "boot", "loader", fact_loader },
	{ "boot", "loader_name", fact_loader_name },
	{ "boot", "firmware", fact_firmware },
	{ "boot", "cmdline", fact_cmdline },
	{ NULL, "machine", smbios_json },
	{ "cpu", "vendor", fact_cpu_vendor },
	{ "cpu", "brand", fact_cpu_brand },
	{ "cpu", "family", fact_cpu_family },
	{ "cpu", "model", fact_cpu_model },
	{ "cpu", "stepping", fact_cpu_stepping },
	{ "cpu", "count", fact_cpu_count },
	{ "cpu", "x2apic", fact_cpu_x2apic },
	{ "cpu", "online", fact_cpu_online },
	{ "cpu", "apic_mode", fact_apic_mode },
	{ "cpu", "apic_mode_from_loader", fact_apic_mode_loader },
	{ "cpu", "phys_bits", fact_cpu_phys_bits },
	{ "memory", "usable_bytes", fact_mem_usable },
	{ "memory", "reserved_bytes", fact_mem_reserved },
	{ "memory", "acpi_bytes", fact_mem_acpi },
	{ "memory", "ram_top", fact_mem_top },
	{ "memory", "regions", fact_mem_regions },
	{ NULL, "consoles", console_json },
	{ NULL, "console_messages", console_notes_json },
	{ NULL, "acpi_tables", fact_acpi_tables },
	{ NULL, "iommu_driver", fact_iommu_driver },
	{ NULL, "interrupt_remapping", fact_irq_remap },
	{ NULL, "dma_translation", fact_dma_translation },
	{ NULL, "iommus", iommu_bringup_units },
	{ NULL, "pci", iommu_bringup_pci },
	{ NULL, "ranges", iommu_bringup_ranges },
	{ NULL, "acpi", iommu_bringup_tables },
	{ NULL, "raw_tables", fact_raw_tables },
};

/* Write the facts as the members of the object j has open. */
void bringup_facts(struct json *j)
{
	const char *open = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		const struct bringup_fact *f = &facts[i];

		if (open && (!f->section || strcmp(open, f->section))) {
			json_obj_end(j);
			open = NULL;
		}
		if (f->section && !open) {
			json_key(j, f->section);
			json_obj(j);
			open = f->section;
		}
		json_key(j, f->key);
		f->emit(j);
	}
	if (open)
		json_obj_end(j);
}

static void serial_sink(void *ctx, const char *s, size_t n)
{
	console_write_to(CONSOLE_SERIAL, s, n);
}

void bringup_report(void)
{
	struct json j;
	char note[96];

	console_write_to(CONSOLE_SERIAL, "# bringup: ", 11);
	json_init(&j, serial_sink, NULL);
	json_obj(&j);
	bringup_facts(&j);
	json_obj_end(&j);
	console_write_to(CONSOLE_SERIAL, "\n", 1);
	/* a screen shows the report, not kilobytes of JSON */
	snprintf(note, sizeof(note), "# bringup: %zu bytes of JSON on the serial console\n",
		 j.bytes);
	console_write_to(CONSOLE_SCREEN, note, strlen(note));
}
