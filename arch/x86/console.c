// SPDX-License-Identifier: MIT
/*
 * COM1 serial console, optional VGA text mirror, printk with a per-line
 * prefix (so output inside a test stays a KTAP diagnostic), panic and exit.
 */
#include "arch/x86/console.h"
#include "arch/x86/x86.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define COM1 0x3f8

static DEFINE_SPINLOCK(console_lock);
static volatile bool emergency;	/* a crash report: a stuck CPU may hold the lock */
static const char *line_prefix;
static bool at_line_start = true;
static enum exit_mode exit_mode = EXIT_AUTO;
static volatile u16 *vga;
static int vga_pos;

void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* divisor 1: 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

void serial_putc(char c)
{
	/* bounded wait for THR empty: a missing UART must not hang the kernel */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		cpu_relax();
	outb(COM1, (u8)c);
}

void console_enable_vga(void *text_base)
{
	vga = text_base;
	vga_pos = 0;
	for (int i = 0; i < 80 * 25; i++)
		vga[i] = 0x0700 | ' ';
}

static void vga_putc(char c)
{
	if (c == '\n') {
		vga_pos += 80 - vga_pos % 80;
	} else if (c != '\r') {
		vga[vga_pos++] = 0x0700 | (u8)c;
	}
	if (vga_pos >= 80 * 25) {
		for (int i = 0; i < 80 * 24; i++)
			vga[i] = vga[i + 80];
		for (int i = 80 * 24; i < 80 * 25; i++)
			vga[i] = 0x0700 | ' ';
		vga_pos -= 80;
	}
}

static void put_raw(char c)
{
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
	if (vga)
		vga_putc(c);
}

/* The console lock, or after a bounded wait none in an emergency; true when held. */
static bool console_lock_get(unsigned long *f)
{
	*f = arch_irq_save();
	if (!READ_ONCE(emergency)) {
		spin_lock(&console_lock);
		return true;
	}
	for (long i = 0; i < 20000000; i++) {
		if (spin_trylock(&console_lock))
			return true;
		cpu_relax();
	}
	return false;
}

static void console_lock_put(bool held, unsigned long f)
{
	if (held)
		spin_unlock(&console_lock);
	arch_irq_restore(f);
}

void console_emergency(void)
{
	emergency = true;
}

void console_write(const char *s, size_t n)
{
	unsigned long f;
	bool held = console_lock_get(&f);

	for (size_t i = 0; i < n; i++) {
		put_raw(s[i]);
		at_line_start = s[i] == '\n';
	}
	console_lock_put(held, f);
}

const char *console_set_line_prefix(const char *prefix)
{
	const char *old = line_prefix;

	line_prefix = prefix;
	return old;
}

static void printk_putc(void *ctx, char c)
{
	(void)ctx;
	if (at_line_start && line_prefix)
		for (const char *p = line_prefix; *p; p++)
			put_raw(*p);
	put_raw(c);
	at_line_start = c == '\n';
}

int vprintk(const char *fmt, va_list ap)
{
	unsigned long f;
	bool held = console_lock_get(&f);
	int n;

	n = vformat(printk_putc, NULL, fmt, ap);
	console_lock_put(held, f);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void console_set_exit_mode(enum exit_mode m)
{
	exit_mode = m;
}

bool running_under_qemu(void)
{
	u32 a, b, c, d;
	char sig[4];

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 31)))
		return false;
	outw(0x510, 0);		/* fw_cfg selector: signature */
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(0x511);
	return !memcmp(sig, "QEMU", 4);
}

__noreturn void machine_exit(int code)
{
	irq_disable();
	smp_stop_others();
	if (exit_mode == EXIT_AUTO)
		exit_mode = running_under_qemu() ? EXIT_QEMU : EXIT_HALT;
	if (exit_mode == EXIT_QEMU)
		outl(DEBUG_EXIT_PORT, (u32)code);
	if (exit_mode == EXIT_REBOOT || exit_mode == EXIT_QEMU) {
		/* keyboard-controller pulse, then a triple fault as last resort */
		for (int i = 0; i < 10000 && (inb(0x64) & 2); i++)
			cpu_relax();
		outb(0x64, 0xfe);
		if (exit_mode == EXIT_REBOOT)
			trap_triple_fault();
	}
	for (;;)
		halt();
}

__noreturn void panic(const char *fmt, ...)
{
	static int nested;
	va_list ap;

	irq_disable();
	console_emergency();
	console_set_line_prefix(NULL);
	if (nested++) {
		console_write("\npanic while panicking\n", 23);
		machine_exit(EXIT_CRASH);
	}
	printk("\n# PANIC: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	trap_dump_here();
	smp_dump_others("the panic");
	printk("# iommu-testos: crashed\n");
	machine_exit(EXIT_CRASH);
}
