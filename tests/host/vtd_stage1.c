// SPDX-License-Identifier: MIT
/*
 * vtd-stage1 (hosted): first-stage paging domains (IA-32e tables, 4 and
 * 5 levels, 2M/1G per FL1GP), nested domains (a user's first stage over a
 * nest parent: the A/D, user/supervisor, write-protect and execute rules,
 * user invalidation) and second-stage dirty tracking, against the software
 * unit's spec walk. QEMU 7.2 walks first-stage and nested entries as
 * second-stage tables and offers neither FLTS nor NEST nor SSADS.
 */
#include <string.h>
#include "iommu/vtd/vtd.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "tests/host/vtd_hw.h"
#include "tests/host/vtd_model.h"
#include "tests/host/vtd_rig.h"
#include "tests/ktest.h"
#include <linux/iommufd.h>

#define RW (IOMMU_READ | IOMMU_WRITE)
#define FS_TABLE (VTD_FS_P | VTD_FS_RW | VTD_FS_US)

static struct iommu_dev *dev_of(int i)
{
	return &vtd_rig->dev[i];
}

/* A request of EP40 with the privilege and execute bits given. */
static struct vtd_hw_xlate req(long pasid, u64 addr, bool write, bool priv, bool exec)
{
	struct vtd_hw_req r = { .sid = vtd_rig_sid_of(EP40), .has_pasid = pasid >= 0,
				.pasid = (u32)pasid, .addr = addr, .write = write, .priv = priv,
				.exec = exec };

	return vtd_hw_dma(vtd_rig_hw_of(EP40), &r);
}

static bool req_faults(long pasid, u64 addr, bool write, bool priv, bool exec, u8 reason)
{
	struct iommu_fault_match any = { .flags = IOMMU_FAULT_MATCH_ANY_SID |
						  IOMMU_FAULT_MATCH_ANY_ADDR };
	struct vtd_hw_xlate x;

	iommu_fault_expect_match(&any);
	x = req(pasid, addr, write, priv, exec);
	iommu_fault_expect_done();
	if (x.ok || x.reason != reason)
		report_info("request %#llx: %s, reason %#x (want %#x)", (unsigned long long)addr,
			    x.ok ? "translated" : "blocked", x.reason, reason);
	return !x.ok && x.reason == reason;
}

