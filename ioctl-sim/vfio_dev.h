/* SPDX-License-Identifier: MIT */
/*
 * VFIO cdev device files (/dev/vfio/devices/vfioN) for the ring-3 programs:
 * made at boot for every PCI function an IOMMU translates. Kernel only.
 */
#ifndef IOCTL_SIM_VFIO_DEV_H
#define IOCTL_SIM_VFIO_DEV_H

/* Register a node per translated PCI function (after iommu_init). */
void vfio_dev_init(void);
/* How many device nodes there are. */
int vfio_dev_count(void);

#endif
