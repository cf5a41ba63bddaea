/* SPDX-License-Identifier: MIT */
/*
 * What the loader told us, in one loader-neutral structure: memory map,
 * command line, ACPI RSDP (copied) and console hints. Filled by bootinfo.c
 * from multiboot1, multiboot2 or PVH start_info, with a BIOS scan fallback.
 */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H

#include "lib/compiler.h"

#define MEM_USABLE	1
#define MEM_RESERVED	2
#define MEM_ACPI	3
#define MEM_NVS		4
#define MEM_BAD		5

#define BOOT_MAX_REGIONS 128

struct mem_region {
	u64 base, len;
	u32 type;
};

enum boot_loader { BOOT_NONE, BOOT_MB1, BOOT_MB2, BOOT_PVH };

/* A linear RGB framebuffer the loader set up (multiboot2 tag 8, type 1). */
struct boot_fb {
	phys_addr_t addr;	/* 0: none */
	u32 pitch, width, height;
	u8 bpp;
	u8 rpos, rsize, gpos, gsize, bpos, bsize;
};

enum rsdp_source { RSDP_NONE, RSDP_MB2_OLD, RSDP_MB2_NEW, RSDP_PVH, RSDP_BIOS_SCAN };

struct boot_info {
	enum boot_loader loader;
	char loader_name[48];
	char cmdline[512];
	struct mem_region mmap[BOOT_MAX_REGIONS];
	int nmmap;
	u8 rsdp[36];		/* copy of the RSDP (20 bytes for revision 0) */
	phys_addr_t rsdp_phys;	/* where it was found, 0 for a multiboot2 copy */
	enum rsdp_source rsdp_source;
	bool efi;		/* booted through UEFI (multiboot2 EFI tags) */
	bool vga_text;		/* 80x25 text buffer at 0xb8000 is usable */
	struct boot_fb fb;	/* the loader's graphics framebuffer, if any */
	phys_addr_t efi_systab;	/* EFI system table (multiboot2 tag 11/12), 0 when none */
};

extern struct boot_info boot_info;

/* Parse the loader's handoff; magic and info come from boot.S. */
void bootinfo_parse(u32 magic, u32 info_phys);
/* The same into out, with "physical" address 0 at mem (tests use a buffer). */
void bootinfo_parse_mem(struct boot_info *out, u32 magic, u32 info_phys, const void *mem);
/* Find the RSDP by the legacy BIOS scan (EBDA, then 0xE0000-0xFFFFF). */
phys_addr_t bootinfo_scan_rsdp(void);
const char *bootinfo_loader_str(enum boot_loader l);
const char *bootinfo_rsdp_str(enum rsdp_source s);
/* Sort by base and merge overlapping/adjacent entries of the same type. */
void bootinfo_sanitize_mmap(struct mem_region *r, int *n);

#endif
