/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU driver interface core/ calls and the mock, VT-d and AMD-Vi drivers
 * implement: domains, attach, map/unmap by page-size bitmap, IOTLB sync,
 * reserved regions, faults. Semantics of Linux's iommu.h; no hardware here.
 */
#ifndef IOMMU_IOMMU_H
#define IOMMU_IOMMU_H

#include "lib/compiler.h"
#include "lib/list.h"

/* Mapping permissions (prot). */
#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)
#define IOMMU_CACHE	(1 << 2)	/* coherent DMA (snoop) */
#define IOMMU_NOEXEC	(1 << 3)

struct iommu_domain;
struct iommu_dev;
struct iommu_device;

/*
 * Pages unmapped by unmap_pages() and table pages freed on the way are
 * gathered here; iotlb_sync() invalidates [start, end] and only then frees
 * the gathered table pages (free after flush, never before).
 */
struct iommu_iotlb_gather {
	unsigned long start;	/* inclusive */
	unsigned long end;	/* inclusive; start > end means empty */
	size_t pgsize;		/* largest page size unmapped */
	struct list_head freelist;	/* driver's table pages to free after the flush */
};

static inline void iommu_iotlb_gather_init(struct iommu_iotlb_gather *g)
{
	g->start = ~0UL;
	g->end = 0;
	g->pgsize = 0;
	INIT_LIST_HEAD(&g->freelist);
}

static inline void iommu_iotlb_gather_add_range(struct iommu_iotlb_gather *g,
						unsigned long iova, size_t size)
{
	unsigned long end = iova + size - 1;

	if (iova < g->start)
		g->start = iova;
	if (end > g->end)
		g->end = end;
}

struct iommu_domain_geometry {
	dma_addr_t aperture_start;	/* first usable IOVA */
	dma_addr_t aperture_end;	/* last usable IOVA (inclusive) */
	bool force_aperture;		/* DMA outside the aperture is refused */
};

enum iommu_domain_type {
	IOMMU_DOMAIN_BLOCKED,	/* all DMA faults */
	IOMMU_DOMAIN_IDENTITY,	/* DMA is untranslated */
	IOMMU_DOMAIN_PAGING,	/* translated through page tables (Linux: UNMANAGED) */
	IOMMU_DOMAIN_NESTED,	/* a user-owned stage 1 on a paging parent */
};

/*
 * Driver data user space passed with IOMMU_HWPT_ALLOC (type is a
 * IOMMU_HWPT_DATA_* value) or an array of entries with
 * IOMMU_HWPT_INVALIDATE; uptr is a user address. The driver reports how
 * many entries it handled in entry_num.
 */
struct iommu_user_data {
	u32 type;
	u64 uptr;
	size_t len;
};

struct iommu_user_data_array {
	u32 type;
	u64 uptr;
	u32 entry_len;
	u32 entry_num;
};

/*
 * Copy user data of len bytes into the driver's dst of dst_len bytes, as
 * Linux's iommu_copy_struct_from_user(): a type other than type or a
 * length outside [min_len, dst_len] is EINVAL, a short one is zero-filled.
 */
int iommu_copy_struct_from_user(void *dst, size_t dst_len, size_t min_len,
				const struct iommu_user_data *src, u32 type);
/* Entry index of an array, with the same rules (entry_len is the length). */
int iommu_copy_struct_from_user_array(void *dst, size_t dst_len, size_t min_len,
				      const struct iommu_user_data_array *src, u32 type,
				      u32 index);

/*
 * Dirty bits read from a domain go to record(), one call per dirty run of
 * IOVA; the core turns them into the user's bitmap.
 */
struct iommu_dirty_bitmap {
	void (*record)(struct iommu_dirty_bitmap *dirty, unsigned long iova,
		       unsigned long length);
	void *priv;
};

#define IOMMU_DIRTY_NO_CLEAR	(1 << 0)	/* read without clearing */

