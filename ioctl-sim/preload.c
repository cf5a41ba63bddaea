// SPDX-License-Identifier: MIT
/*
 * libiommufd-host.so: LD_PRELOAD it and an unmodified Linux program's
 * open("/dev/iommu"), ioctl and close on such fds are served by the core;
 * every other call goes to libc. Our fds are real eventfds as placeholders.
 * A warning of the core (lib/warn.h) fails the program: its harness reads
 * iommufd_host_warnings() after each test, and the exit status turns to 1.
 * Linux's fault-injection files are ours too (ioctl-sim/fault_inject.c):
 * /proc/self/task/<tid>/fail-nth and /sys/kernel/debug/fail* (read, write,
 * openat relative to them, opendir/readdir), so fail_nth programs run as on
 * Linux against our fail points.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lib/alloc.h"
#include "lib/platform.h"
#include "arch/host/host.h"
#include "ioctl-sim/fault_inject.h"
#include "ioctl-sim/sim.h"


static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real___open_2)(const char *, int);
static int (*real___open64_2)(const char *, int);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_close)(int);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off64_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static DIR *(*real_opendir)(const char *);
static DIR *(*real_fdopendir)(int);
static struct dirent *(*real_readdir)(DIR *);
static struct dirent64 *(*real_readdir64)(DIR *);
static int (*real_closedir)(DIR *);
static int (*real_dirfd)(DIR *);
static void (*real_rewinddir)(DIR *);

/* libc's versions: the next definitions after ours. */
static void resolve(void)
{
#define NEXT(name) (real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name))
	if (real_close)
		return;
	NEXT(open);
	NEXT(open64);
	NEXT(openat);
	NEXT(openat64);
	NEXT(__open_2);
	NEXT(__open64_2);
	NEXT(ioctl);
	NEXT(read);
	NEXT(write);
	NEXT(pread);
	NEXT(pwrite);
	NEXT(pread64);
	NEXT(pwrite64);
	NEXT(opendir);
	NEXT(fdopendir);
	NEXT(readdir);
	NEXT(readdir64);
	NEXT(closedir);
	NEXT(dirfd);
	NEXT(rewinddir);
	NEXT(close);
#undef NEXT
}

#define RESOLVE(name) (resolve(), real_##name)

