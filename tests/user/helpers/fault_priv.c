// SPDX-License-Identifier: MIT
/* Ring-3 helper: executes a privileged instruction; the kernel must kill it (#GP). */
#include <stdio.h>

int main(void)
{
	printf("executing cli\n");
	__asm__ __volatile__("cli");
	printf("still alive\n");
	return 0;
}
