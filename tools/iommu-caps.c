// SPDX-License-Identifier: MIT
/*
 * iommu-caps [--json] vtd CAP ECAP [VER] | amdvi EFR [EFR2]: decode IOMMU
 * capability registers (hex, or a Linux boot line pasted whole) with the
 * drivers' own field tables. Exit 0 decoded, 1 input not understood, 2 usage.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/amdvi/amdvi_caps.h"
#include "tools/jsonout.h"
#include "tools/tools.h"
#include "iommu/vtd/vtd_caps.h"

#define LINE_MAX_LEN 1024	/* the arguments joined by spaces */
#define MAX_WORDS 64

struct input {
	u64 v[2];		/* CAP, ECAP or EFR, EFR2 */
	bool has[2];
	int ver_major, ver_minor;	/* -1: not given */
	bool has_base;
	u64 base;		/* reg_base_addr of a pasted VT-d line */
	char err[200];		/* why the input was not understood */
};

static bool fail(struct input *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record why the input is rejected; returns false for the caller to return. */
static bool fail(struct input *in, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->err, sizeof(in->err), fmt, ap);
	va_end(ap);
	return false;
}

/* A whole value: 1..16 hex digits, 0x optional, nothing before or after. */
static bool parse_hex(const char *s, u64 *out)
{
	int n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	*out = 0;
	for (; isxdigit((unsigned char)*s); s++, n++) {
		if (n == 16)
			return false;
		*out = *out << 4 | (u64)(isdigit((unsigned char)*s) ? *s - '0' :
					 tolower((unsigned char)*s) - 'a' + 10);
	}
	return n > 0 && !*s;
}

/* The value tok of the register called name, or a clear error. */
static bool take_hex(struct input *in, const char *name, const char *tok, u64 *out)
{
	if (!tok)
		return fail(in, "%s has no value", name);
	if (!parse_hex(tok, out))
		return fail(in, "%s value \"%s\" is not a hex number (1 to 16 hex digits, 0x optional)",
			    name, tok);
	return true;
}

/* VER as Linux prints it: "MAJOR:MINOR", each 0..15 in decimal (VER_REG 7:4, 3:0). */
static bool take_ver(struct input *in, const char *tok)
{
	const char *colon = tok ? strchr(tok, ':') : NULL;
	int v[2] = { 0, 0 }, k = 0;

	if (!colon)
		return fail(in, "VER value \"%s\" is not MAJOR:MINOR", tok ? tok : "");
	for (const char *p = tok; *p; p++) {
		if (p == colon && k == 0 && p != tok) {
			k = 1;
			continue;
		}
		if (!isdigit((unsigned char)*p) || (v[k] = v[k] * 10 + *p - '0') > 15)
			return fail(in, "VER value \"%s\" is not MAJOR:MINOR with each 0..15", tok);
	}
	if (!k || colon[1] == 0)
		return fail(in, "VER value \"%s\" is not MAJOR:MINOR", tok);
	in->ver_major = v[0];
	in->ver_minor = v[1];
	return true;
}

/* Cut line into words at any of seps (in place); -1 when there are too many. */
static int split(char *line, const char *seps, char **w, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *t = strtok_r(line, seps, &save); t; t = strtok_r(NULL, seps, &save)) {
		if (n == max)
			return -1;
		w[n++] = t;
	}
	return n;
}

/* Whole-word hex values of line: CAP ECAP [VER] (VT-d) or EFR [EFR2] (AMD-Vi). */
static bool plain_words(char *line, struct input *in, bool vtd)
{
	static const char *const names[2][2] = { { "EFR", "EFR2" }, { "CAP", "ECAP" } };
	char *w[MAX_WORDS];
	int n = split(line, " \t,", w, MAX_WORDS), most = vtd ? 3 : 2;

	if (n < (vtd ? 2 : 1) || n > most)
		return fail(in, "expected %s, got %d value%s", vtd ? "CAP ECAP [VER]" : "EFR [EFR2]",
			    n, n == 1 ? "" : "s");
	for (int k = 0; k < n && k < 2; k++) {
		if (!take_hex(in, names[vtd][k], w[k], &in->v[k]))
			return false;
		in->has[k] = true;
	}
	return n < 3 || take_ver(in, w[2]);
}

