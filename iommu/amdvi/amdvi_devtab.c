// SPDX-License-Identifier: MIT
/*
 * AMD-Vi device table: DTE builders (pure), the ordered 256-bit update that
 * never exposes a torn valid entry, and write + flush of one devid's entry.
 * Layout: AMD IOMMU spec 2.2.2 (device table entry).
 */
#include "iommu/amdvi/amdvi.h"
#include "iommu/ivrs.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define DEVTAB_ORDER	9	/* 65536 entries x 32 bytes = 2 MiB */

static void dte_base(u64 dte[4], u64 ivrs_bits[4])
{
	for (int i = 0; i < 4; i++)
		dte[i] = ivrs_bits ? ivrs_bits[i] : 0;
}

/* V=1, TV=1, mode 0, no IR/IW: every DMA is refused. */
void amdvi_dte_blocked(u64 dte[4], u64 ivrs_bits[4])
{
	dte_base(dte, ivrs_bits);
	dte[0] |= AMDVI_DTE0_V | AMDVI_DTE0_TV;
}

/* Mode 0 with IR/IW: DMA passes untranslated. */
void amdvi_dte_identity(u64 dte[4], u64 ivrs_bits[4])
{
	dte_base(dte, ivrs_bits);
	dte[0] |= AMDVI_DTE0_V | AMDVI_DTE0_TV | AMDVI_DTE0_IR | AMDVI_DTE0_IW;
}

void amdvi_dte_paging(u64 dte[4], u64 ivrs_bits[4], phys_addr_t root, int levels,
		      u16 domid, bool iotlb)
{
	dte_base(dte, ivrs_bits);
	dte[0] |= AMDVI_DTE0_V | AMDVI_DTE0_TV | AMDVI_DTE0_IR | AMDVI_DTE0_IW |
		  FIELD_PREP(AMDVI_DTE0_MODE, (u64)levels) | (root & AMDVI_DTE0_PT_ROOT);
	dte[1] |= FIELD_PREP(AMDVI_DTE1_DOMID, domid) | (iotlb ? AMDVI_DTE1_I : 0);
}

/* IVRS DTE setting byte: INITPass 0, EIntPass 1, NMIPass 2, SysMgt 5:4, Lint0/1 6/7. */
void amdvi_dte_ivrs_bits(u8 setting, u64 bits[4])
{
	memset(bits, 0, 4 * sizeof(u64));
	bits[1] = FIELD_PREP(AMDVI_DTE1_SYSMGT, (u64)((setting >> 4) & 3));
	bits[2] = (setting & BIT(0) ? AMDVI_DTE2_INITPASS : 0) |
		  (setting & BIT(1) ? AMDVI_DTE2_EINTPASS : 0) |
		  (setting & BIT(2) ? AMDVI_DTE2_NMIPASS : 0) |
		  (setting & BIT(6) ? AMDVI_DTE2_LINT0PASS : 0) |
		  (setting & BIT(7) ? AMDVI_DTE2_LINT1PASS : 0);
}

int amdvi_ivmd_ranges(const struct ivrs_table *t, const u16 *devids, int n,
		      void (*fn)(void *ctx, u64 start, u64 len, int prot), void *ctx)
{
	int found = 0;

	for (int i = 0; t && i < t->nivmd; i++) {
		const struct ivrs_ivmd *m = &t->ivmd[i];
		u64 start = ALIGN_DOWN(m->start, PAGE_SIZE), end = ALIGN(m->end + 1, PAGE_SIZE);
		int prot = ((m->flags & IVRS_IVMD_IR) ? IOMMU_READ : 0) |
			   ((m->flags & IVRS_IVMD_IW) ? IOMMU_WRITE : 0);
		bool applies = false;

		for (int k = 0; k < n; k++)
			applies |= ivrs_ivmd_applies(m, devids[k]);
		if (!applies || !(m->flags & (IVRS_IVMD_UNITY | IVRS_IVMD_EXCL)))
			continue;
		if (m->flags & IVRS_IVMD_EXCL)
			prot = IOMMU_READ | IOMMU_WRITE;
		if (!prot || end <= start)
			continue;
		fn(ctx, start, end - start, prot);
		found++;
	}
	return found;
}

bool amdvi_dte_allows(const u64 dte[4])
{
	return (dte[0] & AMDVI_DTE0_V) && (dte[0] & AMDVI_DTE0_TV) &&
	       (FIELD_GET(AMDVI_DTE0_MODE, dte[0]) || (dte[0] & (AMDVI_DTE0_IR | AMDVI_DTE0_IW)));
}

bool amdvi_dte_translates(const u64 dte[4])
{
	return (dte[0] & AMDVI_DTE0_V) && (dte[0] & AMDVI_DTE0_TV) &&
	       FIELD_GET(AMDVI_DTE0_MODE, dte[0]);
}

/*
 * The DTE is read by the IOMMU in 128-bit halves at best. Words 0-1 (valid
 * bits, mode, root, permissions, domain ID) always change together in one
 * atomic 128-bit store; words 2-3 (interrupt and IVRS pass bits) are
 * ordered against them: written before validating, after invalidating,
 * and under a blocked low half when both change on a live entry.
 */
