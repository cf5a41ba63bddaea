// SPDX-License-Identifier: MIT
/*
 * The syscall stub: Linux x86-64 syscall numbers and semantics (errors as
 * -errno) for ring-3 test programs, dispatched from a table as xv6 does.
 * Numbers and flags: include/uapi/asm/ (from Linux syscall_64.tbl and its uapi).
 */
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/proc.h"
#include "arch/x86/tsc.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "ioctl-sim/sim.h"
#include "ioctl-sim/syscall.h"
#include "lib/errno.h"
#include "lib/string.h"
#include <asm/mman.h>
#include <asm/unistd.h>

/* files, clocks and resource limits */
#define AT_FDCWD		(-100)
#define O_ACCMODE		3
#define O_RDONLY		0
#define PATH_LEN		255
#define CLOCK_REALTIME		0
#define CLOCK_BOOTTIME		7
#define RLIMIT_MEMLOCK		8
#define RLIM_NLIMITS		16
#define RLIM_INFINITY		(~0ULL)
#define UNKNOWN_SHOWN		3	/* unknown syscalls named per process */
/* poll: events, and how long an infinite wait may last (never a hang) */
#define POLLIN			0x001
#define POLLOUT			0x004
#define POLLERR			0x008
#define POLLHUP			0x010
#define POLLNVAL		0x020
#define POLL_MAX_FDS		64
#define POLL_FOREVER_MS		60000ULL

struct linux_timespec {
	s64 tv_sec, tv_nsec;
};

struct linux_rlimit {
	u64 rlim_cur, rlim_max;
};

struct linux_pollfd {
	s32 fd;
	s16 events, revents;
};

typedef long (*syscall_fn)(const u64 *arg);

static struct proc *cur(void)
{
	return proc_current();
}

/* stdout/stderr: to the process's sink, in chunks copied from user memory. */
static long console_out(u64 ubuf, size_t n)
{
	struct proc *p = cur();
	char kbuf[256];
	size_t done = 0;

	while (done < n) {
		size_t c = min(n - done, sizeof(kbuf));

		if (copy_from_user(kbuf, ubuf + done, c))
			return done ? (long)done : -EFAULT;
		if (p->out)
			p->out(p->out_ctx, kbuf, c);
		else
			console_write(kbuf, c);
		done += c;
	}
	return (long)done;
}

/* The file behind fd (a reference), or NULL: -EBADF. fds 0-2 are the console. */
static struct sim_file *fget(int fd)
{
	return fd > 2 ? sim_fget(fd) : NULL;
}

static bool stdio_open(int fd)
{
	return fd >= 0 && fd <= 2 && !(cur()->stdio_closed & (1u << fd));
}

/* read/write/pread/pwrite on a file (fds 0-2, the console, are not in the table). */
static long file_rw(int fd, u64 ubuf, size_t n, u64 off, bool write, bool positioned)
{
	return fd > 2 ? sim_rw(fd, ubuf, n, off, write, positioned) : -EBADF;
}

static long sys_read(const u64 *arg)
{
	int fd = (int)arg[0];

	if (stdio_open(fd))
		return 0;	/* the console has no input: end of file */
	return file_rw(fd, arg[1], arg[2], 0, false, false);
}

static long sys_write(const u64 *arg)
{
	int fd = (int)arg[0];

	if (stdio_open(fd))
		return console_out(arg[1], arg[2]);
	return file_rw(fd, arg[1], arg[2], 0, true, false);
}

static long sys_pread64(const u64 *arg)
{
	int fd = (int)arg[0];

	if (stdio_open(fd))
		return -ESPIPE;
	return file_rw(fd, arg[1], arg[2], arg[3], false, true);
}

static long sys_pwrite64(const u64 *arg)
{
	int fd = (int)arg[0];

	if (stdio_open(fd))
		return -ESPIPE;
	return file_rw(fd, arg[1], arg[2], arg[3], true, true);
}

