// SPDX-License-Identifier: MIT
/*
 * Ring-3 test of VFIO cdev device files: bind to an iommufd, attach and
 * detach, device and region info, BAR mmap and config access, with every
 * wrong argument and bad pointer. Any PCI device an IOMMU translates.
 */
#include <stdint.h>
#include "vfio_utils.h"

#define BAD_PAGE test_ptr(0x1000)

/* A device node bound to a new iommufd with one IOAS. */
struct dev {
	int iommufd, dfd;
	uint32_t ioas, devid;
};

static struct dev dev_bound(void)
{
	struct dev d;

	d.dfd = vfio_open_any();
	d.iommufd = iommufd_open();
	d.ioas = ioas_alloc(d.iommufd);
	ASSERT_EQ(0, vfio_bind(d.dfd, d.iommufd, &d.devid));
	return d;
}

static void dev_close(struct dev *d)
{
	EXPECT_EQ(0, close(d->dfd));
	EXPECT_EQ(0, close(d->iommufd));
}

TEST(test_node_names)
{
	int dfd = vfio_open_any();

	EXPECT_ERRNO(ENOENT, open("/dev/vfio/devices/vfio999", O_RDWR));
	/* the folder is a directory: not for writing, nor a file with a slash */
	EXPECT_ERRNO(EISDIR, open("/dev/vfio/devices/", O_RDWR));
	EXPECT_ERRNO(EISDIR, open("/dev/vfio/devices", O_WRONLY));
	EXPECT_ERRNO(ENOTDIR, open("/dev/vfio/devices/vfio0/", O_RDWR));
	EXPECT_ERRNO(ENOTDIR, open("/dev/iommu", O_RDONLY | O_DIRECTORY));
	close(dfd);
}

/* Until it is bound, a device file does nothing but bind: every other ioctl is EINVAL. */
TEST(test_unbound_device_einval)
{
	int dfd = vfio_open_any();
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info r;
	uint32_t v;

	EXPECT_ERRNO(EINVAL, ioctl(dfd, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_ERRNO(EINVAL, vfio_region(dfd, VFIO_PCI_CONFIG_REGION_INDEX, &r));
	EXPECT_ERRNO(EINVAL, vfio_attach(dfd, 1, NULL));
	EXPECT_ERRNO(EINVAL, pread(dfd, &v, sizeof(v), (off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40));
	EXPECT_ERRNO(EINVAL, mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, dfd, 0));
	EXPECT_ERRNO(EINVAL, ioctl(dfd, VFIO_DEVICE_RESET + 50, NULL));
	close(dfd);
}

TEST(test_bind_arguments)
{
	int dfd = vfio_open_any(), other = vfio_open_any(), fd = iommufd_open();
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = fd };
	uint8_t *ro = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint32_t devid;

	EXPECT_ERRNO(EFAULT, ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, BAD_PAGE));
	b.argsz = 8;
	EXPECT_ERRNO(EINVAL, ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, &b));
	b.argsz = sizeof(b);
	b.flags = 1;
	EXPECT_ERRNO(EINVAL, ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, &b));
	b.flags = 0;
	EXPECT_ERRNO(EINVAL, vfio_bind(dfd, -1, NULL));
	EXPECT_ERRNO(EBADF, vfio_bind(dfd, 77, NULL));
	EXPECT_ERRNO(EBADFD, vfio_bind(dfd, other, NULL));
	/* out_devid cannot be written: EFAULT, and the device stays unbound */
	memcpy(ro, &b, sizeof(b));
	ASSERT_EQ(0, mprotect(ro, PAGE_SZ, PROT_READ));
	EXPECT_ERRNO(EFAULT, ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, ro));
	ASSERT_EQ(0, vfio_bind(dfd, fd, &devid));
	EXPECT_NE(0, devid);
	/* bound once, and only once */
	EXPECT_ERRNO(EINVAL, vfio_bind(dfd, fd, NULL));
	close(dfd);
	close(other);
	close(fd);
	munmap(ro, PAGE_SZ);
}

