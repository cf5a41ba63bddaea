// SPDX-License-Identifier: MIT
/*
 * fd tables, files and device nodes of the syscall stub, and the anonymous
 * fds the core asks for through struct iommufd_fd_ops (CREATE_ACCESS). Files are refcounted so an
 * ioctl in flight keeps its file alive while another thread closes the fd.
 */
#include "ioctl-sim/sim.h"
#include "core/iommufd.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/idtable.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

struct sim_fdtable {
	spinlock_t lock;		/* protects fds */
	struct idtab fds;		/* fd -> struct sim_file (IDTAB_ZERO: reserved) */
	bool solo;			/* one process's own: only it, one thread, uses it */
	struct sim_file *inflight;	/* solo: the file of the ioctl running now */
};

#define SIM_FD_MIN 3			/* 0-2 are the console */
#define SIM_FD_MAX 0x7fffffff
#define SIM_O_ACCMODE	3
#define SIM_O_DIRECTORY	0200000		/* Linux x86-64's O_DIRECTORY */

static struct sim_fdtable default_table;
/* The running process's table (per CPU in the kernel), installed by the syscall layer. */
static struct sim_fdtable *(*table_of_caller)(void);
static const struct sim_fd_allocator *fd_allocator;
static long live_files;

static spinlock_t nodes_lock;
static LIST_HEAD(nodes);
static struct sim_node builtin_nodes[] = {
	{ .path = "/dev/iommu", .ops = &iommufd_fops },
};

static struct sim_fdtable *or_default(struct sim_fdtable *t)
{
	return t ? t : &default_table;
}

static struct sim_fdtable *cur(void)
{
	return or_default(table_of_caller ? table_of_caller() : NULL);
}

int sim_register_node(struct sim_node *node)
{
	struct sim_node *n;
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(builtin_nodes); i++)
		if (!strcmp(builtin_nodes[i].path, node->path))
			return -EEXIST;
	spin_lock(&nodes_lock);
	list_for_each_entry(n, &nodes, list)
		if (!strcmp(n->path, node->path))
			ret = -EEXIST;
	if (!ret)
		list_add_tail(&node->list, &nodes);
	spin_unlock(&nodes_lock);
	return ret;
}

void sim_unregister_node(struct sim_node *node)
{
	spin_lock(&nodes_lock);
	list_del(&node->list);
	spin_unlock(&nodes_lock);
}

static struct sim_node *find_node(const char *path)
{
	struct sim_node *n, *found = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(builtin_nodes); i++)
		if (!strcmp(builtin_nodes[i].path, path))
			return &builtin_nodes[i];
	spin_lock(&nodes_lock);
	list_for_each_entry(n, &nodes, list)
		if (!strcmp(n->path, path))
			found = n;
	spin_unlock(&nodes_lock);
	return found;
}

/* dir's child named by path (one level below it), as a pointer and length; NULL if none. */
static const char *child_of(const char *dir, const char *path, size_t *len, bool *is_dir)
{
	size_t dl = strlen(dir);
	const char *c, *slash;

	if (strncmp(path, dir, dl) || path[dl] != '/' || !path[dl + 1])
		return NULL;
	c = path + dl + 1;
	slash = strchr(c, '/');
	*len = slash ? (size_t)(slash - c) : strlen(c);
	*is_dir = slash != NULL;
	return c;
}

/*
 * Node i of all nodes (the built-in ones first, then in registration
 * order); NULL past the last. nodes_lock held.
 */
static struct sim_node *node_at(unsigned long i)
{
	struct sim_node *n;

	if (i < ARRAY_SIZE(builtin_nodes))
		return &builtin_nodes[i];
	i -= ARRAY_SIZE(builtin_nodes);
	list_for_each_entry(n, &nodes, list)
		if (!i--)
			return n;
	return NULL;
}

