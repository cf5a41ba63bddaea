// SPDX-License-Identifier: MIT
/*
 * A user-space driver for QEMU's edu device, the Linux VFIO cdev way: bind
 * it to an iommufd, attach an IOAS, program it through its mmapped BAR,
 * make it DMA to IOVAs this process mapped (unmapped ones must fault) and
 * wait for its DMA-done MSI on an eventfd.
 */
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>
#include "vfio_utils.h"

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_ID		0x00
#define EDU_LIVENESS	0x04
#define EDU_IRQ_ACK	0x64
#define EDU_IRQ_DMA	0x100	/* the DMA-done interrupt's status bit */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2
#define EDU_CMD_IRQ	0x4	/* raise EDU_IRQ_DMA when done */
#define EDU_BUF		0x40000	/* the device's own 4 KiB buffer */
#define IOVA		0x1000000ULL	/* below edu's default 28-bit DMA mask */
#define XFER		256

struct edu {
	int iommufd, dfd;
	uint32_t ioas, devid, hwpt;
	volatile uint8_t *bar;
	size_t bar_size;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint32_t rd32(struct edu *e, unsigned int off)
{
	return *(volatile uint32_t *)(e->bar + off);
}

static void wr32(struct edu *e, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(e->bar + off) = v;
}

static void wr64(struct edu *e, unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(e->bar + off) = v;
}

/* One DMA between IOVA addr and the device buffer; 0, or -1 after 2 s. */
static int edu_dma(struct edu *e, uint64_t addr, uint32_t len, int to_ram)
{
	uint64_t end = now_ms() + 2000;

	wr64(e, EDU_DMA_SRC, to_ram ? EDU_BUF : addr);
	wr64(e, EDU_DMA_DST, to_ram ? addr : EDU_BUF);
	wr64(e, EDU_DMA_COUNT, len);
	wr64(e, EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
	while (rd32(e, EDU_DMA_CMD) & EDU_CMD_START)
		if (now_ms() > end)
			return -1;
	return 0;
}

/* The edu bound to a fresh iommufd, attached to a new IOAS, BAR0 mapped. */
static struct edu edu_open(void)
{
	struct edu e;

	e.iommufd = iommufd_open();
	e.ioas = ioas_alloc(e.iommufd);
	e.dfd = vfio_open_pci(e.iommufd, EDU_VENDOR, EDU_DEVICE, 0, &e.devid);
	ASSERT_EQ(0, vfio_attach(e.dfd, e.ioas, &e.hwpt));
	e.bar = vfio_map_bar(e.dfd, VFIO_PCI_BAR0_REGION_INDEX, &e.bar_size);
	ASSERT_NE(MAP_FAILED, (void *)e.bar);
	ASSERT_EQ(0, vfio_set_master(e.dfd, 1));
	return e;
}

static void edu_close(struct edu *e)
{
	munmap((void *)e->bar, e->bar_size);
	EXPECT_EQ(0, close(e->dfd));
	EXPECT_EQ(0, close(e->iommufd));
}

static uint8_t *buffer(size_t len, int flags)
{
	uint8_t *p = map_anon(len, PROT_READ | PROT_WRITE, flags);

	ASSERT_NE(MAP_FAILED, (void *)p);
	return p;
}

static void pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 13);
}

/* Faults the device caused since the last call; at most max, count returned. */
static int faults(struct edu *e, struct vfio_device_testos_fault *f, uint32_t max)
{
	int n = vfio_faults(e->dfd, f, max);

	ASSERT_GE(n, 0);
	return n;
}

/*
 * Skip the fault-record checks where the IOMMU records no faults (QEMU 7.2's
 * amd-iommu): what the DMA did to memory was checked before this is called.
 */
static void need_fault_records(struct edu *e)
{
	struct vfio_device_testos_faults q = { .argsz = sizeof(q) };

	ASSERT_EQ(0, vfio_faults_ioctl(e->dfd, &q));
	if (q.out_flags & VFIO_TESTOS_FAULTS_UNRECORDED)
		SKIP("this device's IOMMU records no DMA faults (memory checks passed)");
}

