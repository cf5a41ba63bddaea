/* SPDX-License-Identifier: MIT */
/*
 * The environment the core runs in: locks, user memory (copies, pins), the
 * caller's memlock limit and loud warnings. Part of the seam below lib/ and
 * core/, implemented twice: arch/x86/platform.c (kernel) and
 * arch/host/platform.c (hosted library and tests).
 */
#ifndef LIB_PLATFORM_H
#define LIB_PLATFORM_H

#include "lib/compiler.h"
#include "lib/spinlock.h"
#include "lib/warn.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	4096UL
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/*
 * --- locks (may sleep hosted; spin in the kernel). Opaque storage; an
 * all-zero lock is initialized and unlocked, so static locks need no init.
 * Both kinds are checked by the lock-order checker (lib/lockdep.h): name is
 * the class, set by the init macros; a static lock is a class of its own.
 */

struct plat_mutex {
	u64 opaque[7];
	const char *name;
} __aligned(8);

struct plat_rwsem {
	u64 opaque[7];
	const char *name;
} __aligned(8);

void plat_mutex_init_class(struct plat_mutex *m, const char *name);
#define plat_mutex_init(m) plat_mutex_init_class(m, LOCK_CLASS(m))
void plat_mutex_destroy(struct plat_mutex *m);
void plat_mutex_lock(struct plat_mutex *m);
void plat_mutex_unlock(struct plat_mutex *m);

void plat_rwsem_init_class(struct plat_rwsem *s, const char *name);
#define plat_rwsem_init(s) plat_rwsem_init_class(s, LOCK_CLASS(s))
void plat_rwsem_destroy(struct plat_rwsem *s);
void plat_down_read(struct plat_rwsem *s);
void plat_up_read(struct plat_rwsem *s);
void plat_down_write(struct plat_rwsem *s);
void plat_up_write(struct plat_rwsem *s);

/* Let other threads run while busy-waiting for a count to drop. */
void plat_yield(void);

/*
 * --- user memory ---
 * User addresses are opaque u64 values of the caller's address space: the
 * process's own memory hosted; in the kernel today kernel virtual addresses
 * of direct-mapped memory, later the current ring-3 process's.
 */

/* Copy n bytes; 0 or -EFAULT (then the destination may be partly written). */
int copy_from_user(void *dst, u64 usrc, size_t n);
int copy_to_user(u64 udst, const void *src, size_t n);

/*
 * The address space user memory is pinned from (Linux's mm): the caller's,
 * with a reference for plat_mm_put(); NULL where there is one address space
 * only (hosted, or kernel context). A pages object keeps its mapper's, as
 * Linux keeps source_mm: after fork, pins still come from the process that
 * mapped, and once that process is gone they fail with -EFAULT.
 */
void *plat_mm_get(void);
void plat_mm_put(void *mm);
/* Whether mm is the caller's own (user copies reach it directly). */
bool plat_mm_is_current(void *mm);
/*
 * Pin npages pages of mm from the page-aligned user address uva (write: the
 * device may write to them) and take one pin reference on each; pas[i]
 * receives the physical address of page i. All or nothing: 0, or -EFAULT
 * when a page is not mapped (or not writable when write is set), -ENOMEM.
 */
int plat_pin_user_pages(void *mm, u64 uva, unsigned long npages, bool write, phys_addr_t *pas);
/* Drop one pin reference on each page (mm: the one they were pinned from). */
void plat_unpin_pages(void *mm, const phys_addr_t *pas, unsigned long npages);
/* A CPU pointer to the byte at pa of a pinned page. */
void *plat_phys_to_virt(phys_addr_t pa);
/* Physical address behind uva without pinning (self-test checks); 0 or -EFAULT. */
int plat_user_to_phys(u64 uva, phys_addr_t *pa);

/*
 * IOMMU_IOAS_MAP_FILE: where bytes [start, start + length) of the file
 * behind the caller's fd are in user memory (*uva; pinned there like any
 * user page), and a reference for plat_file_view_put(). -EBADF no such
 * fd (the kernel: always, its ring 3 has no memfds), -EINVAL not a regular
 * file or past its end, -EPERM write to a file opened read-only.
 */
int plat_file_view(int fd, u64 start, u64 length, bool write, u64 *uva, void **ref);
void plat_file_view_put(void *ref);

/*
 * The caller's own limit in pages, checked as well: RLIMIT_MEMLOCK of the
 * running ring-3 process in the kernel, and of the process under
 * libiommufd-host.so; ULONG_MAX otherwise (no process, hosted unit tests).
 */
unsigned long plat_memlock_limit(void);
/*
 * Whether the caller has a Linux capability (Linux's numbers). The model:
 * a ring-3 process of the kernel has none; the kernel's own callers (no
 * process) have all but CAP_IPC_LOCK, so their pins are accounted; a
 * program under libiommufd-host.so has its real effective set (capget),
 * the hosted unit tests the kernel's.
 */
#define PLAT_CAP_IPC_LOCK	14	/* pins are not charged to any account */
#define PLAT_CAP_SYS_RESOURCE	24	/* may set IOMMU_OPTION_RLIMIT_MODE */
bool plat_capable(int cap);

/* --- diagnostics: plat_warn(), plat_warn_count() (lib/warn.h) --- */

#endif
