// SPDX-License-Identifier: MIT
/*
 * IOMMU-neutral DMA test helpers (see dma_util.h): devices with a domain,
 * buffers, patterns, fault expectations, the edu DMA-mask probe.
 */
#include "tests/kernel/dma_util.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "iommu/amdvi/amdvi.h"
#include "arch/x86/trap.h"
#include "iommu/iommu_init.h"
#include "iommu/vtd/vtd.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include "testdev/nvme.h"
#include "tests/ktest.h"

int dma_dev_open(struct dma_dev *d, struct pci_dev *pdev)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->pdev = pdev;
	d->dev = iommu_dev_of_pci(pdev);
	if (!d->dev || !d->dev->ops) {
		const char *why = iommu_no_dma_reason();

		report_skip("%s is not translated by an IOMMU%s%s", pdev->name, why ? ": " : "",
			    why ? why : "");
		return -ENODEV;
	}
	d->dom = iommu_domain_alloc_paging(d->dev);
	if (IS_ERR(d->dom)) {
		ret = (int)PTR_ERR(d->dom);
		report(false, "paging domain for %s (%d)", pdev->name, ret);
		d->dom = NULL;
		return ret;
	}
	ret = iommu_attach_device(d->dom, d->dev);
	report(ret == 0, "%s attached to a new paging domain (%d)", pdev->name, ret);
	if (ret) {
		iommu_domain_free(d->dom);
		d->dom = NULL;
	}
	return ret;
}

void dma_dev_close(struct dma_dev *d)
{
	if (!d->dom)
		return;
	iommu_detach_device(d->dom, d->dev);
	iommu_domain_free(d->dom);
	d->dom = NULL;
}

int dma_edu_open(struct dma_edu *e, int n)
{
	struct pci_dev *pdev = pci_find(EDU_VENDOR, EDU_DEVICE, n);
	int ret;

	memset(e, 0, sizeof(*e));
	if (!pdev) {
		report_skip("no edu device #%d", n);
		return -ENODEV;
	}
	ret = edu_init(&e->edu, pdev);
	if (ret) {
		report(false, "edu %s initialises (%d)", pdev->name, ret);
		return ret;
	}
	ret = dma_dev_open(&e->d, pdev);
	if (ret)
		edu_fini(&e->edu);
	return ret;
}

int dma_edu_open_high(struct dma_edu *e, int n)
{
	if (dma_edu_open(e, n))
		return -1;
	if (!dma_edu_high_iova(e)) {
		report_skip("edu clamps its DMA addresses: start QEMU with "
			    "-device edu,dma_mask=0xffffffffffffffff");
		dma_edu_close(e);
		return -1;
	}
	return 0;
}

void dma_edu_close(struct dma_edu *e)
{
	dma_dev_close(&e->d);
	edu_fini(&e->edu);
}

int dma_edu_setup(struct dma_edu *e, struct dma_buf *b, unsigned int order)
{
	if (dma_edu_open(e, 0))
		return -1;
	if (!dma_buf_alloc(b, order))
		return 0;
	dma_edu_close(e);
	return -1;
}

void dma_edu_teardown(struct dma_edu *e, struct dma_buf *b)
{
	dma_buf_free(b);
	dma_edu_close(e);
}

int dma_buf_alloc(struct dma_buf *b, unsigned int order)
{
	b->pa = pmm_alloc(order);
	b->order = order;
	b->size = PAGE_SIZE << order;
	b->va = b->pa ? phys_to_virt(b->pa) : NULL;
	report(b->pa != 0, "%zu KiB DMA buffer allocated", b->size >> 10);
	return b->pa ? 0 : -ENOMEM;
}

void dma_buf_free(struct dma_buf *b)
{
	if (b->pa)
		pmm_free(b->pa, b->order);
	b->pa = 0;
}

static u8 pattern_byte(size_t i, u32 seed)
{
	u32 x = (u32)i * 2654435761u ^ seed * 40503u;

	return (u8)(x >> 13 ^ x);
}

