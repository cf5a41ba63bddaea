// SPDX-License-Identifier: MIT
/*
 * eventfd for ring 3 (Linux's eventfd2 semantics): a counter that read
 * takes (whole, or one with EFD_SEMAPHORE), write adds, poll reports, and
 * interrupt handlers signal (VFIO_DEVICE_SET_IRQS). Kernel only.
 */
#include "arch/x86/tsc.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "ioctl-sim/sim.h"
#include "ioctl-sim/syscall.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"

#define EFD_SEMAPHORE	1
#define EFD_NONBLOCK	04000
#define EFD_CLOEXEC	02000000
#define EFD_MAX		0xfffffffffffffffeULL
#define POLLIN		0x001
#define POLLOUT		0x004
/* A blocking read waits at most this long (then -EINTR): never a hang. */
#define EFD_BLOCK_MAX_NS (60ULL * 1000000000ULL)

struct eventfd {
	u64 count;		/* atomic: handlers add, readers take */
	int flags;
};

/* Take the count (or one of it); 0 when there was none. */
static u64 take(struct eventfd *e)
{
	u64 v = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);

	while (v) {
		u64 left = (e->flags & EFD_SEMAPHORE) ? v - 1 : 0;

		if (__atomic_compare_exchange_n(&e->count, &v, left, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return (e->flags & EFD_SEMAPHORE) ? 1 : v;
	}
	return 0;
}

static long efd_read(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	struct eventfd *e = f->private_data;
	u64 v;

	if (n < sizeof(u64))
		return -EINVAL;
	v = take(e);
	if (!v && (e->flags & EFD_NONBLOCK))
		return -EAGAIN;
	if (!v && !sim_wait_until((v = take(e)) != 0, time_ns() + EFD_BLOCK_MAX_NS))
		return proc_signal_pending() ? -ERESTARTSYS : -EINTR;
	if (copy_to_user(ubuf, &v, sizeof(v))) {
		__atomic_add_fetch(&e->count, v, __ATOMIC_RELEASE);	/* not lost */
		return -EFAULT;
	}
	return sizeof(v);
}

static long efd_write(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	struct eventfd *e = f->private_data;
	u64 v, old;

	if (n < sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&v, ubuf, sizeof(v)))
		return -EFAULT;
	if (v == ~0ULL)
		return -EINVAL;
	old = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);
	do {
		if (v > EFD_MAX - old)
			return -EAGAIN;	/* would overflow: Linux blocks, or EAGAIN */
	} while (!__atomic_compare_exchange_n(&e->count, &old, old + v, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	return sizeof(v);
}

static unsigned int efd_poll(struct sim_file *f)
{
	struct eventfd *e = f->private_data;
	u64 v = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);

	return (v ? POLLIN : 0) | (v < EFD_MAX ? POLLOUT : 0);
}

static void efd_release(struct sim_file *f)
{
	kfree(f->private_data);
}

static const struct sim_file_ops eventfd_fops = {
	.name = "eventfd",
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.release = efd_release,
};

int sim_eventfd_create(u64 initval, int flags)
{
	struct eventfd *e;

	if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
		return -EINVAL;
	if (initval > 0xffffffffULL)
		return -EINVAL;	/* the syscall takes an unsigned int */
	e = failable(kzalloc(sizeof(*e)));
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->flags = flags;
	return sim_fd_new(&eventfd_fops, e);
}

void sim_eventfd_signal(struct sim_file *f)
{
	struct eventfd *e = f->private_data;

	if (__atomic_load_n(&e->count, __ATOMIC_RELAXED) < EFD_MAX)
		__atomic_add_fetch(&e->count, 1, __ATOMIC_RELEASE);
}

bool sim_file_is_eventfd(const struct sim_file *f)
{
	return f && f->ops == &eventfd_fops;
}