static int placeholder_alloc(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static void placeholder_free(int fd)
{
	RESOLVE(close)(fd);
}

static const struct sim_fd_allocator placeholders = {
	.alloc = placeholder_alloc,
	.free = placeholder_free,
};

/* Warnings the core printed in this process (for tests/user/lib/harness.c). */
unsigned long iommufd_host_warnings(void);

unsigned long iommufd_host_warnings(void)
{
	return plat_warn_count();
}

/*
 * Heap objects and page of the core now (for the harness: each test must
 * give back what it took).
 */
unsigned long iommufd_host_live(void);

unsigned long iommufd_host_live(void)
{
	return (unsigned long)kmalloc_live() + (unsigned long)host_pages_live();
}

/* A program that ends well after the core warned still fails. */
static void warned_exit(int status, void *arg)
{
	unsigned long n = plat_warn_count();

	if (!n)
		return;
	fflush(NULL);
	fprintf(stderr, "libiommufd-host.so: %lu warning(s) from the core (above): exit status 1\n",
		n);
	if (!status)
		_exit(1);
}

static void __attribute__((constructor)) preload_init(void)
{
	sim_set_fd_allocator(&placeholders);
	host_use_rlimit();
	on_exit(warned_exit, NULL);
	fault_inject_register();
}

/* The fortified entry points have no prototype outside bits/fcntl2.h. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int ioctl(int fd, unsigned long request, ...);

#define NOT_OURS (-2)
#define PATH_MAX_OURS 96

/*
 * Read a path as the kernel would: false (not ours) for a bad pointer,
 * which libc then answers with EFAULT, or one too long to be ours.
 */
static bool read_path(const char *upath, char *path)
{
	for (size_t i = 0; i < PATH_MAX_OURS; i++) {
		if (copy_from_user(&path[i], (u64)(uintptr_t)upath + i, 1))
			return false;
		if (!path[i])
			return true;
	}
	return false;
}

/* A thread of this process: tgkill with signal 0 checks without sending. */
static bool our_task(const char *s, bool tid)
{
	char *end;
	long id;

	if (!strcmp(s, tid ? "" : "self"))
		return true;
	id = strtol(s, &end, 10);
	if (*end || end == s || id <= 0)
		return false;
	return tid ? syscall(SYS_tgkill, getpid(), (pid_t)id, 0) == 0 : id == getpid();
}

/*
 * Our name for path: trailing slashes dropped, and every fail-nth file of
 * one of our threads (/proc/{self,PID}/[task/TID/]fail-nth,
 * /proc/thread-self/fail-nth) is the one node of ioctl-sim/fault_inject.c.
 */
static void canon_path(char *path)
{
	char who[24], tid[24] = "", rest[16];
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	if (!strcmp(path, "/proc/thread-self/fail-nth") ||
	    ((sscanf(path, "/proc/%23[^/]/task/%23[^/]/%15s", who, tid, rest) == 3 ||
	      (sscanf(path, "/proc/%23[^/]/%15s", who, rest) == 2 && !tid[0])) &&
	     !strcmp(rest, "fail-nth") && our_task(who, false) && our_task(tid, true)))
		strcpy(path, FAULT_INJECT_FAIL_NTH);
}

/* The path of our directory fd dirfd, or NULL. */
static const char *our_dir_path(int dirfd, char *buf)
{
	struct sim_file *f = sim_fd_is_ours(dirfd) ? sim_fget(dirfd) : NULL;
	bool dir = f && f->ops == &sim_dir_fops && f->node;

	if (dir)
		snprintf(buf, PATH_MAX_OURS, "%s", f->node->path);
	if (f)
		sim_fput(f);
	return dir ? buf : NULL;
}

/* fd, -1 with errno, or NOT_OURS when no simulated node has this path. */
static int try_openat(int dirfd, const char *upath, int flags)
{
	char path[PATH_MAX_OURS], full[2 * PATH_MAX_OURS], dir[PATH_MAX_OURS];
	int r;

	if (!read_path(upath, path))
		return NOT_OURS;
	if (path[0] != '/') {
		/* relative to one of our directories (openat(dirfd(debugfs), "failslab/...")) */
		if (dirfd == AT_FDCWD || !our_dir_path(dirfd, dir))
			return NOT_OURS;
		snprintf(full, sizeof(full), "%s/%s", dir, path);
		if (strlen(full) >= sizeof(path))
			return NOT_OURS;
		strcpy(path, full);
	}
	canon_path(path);
	r = sim_open(path, flags);
	/* a name under our directory fd is ours to refuse; libc would see an eventfd */
	if (r == -ENOENT && upath[0] == '/')
		return NOT_OURS;
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

static int try_open(const char *upath, int flags)
{
	return try_openat(AT_FDCWD, upath, flags);
}

static mode_t open_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

#define OPEN_WRAPPER(name)                                                  \
	int name(const char *path, int flags, ...)                          \
	{                                                                   \
		int fd = try_open(path, flags);                             \
		mode_t mode;                                                \
		va_list ap;                                                 \
		if (fd != NOT_OURS)                                         \
			return fd;                                          \
		va_start(ap, flags);                                        \
		mode = open_mode(flags, ap);                                \
		va_end(ap);                                                 \
		return RESOLVE(name)(path, flags, mode);                    \
	}

#define OPENAT_WRAPPER(name)                                                \
	int name(int dirfd, const char *path, int flags, ...)               \
	{                                                                   \
		int fd = try_openat(dirfd, path, flags);                    \
		mode_t mode;                                                \
		va_list ap;                                                 \
		if (fd != NOT_OURS)                                         \
			return fd;                                          \
		va_start(ap, flags);                                        \
		mode = open_mode(flags, ap);                                \
		va_end(ap);                                                 \
		return RESOLVE(name)(dirfd, path, flags, mode);             \
	}

#define OPEN2_WRAPPER(name)                                                 \
	int name(const char *path, int flags)                               \
	{                                                                   \
		int fd = try_open(path, flags);                             \
		return fd != NOT_OURS ? fd : RESOLVE(name)(path, flags);    \
	}

OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)
OPEN2_WRAPPER(__open_2)
OPEN2_WRAPPER(__open64_2)

int ioctl(int fd, unsigned long request, ...)
{
	unsigned long arg;
	va_list ap;
	long r;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (!sim_fd_is_ours(fd))
		return RESOLVE(ioctl)(fd, request, arg);
	r = sim_ioctl(fd, (unsigned int)request, arg);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (int)r;
}

int close(int fd)
{
	if (sim_fd_is_ours(fd)) {
		int r = sim_close(fd);

		if (r < 0) {
			errno = -r;
			return -1;
		}
		return 0;
	}
	return RESOLVE(close)(fd);
}

/* read/write and the p-variants on our fds: the file's ops (sim_rw). */
static ssize_t rw_result(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

#define RW_WRAPPER(name, buf_t, wr)                                          \
	ssize_t name(int fd, buf_t buf, size_t n)                            \
	{                                                                    \
		if (!sim_fd_is_ours(fd))                                     \
			return RESOLVE(name)(fd, buf, n);                    \
		return rw_result(sim_rw(fd, (u64)(uintptr_t)buf, n, 0, wr, false)); \
	}

#define PRW_WRAPPER(name, buf_t, off_type, wr)                               \
	ssize_t name(int fd, buf_t buf, size_t n, off_type off)              \
	{                                                                    \
		if (!sim_fd_is_ours(fd))                                     \
			return RESOLVE(name)(fd, buf, n, off);               \
		return rw_result(sim_rw(fd, (u64)(uintptr_t)buf, n, (u64)off, wr, true)); \
	}

RW_WRAPPER(read, void *, false)
RW_WRAPPER(write, const void *, true)
PRW_WRAPPER(pread, void *, off_t, false)
PRW_WRAPPER(pwrite, const void *, off_t, true)
PRW_WRAPPER(pread64, void *, off64_t, false)
PRW_WRAPPER(pwrite64, const void *, off64_t, true)

/*
 * Directory streams over our directories: a DIR * of ours is one of these
 * (remembered in dir_streams, so libc's are never taken for ours).
 */
struct sim_dir {
	int fd;			/* our directory fd */
	unsigned long next;	/* index of the next entry */
	char path[PATH_MAX_OURS];
	struct dirent ent;
	struct dirent64 ent64;
};

#define MAX_DIR_STREAMS 16
static struct sim_dir *dir_streams[MAX_DIR_STREAMS];
static pthread_mutex_t dir_lock = PTHREAD_MUTEX_INITIALIZER;

static struct sim_dir *our_dir(DIR *d)
{
	struct sim_dir *found = NULL;

	pthread_mutex_lock(&dir_lock);
	for (int i = 0; i < MAX_DIR_STREAMS; i++)
		if (dir_streams[i] && (DIR *)dir_streams[i] == d)
			found = dir_streams[i];
	pthread_mutex_unlock(&dir_lock);
	return found;
}

/* A stream over our directory fd, or NULL with errno (ENOTDIR: not a directory). */
static DIR *dir_stream(int fd)
{
	struct sim_dir *sd = calloc(1, sizeof(*sd));
	int i;

	if (!sd || !our_dir_path(fd, sd->path)) {
		free(sd);
		errno = sd ? ENOTDIR : ENOMEM;
		return NULL;
	}
	sd->fd = fd;
	pthread_mutex_lock(&dir_lock);
	for (i = 0; i < MAX_DIR_STREAMS && dir_streams[i]; i++)
		;
	if (i < MAX_DIR_STREAMS)
		dir_streams[i] = sd;
	pthread_mutex_unlock(&dir_lock);
	if (i == MAX_DIR_STREAMS) {
		free(sd);
		errno = EMFILE;
		return NULL;
	}
	return (DIR *)sd;
}

DIR *opendir(const char *path)
{
	int fd = try_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd == NOT_OURS)
		return RESOLVE(opendir)(path);
	if (fd < 0)
		return NULL;
	d = dir_stream(fd);
	if (!d) {
		int e = errno;

		sim_close(fd);
		errno = e;
	}
	return d;
}

DIR *fdopendir(int fd)
{
	if (!sim_fd_is_ours(fd))
		return RESOLVE(fdopendir)(fd);
	return dir_stream(fd);
}

/* Fill the next entry of sd into name/type; false at the end. */
static bool dir_next(struct sim_dir *sd, char *name, size_t len, unsigned char *type)
{
	bool is_dir;

	if (!sim_dir_entry(sd->path, sd->next, name, len, &is_dir))
		return false;
	sd->next++;
	*type = is_dir ? DT_DIR : DT_REG;
	return true;
}

#define FILL_DIRENT(e, sd, name, type)                                       \
	do {                                                                 \
		memset(&(e), 0, sizeof(e));                                  \
		(e).d_ino = (sd)->next;	/* any non-zero number */            \
		(e).d_off = (long)(sd)->next;                                \
		(e).d_reclen = sizeof(e);                                    \
		(e).d_type = (type);                                         \
		snprintf((e).d_name, sizeof((e).d_name), "%s", (name));      \
	} while (0)

#define READDIR_WRAPPER(name, type, member)                                  \
	struct type *name(DIR *d)                                            \
	{                                                                    \
		struct sim_dir *sd = our_dir(d);                             \
		char nm[256];                                                \
		unsigned char t;                                             \
		if (!sd)                                                     \
			return RESOLVE(name)(d);                             \
		if (!dir_next(sd, nm, sizeof(nm), &t))                       \
			return NULL;                                         \
		FILL_DIRENT(sd->member, sd, nm, t);                          \
		return &sd->member;                                          \
	}

READDIR_WRAPPER(readdir, dirent, ent)
READDIR_WRAPPER(readdir64, dirent64, ent64)

void rewinddir(DIR *d)
{
	struct sim_dir *sd = our_dir(d);

	if (!sd)
		RESOLVE(rewinddir)(d);
	else
		sd->next = 0;
}

int dirfd(DIR *d)
{
	struct sim_dir *sd = our_dir(d);

	return sd ? sd->fd : RESOLVE(dirfd)(d);
}

int closedir(DIR *d)
{
	struct sim_dir *sd = our_dir(d);

	if (!sd)
		return RESOLVE(closedir)(d);
	pthread_mutex_lock(&dir_lock);
	for (int i = 0; i < MAX_DIR_STREAMS; i++)
		if (dir_streams[i] == sd)
			dir_streams[i] = NULL;
	pthread_mutex_unlock(&dir_lock);
	sim_close(sd->fd);
	free(sd);
	return 0;
}
