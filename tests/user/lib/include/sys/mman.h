/* SPDX-License-Identifier: MIT */
/* sys/mman.h for ring-3 test programs: mmap, munmap and their flags. */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <asm/mman.h>
#include <sys/types.h>

#define MAP_ANON	MAP_ANONYMOUS
#define MAP_FAILED	((void *)-1)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

#endif
