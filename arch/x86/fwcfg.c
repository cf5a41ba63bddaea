// SPDX-License-Identifier: MIT
/*
 * fw_cfg over port I/O: signature check and named-file lookup through the
 * file directory (selector 0x19). Layout: QEMU docs/specs/fw_cfg.rst.
 */
#include "arch/x86/fwcfg.h"
#include "arch/x86/console.h"
#include "arch/x86/x86.h"
#include "boot/bootinfo.h"
#include "lib/errno.h"
#include "lib/string.h"

#define FW_CFG_SEL	0x510
#define FW_CFG_DATA	0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR	0x0019

static void fw_read(void *buf, size_t n)
{
	/* one string instruction: a program of a megabyte comes over in a blink under TCG */
	__asm__ __volatile__("rep insb" : "+D"(buf), "+c"(n) : "d"(FW_CFG_DATA) : "memory");
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

bool fwcfg_present(void)
{
	return running_under_qemu();
}

/* Directory entry i: name (NUL-terminated, 56 bytes), size and selector; false past the end. */
static bool dir_entry(u32 i, char name[56], u32 *size, u16 *select)
{
	u8 cnt[4], e[64];

	outw(FW_CFG_SEL, FW_CFG_FILE_DIR);
	fw_read(cnt, 4);
	if (i >= be32(cnt) || i >= 4096)
		return false;
	for (u32 k = 0; k <= i; k++)
		fw_read(e, sizeof(e));	/* size(4) select(2) reserved(2) name(56) */
	e[63] = 0;
	memcpy(name, e + 8, 56);
	*size = be32(e);
	*select = (u16)(e[4] << 8 | e[5]);
	return true;
}

bool fwcfg_file_at(u32 i, char name[56], u32 *size)
{
	u16 sel;

	return fwcfg_present() && dir_entry(i, name, size, &sel);
}

long fwcfg_read_raw(const char *name, void *buf, size_t len)
{
	char e[56];
	u32 size;
	u16 sel;

	if (!fwcfg_present())
		return -ENOENT;
	for (u32 i = 0; dir_entry(i, e, &size, &sel); i++) {
		if (strcmp(e, name))
			continue;
		size = (u32)min_t(u64, size, len);
		outw(FW_CFG_SEL, sel);
		fw_read(buf, size);
		return size;
	}
	return -ENOENT;
}

int fwcfg_read_file(const char *name, char *buf, size_t len)
{
	long n = len ? fwcfg_read_raw(name, buf, len - 1) : -ENOENT;

	if (n >= 0)
		buf[n] = 0;
	return (int)n;
}

void fwcfg_append_cmdline(void)
{
	size_t have = strlen(boot_info.cmdline);
	char add[256];
	int n = fwcfg_read_file("opt/iommu-testos/append", add, sizeof(add));

	if (n <= 0 || have + 1 + (size_t)n >= sizeof(boot_info.cmdline))
		return;
	if (have)
		boot_info.cmdline[have++] = ' ';
	memcpy(boot_info.cmdline + have, add, (size_t)n + 1);
}
