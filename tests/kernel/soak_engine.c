// SPDX-License-Identifier: MIT
/*
 * The soak engine (soak.h): a reference model of one /dev/iommu context,
 * random operations checked against it, and after every operation the
 * domains' translations, page pins and object counts compared with it.
 */
#include "iommu/iommu.h"
#include "iommu/mock/mock.h"
#include "lib/failpoint.h"
#include "lib/printf.h"
#include "tests/kernel/core_util.h"
#include "tests/kernel/dma_util.h"
#include "tests/kernel/soak.h"

#define NSLOT		64		/* 4 KiB IOVA slots per IOAS */
#define NPOOL		64		/* pages of user memory the maps use */
#define SLOT_BASE	0x01000000ULL	/* inside the mock aperture and edu's 28-bit mask */
#define MAX_IOAS	3
#define MAX_HWPT	10		/* MAX_DEV automatic ones, the rest manual */
#define MAX_DEV		4		/* [0]: the real device, then mocks */
#define MAX_AREA	(MAX_IOAS * NSLOT)
#define HISTORY		10
#define HOT		8
#define NONE		(-1)

/* An area: slots [slot, slot + n) of an IOAS -> pool pages from page. */
struct m_area {
	bool live;
	u8 ioas;
	u16 slot, n, page;
	bool write;		/* the area's prot */
	u32 pobj;		/* its pages object: a map makes one, a copy shares it */
	bool pobj_write;	/* that object was made writable */
};

struct m_ioas {
	bool live;
	u32 id;
};

struct m_hwpt {
	bool live, autod, mock;
	u32 id;
	u8 ioas;
};

struct m_dev {
	bool live, mock;
	u32 id;			/* DEVICE object */
	u32 stdev;		/* mock: its self-test object */
	int hwpt;		/* index in hwpt[], NONE: detached */
};

struct soak {
	const struct soak_params *p;
	u64 rng;
	int fd;
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev;
	u8 *pool, *shadow;	/* user memory, and what it must hold */
	phys_addr_t pa[NPOOL];
	struct m_ioas ioas[MAX_IOAS];
	struct m_hwpt hwpt[MAX_HWPT];
	struct m_dev dev[MAX_DEV];
	struct m_area area[MAX_AREA];
	s16 slot[MAX_IOAS][NSLOT];	/* area index or NONE */
	u32 next_pobj;
	u8 edu_buf[EDU_BUF_SIZE];	/* the device buffer's first edu_len bytes */
	u32 edu_len;
	/* slots the device reached lately (its IOTLB may hold them), one to probe next */
	s16 hot[HOT];
	unsigned int nhot;
	int probe;
	char hist[HISTORY][112];
	unsigned int nhist;
	bool broken, fp_armed;
	long base_objects, base_pins, base_mock_doms, base_mock_devs;
	struct soak_stats st;
};

static struct soak S;

static u64 rnd(struct soak *s, u64 n)
{
	u64 z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return n ? (z ^ (z >> 31)) % n : 0;
}

static bool chance(struct soak *s, unsigned int per_cent)
{
	return rnd(s, 100) < per_cent;
}

/* Record what the current op does, for the history printed on a failure. */
static __printf(2, 3) void note(struct soak *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->hist[s->nhist++ % HISTORY], sizeof(s->hist[0]), fmt, ap);
	va_end(ap);
}

/* A mismatch with the model: report it with the ops that led there, once. */
static __printf(2, 3) void fail(struct soak *s, const char *fmt, ...)
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

static u64 iova_of(unsigned int slot)
{
	return SLOT_BASE + (u64)slot * PAGE_SIZE;
}

static u8 *page_va(struct soak *s, unsigned int page)
{
	return s->pool + (size_t)page * PAGE_SIZE;
}

/* --- the model ------------------------------------------------------------- */

static int device_ioas(struct soak *s)
{
	return s->dev[0].hwpt == NONE ? NONE : s->hwpt[s->dev[0].hwpt].ioas;
}

/*
 * A hot slot of the device's IOAS in [first, last] is just being changed:
 * DMA to it next, when a stale IOTLB entry would still answer.
 */
static void schedule_probe(struct soak *s, int k, unsigned int first, unsigned int last)
{
	if (!s->p->real || k != device_ioas(s) || !s->p->dma_per_mille)
		return;
	for (unsigned int i = 0; i < HOT && i < s->nhot; i++)
		if (s->hot[i] >= (int)first && s->hot[i] <= (int)last)
			s->probe = s->hot[i];
}

/* The device's translations all changed: DMA to one it used lately. */
static void probe_hot(struct soak *s)
{
	if (s->nhot && s->p->dma_per_mille)
		s->probe = s->hot[rnd(s, min(s->nhot, (unsigned int)HOT))];
}