void dma_fill(void *p, size_t n, u32 seed)
{
	for (size_t i = 0; i < n; i++)
		((u8 *)p)[i] = pattern_byte(i, seed);
}

bool dma_check(const void *p, size_t n, u32 seed)
{
	for (size_t i = 0; i < n; i++)
		if (((const u8 *)p)[i] != pattern_byte(i, seed))
			return false;
	return true;
}

int dma_map(struct dma_dev *d, u64 iova, phys_addr_t pa, size_t size, int prot)
{
	int ret = iommu_map(d->dom, iova, pa, size, prot);

	report(ret == 0, "map IOVA %#llx -> %#llx, %zu KiB (%d)", (unsigned long long)iova,
	       (unsigned long long)pa, size >> 10, ret);
	return ret;
}

void dma_unmap(struct dma_dev *d, u64 iova, size_t size)
{
	size_t n = iommu_unmap(d->dom, iova, size);

	report(n == size, "unmap IOVA %#llx, %zu KiB (unmapped %zu)", (unsigned long long)iova,
	       size >> 10, n);
}

int dma_edu_load(struct dma_edu *e, struct dma_buf *scratch, u64 iova, size_t len, u32 seed)
{
	int ret;

	dma_fill(scratch->va, len, seed);
	if (dma_map(&e->d, iova, scratch->pa, PAGE_SIZE, IOMMU_READ))
		return -EIO;
	ret = edu_dma_to_dev(&e->edu, iova, 0, (u32)len);
	report(ret == 0, "edu reads %zu bytes at %#llx into its buffer (%d)", len,
	       (unsigned long long)iova, ret);
	dma_unmap(&e->d, iova, PAGE_SIZE);
	return ret;
}

void dma_expect_page_fault(struct dma_dev *d, u64 iova, int access)
{
	struct iommu_fault_match m = {
		.segment = d->dev->segment,
		.source_id = d->dev->rid,
		.addr = iova,
		.kind = IOMMU_FAULT_KIND_PAGE,
		.access = (u8)access,
	};

	iommu_fault_expect_match(&m);
}

bool dma_fault_seen(struct dma_dev *d, const char *what, bool essential)
{
	int n = iommu_fault_expect_done();
	const char *why = d->dev->iommu ? d->dev->iommu->no_fault_log : NULL;

	if (why && essential) {
		report_skip("%s: not checked, %s", what, why);
		return false;
	}
	if (why) {
		report_info("%s: not checked, %s", what, why);
		return false;
	}
	report(n >= 1, "%s", what);
	return true;
}

bool dma_edu_high_iova(struct dma_edu *e)
{
	static int known = -1;
	struct dma_buf b;
	u64 hi = 1ULL << 32, lo = 0;	/* a 28- or 32-bit mask wraps hi to lo */
	bool ok;

	if (known >= 0) {
		e->edu.dma_mask = known ? ~0ULL : EDU_DEFAULT_DMA_MASK;
		return known;
	}
	if (dma_buf_alloc(&b, 1))
		return false;
	e->edu.dma_mask = ~0ULL;
	dma_edu_load(e, &b, DMA_IOVA_A, 64, 0x5eed);
	memset(b.va, 0, 2 * PAGE_SIZE);
	dma_map(&e->d, hi, b.pa, PAGE_SIZE, IOMMU_WRITE);
	dma_map(&e->d, lo, b.pa + PAGE_SIZE, PAGE_SIZE, IOMMU_WRITE);
	dma_edu_done(edu_dma_from_dev(&e->edu, hi, 0, 64));
	ok = dma_check(b.va, 64, 0x5eed);
	report_info("edu DMA mask probe: IOVA 4 GiB %s", ok ? "reached as is" :
		    dma_check(b.va + PAGE_SIZE, 64, 0x5eed) ? "wrapped to 0" : "lost");
	dma_unmap(&e->d, hi, PAGE_SIZE);
	dma_unmap(&e->d, lo, PAGE_SIZE);
	dma_buf_free(&b);
	known = ok;
	e->edu.dma_mask = ok ? ~0ULL : EDU_DEFAULT_DMA_MASK;
	return ok;
}

