// SPDX-License-Identifier: MIT
/*
 * core suite: domains mirror their IOAS at all times (attach with existing
 * maps, two domains, detach), COPY sharing pins, large and unaligned maps,
 * map splitting observable in the mock, type1 cuts, pin accounting, and
 * randomized map/unmap/copy checked against a plain model.
 */
#include "tests/kernel/core_util.h"
#include "iommu/mock/mock.h"
#include "lib/alloc.h"
#include "lib/failpoint.h"

#define PG PAGE_SIZE
#define BASE MOCK_APERTURE_START

/* A manual HWPT on pt for DEVICE dev_id (IOMMU_HWPT_ALLOC): its ID, or 0. */
static u32 hwpt_alloc(int fd, u32 dev_id, u32 pt, u32 flags)
{
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha), .flags = flags, .dev_id = dev_id,
				       .pt_id = pt };

	return t_ioctl(fd, IOMMU_HWPT_ALLOC, &ha) ? 0 : ha.out_hwpt_id;
}

/* A huge-IOVA mock device moved onto a HWPT of its own on ioas: 0 or -errno. */
static int huge_dev_own_hwpt(int fd, u32 ioas, u32 *stdev, u32 *hwpt)
{
	u32 auto_hwpt, idev;
	int ret = t_mock_domain_flags(fd, ioas, MOCK_FLAGS_DEVICE_HUGE_IOVA, stdev, &auto_hwpt,
				      &idev);

	*hwpt = 0;	/* no HWPT on failure: a later lookup finds nothing */
	if (ret)
		return ret;
	*hwpt = hwpt_alloc(fd, idev, ioas, 0);
	return *hwpt ? t_replace(fd, *stdev, hwpt) : -ENOMEM;
}

KTEST(core, test_core_domains_mirror_ioas)
{
	int fd = t_open();
	u32 ioas = t_ioas(fd), h1, h2, s1, s2, i2;
	u8 *buf = t_buf(64 * PG);
	int bad = 0;

	bad += t_map_fixed(fd, ioas, buf, 16 * PG, BASE);
	bad += t_map_fixed(fd, ioas, buf + 16 * PG, 8 * PG + MOCK_PAGE_SIZE, BASE + 32 * PG);
	report(!bad && iommufd_pinned_pages() == 0, "maps without a domain pin nothing");
	report(t_mock_domain(fd, ioas, &s1, &h1, NULL) == 0 &&
	       t_check_map(fd, h1, BASE, buf, 16 * PG) == 0 &&
	       t_check_map(fd, h1, BASE + 32 * PG, buf + 16 * PG, 8 * PG + MOCK_PAGE_SIZE) == 0,
	       "a domain attached later holds every existing mapping");
	report(t_check_refs(fd, buf, 25 * PG, 1) == 0, "pages pinned once");
	report(t_mock_domain_flags(fd, ioas, MOCK_FLAGS_DEVICE_HUGE_IOVA, &s2, &h2, &i2) == 0 &&
	       h2 == h1, "a huge-IOVA device shares the automatic domain (as on Linux)");
	h2 = hwpt_alloc(fd, i2, ioas, 0);
	report(h2 && h2 != h1 && t_replace(fd, s2, &h2) == 0,
	       "a HWPT of its own, loaded with the IOAS, and the device moved onto it");
	report(t_check_map(fd, h2, BASE, buf, 16 * PG) == 0 && t_check_refs(fd, buf, 25 * PG, 1) == 0,
	       "the second domain mirrors too; still one pin per page");
	bad = t_map_fixed(fd, ioas, buf + 40 * PG, 4 * PG, BASE + 64 * PG);
	report(!bad && t_check_map(fd, h1, BASE + 64 * PG, buf + 40 * PG, 4 * PG) == 0 &&
	       t_check_map(fd, h2, BASE + 64 * PG, buf + 40 * PG, 4 * PG) == 0,
	       "a new map reaches both domains");
	bad = t_unmap(fd, ioas, BASE, 16 * PG, NULL);
	report(!bad && t_check_map(fd, h1, BASE, buf, MOCK_PAGE_SIZE) == -EINVAL &&
	       t_check_map(fd, h2, BASE, buf, MOCK_PAGE_SIZE) == -EINVAL &&
	       t_check_refs(fd, buf, 16 * PG, 0) == 0, "unmap leaves both, and unpins");
	report(t_destroy(fd, s2) == 0 && t_destroy(fd, h2) == 0 &&
	       t_mock_entries(fd, h1) == (12 * PG + MOCK_PAGE_SIZE) /
	       MOCK_PAGE_SIZE, "detaching one domain leaves the other complete");
	report(t_check_refs(fd, buf + 16 * PG, 8 * PG, 1) == 0, "pins survive the detach");
	report(t_destroy(fd, s1) == 0 && iommufd_pinned_pages() == 0,
	       "the last domain going unpins everything");
	t_close(fd);
	t_buf_free(buf, 64 * PG);
}

