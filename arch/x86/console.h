/* SPDX-License-Identifier: MIT */
/*
 * Kernel console: printk to every console consetup.c chose (UARTs from SPCR,
 * console= or COM1, and the screen); panic, and the run's exit
 * (isa-debug-exit/halt/reboot).
 */
#ifndef ARCH_X86_CONSOLE_H
#define ARCH_X86_CONSOLE_H

#include "lib/compiler.h"
#include "lib/warn.h"

/* Exit codes written to isa-debug-exit at port 0xf4; QEMU exits (v << 1) | 1. */
#define EXIT_PASS	0x10	/* QEMU status 33 */
#define EXIT_FAIL	0x11	/* 35 */
#define EXIT_CRASH	0x12	/* 37 */
#define DEBUG_EXIT_PORT	0xf4

/* AUTO: isa-debug-exit when running under QEMU, else halt. */
enum exit_mode { EXIT_AUTO, EXIT_QEMU, EXIT_HALT, EXIT_REBOOT };

/* CPUID says hypervisor and fw_cfg answers "QEMU". */
bool running_under_qemu(void);

/* Kinds of console: a line goes to both unless console_write_to() says. */
#define CONSOLE_SERIAL	1u
#define CONSOLE_SCREEN	2u
#define CONSOLE_NAME_LEN 48

/* Add a console; putc(priv, c) takes every byte. 0, or -ENOSPC (8 at most). */
int console_register(const char *name, unsigned int flags, void (*putc)(void *priv, char c),
		     void *priv);
/*
 * Until this, printk output is kept in a buffer (a panic sends it to COM1);
 * from now on it goes to the registered consoles, from a fresh line.
 */
void console_start(void);
/*
 * A crash before console_setup() chose the consoles (panic, an unexpected
 * exception): the UARTs it registered so far, else COM1, then what was
 * printed so far. Nothing once started.
 */
void console_fallback(void);
/* Write what was printed before console_start(), once. */
void console_replay(void);
/* Registered consoles: the i-th one's name and flags, NULL past the last. */
int console_count(void);
const char *console_name(int i, unsigned int *flags);

/*
 * Choose the consoles (consetup.c): the UART SPCR names, each console= of
 * the command line, else COM1; and the screen. Then print which, and what
 * was refused and why, and what was printed before. After pci_init().
 */
void console_setup(void);
struct json;
/* The consoles in use as a JSON array; the refusals as an array of strings. */
void console_json(struct json *j);
void console_notes_json(struct json *j);

/* Raw write: no line prefix. */
void console_write(const char *s, size_t n);
/* The same, only to the consoles of kinds flags (CONSOLE_SERIAL...). */
void console_write_to(unsigned int flags, const char *s, size_t n);
/* Prefix put before every printk line while set (tests use "    # "). */
/* Returns the previous prefix so callers can nest. */
const char *console_set_line_prefix(const char *prefix);
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

/* Counted as every warning (lib/warn.h): it fails the test during which it fires. */
#define WARN_ON(c)                                                              \
	({                                                                      \
		bool __w = !!(c);                                               \
		if (unlikely(__w))                                              \
			plat_warn("at %s:%d: %s", __FILE__, __LINE__, #c); \
		__w;                                                            \
	})

#endif