KTEST(vtd-stage1, test_vtd_stage1_first_stage_paging_domain)
{
	struct iommu_domain *d = NULL;
	struct vtd_domain *dom;
	size_t sz = 0;
	u64 *pe, leaf;
	u32 seq;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, "vtd_fs=1"))
		goto out;
	d = vtd_rig_attach_new(EP40);
	if (!d)
		goto out;
	dom = to_vtd_domain(d);
	report(dom->pt.fmt == VTD_FMT_FS && dom->pt.levels == 4 &&
	       d->geometry.aperture_end == (1ULL << 47) - 1 &&
	       d->pgsize_bitmap == (BIT(12) | BIT(21) | BIT(30)),
	       "vtd_fs=1: first-stage tables, 4 levels, canonical lower half, 4K/2M/1G (FL1GP)");
	pe = vtd_rig_pasid_entry(EP40, 0);
	report(FIELD_GET(VTD_PE_PGTT, pe[0]) == VTD_PGTT_FS &&
	       (pe[2] & VTD_PE_FSPTPTR) == dom->pt.root && !FIELD_GET(VTD_PE_FSPM, pe[2]) &&
	       !(pe[2] & (VTD_PE_SRE | VTD_PE_ERE)), "RID_PASID: PGTT first stage, 4-level, no "
	       "supervisor or execute requests");
	report(iommu_map(d, 0x100000, 0x7000000, 0x1000, RW) == 0 &&
	       iommu_map(d, 0x200000, 0x7200000, 0x1000, IOMMU_READ) == 0 &&
	       iommu_map(d, 0x300000, 0x7300000, 0x1000, RW | IOMMU_NOEXEC) == 0 &&
	       iommu_map(d, 0x40000000, 0x80000000, 1ULL << 30, RW) == 0,
	       "read-write, read-only, no-execute 4K and a 1G page mapped");
	report(iommu_map(d, 1ULL << 47, 0x7000000, 0x1000, RW) == -ERANGE,
	       "the upper canonical half cannot be mapped: ERANGE");
	leaf = vtd_pgtable_lookup(&dom->pt, 0x100000, &sz);
	report(sz == 4096 && (leaf & (VTD_FS_P | VTD_FS_RW | VTD_FS_US | VTD_FS_A | VTD_FS_D)) ==
	       (VTD_FS_P | VTD_FS_RW | VTD_FS_US | VTD_FS_A | VTD_FS_D) && !(leaf & VTD_FS_XD),
	       "a writable leaf: P, R/W, U/S, A and D preset (no A/D writes by the walker)");
	leaf = vtd_pgtable_lookup(&dom->pt, 0x200000, &sz);
	report((leaf & (VTD_FS_P | VTD_FS_RW | VTD_FS_D)) == VTD_FS_P,
	       "a read-only leaf: P without R/W or D");
	report(vtd_pgtable_lookup(&dom->pt, 0x300000, &sz) & VTD_FS_XD, "IOMMU_NOEXEC sets XD");
	report(vtd_rig_lands(EP40, -1, 0x100abc, true, 0x7000abc) &&
	       vtd_rig_lands(EP40, -1, 0x200010, false, 0x7200010) &&
	       vtd_rig_lands(EP40, -1, 0x7ffff000, true, 0xbffff000),
	       "user reads and writes translate, the 1G page too");
	report(vtd_rig_dma(EP40, -1, 0x100abc, true).hit, "the second DMA hits the IOTLB");
	report(req_faults(-1, 0x200010, true, false, false, 0x85), "write to read-only: 0x85");
	report(req_faults(-1, 0x400000, false, false, false, 0x71), "nothing mapped: 0x71");
	report(req_faults(-1, 0x800000000000ULL, false, false, false, 0x80),
	       "a non-canonical address: 0x80");
	seq = vtd_trace_seq();
	iommu_unmap(d, 0x100000, 0x1000);
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_PIOTLB, dom->did[0], 0 }, { VTD_EV_WAIT, -1, -1 } }, 2) &&
	       vtd_rig_count_ev(seq, VTD_EV_IOTLB) == 0 &&
	       vtd_rig_last_op(vtd_rig_hw_of(EP40), VTD_DESC_PIOTLB)->gran == VTD_P_GRAN_PAGE &&
	       vtd_rig_last_op(vtd_rig_hw_of(EP40), VTD_DESC_PIOTLB)->addr == 0x100000,
	       "an unmap flushes by DID and PASID (P_IOTLB, page-selective), not by DID alone");
	report(req_faults(-1, 0x100abc, true, false, false, 0x71), "no stale first-stage entry");
	seq = vtd_trace_seq();
	iommu_unmap(d, 0x200000, 0x1000);
	iommu_unmap(d, 0x300000, 0x1000);
	iommu_unmap(d, 0x40000000, 1ULL << 30);
	iommu_detach_device(d, dev_of(EP40));
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_PE_CLEAR, dom->did[0], 0 }, { VTD_EV_PC, dom->did[0], 0 },
		{ VTD_EV_PIOTLB, dom->did[0], 0 }, { VTD_EV_WAIT, -1, -1 } }, 4),
	       "detach: a first-stage entry's teardown flushes P_IOTLB for its PASID");
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}

KTEST(vtd-stage1, test_vtd_stage1_five_levels_where_fl5lp)
{
	struct iommu_domain *d = NULL;

	/* Sapphire Rapids' values with CAP.FL5LP set: synthetic */
	if (!vtd_rig_sm_up(CAP_SPR | BIT_ULL(60), ECAP_SPR_PASID, "vtd_fs=1"))
		goto out;
	d = vtd_rig_attach_new(EP40);
	if (!d)
		goto out;
	report(to_vtd_domain(d)->pt.levels == 5 && d->geometry.aperture_end == (1ULL << 56) - 1 &&
	       FIELD_GET(VTD_PE_FSPM, vtd_rig_pasid_entry(EP40, 0)[2]) == 1,
	       "FL5LP and a 57-bit MGAW: 5-level first stage (FSPM 1), 56-bit canonical half");
	report(iommu_map(d, 1ULL << 50, 0x7000000, 0x1000, RW) == 0 &&
	       vtd_rig_lands(EP40, -1, (1ULL << 50) + 8, true, 0x7000008),
	       "an IOVA above 48 bits translates through the fifth level");
	iommu_unmap(d, 1ULL << 50, 0x1000);
	iommu_detach_device(d, dev_of(EP40));
out:
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}