/* Paths are absolute or relative to "/", the only working directory. */
static long sys_openat(const u64 *arg)
{
	int dirfd = (int)arg[0];
	char path[PATH_LEN + 1] = "/";
	long n = strncpy_from_user(path + 1, arg[1], PATH_LEN);

	if (n < 0)
		return n;
	if (n == PATH_LEN)
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	if (path[1] != '/' && dirfd != AT_FDCWD)
		return (dirfd > 2 && sim_fd_is_ours(dirfd)) || stdio_open(dirfd) ? -ENOTDIR : -EBADF;
	return sim_open(path[1] == '/' ? path + 1 : path, (int)arg[2]);
}

static long sys_open(const u64 *arg)
{
	u64 a[4] = { (u64)AT_FDCWD, arg[0], arg[1], arg[2] };

	return sys_openat(a);
}

static long sys_close(const u64 *arg)
{
	int fd = (int)arg[0];

	if (stdio_open(fd)) {
		cur()->stdio_closed |= 1u << fd;
		return 0;
	}
	return fd > 2 ? sim_close(fd) : -EBADF;
}

static long sys_ioctl(const u64 *arg)
{
	int fd = (int)arg[0];

	if (stdio_open(fd))
		return -ENOTTY;
	return fd > 2 ? sim_ioctl(fd, (unsigned int)arg[1], arg[2]) : -EBADF;
}

/* A device mapping holds its file, as a Linux VMA does: munmap, not close, ends it. */
static void file_get(void *f)
{
	refcount_inc(&((struct sim_file *)f)->refs);
}

static void file_put(void *f)
{
	sim_fput(f);
}

static const struct uvm_owner_ops file_owner = { .get = file_get, .put = file_put };

/* mmap of a file: its ops say which device memory backs [off, off + len). */
static long mmap_file(u64 addr, u64 len, u32 prot, u32 flags, u32 uflags, int fd, u64 off)
{
	struct sim_file *f = fget(fd);
	phys_addr_t pa;
	long ret;

	if (!f)
		return -EBADF;
	if (!f->ops->mmap)
		ret = -ENODEV;
	else if ((flags & MAP_HUGETLB) || (flags & MAP_TYPE) != MAP_SHARED)
		ret = -EINVAL;
	else if ((prot & PROT_WRITE) && (f->flags & O_ACCMODE) == O_RDONLY)
		ret = -EACCES;
	else
		ret = f->ops->mmap(f, off, len, &pa);
	if (!ret)
		ret = uvm_map_owned(cur()->uvm, addr, len, prot, uflags | UVM_MMIO, pa,
				    &file_owner, f);
	sim_fput(f);
	return ret;
}

