// SPDX-License-Identifier: MIT
/*
 * platform suite, loader handoff: multiboot1, multiboot2 (old and new RSDP
 * tags, EFI, truncated) and PVH structures built in a fake physical memory
 * buffer and parsed by boot/bootinfo.c. Runs in the kernel and hosted.
 */
#include "boot/boot.h"
#include "boot/bootinfo.h"
#include "lib/string.h"
#include "tests/ktest.h"

#define MEM_SIZE 0x100000
static u8 mem[MEM_SIZE] __aligned(16);
static struct boot_info out;

static void put32(u32 pa, u32 v)
{
	memcpy(mem + pa, &v, 4);
}

static void put64(u32 pa, u64 v)
{
	memcpy(mem + pa, &v, 8);
}

/* An RSDP of revision rev with a valid checksum (or a broken one). */
static void make_rsdp(u32 pa, int rev, const char *oem, bool good)
{
	u8 *r = mem + pa, sum = 0;

	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, oem, 6);
	r[15] = (u8)rev;
	put32(pa + 16, 0x7fe0000);
	if (rev >= 2) {
		put32(pa + 20, 36);
		put64(pa + 24, 0x7fe1000);
	}
	for (int i = 0; i < 20; i++)
		sum += r[i];
	r[8] = (u8)(0 - sum + (good ? 0 : 1));
}

/* Append a multiboot2 tag at *off; returns the tag's data offset. */
static u32 mb2_tag(u32 *off, u32 type, const void *data, u32 len)
{
	u32 at = *off;

	put32(at, type);
	put32(at + 4, 8 + len);
	if (data)
		memcpy(mem + at + 8, data, len);
	*off = ALIGN(at + 8 + len, 8u);
	return at + 8;
}

static void mb2_finish(u32 start, u32 off)
{
	u32 end = off;

	mb2_tag(&end, 0, NULL, 0);
	put32(start, end - start);
	put32(start + 4, 0);
}

static u32 mb2_basic(bool old_tag, bool new_tag, bool good_old)
{
	u32 off = 0x10000 + 8;
	u8 mmap[8 + 3 * 24] = { 0 };
	u8 rsdp[36];

	mb2_tag(&off, 1, "suite=lib seed=7", 17);
	put32(0x70000, 24);	/* entry_size, then 3 entries built in place */
	memcpy(mmap, mem + 0x70000, 4);
	for (int i = 0; i < 3; i++) {
		u64 base = (u64)i * 0x100000, len = 0x100000;
		u32 type = i == 1 ? MEM_RESERVED : MEM_USABLE;

		memcpy(mmap + 8 + 24 * i, &base, 8);
		memcpy(mmap + 8 + 24 * i + 8, &len, 8);
		memcpy(mmap + 8 + 24 * i + 16, &type, 4);
	}
	mb2_tag(&off, 6, mmap, sizeof(mmap));
	if (old_tag) {
		make_rsdp(0x80000, 0, "OLDOLD", good_old);
		memcpy(rsdp, mem + 0x80000, 20);
		mb2_tag(&off, 14, rsdp, 20);
	}
	if (new_tag) {
		make_rsdp(0x80000, 2, "NEWNEW", true);
		memcpy(rsdp, mem + 0x80000, 36);
		mb2_tag(&off, 15, rsdp, 36);
	}
	return off;
}

KTEST(platform, test_platform_bootinfo_mb2_rsdp_tags)
{
	u32 off;

	memset(mem, 0, MEM_SIZE);
	off = mb2_basic(true, true, true);
	mb2_finish(0x10000, off);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(out.loader == BOOT_MB2 && !strcmp(out.cmdline, "suite=lib seed=7"),
	       "multiboot2: loader and command line");
	report(out.nmmap == 3 && out.mmap[1].type == MEM_RESERVED && out.mmap[2].base == 0x200000,
	       "multiboot2: memory map entries (%d)", out.nmmap);
	report(out.rsdp_source == RSDP_MB2_NEW && out.rsdp[15] == 2 &&
	       !memcmp(out.rsdp + 9, "NEWNEW", 6), "both RSDP tags: the new (revision 2) one wins");

	memset(mem, 0, MEM_SIZE);
	mb2_finish(0x10000, mb2_basic(true, false, true));
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(out.rsdp_source == RSDP_MB2_OLD && !memcmp(out.rsdp + 9, "OLDOLD", 6),
	       "only the old RSDP tag: taken");
}

