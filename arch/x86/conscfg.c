// SPDX-License-Identifier: MIT
/*
 * console= words and the ACPI SPCR table into con_spec, with a sentence for
 * everything refused. No hardware access (consetup.c sets consoles up).
 * Layouts: Microsoft SPCR revisions 1-4; syntax: Linux's console=/earlycon=.
 */
#include "arch/x86/conscfg.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define SPCR_IFTYPE	36	/* interface type */
#define SPCR_SPACE	40	/* Generic Address Structure: space ID */
#define SPCR_BITWIDTH	41
#define SPCR_ACCESS	43	/* access size: 1 byte, 3 dword, 0 legacy (use bit width) */
#define SPCR_ADDR	44
#define SPCR_BAUD	58	/* 0 as is, 3 9600, 4 19200, 6 57600, 7 115200 */
#define SPCR_PCI_DEVICE	64	/* 0xffff: not a PCI device */
#define SPCR_PCI_VENDOR	66
#define SPCR_PCI_BUS	68
#define SPCR_PCI_DEV	69
#define SPCR_PCI_FN	70
#define SPCR_PCI_SEG	75
#define SPCR_CLOCK	76	/* revision 3+: UART clock in Hz, 0 unknown */
#define SPCR_PRECISE	80	/* revision 4+: baud rate, 0 use SPCR_BAUD */
#define SPCR_MIN_LEN	80

#define GAS_MEMORY	0
#define GAS_IO		1

static const u16 legacy_port[CON_LEGACY_PORTS] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

static int refuse(char *why, size_t n, int err, const char *fmt, ...) __printf(4, 5);

/* Fill why with the reason; returns err for the caller to return. */
static int refuse(char *why, size_t n, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return err;
}

int con_divisor(u32 clock, u32 baud, u16 *div)
{
	u64 d, actual;

	if (!baud || !clock)
		return -EINVAL;
	d = ((u64)clock + 8ULL * baud) / (16ULL * baud);	/* nearest */
	if (d < 1 || d > 0xffff)
		return -EINVAL;
	actual = clock / (16 * d);
	if (actual * 100 > (u64)baud * 103 || actual * 100 < (u64)baud * 97)
		return -EINVAL;
	*div = (u16)d;
	return 0;
}

/* A whole number (0x hex, leading 0 octal, else decimal) and nothing after it. */
static bool parse_num(const char *s, u64 *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	*v = strtoull(s, &end, 0);
	return *end == 0 && *v != ~0ULL;
}

/* "115200", "115200n8", "115200n8r": only 8N1 lines. */
static int parse_baud(const char *s, u32 clock, u32 *baud, char *why, size_t n)
{
	char *end;
	u64 b;
	u16 div;

	if (*s < '0' || *s > '9')
		return refuse(why, n, -EINVAL, "baud rate \"%s\" is not a number", s);
	b = strtoull(s, &end, 10);
	if (strcmp(end, "") && strcmp(end, "n") && strcmp(end, "n8") && strcmp(end, "n8r"))
		return refuse(why, n, -EOPNOTSUPP,
			      "line settings \"%s\": only no parity and 8 data bits (n8) are supported",
			      end);
	if (b > 0xffffffffULL || con_divisor(clock, (u32)b, &div))
		return refuse(why, n, -EINVAL, "baud rate %llu is not reachable from a %u Hz UART clock",
			      (unsigned long long)b, clock);
	*baud = (u32)b;
	return 0;
}

/* Split s in place at commas into at most max fields; -1 when there are more. */
static int split(char *s, char **f, int max)
{
	int k = 0;

	for (char *p = s;; p++) {
		if (k == max)
			return -1;
		f[k++] = p;
		p = strchr(p, ',');
		if (!p)
			return k;
		*p = 0;
	}
}

static bool is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ttySN[,OPTS]: legacy ports 0..3, PCI UARTs from 4 on. */
static int parse_ttys(char **f, int nf, struct con_spec *o, char *why, size_t n)
{
	u64 num;
	int ret;

	if (!is_digits(f[0] + 4) || strlen(f[0]) > 6 || !parse_num(f[0] + 4, &num) || num > 31)
		return refuse(why, n, -EINVAL, "\"%s\" is not ttyS0 to ttyS31", f[0]);
	if (nf > 2)
		return refuse(why, n, -EINVAL, "%s takes one option (BAUD[n8]), got %d", f[0], nf - 1);
	o->baud = CON_BAUD_DEFAULT;
	if (nf == 2 && (ret = parse_baud(f[1], o->clock, &o->baud, why, n)))
		return ret;
	if (num < CON_LEGACY_PORTS) {
		o->kind = CON_UART;
		o->space = UART_IO;
		o->addr = legacy_port[num];
	} else {
		o->kind = CON_PCI_INDEX;
		o->index = (u8)(num - CON_LEGACY_PORTS);
	}
	snprintf(o->name, sizeof(o->name), "ttyS%llu", (unsigned long long)num);
	return 0;
}

