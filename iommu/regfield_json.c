// SPDX-License-Identifier: MIT
/*
 * Register field tables as JSON members: the one encoding of a decoded
 * CAP/ECAP/EFR (and of the status registers) that iommu-caps --json and the
 * kernel's bring-up report share. The decoding itself is regfield.c.
 */
#include "iommu/regfield.h"
#include "lib/json.h"

static void field_value(struct json *j, const struct regfield *f, u64 v)
{
	u64 elems[8];
	int n;

	switch (f->kind) {
	case RF_LIST:
		n = regfield_list(f, v, elems, 8);
		json_arr(j);
		for (int i = 0; i < n && i < 8; i++) {
			char s[16];

			if (f->xform == RF_X_SLLPS) {
				regfield_list_elem_str(f, elems[i], s, sizeof(s));
				json_str(j, s);
			} else {
				json_u64(j, elems[i]);
			}
		}
		json_arr_end(j);
		break;
	case RF_NUM:
		json_u64(j, regfield_value(f, v));
		break;
	default:
		if (f->hi == f->lo)
			json_bool(j, regfield_raw(f, v));
		else
			json_u64(j, regfield_raw(f, v));
	}
}

void regfield_json(struct json *j, const struct regfield_reg *r, u64 v, bool present)
{
	for (int i = 0; i < r->nrows; i++) {
		const struct regfield *f = &r->rows[i];

		if (!f->key || f->kind == RF_RESERVED)
			continue;
		json_key(j, f->key);
		if (present)
			field_value(j, f, v);
		else
			json_null(j);
	}
}
