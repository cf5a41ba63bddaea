// SPDX-License-Identifier: MIT
/*
 * iopt_pages: pinning user memory once for every domain and access that
 * uses it, charging it to an account, and loading it into domains. Linux
 * batches pfns and reads them back from a domain; we keep them in chunks.
 */
#include "core/io_pagetable.h"

/*
 * One chunk is one 4K page: its count and 511 slots. 512 slots and the
 * count took an 8K block, and a 1 GiB map's 512 chunks touched 1,024
 * fresh pages; under QEMU a page the guest never touched costs its first
 * write in the host (the first 1 GiB 4K map: 40 -> 32 ms, later ones 13).
 */
#define PINS_PER_CHUNK 511UL
/*
 * A pages object of at most this many pages keeps its pins inside its own
 * allocation (pages->small): a 4K map allocates nothing to pin, and the
 * 4K map/unmap pair no longer makes and frees a slab page each time.
 */
#define PINS_INLINE 4UL

/* Physical addresses of pinned pages; an unpinned slot holds 0. */
struct pin_chunk {
	unsigned long npinned;
	phys_addr_t pa[];
};
_Static_assert(sizeof(struct pin_chunk) + PINS_PER_CHUNK * sizeof(phys_addr_t) <= PAGE_SIZE,
	       "a pin chunk fits one page");

/* Pages pinned via an access (users: pins of exactly this range). */
struct iopt_pages_access {
	struct itree_node node;
	unsigned int users;
};

unsigned long iommufd_test_memory_limit = 65536;

/*
 * Every pages object, for iommufd_page_pins(). Pin counts per page are
 * found by looking through the objects' pins when a test asks (rare), so
 * pinning and unpinning keep no global per-page state (a 1 GiB map used to
 * spend most of its time updating a per-pfn table).
 */
static struct plat_mutex pages_list_lock;
static LIST_HEAD(pages_list);
static long pinned_pages;

long iommufd_pinned_pages(void)
{
	return __atomic_load_n(&pinned_pages, __ATOMIC_RELAXED);
}

static unsigned long chunk_slots(const struct iopt_pages *pages);

unsigned int iommufd_page_pins(phys_addr_t pa)
{
	struct iopt_pages *pages;
	unsigned int n = 0;

	pa &= PAGE_MASK;
	if (!pa)
		return 0;	/* what an unpinned slot holds */
	plat_mutex_lock(&pages_list_lock);
	list_for_each_entry(pages, &pages_list, list) {
		struct pin_chunk *c;
		unsigned long idx;

		plat_mutex_lock(&pages->mutex);
		if (pages->small)
			for (unsigned long i = 0; i < pages->npages; i++)
				n += pages->small->pa[i] == pa;
		else if (pages->npinned)
			idtab_for_each(&pages->pins, idx, c)
				for (unsigned long i = 0; i < chunk_slots(pages); i++)
					n += c->pa[i] == pa;
		plat_mutex_unlock(&pages->mutex);
	}
	plat_mutex_unlock(&pages_list_lock);
	return n;
}

static void count_pins(long delta)
{
	__atomic_fetch_add(&pinned_pages, delta, __ATOMIC_RELAXED);
}

/* Every small pages object has room for PINS_INLINE pins: one size, so the cache takes any. */
#define SMALL_PAGES_SIZE \
	(sizeof(struct iopt_pages) + sizeof(struct pin_chunk) + PINS_INLINE * sizeof(phys_addr_t))

void (*iommufd_pages_cache_window)(struct iopt_pages *pages, bool take);

/* Inside the cache's lock, between reading its count and writing it back. */
static inline void cache_window(struct iopt_pages *pages, bool take)
{
#if CONFIG_TEST_HOOKS
	void (*hook)(struct iopt_pages *, bool) = READ_ONCE(iommufd_pages_cache_window);

	if (hook)
		hook(pages, take);
#endif
}

