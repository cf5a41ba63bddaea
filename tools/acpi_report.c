// SPDX-License-Identifier: MIT
/*
 * iommu-acpi output: one DMAR or IVRS table as text or as one JSON object.
 * The parsing is iommu/dmar.c and iommu/ivrs.c, exactly as in the kernel.
 * Hosted only (stdio).
 */
#include <stdio.h>
#include <string.h>
#include "iommu/dmar.h"
#include "iommu/ivrs.h"
#include "tools/acpi_report.h"

static struct dmar_table dmar;	/* big: one at a time */
static struct ivrs_table ivrs;

/* --- parts shared by DMAR and IVRS -------------------------------------- */

static void json_log(struct jo *j, const struct acpitab_log *log)
{
	static const char *const keys[] = { "errors", "warnings" };

	for (int lvl = ACPITAB_ERR; lvl <= ACPITAB_WARN; lvl++) {
		jo_key(j, keys[lvl]);
		jo_arr(j);
		for (int i = 0; i < log->n; i++)
			if (log->msg[i].level == lvl)
				jo_str(j, log->msg[i].text);
		if (lvl == ACPITAB_WARN && log->dropped)
			jo_str(j, "(more messages did not fit and were dropped)");
		jo_arr_end(j);
	}
	/* the rules (dmar_rules.c, ivrs_rules.c) the messages came from, in order */
	jo_key(j, "rules");
	jo_arr(j);
	for (int i = 0; i < log->n; i++)
		if (log->msg[i].rule)
			jo_str(j, log->msg[i].rule);
	jo_arr_end(j);
}

