// SPDX-License-Identifier: MIT
/*
 * lib/platform.h in the kernel: spinning locks that report a deadlock
 * instead of hanging, and user memory: the running ring-3 process's, or with
 * none a kernel address (direct map, or the image). Copies: uaccess.c.
 */
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/proc.h"
#include "arch/x86/uaccess.h"
#include "lib/platform.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define LOCK_SPINS	(1UL << 30)	/* seconds of spinning: a deadlock, not contention */

struct kmutex {
	int locked;
};

/*
 * The rwsem is one atomic word: the number of readers, or RWSEM_WRITER.
 * Taking or dropping it is one compare-and-swap (was a guard lock around
 * two fields: four atomics per round trip on the 4K map/unmap path).
 */
#define RWSEM_WRITER (-1)

struct krwsem {
	int state;	/* readers holding it, or RWSEM_WRITER */
	int waiting;	/* writers spinning for it: new readers hold back */
};

_Static_assert(sizeof(struct kmutex) <= sizeof(((struct plat_mutex *)0)->opaque), "mutex");
_Static_assert(sizeof(struct krwsem) <= sizeof(((struct plat_rwsem *)0)->opaque), "rwsem");

void plat_mutex_init_class(struct plat_mutex *m, const char *name)
{
	memset(m, 0, sizeof(*m));
	m->name = name;
}

void plat_mutex_destroy(struct plat_mutex *m)
{
	if (((struct kmutex *)m)->locked)
		plat_warn("plat_mutex_destroy: %p is locked", (void *)m);
}

void plat_mutex_lock(struct plat_mutex *m)
{
	struct kmutex *k = (struct kmutex *)m;

	lockdep_acquire(m, m->name, true);
	for (unsigned long spins = 0; spins < LOCK_SPINS; spins++) {
		if (!__atomic_exchange_n(&k->locked, 1, __ATOMIC_ACQUIRE))
			return;
		__builtin_ia32_pause();
	}
	panic("plat_mutex_lock: %p never became free (deadlock)", (void *)m);
}

void plat_mutex_unlock(struct plat_mutex *m)
{
	lockdep_release(m);
	__atomic_store_n(&((struct kmutex *)m)->locked, 0, __ATOMIC_RELEASE);
}

void plat_rwsem_init_class(struct plat_rwsem *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
}

void plat_rwsem_destroy(struct plat_rwsem *s)
{
	struct krwsem *k = (struct krwsem *)s;

	if (__atomic_load_n(&k->state, __ATOMIC_RELAXED))
		plat_warn("plat_rwsem_destroy: %p is held", (void *)s);
}

/*
 * One try: a writer needs the word at 0; a reader anything but
 * RWSEM_WRITER, and no writer waiting, so a stream of overlapping readers
 * cannot keep a writer out until the deadlock panic (every map and unmap
 * is a writer of its IOAS). A reader never nests in its own read hold
 * (lockdep reports that), so holding back cannot deadlock it.
 */
