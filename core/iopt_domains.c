// SPDX-License-Identifier: MIT
/*
 * The domains and accesses of an io_pagetable: attaching a domain fills it
 * with every area (and an IOVA alignment every area keeps), detaching
 * empties it; large pages on or off; accesses that pin through the areas.
 */
#include "core/io_pagetable.h"

/*
 * Remove domain's copy of the areas before end (NULL: all); the domain is
 * off the list. When it was the last domain the pages are unpinned too.
 */
static void iopt_unfill_domain(struct io_pagetable *iopt, struct iommu_domain *domain,
			       struct iopt_area *end)
{
	struct iopt_area *area;

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area != end;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if (!area->pages)
			continue;
		if (iopt->ndomains)
			iopt_area_unmap_domain(area, domain);
		else
			iopt_area_unfill_domain(area, area->pages, domain);
	}
}

/* Load every area into domain; on failure domain is left empty. */
static int iopt_fill_domain(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	struct iopt_area *area;
	int ret;

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if (!area->pages)
			continue;
		ret = iopt_area_fill_domain(area, domain);
		if (ret) {
			iopt_unfill_domain(iopt, domain, area);
			return ret;
		}
	}
	return 0;
}

/* Whether every area (and access) conforms to a larger IOVA alignment. */
static int iopt_check_iova_alignment(struct io_pagetable *iopt, unsigned long align)
{
	unsigned long mask = align - 1, idx;
	struct iommufd_access *access;
	struct iopt_area *area;

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX))
		if ((iopt_area_iova(area) & mask) || (iopt_area_length(area) & mask) ||
		    (area->page_offset & mask))
			return -EADDRINUSE;
	idtab_for_each(&iopt->access_list, idx, access)
		if (access->iova_alignment > align) {
			plat_warn("iopt: access needs more alignment than the IOAS");
			return -EADDRINUSE;
		}
	return 0;
}

/* No domains: no list either, so a failed attach leaves the heap as it was. */
static void free_domain_list(struct io_pagetable *iopt)
{
	kfree(iopt->domains);
	iopt->domains = NULL;
	iopt->domains_cap = 0;
}