/* Class 18: COPY shares the pins; destroy order does not matter. */
KTEST(core, test_core_copy_shares_pins)
{
	u8 *buf = t_buf(8 * PG);

	for (int order = 0; order < 3; order++) {
		int fd = t_open();
		u32 ioas[3], hwpt[3], stdev[3];
		u64 iova = BASE, dst;
		int bad = 0;

		for (int i = 0; i < 3; i++) {
			ioas[i] = t_ioas(fd);
			bad += t_mock_domain(fd, ioas[i], &stdev[i], &hwpt[i], NULL);
		}
		bad += t_map_fixed(fd, ioas[0], buf, 8 * PG, iova);
		for (int i = 1; i < 3; i++) {
			dst = 0;
			bad += t_copy(fd, ioas[i], ioas[0], iova, 8 * PG, &dst, RW);
			bad += t_check_map(fd, hwpt[i], dst, buf, 8 * PG);
		}
		report(!bad && t_check_refs(fd, buf, 8 * PG, 1) == 0 && t_charged() == 8,
		       "three IOAS share one pin and one charge per page");
		for (int k = 0; k < 3; k++) {
			int i = (k + order) % 3;

			bad += t_destroy(fd, stdev[i]) + t_destroy(fd, ioas[i]);
			bad += (k < 2) != (iommufd_pinned_pages() == 8);
		}
		report(!bad && iommufd_pinned_pages() == 0 && t_charged() == 0,
		       "pins and charges drop only with the last user (order %d)", order);
		t_close(fd);
	}
	t_buf_free(buf, 8 * PG);
}

/*
 * A map makes at most one heap object, its pages with the area inside; an
 * unmapped small one waits in the context's pages cache (counted, at most
 * IOMMUFD_PAGES_CACHE) for the next map, and goes when the context does.
 * The area lives as long as its pages: a COPY sharing them outlives the
 * source's unmap (ASan hosted).
 */
KTEST(core, test_core_map_one_allocation)
{
	u8 *buf = t_buf(8 * PG);
	long heap0 = (long)kmalloc_live(), heap;
	int fd = t_open();
	struct iommufd_ctx *ictx = t_ctx(fd);
	u32 ioas = t_ioas(fd), ioas2 = t_ioas(fd);
	u64 dst = 0, unmapped = 0;
	int bad;

	heap = (long)kmalloc_live();
	bad = t_map_fixed(fd, ioas, buf, PG, BASE);
	report(!bad && (long)kmalloc_live() == heap + 1 && iommufd_ctx_pages_cached(ictx) == 0,
	       "a first map adds one heap object (%ld)", (long)kmalloc_live() - heap);
	bad += t_unmap(fd, ioas, BASE, PG, &unmapped);
	report(!bad && unmapped == PG && (long)kmalloc_live() == heap + 1 &&
	       iommufd_ctx_pages_cached(ictx) == 1, "its unmap keeps it in the cache, counted");
	bad += t_map_fixed(fd, ioas, buf, 4 * PG, BASE);
	report(!bad && (long)kmalloc_live() == heap + 1 && iommufd_ctx_pages_cached(ictx) == 0,
	       "the next small map takes it: no heap object made");
	bad += t_copy(fd, ioas2, ioas, BASE, 4 * PG, &dst, IOMMU_IOAS_MAP_READABLE);
	bad += t_unmap(fd, ioas, BASE, 4 * PG, NULL);
	bad += t_unmap(fd, ioas2, dst, 4 * PG, &unmapped);
	report(!bad && unmapped == 4 * PG && (long)kmalloc_live() == heap + 1 &&
	       iommufd_ctx_pages_cached(ictx) == 1,
	       "COPY, the source unmapped first: the copy keeps the pages, then they are cached");
	for (int i = 0; i < IOMMUFD_PAGES_CACHE + 4; i++)
		bad += t_map_fixed(fd, ioas, buf + (i % 8) * PG, PG, BASE + (u64)i * PG);
	bad += t_unmap(fd, ioas, BASE, (IOMMUFD_PAGES_CACHE + 4) * PG, NULL);
	report(!bad && iommufd_ctx_pages_cached(ictx) == IOMMUFD_PAGES_CACHE &&
	       (long)kmalloc_live() == heap + IOMMUFD_PAGES_CACHE,
	       "%d unmapped: the cache keeps %d, frees the rest", IOMMUFD_PAGES_CACHE + 4,
	       IOMMUFD_PAGES_CACHE);
	t_close(fd);
	report((long)kmalloc_live() == heap0, "closing the context frees its cache (%+ld)",
	       (long)kmalloc_live() - heap0);
	t_buf_free(buf, 8 * PG);
}