static void hot_add(struct soak *s, int slot)
{
	for (unsigned int i = 0; i < HOT && i < s->nhot; i++)
		if (s->hot[i] == slot)
			return;
	s->hot[s->nhot++ % HOT] = (s16)slot;
}

static int pick_live(struct soak *s, bool (*ok)(struct soak *s, int i), int n)
{
	int cand[MAX_AREA], nc = 0;

	for (int i = 0; i < n; i++)
		if (ok(s, i))
			cand[nc++] = i;
	return nc ? cand[rnd(s, nc)] : NONE;
}

static bool ioas_live(struct soak *s, int i)
{
	return s->ioas[i].live;
}

static bool hwpt_live(struct soak *s, int i)
{
	return s->hwpt[i].live;
}

static bool hwpt_manual(struct soak *s, int i)
{
	return s->hwpt[i].live && !s->hwpt[i].autod;
}

static bool hwpt_free(struct soak *s, int i)
{
	return !s->hwpt[i].live;
}

static bool dev_mock(struct soak *s, int i)
{
	return s->dev[i].live && s->dev[i].mock;
}

static bool dev_live(struct soak *s, int i)
{
	return s->dev[i].live;
}

static int count(struct soak *s, bool (*ok)(struct soak *s, int i), int n)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += ok(s, i);
	return c;
}

static bool ioas_has_domain(struct soak *s, int k)
{
	for (int h = 0; h < MAX_HWPT; h++)
		if (s->hwpt[h].live && s->hwpt[h].ioas == k)
			return true;
	return false;
}

static int hwpt_users(struct soak *s, int h)
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
static int auto_hwpt(struct soak *s, int k, bool mock)
{
	for (int h = 0; h < MAX_HWPT; h++)
		if (s->hwpt[h].live && s->hwpt[h].autod && s->hwpt[h].ioas == k &&
		    s->hwpt[h].mock == mock)
			return h;
	return NONE;
}

static bool range_free(struct soak *s, int k, unsigned int slot, unsigned int n)
{
	for (unsigned int i = slot; i < slot + n; i++)
		if (s->slot[k][i] != NONE)
			return false;
	return true;
}

static void area_add(struct soak *s, int k, unsigned int slot, unsigned int n,
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
	fail(s, "soak model: no free area record");
}

static void area_del(struct soak *s, int a)
{
	struct m_area *m = &s->area[a];

	for (unsigned int i = m->slot; i < m->slot + m->n; i++)
		s->slot[m->ioas][i] = NONE;
	m->live = false;
}

/* Pool page behind slot of IOAS k, or NONE. */
static int slot_page(struct soak *s, int k, unsigned int slot)
{
	int a = s->slot[k][slot];

	return a == NONE ? NONE : s->area[a].page + (int)(slot - s->area[a].slot);
}

/*
 * IOAS_UNMAP of slots [first, last] as the core does it: areas in IOVA
 * order, an area sticking out of the range stops with ENOENT (the ones
 * before it stay unmapped), nothing there is ENOENT. Applies the change.
 */
static int model_unmap(struct soak *s, int k, unsigned int first, unsigned int last,
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
	long n = count(s, ioas_live, MAX_IOAS) + count(s, hwpt_live, MAX_HWPT);

	for (int d = 0; d < MAX_DEV; d++)
		n += s->dev[d].live ? (s->dev[d].mock ? 2 : 1) : 0;
	return n;
}

/*
 * Whether to inject an allocation failure into an op on IOAS k: only where
 * no real domain is (a failed hardware wait there is counted as a driver
 * error by its own suite's leak check, by design).
 */
static bool inject(struct soak *s, int k)
{
	for (int h = 0; h < MAX_HWPT; h++)
		if (s->hwpt[h].live && s->hwpt[h].ioas == k && !s->hwpt[h].mock)
			return false;
	return chance(s, 10);
}

/* After a device left HWPT h: an automatic one nobody uses is gone. */
static void drop_if_unused(struct soak *s, int h)
{
	if (h != NONE && s->hwpt[h].autod && !hwpt_users(s, h))
		s->hwpt[h].live = false;
}

/* The HWPT the device is on now that the core said id: known, or a new automatic one. */
static int adopt_hwpt(struct soak *s, int d, int k, u32 id)
{
	int h = hwpt_by_id(s, id);

	if (h != NONE)
		return h;
	h = pick_live(s, hwpt_free, MAX_HWPT);
	if (h == NONE) {
		fail(s, "soak model: more HWPTs than it tracks");
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
		fail(s, "HWPT %u has a paging domain", s->hwpt[h].id);
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
			fail(s, "HWPT %u (%s) IOVA %#llx -> %#llx, the model says %#llx",
			     s->hwpt[h].id, mock_domain_is_mock(d) ? "mock" : "real",
			     (unsigned long long)iova_of(i), (unsigned long long)got,
			     (unsigned long long)want);
	}
}

