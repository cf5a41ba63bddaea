/* SPDX-License-Identifier: MIT */
/*
 * The world as core/ sees it: locks, user memory (copies, pins), pinned-page
 * accounting, anonymous fds and loud warnings. Implemented twice, by
 * arch/x86/core_platform.c and ioctl-sim/host_platform.c (anon fds: ioctl-sim).
 */
#ifndef CORE_PLATFORM_H
#define CORE_PLATFORM_H

#include "lib/compiler.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	4096UL
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/*
 * --- locks (may sleep hosted; spin in the kernel). Opaque storage; an
 * all-zero lock is initialized and unlocked, so static locks need no init.
 */

struct plat_mutex {
	u64 opaque[8];
} __aligned(8);

struct plat_rwsem {
	u64 opaque[8];
} __aligned(8);

void plat_mutex_init(struct plat_mutex *m);
void plat_mutex_destroy(struct plat_mutex *m);
void plat_mutex_lock(struct plat_mutex *m);
void plat_mutex_unlock(struct plat_mutex *m);

void plat_rwsem_init(struct plat_rwsem *s);
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
 * Pin npages pages from the page-aligned user address uva (write: the device
 * may write to them) and take one pin reference on each; pas[i] receives the
 * physical address of page i. All or nothing: 0, or -EFAULT when a page is
 * not mapped (or not writable when write is set), -ENOMEM.
 */
int plat_pin_user_pages(u64 uva, unsigned long npages, bool write, phys_addr_t *pas);
/* Drop one pin reference on each page. */
void plat_unpin_pages(const phys_addr_t *pas, unsigned long npages);
/* A CPU pointer to the byte at pa of a pinned page. */
void *plat_phys_to_virt(phys_addr_t pa);
/* Physical address behind uva without pinning (self-test checks); 0 or -EFAULT. */
int plat_user_to_phys(u64 uva, phys_addr_t *pa);

/*
 * --- accounting of pinned pages against a memlock-style limit ---
 * Linux charges per user (RLIMIT_MEMLOCK, locked_vm) or per process
 * (pinned_vm); an account is whichever the mode names for the caller.
 */
enum plat_account_mode {
	PLAT_ACCOUNT_USER,
	PLAT_ACCOUNT_MM,
};

struct plat_account;

/* The current caller's account for mode, with a reference held. */
struct plat_account *plat_account_get(enum plat_account_mode mode);
void plat_account_put(struct plat_account *a);
/* Charge npages; -ENOMEM (nothing charged) past the limit. */
int plat_account_charge(struct plat_account *a, unsigned long npages);
void plat_account_uncharge(struct plat_account *a, unsigned long npages);
unsigned long plat_account_charged(const struct plat_account *a);
/* Test hook: the limit in pages for every account (ULONG_MAX: unlimited). */
void plat_set_memlock_limit(unsigned long pages);
/*
 * The caller's own limit in pages, checked as well: RLIMIT_MEMLOCK of the
 * running ring-3 process in the kernel, and of the process under
 * libiommufd-host.so; ULONG_MAX otherwise (no process, hosted unit tests).
 */
unsigned long plat_memlock_limit(void);
/* CAP_SYS_RESOURCE: may set IOMMU_OPTION_RLIMIT_MODE. */
bool plat_capable_sys_resource(void);

/*
 * --- anonymous file descriptors (IOMMU_TEST_OP_CREATE_ACCESS) ---
 * Implemented once, by ioctl-sim's fd table, for both builds. Like Linux's
 * get_unused_fd / fd_install / put_unused_fd.
 */
struct plat_anon_ops {
	const char *name;
	void (*release)(void *priv);	/* last close */
};

/* Reserve an fd number; fd >= 0 or -EMFILE / -ENOMEM. */
int plat_anon_fd_reserve(void);
/* Make fd live: from now on close(fd) calls ops->release(priv). */
void plat_anon_fd_install(int fd, const struct plat_anon_ops *ops, void *priv);
/* Give back a reserved fd that was never installed. */
void plat_anon_fd_unreserve(int fd);
/*
 * priv of fd when it was installed with ops, with a reference held (put it
 * with plat_anon_fd_put(*ref)); NULL when fd is something else.
 */
void *plat_anon_fd_get(int fd, const struct plat_anon_ops *ops, void **ref);
void plat_anon_fd_put(void *ref);

/* --- diagnostics --- */

/* A broken core invariant that is not worth a panic: print and count it. */
void plat_warn(const char *fmt, ...) __printf(1, 2);
/* Warnings since boot/start (the leak check fails a test that adds any). */
unsigned long plat_warn_count(void);

#endif