static long sys_mmap(const u64 *arg)
{
	u64 addr = arg[0], len = arg[1], off = arg[5];
	u32 prot = (u32)arg[2], flags = (u32)arg[3], uflags = 0;
	u32 huge = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;

	if (!len || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if ((flags & MAP_TYPE) != MAP_SHARED && (flags & MAP_TYPE) != MAP_PRIVATE &&
	    (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (flags & MAP_FIXED)
		uflags |= UVM_FIXED;
	else if (flags & MAP_FIXED_NOREPLACE)
		uflags |= UVM_NOREPLACE;
	if (!(flags & MAP_ANONYMOUS))
		return mmap_file(addr, len, prot, flags, uflags, (int)arg[4], off);
	if (flags & MAP_HUGETLB) {
		if (huge && huge != 21)
			return -EINVAL;	/* only 2 MiB pages */
		uflags |= UVM_HUGE;
	}
	return uvm_map(cur()->uvm, addr, len, prot, uflags, 0);
}

static long sys_munmap(const u64 *arg)
{
	return uvm_unmap(cur()->uvm, arg[0], arg[1]);
}

static long sys_mprotect(const u64 *arg)
{
	if (arg[2] & ~(u64)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	return uvm_protect(cur()->uvm, arg[0], arg[1], (u32)arg[2]);
}

static long sys_eventfd2(const u64 *arg)
{
	return sim_eventfd_create((u32)arg[0], (int)arg[1]);
}

static long sys_eventfd(const u64 *arg)
{
	return sim_eventfd_create((u32)arg[0], 0);
}

/* What each fd would do now; how many have something. Files without poll: both ways. */
static int poll_scan(struct linux_pollfd *p, u32 n)
{
	int ready = 0;

	for (u32 i = 0; i < n; i++) {
		struct sim_file *f;
		unsigned int mask;

		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		if (stdio_open(p[i].fd)) {
			mask = POLLIN | POLLOUT;	/* input at end of file, output always */
		} else if (!(f = fget(p[i].fd))) {
			mask = POLLNVAL;
		} else {
			mask = f->ops->poll ? f->ops->poll(f) : POLLIN | POLLOUT;
			sim_fput(f);
		}
		p[i].revents = (s16)(mask & ((u16)p[i].events | POLLERR | POLLHUP | POLLNVAL));
		ready += p[i].revents != 0;
	}
	return ready;
}

static long sys_poll(const u64 *arg)
{
	struct linux_pollfd p[POLL_MAX_FDS];
	u32 n = (u32)arg[1];
	s32 ms = (s32)arg[2];
	u64 deadline = time_ns() + (ms < 0 ? POLL_FOREVER_MS : (u64)ms) * 1000000ULL;
	int ready = 0;

	if (n > POLL_MAX_FDS)
		return -EINVAL;
	if (n && copy_from_user(p, arg[0], n * sizeof(p[0])))
		return -EFAULT;
	sim_wait_until((ready = poll_scan(p, n)) > 0, deadline);
	if (n && copy_to_user(arg[0], p, n * sizeof(p[0])))
		return -EFAULT;
	return ready;
}

static long sys_getpid(const u64 *arg)
{
	return cur()->pid;
}

static long sys_exit(const u64 *arg)
{
	proc_exit((int)(arg[0] & 0xff));
}

static long sys_clock_gettime(const u64 *arg)
{
	struct linux_timespec ts;
	u64 ns = time_ns();

	if (arg[0] > CLOCK_BOOTTIME)
		return -EINVAL;
	ts.tv_sec = (s64)(ns / 1000000000ULL);
	ts.tv_nsec = (s64)(ns % 1000000000ULL);
	if (copy_to_user(arg[1], &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

/* RLIMIT_MEMLOCK limits pinned pages (core's accounting); others are unlimited. */
static long rlimit_get(u32 res, struct linux_rlimit *r)
{
	struct uvm *m = cur()->uvm;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	r->rlim_cur = r->rlim_max = RLIM_INFINITY;
	if (res == RLIMIT_MEMLOCK && m->memlock_limit < (RLIM_INFINITY >> PAGE_SHIFT))
		r->rlim_cur = m->memlock_limit << PAGE_SHIFT;
	return 0;
}

static long rlimit_set(u32 res, const struct linux_rlimit *r)
{
	if (res >= RLIM_NLIMITS || r->rlim_cur > r->rlim_max)
		return -EINVAL;
	if (res != RLIMIT_MEMLOCK)
		return r->rlim_cur == RLIM_INFINITY ? 0 : -EPERM;
	cur()->uvm->memlock_limit = r->rlim_cur >> PAGE_SHIFT;
	return 0;
}

static long sys_prlimit64(const u64 *arg)
{
	struct linux_rlimit old, new;
	u64 pid = arg[0];
	long ret;

	if (pid && pid != (u64)cur()->pid)
		return -ESRCH;
	ret = rlimit_get((u32)arg[1], &old);
	if (ret)
		return ret;
	if (arg[2]) {
		if (copy_from_user(&new, arg[2], sizeof(new)))
			return -EFAULT;
		ret = rlimit_set((u32)arg[1], &new);
		if (ret)
			return ret;
	}
	if (arg[3] && copy_to_user(arg[3], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long sys_getrlimit(const u64 *arg)
{
	u64 a[4] = { 0, arg[0], 0, arg[1] };

	return arg[1] ? sys_prlimit64(a) : -EFAULT;
}

static long sys_setrlimit(const u64 *arg)
{
	u64 a[4] = { 0, arg[0], arg[1], 0 };

	return arg[1] ? sys_prlimit64(a) : -EFAULT;
}

#define LINUX_CAPABILITY_VERSION_3 0x20080522

/*
 * capget/capset: ring-3 processes have no capabilities (lib/platform.h's
 * model), so every set reads empty and capset may only keep them empty.
 */
static long cap_header(u64 uhdr)
{
	u32 hdr[2];

	if (copy_from_user(hdr, uhdr, sizeof(hdr)))
		return -EFAULT;
	if (hdr[0] != LINUX_CAPABILITY_VERSION_3) {
		hdr[0] = LINUX_CAPABILITY_VERSION_3;
		return copy_to_user(uhdr, hdr, sizeof(hdr[0])) ? -EFAULT : -EINVAL;
	}
	return hdr[1] && (int)hdr[1] != cur()->pid ? -ESRCH : 0;
}

static long sys_capget(const u64 *arg)
{
	static const u32 none[6];
	long ret = cap_header(arg[0]);

	if (ret || !arg[1])
		return ret;
	return copy_to_user(arg[1], none, sizeof(none)) ? -EFAULT : 0;
}

static long sys_capset(const u64 *arg)
{
	u32 data[6];
	long ret = cap_header(arg[0]);

	if (ret)
		return ret;
	if (copy_from_user(data, arg[1], sizeof(data)))
		return -EFAULT;
	for (int i = 0; i < 6; i++)
		if (data[i])
			return -EPERM;
	return 0;
}

static const syscall_fn syscalls[] = {
	[__NR_read]		= sys_read,
	[__NR_write]		= sys_write,
	[__NR_open]		= sys_open,
	[__NR_close]		= sys_close,
	[__NR_poll]		= sys_poll,
	[__NR_mmap]		= sys_mmap,
	[__NR_mprotect]		= sys_mprotect,
	[__NR_munmap]		= sys_munmap,
	[__NR_ioctl]		= sys_ioctl,
	[__NR_pread64]		= sys_pread64,
	[__NR_pwrite64]		= sys_pwrite64,
	[__NR_getpid]		= sys_getpid,
	[__NR_exit]		= sys_exit,
	[__NR_getrlimit]		= sys_getrlimit,
	[__NR_capget]		= sys_capget,
	[__NR_capset]		= sys_capset,
	[__NR_setrlimit]		= sys_setrlimit,
	[__NR_clock_gettime]	= sys_clock_gettime,
	[__NR_exit_group]	= sys_exit,
	[__NR_openat]		= sys_openat,
	[__NR_eventfd]		= sys_eventfd,
	[__NR_eventfd2]		= sys_eventfd2,
	[__NR_prlimit64]		= sys_prlimit64,
};

/* Name the first few unknown numbers a process tries (a fuzzer tries hundreds). */
static void unknown_syscall(u64 nr)
{
	static int pid, seen;

	if (pid != cur()->pid) {
		pid = cur()->pid;
		seen = 0;
	}
	if (seen++ < UNKNOWN_SHOWN)
		printk("%s: unknown syscall %llu%s\n", cur()->name, (unsigned long long)nr,
		       seen == UNKNOWN_SHOWN ? " (no more of these)" : "");
}

static void syscall_dispatch(struct trap_frame *tf)
{
	u64 nr = tf->rax;
	u64 arg[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };

	irq_enable();
	if (nr < ARRAY_SIZE(syscalls) && syscalls[nr]) {
		tf->rax = (u64)syscalls[nr](arg);
	} else {
		unknown_syscall(nr);
		tf->rax = (u64)-ENOSYS;
	}
	irq_disable();
}

static int syscall_prepare(struct proc *p)
{
	struct sim_fdtable *t = sim_fdtable_alloc();

	if (!t)
		return -ENOMEM;
	p->files = t;
	return 0;
}

static void syscall_release(struct proc *p)
{
	if (!p->files)
		return;
	sim_fdtable_free(p->files);
	p->files = NULL;
}

static const struct proc_syscall_ops syscall_ops = {
	.dispatch = syscall_dispatch,
	.prepare = syscall_prepare,
	.release = syscall_release,
};

/* The fd table of the process running on this CPU. */
static struct sim_fdtable *proc_files(void)
{
	struct proc *p = proc_current();

	return p ? p->files : NULL;
}

void syscall_init(void)
{
	sim_fdtable_set_finder(proc_files);
	proc_set_syscall_ops(&syscall_ops);
}
