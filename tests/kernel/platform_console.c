// SPDX-License-Identifier: MIT
/*
 * platform suite, consoles: console= words and SPCR tables (good, and
 * malformed in every field the parser reads) into con_spec, baud divisors.
 * Pure parsing (arch/x86/conscfg.c): runs in the kernel and hosted.
 */
#include "arch/x86/conscfg.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/ktest.h"

static struct con_spec spec;
static char why[CON_WHY_LEN];

static int opt(const char *w)
{
	why[0] = 0;
	return con_parse_option(w, strlen(w), &spec, why, sizeof(why));
}

KTEST(platform, test_platform_console_ttys)
{
	report(!opt("ttyS0") && spec.kind == CON_UART && spec.space == UART_IO &&
	       spec.addr == 0x3f8 && spec.baud == CON_BAUD_DEFAULT && !strcmp(spec.name, "ttyS0"),
	       "ttyS0: COM1 at 0x3f8, 115200 when no baud is given");
	report(!opt("ttyS1,9600n8") && spec.addr == 0x2f8 && spec.baud == 9600,
	       "ttyS1,9600n8: COM2 at 9600");
	report(!opt("ttyS3,57600") && spec.addr == 0x2e8 && spec.baud == 57600, "ttyS3: 0x2e8");
	report(!opt("ttyS4") && spec.kind == CON_PCI_INDEX && spec.index == 0,
	       "ttyS4: the first PCI 16550, as Linux numbers them after the four legacy ports");
	report(!opt("ttyS31") && spec.index == 27, "ttyS31 is the last");
	report(!opt("tty0") && spec.kind == CON_SCREEN, "tty0: the screen");
}

KTEST(platform, test_platform_console_uart_and_pciserial)
{
	report(!opt("uart,io,0x2f8,115200") && spec.space == UART_IO && spec.addr == 0x2f8 &&
	       spec.baud == 115200, "uart,io,ADDR,BAUD");
	report(!opt("uart8250,mmio32,0xfe030000") && spec.space == UART_MMIO32 &&
	       spec.addr == 0xfe030000 && spec.baud == 0,
	       "uart8250,mmio32,ADDR: no baud keeps the firmware's divisor");
	report(!opt("uart,mmio,0xfed00000,9600") && spec.space == UART_MMIO, "uart,mmio: 8-bit");
	report(!opt("pciserial,00:05.0") && spec.kind == CON_PCI_BDF && spec.seg == 0 &&
	       spec.bdf == (5 << 3) && spec.vendor == 0xffff && !spec.force &&
	       !strcmp(spec.name, "pciserial,0000:00:05.0"), "pciserial,BUS:DEV.FN");
	report(!opt("pciserial,force,0001:3a:1f.7,57600") && spec.force && spec.seg == 1 &&
	       spec.bdf == (0x3a << 8 | 0x1f << 3 | 7) && spec.baud == 57600,
	       "pciserial,force,SEG:BUS:DEV.FN,BAUD");
}

