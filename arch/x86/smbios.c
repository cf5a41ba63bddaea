// SPDX-License-Identifier: MIT
/*
 * SMBIOS entry points and structure tables, parsed from buffers with every
 * length checked: a broken table gives an error string, never a bad read.
 * Layouts: DMTF DSP0134 3.7 sections 5.2 (entry points) and 7.1-7.3.
 */
#include "arch/x86/smbios.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define SM3_LEN		24
#define SM2_LEN		31
#define MAX_STRUCTS	4096
#define TYPE_END	127

static int bad(struct smbios_info *o, const char *fmt, ...) __printf(2, 3);

static int bad(struct smbios_info *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->error, sizeof(o->error), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool sum_ok(const u8 *p, size_t n)
{
	u8 s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s == 0;
}

int smbios_parse_entry(const void *buf, size_t len, struct smbios_info *o)
{
	const u8 *ep = buf;
	u32 a32;
	u16 l16;

	if (len >= SM3_LEN && !memcmp(ep, "_SM3_", 5)) {
		if (ep[6] < SM3_LEN || ep[6] > len || !sum_ok(ep, ep[6]))
			return bad(o, "SMBIOS 3 entry point: length %u or checksum wrong", ep[6]);
		memcpy(&o->table_len, ep + 12, 4);
		memcpy(&o->table, ep + 16, 8);
	} else if (len >= SM2_LEN && !memcmp(ep, "_SM_", 4)) {
		if (ep[5] < 0x1e || ep[5] > len || !sum_ok(ep, ep[5]))
			return bad(o, "SMBIOS 2 entry point: length %u or checksum wrong", ep[5]);
		if (memcmp(ep + 16, "_DMI_", 5) || !sum_ok(ep + 16, 15))
			return bad(o, "SMBIOS 2 entry point: no valid _DMI_ part");
		memcpy(&l16, ep + 22, 2);
		memcpy(&a32, ep + 24, 4);
		o->table_len = l16;
		o->table = a32;
	} else {
		return bad(o, "no SMBIOS entry point signature");
	}
	o->found = true;
	strlcpy(o->entry, ep[3] == '3' ? "_SM3_" : "_SM_", sizeof(o->entry));
	o->major = ep[3] == '3' ? ep[7] : ep[6];
	o->minor = ep[3] == '3' ? ep[8] : ep[7];
	if (!o->table || o->table >> 52 || !o->table_len)
		return bad(o, "structure table at %#llx, %u bytes: not readable",
			   (unsigned long long)o->table, o->table_len);
	return 0;
}

/* String k (1-based) of the set [s, end) into buf, trailing blanks cut. */
static void take_string(const u8 *s, const u8 *end, u8 k, char *buf, size_t n)
{
	size_t len;

	buf[0] = 0;
	if (!k)
		return;
	while (--k && s < end)
		s += strnlen((const char *)s, (size_t)(end - s)) + 1;
	if (s >= end)
		return;
	len = min(strnlen((const char *)s, (size_t)(end - s)), n - 1);
	memcpy(buf, s, len);
	while (len && buf[len - 1] == ' ')
		len--;
	buf[len] = 0;
}

/* The structure's string fields this report wants: (offset, where). */
struct field {
	u8 type, off;
	size_t dst;		/* offset in struct smbios_info */
};

static const struct field fields[] = {
	{ 0, 4, offsetof(struct smbios_info, bios_vendor) },
	{ 0, 5, offsetof(struct smbios_info, bios_version) },
	{ 0, 8, offsetof(struct smbios_info, bios_date) },
	{ 1, 4, offsetof(struct smbios_info, vendor) },
	{ 1, 5, offsetof(struct smbios_info, product) },
	{ 1, 6, offsetof(struct smbios_info, version) },
	{ 1, 26, offsetof(struct smbios_info, family) },
	{ 2, 4, offsetof(struct smbios_info, board_vendor) },
	{ 2, 5, offsetof(struct smbios_info, board_product) },
};

int smbios_parse_table(const void *buf, size_t len, struct smbios_info *o)
{
	const u8 *t = buf;
	size_t off = 0;
	bool seen[3] = { false, false, false };

	while (off + 4 <= len && o->nstructs < MAX_STRUCTS) {
		u8 type = t[off], slen = t[off + 1];
		const u8 *str = t + off + slen, *end;

		if (slen < 4 || off + slen > len)
			return bad(o, "structure %u (type %u) at +%zu has length %u past the table",
				   o->nstructs, type, off, slen);
		/* the string set ends with two NULs */
		for (end = str; end + 1 < t + len && (end[0] || end[1]); end++)
			;
		if (end + 1 >= t + len)
			return bad(o, "structure %u (type %u) at +%zu: strings run past the table",
				   o->nstructs, type, off);
		o->nstructs++;
		for (size_t i = 0; i < ARRAY_SIZE(fields) && type < 3 && !seen[type]; i++)
			if (fields[i].type == type && fields[i].off < slen)
				take_string(str, end + 1, t[off + fields[i].off],
					    (char *)o + fields[i].dst, SMBIOS_STR);
		if (type < 3)
			seen[type] = true;	/* the first of each type describes the machine */
		if (type == TYPE_END)
			return 0;
		off = (size_t)(end + 2 - t);
	}
	return 0;
}
