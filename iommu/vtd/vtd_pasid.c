// SPDX-License-Identifier: MIT
/*
 * VT-d scalable mode: a device's PASID directory and PASID tables (sized
 * from its PASID width), and PASID table entries for each kind of domain:
 * second stage, first stage, nested and pass-through. Layouts: VT-d spec
 * 4.1 ch. 9.4-9.6; which field means what, ch. 3.4-3.8.
 */
#include "iommu/vtd/vtd.h"
#include "arch/x86/mm.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include <linux/iommufd.h>

/*
 * The directory of a device whose PASIDs are bits wide: one 8-byte entry
 * per 64 PASIDs, PDTS coding 2^(PDTS + 7) entries. A device without PASIDs
 * still has one (RID_PASID is PASID 0): the smallest, 128 entries.
 */
void vtd_pasid_dir_geometry(unsigned int bits, unsigned int *order, u8 *pdts)
{
	unsigned int dir_bits = bits > 6 ? bits - 6 : 0;	/* log2 of directory entries */
	unsigned int bytes_bits = dir_bits + 3;

	*pdts = (u8)(dir_bits > 7 ? dir_bits - 7 : 0);
	*order = bytes_bits > 12 ? bytes_bits - 12 : 0;
}

/* Largest PASID + 1 the directory of a context entry reaches. */
static u32 dir_pasids(const u64 *ce)
{
	return 1u << (FIELD_GET(VTD_SMCTX_PDTS, ce[0]) + 7 + 6);
}

u64 *vtd_pasid_dir_alloc(struct vtd_unit *u, unsigned int bits, u8 *pdts, phys_addr_t *pa)
{
	unsigned int order;
	u64 *dir;

	vtd_pasid_dir_geometry(bits, &order, pdts);
	dir = failable(page_alloc_va(order));
	if (!dir)
		return NULL;
	*pa = virt_to_phys(dir);
	if (!u->coherent)
		vtd_cache_flush(dir, PAGE_SIZE << order);
	return dir;
}

/* The PASID table holding pasid's entry, NULL when its directory entry is clear. */
static u64 *leaf_of(const u64 *ce, u32 pasid)
{
	u64 *dir = vtd_phys_va(ce[0] & VTD_SMCTX_PDTP);
	u64 de = READ_ONCE(dir[pasid / VTD_PASID_PER_TABLE]);

	return de & VTD_PDE_P ? vtd_phys_va(de & VTD_PDE_PTP) : NULL;
}

u64 *vtd_pasid_entry(const u64 *ce, u32 pasid)
{
	u64 *leaf;

	if (!ce || !(ce[0] & VTD_SMCTX_P) || pasid >= dir_pasids(ce))
		return NULL;
	leaf = leaf_of(ce, pasid);
	return leaf ? leaf + (pasid % VTD_PASID_PER_TABLE) * 8 : NULL;
}

int vtd_pasid_table_ensure(struct vtd_unit *u, u64 *dir, u32 pasid)
{
	u64 *de = &dir[pasid / VTD_PASID_PER_TABLE];
	u64 *leaf;

	if (READ_ONCE(*de) & VTD_PDE_P)
		return 0;
	leaf = failable(page_alloc_va(0));
	if (!leaf)
		return -ENOMEM;
	if (!u->coherent)
		vtd_cache_flush(leaf, PAGE_SIZE);
	/* a not-present entry may be cached only with CM=1: the PASID-cache flush after covers it */
	WRITE_ONCE(*de, virt_to_phys(leaf) | VTD_PDE_P);
	if (!u->coherent)
		vtd_cache_flush(de, sizeof(*de));
	return 0;
}

/* Free the PASID tables and the directory of a context entry no walker can reach any more. */
void vtd_pasid_dir_free(u64 *dir, u8 pdts)
{
	u32 entries = 1u << (pdts + 7);
	unsigned int order;
	u8 p;

	for (u32 i = 0; i < entries; i++) {
		if (!(dir[i] & VTD_PDE_P))
			continue;
		vtd_trace(NULL, VTD_EV_TABLE_FREE, 0, 0, 0, dir[i] & VTD_PDE_PTP, 0);
		page_free_va(vtd_phys_va(dir[i] & VTD_PDE_PTP), 0);
	}
	vtd_pasid_dir_geometry(pdts + 13, &order, &p);
	vtd_trace(NULL, VTD_EV_TABLE_FREE, 0, 0, 0, virt_to_phys(dir), 0);
	page_free_va(dir, order);
}