/* The pages cache's moves its test hook saw: gives minus takes. */
static int cache_moves;

static void cache_count_moves(struct iopt_pages *pages, bool take)
{
	cache_moves += take ? -1 : 1;
}

/*
 * A 4K map failed at each of its fail-point sites in turn, one object in
 * the cache: every move in or out of the cache passes its locked window
 * (where smp's race test follows objects), so the moves the hook saw add
 * up to what the cache holds after each round. A failed take that moved
 * the object out and back put it back unseen (and, raced by gives from
 * other CPUs, past the cache's end).
 */
KTEST(core, test_core_pages_cache_failed_take_moves_nothing)
{
	u8 *buf = t_buf(PG);
	int fd = t_open(), bad = 0, off = 0, sites = 0, clean = -1;
	struct iommufd_ctx *ictx = t_ctx(fd);
	u32 ioas = t_ioas(fd);

	cache_moves = 0;
	WRITE_ONCE(iommufd_pages_cache_window, cache_count_moves);
	bad += t_map_fixed(fd, ioas, buf, PG, BASE);
	bad += t_unmap(fd, ioas, BASE, PG, NULL);
	for (unsigned long n = 1; n < 100 && clean < 0; n++) {
		int r;
		bool fired;

		failpoint_arm(n);
		r = t_map_fixed(fd, ioas, buf, PG, BASE);
		fired = failpoint_fired();
		failpoint_arm(0);
		if (!r)
			bad += t_unmap(fd, ioas, BASE, PG, NULL);
		if (cache_moves != (int)iommufd_ctx_pages_cached(ictx) && off++ < 3)
			report_info("site %lu: the hook saw %d in the cache, it holds %u", n,
				    cache_moves, iommufd_ctx_pages_cached(ictx));
		if (!fired)
			clean = r;
		else
			sites++;
	}
	WRITE_ONCE(iommufd_pages_cache_window, NULL);
	report(!bad && clean == 0 && sites >= 1,
	       "%d sites of a 4K map failed one at a time, then one succeeded", sites);
	report(!off && iommufd_ctx_pages_cached(ictx) == 1,
	       "the hook saw every move: the cache holds what it counted, one object");
	t_close(fd);
	t_buf_free(buf, PG);
}