/*
 * A unit blocks every request above 2^MGAW (11.4.2), whatever the tables
 * could translate: Meteor Lake's 42-bit MGAW bounds a first-stage domain
 * below the 47 bits its four levels take.
 */
KTEST(vtd-stage1, test_vtd_stage1_aperture_within_mgaw)
{
	struct iommu_domain *d = NULL;
	u64 top = 1ULL << 42;
	int ret;

	if (!vtd_rig_sm_up(CAP_MTL, ECAP_MTL, "vtd_fs=1"))
		goto out;
	d = vtd_rig_attach_new(EP40);
	if (!d)
		goto out;
	report(to_vtd_domain(d)->pt.fmt == VTD_FMT_FS && d->geometry.aperture_end == top - 1,
	       "first stage on a 42-bit MGAW unit: aperture ends at 2^42 - 1 (%#llx)",
	       (unsigned long long)d->geometry.aperture_end);
	ret = iommu_map(d, top, 0x7000000, 0x1000, RW);
	report(ret == -ERANGE, "a map at 2^42 is refused: ERANGE (%d)", ret);
	if (!ret)
		iommu_unmap(d, top, 0x1000);
	report(vtd_rig_faults(EP40, -1, top, false, 0x83), "the unit would block it anyway: 0x83");
	report(iommu_map(d, top - 0x1000, 0x7000000, 0x1000, RW) == 0 &&
	       vtd_rig_lands(EP40, -1, top - 0x1000 + 8, true, 0x7000008),
	       "the last page below it translates");
	iommu_unmap(d, top - 0x1000, 0x1000);
	iommu_detach_device(d, dev_of(EP40));
out:
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}

/* The guest's first-stage tables: four model pages at GPA_TABLES, mapped by the parent. */
#define GPA_TABLES	0x10000000ULL
#define GPA_DATA	0x20000000ULL
#define PA_DATA		0x7000000ULL

struct s1 {
	u64 *t[4];		/* PML4, PDPT, PD, PT: CPU pointers */
	phys_addr_t pa[4];
};

/* Build the guest tables for IOVAs 0x400000.. and map them and the data in parent. */
static bool s1_build(struct s1 *g, struct iommu_domain *parent)
{
	bool ok = true;

	for (int i = 0; i < 4; i++) {
		g->t[i] = vtd_table_alloc(&g->pa[i]);
		ok = ok && g->t[i] && iommu_map(parent, GPA_TABLES + i * 0x1000, g->pa[i], 0x1000,
						RW) == 0;
	}
	if (!ok)
		return false;
	g->t[0][0] = (GPA_TABLES + 0x1000) | FS_TABLE;
	g->t[1][0] = (GPA_TABLES + 0x2000) | FS_TABLE;
	g->t[2][2] = (GPA_TABLES + 0x3000) | FS_TABLE;			/* 0x400000 */
	g->t[2][3] = 0x30000000 | FS_TABLE;				/* GPA not mapped */
	g->t[3][0] = GPA_DATA | FS_TABLE;				/* user RW */
	g->t[3][1] = (GPA_DATA + 0x1000) | FS_TABLE;			/* parent: read-only */
	g->t[3][2] = GPA_DATA | VTD_FS_P | VTD_FS_US;			/* user read-only */
	g->t[3][3] = GPA_DATA | VTD_FS_P | VTD_FS_RW;			/* supervisor only */
	g->t[3][4] = GPA_DATA | FS_TABLE | VTD_FS_XD;			/* no execute */
	return iommu_map(parent, GPA_DATA, PA_DATA, 0x1000, RW) == 0 &&
	       iommu_map(parent, GPA_DATA + 0x1000, PA_DATA + 0x1000, 0x1000, IOMMU_READ) == 0;
}