struct iommu_dirty_ops {
	/* Start or stop recording writes (EINVAL: this domain cannot). */
	int (*set_dirty_tracking)(struct iommu_domain *d, bool enable);
	/*
	 * Report the dirty IO pages in [iova, iova + size) and clear them
	 * unless flags has IOMMU_DIRTY_NO_CLEAR.
	 */
	int (*read_and_clear_dirty)(struct iommu_domain *d, unsigned long iova, size_t size,
				    unsigned long flags, struct iommu_dirty_bitmap *dirty);
};

/*
 * One I/O page request (PCI PRI, or the mock's TRIGGER_IOPF) as the core's
 * fault queue sees it; the fields are those of struct iommu_hwpt_pgfault.
 */
struct iommu_page_request {
	u32 flags;		/* IOMMU_PGFAULT_FLAGS_* (PASID_VALID, LAST_PAGE) */
	u32 pasid;
	u32 grpid;
	u32 perm;		/* IOMMU_PGFAULT_PERM_* */
	u64 addr;
};

#define IOMMU_NO_PASID		0

struct iommu_domain_ops {
	/* Make dev translate through this domain, replacing its current one. */
	int (*attach_dev)(struct iommu_domain *d, struct iommu_dev *dev);
	/*
	 * Map pgcount pages of pgsize (one bit of pgsize_bitmap) at iova -> paddr.
	 * *mapped returns the bytes mapped even on error, so callers can undo.
	 */
	int (*map_pages)(struct iommu_domain *d, unsigned long iova, phys_addr_t paddr,
			 size_t pgsize, size_t pgcount, int prot, size_t *mapped);
	/* Unmap up to pgcount pages; returns bytes unmapped (may exceed a request inside a larger page). */
	size_t (*unmap_pages)(struct iommu_domain *d, unsigned long iova, size_t pgsize,
			      size_t pgcount, struct iommu_iotlb_gather *gather);
	/* Caching-mode / non-present->present invalidation after map; may be NULL. */
	int (*iotlb_sync_map)(struct iommu_domain *d, unsigned long iova, size_t size);
	/* Invalidate what gather collected, wait for completion, free its pages. */
	void (*iotlb_sync)(struct iommu_domain *d, struct iommu_iotlb_gather *gather);
	void (*flush_iotlb_all)(struct iommu_domain *d);
	phys_addr_t (*iova_to_phys)(struct iommu_domain *d, dma_addr_t iova);
	void (*free)(struct iommu_domain *d);
	/*
	 * Test introspection (may be NULL; the neutral dma suite skips what a
	 * driver lacks): size of the page-table leaf that maps iova (0 when
	 * unmapped), and the table pages the domain holds, root included.
	 */
	size_t (*mapped_pgsize)(struct iommu_domain *d, dma_addr_t iova);
	long (*table_pages)(struct iommu_domain *d);
	/*
	 * Nested domains: invalidate the caches of the user's stage 1 as the
	 * entries of array say; array->entry_num returns the entries done.
	 */
	int (*cache_invalidate_user)(struct iommu_domain *d,
				     struct iommu_user_data_array *array);
	/*
	 * Make PASID pasid (not IOMMU_NO_PASID) of dev translate through this
	 * domain, in place of old (NULL: nothing was attached there). On
	 * failure the PASID keeps old. NULL: the domain takes no PASIDs.
	 */
	int (*set_dev_pasid)(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid,
			     struct iommu_domain *old);
};

/* A domain: drivers embed it in their own struct and use container_of. */
struct iommu_domain {
	enum iommu_domain_type type;
	const struct iommu_domain_ops *ops;
	const struct iommu_ops *owner;	/* driver that allocated it */
	unsigned long pgsize_bitmap;	/* bit n set: pages of 2^n bytes supported */
	struct iommu_domain_geometry geometry;
	struct iommu_device *iommu;	/* unit it was allocated for, NULL if any */
	const struct iommu_dirty_ops *dirty_ops;	/* NULL: no dirty tracking */
	/*
	 * Who takes I/O page requests of devices attached here (installed by
	 * the core's fault queue; NULL: they are answered INVALID at once).
	 * Returns 0 when it queued the request, -errno when it did not.
	 */
	int (*iopf_handler)(struct iommu_domain *d, struct iommu_dev *dev,
			    const struct iommu_page_request *req);
	void *fault_data;
};

