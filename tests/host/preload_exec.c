// SPDX-License-Identifier: MIT
/*
 * Linked into hosted test programs that must run under libiommufd-host.so:
 * before main, re-exec the program with LD_PRELOAD naming the library next
 * to it, so make check can run it like any other build/host/test-*.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void __attribute__((constructor)) preload_exec(int argc, char **argv)
{
	char exe[PATH_MAX], lib[PATH_MAX + 32], preload[2 * PATH_MAX], asan[512];
	const char *old;
	ssize_t n;

	if (getenv("IOMMUFD_PRELOADED"))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = 0;
	snprintf(lib, sizeof(lib), "%s/libiommufd-host.so", dirname(strdup(exe)));
	old = getenv("LD_PRELOAD");
	snprintf(preload, sizeof(preload), "%s%s%s", lib, old ? ":" : "", old ? old : "");
	old = getenv("ASAN_OPTIONS");
	/* ASan wants to be first in the library list; ours must come first here */
	snprintf(asan, sizeof(asan), "verify_asan_link_order=0%s%s", old ? ":" : "",
		 old ? old : "");
	setenv("LD_PRELOAD", preload, 1);
	setenv("ASAN_OPTIONS", asan, 1);
	setenv("IOMMUFD_PRELOADED", "1", 1);
	execv(exe, argv);
	perror("preload_exec: execv");
	exit(1);
}