/* Whether a node before index i already gave dir the child c (len bytes). nodes_lock held. */
static bool child_seen(const char *dir, unsigned long i, const char *c, size_t len)
{
	for (unsigned long j = 0; j < i; j++) {
		const char *o;
		size_t olen;
		bool d;

		o = child_of(dir, node_at(j)->path, &olen, &d);
		if (o && olen == len && !strncmp(o, c, len))
			return true;
	}
	return false;
}

bool sim_dir_entry(const char *dir, unsigned long idx, char *name, size_t len, bool *is_dir)
{
	static const char *const dots[] = { ".", "..", };
	struct sim_node *n;
	bool found = false;

	*is_dir = true;
	if (idx < ARRAY_SIZE(dots)) {
		snprintf(name, len, "%s", dots[idx]);
		return true;
	}
	idx -= ARRAY_SIZE(dots);
	spin_lock(&nodes_lock);
	for (unsigned long i = 0; !found && (n = node_at(i)); i++) {
		size_t cl;
		const char *c = child_of(dir, n->path, &cl, is_dir);

		if (!c || child_seen(dir, i, c, cl) || idx--)
			continue;
		*is_dir |= n->ops == &sim_dir_fops;
		snprintf(name, len, "%.*s", (int)cl, c);
		found = true;
	}
	spin_unlock(&nodes_lock);
	return found;
}

static int dir_open(struct sim_file *f, struct sim_node *node)
{
	return (f->flags & SIM_O_ACCMODE) ? -EISDIR : 0;
}

static long dir_rw(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	return -EISDIR;
}

const struct sim_file_ops sim_dir_fops = {
	.name = "directory",
	.open = dir_open,
	.read = dir_rw,
	.write = dir_rw,
	.mode = 0040755,	/* S_IFDIR */
};

struct sim_file *sim_file_alloc(const struct sim_file_ops *ops, void *private_data)
{
	struct sim_file *f = failable(kzalloc(sizeof(*f)));

	if (!f)
		return NULL;
	f->ops = ops;
	f->private_data = private_data;
	refcount_set(&f->refs, 1);
	__atomic_fetch_add(&live_files, 1, __ATOMIC_RELAXED);
	return f;
}

/* Free a file that never became visible (no release call). */
static void free_file(struct sim_file *f)
{
	kfree(f->private_data);
	kfree(f);
	__atomic_fetch_sub(&live_files, 1, __ATOMIC_RELAXED);
}

/* A table entry that is a live file: not reserved, not a pending anonymous one. */
static struct sim_file *live_file(struct sim_file *f)
{
	return f && f->ops ? f : NULL;
}

void sim_fput(struct sim_file *f)
{
	if (!refcount_dec_and_test(&f->refs))
		return;
	if (f->ops->release)
		f->ops->release(f);
	kfree(f);
	__atomic_fetch_sub(&live_files, 1, __ATOMIC_RELAXED);
}

static struct sim_file *fget_in(struct sim_fdtable *t, int fd)
{
	struct sim_file *f;

	if (fd < 0)
		return NULL;
	spin_lock(&t->lock);
	f = live_file(idtab_load(&t->fds, (unsigned long)fd));
	if (f)
		refcount_inc(&f->refs);
	spin_unlock(&t->lock);
	return f;
}

struct sim_file *sim_fget(int fd)
{
	return fget_in(cur(), fd);
}

/*
 * The file of fd for the length of one call, as Linux's fdget: nobody but
 * the caller can close an fd of a solo table meanwhile, so no lock and no
 * reference (*ref false); else sim_fget's reference, for sim_fdput.
 */
static struct sim_file *sim_fdget(struct sim_fdtable *t, int fd, bool *ref)
{
	*ref = !t->solo;
	if (*ref)
		return fget_in(t, fd);
	return fd < 0 ? NULL : live_file(idtab_load(&t->fds, (unsigned long)fd));
}

static void sim_fdput(struct sim_file *f, bool ref)
{
	if (ref)
		sim_fput(f);
}