/*
 * A small pages object from ictx's cache, passing the fail point an
 * allocation would; NULL with *empty set when the cache has none. The
 * fail point comes before the take: putting an object back after it
 * would race gives from other CPUs past the cache's end, unseen by the
 * test hook.
 */
static struct iopt_pages *cache_take(struct iommufd_ctx *ictx, bool *empty)
{
	struct iopt_pages *pages = NULL;
	unsigned int n;

	*empty = !READ_ONCE(ictx->npages_cached);
	if (*empty || failpoint_hit())
		return NULL;
	spin_lock(&ictx->pages_cache_lock);
	n = ictx->npages_cached;
	if (n) {
		pages = ictx->pages_cache[n - 1];
		cache_window(pages, true);
		ictx->npages_cached = n - 1;
	}
	spin_unlock(&ictx->pages_cache_lock);
	*empty = !pages;	/* emptied since the look: the caller allocates */
	return pages;
}

/* Whether ictx's cache took pages (a small one that nobody holds). */
static bool cache_give(struct iommufd_ctx *ictx, struct iopt_pages *pages)
{
	bool taken = false;
	unsigned int n;

	if (READ_ONCE(ictx->npages_cached) >= IOMMUFD_PAGES_CACHE)
		return false;	/* full (256 pages unmapped at once): no lock per object */
	spin_lock(&ictx->pages_cache_lock);
	n = ictx->npages_cached;
	if (n < IOMMUFD_PAGES_CACHE) {
		ictx->pages_cache[n] = pages;
		cache_window(pages, false);
		ictx->npages_cached = n + 1;
		taken = true;
	}
	spin_unlock(&ictx->pages_cache_lock);
	return taken;
}

unsigned int iommufd_ctx_pages_cached(struct iommufd_ctx *ictx)
{
	unsigned int n;

	spin_lock(&ictx->pages_cache_lock);
	n = ictx->npages_cached;
	spin_unlock(&ictx->pages_cache_lock);
	return n;
}

/*
 * A pages object for user memory [uptr, uptr + length): nothing is pinned
 * yet. EINVAL for an empty or absurd length, EOVERFLOW when it wraps. A
 * small one (at most PINS_INLINE pages) comes from ictx's cache when it has
 * one: still on the list, its mutex and tables ready, only its fields and
 * first_area to set (a 4K map then makes no heap object at all).
 */
struct iopt_pages *iopt_alloc_pages(struct iommufd_ctx *ictx, u64 uptr, unsigned long length,
				    bool writable)
{
	enum iommufd_account_mode mode = ictx->account_mode;
	struct iopt_pages *pages = NULL;
	bool fresh = true;
	u64 end, end_page;
	unsigned long npages;

	if (length == 0 || length > ULONG_MAX - PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(uptr, (u64)length, &end) ||
	    check_add_overflow(end, (u64)PAGE_SIZE - 1, &end_page))
		return ERR_PTR(-EOVERFLOW);
	npages = ((end_page & PAGE_MASK) - (uptr & PAGE_MASK)) / PAGE_SIZE;
	if (npages <= PINS_INLINE) {
		pages = cache_take(ictx, &fresh);
		if (!pages && fresh)
			pages = iommufd_alloc(SMALL_PAGES_SIZE);
	} else {
		pages = iommufd_alloc(sizeof(*pages));
	}
	if (!pages)
		return ERR_PTR(-ENOMEM);
	if (fresh) {
		if (npages <= PINS_INLINE)
			pages->small = (struct pin_chunk *)(pages + 1);
		plat_mutex_init(&pages->mutex);
		idtab_init(&pages->pins);
	} else {
		/* still on the pages list, where iommufd_page_pins() looks under the mutex */
		plat_mutex_lock(&pages->mutex);
		memset(&pages->first_area, 0, sizeof(pages->first_area));
	}
	refcount_set(&pages->kref, 1);
	pages->uptr = uptr & PAGE_MASK;
	pages->npages = npages;
	pages->writable = writable;
	pages->ictx = ictx;
	pages->recycled = !fresh;
	/* as Linux: a caller with CAP_IPC_LOCK pins without being charged */
	if (plat_capable(PLAT_CAP_IPC_LOCK))
		mode = IOMMUFD_ACCOUNT_NONE;
	pages->account_mode = (u8)mode;
	pages->account = iommufd_account_get(mode);
	pages->source_mm = plat_mm_get();
	if (fresh) {
		plat_mutex_lock(&pages_list_lock);
		list_add(&pages->list, &pages_list);
		plat_mutex_unlock(&pages_list_lock);
	} else {
		plat_mutex_unlock(&pages->mutex);
	}
	return pages;
}

