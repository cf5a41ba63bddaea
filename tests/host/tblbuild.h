/* SPDX-License-Identifier: MIT */
/*
 * Build small DMAR/IVRS tables byte by byte for parser tests, and damage
 * real ones (cut, lengthen, corrupt) with checksums kept right on request.
 */
#ifndef TESTS_HOST_TBLBUILD_H
#define TESTS_HOST_TBLBUILD_H

#include <stdlib.h>
#include <string.h>
#include "lib/types.h"

struct tb {
	u8 b[16384];
	u32 len;
	u32 sub;		/* start of the open subtable */
	u32 scope;		/* start of the open device scope */
};

static inline void tb_u8(struct tb *t, u8 v) { t->b[t->len++] = v; }
static inline void tb_u16(struct tb *t, u16 v) { tb_u8(t, (u8)v); tb_u8(t, (u8)(v >> 8)); }
static inline void tb_u32(struct tb *t, u32 v) { tb_u16(t, (u16)v); tb_u16(t, (u16)(v >> 16)); }
static inline void tb_u64(struct tb *t, u64 v) { tb_u32(t, (u32)v); tb_u32(t, (u32)(v >> 32)); }

static inline void tb_zero(struct tb *t, u32 n)
{
	while (n--)
		tb_u8(t, 0);
}

static inline void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static inline void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }

/* Set the length field to len and make bytes [0, len) sum to zero. */
static inline void tb_fix(u8 *b, u32 len)
{
	u8 sum = 0;

	put32(b + 4, len);
	b[9] = 0;
	for (u32 i = 0; i < len; i++)
		sum = (u8)(sum + b[i]);
	b[9] = (u8)(0x100 - sum);
}

static inline void tb_finish(struct tb *t)
{
	tb_fix(t->b, t->len);
}

/* ACPI header with signature sig; DMAR/IVRS add their own 12 bytes. */
static inline void tb_header(struct tb *t, const char *sig)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = 1;
	memcpy(t->b + 10, "TEST  ", 6);
	memcpy(t->b + 16, "TESTTABL", 8);
	t->len = 36;
}

static inline void tb_dmar(struct tb *t, u8 haw, u8 flags)
{
	tb_header(t, "DMAR");
	tb_u8(t, (u8)(haw - 1));
	tb_u8(t, flags);
	tb_zero(t, 10);
}

static inline void tb_ivrs(struct tb *t, u32 ivinfo)
{
	tb_header(t, "IVRS");
	t->b[8] = 2;
	tb_u32(t, ivinfo);
	tb_zero(t, 8);
}

/* DMAR structure: u16 type, u16 length (patched by tb_sub_end). */
static inline void tb_dsub(struct tb *t, u16 type)
{
	t->sub = t->len;
	tb_u16(t, type);
	tb_u16(t, 0);
}

/* IVRS subtable: u8 type, u8 flags, u16 length. */
static inline void tb_isub(struct tb *t, u8 type, u8 flags)
{
	t->sub = t->len;
	tb_u8(t, type);
	tb_u8(t, flags);
	tb_u16(t, 0);
}

static inline void tb_sub_end(struct tb *t)
{
	put16(t->b + t->sub + 2, (u16)(t->len - t->sub));
}

/* DMAR device scope with nhops (device, function) pairs. */
static inline void tb_scope(struct tb *t, u8 type, u8 enum_id, u8 bus, int nhops,
			    const u8 *devfn)
{
	tb_u8(t, type);
	tb_u8(t, (u8)(6 + 2 * nhops));
	tb_u16(t, 0);
	tb_u8(t, enum_id);
	tb_u8(t, bus);
	for (int i = 0; i < nhops; i++) {
		tb_u8(t, devfn[i] >> 3);
		tb_u8(t, devfn[i] & 7);
	}
}

/* DRHD with flags, segment, base; scopes follow, then tb_sub_end. */
static inline void tb_drhd(struct tb *t, u8 flags, u16 seg, u64 base)
{
	tb_dsub(t, 0);
	tb_u8(t, flags);
	tb_u8(t, 0);
	tb_u16(t, seg);
	tb_u64(t, base);
}

static inline void tb_rmrr(struct tb *t, u16 seg, u64 base, u64 end)
{
	tb_dsub(t, 1);
	tb_u16(t, 0);
	tb_u16(t, seg);
	tb_u64(t, base);
	tb_u64(t, end);
}

/* IVHD of type 10h/11h/40h; entries follow, then tb_sub_end. */
static inline void tb_ivhd(struct tb *t, u8 type, u8 flags, u16 devid, u64 base, u64 efr)
{
	tb_isub(t, type, flags);
	tb_u16(t, devid);
	tb_u16(t, 0x40);
	tb_u64(t, base);
	tb_u16(t, 0);
	tb_u16(t, 0);
	tb_u32(t, 0);
	if (type != 0x10) {
		tb_u64(t, efr);
		tb_u64(t, 0);
	}
}

/* 4-byte device entry: type, devid, DTE setting. */
static inline void tb_dev4(struct tb *t, u8 type, u16 devid, u8 dte)
{
	tb_u8(t, type);
	tb_u16(t, devid);
	tb_u8(t, dte);
}

/* 8-byte device entry: type, devid, dte, then 4 bytes (alias/ext/special). */
static inline void tb_dev8(struct tb *t, u8 type, u16 devid, u8 dte, u8 b4, u16 b5, u8 b7)
{
	tb_dev4(t, type, devid, dte);
	tb_u8(t, b4);
	tb_u16(t, b5);
	tb_u8(t, b7);
}

static inline void tb_ivmd(struct tb *t, u8 type, u8 flags, u16 devid, u16 aux,
			   u64 start, u64 len)
{
	tb_isub(t, type, flags);
	tb_u16(t, devid);
	tb_u16(t, aux);
	tb_u64(t, 0);
	tb_u64(t, start);
	tb_u64(t, len);
	tb_sub_end(t);
}

/* An exact-size heap copy, so ASan catches any read past len. */
static inline u8 *tb_copy(const void *src, size_t len)
{
	u8 *p = malloc(len ? len : 1);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

#endif
