// SPDX-License-Identifier: MIT
/*
 * platform suite, screen consoles: text drawn on framebuffers in memory
 * (32, 24 and 16 bpp) checked pixel by pixel against the font, scrolling,
 * formats refused, the VGA text buffer. Runs in the kernel and hosted.
 */
#include "arch/x86/screen.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/ktest.h"

#define W 64		/* 8 x 4 cells */
#define H 64
#define MAXB 4

static u8 fb[W * H * MAXB + 64];
static u8 cells[2 * (W / FONT_W) * (H / FONT_H)];
static struct fbtext t;

static const struct fb_format xrgb32 = { W, H, W * 4, 32, 16, 8, 8, 8, 0, 8 };
static const struct fb_format bgr24 = { W, H, W * 3 + 8, 24, 0, 8, 8, 8, 16, 8 };
static const struct fb_format rgb565 = { W, H, W * 2, 16, 11, 5, 5, 6, 0, 5 };

static u32 pixel(const struct fb_format *f, int x, int y)
{
	u32 b = f->bpp == 32 ? 4 : f->bpp == 24 ? 3 : 2, v = 0;

	memcpy(&v, fb + (size_t)y * f->pitch + (size_t)x * b, b);
	return v;
}

/* Whether cell (cx, cy) shows byte c exactly: font bits in fg, the rest bg. */
static bool cell_shows(const struct fb_format *f, int cx, int cy, u8 c)
{
	const u8 *g = font_glyph(c);
	u32 fg = fb_pixel(f, FB_FG_LEVEL, FB_FG_LEVEL, FB_FG_LEVEL);
	u32 bg = fb_pixel(f, FB_BG_LEVEL, FB_BG_LEVEL, FB_BG_LEVEL);

	for (int y = 0; y < FONT_H; y++)
		for (int x = 0; x < FONT_W; x++)
			if (pixel(f, cx * FONT_W + x, cy * FONT_H + y) !=
			    (g[y / 2] & (0x80 >> x) ? fg : bg))
				return false;
	return true;
}

static void puts_fb(const char *s)
{
	for (; *s; s++)
		fbtext_putc(&t, *s);
}

KTEST(platform, test_platform_fbtext_draws_the_font)
{
	const struct fb_format *fmts[] = { &xrgb32, &bgr24, &rgb565 };

	for (size_t i = 0; i < ARRAY_SIZE(fmts); i++) {
		memset(fb, 0x5a, sizeof(fb));
		report(fbtext_init(&t, fb, fmts[i], cells) == 0 && t.cols == 8 && t.rows == 4,
		       "%u bpp: an 8x4 grid", fmts[i]->bpp);
		puts_fb("Ab~\x01");
		report(cell_shows(fmts[i], 0, 0, 'A') && cell_shows(fmts[i], 1, 0, 'b') &&
		       cell_shows(fmts[i], 2, 0, '~') && cell_shows(fmts[i], 3, 0, 0x7f) &&
		       cell_shows(fmts[i], 4, 0, ' ') && cell_shows(fmts[i], 0, 3, ' '),
		       "%u bpp: glyphs pixel for pixel, a box for a control byte, the rest cleared",
		       fmts[i]->bpp);
		report(fb[fmts[i]->pitch * H] == 0x5a, "%u bpp: nothing written past pitch * height",
		       fmts[i]->bpp);
	}
	report(fb_pixel(&rgb565, 0xaa, 0xaa, 0xaa) == (0x15u << 11 | 0x2au << 5 | 0x15),
	       "565: each level cut to its field width");
}

