// SPDX-License-Identifier: MIT
/*
 * amdvi-encode: command, DTE and event layouts bit by bit (golden values
 * from the spec's figures), the invalidation range rule, and the DTE
 * writer against a model that snapshots memory after every store.
 */
#include "iommu/amdvi/amdvi.h"
#include "lib/string.h"
#include "tests/ktest.h"

KTEST(amdvi-encode, test_amdvi_encode_completion_wait_golden)
{
	u64 c[2];

	amdvi_cmd_completion_wait(c, 0x12345678, 0xdeadbeefcafef00dULL);
	report(c[0] == 0x1000000012345679ULL && c[1] == 0xdeadbeefcafef00dULL,
	       "store 0x12345678 data ..f00d -> %#llx %#llx", (unsigned long long)c[0],
	       (unsigned long long)c[1]);
	amdvi_cmd_completion_wait(c, 0x000ffffffffffff8ULL, 1);
	report(c[0] == 0x100ffffffffffff9ULL, "highest store address keeps bits 51:3 only");
	amdvi_cmd_completion_wait(c, 0x1000000000000ff8ULL, 1);
	report(!(c[0] & GENMASK_ULL(59, 52)), "address bits above 51 never reach reserved bits");
}

KTEST(amdvi-encode, test_amdvi_encode_inv_devtab_and_all_golden)
{
	u64 c[2];

	amdvi_cmd_inv_devtab_entry(c, 0xa0fb);
	report(c[0] == 0x200000000000a0fbULL && c[1] == 0, "INVALIDATE_DEVTAB_ENTRY a0fb");
	amdvi_cmd_inv_all(c);
	report(c[0] == 0x8000000000000000ULL && c[1] == 0, "INVALIDATE_IOMMU_ALL");
}

/* Decode an INVALIDATE_IOMMU_PAGES range as the IOMMU does. */
static void inv_range(const u64 c[2], u64 *start, u64 *size)
{
	u64 a = c[1] & AMDVI_INV_ADDR;
	int k = 12;

	if (!(c[1] & AMDVI_INV_S)) {
		*start = a;
		*size = 0x1000;
		return;
	}
	while (k < 64 && ((a >> k) & 1))
		k++;
	*size = k >= 63 ? 0 : 1ULL << (k + 1);	/* 0: everything */
	*start = *size ? a & ~(*size - 1) : 0;
}

/* Bug class 52: inclusive ends, the smallest covering block, fields in place. */
KTEST(amdvi-encode, test_amdvi_encode_inv_pages_golden)
{
	static const struct {
		u64 start, last;
		u64 w1;
	} t[] = {
		{ 0x1000, 0x1fff, 0x1000 },			/* one 4K: S=0 */
		{ 0x0, 0xfff, 0x0 },
		{ 0x0, 0x1000, 0x0 | AMDVI_INV_S },		/* two pages: 8K at 0 */
		{ 0x0, 0x1fff, 0x0 | AMDVI_INV_S },
		{ 0x1000, 0x2fff, 0x1000 | AMDVI_INV_S },	/* crosses 8K: 16K at 0 */
		{ 0x200000, 0x3fffff, 0x2ff000 | AMDVI_INV_S },	/* 2M at 2M */
		{ 0x1ff000, 0x200fff, 0x1ff000 | AMDVI_INV_S },	/* crosses 2M: 4M at 0 */
		{ 0x40000000, 0x7fffffff, 0x5ffff000 | AMDVI_INV_S },
		{ 0, ~0ULL, 0x7ffffffffffff000ULL | AMDVI_INV_S },
		{ 0, 1ULL << 52, 0x7ffffffffffff000ULL | AMDVI_INV_S },
	};
	u64 c[2];

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		amdvi_cmd_inv_pages(c, 0x1234, t[i].start, t[i].last, false);
		report(c[0] == 0x3000123400000000ULL && c[1] == t[i].w1,
		       "[%#llx, %#llx] -> %#llx %#llx (got %#llx)",
		       (unsigned long long)t[i].start, (unsigned long long)t[i].last,
		       0x3000123400000000ULL, (unsigned long long)t[i].w1,
		       (unsigned long long)c[1]);
	}
	amdvi_cmd_inv_pages(c, 0xffff, 0x1000, 0x1fff, true);
	report(c[0] == 0x3000ffff00000000ULL && c[1] == (0x1000 | AMDVI_INV_PDE),
	       "domain ID in bits 47:32 (not PASID 19:0), PDE is bit 1 of word 1");
}