bool sim_fd_is_ours(int fd)
{
	struct sim_fdtable *t = cur();
	bool ours;

	if (fd < 0)
		return false;
	spin_lock(&t->lock);
	ours = live_file(idtab_load(&t->fds, (unsigned long)fd)) != NULL;
	spin_unlock(&t->lock);
	return ours;
}

int sim_fd_new(const struct sim_file_ops *ops, void *private_data)
{
	struct sim_file *f = sim_file_alloc(ops, private_data);
	int fd;

	if (!f) {
		kfree(private_data);
		return -ENOMEM;
	}
	fd = sim_fd_reserve();
	if (fd < 0) {
		free_file(f);
		return fd;
	}
	sim_fd_install(fd, f);
	return fd;
}

int sim_fd_reserve(void)
{
	struct sim_fdtable *t = cur();
	unsigned long fd;
	int ret;

	if (fd_allocator) {
		int n = fd_allocator->alloc();

		if (n < 0)
			return n;
		spin_lock(&t->lock);
		ret = idtab_store(&t->fds, (unsigned long)n, IDTAB_ZERO, NULL);
		spin_unlock(&t->lock);
		if (ret) {
			fd_allocator->free(n);
			return ret;
		}
		return n;
	}
	spin_lock(&t->lock);
	ret = idtab_alloc(&t->fds, IDTAB_ZERO, SIM_FD_MIN, SIM_FD_MAX, &fd);
	spin_unlock(&t->lock);
	if (ret)
		return ret == -EBUSY ? -EMFILE : ret;
	return (int)fd;
}

void sim_fd_install(int fd, struct sim_file *f)
{
	struct sim_fdtable *t = cur();

	spin_lock(&t->lock);
	idtab_store(&t->fds, (unsigned long)fd, f, NULL);	/* reserved: no allocation */
	spin_unlock(&t->lock);
}

void sim_fd_unreserve(int fd)
{
	struct sim_fdtable *t = cur();

	spin_lock(&t->lock);
	idtab_erase(&t->fds, (unsigned long)fd);
	spin_unlock(&t->lock);
	if (fd_allocator)
		fd_allocator->free(fd);
}

int sim_open(const char *path, int flags)
{
	struct sim_node *node = find_node(path);
	struct sim_file *f;
	int fd, ret;

	if (!node)
		return -ENOENT;
	if ((flags & SIM_O_DIRECTORY) && node->ops != &sim_dir_fops)
		return -ENOTDIR;
	f = sim_file_alloc(node->ops, NULL);
	if (!f)
		return -ENOMEM;
	f->node = node;
	f->flags = flags;
	if (node->ops->open) {
		ret = node->ops->open(f, node);
		if (ret) {
			f->private_data = NULL;
			free_file(f);
			return ret;
		}
	}
	fd = sim_fd_reserve();
	if (fd < 0) {
		sim_fput(f);
		return fd;
	}
	sim_fd_install(fd, f);
	return fd;
}

long sim_ioctl(int fd, unsigned int cmd, u64 arg)
{
	return sim_ioctl_in(cur(), fd, cmd, arg);
}

long sim_ioctl_in(struct sim_fdtable *t, int fd, unsigned int cmd, u64 arg)
{
	bool ref;
	struct sim_file *f = sim_fdget(or_default(t), fd, &ref);
	long ret;

	if (!f)
		return -EBADF;
	if (!ref)
		t->inflight = f;
	ret = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
	if (!ref)
		t->inflight = NULL;
	sim_fdput(f, ref);
	return ret == -ENOIOCTLCMD ? -ENOTTY : ret;
}

/*
 * read/write (positioned: pread/pwrite at off; else at and advancing the
 * file position) on fd: bytes or -errno, in Linux's order of checks: fd,
 * access mode of a file opened by path, then the op (none: -EINVAL).
 */
