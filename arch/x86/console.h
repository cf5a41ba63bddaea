/* SPDX-License-Identifier: MIT */
/*
 * Kernel console: COM1 serial (115200 8N1) mirrored to VGA text when the
 * machine has it; printk, panic, and the run's exit (isa-debug-exit/halt/reboot).
 */
#ifndef ARCH_X86_CONSOLE_H
#define ARCH_X86_CONSOLE_H

#include "lib/compiler.h"

/* Exit codes written to isa-debug-exit at port 0xf4; QEMU exits (v << 1) | 1. */
#define EXIT_PASS	0x10	/* QEMU status 33 */
#define EXIT_FAIL	0x11	/* 35 */
#define EXIT_CRASH	0x12	/* 37 */
#define DEBUG_EXIT_PORT	0xf4

/* AUTO: isa-debug-exit when running under QEMU, else halt. */
enum exit_mode { EXIT_AUTO, EXIT_QEMU, EXIT_HALT, EXIT_REBOOT };

/* CPUID says hypervisor and fw_cfg answers "QEMU". */
bool running_under_qemu(void);

void serial_init(void);
void serial_putc(char c);
/* Raw write: no line prefix. */
void console_write(const char *s, size_t n);
/* Prefix put before every printk line while set (tests use "    # "). */
/* Returns the previous prefix so callers can nest. */
const char *console_set_line_prefix(const char *prefix);
void console_enable_vga(void *text_base);
/* From now on printk waits for the console lock only so long (crash reports). */
void console_emergency(void);

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

void console_set_exit_mode(enum exit_mode m);
__noreturn void machine_exit(int code);
/* Report a broken kernel invariant with a register dump and end the run. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(c)                                                        \
	do {                                                             \
		if (unlikely(c))                                         \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); \
	} while (0)

#define WARN_ON(c)                                                              \
	({                                                                      \
		bool __w = !!(c);                                               \
		if (unlikely(__w))                                              \
			printk("WARNING at %s:%d: %s\n", __FILE__, __LINE__, #c); \
		__w;                                                            \
	})

#endif
