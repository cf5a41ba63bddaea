// SPDX-License-Identifier: MIT
/*
 * fault-inject suite, kernel part: a failure at each allocation site of a
 * VFIO device file (open, bind to /dev/iommu), of an eventfd, of a ring-3
 * address space (create, map, split, pin) and of starting and running a
 * ring-3 program.
 * Each must fail cleanly and give every page, heap object and file back.
 */
#include "arch/x86/mm.h"
#include "arch/x86/proc.h"
#include "arch/x86/uvm.h"
#include "ioctl-sim/sim.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "tests/kernel/core_util.h"
#include "tests/kernel/user.h"

/* What a failed round must give back. */
struct held {
	u64 free_pages, heap;
	long files, objects;
};

static void held_now(struct held *h)
{
	h->free_pages = pmm_free_pages();
	h->heap = kmalloc_live();
	h->files = sim_live_files();
	h->objects = iommufd_live_objects();
}

static bool held_same(const struct held *a, const struct held *b)
{
	return a->free_pages == b->free_pages && a->heap == b->heap && a->files == b->files &&
	       a->objects == b->objects;
}

/*
 * Run round() with the n-th site failing for n = 1, 2, ... until a round
 * passes every site. A failed round must return an error (or absorb it and
 * succeed) and leave everything as before; the clean round must succeed.
 */
static void sweep(const char *what, long (*round)(void), int min_sites)
{
	int sites = 0, changed = 0, clean = -1;

	for (unsigned long n = 1; n < 300 && clean < 0; n++) {
		struct held before, after;
		long ret;
		bool fired;

		held_now(&before);
		failpoint_arm(n);
		ret = round();
		fired = failpoint_fired();
		failpoint_arm(0);
		held_now(&after);
		if (!fired) {
			clean = ret == 0;
			break;
		}
		sites++;
		if (!held_same(&before, &after)) {
			changed++;
			report_info("%s: site %lu -> %ld: pages %lld heap %lld files %ld objects %ld",
				    what, n, ret, (long long)(after.free_pages - before.free_pages),
				    (long long)(after.heap - before.heap), after.files - before.files,
				    after.objects - before.objects);
		}
	}
	report(clean == 1, "%s: with nothing injected it succeeds", what);
	report(sites >= min_sites && !changed, "%s: %d sites failed one at a time, each gave "
	       "everything back (%d rounds not)", what, sites, changed);
}

/* Open the first VFIO device file and bind it to a fresh /dev/iommu; close both. */
static long vfio_round(void)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	long vfd, ifd = sim_open("/dev/iommu", 2), ret;

	if (ifd < 0)
		return ifd;
	vfd = sim_open("/dev/vfio/devices/vfio0", 2);
	ret = vfd;
	if (vfd >= 0) {
		b.iommufd = (s32)ifd;
		ret = sim_ioctl((int)vfd, VFIO_DEVICE_BIND_IOMMUFD, (u64)(uintptr_t)&b);
		sim_close((int)vfd);
	}
	sim_close((int)ifd);
	return ret < 0 ? ret : 0;
}

KTEST_NEEDS(fault-inject, test_fault_inject_vfio_device_file, KT_NEED_IOMMU | KT_NEED_KERNEL)
{
	int fd = sim_open("/dev/vfio/devices/vfio0", 2);

	if (fd < 0) {
		report_skip("no VFIO device file (%d)", fd);
		return;
	}
	sim_close(fd);
	sweep("open and bind /dev/vfio/devices/vfio0", vfio_round, 3);
}

/* An eventfd, signalled once and read back, closed. */
static long eventfd_round(void)
{
	u64 one = 1, got = 0;
	long fd = sim_eventfd_create(0, 0), ret;

	if (fd < 0)
		return fd;
	ret = sim_rw((int)fd, (u64)(uintptr_t)&one, sizeof(one), 0, true, false);
	if (ret == sizeof(one))
		ret = sim_rw((int)fd, (u64)(uintptr_t)&got, sizeof(got), 0, false, false);
	sim_close((int)fd);
	return ret < 0 ? ret : ret == sizeof(got) && got == 1 ? 0 : -EIO;
}

KTEST(fault-inject, test_fault_inject_eventfd)
{
	sweep("an eventfd", eventfd_round, 2);
}

/* An address space: 16 pages mapped, the middle cut out, two pages pinned, all gone. */
static long uvm_round(void)
{
	struct uvm *m = uvm_create();
	phys_addr_t pa[2];
	long ret;

	if (!m)
		return -ENOMEM;
	ret = uvm_map(m, 0x400000, 16 * PAGE_SIZE, UVM_READ | UVM_WRITE, UVM_FIXED, 0);
	if (ret >= 0)
		ret = uvm_unmap(m, 0x400000 + 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	if (!ret)
		ret = uvm_pin(m, 0x400000, 2, true, pa);
	if (!ret)
		uvm_unpin(pa, 2);
	uvm_destroy(m);
	return ret < 0 ? ret : 0;
}

KTEST(fault-inject, test_fault_inject_user_address_space)
{
	sweep("a ring-3 address space", uvm_round, 4);
}

/*
 * Start the fault_null helper: all went well when it got as far as its
 * write through NULL (a failure inside it ends it elsewhere, or earlier).
 */
static long prog_round(void)
{
	const struct user_prog *up = user_prog_find("fault_null");
	struct proc p;

	memset(&p, 0, sizeof(p));
	if (!up)
		return -ENOENT;
	if (user_prog_run_plain(up, &p))
		return -ENOMEM;
	return p.end == PROC_FAULTED && p.fault_cr2 == 0 ? 0 : -EIO;
}

KTEST(fault-inject, test_fault_inject_user_program_start)
{
	if (!user_prog_find("fault_null")) {
		report(false, "helper fault_null is linked in");
		return;
	}
	sweep("starting a ring-3 program", prog_round, 3);
}