static void check_all(struct soak *s)
{
	long pins = 0;

	for (int h = 0; h < MAX_HWPT && !s->broken; h++)
		if (s->hwpt[h].live)
			check_domain(s, h);
	for (unsigned int p = 0; p < NPOOL && !s->broken; p++) {
		long want = model_pins(s, p), got = iommufd_page_pins(s->pa[p]);

		pins += want;
		if (got != want)
			fail(s, "pool page %u pinned %ld times, the model says %ld", p, got, want);
	}
	if (!s->broken && iommufd_pinned_pages() - s->base_pins != pins)
		fail(s, "%ld pages pinned in all, the model says %ld",
		     iommufd_pinned_pages() - s->base_pins, pins);
	if (!s->broken && iommufd_live_objects() - s->base_objects != model_objects(s))
		fail(s, "%ld live objects, the model says %ld",
		     iommufd_live_objects() - s->base_objects, model_objects(s));
	if (!s->broken && s->p->real && s->dev[0].hwpt == NONE) {
		struct iommu_domain *d = s->p->real->dev->domain;

		if (d && d->type == IOMMU_DOMAIN_PAGING)
			fail(s, "the detached device still translates through a paging domain");
	}
	s->st.checks++;
}

/* Compare an ioctl's result with the prediction; a failure must change nothing. */
static bool expect(struct soak *s, const char *what, int got, int want, u64 digest)
{
	if (got && s->fp_armed && failpoint_fired()) {
		if (iommufd_test_digest(s->ictx) != digest)
			fail(s, "%s failed at an injected failure (%d) and changed the state",
			     what, got);
		return false;
	}
	if (got != want) {
		fail(s, "%s returned %d, the model says %d", what, got, want);
		return false;
	}
	if (got) {
		s->st.failed_as_predicted++;
		if (digest && iommufd_test_digest(s->ictx) != digest)
			fail(s, "%s failed (%d) and changed the state", what, got);
	}
	return got == 0;
}

/* --- operations ---------------------------------------------------------------- */

/* A random live IOAS (one is made when none is left). */
static int some_ioas(struct soak *s)
{
	int k = pick_live(s, ioas_live, MAX_IOAS);

	if (k == NONE) {
		k = 0;
		s->ioas[k].id = t_ioas(s->fd);
		s->ioas[k].live = s->ioas[k].id != 0;
		note(s, "IOAS_ALLOC -> %u", s->ioas[k].id);
	}
	return k;
}

/* n slots at a random place, free ones preferred. */
static unsigned int some_slots(struct soak *s, int k, unsigned int n)
{
	unsigned int slot = (unsigned int)rnd(s, NSLOT - n + 1);

	for (int tries = 0; tries < 6 && !range_free(s, k, slot, n); tries++)
		slot = (unsigned int)rnd(s, NSLOT - n + 1);
	return slot;
}

static void op_map(struct soak *s)
{
	int k = some_ioas(s);
	unsigned int n = 1 + (unsigned int)rnd(s, chance(s, 20) ? 8 : 3);
	unsigned int slot = some_slots(s, k, n), page = (unsigned int)rnd(s, NPOOL - n + 1);
	bool write = chance(s, 80), ok = range_free(s, k, slot, n);
	u64 digest = iommufd_test_digest(s->ictx), iova = iova_of(slot);
	int ret;

	s->fp_armed = inject(s, k);
	note(s, "MAP ioas %u slots %u+%u pages %u %s%s", s->ioas[k].id, slot, n, page,
	     write ? "RW" : "R", s->fp_armed ? " (a failure injected)" : "");
	if (s->fp_armed)
		failpoint_arm(1 + rnd(s, 16));
	ret = t_map(s->fd, s->ioas[k].id, page_va(s, page), (u64)n * PAGE_SIZE, &iova,
		    IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		    (write ? IOMMU_IOAS_MAP_WRITEABLE : 0));
	if (expect(s, "IOAS_MAP", ret, ok ? 0 : -EEXIST, digest))
		area_add(s, k, slot, n, page, write, s->next_pobj++, write);
	failpoint_arm(0);
	s->fp_armed = false;
}

