/* SPDX-License-Identifier: MIT */
/*
 * The iommufd core's structures and internal prototypes, grouped by object.
 * Names follow Linux's drivers/iommu/iommufd/iommufd_private.h.
 *
 * Lock order (lib/lockdep.c checks it in every test build; docs/DESIGN.md
 * has the whole kernel's): selftest sta->lock -> access->ioas_lock ->
 * idev->lock -> ioas->mutex -> ictx->lock -> iopt domains_rwsem -> iopt
 * iova_rwsem -> pages->mutex -> pin map lock -> the driver's locks (map,
 * unmap, flush) -> the heap and page allocator.
 */
#ifndef CORE_IOMMUFD_PRIVATE_H
#define CORE_IOMMUFD_PRIVATE_H

#include <linux/iommufd.h>
#include "core/iommufd.h"
#include "lib/platform.h"
#include "iommu/iommu.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/idtable.h"
#include "lib/lockdep.h"
#include "lib/spinlock.h"
#include "lib/itree.h"
#include "lib/list.h"
#include "lib/refcount.h"
#include "lib/string.h"

/*
 * Every allocation in core/ goes through iommufd_alloc(), a fail point
 * (the fault-inject suite and IOMMUFD_FAIL_NTH use it).
 */
static inline void *iommufd_alloc(size_t size)
{
	return failable(kzalloc(size));
}

#define kzalloc(s) core_code_must_use_iommufd_alloc(s)
#define kmalloc(s) core_code_must_use_iommufd_alloc(s)

/* IDs are never 0, as in Linux (XA_FLAGS_ALLOC1). */
#define IOMMUFD_ID_MIN 1
#define IOMMUFD_ID_MAX U32_MAX

struct iommufd_ctx;
struct iommufd_ioas;
struct iommufd_device;
struct iommufd_access;
struct iommufd_fault;

/* ---- objects (main.c) ---- */

enum iommufd_object_type {
	IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_ANY = IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_DEVICE,
	IOMMUFD_OBJ_FAULT,
	IOMMUFD_OBJ_HWPT_PAGING,
	IOMMUFD_OBJ_HWPT_NESTED,
	IOMMUFD_OBJ_IOAS,
	IOMMUFD_OBJ_ACCESS,
	IOMMUFD_OBJ_SELFTEST,
	IOMMUFD_OBJ_MAX,
};

#define IOMMUFD_OBJ_MAGIC 0x10fd0b1e

/*
 * The head of every object (first member). users counts long-term holders:
 * the ID table's own reference plus every object or ioctl using it;
 * DESTROY succeeds only when users is 1. shortterm_users counts ioctls in
 * flight, so destroy can wait for them to drop out.
 */
struct iommufd_object {
	refcount_t shortterm_users;
	refcount_t users;
	enum iommufd_object_type type;
	u32 id;
	u32 magic;			/* IOMMUFD_OBJ_MAGIC while alive */
};

/*
 * One open /dev/iommu (or an in-kernel user's context). refs counts the
 * file and every kernel user that must keep the objects alive (accesses,
 * bound VFIO devices); the last put destroys the object graph.
 */
struct iommufd_ctx {
	struct plat_mutex lock;		/* protects objects */
	struct idtab objects;		/* id -> object (IDTAB_ZERO until finalized) */
	/* protects vfio_ioas (inside lock): every VFIO map and unmap reads it */
	spinlock_t vfio_ioas_lock;
	struct iommufd_ioas *vfio_ioas;	/* the VFIO compatibility IOAS */
	refcount_t refs;
	u8 account_mode;		/* enum iommufd_account_mode for new maps */
	spinlock_t pages_cache_lock;	/* protects the two below */
	unsigned int npages_cached;
	struct iopt_pages *pages_cache[IOMMUFD_PAGES_CACHE];
};

/* pages.c: empty ictx's pages cache (the context goes). */
void iopt_pages_cache_drain(struct iommufd_ctx *ictx);


struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx, size_t size,
					     enum iommufd_object_type type);
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))
/* Allocate *ptr, whose first member must be its struct iommufd_object member. */
#define __iommufd_object_alloc(ictx, ptr, type, member)                       \
	((__typeof__(ptr))_iommufd_object_alloc(ictx, sizeof(*(ptr)) +        \
		BUILD_BUG_ON_ZERO(offsetof(__typeof__(*(ptr)), member) != 0), type))
