// SPDX-License-Identifier: MIT
/*
 * The soak engine's reference model (soak_engine.h): IOASes, areas, HWPTs,
 * devices and the pages they pin, its failure reports, and the checks of
 * the real domains, pins and objects against it after every op.
 */
#include "iommu/mock/mock.h"
#include "lib/failpoint.h"
#include "lib/printf.h"
#include "tests/kernel/soak_engine.h"

/* Record what the current op does, for the history printed on a failure. */
__printf(2, 3) void soak_note(struct soak *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->hist[s->nhist++ % HISTORY], sizeof(s->hist[0]), fmt, ap);
	va_end(ap);
}

/* A mismatch with the model: report it with the ops that led there, once. */
__printf(2, 3) void soak_fail(struct soak *s, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!s->broken) {
		unsigned int first = s->nhist > HISTORY ? s->nhist - HISTORY : 0;

		report_info("soak: op %lu of seed %llu broke the model; the last ops:",
			    s->st.ops, (unsigned long long)s->p->seed);
		for (unsigned int i = first; i < s->nhist; i++)
			report_info("  #%u %s", i, s->hist[i % HISTORY]);
	}
	report(false, "%s", msg);
	s->broken = true;
}

/* --- the model ------------------------------------------------------------- */

int device_ioas(struct soak *s)
{
	return s->dev[0].hwpt == NONE ? NONE : s->hwpt[s->dev[0].hwpt].ioas;
}

/*
 * A hot slot of the device's IOAS in [first, last] is just being changed:
 * DMA to it next, when a stale IOTLB entry would still answer.
 */
void schedule_probe(struct soak *s, int k, unsigned int first, unsigned int last)
{
	if (!s->p->real || k != device_ioas(s) || !s->p->dma_per_mille)
		return;
	for (unsigned int i = 0; i < HOT && i < s->nhot; i++)
		if (s->hot[i] >= (int)first && s->hot[i] <= (int)last)
			s->probe = s->hot[i];
}

/* The device's translations all changed: DMA to one it used lately. */
void probe_hot(struct soak *s)
{
	if (s->nhot && s->p->dma_per_mille)
		s->probe = s->hot[rnd(s, min(s->nhot, (unsigned int)HOT))];
}

void hot_add(struct soak *s, int slot)
{
	for (unsigned int i = 0; i < HOT && i < s->nhot; i++)
		if (s->hot[i] == slot)
			return;
	s->hot[s->nhot++ % HOT] = (s16)slot;
}

int pick_live(struct soak *s, bool (*ok)(struct soak *s, int i), int n)
{
	int cand[MAX_AREA], nc = 0;

	for (int i = 0; i < n; i++)
		if (ok(s, i))
			cand[nc++] = i;
	return nc ? cand[rnd(s, nc)] : NONE;
}

bool ioas_live(struct soak *s, int i)
{
	return s->ioas[i].live;
}

bool hwpt_live(struct soak *s, int i)
{
	return s->hwpt[i].live;
}

bool hwpt_manual(struct soak *s, int i)
{
	return s->hwpt[i].live && !s->hwpt[i].autod;
}

bool hwpt_free(struct soak *s, int i)
{
	return !s->hwpt[i].live;
}

bool dev_mock(struct soak *s, int i)
{
	return s->dev[i].live && s->dev[i].mock;
}

bool dev_live(struct soak *s, int i)
{
	return s->dev[i].live;
}

int count_of(struct soak *s, bool (*ok)(struct soak *s, int i), int n)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += ok(s, i);
	return c;
}

bool ioas_has_domain(struct soak *s, int k)
{
	for (int h = 0; h < MAX_HWPT; h++)
		if (s->hwpt[h].live && s->hwpt[h].ioas == k)
			return true;
	return false;
}

int hwpt_users(struct soak *s, int h)
{
	int n = 0;

	for (int d = 0; d < MAX_DEV; d++)
		n += s->dev[d].live && s->dev[d].hwpt == h;
	return n;
}