long sim_rw(int fd, u64 ubuf, size_t n, u64 off, bool write, bool positioned)
{
	struct sim_file *f = sim_fget(fd);
	int acc;
	long ret;

	if (!f)
		return -EBADF;
	acc = f->flags & 3;	/* O_ACCMODE: 0 read-only, 1 write-only */
	if (f->node && (write ? acc == 0 : acc == 1))
		ret = -EBADF;
	else if (!(write ? f->ops->write : f->ops->read))
		ret = -EINVAL;
	else if (f->ops->nonseekable && positioned)
		ret = -ESPIPE;
	else if ((s64)off < 0 || (s64)n < 0)
		ret = -EINVAL;
	else
		ret = write ? f->ops->write(f, ubuf, n, positioned ? off : f->pos) :
			      f->ops->read(f, ubuf, n, positioned ? off : f->pos);
	if (ret > 0 && !positioned && !f->ops->nonseekable)
		f->pos += (u64)ret;
	sim_fput(f);
	return ret;
}

static int close_in(struct sim_fdtable *t, int fd)
{
	struct sim_file *f = NULL;

	if (fd < 0)
		return -EBADF;
	spin_lock(&t->lock);
	if (live_file(idtab_load(&t->fds, (unsigned long)fd)))
		f = idtab_erase(&t->fds, (unsigned long)fd);
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	if (fd_allocator)
		fd_allocator->free(fd);
	sim_fput(f);
	return 0;
}

int sim_close(int fd)
{
	return close_in(cur(), fd);
}

int sim_dup(int fd, int newfd, bool exact)
{
	struct sim_fdtable *t = cur();
	struct sim_file *f, *old = NULL;
	unsigned long n = (unsigned long)newfd;
	void *raw = NULL;
	int ret;

	if (fd_allocator)
		return -EINVAL;		/* hosted: the process's own numbers are libc's */
	if (newfd < 0 || (exact && newfd < SIM_FD_MIN))
		return -EBADF;
	f = sim_fget(fd);
	if (!f)
		return -EBADF;
	if (exact && fd == newfd) {
		sim_fput(f);
		return newfd;
	}
	spin_lock(&t->lock);
	if (exact) {
		ret = idtab_store(&t->fds, n, f, &raw);
		/* a number being installed (Linux: a racing open) is not taken over */
		if (!ret && raw && !live_file(raw)) {
			idtab_store(&t->fds, n, raw, NULL);
			ret = -EBUSY;
		}
		old = ret ? NULL : raw;
	} else {
		ret = idtab_alloc(&t->fds, f, max(n, (unsigned long)SIM_FD_MIN), SIM_FD_MAX, &n);
		if (ret == -EBUSY)
			ret = -EMFILE;
	}
	spin_unlock(&t->lock);
	if (ret) {
		sim_fput(f);
		return ret;
	}
	if (old)
		sim_fput(old);
	return (int)n;	/* the table holds the reference sim_fget took */
}

void sim_set_fd_allocator(const struct sim_fd_allocator *a)
{
	fd_allocator = a;
}

/*
 * A process's table: solo, as processes here have one thread and no
 * CLONE_FILES (the default table is shared by the kernel's CPUs and by a
 * hosted program's threads).
 */
struct sim_fdtable *sim_fdtable_alloc(void)
{
	struct sim_fdtable *t = failable(kzalloc(sizeof(struct sim_fdtable)));

	if (t) {
		spin_lock_init(&t->lock);
		t->solo = true;
	}
	return t;
}

struct sim_fdtable *sim_fdtable_dup(struct sim_fdtable *src)
{
	struct sim_fdtable *t = sim_fdtable_alloc();
	unsigned long fd;
	void *e;
	int ret = 0;

	if (!t)
		return NULL;
	spin_lock(&src->lock);
	idtab_for_each(&src->fds, fd, e) {
		struct sim_file *f = live_file(e);

		if (!f)
			continue;	/* an anonymous fd not yet installed stays the parent's */
		ret = idtab_store(&t->fds, fd, f, NULL);
		if (ret)
			break;
		refcount_inc(&f->refs);
	}
	spin_unlock(&src->lock);
	if (ret) {
		sim_fdtable_free(t);
		return NULL;
	}
	return t;
}

