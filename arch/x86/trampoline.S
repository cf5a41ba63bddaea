/* SPDX-License-Identifier: MIT */
/*
 * The application processors' way in: real-mode code that smp.c copies to
 * a page below 1 MiB and starts with a SIPI. It switches to protected
 * mode, then long mode on the boot page tables (identity-mapped low 4 GiB,
 * kernel at -2 GiB), jumps to ap_start64 in the kernel image, which loads
 * the kernel's page tables and stack and calls ap_main(percpu).
 * Layout of the data block: struct tramp_data in smp.c.
 */
#define OFF(x) ((x) - smp_tramp_start)

	.section .rodata
	.code16
	.balign 16
	.globl smp_tramp_start, smp_tramp_end, smp_tramp_data
smp_tramp_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	xorl %ebx, %ebx
	movw %ax, %bx
	shll $4, %ebx			/* ebx: linear address of this page */
	lgdtl OFF(tr_gdtr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *OFF(tr_jmp32)

	.code32
tr_32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl OFF(tr_boot_cr3)(%ebx), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* EFER: LME, and NXE when the kernel uses NX */
	rdmsr
	orl OFF(tr_efer)(%ebx), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax		/* PG | WP | PE */
	movl %eax, %cr0
	ljmpl *OFF(tr_jmp64)(%ebx)

	.code64
tr_64:
	movl $1, OFF(tr_alive)(%rbx)	/* the BSP sees we ran */
	movq OFF(tr_arg)(%rbx), %rdi
	movq OFF(tr_cr3)(%rbx), %rsi
	movq OFF(tr_stack)(%rbx), %rdx
	movq OFF(tr_entry)(%rbx), %rax
	jmp *%rax

	.balign 8
smp_tramp_data:
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tr_gdtr:
	.short 31
	.long OFF(tr_gdt)		/* + the page's address: linear address of tr_gdt */
	.short 0
tr_jmp32:
	.long OFF(tr_32)		/* + the page's address */
	.short 0x08
	.short 0
tr_jmp64:
	.long OFF(tr_64)
	.short 0x18
	.short 0
tr_boot_cr3:
	.long 0				/* the boot page tables (below 4 GiB) */
tr_efer:
	.long 0
tr_alive:
	.long 0
	.long 0
tr_cr3:
	.quad 0				/* the kernel's page tables */
tr_stack:
	.quad 0
tr_entry:
	.quad 0				/* ap_start64 */
tr_arg:
	.quad 0				/* struct percpu * */
smp_tramp_end:

	.text
	.code64
/* On the boot page tables, at the kernel's address: switch to its own tables and stack. */
	.globl ap_start64
ap_start64:
	movq %rsi, %cr3
	movq %rdx, %rsp
	xorl %ebp, %ebp
	call ap_main
1:	cli
	hlt
	jmp 1b
