// SPDX-License-Identifier: MIT
/*
 * Screen consoles: the VGA text buffer, and a text grid drawn on a linear
 * framebuffer with font8x8 at double height. Scrolling moves the text and
 * redraws only the cells that changed (framebuffers are slow to read).
 */
#include "arch/x86/screen.h"
#include "lib/errno.h"
#include "lib/string.h"

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700		/* light grey on black */

u32 fb_pixel(const struct fb_format *f, u8 r, u8 g, u8 b)
{
	return (u32)(r >> (8 - f->rsize)) << f->rpos | (u32)(g >> (8 - f->gsize)) << f->gpos |
	       (u32)(b >> (8 - f->bsize)) << f->bpos;
}

static u32 bytes_per_pixel(u8 bpp)
{
	return bpp == 32 ? 4 : bpp == 24 ? 3 : bpp == 16 || bpp == 15 ? 2 : 0;
}

bool fb_format_ok(const struct fb_format *f)
{
	u32 b = bytes_per_pixel(f->bpp);
	const u8 pos[3] = { f->rpos, f->gpos, f->bpos }, size[3] = { f->rsize, f->gsize, f->bsize };

	if (!b || f->width < FONT_W || f->height < FONT_H || f->pitch / b < f->width ||
	    (u64)f->pitch * f->height > FB_MAX_BYTES)
		return false;
	for (int i = 0; i < 3; i++)
		if (!size[i] || size[i] > 8 || pos[i] + size[i] > f->bpp)
			return false;
	return true;
}

size_t fbtext_buf_size(const struct fb_format *f)
{
	return 2 * (size_t)(f->width / FONT_W) * (f->height / FONT_H);
}

static void put_pixel(u8 *p, u32 v, u32 bytes)
{
	if (bytes == 4) {
		*(volatile u32 *)p = v;
	} else if (bytes == 2) {
		*(volatile u16 *)p = (u16)v;
	} else {
		((volatile u8 *)p)[0] = (u8)v;
		((volatile u8 *)p)[1] = (u8)(v >> 8);
		((volatile u8 *)p)[2] = (u8)(v >> 16);
	}
}

static void draw_cell(struct fbtext *t, int cx, int cy, u8 c)
{
	const u8 *g = font_glyph(c);
	u8 *row = t->fb + (size_t)cy * FONT_H * t->f.pitch + (size_t)cx * FONT_W * t->bytespp;

	for (int r = 0; r < FONT_H; r++, row += t->f.pitch)
		for (int i = 0; i < FONT_W; i++)
			put_pixel(row + i * t->bytespp, g[r / 2] & (0x80 >> i) ? t->fg : t->bg,
				  t->bytespp);
}

/* Bring the screen in line with text[]: draw only the cells that differ. */
static void sync_cells(struct fbtext *t)
{
	for (int i = 0; i < t->cols * t->rows; i++) {
		if (t->text[i] == t->shown[i])
			continue;
		draw_cell(t, i % t->cols, i / t->cols, t->text[i]);
		t->shown[i] = t->text[i];
	}
}

int fbtext_init(struct fbtext *t, void *fb, const struct fb_format *f, u8 *buf)
{
	if (!fb_format_ok(f))
		return -EOPNOTSUPP;
	memset(t, 0, sizeof(*t));
	t->fb = fb;
	t->f = *f;
	t->bytespp = bytes_per_pixel(f->bpp);
	t->fg = fb_pixel(f, FB_FG_LEVEL, FB_FG_LEVEL, FB_FG_LEVEL);
	t->bg = fb_pixel(f, FB_BG_LEVEL, FB_BG_LEVEL, FB_BG_LEVEL);
	t->cols = (int)(f->width / FONT_W);
	t->rows = (int)(f->height / FONT_H);
	t->jump = t->rows / 4 ? t->rows / 4 : 1;
	t->text = buf;
	t->shown = buf + (size_t)t->cols * t->rows;
	memset(buf, ' ', 2 * (size_t)t->cols * t->rows);
	for (u32 y = 0; y < f->height; y++)
		for (u32 x = 0; x < f->width; x++)
			put_pixel(t->fb + (size_t)y * f->pitch + x * t->bytespp, t->bg, t->bytespp);
	return 0;
}

static void newline(struct fbtext *t)
{
	size_t keep;

	t->x = 0;
	if (++t->y < t->rows)
		return;
	/* jump scroll: fewer redraws than one row at a time */
	keep = (size_t)(t->rows - t->jump) * t->cols;
	memmove(t->text, t->text + (size_t)t->jump * t->cols, keep);
	memset(t->text + keep, ' ', (size_t)t->jump * t->cols);
	t->y -= t->jump;
	sync_cells(t);
}

void fbtext_putc(struct fbtext *t, char c)
{
	int i;

	if (c == '\n') {
		newline(t);
		return;
	}
	if (c == '\r')
		return;
	if (c == '\t') {
		do
			fbtext_putc(t, ' ');
		while (t->x % 8 && t->x < t->cols);
		return;
	}
	if (t->x == t->cols)
		newline(t);
	i = t->y * t->cols + t->x++;
	t->text[i] = (u8)c;
	if (t->shown[i] != (u8)c) {
		draw_cell(t, i % t->cols, t->y, (u8)c);
		t->shown[i] = (u8)c;
	}
}

void vgatext_init(struct vgatext *v, void *mem)
{
	v->mem = mem;
	v->pos = 0;
	for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		v->mem[i] = v->text[i] = VGA_ATTR | ' ';
}

void vgatext_putc(struct vgatext *v, char c)
{
	if (c == '\n') {
		v->pos += VGA_COLS - v->pos % VGA_COLS;
	} else if (c != '\r') {
		v->text[v->pos] = VGA_ATTR | (u8)c;
		v->mem[v->pos] = v->text[v->pos];
		v->pos++;
	}
	if (v->pos >= VGA_COLS * VGA_ROWS) {
		int keep = VGA_COLS * (VGA_ROWS - VGA_JUMP);

		memmove(v->text, v->text + VGA_COLS * VGA_JUMP, (size_t)keep * sizeof(u16));
		for (int i = keep; i < VGA_COLS * VGA_ROWS; i++)
			v->text[i] = VGA_ATTR | ' ';
		for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
			v->mem[i] = v->text[i];
		v->pos -= VGA_COLS * VGA_JUMP;
	}
}
