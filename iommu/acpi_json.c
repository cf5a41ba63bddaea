// SPDX-License-Identifier: MIT
/*
 * A parsed DMAR or IVRS as the members of one JSON object: the schema of
 * iommu-acpi --json (docs/DESIGN.md "Tools for people"), which the kernel's
 * bring-up line reuses for the live tables. Parsing is dmar.c and ivrs.c.
 */
#include "iommu/acpi_json.h"
#include "lib/json.h"
#include "lib/printf.h"

static void json_log(struct json *j, const struct acpitab_log *log)
{
	static const char *const keys[] = { "errors", "warnings" };

	for (int lvl = ACPITAB_ERR; lvl <= ACPITAB_WARN; lvl++) {
		json_key(j, keys[lvl]);
		json_arr(j);
		for (int i = 0; i < log->n; i++)
			if (log->msg[i].level == lvl)
				json_str(j, log->msg[i].text);
		if (lvl == ACPITAB_WARN && log->dropped)
			json_str(j, "(more messages did not fit and were dropped)");
		json_arr_end(j);
	}
	/* the rules (dmar_rules.c, ivrs_rules.c) the messages came from, in order */
	json_key(j, "rules");
	json_arr(j);
	for (int i = 0; i < log->n; i++)
		if (log->msg[i].rule)
			json_str(j, log->msg[i].rule);
	json_arr_end(j);
}

static void json_header(struct json *j, const struct acpitab_hdr *h, bool valid,
			const struct acpitab_log *log)
{
	json_kstr(j, "signature", h->sig);
	json_kbool(j, "valid", valid);
	json_log(j, log);
	json_ku64(j, "length", h->length);
	json_ku64(j, "revision", h->revision);
	json_kbool(j, "checksum_ok", h->checksum_ok);
	json_kstr(j, "oem_id", h->oem_id);
	json_kstr(j, "oem_table_id", h->oem_table_id);
}

