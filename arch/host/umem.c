// SPDX-License-Identifier: MIT
/*
 * lib/platform.h's user memory on Linux: the "user" is this process, reached
 * with process_vm_readv/writev so bad pointers give EFAULT (or, turned on
 * by host_user_copy_fast, a plain copy whose fault we catch). Pins behave as
 * Linux's: a pinned page outlives the program's own mapping of it until it
 * is unpinned. While pinned, an anonymous private page lives in a memfd
 * (same contents, mapped shared over it) and a shared one is aliased by
 * mremap; the "physical address" of a pinned page is where our own alias
 * maps it. When its last pin goes, a page the program still maps becomes
 * private anonymous memory again, with what it then holds.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>
#include "lib/platform.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/list.h"
#include "arch/host/host.h"

/* Our pid, cached (a syscall per copy is what user copies cost hosted). */
static pid_t self_pid;
static int pagemap_fd = -1;

/*
 * File calls straight to Linux: in the library, open/read/close are the
 * preload's (ioctl-sim, a layer above this one).
 */
static int sys_open(const char *path)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
}

static ssize_t sys_read(int fd, void *buf, size_t n)
{
	return syscall(SYS_read, fd, buf, n);
}

static ssize_t sys_pread(int fd, void *buf, size_t n, off_t off)
{
	return syscall(SYS_pread64, fd, buf, n, off);
}

static void sys_close(int fd)
{
	syscall(SYS_close, fd);
}

static void forked_child(void)
{
	self_pid = getpid();
	if (pagemap_fd >= 0)
		sys_close(pagemap_fd);	/* it reads the parent's page tables */
	pagemap_fd = -1;
}

static void __attribute__((constructor)) umem_init(void)
{
	pthread_atfork(NULL, NULL, forked_child);
}

static pid_t self(void)
{
	if (!self_pid)
		self_pid = getpid();
	return self_pid;
}

/*
 * The fast user copy (host_user_copy_fast): one "rep movsb"; when a bad
 * pointer faults in it, our SIGSEGV/SIGBUS handler moves the instruction
 * pointer to the code after it that returns -EFAULT (Linux's exception
 * table, in user space; no longjmp, so the sanitizers see nothing odd).
 * Off by default: a program's own SIGSEGV handler would take the fault.
 */
extern const char umem_copy_insn[], umem_copy_fixup[];
static bool copy_fast;
static struct sigaction old_segv, old_bus;

#ifdef __clang__
__attribute__((noinline))
#else
__attribute__((noinline, noclone))
#endif
static int fast_copy(void *dst, const void *src, size_t n)
{
	int ret = -EFAULT;

	asm volatile(".hidden umem_copy_insn, umem_copy_fixup\n"
		     "umem_copy_insn: rep movsb\n\t"
		     "xorl %0, %0\n"
		     "umem_copy_fixup:"
		     : "+r"(ret), "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return ret;
}

/* Not a copy's fault: what the signal did before we came (default: die of it). */
static void chain(int sig, siginfo_t *si, void *uc)
{
	struct sigaction *old = sig == SIGBUS ? &old_bus : &old_segv;

	if (old->sa_flags & SA_SIGINFO && old->sa_sigaction)
		old->sa_sigaction(sig, si, uc);
	else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN)
		old->sa_handler(sig);
	else
		signal(sig, SIG_DFL);	/* the faulting access runs again and kills */
}

static void user_fault(int sig, siginfo_t *si, void *uc)
{
	greg_t *ip = &((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];

	if (*ip == (greg_t)(uintptr_t)umem_copy_insn)
		*ip = (greg_t)(uintptr_t)umem_copy_fixup;
	else
		chain(sig, si, uc);
}

void host_user_copy_fast(bool on)
{
	static bool installed;

	if (on && !installed) {
		struct sigaction sa = { .sa_sigaction = user_fault,
					.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK };

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSEGV, &sa, &old_segv) || sigaction(SIGBUS, &sa, &old_bus))
			return;
		installed = true;
	}
	copy_fast = on;
}

/* Move n bytes between our buffer and "user" address uaddr of this process. */
static int vm_copy(void *local, u64 uaddr, size_t n, bool to_user)
{
	u64 end;

	if (check_add_overflow(uaddr, (u64)n, &end))
		return -EFAULT;
	if (copy_fast && n)
		return to_user ? fast_copy((void *)(uintptr_t)uaddr, local, n) :
				 fast_copy(local, (const void *)(uintptr_t)uaddr, n);
	while (n) {
		struct iovec l = { local, n }, r = { (void *)(uintptr_t)uaddr, n };
		ssize_t got = to_user ? process_vm_writev(self(), &l, 1, &r, 1, 0) :
					process_vm_readv(self(), &l, 1, &r, 1, 0);

		if (got <= 0)
			return -EFAULT;
		local = (char *)local + got;
		uaddr += (u64)got;
		n -= (size_t)got;
	}
	return 0;
}

