// SPDX-License-Identifier: MIT
/*
 * The soak engine's ops on /dev/iommu (soak_engine.h): map, unmap, copy,
 * IOAS and HWPT life, the real device's attach/replace/detach and the mock
 * devices, each predicted by the model and checked against its answer.
 */
#include "lib/failpoint.h"
#include "tests/kernel/soak_engine.h"

/* A random live IOAS (one is made when none is left). */
int some_ioas(struct soak *s)
{
	int k = pick_live(s, ioas_live, MAX_IOAS);

	if (k == NONE) {
		k = 0;
		s->ioas[k].id = t_ioas(s->fd);
		s->ioas[k].live = s->ioas[k].id != 0;
		soak_note(s, "IOAS_ALLOC -> %u", s->ioas[k].id);
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

	s->fp_armed = soak_inject(s, k);
	soak_note(s, "MAP ioas %u slots %u+%u pages %u %s%s", s->ioas[k].id, slot, n, page,
	     write ? "RW" : "R", s->fp_armed ? " (a failure injected)" : "");
	if (s->fp_armed)
		failpoint_arm(1 + rnd(s, 16));
	ret = t_map(s->fd, s->ioas[k].id, page_va(s, page), (u64)n * PAGE_SIZE, &iova,
		    IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		    (write ? IOMMU_IOAS_MAP_WRITEABLE : 0));
	if (soak_expect(s, "IOAS_MAP", ret, ok ? 0 : -EEXIST, digest))
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
	soak_note(s, "UNMAP ioas %u slots %u..%u", s->ioas[k].id, first, last);
	ret = t_unmap(s->fd, s->ioas[k].id, iova_of(first), (u64)(last - first + 1) * PAGE_SIZE,
		      &got);
	pret = model_unmap(s, k, first, last, &want);
	schedule_probe(s, k, first, last);
	/* ENOENT after some areas went is a change the model made too */
	if (soak_expect(s, "IOAS_UNMAP", ret, pret, want ? 0 : digest) && got != want)
		soak_fail(s, "IOAS_UNMAP unmapped %llu bytes, the model says %llu",
		     (unsigned long long)got, (unsigned long long)want);
}

static void op_unmap_all(struct soak *s)
{
	int k = some_ioas(s);
	u64 got = 0, want = 0;
	int ret;

	soak_note(s, "UNMAP ioas %u everything", s->ioas[k].id);
	schedule_probe(s, k, 0, NSLOT - 1);
	ret = t_unmap(s->fd, s->ioas[k].id, 0, U64_MAX, &got);
	for (int a = 0; a < MAX_AREA; a++) {
		if (s->area[a].live && s->area[a].ioas == k) {
			want += (u64)s->area[a].n * PAGE_SIZE;
			area_del(s, a);
		}
	}
	if (soak_expect(s, "IOAS_UNMAP all", ret, 0, 0) && got != want)
		soak_fail(s, "IOAS_UNMAP all unmapped %llu bytes, the model says %llu",
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
	s->fp_armed = soak_inject(s, j);
	soak_note(s, "COPY ioas %u slots %u+%u -> ioas %u slot %u %s%s", s->ioas[k].id, src, n,
	     s->ioas[j].id, dst, write ? "RW" : "R", s->fp_armed ? " (a failure injected)" : "");
	if (s->fp_armed)
		failpoint_arm(1 + rnd(s, 12));
	ret = t_copy(s->fd, s->ioas[j].id, s->ioas[k].id, iova_of(src), (u64)n * PAGE_SIZE,
		     &iova, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		     (write ? IOMMU_IOAS_MAP_WRITEABLE : 0));
	if (soak_expect(s, "IOAS_COPY", ret, pret, digest)) {
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
	soak_note(s, "IOAS_ALLOC -> %u", s->ioas[k].id);
}

static void op_destroy_ioas(struct soak *s)
{
	int k = some_ioas(s), ret;
	bool busy = ioas_has_domain(s, k);
	u64 digest = iommufd_test_digest(s->ictx);

	soak_note(s, "DESTROY ioas %u%s", s->ioas[k].id, busy ? " (in use)" : "");
	ret = t_destroy(s->fd, s->ioas[k].id);
	if (!soak_expect(s, "DESTROY IOAS", ret, busy ? -EBUSY : 0, digest))
		return;
	for (int a = 0; a < MAX_AREA; a++)
		if (s->area[a].live && s->area[a].ioas == k)
			area_del(s, a);
	s->ioas[k].live = false;
}

static void op_hwpt_alloc(struct soak *s)
{
	int d = pick_live(s, dev_live, MAX_DEV), k = some_ioas(s), h, ret;
	u32 id = 0;

	h = pick_live(s, hwpt_free, MAX_HWPT);
	if (d == NONE || count_of(s, hwpt_manual, MAX_HWPT) >= MAX_HWPT - MAX_DEV)
		return;
	soak_note(s, "HWPT_ALLOC dev %u ioas %u", s->dev[d].id, s->ioas[k].id);
	ret = t_hwpt_alloc(s->fd, s->dev[d].id, s->ioas[k].id, 0, &id);
	if (soak_expect(s, "HWPT_ALLOC", ret, 0, 0))
		s->hwpt[h] = (struct m_hwpt){ true, false, s->dev[d].mock, id, (u8)k };
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
	soak_note(s, "DESTROY hwpt %u%s", s->hwpt[h].id, busy ? " (in use)" : "");
	ret = t_destroy(s->fd, s->hwpt[h].id);
	if (soak_expect(s, "DESTROY HWPT", ret, busy ? -EBUSY : 0, digest))
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
			soak_fail(s, "device %u got HWPT %u in IOAS %u, not the automatic %u",
			     s->dev[d].id, id, s->ioas[k].id, s->hwpt[reuse].id);
	} else if (id != pt) {
		soak_fail(s, "device %u attached to HWPT %u reports %u", s->dev[d].id, pt, id);
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
		soak_note(s, "DETACH real device from hwpt %u", s->hwpt[s->dev[0].hwpt].id);
		iommufd_device_detach(s->idev);
		s->dev[0].hwpt = NONE;
		drop_if_unused(s, old);
		probe_hot(s);
		return;
	}
	pt = id = some_target(s, 0, &k);
	if (s->dev[0].hwpt == NONE || roll == 3) {
		bool twice = s->dev[0].hwpt != NONE;

		soak_note(s, "ATTACH real device to %u%s", pt, twice ? " (attached already)" : "");
		ret = iommufd_device_attach(s->idev, &id);
		if (soak_expect(s, "attach", ret, twice ? -EINVAL : 0, digest))
			moved(s, 0, k, pt, id);
		return;
	}
	soak_note(s, "REPLACE real device hwpt %u -> %u", s->hwpt[s->dev[0].hwpt].id, pt);
	ret = iommufd_device_replace(s->idev, &id);
	if (soak_expect(s, "replace", ret, 0, 0))
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
	soak_note(s, "MOCK_DOMAIN on ioas %u", s->ioas[k].id);
	ret = t_mock_domain(s->fd, s->ioas[k].id, &stdev, &hwpt, &idev);
	if (!soak_expect(s, "MOCK_DOMAIN", ret, 0, 0))
		return;
	s->dev[d] = (struct m_dev){ true, true, idev, stdev, NONE };
	moved(s, d, k, s->ioas[k].id, hwpt);
}

static void op_mock_del(struct soak *s)
{
	int d = pick_live(s, dev_mock, MAX_DEV), h, ret;

	if (d == NONE)
		return;
	soak_note(s, "DESTROY mock device %u", s->dev[d].stdev);
	ret = t_destroy(s->fd, s->dev[d].stdev);
	if (!soak_expect(s, "DESTROY mock device", ret, 0, 0))
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
	soak_note(s, "MOCK_DOMAIN_REPLACE mock %u -> %u", s->dev[d].stdev, pt);
	ret = t_replace(s->fd, s->dev[d].stdev, &id);
	if (soak_expect(s, "MOCK_DOMAIN_REPLACE", ret, 0, 0))
		moved(s, d, k, pt, id);
}

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

/* One op on /dev/iommu, chosen by weight. */
void soak_iommufd_op(struct soak *s)
{
	unsigned int total = 0, r;

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