static void json_scopes(struct json *j, const struct dmar_table *t, const char *key,
			u16 first, u16 n)
{
	json_key(j, key);
	json_arr(j);
	for (u16 i = 0; i < n; i++) {
		const struct dmar_scope *s = dmar_scope_at(t, first, i);
		char text[96];

		dmar_scope_str(s, text, sizeof(text));
		json_obj(j);
		json_kstr(j, "type", dmar_scope_type_name(s->type));
		json_ku64(j, "enum_id", s->enum_id);
		json_ku64(j, "bus", s->bus);
		json_key(j, "path");
		json_arr(j);
		for (int k = 0; k < s->nhops; k++) {
			json_obj(j);
			json_ku64(j, "device", s->path[k] >> 3);
			json_ku64(j, "function", s->path[k] & 7);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_kstr(j, "text", text);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void dmar_unit_json(struct json *j, const struct dmar_table *t, const struct dmar_unit *u)
{
	json_ku64(j, "index", u->index);
	json_ku64(j, "base", u->base);
	json_ku64(j, "segment", u->segment);
	json_ku64(j, "flags", u->flags);
	json_kbool(j, "include_pci_all", u->include_all);
	json_kbool(j, "usable", u->usable);
	json_ku64(j, "reg_size", u->reg_size);
	json_key(j, "proximity");
	if (u->proximity < 0)
		json_null(j);
	else
		json_u64(j, (u64)u->proximity);
	json_scopes(j, t, "scopes", u->first_scope, u->nscopes);
}

static void json_dmar_units(struct json *j, const struct dmar_table *t)
{
	json_key(j, "units");
	json_arr(j);
	for (int i = 0; i < t->nunits; i++) {
		json_obj(j);
		dmar_unit_json(j, t, &t->units[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* ATSR, SATC, SIDP: segment, one flag, scopes. */
void dmar_scoped_json(struct json *j, const struct dmar_table *t, const struct dmar_atsr *a,
		      const char *flag_key)
{
	json_ku64(j, "segment", a->segment);
	if (flag_key)
		json_kbool(j, flag_key, a->flags & 1);
	json_scopes(j, t, "scopes", a->first_scope, a->nscopes);
}

static void json_scoped(struct json *j, const struct dmar_table *t, const char *key,
			const struct dmar_atsr *a, int n, const char *flag_key)
{
	json_key(j, key);
	json_arr(j);
	for (int i = 0; i < n; i++) {
		json_obj(j);
		dmar_scoped_json(j, t, &a[i], flag_key);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void dmar_rmrr_json(struct json *j, const struct dmar_table *t, const struct dmar_rmrr *r)
{
	json_kstr(j, "kind", "rmrr");
	json_ku64(j, "start", r->base);
	json_ku64(j, "end", r->end);
	json_ku64(j, "segment", r->segment);
	json_scopes(j, t, "devices", r->first_scope, r->nscopes);
}

static void json_dmar_rest(struct json *j, const struct dmar_table *t)
{
	json_key(j, "reserved");
	json_arr(j);
	for (int i = 0; i < t->nrmrr; i++) {
		json_obj(j);
		dmar_rmrr_json(j, t, &t->rmrr[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_scoped(j, t, "atsr", t->atsr, t->natsr, "all_ports");
	json_scoped(j, t, "satc", t->satc, t->nsatc, "atc_required");
	json_scoped(j, t, "sidp", t->sidp, t->nsidp, NULL);
	json_key(j, "rhsa");
	json_arr(j);
	for (int i = 0; i < t->nrhsa; i++) {
		json_obj(j);
		json_ku64(j, "base", t->rhsa[i].base);
		json_ku64(j, "proximity", t->rhsa[i].proximity);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "andd");
	json_arr(j);
	for (int i = 0; i < t->nandd; i++) {
		json_obj(j);
		json_ku64(j, "acpi_device", t->andd[i].acpi_dev);
		json_kstr(j, "name", t->andd[i].name);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void dmar_json(struct json *j, const struct dmar_table *t)
{
	json_header(j, &t->hdr, t->valid, &t->log);
	json_ku64(j, "host_address_width", t->haw);
	json_ku64(j, "flags", t->flags);
	json_kbool(j, "intr_remap", t->flags & DMAR_INTR_REMAP);
	json_kbool(j, "x2apic_opt_out", t->flags & DMAR_X2APIC_OPT_OUT);
	json_kbool(j, "dma_ctrl_platform_opt_in", t->flags & DMAR_DMA_CTRL_PLATFORM_OPT_IN);
	json_key(j, "counts");
	json_obj(j);
	for (int k = 0; k < DMAR_NTYPES; k++)
		json_ku64(j, dmar_type_name(k), t->count[k]);
	json_ku64(j, "unknown", t->nunknown);
	json_obj_end(j);
	json_ku64(j, "device_scope_entries", t->nscope_entries);
	json_dmar_units(j, t);
	json_dmar_rest(j, t);
}

static const char *const range_kinds[] = {
	[IVRS_RANGE_ALL] = "all", [IVRS_RANGE_SELECT] = "select",
	[IVRS_RANGE_ALIAS] = "alias", [IVRS_RANGE_ALIAS_TARGET] = "alias target",
	[IVRS_RANGE_EXT] = "extended",
};

const char *ivrs_range_kind_str(unsigned int kind)
{
	return kind < ARRAY_SIZE(range_kinds) && range_kinds[kind] ? range_kinds[kind] : "?";
}

int ivrs_devid_str(u16 devid, char *buf, size_t n)
{
	return snprintf(buf, n, "%02x:%02x.%u", devid >> 8, (devid >> 3) & 0x1f, devid & 7);
}

static void json_ivrs_devices(struct json *j, const struct ivrs_table *t,
			      const struct ivrs_unit *u)
{
	json_key(j, "devices");
	json_arr(j);
	for (int k = 0; k < u->nranges; k++) {
		const struct ivrs_range *r = &t->ranges[u->first_range + k];

		json_obj(j);
		json_ku64(j, "first", r->first);
		json_ku64(j, "last", r->last);
		json_kstr(j, "kind", ivrs_range_kind_str(r->kind));
		json_ku64(j, "dte", r->dte);
		if (r->kind == IVRS_RANGE_ALIAS)
			json_ku64(j, "alias", r->alias);
		if (r->kind == IVRS_RANGE_EXT)
			json_ku64(j, "ext", r->ext);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "special");
	json_arr(j);
	for (int k = 0; k < t->nspecial; k++) {
		const struct ivrs_special *s = &t->special[k];

		if (s->unit != u->index)
			continue;
		json_obj(j);
		json_kstr(j, "variety", s->variety == IVRS_SPECIAL_IOAPIC ? "ioapic" :
				      s->variety == IVRS_SPECIAL_HPET ? "hpet" : "unknown");
		json_ku64(j, "handle", s->handle);
		json_ku64(j, "devid", s->devid);
		json_ku64(j, "dte", s->dte);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "acpi_hid");
	json_arr(j);
	for (int k = 0; k < t->nacpihid; k++) {
		const struct ivrs_acpihid *h = &t->acpihid[k];

		if (h->unit != u->index)
			continue;
		json_obj(j);
		json_kstr(j, "hid", h->hid);
		json_kstr(j, "cid", h->cid);
		json_kstr(j, "uid", h->uid);
		json_ku64(j, "devid", h->devid);
		json_ku64(j, "dte", h->dte);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void ivrs_unit_json(struct json *j, const struct ivrs_table *t, const struct ivrs_unit *u)
{
	char bdf[16];

	ivrs_devid_str(u->devid, bdf, sizeof(bdf));
	json_ku64(j, "index", u->index);
	json_ku64(j, "base", u->base);
	json_ku64(j, "segment", u->segment);
	json_ku64(j, "devid", u->devid);
	json_kstr(j, "device", bdf);
	json_ku64(j, "cap_offset", u->cap_offset);
	json_ku64(j, "ivhd_type", u->type);
	json_key(j, "types_seen");
	json_arr(j);
	for (int s = 0; s < 3; s++)
		if (u->types_seen & (1 << s))
			json_u64(j, s == 0 ? 0x10 : s == 1 ? 0x11 : 0x40);
	json_arr_end(j);
	json_ku64(j, "flags", u->flags);
	json_ku64(j, "info", u->info);
	json_ku64(j, "attributes", u->attr);
	json_key(j, "efr");
	if (u->efr_valid)
		json_u64(j, u->efr);
	else
		json_null(j);
	json_key(j, "efr2");
	if (u->efr_valid)
		json_u64(j, u->efr2);
	else
		json_null(j);
	json_kbool(j, "usable", u->usable);
	json_ivrs_devices(j, t, u);
}

void ivrs_json(struct json *j, const struct ivrs_table *t)
{
	json_header(j, &t->hdr, t->valid, &t->log);
	json_ku64(j, "ivinfo", t->ivinfo);
	json_kbool(j, "efr_sup", t->ivinfo & IVRS_IVINFO_EFRSUP);
	json_key(j, "ivhd_counts");
	json_obj(j);
	json_ku64(j, "0x10", t->nivhd[0]);
	json_ku64(j, "0x11", t->nivhd[1]);
	json_ku64(j, "0x40", t->nivhd[2]);
	json_obj_end(j);
	json_ku64(j, "ivmd_count", t->nivmd_found);
	json_ku64(j, "device_entries", t->ndev_entries);
	json_ku64(j, "unknown_subtables", t->nunknown);
	json_key(j, "ivhds");
	json_arr(j);
	for (int i = 0; i < t->nivhds; i++) {
		const struct ivrs_ivhd *h = &t->ivhds[i];

		json_obj(j);
		json_ku64(j, "type", h->type);
		json_ku64(j, "offset", h->off);
		json_ku64(j, "base", h->base);
		json_ku64(j, "segment", h->segment);
		json_ku64(j, "devid", h->devid);
		json_ku64(j, "entries", h->nentries);
		json_kbool(j, "used", h->unit >= 0 && t->units[h->unit].type == h->type);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "units");
	json_arr(j);
	for (int i = 0; i < t->nunits; i++) {
		json_obj(j);
		ivrs_unit_json(j, t, &t->units[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "reserved");
	json_arr(j);
	for (int i = 0; i < t->nivmd; i++) {
		json_obj(j);
		ivrs_ivmd_json(j, &t->ivmd[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void ivrs_ivmd_json(struct json *j, const struct ivrs_ivmd *m)
{
	json_kstr(j, "kind", "ivmd");
	json_ku64(j, "type", m->type);
	json_ku64(j, "start", m->start);
	json_ku64(j, "end", m->end);
	json_ku64(j, "first_devid", m->first);
	json_ku64(j, "last_devid", m->last);
	json_ku64(j, "flags", m->flags);
	json_kbool(j, "unity", m->flags & IVRS_IVMD_UNITY);
	json_kbool(j, "read", m->flags & IVRS_IVMD_IR);
	json_kbool(j, "write", m->flags & IVRS_IVMD_IW);
	json_kbool(j, "exclusion", m->flags & IVRS_IVMD_EXCL);
}