static void op_unmap(struct soak *s)
{
	int k = some_ioas(s);
	unsigned int first = (unsigned int)rnd(s, NSLOT), last;
	unsigned int more = (unsigned int)rnd(s, 8);	/* not inside min(): it evaluates twice */
	u64 digest = iommufd_test_digest(s->ictx), got = 0, want;
	int a = s->slot[k][first], ret, pret;

	if (a != NONE && chance(s, 70)) {
		/* a whole area, sometimes with its neighbours */
		first = s->area[a].slot;
		last = first + s->area[a].n - 1;
		if (chance(s, 30))
			last = min(NSLOT - 1u, last + 1 + more);
	} else {
		last = min(NSLOT - 1u, first + more % 6);
	}
	note(s, "UNMAP ioas %u slots %u..%u", s->ioas[k].id, first, last);
	ret = t_unmap(s->fd, s->ioas[k].id, iova_of(first), (u64)(last - first + 1) * PAGE_SIZE,
		      &got);
	pret = model_unmap(s, k, first, last, &want);
	schedule_probe(s, k, first, last);
	/* ENOENT after some areas went is a change the model made too */
	if (expect(s, "IOAS_UNMAP", ret, pret, want ? 0 : digest) && got != want)
		fail(s, "IOAS_UNMAP unmapped %llu bytes, the model says %llu",
		     (unsigned long long)got, (unsigned long long)want);
}

static void op_unmap_all(struct soak *s)
{
	int k = some_ioas(s);
	u64 got = 0, want = 0;
	int ret;

	note(s, "UNMAP ioas %u everything", s->ioas[k].id);
	schedule_probe(s, k, 0, NSLOT - 1);
	ret = t_unmap(s->fd, s->ioas[k].id, 0, U64_MAX, &got);
	for (int a = 0; a < MAX_AREA; a++) {
		if (s->area[a].live && s->area[a].ioas == k) {
			want += (u64)s->area[a].n * PAGE_SIZE;
			area_del(s, a);
		}
	}
	if (expect(s, "IOAS_UNMAP all", ret, 0, 0) && got != want)
		fail(s, "IOAS_UNMAP all unmapped %llu bytes, the model says %llu",
		     (unsigned long long)got, (unsigned long long)want);
}

/* IOAS_COPY's prediction: ENOENT on a hole, EEXIST on a used target, EPERM for RW of RO pages. */
static int model_copy(struct soak *s, int k, unsigned int src, unsigned int n, int j,
		      unsigned int dst, bool write)
{
	for (unsigned int i = src; i < src + n; i++)
		if (s->slot[k][i] == NONE)
			return -ENOENT;
	if (!range_free(s, j, dst, n))
		return -EEXIST;
	for (unsigned int i = src; i < src + n; i++)
		if (write && !s->area[s->slot[k][i]].pobj_write)
			return -EPERM;
	return 0;
}

static void op_copy(struct soak *s)
{
	int k = some_ioas(s), j = some_ioas(s), pret, ret;
	unsigned int n = 1 + (unsigned int)rnd(s, 4), src = (unsigned int)rnd(s, NSLOT - n + 1);
	unsigned int dst = some_slots(s, j, n);
	bool write = chance(s, 70);
	u64 digest = iommufd_test_digest(s->ictx), iova = iova_of(dst);
	struct m_area piece[4];
	int npiece = 0;

	/* mostly start where something is mapped */
	for (int tries = 0; tries < 8 && s->slot[k][src] == NONE; tries++)
		src = (unsigned int)rnd(s, NSLOT - n + 1);
	pret = model_copy(s, k, src, n, j, dst, write);
	s->fp_armed = inject(s, j);
	note(s, "COPY ioas %u slots %u+%u -> ioas %u slot %u %s%s", s->ioas[k].id, src, n,
	     s->ioas[j].id, dst, write ? "RW" : "R", s->fp_armed ? " (a failure injected)" : "");
	if (s->fp_armed)
		failpoint_arm(1 + rnd(s, 12));
	ret = t_copy(s->fd, s->ioas[j].id, s->ioas[k].id, iova_of(src), (u64)n * PAGE_SIZE,
		     &iova, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		     (write ? IOMMU_IOAS_MAP_WRITEABLE : 0));
	if (expect(s, "IOAS_COPY", ret, pret, digest)) {
		/* one new area per source area the range crosses, sharing its pages */
		for (unsigned int i = src; i < src + n;) {
			struct m_area *m = &s->area[s->slot[k][i]];
			unsigned int end = min(src + n, (unsigned int)(m->slot + m->n));

			piece[npiece++] = (struct m_area){ true, (u8)j, (u16)(dst + i - src),
				(u16)(end - i), (u16)(m->page + i - m->slot), write, m->pobj,
				m->pobj_write };
			i = end;
		}
		for (int i = 0; i < npiece; i++)
			area_add(s, j, piece[i].slot, piece[i].n, piece[i].page, write,
				 piece[i].pobj, piece[i].pobj_write);
	}
	failpoint_arm(0);
	s->fp_armed = false;
}

