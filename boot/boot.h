/* SPDX-License-Identifier: MIT */
/*
 * Boot constants shared by boot.S, linker.ld and C: where the kernel is
 * loaded and linked, and the magic values that tell the loaders apart.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#define KERNEL_PHYS	0x200000		/* load address: 2 MiB */
#define KERNEL_VMA	0xffffffff80000000	/* -2 GiB, for -mcmodel=kernel */
#define BOOT_STACK_SIZE	(32 * 1024)

#define MB1_BOOT_MAGIC	0x2badb002	/* EAX from a multiboot1 loader */
#define MB2_BOOT_MAGIC	0x36d76289	/* EAX from a multiboot2 loader */
#define PVH_MAGIC	0x336ec578	/* hvm_start_info.magic */

#endif