static int hwpt_by_id(struct soak *s, u32 id)
{
	for (int h = 0; h < MAX_HWPT; h++)
		if (s->hwpt[h].live && s->hwpt[h].id == id)
			return h;
	return NONE;
}

/* The automatic HWPT of this kind in IOAS k a device would reuse. */
int auto_hwpt(struct soak *s, int k, bool mock)
{
	for (int h = 0; h < MAX_HWPT; h++)
		if (s->hwpt[h].live && s->hwpt[h].autod && s->hwpt[h].ioas == k &&
		    s->hwpt[h].mock == mock)
			return h;
	return NONE;
}

bool range_free(struct soak *s, int k, unsigned int slot, unsigned int n)
{
	for (unsigned int i = slot; i < slot + n; i++)
		if (s->slot[k][i] != NONE)
			return false;
	return true;
}

void area_add(struct soak *s, int k, unsigned int slot, unsigned int n,
		     unsigned int page, bool write, u32 pobj, bool pobj_write)
{
	for (int a = 0; a < MAX_AREA; a++) {
		struct m_area *m = &s->area[a];

		if (m->live)
			continue;
		*m = (struct m_area){ true, (u8)k, (u16)slot, (u16)n, (u16)page, write, pobj,
				      pobj_write };
		for (unsigned int i = slot; i < slot + n; i++)
			s->slot[k][i] = (s16)a;
		return;
	}
	soak_fail(s, "soak model: no free area record");
}

void area_del(struct soak *s, int a)
{
	struct m_area *m = &s->area[a];

	for (unsigned int i = m->slot; i < m->slot + m->n; i++)
		s->slot[m->ioas][i] = NONE;
	m->live = false;
}

/* Pool page behind slot of IOAS k, or NONE. */
int slot_page(struct soak *s, int k, unsigned int slot)
{
	int a = s->slot[k][slot];

	return a == NONE ? NONE : s->area[a].page + (int)(slot - s->area[a].slot);
}

/*
 * IOAS_UNMAP of slots [first, last] as the core does it: areas in IOVA
 * order, an area sticking out of the range stops with ENOENT (the ones
 * before it stay unmapped), nothing there is ENOENT. Applies the change.
 */
int model_unmap(struct soak *s, int k, unsigned int first, unsigned int last,
		       u64 *bytes)
{
	*bytes = 0;
	for (unsigned int i = first; i <= last; i++) {
		int a = s->slot[k][i];

		if (a == NONE)
			continue;
		if (s->area[a].slot < first || s->area[a].slot + s->area[a].n - 1 > last)
			return -ENOENT;
		*bytes += (u64)s->area[a].n * PAGE_SIZE;
		i = s->area[a].slot + s->area[a].n - 1;
		area_del(s, a);
	}
	return *bytes ? 0 : -ENOENT;
}

/* Pins a pool page must have: one per pages object using it where a domain is. */
static int model_pins(struct soak *s, unsigned int page)
{
	u32 seen[MAX_AREA];
	int n = 0;

	for (int a = 0; a < MAX_AREA; a++) {
		struct m_area *m = &s->area[a];
		bool dup = false;

		if (!m->live || page < m->page || page >= m->page + m->n ||
		    !ioas_has_domain(s, m->ioas))
			continue;
		for (int i = 0; i < n; i++)
			dup |= seen[i] == m->pobj;
		if (!dup)
			seen[n++] = m->pobj;
	}
	return n;
}

static long model_objects(struct soak *s)
{
	long n = count_of(s, ioas_live, MAX_IOAS) + count_of(s, hwpt_live, MAX_HWPT);

	for (int d = 0; d < MAX_DEV; d++)
		n += s->dev[d].live ? (s->dev[d].mock ? 2 : 1) : 0;
	return n;
}

/*
 * Whether to inject an allocation failure into an op on IOAS k: only where
 * no real domain is (a failed hardware wait there is counted as a driver
 * error by its own suite's leak check, by design).
 */
bool soak_inject(struct soak *s, int k)
{
	for (int h = 0; h < MAX_HWPT; h++)
		if (s->hwpt[h].live && s->hwpt[h].ioas == k && !s->hwpt[h].mock)
			return false;
	return chance(s, 10);
}