TEST(test_edu_bar_through_mmap)
{
	struct edu e = edu_open();
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(e.dfd, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, info.num_regions);
	EXPECT_EQ(1 << 20, e.bar_size);
	EXPECT_EQ(0x010000ed, rd32(&e, EDU_ID));
	wr32(&e, EDU_LIVENESS, 0x12345678);
	EXPECT_EQ(~0x12345678u, rd32(&e, EDU_LIVENESS));
	edu_close(&e);
}

TEST(test_edu_dma_through_ioas)
{
	struct edu e = edu_open();
	struct vfio_device_testos_fault f[4];
	uint8_t *buf = buffer(2 * PAGE_SZ, 0);
	uint64_t iova = IOVA;

	pattern(buf, XFER, 0x40);
	ASSERT_EQ(0, ioas_map(e.iommufd, e.ioas, buf, 2 * PAGE_SZ, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 0));
	ASSERT_EQ(0, edu_dma(&e, IOVA + PAGE_SZ, XFER, 1));
	EXPECT_EQ(0, memcmp(buf, buf + PAGE_SZ, XFER));
	EXPECT_EQ(0, faults(&e, f, 4));
	edu_close(&e);
	munmap(buf, 2 * PAGE_SZ);
}

TEST(test_edu_dma_huge_page)
{
	struct edu e = edu_open();
	uint8_t *buf = map_anon(HUGE_SZ, PROT_READ | PROT_WRITE, MAP_HUGETLB);
	uint64_t iova = IOVA;

	if (buf == MAP_FAILED && errno == ENOMEM)
		SKIP("no 2 MiB huge pages available");
	ASSERT_NE(MAP_FAILED, (void *)buf);
	pattern(buf + HUGE_SZ - PAGE_SZ, XFER, 0x11);
	ASSERT_EQ(0, ioas_map(e.iommufd, e.ioas, buf, HUGE_SZ, &iova, MAP_FIXED_RW));
	/* from the last 4K of the huge page to its first */
	ASSERT_EQ(0, edu_dma(&e, IOVA + HUGE_SZ - PAGE_SZ, XFER, 0));
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 1));
	EXPECT_EQ(0, memcmp(buf, buf + HUGE_SZ - PAGE_SZ, XFER));
	edu_close(&e);
	munmap(buf, HUGE_SZ);
}

TEST(test_edu_unmap_then_dma_faults)
{
	struct edu e = edu_open();
	struct vfio_device_testos_fault f[8];
	uint8_t *buf = buffer(PAGE_SZ, 0);
	uint64_t iova = IOVA;
	int n;

	pattern(buf, XFER, 0x77);
	ASSERT_EQ(0, ioas_map(e.iommufd, e.ioas, buf, PAGE_SZ, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 0));	/* the device buffer holds the pattern */
	ASSERT_EQ(0, ioas_unmap(e.iommufd, e.ioas, IOVA, PAGE_SZ, NULL));
	memset(buf, 0, PAGE_SZ);
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 1));	/* a write to an unmapped IOVA */
	/* the page the device used to reach was not written */
	for (int i = 0; i < XFER; i++)
		if (buf[i])
			test_fail(__FILE__, __LINE__, "byte %d of the unmapped page was written", i);
	need_fault_records(&e);
	n = faults(&e, f, 8);
	ASSERT_GE(n, 1);
	EXPECT_EQ(IOVA, f[0].addr & ~(PAGE_SZ - 1));
	EXPECT_EQ(1, f[0].write);
	EXPECT_EQ(VFIO_TESTOS_FAULT_PAGE, f[0].kind);
	/* reads fault too, and the queue only has what came since */
	ASSERT_EQ(0, edu_dma(&e, IOVA + PAGE_SZ, XFER, 0));
	n = faults(&e, f, 8);
	ASSERT_GE(n, 1);
	EXPECT_EQ(IOVA + PAGE_SZ, f[0].addr & ~(PAGE_SZ - 1));
	EXPECT_EQ(0, f[0].write);
	EXPECT_EQ(0, faults(&e, f, 8));
	edu_close(&e);
	munmap(buf, PAGE_SZ);
}