KTEST(amdvi-encode, test_amdvi_encode_inv_range_covers_minimally)
{
	int bad = 0;

	for (int i = 0; i < 2000; i++) {
		u64 start = (ktest_rand() & 0xfffffffffULL) & ~0xfffULL;
		u64 len = ((ktest_rand() % (1ULL << (ktest_rand() % 30))) | 1) + 1;
		u64 last = start + len - 1, s, size, c[2];

		amdvi_cmd_inv_pages(c, 1, start, last, false);
		inv_range(c, &s, &size);
		/* covers [start, last], and half of it would not */
		if (s > start || s + size - 1 < last ||
		    (size > 0x1000 && ((start & ~(size / 2 - 1)) + size / 2 - 1 >= last &&
				       (start & ~(size / 2 - 1)) == (last & ~(size / 2 - 1)))))
			bad++;
	}
	report(bad == 0, "2000 random ranges: decoded block covers the range, none smaller "
	       "would (%d bad)", bad);
}

KTEST(amdvi-encode, test_amdvi_encode_inv_iotlb_golden)
{
	u64 c[2];

	amdvi_cmd_inv_iotlb(c, 0x0108, 32, 0x5000, 0x5fff);
	report(c[0] == 0x4000010820000108ULL && c[1] == 0x5000,
	       "devid 01:01.0, MaxPend 32, QueueID = devid, one 4K (got %#llx %#llx)",
	       (unsigned long long)c[0], (unsigned long long)c[1]);
	amdvi_cmd_inv_iotlb(c, 0x0108, 0, 0, ~0ULL);
	report(c[1] == (0x7ffffffffffff000ULL | AMDVI_INV_S), "all pages with S=1");
}

/* Reserved DTE bits (spec 2.2.2.1): never set by any builder. */
static bool dte_reserved_clear(const u64 d[4])
{
	return !(d[0] & AMDVI_DTE0_RSVD) && !(d[2] & AMDVI_DTE2_RSVD) && !d[3];
}

KTEST(amdvi-encode, test_amdvi_encode_dte_builders)
{
	u64 d[4], bits[4];

	amdvi_dte_blocked(d, NULL);
	report(d[0] == (AMDVI_DTE0_V | AMDVI_DTE0_TV) && !d[1] && !d[2] && !d[3],
	       "blocked: V=1 TV=1 mode 0, no IR/IW");
	report(!amdvi_dte_translates(d), "blocked does not translate");
	amdvi_dte_identity(d, NULL);
	report(d[0] == (AMDVI_DTE0_V | AMDVI_DTE0_TV | AMDVI_DTE0_IR | AMDVI_DTE0_IW),
	       "identity: mode 0 with IR/IW");
	amdvi_dte_paging(d, NULL, 0x1234567000ULL, 4, 0xbeef, true);
	report(d[0] == 0x6000001234567803ULL && d[1] == (0xbeefULL | AMDVI_DTE1_I),
	       "paging: root, mode 4, IR/IW, V/TV; domain ID and I in word 1 (got %#llx %#llx)",
	       (unsigned long long)d[0], (unsigned long long)d[1]);
	report(amdvi_dte_translates(d) && dte_reserved_clear(d), "translates; reserved bits 0");
	amdvi_dte_ivrs_bits(0xf7, bits);
	report(bits[1] == FIELD_PREP(AMDVI_DTE1_SYSMGT, 3ULL) &&
	       bits[2] == (AMDVI_DTE2_INITPASS | AMDVI_DTE2_EINTPASS | AMDVI_DTE2_NMIPASS |
			   AMDVI_DTE2_LINT0PASS | AMDVI_DTE2_LINT1PASS) && !bits[0] && !bits[3],
	       "IVRS setting 0xf7: SysMgt 3, INIT/EInt/NMI/Lint0/Lint1 pass");
	amdvi_dte_paging(d, bits, 0x1000, 3, 1, false);
	report((d[2] & bits[2]) == bits[2] && (d[1] & bits[1]) == bits[1] && dte_reserved_clear(d),
	       "IVRS bits carried into a paging entry");
}