/* What a pages object holds besides its memory: the last reference went. */
static void pages_release(struct iopt_pages *pages)
{
	if (pages->npinned || !itree_empty(&pages->domains_itree) ||
	    !itree_empty(&pages->access_itree) || !idtab_empty(&pages->pins))
		plat_warn("iopt_put_pages: freed with %lu pages pinned", pages->npinned);
	iommufd_account_put(pages->account);
	pages->account = NULL;
	if (pages->file_ref)
		plat_file_view_put(pages->file_ref);
	pages->file_ref = NULL;
	plat_mm_put(pages->source_mm);
	pages->source_mm = NULL;
	pages->npages = 0;	/* iommufd_page_pins() looks at none of a cached one's slots */
}

static void pages_free(struct iopt_pages *pages)
{
	plat_mutex_lock(&pages_list_lock);
	list_del(&pages->list);
	plat_mutex_unlock(&pages_list_lock);
	idtab_destroy(&pages->pins);
	plat_mutex_destroy(&pages->mutex);
	kfree(pages);
}

void iopt_put_pages(struct iopt_pages *pages)
{
	if (!refcount_dec_and_test(&pages->kref))
		return;
	pages_release(pages);
	pages_free(pages);
}

void iopt_put_pages_cached(struct iopt_pages *pages)
{
	if (!refcount_dec_and_test(&pages->kref))
		return;
	pages_release(pages);
	if (!pages->small || !cache_give(pages->ictx, pages))
		pages_free(pages);
}

/* The context goes (its IOASes first): free what its cache keeps. */
void iopt_pages_cache_drain(struct iommufd_ctx *ictx)
{
	for (;;) {
		struct iopt_pages *pages = NULL;

		spin_lock(&ictx->pages_cache_lock);
		if (ictx->npages_cached)
			pages = ictx->pages_cache[--ictx->npages_cached];
		spin_unlock(&ictx->pages_cache_lock);
		if (!pages)
			return;
		pages_free(pages);
	}
}

static unsigned long chunk_slots(const struct iopt_pages *pages)
{
	return min(pages->npages, PINS_PER_CHUNK);
}

/* The chunk holding page index's pin (NULL: none of its pages is pinned). */
static struct pin_chunk *chunk_load(const struct iopt_pages *pages, unsigned long index)
{
	if (pages->small)
		return pages->small->npinned ? pages->small : NULL;
	return idtab_load(&pages->pins, index / PINS_PER_CHUNK);
}

/* A chunk for page index, none being there yet; NULL: -ENOMEM. */
static struct pin_chunk *chunk_new(struct iopt_pages *pages, unsigned long index)
{
	struct pin_chunk *c;

	if (pages->small)
		return pages->small;
	c = iommufd_alloc(sizeof(*c) + chunk_slots(pages) * sizeof(c->pa[0]));
	if (c && idtab_store(&pages->pins, index / PINS_PER_CHUNK, c, NULL)) {
		kfree(c);
		c = NULL;
	}
	return c;
}

