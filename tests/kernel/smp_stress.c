// SPDX-License-Identifier: MIT
/*
 * smp suite, races with real DMA: several CPUs map and unmap in one IOAS
 * while the edu and an NVMe controller DMA into mapped ranges; CPUs each
 * with their own /dev/iommu context; IOAS destroy racing its use; every
 * CPU unmapping (so invalidating) on one unit and checking that its DMA
 * then faults and lands nowhere; ring-3 programs on all CPUs at once.
 * Each run is seeded (seed=, printed); what a CPU saw wrong is counted
 * and its first case described; the runner checks leaks and unexpected
 * faults after each test, the watchdog catches a deadlock.
 */
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x86.h"
#include "iommu/iommu_init.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/platform.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "testdev/nvme.h"
#include "tests/kernel/core_util.h"
#include "tests/kernel/dma_util.h"
#include "tests/kernel/user.h"
#include "tests/ktest.h"

#define PG		PAGE_SIZE
#define WIN_PAGES	64
#define IOVA_WIN(cpu)	(0x01000000ULL + (u64)(cpu) * 0x80000ULL)	/* below the edu's 256 MiB */
#define IOVA_SRC	0x00300000ULL
#define IOVA_DST	0x00301000ULL
#define NVME_CLASS	0x010802
#define CALL_MS		120000
#define NEEDS		(KT_NEED_IOMMU | KT_NEED_EDU)

/* One CPU's view: its random stream and what it saw go wrong. */
struct lane {
	u64 rng;
	int ops, bad;
	char why[120];
};

struct stress {
	u64 seed;
	unsigned int iters;
	struct lane lane[NR_CPUS];
	int crash_cpu;			/* a test's CPU that crashes in its first map (-1: none) */
	volatile int workers_left;
	volatile bool edu_done;		/* mappers go on at least until the edu is done */
	/* the shared IOAS */
	int fd;
	u32 ioas, hwpt;
	struct iommu_domain *dom;
	u8 *buf[NR_CPUS];
	u8 *edu_pages;			/* SRC and DST */
	/* the edu, one transfer at a time */
	spinlock_t edu_lock;
	struct edu edu;
	struct dma_dev *d;
};

