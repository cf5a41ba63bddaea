// SPDX-License-Identifier: MIT
/*
 * pipe2 for ring 3 (Linux's semantics): a byte ring between a read end and
 * a write end, shared through fork. A read waits for bytes or for the last
 * write end to close (then end of file); a write waits for room, and with
 * no read end left it is EPIPE and SIGPIPE. Every wait ends at a signal.
 * The processes sharing a pipe run on one CPU and are only switched where
 * they wait: no lock. Kernel only.
 */
#include "arch/x86/proc.h"
#include "arch/x86/tsc.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "ioctl-sim/sim.h"
#include "ioctl-sim/syscall.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include <asm/signal.h>

#define PIPE_SIZE	8192
#define O_NONBLOCK	04000
#define O_CLOEXEC	02000000
#define POLLIN		0x001
#define POLLOUT		0x004
#define POLLERR		0x008
#define POLLHUP		0x010

struct pipe {
	u32 head, len;		/* bytes [head, head + len) of buf, wrapping */
	int readers, writers;	/* open ends */
	u8 buf[PIPE_SIZE];
};

/* Copy n bytes between user memory and the ring at pos (wrapping): 0 or -EFAULT. */
static int ring_copy(struct pipe *pp, u32 pos, u64 ubuf, u32 n, bool in)
{
	u32 at = pos % PIPE_SIZE, first = min(n, PIPE_SIZE - at);

	if (in)
		return copy_from_user(pp->buf + at, ubuf, first) ||
		       copy_from_user(pp->buf, ubuf + first, n - first) ? -EFAULT : 0;
	return copy_to_user(ubuf, pp->buf + at, first) ||
	       copy_to_user(ubuf + first, pp->buf, n - first) ? -EFAULT : 0;
}

static long pipe_read(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	struct pipe *pp = f->private_data;
	u32 take;

	if (!n)
		return 0;
	if (!pp->len && pp->writers && (f->flags & O_NONBLOCK))
		return -EAGAIN;
	if (!sim_wait_until(pp->len || !pp->writers, ~0ULL))
		return -ERESTARTSYS;
	if (!pp->len)
		return 0;	/* every write end is closed: end of file */
	take = (u32)min_t(size_t, n, pp->len);
	if (ring_copy(pp, pp->head, ubuf, take, false))
		return -EFAULT;
	pp->head = (pp->head + take) % PIPE_SIZE;
	pp->len -= take;
	return take;
}

static long pipe_write(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	struct pipe *pp = f->private_data;
	size_t done = 0;

	while (done < n) {
		u32 put;

		if (!pp->readers) {
			proc_signal(proc_current(), SIGPIPE, 0, proc_current()->pid);
			return done ? (long)done : -EPIPE;
		}
		if (pp->len == PIPE_SIZE && (f->flags & O_NONBLOCK))
			return done ? (long)done : -EAGAIN;
		if (!sim_wait_until(pp->len < PIPE_SIZE || !pp->readers, ~0ULL))
			return done ? (long)done : -ERESTARTSYS;
		if (!pp->readers)
			continue;
		put = (u32)min_t(size_t, n - done, PIPE_SIZE - pp->len);
		if (ring_copy(pp, pp->head + pp->len, ubuf + done, put, true))
			return done ? (long)done : -EFAULT;
		pp->len += put;
		done += put;
	}
	return (long)done;
}

static unsigned int pipe_poll_read(struct sim_file *f)
{
	struct pipe *pp = f->private_data;

	return (pp->len ? POLLIN : 0) | (pp->writers ? 0 : POLLHUP);
}

static unsigned int pipe_poll_write(struct sim_file *f)
{
	struct pipe *pp = f->private_data;

	return (pp->len < PIPE_SIZE ? POLLOUT : 0) | (pp->readers ? 0 : POLLERR);
}

/* One end is gone: the pipe goes with the last. */
static void pipe_release(struct sim_file *f, int *ends)
{
	struct pipe *pp = f->private_data;

	--*ends;
	if (!pp->readers && !pp->writers)
		kfree(pp);
}

static void pipe_release_read(struct sim_file *f)
{
	pipe_release(f, &((struct pipe *)f->private_data)->readers);
}

static void pipe_release_write(struct sim_file *f)
{
	pipe_release(f, &((struct pipe *)f->private_data)->writers);
}

static long pipe_wrong_end(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	return -EBADF;		/* Linux: the fd is not open for that */
}

static const struct sim_file_ops pipe_fops[2] = {
	{ .name = "pipe-read", .read = pipe_read, .write = pipe_wrong_end,
	  .poll = pipe_poll_read, .release = pipe_release_read, .nonseekable = true,
	  .mode = 0010600 /* S_IFIFO */ },
	{ .name = "pipe-write", .read = pipe_wrong_end, .write = pipe_write,
	  .poll = pipe_poll_write, .release = pipe_release_write, .nonseekable = true,
	  .mode = 0010600 },
};

int sim_pipe_create(int fds[2], int flags)
{
	struct pipe *pp;
	struct sim_file *f[2] = { NULL, NULL };
	int ret = -ENOMEM;

	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	pp = failable(kzalloc(sizeof(*pp)));
	if (!pp)
		return -ENOMEM;
	fds[0] = fds[1] = -1;
	for (int i = 0; i < 2; i++) {
		f[i] = sim_file_alloc(&pipe_fops[i], pp);
		if (!f[i])
			goto err;
		f[i]->flags = flags | (i ? 1 : 0);	/* O_WRONLY on the write end */
		*(i ? &pp->writers : &pp->readers) = 1;
	}
	for (int i = 0; i < 2; i++) {
		fds[i] = sim_fd_reserve();
		if (fds[i] < 0) {
			ret = fds[i];
			goto err;
		}
	}
	sim_fd_install(fds[0], f[0]);
	sim_fd_install(fds[1], f[1]);
	return 0;
err:
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			sim_fd_unreserve(fds[i]);
		if (f[i])
			sim_fput(f[i]);		/* the release frees pp with the last end */
	}
	if (!f[0])
		kfree(pp);
	return ret;
}
