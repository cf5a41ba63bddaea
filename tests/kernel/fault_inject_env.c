// SPDX-License-Identifier: MIT
/*
 * fault-inject suite, kernel part: a failure at each allocation site of a
 * VFIO device file (open, bind to /dev/iommu, MSI to an eventfd), of an
 * eventfd, of a ring-3 address space (create, map, split, pin) and of
 * starting and running a ring-3 program.
 * Each must fail cleanly and give every page, heap object and file back.
 */
#include "arch/x86/mm.h"
#include "arch/x86/proc.h"
#include "arch/x86/uvm.h"
#include "ioctl-sim/sim.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/printf.h"
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
 * succeed) and leave everything as before, or keep what the hardware may
 * still read (a table whose flush failed) only until the next round, which
 * runs clean and must give it back; the clean round must succeed.
 */
static void sweep(const char *what, long (*round)(void), int min_sites)
{
	int sites = 0, changed = 0, kept = 0, clean = -1;

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
		if (!held_same(&before, &after) && !round()) {
			held_now(&after);
			kept += held_same(&before, &after);
		}
		if (!held_same(&before, &after)) {
			changed++;
			report_info("%s: site %lu -> %ld: pages %lld heap %lld files %ld objects %ld",
				    what, n, ret, (long long)(after.free_pages - before.free_pages),
				    (long long)(after.heap - before.heap), after.files - before.files,
				    after.objects - before.objects);
		}
	}
	report(clean == 1, "%s: with nothing injected it succeeds", what);
	report(sites >= min_sites && !changed, "%s: %d sites failed one at a time (at least %d), "
	       "each gave everything back (%d rounds not; %d kept a table until the next round)",
	       what, sites, min_sites, changed, kept);
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

static char msi_path[40];

/* Open and bind VFIO device file path to a fresh /dev/iommu: its fd, *ifd the iommufd. */
static long vfio_bound(const char *path, long *ifd)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	long vfd, ret;

	*ifd = sim_open("/dev/iommu", 2);
	if (*ifd < 0)
		return *ifd;
	vfd = sim_open(path, 2);
	b.iommufd = (s32)*ifd;
	ret = vfd < 0 ? vfd : sim_ioctl((int)vfd, VFIO_DEVICE_BIND_IOMMUFD, (u64)(uintptr_t)&b);
	if (ret) {
		if (vfd >= 0)
			sim_close((int)vfd);
		sim_close((int)*ifd);
		return ret;
	}
	return vfd;
}

/* The first VFIO device file whose device has an MSI vector (msi_path); false if none. */
static bool find_msi_device(void)
{
	for (int i = 0; i < 32; i++) {
		struct vfio_irq_info info = { .argsz = sizeof(info),
					      .index = VFIO_PCI_MSI_IRQ_INDEX };
		long ifd, vfd;
		bool msi;

		snprintf(msi_path, sizeof(msi_path), "/dev/vfio/devices/vfio%d", i);
		vfd = vfio_bound(msi_path, &ifd);
		if (vfd < 0)
			continue;
		msi = !sim_ioctl((int)vfd, VFIO_DEVICE_GET_IRQ_INFO, (u64)(uintptr_t)&info) &&
		      info.count > 0;
		sim_close((int)vfd);
		sim_close((int)ifd);
		if (msi)
			return true;
	}
	return false;
}

/* SET_IRQS on the bound device: MSI vector 0 to an eventfd, then the index off again. */
static long vfio_irq_round(void)
{
	struct {
		struct vfio_irq_set s;
		s32 fd;
	} set = { .s = { .argsz = sizeof(set), .index = VFIO_PCI_MSI_IRQ_INDEX, .count = 1,
			 .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER } };
	long ifd, efd, vfd = vfio_bound(msi_path, &ifd), ret;

	if (vfd < 0)
		return vfd;
	efd = sim_eventfd_create(0, 0);
	ret = efd < 0 ? efd : 0;
	if (!ret) {
		set.fd = (s32)efd;
		ret = sim_ioctl((int)vfd, VFIO_DEVICE_SET_IRQS, (u64)(uintptr_t)&set);
		set.s.argsz = sizeof(set.s);
		set.s.count = 0;
		set.s.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
		if (!ret)
			ret = sim_ioctl((int)vfd, VFIO_DEVICE_SET_IRQS, (u64)(uintptr_t)&set);
		sim_close((int)efd);
	}
	sim_close((int)vfd);
	sim_close((int)ifd);
	return ret < 0 ? ret : 0;
}

KTEST_NEEDS(fault-inject, test_fault_inject_vfio_interrupts, KT_NEED_IOMMU | KT_NEED_KERNEL)
{
	if (!find_msi_device()) {
		report_skip("no VFIO device file of a device with MSI");
		return;
	}
	report_info("the device: %s", msi_path);
	sweep("VFIO MSI to an eventfd and off again", vfio_irq_round, 10);
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