static u64 rnd(struct lane *l)
{
	u64 z = (l->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void __printf(2, 3) bad(struct lane *l, const char *fmt, ...)
{
	va_list ap;

	if (!l->bad++) {
		va_start(ap, fmt);
		vsnprintf(l->why, sizeof(l->why), fmt, ap);
		va_end(ap);
	}
}

static struct stress *stress_new(unsigned int iters)
{
	struct stress *s = kzalloc(sizeof(*s));

	if (!s) {
		report(false, "memory for the test state");
		return NULL;
	}
	s->seed = ktest_seed();
	s->crash_cpu = -1;
	s->iters = iters * ktest_loops();
	for (int i = 0; i < NR_CPUS; i++)
		s->lane[i].rng = s->seed ^ ((u64)(i + 1) * 0x632be59bd9b4e019ULL);
	spin_lock_init(&s->edu_lock);
	report_info("seed %llu, %u iterations per CPU, %d CPUs (repeat: seed=%llu)",
		    (unsigned long long)s->seed, s->iters, smp_cpus_online(),
		    (unsigned long long)s->seed);
	return s;
}

/* One line per CPU that did work; a failure names the first thing it saw. */
static void stress_judge(struct stress *s, const char *what)
{
	char line[200];
	size_t n = 0;

	for (int i = 0; i < smp_cpu_slots() && n < sizeof(line) - 16; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %d", s->lane[i].ops);
	report_info("%s per CPU:%s", what, line);
	for (int i = 0; i < smp_cpu_slots(); i++) {
		struct lane *l = &s->lane[i];

		if (!l->ops && !l->bad)
			continue;
		report(!l->bad, "CPU %d: %d %s, %d wrong%s%s", i, l->ops, what, l->bad,
		       l->bad ? ": first " : "", l->why);
	}
}

static int need_smp(void)
{
	if (smp_cpus_online() >= 2)
		return 0;
	report_skip("needs at least 2 CPUs (QEMU -smp 4 -accel tcg,thread=multi)");
	return -1;
}

struct share {
	struct stress *s;
	void (*fn)(void *arg, int cpu);
	void *arg;
	int cpu;
};

static void run_share(void *p)
{
	struct share *sh = p;

	sh->fn(sh->arg, sh->cpu);
}

/*
 * One CPU's share under a recovery point of its own: a crash is that CPU's
 * failure, and the others still learn that it is done (CPU 0's edu loop
 * waits for the workers, the workers for the edu).
 */
static void guarded(void *p, int cpu)
{
	struct share sh = *(struct share *)p;
	int v;

	sh.cpu = cpu;
	v = trap_call(run_share, &sh, NULL, true);
	if (v)
		bad(&sh.s->lane[cpu], "crashed (vector %d, its dump above)", v - 1);
	if (cpu == 0)
		sh.s->edu_done = true;
	else
		__atomic_sub_fetch(&sh.s->workers_left, 1, __ATOMIC_RELEASE);
}

static int run_all(struct stress *s, void (*fn)(void *, int), void *arg)
{
	struct share sh = { s, fn, arg, 0 };
	struct cpumask m;
	int r;

	smp_mask_online(&m, true);
	s->workers_left = smp_cpus_online() - 1;
	r = smp_call(&m, guarded, &sh, CALL_MS);
	report(r == 0, "every CPU finished within %d s (%d)", CALL_MS / 1000, r);
	return r;
}

/* --- several CPUs map and unmap in one IOAS while the edu and NVMe DMA --- */

#define SLOTS	8			/* runs of WIN_PAGES / SLOTS pages, each mapped or not */
#define SLOT_PG	(WIN_PAGES / SLOTS)

/* Whether IOVA iova..+n pages translates to va's pages (mapped) or to nothing. */
static bool device_sees(struct stress *s, u64 iova, const u8 *va, u64 n, bool mapped)
{
	for (u64 j = 0; j < n; j++) {
		phys_addr_t pa = 0;

		if (mapped)
			plat_user_to_phys((u64)(uintptr_t)va + j * PG, &pa);
		if (iommu_iova_to_phys(s->dom, iova + j * PG) != pa)
			return false;
	}
	return true;
}

/*
 * Flip a random slot of this CPU's window: map it (a random run inside it)
 * or unmap it, and check the device's view of that slot. Up to SLOTS areas
 * of each CPU live in the IOAS at once, so its trees hold many nodes.
 */
static void ioas_cycle(struct stress *s, struct lane *l, int cpu, u8 *len_of)
{
	int k = (int)(rnd(l) % SLOTS);
	u64 iova = IOVA_WIN(cpu) + (u64)k * SLOT_PG * PG, unmapped = 0;
	const u8 *va = s->buf[cpu] + (u64)k * SLOT_PG * PG;
	u64 n = len_of[k] ? len_of[k] : 1 + rnd(l) % SLOT_PG;
	int r;

	if (cpu == s->crash_cpu)
		__asm__ __volatile__("ud2");

	if (!len_of[k]) {
		r = t_map_fixed(s->fd, s->ioas, va, n * PG, iova);
		if (r)
			bad(l, "IOAS_MAP %#llx+%llu pages: %d", (unsigned long long)iova,
			    (unsigned long long)n, r);
		else if (!device_sees(s, iova, va, n, true))
			bad(l, "IOVA %#llx+%llu pages do not translate to their pages",
			    (unsigned long long)iova, (unsigned long long)n);
		len_of[k] = r ? 0 : (u8)n;
	} else {
		r = t_unmap(s->fd, s->ioas, iova, n * PG, &unmapped);
		if (r || unmapped != n * PG)
			bad(l, "IOAS_UNMAP %#llx+%llu pages: %d, %llu bytes", (unsigned long long)iova,
			    (unsigned long long)n, r, (unsigned long long)unmapped);
		else if (!device_sees(s, iova, va, n, false))
			bad(l, "IOVA %#llx+%llu pages still translate after the unmap",
			    (unsigned long long)iova, (unsigned long long)n);
		len_of[k] = 0;
	}
	l->ops++;
}

/* Unmap what this CPU still has mapped. */
static void ioas_drain(struct stress *s, struct lane *l, int cpu, u8 *len_of)
{
	for (int k = 0; k < SLOTS; k++) {
		u64 iova = IOVA_WIN(cpu) + (u64)k * SLOT_PG * PG, unmapped = 0;

		if (len_of[k] && t_unmap(s->fd, s->ioas, iova, len_of[k] * PG, &unmapped))
			bad(l, "final IOAS_UNMAP %#llx", (unsigned long long)iova);
		len_of[k] = 0;
	}
}

/* Keep going: this CPU's share, and then until the DMA on CPU 0 is done too. */
static bool more(struct stress *s, unsigned int i, unsigned int share)
{
	return i < share || (s->edu_pages && !READ_ONCE(s->edu_done));
}

/*
 * The edu copies a fresh pattern from SRC to DST (its mapped pages), at
 * least 4 times per loop, while the others map and unmap (each copy is two
 * of QEMU's 100 ms transfers), then until they are done.
 */
static void edu_loop(struct stress *s, struct lane *l)
{
	u8 *src = s->edu_pages, *dst = src + PG;

	while (l->ops < 4 * (int)ktest_loops() || READ_ONCE(s->workers_left) > 0) {
		if (l->ops == 4 * (int)ktest_loops())
			s->edu_done = true;
		u32 seed = (u32)rnd(l);

		dma_fill(src, DMA_XFER, seed);
		memset(dst, 0, PG);
		if (edu_dma_to_dev(&s->edu, IOVA_SRC, 0, DMA_XFER) ||
		    edu_dma_from_dev(&s->edu, IOVA_DST, 0, DMA_XFER))
			bad(l, "an edu transfer failed");
		else if (!dma_check(dst, DMA_XFER, seed))
			bad(l, "edu copy %d: wrong bytes at DST", l->ops);
		l->ops++;
	}
	s->edu_done = true;
}

/* NVMe Identify into a page mapped at a random IOVA of its own domain, over and over. */
static void nvme_loop(struct stress *s, struct lane *l, struct dma_dev *d, struct nvme_ctrl *c,
		      struct dma_buf *b)
{
	for (unsigned int i = 0; more(s, i, s->iters * 4); i++) {
		u64 iova = 0x100000ULL + (rnd(l) % 512) * PG;

		memset(b->va + 2 * PG, 0, PG);
		if (iommu_map(d->dom, iova, b->pa + 2 * PG, PG, IOMMU_READ | IOMMU_WRITE)) {
			bad(l, "map for NVMe at %#llx", (unsigned long long)iova);
			continue;
		}
		if (nvme_identify(c, NVME_CNS_CTRL, 0, iova) ||
		    *(u16 *)(b->va + 2 * PG) != d->pdev->vendor)
			bad(l, "Identify %u into %#llx: no vendor ID", i, (unsigned long long)iova);
		if (iommu_unmap(d->dom, iova, PG) != PG)
			bad(l, "unmap of the NVMe page");
		l->ops++;
	}
}

struct shared_ctx {
	struct stress *s;
	struct dma_dev nd;
	struct nvme_ctrl nc;
	struct dma_buf nb;
	bool nvme;
};

static void shared_ioas_fn(void *arg, int cpu)
{
	struct shared_ctx *x = arg;
	struct stress *s = x->s;
	struct lane *l = &s->lane[cpu];

	if (cpu == 0) {
		edu_loop(s, l);
		return;
	}
	if (cpu == 1 && x->nvme)
		nvme_loop(s, l, &x->nd, &x->nc, &x->nb);
	else {
		u8 len_of[SLOTS] = { 0 };

		for (unsigned int i = 0; more(s, i, s->iters); i++)
			ioas_cycle(s, l, cpu, len_of);
		ioas_drain(s, l, cpu, len_of);
	}
}

/* The one-IOAS race, iters per CPU, crash_cpu crashing; judge says what came of it. */
static void one_ioas_race(unsigned int iters, int crash_cpu,
			  void (*judge)(struct stress *s, int ret))
{
	struct shared_ctx *x = kzalloc(sizeof(*x));
	struct stress *s = need_smp() || !x ? NULL : stress_new(iters);
	struct pci_dev *edu = pci_find(EDU_VENDOR, EDU_DEVICE, 0);
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev = NULL;
	u32 dev_id;

	if (!s)
		goto out;
	x->s = s;
	s->fd = t_open();
	ictx = t_ctx(s->fd);
	if (edu_init(&s->edu, edu)) {
		report(false, "edu ready");
		goto out_fd;
	}
	iommufd_ctx_get(ictx);
	idev = iommufd_device_bind(ictx, iommu_dev_of_pci(edu), &dev_id);
	s->ioas = s->hwpt = t_ioas(s->fd);
	if (IS_ERR(idev) || iommufd_device_attach(idev, &s->hwpt)) {
		report(false, "edu bound and attached to the IOAS");
		idev = IS_ERR(idev) ? NULL : idev;
		goto out_edu;
	}
	s->dom = t_domain(s->fd, s->hwpt);
	for (int i = 0; i < smp_cpu_slots(); i++)
		s->buf[i] = t_buf(WIN_PAGES * PG);
	s->edu_pages = t_buf(2 * PG);
	report(t_map_fixed(s->fd, s->ioas, s->edu_pages, PG, IOVA_SRC) == 0 &&
	       t_map_fixed(s->fd, s->ioas, s->edu_pages + PG, PG, IOVA_DST) == 0,
	       "the edu's source and destination pages mapped");
	x->nvme = dma_find_class(NVME_CLASS) && smp_cpus_online() >= 3 &&
		  dma_dev_open(&x->nd, dma_find_class(NVME_CLASS)) == 0;
	if (x->nvme && (dma_buf_alloc(&x->nb, 2) || dma_nvme_up(&x->nc, &x->nd, &x->nb))) {
		dma_dev_close(&x->nd);
		x->nvme = false;
	}
	report_info("CPU 0: edu copies through the IOAS; %s; the others map and unmap in it",
		    x->nvme ? "CPU 1: NVMe Identify into its own domain on the same unit" :
			      "no NVMe");
	s->crash_cpu = crash_cpu;
	judge(s, run_all(s, shared_ioas_fn, x));
	if (x->nvme) {
		dma_nvme_down(&x->nc, &x->nd);
		dma_buf_free(&x->nb);
		dma_dev_close(&x->nd);
	}
	t_unmap(s->fd, s->ioas, IOVA_SRC, 2 * PG, NULL);
	iommufd_device_detach(idev);
	for (int i = 0; i < NR_CPUS; i++)
		if (s->buf[i])
			t_buf_free(s->buf[i], WIN_PAGES * PG);
	t_buf_free(s->edu_pages, 2 * PG);
out_edu:
	if (idev)
		iommufd_device_unbind(idev);
	iommufd_ctx_put(ictx);
	edu_fini(&s->edu);
out_fd:
	t_close(s->fd);
out:
	kfree(s);
	kfree(x);
}

static void judge_ops(struct stress *s, int ret)
{
	stress_judge(s, "operations");
}

KTEST_NEEDS(smp, test_smp_one_ioas_map_unmap_with_edu_and_nvme_dma, NEEDS)
{
	one_ioas_race(60, -1, judge_ops);
}

/* The crashing CPU alone is failed: the others, and the edu waiting for them, end. */
static void judge_crash(struct stress *s, int ret)
{
	int crash = s->crash_cpu;

	for (int i = 0; i < smp_cpu_slots(); i++) {
		struct lane *l = &s->lane[i];

		if (i == crash)
			report(l->bad == 1 && !strncmp(l->why, "crashed (vector 6", 17),
			       "CPU %d crashed and is failed: %s", i, l->why);
		else if (smp_cpu_state(i) == CPU_ONLINE)
			report(!l->bad, "CPU %d finished its share: %d operations, %d wrong%s%s", i,
			       l->ops, l->bad, l->bad ? ": first " : "", l->why);
	}
}

KTEST_NEEDS(smp, test_smp_race_ends_when_a_cpu_crashes, NEEDS)
{
	int last = 0;

	for (int i = 0; i < smp_cpu_slots(); i++)
		if (smp_cpu_state(i) == CPU_ONLINE)
			last = i;
	one_ioas_race(4, last, judge_crash);
}

/*
 * --- every CPU unmaps (so invalidates) on one unit and checks the edu then
 * faults there and writes nothing: a lost or late invalidation from a busy
 * queue shows as bytes landing in a page no longer mapped ---
 */

static bool all_bytes(const u8 *p, size_t n, u8 v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* The edu writes 256 bytes at iova; with a fault expected there, whether it was seen. */
static int edu_write(struct stress *s, u64 iova, bool expect_fault)
{
	struct dma_dev *d = s->d;
	unsigned long f;
	int hits = 0;

	spin_lock_irqsave(&s->edu_lock, f);
	if (expect_fault)
		iommu_fault_expect(d->dev->segment, d->dev->rid, iova, 0);
	edu_dma_from_dev(&s->edu, iova, 0, 256);
	if (expect_fault)
		hits = iommu_fault_expect_done();
	spin_unlock_irqrestore(&s->edu_lock, f);
	return hits;
}

static void unit_fn(void *arg, int cpu)
{
	struct stress *s = arg;
	struct lane *l = &s->lane[cpu];
	struct dma_buf *b = (struct dma_buf *)s->buf[cpu];
	bool logs = !s->d->dev->iommu || !s->d->dev->iommu->no_fault_log;

	for (unsigned int i = 0; i < s->iters; i++) {
		u64 iova = IOVA_WIN(cpu) + (rnd(l) % WIN_PAGES) * PG;

		memset(b->va, 0, 256);
		if (iommu_map(s->d->dom, iova, b->pa, PG, IOMMU_READ | IOMMU_WRITE)) {
			bad(l, "map %#llx", (unsigned long long)iova);
			continue;
		}
		edu_write(s, iova, false);
		if (!dma_check(b->va, 256, 33))
			bad(l, "round %u: the DMA to mapped %#llx did not land", i,
			    (unsigned long long)iova);
		if (iommu_unmap(s->d->dom, iova, PG) != PG)
			bad(l, "unmap %#llx", (unsigned long long)iova);
		memset(b->va, 0xee, 256);
		if (edu_write(s, iova, true) < 1 && logs)
			bad(l, "round %u: no fault for the DMA to unmapped %#llx", i,
			    (unsigned long long)iova);
		if (!all_bytes(b->va, 256, 0xee))
			bad(l, "round %u: the DMA to unmapped %#llx landed (stale IOTLB)", i,
			    (unsigned long long)iova);
		l->ops++;
	}
}

KTEST_NEEDS(smp, test_smp_invalidations_and_faults_from_all_cpus_on_one_unit, NEEDS)
{
	struct stress *s = need_smp() ? NULL : stress_new(3);
	struct dma_edu e;
	struct dma_buf scratch, pages[NR_CPUS];
	int n = 0;

	if (!s || dma_edu_open(&e, 0))
		goto out;
	s->d = &e.d;
	s->edu = e.edu;
	if (!dma_buf_alloc(&scratch, 0)) {
		dma_edu_load(&e, &scratch, DMA_IOVA_A, 256, 33);
		dma_buf_free(&scratch);
	}
	for (; n < smp_cpu_slots(); n++) {
		if (dma_buf_alloc(&pages[n], 0))
			break;
		s->buf[n] = (u8 *)&pages[n];
	}
	if (n == smp_cpu_slots()) {
		if (e.d.dev->iommu && e.d.dev->iommu->no_fault_log)
			report_info("%s: %s; checking only that nothing lands", e.d.dev->iommu->name,
				    e.d.dev->iommu->no_fault_log);
		run_all(s, unit_fn, s);
		stress_judge(s, "map, DMA, unmap, faulting DMA rounds");
	}
	while (n--)
		dma_buf_free(&pages[n]);
	dma_edu_close(&e);
out:
	kfree(s);
}

/*
 * --- every CPU claims the same IOVAs at once: one IOAS hands each range to
 * one CPU only. Each round the CPUs, released together, walk one list of
 * fixed ranges in the same order mapping each (one wins, the others get
 * EEXIST) and take automatic IOVAs (all distinct, each translating to its
 * own CPU's pages); then they walk every area in the same order unmapping
 * it (one unmaps it, the others find nothing or EBUSY). Walking one list in
 * step keeps the CPUs on the same range at the same moment, so an
 * iova_rwsem taken for reading where writing is needed (two CPUs deciding
 * before either inserts or removes) shows as a range won or unmapped twice,
 * a wrong translation, a damaged tree or a double free. ---
 */

#define CLAIM_FIXED	128		/* contended fixed ranges per round */
#define CLAIM_AUTO	8		/* automatic IOVAs per CPU per round */
#define CLAIM_PG	2		/* pages per range, at most */
#define CLAIM_BASE	(MOCK_APERTURE_START + 0x4000000ULL)
#define CLAIM_SPAN	(CLAIM_FIXED * 4 * CLAIM_PG * PG)
#define CLAIM_TRIES	100000		/* EBUSY answers before giving up */
#define SYNC_MS		20000

struct claim_range {
	u64 iova, len;
	int owner;			/* the CPU whose pages it maps */
	int wins, unmaps;		/* CPUs that mapped / unmapped it */
};

struct claim {
	struct stress *s;
	u32 hwpt;
	int ncpus;
	volatile unsigned int arrived;
	volatile bool abort;
	u64 span_unmapped;		/* bytes of fixed ranges unmapped this round */
	struct claim_range fixed[CLAIM_FIXED];
	struct claim_range autos[NR_CPUS][CLAIM_AUTO];
};

/* Wait until every CPU has arrived here for the step-th time; false: give up. */
static bool claim_sync(struct claim *c, struct lane *l, unsigned int *step)
{
	unsigned int want = ++*step * (unsigned int)c->ncpus;
	deadline_t d = deadline_in_us(SYNC_MS * 1000ULL);

	__atomic_add_fetch(&c->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&c->arrived, __ATOMIC_ACQUIRE) < want) {
		if (READ_ONCE(c->abort))
			return false;
		if (deadline_passed(d)) {
			bad(l, "step %u: the other CPUs did not arrive within %d ms", *step, SYNC_MS);
			c->abort = true;
			return false;
		}
		cpu_relax();
	}
	return !READ_ONCE(c->abort);
}

/* CPU 0, between rounds: this round's fixed ranges, the same list for every CPU. */
static void claim_prepare(struct claim *c, unsigned int round)
{
	struct lane r = { .rng = c->s->seed ^ ((u64)round << 32) };

	memset(c->fixed, 0, sizeof(c->fixed));
	memset(c->autos, 0, sizeof(c->autos));
	c->span_unmapped = 0;
	for (int j = 0; j < CLAIM_FIXED; j++) {
		c->fixed[j].iova = CLAIM_BASE + (u64)j * 4 * CLAIM_PG * PG + (rnd(&r) % CLAIM_PG) * PG;
		c->fixed[j].len = (1 + rnd(&r) % CLAIM_PG) * PG;
		c->fixed[j].owner = -1;
	}
}

/* Map every fixed range (the others race for it), then CLAIM_AUTO automatic IOVAs. */
static void claim_map(struct claim *c, struct lane *l, int cpu, const u8 *buf)
{
	struct stress *s = c->s;

	for (int j = 0; j < CLAIM_FIXED; j++) {
		struct claim_range *f = &c->fixed[j];
		int r = t_map_fixed(s->fd, s->ioas, buf, f->len, f->iova);

		if (!r) {
			__atomic_add_fetch(&f->wins, 1, __ATOMIC_RELAXED);
			f->owner = cpu;
		} else if (r != -EEXIST) {
			bad(l, "IOAS_MAP of the contended %#llx: %d", (unsigned long long)f->iova, r);
		}
	}
	for (int k = 0; k < CLAIM_AUTO; k++) {
		struct claim_range *a = &c->autos[cpu][k];
		u64 len = (1 + rnd(l) % CLAIM_PG) * PG, iova = 0;
		int r = t_map(s->fd, s->ioas, buf + CLAIM_PG * PG, len, &iova, 0);

		if (r) {
			bad(l, "automatic IOAS_MAP of %llu pages: %d", (unsigned long long)(len / PG), r);
			continue;
		}
		a->iova = iova;
		a->len = len;
		a->owner = cpu;
	}
}

static bool overlap(const struct claim_range *a, const struct claim_range *b)
{
	return a->len && b->len && a->iova < b->iova + b->len && b->iova < a->iova + a->len;
}

/* Whether range x maps what its owner mapped there, and nobody else won it. */
static void claim_check_range(struct claim *c, struct lane *l, const struct claim_range *x,
			      u64 off)
{
	int o = x->owner;

	if (x->wins > 1)
		bad(l, "%d CPUs mapped %#llx+%llu", x->wins, (unsigned long long)x->iova,
		    (unsigned long long)x->len);
	else if (o < 0)
		bad(l, "nobody mapped %#llx", (unsigned long long)x->iova);
	else if (t_check_map(c->s->fd, c->hwpt, x->iova, c->s->buf[o] + off, x->len))
		bad(l, "%#llx+%llu does not translate to CPU %d's pages",
		    (unsigned long long)x->iova, (unsigned long long)x->len, o);
}

/* This CPU's share of the fixed ranges, and its own automatic ones against everyone's. */
static void claim_check(struct claim *c, struct lane *l, int cpu, int idx)
{
	for (int j = idx; j < CLAIM_FIXED; j += c->ncpus)
		claim_check_range(c, l, &c->fixed[j], 0);
	for (int k = 0; k < CLAIM_AUTO; k++) {
		const struct claim_range *a = &c->autos[cpu][k];

		if (!a->len)
			continue;
		claim_check_range(c, l, a, CLAIM_PG * PG);
		for (int o = 0; o < smp_cpu_slots(); o++)
			for (int m = 0; m < CLAIM_AUTO; m++)
				if ((o != cpu || m != k) && overlap(a, &c->autos[o][m]))
					bad(l, "automatic %#llx+%llu overlaps CPU %d's %#llx+%llu",
					    (unsigned long long)a->iova, (unsigned long long)a->len,
					    o, (unsigned long long)c->autos[o][m].iova,
					    (unsigned long long)c->autos[o][m].len);
	}
}

static void claim_unmap_one(struct claim *c, struct lane *l, struct claim_range *x)
{
	u64 unmapped = 0;
	int r;

	if (!x->len)
		return;
	r = t_unmap(c->s->fd, c->s->ioas, x->iova, x->len, &unmapped);
	if (!r && unmapped == x->len)
		__atomic_add_fetch(&x->unmaps, 1, __ATOMIC_RELAXED);
	else if ((r != -ENOENT && r != -EBUSY) || unmapped)
		bad(l, "IOAS_UNMAP of %#llx+%llu: %d, %llu bytes", (unsigned long long)x->iova,
		    (unsigned long long)x->len, r, (unsigned long long)unmapped);
}

/*
 * Every CPU unmaps the whole span of the fixed ranges until nothing is left
 * (EBUSY while another CPU is taking an area out: try again), then every
 * automatic area, all in the same order.
 */
static void claim_unmap(struct claim *c, struct lane *l)
{
	for (int tries = 0;; tries++) {
		u64 unmapped = 0;
		int r = t_unmap(c->s->fd, c->s->ioas, CLAIM_BASE, CLAIM_SPAN, &unmapped);

		if (r == -ENOENT)
			break;
		if (!r)
			__atomic_add_fetch(&c->span_unmapped, unmapped, __ATOMIC_RELAXED);
		else if (r != -EBUSY || tries == CLAIM_TRIES) {
			bad(l, "IOAS_UNMAP of every fixed range: %d after %d tries", r, tries);
			break;
		}
	}
	for (int o = 0; o < smp_cpu_slots(); o++)
		for (int k = 0; k < CLAIM_AUTO; k++)
			claim_unmap_one(c, l, &c->autos[o][k]);
}

static void claim_check_unmapped(struct claim *c, struct lane *l, int cpu, int idx)
{
	u64 mapped = 0;

	for (int k = 0; k < CLAIM_AUTO; k++)
		if (c->autos[cpu][k].len && c->autos[cpu][k].unmaps != 1)
			bad(l, "%d CPUs unmapped %#llx", c->autos[cpu][k].unmaps,
			    (unsigned long long)c->autos[cpu][k].iova);
	if (idx)
		return;
	for (int j = 0; j < CLAIM_FIXED; j++)
		mapped += c->fixed[j].len;
	if (c->span_unmapped > mapped)
		bad(l, "%llu bytes of fixed ranges unmapped, %llu were mapped",
		    (unsigned long long)c->span_unmapped, (unsigned long long)mapped);
	if (t_mock_entries(c->s->fd, c->hwpt))
		bad(l, "the domain still holds %lu entries", t_mock_entries(c->s->fd, c->hwpt));
}

static void claim_fn(void *arg, int cpu)
{
	struct claim *c = arg;
	struct stress *s = c->s;
	struct lane *l = &s->lane[cpu];
	unsigned int step = 0;
	int idx = 0;

	for (int i = 0; i < cpu; i++)	/* this CPU's place among the online ones */
		idx += smp_cpu_state(i) == CPU_ONLINE;
	for (unsigned int i = 0; i < s->iters; i++) {
		if (cpu == 0)
			claim_prepare(c, i);
		if (!claim_sync(c, l, &step))
			break;
		claim_map(c, l, cpu, s->buf[cpu]);
		if (!claim_sync(c, l, &step))
			break;
		claim_check(c, l, cpu, idx);
		if (!claim_sync(c, l, &step))
			break;
		claim_unmap(c, l);
		if (!claim_sync(c, l, &step))
			break;
		claim_check_unmapped(c, l, cpu, idx);
		if (!claim_sync(c, l, &step))
			break;
		l->ops++;
	}
}

KTEST(smp, test_smp_one_ioas_same_iova_claimed_by_all_cpus)
{
	struct claim *c = kzalloc(sizeof(*c));
	struct stress *s = need_smp() || !c ? NULL : stress_new(10);
	u32 stdev, idev;
	u64 unmapped = 0;
	int r;

	if (!s)
		goto out;
	c->s = s;
	c->ncpus = smp_cpus_online();
	s->fd = t_open();
	s->ioas = t_ioas(s->fd);
	r = t_mock_domain(s->fd, s->ioas, &stdev, &c->hwpt, &idev);
	report(r == 0, "a mock domain on the IOAS (%d)", r);
	for (int i = 0; i < smp_cpu_slots(); i++)
		s->buf[i] = t_buf(2 * CLAIM_PG * PG);
	if (!r) {
		report_info("%d contended fixed ranges and %d automatic IOVAs per CPU per round",
			    CLAIM_FIXED, CLAIM_AUTO);
		run_all(s, claim_fn, c);
		stress_judge(s, "rounds");
		r = t_unmap(s->fd, s->ioas, 0, ~0ULL, &unmapped);
		report(r == 0 && unmapped == 0, "afterwards the IOAS is empty (%d, %llu bytes left)",
		       r, (unsigned long long)unmapped);
	}
	for (int i = 0; i < smp_cpu_slots(); i++)
		t_buf_free(s->buf[i], 2 * CLAIM_PG * PG);
	t_close(s->fd);
out:
	kfree(s);
	kfree(c);
}

/* --- each CPU its own /dev/iommu context, IOAS and mock domain --- */

static void own_ctx_fn(void *arg, int cpu)
{
	struct stress *s = arg;
	struct lane *l = &s->lane[cpu];
	int fd;
	u32 ioas, stdev, hwpt, idev;
	u8 *buf;

	if (cpu == 0 && s->edu_pages) {
		edu_loop(s, l);
		return;
	}
	fd = t_open();
	ioas = fd >= 0 ? t_ioas(fd) : 0;
	buf = t_buf(WIN_PAGES * PG);
	if (fd < 0 || !ioas || !buf || t_mock_domain(fd, ioas, &stdev, &hwpt, &idev)) {
		bad(l, "context, IOAS, buffer and mock domain");
		goto out;
	}
	for (unsigned int i = 0; more(s, i, s->iters * 8); i++) {
		u64 off = rnd(l) % WIN_PAGES, n = 1 + rnd(l) % min(16ULL, WIN_PAGES - off);
		u64 iova = MOCK_APERTURE_START + (rnd(l) % 1024) * PG, unmapped = 0;
		int r = t_map_fixed(fd, ioas, buf + off * PG, n * PG, iova);

		if (r) {
			bad(l, "map: %d", r);
			continue;
		}
		if (t_check_map(fd, hwpt, iova, buf + off * PG, n * PG))
			bad(l, "the mock domain does not hold %#llx+%llu pages",
			    (unsigned long long)iova, (unsigned long long)n);
		if (t_unmap(fd, ioas, iova, n * PG, &unmapped) || unmapped != n * PG)
			bad(l, "unmap of %#llx", (unsigned long long)iova);
		l->ops++;
	}
out:
	if (buf)
		t_buf_free(buf, WIN_PAGES * PG);
	if (fd >= 0)
		t_close(fd);
}

/* With an edu, CPU 0 has it copy through its own domain meanwhile. */
KTEST(smp, test_smp_separate_contexts_map_unmap)
{
	struct stress *s = need_smp() ? NULL : stress_new(20);
	struct dma_edu e;
	struct dma_buf b;
	const char *why;
	bool edu = pci_find(EDU_VENDOR, EDU_DEVICE, 0) && ktest_env_has(KT_NEED_IOMMU, &why);

	if (!s)
		return;
	if (edu && dma_edu_setup(&e, &b, 1) == 0) {
		dma_map(&e.d, IOVA_SRC, b.pa, PG, IOMMU_READ);
		dma_map(&e.d, IOVA_DST, b.pa + PG, PG, IOMMU_READ | IOMMU_WRITE);
		s->edu = e.edu;
		s->edu_pages = b.va;
		report_info("CPU 0: edu copies through its own domain; the others in their contexts");
	}
	run_all(s, own_ctx_fn, s);
	stress_judge(s, "operations (edu copies on CPU 0, or map/check/unmap)");
	if (s->edu_pages) {
		dma_unmap(&e.d, IOVA_SRC, PG);
		dma_unmap(&e.d, IOVA_DST, PG);
		dma_edu_teardown(&e, &b);
	}
	kfree(s);
}

/* --- the context's pages cache: 4K maps from several CPUs, each in its own IOAS --- */

#define CACHE_WINDOW_US	30	/* how long each CPU holds the cache's locked window */

/*
 * What the hook saw: the objects given to the cache and not yet taken
 * back (the cache as it must be), objects handed out twice or given back
 * while in it, CPUs in the window now, ever two at once, and entries.
 */
static spinlock_t cache_seen_lock;
static struct iopt_pages *cache_seen[IOMMUFD_PAGES_CACHE];
static int cache_nseen, cache_twice, cache_inside, cache_overlaps, cache_entries;

/* Follow pages into or out of the cache: false when the move is impossible. */
static bool cache_follow(struct iopt_pages *pages, bool take)
{
	int i;

	for (i = 0; i < cache_nseen && cache_seen[i] != pages; i++)
		;
	if (take == (i == cache_nseen) || (!take && cache_nseen == IOMMUFD_PAGES_CACHE))
		return false;	/* taken while out, or given while in it or to a full one */
	if (take)
		cache_seen[i] = cache_seen[--cache_nseen];
	else
		cache_seen[cache_nseen++] = pages;
	return true;
}

/* iommufd_pages_cache_window: holds the window open, following every object. */
static void cache_window_hold(struct iopt_pages *pages, bool take)
{
	bool ok;

	__atomic_add_fetch(&cache_entries, 1, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&cache_inside, 1, __ATOMIC_ACQ_REL) > 1)
		__atomic_add_fetch(&cache_overlaps, 1, __ATOMIC_RELAXED);
	spin_lock(&cache_seen_lock);
	ok = cache_follow(pages, take);
	spin_unlock(&cache_seen_lock);
	if (!ok && __atomic_fetch_add(&cache_twice, 1, __ATOMIC_RELAXED) == 0)
		report_info("CPU %d: pages object %p %s", smp_cpu_id(), (void *)pages,
			    take ? "handed out a second time" : "given back twice, or to a full cache");
	udelay(CACHE_WINDOW_US);
	__atomic_sub_fetch(&cache_inside, 1, __ATOMIC_RELEASE);
}

struct cache_race {
	struct stress *s;
	u32 ioas[IOMMUFD_PAGES_CACHE], hwpt[IOMMUFD_PAGES_CACHE];
};

/*
 * Map 1 to 4 pages of this CPU's buffer into its own IOAS (a small pages
 * object: from the cache when it has one), check the mock domain holds
 * exactly them (a pages object handed to two CPUs pins the other's
 * buffer, or corrupts the tree both put its area in), unmap (the cache
 * takes it back).
 */
static void cache_fn(void *arg, int cpu)
{
	struct cache_race *c = arg;
	struct stress *s = c->s;
	struct lane *l = &s->lane[cpu];
	u8 *buf = s->buf[cpu];

	if (cpu >= IOMMUFD_PAGES_CACHE)
		return;	/* no more CPUs than the cache holds: every unmap gives it one */
	for (unsigned int i = 0; i < s->iters; i++) {
		u64 n = 1 + rnd(l) % 4, iova = MOCK_APERTURE_START + (rnd(l) % 64) * PG, unmapped = 0;
		int r = t_map_fixed(s->fd, c->ioas[cpu], buf, n * PG, iova);

		if (r) {
			bad(l, "map %llu pages: %d", (unsigned long long)n, r);
			continue;
		}
		if (t_check_map(s->fd, c->hwpt[cpu], iova, buf, n * PG))
			bad(l, "round %u: the domain does not hold this CPU's %llu pages", i,
			    (unsigned long long)n);
		r = t_unmap(s->fd, c->ioas[cpu], iova, n * PG, &unmapped);
		if (r || unmapped != n * PG)
			bad(l, "round %u: unmap %d, %llu bytes", i, r, (unsigned long long)unmapped);
		l->ops++;
	}
}

/*
 * Class 5 (one object in two places) from a race on the context's pages
 * cache. The CPUs share one context (the cache is per context) and each
 * maps into an IOAS of its own: a 4K map takes from the cache holding no
 * lock, an unmap gives back under its own IOAS's, so only the cache's
 * lock orders them (one IOAS would not either). A test hook holds the
 * cache's locked window open CACHE_WINDOW_US on every take and give: with
 * the lock the CPUs pass it one at a time; without, two read the same
 * count, and one object is handed out twice or given back over another
 * (lost). Afterwards heap objects, pins and objects are back at baseline.
 */
KTEST(smp, test_smp_pages_cache_shared_by_cpus)
{
	struct cache_race *c = kzalloc(sizeof(*c));
	struct stress *s = need_smp() || !c ? NULL : stress_new(100);
	int ncpus = min(smp_cpus_online(), IOMMUFD_PAGES_CACHE), bad_setup = 0, rounds = 0;
	long heap, pins = iommufd_pinned_pages(), objs = iommufd_live_objects();

	if (!s)
		goto out;
	heap = (long)kmalloc_live();
	c->s = s;
	s->fd = t_open();
	for (int i = 0; i < ncpus; i++) {
		c->ioas[i] = t_ioas(s->fd);
		bad_setup += t_mock_domain(s->fd, c->ioas[i], NULL, &c->hwpt[i], NULL) != 0;
		s->buf[i] = t_buf(4 * PG);
		bad_setup += !s->buf[i];
	}
	report(!bad_setup, "%d IOASes of one context, each with a mock domain", ncpus);
	spin_lock_init(&cache_seen_lock);
	cache_nseen = cache_twice = cache_inside = cache_overlaps = cache_entries = 0;
	WRITE_ONCE(iommufd_pages_cache_window, cache_window_hold);
	if (!bad_setup)
		run_all(s, cache_fn, c);
	WRITE_ONCE(iommufd_pages_cache_window, NULL);
	stress_judge(s, "4K maps/checks/unmaps");
	for (int i = 0; i < ncpus; i++)
		rounds += s->lane[i].ops;
	report(cache_overlaps == 0, "no two CPUs were in the cache's locked window at once (%d times)",
	       cache_overlaps);
	report(rounds > 0 && cache_entries >= rounds,
	       "the cache was used: %d takes and gives held open in %d rounds", cache_entries, rounds);
	report(cache_twice == 0, "no pages object handed out twice or given back twice (%d)",
	       cache_twice);
	report(iommufd_ctx_pages_cached(t_ctx(s->fd)) == (unsigned int)cache_nseen,
	       "the cache holds the %d objects given back and not taken (%u): none lost",
	       cache_nseen, iommufd_ctx_pages_cached(t_ctx(s->fd)));
	t_close(s->fd);
	for (int i = 0; i < ncpus; i++)
		t_buf_free(s->buf[i], 4 * PG);
	report((long)kmalloc_live() == heap && iommufd_pinned_pages() == pins &&
	       iommufd_live_objects() == objs,
	       "heap objects %ld (was %ld), pins %ld (%ld), objects %ld (%ld): none lost or doubled",
	       (long)kmalloc_live(), heap, iommufd_pinned_pages(), pins, iommufd_live_objects(), objs);
out:
	kfree(s);
	kfree(c);
}

/* --- IOAS_DESTROY of an ID racing lookups and maps of it on other CPUs --- */

static void destroy_race_fn(void *arg, int cpu)
{
	struct stress *s = arg;
	struct lane *l = &s->lane[cpu];
	u8 *buf = cpu ? t_buf(4 * PG) : NULL;

	for (unsigned int i = 0; i < s->iters * 20; i++) {
		if (cpu == 0) {
			int r = t_destroy(s->fd, s->ioas);

			if (r && r != -EBUSY && r != -ENOENT)
				bad(l, "DESTROY: %d", r);
			if (!r && t_ioas(s->fd) != s->ioas)
				bad(l, "the freed ID is not handed out again");
		} else if (rnd(l) & 1) {
			struct iommu_iova_range r[2];
			u32 num = 2;
			int ret = t_ranges(s->fd, s->ioas, r, &num, NULL);

			if (ret && ret != -ENOENT)
				bad(l, "IOVA_RANGES: %d", ret);
		} else {
			u64 iova = 0x100000ULL * (u64)(cpu + 1), unmapped;
			int ret = t_map_fixed(s->fd, s->ioas, buf, 4 * PG, iova);

			if (ret && ret != -ENOENT)
				bad(l, "MAP: %d", ret);
			ret = ret ? 0 : t_unmap(s->fd, s->ioas, iova, 4 * PG, &unmapped);
			if (ret && ret != -ENOENT)
				bad(l, "UNMAP: %d", ret);
		}
		l->ops++;
	}
	if (buf)
		t_buf_free(buf, 4 * PG);
}

KTEST(smp, test_smp_ioas_destroy_races_use)
{
	struct stress *s = need_smp() ? NULL : stress_new(20);

	if (!s)
		return;
	s->fd = t_open();
	s->ioas = t_ioas(s->fd);
	run_all(s, destroy_race_fn, s);
	stress_judge(s, "DESTROY/ALLOC, or IOVA_RANGES/MAP/UNMAP, of one ID");
	t_close(s->fd);
	kfree(s);
}

/* --- the VFIO container's compat IOAS destroyed and replaced under its maps --- */

/* How the race went: destroys that took or met EBUSY, maps that found no IOAS, maps done. */
static int compat_destroyed, compat_busy, compat_enodev, compat_mapped;
static volatile bool compat_done;

#define COMPAT_DESTROYS	20		/* destroys that must take */
#define COMPAT_TRIES	200000		/* DESTROY calls before giving up */

static void compat_destroyer(struct stress *s, struct lane *l)
{
	for (int i = 0; i < COMPAT_TRIES && compat_destroyed < COMPAT_DESTROYS; i++) {
		int r = t_destroy(s->fd, s->ioas);

		if (r && r != -EBUSY)
			bad(l, "DESTROY of the compat IOAS: %d", r);
		compat_busy += r == -EBUSY;
		l->ops++;
		if (r)
			continue;
		compat_destroyed++;
		udelay(20);	/* a gap the maps can meet: ENODEV */
		if (!(s->ioas = t_ioas(s->fd)) || t_vfio_ioas_set(s->fd, s->ioas))
			bad(l, "a new compat IOAS");
		udelay(20);	/* and a while the maps find it */
	}
	__atomic_store_n(&compat_done, true, __ATOMIC_RELEASE);
}

static void compat_mapper(struct stress *s, struct lane *l, int cpu)
{
	u8 *buf = t_buf(PG);

	while (!__atomic_load_n(&compat_done, __ATOMIC_ACQUIRE)) {
		/* afresh each round: UNMAP_DMA writes the size it unmapped back */
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map), .vaddr = (u64)(uintptr_t)buf, .size = PG,
			.iova = 0x100000ULL * (u64)(cpu + 1),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		};
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap), .iova = map.iova, .size = PG,
		};
		long ret = t_ioctl(s->fd, VFIO_IOMMU_MAP_DMA, &map);

		if (ret && ret != -ENODEV)
			bad(l, "MAP_DMA: %ld", ret);
		__atomic_fetch_add(ret ? &compat_enodev : &compat_mapped, 1, __ATOMIC_RELAXED);
		/* ENOENT: the IOAS it went into was destroyed and replaced meanwhile */
		ret = t_ioctl(s->fd, VFIO_IOMMU_UNMAP_DMA, &unmap);
		if (ret && ret != -ENODEV && ret != -ENOENT)
			bad(l, "UNMAP_DMA: %ld", ret);
		l->ops++;
		udelay(10);	/* holding nothing: a DESTROY can take */
	}
	t_buf_free(buf, PG);
}