enum iommu_resv_type {
	IOMMU_RESV_DIRECT,	/* must stay identity mapped (RMRR, IVMD unity) */
	IOMMU_RESV_RESERVED,	/* never mappable */
	IOMMU_RESV_MSI,		/* interrupt window (0xfee00000-0xfeefffff) */
};

struct iommu_resv_region {
	struct list_head list;
	phys_addr_t start;
	size_t length;
	int prot;
	enum iommu_resv_type type;
};

/* A fault in driver-neutral terms, so IOMMU-neutral tests can match it. */
enum iommu_fault_kind {
	IOMMU_FAULT_KIND_ANY,		/* in a match: any kind */
	IOMMU_FAULT_KIND_PAGE,		/* no mapping, or no permission, for the access at addr */
	IOMMU_FAULT_KIND_DEVICE,	/* device not set up to translate (no context entry / DTE) */
	IOMMU_FAULT_KIND_RANGE,		/* addr beyond the domain's address width */
	IOMMU_FAULT_KIND_TABLE,		/* malformed or unreadable translation structure */
	IOMMU_FAULT_KIND_OVERFLOW,	/* the unit's fault log overflowed: faults were lost */
	IOMMU_FAULT_KIND_OTHER,
	IOMMU_FAULT_KIND_INTR,		/* an interrupt blocked by remapping (addr: entry index) */
};

/* Access type of a fault, and in a match. */
enum {
	IOMMU_FAULT_ACCESS_ANY,
	IOMMU_FAULT_ACCESS_READ,
	IOMMU_FAULT_ACCESS_WRITE,
};

/* One DMA fault or event as the hardware recorded it, decoded. */
struct iommu_fault_record {
	struct iommu_device *iommu;	/* unit that logged it */
	u16 segment;
	u16 source_id;		/* requester ID: bus << 8 | devfn */
	u64 addr;		/* faulting IOVA (page-aligned on VT-d) */
	u32 reason;		/* hardware code (VT-d fault reason, AMD event code) */
	bool write;		/* access type */
	u32 pasid;		/* 0 when none */
	const char *reason_str;	/* decoded text */
	u8 kind;		/* enum iommu_fault_kind */
};

/* Driver-wide operations (one table per driver: mock, vtd, amdvi). */
struct iommu_ops {
	const char *name;
	/* A paging domain usable by dev; ERR_PTR on failure. */
	struct iommu_domain *(*domain_alloc_paging)(struct iommu_dev *dev);
	/*
	 * IOMMU_HWPT_ALLOC: a paging domain with IOMMU_HWPT_ALLOC_* flags
	 * (parent NULL), or a nested one on parent described by user_data.
	 * May be NULL: then only flag-less paging domains exist.
	 */
	struct iommu_domain *(*domain_alloc_user)(struct iommu_dev *dev, u32 flags,
						  struct iommu_domain *parent,
						  const struct iommu_user_data *user_data);
	/* Domains that need no allocation; may be NULL. */
	struct iommu_domain *blocked_domain;
	struct iommu_domain *identity_domain;
	/*
	 * IOMMU_GET_HW_INFO data: fill up to *length bytes at data with the
	 * driver's struct (e.g. iommu_hw_info_vtd); set *length and *type.
	 * On entry *type is the type asked for (IOMMU_HW_INFO_TYPE_DEFAULT:
	 * the driver's own); one the driver does not have is EOPNOTSUPP.
	 */
	int (*hw_info)(struct iommu_dev *dev, void *data, u32 *length, u32 *type);
	/* Add this device's reserved regions (iommu_resv_region) to head. */
	void (*get_resv_regions)(struct iommu_dev *dev, struct list_head *head);
	/* Whether the hardware behind dev enforces cache coherency, etc. */
	bool (*capable)(struct iommu_dev *dev, int cap);
	/*
	 * Claim dev if one of this driver's units translates it: fill dev->ops,
	 * dev->iommu, dev->iommu_priv and attach the blocked domain. 0 when
	 * claimed, -ENODEV when not this driver's device. May be NULL.
	 */
	int (*probe_device)(struct iommu_dev *dev);
	/* Detach domain d from PASID pasid of dev: its requests fault again. May be NULL. */
	void (*remove_dev_pasid)(struct iommu_dev *dev, u32 pasid, struct iommu_domain *d);
	/*
	 * A page request with a PASID for which nothing is attached goes to
	 * the nested domain of the device's RID (the user owns the PASID
	 * table), as Linux's user_pasid_table.
	 */
	bool user_pasid_table;
};