void dma_remap_reuses_tables(struct iommu_domain *dom, const u64 *iova, int n, phys_addr_t pa,
			     int prot, long tables)
{
	long now;
	int bad = 0;

	for (int i = 0; i < n; i++)
		bad += iommu_map(dom, iova[i], pa + 2 * (u64)i * PAGE_SIZE,
				 (1 + i % 2) * PAGE_SIZE, prot) != 0;
	now = dom->ops->table_pages(dom);
	for (int i = 0; i < n; i++)
		bad += iommu_unmap(dom, iova[i], (1 + i % 2) * PAGE_SIZE) != (1 + i % 2) * PAGE_SIZE;
	report(bad == 0 && now == tables,
	       "the same ranges mapped again hold the same %ld table pages (%ld): emptied ones "
	       "were kept for reuse or freed", tables, now);
}

long dma_iotlb_invalidations(struct dma_dev *d, bool *map_flushes)
{
	if (d->dev->ops == &vtd_iommu_ops) {
		struct vtd_unit *u = ((struct vtd_dev *)d->dev->iommu_priv)->unit;

		*map_flushes = u->cm;
		return (long)(u->st.iotlb_global + u->st.iotlb_dsi + u->st.iotlb_psi);
	}
	if (d->dev->ops == &amdvi_ops) {
		struct amdvi_unit *u = ((struct amdvi_dev *)d->dev->iommu_priv)->unit;

		*map_flushes = u->np_cache;
		return (long)u->stats.cmds[AMDVI_CMD_INV_IOMMU_PAGES];
	}
	return -1;
}

/*
 * One life cycle; returns how many steps failed, and counts the steps that
 * did not do exactly what they returned: a failed step must leave nothing,
 * a step that succeeded (even past an injected failure it absorbed) must
 * have done all of its work.
 */
static int life_cycle(struct dma_edu *e, struct dma_buf *b, const struct dma_sweep_ops *ops,
		      int *debris)
{
	static const struct {
		u64 iova;
		size_t len;
	} maps[] = {
		{ 0x40000000, PAGE_SIZE },
		{ 0x40200000, 2UL << 20 },
		{ 0x405ff000, 2 * PAGE_SIZE },	/* across a 2M boundary: two page tables */
	};
	struct iommu_dev *dev = e->d.dev;
	struct iommu_domain *old = dev->domain, *d;
	long errors = ops->flush_errors();
	bool mapped[ARRAY_SIZE(maps)] = { false };
	int failed = 0;

	d = ops->alloc(e);
	if (IS_ERR_OR_NULL(d))
		return 1;
	if (iommu_attach_device(d, dev)) {
		failed++;
		*debris += dev->domain != old;	/* still on its old domain */
	} else {
		*debris += dev->domain != d;
		for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
			u64 last = maps[i].iova + maps[i].len - PAGE_SIZE;

			mapped[i] = !iommu_map(d, maps[i].iova, b->pa, maps[i].len,
					       IOMMU_READ | IOMMU_WRITE);
			failed += !mapped[i];
			/* all or nothing: both ends mapped, or neither */
			*debris += mapped[i] ? iommu_iova_to_phys(d, maps[i].iova) != b->pa ||
					       iommu_iova_to_phys(d, last) != b->pa + maps[i].len - PAGE_SIZE :
					       iommu_iova_to_phys(d, maps[i].iova) || iommu_iova_to_phys(d, last);
		}
		for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
			if (!mapped[i])
				continue;
			*debris += iommu_unmap(d, maps[i].iova, maps[i].len) != maps[i].len ||
				   iommu_iova_to_phys(d, maps[i].iova) ||
				   iommu_iova_to_phys(d, maps[i].iova + maps[i].len - PAGE_SIZE);
		}
		iommu_detach_device(d, dev);
		*debris += dev->domain == d;
	}
	iommu_domain_free(d);
	return failed + (ops->flush_errors() != errors);
}

