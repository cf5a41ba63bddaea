/* SPDX-License-Identifier: MIT */
/* sys/resource.h for ring-3 test programs: resource limits (memlock). */
#ifndef _SYS_RESOURCE_H
#define _SYS_RESOURCE_H

#include <sys/types.h>

#define RLIMIT_NOFILE	7
#define RLIMIT_MEMLOCK	8
#define RLIM_INFINITY	(~0UL)

typedef unsigned long rlim_t;

struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};

int getrlimit(int resource, struct rlimit *r);
int setrlimit(int resource, const struct rlimit *r);

#endif
