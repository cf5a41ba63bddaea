// SPDX-License-Identifier: MIT
/*
 * Loader handoff parsing. Runs on the early identity map (0-4 GiB), before
 * any allocator, and copies everything it needs into struct boot_info.
 * Layouts: Multiboot 0.6.96 (mb1), Multiboot2 spec, Xen hvm_start_info.
 */
#include "boot/bootinfo.h"
#include "boot/boot.h"
#include "lib/string.h"

struct boot_info boot_info;

/*
 * The parse targets and where "physical" memory is: at boot the low 4 GiB
 * are identity mapped (mem_base 0); tests point it at a buffer instead.
 */
static struct boot_info *bi;
static uintptr_t mem_base;

static const void *early_ptr(u64 pa)
{
	return (const void *)(mem_base + (uintptr_t)pa);
}

static void add_region(u64 base, u64 len, u32 type)
{
	if (!len || bi->nmmap >= BOOT_MAX_REGIONS)
		return;
	if (type < MEM_USABLE || type > MEM_BAD)
		type = MEM_RESERVED;
	bi->mmap[bi->nmmap++] = (struct mem_region){ base, len, type };
}

static void copy_cmdline(u64 pa)
{
	if (pa && pa < (1ULL << 32))
		strlcpy(bi->cmdline, early_ptr(pa), sizeof(bi->cmdline));
}

static bool rsdp_valid(const u8 *p)
{
	u8 sum = 0;

	if (memcmp(p, "RSD PTR ", 8))
		return false;
	for (int i = 0; i < 20; i++)
		sum += p[i];
	return sum == 0;
}

static void take_rsdp(const u8 *p, size_t len, phys_addr_t pa, enum rsdp_source src)
{
	if (len > sizeof(bi->rsdp))
		len = sizeof(bi->rsdp);
	if (!rsdp_valid(p))
		return;
	/* prefer a revision-2 RSDP (the new tag) over an older copy */
	if (bi->rsdp_source != RSDP_NONE && src != RSDP_MB2_NEW)
		return;
	memset(bi->rsdp, 0, sizeof(bi->rsdp));
	memcpy(bi->rsdp, p, len);
	bi->rsdp_phys = pa;
	bi->rsdp_source = src;
}

static void parse_mb1(u32 info)
{
	const u32 *mbi = early_ptr(info);
	u32 flags = mbi[0];

	bi->loader = BOOT_MB1;
	bi->vga_text = true;
	if (flags & (1u << 2))
		copy_cmdline(mbi[4]);
	if (flags & (1u << 9))
		strlcpy(bi->loader_name, early_ptr(mbi[16]), sizeof(bi->loader_name));
	if (flags & (1u << 6)) {
		u64 p = mbi[12], end = p + mbi[11];

		while (p + 24 <= end) {
			const u8 *e = early_ptr(p);
			u32 size;
			u64 base, len;
			u32 type;

			memcpy(&size, e, 4);
			memcpy(&base, e + 4, 8);
			memcpy(&len, e + 12, 8);
			memcpy(&type, e + 20, 4);
			add_region(base, len, type);
			p += size + 4;
		}
	} else if (flags & 1) {
		add_region(0, (u64)mbi[1] * 1024, MEM_USABLE);
		add_region(0x100000, (u64)mbi[2] * 1024, MEM_USABLE);
	}
}

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

/* Tag 8 of type 1: address, pitch, size, depth, then the RGB field layout. */
static void take_fb(const u8 *tag)
{
	struct boot_fb *fb = &bi->fb;

	memcpy(&fb->addr, tag + 8, 8);
	fb->pitch = rd32(tag + 16);
	fb->width = rd32(tag + 20);
	fb->height = rd32(tag + 24);
	fb->bpp = tag[28];
	fb->rpos = tag[32];
	fb->rsize = tag[33];
	fb->gpos = tag[34];
	fb->gsize = tag[35];
	fb->bpos = tag[36];
	fb->bsize = tag[37];
}

static void parse_mb2(u32 info)
{
	const u8 *base = early_ptr(info);
	u32 total;

	bool graphics = false;

	memcpy(&total, base, 4);
	bi->loader = BOOT_MB2;
	for (u32 off = 8; off + 8 <= total;) {
		const u8 *tag = base + off;
		u32 type, size;

		memcpy(&type, tag, 4);
		memcpy(&size, tag + 4, 4);
		if (type == 0 || size < 8)
			break;
		switch (type) {
		case 1:
			strlcpy(bi->cmdline, (const char *)tag + 8,
				min((size_t)size - 7, sizeof(bi->cmdline)));
			break;
		case 2:
			strlcpy(bi->loader_name, (const char *)tag + 8,
				min((size_t)size - 7, sizeof(bi->loader_name)));
			break;
		case 6: {
			u32 esz;

			memcpy(&esz, tag + 8, 4);
			for (u32 e = 16; esz >= 24 && e + 24 <= size; e += esz) {
				u64 b, l;
				u32 t;

				memcpy(&b, tag + e, 8);
				memcpy(&l, tag + e + 8, 8);
				memcpy(&t, tag + e + 16, 4);
				add_region(b, l, t);
			}
			break;
		}
		case 8:	/* framebuffer: type 0 indexed, 1 RGB, 2 EGA text */
			if (size >= 30 && tag[29] == 2)
				bi->vga_text = true;
			else if (size >= 30)
				graphics = true;
			if (size >= 38 && tag[29] == 1)
				take_fb(tag);
			break;
		case 11:	/* EFI system table, 32-bit pointer */
			if (size >= 12)
				bi->efi_systab = rd32(tag + 8);
			bi->efi = true;
			break;
		case 12:	/* EFI system table, 64-bit pointer */
			if (size >= 16)
				memcpy(&bi->efi_systab, tag + 8, 8);
			bi->efi = true;
			break;
		case 17:
		case 18:
		case 19:
		case 20:
			bi->efi = true;
			break;
		case 14:
			take_rsdp(tag + 8, size - 8, 0, RSDP_MB2_OLD);
			break;
		case 15:
			take_rsdp(tag + 8, size - 8, 0, RSDP_MB2_NEW);
			break;
		}
		off += ALIGN(size, 8u);
	}
	/* GRUB under BIOS leaves VGA text mode on unless it set a graphics mode */
	if (!bi->efi && !graphics)
		bi->vga_text = true;
}