static bool try_down(struct krwsem *k, bool write)
{
	int old = __atomic_load_n(&k->state, __ATOMIC_RELAXED);

	if (write ? old != 0 : old < 0 || __atomic_load_n(&k->waiting, __ATOMIC_RELAXED))
		return false;
	return __atomic_compare_exchange_n(&k->state, &old, write ? RWSEM_WRITER : old + 1,
					   false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Take the semaphore for reading (write false) or writing, or panic on deadlock. */
static void down(struct plat_rwsem *s, bool write)
{
	struct krwsem *k = (struct krwsem *)s;

	if (write)
		lockdep_acquire(s, s->name, true);
	else
		lockdep_acquire_read(s, s->name);
	for (unsigned long spins = 0; spins < LOCK_SPINS; spins++) {
		if (try_down(k, write)) {
			if (write && spins)
				__atomic_fetch_sub(&k->waiting, 1, __ATOMIC_RELAXED);
			return;
		}
		if (write && !spins)
			__atomic_fetch_add(&k->waiting, 1, __ATOMIC_RELAXED);
		__builtin_ia32_pause();
	}
	panic("plat_down_%s: %p never became free (deadlock)", write ? "write" : "read",
	      (void *)s);
}

void plat_down_read(struct plat_rwsem *s)
{
	down(s, false);
}

void plat_down_write(struct plat_rwsem *s)
{
	down(s, true);
}

void plat_up_read(struct plat_rwsem *s)
{
	lockdep_release(s);
	__atomic_fetch_sub(&((struct krwsem *)s)->state, 1, __ATOMIC_RELEASE);
}

void plat_up_write(struct plat_rwsem *s)
{
	lockdep_release(s);
	__atomic_store_n(&((struct krwsem *)s)->state, 0, __ATOMIC_RELEASE);
}

void plat_yield(void)
{
	__builtin_ia32_pause();
}

void *plat_mm_get(void)
{
	struct proc *p = proc_current();

	if (!p)
		return NULL;
	uvm_get(p->uvm);
	return p->uvm;
}

void plat_mm_put(void *mm)
{
	if (mm)
		uvm_put(mm);
}

bool plat_mm_is_current(void *mm)
{
	struct proc *p = proc_current();

	return mm == (p ? p->uvm : NULL);
}

/*
 * A process's pages come from its page tables (uvm_pin), mm's whichever
 * process runs. With no process (mm NULL), only allocated direct-map RAM
 * can be pinned: page_get needs a live page.
 */
int plat_pin_user_pages(void *mm, u64 uva, unsigned long npages, bool write, phys_addr_t *pas)
{
	u64 bytes;

	if (mm) {
		int ret = uvm_pin(mm, uva, npages, write, pas);

		return ret == -EINVAL ? -EFAULT : ret;
	}
	if (uva % PAGE_SIZE || check_mul_overflow((u64)npages, (u64)PAGE_SIZE, &bytes) ||
	    !kernel_ram_range(uva, bytes))
		return -EFAULT;
	for (unsigned long i = 0; i < npages; i++)
		if (page_refcount(uva - DIRECT_MAP_BASE + i * PAGE_SIZE) <= 0)
			return -EFAULT;
	for (unsigned long i = 0; i < npages; i++) {
		pas[i] = uva - DIRECT_MAP_BASE + i * PAGE_SIZE;
		page_get(pas[i]);
	}
	return 0;
}

void plat_unpin_pages(void *mm, const phys_addr_t *pas, unsigned long npages)
{
	if (mm) {
		uvm_unpin(pas, npages);
		return;
	}
	for (unsigned long i = 0; i < npages; i++)
		page_put(pas[i]);
}

void *plat_phys_to_virt(phys_addr_t pa)
{
	return phys_to_virt(pa);
}

int plat_user_to_phys(u64 uva, phys_addr_t *pa)
{
	struct proc *p = proc_current();

	if (p)
		return uvm_user_to_phys(p->uvm, uva, pa);
	if (kernel_ram_range(uva, 1))
		*pa = uva - DIRECT_MAP_BASE;
	else if (kernel_image_range(uva, 1))
		*pa = uva - KERNEL_VMA;
	else
		return -EFAULT;
	return 0;
}

/* No memfds in this kernel's ring 3: no fd names a file IOAS_MAP_FILE can map. */
int plat_file_view(int fd, u64 start, u64 length, bool write, u64 *uva, void **ref)
{
	return -EBADF;
}

void plat_file_view_put(void *ref)
{
}

/* Ring-3 processes run without capabilities (as the oracle's uid 1000), root ones with all. */
bool plat_capable(int cap)
{
	struct proc *p = proc_current();

	return p ? p->root : cap != PLAT_CAP_IPC_LOCK;
}

unsigned long plat_memlock_limit(void)
{
	struct proc *p = proc_current();

	return p ? p->uvm->memlock_limit : ULONG_MAX;
}

static unsigned long warnings;

void plat_warn(const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&warnings, 1, __ATOMIC_RELAXED);
	printk("WARNING: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
}

unsigned long plat_warn_count(void)
{
	return __atomic_load_n(&warnings, __ATOMIC_RELAXED);
}
