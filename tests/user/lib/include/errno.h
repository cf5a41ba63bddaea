/* SPDX-License-Identifier: MIT */
/* errno.h for ring-3 test programs: Linux numbers, shared with the kernel. */
#ifndef _ERRNO_H
#define _ERRNO_H

#include "lib/errno.h"

extern int errno;

#endif
