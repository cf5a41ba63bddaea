/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line the loader handed over (boot_info.cmdline: GRUB's
 * multiboot line or qemu -append):
 * space-separated words, "key=value" or bare "flag".
 */
#ifndef BOOT_CMDLINE_H
#define BOOT_CMDLINE_H

#include "lib/types.h"

/* Copy the value of key= into buf; returns true when present. */
bool cmdline_get(const char *key, char *buf, size_t len);
/* Numeric value of key=, or def when absent or malformed. */
u64 cmdline_get_u64(const char *key, u64 def);
/* true for a bare word or key=1/y/on. */
bool cmdline_flag(const char *key);
/* Call fn for every word. */
void cmdline_for_each(void (*fn)(const char *word, size_t len, void *ctx), void *ctx);

#endif
