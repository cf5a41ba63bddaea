/* SPDX-License-Identifier: MIT */
/*
 * What the rest of the system may call in core/: contexts, the ioctl
 * handlers (for ioctl-sim), the device and access APIs (VFIO cdev, drivers,
 * tests) and the counters the leak check reads. Like Linux's linux/iommufd.h.
 */
#ifndef CORE_IOMMUFD_H
#define CORE_IOMMUFD_H

#include "lib/compiler.h"

struct iommufd_ctx;
struct iommufd_device;
struct iommufd_access;
struct iopt_pages;
struct iommu_dev;

/* ---- contexts ---- */

/* A new context (one per open /dev/iommu) holding one reference; NULL: ENOMEM. */
struct iommufd_ctx *iommufd_ctx_alloc(void);
void iommufd_ctx_get(struct iommufd_ctx *ictx);
/* The last reference destroys every object of the context, leaf first. */
void iommufd_ctx_put(struct iommufd_ctx *ictx);

/* ---- ioctl handlers (ioctl-sim's table calls them) ---- */

/* One ioctl call: the context, the user's struct and its kernel copy. */
struct iommufd_ucmd {
	struct iommufd_ctx *ictx;
	u64 ubuffer;			/* user address of the struct */
	u32 user_size;			/* the struct's size field */
	void *cmd;			/* kernel copy, zero-padded to the known size */
};

/* Each returns 0 or -errno; outputs were copied back on success. */
int iommufd_destroy(struct iommufd_ucmd *ucmd);
int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd);
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd);
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map(struct iommufd_ucmd *ucmd);
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd);
int iommufd_option(struct iommufd_ucmd *ucmd);
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd);
int iommufd_get_hw_info(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd);
int iommufd_fault_alloc(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd);
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd);
int iommufd_test(struct iommufd_ucmd *ucmd);
/*
 * VFIO type1 container ioctls on the same fd (cmd outside iommufd's range):
 * >= 0 result, -errno, or -ENOIOCTLCMD for an unknown cmd.
 */
long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd, u64 arg);

/* ---- devices: how VFIO cdev and in-kernel drivers use the core ---- */

/*
 * Bind dev to ictx: a DEVICE object user space can name (*id) but not
 * destroy. The caller keeps ictx alive (iommufd_ctx_get) until unbind.
 * -ENODEV no IOMMU, -EINVAL not coherent, -EBUSY bound elsewhere, -ENOMEM.
 */
struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct iommu_dev *dev, u32 *id);
/* Detach if attached, then destroy the DEVICE object. */
void iommufd_device_unbind(struct iommufd_device *idev);
/*
 * Attach to the HWPT or IOAS *pt_id (IOAS: an automatic HWPT is reused or
 * made, and *pt_id returns its ID). -EINVAL if attached already.
 */
int iommufd_device_attach(struct iommufd_device *idev, u32 *pt_id);
/* Switch an attached device to *pt_id; on failure it stays where it was. */
int iommufd_device_replace(struct iommufd_device *idev, u32 *pt_id);
void iommufd_device_detach(struct iommufd_device *idev);
/*
 * PASID pasid of the device (not 0: that is the RID's) to the HWPT or IOAS
 * *pt_id, as attach/replace/detach do for the RID (Linux's PASID attach):
 * attach -EINVAL when that PASID is attached, replace -EINVAL when it is
 * not; -EINVAL for a PASID the device lacks, -EOPNOTSUPP when the IOMMU
 * takes no PASIDs. Detach of a PASID not attached does nothing.
 */
int iommufd_device_attach_pasid(struct iommufd_device *idev, u32 pasid, u32 *pt_id);
int iommufd_device_replace_pasid(struct iommufd_device *idev, u32 pasid, u32 *pt_id);
void iommufd_device_detach_pasid(struct iommufd_device *idev, u32 pasid);
/* Whether pasid of the device is attached now. */
bool iommufd_device_pasid_attached(struct iommufd_device *idev, u32 pasid);
struct iommufd_ctx *iommufd_device_to_ictx(struct iommufd_device *idev);
u32 iommufd_device_to_id(struct iommufd_device *idev);

/* ---- accesses: CPU users of IOAS memory (emulated devices) ---- */

struct iommufd_access_ops {
	u8 needs_pin_pages : 1;
	/* [iova, iova + length) is being unmapped: unpin what you pinned there. */
	void (*unmap)(void *data, unsigned long iova, unsigned long length);
};

#define IOMMUFD_ACCESS_RW_READ		0
#define IOMMUFD_ACCESS_RW_WRITE		1
#define IOMMUFD_ACCESS_RW_KTHREAD	2
#define __IOMMUFD_ACCESS_RW_SLOW_PATH	4

struct iommufd_access *iommufd_access_create(struct iommufd_ctx *ictx,
					     const struct iommufd_access_ops *ops,
					     void *data, u32 *id);