int amdvi_dte_update(u64 *dst, const u64 dte[4], const struct amdvi_dte_store *st)
{
	u64 old_lo = READ_ONCE(dst[0]);
	bool hi_same = READ_ONCE(dst[2]) == dte[2] && READ_ONCE(dst[3]) == dte[3];
	bool lo_same = old_lo == dte[0] && READ_ONCE(dst[1]) == dte[1];
	int n = 0;

	if (lo_same && hi_same)
		return 0;
	if (hi_same) {
		st->store128(st->ctx, dst, dte[0], dte[1]);
		return 1;
	}
	if (!(old_lo & AMDVI_DTE0_V)) {
		st->store128(st->ctx, dst + 2, dte[2], dte[3]);
		st->store128(st->ctx, dst, dte[0], dte[1]);
		return 2;
	}
	if (!(dte[0] & AMDVI_DTE0_V)) {
		st->store128(st->ctx, dst, dte[0], dte[1]);
		st->store128(st->ctx, dst + 2, dte[2], dte[3]);
		return 2;
	}
	if (!lo_same) {
		/* live to live with both halves changing: block first */
		st->store128(st->ctx, dst, AMDVI_DTE0_V | AMDVI_DTE0_TV,
			     READ_ONCE(dst[1]) & AMDVI_DTE1_DOMID);
		n++;
	}
	st->store128(st->ctx, dst + 2, dte[2], dte[3]);
	st->store128(st->ctx, dst, dte[0], dte[1]);
	return n + 2;
}

/* One 128-bit store the IOMMU cannot see half done (cmpxchg16b). */
static void store128_atomic(void *ctx, u64 *dst, u64 lo, u64 hi)
{
	u64 old_lo = dst[0], old_hi = dst[1];
	bool ok;

	do {
		__asm__ __volatile__("lock cmpxchg16b %1\n\tsetz %0"
				     : "=q"(ok), "+m"(*(volatile u64 (*)[2])dst),
				       "+a"(old_lo), "+d"(old_hi)
				     : "b"(lo), "c"(hi)
				     : "memory", "cc");
	} while (!ok);
}

static const struct amdvi_dte_store atomic_store = { store128_atomic, NULL };

u64 *amdvi_dte_ptr(struct amdvi_unit *u, u16 devid)
{
	return u->devtab + (size_t)devid * (AMDVI_DTE_SIZE / sizeof(u64));
}

/*
 * Write the entries of devids[0..n) (one device and its aliases), then
 * INVALIDATE_DEVTAB_ENTRY for each; if an old entry let DMA through (a
 * domain, or pass-through under domain ID 0), the cached translations of
 * its domain ID are flushed too: IOMMUs keep them past a DTE flush (QEMU
 * does, for pass-through too). One wait for all.
 */
int amdvi_dte_set_many(struct amdvi_unit *u, const u16 *devids, int n, const u64 dte[4])
{
	u64 cmd[2], old[4];
	int ret = 0, changed = 0, flush_dom = -1;

	for (int i = 0; i < n; i++) {
		u64 *dst = amdvi_dte_ptr(u, devids[i]);

		memcpy(old, dst, sizeof(old));
		if (!amdvi_dte_update(dst, dte, &atomic_store))
			continue;
		amdvi_trace(u, AMDVI_TR_DTE, 0, devids[i]);
		changed++;
		if (amdvi_dte_allows(old))
			flush_dom = (int)FIELD_GET(AMDVI_DTE1_DOMID, old[1]);
		amdvi_cmd_inv_devtab_entry(cmd, devids[i]);
		ret = ret ? ret : amdvi_cmd_queue(u, cmd);
	}
	if (!changed)
		return 0;
	if (!ret && flush_dom >= 0) {
		amdvi_cmd_inv_pages(cmd, (u16)flush_dom, 0, ~0ULL, true);
		ret = amdvi_cmd_queue(u, cmd);
	}
	return ret ? ret : amdvi_cmd_sync(u);
}

int amdvi_dte_set(struct amdvi_unit *u, u16 devid, const u64 dte[4])
{
	return amdvi_dte_set_many(u, &devid, 1, dte);
}

int amdvi_devtab_alloc(struct amdvi_unit *u)
{
	u64 dte[4];

	u->devtab_order = DEVTAB_ORDER;
	u->devtab = failable(page_alloc_va(DEVTAB_ORDER));
	if (!u->devtab)
		return -ENOMEM;
	/* all blocked (V=1, TV=1, no IR/IW) until a device is probed */
	amdvi_dte_blocked(dte, NULL);
	for (u32 id = 0; id < AMDVI_DEVTAB_ENTRIES; id++)
		memcpy(amdvi_dte_ptr(u, (u16)id), dte, sizeof(dte));
	return 0;
}

void amdvi_devtab_install(struct amdvi_unit *u)
{
	amdvi_writeq(u, AMDVI_DEVTAB_BASE, amdvi_pa(u->devtab) |
		     FIELD_PREP(AMDVI_DEVTAB_SIZE, (1ULL << DEVTAB_ORDER) - 1));
}

int amdvi_devtab_init(struct amdvi_unit *u)
{
	int ret = amdvi_devtab_alloc(u);

	if (!ret)
		amdvi_devtab_install(u);
	return ret;
}

void amdvi_devtab_fini(struct amdvi_unit *u)
{
	page_free_va(u->devtab, u->devtab_order);
	u->devtab = NULL;
}
