// SPDX-License-Identifier: MIT
/*
 * DMAR lookups over a parsed table: which unit translates a PCI device,
 * which RMRRs, ATSRs and SATCs apply to it, and scope formatting.
 * No parsing here (dmar.c). Matching rules: VT-d 4.1 sections 8.3.1-8.3.2.
 */
#include "arch/x86/pci.h"
#include "iommu/dmar.h"
#include "lib/errno.h"
#include "lib/printf.h"

bool dmar_scope_matches(const struct dmar_scope *s, const struct dmar_dev_path *p)
{
	if (s->type != DMAR_SCOPE_ENDPOINT && s->type != DMAR_SCOPE_BRIDGE)
		return false;
	if (!p->nhops || p->nhops > DMAR_MAX_HOPS)
		return false;
	/* Bus numbers are unique in a segment: find the hop on the start bus. */
	for (int i = 0; i < p->nhops; i++) {
		bool same = true;

		if (p->hop[i].bus != s->bus)
			continue;
		if (i + s->nhops > p->nhops)
			return false;
		for (int j = 0; j < s->nhops && same; j++)
			same = p->hop[i + j].devfn == s->path[j];
		if (!same)
			return false;
		if (s->type == DMAR_SCOPE_ENDPOINT)
			return i + s->nhops == p->nhops;
		return true;	/* the bridge itself or a device below it */
	}
	return false;
}

bool dmar_scopes_match(const struct dmar_table *t, u16 first, u16 n,
		       const struct dmar_dev_path *p)
{
	for (u16 i = 0; i < n; i++)
		if (dmar_scope_matches(&t->scopes[first + i], p))
			return true;
	return false;
}

const struct dmar_unit *dmar_unit_for_dev(const struct dmar_table *t,
					  const struct dmar_dev_path *p)
{
	for (int i = 0; i < t->nunits; i++) {
		const struct dmar_unit *u = &t->units[i];

		if (u->segment == p->segment && !u->include_all &&
		    dmar_scopes_match(t, u->first_scope, u->nscopes, p))
			return u;
	}
	for (int i = 0; i < t->nunits; i++)
		if (t->units[i].segment == p->segment && t->units[i].include_all)
			return &t->units[i];
	return NULL;
}

const struct dmar_unit *dmar_unit_for_special(const struct dmar_table *t,
					      u8 scope_type, u8 enum_id,
					      u16 *source_id)
{
	for (int i = 0; i < t->nunits; i++) {
		const struct dmar_unit *u = &t->units[i];

		for (u16 k = 0; k < u->nscopes; k++) {
			const struct dmar_scope *s = dmar_scope_at(t, u->first_scope, k);

			if (s->type != scope_type || s->enum_id != enum_id)
				continue;
			/* Beyond one hop the bus depends on bridge programming. */
			if (source_id)
				*source_id = s->nhops == 1 ? (u16)(s->bus << 8 | s->path[0])
							   : 0xffff;
			return u;
		}
	}
	return NULL;
}

bool dmar_rmrr_applies(const struct dmar_table *t, const struct dmar_rmrr *r,
		       const struct dmar_dev_path *p)
{
	return r->segment == p->segment &&
	       dmar_scopes_match(t, r->first_scope, r->nscopes, p);
}

int dmar_dev_path(const struct pci_dev *d, struct dmar_dev_path *p)
{
	const struct pci_dev *up;
	int n = 0;

	for (up = d; up; up = up->parent)
		n++;
	if (n > DMAR_MAX_HOPS)
		return -EINVAL;
	p->segment = d->seg;
	p->nhops = (u8)n;
	for (up = d; up; up = up->parent) {
		n--;
		p->hop[n].bus = up->bus;
		p->hop[n].devfn = (u8)(up->dev << 3 | up->fn);
	}
	return 0;
}

bool dmar_ats_supported(const struct dmar_table *t, const struct dmar_dev_path *p)
{
	for (int i = 0; i < t->natsr; i++) {
		const struct dmar_atsr *a = &t->atsr[i];

		if (a->segment != p->segment)
			continue;
		if ((a->flags & DMAR_ATSR_ALL_PORTS) ||
		    dmar_scopes_match(t, a->first_scope, a->nscopes, p))
			return true;
	}
	return false;
}

const struct dmar_atsr *dmar_satc_for_dev(const struct dmar_table *t,
					  const struct dmar_dev_path *p)
{
	for (int i = 0; i < t->nsatc; i++)
		if (t->satc[i].segment == p->segment &&
		    dmar_scopes_match(t, t->satc[i].first_scope, t->satc[i].nscopes, p))
			return &t->satc[i];
	return NULL;
}

int dmar_scope_str(const struct dmar_scope *s, char *buf, size_t n)
{
	int len = 0;

#define PUT(...) (len += snprintf(buf + min((size_t)len, n), n - min((size_t)len, n), __VA_ARGS__))
	if (s->type != DMAR_SCOPE_ENDPOINT)
		PUT("%s ", dmar_scope_type_name(s->type));
	if (s->type >= DMAR_SCOPE_IOAPIC)
		PUT("%u @", s->enum_id);
	PUT("%02x:%02x.%u", s->bus, s->path[0] >> 3, s->path[0] & 7);
	for (int i = 1; i < s->nhops; i++)
		PUT("/%02x.%u", s->path[i] >> 3, s->path[i] & 7);
#undef PUT
	return len;
}