/* uart[8250],io|mmio|mmio32,ADDR[,OPTS]: no baud keeps the firmware's. */
static int parse_uart(char **f, int nf, struct con_spec *o, char *why, size_t n)
{
	static const char *const spaces[] = { "io", "mmio", "mmio32" };
	int sp = -1, ret;

	if (nf < 3 || nf > 4)
		return refuse(why, n, -EINVAL, "%s wants io|mmio|mmio32,ADDR[,BAUD]", f[0]);
	for (int i = 0; i < (int)ARRAY_SIZE(spaces); i++)
		if (!strcmp(f[1], spaces[i]))
			sp = i;
	if (sp < 0)
		return refuse(why, n, -EOPNOTSUPP,
			      "register access \"%s\" is not supported (io, mmio or mmio32)", f[1]);
	if (!parse_num(f[2], &o->addr) || !o->addr)
		return refuse(why, n, -EINVAL, "address \"%s\" is not a non-zero number", f[2]);
	if (sp == UART_IO && o->addr > 0xfff8)
		return refuse(why, n, -EINVAL, "I/O port %#llx is beyond 0xfff8",
			      (unsigned long long)o->addr);
	if (sp != UART_IO && (o->addr >> 52 || (sp == UART_MMIO32 && (o->addr & 3))))
		return refuse(why, n, -EINVAL, "MMIO address %#llx is not a %s physical address",
			      (unsigned long long)o->addr, sp == UART_MMIO32 ? "4-byte aligned" : "valid");
	if (nf == 4 && (ret = parse_baud(f[3], o->clock, &o->baud, why, n)))
		return ret;
	o->kind = CON_UART;
	o->space = (u8)sp;
	snprintf(o->name, sizeof(o->name), "uart,%s,%#llx", spaces[sp], (unsigned long long)o->addr);
	return 0;
}

/* 1 to 4 hex digits filling [s, end). */
static bool hex_field(const char *s, const char *end, u64 *v)
{
	if (end - s < 1 || end - s > 4)
		return false;
	*v = 0;
	for (; s < end; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
			*s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;

		if (d < 0)
			return false;
		*v = *v << 4 | (u64)d;
	}
	return true;
}

/* [SEG:]BUS:DEV.FN in hex, as lspci prints it. */
static bool parse_bdf(const char *s, u16 *seg, u16 *bdf)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	const char *dot = strchr(s, '.');
	u64 sg = 0, bus, dev, fn;

	if (!c1 || !dot || dot < c1 || (c2 && (dot < c2 || strchr(c2 + 1, ':'))))
		return false;
	if (c2) {
		if (!hex_field(s, c1, &sg))
			return false;
		s = c1 + 1;
		c1 = c2;
	}
	if (!hex_field(s, c1, &bus) || !hex_field(c1 + 1, dot, &dev) ||
	    !hex_field(dot + 1, dot + 1 + strlen(dot + 1), &fn))
		return false;
	if (bus > 0xff || dev > 0x1f || fn > 7)
		return false;
	*seg = (u16)sg;
	*bdf = (u16)(bus << 8 | dev << 3 | fn);
	return true;
}

/* pciserial[,force],[SEG:]BUS:DEV.FN[,BAUD] (Linux's earlyprintk=pciserial). */
static int parse_pciserial(char **f, int nf, struct con_spec *o, char *why, size_t n)
{
	int k = 1, ret;

	if (k < nf && !strcmp(f[k], "force")) {
		o->force = true;
		k++;
	}
	if (k >= nf || nf - k > 2)
		return refuse(why, n, -EINVAL, "pciserial wants [force,][SEG:]BUS:DEV.FN[,BAUD]");
	if (!parse_bdf(f[k], &o->seg, &o->bdf))
		return refuse(why, n, -EINVAL, "\"%s\" is not [SEG:]BUS:DEV.FN in hex", f[k]);
	o->baud = CON_BAUD_DEFAULT;
	if (k + 1 < nf && (ret = parse_baud(f[k + 1], o->clock, &o->baud, why, n)))
		return ret;
	o->kind = CON_PCI_BDF;
	o->vendor = o->device = 0xffff;
	snprintf(o->name, sizeof(o->name), "pciserial,%04x:%02x:%02x.%u", o->seg, o->bdf >> 8,
		 (o->bdf >> 3) & 0x1f, o->bdf & 7);
	return 0;
}

