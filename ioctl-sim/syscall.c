// SPDX-License-Identifier: MIT
/*
 * The syscall stub: Linux x86-64 syscall numbers and semantics (errors as
 * -errno) for ring-3 test programs, dispatched from a table as xv6 does.
 * Numbers and flags: include/uapi/asm/ (from Linux syscall_64.tbl and its uapi).
 */
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/proc.h"
#include "arch/x86/prof.h"
#include "arch/x86/tsc.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "ioctl-sim/fault_inject.h"
#include "ioctl-sim/sim.h"
#include "ioctl-sim/syscall.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include <asm/mman.h>
#include <asm/unistd.h>

/* files */
#define AT_FDCWD		(-100)
#define AT_EMPTY_PATH		0x1000
#define O_ACCMODE		3
#define O_RDONLY		0
#define O_NONBLOCK		04000
#define O_DIRECTORY		0200000
#define O_CLOEXEC		02000000
#define F_DUPFD			0
#define F_GETFD			1
#define F_SETFD			2
#define F_GETFL			3
#define F_SETFL			4
#define F_DUPFD_CLOEXEC		1030
#define SEEK_SET		0
#define SEEK_CUR		1
#define SEEK_END		2
#define DT_DIR			4
#define DT_REG			8
#define PATH_LEN		255
#define IOV_MAX			1024
#define UNKNOWN_SHOWN		3	/* unknown syscall numbers named per run */
/* poll: events, and how long an infinite wait may last (never a hang) */
#define POLLIN			0x001
#define POLLOUT			0x004
#define POLLERR			0x008
#define POLLHUP			0x010
#define POLLNVAL		0x020
#define POLL_MAX_FDS		64
#define POLL_FOREVER_MS		60000ULL
/* /proc/self/pagemap: one u64 per page, bit 63 present, bits 0-54 the frame number */
#define PM_PRESENT		(1ULL << 63)
#define PM_PFN_MASK		((1ULL << 55) - 1)
#define PM_CHUNK		64

struct linux_timespec {
	s64 tv_sec, tv_nsec;
};

struct linux_rlimit {
	u64 rlim_cur, rlim_max;
};
/* what fstat says of the console fds and of a file with no mode (an anonymous inode) */
#define MODE_CONSOLE		0020620	/* S_IFCHR, a tty's */
#define MODE_ANON		0600

struct linux_pollfd {
	s32 fd;
	s16 events, revents;
};

/* struct stat of x86-64 (arch/x86/include/uapi/asm/stat.h) */
struct linux_stat {
	u64 st_dev, st_ino, st_nlink;
	u32 st_mode, st_uid, st_gid, pad0;
	u64 st_rdev;
	s64 st_size, st_blksize, st_blocks;
	u64 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	s64 unused[3];
};

struct linux_iovec {
	u64 base, len;
};

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

/* The directory node fd is open on (its path), or NULL: not one of our directories. */
static const char *dir_path(int fd, struct sim_file **ref)
{
	struct sim_file *f = fget(fd);

	if (f && f->ops == &sim_dir_fops && f->node) {
		*ref = f;
		return f->node->path;
	}
	if (f)
		sim_fput(f);
	return NULL;
}

/* Whether s (up to '/') names the calling process: "self", or its pid. */
static bool names_me(const char **s, const char *self)
{
	size_t n = strlen(self);
	char *end;
	unsigned long long v;

	if (self[0] && !strncmp(*s, self, n) && (*s)[n] == '/') {
		*s += n + 1;
		return true;
	}
	v = strtoull(*s, &end, 10);
	if (end == *s || *end != '/' || v != (unsigned long long)cur()->pid)
		return false;
	*s = end + 1;
	return true;
}

/*
 * The fail-nth file of the caller under any of its names
 * (/proc/{self,PID}/[task/TID/]fail-nth, /proc/thread-self/fail-nth) is
 * ioctl-sim/fault_inject.c's one node.
 */
static void canon_fail_nth(char *path)
{
	const char *s = path + 6;

	if (strncmp(path, "/proc/", 6))
		return;
	if (!strcmp(s, "thread-self/fail-nth")) {
		strlcpy(path, FAULT_INJECT_FAIL_NTH, PATH_LEN + 1);
		return;
	}
	if (!names_me(&s, "self"))
		return;
	if (!strncmp(s, "task/", 5)) {
		s += 5;
		if (!names_me(&s, ""))
			return;
	}
	if (!strcmp(s, "fail-nth"))
		strlcpy(path, FAULT_INJECT_FAIL_NTH, PATH_LEN + 1);
}