/* A pasted Linux line: "... reg_base_addr B ver M:m cap C ecap E", each keyword once. */
static bool parse_vtd(char *line, struct input *in)
{
	static const char *const kw[] = { "cap", "ecap", "ver", "reg_base_addr" };
	char copy[LINE_MAX_LEN], *w[MAX_WORDS];
	int at[4] = { -1, -1, -1, -1 }, n;

	snprintf(copy, sizeof(copy), "%s", line);
	n = split(copy, " \t", w, MAX_WORDS);
	if (n < 0)
		return fail(in, "more than %d words", MAX_WORDS);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 4; k++) {
			if (strcmp(w[i], kw[k]))
				continue;
			if (at[k] >= 0)
				return fail(in, "\"%s\" appears twice", kw[k]);
			at[k] = i + 1;
		}
	if (at[0] < 0 && at[1] < 0)
		return plain_words(line, in, true);
	if (at[0] < 0 || at[1] < 0)
		return fail(in, "a pasted line needs both \"cap\" and \"ecap\"");
	if (!take_hex(in, "CAP", at[0] < n ? w[at[0]] : NULL, &in->v[0]) ||
	    !take_hex(in, "ECAP", at[1] < n ? w[at[1]] : NULL, &in->v[1]))
		return false;
	in->has[0] = in->has[1] = true;
	if (at[2] >= 0 && !take_ver(in, at[2] < n ? w[at[2]] : NULL))
		return false;
	if (at[3] >= 0 && !take_hex(in, "reg_base_addr", at[3] < n ? w[at[3]] : NULL, &in->base))
		return false;
	in->has_base = at[3] >= 0;
	return true;
}

/* "AMD-Vi: Extended features (0x206d73ef22254ade, 0x0): PPR ..." or "EFR [EFR2]". */
static bool parse_amdvi(char *line, struct input *in)
{
	char *p = strstr(line, "features ("), *close, *w[3];
	int n;

	if (!p)
		return plain_words(line, in, false);
	p += strlen("features (");
	close = strchr(p, ')');
	if (!close)
		return fail(in, "\"features (\" has no closing parenthesis");
	*close = 0;
	if (strstr(p, ",,") || p[0] == ',' || (close > p && close[-1] == ','))
		return fail(in, "an empty value between the parentheses");
	n = split(p, " \t,", w, 3);
	if (n < 1 || n > 2)
		return fail(in, "expected EFR or EFR, EFR2 between the parentheses");
	for (int k = 0; k < n; k++) {
		if (!take_hex(in, k ? "EFR2" : "EFR", w[k], &in->v[k]))
			return false;
		in->has[k] = true;
	}
	return true;
}

static void text_reg(const struct regfield_reg *r, u64 v)
{
	printf("%s 0x%016llx\n", r->name, (unsigned long long)v);
	for (int i = 0; i < r->nrows; i++) {
		const struct regfield *f = &r->rows[i];
		char bits[8], val[64] = "";
		u64 elems[8];
		int n;

		if (f->kind == RF_RESERVED && !regfield_raw(f, v))
			continue;
		snprintf(bits, sizeof(bits), f->hi == f->lo ? "%u" : "%u:%u", f->hi, f->lo);
		if (f->kind == RF_LIST) {
			n = regfield_list(f, v, elems, 8);
			for (int k = 0; k < n && k < 8; k++) {
				char e[16];

				regfield_list_elem_str(f, elems[k], e, sizeof(e));
				snprintf(val + strlen(val), sizeof(val) - strlen(val), "%s%s", k ? "," : "", e);
			}
			if (!n)
				strcpy(val, "-");
		} else if (f->kind == RF_NUM) {
			snprintf(val, sizeof(val), f->xform == RF_X_TIMES16 ? "0x%llx" : "%llu",
				 (unsigned long long)regfield_value(f, v));
		} else if (f->hi == f->lo) {
			snprintf(val, sizeof(val), "%s", regfield_raw(f, v) ? "yes" : "no");
		} else {
			snprintf(val, sizeof(val), "0x%llx", (unsigned long long)regfield_raw(f, v));
		}
		printf("  %-18s %-6s %-10s %s\n", f->name, bits, val, f->desc);
	}
}