/* Large and unaligned maps; how maps split into driver calls. */
KTEST(core, test_core_large_and_unaligned_maps)
{
	size_t len = 4UL << 20;
	u8 *buf = t_buf(len);
	int fd = t_open();
	u32 ioas = t_ioas(fd), hwpt, stdev, h2, s2;
	u64 iova = 0;

	t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
	report(t_map_fixed(fd, ioas, buf + MOCK_PAGE_SIZE, len - 2 * MOCK_PAGE_SIZE,
			   BASE + MOCK_PAGE_SIZE) == 0 &&
	       t_check_map(fd, hwpt, BASE + MOCK_PAGE_SIZE, buf + MOCK_PAGE_SIZE,
			   len - 2 * MOCK_PAGE_SIZE) == 0,
	       "4 MiB map starting and ending mid-page");
	report(t_mock_runs(fd, hwpt, BASE + MOCK_PAGE_SIZE, len - 2 * MOCK_PAGE_SIZE) >= 1,
	       "runs are marked START/LAST");
	report(t_check_refs(fd, buf, len, 1) == 0, "every page touched is pinned once");
	t_unmap(fd, ioas, 0, U64_MAX, NULL);
	report(t_map(fd, ioas, buf + MOCK_PAGE_SIZE, 3 * MOCK_PAGE_SIZE, &iova, 0) == 0 &&
	       iova % PG == MOCK_PAGE_SIZE, "automatic IOVA keeps the 2 KiB page offset");
	t_unmap(fd, ioas, 0, U64_MAX, NULL);
	/* a huge-IOVA device: 1 MiB IO pages where both sides are aligned */
	report(huge_dev_own_hwpt(fd, ioas, &s2, &h2) == 0, "second, huge-page domain");
	report(t_map_fixed(fd, ioas, buf, len, BASE + (1 << 20)) == 0 &&
	       t_check_map(fd, h2, BASE + (1 << 20), buf, len) == 0, "maps into it");
	{
		phys_addr_t pa;
		u64 flags = 0;

		mock_domain_lookup(t_domain(fd, h2), BASE + (1 << 20), &pa, &flags);
		report(((U(buf) % (1 << 20)) == 0) == !!(flags & MOCK_PFN_HUGE_IOVA),
		       "huge IO pages used exactly when the buffer is 1 MiB aligned");
	}
	t_destroy(fd, s2);
	t_close(fd);
	t_buf_free(buf, len);
}

/*
 * IOMMU_OPTION_HUGE_PAGES=0 shows as one map call per page; the batch limit
 * does not cut contiguous memory (Linux's batch entries grow while PFNs are
 * contiguous).
 */
KTEST(core, test_core_map_splitting)
{
	u8 *buf = t_buf(16 * PG);
	int fd = t_open();
	u32 ioas = t_ioas(fd), hwpt, stdev;
	u64 off = 0;

	t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
	t_map_fixed(fd, ioas, buf, 16 * PG, BASE);
	report(t_mock_runs(fd, hwpt, BASE, 16 * PG) == 1, "contiguous memory: one map call");
	t_unmap(fd, ioas, BASE, 16 * PG, NULL);
	report(t_memory_limit(fd, 11) == -EINVAL, "a limit below one batch entry -> EINVAL");
	t_memory_limit(fd, 16);
	t_map_fixed(fd, ioas, buf, 16 * PG, BASE);
	report(t_mock_runs(fd, hwpt, BASE, 16 * PG) == 1,
	       "a one-entry batch still maps contiguous memory in one call");
	t_unmap(fd, ioas, BASE, 16 * PG, NULL);
	t_memory_limit(fd, 65536);
	report(t_option(fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &off) == 0,
	       "huge pages off while the domain is empty");
	report(t_map_fixed(fd, ioas, buf + MOCK_PAGE_SIZE, PG, BASE + PG) == -EINVAL,
	       "IOVA alignment is now PAGE_SIZE: a 2 KiB offset -> EINVAL");
	t_map_fixed(fd, ioas, buf, 8 * PG, BASE);
	report(t_mock_runs(fd, hwpt, BASE, 8 * PG) == 8, "every CPU page is its own map call");
	off = 1;
	report(t_option(fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &off) == 0,
	       "back on");
	off = 0;
	report(t_option(fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, ioas, &off) == -EINVAL,
	       "off again refused while a domain holds mappings");
	t_close(fd);
	t_buf_free(buf, 16 * PG);
}

/*
 * One unmap call over many areas: each run of IOVA-adjacent areas leaves a
 * domain in one driver call (the 256-page unmap walks the tables once, not
 * 256 times); a hole starts a new run. The mock checks each call covers
 * whole map calls.
 */
KTEST(core, test_core_unmap_adjacent_areas_one_call)
{
	u8 *buf = t_buf(20 * PG);
	int fd = t_open();
	u32 ioas = t_ioas(fd), hwpt, stdev;
	unsigned long calls;
	u64 unmapped = 0;
	int bad = 0;

	t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
	for (int i = 0; i < 20; i++)	/* 16 pages, a one-page hole, 4 pages */
		bad += t_map_fixed(fd, ioas, buf + i * PG, PG, BASE + (i + (i >= 16)) * PG);
	calls = mock_unmap_calls();
	bad += t_unmap(fd, ioas, BASE, 21 * PG, &unmapped);
	report(!bad && unmapped == 20 * PG && mock_unmap_calls() - calls == 2,
	       "20 areas in two runs: two driver unmap calls (%lu)", mock_unmap_calls() - calls);
	report(iommufd_pinned_pages() == 0 && t_mock_entries(fd, hwpt) == 0,
	       "nothing left mapped or pinned");
	t_close(fd);
	t_buf_free(buf, 20 * PG);
}