/* The DEVICE object is the kernel's: user space sees it but cannot destroy it. */
TEST(test_device_object_in_iommufd)
{
	struct dev d = dev_bound();
	struct iommu_hw_info info = { .size = sizeof(info), .dev_id = d.devid };

	EXPECT_ERRNO(EBUSY, destroy(d.iommufd, d.devid));
	EXPECT_EQ(0, ioctl(d.iommufd, IOMMU_GET_HW_INFO, &info));
	dev_close(&d);
}

/*
 * PASID attach (Linux 6.15's flags): argsz must cover pasid; a device
 * without PASIDs refuses every PASID with EINVAL; one with PASIDs takes a
 * PASID into an IOAS, replaces it on a second attach, and detaches it
 * (a PASID not attached: nothing). A kernel without PASID attach answers
 * the flags with EINVAL: the rest is skipped.
 */
TEST(test_attach_pasid)
{
	struct dev d = dev_bound();
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = d.ioas,
						   .flags = VFIO_DEVICE_ATTACH_PASID, .pasid = 1 };
	struct vfio_device_detach_iommufd_pt dt = { .argsz = sizeof(dt),
						    .flags = VFIO_DEVICE_DETACH_PASID, .pasid = 1 };
	struct iommu_hw_info info = { .size = sizeof(info), .dev_id = d.devid };
	uint32_t hwpt = 0;

	ASSERT_EQ(0, ioctl(d.iommufd, IOMMU_GET_HW_INFO, &info));
	if (ioctl(d.dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt)) {
		EXPECT_EQ(EINVAL, errno);
		dev_close(&d);
		SKIP("no PASID attach in this kernel (Linux before 6.15)");
		return;
	}
	dt.argsz = offsetof(struct vfio_device_detach_iommufd_pt, pasid);
	EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt));
	a.argsz = offsetof(struct vfio_device_attach_iommufd_pt, pasid);
	EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));
	a.argsz = sizeof(a);
	a.pasid = 0;
	EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));
	a.pasid = 1;
	if (!info.out_max_pasid_log2) {
		EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));
		dev_close(&d);
		SKIP("this device has no PASIDs (max_pasid_log2 0): attach refused as it must be");
		return;
	}
	a.pasid = 1u << info.out_max_pasid_log2;
	EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));
	a.pasid = 1;
	ASSERT_EQ(0, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));
	hwpt = a.pt_id;
	EXPECT_NE(d.ioas, hwpt);
	EXPECT_ERRNO(EBUSY, destroy(d.iommufd, d.ioas));
	a.pt_id = d.ioas;
	EXPECT_EQ(0, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));	/* replaces */
	EXPECT_EQ(hwpt, a.pt_id);
	EXPECT_EQ(0, ioctl(d.dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt));
	EXPECT_EQ(0, destroy(d.iommufd, d.ioas));
	dev_close(&d);
}

