// SPDX-License-Identifier: MIT
/*
 * plat_file_view() hosted: the process's own shared mapping of the file
 * range (found in /proc/self/maps), so a memfd page pins as the very page
 * the program sees; a fresh MAP_SHARED mapping when it has none.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "lib/platform.h"
#include "lib/errno.h"
#include "lib/failpoint.h"

struct file_view {
	void *addr;		/* our own mapping, NULL when the process's is used */
	size_t len;
};

/*
 * A shared, accessible-enough mapping of [pgoff, end) of the file (dev,
 * ino) in this process: its address of file offset pgoff, or 0.
 */
static u64 find_mapping(const struct stat *st, u64 pgoff, u64 end, bool write)
{
	unsigned long lo, hi, off, ino;
	unsigned int maj, min;
	char perms[8], line[512];
	u64 found = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min,
			   &ino) != 7)
			continue;
		if (ino != st->st_ino || makedev(maj, min) != st->st_dev || perms[3] != 's' ||
		    perms[0] != 'r' || (write && perms[1] != 'w'))
			continue;
		if (off <= pgoff && end - off <= hi - lo)
			found = lo + (pgoff - off);
	}
	fclose(f);
	return found;
}

int plat_file_view(int fd, u64 start, u64 length, bool write, u64 *uva, void **ref)
{
	u64 pgoff = start & PAGE_MASK, end, pgend;
	struct file_view *v;
	struct stat st;
	int acc;

	if (fd < 0 || fstat(fd, &st) || (acc = fcntl(fd, F_GETFL)) < 0)
		return -EBADF;
	if (check_add_overflow(start, length, &end) ||
	    check_add_overflow(end, (u64)PAGE_SIZE - 1, &pgend))
		return -EOVERFLOW;
	if (!S_ISREG(st.st_mode) || !length || end > (u64)st.st_size)
		return -EINVAL;
	if (write && (acc & O_ACCMODE) == O_RDONLY)
		return -EPERM;
	v = failable(calloc(1, sizeof(*v)));
	if (!v)
		return -ENOMEM;
	pgend &= PAGE_MASK;
	*uva = find_mapping(&st, pgoff, pgend, write);
	if (!*uva) {
		v->len = pgend - pgoff;
		v->addr = mmap(NULL, v->len, PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED, fd,
			       (off_t)pgoff);
		if (v->addr == MAP_FAILED) {
			free(v);
			return -ENOMEM;
		}
		*uva = (u64)(uintptr_t)v->addr;
	}
	*uva += start - pgoff;
	*ref = v;
	return 0;
}

void plat_file_view_put(void *ref)
{
	struct file_view *v = ref;

	if (v && v->addr)
		munmap(v->addr, v->len);
	free(v);
}