/*
 * A read-only IOAS mapping: the device may read it but not write it. The
 * write goes first, to a page not yet used: QEMU's VT-d checks the
 * permission of a cached translation without logging a fault.
 */
TEST(test_edu_readonly_mapping)
{
	struct edu e = edu_open();
	struct vfio_device_testos_fault f[4];
	uint8_t *buf = buffer(2 * PAGE_SZ, 0);
	uint64_t iova = IOVA;

	pattern(buf, 2 * PAGE_SZ, 0x21);
	ASSERT_EQ(0, ioas_map(e.iommufd, e.ioas, buf, 2 * PAGE_SZ, &iova,
			      IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_FIXED_IOVA));
	ASSERT_EQ(0, edu_dma(&e, IOVA + PAGE_SZ, 16, 1));
	EXPECT_EQ((uint8_t)(0x21 + PAGE_SZ * 13), buf[PAGE_SZ]);	/* unchanged */
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 0));	/* reading is allowed */
	need_fault_records(&e);
	ASSERT_GE(faults(&e, f, 4), 1);
	EXPECT_EQ(IOVA + PAGE_SZ, f[0].addr & ~(PAGE_SZ - 1));
	EXPECT_EQ(1, f[0].write);
	EXPECT_EQ(0, faults(&e, f, 4));
	edu_close(&e);
	munmap(buf, 2 * PAGE_SZ);
}

/* Detached, the device reaches nothing; attached again, the same IOVA works. */
TEST(test_edu_detach_blocks_dma)
{
	struct edu e = edu_open();
	struct vfio_device_testos_fault f[4];
	uint8_t *buf = buffer(PAGE_SZ, 0);
	uint64_t iova = IOVA;

	pattern(buf, XFER, 0x33);
	ASSERT_EQ(0, ioas_map(e.iommufd, e.ioas, buf, PAGE_SZ, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, vfio_detach(e.dfd));
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 0));	/* RAM -> edu: must not reach buf */
	ASSERT_EQ(0, vfio_attach(e.dfd, e.ioas, NULL));
	memset(buf, 0, XFER);
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 1));	/* edu -> RAM: what it read while detached */
	{
		int same = 0;

		for (int i = 0; i < XFER; i++)
			same += buf[i] == (uint8_t)(0x33 + i * 13);
		if (same == XFER)
			test_fail(__FILE__, __LINE__, "the detached device read the buffer");
	}
	need_fault_records(&e);
	EXPECT_GE(faults(&e, f, 4), 1);
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 0));
	EXPECT_EQ(0, faults(&e, f, 4));
	edu_close(&e);
	munmap(buf, PAGE_SZ);
}

/*
 * A BAR mapping holds its device file, as a Linux VMA holds its file: after
 * close() the device stays bound, attached and bus-mastering until munmap.
 */
TEST(test_edu_bar_mapping_keeps_device_file)
{
	struct edu e = edu_open();
	uint8_t *buf = buffer(2 * PAGE_SZ, 0);
	uint64_t iova = IOVA;
	uint32_t devid;

	pattern(buf, XFER, 0x5a);
	ASSERT_EQ(0, ioas_map(e.iommufd, e.ioas, buf, 2 * PAGE_SZ, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, close(e.dfd));
	EXPECT_EQ(0x010000ed, rd32(&e, EDU_ID));
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 0));
	ASSERT_EQ(0, edu_dma(&e, IOVA + PAGE_SZ, XFER, 1));
	EXPECT_EQ(0, memcmp(buf, buf + PAGE_SZ, XFER));
	/* the mapping was the last reference: now the edu is free to bind again */
	ASSERT_EQ(0, munmap((void *)e.bar, e.bar_size));
	EXPECT_GE(vfio_open_pci(e.iommufd, EDU_VENDOR, EDU_DEVICE, 0, &devid), 0);
	EXPECT_EQ(0, close(e.iommufd));
	munmap(buf, 2 * PAGE_SZ);
}

