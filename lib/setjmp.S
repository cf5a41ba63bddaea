/* SPDX-License-Identifier: MIT */
/*
 * setjmp/longjmp over the callee-saved registers, rsp and the return address
 * (struct jmpbuf in arch/x86/trap.h). The kernel assembles it as ksetjmp/
 * klongjmp; the ring-3 libc with -DSETJMP=setjmp -DLONGJMP=longjmp.
 */
#ifndef SETJMP
#define SETJMP ksetjmp
#define LONGJMP klongjmp
#endif
	.text
/* int SETJMP(jmpbuf) */
	.globl SETJMP
SETJMP:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rax
	movq %rax, 48(%rdi)
	movq (%rsp), %rax
	movq %rax, 56(%rdi)
	xorl %eax, %eax
	ret

/* void LONGJMP(jmpbuf, int val): SETJMP returns val there (1 if val is 0) */
	.globl LONGJMP
LONGJMP:
	movl %esi, %eax
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	jmpq *56(%rdi)