TEST(test_attach_detach)
{
	struct dev d = dev_bound();
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = d.ioas };
	uint8_t *ro = map_anon(PAGE_SZ, PROT_READ | PROT_WRITE, 0);
	uint32_t hwpt = 0, hwpt2 = 0;

	EXPECT_ERRNO(EFAULT, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, NULL));
	a.flags = 1u << 1;	/* after VFIO_DEVICE_ATTACH_PASID: unknown */
	EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));
	a.flags = 0;
	a.argsz = 4;
	EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));
	EXPECT_ERRNO(ENOENT, vfio_attach(d.dfd, 0xdead, NULL));
	/* pt_id cannot be written back: EFAULT and not attached (the IOAS can go) */
	a.argsz = sizeof(a);
	memcpy(ro, &a, sizeof(a));
	ASSERT_EQ(0, mprotect(ro, PAGE_SZ, PROT_READ));
	EXPECT_ERRNO(EFAULT, ioctl(d.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, ro));
	EXPECT_EQ(0, destroy(d.iommufd, d.ioas));
	d.ioas = ioas_alloc(d.iommufd);

	ASSERT_EQ(0, vfio_attach(d.dfd, d.ioas, &hwpt));
	EXPECT_NE(d.ioas, hwpt);
	/* attached: the IOAS and its automatic HWPT are in use */
	EXPECT_ERRNO(EBUSY, destroy(d.iommufd, d.ioas));
	/* attaching again replaces, here with the same automatic HWPT */
	ASSERT_EQ(0, vfio_attach(d.dfd, d.ioas, &hwpt2));
	EXPECT_EQ(hwpt, hwpt2);
	EXPECT_ERRNO(EFAULT, ioctl(d.dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(d.dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, BAD_PAGE));
	EXPECT_ERRNO(EBUSY, destroy(d.iommufd, d.ioas));	/* still attached */
	EXPECT_EQ(0, vfio_detach(d.dfd));
	EXPECT_EQ(0, vfio_detach(d.dfd));
	EXPECT_EQ(0, destroy(d.iommufd, d.ioas));
	dev_close(&d);
	munmap(ro, PAGE_SZ);
}

TEST(test_device_and_region_info)
{
	struct dev d = dev_bound();
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info r;
	int bars = 0;

	ASSERT_EQ(0, ioctl(d.dfd, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, info.num_regions);
	info.argsz = 8;
	EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_ERRNO(EFAULT, ioctl(d.dfd, VFIO_DEVICE_GET_INFO, BAD_PAGE));

	ASSERT_EQ(0, vfio_region(d.dfd, VFIO_PCI_CONFIG_REGION_INDEX, &r));
	EXPECT_TRUE(r.size == 256 || r.size == 4096);
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE, r.flags);
	EXPECT_ERRNO(EINVAL, vfio_region(d.dfd, VFIO_PCI_NUM_REGIONS, &r));
	for (uint32_t i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		ASSERT_EQ(0, vfio_region(d.dfd, i, &r));
		EXPECT_EQ((uint64_t)i << 40, r.offset);
		bars += r.size != 0;
	}
	TH_LOG("%d BARs", bars);
	EXPECT_ERRNO(EFAULT, ioctl(d.dfd, VFIO_DEVICE_GET_REGION_INFO, BAD_PAGE));
	dev_close(&d);
}

/* BAR0 of a bound device as its config register reads, and its region size. */
static uint64_t bar0_size(struct dev *d)
{
	struct vfio_region_info r;

	ASSERT_EQ(0, vfio_region(d->dfd, VFIO_PCI_BAR0_REGION_INDEX, &r));
	return r.size;
}

