// SPDX-License-Identifier: MIT
/*
 * iommu-acpi output: one DMAR or IVRS table as text or as one JSON object.
 * The parsing is iommu/dmar.c and iommu/ivrs.c, exactly as in the kernel.
 * Hosted only (stdio).
 */
#include <stdio.h>
#include <string.h>
#include "iommu/acpi_json.h"
#include "tools/acpi_report.h"

static struct dmar_table dmar;	/* big: one at a time */
static struct ivrs_table ivrs;

/* --- parts shared by DMAR and IVRS -------------------------------------- */

/* Open the table's JSON object with its "file"; iommu/acpi_json.c writes the rest. */
static void json_begin(struct json *j, const char *path)
{
	jo_init(j, stdout);
	jo_obj(j);
	jo_kstr(j, "file", path);
}

static void text_header(const char *path, const struct acpitab_hdr *h, bool valid)
{
	printf("%s: %s rev %u, OEM \"%s\" \"%s\", %u bytes, checksum %s: %s\n",
	       path, h->sig, h->revision, h->oem_id, h->oem_table_id, h->length,
	       h->checksum_ok ? "ok" : "WRONG", valid ? "valid" : "REJECTED");
}

static void text_log(const struct acpitab_log *log)
{
	for (int i = 0; i < log->n; i++)
		printf("  %s: %s\n", log->msg[i].level == ACPITAB_ERR ? "error" : "warning",
		       log->msg[i].text);
	if (log->dropped)
		printf("  (%u more messages dropped)\n", log->dropped);
}

/* --- DMAR ----------------------------------------------------------------- */

static void text_scopes(u16 first, u16 n)
{
	for (u16 i = 0; i < n; i++) {
		char s[96];

		dmar_scope_str(dmar_scope_at(&dmar, first, i), s, sizeof(s));
		printf("%s%s", i ? ", " : "", s);
	}
	printf("%s\n", n ? "" : "(none)");
}

static void text_dmar(const char *path)
{
	text_header(path, &dmar.hdr, dmar.valid);
	printf("  host address width %u bits, flags 0x%x%s%s%s\n", dmar.haw, dmar.flags,
	       dmar.flags & DMAR_INTR_REMAP ? " INTR_REMAP" : "",
	       dmar.flags & DMAR_X2APIC_OPT_OUT ? " X2APIC_OPT_OUT" : "",
	       dmar.flags & DMAR_DMA_CTRL_PLATFORM_OPT_IN ? " DMA_CTRL_PLATFORM_OPT_IN" : "");
	for (int i = 0; i < dmar.nunits; i++) {
		const struct dmar_unit *u = &dmar.units[i];

		printf("  dmar%d: registers 0x%llx (%llu KiB), segment %u%s%s", i,
		       (unsigned long long)u->base, (unsigned long long)(u->reg_size >> 10),
		       u->segment, u->include_all ? ", INCLUDE_PCI_ALL" : "",
		       u->usable ? "" : ", NOT USABLE");
		if (u->proximity >= 0)
			printf(", proximity %lld", (long long)u->proximity);
		printf("\n    scopes: ");
		text_scopes(u->first_scope, u->nscopes);
	}
	for (int i = 0; i < dmar.nrmrr; i++) {
		printf("  RMRR [0x%llx, 0x%llx] segment %u: ", (unsigned long long)dmar.rmrr[i].base,
		       (unsigned long long)dmar.rmrr[i].end, dmar.rmrr[i].segment);
		text_scopes(dmar.rmrr[i].first_scope, dmar.rmrr[i].nscopes);
	}
	for (int i = 0; i < dmar.natsr; i++) {
		printf("  ATSR segment %u%s: ", dmar.atsr[i].segment,
		       dmar.atsr[i].flags & DMAR_ATSR_ALL_PORTS ? " ALL_PORTS" : "");
		text_scopes(dmar.atsr[i].first_scope, dmar.atsr[i].nscopes);
	}
	for (int i = 0; i < dmar.nsatc; i++) {
		printf("  SATC segment %u%s: ", dmar.satc[i].segment,
		       dmar.satc[i].flags & DMAR_SATC_ATC_REQUIRED ? " ATC_REQUIRED" : "");
		text_scopes(dmar.satc[i].first_scope, dmar.satc[i].nscopes);
	}
	for (int i = 0; i < dmar.nsidp; i++) {
		printf("  SIDP segment %u: ", dmar.sidp[i].segment);
		text_scopes(dmar.sidp[i].first_scope, dmar.sidp[i].nscopes);
	}
	for (int i = 0; i < dmar.nrhsa; i++)
		printf("  RHSA 0x%llx -> proximity domain %u\n",
		       (unsigned long long)dmar.rhsa[i].base, dmar.rhsa[i].proximity);
	for (int i = 0; i < dmar.nandd; i++)
		printf("  ANDD ACPI device %u = %s\n", dmar.andd[i].acpi_dev, dmar.andd[i].name);
	text_log(&dmar.log);
}

/* --- IVRS ----------------------------------------------------------------- */

