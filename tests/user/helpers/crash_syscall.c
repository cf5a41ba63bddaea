// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper: calls an ioctl of /dev/testos-crash, a node the kernel test
 * registers whose handler crashes. The call must never return.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int fd = open("/dev/testos-crash", O_RDWR);

	if (fd < 0) {
		perror("open /dev/testos-crash");
		return 2;
	}
	printf("ioctl on fd %d: the kernel crashes in it\n", fd);
	fflush(stdout);
	ioctl(fd, 1, 0);
	printf("the ioctl returned\n");
	return 1;
}
