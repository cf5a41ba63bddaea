/* SPDX-License-Identifier: MIT */
/* sys/ioctl.h for ring-3 test programs. */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

int ioctl(int fd, unsigned long request, ...);

#endif