static void op_ioas_alloc(struct soak *s)
{
	int k;

	for (k = 0; k < MAX_IOAS && s->ioas[k].live; k++)
		;
	if (k == MAX_IOAS)
		return;
	s->ioas[k].id = t_ioas(s->fd);
	s->ioas[k].live = s->ioas[k].id != 0;
	note(s, "IOAS_ALLOC -> %u", s->ioas[k].id);
}

static void op_destroy_ioas(struct soak *s)
{
	int k = some_ioas(s), ret;
	bool busy = ioas_has_domain(s, k);
	u64 digest = iommufd_test_digest(s->ictx);

	note(s, "DESTROY ioas %u%s", s->ioas[k].id, busy ? " (in use)" : "");
	ret = t_destroy(s->fd, s->ioas[k].id);
	if (!expect(s, "DESTROY IOAS", ret, busy ? -EBUSY : 0, digest))
		return;
	for (int a = 0; a < MAX_AREA; a++)
		if (s->area[a].live && s->area[a].ioas == k)
			area_del(s, a);
	s->ioas[k].live = false;
}

static void op_hwpt_alloc(struct soak *s)
{
	struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd) };
	int d = pick_live(s, dev_live, MAX_DEV), k = some_ioas(s), h, ret;

	h = pick_live(s, hwpt_free, MAX_HWPT);
	if (d == NONE || count(s, hwpt_manual, MAX_HWPT) >= MAX_HWPT - MAX_DEV)
		return;
	cmd.dev_id = s->dev[d].id;
	cmd.pt_id = s->ioas[k].id;
	note(s, "HWPT_ALLOC dev %u ioas %u", cmd.dev_id, cmd.pt_id);
	ret = (int)t_ioctl(s->fd, IOMMU_HWPT_ALLOC, &cmd);
	if (expect(s, "HWPT_ALLOC", ret, 0, 0))
		s->hwpt[h] = (struct m_hwpt){ true, false, s->dev[d].mock, cmd.out_hwpt_id,
					      (u8)k };
}

static void op_destroy_hwpt(struct soak *s)
{
	int h = pick_live(s, hwpt_live, MAX_HWPT), ret;
	bool busy;
	u64 digest;

	if (h == NONE)
		return;
	busy = hwpt_users(s, h) > 0;
	digest = iommufd_test_digest(s->ictx);
	note(s, "DESTROY hwpt %u%s", s->hwpt[h].id, busy ? " (in use)" : "");
	ret = t_destroy(s->fd, s->hwpt[h].id);
	if (expect(s, "DESTROY HWPT", ret, busy ? -EBUSY : 0, digest))
		s->hwpt[h].live = false;
}

/* A target for device d: an IOAS (automatic HWPT) or a manual HWPT of its kind. */
static u32 some_target(struct soak *s, int d, int *k)
{
	int cand[MAX_HWPT], nc = 0;

	for (int h = 0; h < MAX_HWPT; h++)
		if (s->hwpt[h].live && !s->hwpt[h].autod && s->hwpt[h].mock == s->dev[d].mock)
			cand[nc++] = h;
	if (nc && chance(s, 40)) {
		int h = cand[rnd(s, nc)];

		*k = s->hwpt[h].ioas;
		return s->hwpt[h].id;
	}
	*k = some_ioas(s);
	return s->ioas[*k].id;
}

/* Move device d to target pt (an IOAS or HWPT id) in the model, after the core said id. */
static void moved(struct soak *s, int d, int k, u32 pt, u32 id)
{
	int old = s->dev[d].hwpt, h;

	if (pt == s->ioas[k].id) {
		int reuse = auto_hwpt(s, k, s->dev[d].mock);

		if (reuse != NONE && s->hwpt[reuse].id != id)
			fail(s, "device %u got HWPT %u in IOAS %u, not the automatic %u",
			     s->dev[d].id, id, s->ioas[k].id, s->hwpt[reuse].id);
	} else if (id != pt) {
		fail(s, "device %u attached to HWPT %u reports %u", s->dev[d].id, pt, id);
	}
	h = adopt_hwpt(s, d, k, id);
	s->dev[d].hwpt = h;
	if (old != h)
		drop_if_unused(s, old);
}

