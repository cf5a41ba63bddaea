/* SPDX-License-Identifier: MIT */
/* unistd.h for ring-3 test programs: the syscall wrappers tests use. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <sys/types.h>

#define STDIN_FILENO	0
#define STDOUT_FILENO	1
#define STDERR_FILENO	2
#define _SC_PAGESIZE	30
#define _SC_PAGE_SIZE	_SC_PAGESIZE

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
ssize_t pread(int fd, void *buf, size_t n, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
int close(int fd);
pid_t getpid(void);
pid_t getppid(void);
pid_t fork(void);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int dup(int fd);
int dup2(int fd, int newfd);
int setpgid(pid_t pid, pid_t pgid);
pid_t getpgid(pid_t pid);
unsigned int alarm(unsigned int secs);
int pause(void);
long sysconf(int name);
long syscall(long nr, ...);
extern char **environ;
__attribute__((noreturn)) void _exit(int status);

#endif