#define IOMMU_CAP_CACHE_COHERENCY	1
#define IOMMU_CAP_DIRTY_TRACKING	2	/* domains may record DMA writes */

/* A hardware IOMMU unit (one DRHD, one AMD IOMMU, or the mock). */
struct iommu_device {
	const char *name;
	const struct iommu_ops *ops;
	/* Read and report pending faults (also called from the fault interrupt). */
	void (*poll_faults)(struct iommu_device *iommu);
	/*
	 * Why DMA faults behind this unit never reach the fault API (NULL: they
	 * do). Tests that check fault records skip with this reason instead.
	 */
	const char *no_fault_log;
	/* The same for interrupts remapping blocked (NULL: they are recorded). */
	const char *no_intr_fault_log;
	struct list_head node;	/* in the global unit list */
};

/*
 * A device whose DMA goes through an IOMMU. Bus code (PCI, the mock) fills
 * it in and registers it; the driver owns iommu_priv.
 */
struct iommu_dev {
	const char *name;		/* "0000:00:03.0" or "mock3" */
	u16 segment;
	u16 rid;			/* requester ID the IOMMU sees */
	const struct iommu_ops *ops;	/* translating driver, NULL: none */
	struct iommu_device *iommu;	/* translating unit */
	void *iommu_priv;		/* driver's per-device state */
	void *bus_priv;			/* struct pci_dev * in the kernel, mock data hosted */
	struct iommu_domain *domain;	/* currently attached, NULL = driver default */
	u64 dma_mask;			/* highest address the device can emit */
	u32 max_pasids;			/* PASIDs the device may use (0: none) */
	struct list_head node;		/* in the global device list */
};

/* --- generic helpers (iommu/iommu.c), used by core/ and tests --- */

void iommu_device_register(struct iommu_device *iommu);
void iommu_device_unregister(struct iommu_device *iommu);
void iommu_dev_register(struct iommu_dev *dev);
void iommu_dev_unregister(struct iommu_dev *dev);
/* The n-th registered device, or NULL. */
struct iommu_dev *iommu_dev_get(int n);
struct iommu_dev *iommu_dev_find(const char *name);
void iommu_for_each_unit(void (*fn)(struct iommu_device *iommu, void *ctx), void *ctx);

struct iommu_domain *iommu_domain_alloc_paging(struct iommu_dev *dev);
void iommu_domain_free(struct iommu_domain *d);
/* Attach dev to d (replacing its current domain); old stays on failure. */
int iommu_attach_device(struct iommu_domain *d, struct iommu_dev *dev);
/* Back to the blocked domain (no DMA). */
void iommu_detach_device(struct iommu_domain *d, struct iommu_dev *dev);

/*
 * Map size bytes iova -> paddr with the largest page sizes alignment allows.
 * All or nothing: on failure everything mapped so far is unmapped again.
 */
int iommu_map(struct iommu_domain *d, unsigned long iova, phys_addr_t paddr,
	      size_t size, int prot);