int copy_from_user(void *dst, u64 usrc, size_t n)
{
	return vm_copy(dst, usrc, n, false);
}

int copy_to_user(u64 udst, const void *src, size_t n)
{
	return vm_copy((void *)src, udst, n, true);
}

#define PROBE_BATCH 512

/*
 * Probe the first byte of each page: readable, and for write also
 * writable (the byte is written back with the value just read; a thread
 * storing to that very byte at that instant would lose its store).
 */
static int probe_pages(u64 uva, unsigned long npages, bool write)
{
	struct iovec remote[PROBE_BATCH], local;
	char bytes[PROBE_BATCH];

	for (unsigned long i = 0; copy_fast && i < npages; i++) {
		void *p = (void *)(uintptr_t)(uva + i * PAGE_SIZE);

		if (fast_copy(bytes, p, 1) || (write && fast_copy(p, bytes, 1)))
			return -EFAULT;
	}
	for (unsigned long done = 0; !copy_fast && done < npages; ) {
		unsigned long n = min(npages - done, (unsigned long)PROBE_BATCH);

		for (unsigned long i = 0; i < n; i++) {
			remote[i].iov_base = (void *)(uintptr_t)(uva + (done + i) * PAGE_SIZE);
			remote[i].iov_len = 1;
		}
		local.iov_base = bytes;
		local.iov_len = n;
		if (process_vm_readv(self(), &local, 1, remote, n, 0) != (ssize_t)n)
			return -EFAULT;
		if (write && process_vm_writev(self(), &local, 1, remote, n, 0) != (ssize_t)n)
			return -EFAULT;
		done += n;
	}
	return 0;
}

/*
 * Pages pinned together: the user's pages [uva, uva + npages pages) as they
 * were when pinned, kept alive by our alias of the file behind them.
 * Protected by runs_lock; runs is most recently used first.
 */
struct pin_run {
	struct list_head node;
	u64 uva;
	unsigned long npages;
	char *alias;		/* page i's "physical address" is alias + i pages */
	bool own_alias;		/* false: alias == uva, not kept alive (stack, files, huge) */
	bool moved;		/* private pages moved into a memfd: moved back at the end */
	int prot;		/* the program's protection of them */
	dev_t dev;		/* the file behind: a memfd, or the user's shared file */
	ino_t ino;
	unsigned long pgoff;	/* its page behind page 0 */
	unsigned long pins;	/* references over all pages */
	u64 *pfn;		/* frames of the alias's pages as last seen (0: not yet) */
	unsigned int refs[];
};

static LIST_HEAD(runs);
static pthread_mutex_t runs_lock = PTHREAD_MUTEX_INITIALIZER;

/* A mapping of /proc/self/maps. */
struct vma {
	u64 start, end;
	bool r, w, x, shared, huge;
	bool anon;		/* private memory of no file: mmap'ed or the brk heap */
	unsigned long pgoff;	/* file page at start */
	dev_t dev;
	ino_t ino;
};

/* The mapping that holds va; 0, -EFAULT (none) or -ENOMEM. */
static int vma_of(u64 va, struct vma *v)
{
	static char *buf;
	static size_t cap;
	size_t len = 0;
	ssize_t got;
	int fd = sys_open("/proc/self/maps");
	int ret = -EFAULT;

	if (fd < 0)
		return -ENOMEM;
	for (;;) {
		if (len + 4096 > cap) {
			char *b = failable(realloc(buf, cap * 2 + 65536));

			if (!b) {
				sys_close(fd);
				return -ENOMEM;
			}
			buf = b;
			cap = cap * 2 + 65536;
		}
		got = sys_read(fd, buf + len, cap - len - 1);
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	sys_close(fd);
	buf[len] = 0;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long s, e, off, ino;
		unsigned int maj, mnr;
		const char *path;
		char perm[5];
		int pos = 0;

		char *end;

		/* the range first: only the line that holds va is worth a sscanf */
		s = strtoul(line, &end, 16);
		if (*end != '-' || va < s || va >= strtoul(end + 1, NULL, 16))
			continue;
		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu%n", &s, &e, perm, &off, &maj, &mnr, &ino,
			   &pos) < 7 || va < s || va >= e)
			continue;
		for (path = line + pos; *path == ' ' || *path == '\t'; path++)
			;
		*v = (struct vma){ .start = s, .end = e, .r = perm[0] == 'r', .w = perm[1] == 'w',
				   .x = perm[2] == 'x', .shared = perm[3] == 's',
				   .pgoff = off / PAGE_SIZE, .dev = makedev(maj, mnr), .ino = ino };
		v->huge = !strncmp(path, "/anon_hugepage", 14);
		v->anon = !v->shared && !ino && (*path == '\n' || !*path || !strncmp(path, "[heap]", 6));
		ret = 0;
		break;
	}
	return ret;
}