static void text_ivrs_unit(const struct ivrs_unit *u)
{
	char bdf[16], a[16];

	ivrs_devid_str(u->devid, bdf, sizeof(bdf));
	printf("  iommu%d: %04x:%s MMIO 0x%llx%s, IVHD %02xh used (described by%s%s%s), cap 0x%x, flags 0x%02x\n",
	       u->index, u->segment, bdf, (unsigned long long)u->base,
	       u->usable ? "" : " NOT USABLE", u->type, u->types_seen & 1 ? " 10h" : "",
	       u->types_seen & 2 ? " 11h" : "", u->types_seen & 4 ? " 40h" : "",
	       u->cap_offset, u->flags);
	if (u->efr_valid)
		printf("    EFR 0x%llx EFR2 0x%llx (from the IVHD)\n",
		       (unsigned long long)u->efr, (unsigned long long)u->efr2);
	for (int k = 0; k < u->nranges; k++) {
		const struct ivrs_range *r = &ivrs.ranges[u->first_range + k];

		ivrs_devid_str(r->first, bdf, sizeof(bdf));
		ivrs_devid_str(r->last, a, sizeof(a));
		printf("    %s%s%s %s dte 0x%02x", bdf, r->last != r->first ? " - " : "",
		       r->last != r->first ? a : "", ivrs_range_kind_str(r->kind), r->dte);
		ivrs_devid_str(r->alias, a, sizeof(a));
		if (r->kind == IVRS_RANGE_ALIAS)
			printf(" as %s", a);
		if (r->kind == IVRS_RANGE_EXT)
			printf(" ext 0x%08x", r->ext);
		printf("\n");
	}
	for (int k = 0; k < ivrs.nspecial; k++) {
		const struct ivrs_special *s = &ivrs.special[k];

		ivrs_devid_str(s->devid, bdf, sizeof(bdf));
		if (s->unit == u->index)
			printf("    %s %u = %s\n", s->variety == IVRS_SPECIAL_IOAPIC ? "IOAPIC" :
			       s->variety == IVRS_SPECIAL_HPET ? "HPET" : "special", s->handle, bdf);
	}
	for (int k = 0; k < ivrs.nacpihid; k++) {
		const struct ivrs_acpihid *h = &ivrs.acpihid[k];

		ivrs_devid_str(h->devid, bdf, sizeof(bdf));
		if (h->unit == u->index)
			printf("    ACPI %s%s%s uid \"%s\" = %s\n", h->hid, h->cid[0] ? "/" : "",
			       h->cid, h->uid, bdf);
	}
}

static void text_ivrs(const char *path)
{
	u32 iv = ivrs.ivinfo;

	text_header(path, &ivrs.hdr, ivrs.valid);
	printf("  IVinfo 0x%08x: VA %u bits, PA %u bits, GVA code %u%s; IVHD 10h x%u, 11h x%u, 40h x%u; %u device entries\n",
	       iv, (iv >> 15) & 0x7f, (iv >> 8) & 0x7f, (iv >> 5) & 7,
	       iv & IVRS_IVINFO_EFRSUP ? ", EFRSup" : "", ivrs.nivhd[0], ivrs.nivhd[1],
	       ivrs.nivhd[2], ivrs.ndev_entries);
	for (int i = 0; i < ivrs.nunits; i++)
		text_ivrs_unit(&ivrs.units[i]);
	for (int i = 0; i < ivrs.nivmd; i++) {
		const struct ivrs_ivmd *m = &ivrs.ivmd[i];

		printf("  IVMD %02xh devids %04x-%04x [0x%llx, 0x%llx]%s%s%s%s\n", m->type,
		       m->first, m->last, (unsigned long long)m->start, (unsigned long long)m->end,
		       m->flags & IVRS_IVMD_UNITY ? " unity" : "", m->flags & IVRS_IVMD_IR ? " R" : "",
		       m->flags & IVRS_IVMD_IW ? " W" : "", m->flags & IVRS_IVMD_EXCL ? " exclusion" : "");
	}
	text_log(&ivrs.log);
}

bool report_table(const struct report_opts *o, const char *path,
		  const unsigned char *buf, size_t len)
{
	struct json j;

	if (len >= 4 && !memcmp(buf, "IVRS", 4)) {
		ivrs_parse(buf, len, &ivrs);
		if (o->json) {
			json_begin(&j, path);
			ivrs_json(&j, &ivrs);
			jo_obj_end(&j);
		} else {
			text_ivrs(path);
		}
		return ivrs.valid;
	}
	dmar_parse(buf, len, &dmar);
	if (o->json) {
		json_begin(&j, path);
		dmar_json(&j, &dmar);
		jo_obj_end(&j);
	} else {
		text_dmar(path);
	}
	return dmar.valid;
}

static void print_rules(const struct acpirule *rules, int n)
{
	static const char *const kinds[] = {
		[ACPIRULE_RSVD] = "reserved bits 0x%llx", [ACPIRULE_MIN] = "at least %llu",
		[ACPIRULE_MAX] = "at most %llu", [ACPIRULE_ALIGN] = "aligned to 0x%llx",
	};

	for (int i = 0; i < n; i++) {
		const struct acpirule *r = &rules[i];
		char what[96] = "";

		if (r->kind != ACPIRULE_CHECK) {
			int k = snprintf(what, sizeof(what), "%s (bytes +%u..%u): ", r->what, r->off,
					 r->off + r->size - 1);

			snprintf(what + k, sizeof(what) - k, kinds[r->kind], (unsigned long long)r->arg);
		} else {
			snprintf(what, sizeof(what), "%s", r->what);
		}
		printf("%-24s %-7s %s%s%s\n", r->id, r->level == ACPITAB_ERR ? "error" : "warning",
		       what, *what && r->why ? "; " : "", r->why ? r->why : "");
	}
}

void report_rules(void)
{
	printf("%-24s %-7s %s\n", "rule", "level", "what it bounds; the spec, or what Linux does");
	print_rules(dmar_rules, dmar_nrules);
	print_rules(ivrs_rules, ivrs_nrules);
}