/* A bad fault array is EFAULT and the faults stay queued for the next call. */
TEST(test_edu_fault_ioctl_efault_keeps_queue)
{
	struct edu e = edu_open();
	struct vfio_device_testos_fault f[4];
	struct vfio_device_testos_faults q = {
		.argsz = sizeof(q), .count = 4, .faults = (uintptr_t)test_ptr(0x1000),
	};

	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 1));
	need_fault_records(&e);
	EXPECT_ERRNO(EFAULT, ioctl(e.dfd, VFIO_DEVICE_TESTOS_GET_FAULTS, &q));
	q.flags = 1;
	q.faults = (uintptr_t)f;
	EXPECT_ERRNO(EINVAL, ioctl(e.dfd, VFIO_DEVICE_TESTOS_GET_FAULTS, &q));
	EXPECT_GE(faults(&e, f, 4), 1);
	EXPECT_EQ(IOVA, f[0].addr & ~(PAGE_SZ - 1));
	edu_close(&e);
}

/* SET_IRQS of one index: vectors [start, start + n) to these eventfds. */
static int set_irqs(int dfd, uint32_t flags, uint32_t index, uint32_t start, uint32_t n,
		    const int32_t *fds)
{
	struct {
		struct vfio_irq_set s;
		int32_t fd[4];
	} set = { .s = { .argsz = sizeof(set.s) + 4 * n, .flags = flags, .index = index,
			 .start = start, .count = n } };

	for (uint32_t i = 0; fds && i < n && i < 4; i++)
		set.fd[i] = fds[i];
	return ioctl(dfd, VFIO_DEVICE_SET_IRQS, &set);
}

#define TRIGGER_FDS	(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define TRIGGER_NONE	(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)

/* Start a DMA that raises the DMA-done MSI, and do not poll the device. */
static void edu_dma_start_irq(struct edu *e, uint64_t addr, uint32_t len, int to_ram)
{
	wr64(e, EDU_DMA_SRC, to_ram ? EDU_BUF : addr);
	wr64(e, EDU_DMA_DST, to_ram ? addr : EDU_BUF);
	wr64(e, EDU_DMA_COUNT, len);
	wr64(e, EDU_DMA_CMD, EDU_CMD_START | EDU_CMD_IRQ | (to_ram ? EDU_CMD_TO_RAM : 0));
}

/* Wait for the eventfd (ms at most): its count, or 0 when nothing came. */
static uint64_t wait_event(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t n = 0;

	if (poll(&p, 1, ms) != 1 || !(p.revents & POLLIN))
		return 0;
	ASSERT_EQ(8, read(efd, &n, sizeof(n)));
	return n;
}

/* GET_IRQ_INFO of index: 0 and info filled, or -1 with errno. */
static int irq_info(int dfd, uint32_t index, struct vfio_irq_info *info)
{
	*info = (struct vfio_irq_info){ .argsz = sizeof(*info), .index = index };
	return ioctl(dfd, VFIO_DEVICE_GET_IRQ_INFO, info);
}

