/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry stubs for all 256 vectors, the common
 * save/restore path into trap_dispatch(), and ksetjmp/klongjmp.
 * The frame layout is struct trap_frame in trap.h.
 */
	.text
	.code64

/* One 16-byte stub per vector; those without a CPU error code push 0. */
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set v, 0
	.rept 256
	.balign 16
	/* vectors that push an error code: 8, 10-14, 17, 21, 29, 30 */
	.if (v == 8) || ((v >= 10) && (v <= 14)) || (v == 17) || (v == 21) || (v == 29) || (v == 30)
	.else
	pushq $0
	.endif
	pushq $v
	jmp isr_common
	.set v, v + 1
	.endr

isr_common:
	/* entering from ring 3: switch to the kernel GS base */
	testb $3, 24(%rsp)
	jz 1f
	swapgs
1:	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	addq $16, %rsp
	iretq

/* Table of stub addresses, one per vector, for idt_init(). */
	.section .rodata
	.balign 8
	.globl isr_stub_table
isr_stub_table:
	.set v, 0
	.rept 256
	.quad isr_stubs + v * 16
	.set v, v + 1
	.endr

	.text
/* int ksetjmp(struct jmpbuf *jb) */
	.globl ksetjmp
ksetjmp:
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

/* void klongjmp(struct jmpbuf *jb, int val) */
	.globl klongjmp
klongjmp:
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
