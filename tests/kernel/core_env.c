// SPDX-License-Identifier: MIT
/*
 * core_util.h's environment part in the kernel: user buffers are direct-map
 * page blocks (pinnable), and addresses outside RAM and the image are bad.
 */
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "tests/kernel/core_util.h"

static unsigned int order_of(size_t len)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < len)
		order++;
	return order;
}

void *t_buf(size_t len)
{
	void *p = page_alloc_va(order_of(len));

	if (!p)
		panic("t_buf: out of memory for %zu bytes", len);
	return p;
}

void t_buf_free(void *p, size_t len)
{
	page_free_va(p, order_of(len));
}

u64 t_unmapped(size_t len)
{
	/* the top of the lower half: neither the direct map nor the image */
	return 0x00007f0000000000ULL;
}