/* The real device: attach when detached (sometimes twice: EINVAL), else replace or detach. */
static void op_real_move(struct soak *s)
{
	int k, ret, roll = (int)rnd(s, 10), old = s->dev[0].hwpt;
	u32 pt, id;
	u64 digest = iommufd_test_digest(s->ictx);

	if (!s->idev)
		return;
	if (s->dev[0].hwpt != NONE && roll < 3) {
		note(s, "DETACH real device from hwpt %u", s->hwpt[s->dev[0].hwpt].id);
		iommufd_device_detach(s->idev);
		s->dev[0].hwpt = NONE;
		drop_if_unused(s, old);
		probe_hot(s);
		return;
	}
	pt = id = some_target(s, 0, &k);
	if (s->dev[0].hwpt == NONE || roll == 3) {
		bool twice = s->dev[0].hwpt != NONE;

		note(s, "ATTACH real device to %u%s", pt, twice ? " (attached already)" : "");
		ret = iommufd_device_attach(s->idev, &id);
		if (expect(s, "attach", ret, twice ? -EINVAL : 0, digest))
			moved(s, 0, k, pt, id);
		return;
	}
	note(s, "REPLACE real device hwpt %u -> %u", s->hwpt[s->dev[0].hwpt].id, pt);
	ret = iommufd_device_replace(s->idev, &id);
	if (expect(s, "replace", ret, 0, 0))
		moved(s, 0, k, pt, id);
	probe_hot(s);
}

static void op_mock_add(struct soak *s)
{
	int d, k = some_ioas(s), ret;
	u32 stdev = 0, hwpt = 0, idev = 0;

	for (d = 1; d < MAX_DEV && s->dev[d].live; d++)
		;
	if (d == MAX_DEV)
		return;
	note(s, "MOCK_DOMAIN on ioas %u", s->ioas[k].id);
	ret = t_mock_domain(s->fd, s->ioas[k].id, &stdev, &hwpt, &idev);
	if (!expect(s, "MOCK_DOMAIN", ret, 0, 0))
		return;
	s->dev[d] = (struct m_dev){ true, true, idev, stdev, NONE };
	moved(s, d, k, s->ioas[k].id, hwpt);
}

static void op_mock_del(struct soak *s)
{
	int d = pick_live(s, dev_mock, MAX_DEV), h, ret;

	if (d == NONE)
		return;
	note(s, "DESTROY mock device %u", s->dev[d].stdev);
	ret = t_destroy(s->fd, s->dev[d].stdev);
	if (!expect(s, "DESTROY mock device", ret, 0, 0))
		return;
	h = s->dev[d].hwpt;
	s->dev[d].live = false;
	drop_if_unused(s, h);
}

static void op_mock_replace(struct soak *s)
{
	int d = pick_live(s, dev_mock, MAX_DEV), k, ret;
	u32 pt, id;

	if (d == NONE)
		return;
	pt = id = some_target(s, d, &k);
	note(s, "MOCK_DOMAIN_REPLACE mock %u -> %u", s->dev[d].stdev, pt);
	ret = t_replace(s->fd, s->dev[d].stdev, &id);
	if (expect(s, "MOCK_DOMAIN_REPLACE", ret, 0, 0))
		moved(s, d, k, pt, id);
}

/* --- DMA by the real device ------------------------------------------------------ */

static void expect_dma_fault(struct soak *s, u64 iova, bool write)
{
	struct iommu_dev *dev = s->p->real->dev;
	struct iommu_fault_match m = {
		.segment = dev->segment,
		.source_id = dev->rid,
		.addr = iova,
		.kind = s->dev[0].hwpt == NONE ? IOMMU_FAULT_KIND_ANY : IOMMU_FAULT_KIND_PAGE,
		.access = write ? IOMMU_FAULT_ACCESS_WRITE : IOMMU_FAULT_ACCESS_READ,
	};

	if (s->dev[0].hwpt == NONE)
		m.flags |= IOMMU_FAULT_MATCH_ANY_ADDR;
	iommu_fault_expect_match(&m);
}

/* After a DMA: faults as predicted (when the unit logs them), memory as the shadow. */
static void dma_settle(struct soak *s, const char *what, int want_faults)
{
	struct iommu_dev *dev = s->p->real->dev;
	bool logs = !dev->iommu || !dev->iommu->no_fault_log;
	struct iommu_fault_record f;
	int n;

	if (want_faults >= 0) {
		n = iommu_fault_expect_done();
		s->st.faults_seen += n;
		if (logs && want_faults > 0 && n < 1)
			fail(s, "%s: no fault was logged", what);
	} else if (iommu_fault_drain_unexpected(&f, 1) > 0) {
		fail(s, "%s: unexpected fault addr %#llx reason %#x (%s)", what,
		     (unsigned long long)f.addr, f.reason, f.reason_str ? f.reason_str : "");
	}
	for (unsigned int p = 0; p < NPOOL && !s->broken; p++) {
		if (memcmp(page_va(s, p), s->shadow + (size_t)p * PAGE_SIZE, PAGE_SIZE)) {
			u8 *a = page_va(s, p), *b = s->shadow + (size_t)p * PAGE_SIZE;
			unsigned int off = 0;

			while (a[off] == b[off])
				off++;
			fail(s, "%s: pool page %u byte %u is %#x, the model says %#x", what, p,
			     off, a[off], b[off]);
		}
	}
	s->st.dmas++;
}

