/* SPDX-License-Identifier: MIT */
/* sys/syscall.h for ring-3 test programs: SYS_x names, as glibc gives them. */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

#include <asm/unistd.h>

#define SYS_read		__NR_read
#define SYS_write		__NR_write
#define SYS_open		__NR_open
#define SYS_close		__NR_close
#define SYS_fstat		__NR_fstat
#define SYS_poll		__NR_poll
#define SYS_lseek		__NR_lseek
#define SYS_mmap		__NR_mmap
#define SYS_mprotect		__NR_mprotect
#define SYS_munmap		__NR_munmap
#define SYS_brk			__NR_brk
#define SYS_rt_sigaction	__NR_rt_sigaction
#define SYS_rt_sigprocmask	__NR_rt_sigprocmask
#define SYS_rt_sigreturn	__NR_rt_sigreturn
#define SYS_ioctl		__NR_ioctl
#define SYS_pread64		__NR_pread64
#define SYS_pwrite64		__NR_pwrite64
#define SYS_readv		__NR_readv
#define SYS_writev		__NR_writev
#define SYS_access		__NR_access
#define SYS_pipe		__NR_pipe
#define SYS_sched_yield		__NR_sched_yield
#define SYS_madvise		__NR_madvise
#define SYS_dup			__NR_dup
#define SYS_dup2		__NR_dup2
#define SYS_pause		__NR_pause
#define SYS_nanosleep		__NR_nanosleep
#define SYS_alarm		__NR_alarm
#define SYS_getpid		__NR_getpid
#define SYS_clone		__NR_clone
#define SYS_fork		__NR_fork
#define SYS_vfork		__NR_vfork
#define SYS_exit		__NR_exit
#define SYS_wait4		__NR_wait4
#define SYS_kill		__NR_kill
#define SYS_uname		__NR_uname
#define SYS_fcntl		__NR_fcntl
#define SYS_getcwd		__NR_getcwd
#define SYS_readlink		__NR_readlink
#define SYS_getrlimit		__NR_getrlimit
#define SYS_getuid		__NR_getuid
#define SYS_getgid		__NR_getgid
#define SYS_geteuid		__NR_geteuid
#define SYS_getegid		__NR_getegid
#define SYS_setpgid		__NR_setpgid
#define SYS_getppid		__NR_getppid
#define SYS_getpgrp		__NR_getpgrp
#define SYS_getpgid		__NR_getpgid
#define SYS_capget		__NR_capget
#define SYS_capset		__NR_capset
#define SYS_arch_prctl		__NR_arch_prctl
#define SYS_setrlimit		__NR_setrlimit
#define SYS_gettid		__NR_gettid
#define SYS_tkill		__NR_tkill
#define SYS_getdents64		__NR_getdents64
#define SYS_set_tid_address	__NR_set_tid_address
#define SYS_clock_gettime	__NR_clock_gettime
#define SYS_clock_nanosleep	__NR_clock_nanosleep
#define SYS_exit_group		__NR_exit_group
#define SYS_tgkill		__NR_tgkill
#define SYS_openat		__NR_openat
#define SYS_newfstatat		__NR_newfstatat
#define SYS_readlinkat		__NR_readlinkat
#define SYS_faccessat		__NR_faccessat
#define SYS_set_robust_list	__NR_set_robust_list
#define SYS_eventfd		__NR_eventfd
#define SYS_eventfd2		__NR_eventfd2
#define SYS_dup3		__NR_dup3
#define SYS_pipe2		__NR_pipe2
#define SYS_prlimit64		__NR_prlimit64
#define SYS_getrandom		__NR_getrandom
#define SYS_rseq		__NR_rseq
#define SYS_clone3		__NR_clone3
#define SYS_faccessat2		__NR_faccessat2

#endif