KTEST(platform, test_platform_bootinfo_bad_rsdp_falls_back_to_scan)
{
	memset(mem, 0, MEM_SIZE);
	mb2_finish(0x10000, mb2_basic(true, false, false));
	put32(0x40c, 0x9fc0u << 16);	/* EBDA segment at 0x40e */
	make_rsdp(0x9fc00, 0, "EBDAAA", true);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(out.rsdp_source == RSDP_BIOS_SCAN && out.rsdp_phys == 0x9fc00,
	       "a bad-checksum tag is ignored; the BIOS scan finds the EBDA copy");
}

KTEST(platform, test_platform_bootinfo_efi_no_scan)
{
	u32 off = 0x10000 + 8;
	u64 st = 0x12345000;

	memset(mem, 0, MEM_SIZE);
	mb2_tag(&off, 12, &st, 8);	/* EFI 64-bit system table */
	mb2_finish(0x10000, off);
	make_rsdp(0xe0010, 0, "BIOSXX", true);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(out.efi && out.rsdp_source == RSDP_NONE,
	       "under UEFI there is no legacy BIOS area to scan");
	report(!out.vga_text, "no VGA text mode assumed under UEFI");
}

/* Framebuffer tag 8: RGB taken with its layout, EGA text flagged, short tags ignored. */
KTEST(platform, test_platform_bootinfo_mb2_framebuffer)
{
	u8 fb[32] = { 0 };
	u64 addr = 0xfd000000, st = 0x7f5e4018;
	u32 off = 0x10000 + 8, v;

	memset(mem, 0, MEM_SIZE);
	memcpy(fb, &addr, 8);
	v = 4096;
	memcpy(fb + 8, &v, 4);
	v = 1024;
	memcpy(fb + 12, &v, 4);
	v = 768;
	memcpy(fb + 16, &v, 4);
	fb[20] = 32;
	fb[21] = 1;		/* RGB */
	memcpy(fb + 24, "\x10\x08\x08\x08\x00\x08", 6);
	mb2_tag(&off, 8, fb, 30);
	mb2_tag(&off, 12, &st, 8);
	mb2_finish(0x10000, off);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(out.fb.addr == addr && out.fb.pitch == 4096 && out.fb.width == 1024 &&
	       out.fb.height == 768 && out.fb.bpp == 32 && out.fb.rpos == 16 && out.fb.gpos == 8 &&
	       out.fb.bpos == 0 && out.fb.bsize == 8 && !out.vga_text,
	       "an RGB framebuffer: address, pitch, size, depth and field layout");
	report(out.efi && out.efi_systab == st, "the EFI system table pointer");

	memset(mem, 0, MEM_SIZE);
	off = 0x10000 + 8;
	mb2_tag(&off, 8, fb, 29);	/* ends inside the colour layout */
	mb2_finish(0x10000, off);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(!out.fb.addr, "a framebuffer tag too short for its layout: no framebuffer");

	memset(mem, 0, MEM_SIZE);
	off = 0x10000 + 8;
	fb[21] = 2;		/* EGA text */
	mb2_tag(&off, 8, fb, 30);
	mb2_tag(&off, 12, &st, 8);
	mb2_finish(0x10000, off);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(!out.fb.addr && out.vga_text, "EGA text: VGA text mode, no pixel framebuffer");

	/* BIOS GRUB with a VBE mode (no gfxpayload=text): 0xb8000 is not on screen */
	memset(mem, 0, MEM_SIZE);
	off = 0x10000 + 8;
	fb[21] = 1;
	mb2_tag(&off, 8, fb, 30);
	mb2_finish(0x10000, off);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(!out.efi && out.fb.addr == addr && !out.vga_text,
	       "BIOS with an RGB framebuffer: drawn there, no VGA text mode assumed");
	memset(mem, 0, MEM_SIZE);
	off = 0x10000 + 8;
	fb[21] = 0;		/* indexed: a palette mode we do not draw */
	mb2_tag(&off, 8, fb, 30);
	mb2_finish(0x10000, off);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(!out.fb.addr && !out.vga_text,
	       "BIOS with a palette framebuffer: neither it nor VGA text is used");
}