#define PFN_BATCH 512

/*
 * Page frames behind n pages from va (0 where not present or not visible:
 * no CAP_SYS_ADMIN), from /proc/self/pagemap.
 */
static void pfns_of(u64 va, unsigned long n, u64 *pfn)
{
	ssize_t got = -1;

	if (pagemap_fd < 0)
		pagemap_fd = sys_open("/proc/self/pagemap");
	if (pagemap_fd >= 0)
		got = sys_pread(pagemap_fd, pfn, n * 8, (off_t)(va / PAGE_SIZE * 8));
	for (unsigned long i = 0; i < n; i++)
		pfn[i] = got == (ssize_t)(n * 8) && pfn[i] >> 63 ? pfn[i] & ((1ULL << 55) - 1) : 0;
}

/* Does the user's page at va still hold page i of r (seen at frame pfn, 0: unknown)? */
static bool run_holds(struct pin_run *r, unsigned long i, u64 va, u64 pfn)
{
	struct vma v;

	if (!r->own_alias)
		return false;	/* nothing of its own to share: each pin takes a new run */
	if (pfn && r->pfn[i] == pfn)
		return true;
	if (pfn) {
		/* the alias may have moved (page migration): look again */
		pfns_of((u64)(uintptr_t)r->alias + i * PAGE_SIZE, 1, &r->pfn[i]);
		if (r->pfn[i])
			return r->pfn[i] == pfn;
	}
	/* frames not visible: compare the file and page behind both */
	return !vma_of(va, &v) && v.dev == r->dev && v.ino == r->ino &&
	       v.pgoff + (va - v.start) / PAGE_SIZE == r->pgoff + i;
}

/*
 * Give the program private anonymous pages again, with what our copy holds,
 * at the n pages from page i that it still maps from us (a store by
 * another thread meanwhile is lost, as when they were moved in).
 */
static void move_back(struct pin_run *r, unsigned long i, unsigned long n)
{
	size_t len = n * PAGE_SIZE;
	void *at = (void *)(uintptr_t)(r->uva + i * PAGE_SIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;	/* they stay shared: same contents, only MADV_DONTNEED differs */
	memcpy(p, r->alias + i * PAGE_SIZE, len);
	if (mprotect(p, len, r->prot) ||
	    mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, at) == MAP_FAILED)
		munmap(p, len);
}

static void run_free(struct pin_run *r)
{
	list_del(&r->node);
	for (unsigned long i = 0, n; r->moved && i < r->npages; i += n + 1) {
		u64 pfn[PFN_BATCH];
		unsigned long batch = min(r->npages - i, (unsigned long)PFN_BATCH);

		pfns_of(r->uva + i * PAGE_SIZE, batch, pfn);
		for (n = 0; n < batch && run_holds(r, i + n, r->uva + (i + n) * PAGE_SIZE, pfn[n]);)
			n++;
		if (n)
			move_back(r, i, n);
	}
	if (r->own_alias)
		munmap(r->alias, r->npages * PAGE_SIZE);
	free(r->pfn);
	free(r);
}

/*
 * The run whose page the user's page va (at frame pfn, 0: unknown) still
 * is, with its index; NULL: none.
 */
static struct pin_run *run_at(u64 va, u64 pfn, unsigned long *idx)
{
	struct pin_run *r, *n;

	list_for_each_entry_safe(r, n, &runs, node) {
		if (va < r->uva || va >= r->uva + r->npages * PAGE_SIZE)
			continue;
		*idx = (va - r->uva) / PAGE_SIZE;
		if (run_holds(r, *idx, va, pfn)) {
			list_move(&r->node, &runs);
			return r;
		}
	}
	return NULL;
}

static struct pin_run *run_new(u64 uva, unsigned long n)
{
	struct pin_run *r = failable(calloc(1, sizeof(*r) + n * sizeof(r->refs[0])));