/*
 * Class 8 and 27: type1 (v0) VFIO cuts areas. Every half must stay in the
 * domain index, so unmapping the halves empties the domain and unpins.
 */
KTEST(core, test_core_type1_cut_keeps_domain_index)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m), .size = 16 * PG, .iova = BASE,
					      .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE };
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u) };
	u8 *buf = t_buf(16 * PG);
	int fd = t_open(), afd;
	u32 ioas = t_ioas(fd), hwpt, stdev, pin;
	int bad = 0;

	t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
	bad += t_vfio_ioas_set(fd, ioas);
	bad += (int)t_ioctl(fd, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU);
	m.vaddr = U(buf);
	bad += (int)t_ioctl(fd, VFIO_IOMMU_MAP_DMA, &m);
	report(!bad && t_mock_runs(fd, hwpt, BASE, 16 * PG) == 16,
	       "type1: one map call per page, so any page can be cut");
	u.iova = BASE + 5 * PG;
	u.size = PG;
	report(t_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u) == 0 && u.size == PG, "cut page 5 out");
	report(t_check_refs(fd, buf, 5 * PG, 1) == 0 && t_check_refs(fd, buf + 6 * PG, 10 * PG, 1) == 0 &&
	       t_check_refs(fd, buf + 5 * PG, PG, 0) == 0, "the halves stay pinned, page 5 not");
	/* an access pin over the right half must not take the half's own pin with it */
	bad = t_create_access(fd, ioas, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, &afd);
	bad += t_access_pages(fd, afd, BASE + 8 * PG, 2 * PG, buf + 8 * PG, 0, &pin);
	bad += t_destroy_access_pages(fd, afd, pin);
	t_close(afd);
	report(!bad && t_check_refs(fd, buf + 6 * PG, 10 * PG, 1) == 0 &&
	       t_check_map(fd, hwpt, BASE + 6 * PG, buf + 6 * PG, 10 * PG) == 0,
	       "after an access pins and unpins inside it, the right half is still pinned");
	u.iova = BASE;
	u.size = 5 * PG;
	bad = (int)t_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u);
	u.iova = BASE + 6 * PG;
	u.size = 10 * PG;
	bad += (int)t_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &u);
	report(!bad && t_mock_entries(fd, hwpt) == 0, "both halves unmap: the domain is empty");
	report(t_check_refs(fd, buf, 16 * PG, 0) == 0 && iommufd_pinned_pages() == 0,
	       "and nothing stays pinned");
	t_close(fd);
	t_buf_free(buf, 16 * PG);
}

/* Pin accounting against the memlock-style limit, per user or per process. */
KTEST(core, test_core_pin_accounting_limit)
{
	u8 *buf = t_buf(16 * PG);
	int fd = t_open();
	u32 ioas = t_ioas(fd), stdev, hwpt;
	u64 mode = 1, iova = 0;

	t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
	iommufd_set_memlock_limit(8);
	report(t_map(fd, ioas, buf, 16 * PG, &iova, 0) == -ENOMEM &&
	       iommufd_pinned_pages() == 0 && t_charged() == 0,
	       "16 pages past an 8-page limit -> ENOMEM, nothing pinned or charged");
	report(t_map(fd, ioas, buf, 8 * PG, &iova, 0) == 0 && t_charged() == 8,
	       "8 pages fit and are charged");
	report(t_map(fd, ioas, buf + 8 * PG, PG, &iova, 0) == -ENOMEM, "the ninth does not");
	iommufd_set_memlock_limit(ULONG_MAX);
	t_close(fd);
	report(t_charged() == 0, "close uncharges");
	fd = t_open();
	report(t_option(fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, &mode) == 0,
	       "per-process accounting");
	ioas = t_ioas(fd);
	t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
	iova = 0;
	report(t_map(fd, ioas, buf, 4 * PG, &iova, 0) == 0 && t_charged() == 0 &&
	       iommufd_pinned_pages() == 4, "charged to the process account, not the user's");
	t_close(fd);
	t_buf_free(buf, 16 * PG);
}

