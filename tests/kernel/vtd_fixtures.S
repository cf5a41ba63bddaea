/* SPDX-License-Identifier: MIT */
/*
 * Recorded ACPI tables the VT-d suites parse in the kernel: QEMU builds no
 * RMRR, so the RMRR logic runs against a real machine's DMAR.
 */
	.section .rodata
	.balign 8
	.globl fixture_dmar_dc7800, fixture_dmar_dc7800_end
fixture_dmar_dc7800:
	.incbin "tests/fixtures/acpi/real/hp-compaq-dc7800-sff.dmar.bin"
fixture_dmar_dc7800_end:
	.section .note.GNU-stack, "", @progbits
