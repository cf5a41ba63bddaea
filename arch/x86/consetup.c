// SPDX-License-Identifier: MIT
/*
 * Choosing the consoles, as Linux finds them: the UART ACPI's SPCR names,
 * every console= of the command line, else COM1; plus the screen (VGA text
 * or the loader's framebuffer). Everything refused is said on those chosen.
 */
#include "arch/x86/acpi.h"
#include "boot/cmdline.h"
#include "arch/x86/conscfg.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/screen.h"
#include "arch/x86/uart.h"
#include "boot/bootinfo.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/json.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CONSOLE_SLOTS	8
#define NOTE_MAX	8
#define NOTE_LEN	200

/* A console in use, as the boot log and the bring-up report describe it. */
struct con_active {
	struct con_spec spec;		/* where it is (PCI ones resolved to their BAR) */
	const char *source;		/* "SPCR", "console=", "default" or "loader" */
	bool screen;
	char detail[96];		/* "io 0x2f8, 115200 8N1", "framebuffer 1024x768..." */
	struct uart uart;
};

static struct con_active active[CONSOLE_SLOTS];
static int nactive;
static char notes[NOTE_MAX][NOTE_LEN];	/* what was refused, said once the consoles run */
static int nnotes;
static struct fbtext fbtext;
static struct vgatext vgatext;

static void note(const char *fmt, ...) __printf(1, 2);

static void note(const char *fmt, ...)
{
	va_list ap;

	if (nnotes == NOTE_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(notes[nnotes++], NOTE_LEN, fmt, ap);
	va_end(ap);
}

static bool is_pci_16550(const struct pci_dev *d)
{
	/* class 07h 00h, interface 00h (8250) to 06h (16950): what Linux's 8250_pci takes */
	return d->class == 0x07 && d->subclass == 0x00 && d->progif <= 0x06;
}

static struct pci_dev *pci_uart_nth(int n)
{
	for (int i = 0; i < pci_ndevs; i++)
		if (is_pci_16550(&pci_devs[i]) && n-- == 0)
			return &pci_devs[i];
	return NULL;
}

/* The first BAR a 16550 fits in; -1 when none is assigned. */
static int uart_bar(const struct pci_dev *d)
{
	for (int i = 0; i < 6; i++)
		if (d->bar[i].base && d->bar[i].size >= 8)
			return i;
	return -1;
}

/*
 * A PCI console's function found and its registers placed at its BAR, with
 * decoding on. 0, or -ENODEV with why.
 */
static int resolve_pci(struct con_spec *s, char *why, size_t n)
{
	struct pci_dev *d = s->kind == CON_PCI_INDEX ? pci_uart_nth(s->index) :
				    pci_find_bdf(s->seg, s->bdf);
	int bar;

	if (!d && s->kind == CON_PCI_INDEX)
		return snprintf(why, n, "there is no PCI 16550 UART number %u (ttyS4 is the first)",
				s->index), -ENODEV;
	if (!d)
		return snprintf(why, n, "no PCI function at %04x:%02x:%02x.%u", s->seg,
				s->bdf >> 8, (s->bdf >> 3) & 0x1f, s->bdf & 7), -ENODEV;
	if (s->vendor != 0xffff && (d->vendor != s->vendor || d->device != s->device))
		return snprintf(why, n, "%s is %04x:%04x, not the %04x:%04x named", d->name,
				d->vendor, d->device, s->vendor, s->device), -ENODEV;
	if (!s->force && !is_pci_16550(d))
		return snprintf(why, n, "%s is class %02x%02x%02x, not a 16550-compatible serial port",
				d->name, d->class, d->subclass, d->progif), -ENODEV;
	bar = uart_bar(d);
	if (bar < 0)
		return snprintf(why, n, "%s has no BAR the firmware assigned", d->name), -ENODEV;
	if (s->addr && s->addr != d->bar[bar].base)
		note("%s: SPCR says %#llx, the BAR says %#llx: using the BAR", s->name,
		     (unsigned long long)s->addr, (unsigned long long)d->bar[bar].base);
	s->addr = d->bar[bar].base;
	if (d->bar[bar].io)
		s->space = UART_IO;
	else if (s->space == UART_IO)
		s->space = UART_MMIO;
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) |
		    (d->bar[bar].io ? PCI_CMD_IO : PCI_CMD_MEM));
	s->vendor = d->vendor;
	s->device = d->device;
	s->seg = d->seg;
	s->bdf = pci_bdf(d);
	return 0;
}