static void s1_free(struct s1 *g, struct iommu_domain *parent)
{
	iommu_unmap(parent, GPA_TABLES, 0x4000);
	iommu_unmap(parent, GPA_DATA, 0x2000);
	for (int i = 0; i < 4; i++)
		if (g->t[i])
			vtd_table_free(g->pa[i]);
}

/* A test's nested domain n (or NULL), then its parent p's guest tables and p (NULL or an error). */
static void nest_free(struct iommu_domain *n, struct s1 *g, struct iommu_domain *p)
{
	if (n)
		iommu_domain_free(n);
	if (p && !IS_ERR(p)) {
		s1_free(g, p);
		iommu_domain_free(p);
	}
}

static struct iommu_domain *nested(struct iommu_domain *parent, u64 flags, u32 width, u32 rsvd,
				   u32 type, size_t len)
{
	struct iommu_hwpt_vtd_s1 s1 = { .flags = flags, .pgtbl_addr = GPA_TABLES,
					.addr_width = width, .__reserved = rsvd };
	struct iommu_user_data data = { .type = type, .uptr = (u64)(uintptr_t)&s1, .len = len };

	return vtd_domain_alloc_user(dev_of(EP40), 0, parent, &data);
}

/* IOMMU_HWPT_INVALIDATE's driver side with n entries; returns the error, *done the count. */
static int invalidate(struct iommu_domain *d, const struct iommu_hwpt_vtd_s1_invalidate *e,
		      u32 n, u32 type, u32 *done)
{
	struct iommu_user_data_array a = { .type = type, .uptr = (u64)(uintptr_t)e,
					   .entry_len = sizeof(*e), .entry_num = n };
	int ret = d->ops->cache_invalidate_user(d, &a);

	*done = a.entry_num;
	return ret;
}