void dma_sweep_life_cycle(struct dma_edu *e, struct dma_buf *b,
			  const struct dma_sweep_ops *ops, int min_sites)
{
	struct iommu_fault_match any = {
		.flags = IOMMU_FAULT_MATCH_ANY_SID | IOMMU_FAULT_MATCH_ANY_ADDR,
	};
	struct iommu_domain *blocked = e->d.dev->ops->blocked_domain;
	int sites = 0, debris = 0, absorbed = 0, changed = 0, clean = -1;
	long state;

	iommu_attach_device(blocked, e->d.dev);
	state = ops->state();
	for (unsigned long n = 1; n < 500 && clean < 0; n++) {
		unsigned long at;
		int failed;
		bool fired;

		iommu_fault_expect_match(&any);	/* some drivers report failed flushes as faults */
		failpoint_arm(n);
		failed = life_cycle(e, b, ops, &debris);
		fired = failpoint_fired();
		at = failpoint_fired_at();
		failpoint_arm(0);
		iommu_fault_expect_done();
		ops->settle(e);
		if (!fired) {
			clean = failed;
			break;
		}
		sites++;
		if (!failed) {
			u64 off = 0;
			const char *fn = ksym_lookup(at, &off);

			absorbed++;
			report_info("site %lu (in %s+%#llx): absorbed, every step still did its work",
				    n, fn ? fn : "?", (unsigned long long)off);
		}
		if (ops->state() != state) {
			changed++;
			report_info("site %lu: IDs and table pages %ld, were %ld", n, ops->state(),
				    state);
		}
	}
	report(clean == 0, "a round with no failure injected succeeds at every step");
	report(sites >= min_sites, "%d sites failed one at a time (at least %d)", sites, min_sites);
	report(debris == 0, "each step did all it returned: a failed attach kept the old domain, "
	       "a failed map mapped nothing, a map mapped it all, each unmap took it all, "
	       "the detach left the domain (%d not; %d failures absorbed)", debris, absorbed);
	report(changed == 0, "after every round the IDs and table pages are back");
	iommu_attach_device(e->d.dom, e->d.dev);
}

void dma_edu_done(int ret)
{
	if (ret)
		report(false, "the edu finished its transfer (%d)", ret);
}

struct pci_dev *dma_find_class(u32 cls)
{
	for (int i = 0; i < pci_ndevs; i++) {
		struct pci_dev *p = &pci_devs[i];

		if (((u32)p->class << 16 | p->subclass << 8 | p->progif) == cls)
			return p;
	}
	return NULL;
}

static void unmap_queues(struct dma_dev *d)
{
	dma_unmap(d, DMA_IOVA_QUEUES, PAGE_SIZE);
	dma_unmap(d, DMA_IOVA_QUEUES + PAGE_SIZE, PAGE_SIZE);
}

/* Admin queues in q's first two pages, mapped at DMA_IOVA_QUEUES; the controller enabled. */
int dma_nvme_up(struct nvme_ctrl *c, struct dma_dev *d, struct dma_buf *q)
{
	int ret;

	dma_map(d, DMA_IOVA_QUEUES, q->pa, PAGE_SIZE, IOMMU_READ);			/* SQ */
	dma_map(d, DMA_IOVA_QUEUES + PAGE_SIZE, q->pa + PAGE_SIZE, PAGE_SIZE, IOMMU_WRITE | IOMMU_READ);
	ret = nvme_init(c, d->pdev);
	report(ret == 0, "NVMe %s disabled and ready for setup (%d)", d->pdev->name, ret);
	ret = ret ? ret : nvme_enable(c, q->va, DMA_IOVA_QUEUES, q->va + PAGE_SIZE, DMA_IOVA_QUEUES + PAGE_SIZE);
	report(ret == 0, "admin queues at IOVAs, controller enabled (%d)", ret);
	if (ret)
		unmap_queues(d);
	return ret;
}

/* After a successful nvme_up(). */
void dma_nvme_down(struct nvme_ctrl *c, struct dma_dev *d)
{
	nvme_disable(c);
	unmap_queues(d);
}