/*
 * CPU 0 destroys the compat IOAS (0, or EBUSY while a call holds it) and
 * sets a new one, until COMPAT_DESTROYS took; the others map and unmap
 * through VFIO_IOMMU_*_DMA meanwhile, which find the compat IOAS without
 * the context's mutex: every call sees an IOAS or none (ENODEV), never a
 * freed one (the object's magic is checked on every reference).
 */
static void compat_race_fn(void *arg, int cpu)
{
	struct stress *s = arg;

	if (cpu == 0)
		compat_destroyer(s, &s->lane[cpu]);
	else
		compat_mapper(s, &s->lane[cpu], cpu);
}

KTEST(smp, test_smp_compat_ioas_destroy_races_vfio_maps)
{
	struct stress *s = need_smp() ? NULL : stress_new(20);

	if (!s)
		return;
	s->fd = t_open();
	s->ioas = t_ioas(s->fd);
	report(t_vfio_ioas_set(s->fd, s->ioas) == 0, "IOMMU_VFIO_IOAS_SET");
	compat_destroyed = compat_busy = compat_enodev = compat_mapped = 0;
	compat_done = false;
	run_all(s, compat_race_fn, s);
	stress_judge(s, "DESTROY/ALLOC/SET of the compat IOAS, or MAP_DMA/UNMAP_DMA");
	report_info("compat IOAS: %d destroys took, %d EBUSY, %d maps found none, %d mapped",
		    compat_destroyed, compat_busy, compat_enodev, compat_mapped);
	/* a run where every DESTROY met EBUSY, or no map ever met the gap, raced nothing */
	report(compat_destroyed == COMPAT_DESTROYS && compat_enodev > 0 && compat_mapped > 0,
	       "the race happened: %d destroys took, %d maps found no compat IOAS, %d mapped",
	       compat_destroyed, compat_enodev, compat_mapped);
	t_close(s->fd);
	kfree(s);
}

/* --- ring-3 programs on every CPU at once --- */

static const char *const progs[] = { "iommufd_map", "iommufd_abi", "syscalls", "iommufd_fuzz" };

static void ring3_fn(void *arg, int cpu)
{
	struct stress *s = arg;
	struct lane *l = &s->lane[cpu];
	const char *name = progs[cpu % ARRAY_SIZE(progs)];
	const struct user_prog *up = user_prog_find(name);
	char why[96];
	int r;

	if (!up) {
		bad(l, "%s is not linked in", name);
		return;
	}
	r = user_prog_run_quiet(up, why, sizeof(why));
	if (r == 1)
		bad(l, "%s: %s", name, why);
	l->ops++;
}

KTEST(smp, test_smp_ring3_programs_run_concurrently)
{
	struct stress *s = need_smp() ? NULL : stress_new(1);

	if (!s)
		return;
	report_info("each CPU runs one of iommufd_map, iommufd_abi, syscalls, iommufd_fuzz");
	run_all(s, ring3_fn, s);
	stress_judge(s, "programs run");
	kfree(s);
}
