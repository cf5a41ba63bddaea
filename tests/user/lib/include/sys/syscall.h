/* SPDX-License-Identifier: MIT */
/* sys/syscall.h for ring-3 test programs: SYS_x names, as glibc gives them. */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

#include <asm/unistd.h>

#define SYS_read		__NR_read
#define SYS_write		__NR_write
#define SYS_open		__NR_open
#define SYS_close		__NR_close
#define SYS_poll		__NR_poll
#define SYS_mmap		__NR_mmap
#define SYS_mprotect		__NR_mprotect
#define SYS_munmap		__NR_munmap
#define SYS_ioctl		__NR_ioctl
#define SYS_pread64		__NR_pread64
#define SYS_pwrite64		__NR_pwrite64
#define SYS_getpid		__NR_getpid
#define SYS_exit		__NR_exit
#define SYS_getrlimit		__NR_getrlimit
#define SYS_capget		__NR_capget
#define SYS_capset		__NR_capset
#define SYS_setrlimit		__NR_setrlimit
#define SYS_clock_gettime	__NR_clock_gettime
#define SYS_exit_group		__NR_exit_group
#define SYS_openat		__NR_openat
#define SYS_prlimit64		__NR_prlimit64
#define SYS_eventfd2		__NR_eventfd2

#endif