KTEST(platform, test_platform_bootinfo_mb2_truncated)
{
	memset(mem, 0, MEM_SIZE);
	put32(0x10000, 64);
	put32(0x10008, 1);
	put32(0x1000c, 4);	/* tag size below its own header */
	memcpy(mem + 0x10010, "garbage", 8);
	bootinfo_parse_mem(&out, MB2_BOOT_MAGIC, 0x10000, mem);
	report(out.loader == BOOT_MB2 && out.cmdline[0] == 0 && out.nmmap == 0,
	       "a tag shorter than 8 bytes ends the walk, nothing taken from it");
}

KTEST(platform, test_platform_bootinfo_mb1)
{
	u32 mbi = 0x20000, mm = 0x21000;

	memset(mem, 0, MEM_SIZE);
	put32(mbi, (1u << 2) | (1u << 6));	/* cmdline, mmap */
	put32(mbi + 16, 0x22000);
	memcpy(mem + 0x22000, "exit=halt", 10);
	for (int i = 0; i < 2; i++) {	/* size, base, len, type */
		put32(mm + 24 * i, 20);
		put64(mm + 24 * i + 4, i ? 0x100000 : 0);
		put64(mm + 24 * i + 12, i ? 0x7f00000 : 0x9fc00);
		put32(mm + 24 * i + 20, MEM_USABLE);
	}
	put32(mbi + 44, 48);
	put32(mbi + 48, mm);
	make_rsdp(0xf5a30, 2, "SEABIO", true);
	bootinfo_parse_mem(&out, MB1_BOOT_MAGIC, mbi, mem);
	report(out.loader == BOOT_MB1 && !strcmp(out.cmdline, "exit=halt"), "multiboot1: cmdline");
	report(out.nmmap == 2 && out.mmap[1].len == 0x7f00000, "multiboot1: memory map");
	report(out.rsdp_source == RSDP_BIOS_SCAN && out.rsdp_phys == 0xf5a30,
	       "multiboot1 has no RSDP: found by the scan of 0xE0000-0xFFFFF");
}

KTEST(platform, test_platform_bootinfo_pvh)
{
	u32 si = 0x30000;

	memset(mem, 0, MEM_SIZE);
	put32(si, PVH_MAGIC);
	put32(si + 4, 1);
	put64(si + 24, 0x31000);
	memcpy(mem + 0x31000, "loops=3", 8);
	make_rsdp(0x32000, 2, "PVHPVH", true);
	put64(si + 32, 0x32000);
	put64(si + 40, 0x33000);
	put32(si + 48, 1);
	put64(0x33000, 0x100000);
	put64(0x33008, 0x1000000);
	put32(0x33010, MEM_USABLE);
	bootinfo_parse_mem(&out, PVH_MAGIC, si, mem);
	report(out.loader == BOOT_PVH && !strcmp(out.cmdline, "loops=3"), "PVH: cmdline");
	report(out.rsdp_source == RSDP_PVH && out.rsdp_phys == 0x32000, "PVH: rsdp_paddr");
	report(out.nmmap == 1 && out.mmap[0].len == 0x1000000, "PVH: memory map");
	bootinfo_parse_mem(&out, 0x12345678, si, mem);
	report(out.loader == BOOT_NONE, "an unknown magic is not taken for any loader");
}

/* On the machine itself: the RSDP came from where this loader provides it. */
KTEST_NEEDS(platform, test_platform_bootinfo_live_rsdp_source, KT_NEED_KERNEL)
{
	/* GRUB passes the new tag only for a revision-2 RSDP (SeaBIOS has revision 0) */
	enum rsdp_source mb2 = boot_info.rsdp[15] >= 2 ? RSDP_MB2_NEW : RSDP_MB2_OLD;
	const enum rsdp_source want[] = {
		[BOOT_MB1] = RSDP_BIOS_SCAN, [BOOT_MB2] = mb2, [BOOT_PVH] = RSDP_PVH,
	};

	report(boot_info.loader != BOOT_NONE && boot_info.rsdp_source == want[boot_info.loader],
	       "booted by %s, RSDP from %s", bootinfo_loader_str(boot_info.loader),
	       bootinfo_rsdp_str(boot_info.rsdp_source));
}
