// SPDX-License-Identifier: MIT
/*
 * amdvi: the AMD-Vi driver on the live unit (QEMU amd-iommu or hardware):
 * enable state, device table, attach order and flushes, levels, commands
 * per operation, free-after-flush, domain IDs, takeover, IVMD unity ranges.
 */
#include "arch/x86/acpi.h"
#include "arch/x86/pci.h"
#include "testdev/edu.h"
#include "iommu/amdvi/amdvi.h"
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/iommu_init.h"
#include "iommu/ivrs.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include "tests/kernel/dma_util.h"
#include "tests/ktest.h"

#define NEEDS (KT_NEED_AMDVI | KT_NEED_EDU)
#define RW (IOMMU_READ | IOMMU_WRITE)
#define ANY 0xffffffffu
#define SZ_1M (1UL << 20)
#define SZ_2M (2UL << 20)
#define SZ_1G (1UL << 30)
#define HIGH_IOVA 0x3000000000ULL	/* alone in its 512G region */

/* After every test: AMD-Vi domain IDs and table pages back where they were. */
KTEST_COUNTER(amdvi_domain_ids, amdvi_domids_used);
KTEST_COUNTER(amdvi_table_pages, amdvi_table_pages);

static struct amdvi_dev *adev(struct dma_dev *d)
{
	return d->dev->iommu_priv;
}

static u64 cmds(struct amdvi_unit *u)
{
	u64 n = 0;

	for (int i = 0; i < AMDVI_CMD_NR_OPS; i++)
		n += u->stats.cmds[i];
	return n;
}

struct tr_want {
	int kind, op;
	u32 arg;	/* ANY matches anything */
};

/*
 * Do the trace entries recorded since 'from' hold want[0..n) in this order
 * (others may come between)? Prints the trace when they do not.
 */
static bool trace_has(struct amdvi_unit *u, u32 from, const struct tr_want *want, int n)
{
	static const char *const kinds[] = { "CMD", "WAIT", "DTE", "FREE" };
	struct amdvi_trace_ent t[AMDVI_TRACE_LEN];
	int got = amdvi_trace_read(u, t, AMDVI_TRACE_LEN), skip, k = 0;

	skip = got - (int)min(u->trace_n - from, (u32)got);
	for (int i = skip; i < got && k < n; i++)
		if (t[i].kind == want[k].kind && (want[k].op < 0 || t[i].op == want[k].op) &&
		    (want[k].arg == ANY || t[i].arg == want[k].arg))
			k++;
	if (k == n)
		return true;
	for (int i = skip; i < got; i++)
		report_info("trace: %s op %u arg %#x", kinds[t[i].kind], t[i].op, t[i].arg);
	return false;
}

#define TR_CMD(op, arg) { AMDVI_TR_CMD, (op), (arg) }
#define TR_WAIT { AMDVI_TR_WAIT, -1, ANY }
#define TR_DTE(devid) { AMDVI_TR_DTE, -1, (devid) }
#define TR_FREE(domid) { AMDVI_TR_FREE, -1, (domid) }