/*
 * The snapshot model: applies each 128-bit store to a copy of the entry
 * and checks what the IOMMU could read at that moment (bug class 47).
 */
struct dte_model {
	u64 cur[4];
	const u64 *old, *new;
	int stores, bad;
};

static bool lo_is(const u64 *d, const u64 *ref)
{
	return d[0] == ref[0] && d[1] == ref[1];
}

/* A translating (or RW-passing) low half must come with its own high half. */
static void dte_check(struct dte_model *m)
{
	static const u64 blocked_lo = AMDVI_DTE0_V | AMDVI_DTE0_TV;
	const u64 *d = m->cur;

	if (!(d[0] & AMDVI_DTE0_V))
		return;	/* invalid entry: its other fields are not used */
	if (d[0] == blocked_lo && !(d[1] & ~AMDVI_DTE1_DOMID))
		return;	/* blocks everything whatever the rest says */
	if (lo_is(d, m->old) && d[2] == m->old[2] && d[3] == m->old[3])
		return;
	if (lo_is(d, m->new) && d[2] == m->new[2] && d[3] == m->new[3])
		return;
	m->bad++;
}

static void model_store128(void *ctx, u64 *dst, u64 lo, u64 hi)
{
	struct dte_model *m = ctx;
	size_t i = (size_t)(dst - m->cur);

	m->cur[i] = lo;
	m->cur[i + 1] = hi;
	m->stores++;
	dte_check(m);
}

/* A writer that does what class 47 warns about: four 64-bit stores in order. */
static int naive_update(struct dte_model *m, const u64 dte[4])
{
	for (int i = 0; i < 4; i++) {
		m->cur[i] = dte[i];
		m->stores++;
		dte_check(m);
	}
	return 4;
}

static int run_model(const u64 old[4], const u64 new[4], bool naive)
{
	struct dte_model m = { .old = old, .new = new };
	struct amdvi_dte_store st = { model_store128, &m };

	memcpy(m.cur, old, sizeof(m.cur));
	if (naive)
		naive_update(&m, new);
	else
		amdvi_dte_update(m.cur, new, &st);
	if (memcmp(m.cur, new, sizeof(m.cur)))
		return -1;
	return m.bad;
}