static int iopt_reserve_domain_list_slot(struct io_pagetable *iopt)
{
	struct iommu_domain **bigger;
	unsigned int cap;

	if (iopt->ndomains < iopt->domains_cap)
		return 0;
	cap = iopt->domains_cap ? iopt->domains_cap * 2 : 4;
	bigger = iommufd_alloc(cap * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	if (iopt->ndomains)
		memcpy(bigger, iopt->domains, iopt->ndomains * sizeof(*bigger));
	kfree(iopt->domains);
	iopt->domains = bigger;
	iopt->domains_cap = cap;
	return 0;
}

/*
 * Attach domain to the table: reserve what lies outside its aperture, load
 * every area into it, and from now on keep it equal to the table.
 */
int iopt_table_add_domain(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	const struct iommu_domain_geometry *geo = &domain->geometry;
	unsigned long new_align;
	int ret;

	plat_down_write(&iopt->domains_rwsem);
	plat_down_write(&iopt->iova_rwsem);
	lockdep_assert_held_write(&iopt->domains_rwsem);
	for (unsigned int i = 0; i < iopt->ndomains; i++) {
		if (iopt->domains[i] == domain) {
			plat_warn("iopt_table_add_domain: domain added twice");
			ret = -EEXIST;
			goto out_unlock;
		}
	}
	/*
	 * The IO page size sets the IOVA alignment; pages are tracked in
	 * PAGE_SIZE units, so a domain must take PAGE_SIZE pages.
	 */
	new_align = max_t(unsigned long, 1UL << __builtin_ctzl(domain->pgsize_bitmap),
			  iopt->iova_alignment);
	if (!domain->pgsize_bitmap || new_align > PAGE_SIZE) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (new_align != iopt->iova_alignment) {
		ret = iopt_check_iova_alignment(iopt, new_align);
		if (ret)
			goto out_unlock;
	}
	if (geo->aperture_start != 0) {
		ret = __iopt_reserve_iova(iopt, 0, geo->aperture_start - 1, domain);
		if (ret)
			goto out_reserved;
	}
	if (geo->aperture_end != ULONG_MAX) {
		ret = __iopt_reserve_iova(iopt, geo->aperture_end + 1, ULONG_MAX, domain);
		if (ret)
			goto out_reserved;
	}
	ret = iopt_reserve_domain_list_slot(iopt);
	if (ret)
		goto out_reserved;
	ret = iopt_fill_domain(iopt, domain);
	if (ret)
		goto out_reserved;
	iopt->iova_alignment = new_align;
	iopt->domains[iopt->ndomains++] = domain;
	plat_up_write(&iopt->iova_rwsem);
	plat_up_write(&iopt->domains_rwsem);
	return 0;
out_reserved:
	__iopt_remove_reserved_iova(iopt, domain);
	if (!iopt->ndomains)
		free_domain_list(iopt);
out_unlock:
	plat_up_write(&iopt->iova_rwsem);
	plat_up_write(&iopt->domains_rwsem);
	return ret;
}

static int iopt_calculate_iova_alignment(struct io_pagetable *iopt)
{
	unsigned long align = iopt->disable_large_pages ? PAGE_SIZE : 1, idx;
	struct iommufd_access *access;
	int ret;

	lockdep_assert_held_write(&iopt->domains_rwsem);
	lockdep_assert_held_write(&iopt->iova_rwsem);
	for (unsigned int i = 0; i < iopt->ndomains; i++)
		align = max_t(unsigned long, align,
			      1UL << __builtin_ctzl(iopt->domains[i]->pgsize_bitmap));
	idtab_for_each(&iopt->access_list, idx, access)
		align = max_t(unsigned long, align, access->iova_alignment);
	if (align > iopt->iova_alignment) {
		ret = iopt_check_iova_alignment(iopt, align);
		if (ret)
			return ret;
	}
	iopt->iova_alignment = align;
	return 0;
}

void iopt_table_remove_domain(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	unsigned int i;

	plat_down_write(&iopt->domains_rwsem);
	plat_down_write(&iopt->iova_rwsem);
	for (i = 0; i < iopt->ndomains; i++)
		if (iopt->domains[i] == domain)
			break;
	if (i == iopt->ndomains) {
		plat_warn("iopt_table_remove_domain: domain not in the table");
		goto out_unlock;
	}
	iopt->domains[i] = iopt->domains[--iopt->ndomains];
	iopt->domains[iopt->ndomains] = NULL;
	iopt_unfill_domain(iopt, domain, NULL);
	if (!iopt->ndomains)
		free_domain_list(iopt);
	__iopt_remove_reserved_iova(iopt, domain);
	if (iopt_calculate_iova_alignment(iopt))
		plat_warn("iopt_table_remove_domain: alignment cannot shrink");
out_unlock:
	plat_up_write(&iopt->iova_rwsem);
	plat_up_write(&iopt->domains_rwsem);
}

void iopt_enable_large_pages(struct io_pagetable *iopt)
{
	plat_down_write(&iopt->domains_rwsem);
	plat_down_write(&iopt->iova_rwsem);
	WRITE_ONCE(iopt->disable_large_pages, false);
	if (iopt_calculate_iova_alignment(iopt))
		plat_warn("iopt_enable_large_pages: alignment grew");
	plat_up_write(&iopt->iova_rwsem);
	plat_up_write(&iopt->domains_rwsem);
}

/* Map in PAGE_SIZE pieces only; refused once domains hold mappings. */
int iopt_disable_large_pages(struct io_pagetable *iopt)
{
	int ret = 0;

	plat_down_write(&iopt->domains_rwsem);
	plat_down_write(&iopt->iova_rwsem);
	if (iopt->disable_large_pages)
		goto out_unlock;
	if (iopt->ndomains && !itree_empty(&iopt->area_itree)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	WRITE_ONCE(iopt->disable_large_pages, true);
	ret = iopt_calculate_iova_alignment(iopt);
	if (ret)
		WRITE_ONCE(iopt->disable_large_pages, false);
out_unlock:
	plat_up_write(&iopt->iova_rwsem);
	plat_up_write(&iopt->domains_rwsem);
	return ret;
}

/* Register access on the table (its alignment applies from now on). */
int iopt_add_access(struct io_pagetable *iopt, struct iommufd_access *access)
{
	unsigned long id;
	int ret;

	plat_down_write(&iopt->domains_rwsem);
	plat_down_write(&iopt->iova_rwsem);
	ret = idtab_alloc(&iopt->access_list, access, 0, 0xffff, &id);
	if (ret)
		goto out_unlock;
	ret = iopt_calculate_iova_alignment(iopt);
	if (ret) {
		idtab_erase(&iopt->access_list, id);
		goto out_unlock;
	}
	access->iopt_access_list_id = (u32)id;
out_unlock:
	plat_up_write(&iopt->iova_rwsem);
	plat_up_write(&iopt->domains_rwsem);
	return ret;
}

/* Remove the access by the id it was given here (bug class 6: not a stale one). */
void iopt_remove_access(struct io_pagetable *iopt, struct iommufd_access *access,
			u32 iopt_access_list_id)
{
	plat_down_write(&iopt->domains_rwsem);
	plat_down_write(&iopt->iova_rwsem);
	if (idtab_erase(&iopt->access_list, iopt_access_list_id) != access)
		plat_warn("iopt_remove_access: id %u is not this access", iopt_access_list_id);
	if (iopt_calculate_iova_alignment(iopt))
		plat_warn("iopt_remove_access: alignment cannot shrink");
	plat_up_write(&iopt->iova_rwsem);
	plat_up_write(&iopt->domains_rwsem);
}