/* Unmap and invalidate; returns bytes unmapped. Done means flushed. */
size_t iommu_unmap(struct iommu_domain *d, unsigned long iova, size_t size);
phys_addr_t iommu_iova_to_phys(struct iommu_domain *d, dma_addr_t iova);
/* Largest page size usable at iova/paddr for size bytes. */
size_t iommu_pgsize(unsigned long pgsize_bitmap, unsigned long iova,
		    phys_addr_t paddr, size_t size, size_t *count);

/* Regions are kzalloc'ed by the driver; iommu_put_resv_regions kfrees them. */
void iommu_get_resv_regions(struct iommu_dev *dev, struct list_head *head);
void iommu_put_resv_regions(struct list_head *head);

/* --- faults (iommu/fault.c) --- */

/*
 * Drivers call this for every fault they read from the hardware, from
 * thread context (poll_faults), never from an interrupt handler: a fault
 * interrupt only notes that polling is due. Overflow is reported as a
 * record of kind IOMMU_FAULT_KIND_OVERFLOW.
 */
void iommu_fault_report(const struct iommu_fault_record *f);

/*
 * PASID attach (Linux's iommu_attach_device_pasid and friends): PASID
 * pasid of dev, 1 .. dev->max_pasids - 1, translates through d. attach:
 * -EBUSY when something is attached there already (replace swaps it),
 * -EINVAL for a PASID the device lacks or a domain of another driver,
 * -EOPNOTSUPP when the domain or driver takes no PASIDs. detach blocks it.
 * The caller keeps which domain each PASID has (old).
 */
int iommu_attach_device_pasid(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid);
int iommu_replace_device_pasid(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid,
			       struct iommu_domain *old);
void iommu_detach_device_pasid(struct iommu_domain *d, struct iommu_dev *dev, u32 pasid);

/*
 * An I/O page request from dev: handed to the iopf_handler of the domain
 * that translates it (for a PASID with nothing attached, the RID's nested
 * domain where the driver has user_pasid_table). -ENODEV when nobody takes
 * it: the request is then answered INVALID, as Linux does.
 */
int iommu_report_page_request(struct iommu_dev *dev, const struct iommu_page_request *req);

/* A fault a test expects. Zero/ANY fields and the flags are wildcards. */
struct iommu_fault_match {
	u16 segment;
	u16 source_id;
	u64 addr;		/* compared page-aligned */
	u32 reason;		/* driver's hardware code; 0 = any */
	u8 kind;		/* enum iommu_fault_kind; ANY = any */
	u8 access;		/* IOMMU_FAULT_ACCESS_*; ANY = any */
	u16 flags;		/* IOMMU_FAULT_MATCH_* */
};

#define IOMMU_FAULT_MATCH_ANY_SID	(1u << 0)
#define IOMMU_FAULT_MATCH_ANY_ADDR	(1u << 1)
#define IOMMU_FAULT_MAX_EXPECT		8

/*
 * Tests: declare an expected fault (any number of records may match it).
 * The first expectation after iommu_fault_expect_done() also restarts the
 * record log. -ENOSPC beyond IOMMU_FAULT_MAX_EXPECT.
 */
int iommu_fault_expect_match(const struct iommu_fault_match *m);
/* Shorthand: a fault from source_id at addr (reason 0 = any). */
void iommu_fault_expect(u16 segment, u16 source_id, u64 addr, u32 reason);
/*
 * Poll every unit, then end the expectations: returns how many faults
 * matched them. Any fault that matched none fails the running test (the
 * test environment drains after every test).
 */
int iommu_fault_expect_done(void);
/*
 * Poll every unit and account faults; returns the unexpected faults since
 * the last call and copies up to max of them to out (out may be NULL).
 */
int iommu_fault_drain_unexpected(struct iommu_fault_record *out, int max);
/* Poll every unit and account faults; returns unexpected faults since last call. */
int iommu_fault_drain(void);
/*
 * The faults logged (expected or not) since the log restarted: copies up
 * to max to out, returns how many were logged (may exceed max).
 */
