// SPDX-License-Identifier: MIT
/*
 * Register field tables: value transforms, derived lists, reserved-bit
 * checks and one-line summaries shared by the VT-d and AMD-Vi decoders.
 * No register access and no field definitions here (vtd_caps.c, amdvi_caps.c).
 */
#include "iommu/regfield.h"
#include "lib/bitops.h"
#include "lib/printf.h"
#include "lib/string.h"

u64 regfield_value(const struct regfield *f, u64 v)
{
	u64 raw = regfield_raw(f, v);

	switch (f->xform) {
	case RF_X_PLUS1:
		return raw + 1;
	case RF_X_TIMES16:
		return raw * 16;
	case RF_X_NDOMS:
		return 1ULL << (4 + 2 * min_t(u64, raw, 6));
	default:
		return raw;
	}
}

int regfield_list(const struct regfield *f, u64 v, u64 *out, int max)
{
	u64 raw = regfield_raw(f, v);
	int n = 0;

	for (int bit = 0; bit <= f->hi - f->lo; bit++) {
		u64 elem;

		if (!(raw & (1ULL << bit)))
			continue;
		switch (f->xform) {
		case RF_X_SAGAW_LEVELS:
			elem = (u64)bit + 2;
			break;
		case RF_X_SAGAW_WIDTHS:
			elem = 30 + 9 * (u64)bit;
			break;
		case RF_X_SLLPS:
			elem = 1ULL << (21 + 9 * bit);
			break;
		default:
			elem = (u64)bit;
		}
		if (n < max)
			out[n] = elem;
		n++;
	}
	return n;
}

int regfield_list_elem_str(const struct regfield *f, u64 elem, char *buf, size_t n)
{
	static const char units[] = "KMGTPE";
	int u = 0;

	if (f->xform != RF_X_SLLPS)
		return snprintf(buf, n, "%llu", (unsigned long long)elem);
	elem >>= 10;
	while (elem >= 1024 && u < 5) {
		elem >>= 10;
		u++;
	}
	return snprintf(buf, n, "%llu%c", (unsigned long long)elem, units[u]);
}

u64 regfield_reserved_bits(const struct regfield_reg *r, u64 v)
{
	u64 bits = 0;

	for (int i = 0; i < r->nrows; i++) {
		const struct regfield *f = &r->rows[i];

		if (f->kind == RF_RESERVED)
			bits |= regfield_raw(f, v) << f->lo;
	}
	return bits;
}

const struct regfield *regfield_find(const struct regfield_reg *r, const char *key)
{
	for (int i = 0; i < r->nrows; i++) {
		const struct regfield *f = &r->rows[i];

		if (f->key ? !strcmp(f->key, key) : !strcmp(f->name, key))
			return f;
	}
	return NULL;
}

int regfield_check_table(const struct regfield_reg *r, int width)
{
	u64 seen = 0;

	for (int i = 0; i < r->nrows; i++) {
		const struct regfield *f = &r->rows[i];
		u64 mask;

		if (f->hi < f->lo || f->hi >= width)
			return -(f->lo + 1);
		mask = (f->hi >= 63 ? ~0ULL : (1ULL << (f->hi + 1)) - 1) & ~((1ULL << f->lo) - 1);
		if (f->alias)
			continue;
		if (seen & mask)
			return -(ffs64_idx(seen & mask) + 1);
		seen |= mask;
	}
	for (int bit = 0; bit < width; bit++)
		if (!(seen & (1ULL << bit)))
			return -(bit + 1);
	return 0;
}

/* Append one field to a summary; len is what was written so far. */
static int summary_field(const struct regfield *f, u64 v, char *buf, size_t n, int len)
{
	const char *sep = len ? " " : "";
	size_t at = min((size_t)len, n);
	u64 elems[8];
	int k;

#define PUT(...) (len += snprintf(buf + at, n - at, __VA_ARGS__), at = min((size_t)len, n))
	switch (f->kind) {
	case RF_FLAG:
		if (regfield_raw(f, v))
			PUT("%s%s", sep, f->name);
		break;
	case RF_NUM:
		if (!regfield_raw(f, v) && (f->xform == RF_X_NONE || f->xform == RF_X_TIMES16))
			break;	/* a zero field says little; keep the boot line short */
		PUT(f->xform == RF_X_TIMES16 ? "%s%s=0x%llx" : "%s%s=%llu", sep, f->name,
		    (unsigned long long)regfield_value(f, v));
		break;
	case RF_LIST:
		k = regfield_list(f, v, elems, ARRAY_SIZE(elems));
		PUT("%s%s=%s", sep, f->name, k ? "" : "-");
		for (int i = 0; i < k && i < (int)ARRAY_SIZE(elems); i++) {
			char e[16];

			regfield_list_elem_str(f, elems[i], e, sizeof(e));
			PUT("%s%s", i ? "," : "", e);
		}
		break;
	default:
		break;	/* deprecated and reserved bits are for warnings, not summaries */
	}
#undef PUT
	return len;
}

int regfield_summary(const struct regfield_reg *r, u64 v, char *buf, size_t n)
{
	int len = 0;

	if (n)
		buf[0] = 0;
	for (int i = 0; i < r->nrows; i++)
		if (!r->rows[i].alias)
			len = summary_field(&r->rows[i], v, buf, n, len);
	return len;
}

void regfield_warn(struct regfield_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n >= REGFIELD_MAX_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(w->msg[w->n++], REGFIELD_WARN_LEN, fmt, ap);
	va_end(ap);
}

void regfield_warn_reserved(struct regfield_warnings *w,
			    const struct regfield_reg *r, u64 v)
{
	u64 bits = regfield_reserved_bits(r, v);

	if (bits)
		regfield_warn(w, "%s 0x%llx has reserved bits set: 0x%llx (decoded anyway)",
			      r->name, (unsigned long long)v, (unsigned long long)bits);
}