KTEST(vtd-stage1, test_vtd_stage1_nested_translation_rules)
{
	struct iommu_domain *p = NULL, *plain = NULL, *n = NULL, *ns = NULL;
	struct s1 g = { .t = { NULL } };
	u64 *pe, a_bits;
	u16 did_n;
	u32 seq;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	p = vtd_domain_alloc_user(dev_of(EP40), IOMMU_HWPT_ALLOC_NEST_PARENT, NULL, NULL);
	plain = vtd_domain_alloc_user(dev_of(EP40), 0, NULL, NULL);
	if (IS_ERR(p) || IS_ERR(plain) || !s1_build(&g, p)) {
		report(false, "a nest parent with the guest's tables mapped");
		goto out;
	}
	report(PTR_ERR(nested(p, 0, 48, 0, 99, sizeof(struct iommu_hwpt_vtd_s1))) == -EOPNOTSUPP &&
	       PTR_ERR(nested(plain, 0, 48, 0, IOMMU_HWPT_DATA_VTD_S1, 24)) == -EINVAL &&
	       PTR_ERR(nested(p, 0, 48, 0, IOMMU_HWPT_DATA_VTD_S1, 8)) == -EINVAL &&
	       PTR_ERR(nested(p, 0, 48, 0, IOMMU_HWPT_DATA_VTD_S1, 32)) == -EINVAL,
	       "refused as Linux does: other data type EOPNOTSUPP, parent not a nest parent "
	       "EINVAL, data shorter or longer than the struct EINVAL");
	ns = nested(p, 0, 39, 0, IOMMU_HWPT_DATA_VTD_S1, 24);
	report(!IS_ERR(ns) && iommu_attach_device(ns, dev_of(EP40)) == -EINVAL &&
	       !dev_of(EP40)->domain->ops->cache_invalidate_user,
	       "a 39-bit guest table: allocated (as Linux), refused on attach with EINVAL");
	if (!IS_ERR(ns))
		iommu_domain_free(ns);
	report(PTR_ERR(vtd_domain_alloc_user(dev_of(EP40), IOMMU_HWPT_ALLOC_NEST_PARENT, p,
					     NULL)) == -EOPNOTSUPP,
	       "flags with a parent: EOPNOTSUPP");
	n = nested(p, 0, 48, 0, IOMMU_HWPT_DATA_VTD_S1, sizeof(struct iommu_hwpt_vtd_s1));
	if (IS_ERR(n)) {
		report(false, "a nested domain (%ld)", PTR_ERR(n));
		n = NULL;
		goto out;
	}
	report(n->type == IOMMU_DOMAIN_NESTED && iommu_attach_device(n, dev_of(EP40)) == 0,
	       "nested domain allocated and attached");
	did_n = to_vtd_domain(n)->did[0];
	pe = vtd_rig_pasid_entry(EP40, 0);
	report(FIELD_GET(VTD_PE_PGTT, pe[0]) == VTD_PGTT_NESTED &&
	       (pe[2] & VTD_PE_FSPTPTR) == GPA_TABLES &&
	       (pe[0] & VTD_PE_SSPTPTR) == to_vtd_domain(p)->pt.root &&
	       FIELD_GET(VTD_PE_DID, pe[1]) == did_n,
	       "PASID entry: nested, the guest's first stage over the parent's second, its own DID");
	report(vtd_rig_lands(EP40, -1, 0x400123, false, PA_DATA + 0x123),
	       "a user read walks both stages: IOVA -> GPA -> PA");
	a_bits = (g.t[0][0] & g.t[1][0] & g.t[2][2] & g.t[3][0]) & VTD_FS_A;
	report(a_bits && !(g.t[3][0] & VTD_FS_D), "A set in every first-stage entry used (through "
	       "the second stage), D not on a read");
	report(vtd_rig_lands(EP40, -1, 0x400010, true, PA_DATA + 0x10) && (g.t[3][0] & VTD_FS_D),
	       "a write sets D in the leaf");
	report(req_faults(-1, 0x401000, true, false, false, 0x85), "write where the parent maps "
	       "read-only: 0x85");
	report(req_faults(-1, 0x402000, true, false, false, 0x85), "write to a first-stage "
	       "read-only page: 0x85");
	report(req_faults(-1, 0x403000, false, false, false, 0x81), "user read of a supervisor "
	       "page: 0x81");
	report(req_faults(-1, 0x600000, false, false, false, 0x76), "a first-stage table the "
	       "parent does not map: 0x76");
	report(req_faults(5, 0x400000, false, false, false, 0x59) &&
	       req_faults(-1, 0x400000, false, true, false, 0x5d) &&
	       req_faults(-1, 0x400000, false, false, true, 0x5c),
	       "with PASID 5 (no entry) 0x59; supervisor without SRE 0x5d; execute without ERE 0x5c");
	/* the guest changes a leaf: stale until it invalidates */
	g.t[3][0] = (GPA_DATA + 0x1000) | FS_TABLE | VTD_FS_A;
	report(vtd_rig_lands(EP40, -1, 0x400000, false, PA_DATA),
	       "a changed guest leaf: the old translation stays cached");
	seq = vtd_trace_seq();
	{
		struct iommu_hwpt_vtd_s1_invalidate e[2] = {
			{ .addr = 0x400000, .npages = 1, .flags = IOMMU_VTD_INV_FLAGS_LEAF },
			{ .addr = 0x400800, .npages = 1 },
		};
		u32 done;

		report(invalidate(n, e, 2, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &done) == -EINVAL &&
		       done == 1, "two entries, the second unaligned: EINVAL after doing one");
		report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
			{ VTD_EV_PIOTLB, did_n, 0 }, { VTD_EV_WAIT, -1, -1 } }, 2) &&
		       vtd_rig_last_op(vtd_rig_hw_of(EP40), VTD_DESC_PIOTLB)->ih &&
		       vtd_rig_last_op(vtd_rig_hw_of(EP40), VTD_DESC_PIOTLB)->addr == 0x400000,
		       "the first: P_IOTLB of the nested DID, PASID 0, page 0x400000, leaf (IH)");
		report(vtd_rig_lands(EP40, -1, 0x400000, false, PA_DATA + 0x1000),
		       "then the guest's new leaf is used");
		e[0].flags = 1u << 1;
		report(invalidate(n, e, 1, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &done) ==
		       -EOPNOTSUPP && done == 0, "unknown flag: EOPNOTSUPP, none done");
		e[0].flags = 0;
		e[0].npages = ~0ULL;
		report(invalidate(n, e, 1, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &done) == -EINVAL &&
		       invalidate(n, e, 1, 7, &done) == -EINVAL && done == 0,
		       "npages U64_MAX with an address, or another data type: EINVAL");
		e[0].addr = 0;
		report(invalidate(n, e, 1, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &done) == 0 &&
		       done == 1 && vtd_rig_last_op(vtd_rig_hw_of(EP40), VTD_DESC_PIOTLB)->gran ==
		       VTD_P_GRAN_PASID, "everything (npages U64_MAX at 0): PASID-selective");
	}
	report(vtd_rig_lands(EP40, -1, 0x400000, false, PA_DATA + 0x1000) &&
	       vtd_hw_tlb_find(vtd_rig_hw_of(EP40), did_n, 0, 0x400000),
	       "translated again and cached under the nested DID");
	seq = vtd_trace_seq();
	iommu_unmap(p, GPA_DATA + 0x1000, 0x1000);
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_IOTLB, did_n, -1 }, { VTD_EV_WAIT, -1, -1 } }, 2),
	       "a parent's unmap flushes its nested domains' DIDs too");
	report(req_faults(-1, 0x400000, false, false, false, 0x86),
	       "the guest page the parent no longer maps: 0x86, nothing stale");
	iommu_map(p, GPA_DATA + 0x1000, PA_DATA + 0x1000, 0x1000, IOMMU_READ);
	/* supervisor requests where the guest allows them (SRE), with and without WPE */
	ns = nested(p, IOMMU_VTD_S1_SRE, 48, 0, IOMMU_HWPT_DATA_VTD_S1, 24);
	report(!IS_ERR(ns) && iommu_attach_device(ns, dev_of(EP40)) == 0 &&
	       (vtd_rig_pasid_entry(EP40, 0)[2] & VTD_PE_SRE) &&
	       req(-1, 0x403000, false, true, false).ok && req(-1, 0x402000, true, true, false).ok,
	       "SRE: supervisor reads of a supervisor page and writes to a read-only page pass");
	if (!IS_ERR(ns))
		iommu_domain_free(ns);
	ns = nested(p, IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE, 48, 0, IOMMU_HWPT_DATA_VTD_S1, 24);
	report(!IS_ERR(ns) && iommu_attach_device(ns, dev_of(EP40)) == 0 &&
	       req_faults(-1, 0x402000, true, true, false, 0x85),
	       "SRE with WPE: a supervisor write to a read-only page faults 0x85");
	if (!IS_ERR(ns))
		iommu_domain_free(ns);
	ns = nested(p, 0, 57, 0, IOMMU_HWPT_DATA_VTD_S1, 24);
	report(!IS_ERR(ns) && iommu_attach_device(ns, dev_of(EP40)) == -EINVAL,
	       "a 57-bit guest table on a unit without FL5LP: attach EINVAL");
	if (!IS_ERR(ns))
		iommu_domain_free(ns);
	ns = NULL;
	iommu_detach_device(dev_of(EP40)->domain, dev_of(EP40));
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	nest_free(n, &g, p);
	if (plain && !IS_ERR(plain))
		iommu_domain_free(plain);
	vtd_rig_down();
}