/* The chunk of page index holds no pin any more. */
static void chunk_free(struct iopt_pages *pages, unsigned long index, struct pin_chunk *c)
{
	if (c == pages->small)
		return;
	idtab_erase(&pages->pins, index / PINS_PER_CHUNK);
	kfree(c);
}

phys_addr_t iopt_pages_pa(struct iopt_pages *pages, unsigned long index)
{
	struct pin_chunk *c = chunk_load(pages, index);

	return c ? c->pa[index % PINS_PER_CHUNK] : 0;
}

/* Unpin [first, last], all pinned now; frees chunks that become empty. */
static void unpin_now(struct iopt_pages *pages, unsigned long first, unsigned long last)
{
	unsigned long idx = first;

	while (idx <= last) {
		unsigned long off = idx % PINS_PER_CHUNK;
		unsigned long n = min(last - idx + 1, PINS_PER_CHUNK - off);
		struct pin_chunk *c = chunk_load(pages, idx);

		if (!c) {
			plat_warn("iopt_pages: unpin of a page never pinned");
			idx += n;
			continue;
		}
		plat_unpin_pages(pages->source_mm, &c->pa[off], n);
		count_pins(-(long)n);
		memset(&c->pa[off], 0, n * sizeof(c->pa[0]));
		c->npinned -= n;
		if (!c->npinned)
			chunk_free(pages, idx, c);
		pages->npinned -= n;
		iommufd_account_uncharge(pages->account, n);
		idx += n;
	}
}

/* Pin [first, last], none pinned now, charging them; all or nothing. */
static int pin_now(struct iopt_pages *pages, unsigned long first, unsigned long last)
{
	unsigned long idx = first;
	int ret;

	ret = iommufd_account_charge(pages->account, last - first + 1);
	if (ret)
		return ret;
	while (idx <= last) {
		unsigned long off = idx % PINS_PER_CHUNK;
		unsigned long n = min(last - idx + 1, PINS_PER_CHUNK - off);
		struct pin_chunk *c = chunk_load(pages, idx);
		bool new_chunk = !c;

		if (new_chunk) {
			c = chunk_new(pages, idx);
			if (!c) {
				ret = -ENOMEM;
				goto err;
			}
		}
		ret = plat_pin_user_pages(pages->source_mm, pages->uptr + idx * PAGE_SIZE, n,
					  pages->writable, &c->pa[off]);
		if (ret) {
			memset(&c->pa[off], 0, n * sizeof(c->pa[0]));
			if (new_chunk)
				chunk_free(pages, idx, c);
			goto err;
		}
		c->npinned += n;
		pages->npinned += n;
		count_pins((long)n);
		idx += n;
	}
	return 0;
err:
	iommufd_account_uncharge(pages->account, last - idx + 1);
	if (idx > first)
		unpin_now(pages, first, idx - 1);
	return ret;
}

/* The holes of domains_itree + access_itree inside [first, last]. */
#define for_each_unused_span(span, pages, first, last)                        \
	for (itree_span_first(span, (const struct itree_root *const[]){         \
			&(pages)->domains_itree, &(pages)->access_itree }, 2,   \
			first, last);                                           \
	     !(span)->done; itree_span_next(span))                              \
		if ((span)->is_hole)

/*
 * Pin whatever in [first, last] no domain area or access holds yet; call it
 * before inserting the new user's node. pages->mutex held.
 */
static int pin_range(struct iopt_pages *pages, unsigned long first, unsigned long last)
{
	struct itree_span span;
	unsigned long failed_at = 0;
	int ret = 0;

	/* nobody else uses the pages (one map's own): all of it is a hole */
	if (itree_empty(&pages->domains_itree) && itree_empty(&pages->access_itree))
		return pin_now(pages, first, last);
	for_each_unused_span(&span, pages, first, last) {
		ret = pin_now(pages, span.start, span.last);
		if (ret) {
			failed_at = span.start;
			break;
		}
	}
	if (!ret)
		return 0;
	for_each_unused_span(&span, pages, first, last) {
		if (span.start >= failed_at)
			break;
		unpin_now(pages, span.start, span.last);
	}
	return ret;
}