KTEST_NEEDS(amdvi, test_amdvi_units_enabled, KT_NEED_AMDVI)
{
	for (int i = 0; i < amdvi_nunits; i++) {
		struct amdvi_unit *u = amdvi_units[i];
		u64 ctrl = amdvi_readq(u, AMDVI_CONTROL), sts = amdvi_readq(u, AMDVI_STATUS);
		u64 need = AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_CMDBUF_EN | AMDVI_CTRL_EVTLOG_EN;

		report_prefix_push(u->name);
		report((ctrl & need) == need, "IommuEn, CmdBufEn, EventLogEn set (%#llx)",
		       (unsigned long long)ctrl);
		report((ctrl & (AMDVI_CTRL_HTTUN_EN | AMDVI_CTRL_PASSPW | AMDVI_CTRL_RESPASSPW |
				 AMDVI_CTRL_ISOC | AMDVI_CTRL_COHERENT)) == u->ivhd_ctrl &&
		       FIELD_GET(AMDVI_CTRL_INV_TIMEOUT, ctrl) == AMDVI_INV_TIMEOUT_1S,
		       "IVHD flags in CONTROL (%#llx), invalidation time-out 1 s",
		       (unsigned long long)u->ivhd_ctrl);
		report((sts & (AMDVI_STS_CMDBUF_RUN | AMDVI_STS_EVT_RUN)) ==
		       (AMDVI_STS_CMDBUF_RUN | AMDVI_STS_EVT_RUN), "command buffer and log run");
		report(amdvi_readq(u, AMDVI_DEVTAB_BASE) == (amdvi_pa(u->devtab) | 0x1ff),
		       "device table base: our 2 MiB table, size field 0x1ff");
		report(amdvi_readq(u, AMDVI_CMDBUF_BASE) ==
		       (amdvi_pa(u->cmdbuf) | FIELD_PREP(AMDVI_RING_LEN, (u64)u->cmd_len_log2)),
		       "command buffer base and length (2^%u)", u->cmd_len_log2);
		report(FIELD_GET(AMDVI_RING_LEN, amdvi_readq(u, AMDVI_EVTLOG_BASE)) ==
		       u->evt_len_log2, "event log length (2^%u)", u->evt_len_log2);
		report(amdvi_readq(u, AMDVI_EFR) == u->efr || !(u->cap_hdr & AMDVI_CAP_HDR_EFRSUP),
		       "EFR %#llx is the register's", (unsigned long long)u->efr);
		report(u->max_levels == amdvi_efr_max_levels(u->efr) && u->max_levels >= 4,
		       "%u levels from HATS", u->max_levels);
		report(u->pdev && (u->cap_hdr & 0xff) == AMDVI_CAP_ID,
		       "IOMMU capability at %#x of %s", u->cap_off, u->pdev ? u->pdev->name : "?");
		report(!((amdvi_pa((const void *)u->sem)) & 0xfff) &&
		       amdvi_readq(u, AMDVI_CMD_TAIL) == u->cmd_tail,
		       "semaphore in its own page; tail register is the driver's");
		report_prefix_pop();
	}
	report(amdvi_nunits > 0, "%d unit(s)", amdvi_nunits);
}

KTEST_NEEDS(amdvi, test_amdvi_devtab_defaults, KT_NEED_AMDVI)
{
	struct amdvi_unit *u = amdvi_units[0];
	int bad = 0, blocked = 0;

	for (u32 id = 0; id < AMDVI_DEVTAB_ENTRIES; id++) {
		const u64 *e = amdvi_dte_ptr(u, (u16)id);

		bad += (e[0] & AMDVI_DTE0_RSVD) || (e[2] & AMDVI_DTE2_RSVD) || e[3];
		blocked += (e[0] & ~(AMDVI_DTE0_IR | AMDVI_DTE0_IW)) ==
			   (AMDVI_DTE0_V | AMDVI_DTE0_TV) && !(e[0] & AMDVI_DTE0_IR);
	}
	report(bad == 0, "no entry has a reserved bit set (%d do)", bad);
	report(blocked == AMDVI_DEVTAB_ENTRIES,
	       "every devid is blocked (V=1 TV=1 mode 0, no IR/IW) between tests (%d)", blocked);
	report(!amdvi_dte_translates(amdvi_dte_ptr(u, 0xfff0)), "an unknown devid does not translate");
}