#define iommufd_object_alloc(ictx, ptr, type) __iommufd_object_alloc(ictx, ptr, type, obj)
void iommufd_object_finalize(struct iommufd_ctx *ictx, struct iommufd_object *obj);
void iommufd_object_abort(struct iommufd_ctx *ictx, struct iommufd_object *obj);
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj);
struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id,
					  enum iommufd_object_type type);
void iommufd_obj_bad_magic(const struct iommufd_object *obj, const char *who);

/* A freed or foreign pointer where an object should be: our own broken invariant. */
static inline void iommufd_check_magic(const struct iommufd_object *obj, const char *who)
{
	if (IS_ENABLED(CONFIG_DEBUG) && obj->magic != IOMMUFD_OBJ_MAGIC)
		iommufd_obj_bad_magic(obj, who);
}

/*
 * Take a users and a shortterm reference unless the object is dying.
 * Inline: every ioctl on an object takes and drops one pair.
 */
static inline bool iommufd_lock_obj(struct iommufd_object *obj)
{
	iommufd_check_magic(obj, "iommufd_lock_obj");
	if (!refcount_inc_not_zero(&obj->users))
		return false;
	if (!refcount_inc_not_zero(&obj->shortterm_users)) {
		refcount_dec(&obj->users);
		return false;
	}
	return true;
}

/*
 * The last thing done with obj: after the shortterm count drops, a waiting
 * destroy may free it at once (bug class: put racing destroy).
 */
static inline void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	iommufd_check_magic(obj, "iommufd_put_object");
	refcount_dec(&obj->users);
	refcount_dec_and_test(&obj->shortterm_users);
}

#define REMOVE_WAIT_SHORTTERM 1
int iommufd_object_remove(struct iommufd_ctx *ictx, struct iommufd_object *to_destroy,
			  u32 id, unsigned int flags);
/* Destroy an object the kernel holds a users reference on (unbind, access). */
static inline void iommufd_object_destroy_user(struct iommufd_ctx *ictx,
					       struct iommufd_object *obj)
{
	iommufd_object_remove(ictx, obj, obj->id, REMOVE_WAIT_SHORTTERM);
}

/* Drop our users reference and destroy the object if nobody else holds it. */
static inline void iommufd_object_put_and_try_destroy(struct iommufd_ctx *ictx,
						      struct iommufd_object *obj)
{
	iommufd_object_remove(ictx, obj, obj->id, 0);
}

int iommufd_ucmd_respond(struct iommufd_ucmd *ucmd, size_t cmd_len);
void iommufd_test_free_object(struct iommufd_object *obj);
/* The fd layer's anonymous fds (NULL until one installs them). */
extern const struct iommufd_fd_ops *iommufd_fd_ops;

/* ---- io_pagetable (io_pagetable.c) ---- */

/*
 * The IOVA space of an IOAS: areas, reserved and allowed ranges, and the
 * domains that mirror every area. domains_rwsem protects domains;
 * iova_rwsem protects the trees, access_list and iova_alignment. Whatever
 * changes the domains (and the areas' storage) holds both for write, so
 * iova_rwsem held for write alone also keeps the domains as they are: a
 * map and an unmap take only that one.
 */
struct io_pagetable {
	struct plat_rwsem domains_rwsem;
	struct plat_rwsem iova_rwsem;
	struct itree_root area_itree;
	struct itree_root allowed_itree;	/* empty: everything allowed */
	struct itree_root reserved_itree;
	struct iommu_domain **domains;
	unsigned int ndomains, domains_cap;
	struct idtab access_list;	/* u32 id -> struct iommufd_access */
	unsigned long iova_alignment;
	bool disable_large_pages;
};

#define IOPT_ALLOC_IOVA 1

void iopt_init_table(struct io_pagetable *iopt);
void iopt_destroy_table(struct io_pagetable *iopt);
int iopt_map_user_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, u64 uptr, unsigned long length,
			int iommu_prot, unsigned int flags);
int iopt_map_file_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, int fd, u64 start, unsigned long length,
			int iommu_prot, unsigned int flags);
