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
	u8 *b = buf;

	while (n--)
		*b++ = inb(FW_CFG_DATA);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

bool fwcfg_present(void)
{
	return running_under_qemu();
}

int fwcfg_read_file(const char *name, char *buf, size_t len)
{
	u8 cnt[4];
	u32 n;

	if (!fwcfg_present() || !len)
		return -ENOENT;
	outw(FW_CFG_SEL, FW_CFG_FILE_DIR);
	fw_read(cnt, 4);
	n = be32(cnt);
	for (u32 i = 0; i < n && i < 4096; i++) {
		u8 e[64];
		u32 size;

		fw_read(e, sizeof(e));	/* size(4) select(2) reserved(2) name(56) */
		e[63] = 0;
		if (strcmp((const char *)e + 8, name))
			continue;
		size = be32(e);
		if (size > len - 1)
			size = (u32)len - 1;
		outw(FW_CFG_SEL, (u16)(e[4] << 8 | e[5]));
		fw_read(buf, size);
		buf[size] = 0;
		return (int)size;
	}
	return -ENOENT;
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