/* Each index's flags and count as vfio-pci (vfio_pci_ioctl_get_irq_info) gives them. */
TEST(test_edu_irq_info)
{
	struct edu e = edu_open();
	struct vfio_device_info dev = { .argsz = sizeof(dev) };
	struct vfio_irq_info info;

	ASSERT_EQ(0, ioctl(e.dfd, VFIO_DEVICE_GET_INFO, &dev));
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, dev.num_irqs);
	ASSERT_EQ(0, irq_info(e.dfd, VFIO_PCI_INTX_IRQ_INDEX, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED,
		  info.flags);
	EXPECT_LE(info.count, 1);	/* 1 on Linux (pin A); 0 here, as vfio-pci's nointx */
	ASSERT_EQ(0, irq_info(e.dfd, VFIO_PCI_MSI_IRQ_INDEX, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
	EXPECT_EQ(1, info.count);	/* one MSI vector */
	ASSERT_EQ(0, irq_info(e.dfd, VFIO_PCI_MSIX_IRQ_INDEX, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
	EXPECT_EQ(0, info.count);	/* the edu has no MSI-X */
	EXPECT_ERRNO(EINVAL, irq_info(e.dfd, VFIO_PCI_ERR_IRQ_INDEX, &info));	/* not PCIe */
	ASSERT_EQ(0, irq_info(e.dfd, VFIO_PCI_REQ_IRQ_INDEX, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
	EXPECT_EQ(1, info.count);
	EXPECT_ERRNO(EINVAL, irq_info(e.dfd, VFIO_PCI_NUM_IRQS, &info));
	info = (struct vfio_irq_info){ .argsz = 12, .index = VFIO_PCI_MSI_IRQ_INDEX };
	EXPECT_ERRNO(EINVAL, ioctl(e.dfd, VFIO_DEVICE_GET_IRQ_INFO, &info));	/* short */
	edu_close(&e);
}

/*
 * The DMA-done MSI on an eventfd: the driver sleeps in poll() instead of
 * polling the device, and each transfer is one interrupt. Switched off, a
 * transfer raises nothing.
 */
TEST(test_edu_dma_done_interrupt)
{
	struct edu e = edu_open();
	uint8_t *buf = buffer(2 * PAGE_SZ, 0);
	uint64_t iova = IOVA;
	int32_t efd = eventfd(0, 0);

	ASSERT_GE(efd, 0);
	pattern(buf, XFER, 0x6c);
	ASSERT_EQ(0, ioas_map(e.iommufd, e.ioas, buf, 2 * PAGE_SZ, &iova, MAP_FIXED_RW));
	ASSERT_EQ(0, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &efd));
	EXPECT_EQ(0, wait_event(efd, 0));	/* nothing yet */
	edu_dma_start_irq(&e, IOVA, XFER, 0);
	EXPECT_EQ(1, wait_event(efd, 20000));
	wr32(&e, EDU_IRQ_ACK, EDU_IRQ_DMA);
	edu_dma_start_irq(&e, IOVA + PAGE_SZ, XFER, 1);
	EXPECT_EQ(1, wait_event(efd, 20000));
	wr32(&e, EDU_IRQ_ACK, EDU_IRQ_DMA);
	EXPECT_EQ(0, memcmp(buf, buf + PAGE_SZ, XFER));	/* the interrupt came after the data */
	/* loopback, as vfio-pci: DATA_NONE with a vector signals it */
	ASSERT_EQ(0, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, NULL));
	EXPECT_EQ(1, wait_event(efd, 0));
	/* off: count 0; a transfer then raises nothing */
	ASSERT_EQ(0, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 0, NULL));
	ASSERT_EQ(0, edu_dma(&e, IOVA, XFER, 0));
	wr64(&e, EDU_DMA_CMD, 0);
	EXPECT_EQ(0, wait_event(efd, 100));
	EXPECT_EQ(0, close(efd));
	edu_close(&e);
	munmap(buf, 2 * PAGE_SZ);
}

TEST(test_edu_set_irqs_rejects_bad_requests)
{
	struct edu e = edu_open();
	int32_t fds[2] = { eventfd(0, 0), eventfd(0, 0) };
	int32_t notefd = e.iommufd;
	struct vfio_irq_set short_set = {
		.argsz = sizeof(short_set), .flags = TRIGGER_FDS,
		.index = VFIO_PCI_MSI_IRQ_INDEX, .count = 1,
	};

	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_MSI_IRQ_INDEX, 0, 2, fds));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_MSI_IRQ_INDEX, 1, 1, fds));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_FDS | VFIO_IRQ_SET_DATA_NONE,
				      VFIO_PCI_MSI_IRQ_INDEX, 0, 1, fds));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_NUM_IRQS, 0, 1, fds));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &notefd));
	EXPECT_ERRNO(EINVAL, ioctl(e.dfd, VFIO_DEVICE_SET_IRQS, &short_set));	/* no fd */
	EXPECT_ERRNO(ENOTTY, set_irqs(e.dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
				      VFIO_PCI_MSI_IRQ_INDEX, 0, 1, NULL));
	/* and a good one still works after all that */
	EXPECT_EQ(0, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, fds));
	EXPECT_EQ(0, close(fds[0]));
	EXPECT_EQ(0, close(fds[1]));
	edu_close(&e);	/* the registered eventfd goes with the device file */
}

