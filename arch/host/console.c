// SPDX-License-Identifier: MIT
/*
 * arch/x86/console.h hosted: printk is quiet unless IOMMU_HOST_VERBOSE (or
 * the older AMDVI_HOST_VERBOSE) is set, so driver chatter does not clutter
 * KTAP; panic aborts (the sanitizers and the runner report it).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "arch/x86/console.h"

int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (getenv("IOMMU_HOST_VERBOSE") || getenv("AMDVI_HOST_VERBOSE"))
		printf("    # %s", buf);
	return n;
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

bool running_under_qemu(void)
{
	return false;
}