/* Unpin what in [first, last] nobody holds any more; call after removing a node. */
static void unpin_range(struct iopt_pages *pages, unsigned long first, unsigned long last)
{
	struct itree_span span;

	if (itree_empty(&pages->domains_itree) && itree_empty(&pages->access_itree)) {
		unpin_now(pages, first, last);
		return;
	}
	for_each_unused_span(&span, pages, first, last)
		unpin_now(pages, span.start, span.last);
}

/*
 * The end of the physically contiguous run of pinned pages starting at
 * index idx (pa its address), at most max pages: scans each chunk's array
 * once instead of looking every page up.
 */
static unsigned long run_end(struct iopt_pages *pages, unsigned long idx, phys_addr_t pa,
			     unsigned long max)
{
	unsigned long n = 1;

	while (n < max) {
		const struct pin_chunk *c = chunk_load(pages, idx + n);
		unsigned long off = (idx + n) % PINS_PER_CHUNK;
		unsigned long lim = min(max - n, PINS_PER_CHUNK - off), k;

		if (!c)
			break;
		for (k = 0; k < lim && c->pa[off + k] == pa + (n + k) * PAGE_SIZE; k++)
			;
		n += k;
		if (k < lim)
			break;
	}
	return n;
}

/*
 * Map area into domain from the pinned pages: one iommu_map_nosync() per
 * physically contiguous run (as Linux's batches), and at every page when
 * large pages are off; then one caching-mode invalidation for the whole
 * area. On failure nothing of area stays in domain.
 */
static int area_map_domain(struct iopt_area *area, struct iopt_pages *pages,
			   struct iommu_domain *domain)
{
	unsigned long iova = iopt_area_iova(area), left = iopt_area_length(area);
	unsigned long idx = iopt_area_index(area), off = area->page_offset, done = 0;
	/* as Linux's batches: a run is cut only by a PFN gap or a u32 page count */
	unsigned long max_run = U32_MAX;
	int ret = 0;

	if (area->iopt->disable_large_pages)
		max_run = 1;
	while (left) {
		phys_addr_t pa = iopt_pages_pa(pages, idx);
		unsigned long pages_left = (off + left + PAGE_SIZE - 1) / PAGE_SIZE;
		unsigned long n = run_end(pages, idx, pa, min(max_run, pages_left));
		unsigned long run = min(n * PAGE_SIZE - off, left);

		ret = iommu_map_nosync(domain, iova + done, pa + off, run, area->iommu_prot);
		if (ret)
			break;
		off = 0;
		idx += n;
		done += run;
		left -= run;
	}
	if (!ret)
		ret = iommu_sync_map(domain, iova, done);
	if (ret && done)
		iommu_unmap(domain, iova, done);
	return ret;
}

/* Remove area from one domain; every IOPTE goes and is flushed before return. */
void iopt_area_unmap_domain(struct iopt_area *area, struct iommu_domain *domain)
{
	size_t len = iopt_area_length(area);

	if (iommu_unmap(domain, iopt_area_iova(area), len) != len)
		plat_warn("iopt_area_unmap_domain: domain unmapped less than the area");
}

/*
 * Pin area's pages and load them into every domain of its iopt (a new
 * area, not yet visible). No domains: nothing is pinned (lazy, as Linux).
 * On failure no domain holds any of it and nothing stays pinned.
 */
