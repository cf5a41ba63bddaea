/* SPDX-License-Identifier: MIT */
/*
 * The kernel's system-call layer (syscall.c): Linux-numbered calls from ring
 * 3 onto the fd table, /dev/iommu and the VFIO device files. Kernel only.
 */
#ifndef IOCTL_SIM_SYSCALL_H
#define IOCTL_SIM_SYSCALL_H

/* Install the layer under arch/x86/proc.c (before the first process runs). */
void syscall_init(void);

#endif
