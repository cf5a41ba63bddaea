// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper: reads the kernel's direct map, which every address space
 * maps supervisor-only; the kernel must kill it with a protection #PF.
 */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	volatile uint64_t *p = (volatile uint64_t *)0xffff800000100000UL;

	printf("reading %p\n", (void *)p);
	return (int)*p;
}
