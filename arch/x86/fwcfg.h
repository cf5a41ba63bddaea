/* SPDX-License-Identifier: MIT */
/*
 * QEMU's fw_cfg interface (I/O ports 0x510/0x511): lets the test scripts
 * hand the kernel facts about the machine they started (e.g. which PCI
 * devices must be found), whatever the boot path.
 */
#ifndef ARCH_X86_FWCFG_H
#define ARCH_X86_FWCFG_H

#include "lib/types.h"

bool fwcfg_present(void);
/* Read the named file into buf (NUL-terminated); bytes read, or -ENOENT. */
int fwcfg_read_file(const char *name, char *buf, size_t len);
/* The first len bytes of the named file, as they are; bytes read, or -ENOENT. */
long fwcfg_read_raw(const char *name, void *buf, size_t len);
/* Entry i of the file directory: its name and size; false past the last (or no fw_cfg). */
bool fwcfg_file_at(u32 i, char name[56], u32 *size);
/*
 * Append the words of fw_cfg file opt/iommu-testos/append to the command
 * line: how a test run adds options to media whose command line is fixed in
 * grub.cfg (the ISO, the netboot tree). Nothing happens outside QEMU.
 */
void fwcfg_append_cmdline(void);

#endif