int iommu_fault_records(struct iommu_fault_record *out, int max);
/* Expectations still active (a test that forgot expect_done). */
int iommu_fault_expect_active(void);
/* Forget expectations without polling (test environment clean-up). */
void iommu_fault_expect_reset(void);
/* All faults reported since boot. */
u64 iommu_fault_total(void);

/*
 * An owner of one requester's faults (a device a ring-3 program drives
 * through its VFIO fd): records from segment:source_id go to fn and count as
 * expected, never as unexpected. Thread context, like iommu_fault_report.
 */
struct iommu_fault_owner {
	u16 segment;
	u16 source_id;
	void (*fn)(struct iommu_fault_owner *o, const struct iommu_fault_record *f);
	struct list_head node;
};

void iommu_fault_owner_add(struct iommu_fault_owner *o);
void iommu_fault_owner_del(struct iommu_fault_owner *o);
/* Poll every unit now: pending records reach their owners (or count as unexpected). */
void iommu_fault_poll(void);

/*
 * The self-test IOMMU (iommu/mock/) as IOMMU_TEST_CMD (core/selftest.c)
 * sees it: mock devices made on demand, and a look into the domains it made.
 */
#define IOMMU_SELFTEST_PFN_START	(1ULL << 60)	/* first IO page of a map_pages() call */
#define IOMMU_SELFTEST_PFN_LAST		(1ULL << 61)	/* last IO page of a map_pages() call */
#define IOMMU_SELFTEST_PFN_HUGE		(1ULL << 62)	/* mapped by a huge-IOVA device's domain */

struct iommu_selftest_ops {
	unsigned long io_page_size;	/* the granule of domain_lookup() */
	/* A mock device (MOCK_FLAGS_DEVICE_* flags); ERR_PTR(-EINVAL/-ENOMEM). */
	struct iommu_dev *(*dev_create)(u32 dev_flags);
	void (*dev_destroy)(struct iommu_dev *dev);
	/* Whether d is one of this driver's domains (only those may be looked into). */
	bool (*owns_domain)(const struct iommu_domain *d);
	/* The entry for the IO page holding iova: pa of that byte and IOMMU_SELFTEST_PFN_* flags. */
	int (*domain_lookup)(struct iommu_domain *d, unsigned long iova, phys_addr_t *pa,
			     u64 *flags);
	/* Entries (IO pages) mapped, and a hash of every (iova, entry) pair. */
	unsigned long (*domain_entries)(struct iommu_domain *d);
	u64 (*domain_digest)(struct iommu_domain *d);
	/*
	 * IOMMU_TEST_OP_DIRTY: mark the IO page holding iova written, as the
	 * hardware would; -ENOENT when nothing is mapped there, -EINVAL when
	 * the domain is not tracking.
	 */
	int (*domain_set_dirty)(struct iommu_domain *d, unsigned long iova);
	bool (*domain_dirty_tracking)(struct iommu_domain *d);
	/* MD_CHECK_IOTLB: entry id of a nested mock domain's IOTLB (-EINVAL: none such). */
	int (*nested_iotlb)(struct iommu_domain *d, unsigned int id, u32 *val);
	/* Whether dev is a mock device (TRIGGER_IOPF takes only those). */
	bool (*owns_dev)(const struct iommu_dev *dev);
};

/*
 * A self-test driver registers its ops in a linker section, so the driver
 * interface names no driver; iommu_selftest_ops() finds them (NULL: none
 * linked in, and IOMMU_TEST_CMD's mock ops answer EOPNOTSUPP).
 */
#define IOMMU_SELFTEST_DRIVER(ops)						\
	static const struct iommu_selftest_ops *const __iommu_selftest_##ops	\
		__used __section("iommu_selftest") __aligned(8) = &(ops)

const struct iommu_selftest_ops *iommu_selftest_ops(void);

#endif
