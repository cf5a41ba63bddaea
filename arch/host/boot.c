// SPDX-License-Identifier: MIT
/*
 * The loader handoff hosted programs run with: boot/bootinfo.c's boot_info,
 * empty but for the command line a test sets (boot/cmdline.c reads it).
 */
#include <stdio.h>
#include "arch/host/host.h"
#include "boot/bootinfo.h"

void host_set_cmdline(const char *line)
{
	snprintf(boot_info.cmdline, sizeof(boot_info.cmdline), "%s", line ? line : "");
}
