// SPDX-License-Identifier: MIT
/*
 * The soak engine (soak.h): random operations on /dev/iommu checked against
 * a reference model (soak_engine.h), in contexts opened and closed in turn;
 * after every op the domains' translations, page pins and object counts are
 * compared with the model, and after every context the baseline.
 */
#include "iommu/mock/mock.h"
#include "tests/kernel/soak_engine.h"

static struct soak S;

/* A DMA check when one is due or by chance (real device only), else an iommufd op. */
static void one_op(struct soak *s)
{
	if (s->p->real && (s->probe != NONE || rnd(s, 1000) < s->p->dma_per_mille))
		op_dma(s);
	else
		soak_iommufd_op(s);
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

	soak_note(s, "close the context (unbind %s)", unbind_first ? "first" : "last");
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
		soak_fail(s, "after close: %ld live objects, %ld before", iommufd_live_objects(),
		     s->base_objects);
	if (iommufd_pinned_pages() != s->base_pins)
		soak_fail(s, "after close: %ld pinned pages, %ld before", iommufd_pinned_pages(),
		     s->base_pins);
	if (mock_live_domains() != s->base_mock_doms || mock_live_devs() != s->base_mock_devs)
		soak_fail(s, "after close: %ld mock domains and %ld devices, %ld and %ld before",
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
