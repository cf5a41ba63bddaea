/* SPDX-License-Identifier: MIT */
/*
 * Helpers for ring-3 programs that drive PCI devices the Linux VFIO cdev way:
 * find a device by its config-space ID, bind it to an iommufd, attach it,
 * map its BARs, read our fault ioctl (VFIO_DEVICE_TESTOS_GET_FAULTS).
 */
#ifndef TESTS_USER_LIB_VFIO_UTILS_H
#define TESTS_USER_LIB_VFIO_UTILS_H

#include <stdio.h>
#include <linux/vfio.h>
#include "iommufd_utils.h"

#define VFIO_MAX_NODES 64
#define PCI_COMMAND_REG 0x04
#define PCI_COMMAND_MASTER 0x4

static inline int vfio_bind(int dfd, int iommufd, uint32_t *devid)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = iommufd };
	int ret = ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (!ret && devid)
		*devid = b.out_devid;
	return ret;
}

static inline int vfio_attach(int dfd, uint32_t pt_id, uint32_t *out_pt)
{
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = pt_id };
	int ret = ioctl(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	if (!ret && out_pt)
		*out_pt = a.pt_id;
	return ret;
}

static inline int vfio_detach(int dfd)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };

	return ioctl(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

static inline int vfio_region(int dfd, uint32_t index, struct vfio_region_info *r)
{
	memset(r, 0, sizeof(*r));
	r->argsz = sizeof(*r);
	r->index = index;
	return ioctl(dfd, VFIO_DEVICE_GET_REGION_INFO, r);
}

static inline int vfio_config_read(int dfd, uint64_t off, void *buf, size_t n)
{
	struct vfio_region_info cfg;

	if (vfio_region(dfd, VFIO_PCI_CONFIG_REGION_INDEX, &cfg))
		return -1;
	return pread(dfd, buf, n, (off_t)(cfg.offset + off)) == (ssize_t)n ? 0 : -1;
}

static inline int vfio_config_write(int dfd, uint64_t off, const void *buf, size_t n)
{
	struct vfio_region_info cfg;

	if (vfio_region(dfd, VFIO_PCI_CONFIG_REGION_INDEX, &cfg))
		return -1;
	return pwrite(dfd, buf, n, (off_t)(cfg.offset + off)) == (ssize_t)n ? 0 : -1;
}

/* Bus mastering through the config region, as a Linux user-space driver does it. */
static inline int vfio_set_master(int dfd, int on)
{
	uint16_t cmd;

	if (vfio_config_read(dfd, PCI_COMMAND_REG, &cmd, sizeof(cmd)))
		return -1;
	cmd = on ? (cmd | PCI_COMMAND_MASTER) : (cmd & ~PCI_COMMAND_MASTER);
	return vfio_config_write(dfd, PCI_COMMAND_REG, &cmd, sizeof(cmd));
}

/*
 * The nth device node whose config space says vendor:device, bound to
 * iommufd (a device is only readable once bound). Returns its fd, or skips
 * the test when there is none.
 */
static inline int vfio_open_pci(int iommufd, uint16_t vendor, uint16_t device, int nth,
				uint32_t *devid)
{
	for (int i = 0; i < VFIO_MAX_NODES; i++) {
		char path[40];
		uint16_t id[2];
		int dfd;

		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%d", i);
		dfd = open(path, O_RDWR);
		if (dfd < 0)
			continue;
		if (vfio_bind(dfd, iommufd, devid) || vfio_config_read(dfd, 0, id, sizeof(id)) ||
		    id[0] != vendor || id[1] != device || nth-- > 0) {
			close(dfd);
			continue;
		}
		return test_defer_close(dfd);
	}
	SKIP("no VFIO device %04x:%04x", vendor, device);
}

/* Any device node at all, unbound; skips when there is none. */
static inline int vfio_open_any(void)
{
	for (int i = 0; i < VFIO_MAX_NODES; i++) {
		char path[40];
		int dfd;

		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%d", i);
		dfd = open(path, O_RDWR);
		if (dfd >= 0)
			return test_defer_close(dfd);
	}
	SKIP("no /dev/vfio/devices/vfioN (no IOMMU translates a PCI device)");
}

/* Map a BAR region of a bound device until the test ends; MAP_FAILED on failure. */
static inline void *vfio_map_bar(int dfd, uint32_t bar, size_t *size)
{
	struct vfio_region_info r;

	if (vfio_region(dfd, bar, &r) || !(r.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return MAP_FAILED;
	*size = r.size;
	return test_defer_munmap(mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, dfd,
				      (off_t)r.offset), r.size);
}

/*
 * The SKIP of a check that needs our own fault ioctl where the kernel has
 * none (Linux: ENOTTY); what the test checked before it stands. The oracle
 * (scripts/linux-oracle) knows this reason: the one deviation allowed.
 */
#define VFIO_NO_FAULT_IOCTL_SKIP \
	"VFIO_DEVICE_TESTOS_GET_FAULTS is ENOTTY: not the test OS (checks before it passed)"

/* Our fault ioctl on q; SKIPs the test where the kernel lacks it. */
static inline int vfio_faults_ioctl(int dfd, struct vfio_device_testos_faults *q)
{
	int ret = ioctl(dfd, VFIO_DEVICE_TESTOS_GET_FAULTS, q);

	if (ret && errno == ENOTTY)
		SKIP(VFIO_NO_FAULT_IOCTL_SKIP);
	return ret;
}

/* Faults since the last call (our ioctl): how many were written to out, or -1. */
static inline int vfio_faults(int dfd, struct vfio_device_testos_fault *out, uint32_t max)
{
	struct vfio_device_testos_faults q = {
		.argsz = sizeof(q), .count = max, .faults = (uintptr_t)out,
	};

	if (vfio_faults_ioctl(dfd, &q))
		return -1;
	return (int)q.count;
}

#endif
