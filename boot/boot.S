/* SPDX-License-Identifier: MIT */
/*
 * Boot entry: multiboot2 header (GRUB), multiboot1 header with the a.out
 * kludge (qemu -kernel, iPXE), and a PVH ELF note; 32-bit entry, early page
 * tables (identity 0-4 GiB and the kernel at -2 GiB), switch to long mode.
 * Layouts: Multiboot 0.6.96 and 2.0 specifications, Xen PVH boot ABI.
 */
#include "boot/boot.h"

#define MB2_MAGIC	0xe85250d6
#define MB1_MAGIC	0x1badb002
#define MB1_FLAGS	0x00010003	/* page-align, memory info, a.out kludge */
#define PTE_P		0x1
#define PTE_W		0x2
#define PTE_PS		0x80
#define PHYS(x)		((x) - KERNEL_VMA)

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0				/* i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	/* information request (optional): cmdline, mmap, framebuffer, EFI
	 * system table, ACPI old/new RSDP */
	.balign 8
	.short 1, 1
	.long 8 + 6 * 4
	.long 1, 6, 8, 12, 14, 15
	/* framebuffer (optional, any mode): UEFI machines have no VGA text;
	 * grub.cfg keeps BIOS machines in text mode (gfxpayload=text) */
	.balign 8
	.short 5, 1
	.long 20
	.long 0, 0, 0
	/* entry address tag: the physical 32-bit entry */
	.balign 8
	.short 3, 0
	.long 12
	.long boot_entry32
	/* end tag */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

	.section .multiboot1, "a"
	.balign 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header			/* header_addr (physical) */
	.long KERNEL_PHYS			/* load_addr */
	.long PHYS(__load_end)			/* load_end_addr */
	.long PHYS(__bss_end)			/* bss_end_addr */
	.long boot_entry32			/* entry_addr */

	/* PVH: XEN_ELFNOTE_PHYS32_ENTRY (18), name "Xen" */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 4
	.long 18
	.asciz "Xen"
	.balign 4
	.long pvh_entry32

	.section .boot.text, "ax"
	.code32
	.globl pvh_entry32
pvh_entry32:
	movl $PVH_MAGIC, %eax
	/* fall through: EBX already holds the start_info pointer */

	.globl boot_entry32
boot_entry32:
	cli
	cld
	movl %eax, boot_magic
	movl %ebx, boot_info_phys

	/* zero .bss (early tables and stacks live there); loaders differ on it */
	movl $PHYS(__bss_start), %edi
	movl $PHYS(__bss_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	movl $PHYS(boot32_stack_top), %esp

	/* long mode present? (CPUID 0x80000001 EDX bit 29) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, boot_ext_edx

	/* PML4[0] -> identity PDPT, PML4[511] -> high PDPT */
	movl $PHYS(early_pdpt_lo) + PTE_P + PTE_W, PHYS(early_pml4)
	movl $PHYS(early_pdpt_hi) + PTE_P + PTE_W, PHYS(early_pml4) + 511 * 8
	/* identity PDPT: four PDs cover 0-4 GiB; high PDPT[510] -> first PD */
	movl $PHYS(early_pd) + PTE_P + PTE_W, %eax
	movl $PHYS(early_pdpt_lo), %edi
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b
	movl $PHYS(early_pd) + PTE_P + PTE_W, PHYS(early_pdpt_hi) + 510 * 8
	/* 2048 PDEs of 2 MiB pages: entry i maps i * 2 MiB */
	movl $PHYS(early_pd), %edi
	movl $PTE_P + PTE_W + PTE_PS, %eax
	xorl %edx, %edx
	movl $2048, %ecx
2:	movl %eax, (%edi)
	movl %edx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %edx
	addl $8, %edi
	loop 2b

	/* PAE, then EFER.LME (and NXE when the CPU has it), CR3, paging */
	movl %cr4, %eax
	orl $0x20, %eax
	movl %eax, %cr4
	movl $PHYS(early_pml4), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x100, %eax
	btl $20, boot_ext_edx
	jnc 3f
	orl $0x800, %eax
3:	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax		/* PG | WP | PE */
	movl %eax, %cr0

	lgdt early_gdt_ptr
	ljmp $0x08, $boot_entry64

no_long_mode:
	movl $msg_no_lm, %esi
4:	lodsb
	testb %al, %al
	jz 5f
	movw $0x3f8, %dx
	outb %al, %dx
	jmp 4b
5:	hlt
	jmp 5b

	.code64
boot_entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_magic, %edi
	movl boot_info_phys, %esi
	movabsq $boot_main, %rax
	callq *%rax
6:	hlt
	jmp 6b

	.section .boot.data, "aw"
	.balign 8
early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
early_gdt_end:
early_gdt_ptr:
	.short early_gdt_end - early_gdt - 1
	.long early_gdt
	.globl boot_magic, boot_info_phys
boot_magic:
	.long 0
boot_info_phys:
	.long 0
boot_ext_edx:
	.long 0
msg_no_lm:
	.asciz "iommu-testos: this CPU has no long mode (x86-64)\r\n"

	.section .bss
	.balign 4096
	.globl early_pml4
early_pml4:	.skip 4096
early_pdpt_lo:	.skip 4096
early_pdpt_hi:	.skip 4096
early_pd:	.skip 4096 * 4
	.skip 1024
boot32_stack_top:
	.balign 16
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
