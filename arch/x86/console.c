// SPDX-License-Identifier: MIT
/*
 * The kernel console: printk with a per-line prefix (so output inside a test
 * stays a KTAP diagnostic) to every console registered (UARTs, the screen),
 * kept in a buffer until consetup.c has chosen them; panic and exit.
 */
#include "arch/x86/console.h"
#include "arch/x86/uart.h"
#include "arch/x86/x86.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define CONSOLE_MAX	8
#define EARLY_BUF_SIZE	16384

struct console {
	char name[CONSOLE_NAME_LEN];
	unsigned int flags;		/* CONSOLE_SERIAL or CONSOLE_SCREEN */
	void (*putc)(void *priv, char c);
	void *priv;
};

static DEFINE_SPINLOCK(console_lock);
static volatile bool emergency;	/* a crash report: a stuck CPU may hold the lock */
static const char *line_prefix;
static bool at_line_start = true;
static enum exit_mode exit_mode = EXIT_AUTO;
/* console_lock protects these */
static struct console consoles[CONSOLE_MAX];
static int nconsoles;
static bool started;			/* output goes to consoles[], not early[] */
static unsigned int write_mask = CONSOLE_SERIAL | CONSOLE_SCREEN;
static char early[EARLY_BUF_SIZE];	/* what was printed before console_start() */
static size_t early_len, early_lost;

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

int console_register(const char *name, unsigned int flags, void (*putc)(void *, char), void *priv)
{
	struct console *c;
	unsigned long f;
	bool held;

	held = console_lock_get(&f);
	if (nconsoles == CONSOLE_MAX) {
		console_lock_put(held, f);
		return -ENOSPC;
	}
	c = &consoles[nconsoles++];
	strlcpy(c->name, name, sizeof(c->name));
	c->flags = flags;
	c->putc = putc;
	c->priv = priv;
	console_lock_put(held, f);
	return 0;
}

int console_count(void)
{
	return nconsoles;
}

const char *console_name(int i, unsigned int *flags)
{
	if (i < 0 || i >= nconsoles)
		return NULL;
	if (flags)
		*flags = consoles[i].flags;
	return consoles[i].name;
}

/* One byte to every console of write_mask, or into early[]. Lock held. */
static void put_raw(char c)
{
	if (!started) {
		if (early_len < sizeof(early))
			early[early_len++] = c;
		else
			early_lost++;
		return;
	}
	for (int i = 0; i < nconsoles; i++) {
		struct console *k = &consoles[i];

		if (!(k->flags & write_mask))
			continue;
		if (c == '\n' && (k->flags & CONSOLE_SERIAL))
			k->putc(k->priv, '\r');
		k->putc(k->priv, c);
	}
}

void console_start(void)
{
	unsigned long f;
	bool held;

	held = console_lock_get(&f);
	started = true;
	/* a fresh line: firmware and GRUB leave the cursor mid-line */
	put_raw('\n');
	at_line_start = true;
	console_lock_put(held, f);
}

void console_replay(void)
{
	unsigned long f;
	bool held;
	size_t n;

	held = console_lock_get(&f);
	n = early_len;
	early_len = 0;
	for (size_t i = 0; i < n; i++)
		put_raw(early[i]);
	if (n)
		at_line_start = early[n - 1] == '\n';
	console_lock_put(held, f);
	if (early_lost)
		printk("# console: %zu bytes printed before the consoles were chosen were lost\n",
		       early_lost);
}

void console_fallback(void)
{
	static struct uart com1 = { UART_IO, 0x3f8, NULL, CON_BAUD_DEFAULT, UART_CLOCK_DEFAULT };

	bool serial = false;

	if (started)
		return;
	/* UARTs console_setup() registered so far answered its probe: keep them */
	for (int i = 0; i < nconsoles; i++)
		serial |= !!(consoles[i].flags & CONSOLE_SERIAL);
	if (!serial) {
		uart_setup(&com1);
		console_register("ttyS0", CONSOLE_SERIAL, uart_putc, &com1);
	}
	console_start();
	console_replay();
	printk("# console: a crash before the consoles were chosen%s\n",
	       serial ? "" : ": ttyS0, io 0x3f8, 115200 8N1");
}

void console_write_to(unsigned int flags, const char *s, size_t n)
{
	unsigned long f;
	bool held;

	held = console_lock_get(&f);
	write_mask = flags;
	for (size_t i = 0; i < n; i++) {
		put_raw(s[i]);
		at_line_start = s[i] == '\n';
	}
	write_mask = CONSOLE_SERIAL | CONSOLE_SCREEN;
	console_lock_put(held, f);
}

void console_write(const char *s, size_t n)
{
	console_write_to(CONSOLE_SERIAL | CONSOLE_SCREEN, s, n);
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
	bool held;
	int n;

	held = console_lock_get(&f);
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
	console_fallback();
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
