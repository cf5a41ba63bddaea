/* SPDX-License-Identifier: MIT */
/*
 * Program entry for ring-3 test programs: the kernel starts us with the Linux
 * initial stack (argc, argv[], NULL, envp[], NULL, auxv[]) at %rsp.
 */
	.text
	.globl _start
_start:
	xorl %ebp, %ebp
	movq %rsp, %rdi
	andq $-16, %rsp
	call __libc_start
	ud2
