/* SPDX-License-Identifier: MIT */
/*
 * The syscall stub's file layer: device nodes by path (/dev/iommu built in,
 * drivers add theirs), open files with small ops tables, and fd tables
 * mapping numbers to files. Same code in the kernel and hosted.
 */
#ifndef IOCTL_SIM_SIM_H
#define IOCTL_SIM_SIM_H

#include "lib/compiler.h"
#include "lib/list.h"
#include "lib/refcount.h"

struct sim_file;
struct sim_node;

/* What a kind of file does; every op may be NULL. */
struct sim_file_ops {
	const char *name;
	/* Set up f->private_data when a node is opened: 0 or -errno. */
	int (*open)(struct sim_file *f, struct sim_node *node);
	/* ioctl: >= 0 or -errno; -ENOIOCTLCMD (and a NULL op) become -ENOTTY. */
	long (*ioctl)(struct sim_file *f, unsigned int cmd, u64 arg);
	/* read/pread and write/pwrite of n bytes at off to/from user memory: bytes or -errno. */
	long (*read)(struct sim_file *f, u64 ubuf, size_t n, u64 off);
	long (*write)(struct sim_file *f, u64 ubuf, size_t n, u64 off);
	/* mmap of [off, off + len): the physical (MMIO) address mapped there, 0 or -errno. */
	int (*mmap)(struct sim_file *f, u64 off, u64 len, phys_addr_t *pa);
	/* Which of POLLIN/POLLOUT would not block now (NULL: both). */
	unsigned int (*poll)(struct sim_file *f);
	/* The last reference went away (every fd closed, every get put). */
	void (*release)(struct sim_file *f);
	/* pread/pwrite are ESPIPE and read/write ignore the position (Linux's nonseekable_open). */
	bool nonseekable;
	/* what fstat says: Linux's st_mode, type and permission bits (0: an anonymous inode) */
	unsigned int mode;
};

/* An open file: shared by the fds that name it and by sim_fget() holders. */
struct sim_file {
	const struct sim_file_ops *ops;
	void *private_data;
	struct sim_node *node;		/* NULL for anonymous files */
	int flags;			/* open() flags */
	u64 pos;			/* file position of read()/write() */
	refcount_t refs;
};

/* A device node: open(path) makes a file with these ops. */
struct sim_node {
	const char *path;
	const struct sim_file_ops *ops;
	void *data;			/* the driver's (e.g. which device) */
	struct list_head list;
};

/* Make node openable by its path; -EEXIST when the path is taken. */
int sim_register_node(struct sim_node *node);
void sim_unregister_node(struct sim_node *node);

/*
 * A directory is a node with these ops: opened read-only (EISDIR for
 * writing) it lists the nodes registered below its path (sim_dir_entry);
 * reads and writes are EISDIR. Only registered directories exist, so a
 * hosted program's own /dev or /sys is never shadowed.
 */
extern const struct sim_file_ops sim_dir_fops;
/*
 * Entry idx of directory dir: ".", "..", then each name one level below
 * dir among the registered nodes, in registration order. The name is
 * copied (NUL-terminated, cut to len); *is_dir says whether it is a
 * directory. false past the last entry.
 */
bool sim_dir_entry(const char *dir, unsigned long idx, char *name, size_t len, bool *is_dir);

/*
 * Calls on the current fd table. open: fd or -ENOENT (no such node),
 * -ENOTDIR (O_DIRECTORY on a file), -EISDIR (a directory for writing),
 * -EMFILE, -ENOMEM or the node's -errno. ioctl/close: -EBADF for fds the
 * table does not hold.
 */