TEST(test_config_space_access)
{
	struct dev d = dev_bound();
	struct vfio_region_info cfg;
	uint16_t id[2], cmd;
	uint32_t ones = 0xffffffff, bar0, orig, dev0, dev1;
	uint64_t size = bar0_size(&d);
	int mem = size != 0;

	ASSERT_EQ(0, vfio_region(d.dfd, VFIO_PCI_CONFIG_REGION_INDEX, &cfg));
	ASSERT_EQ(4, pread(d.dfd, id, 4, (off_t)cfg.offset));
	EXPECT_NE(0xffff, id[0]);
	/* bus mastering is the user's to switch */
	ASSERT_EQ(0, vfio_set_master(d.dfd, 1));
	ASSERT_EQ(0, vfio_config_read(d.dfd, PCI_COMMAND_REG, &cmd, 2));
	EXPECT_TRUE(cmd & PCI_COMMAND_MASTER);
	ASSERT_EQ(0, vfio_set_master(d.dfd, 0));
	ASSERT_EQ(0, vfio_config_read(d.dfd, PCI_COMMAND_REG, &cmd, 2));
	EXPECT_FALSE(cmd & PCI_COMMAND_MASTER);
	/*
	 * BAR sizing is virtual, as vfio-pci's: all ones reads back the size
	 * mask with the BAR's flag bits, the old value can be written back,
	 * and the device itself never moves (its BAR region reads the same).
	 */
	ASSERT_EQ(0, vfio_config_read(d.dfd, 0x10, &orig, 4));
	if (mem && (orig & 1 || pread(d.dfd, &dev0, 4, (off_t)VFIO_PCI_BAR0_REGION_INDEX << 40) != 4))
		mem = 0;	/* the size check below is for memory BARs */
	EXPECT_EQ(4, pwrite(d.dfd, &ones, 4, (off_t)(cfg.offset + 0x10)));
	ASSERT_EQ(0, vfio_config_read(d.dfd, 0x10, &bar0, 4));
	if (mem) {
		EXPECT_EQ((uint32_t)~(size - 1) | (orig & 0xf), bar0);
		ASSERT_EQ(4, pread(d.dfd, &dev1, 4, (off_t)VFIO_PCI_BAR0_REGION_INDEX << 40));
		EXPECT_EQ(dev0, dev1);
	} else if (!size) {
		EXPECT_EQ(0, bar0);	/* an unimplemented BAR stays 0 */
	}
	EXPECT_EQ(4, pwrite(d.dfd, &orig, 4, (off_t)(cfg.offset + 0x10)));
	ASSERT_EQ(0, vfio_config_read(d.dfd, 0x10, &bar0, 4));
	EXPECT_EQ(orig, bar0);
	EXPECT_ERRNO(EFAULT, pread(d.dfd, BAD_PAGE, 4, (off_t)cfg.offset));
	/* a bad buffer writes nothing: bus mastering stays off */
	EXPECT_ERRNO(EFAULT, pwrite(d.dfd, BAD_PAGE, 2, (off_t)(cfg.offset + PCI_COMMAND_REG)));
	ASSERT_EQ(0, vfio_config_read(d.dfd, PCI_COMMAND_REG, &cmd, 2));
	EXPECT_FALSE(cmd & PCI_COMMAND_MASTER);
	/* vfio-pci: config access at or across its end is EFAULT, not a short read */
	EXPECT_ERRNO(EFAULT, pread(d.dfd, id, 4, (off_t)(cfg.offset + cfg.size)));
	EXPECT_ERRNO(EFAULT, pread(d.dfd, id, 4, (off_t)(cfg.offset + cfg.size - 2)));
	EXPECT_ERRNO(EINVAL, pread(d.dfd, id, 4, (off_t)VFIO_PCI_VGA_REGION_INDEX << 40));
	dev_close(&d);
}

/* The first mappable BAR of any device: its region info, the device bound in *d. */
static int find_mmio_bar(struct dev *d, struct vfio_region_info *r)
{
	d->iommufd = iommufd_open();
	for (int i = 0; i < VFIO_MAX_NODES; i++) {
		char path[40];

		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%d", i);
		d->dfd = open(path, O_RDWR);
		if (d->dfd < 0)
			continue;
		test_defer_close(d->dfd);
		if (vfio_bind(d->dfd, d->iommufd, &d->devid))
			continue;
		for (int bar = 0; bar <= VFIO_PCI_BAR5_REGION_INDEX; bar++)
			if (!vfio_region(d->dfd, bar, r) && (r->flags & VFIO_REGION_INFO_FLAG_MMAP))
				return bar;
		close(d->dfd);
	}
	SKIP("no device with a mappable BAR");
}

TEST(test_bar_mmap_rules)
{
	struct dev d;
	struct vfio_region_info r;
	void *p;

	find_mmio_bar(&d, &r);
	p = test_defer_munmap(mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, d.dfd,
				   (off_t)r.offset), r.size);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, munmap(p, r.size));
	/* past the BAR, private, or huge: refused */
	EXPECT_ERRNO(EINVAL, mmap(NULL, r.size + PAGE_SZ, PROT_READ, MAP_SHARED, d.dfd,
				  (off_t)r.offset));
	EXPECT_ERRNO(EINVAL, mmap(NULL, PAGE_SZ, PROT_READ, MAP_PRIVATE, d.dfd,
				  (off_t)r.offset));
	EXPECT_ERRNO(EINVAL, mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, d.dfd,
				  (off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40));
	/* /dev/iommu has no mmap at all */
	EXPECT_ERRNO(ENODEV, mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, d.iommufd, 0));
	dev_close(&d);
}