/* Second-stage fields: AW, the table, and SSADE while the domain tracks dirty pages. */
static void pe_second_stage(const struct vtd_unit *u, const struct vtd_domain *dom, u64 *pe)
{
	pe[0] |= FIELD_PREP(VTD_PE_AW, dom->pt.levels - 2) | dom->pt.root |
		 (dom->dirty_tracking ? VTD_PE_SSADE : 0);
}

int vtd_pe_build(const struct vtd_unit *u, const struct vtd_domain *dom, u16 did, u64 pe[8])
{
	int pgtt;

	memset(pe, 0, 8 * sizeof(u64));
	switch (dom->domain.type) {
	case IOMMU_DOMAIN_IDENTITY:
		pgtt = VTD_PGTT_PT;
		pe[0] = FIELD_PREP(VTD_PE_AW, u->levels - 2);
		break;
	case IOMMU_DOMAIN_NESTED:
		pgtt = VTD_PGTT_NESTED;
		pe_second_stage(u, dom->parent, pe);
		pe[2] = (dom->s1_pgtbl & VTD_PE_FSPTPTR) |
			FIELD_PREP(VTD_PE_FSPM, dom->s1_levels == 5) |
			(dom->s1_flags & IOMMU_VTD_S1_SRE ? VTD_PE_SRE : 0) |
			(dom->s1_flags & IOMMU_VTD_S1_SRE && dom->s1_flags & IOMMU_VTD_S1_WPE ?
			 VTD_PE_WPE : 0) |
			(dom->s1_flags & IOMMU_VTD_S1_EAFE ? VTD_PE_EAFE : 0);
		break;
	case IOMMU_DOMAIN_PAGING:
		if (dom->pt.fmt == VTD_FMT_FS) {
			pgtt = VTD_PGTT_FS;
			pe[0] = FIELD_PREP(VTD_PE_AW, u->levels - 2);
			pe[2] = dom->pt.root | FIELD_PREP(VTD_PE_FSPM, dom->pt.levels == 5);
		} else {
			pgtt = VTD_PGTT_SS;
			pe_second_stage(u, dom, pe);
		}
		break;
	default:
		return -EINVAL;
	}
	pe[0] |= FIELD_PREP(VTD_PE_PGTT, pgtt);
	pe[1] = FIELD_PREP(VTD_PE_DID, did) |
		(vtd_ecap(u->ecap, VTD_ECAP_SMPWCS) ? VTD_PE_PWSNP : 0);
	return pgtt;
}

/* Checks a domain passes before a PASID entry may point at it on u. */
int vtd_pe_check(const struct vtd_unit *u, const struct vtd_domain *dom)
{
	switch (dom->domain.type) {
	case IOMMU_DOMAIN_IDENTITY:
		return vtd_ecap_pt(u->ecap) ? 0 : -EOPNOTSUPP;
	case IOMMU_DOMAIN_NESTED:
		if (!u->nest || !dom->s1_levels ||
		    (dom->s1_levels == 5 && !vtd_cap(u->cap, VTD_CAP_FL5LP)) ||
		    ((dom->s1_flags & IOMMU_VTD_S1_SRE) && !vtd_ecap(u->ecap, VTD_ECAP_SRS)) ||
		    ((dom->s1_flags & IOMMU_VTD_S1_EAFE) && !vtd_ecap(u->ecap, VTD_ECAP_EAFS)))
			return -EINVAL;
		/* the second stage it nests over: that parent's tables on this unit */
		return vtd_paging_check(u, dom->parent);
	case IOMMU_DOMAIN_PAGING:
		return vtd_paging_check(u, dom);
	default:
		return -EINVAL;
	}
}
