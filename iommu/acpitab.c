// SPDX-License-Identifier: MIT
/*
 * Shared by the DMAR and IVRS parsers: ACPI header checks and the message log.
 * No hardware access; builds into the kernel and hosted.
 */
#include "iommu/acpitab.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* The slot for a new message of level, or -1 when it is dropped. */
static int log_slot(struct acpitab_log *log, enum acpitab_level level)
{
	int slot;

	if (level == ACPITAB_ERR)
		log->nerr++;
	else
		log->nwarn++;
	slot = log->n;
	if (slot >= ACPITAB_MAX_MSGS) {
		/* full: an error still gets in, in place of the latest warning */
		slot = -1;
		for (int k = log->n - 1; level == ACPITAB_ERR && k >= 0 && slot < 0; k--)
			if (log->msg[k].level == ACPITAB_WARN)
				slot = k;
		log->dropped++;
		if (slot < 0)
			return -1;
	} else {
		log->n++;
	}
	log->msg[slot].level = (u8)level;
	log->msg[slot].rule = NULL;
	return slot;
}

int acpitab_log(struct acpitab_log *log, enum acpitab_level level,
		const char *fmt, ...)
{
	int slot = log_slot(log, level);
	va_list ap;

	if (slot < 0)
		return level;
	va_start(ap, fmt);
	vsnprintf(log->msg[slot].text, ACPITAB_MSG_LEN, fmt, ap);
	va_end(ap);
	return level;
}

void acpitab_log_rule(struct acpitab_log *log, const struct acpirule *r,
		      const char *where, const char *text)
{
	int slot = log_slot(log, (enum acpitab_level)r->level);
	char id[48];
	size_t room;

	if (slot < 0)
		return;
	/* the id always fits: the rest is cut first */
	snprintf(id, sizeof(id), " [%s]", r->id);
	room = ACPITAB_MSG_LEN - strlen(id);
	snprintf(log->msg[slot].text, room, "%s%s%s%s", where, text, r->why ? "; " : "",
		 r->why ? r->why : "");
	memcpy(log->msg[slot].text + strlen(log->msg[slot].text), id, strlen(id) + 1);
	log->msg[slot].rule = r->id;
}

/* Little-endian field of 1..8 bytes. */
static u64 field(const u8 *p, u32 off, u32 size)
{
	u64 v = 0;

	for (u32 i = size; i-- > 0;)
		v = v << 8 | p[off + i];
	return v;
}

/* Is field rule r broken by p[0, len)? What was found in text. */
static bool field_broken(const struct acpirule *r, const u8 *p, u32 len, char *text, size_t n)
{
	unsigned long long v, a = r->arg;

	if ((u32)r->off + r->size > len)
		return false;	/* a short structure: its length rule says so */
	v = field(p, r->off, r->size);
	switch (r->kind) {
	case ACPIRULE_RSVD:
		snprintf(text, n, "%s has reserved bits 0x%llx set", r->what, v & a);
		return v & a;
	case ACPIRULE_MIN:
		snprintf(text, n, "%s %llu is below %llu", r->what, v, a);
		return v < a;
	case ACPIRULE_MAX:
		snprintf(text, n, "%s %llu is above %llu", r->what, v, a);
		return v > a;
	case ACPIRULE_ALIGN:
		snprintf(text, n, "%s 0x%llx is not a multiple of 0x%llx", r->what, v, a);
		return v & (a - 1);
	}
	return false;
}

int acpirule_apply(const struct acpirule *rules, int n, unsigned int at,
		   const void *ctx, const u8 *p, u32 len,
		   void (*report)(const void *ctx, const struct acpirule *r, const char *text))
{
	char text[ACPITAB_MSG_LEN];
	int broken = 0;

	for (int i = 0; i < n; i++) {
		const struct acpirule *r = &rules[i];
		bool bad;

		if (r->at != at)
			continue;
		text[0] = 0;
		bad = r->kind == ACPIRULE_CHECK ? r->check(ctx, p, len, text, sizeof(text)) :
						  field_broken(r, p, len, text, sizeof(text));
		if (bad) {
			report(ctx, r, text);
			broken++;
		}
	}
	return broken;
}

