// SPDX-License-Identifier: MIT
/*
 * lib/platform.h's user memory on Linux: the "user" is this process, reached
 * with process_vm_readv/writev so bad pointers give EFAULT. Pins behave as
 * Linux's: a pinned page outlives the program's own mapping of it until it
 * is unpinned. On its first pin a private page moves into a memfd (same
 * contents, now a shared mapping) and a shared one is aliased by mremap; the
 * "physical address" of a pinned page is where our own alias maps it. A
 * run whose pins are gone stays a while (IDLE_RUNS), so pinning the same
 * buffer again costs no copy or remap.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>
#include "lib/platform.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/list.h"

/* Our pid, cached (a syscall per copy is what user copies cost hosted). */
static pid_t self_pid;
static int pagemap_fd = -1;

static void forked_child(void)
{
	self_pid = getpid();
	if (pagemap_fd >= 0)
		close(pagemap_fd);	/* it reads the parent's page tables */
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

/* Move n bytes between our buffer and "user" address uaddr of this process. */
static int vm_copy(void *local, u64 uaddr, size_t n, bool to_user)
{
	u64 end;

	if (check_add_overflow(uaddr, (u64)n, &end))
		return -EFAULT;
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

	for (unsigned long done = 0; done < npages; ) {
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

#define IDLE_RUNS 64	/* runs with no pin kept for reuse, most recent first */

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
	bool own_alias;		/* false: alias == uva, not kept alive (stack, huge pages) */
	dev_t dev;		/* the file behind: a memfd, or the user's shared file */
	ino_t ino;
	unsigned long pgoff;	/* its page behind page 0 */
	unsigned long pins;	/* references over all pages */
	u64 *pfn;		/* frames of the alias's pages as last seen (0: not yet) */
	unsigned int refs[];
};

static LIST_HEAD(runs);
static unsigned long idle_runs;
static pthread_mutex_t runs_lock = PTHREAD_MUTEX_INITIALIZER;

/* A mapping of /proc/self/maps. */
struct vma {
	u64 start, end;
	bool r, w, x, shared, huge;
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
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	int ret = -EFAULT;

	if (fd < 0)
		return -ENOMEM;
	for (;;) {
		if (len + 4096 > cap) {
			char *b = failable(realloc(buf, cap * 2 + 65536));

			if (!b) {
				close(fd);
				return -ENOMEM;
			}
			buf = b;
			cap = cap * 2 + 65536;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = 0;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long s, e, off, ino;
		unsigned int maj, mnr;
		char perm[5];
		int pos = 0;

		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &s, &e, perm, &off, &maj, &mnr, &ino,
			   &pos) < 7 || va < s || va >= e)
			continue;
		*v = (struct vma){ .start = s, .end = e, .r = perm[0] == 'r', .w = perm[1] == 'w',
				   .x = perm[2] == 'x', .shared = perm[3] == 's',
				   .pgoff = off / PAGE_SIZE, .dev = makedev(maj, mnr), .ino = ino };
		v->huge = pos && !strncmp(line + pos, "/anon_hugepage", 14);
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
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap_fd >= 0)
		got = pread(pagemap_fd, pfn, n * 8, (off_t)(va / PAGE_SIZE * 8));
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

static void run_free(struct pin_run *r)
{
	list_del(&r->node);
	idle_runs -= !r->pins;
	if (r->own_alias)
		munmap(r->alias, r->npages * PAGE_SIZE);
	free(r->pfn);
	free(r);
}

/*
 * The run whose page the user's page va (at frame pfn, 0: unknown) still
 * is, with its index; NULL: none. Idle runs found stale are dropped.
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
		if (!r->pins)
			run_free(r);
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
	idle_runs++;
	return r;
}

static void run_get(struct pin_run *r, unsigned long i)
{
	idle_runs -= !r->pins;
	r->pins++;
	r->refs[i]++;
}

/* Drop a pin; a run left with none stays for reuse, the oldest idle one goes. */
static void run_put(struct pin_run *r, unsigned long i)
{
	struct pin_run *old;

	r->refs[i]--;
	if (--r->pins)
		return;
	if (!r->own_alias) {
		run_free(r);
		return;
	}
	idle_runs++;
	if (idle_runs <= IDLE_RUNS)
		return;
	list_for_each_entry_reverse(old, &runs, node) {
		if (!old->pins) {
			run_free(old);
			return;
		}
	}
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
	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (a == MAP_FAILED)
		goto out;
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
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->pgoff = 0;
out:
	close(fd);
	return ret;
}

/* A shared page: a second mapping of the same pages (mremap of size 0). */
static int adopt_shared(struct pin_run *r, const struct vma *v)
{
	size_t len = r->npages * PAGE_SIZE;
	char *a = mremap((void *)(uintptr_t)r->uva, 0, len, MREMAP_MAYMOVE);

	if (a == MAP_FAILED)
		return -ENOMEM;
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
 * yet, inside one mapping: a new run for them. The stack we run on and
 * huge pages stay where they are (alias == uva: not kept alive past the
 * user's unmap).
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
	while (n < left && va + n * PAGE_SIZE < v.end && !run_at(va + n * PAGE_SIZE, pfn[n], &idx))
		n++;
	r = run_new(va, n);
	if (!r)
		return ERR_PTR(-ENOMEM);
	if (v.huge || ((u64)(uintptr_t)&here >= v.start && (u64)(uintptr_t)&here < v.end)) {
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

int plat_pin_user_pages(u64 uva, unsigned long npages, bool write, phys_addr_t *pas)
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

void plat_unpin_pages(const phys_addr_t *pas, unsigned long npages)
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