/* Whether every area of iopt maps a file (IOMMU_IOAS_CHANGE_PROCESS). */
bool iopt_all_file_areas(struct io_pagetable *iopt);
int iopt_map_pages(struct io_pagetable *iopt, struct list_head *pages_list,
		   unsigned long length, unsigned long *dst_iova, int iommu_prot,
		   unsigned int flags);
void iopt_free_pages_list(struct list_head *pages_list);
int iopt_get_pages(struct io_pagetable *iopt, unsigned long iova, unsigned long length,
		   struct list_head *pages_list);
int iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova, unsigned long length,
		    unsigned long *unmapped);
int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped);
int iopt_set_allow_iova(struct io_pagetable *iopt, struct itree_root *allowed);
int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start, unsigned long last,
		      void *owner);
void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner);
int iopt_table_add_domain(struct io_pagetable *iopt, struct iommu_domain *domain);
void iopt_table_remove_domain(struct io_pagetable *iopt, struct iommu_domain *domain);
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt,
					struct iommu_dev *dev, void *owner);
int iopt_cut_iova(struct io_pagetable *iopt, unsigned long *iovas, size_t num_iovas);
void iopt_enable_large_pages(struct io_pagetable *iopt);
int iopt_disable_large_pages(struct io_pagetable *iopt);
int iopt_add_access(struct io_pagetable *iopt, struct iommufd_access *access);
void iopt_remove_access(struct io_pagetable *iopt, struct iommufd_access *access,
			u32 iopt_access_list_id);

/* ---- IOAS (ioas.c) ---- */

/*
 * The IO Address Space is the user-visible page table: IOAS_MAP/UNMAP/COPY
 * change it, and every HW_PAGETABLE attached to it mirrors it in its
 * domain. mutex protects hwpt_list.
 */
struct iommufd_ioas {
	struct iommufd_object obj;
	struct io_pagetable iopt;
	struct plat_mutex mutex;
	struct list_head hwpt_list;	/* struct iommufd_hwpt_paging.hwpt_item */
};

struct iommufd_ioas *iommufd_ioas_alloc(struct iommufd_ctx *ictx);
void iommufd_ioas_destroy(struct iommufd_object *obj);
struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ictx, u32 id);
int iommufd_ioas_option(struct iommufd_ucmd *ucmd);
int iommufd_option_rlimit_mode(struct iommu_option *cmd, struct iommufd_ctx *ictx);

/* ---- HW_PAGETABLE (hw_pagetable.c) ---- */

/*
 * A hardware page table: an iommu_domain user space can attach devices to.
 * A PAGING one is kept equal to its IOAS (an auto_domain one was made by
 * attaching a device to an IOAS and dies with its last device); a NESTED
 * one is a user-owned stage 1 on a PAGING parent that was made a
 * nest_parent. fault, when set, takes the page requests of its devices.
 */
struct iommufd_hw_pagetable {
	struct iommufd_object obj;
	struct iommu_domain *domain;
	struct iommufd_fault *fault;
};

struct iommufd_hwpt_paging {
	struct iommufd_hw_pagetable common;
	struct iommufd_ioas *ioas;
	struct list_head hwpt_item;	/* in ioas->hwpt_list */
	bool auto_domain;
	bool enforce_cache_coherency;
	bool nest_parent;
	bool in_iopt;			/* domain added to ioas->iopt */
};

struct iommufd_hwpt_nested {
	struct iommufd_hw_pagetable common;
	struct iommufd_hwpt_paging *parent;	/* holds a users reference */
};

static inline struct iommufd_hwpt_paging *to_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	return container_of(hwpt, struct iommufd_hwpt_paging, common);
}

/* The PAGING HWPT behind hwpt: itself, or a nested one's parent. */
static inline struct iommufd_hwpt_paging *find_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->obj.type == IOMMUFD_OBJ_HWPT_NESTED)
		return container_of(hwpt, struct iommufd_hwpt_nested, common)->parent;
	return to_hwpt_paging(hwpt);
}

