/* SPDX-License-Identifier: MIT */
/*
 * Where the console should be, as the firmware (ACPI SPCR) and the command
 * line (console=) ask for it: parsed into con_spec, never touching hardware,
 * so the hosted tests feed it malformed tables and words. Setup is consetup.c.
 */
#ifndef ARCH_X86_CONSCFG_H
#define ARCH_X86_CONSCFG_H

#include "lib/types.h"

#define CON_NAME_LEN	48
#define CON_WHY_LEN	120
#define UART_CLOCK_DEFAULT 1843200	/* the PC's 1.8432 MHz: divisor 1 is 115200 */
#define CON_BAUD_DEFAULT 115200		/* ttySn and pciserial without a baud rate */
#define CON_LEGACY_PORTS 4		/* ttyS0..ttyS3 at 0x3f8, 0x2f8, 0x3e8, 0x2e8 */

/* How the UART's registers are reached. */
enum uart_space {
	UART_IO,	/* I/O ports, one byte per register */
	UART_MMIO,	/* memory, 8-bit registers one byte apart */
	UART_MMIO32,	/* memory, 32-bit registers four bytes apart */
};

enum con_kind {
	CON_UART,	/* a UART at a known address */
	CON_PCI_BDF,	/* the 16550 of one PCI function (pciserial, SPCR's PCI fields) */
	CON_PCI_INDEX,	/* the n-th PCI 16550 function (ttyS4 is n = 0), as Linux numbers them */
	CON_SCREEN,	/* console=tty0: the screen, which is on anyway */
};

/* One console asked for. */
struct con_spec {
	u8 kind;		/* enum con_kind */
	u8 space;		/* enum uart_space (CON_UART; PCI: set from the BAR) */
	u64 addr;		/* I/O port or physical address; 0 with PCI: use the BAR */
	u32 baud;		/* 0: keep the divisor the firmware set */
	u32 clock;		/* UART input clock in Hz */
	u16 seg, bdf;		/* CON_PCI_BDF */
	u16 vendor, device;	/* CON_PCI_BDF from SPCR: what must answer there (0xffff: any) */
	u8 index;		/* CON_PCI_INDEX */
	bool force;		/* pciserial,force: skip the class check */
	char name[CON_NAME_LEN];	/* "ttyS1", "uart,mmio32,0xfe001000", "pciserial,00:05.0" */
};

/*
 * One console= value (the text after "console=", len bytes): ttyS0..ttyS31
 * [,BAUD[n8]], uart[8250],io|mmio|mmio32,ADDR[,BAUD[n8]],
 * pciserial[,force],[SEG:]BUS:DEV.FN[,BAUD], tty0 (the screen). Returns 0,
 * or -EINVAL/-EOPNOTSUPP with a sentence in why.
 */
int con_parse_option(const char *val, size_t len, struct con_spec *out, char *why, size_t n);

/*
 * An SPCR table of len bytes (header included; len is what is mapped):
 * 16550-compatible interface types in I/O or memory space, the baud rate
 * (code or, revision 4, precise), the UART clock (revision 3+), and a PCI
 * function it names. Returns 0, or -EINVAL/-EOPNOTSUPP with why.
 */
int spcr_parse(const void *tbl, size_t len, struct con_spec *out, char *why, size_t n);

/* Divisor for baud from clock: 0, or -EINVAL when no divisor is within 3%. */
int con_divisor(u32 clock, u32 baud, u16 *div);

/* "io 0x2f8, 115200" into buf: where a console is and how fast. */
int con_spec_str(const struct con_spec *s, char *buf, size_t n);

#endif
