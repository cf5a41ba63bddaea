/* SPDX-License-Identifier: MIT */
/*
 * Heap allocation as every layer sees it. The kernel implements these in
 * arch/x86/kmalloc.c; the hosted build over calloc/free (with counters and
 * fault injection). Code in lib/, core/ and iommu/ uses only this.
 */
#ifndef LIB_ALLOC_H
#define LIB_ALLOC_H

#include "lib/types.h"

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(const void *p);
/* Allocations not yet freed (the leak check's heap counter). */
u64 kmalloc_live(void);

#endif