/* --- randomized map/unmap/copy against a model --- */

#define NSLOT 24		/* IOVA slots of 4 pages each */
#define SLOT (4 * PG)

struct model {
	int owner[NSLOT];	/* area id covering the slot, 0: none */
	u64 uoff[NSLOT];	/* byte offset into buf of the slot's first byte */
};

static bool model_free(const struct model *m, int s, int n)
{
	for (int i = s; i < s + n; i++)
		if (i >= NSLOT || m->owner[i])
			return false;
	return true;
}

/* Every slot: mapped ones hold the right user memory in the domain, free ones nothing. */
static int model_check(int fd, u32 hwpt, const struct model *m, const u8 *buf)
{
	int bad = 0;

	for (int i = 0; i < NSLOT; i++) {
		if (m->owner[i])
			bad += t_check_map(fd, hwpt, BASE + i * SLOT, buf + m->uoff[i], SLOT) != 0;
		else
			bad += t_check_map(fd, hwpt, BASE + i * SLOT, buf, MOCK_PAGE_SIZE) != -EINVAL;
	}
	return bad;
}

KTEST(core, test_core_random_map_unmap_vs_model)
{
	u8 *buf = t_buf(32 * PG);
	int fd = t_open(), bad = 0, next_id = 1, ops = 0;
	u32 ioas = t_ioas(fd), hwpt, stdev, src = t_ioas(fd);
	struct model m = { { 0 } };
	u64 src_iova = 0;

	t_mock_domain(fd, ioas, &stdev, &hwpt, NULL);
	t_map(fd, src, buf, 32 * PG, &src_iova, 0);
	for (unsigned int step = 0; step < 400 * ktest_loops(); step++) {
		int s = (int)(ktest_rand() % NSLOT), n = 1 + (int)(ktest_rand() % 4);
		u64 uoff = (ktest_rand() % 4) * 2 * PG;
		int ret, op = (int)(ktest_rand() % 4);

		if (s + n > NSLOT)
			n = NSLOT - s;

		if (op == 0 || op == 1) {	/* map or copy */
			u64 iova = BASE + s * SLOT;

			ret = op == 0 ? t_map_fixed(fd, ioas, buf + uoff, n * SLOT, iova) :
			      t_copy(fd, ioas, src, src_iova + uoff, n * SLOT, &iova,
				     RW | IOMMU_IOAS_MAP_FIXED_IOVA);
			if (model_free(&m, s, n)) {
				bad += ret != 0;
				for (int i = 0; i < n; i++) {
					m.owner[s + i] = next_id;
					m.uoff[s + i] = uoff + i * SLOT;
				}
				next_id++;
			} else {
				bad += ret != -EEXIST;
			}
		} else {			/* unmap [s, s + n): whole areas in order (Linux) */
			int expect = -ENOENT, i = s;
			u64 got = 0;

			while (i < s + n) {
				int id = m.owner[i], a = i, b = i;

				if (!id) {
					i++;
					continue;
				}
				while (a > 0 && m.owner[a - 1] == id)
					a--;
				while (b < NSLOT - 1 && m.owner[b + 1] == id)
					b++;
				if (a < s || b >= s + n) {
					expect = -ENOENT;	/* cut: stop here */
					break;
				}
				for (int k = a; k <= b; k++)
					m.owner[k] = 0;
				expect = 0;
				i = b + 1;
			}
			ret = t_unmap(fd, ioas, BASE + s * SLOT, n * SLOT, &got);
			bad += ret != expect;
		}
		ops++;
		if (step % 40 == 0)
			bad += model_check(fd, hwpt, &m, buf);
	}
	bad += model_check(fd, hwpt, &m, buf);
	report(bad == 0, "%d random map/copy/unmap steps match the model (seed %llu)", ops,
	       (unsigned long long)ktest_seed());
	t_unmap(fd, ioas, 0, U64_MAX, NULL);
	report(t_mock_entries(fd, hwpt) == 0 && t_check_refs(fd, buf, 32 * PG, 0) == 0,
	       "unmap all empties the domain and unpins (the source IOAS has no domain)");
	t_close(fd);
	t_buf_free(buf, 32 * PG);
}
