// SPDX-License-Identifier: MIT
/*
 * The kernel services the driver files use in hosted tests (test-amdvi,
 * test-vtd): page allocation (counted, failable), printk, deadlines (real or
 * virtual time), interrupt masking. Physical addresses are host pointers.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "lib/spinlock.h"
#include "tests/host/kernel_stubs.h"
#include "tests/ktest.h"

static long pages_live;
static long fail_after = -1;	/* page allocations to allow before failing */

void host_pages_fail_after(long n)
{
	fail_after = n;
}

long host_pages_live(void)
{
	return pages_live;
}

void *page_alloc_va(unsigned int order)
{
	void *p;

	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	p = aligned_alloc(PAGE_SIZE << order, PAGE_SIZE << order);
	if (!p)
		return NULL;
	memset(p, 0, PAGE_SIZE << order);
	pages_live += 1L << order;
	return p;
}

void page_free_va(void *va, unsigned int order)
{
	if (!va)
		return;
	memset(va, 0x6b, PAGE_SIZE << order);	/* poison: a late walker reads junk */
	pages_live -= 1L << order;
	free(va);
}

phys_addr_t virt_to_phys(const void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (getenv("AMDVI_HOST_VERBOSE"))
		printf("    # %s", buf);
	return n;
}

static u64 now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000ULL + (u64)ts.tv_nsec / 1000;
}

static u64 poll_step, virtual_us;

void host_poll_step_us(u64 us)
{
	poll_step = us;
}

deadline_t deadline_in_us(u64 us)
{
	return (poll_step ? virtual_us : now_us()) + us;
}

bool deadline_passed(deadline_t d)
{
	if (!poll_step)
		return now_us() >= d;
	virtual_us += poll_step;
	return virtual_us >= d;
}

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
}

static long live_pages(void)
{
	return pages_live;
}

KTEST_COUNTER(host_pages, live_pages);
