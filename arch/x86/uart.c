// SPDX-License-Identifier: MIT
/*
 * 16550 UART driver for the console: probe, divisor, 8N1, FIFOs, polled
 * transmit (a FIFO's worth of bytes per status read). No receive and no
 * interrupts. Registers: the 16550 data sheet.
 */
#include "arch/x86/uart.h"
#include "arch/x86/mm.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"

#define UART_THR	0	/* transmit holding (DLL with DLAB) */
#define UART_IER	1	/* interrupt enable (DLM with DLAB) */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_IIR	2	/* interrupt identification (read) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_SCR	7	/* scratch */
#define UART_LCR_DLAB	0x80
#define UART_LCR_8N1	0x03
#define UART_LSR_THRE	0x20
#define UART_FCR_ON	0xc7	/* enable, clear both FIFOs, 14-byte trigger */
#define UART_MCR_ON	0x03	/* DTR, RTS */

static u8 uart_in(struct uart *u, int reg)
{
	if (u->space == UART_IO)
		return inb((u16)(u->addr + reg));
	if (u->space == UART_MMIO32)
		return (u8)mmio_read32(u->mmio + 4 * reg);
	return mmio_read8(u->mmio + reg);
}

static void uart_out(struct uart *u, int reg, u8 v)
{
	if (u->space == UART_IO)
		outb((u16)(u->addr + reg), v);
	else if (u->space == UART_MMIO32)
		mmio_write32(u->mmio + 4 * reg, v);
	else
		mmio_write8(u->mmio + reg, v);
}

static bool scratch_holds(struct uart *u, u8 v)
{
	uart_out(u, UART_SCR, v);
	return uart_in(u, UART_SCR) == v;
}

int uart_setup(struct uart *u)
{
	u16 div = 0;

	if (u->space != UART_IO)
		u->mmio = ioremap(u->addr, 8 * 4);
	if (uart_in(u, UART_LSR) == 0xff || !scratch_holds(u, 0x5a) || !scratch_holds(u, 0xa5))
		return -ENODEV;
	if (u->baud && con_divisor(u->clock, u->baud, &div))
		return -EINVAL;
	uart_out(u, UART_IER, 0);
	if (div) {
		uart_out(u, UART_LCR, UART_LCR_DLAB);
		uart_out(u, UART_THR, (u8)div);
		uart_out(u, UART_IER, (u8)(div >> 8));
	}
	uart_out(u, UART_LCR, UART_LCR_8N1);	/* DLAB off, divisor kept */
	uart_out(u, UART_FCR, UART_FCR_ON);
	uart_out(u, UART_MCR, UART_MCR_ON);
	/* IIR bits 7:6 both set: a 16550A's working 16-byte FIFOs */
	u->fifo = (uart_in(u, UART_IIR) & 0xc0) == 0xc0 ? 16 : 0;
	u->room = 0;
	return 0;
}

#define UART_WAIT	100000	/* line status reads: far above one byte at 9600 baud */
#define UART_WAIT_STUCK	100	/* after a wait ran out */

void uart_putc(void *uart, char c)
{
	struct uart *u = uart;
	int i, n = u->stuck ? UART_WAIT_STUCK : UART_WAIT;

	/*
	 * THRE with FIFOs on means the whole FIFO is empty: that many bytes
	 * go without another status read (each read is a trap to the
	 * emulator, as costly as the byte itself)
	 */
	if (u->room) {
		u->room--;
		uart_out(u, UART_THR, (u8)c);
		return;
	}
	for (i = 0; i < n && !(uart_in(u, UART_LSR) & UART_LSR_THRE); i++)
		cpu_relax();
	u->stuck = i == n;
	u->room = !u->stuck && u->fifo ? u->fifo - 1 : 0;
	uart_out(u, UART_THR, (u8)c);
}
