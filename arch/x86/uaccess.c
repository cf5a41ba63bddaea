// SPDX-License-Identifier: MIT
/*
 * User copies: a range check against the user half, then one rep movsb with
 * an exception-table entry so a fault resumes after it with the count left.
 * trap.c looks the faulting RIP up in __ex_table (kept by linker.ld).
 */
#include "arch/x86/uaccess.h"
#include "arch/x86/mm.h"
#include "arch/x86/proc.h"
#include "lib/errno.h"

#define USER_TOP	0x0000800000000000ULL

extern char __text_start[], __kernel_end[];

bool kernel_ram_range(u64 va, u64 len)
{
	u64 end;

	if (check_add_overflow(va, len, &end) || va < DIRECT_MAP_BASE ||
	    !mm_is_direct_mapped(va, len))
		return false;
	for (u64 p = va & PAGE_MASK; p < end; p += PAGE_SIZE)
		if (!pmm_is_ram(p - DIRECT_MAP_BASE))
			return false;
	return true;
}

bool kernel_image_range(u64 va, u64 len)
{
	u64 end;

	return !check_add_overflow(va, len, &end) && va >= (u64)(uintptr_t)__text_start &&
	       end <= (u64)(uintptr_t)__kernel_end;
}

/* access_ok, inline in the copies: a process's range is two compares */
static inline bool range_ok(u64 addr, size_t n)
{
	u64 end;

	if (!n)
		return true;
	if (!proc_current())
		return kernel_ram_range(addr, n) || kernel_image_range(addr, n);
	return !check_add_overflow(addr, (u64)n, &end) && end <= USER_TOP;
}

bool access_ok(u64 addr, size_t n)
{
	return range_ok(addr, n);
}

/*
 * Copy n bytes; a fault stops it. Returns the bytes left uncopied. Eight
 * bytes a step first (under TCG each rep iteration is an instruction of
 * its own); a fault there goes on byte by byte from the quadword it hit,
 * so the copy still ends exactly at the first byte that cannot be reached.
 */
static unsigned long raw_copy(void *to, const void *from, unsigned long n)
{
	unsigned long q = n / 8;

	user_access_begin();
	__asm__ __volatile__("1:	rep movsq\n"
			     "2:\n"
			     "	.pushsection __ex_table, \"a\"\n"
			     "	.balign 8\n"
			     "	.quad 1b, 2b\n"
			     "	.popsection\n"
			     : "+D"(to), "+S"(from), "+c"(q)
			     :
			     : "memory");
	n = q * 8 + n % 8;
	__asm__ __volatile__("3:	rep movsb\n"
			     "4:\n"
			     "	.pushsection __ex_table, \"a\"\n"
			     "	.balign 8\n"
			     "	.quad 3b, 4b\n"
			     "	.popsection\n"
			     : "+D"(to), "+S"(from), "+c"(n)
			     :
			     : "memory");
	user_access_end();
	return n;
}

int copy_from_user(void *dst, u64 usrc, size_t n)
{
	unsigned long left = n;

	if (range_ok(usrc, n))
		left = raw_copy(dst, (const void *)(uintptr_t)usrc, n);
	/* like Linux: what could not be read reads as zero */
	for (unsigned long i = n - left; i < n; i++)
		((u8 *)dst)[i] = 0;
	return left ? -EFAULT : 0;
}

int copy_to_user(u64 udst, const void *src, size_t n)
{
	if (!range_ok(udst, n) || raw_copy((void *)(uintptr_t)udst, src, n))
		return -EFAULT;
	return 0;
}

long strncpy_from_user(char *dst, u64 usrc, long count)
{
	for (long i = 0; i < count; i++) {
		if (copy_from_user(dst + i, usrc + i, 1))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return count;
}
