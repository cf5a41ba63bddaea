// SPDX-License-Identifier: MIT
/*
 * The one formatter behind every print in the kernel and ring-3 programs.
 * It writes through a sink callback, so consoles need no intermediate buffer.
 */
#include "lib/printf.h"
#include "lib/string.h"

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec;	/* prec < 0: none given */
	int len;		/* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t */
};

struct sink {
	putc_fn out;
	void *ctx;
	int n;
};

static void emit(struct sink *s, char c)
{
	s->out(s->ctx, c);
	s->n++;
}

static void pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		emit(s, c);
}

static void emit_str(struct sink *s, const struct spec *sp, const char *str)
{
	int len;

	if (!str)
		str = "(null)";
	len = (int)strnlen(str, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
	if (!sp->left)
		pad(s, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		emit(s, str[i]);
	if (sp->left)
		pad(s, ' ', sp->width - len);
}

/* Emit an integer given as magnitude plus sign, honouring all flags. */
static void emit_num(struct sink *s, const struct spec *sp, unsigned long long v,
		     bool neg, unsigned base, bool upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], sign = 0;
	const char *prefix = "";
	int n = 0, zeros, total;

	do {
		tmp[n++] = dig[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (neg)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';
	if (sp->alt && base == 16 && !(n == 1 && tmp[0] == '0'))
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && tmp[n - 1] != '0')
		prefix = "0";
	zeros = sp->prec > n ? sp->prec - n : 0;
	total = n + zeros + (sign != 0) + (int)strlen(prefix);
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		pad(s, ' ', sp->width - total);
	if (sign)
		emit(s, sign);
	for (const char *p = prefix; *p; p++)
		emit(s, *p);
	pad(s, '0', zeros);
	while (n)
		emit(s, tmp[--n]);
	if (sp->left)
		pad(s, ' ', sp->width - total);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			sp->len = sp->len == 1 ? 2 : 1;
		else if (*f == 'h')
			sp->len = sp->len == -1 ? -2 : -1;
		else if (*f == 'z' || *f == 't' || *f == 'j')
			sp->len = 3;
		else
			break;
	}
	return f;
}

static long long get_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	case 3: return va_arg(*ap, long);
	case -1: return (short)va_arg(*ap, int);
	case -2: return (signed char)va_arg(*ap, int);
	default: return va_arg(*ap, int);
	}
}

static unsigned long long get_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	case 3: return va_arg(*ap, size_t);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	default: return va_arg(*ap, unsigned int);
	}
}

int vformat(putc_fn out, void *ctx, const char *fmt, va_list ap)
{
	struct sink s = { out, ctx, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			emit(&s, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &aq);
		switch (*f) {
		case 'd':
		case 'i': {
			long long v = get_signed(&sp, &aq);

			emit_num(&s, &sp, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v,
				 v < 0, 10, false);
			break;
		}
		case 'u':
			emit_num(&s, &sp, get_unsigned(&sp, &aq), false, 10, false);
			break;
		case 'x':
		case 'X':
			emit_num(&s, &sp, get_unsigned(&sp, &aq), false, 16, *f == 'X');
			break;
		case 'o':
			emit_num(&s, &sp, get_unsigned(&sp, &aq), false, 8, false);
			break;
		case 'p':
			sp.alt = true;
			emit_num(&s, &sp, (unsigned long)va_arg(aq, void *), false, 16, false);
			break;
		case 's':
			emit_str(&s, &sp, va_arg(aq, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(aq, int), 0 };

			sp.prec = 1;
			emit_str(&s, &sp, c);
			break;
		}
		case '%':
			emit(&s, '%');
			break;
		case '\0':
			f--;
			break;
		default:	/* unknown conversion: print it as is */
			emit(&s, '%');
			emit(&s, *f);
		}
	}
	va_end(aq);
	return s.n;
}

struct bufctx {
	char *buf;
	size_t size, pos;
};

static void buf_putc(void *ctx, char c)
{
	struct bufctx *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufctx b = { buf, size, 0 };
	int n = vformat(buf_putc, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = 0;
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