/*
 * A nest parent's flush plan (vtd_domain.plain_unit) follows its nested
 * children: attached alone on dmar1 it is flushed there with one IOTLB
 * descriptor; once a nested domain over it translates for a device on
 * dmar0, the parent's unmap must reach the child's DID there too (a stale
 * plan leaves the child's cached translation: bug class "invalidation
 * misses a cache"), and with the child gone the plan comes back.
 */
KTEST(vtd-stage1, test_vtd_stage1_flush_plan_follows_nested_children)
{
	struct iommu_domain *p = NULL, *n = NULL;
	struct s1 g = { .t = { NULL } };
	bool cached;
	u16 did_n;
	int nlog;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	p = vtd_domain_alloc_user(dev_of(EP40), IOMMU_HWPT_ALLOC_NEST_PARENT, NULL, NULL);
	if (IS_ERR(p) || !s1_build(&g, p) || iommu_attach_device(p, dev_of(EP80))) {
		report(false, "a nest parent with the guest's tables mapped, attached on dmar1");
		goto out;
	}
	report(to_vtd_domain(p)->plain_unit == 1, "the parent alone on dmar1: planned there (%d)",
	       to_vtd_domain(p)->plain_unit);
	n = nested(p, 0, 48, 0, IOMMU_HWPT_DATA_VTD_S1, sizeof(struct iommu_hwpt_vtd_s1));
	if (IS_ERR(n) || iommu_attach_device(n, dev_of(EP40))) {
		report(false, "a nested domain over it, attached on dmar0");
		n = IS_ERR(n) ? NULL : n;
		goto out;
	}
	did_n = to_vtd_domain(n)->did[0];
	cached = vtd_rig_lands(EP40, -1, 0x400000, false, PA_DATA) &&
		 vtd_hw_tlb_find(vtd_rig_hw_of(EP40), did_n, 0, 0x400000);
	report(to_vtd_domain(p)->plain_unit == -1 && cached,
	       "a nested child: no plan; its device's read cached under the nested DID");
	nlog = vtd_rig_hw_of(EP40)->nlog;
	iommu_unmap(p, GPA_DATA, 0x1000);
	report(cached && vtd_hw_count_since(vtd_rig_hw_of(EP40), nlog, VTD_DESC_IOTLB, did_n) == 1 &&
	       req_faults(-1, 0x400000, false, false, false, 0x86),
	       "the parent's unmap flushes the child's DID on dmar0: nothing stale");
	iommu_detach_device(n, dev_of(EP40));
	iommu_domain_free(n);
	n = NULL;
	report(to_vtd_domain(p)->plain_unit == 1, "the child freed: planned on dmar1 again (%d)",
	       to_vtd_domain(p)->plain_unit);
	iommu_map(p, GPA_DATA, PA_DATA, 0x1000, RW);
	iommu_detach_device(p, dev_of(EP80));
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	nest_free(n, &g, p);
	vtd_rig_down();
}