/*
 * The node path of a user path: absolute, or relative to "/" (the only
 * working directory) or to dirfd's directory; trailing slashes dropped,
 * after which only a directory will do (O_DIRECTORY is added to *flags).
 */
static long resolve_path(int dirfd, u64 upath, char *path, int *flags)
{
	char rel[PATH_LEN + 1];
	struct sim_file *ref = NULL;
	const char *dir = "";
	long n = strncpy_from_user(rel, upath, PATH_LEN);
	size_t len;

	if (n < 0)
		return n;
	if (n == PATH_LEN)
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	if (rel[0] != '/' && dirfd != AT_FDCWD) {
		dir = dir_path(dirfd, &ref);
		if (!dir)
			return (dirfd > 2 && sim_fd_is_ours(dirfd)) || stdio_open(dirfd) ? -ENOTDIR :
											    -EBADF;
	}
	len = (size_t)snprintf(path, PATH_LEN + 1, "%s%s%s", dir, rel[0] == '/' ? "" : "/", rel);
	if (ref)
		sim_fput(ref);
	if (len > PATH_LEN)
		return -ENAMETOOLONG;
	while (len > 1 && path[len - 1] == '/') {
		path[--len] = '\0';
		*flags |= O_DIRECTORY;
	}
	canon_fail_nth(path);
	return 0;
}