KTEST(platform, test_platform_fbtext_wraps_and_scrolls)
{
	memset(fb, 0, sizeof(fb));
	fbtext_init(&t, fb, &xrgb32, cells);
	report(t.jump == 1, "4 rows scroll one at a time");
	puts_fb("0123456789\n");	/* wraps after 8 */
	report(cell_shows(&xrgb32, 7, 0, '7') && cell_shows(&xrgb32, 0, 1, '8') &&
	       t.y == 2 && t.x == 0, "a full row wraps to the next");
	/* row4's tab fills the row, so '|' wraps: two scrolls in all */
	puts_fb("row2\nrow3\nrow4\t|\n");
	report(cell_shows(&xrgb32, 0, 0, 'r') && cell_shows(&xrgb32, 3, 0, '3') &&
	       cell_shows(&xrgb32, 3, 1, '4') && cell_shows(&xrgb32, 4, 1, ' ') &&
	       cell_shows(&xrgb32, 7, 1, ' ') && cell_shows(&xrgb32, 0, 2, '|') &&
	       cell_shows(&xrgb32, 0, 3, ' ') && cell_shows(&xrgb32, 1, 2, ' '),
	       "scrolled: rows moved up, a tab filled with blanks, the new row cleared");
	report(!memcmp(t.text, t.shown, (size_t)t.cols * t.rows),
	       "what is drawn is what the text says");
	puts_fb("\r");
	report(t.x == 0 && t.y == 3, "a carriage return draws nothing");
}

KTEST(platform, test_platform_fbtext_refuses_formats)
{
	struct fb_format f = xrgb32;

	f.bpp = 8;
	report(fbtext_init(&t, fb, &f, cells) == -EOPNOTSUPP, "8 bpp (a palette) refused");
	f = xrgb32;
	f.pitch = W * 4 - 1;
	report(fbtext_init(&t, fb, &f, cells) == -EOPNOTSUPP, "pitch below width refused");
	f = xrgb32;
	f.height = FONT_H - 1;
	report(fbtext_init(&t, fb, &f, cells) == -EOPNOTSUPP, "a screen under one cell refused");
	f = xrgb32;
	f.rpos = 30;
	report(fbtext_init(&t, fb, &f, cells) == -EOPNOTSUPP, "a colour field past the pixel");
	f = xrgb32;
	f.gsize = 0;
	report(fbtext_init(&t, fb, &f, cells) == -EOPNOTSUPP, "a colour field of no bits");
	f = xrgb32;
	f.pitch = 0x100000;	/* a bad loader tag: 1 MiB a line, 256 MiB and more */
	f.height = (u32)(FB_MAX_BYTES / f.pitch) + 1;
	report(fbtext_init(&t, fb, &f, cells) == -EOPNOTSUPP && !fb_format_ok(&f),
	       "a framebuffer over %llu MiB refused", FB_MAX_BYTES >> 20);
	f.height--;
	report(fb_format_ok(&f), "%llu MiB is drawn", FB_MAX_BYTES >> 20);
	report(fbtext_buf_size(&xrgb32) == sizeof(cells), "buffer size: two bytes a cell");
}

KTEST(platform, test_platform_vgatext_scrolls)
{
	static u16 vga[80 * 25];
	struct vgatext v;

	vgatext_init(&v, vga);
	vgatext_putc(&v, 'a');
	for (int i = 0; i < VGA_JUMP; i++)
		vgatext_putc(&v, '\n');
	vgatext_putc(&v, 'b');
	for (int i = VGA_JUMP; i < 25; i++)
		vgatext_putc(&v, '\n');
	vgatext_putc(&v, 'x');
	report(v.pos == (25 - VGA_JUMP) * 80 + 1 && (vga[(25 - VGA_JUMP) * 80] & 0xff) == 'x',
	       "25 new lines scroll once, by %d rows; the text goes on below the rest", VGA_JUMP);
	report((vga[0] & 0xff) == 'b' && vga[1] == (0x0700 | ' ') && !memcmp(vga, v.text, sizeof(vga)),
	       "the screen shows what was kept: the line written %d rows down is now the first",
	       VGA_JUMP);
}

KTEST(platform, test_platform_font_covers_ascii)
{
	int blank = 0;

	for (int c = 0x21; c <= 0x7e; c++) {
		const u8 *g = font_glyph((u8)c);

		blank += !(g[0] | g[1] | g[2] | g[3] | g[4] | g[5] | g[6] | g[7]);
	}
	report(blank == 0, "every printable character but space has ink (%d blank)", blank);
	report(font_glyph(0x80) == font_glyph(0x7f) && font_glyph('\t') == font_glyph(0xff),
	       "other bytes share the box glyph");
	report(font_glyph('O') != font_glyph('0') &&
	       memcmp(font_glyph('O'), font_glyph('0'), 8) != 0, "O and 0 differ");
}