KTEST(amdvi-encode, test_amdvi_encode_dte_update_never_torn)
{
	u64 inval[4] = { 0 }, blocked[4], a[4], b[4], bi[4], ivrs[4], id[4];
	static const struct { const char *what; int o, n; } t[] = {
		{ "invalid -> paging A", 0, 2 }, { "invalid -> paging B+IVRS", 0, 4 },
		{ "blocked -> paging A", 1, 2 }, { "paging B+IVRS -> invalid", 4, 0 },
		{ "paging A -> paging B", 2, 3 }, { "paging A -> blocked", 2, 1 },
		{ "paging A -> invalid", 2, 0 }, { "paging A -> B with IVRS bits", 2, 4 },
		{ "paging B+IVRS -> identity", 4, 5 }, { "identity -> paging A", 5, 2 },
	};
	const u64 *e[6] = { inval, blocked, a, b, bi, id };

	amdvi_dte_blocked(blocked, NULL);
	amdvi_dte_paging(a, NULL, 0x100000, 3, 1, false);
	amdvi_dte_paging(b, NULL, 0x200000, 4, 2, false);
	amdvi_dte_ivrs_bits(0xc7, ivrs);
	amdvi_dte_paging(bi, ivrs, 0x200000, 4, 2, false);
	amdvi_dte_identity(id, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		report(run_model(e[t[i].o], e[t[i].n], false) == 0,
		       "%s: every snapshot is old, new or blocking", t[i].what);
	report(run_model(a, bi, true) > 0 && run_model(inval, a, true) > 0,
	       "the model catches a naive 64-bit-at-a-time writer");
}

KTEST(amdvi-encode, test_amdvi_encode_dte_update_store_count)
{
	u64 *cur, blocked[4], a[4], ivrs[4], ai[4];
	struct dte_model m;
	struct amdvi_dte_store st = { model_store128, &m };

	amdvi_dte_blocked(blocked, NULL);
	amdvi_dte_paging(a, NULL, 0x100000, 3, 7, false);
	amdvi_dte_ivrs_bits(0x01, ivrs);
	amdvi_dte_paging(ai, ivrs, 0x100000, 3, 7, false);
	memset(&m, 0, sizeof(m));
	m.old = blocked;
	m.new = ai;
	cur = m.cur;
	memcpy(cur, blocked, sizeof(m.cur));
	report(amdvi_dte_update(cur, blocked, &st) == 0, "same entry: no store at all");
	report(amdvi_dte_update(cur, a, &st) == 1 && !memcmp(cur, a, sizeof(a)),
	       "low half only: one 128-bit store");
	report(amdvi_dte_update(cur, ai, &st) == 2, "high half only: two stores (hi, lo)");
	memcpy(cur, blocked, sizeof(m.cur));
	report(amdvi_dte_update(cur, ai, &st) == 3, "both halves on a live entry: block, hi, lo");
}

KTEST(amdvi-encode, test_amdvi_encode_event_decode)
{
	static const struct {
		u64 w0, w1;
		u8 code;
		u16 devid, domid, flags;
		u8 kind;
		bool write;
		const char *name;
	} t[] = {
		{ 0x2020000500000018ULL, 0x100000, 2, 0x0018, 5, 0x020, IOMMU_FAULT_KIND_PAGE, true,
		  "IO_PAGE_FAULT" },
		{ 0x2000000500000118ULL, 0x7000, 2, 0x0118, 5, 0, IOMMU_FAULT_KIND_PAGE, false,
		  "IO_PAGE_FAULT" },
		{ 0x1000000000000010ULL, 0xfed80000, 1, 0x0010, 0, 0, IOMMU_FAULT_KIND_DEVICE,
		  false, "ILLEGAL_DEV_TABLE_ENTRY" },
		{ 0x3000000000000000ULL, 0x1000, 3, 0, 0, 0, IOMMU_FAULT_KIND_TABLE, false,
		  "DEV_TAB_HARDWARE_ERROR" },
		{ 0x4000000000000008ULL, 0x2000, 4, 8, 0, 0, IOMMU_FAULT_KIND_TABLE, false,
		  "PAGE_TAB_HARDWARE_ERROR" },
		{ 0x5000000000000000ULL, 0x3000, 5, 0, 0, 0, IOMMU_FAULT_KIND_OTHER, false,
		  "ILLEGAL_COMMAND_ERROR" },
		{ 0x6000000000000000ULL, 0x3000, 6, 0, 0, 0, IOMMU_FAULT_KIND_OTHER, false,
		  "COMMAND_HARDWARE_ERROR" },
		{ 0x7000000000000100ULL, 0, 7, 0x100, 0, 0, IOMMU_FAULT_KIND_OTHER, false,
		  "IOTLB_INV_TIMEOUT" },
		{ 0x8000000000000100ULL, 0x9000, 8, 0x100, 0, 0, IOMMU_FAULT_KIND_DEVICE, false,
		  "INVALID_DEVICE_REQUEST" },
		{ 0xc000000000000001ULL, 0, 0xc, 1, 0, 0, IOMMU_FAULT_KIND_OTHER, false, "UNKNOWN" },
		{ 0x0000000000000001ULL, 0, 0, 1, 0, 0, IOMMU_FAULT_KIND_OTHER, false, "UNKNOWN" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		u64 raw[2] = { t[i].w0, t[i].w1 };
		struct iommu_fault_record f;
		struct amdvi_event ev;

		amdvi_event_decode(raw, &ev);
		amdvi_event_to_fault(NULL, &ev, &f);
		report(ev.code == t[i].code && ev.devid == t[i].devid && ev.domid == t[i].domid &&
		       ev.flags == t[i].flags && ev.addr == t[i].w1 && !strcmp(ev.name, t[i].name),
		       "%#llx: %s devid %#x domain %#x flags %#x", (unsigned long long)t[i].w0,
		       t[i].name, t[i].devid, t[i].domid, t[i].flags);
		report(f.kind == t[i].kind && f.write == t[i].write && f.source_id == t[i].devid &&
		       f.addr == t[i].w1 && f.reason == t[i].code,
		       "%s: fault record kind %d, %s", t[i].name, t[i].kind,
		       t[i].write ? "write" : "read");
	}
	for (unsigned int c = 0; c < 32; c++)
		if (!amdvi_event_name(c) || !*amdvi_event_name(c))
			report(false, "event code %u has a name", c);
}