/* Bug classes 47, 48: the DTE is written, then flushed: the old domain's pages too. */
KTEST_NEEDS(amdvi, test_amdvi_attach_switch_detach_order, NEEDS)
{
	struct dma_edu e;
	struct amdvi_domain *a, *b;
	struct amdvi_unit *u;
	struct dma_buf buf;
	u32 t0;
	u16 devid;
	u64 *dte;

	if (dma_edu_open(&e, 0))
		return;
	u = adev(&e.d)->unit;
	devid = adev(&e.d)->devid;
	a = to_amdvi_domain(e.d.dom);
	dte = amdvi_dte_ptr(u, devid);
	report(amdvi_dte_translates(dte) && FIELD_GET(AMDVI_DTE1_DOMID, dte[1]) == a->id &&
	       (dte[0] & AMDVI_DTE0_PT_ROOT) == amdvi_pa(a->pt.root) &&
	       FIELD_GET(AMDVI_DTE0_MODE, dte[0]) == (u64)a->pt.levels &&
	       (dte[0] & AMDVI_DTE0_IR) && (dte[0] & AMDVI_DTE0_IW),
	       "DTE: domain %u, its root, mode %d, IR/IW", a->id, a->pt.levels);
	if (dma_buf_alloc(&buf, 0))
		goto out;
	dma_edu_load(&e, &buf, DMA_IOVA_A, 64, 3);
	memset(buf.va, 0x77, PAGE_SIZE);
	dma_map(&e.d, DMA_IOVA_B, buf.pa, PAGE_SIZE, RW);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 64));	/* cached for domain a */
	report(dma_check(buf.va, 64, 3), "DMA through domain %u lands", a->id);

	b = amdvi_domain_alloc(u, 0);
	if (IS_ERR(b))
		goto out_buf;
	t0 = u->trace_n;
	report(iommu_attach_device(&b->domain, e.d.dev) == 0, "switch to domain %u", b->id);
	report(trace_has(u, t0, (struct tr_want[]){ TR_DTE(devid),
		TR_CMD(AMDVI_CMD_INV_DEVTAB_ENTRY, devid),
		TR_CMD(AMDVI_CMD_INV_IOMMU_PAGES, a->id), TR_WAIT }, 4),
	       "DTE written, DTE flushed, old domain %u's pages flushed, one wait", a->id);
	memset(buf.va, 0x77, PAGE_SIZE);
	dma_edu_done(edu_dma_from_dev(&e.edu, DMA_IOVA_B, 0, 64));
	report(buf.va[0] == 0x77 && buf.va[63] == 0x77,
	       "the IOVA mapped only in the old domain no longer reaches memory");
	t0 = u->trace_n;
	iommu_detach_device(&b->domain, e.d.dev);
	report(!amdvi_dte_translates(dte) && (dte[0] & AMDVI_DTE0_V) && !(dte[0] & AMDVI_DTE0_IR),
	       "detach: DTE blocked");
	report(trace_has(u, t0, (struct tr_want[]){ TR_DTE(devid),
		TR_CMD(AMDVI_CMD_INV_DEVTAB_ENTRY, devid),
		TR_CMD(AMDVI_CMD_INV_IOMMU_PAGES, b->id), TR_WAIT }, 4),
	       "detach flushes domain %u", b->id);
	iommu_domain_free(&b->domain);
	iommu_attach_device(e.d.dom, e.d.dev);
	dma_unmap(&e.d, DMA_IOVA_B, PAGE_SIZE);
out_buf:
	dma_buf_free(&buf);
out:
	dma_edu_close(&e);
}