KTEST(vtd-stage1, test_vtd_stage1_no_nesting_or_dirty_bits_where_absent)
{
	const u32 flags[] = { IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_DIRTY_TRACKING };
	int bad = 0;

	/* Meteor Lake: scalable mode without NEST or SLADS */
	if (!vtd_rig_sm_up(CAP_MTL, ECAP_MTL, ""))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		bad += PTR_ERR(vtd_domain_alloc_user(dev_of(EP40), flags[i], NULL, NULL)) !=
		       -EOPNOTSUPP;
	report(bad == 0 && !vtd_iommu_ops.capable(dev_of(EP40), IOMMU_CAP_DIRTY_TRACKING),
	       "Meteor Lake: nest parents and dirty tracking EOPNOTSUPP, no dirty capability");
out:
	vtd_rig_down();
	if (!vtd_rig_up(0x10, CAP_E5, ECAP_E5, ""))
		goto out2;
	report(PTR_ERR(vtd_domain_alloc_user(dev_of(EP40), IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL,
					     NULL)) == -EOPNOTSUPP,
	       "a legacy-mode unit: dirty tracking EOPNOTSUPP");
out2:
	vtd_rig_down();
}

struct dirty_log {
	struct iommu_dirty_bitmap dirty;
	int n;
	u64 iova[8], len[8];
};

static void log_dirty(struct iommu_dirty_bitmap *d, unsigned long iova, unsigned long len)
{
	struct dirty_log *l = container_of(d, struct dirty_log, dirty);

	if (l->n < 8) {
		l->iova[l->n] = iova;
		l->len[l->n] = len;
	}
	l->n++;
}