/* After a device left HWPT h: an automatic one nobody uses is gone. */
void drop_if_unused(struct soak *s, int h)
{
	if (h != NONE && s->hwpt[h].autod && !hwpt_users(s, h))
		s->hwpt[h].live = false;
}

/* The HWPT the device is on now that the core said id: known, or a new automatic one. */
int adopt_hwpt(struct soak *s, int d, int k, u32 id)
{
	int h = hwpt_by_id(s, id);

	if (h != NONE)
		return h;
	h = pick_live(s, hwpt_free, MAX_HWPT);
	if (h == NONE) {
		soak_fail(s, "soak model: more HWPTs than it tracks");
		return NONE;
	}
	s->hwpt[h] = (struct m_hwpt){ true, true, s->dev[d].mock, id, (u8)k };
	return h;
}

/* --- checks of the real state against the model ------------------------------ */

static void check_domain(struct soak *s, int h)
{
	struct iommu_domain *d = t_domain(s->fd, s->hwpt[h].id);

	if (!d) {
		soak_fail(s, "HWPT %u has a paging domain", s->hwpt[h].id);
		return;
	}
	for (unsigned int i = 0; i < NSLOT && !s->broken; i++) {
		int page = slot_page(s, s->hwpt[h].ioas, i);
		phys_addr_t want = page == NONE ? 0 : s->pa[page], got = 0;
		u64 flags;

		if (mock_domain_is_mock(d)) {
			if (mock_domain_lookup(d, (unsigned long)iova_of(i), &got, &flags))
				got = 0;
		} else {
			got = iommu_iova_to_phys(d, iova_of(i));
		}
		if (got != want)
			soak_fail(s, "HWPT %u (%s) IOVA %#llx -> %#llx, the model says %#llx",
			     s->hwpt[h].id, mock_domain_is_mock(d) ? "mock" : "real",
			     (unsigned long long)iova_of(i), (unsigned long long)got,
			     (unsigned long long)want);
	}
}

void check_all(struct soak *s)
{
	long pins = 0;

	for (int h = 0; h < MAX_HWPT && !s->broken; h++)
		if (s->hwpt[h].live)
			check_domain(s, h);
	for (unsigned int p = 0; p < NPOOL && !s->broken; p++) {
		long want = model_pins(s, p), got = iommufd_page_pins(s->pa[p]);

		pins += want;
		if (got != want)
			soak_fail(s, "pool page %u pinned %ld times, the model says %ld", p, got, want);
	}
	if (!s->broken && iommufd_pinned_pages() - s->base_pins != pins)
		soak_fail(s, "%ld pages pinned in all, the model says %ld",
		     iommufd_pinned_pages() - s->base_pins, pins);
	if (!s->broken && iommufd_live_objects() - s->base_objects != model_objects(s))
		soak_fail(s, "%ld live objects, the model says %ld",
		     iommufd_live_objects() - s->base_objects, model_objects(s));
	if (!s->broken && s->p->real && s->dev[0].hwpt == NONE) {
		struct iommu_domain *d = s->p->real->dev->domain;

		if (d && d->type == IOMMU_DOMAIN_PAGING)
			soak_fail(s, "the detached device still translates through a paging domain");
	}
	s->st.checks++;
}

/* Compare an ioctl's result with the prediction; a failure must change nothing. */
bool soak_expect(struct soak *s, const char *what, int got, int want, u64 digest)
{
	if (got && s->fp_armed && failpoint_fired()) {
		if (iommufd_test_digest(s->ictx) != digest)
			soak_fail(s, "%s failed at an injected failure (%d) and changed the state",
			     what, got);
		return false;
	}
	if (got != want) {
		soak_fail(s, "%s returned %d, the model says %d", what, got, want);
		return false;
	}
	if (got) {
		s->st.failed_as_predicted++;
		if (digest && iommufd_test_digest(s->ictx) != digest)
			soak_fail(s, "%s failed (%d) and changed the state", what, got);
	}
	return got == 0;
}