int sim_open(const char *path, int flags);
long sim_ioctl(int fd, unsigned int cmd, u64 arg);
int sim_close(int fd);
/* read/write/pread/pwrite through the file's ops: bytes or -errno. */
long sim_rw(int fd, u64 ubuf, size_t n, u64 off, bool write, bool positioned);
bool sim_fd_is_ours(int fd);
/*
 * dup (exact false: the lowest free number >= newfd) and dup2/dup3 (exact:
 * newfd itself, whose file is closed first): the new fd, or -EBADF, -EMFILE,
 * -EBUSY (newfd is being installed), -ENOMEM. Not for hosted tables.
 */
int sim_dup(int fd, int newfd, bool exact);

/* Anonymous files (access fds): reserve a number, then install a file. */
struct sim_file *sim_file_alloc(const struct sim_file_ops *ops, void *private_data);
int sim_fd_reserve(void);
void sim_fd_install(int fd, struct sim_file *f);
void sim_fd_unreserve(int fd);
/* A new file with ops on the lowest free fd; on failure private_data is freed. */
int sim_fd_new(const struct sim_file_ops *ops, void *private_data);

/* A reference on fd's file (NULL: -EBADF); drop it with sim_fput(). */
struct sim_file *sim_fget(int fd);
void sim_fput(struct sim_file *f);

/*
 * Where fd numbers come from. Default: the lowest free number >= 3 of the
 * table. The hosted LD_PRELOAD library hands out real kernel fds as
 * placeholders so ours never clash with the process's own.
 */
struct sim_fd_allocator {
	int (*alloc)(void);		/* a free number or -errno */
	void (*free)(int fd);		/* the number is no longer ours */
};
void sim_set_fd_allocator(const struct sim_fd_allocator *a);

/* fd tables: one per process (ring 3); the default one serves hosted programs. */
struct sim_fdtable;
struct sim_fdtable *sim_fdtable_alloc(void);
/* sim_ioctl on table t (a process's, from the syscall layer; NULL: the default one). */
long sim_ioctl_in(struct sim_fdtable *t, int fd, unsigned int cmd, u64 arg);
/* A copy of t for a forked process: the same files under the same numbers; NULL: no memory. */
struct sim_fdtable *sim_fdtable_dup(struct sim_fdtable *t);
/* Close every fd of t and free it. */
void sim_fdtable_free(struct sim_fdtable *t);
/*
 * Where the calls above find the caller's table: fn returns the running
 * process's (NULL, or no fn: the default table). The kernel's syscall layer
 * installs one that looks at this CPU's process.
 */
void sim_fdtable_set_finder(struct sim_fdtable *(*fn)(void));
struct sim_fdtable *sim_fdtable_current(void);
/* Open files in all tables (leak check). */
long sim_live_files(void);

/*
 * eventfd (eventfd.c, kernel): a 64-bit counter file. create: an fd with
 * initval and Linux's EFD_* flags (-EINVAL for others). signal: add one,
 * from any context (interrupt handlers). is: whether f is one.
 */
int sim_eventfd_create(u64 initval, int flags);
void sim_eventfd_signal(struct sim_file *f);
bool sim_file_is_eventfd(const struct sim_file *f);
/*
 * pipe2 (pipe.c, kernel): fds[0] the read end, fds[1] the write end, with
 * Linux's O_NONBLOCK and O_CLOEXEC (no exec here: kept, unused); 0, -EINVAL,
 * -EMFILE, -ENOMEM.
 */
int sim_pipe_create(int fds[2], int flags);
/* /dev/iommu: the file ops, and the context behind an iommufd fd. */
extern const struct sim_file_ops iommufd_fops;
/* Anonymous fds for the core; installed when /dev/iommu is first opened. */
struct iommufd_fd_ops;
extern const struct iommufd_fd_ops sim_iommufd_fd_ops;
struct iommufd_ctx;
/*
 * The context of iommufd fd, with a context reference (iommufd_ctx_put()),
 * as VFIO_DEVICE_BIND_IOMMUFD needs; ERR_PTR(-EBADF) or ERR_PTR(-EBADFD).
 */
struct iommufd_ctx *sim_iommufd_ctx_from_fd(int fd);

#endif