/* True when [pa, pa + len) overlaps memory the loader's map calls RAM (usable, ACPI, NVS). */
static bool overlaps_ram(u64 pa, u64 len)
{
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];

		if ((r->type == MEM_USABLE || r->type == MEM_ACPI || r->type == MEM_NVS) &&
		    pa < r->base + r->len && r->base < pa + len)
			return true;
	}
	return false;
}

/* Set up and register the UART s describes; what went wrong becomes a note. */
static void add_uart(struct con_spec *s, const char *source)
{
	struct con_active *a;
	char why[CON_WHY_LEN];

	if ((s->kind == CON_PCI_BDF || s->kind == CON_PCI_INDEX) && resolve_pci(s, why, sizeof(why))) {
		note("%s (from %s) not used: %s", s->name, source, why);
		return;
	}
	/* probing RAM as a UART would write our own memory and pass the scratch test */
	if (s->space != UART_IO && overlaps_ram(s->addr, s->space == UART_MMIO32 ? 32 : 8)) {
		note("%s (from %s) not used: %#llx is RAM in the memory map, not a device", s->name,
		     source, (unsigned long long)s->addr);
		return;
	}
	for (int i = 0; i < nactive; i++)
		if (!active[i].screen && active[i].spec.space == s->space &&
		    active[i].spec.addr == s->addr) {
			note("%s (from %s) is %s (from %s) already", s->name, source,
			     active[i].spec.name, active[i].source);
			return;
		}
	if (nactive == CONSOLE_SLOTS) {
		note("%s (from %s) not used: %d consoles at most", s->name, source, CONSOLE_SLOTS);
		return;
	}
	a = &active[nactive];
	memset(a, 0, sizeof(*a));
	a->spec = *s;
	a->source = source;
	a->uart = (struct uart){ s->space, s->addr, NULL, s->baud, s->clock };
	con_spec_str(s, a->detail, sizeof(a->detail));
	if (s->kind == CON_PCI_BDF || s->kind == CON_PCI_INDEX)
		snprintf(a->detail + strlen(a->detail), sizeof(a->detail) - strlen(a->detail),
			 ", PCI %04x:%02x:%02x.%u %04x:%04x", s->seg, s->bdf >> 8,
			 (s->bdf >> 3) & 0x1f, s->bdf & 7, s->vendor, s->device);
	if (uart_setup(&a->uart)) {
		note("%s (from %s) not used: no 16550 answers at %s", s->name, source, a->detail);
		return;
	}
	if (console_register(s->name, CONSOLE_SERIAL, uart_putc, &a->uart) == 0)
		nactive++;
}

static void want_spcr(struct con_spec *want, const char **src, int *n)
{
	char why[CON_WHY_LEN];

	for (int i = 0; i < acpi.ntables; i++) {
		const struct acpi_table *t = &acpi.tables[i];

		if (strcmp(t->sig, "SPCR"))
			continue;
		if (spcr_parse(t->hdr, t->length, &want[*n], why, sizeof(why)))
			note("SPCR at %#llx ignored: %s", (unsigned long long)t->pa, why);
		else
			src[(*n)++] = "SPCR";
		return;
	}
}

struct cmdline_ctx {
	struct con_spec *want;
	const char **src;
	int *n;
};

static void want_word(const char *w, size_t len, void *p)
{
	struct cmdline_ctx *c = p;
	char why[CON_WHY_LEN];
	struct con_spec *s = &c->want[*c->n];

	if (len < 8 || strncmp(w, "console=", 8))
		return;
	if (*c->n == CONSOLE_SLOTS) {
		note("console=%.*s ignored: %d consoles at most", (int)(len - 8), w + 8,
		     CONSOLE_SLOTS);
		return;
	}
	if (con_parse_option(w + 8, len - 8, s, why, sizeof(why)))
		note("console=%.*s ignored: %s", (int)(len - 8), w + 8, why);
	else if (s->kind != CON_SCREEN)
		c->src[(*c->n)++] = "console=";
}

/* The screen: the loader's framebuffer if it gave one, else VGA text where there is one. */
static void fbtext_sink(void *t, char c)
{
	fbtext_putc(t, c);
}

static void vgatext_sink(void *v, char c)
{
	vgatext_putc(v, c);
}

