// SPDX-License-Identifier: MIT
/*
 * core_util.h's environment part for hosted test programs: user buffers
 * are anonymous mappings, and a PROT_NONE reservation is never readable.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include "tests/kernel/core_util.h"

void *t_buf(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		report(false, "mmap %zu bytes failed", len);
		abort();
	}
	return p;
}

void t_buf_free(void *p, size_t len)
{
	munmap(p, len);
}

u64 t_unmapped(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		abort();
	return U(p);	/* kept reserved so nothing else lands there */
}
