/* SPDX-License-Identifier: MIT */
/*
 * Hooks other layers add to the kernel test environment: answers to
 * "is this hardware here?" and work after each test (draining IOMMU faults).
 */
#ifndef TESTS_KERNEL_ENV_H
#define TESTS_KERNEL_ENV_H

#include "tests/ktest.h"
#include "lib/refcount.h"

struct env_hook {
	/* true when this layer provides need; may set *why for a skip */
	bool (*has)(unsigned int need, const char **why);
	void (*after_test)(const struct ktest *t);
	struct env_hook *next;
};

void env_add_hook(struct env_hook *h);

/* The running test makes n interrupts on vectors without a handler on purpose. */
void ktest_expect_strays(long n);

/* Boot step after iommu_init(): hardware answers and fault checks (iommu_env.c). */
void iommu_test_env_init(void);

#endif