const struct acpirule *acpirule_find(const struct acpirule *rules, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

bool acpitab_log_has_rule(const struct acpitab_log *log, enum acpitab_level level,
			  const char *id)
{
	for (int k = 0; k < log->n; k++)
		if (log->msg[k].level == level && log->msg[k].rule && !strcmp(log->msg[k].rule, id))
			return true;
	return false;
}

void acpitab_vlog_sub(struct acpitab_log *log, enum acpitab_level level, int idx,
		      unsigned int type, bool hex_type, u32 off, const char *fmt,
		      va_list ap)
{
	char text[ACPITAB_MSG_LEN];

	vsnprintf(text, sizeof(text), fmt, ap);
	acpitab_log(log, level, hex_type ? "subtable %d type 0x%02x @0x%x: %s" :
					   "subtable %d type %u @0x%x: %s",
		    idx, type, off, text);
}

static void log_sub(struct acpitab_log *log, int idx, unsigned int type, bool ivrs,
		    u32 off, const char *fmt, ...) __printf(6, 7);

static void log_sub(struct acpitab_log *log, int idx, unsigned int type, bool ivrs,
		    u32 off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	acpitab_vlog_sub(log, ACPITAB_ERR, idx, type, ivrs, off, fmt, ap);
	va_end(ap);
}

int acpitab_sub_header(const u8 *b, u32 len, u32 off, int idx, bool ivrs,
		       struct acpitab_log *log, unsigned int *type, u32 *slen)
{
	u32 left = len - off;

	if (left < 4) {
		acpitab_log(log, ACPITAB_ERR,
			    "subtable %d @0x%x: %u trailing bytes, too few for a subtable header",
			    idx, off, left);
		return -EINVAL;
	}
	*type = ivrs ? b[off] : acpitab_u16(b, off);
	*slen = acpitab_u16(b, off + 2);
	if (*slen < 4) {
		log_sub(log, idx, *type, ivrs, off, "length %u is below 4; cannot walk further",
			*slen);
		return -EINVAL;
	}
	if (*slen > left) {
		log_sub(log, idx, *type, ivrs, off,
			"length %u runs past the end of the table (%u bytes left)", *slen, left);
		return -EINVAL;
	}
	return 0;
}

const char *acpitab_msg_at(const struct acpitab_log *log,
			   enum acpitab_level level, int i)
{
	for (int k = 0; k < log->n; k++)
		if (log->msg[k].level == level && i-- == 0)
			return log->msg[k].text;
	return NULL;
}

bool acpitab_log_has(const struct acpitab_log *log, enum acpitab_level level,
		     const char *needle)
{
	for (int k = 0; k < log->n; k++)
		if (log->msg[k].level == level && strstr(log->msg[k].text, needle))
			return true;
	return false;
}

/* Copy an ACPI space-padded field as a C string without trailing spaces or NULs. */
static void copy_id(char *dst, const u8 *src, size_t n)
{
	size_t len = n;

	while (len && (src[len - 1] == ' ' || src[len - 1] == 0))
		len--;
	for (size_t i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[len] = 0;
}

static u8 byte_sum(const u8 *p, u32 len)
{
	u8 sum = 0;

	for (u32 i = 0; i < len; i++)
		sum = (u8)(sum + p[i]);
	return sum;
}

int acpitab_check_header(const u8 *buf, size_t buflen, const char *sig,
			 u32 min_len, struct acpitab_hdr *hdr,
			 struct acpitab_log *log, u32 *len_out)
{
	u32 len;

	memset(hdr, 0, sizeof(*hdr));
	*len_out = 0;
	if (!buf || buflen < ACPITAB_HDR_LEN) {
		acpitab_log(log, ACPITAB_ERR,
			    "table is %zu bytes, shorter than the %d-byte ACPI header",
			    buf ? buflen : 0, ACPITAB_HDR_LEN);
		return -EINVAL;
	}
	copy_id(hdr->sig, buf, 4);
	len = acpitab_u32(buf, 4);
	hdr->length = len;
	hdr->revision = buf[8];
	hdr->checksum = buf[9];
	copy_id(hdr->oem_id, buf + 10, 6);
	copy_id(hdr->oem_table_id, buf + 16, 8);
	hdr->oem_revision = acpitab_u32(buf, 24);
	copy_id(hdr->creator_id, buf + 28, 4);
	hdr->creator_revision = acpitab_u32(buf, 32);
	if (memcmp(buf, sig, 4)) {
		acpitab_log(log, ACPITAB_ERR, "signature is \"%s\", not %s",
			    hdr->sig, sig);
		return -EINVAL;
	}
	if (len > buflen) {
		acpitab_log(log, ACPITAB_ERR,
			    "length field says %u bytes but only %zu were given (truncated table)",
			    len, buflen);
		return -EINVAL;
	}
	if (len < min_len) {
		acpitab_log(log, ACPITAB_ERR,
			    "length field %u is below the %u-byte %s header",
			    len, min_len, sig);
		return -EINVAL;
	}
	hdr->checksum_ok = byte_sum(buf, len) == 0;
	if (!hdr->checksum_ok)
		acpitab_log(log, ACPITAB_ERR,
			    "checksum is wrong: the %u bytes sum to 0x%02x, not 0",
			    len, byte_sum(buf, len));
	*len_out = len;
	return 0;
}