static void add_screen(void)
{
	const struct boot_fb *b = &boot_info.fb;
	struct con_active *a = &active[nactive];
	struct fb_format f = { b->width, b->height, b->pitch, b->bpp, b->rpos, b->rsize,
			       b->gpos, b->gsize, b->bpos, b->bsize };
	u8 *buf;

	if (cmdline_flag("novga") || nactive == CONSOLE_SLOTS)
		return;
	memset(a, 0, sizeof(*a));
	a->screen = true;
	a->source = "loader";
	if (b->addr) {
		/* checked before mapping: a bad tag must not use up the MMIO windows */
		bool ok = fb_format_ok(&f) && !((b->addr + (u64)b->pitch * b->height) >> 52);

		buf = ok ? failable(kmalloc(fbtext_buf_size(&f))) : NULL;
		if (!buf || fbtext_init(&fbtext, ioremap(b->addr, (size_t)b->pitch * b->height),
					&f, buf)) {
			note("screen: framebuffer %ux%u, %u bpp, pitch %u at %#llx, not drawn (%s)",
			     b->width, b->height, b->bpp, b->pitch, (unsigned long long)b->addr,
			     ok ? "no memory" : "layout not supported");
			kfree(buf);
			return;
		}
		snprintf(a->detail, sizeof(a->detail), "framebuffer %ux%u, %u bpp at %#llx, %dx%d cells",
			 b->width, b->height, b->bpp, (unsigned long long)b->addr, fbtext.cols,
			 fbtext.rows);
		strlcpy(a->spec.name, "screen", sizeof(a->spec.name));
		if (!console_register("screen", CONSOLE_SCREEN, fbtext_sink, &fbtext))
			nactive++;
		return;
	}
	if (!boot_info.vga_text)
		return;
	vgatext_init(&vgatext, ioremap(0xb8000, 80 * 25 * 2));
	snprintf(a->detail, sizeof(a->detail), "VGA text 80x25");
	strlcpy(a->spec.name, "screen", sizeof(a->spec.name));
	if (!console_register("screen", CONSOLE_SCREEN, vgatext_sink, &vgatext))
		nactive++;
}

void console_setup(void)
{
	struct con_spec want[CONSOLE_SLOTS + 1];
	const char *src[CONSOLE_SLOTS + 1];
	int nwant = 0;
	struct cmdline_ctx ctx = { want, src, &nwant };

	want_spcr(want, src, &nwant);
	cmdline_for_each(want_word, &ctx);
	for (int i = 0; i < nwant; i++)
		add_uart(&want[i], src[i]);
	if (!nactive) {
		struct con_spec com1;
		char why[CON_WHY_LEN];

		con_parse_option("ttyS0", 5, &com1, why, sizeof(why));
		add_uart(&com1, "default");
	}
	if (!nactive) {
		/* nothing answers at COM1 either: write there anyway, blind */
		active[0].source = "default, nothing answers";
		console_register("ttyS0", CONSOLE_SERIAL, uart_putc, &active[0].uart);
		nactive = 1;
	}
	add_screen();
	console_start();
	for (int i = 0; i < nactive; i++)
		printk("# console: %s: %s (%s)\n", active[i].spec.name, active[i].detail,
		       active[i].source);
	for (int i = 0; i < nnotes; i++)
		printk("# console: %s\n", notes[i]);
	console_replay();
}

void console_json(struct json *j)
{
	static const char *const space[] = { "io", "mmio", "mmio32" };

	json_arr(j);
	for (int i = 0; i < nactive; i++) {
		const struct con_active *a = &active[i];
		const struct con_spec *s = &a->spec;

		json_obj(j);
		json_kstr(j, "name", s->name);
		json_kstr(j, "kind", a->screen ? "screen" : "serial");
		json_kstr(j, "source", a->source);
		json_kstr(j, "detail", a->detail);
		if (!a->screen) {
			json_kstr(j, "space", space[s->space % 3]);
			json_ku64(j, "address", s->addr);
			json_key(j, "baud");
			if (s->baud)
				json_u64(j, s->baud);
			else
				json_null(j);
		}
		if (s->kind == CON_PCI_BDF || s->kind == CON_PCI_INDEX) {
			char b[16];

			snprintf(b, sizeof(b), "%04x:%02x:%02x.%u", s->seg, s->bdf >> 8,
				 (s->bdf >> 3) & 0x1f, s->bdf & 7);
			json_kstr(j, "pci", b);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

void console_notes_json(struct json *j)
{
	json_arr(j);
	for (int i = 0; i < nnotes; i++)
		json_str(j, notes[i]);
	json_arr_end(j);
}