int con_parse_option(const char *val, size_t len, struct con_spec *o, char *why, size_t n)
{
	char buf[80], *f[6];
	int nf;

	memset(o, 0, sizeof(*o));
	o->clock = UART_CLOCK_DEFAULT;
	if (len >= sizeof(buf))
		return refuse(why, n, -EINVAL, "the value is longer than %zu characters",
			      sizeof(buf) - 1);
	memcpy(buf, val, len);
	buf[len] = 0;
	nf = split(buf, f, (int)ARRAY_SIZE(f));
	if (nf < 0)
		return refuse(why, n, -EINVAL, "too many comma-separated fields");
	if (!strncmp(f[0], "ttyS", 4))
		return parse_ttys(f, nf, o, why, n);
	if (!strcmp(f[0], "uart") || !strcmp(f[0], "uart8250"))
		return parse_uart(f, nf, o, why, n);
	if (!strcmp(f[0], "pciserial"))
		return parse_pciserial(f, nf, o, why, n);
	if (!strncmp(f[0], "tty", 3) && (!f[0][3] || is_digits(f[0] + 3))) {
		o->kind = CON_SCREEN;
		snprintf(o->name, sizeof(o->name), "%s", f[0]);
		return 0;
	}
	return refuse(why, n, -EOPNOTSUPP,
		      "\"%s\" is not ttyS0-31, uart[8250],io|mmio|mmio32,ADDR, pciserial,BUS:DEV.FN or tty0",
		      f[0]);
}

static const char *iftype_name(u8 t)
{
	static const struct { u8 type; const char *name; } names[] = {
		{ 0x00, "16550" }, { 0x01, "16450" }, { 0x02, "MAX311xE SPI" },
		{ 0x03, "ARM PL011" }, { 0x05, "NVIDIA 16550" }, { 0x0d, "ARM SBSA 32-bit" },
		{ 0x0e, "ARM SBSA" }, { 0x0f, "ARM DCC" }, { 0x10, "BCM2835" },
		{ 0x11, "SDM845 1.8432 MHz" }, { 0x12, "16550 with GAS" },
		{ 0x13, "SDM845 7.372 MHz" }, { 0x14, "Intel LPSS" }, { 0x15, "RISC-V SBI" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].type == t)
			return names[i].name;
	return "unknown";
}

static u32 rd32(const u8 *p, size_t off)
{
	u32 v;

	memcpy(&v, p + off, 4);
	return v;
}

static u16 rd16(const u8 *p, size_t off)
{
	u16 v;

	memcpy(&v, p + off, 2);
	return v;
}

/* The register space and width SPCR's Generic Address Structure gives. */
static int spcr_space(const u8 *t, struct con_spec *o, char *why, size_t n)
{
	u8 acc = t[SPCR_ACCESS];
	u32 width = acc > 4 ? 0 : acc ? 8u << (acc - 1) : t[SPCR_BITWIDTH];

	memcpy(&o->addr, t + SPCR_ADDR, 8);
	if (t[SPCR_SPACE] == GAS_IO) {
		if (o->addr > 0xfff8)
			return refuse(why, n, -EINVAL, "I/O port %#llx is beyond 0xfff8",
				      (unsigned long long)o->addr);
		o->space = UART_IO;
		return 0;
	}
	if (t[SPCR_SPACE] != GAS_MEMORY)
		return refuse(why, n, -EOPNOTSUPP,
			      "address space %u is neither system memory (0) nor I/O (1)",
			      t[SPCR_SPACE]);
	if (width != 8 && width != 32)
		return refuse(why, n, -EOPNOTSUPP,
			      "register access of %u bits (access size %u) is not 8 or 32",
			      width, acc);
	if (o->addr >> 52 || (width == 32 && (o->addr & 3)))
		return refuse(why, n, -EINVAL, "MMIO address %#llx is not usable",
			      (unsigned long long)o->addr);
	o->space = width == 32 ? UART_MMIO32 : UART_MMIO;
	return 0;
}