void sim_fdtable_free(struct sim_fdtable *t)
{
	struct sim_file *f;
	unsigned long fd;

	/*
	 * A kernel crash inside an ioctl frees the table with that call never
	 * finished: its file keeps a reference and is never released, since
	 * its release could take a lock the dead call holds.
	 */
	if (t->inflight)
		refcount_inc(&t->inflight->refs);
	idtab_for_each(&t->fds, fd, f)
		close_in(t, (int)fd);
	idtab_destroy(&t->fds);
	if (t != &default_table)
		kfree(t);
}

void sim_fdtable_set_finder(struct sim_fdtable *(*fn)(void))
{
	table_of_caller = fn;
}

struct sim_fdtable *sim_fdtable_current(void)
{
	return cur();
}

long sim_live_files(void)
{
	return __atomic_load_n(&live_files, __ATOMIC_RELAXED);
}

/* ---- anonymous fds for core/ (struct iommufd_fd_ops, core/iommufd.h) ---- */

struct anon_file {
	const struct iommufd_anon_ops *ops;
	void *priv;
};

static void anon_release(struct sim_file *f)
{
	struct anon_file *a = f->private_data;

	a->ops->release(a->priv);
	kfree(a);
}

/* The core's files do not seek: the position is neither used nor moved. */
static long anon_rw(struct sim_file *f, u64 ubuf, size_t n, bool write)
{
	struct anon_file *a = f->private_data;
	long (*op)(void *priv, u64 ubuf, size_t n) = write ? a->ops->write : a->ops->read;

	return op ? op(a->priv, ubuf, n) : -EINVAL;
}

static long anon_read(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	return anon_rw(f, ubuf, n, false);
}

static long anon_write(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	return anon_rw(f, ubuf, n, true);
}

static const struct sim_file_ops anon_fops = {
	.name = "anon",
	.release = anon_release,
	.read = anon_read,
	.write = anon_write,
	.nonseekable = true,
};

/*
 * The file is made at reserve time, so install cannot fail; until then it
 * sits in the table with no ops, which every lookup treats as absent.
 */
static int anon_fd_reserve(void)
{
	struct anon_file *a = failable(kzalloc(sizeof(*a)));

	return a ? sim_fd_new(NULL, a) : -ENOMEM;
}

static void anon_fd_install(int fd, const struct iommufd_anon_ops *ops, void *priv)
{
	struct sim_fdtable *t = cur();
	struct sim_file *f;
	struct anon_file *a;

	spin_lock(&t->lock);
	f = idtab_load(&t->fds, (unsigned long)fd);
	a = f->private_data;
	a->ops = ops;
	a->priv = priv;
	f->ops = &anon_fops;
	spin_unlock(&t->lock);
}

static void anon_fd_unreserve(int fd)
{
	struct sim_fdtable *t = cur();
	struct sim_file *f;

	spin_lock(&t->lock);
	f = idtab_erase(&t->fds, (unsigned long)fd);
	spin_unlock(&t->lock);
	if (fd_allocator)
		fd_allocator->free(fd);
	free_file(f);
}

static void *anon_fd_get(int fd, const struct iommufd_anon_ops *ops, void **ref)
{
	struct sim_file *f = sim_fget(fd);
	struct anon_file *a;

	if (!f)
		return NULL;
	a = f->private_data;
	if (f->ops != &anon_fops || a->ops != ops) {
		sim_fput(f);
		return NULL;
	}
	*ref = f;
	return a->priv;
}

static void anon_fd_put(void *ref)
{
	sim_fput(ref);
}

const struct iommufd_fd_ops sim_iommufd_fd_ops = {
	.reserve = anon_fd_reserve,
	.install = anon_fd_install,
	.unreserve = anon_fd_unreserve,
	.get = anon_fd_get,
	.put = anon_fd_put,
};
