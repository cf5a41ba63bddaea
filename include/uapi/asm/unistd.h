/* SPDX-License-Identifier: MIT */
/*
 * Linux x86-64 system call numbers the syscall stub implements (the kernel's
 * table and the ring-3 libc both use these). From syscall_64.tbl.
 */
/* Builds with a C library use the system's header; this one serves the kernel and ring 3. */
#if __STDC_HOSTED__
#include_next <asm/unistd.h>
#else
#ifndef _ASM_UNISTD_H
#define _ASM_UNISTD_H

#define __NR_read		0
#define __NR_write		1
#define __NR_open		2
#define __NR_close		3
#define __NR_poll		7
#define __NR_mmap		9
#define __NR_mprotect		10
#define __NR_munmap		11
#define __NR_ioctl		16
#define __NR_pread64		17
#define __NR_pwrite64		18
#define __NR_getpid		39
#define __NR_exit		60
#define __NR_getrlimit		97
#define __NR_capget		125
#define __NR_capset		126
#define __NR_setrlimit		160
#define __NR_clock_gettime	228
#define __NR_exit_group		231
#define __NR_openat		257
#define __NR_eventfd		284
#define __NR_eventfd2		290
#define __NR_prlimit64		302

#endif
#endif /* __STDC_HOSTED__ */
