/* SPDX-License-Identifier: MIT */
/*
 * Text on a screen: the VGA text buffer (BIOS machines) or a linear RGB
 * framebuffer the loader hands over (UEFI GOP), drawn with our own font and
 * scrolled. Drawing only, into memory the caller mapped (consetup.c).
 */
#ifndef ARCH_X86_SCREEN_H
#define ARCH_X86_SCREEN_H

#include "lib/types.h"

#define FONT_FIRST	0x20	/* the font starts at space; 0x7f is the box for other bytes */
#define FONT_GLYPHS	96
#define FONT_W		8	/* a cell is 8 pixels wide */
#define FONT_H		16	/* and 16 high: each of the 8 design rows drawn twice */

extern const u8 font8x8[FONT_GLYPHS][8];

/* The glyph drawn for byte c (non-printable bytes get the box). */
static inline const u8 *font_glyph(u8 c)
{
	return font8x8[(c < FONT_FIRST || c > 0x7e ? 0x7f : c) - FONT_FIRST];
}

/* Pixel layout of a linear framebuffer (multiboot2 framebuffer tag, RGB). */
struct fb_format {
	u32 width, height, pitch;	/* pixels, pixels, bytes per line */
	u8 bpp;				/* 15, 16, 24 or 32 */
	u8 rpos, rsize, gpos, gsize, bpos, bsize;
};

/* Colours of the text: VGA's light grey on black. */
#define FB_FG_LEVEL	0xaa
#define FB_BG_LEVEL	0x00

/* A grid of cols x rows cells on a framebuffer; text[] is what it should show. */
struct fbtext {
	u8 *fb;
	struct fb_format f;
	u32 bytespp;
	u32 fg, bg;		/* pixel values */
	int cols, rows;
	int x, y;		/* cursor cell */
	int jump;		/* rows scrolled at once at the bottom */
	u8 *text;		/* rows * cols bytes to show */
	u8 *shown;		/* rows * cols bytes drawn now */
};

/* The largest framebuffer drawn (8K at 32 bpp fits): a bigger one is a bad loader tag. */
#define FB_MAX_BYTES	(256ULL << 20)

/* A layout fbtext draws: 15/16/24/32 bpp RGB, at least a cell, at most FB_MAX_BYTES. */
bool fb_format_ok(const struct fb_format *f);
/* Bytes of buffer fbtext_init needs for a framebuffer of format f. */
size_t fbtext_buf_size(const struct fb_format *f);
/*
 * Start a text grid on fb (mapped, pitch * height bytes) and clear the
 * screen; buf holds fbtext_buf_size(f) bytes. 0, or -EOPNOTSUPP for a pixel
 * format we do not draw (palette, odd widths) or a screen under one cell.
 */
int fbtext_init(struct fbtext *t, void *fb, const struct fb_format *f, u8 *buf);
/* Draw c at the cursor: '\n' new line, '\t' to the next multiple of 8, '\r' ignored. */
void fbtext_putc(struct fbtext *t, char c);
/* The pixel value of r, g, b (0-255) in f's layout. */
u32 fb_pixel(const struct fb_format *f, u8 r, u8 g, u8 b);

/*
 * The 80x25 VGA text buffer, with a copy in RAM: a scroll rewrites the
 * screen from the copy, never reads VGA memory (each access traps to an
 * emulator), and jumps VGA_JUMP rows at once as the framebuffer grid does.
 */
#define VGA_JUMP 6
struct vgatext {
	volatile u16 *mem;
	int pos;
	u16 text[80 * 25];
};

void vgatext_init(struct vgatext *v, void *mem);
void vgatext_putc(struct vgatext *v, char c);

#endif