/* A readable slot of the device's IOAS (for loading the buffer), or NONE. */
static int readable_slot(struct soak *s)
{
	int k, cand[NSLOT], nc = 0;

	if (s->dev[0].hwpt == NONE)
		return NONE;
	k = s->hwpt[s->dev[0].hwpt].ioas;
	for (int i = 0; i < NSLOT; i++)
		if (s->slot[k][i] != NONE)
			cand[nc++] = i;
	return nc ? cand[rnd(s, nc)] : NONE;
}

/* The device reads len bytes at offset off of slot into its buffer. */
static void dma_read(struct soak *s, int slot, u32 off, u32 len)
{
	int k = device_ioas(s);
	int page = k == NONE ? NONE : slot_page(s, k, (unsigned int)slot);
	u64 iova = iova_of((unsigned int)slot) + off;
	int ret;

	note(s, "DMA read %u bytes at %#llx (%s)", len, (unsigned long long)iova,
	     page == NONE ? "must fault" : "mapped");
	if (page == NONE)
		expect_dma_fault(s, iova, false);
	ret = s->p->real->dma(s->p->real->ctx, iova, len, false);
	if (ret)
		fail(s, "DMA read at %#llx: error %d", (unsigned long long)iova, ret);
	if (page == NONE) {
		s->edu_len = 0;	/* what a failed read leaves in the buffer is unknown */
	} else {
		memcpy(s->edu_buf, s->shadow + (size_t)page * PAGE_SIZE + off, len);
		s->edu_len = len;
		hot_add(s, slot);
	}
	dma_settle(s, "DMA read", page == NONE ? 1 : -1);
}

/* The device writes the first len bytes of its buffer to offset off of slot. */
static void dma_write(struct soak *s, int slot, u32 off, u32 len)
{
	int k = device_ioas(s);
	int a = k == NONE ? NONE : s->slot[k][slot];
	int page = k == NONE ? NONE : slot_page(s, k, (unsigned int)slot);
	bool writable = a != NONE && s->area[a].write;
	u64 iova = iova_of((unsigned int)slot) + off;
	int ret;

	note(s, "DMA write %u bytes at %#llx (%s)", len, (unsigned long long)iova,
	     page == NONE ? "must fault" : writable ? "mapped" : "read-only");
	/* a read-only page: QEMU's VT-d may refuse from its IOTLB without logging */
	if (!writable)
		expect_dma_fault(s, iova, true);
	ret = s->p->real->dma(s->p->real->ctx, iova, len, true);
	if (ret)
		fail(s, "DMA write at %#llx: error %d", (unsigned long long)iova, ret);
	if (writable) {
		memcpy(s->shadow + (size_t)page * PAGE_SIZE + off, s->edu_buf, len);
		hot_add(s, slot);
	}
	dma_settle(s, "DMA write", writable ? -1 : page == NONE ? 1 : 0);
}

static void op_dma(struct soak *s)
{
	int k = device_ioas(s);
	int slot = (int)rnd(s, NSLOT), r;
	u32 len = 1 + (u32)rnd(s, EDU_MAX_XFER), off;

	/* a slot just changed, one used lately, mostly one mapped now */
	if (s->probe != NONE) {
		slot = s->probe;
		s->probe = NONE;
	} else if (s->nhot && chance(s, 40)) {
		slot = s->hot[rnd(s, min(s->nhot, (unsigned int)HOT))];
	} else if (k != NONE && chance(s, 70) && (r = readable_slot(s)) != NONE) {
		slot = r;
	}
	if (chance(s, 50)) {
		if (s->edu_len < 8) {
			r = readable_slot(s);
			if (r != NONE)
				dma_read(s, r, 0, EDU_MAX_XFER);
		}
		if (s->edu_len >= 8) {
			len = min(len, s->edu_len);
			off = (u32)rnd(s, PAGE_SIZE - len + 1);
			dma_write(s, slot, off, len);
			return;
		}
	}
	off = (u32)rnd(s, PAGE_SIZE - len + 1);
	dma_read(s, slot, off, len);
}

/* --- the run --------------------------------------------------------------------- */

struct soak_op {
	const char *name;
	void (*fn)(struct soak *s);
	unsigned int weight;
};

static const struct soak_op ops[] = {
	{ "map", op_map, 24 },
	{ "unmap", op_unmap, 16 },
	{ "unmap_all", op_unmap_all, 1 },
	{ "copy", op_copy, 10 },
	{ "ioas_alloc", op_ioas_alloc, 2 },
	{ "destroy_ioas", op_destroy_ioas, 2 },
	{ "hwpt_alloc", op_hwpt_alloc, 3 },
	{ "destroy_hwpt", op_destroy_hwpt, 3 },
	{ "real_move", op_real_move, 8 },
	{ "mock_add", op_mock_add, 3 },
	{ "mock_del", op_mock_del, 2 },
	{ "mock_replace", op_mock_replace, 4 },
};