/* Bug class 38: depth from the width; IOVAs beyond it refused. */
KTEST_NEEDS(amdvi, test_amdvi_domain_levels_from_width, NEEDS)
{
	struct amdvi_unit *u = amdvi_units[0];
	struct amdvi_domain *d39 = amdvi_domain_alloc(u, 39), *d48 = amdvi_domain_alloc(u, 48);
	struct amdvi_domain *dflt = amdvi_domain_alloc(u, 0);
	struct dma_edu e;
	struct dma_buf b;

	if (IS_ERR(d39) || IS_ERR(d48) || IS_ERR(dflt)) {
		report(false, "three domains allocated");
		goto out;
	}
	report(d39->pt.levels == 3 && d39->domain.geometry.aperture_end == (1ULL << 39) - 1,
	       "39-bit domain: 3 levels, aperture 2^39 - 1");
	report(d48->pt.levels == 4 && d48->domain.geometry.aperture_end == (1ULL << 48) - 1,
	       "48-bit domain: 4 levels");
	report(dflt->pt.levels == amdvi_levels_for_width(u->va_bits, u->max_levels),
	       "default: %u-bit width of the unit -> %d levels", u->va_bits, dflt->pt.levels);
	report(iommu_map(&d39->domain, 1ULL << 39, 0x100000, PAGE_SIZE, RW) == -ERANGE,
	       "map at 2^39 in the 39-bit domain -> ERANGE");
	report((d39->domain.pgsize_bitmap & SZ_1G) && d39->domain.pgsize_bitmap < (1UL << 39),
	       "1G pages, and every page size below the aperture");
	if (dma_edu_open_high(&e, 0))
		goto out;
	if (!dma_buf_alloc(&b, 0)) {
		dma_edu_load(&e, &b, DMA_IOVA_A, 64, 11);
		report(iommu_attach_device(&d39->domain, e.d.dev) == 0, "edu on the 3-level domain");
		report(FIELD_GET(AMDVI_DTE0_MODE, amdvi_dte_ptr(u, adev(&e.d)->devid)[0]) == 3,
		       "DTE mode 3");
		memset(b.va, 0, PAGE_SIZE);
		iommu_map(&d39->domain, 0x7fff000000ULL, b.pa, PAGE_SIZE, RW);
		dma_edu_done(edu_dma_from_dev(&e.edu, 0x7fff000000ULL, 0, 64));
		report(dma_check(b.va, 64, 11), "DMA near the top of 39 bits lands");
		iommu_unmap(&d39->domain, 0x7fff000000ULL, PAGE_SIZE);
		iommu_attach_device(e.d.dom, e.d.dev);
		dma_buf_free(&b);
	}
	dma_edu_close(&e);
out:
	if (!IS_ERR(d39))
		iommu_domain_free(&d39->domain);
	if (!IS_ERR(d48))
		iommu_domain_free(&d48->domain);
	if (!IS_ERR(dflt))
		iommu_domain_free(&dflt->domain);
}

/* How many commands each operation costs (the driver's contract; also measured). */
KTEST_NEEDS(amdvi, test_amdvi_commands_per_operation, NEEDS)
{
	struct dma_edu e;
	struct amdvi_unit *u;
	struct amdvi_domain *b;
	struct dma_buf buf;
	u64 c, map4k, unmap4k, unmap_tables, map2m, unmap2m, sw, det;
	u64 on_map, ndte;
	u16 ids[3];

	if (dma_edu_open_high(&e, 0))
		return;
	u = adev(&e.d)->unit;
	on_map = u->np_cache ? 2 : 0;
	ndte = (u64)amdvi_dev_devids(adev(&e.d), ids);
	if (dma_buf_alloc(&buf, 9))
		goto out;
	dma_map(&e.d, 0x40000000, buf.pa, PAGE_SIZE, RW);	/* tables for the 1G region */
	c = cmds(u);
	dma_map(&e.d, 0x40001000, buf.pa, PAGE_SIZE, RW);
	map4k = cmds(u) - c;
	c = cmds(u);
	dma_unmap(&e.d, 0x40001000, PAGE_SIZE);
	unmap4k = cmds(u) - c;
	c = cmds(u);
	dma_unmap(&e.d, 0x40000000, PAGE_SIZE);
	unmap_tables = cmds(u) - c;
	c = cmds(u);
	dma_map(&e.d, 0x40200000, buf.pa, SZ_2M, RW);
	map2m = cmds(u) - c;
	c = cmds(u);
	dma_unmap(&e.d, 0x40200000, SZ_2M);
	unmap2m = cmds(u) - c;
	b = amdvi_domain_alloc(u, 0);
	if (!IS_ERR(b)) {
		c = cmds(u);
		iommu_attach_device(&b->domain, e.d.dev);
		sw = cmds(u) - c;
		c = cmds(u);
		iommu_detach_device(&b->domain, e.d.dev);
		det = cmds(u) - c;
		iommu_domain_free(&b->domain);
		iommu_attach_device(e.d.dom, e.d.dev);
		report_info("commands: map 4K %llu, unmap 4K %llu (%llu when tables empty), "
			    "map 2M %llu, unmap 2M %llu, switch domain %llu, detach %llu",
			    (unsigned long long)map4k, (unsigned long long)unmap4k,
			    (unsigned long long)unmap_tables, (unsigned long long)map2m,
			    (unsigned long long)unmap2m, (unsigned long long)sw,
			    (unsigned long long)det);
		report(sw == ndte + 2 && det == ndte + 2, "switch and detach: "
		       "INVALIDATE_DEVTAB_ENTRY x%llu (DTEs) + INVALIDATE_IOMMU_PAGES(old) + "
		       "COMPLETION_WAIT = %llu", (unsigned long long)ndte,
		       (unsigned long long)ndte + 2);
	}
	report(map4k == on_map && map2m == on_map, "map: %llu commands (NpCache %d)",
	       (unsigned long long)on_map, u->np_cache);
	report(unmap4k == 2 && unmap_tables == 2 && unmap2m == 2,
	       "unmap: one INVALIDATE_IOMMU_PAGES + one COMPLETION_WAIT, tables freed or not");
	dma_buf_free(&buf);
out:
	dma_edu_close(&e);
}