int iopt_area_fill_domains(struct iopt_area *area, struct iopt_pages *pages)
{
	struct io_pagetable *iopt = area->iopt;
	unsigned int i;
	int ret;

	if (!iopt->ndomains)
		return 0;
	plat_mutex_lock(&pages->mutex);
	ret = pin_range(pages, iopt_area_index(area), iopt_area_last_index(area));
	if (ret)
		goto out_unlock;
	for (i = 0; i < iopt->ndomains; i++) {
		ret = area_map_domain(area, pages, iopt->domains[i]);
		if (ret)
			goto err_unmap;
	}
	itree_insert(&pages->domains_itree, &area->pages_node);
	area->storage = true;
	goto out_unlock;
err_unmap:
	while (i--)
		iopt_area_unmap_domain(area, iopt->domains[i]);
	unpin_range(pages, iopt_area_index(area), iopt_area_last_index(area));
out_unlock:
	plat_mutex_unlock(&pages->mutex);
	return ret;
}

/*
 * Second half of iopt_area_unfill_domains(), after the caller took area's
 * IOPTEs out of every domain (io_pagetable.c's unmap, one driver call per
 * run of adjacent areas) and invalidated: unpin what nobody else holds.
 */
void iopt_area_unfill_done(struct iopt_area *area, struct iopt_pages *pages)
{
	plat_mutex_lock(&pages->mutex);
	if (area->storage) {
		itree_remove(&pages->domains_itree, &area->pages_node);
		area->storage = false;
		unpin_range(pages, iopt_area_index(area), iopt_area_last_index(area));
	}
	plat_mutex_unlock(&pages->mutex);
}

/* Undo iopt_area_fill_domains(): out of every domain, unpinned where unused. */
void iopt_area_unfill_domains(struct iopt_area *area, struct iopt_pages *pages)
{
	struct io_pagetable *iopt = area->iopt;

	plat_mutex_lock(&pages->mutex);
	if (area->storage) {
		for (unsigned int i = 0; i < iopt->ndomains; i++)
			iopt_area_unmap_domain(area, iopt->domains[i]);
		itree_remove(&pages->domains_itree, &area->pages_node);
		area->storage = false;
		unpin_range(pages, iopt_area_index(area), iopt_area_last_index(area));
	}
	plat_mutex_unlock(&pages->mutex);
}

/* Load a visible area into a domain being added; pins it if it is the first. */
int iopt_area_fill_domain(struct iopt_area *area, struct iommu_domain *domain)
{
	struct iopt_pages *pages = area->pages;
	int ret;

	plat_mutex_lock(&pages->mutex);
	if (!area->storage) {
		ret = pin_range(pages, iopt_area_index(area), iopt_area_last_index(area));
		if (ret)
			goto out_unlock;
	}
	ret = area_map_domain(area, pages, domain);
	if (ret) {
		if (!area->storage)
			unpin_range(pages, iopt_area_index(area), iopt_area_last_index(area));
		goto out_unlock;
	}
	if (!area->storage) {
		itree_insert(&pages->domains_itree, &area->pages_node);
		area->storage = true;
	}
out_unlock:
	plat_mutex_unlock(&pages->mutex);
	return ret;
}

/* The last domain of the iopt leaves: unmap area from it and unpin. */
void iopt_area_unfill_domain(struct iopt_area *area, struct iopt_pages *pages,
			     struct iommu_domain *domain)
{
	plat_mutex_lock(&pages->mutex);
	if (area->storage) {
		iopt_area_unmap_domain(area, domain);
		itree_remove(&pages->domains_itree, &area->pages_node);
		area->storage = false;
		unpin_range(pages, iopt_area_index(area), iopt_area_last_index(area));
	}
	plat_mutex_unlock(&pages->mutex);
}

static struct iopt_pages_access *find_access(struct iopt_pages *pages, unsigned long first,
					     unsigned long last)
{
	struct itree_node *n;

	itree_for_each(n, &pages->access_itree, first, first)
		if (n->start == first && n->last == last)
			return container_of(n, struct iopt_pages_access, node);
	return NULL;
}

/*
 * An access pins pages [first, last] of area; out_pas (optional) gets
 * their physical addresses. Caller holds the iopt's iova_rwsem.
 */
