/* SPDX-License-Identifier: MIT */
/*
 * A 16550-compatible UART, polled: in I/O space or memory (8- or 32-bit
 * registers). What to set up comes from conscfg.h; this file touches it.
 */
#ifndef ARCH_X86_UART_H
#define ARCH_X86_UART_H

#include "arch/x86/conscfg.h"

struct uart {
	u8 space;		/* enum uart_space */
	u64 addr;		/* port or physical address */
	volatile u8 *mmio;	/* mapped registers (memory space) */
	u32 baud;		/* 0: keep the firmware's divisor */
	u32 clock;		/* input clock in Hz */
	bool stuck;		/* the last byte found no room: wait only briefly */
	u8 fifo;		/* transmit FIFO depth once set up (0: none known) */
	u8 room;		/* bytes the FIFO takes before the next status read */
};

/*
 * Map, probe and program u for 8N1 with FIFOs: 0, or -ENODEV when nothing
 * answers there (the line status reads all ones, or the scratch register
 * forgets what was written).
 */
int uart_setup(struct uart *u);
/*
 * Send one byte to the struct uart at u, waiting a bounded time for room (a
 * dead UART never hangs us: once a wait ran out, the next ones are short
 * until the transmitter empties again). The console sink signature.
 */
void uart_putc(void *u, char c);

#endif