void iommufd_access_destroy(struct iommufd_access *access);
int iommufd_access_attach(struct iommufd_access *access, u32 ioas_id);
int iommufd_access_replace(struct iommufd_access *access, u32 ioas_id);
void iommufd_access_detach(struct iommufd_access *access);
/* out_pas: one physical address per PAGE_SIZE page, from the page of iova. */
int iommufd_access_pin_pages(struct iommufd_access *access, unsigned long iova,
			     unsigned long length, phys_addr_t *out_pas, unsigned int flags);
void iommufd_access_unpin_pages(struct iommufd_access *access, unsigned long iova,
				unsigned long length);
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova, void *data,
		      size_t len, unsigned int flags);

/* ---- counters (leak check) and test support ---- */

/* Objects alive in all contexts. */
long iommufd_live_objects(void);
/* Page pins the core holds (all contexts); each pin counts once. */
long iommufd_pinned_pages(void);
/*
 * Heap objects ictx keeps in its pages cache (live heap objects that no map
 * holds; freed when the context goes): what a heap count taken with the
 * context open must allow for.
 */
unsigned int iommufd_ctx_pages_cached(struct iommufd_ctx *ictx);
/*
 * How many it keeps at most: as many as a run of separate small maps that
 * is unmapped at once gives back (256 4K maps, the benchmark's d_256 case,
 * then run without a heap allocation each; at most ~130 KiB per context).
 */
#define IOMMUFD_PAGES_CACHE 256
/*
 * Test hook: when set, called with the object taken from (take) or given
 * to the pages cache, inside its locked sections between reading its
 * count and writing it back, so an SMP test can hold that window open and
 * follow every object (not the context's final drain). Built in with
 * CONFIG_TEST_HOOKS: the kernel (CONFIG_DEBUG, its benchmarks too: one
 * load and branch per take or give) and the hosted test builds; the
 * hosted benchmark's opt build has none.
 */
#ifndef CONFIG_TEST_HOOKS
#define CONFIG_TEST_HOOKS CONFIG_DEBUG
#endif
extern void (*iommufd_pages_cache_window)(struct iopt_pages *pages, bool take);
/* Page requests answered with code (IOMMUFD_PAGE_RESP_*) since start. */
long iommufd_fault_responses(u32 code);
/* Pins the core holds on the page at pa (IOMMU_TEST_OP_MD_CHECK_REFS). */
unsigned int iommufd_page_pins(phys_addr_t pa);
/*
 * A hash of everything observable in ictx: objects and their users, every
 * IOAS's areas, reserved and allowed ranges, alignment and domains, every
 * mock domain's entries, pins. Equal before and after a failed ioctl.
 */
u64 iommufd_test_digest(struct iommufd_ctx *ictx);

/*
 * ---- accounting of pinned pages against a memlock-style limit (account.c) ----
 * Linux charges per user (RLIMIT_MEMLOCK, locked_vm) or per process
 * (pinned_vm); an account is whichever the mode names for the caller.
 */
enum iommufd_account_mode {
	IOMMUFD_ACCOUNT_USER,
	IOMMUFD_ACCOUNT_MM,
	IOMMUFD_ACCOUNT_NONE,	/* CAP_IPC_LOCK: nothing is charged (account NULL) */
};

struct iommufd_account;

/* The current caller's account for mode, with a reference held (NONE: NULL, which every call takes). */
struct iommufd_account *iommufd_account_get(enum iommufd_account_mode mode);
void iommufd_account_put(struct iommufd_account *a);
/* Charge npages; -ENOMEM (nothing charged) past the limit. */
int iommufd_account_charge(struct iommufd_account *a, unsigned long npages);
void iommufd_account_uncharge(struct iommufd_account *a, unsigned long npages);
unsigned long iommufd_account_charged(const struct iommufd_account *a);
/* Test hook: the limit in pages for every account (ULONG_MAX: unlimited). */
void iommufd_set_memlock_limit(unsigned long pages);

/*
 * ---- anonymous file descriptors (IOMMU_TEST_OP_CREATE_ACCESS) ----
 * The fd layer above the core (ioctl-sim) installs these ops when it opens
 * /dev/iommu, like Linux's get_unused_fd / fd_install / put_unused_fd.
 */
struct iommufd_anon_ops {
	const char *name;
	void (*release)(void *priv);	/* last close */
	/*
	 * read()/write() of n bytes at user address ubuf (may be NULL: EINVAL).
	 * The files are not seekable: pread/pwrite are ESPIPE.
	 */
	long (*read)(void *priv, u64 ubuf, size_t n);
	long (*write)(void *priv, u64 ubuf, size_t n);
};

struct iommufd_fd_ops {
	/* Reserve an fd number: fd >= 0 or -EMFILE / -ENOMEM. */
	int (*reserve)(void);
	/* Make fd live: from now on close(fd) calls ops->release(priv). */
	void (*install)(int fd, const struct iommufd_anon_ops *ops, void *priv);
	/* Give back a reserved fd that was never installed. */
	void (*unreserve)(int fd);
	/*
	 * priv of fd when it was installed with ops, with a reference held
	 * (put it with put(*ref)); NULL when fd is something else.
	 */
	void *(*get)(int fd, const struct iommufd_anon_ops *ops, void **ref);
	void (*put)(void *ref);
};

void iommufd_set_fd_ops(const struct iommufd_fd_ops *ops);

#endif