static void one_op(struct soak *s)
{
	unsigned int total = 0, r;

	if (s->p->real && (s->probe != NONE || rnd(s, 1000) < s->p->dma_per_mille)) {
		op_dma(s);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	r = (unsigned int)rnd(s, total);
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (r < ops[i].weight) {
			ops[i].fn(s);
			return;
		}
		r -= ops[i].weight;
	}
}

static int epoch_open(struct soak *s)
{
	memset(s->ioas, 0, sizeof(s->ioas));
	memset(s->hwpt, 0, sizeof(s->hwpt));
	memset(s->dev, 0, sizeof(s->dev));
	memset(s->area, 0, sizeof(s->area));
	memset(s->slot, 0xff, sizeof(s->slot));
	for (int d = 0; d < MAX_DEV; d++)
		s->dev[d].hwpt = NONE;
	s->edu_len = 0;
	s->probe = NONE;
	s->fd = t_open();
	s->ictx = s->fd < 0 ? NULL : t_ctx(s->fd);
	if (!s->ictx)
		return -1;
	if (s->p->real) {
		iommufd_ctx_get(s->ictx);
		s->idev = iommufd_device_bind(s->ictx, s->p->real->dev, &s->dev[0].id);
		if (IS_ERR(s->idev)) {
			report(false, "bind %s: %ld", s->p->real->dev->name, PTR_ERR(s->idev));
			s->idev = NULL;
			iommufd_ctx_put(s->ictx);
			return -1;
		}
		s->dev[0].live = true;
	}
	some_ioas(s);
	return 0;
}

/* Close the context (the device unbound before or after) and check the baseline. */
static void epoch_close(struct soak *s)
{
	bool unbind_first = chance(s, 50);

	note(s, "close the context (unbind %s)", unbind_first ? "first" : "last");
	if (s->idev && unbind_first) {
		iommufd_device_unbind(s->idev);
		iommufd_ctx_put(s->ictx);
	}
	t_close(s->fd);
	if (s->idev && !unbind_first) {
		iommufd_device_unbind(s->idev);
		iommufd_ctx_put(s->ictx);
	}
	s->idev = NULL;
	s->fd = -1;
	if (iommufd_live_objects() != s->base_objects)
		fail(s, "after close: %ld live objects, %ld before", iommufd_live_objects(),
		     s->base_objects);
	if (iommufd_pinned_pages() != s->base_pins)
		fail(s, "after close: %ld pinned pages, %ld before", iommufd_pinned_pages(),
		     s->base_pins);
	if (mock_live_domains() != s->base_mock_doms || mock_live_devs() != s->base_mock_devs)
		fail(s, "after close: %ld mock domains and %ld devices, %ld and %ld before",
		     mock_live_domains(), mock_live_devs(), s->base_mock_doms,
		     s->base_mock_devs);
}

struct soak_stats soak_run(const struct soak_params *p)
{
	struct soak *s = &S;
	unsigned int per_epoch = p->ops / (p->epochs ? p->epochs : 1) + 1;

	memset(s, 0, sizeof(*s));
	s->p = p;
	s->rng = p->seed;
	s->pool = t_buf(NPOOL * PAGE_SIZE);
	s->shadow = t_buf(NPOOL * PAGE_SIZE);
	for (unsigned int i = 0; i < NPOOL; i++) {
		dma_fill(page_va(s, i), PAGE_SIZE, (u32)(p->seed + i));
		if (plat_user_to_phys((u64)(uintptr_t)page_va(s, i), &s->pa[i]))
			report(false, "pool page %u has a physical address", i);
	}
	memcpy(s->shadow, s->pool, NPOOL * PAGE_SIZE);
	s->base_objects = iommufd_live_objects();
	s->base_pins = iommufd_pinned_pages();
	s->base_mock_doms = mock_live_domains();
	s->base_mock_devs = mock_live_devs();
	while (s->st.ops < p->ops && !s->broken) {
		if (epoch_open(s))
			break;
		for (unsigned int i = 0; i < per_epoch && s->st.ops < p->ops && !s->broken; i++) {
			one_op(s);
			s->st.ops++;
			if (!s->broken)
				check_all(s);
		}
		epoch_close(s);
	}
	if (iommu_fault_expect_active())
		iommu_fault_expect_done();
	t_buf_free(s->pool, NPOOL * PAGE_SIZE);
	t_buf_free(s->shadow, NPOOL * PAGE_SIZE);
	return s->st;
}