/* Each word is refused with a sentence, and nothing reads past it. */
KTEST(platform, test_platform_console_bad_words)
{
	static const struct {
		const char *word;
		int err;
		const char *says;
	} bad[] = {
		{ "ttyS", -EINVAL, "not ttyS0 to ttyS31" },
		{ "ttyS32", -EINVAL, "not ttyS0 to ttyS31" },
		{ "ttyS1x", -EINVAL, "not ttyS0 to ttyS31" },
		{ "ttyS99999999999999999999", -EINVAL, "not ttyS0 to ttyS31" },
		{ "ttyS0,", -EINVAL, "not a number" },
		{ "ttyS0,fast", -EINVAL, "not a number" },
		{ "ttyS0,9600e7", -EOPNOTSUPP, "only no parity" },
		{ "ttyS0,230400", -EINVAL, "not reachable" },
		{ "ttyS0,0", -EINVAL, "not reachable" },
		{ "ttyS0,99999999999", -EINVAL, "not reachable" },
		{ "ttyS0,115200,extra", -EINVAL, "takes one option" },
		{ "uart", -EINVAL, "wants io|mmio|mmio32" },
		{ "uart,io", -EINVAL, "wants io|mmio|mmio32" },
		{ "uart,mmio16,0x1000", -EOPNOTSUPP, "not supported" },
		{ "uart,io,0", -EINVAL, "non-zero number" },
		{ "uart,io,0x10000", -EINVAL, "beyond 0xfff8" },
		{ "uart,io,-1", -EINVAL, "non-zero number" },
		{ "uart,io,0x2f8junk", -EINVAL, "non-zero number" },
		{ "uart,mmio32,0xfe000002", -EINVAL, "4-byte aligned" },
		{ "uart,mmio,0x10000000000000", -EINVAL, "physical address" },
		{ "uart,io,0x3f8,1,2", -EINVAL, "wants io|mmio|mmio32" },
		{ "pciserial", -EINVAL, "wants" },
		{ "pciserial,force", -EINVAL, "wants" },
		{ "pciserial,0:5", -EINVAL, "not [SEG:]BUS:DEV.FN" },
		{ "pciserial,100:00.0", -EINVAL, "not [SEG:]BUS:DEV.FN" },
		{ "pciserial,00:20.0", -EINVAL, "not [SEG:]BUS:DEV.FN" },
		{ "pciserial,00:1f.8", -EINVAL, "not [SEG:]BUS:DEV.FN" },
		{ "pciserial,1:2:3:4.0", -EINVAL, "not [SEG:]BUS:DEV.FN" },
		{ "pciserial,00.1:05", -EINVAL, "not [SEG:]BUS:DEV.FN" },
		{ "pciserial,00:05.0,9600e", -EOPNOTSUPP, "only no parity" },
		{ "", -EOPNOTSUPP, "is not ttyS0-31" },
		{ "ttyUSB0", -EOPNOTSUPP, "is not ttyS0-31" },
		{ "hvc0", -EOPNOTSUPP, "is not ttyS0-31" },
		{ ",,,,,,,,", -EINVAL, "too many" },
		{ "uart,io,0x3f8,115200xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		  -EINVAL, "longer than" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = opt(bad[i].word);

		report(r == bad[i].err && strstr(why, bad[i].says),
		       "console=%s refused (%d): %s", bad[i].word, r, why);
	}
}

/* Only len bytes are the word: the rest of the command line is not read. */
KTEST(platform, test_platform_console_word_length)
{
	const char *line = "ttyS1,9600 suite=lib";

	report(!con_parse_option(line, 10, &spec, why, sizeof(why)) && spec.baud == 9600,
	       "a word ends where the caller says, not at the string's end");
}

KTEST(platform, test_platform_console_divisor)
{
	u16 d = 0;

	report(!con_divisor(UART_CLOCK_DEFAULT, 115200, &d) && d == 1, "115200: divisor 1");
	report(!con_divisor(UART_CLOCK_DEFAULT, 9600, &d) && d == 12, "9600: divisor 12");
	report(!con_divisor(48000000, 3000000, &d) && d == 1, "a 48 MHz UART reaches 3 Mbaud");
	report(con_divisor(UART_CLOCK_DEFAULT, 230400, &d) == -EINVAL, "230400 from 1.8432 MHz: no");
	report(con_divisor(UART_CLOCK_DEFAULT, 100000, &d) == -EINVAL,
	       "100000 baud: divisor 1 is 15%% off, refused");
	report(con_divisor(UART_CLOCK_DEFAULT, 1, &d) == -EINVAL, "1 baud: divisor over 65535");
	report(con_divisor(0, 9600, &d) == -EINVAL && con_divisor(UART_CLOCK_DEFAULT, 0, &d),
	       "no clock or no baud: no divisor");
}

/* An SPCR of revision rev and length len (>= 80) with a fixed checksum. */
static void spcr(u8 *t, u32 len, u8 rev, u8 iftype, u8 space, u8 access, u64 addr, u8 baud)
{
	u8 sum = 0;

	memset(t, 0, len);
	memcpy(t, "SPCR", 4);
	memcpy(t + 4, &len, 4);
	t[8] = rev;
	t[36] = iftype;
	t[40] = space;
	t[41] = 8;
	t[43] = access;
	memcpy(t + 44, &addr, 8);
	t[58] = baud;
	memset(t + 64, 0xff, 4);	/* not a PCI device */
	for (u32 i = 0; i < len; i++)
		sum += t[i];
	t[9] = (u8)-sum;
}

static void fix_sum(u8 *t, u32 len)
{
	u8 sum = 0;

	t[9] = 0;
	for (u32 i = 0; i < len; i++)
		sum += t[i];
	t[9] = (u8)-sum;
}

static int spcr_in(const u8 *t, size_t len)
{
	why[0] = 0;
	return spcr_parse(t, len, &spec, why, sizeof(why));
}

KTEST(platform, test_platform_spcr_good)
{
	u8 t[96];
	u32 v;

	spcr(t, 80, 2, 0, 1, 1, 0x2f8, 7);
	report(!spcr_in(t, 80) && spec.kind == CON_UART && spec.space == UART_IO &&
	       spec.addr == 0x2f8 && spec.baud == 115200 && !strcmp(spec.name, "ttyS1"),
	       "revision 2, 16550 at I/O 0x2f8, code 7: ttyS1 at 115200 (%s)", why);
	spcr(t, 80, 2, 0x12, 0, 3, 0xfe030000, 0);
	report(!spcr_in(t, 80) && spec.space == UART_MMIO32 && spec.baud == 0 &&
	       !strcmp(spec.name, "uart,mmio32,0xfe030000"),
	       "16550 with GAS, 32-bit MMIO, baud as is: mmio32, divisor kept");
	spcr(t, 80, 1, 1, 0, 0, 0xfed00000, 3);
	t[41] = 8;
	fix_sum(t, 80);
	report(!spcr_in(t, 80) && spec.space == UART_MMIO && spec.baud == 9600,
	       "16450, legacy access size, 8-bit width: mmio at 9600");
	spcr(t, 88, 4, 0, 1, 1, 0x3f8, 7);
	v = 48000000;
	memcpy(t + 76, &v, 4);
	v = 3000000;
	memcpy(t + 80, &v, 4);
	fix_sum(t, 88);
	report(!spcr_in(t, 88) && spec.clock == 48000000 && spec.baud == 3000000,
	       "revision 4: the UART clock and the precise baud rate win over the code");
	spcr(t, 80, 2, 0, 1, 1, 0, 7);
	memcpy(t + 64, "\x02\x00\x36\x1b", 4);	/* device 0002, vendor 1b36 */
	t[68] = 0;
	t[69] = 5;
	t[70] = 0;
	fix_sum(t, 80);
	report(!spcr_in(t, 80) && spec.kind == CON_PCI_BDF && spec.bdf == (5 << 3) &&
	       spec.vendor == 0x1b36 && spec.device == 0x0002 && spec.addr == 0,
	       "a PCI UART named by ID and B:D.F, address 0: the BAR decides");
}

/* Each field the parser reads, broken: refused with a sentence, no crash. */
KTEST(platform, test_platform_spcr_malformed)
{
	u8 t[96];
	u32 len;

	spcr(t, 80, 2, 0, 1, 1, 0x2f8, 7);
	report(spcr_in(t, 35) == -EINVAL, "35 bytes: not even a header");
	report(spcr_in(t, 79) == -EINVAL && strstr(why, "length"), "79 bytes mapped: refused");
	memcpy(t, "SPCX", 4);
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "not an SPCR"), "wrong signature");
	spcr(t, 80, 2, 0, 1, 1, 0x2f8, 7);
	len = 60;
	memcpy(t + 4, &len, 4);
	fix_sum(t, 80);
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "length 60"), "length field below 80");
	len = 4096;
	memcpy(t + 4, &len, 4);
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "length 4096"),
	       "length field past what is mapped");
	spcr(t, 80, 2, 0, 1, 1, 0x2f8, 7);
	t[50] ^= 1;
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "checksum"), "bad checksum");
	spcr(t, 80, 2, 3, 0, 3, 0x9000000, 7);
	report(spcr_in(t, 80) == -EOPNOTSUPP && strstr(why, "ARM PL011"), "a PL011: %s", why);
	spcr(t, 80, 2, 0x99, 1, 1, 0x2f8, 7);
	report(spcr_in(t, 80) == -EOPNOTSUPP && strstr(why, "0x99 (unknown)"), "unknown type");
	spcr(t, 80, 2, 0, 2, 1, 0xcf8, 7);
	report(spcr_in(t, 80) == -EOPNOTSUPP && strstr(why, "address space 2"), "PCI config space");
	spcr(t, 80, 2, 0, 0, 2, 0xfe000000, 7);
	report(spcr_in(t, 80) == -EOPNOTSUPP && strstr(why, "16 bits"), "16-bit registers");
	spcr(t, 80, 2, 0, 0, 200, 0xfe000000, 7);
	report(spcr_in(t, 80) == -EOPNOTSUPP, "access size 200 (no shift past the width)");
	spcr(t, 80, 2, 0, 0, 3, 0xfe000002, 7);
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "not usable"), "unaligned 32-bit MMIO");
	spcr(t, 80, 2, 0, 1, 1, 0x1fff8, 7);
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "beyond"), "I/O port past 64K");
	spcr(t, 80, 2, 0, 1, 1, 0, 7);
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "address is 0"), "no address, not PCI");
	spcr(t, 80, 2, 0, 1, 1, 0x2f8, 5);
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "code 5"), "baud code 5 does not exist");
	spcr(t, 80, 2, 0, 1, 1, 0x2f8, 7);
	memcpy(t + 64, "\x02\x00\x36\x1b", 4);
	t[69] = 40;
	fix_sum(t, 80);
	report(spcr_in(t, 80) == -EINVAL && strstr(why, "device 40"), "PCI device number 40");
}