struct iommufd_hwpt_paging *
iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			  struct iommufd_device *idev, u32 flags, bool immediate_attach);
void iommufd_hwpt_paging_destroy(struct iommufd_object *obj);
void iommufd_hwpt_paging_abort(struct iommufd_object *obj);
void iommufd_hwpt_nested_destroy(struct iommufd_object *obj);
void iommufd_hw_pagetable_put(struct iommufd_ctx *ictx, struct iommufd_hw_pagetable *hwpt);
struct iommufd_hwpt_paging *iommufd_get_hwpt_paging(struct iommufd_ucmd *ucmd, u32 id);

/* ---- FAULT (fault.c) ---- */

/*
 * A queue of I/O page requests for user space: requests of devices
 * attached to HWPTs made with this fault_id are read from its fd as
 * struct iommu_hwpt_pgfault and answered by writing
 * struct iommu_hwpt_page_response with the cookie read. mutex protects
 * deliver and response.
 */
struct iommufd_fault {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct plat_mutex mutex;
	struct list_head deliver;	/* struct iommufd_fault_group, not read yet */
	struct idtab response;		/* cookie -> group read and awaiting its answer */
};

void iommufd_fault_destroy(struct iommufd_object *obj);
struct iommufd_fault *iommufd_get_fault(struct iommufd_ucmd *ucmd, u32 id);
int iommufd_fault_iopf_handler(struct iommu_domain *d, struct iommu_dev *dev,
			       const struct iommu_page_request *req);
/* Answer INVALID every request of idev still queued or awaiting an answer on hwpt's fault. */
void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct iommufd_device *idev);
void iommufd_device_page_request(struct iommufd_device *idev,
				 const struct iommu_page_request *req);
/* The DEVICE object that owns dev in any context (NULL: none); bound_lock inside. */
struct iommufd_device *iommufd_device_of(struct iommu_dev *dev);

/* ---- dirty tracking (io_pagetable.c) ---- */

int iopt_set_dirty_tracking(struct io_pagetable *iopt, struct iommu_domain *domain,
			    bool enable);
int iopt_read_and_clear_dirty_data(struct io_pagetable *iopt, struct iommu_domain *domain,
				   unsigned long flags,
				   struct iommu_hwpt_get_dirty_bitmap *bitmap);

/* ---- DEVICE (device.c) ---- */

/*
 * A device bound to a context: owns the iommu_dev's DMA for as long as it
 * is bound. hwpt is what it is attached to (NULL: blocked).
 */
struct iommufd_device {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommu_dev *dev;
	struct plat_mutex lock;		/* protects hwpt, pasids; taken before ioas->mutex */
	struct iommufd_hw_pagetable *hwpt;
	struct list_head pasids;	/* struct iommufd_pasid_attach: PASIDs attached */
	bool enforce_cache_coherency;
	struct list_head bound_item;	/* in the list of claimed iommu_devs */
};

/*
 * A PASID of a device attached to a HWPT (a users reference on it). The
 * device's reserved regions are enforced for its RID's attachment only:
 * requests with a PASID never reach the interrupt window.
 */
struct iommufd_pasid_attach {
	struct list_head node;
	u32 pasid;
	struct iommufd_hw_pagetable *hwpt;
};

void iommufd_device_destroy(struct iommufd_object *obj);
struct iommufd_device *iommufd_get_device(struct iommufd_ucmd *ucmd, u32 id);
int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt,
				struct iommufd_device *idev);
struct iommufd_hw_pagetable *iommufd_hw_pagetable_detach(struct iommufd_device *idev);

/* ---- ACCESS (access.c) ---- */

/*
 * An in-kernel user that reads and writes IOAS memory with the CPU
 * (emulated devices): pins pages by IOVA or copies through them.
 */
struct iommufd_access {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct plat_mutex ioas_lock;	/* protects ioas, ioas_unpin, iopt_access_list_id */
	struct iommufd_ioas *ioas;	/* where pins and copies go; NULL while moving */
	struct iommufd_ioas *ioas_unpin;	/* where unpins go */
	const struct iommufd_access_ops *ops;
	void *data;
	unsigned long iova_alignment;
	u32 iopt_access_list_id;
};

void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length);
void iommufd_access_destroy_object(struct iommufd_object *obj);

/* ---- VFIO compatibility (vfio_compat.c) ---- */

/* ---- self-test (selftest.c) ---- */

void iommufd_selftest_destroy(struct iommufd_object *obj);

#endif