int iopt_area_add_access(struct iopt_area *area, unsigned long first, unsigned long last,
			 phys_addr_t *out_pas, bool write)
{
	struct iopt_pages *pages = area->pages;
	struct iopt_pages_access *a;
	int ret = 0;

	if (write && !(area->iommu_prot & IOMMU_WRITE))
		return -EPERM;
	plat_mutex_lock(&pages->mutex);
	a = find_access(pages, first, last);
	if (a) {
		a->users++;
	} else {
		a = iommufd_alloc(sizeof(*a));
		if (!a) {
			ret = -ENOMEM;
			goto out_unlock;
		}
		ret = pin_range(pages, first, last);
		if (ret) {
			kfree(a);
			goto out_unlock;
		}
		a->node.start = first;
		a->node.last = last;
		a->users = 1;
		itree_insert(&pages->access_itree, &a->node);
	}
	if (out_pas)
		for (unsigned long i = first; i <= last; i++)
			*out_pas++ = iopt_pages_pa(pages, i);
	area->num_accesses++;
out_unlock:
	plat_mutex_unlock(&pages->mutex);
	return ret;
}

void iopt_area_remove_access(struct iopt_area *area, unsigned long first,
			     unsigned long last)
{
	struct iopt_pages *pages = area->pages;
	struct iopt_pages_access *a;

	plat_mutex_lock(&pages->mutex);
	a = find_access(pages, first, last);
	if (!a || !area->num_accesses) {
		plat_warn("iopt_area_remove_access: no pin of pages %lu-%lu", first, last);
		goto out_unlock;
	}
	area->num_accesses--;
	if (--a->users == 0) {
		itree_remove(&pages->access_itree, &a->node);
		kfree(a);
		unpin_range(pages, first, last);
	}
out_unlock:
	plat_mutex_unlock(&pages->mutex);
}

/* Copy one page's worth through a pinned (or briefly pinned) page. */
static int rw_page(struct iopt_pages *pages, unsigned long index, unsigned long off,
		   void *data, unsigned long len, bool write)
{
	phys_addr_t pa = iopt_pages_pa(pages, index);
	bool temp = !pa;
	int ret;

	if (temp) {
		ret = plat_pin_user_pages(pages->source_mm, pages->uptr + index * PAGE_SIZE, 1,
					  write, &pa);
		if (ret)
			return ret;
	}
	if (write)
		memcpy(plat_phys_to_virt(pa + off), data, len);
	else
		memcpy(data, plat_phys_to_virt(pa + off), len);
	if (temp)
		plat_unpin_pages(pages->source_mm, &pa, 1);
	return 0;
}

/*
 * Read or write length bytes at start_byte of pages with the CPU: straight
 * through the user mapping, or page by page through pinned pages
 * (__IOMMUFD_ACCESS_RW_SLOW_PATH).
 */
int iopt_pages_rw_access(struct iopt_pages *pages, unsigned long start_byte, void *data,
			 unsigned long length, unsigned int flags)
{
	bool write = flags & IOMMUFD_ACCESS_RW_WRITE;
	int ret = 0;

	if (write && !pages->writable)
		return -EPERM;
	/* another process's memory (the mapper forked) is reached through pins, as Linux */
	if (!(flags & __IOMMUFD_ACCESS_RW_SLOW_PATH) && plat_mm_is_current(pages->source_mm)) {
		if (write)
			return copy_to_user(pages->uptr + start_byte, data, length);
		return copy_from_user(data, pages->uptr + start_byte, length);
	}
	plat_mutex_lock(&pages->mutex);
	while (length && !ret) {
		unsigned long off = start_byte % PAGE_SIZE;
		unsigned long n = min(length, PAGE_SIZE - off);

		ret = rw_page(pages, start_byte / PAGE_SIZE, off, data, n, write);
		data = (char *)data + n;
		start_byte += n;
		length -= n;
	}
	plat_mutex_unlock(&pages->mutex);
	return ret;
}