static void parse_pvh(u32 info)
{
	const u8 *si = early_ptr(info);
	u32 version, nent;
	u64 cmdline, rsdp, memmap;

	bi->loader = BOOT_PVH;
	bi->vga_text = true;
	strlcpy(bi->loader_name, "PVH (qemu -kernel)", sizeof(bi->loader_name));
	memcpy(&version, si + 4, 4);
	memcpy(&cmdline, si + 24, 8);
	memcpy(&rsdp, si + 32, 8);
	copy_cmdline(cmdline);
	if (rsdp && rsdp < (1ULL << 32))
		take_rsdp(early_ptr(rsdp), 36, rsdp, RSDP_PVH);
	if (version >= 1) {
		memcpy(&memmap, si + 40, 8);
		memcpy(&nent, si + 48, 4);
		for (u32 i = 0; i < nent && memmap; i++) {
			const u8 *e = early_ptr(memmap + 24ULL * i);
			u64 b, l;
			u32 t;

			memcpy(&b, e, 8);
			memcpy(&l, e + 8, 8);
			memcpy(&t, e + 16, 4);
			add_region(b, l, t);
		}
	}
}

static phys_addr_t scan_range(u64 start, u64 len)
{
	for (u64 p = start; p + 20 <= start + len; p += 16)
		if (rsdp_valid(early_ptr(p)))
			return p;
	return 0;
}

phys_addr_t bootinfo_scan_rsdp(void)
{
	u16 ebda_seg;
	phys_addr_t p = 0;

	memcpy(&ebda_seg, early_ptr(0x40e), 2);
	if (ebda_seg >= 0x8000 / 16 && ebda_seg < 0xa0000 / 16)
		p = scan_range((u64)ebda_seg << 4, 1024);
	if (!p)
		p = scan_range(0xe0000, 0x20000);
	return p;
}

void bootinfo_sanitize_mmap(struct mem_region *r, int *n)
{
	int cnt = *n, out = 0;

	for (int i = 1; i < cnt; i++) {
		struct mem_region k = r[i];
		int j = i - 1;

		while (j >= 0 && r[j].base > k.base) {
			r[j + 1] = r[j];
			j--;
		}
		r[j + 1] = k;
	}
	for (int i = 0; i < cnt; i++) {
		if (out && r[out - 1].type == r[i].type &&
		    r[out - 1].base + r[out - 1].len >= r[i].base) {
			u64 end = max(r[out - 1].base + r[out - 1].len, r[i].base + r[i].len);

			r[out - 1].len = end - r[out - 1].base;
		} else {
			r[out++] = r[i];
		}
	}
	*n = out;
}

void bootinfo_parse_mem(struct boot_info *out, u32 magic, u32 info, const void *mem)
{
	bi = out;
	mem_base = (uintptr_t)mem;
	memset(bi, 0, sizeof(*bi));
	if (magic == MB2_BOOT_MAGIC)
		parse_mb2(info);
	else if (magic == MB1_BOOT_MAGIC)
		parse_mb1(info);
	else if (magic == PVH_MAGIC)
		parse_pvh(info);
	bootinfo_sanitize_mmap(bi->mmap, &bi->nmmap);
	if (bi->rsdp_source == RSDP_NONE && !bi->efi) {
		phys_addr_t p = bootinfo_scan_rsdp();

		if (p)
			take_rsdp(early_ptr(p), 36, p, RSDP_BIOS_SCAN);
	}
}

void bootinfo_parse(u32 magic, u32 info)
{
	bootinfo_parse_mem(&boot_info, magic, info, NULL);
}

const char *bootinfo_loader_str(enum boot_loader l)
{
	static const char *const s[] = { "none", "multiboot1", "multiboot2", "pvh" };

	return l < ARRAY_SIZE(s) ? s[l] : "?";
}

const char *bootinfo_rsdp_str(enum rsdp_source src)
{
	static const char *const s[] = { "none", "multiboot2 old-RSDP tag",
					 "multiboot2 new-RSDP tag", "PVH start_info",
					 "BIOS scan" };

	return src < ARRAY_SIZE(s) ? s[src] : "?";
}
