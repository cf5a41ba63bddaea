// SPDX-License-Identifier: MIT
/* Ring-3 helper: writes through a NULL pointer; the kernel must kill it (#PF). */
#include <stdio.h>

int main(void)
{
	volatile int *p = (volatile int *)0;

	printf("about to write to NULL");	/* no newline: the kernel flushes it */
	fflush(stdout);
	*p = 1;
	printf("still alive\n");
	return 0;
}
