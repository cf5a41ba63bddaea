// SPDX-License-Identifier: MIT
/*
 * IVRS lookups over a parsed table: which IOMMU handles a devid, with which
 * DTE settings and alias; special devices; IVMD ranges; entry names.
 * No parsing here (ivrs.c). Rules: AMD IOMMU spec rev 3.x, 5.2.2.
 */
#include "iommu/ivrs.h"
#include "lib/errno.h"

int ivrs_lookup(const struct ivrs_table *t, u16 segment, u16 devid,
		struct ivrs_dev *out)
{
	const struct ivrs_range *hit = NULL;

	/* Entries apply in table order, so the last one naming devid wins. */
	for (int i = 0; i < t->nranges; i++) {
		const struct ivrs_range *r = &t->ranges[i];

		if (t->units[r->unit].segment == segment &&
		    r->first <= devid && devid <= r->last)
			hit = r;
	}
	if (!hit)
		return -ENOENT;
	out->unit = &t->units[hit->unit];
	out->dte = hit->dte;
	out->has_alias = hit->kind == IVRS_RANGE_ALIAS;
	out->alias = out->has_alias ? hit->alias : devid;
	out->ext = hit->kind == IVRS_RANGE_EXT ? hit->ext : 0;
	return 0;
}

const struct ivrs_unit *ivrs_unit_for_devid(const struct ivrs_table *t,
					    u16 segment, u16 devid)
{
	struct ivrs_dev d;

	return ivrs_lookup(t, segment, devid, &d) ? NULL : d.unit;
}

const struct ivrs_special *ivrs_find_special(const struct ivrs_table *t,
					     u8 variety, u8 handle)
{
	for (int i = 0; i < t->nspecial; i++)
		if (t->special[i].variety == variety && t->special[i].handle == handle)
			return &t->special[i];
	return NULL;
}

bool ivrs_ivmd_applies(const struct ivrs_ivmd *m, u16 devid)
{
	return m->first <= devid && devid <= m->last;
}

static const char *const dev_type_names[256] = {
	[IVRS_DEV_PAD4] = "pad",
	[IVRS_DEV_ALL] = "all",
	[IVRS_DEV_SELECT] = "select",
	[IVRS_DEV_RANGE_START] = "range start",
	[IVRS_DEV_RANGE_END] = "range end",
	[IVRS_DEV_PAD8] = "pad",
	[IVRS_DEV_ALIAS_SELECT] = "alias select",
	[IVRS_DEV_ALIAS_RANGE] = "alias range start",
	[IVRS_DEV_EXT_SELECT] = "extended select",
	[IVRS_DEV_EXT_RANGE] = "extended range start",
	[IVRS_DEV_SPECIAL] = "special",
	[IVRS_DEV_ACPI_HID] = "ACPI HID",
};

const char *ivrs_dev_type_name(unsigned int type)
{
	if (type < 256 && dev_type_names[type])
		return dev_type_names[type];
	return "unknown";
}