/* Baud from the code, or revision 4's precise field; 0 keeps the firmware's. */
static int spcr_baud(const u8 *t, u32 len, struct con_spec *o, char *why, size_t n)
{
	static const u32 codes[8] = { [3] = 9600, [4] = 19200, [6] = 57600, [7] = 115200 };
	u8 code = t[SPCR_BAUD];
	u16 div;

	if (t[8] >= 3 && len >= SPCR_CLOCK + 4 && rd32(t, SPCR_CLOCK))
		o->clock = rd32(t, SPCR_CLOCK);
	if (t[8] >= 4 && len >= SPCR_PRECISE + 4 && rd32(t, SPCR_PRECISE))
		o->baud = rd32(t, SPCR_PRECISE);
	else if (code < ARRAY_SIZE(codes) && (code == 0 || codes[code]))
		o->baud = codes[code];
	else
		return refuse(why, n, -EINVAL, "baud rate code %u is not 0, 3, 4, 6 or 7", code);
	if (o->baud && con_divisor(o->clock, o->baud, &div))
		return refuse(why, n, -EINVAL, "baud rate %u is not reachable from a %u Hz UART clock",
			      o->baud, o->clock);
	return 0;
}

int spcr_parse(const void *tbl, size_t len, struct con_spec *o, char *why, size_t n)
{
	const u8 *t = tbl;
	u32 tlen;
	u8 sum = 0;
	int ret;

	memset(o, 0, sizeof(*o));
	o->clock = UART_CLOCK_DEFAULT;
	if (len < 36 || memcmp(t, "SPCR", 4))
		return refuse(why, n, -EINVAL, "not an SPCR table");
	tlen = rd32(t, 4);
	if (tlen < SPCR_MIN_LEN || tlen > len)
		return refuse(why, n, -EINVAL, "length %u is not between %u and the %zu bytes there",
			      tlen, SPCR_MIN_LEN, len);
	for (u32 i = 0; i < tlen; i++)
		sum += t[i];
	if (sum)
		return refuse(why, n, -EINVAL, "checksum is wrong (bytes sum to %#x)", sum);
	if (t[SPCR_IFTYPE] != 0x00 && t[SPCR_IFTYPE] != 0x01 && t[SPCR_IFTYPE] != 0x12)
		return refuse(why, n, -EOPNOTSUPP,
			      "interface type %#x (%s) is not a 16550-compatible UART",
			      t[SPCR_IFTYPE], iftype_name(t[SPCR_IFTYPE]));
	ret = spcr_space(t, o, why, n);
	if (!ret)
		ret = spcr_baud(t, tlen, o, why, n);
	if (ret)
		return ret;
	o->vendor = rd16(t, SPCR_PCI_VENDOR);
	o->device = rd16(t, SPCR_PCI_DEVICE);
	if (o->vendor != 0xffff && o->vendor != 0 && o->device != 0xffff) {
		if (t[SPCR_PCI_DEV] > 0x1f || t[SPCR_PCI_FN] > 7)
			return refuse(why, n, -EINVAL, "PCI device %u function %u do not exist",
				      t[SPCR_PCI_DEV], t[SPCR_PCI_FN]);
		o->kind = CON_PCI_BDF;
		o->seg = t[SPCR_PCI_SEG];
		o->bdf = (u16)(t[SPCR_PCI_BUS] << 8 | t[SPCR_PCI_DEV] << 3 | t[SPCR_PCI_FN]);
		snprintf(o->name, sizeof(o->name), "pciserial,%04x:%02x:%02x.%u", o->seg,
			 t[SPCR_PCI_BUS], t[SPCR_PCI_DEV], t[SPCR_PCI_FN]);
		return 0;
	}
	if (!o->addr)
		return refuse(why, n, -EINVAL, "the UART's register address is 0");
	o->kind = CON_UART;
	for (int i = 0; i < CON_LEGACY_PORTS && o->space == UART_IO; i++)
		if (o->addr == legacy_port[i])
			snprintf(o->name, sizeof(o->name), "ttyS%d", i);
	if (!o->name[0])
		snprintf(o->name, sizeof(o->name), "uart,%s,%#llx",
			 o->space == UART_IO ? "io" : o->space == UART_MMIO ? "mmio" : "mmio32",
			 (unsigned long long)o->addr);
	return 0;
}

int con_spec_str(const struct con_spec *s, char *buf, size_t n)
{
	static const char *const sp[] = { "io", "mmio", "mmio32" };

	if (!s->baud)
		return snprintf(buf, n, "%s %#llx, baud as the firmware set it", sp[s->space % 3],
				(unsigned long long)s->addr);
	return snprintf(buf, n, "%s %#llx, %u 8N1", sp[s->space % 3], (unsigned long long)s->addr,
			s->baud);
}