	if (!r)
		return NULL;
	r->pfn = failable(calloc(n, sizeof(r->pfn[0])));
	if (!r->pfn) {
		free(r);
		return NULL;
	}
	r->uva = uva;
	r->npages = n;
	list_add(&r->node, &runs);
	return r;
}

static void run_get(struct pin_run *r, unsigned long i)
{
	r->pins++;
	r->refs[i]++;
}

/* Drop a pin; the last one ends the run. */
static void run_put(struct pin_run *r, unsigned long i)
{
	r->refs[i]--;
	if (!--r->pins)
		run_free(r);
}

#define ALIAS_ALIGN (2UL << 20)

/*
 * Room for an alias of len bytes at an address congruent to uva modulo
 * 2 MiB, so "physical" pages keep the alignment of the user's (the mock's
 * large IO pages depend on it, as on a machine whose RAM is contiguous).
 * Reserved PROT_NONE: the caller maps over it with MAP_FIXED. NULL: none.
 */
static char *alias_room(u64 uva, size_t len)
{
	size_t span = len + ALIAS_ALIGN;
	char *p, *a;

	/* the pages a pin keeps alive, as the kernel's allocation behind a pin can fail */
	if (failpoint_hit())
		return NULL;
	p = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = p + ((uva - (u64)(uintptr_t)p) & (ALIAS_ALIGN - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + span)
		munmap(a + len, (size_t)(p + span - (a + len)));
	return a;
}

/*
 * A private page: copy it into a memfd and map that over it, so the pages
 * stay ours to keep (the copy and remap are not atomic: a store by another
 * thread to these pages meanwhile is lost).
 */
static int adopt_private(struct pin_run *r, const struct vma *v)
{
	size_t len = r->npages * PAGE_SIZE;
	int prot = (v->r ? PROT_READ : 0) | (v->w ? PROT_WRITE : 0) | (v->x ? PROT_EXEC : 0);
	int fd = memfd_create("iommufd-pin", MFD_CLOEXEC), ret = -ENOMEM;
	struct stat st;
	char *a;

	if (fd < 0)
		return -ENOMEM;
	if (ftruncate(fd, (off_t)len) || fstat(fd, &st))
		goto out;
	a = alias_room(r->uva, len);
	if (!a)
		goto out;
	if (mmap(a, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0) ==
	    MAP_FAILED) {
		munmap(a, len);
		goto out;
	}
	ret = vm_copy(a, r->uva, len, false);
	if (!ret && mmap((void *)(uintptr_t)r->uva, len, prot, MAP_SHARED | MAP_FIXED | MAP_POPULATE,
			 fd, 0) == MAP_FAILED)
		ret = -ENOMEM;
	if (ret) {
		munmap(a, len);
		goto out;
	}
	r->alias = a;
	r->own_alias = true;
	r->moved = true;
	r->prot = prot;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->pgoff = 0;
out:
	sys_close(fd);
	return ret;
}

/* A shared page: a second mapping of the same pages (mremap of size 0). */
static int adopt_shared(struct pin_run *r, const struct vma *v)
{
	size_t len = r->npages * PAGE_SIZE;
	char *room = alias_room(r->uva, len);
	char *a = room ? mremap((void *)(uintptr_t)r->uva, 0, len, MREMAP_MAYMOVE | MREMAP_FIXED,
				room) : MAP_FAILED;

	if (a == MAP_FAILED) {
		if (room)
			munmap(room, len);
		return -ENOMEM;
	}
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		(void)*(volatile char *)(a + off);	/* present, so its frame shows */
	r->alias = a;
	r->own_alias = true;
	r->dev = v->dev;
	r->ino = v->ino;
	r->pgoff = v->pgoff + (r->uva - v->start) / PAGE_SIZE;
	return 0;
}

/*
 * Pages from va on, up to left (their frames in pfn), that no run holds
 * yet, inside one mapping: a new run for them. Only anonymous private
 * memory and shared mappings are kept alive past the user's unmap; file
 * pages mapped private (the program's own code and data), huge pages and
 * the stack we run on stay where they are (alias == uva).
 */
static struct pin_run *adopt(u64 va, unsigned long left, const u64 *pfn)
{
	unsigned long n = 1, idx;
	struct pin_run *r;
	struct vma v;
	char here;
	int ret = vma_of(va, &v);

	if (ret)
		return ERR_PTR(ret);
	for (;;) {
		struct vma next;

		while (n < left && va + n * PAGE_SIZE < v.end &&
		       !run_at(va + n * PAGE_SIZE, pfn[n], &idx))
			n++;
		/* private memory split only by earlier runs continues in the next mapping */
		if (n == left || va + n * PAGE_SIZE != v.end || !v.anon || vma_of(v.end, &next) ||
		    !next.anon || next.r != v.r || next.w != v.w || next.x != v.x ||
		    run_at(v.end, pfn[n], &idx))
			break;
		v.end = next.end;
	}
	r = run_new(va, n);
	if (!r)
		return ERR_PTR(-ENOMEM);
	if (v.huge || (!v.shared && !v.anon) ||
	    ((u64)(uintptr_t)&here >= v.start && (u64)(uintptr_t)&here < v.end)) {
		r->alias = (char *)(uintptr_t)va;
		return r;
	}
	ret = v.shared ? adopt_shared(r, &v) : adopt_private(r, &v);
	if (ret) {
		run_free(r);
		return ERR_PTR(ret);
	}
	pfns_of((u64)(uintptr_t)r->alias, n, r->pfn);
	return r;
}

static void unpin_locked(const phys_addr_t *pas, unsigned long npages)
{
	for (unsigned long k = 0; k < npages; k++) {
		struct pin_run *r;
		bool found = false;

		list_for_each_entry(r, &runs, node) {
			u64 a = (u64)(uintptr_t)r->alias;
			unsigned long i = (pas[k] - a) / PAGE_SIZE;

			if (pas[k] < a || i >= r->npages || !r->refs[i])
				continue;
			found = true;
			run_put(r, i);
			break;
		}
		if (!found)
			plat_warn("plat_unpin_pages: %#llx was not pinned", (unsigned long long)pas[k]);
	}
}

/* One process, one address space: no mm to keep. */
void *plat_mm_get(void)
{
	return NULL;
}

void plat_mm_put(void *mm)
{
}

bool plat_mm_is_current(void *mm)
{
	return true;
}

int plat_pin_user_pages(void *mm, u64 uva, unsigned long npages, bool write, phys_addr_t *pas)
{
	u64 bytes, end;
	unsigned long i = 0;
	int ret;

	if (uva % PAGE_SIZE || check_mul_overflow((u64)npages, (u64)PAGE_SIZE, &bytes) ||
	    check_add_overflow(uva, bytes, &end))
		return -EFAULT;
	ret = probe_pages(uva, npages, write);
	if (ret)
		return ret;
	pthread_mutex_lock(&runs_lock);
	while (i < npages) {
		u64 va = uva + i * PAGE_SIZE, pfn[PFN_BATCH];
		unsigned long idx, n = 1, batch = min(npages - i, (unsigned long)PFN_BATCH);
		struct pin_run *r;

		pfns_of(va, batch, pfn);
		r = run_at(va, pfn[0], &idx);
		if (r) {
			/* the pages after it that are still the run's, seen in one read */
			while (n < batch && idx + n < r->npages && pfn[n] && pfn[n] == r->pfn[idx + n])
				n++;
		} else {
			/* a new run: all of its pages are the ones from va on */
			r = adopt(va, batch, pfn);
			if (IS_ERR(r)) {
				ret = (int)PTR_ERR(r);
				unpin_locked(pas, i);
				break;
			}
			idx = 0;
			n = r->npages;
		}
		for (unsigned long k = 0; k < n; k++, idx++, i++) {
			run_get(r, idx);
			pas[i] = (u64)(uintptr_t)r->alias + idx * PAGE_SIZE;
		}
	}
	pthread_mutex_unlock(&runs_lock);
	return ret;
}

void plat_unpin_pages(void *mm, const phys_addr_t *pas, unsigned long npages)
{
	pthread_mutex_lock(&runs_lock);
	unpin_locked(pas, npages);
	pthread_mutex_unlock(&runs_lock);
}

void *plat_phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

int plat_user_to_phys(u64 uva, phys_addr_t *pa)
{
	struct pin_run *r;
	unsigned long idx;
	u64 pfn;
	char c;

	if (copy_from_user(&c, uva, 1))
		return -EFAULT;
	pthread_mutex_lock(&runs_lock);
	pfns_of(uva & PAGE_MASK, 1, &pfn);
	r = run_at(uva & PAGE_MASK, pfn, &idx);
	*pa = r ? (u64)(uintptr_t)r->alias + idx * PAGE_SIZE + uva % PAGE_SIZE : uva;
	pthread_mutex_unlock(&runs_lock);
	return 0;
}