KTEST(vtd-stage1, test_vtd_stage1_second_stage_dirty_tracking)
{
	struct dirty_log log = { .dirty.record = log_dirty };
	struct iommu_domain *d = NULL;
	size_t sz;
	u16 did;
	u32 seq;

	if (!vtd_rig_sm_up(CAP_SPR, ECAP_SPR_PASID, ""))
		goto out;
	report(vtd_iommu_ops.capable(dev_of(EP40), IOMMU_CAP_DIRTY_TRACKING),
	       "SSADS in scalable mode: dirty tracking offered");
	d = vtd_domain_alloc_user(dev_of(EP40), IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL, NULL);
	if (IS_ERR(d)) {
		report(false, "a dirty-tracking domain (%ld)", PTR_ERR(d));
		d = NULL;
		goto out;
	}
	report(d->dirty_ops && iommu_attach_device(d, dev_of(EP40)) == 0 &&
	       iommu_map(d, 0x100000, 0x7000000, 0x4000, RW) == 0 &&
	       iommu_map(d, 0x400000, 0x8000000, 0x200000, RW) == 0,
	       "attached; 16 KiB and 2 MiB mapped");
	did = to_vtd_domain(d)->did[0];
	report(d->dirty_ops->read_and_clear_dirty(d, 0, 1ULL << 30, 0, &log.dirty) == -EINVAL,
	       "reading before tracking starts: EINVAL");
	vtd_rig_lands(EP40, -1, 0x101000, true, 0x7001000);
	report(!(vtd_pgtable_lookup(&to_vtd_domain(d)->pt, 0x101000, &sz) & VTD_PTE_D),
	       "not tracking: a write sets no D (SSADE clear)");
	seq = vtd_trace_seq();
	report(d->dirty_ops->set_dirty_tracking(d, true) == 0 &&
	       (vtd_rig_pasid_entry(EP40, 0)[0] & VTD_PE_SSADE),
	       "tracking on: SSADE set in the PASID entry");
	report(vtd_rig_trace_has(seq, (const struct vtd_rig_want[]){
		{ VTD_EV_PE_CHANGE, did, 0 }, { VTD_EV_PC, did, 0 }, { VTD_EV_IOTLB, did, -1 },
		{ VTD_EV_WAIT, -1, -1 } }, 4),
	       "a present entry changed in place: PASID cache, IOTLB by DID, wait (table 25)");
	vtd_rig_lands(EP40, -1, 0x101000, true, 0x7001000);
	vtd_rig_lands(EP40, -1, 0x102000, false, 0x7002000);
	vtd_rig_lands(EP40, -1, 0x4abc00, true, 0x80abc00);
	log.n = 0;
	report(d->dirty_ops->read_and_clear_dirty(d, 0, 1ULL << 30, IOMMU_DIRTY_NO_CLEAR,
						  &log.dirty) == 0 && log.n == 2 &&
	       log.iova[0] == 0x101000 && log.len[0] == 0x1000 && log.iova[1] == 0x400000 &&
	       log.len[1] == 0x200000, "written: the 4K page and the 2M page; the read page not");
	seq = vtd_trace_seq();
	log.n = 0;
	report(d->dirty_ops->read_and_clear_dirty(d, 0, 1ULL << 30, 0, &log.dirty) == 0 &&
	       log.n == 2 && vtd_rig_count_ev(seq, VTD_EV_IOTLB) == 1,
	       "NO_CLEAR kept them; a clearing read reports them and flushes the IOTLB once");
	vtd_rig_lands(EP40, -1, 0x101000, true, 0x7001000);
	report(vtd_pgtable_lookup(&to_vtd_domain(d)->pt, 0x101000, &sz) & VTD_PTE_D,
	       "the next write walks again and sets D (no IOTLB entry hid it)");
	report(d->dirty_ops->set_dirty_tracking(d, false) == 0 &&
	       !(vtd_rig_pasid_entry(EP40, 0)[0] & VTD_PE_SSADE), "tracking off: SSADE cleared");
	iommu_unmap(d, 0x100000, 0x4000);
	iommu_unmap(d, 0x400000, 0x200000);
	iommu_detach_device(d, dev_of(EP40));
	report(vtd_rig_violations() == 0, "no rule of the programming model broken");
out:
	if (d)
		iommu_domain_free(d);
	vtd_rig_down();
}