/* One byte per vector for DATA_BOOL. */
static int set_bools(int dfd, uint32_t index, uint32_t start, uint32_t n, const uint8_t *b)
{
	struct {
		struct vfio_irq_set s;
		uint8_t b[4];
	} set = { .s = { .argsz = sizeof(set.s) + n, .index = index, .start = start, .count = n,
			 .flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER } };

	for (uint32_t i = 0; i < n && i < 4; i++)
		set.b[i] = b[i];
	return ioctl(dfd, VFIO_DEVICE_SET_IRQS, &set);
}

/*
 * SET_IRQS where vfio-pci (vfio_pci_set_msi_trigger, _ctx_trigger_single)
 * answers in ways a driver relies on: an index not on cannot be turned off
 * or looped back, an action without a handler is ENOTTY, a bad fd EBADF,
 * a failed block leaves the index on, and REQ's one eventfd loops back.
 */
TEST(test_edu_set_irqs_as_vfio_pci)
{
	struct edu e = edu_open();
	int32_t efd = eventfd(0, 0), bad = 9999, off = -1;
	uint8_t one = 1, zero = 0;

	ASSERT_GE(efd, 0);
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 0, NULL));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, NULL));
	EXPECT_ERRNO(EINVAL, set_bools(e.dfd, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &one));
	EXPECT_ERRNO(ENOTTY, set_irqs(e.dfd, VFIO_IRQ_SET_DATA_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
				      NULL));
	EXPECT_ERRNO(ENOTTY, set_irqs(e.dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK |
				      VFIO_IRQ_SET_ACTION_UNMASK, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, NULL));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_MSI_IRQ_INDEX, 1, UINT32_MAX,
				      NULL));
	EXPECT_ERRNO(EBADF, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &bad));
	/* on, then a block that fails: its vector goes off, the index stays on */
	ASSERT_EQ(0, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &efd));
	EXPECT_ERRNO(EBADF, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &bad));
	EXPECT_EQ(0, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, NULL));
	EXPECT_EQ(0, wait_event(efd, 0));	/* no eventfd on the vector now */
	EXPECT_EQ(0, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 0, NULL));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 0, NULL));
	/* REQ: one eventfd, looped back by DATA_NONE and DATA_BOOL */
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL));
	ASSERT_EQ(0, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &efd));
	EXPECT_EQ(0, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL));
	EXPECT_EQ(1, wait_event(efd, 0));
	EXPECT_EQ(0, set_bools(e.dfd, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &zero));
	EXPECT_EQ(0, wait_event(efd, 0));
	EXPECT_EQ(0, set_bools(e.dfd, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &one));
	EXPECT_EQ(1, wait_event(efd, 0));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_REQ_IRQ_INDEX, 0, 2, &efd));
	EXPECT_EQ(0, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &off));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_NONE, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL));
	EXPECT_ERRNO(EINVAL, set_irqs(e.dfd, TRIGGER_FDS, VFIO_PCI_ERR_IRQ_INDEX, 0, 1, &efd));
	EXPECT_EQ(0, close(efd));
	edu_close(&e);
}

TEST_HARNESS_MAIN