/* Bug class 35: emptied table pages are freed only after the wait came back. */
KTEST_NEEDS(amdvi, test_amdvi_tables_freed_after_flush, NEEDS)
{
	struct dma_edu e;
	struct amdvi_unit *u;
	struct dma_buf b;
	u16 domid;
	u32 t0;
	long pages;
	u64 freed;

	if (dma_edu_open_high(&e, 0))
		return;
	u = adev(&e.d)->unit;
	domid = to_amdvi_domain(e.d.dom)->id;
	if (dma_buf_alloc(&b, 0))
		goto out;
	pages = e.d.dom->ops->table_pages(e.d.dom);
	dma_edu_load(&e, &b, DMA_IOVA_A, 64, 5);
	dma_map(&e.d, HIGH_IOVA, b.pa, PAGE_SIZE, RW);	/* a 512G region of its own */
	report(e.d.dom->ops->table_pages(e.d.dom) == pages + 3, "3 new table pages");
	memset(b.va, 0, PAGE_SIZE);
	dma_edu_done(edu_dma_from_dev(&e.edu, HIGH_IOVA, 0, 64));
	report(dma_check(b.va, 64, 5), "DMA through them lands (and is cached)");
	freed = u->stats.freed_after_flush;
	t0 = u->trace_n;
	dma_unmap(&e.d, HIGH_IOVA, PAGE_SIZE);
	report(e.d.dom->ops->table_pages(e.d.dom) == pages && u->stats.freed_after_flush == freed + 3,
	       "the 3 table pages are freed");
	report(trace_has(u, t0, (struct tr_want[]){ TR_CMD(AMDVI_CMD_INV_IOMMU_PAGES, domid),
		TR_WAIT, TR_FREE(domid), TR_FREE(domid), TR_FREE(domid) }, 5),
	       "flush, wait, and only then the frees");
	memset(b.va, 0xee, PAGE_SIZE);
	dma_edu_done(edu_dma_from_dev(&e.edu, HIGH_IOVA, 0, 64));
	report(b.va[0] == 0xee, "the unmapped IOVA no longer reaches memory");
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

/* A flush that cannot complete never frees: the pages wait in quarantine. */
KTEST_NEEDS(amdvi, test_amdvi_failed_flush_keeps_tables, NEEDS)
{
	struct iommu_fault_match m = {
		.kind = IOMMU_FAULT_KIND_OTHER,
		.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	struct dma_edu e;
	struct amdvi_unit *u;
	struct dma_buf b;
	u64 kept;
	long total;
	size_t n;

	if (dma_edu_open_high(&e, 0))
		return;
	u = adev(&e.d)->unit;
	if (dma_buf_alloc(&b, 0))
		goto out;
	dma_map(&e.d, HIGH_IOVA, b.pa, PAGE_SIZE, RW);
	kept = u->stats.kept_after_timeout;
	total = amdvi_table_pages();
	amdvi_ctrl_update(u, 0, AMDVI_CTRL_CMDBUF_EN);	/* the unit stops fetching */
	iommu_fault_expect_match(&m);
	n = iommu_unmap(e.d.dom, HIGH_IOVA, PAGE_SIZE);
	report(n == PAGE_SIZE, "the PTE is gone");
	report(iommu_fault_expect_done() == 1, "the failed flush is reported as a fault");
	report(u->stats.kept_after_timeout == kept + 3 && amdvi_table_pages() == total,
	       "its 3 table pages are kept, not freed");
	amdvi_ctrl_update(u, AMDVI_CTRL_CMDBUF_EN, 0);
	report(amdvi_quarantine_release(u) == 0 && amdvi_table_pages() == total - 3,
	       "after a flush that completes they are freed");
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

/* Bug class 37: distinct IDs; a freed ID is flushed before anyone reuses it. */
KTEST_NEEDS(amdvi, test_amdvi_domain_ids_flushed_before_reuse, NEEDS)
{
	struct amdvi_unit *u = amdvi_units[0];
	struct amdvi_domain *d[3];
	long used = amdvi_domids_used();
	struct dma_edu e;
	u16 id;
	u32 t0;

	for (int i = 0; i < 3; i++)
		d[i] = amdvi_domain_alloc(u, 0);
	if (IS_ERR(d[0]) || IS_ERR(d[1]) || IS_ERR(d[2])) {
		report(false, "domains allocated");
		return;
	}
	report(d[0]->id && d[0]->id != d[1]->id && d[1]->id != d[2]->id && d[0]->id != d[2]->id,
	       "three distinct nonzero IDs %u %u %u", d[0]->id, d[1]->id, d[2]->id);
	report(amdvi_domids_used() == used + 3, "three IDs in use");
	id = d[1]->id;
	if (!dma_edu_open(&e, 0)) {
		iommu_attach_device(&d[1]->domain, e.d.dev);
		iommu_attach_device(e.d.dom, e.d.dev);
		dma_edu_close(&e);
	}
	t0 = u->trace_n;
	iommu_domain_free(&d[1]->domain);
	report(trace_has(u, t0, (struct tr_want[]){ TR_CMD(AMDVI_CMD_INV_IOMMU_PAGES, id),
		TR_WAIT }, 2), "freeing an ID that was used flushes it first");
	d[1] = amdvi_domain_alloc(u, 0);
	report(!IS_ERR(d[1]) && d[1]->id == id, "the lowest free ID %u is handed out again", id);
	for (int i = 0; i < 3; i++)
		if (!IS_ERR(d[i]))
			iommu_domain_free(&d[i]->domain);
	report(amdvi_domids_used() == used, "IDs back to %ld", used);
}

/* Mode 0 with IR/IW passes DMA untranslated; blocked refuses it. */
KTEST_NEEDS(amdvi, test_amdvi_identity_and_blocked_domains, NEEDS)
{
	struct dma_edu e;
	struct dma_buf b, s;
	struct iommu_domain *id = amdvi_ops.identity_domain;
	u32 t0;

	if (dma_edu_open_high(&e, 0))
		return;
	if (dma_buf_alloc(&b, 0))
		goto out;
	if (dma_buf_alloc(&s, 0))
		goto out_b;
	dma_edu_load(&e, &s, DMA_IOVA_A, 64, 9);
	report(iommu_attach_device(id, e.d.dev) == 0, "identity domain attached");
	memset(b.va, 0, PAGE_SIZE);
	dma_edu_done(edu_dma_from_dev(&e.edu, b.pa, 0, 64));
	report(dma_check(b.va, 64, 9), "DMA to the physical address lands");
	t0 = adev(&e.d)->unit->trace_n;
	iommu_detach_device(id, e.d.dev);
	report(e.d.dev->domain == amdvi_ops.blocked_domain, "back on the blocked domain");
	report(trace_has(adev(&e.d)->unit, t0, (struct tr_want[]){
		TR_CMD(AMDVI_CMD_INV_DEVTAB_ENTRY, adev(&e.d)->devid),
		TR_CMD(AMDVI_CMD_INV_IOMMU_PAGES, 0), TR_WAIT }, 3),
	       "pass-through translations cached under domain ID 0 are flushed");
	memset(b.va, 0x55, PAGE_SIZE);
	dma_edu_done(edu_dma_from_dev(&e.edu, b.pa, 0, 64));
	report(b.va[0] == 0x55 && b.va[63] == 0x55, "blocked: the same DMA writes nothing");
	iommu_attach_device(e.d.dom, e.d.dev);
	dma_buf_free(&s);
out_b:
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

KTEST_NEEDS(amdvi, test_amdvi_reserved_regions, NEEDS)
{
	struct dma_edu e;
	struct iommu_resv_region *r;
	LIST_HEAD(head);
	bool msi = false, ht = false;

	if (dma_edu_open(&e, 0))
		return;
	iommu_get_resv_regions(e.d.dev, &head);
	list_for_each_entry(r, &head, list) {
		msi |= r->type == IOMMU_RESV_MSI && r->start == 0xfee00000 && r->length == SZ_1M;
		ht |= r->type == IOMMU_RESV_RESERVED && r->start == 0xfd00000000ULL &&
		      r->start + r->length == 0x10000000000ULL;
	}
	report(msi, "MSI window 0xfee00000-0xfeefffff");
	report(ht || amdvi_efr2(adev(&e.d)->unit->efr2, AMDVI_EFR2_HTRANGEIGNORE),
	       "HyperTransport range 0xfd_0000_0000-0xff_ffff_ffff");
	iommu_put_resv_regions(&head);
	dma_edu_close(&e);
}

/* A device with ATS on: each unmap also invalidates its IOTLB (after the IOMMU's). */
KTEST_NEEDS(amdvi, test_amdvi_device_iotlb_flush_with_ats, KT_NEED_AMDVI)
{
	struct pci_dev *p = NULL;
	struct amdvi_dev *ad = NULL;
	struct amdvi_unit *u;
	struct dma_dev d;
	struct dma_buf b;
	u64 before;
	u32 t0;

	for (int i = 0; i < pci_ndevs && !ad; i++) {
		struct iommu_dev *dev = iommu_dev_of_pci(&pci_devs[i]);

		if (dev && dev->ops == &amdvi_ops && ((struct amdvi_dev *)dev->iommu_priv)->ats) {
			p = &pci_devs[i];
			ad = dev->iommu_priv;
		}
	}
	if (!ad) {
		report_skip("no device with ATS (QEMU: amd-iommu,device-iotlb=on and a PCIe "
			    "device with ats=on behind a root port)");
		return;
	}
	u = ad->unit;
	if (dma_dev_open(&d, p))
		return;
	report(amdvi_dte_ptr(u, ad->devid)[1] & AMDVI_DTE1_I, "%s: DTE has I=1", p->name);
	if (!dma_buf_alloc(&b, 0)) {
		dma_map(&d, DMA_IOVA_B, b.pa, PAGE_SIZE, RW);
		before = u->stats.cmds[AMDVI_CMD_INV_IOTLB_PAGES];
		t0 = u->trace_n;
		dma_unmap(&d, DMA_IOVA_B, PAGE_SIZE);
		report(u->stats.cmds[AMDVI_CMD_INV_IOTLB_PAGES] == before + 1,
		       "one INVALIDATE_IOTLB_PAGES per unmap");
		report(trace_has(u, t0, (struct tr_want[]){
			TR_CMD(AMDVI_CMD_INV_IOMMU_PAGES, to_amdvi_domain(d.dom)->id),
			TR_CMD(AMDVI_CMD_INV_IOTLB_PAGES, ad->devid), TR_WAIT }, 3),
		       "IOMMU pages, then the device's IOTLB (devid %04x), then the wait",
		       ad->devid);
		report(u->stats.cmd_errors == 0, "no command error");
		dma_buf_free(&b);
	}
	dma_dev_close(&d);
}

/* Bug class 51 on the unit: next-level-7 leaves translate every 4K inside them. */
KTEST_NEEDS(amdvi, test_amdvi_dma_through_next_level7_pages, NEEDS)
{
	static const u64 sizes[] = { 0x2000, 0x10000, 0x100000, 0x400000 };
	struct dma_edu e;
	struct dma_buf b, s;
	u64 iova = 0x80000000ULL;

	if (dma_edu_open_high(&e, 0))
		return;
	if (!(e.d.dom->pgsize_bitmap & 0x10000)) {
		report_skip("the domain offers no next-level-7 sizes (amdvi_allsizes=0)");
		goto out;
	}
	if (dma_buf_alloc(&b, 10))	/* 4M: every size below fits, aligned */
		goto out;
	if (dma_buf_alloc(&s, 0))
		goto out_b;
	dma_edu_load(&e, &s, DMA_IOVA_A, 64, 19);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++, iova += 0x1000000) {
		u64 sz = sizes[i], offs[3] = { 0, sz / 2, sz - 0x1000 };
		int lvl = 0;

		if (dma_map(&e.d, iova, b.pa, sz, RW))
			continue;
		report(amdvi_pgtable_leaf(&to_amdvi_domain(e.d.dom)->pt, iova, &lvl) == sz,
		       "%llu KiB mapped as one next-level-7 leaf at level %d",
		       (unsigned long long)sz >> 10, lvl);
		for (int k = 0; k < 3; k++) {
			memset(b.va + offs[k], 0, 64);
			dma_edu_done(edu_dma_from_dev(&e.edu, iova + offs[k] + 0x40, 0, 64));
			report(dma_check(b.va + offs[k] + 0x40, 64, 19) &&
			       mem_is_zero(b.va + offs[k], 0x40),
			       "%llu KiB page: DMA at +%#llx lands at +%#llx",
			       (unsigned long long)sz >> 10, (unsigned long long)offs[k] + 0x40,
			       (unsigned long long)offs[k] + 0x40);
		}
		dma_unmap(&e.d, iova, sz);
	}
	dma_buf_free(&s);
out_b:
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}

static struct iommu_domain *sweep_alloc(struct dma_edu *e)
{
	struct amdvi_domain *d = amdvi_domain_alloc(adev(&e->d)->unit, 0);

	return IS_ERR(d) ? (struct iommu_domain *)d : &d->domain;
}

/* Failed flushes report themselves as faults (the sweep expects any). */
static long sweep_flush_errors(void)
{
	return (long)iommu_fault_total();
}

static long sweep_state(void)
{
	return amdvi_table_pages() * 65536 + amdvi_domids_used();
}

/* A failed flush leaves freed tables in quarantine until a flush works. */
static void sweep_settle(struct dma_edu *e)
{
	amdvi_quarantine_release(adev(&e->d)->unit);
}

/*
 * Fail the n-th allocation or hardware wait for n = 1, 2, ...
 * (dma_sweep_life_cycle): no crash, and once the unit is flushed again
 * nothing is left behind.
 */
KTEST_NEEDS(amdvi, test_amdvi_failure_at_every_site, NEEDS)
{
	static const struct dma_sweep_ops ops = {
		.alloc = sweep_alloc, .flush_errors = sweep_flush_errors, .state = sweep_state,
		.settle = sweep_settle,
	};
	struct amdvi_unit *u;
	struct dma_edu e;
	struct dma_buf b;

	if (dma_edu_open(&e, 0))
		return;
	u = adev(&e.d)->unit;
	if (dma_buf_alloc(&b, 9))
		goto out;
	/* domain, ID, tables, and a completion wait behind each change */
	dma_sweep_life_cycle(&e, &b, &ops, 8);
	report(amdvi_cmd_sync(u) == 0, "the unit still works");
	dma_buf_free(&b);
out:
	dma_edu_close(&e);
}