static void output(bool json, bool vtd, const struct input *in, const struct regfield_warnings *w)
{
	const struct regfield_reg *r0 = vtd ? &vtd_cap_reg : &amdvi_efr_reg;
	const struct regfield_reg *r1 = vtd ? &vtd_ecap_reg : &amdvi_efr2_reg;
	struct jo j;
	char words[128];

	if (!json) {
		if (in->has_base)
			printf("unit at 0x%llx\n", (unsigned long long)in->base);
		if (vtd && in->ver_major >= 0)
			printf("VER %d:%d\n", in->ver_major, in->ver_minor);
		text_reg(r0, in->v[0]);
		if (in->has[1])
			text_reg(r1, in->v[1]);
		if (!vtd) {
			amdvi_efr_linux_words(in->v[0], words, sizeof(words));
			printf("Linux prints: %s\n", words);
		}
		for (int i = 0; i < w->n; i++)
			printf("warning: %s\n", w->msg[i]);
		return;
	}
	jo_init(&j, stdout);
	jo_obj(&j);
	jo_kstr(&j, "iommu", vtd ? "vtd" : "amdvi");
	jo_ku64(&j, vtd ? "cap" : "efr", in->v[0]);
	jo_key(&j, vtd ? "ecap" : "efr2");
	in->has[1] ? jo_u64(&j, in->v[1]) : jo_null(&j);
	if (vtd) {
		jo_key(&j, "ver");
		if (in->ver_major >= 0) {
			char ver[16];

			snprintf(ver, sizeof(ver), "%d:%d", in->ver_major, in->ver_minor);
			jo_str(&j, ver);
		} else {
			jo_null(&j);
		}
		if (in->has_base)
			jo_ku64(&j, "reg_base", in->base);
	}
	regfield_json(&j, r0, in->v[0], true);
	regfield_json(&j, r1, in->v[1], in->has[1]);
	if (!vtd) {
		amdvi_efr_linux_words(in->v[0], words, sizeof(words));
		jo_kstr(&j, "linux_words_recomputed", words);
	}
	jo_key(&j, "warnings");
	jo_arr(&j);
	for (int i = 0; i < w->n; i++)
		jo_str(&j, w->msg[i]);
	jo_arr_end(&j);
	jo_obj_end(&j);
}

static int usage(FILE *f, int code)
{
	fprintf(f,
		"usage: iommu-caps [--json] vtd CAP ECAP [VER]\n"
		"       iommu-caps [--json] amdvi EFR [EFR2]\n"
		"Values are 1 to 16 hex digits (0x optional), VER is MAJOR:MINOR; anything\n"
		"else is rejected. A Linux boot line may be pasted whole:\n"
		"  iommu-caps vtd 'DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c40660462 ecap f050da'\n"
		"  iommu-caps amdvi 'AMD-Vi: Extended features (0x206d73ef22254ade, 0x0): PPR X2APIC NX GT IA GA PC GA_vAPIC'\n"
		"Exit status: 0 decoded (warnings included), 1 values not understood, 2 usage.\n");
	return code;
}

int iommu_caps_main(int argc, char **argv)
{
	struct input in = { .ver_major = -1, .ver_minor = -1 };
	struct regfield_warnings w = { 0 };
	char line[LINE_MAX_LEN] = "";
	size_t len = 0;
	bool json = false, vtd;
	int i = 1;

	if (i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")))
		return usage(stdout, TOOL_EXIT_OK);
	if (i < argc && !strcmp(argv[i], "--json")) {
		json = true;
		i++;
	}
	if (i >= argc || (strcmp(argv[i], "vtd") && strcmp(argv[i], "amdvi")) || i + 1 >= argc)
		return usage(stderr, TOOL_EXIT_USAGE);
	vtd = !strcmp(argv[i++], "vtd");
	for (; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (len + !!len + n >= sizeof(line)) {
			fprintf(stderr, "iommu-caps: the values are longer than %zu characters\n",
				sizeof(line) - 1);
			return TOOL_EXIT_REJECTED;
		}
		if (len)
			line[len++] = ' ';
		memcpy(line + len, argv[i], n + 1);
		len += n;
	}
	if (!(vtd ? parse_vtd(line, &in) : parse_amdvi(line, &in))) {
		fprintf(stderr, "iommu-caps: cannot decode %s: %s\n",
			vtd ? "CAP and ECAP" : "EFR", in.err);
		return TOOL_EXIT_REJECTED;
	}
	if (vtd)
		vtd_caps_check(in.v[0], in.v[1], in.ver_major >= 0 ?
			       (u32)(in.ver_major << 4 | in.ver_minor) : 0, &w);
	else
		amdvi_caps_check(in.v[0], in.has[1] ? in.v[1] : 0, &w);
	output(json, vtd, &in, &w);
	fflush(stdout);
	return TOOL_EXIT_OK;
}

/* Weak: the fuzz target and the replay test link this file with their own main. */
__attribute__((weak)) int main(int argc, char **argv)
{
	return iommu_caps_main(argc, argv);
}
