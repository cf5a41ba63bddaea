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
/* The ops of our directories (so a caller can tell a directory fd). */
extern const struct sim_file_ops fault_inject_dir_fops;
/* Entry idx of our directory path: name and kind; false past the last. */
bool fault_inject_dir_entry(const char *path, unsigned long idx, const char **name,
			    bool *is_dir);

#endif