/* The iommufd fd may close first: the device keeps its context until it closes. */
TEST(test_iommufd_closed_first)
{
	struct dev d = dev_bound();
	uint32_t hwpt;

	ASSERT_EQ(0, vfio_attach(d.dfd, d.ioas, &hwpt));
	EXPECT_EQ(0, close(d.iommufd));
	EXPECT_EQ(0, vfio_detach(d.dfd));
	EXPECT_EQ(0, vfio_attach(d.dfd, d.ioas, &hwpt));
	EXPECT_EQ(0, close(d.dfd));
}

TEST(test_fault_ioctl_arguments)
{
	struct dev d = dev_bound();
	struct vfio_device_testos_faults q = { .argsz = sizeof(q) };

	EXPECT_EQ(0, vfio_faults_ioctl(d.dfd, &q));
	EXPECT_EQ(0, q.count);
	EXPECT_EQ(0, q.out_pending);
	q.argsz = 16;
	EXPECT_ERRNO(EINVAL, ioctl(d.dfd, VFIO_DEVICE_TESTOS_GET_FAULTS, &q));
	EXPECT_ERRNO(EFAULT, ioctl(d.dfd, VFIO_DEVICE_TESTOS_GET_FAULTS, BAD_PAGE));
	/* it is a device ioctl: /dev/iommu does not know it */
	q.argsz = sizeof(q);
	EXPECT_ERRNO(ENOTTY, ioctl(d.iommufd, VFIO_DEVICE_TESTOS_GET_FAULTS, &q));
	dev_close(&d);
}

/* Garbage on a device fd: every answer an errno or a result, the device still works. */
TEST(test_random_device_ioctls)
{
	static const unsigned long nums[] = {
		VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
		VFIO_DEVICE_DETACH_IOMMUFD_PT, VFIO_DEVICE_GET_INFO,
		VFIO_DEVICE_GET_REGION_INFO, VFIO_DEVICE_TESTOS_GET_FAULTS,
		VFIO_DEVICE_RESET, VFIO_GET_API_VERSION,
	};
	struct dev d = dev_bound();
	uint8_t *ro = map_anon(PAGE_SZ, PROT_READ, 0);
	uint64_t rng = 0x9e3779b97f4a7c15ULL, buf[16];
	uint32_t hwpt;
	int answered = 0;

	ASSERT_NE(MAP_FAILED, (void *)ro);
	for (int i = 0; i < 600; i++) {
		unsigned long num = nums[(rng >> 33) % 8];
		void *arg = buf;

		for (int w = 0; w < 16; w++) {
			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			buf[w] = w == 0 ? (rng >> 32) % 64 : rng >> (rng % 64);
		}
		buf[1] &= rng & 1 ? 0xffffffffffffULL : 0xf;	/* small ids, fds and flags too */
		if (rng % 7 == 0)
			arg = rng % 2 ? (void *)ro : test_ptr(0x1000 + rng % 0x1000);
		if (rng % 11 == 0)
			num ^= 1UL << (rng % 32);
		answered += ioctl(d.dfd, num, arg) >= 0 || (errno > 0 && errno < 4096);
	}
	EXPECT_EQ(600, answered);
	/* still the same bound device: detach, attach, info */
	EXPECT_EQ(0, vfio_detach(d.dfd));
	EXPECT_EQ(0, vfio_attach(d.dfd, d.ioas, &hwpt));
	EXPECT_EQ(0, vfio_detach(d.dfd));
	dev_close(&d);
	munmap(ro, PAGE_SZ);
}

TEST_HARNESS_MAIN