static long sys_openat(const u64 *arg)
{
	char path[PATH_LEN + 1];
	int flags = (int)arg[2];
	long ret = resolve_path((int)arg[0], arg[1], path, &flags);

	return ret ? ret : sim_open(path, flags);
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
	return fd > 2 ? sim_ioctl_in(cur()->files, fd, (unsigned int)arg[1], arg[2]) : -EBADF;
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

/*
 * MAP_PRIVATE of a file that reads: fresh memory filled with its bytes from
 * off (zeros past its end), which is what a private mapping shows until the
 * file changes (ours never do) and stays the process's own when written.
 */
static long map_private_copy(struct sim_file *f, u64 addr, u64 len, u32 prot, u32 uflags,
			     u64 off)
{
	struct uvm *m = cur()->uvm;
	long va = uvm_map(m, addr, len, prot | PROT_READ | PROT_WRITE, uflags, 0);
	long ret = 0;

	if (va < 0)
		return va;
	for (u64 done = 0; done < len; done += (u64)ret) {
		ret = f->ops->read(f, (u64)va + done, len - done, off + done);
		if (ret <= 0)
			break;
	}
	if (ret >= 0 && (prot & (PROT_READ | PROT_WRITE)) != (PROT_READ | PROT_WRITE))
		ret = uvm_protect(m, (u64)va, len, prot);
	if (ret < 0) {
		uvm_unmap(m, (u64)va, len);
		return ret;
	}
	return va;
}

/*
 * mmap of a file: device memory its ops name for [off, off + len) (shared
 * mappings), or a copy of its bytes (private ones of a file without mmap).
 */
static long mmap_file(u64 addr, u64 len, u32 prot, u32 flags, u32 uflags, int fd, u64 off)
{
	struct sim_file *f = fget(fd);
	phys_addr_t pa;
	long ret;

	if (!f)
		return -EBADF;
	if (!f->ops->mmap && f->ops->read && (flags & MAP_TYPE) == MAP_PRIVATE &&
	    !(flags & MAP_HUGETLB)) {
		ret = (f->flags & O_ACCMODE) == 1 /* O_WRONLY */ ? -EACCES :
		      map_private_copy(f, addr, len, prot, uflags, off);
		sim_fput(f);
		return ret;
	}
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
	/* shared anonymous memory stays shared with the children fork makes */
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		uflags |= UVM_SHARED;
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

/* readv/writev: one rw call per element, stopping at the first short or failed one. */
static long rw_vector(const u64 *arg, bool write)
{
	struct linux_iovec iov;
	long done = 0;

	if (arg[2] > IOV_MAX)
		return -EINVAL;
	for (u64 i = 0; i < arg[2]; i++) {
		u64 a[3] = { arg[0], 0, 0 };
		long r;

		if (copy_from_user(&iov, arg[1] + i * sizeof(iov), sizeof(iov)))
			return done ? done : -EFAULT;
		a[1] = iov.base;
		a[2] = iov.len;
		r = write ? sys_write(a) : sys_read(a);
		if (r < 0)
			return done ? done : r;
		done += r;
		if ((u64)r < iov.len)
			break;
	}
	return done;
}

static long sys_readv(const u64 *arg)
{
	return rw_vector(arg, false);
}

static long sys_writev(const u64 *arg)
{
	return rw_vector(arg, true);
}

/* fstat of a file (NULL: a console fd). */
static long stat_file(struct sim_file *f, u64 ubuf)
{
	struct linux_stat st;

	memset(&st, 0, sizeof(st));
	st.st_nlink = 1;
	st.st_uid = st.st_gid = 1000;
	st.st_blksize = PAGE_SIZE;
	st.st_mode = !f ? MODE_CONSOLE : f->ops->mode ? f->ops->mode : MODE_ANON;
	st.st_ino = f ? (u64)(uintptr_t)f->node % 1000003 + 2 : 1;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long fstat_fd(int fd, u64 ubuf)
{
	struct sim_file *f;
	long ret;

	if (stdio_open(fd))
		return stat_file(NULL, ubuf);
	f = fget(fd);
	if (!f)
		return -EBADF;
	ret = stat_file(f, ubuf);
	sim_fput(f);
	return ret;
}

static long sys_fstat(const u64 *arg)
{
	return fstat_fd((int)arg[0], arg[1]);
}

/* A path looked at (stat, access): opened read-only, as its node allows; fd or -errno. */
static int open_to_look(int dirfd, u64 upath)
{
	char path[PATH_LEN + 1];
	int flags = O_RDONLY;
	long ret = resolve_path(dirfd, upath, path, &flags);

	return ret ? (int)ret : sim_open(path, flags);
}

/* newfstatat(dirfd, path, buf, flags) */
static long sys_newfstatat(const u64 *arg)
{
	char c;
	int fd;
	long ret;

	if ((arg[3] & AT_EMPTY_PATH) && (!arg[1] || !strncpy_from_user(&c, arg[1], 1)))
		return fstat_fd((int)arg[0], arg[2]);
	fd = open_to_look((int)arg[0], arg[1]);
	if (fd < 0)
		return fd;
	ret = fstat_fd(fd, arg[2]);
	sim_close(fd);
	return ret;
}

/* faccessat/access: whether the path names one of our nodes (mode bits not checked). */
static long access_at(int dirfd, u64 upath)
{
	int fd = open_to_look(dirfd, upath);

	if (fd < 0)
		return fd;
	sim_close(fd);
	return 0;
}

static long sys_access(const u64 *arg)
{
	return access_at(AT_FDCWD, arg[0]);
}

static long sys_faccessat(const u64 *arg)
{
	return access_at((int)arg[0], arg[1]);
}

static long sys_lseek(const u64 *arg)
{
	struct sim_file *f;
	s64 off = (s64)arg[1], pos;

	if (stdio_open((int)arg[0]))
		return -ESPIPE;
	f = fget((int)arg[0]);
	if (!f)
		return -EBADF;
	if (f->ops->nonseekable) {
		sim_fput(f);
		return -ESPIPE;
	}
	pos = arg[2] == SEEK_SET ? off : arg[2] == SEEK_CUR ? (s64)f->pos + off : -1;
	if (arg[2] == SEEK_END || pos < 0) {
		sim_fput(f);
		return -EINVAL;	/* our files have no size to seek from */
	}
	f->pos = (u64)pos;
	sim_fput(f);
	return pos;
}

/* struct linux_dirent64 */
struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
	char d_name[];
} __packed;

/* getdents64 of one of our directories: entries from the file position on. */
static long sys_getdents64(const u64 *arg)
{
	struct sim_file *ref = NULL;
	const char *dir = dir_path((int)arg[0], &ref);
	u8 rec[sizeof(struct linux_dirent64) + 64] __aligned(8);
	struct linux_dirent64 *d = (void *)rec;
	u64 done = 0;
	bool is_dir;

	if (!dir)
		return (int)arg[0] > 2 && sim_fd_is_ours((int)arg[0]) ? -ENOTDIR : -EBADF;
	while (sim_dir_entry(dir, ref->pos, d->d_name, 64, &is_dir)) {
		u16 len = (u16)ALIGN(offsetof(struct linux_dirent64, d_name) +
				     strlen(d->d_name) + 1, 8);

		if (done + len > arg[2])
			break;
		d->d_ino = ref->pos + 1;
		d->d_off = (s64)ref->pos + 1;
		d->d_reclen = len;
		d->d_type = is_dir ? DT_DIR : DT_REG;
		if (copy_to_user(arg[1] + done, rec, len)) {
			sim_fput(ref);
			return done ? (long)done : -EFAULT;
		}
		done += len;
		ref->pos++;
	}
	sim_fput(ref);
	return done || !sim_dir_entry(dir, ref->pos, d->d_name, 64, &is_dir) ? (long)done : -EINVAL;
}

static long sys_fcntl(const u64 *arg)
{
	int fd = (int)arg[0];
	struct sim_file *f;
	long ret = 0;

	switch (arg[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return sim_dup(fd, (int)arg[2], false);
	case F_GETFD:
	case F_SETFD:
	case F_GETFL:
	case F_SETFL:
		break;
	default:
		return -EINVAL;
	}
	if (stdio_open(fd))
		return arg[1] == F_GETFL ? 2 /* O_RDWR */ : 0;
	f = fget(fd);
	if (!f)
		return -EBADF;
	if (arg[1] == F_GETFL)
		ret = f->flags & ~O_CLOEXEC;
	else if (arg[1] == F_SETFL)
		f->flags = (f->flags & ~O_NONBLOCK) | ((int)arg[2] & O_NONBLOCK);
	sim_fput(f);
	return ret;	/* close-on-exec: there is no exec, F_GETFD says 0 */
}

static long sys_dup(const u64 *arg)
{
	return sim_dup((int)arg[0], 0, false);
}

static long sys_dup2(const u64 *arg)
{
	return sim_dup((int)arg[0], (int)arg[1], true);
}

static long sys_dup3(const u64 *arg)
{
	if (arg[0] == arg[1] || (arg[2] & ~(u64)O_CLOEXEC))
		return -EINVAL;
	return sim_dup((int)arg[0], (int)arg[1], true);
}

static long sys_pipe2(const u64 *arg)
{
	int fds[2];
	long ret = sim_pipe_create(fds, (int)arg[1]);

	if (ret)
		return ret;
	if (copy_to_user(arg[0], fds, sizeof(fds))) {
		sim_close(fds[0]);
		sim_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

static long sys_pipe(const u64 *arg)
{
	u64 a[2] = { arg[0], 0 };

	return sys_pipe2(a);
}

/* The only directory a process is in. */
static long sys_getcwd(const u64 *arg)
{
	if (arg[1] < 2)
		return -ERANGE;
	return copy_to_user(arg[0], "/", 2) ? -EFAULT : 2;
}

/* No symbolic links here (/proc/self/exe included: nothing to exec). */
static long sys_readlinkat(const u64 *arg)
{
	char path[PATH_LEN + 1];
	int flags = O_RDONLY;
	long ret = resolve_path((int)arg[0], arg[1], path, &flags);

	if (ret)
		return ret;
	return (long)arg[3] <= 0 ? -EINVAL : -ENOENT;
}

static long sys_readlink(const u64 *arg)
{
	u64 a[4] = { (u64)AT_FDCWD, arg[0], arg[1], arg[2] };

	return sys_readlinkat(a);
}

/* Every call ring 3 has, by number: the files here, the processes in sys_proc.c. */
#define SYS_ENTRY(n) [__NR_##n] = sys_##n,
static const syscall_fn syscalls[] = {
	[__NR_read]		= sys_read,
	[__NR_write]		= sys_write,
	[__NR_open]		= sys_open,
	[__NR_close]		= sys_close,
	[__NR_fstat]		= sys_fstat,
	[__NR_poll]		= sys_poll,
	[__NR_lseek]		= sys_lseek,
	[__NR_mmap]		= sys_mmap,
	[__NR_mprotect]		= sys_mprotect,
	[__NR_munmap]		= sys_munmap,
	[__NR_ioctl]		= sys_ioctl,
	[__NR_pread64]		= sys_pread64,
	[__NR_pwrite64]		= sys_pwrite64,
	[__NR_readv]		= sys_readv,
	[__NR_writev]		= sys_writev,
	[__NR_access]		= sys_access,
	[__NR_pipe]		= sys_pipe,
	[__NR_dup]		= sys_dup,
	[__NR_dup2]		= sys_dup2,
	[__NR_fcntl]		= sys_fcntl,
	[__NR_getcwd]		= sys_getcwd,
	[__NR_readlink]		= sys_readlink,
	[__NR_getdents64]	= sys_getdents64,
	[__NR_openat]		= sys_openat,
	[__NR_newfstatat]	= sys_newfstatat,
	[__NR_readlinkat]	= sys_readlinkat,
	[__NR_faccessat]	= sys_faccessat,
	[__NR_eventfd]		= sys_eventfd,
	[__NR_eventfd2]		= sys_eventfd2,
	[__NR_dup3]		= sys_dup3,
	[__NR_pipe2]		= sys_pipe2,
	SYS_PROC_CALLS(SYS_ENTRY)
	[__NR_exit_group]	= sys_exit,
	[__NR_geteuid]		= sys_getuid,
	[__NR_getegid]		= sys_getgid,
	[__NR_faccessat2]	= sys_faccessat,
};


static void syscall_dispatch(struct trap_frame *tf)
{
	u64 nr = tf->rax;
	u64 arg[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };

	cur()->syscall_nr = nr;
	irq_enable();
	if (nr < ARRAY_SIZE(syscalls) && syscalls[nr]) {
		tf->rax = (u64)syscalls[nr](arg);
	} else {
		/* the first few named; the run's end counts them all (a fuzzer tries hundreds) */
		int n = proc_note_enosys(nr);

		if (n && n <= UNKNOWN_SHOWN)
			printk("%s: unknown syscall %llu: ENOSYS%s\n", cur()->name,
			       (unsigned long long)nr, n == UNKNOWN_SHOWN ? " (no more named)" : "");
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

/*
 * pread of /proc/self/pagemap, as Linux serves it to root: the entry of
 * page off / 8 and on, for benchmarks that count physically contiguous runs.
 */
static long pagemap_read(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	u64 ent[PM_CHUNK];
	size_t done = 0;

	if (off % 8 || n % 8)
		return -EINVAL;
	while (done < n) {
		size_t k, c = min_t(size_t, (n - done) / 8, PM_CHUNK);

		for (k = 0; k < c; k++) {
			u64 va = (off / 8 + done / 8 + k) * PAGE_SIZE;
			phys_addr_t pa;

			ent[k] = va < USER_MAX && !uvm_user_to_phys(cur()->uvm, va, &pa) ?
				 PM_PRESENT | ((pa >> PAGE_SHIFT) & PM_PFN_MASK) : 0;
		}
		if (copy_to_user(ubuf + done, ent, c * 8))
			return done ? (long)done : -EFAULT;
		done += c * 8;
	}
	return (long)done;
}

static const struct sim_file_ops pagemap_fops = {
	.name = "pagemap",
	.read = pagemap_read,
};

static struct sim_node pagemap_node = { .path = "/proc/self/pagemap", .ops = &pagemap_fops };
/* /proc/self/exe: the program's image, to read and to map privately (no exec here). */
static long exe_read(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	size_t size;
	const u8 *image = proc_image(&size);

	if (!image || off >= size)
		return 0;
	n = min(n, size - (size_t)off);
	return copy_to_user(ubuf, image + off, n) ? -EFAULT : (long)n;
}

static const struct sim_file_ops exe_fops = {
	.name = "exe",
	.read = exe_read,
	.mode = 0100755,	/* S_IFREG */
};

static struct sim_node exe_node = { .path = "/proc/self/exe", .ops = &exe_fops };

/*
 * /sys/kernel/debug/testos/profile (only with profile= on the command
 * line): a benchmark writes a region's name before its loop ("NAME": start
 * or resume sampling it, arch/x86/prof.h), "-" after it (pause) and "."
 * to print the region's table. Linux has no such file: the same program
 * runs there unchanged.
 */
static long profile_write(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	char name[PROF_NAME_MAX];
	size_t len = n;

	if (!n || n >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, n))
		return -EFAULT;
	name[n] = 0;
	if (name[len - 1] == '\n')
		name[--len] = 0;
	if (!strcmp(name, "-"))
		prof_pause();
	else if (!strcmp(name, "."))
		prof_report();
	else {
		int ret = prof_begin(name, false);

		if (ret && ret != -ENOENT)
			return ret;
	}
	return (long)n;
}

static const struct sim_file_ops profile_fops = {
	.name = "profile",
	.write = profile_write,
};

static struct sim_node profile_node = { .path = "/sys/kernel/debug/testos/profile",
					.ops = &profile_fops };

/* fork: the child's table names the parent's files under the same numbers. */
static int syscall_fork(struct proc *child, struct proc *parent)
{
	child->files = sim_fdtable_dup(parent->files);
	return child->files ? 0 : -ENOMEM;
}

static const struct proc_syscall_ops syscall_ops = {
	.dispatch = syscall_dispatch,
	.prepare = syscall_prepare,
	.fork = syscall_fork,
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
	if (fault_inject_register() || sim_register_node(&exe_node))
		printk("syscall: the /proc and debugfs files are registered already\n");
	proc_set_syscall_ops(&syscall_ops);
	if (sim_register_node(&pagemap_node))
		printk("syscall: /proc/self/pagemap not registered\n");
	if (prof_enabled() && sim_register_node(&profile_node))
		printk("syscall: the profiler's file not registered\n");
}