static void json_header(struct jo *j, const char *path, const struct acpitab_hdr *h,
			bool valid, const struct acpitab_log *log)
{
	jo_kstr(j, "file", path);
	jo_kstr(j, "signature", h->sig);
	jo_kbool(j, "valid", valid);
	json_log(j, log);
	jo_ku64(j, "length", h->length);
	jo_ku64(j, "revision", h->revision);
	jo_kbool(j, "checksum_ok", h->checksum_ok);
	jo_kstr(j, "oem_id", h->oem_id);
	jo_kstr(j, "oem_table_id", h->oem_table_id);
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

static void json_scopes(struct jo *j, const char *key, u16 first, u16 n)
{
	jo_key(j, key);
	jo_arr(j);
	for (u16 i = 0; i < n; i++) {
		const struct dmar_scope *s = dmar_scope_at(&dmar, first, i);
		char text[96];

		dmar_scope_str(s, text, sizeof(text));
		jo_obj(j);
		jo_kstr(j, "type", dmar_scope_type_name(s->type));
		jo_ku64(j, "enum_id", s->enum_id);
		jo_ku64(j, "bus", s->bus);
		jo_key(j, "path");
		jo_arr(j);
		for (int k = 0; k < s->nhops; k++) {
			jo_obj(j);
			jo_ku64(j, "device", s->path[k] >> 3);
			jo_ku64(j, "function", s->path[k] & 7);
			jo_obj_end(j);
		}
		jo_arr_end(j);
		jo_kstr(j, "text", text);
		jo_obj_end(j);
	}
	jo_arr_end(j);
}

static void json_dmar_units(struct jo *j)
{
	jo_key(j, "units");
	jo_arr(j);
	for (int i = 0; i < dmar.nunits; i++) {
		const struct dmar_unit *u = &dmar.units[i];

		jo_obj(j);
		jo_ku64(j, "index", u->index);
		jo_ku64(j, "base", u->base);
		jo_ku64(j, "segment", u->segment);
		jo_ku64(j, "flags", u->flags);
		jo_kbool(j, "include_pci_all", u->include_all);
		jo_kbool(j, "usable", u->usable);
		jo_ku64(j, "reg_size", u->reg_size);
		jo_key(j, "proximity");
		if (u->proximity < 0)
			jo_null(j);
		else
			jo_u64(j, (u64)u->proximity);
		json_scopes(j, "scopes", u->first_scope, u->nscopes);
		jo_obj_end(j);
	}
	jo_arr_end(j);
}

/* ATSR, SATC, SIDP: segment, one flag, scopes. */
static void json_scoped(struct jo *j, const char *key, const struct dmar_atsr *a,
			int n, const char *flag_key)
{
	jo_key(j, key);
	jo_arr(j);
	for (int i = 0; i < n; i++) {
		jo_obj(j);
		jo_ku64(j, "segment", a[i].segment);
		if (flag_key)
			jo_kbool(j, flag_key, a[i].flags & 1);
		json_scopes(j, "scopes", a[i].first_scope, a[i].nscopes);
		jo_obj_end(j);
	}
	jo_arr_end(j);
}

static void json_dmar_rest(struct jo *j)
{
	jo_key(j, "reserved");
	jo_arr(j);
	for (int i = 0; i < dmar.nrmrr; i++) {
		jo_obj(j);
		jo_kstr(j, "kind", "rmrr");
		jo_ku64(j, "start", dmar.rmrr[i].base);
		jo_ku64(j, "end", dmar.rmrr[i].end);
		jo_ku64(j, "segment", dmar.rmrr[i].segment);
		json_scopes(j, "devices", dmar.rmrr[i].first_scope, dmar.rmrr[i].nscopes);
		jo_obj_end(j);
	}
	jo_arr_end(j);
	json_scoped(j, "atsr", dmar.atsr, dmar.natsr, "all_ports");
	json_scoped(j, "satc", dmar.satc, dmar.nsatc, "atc_required");
	json_scoped(j, "sidp", dmar.sidp, dmar.nsidp, NULL);
	jo_key(j, "rhsa");
	jo_arr(j);
	for (int i = 0; i < dmar.nrhsa; i++) {
		jo_obj(j);
		jo_ku64(j, "base", dmar.rhsa[i].base);
		jo_ku64(j, "proximity", dmar.rhsa[i].proximity);
		jo_obj_end(j);
	}
	jo_arr_end(j);
	jo_key(j, "andd");
	jo_arr(j);
	for (int i = 0; i < dmar.nandd; i++) {
		jo_obj(j);
		jo_ku64(j, "acpi_device", dmar.andd[i].acpi_dev);
		jo_kstr(j, "name", dmar.andd[i].name);
		jo_obj_end(j);
	}
	jo_arr_end(j);
}

static void json_dmar(const char *path)
{
	struct jo j;

	jo_init(&j, stdout);
	jo_obj(&j);
	json_header(&j, path, &dmar.hdr, dmar.valid, &dmar.log);
	jo_ku64(&j, "host_address_width", dmar.haw);
	jo_ku64(&j, "flags", dmar.flags);
	jo_kbool(&j, "intr_remap", dmar.flags & DMAR_INTR_REMAP);
	jo_kbool(&j, "x2apic_opt_out", dmar.flags & DMAR_X2APIC_OPT_OUT);
	jo_kbool(&j, "dma_ctrl_platform_opt_in", dmar.flags & DMAR_DMA_CTRL_PLATFORM_OPT_IN);
	jo_key(&j, "counts");
	jo_obj(&j);
	for (int t = 0; t < DMAR_NTYPES; t++)
		jo_ku64(&j, dmar_type_name(t), dmar.count[t]);
	jo_ku64(&j, "unknown", dmar.nunknown);
	jo_obj_end(&j);
	jo_ku64(&j, "device_scope_entries", dmar.nscope_entries);
	json_dmar_units(&j);
	json_dmar_rest(&j);
	jo_obj_end(&j);
}

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

static const char *const range_kinds[] = {
	[IVRS_RANGE_ALL] = "all", [IVRS_RANGE_SELECT] = "select",
	[IVRS_RANGE_ALIAS] = "alias", [IVRS_RANGE_ALIAS_TARGET] = "alias target",
	[IVRS_RANGE_EXT] = "extended",
};

static void bdf_str(u16 devid, char *buf, size_t n)
{
	snprintf(buf, n, "%02x:%02x.%u", devid >> 8, (devid >> 3) & 0x1f, devid & 7);
}

static void json_ivrs_devices(struct jo *j, const struct ivrs_unit *u)
{
	jo_key(j, "devices");
	jo_arr(j);
	for (int k = 0; k < u->nranges; k++) {
		const struct ivrs_range *r = &ivrs.ranges[u->first_range + k];

		jo_obj(j);
		jo_ku64(j, "first", r->first);
		jo_ku64(j, "last", r->last);
		jo_kstr(j, "kind", range_kinds[r->kind]);
		jo_ku64(j, "dte", r->dte);
		if (r->kind == IVRS_RANGE_ALIAS)
			jo_ku64(j, "alias", r->alias);
		if (r->kind == IVRS_RANGE_EXT)
			jo_ku64(j, "ext", r->ext);
		jo_obj_end(j);
	}
	jo_arr_end(j);
	jo_key(j, "special");
	jo_arr(j);
	for (int k = 0; k < ivrs.nspecial; k++) {
		const struct ivrs_special *s = &ivrs.special[k];

		if (s->unit != u->index)
			continue;
		jo_obj(j);
		jo_kstr(j, "variety", s->variety == IVRS_SPECIAL_IOAPIC ? "ioapic" :
				      s->variety == IVRS_SPECIAL_HPET ? "hpet" : "unknown");
		jo_ku64(j, "handle", s->handle);
		jo_ku64(j, "devid", s->devid);
		jo_ku64(j, "dte", s->dte);
		jo_obj_end(j);
	}
	jo_arr_end(j);
	jo_key(j, "acpi_hid");
	jo_arr(j);
	for (int k = 0; k < ivrs.nacpihid; k++) {
		const struct ivrs_acpihid *h = &ivrs.acpihid[k];

		if (h->unit != u->index)
			continue;
		jo_obj(j);
		jo_kstr(j, "hid", h->hid);
		jo_kstr(j, "cid", h->cid);
		jo_kstr(j, "uid", h->uid);
		jo_ku64(j, "devid", h->devid);
		jo_ku64(j, "dte", h->dte);
		jo_obj_end(j);
	}
	jo_arr_end(j);
}

static void json_ivrs_unit(struct jo *j, const struct ivrs_unit *u)
{
	char bdf[16];

	bdf_str(u->devid, bdf, sizeof(bdf));
	jo_obj(j);
	jo_ku64(j, "index", u->index);
	jo_ku64(j, "base", u->base);
	jo_ku64(j, "segment", u->segment);
	jo_ku64(j, "devid", u->devid);
	jo_kstr(j, "device", bdf);
	jo_ku64(j, "cap_offset", u->cap_offset);
	jo_ku64(j, "ivhd_type", u->type);
	jo_key(j, "types_seen");
	jo_arr(j);
	for (int s = 0; s < 3; s++)
		if (u->types_seen & (1 << s))
			jo_u64(j, s == 0 ? 0x10 : s == 1 ? 0x11 : 0x40);
	jo_arr_end(j);
	jo_ku64(j, "flags", u->flags);
	jo_ku64(j, "info", u->info);
	jo_ku64(j, "attributes", u->attr);
	jo_key(j, "efr");
	if (u->efr_valid)
		jo_u64(j, u->efr);
	else
		jo_null(j);
	jo_key(j, "efr2");
	if (u->efr_valid)
		jo_u64(j, u->efr2);
	else
		jo_null(j);
	jo_kbool(j, "usable", u->usable);
	json_ivrs_devices(j, u);
	jo_obj_end(j);
}

static void json_ivrs(const char *path)
{
	struct jo j;

	jo_init(&j, stdout);
	jo_obj(&j);
	json_header(&j, path, &ivrs.hdr, ivrs.valid, &ivrs.log);
	jo_ku64(&j, "ivinfo", ivrs.ivinfo);
	jo_kbool(&j, "efr_sup", ivrs.ivinfo & IVRS_IVINFO_EFRSUP);
	jo_key(&j, "ivhd_counts");
	jo_obj(&j);
	jo_ku64(&j, "0x10", ivrs.nivhd[0]);
	jo_ku64(&j, "0x11", ivrs.nivhd[1]);
	jo_ku64(&j, "0x40", ivrs.nivhd[2]);
	jo_obj_end(&j);
	jo_ku64(&j, "ivmd_count", ivrs.nivmd_found);
	jo_ku64(&j, "device_entries", ivrs.ndev_entries);
	jo_ku64(&j, "unknown_subtables", ivrs.nunknown);
	jo_key(&j, "ivhds");
	jo_arr(&j);
	for (int i = 0; i < ivrs.nivhds; i++) {
		const struct ivrs_ivhd *h = &ivrs.ivhds[i];

		jo_obj(&j);
		jo_ku64(&j, "type", h->type);
		jo_ku64(&j, "offset", h->off);
		jo_ku64(&j, "base", h->base);
		jo_ku64(&j, "segment", h->segment);
		jo_ku64(&j, "devid", h->devid);
		jo_ku64(&j, "entries", h->nentries);
		jo_kbool(&j, "used", h->unit >= 0 && ivrs.units[h->unit].type == h->type);
		jo_obj_end(&j);
	}
	jo_arr_end(&j);
	jo_key(&j, "units");
	jo_arr(&j);
	for (int i = 0; i < ivrs.nunits; i++)
		json_ivrs_unit(&j, &ivrs.units[i]);
	jo_arr_end(&j);
	jo_key(&j, "reserved");
	jo_arr(&j);
	for (int i = 0; i < ivrs.nivmd; i++) {
		const struct ivrs_ivmd *m = &ivrs.ivmd[i];

		jo_obj(&j);
		jo_kstr(&j, "kind", "ivmd");
		jo_ku64(&j, "type", m->type);
		jo_ku64(&j, "start", m->start);
		jo_ku64(&j, "end", m->end);
		jo_ku64(&j, "first_devid", m->first);
		jo_ku64(&j, "last_devid", m->last);
		jo_ku64(&j, "flags", m->flags);
		jo_kbool(&j, "unity", m->flags & IVRS_IVMD_UNITY);
		jo_kbool(&j, "read", m->flags & IVRS_IVMD_IR);
		jo_kbool(&j, "write", m->flags & IVRS_IVMD_IW);
		jo_kbool(&j, "exclusion", m->flags & IVRS_IVMD_EXCL);
		jo_obj_end(&j);
	}
	jo_arr_end(&j);
	jo_obj_end(&j);
}

static void text_ivrs_unit(const struct ivrs_unit *u)
{
	char bdf[16], a[16];

	bdf_str(u->devid, bdf, sizeof(bdf));
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

		bdf_str(r->first, bdf, sizeof(bdf));
		bdf_str(r->last, a, sizeof(a));
		printf("    %s%s%s %s dte 0x%02x", bdf, r->last != r->first ? " - " : "",
		       r->last != r->first ? a : "", range_kinds[r->kind], r->dte);
		bdf_str(r->alias, a, sizeof(a));
		if (r->kind == IVRS_RANGE_ALIAS)
			printf(" as %s", a);
		if (r->kind == IVRS_RANGE_EXT)
			printf(" ext 0x%08x", r->ext);
		printf("\n");
	}
	for (int k = 0; k < ivrs.nspecial; k++) {
		const struct ivrs_special *s = &ivrs.special[k];

		bdf_str(s->devid, bdf, sizeof(bdf));
		if (s->unit == u->index)
			printf("    %s %u = %s\n", s->variety == IVRS_SPECIAL_IOAPIC ? "IOAPIC" :
			       s->variety == IVRS_SPECIAL_HPET ? "HPET" : "special", s->handle, bdf);
	}
	for (int k = 0; k < ivrs.nacpihid; k++) {
		const struct ivrs_acpihid *h = &ivrs.acpihid[k];

		bdf_str(h->devid, bdf, sizeof(bdf));
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
	if (len >= 4 && !memcmp(buf, "IVRS", 4)) {
		ivrs_parse(buf, len, &ivrs);
		(o->json ? json_ivrs : text_ivrs)(path);
		return ivrs.valid;
	}
	dmar_parse(buf, len, &dmar);
	(o->json ? json_dmar : text_dmar)(path);
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
