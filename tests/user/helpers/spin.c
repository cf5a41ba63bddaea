// SPDX-License-Identifier: MIT
/* Ring-3 helper: never ends; the kernel's watchdog must stop it. */
#include <stdio.h>

int main(void)
{
	volatile unsigned long n = 0;

	printf("spinning\n");
	for (;;)
		n++;
}
