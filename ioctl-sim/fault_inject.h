/* SPDX-License-Identifier: MIT */
/*
 * Linux's fault-injection files (fail-nth, debugfs failslab & co) over our
 * fail points: ioctl-sim/fault_inject.c.
 */
#ifndef IOCTL_SIM_FAULT_INJECT_H
#define IOCTL_SIM_FAULT_INJECT_H

#include "ioctl-sim/sim.h"

/* The one fail-nth node; callers map /proc/self/task/<tid>/fail-nth & co to it. */
#define FAULT_INJECT_FAIL_NTH "/proc/thread-self/fail-nth"

/* Register the nodes: 0, or -EEXIST when they already are. */
int fault_inject_register(void);

#endif
