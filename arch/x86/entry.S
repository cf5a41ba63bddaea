/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry stubs for all 256 vectors, the common
 * save/restore path into trap_dispatch(), the syscall entry from ring 3 and
 * the switch between processes' kernel stacks. The frame layout is struct
 * trap_frame in trap.h.
 */
	.text
	.code64

/* General registers in struct trap_frame order (r15 ends up lowest). */
.macro PUSH_REGS
	pushq %rax
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
.endm

.macro POP_REGS
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
.endm

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
1:	PUSH_REGS
	cld
	movq %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:
	POP_REGS
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
/*
 * syscall from ring 3 (LSTAR): RCX = user RIP, R11 = user RFLAGS, IF is
 * masked by SFMASK. Builds a struct trap_frame (vector VEC_SYSCALL) on the
 * process's kernel stack, so proc_syscall() sees the same layout as a
 * trap, then returns with sysret (iretq if the RIP is not canonical).
 * Offsets: struct percpu in percpu.h (0x08 kernel stack, 0x10 user rsp).
 */
	.section .text.syscall_entry, "ax"	/* placed by linker.hot */
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:0x10
	movq %gs:0x08, %rsp
	pushq $0x23			/* ss: SEL_UDATA | 3 */
	pushq %gs:0x10			/* rsp */
	pushq %r11			/* rflags */
	pushq $0x2b			/* cs: SEL_UCODE | 3 */
	pushq %rcx			/* rip */
	pushq $0			/* error */
	pushq $0x100			/* vector: VEC_SYSCALL */
	PUSH_REGS
	cld
	movq %rsp, %rdi
	call proc_syscall
	cli
	testb %al, %al			/* registers sysret cannot restore (sigreturn) */
	jnz trap_return
	movq 0x88(%rsp), %rcx		/* sysret #GPs in ring 0 on a non-canonical RIP */
	shrq $47, %rcx
	jnz trap_return
	POP_REGS
	addq $16, %rsp			/* vector, error */
	popq %rcx			/* rip */
	addq $8, %rsp			/* cs */
	popq %r11			/* rflags */
	popq %rsp			/* user rsp */
	swapgs
	sysretq
	.text

/*
 * void proc_swtch(u64 *save_rsp, u64 rsp): save the callee-saved registers
 * on this stack and its rsp in *save_rsp, then take up the stack at rsp
 * where proc_swtch saved them before (or sched_add made them up) and return
 * there. Interrupts are off on both sides.
 */
	.globl proc_swtch
proc_swtch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* A new process's first switch returns here, its trap frame in rbx: into ring 3. */
	.globl proc_first_return
proc_first_return:
	movq %rbx, %rsp
	jmp trap_return
