// SPDX-License-Identifier: MIT
/*
 * iommu-caps [--json] vtd CAP ECAP [VER] | amdvi EFR [EFR2]: decode IOMMU
 * capability registers (hex, or a Linux boot line pasted whole) with the
 * drivers' own field tables. Exit 0 decoded, 1 input not understood, 2 usage.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/amdvi/amdvi_caps.h"
#include "tools/jsonout.h"
#include "iommu/vtd/vtd_caps.h"

struct input {
	u64 v[2];		/* CAP, ECAP or EFR, EFR2 */
	bool has[2];
	int ver_major, ver_minor;	/* -1: not given */
	bool has_base;
	u64 base;		/* reg_base_addr of a pasted VT-d line */
};

/* Parse hex with or without 0x, up to 16 digits, ending at a non-hex char. */
static bool parse_hex(const char *s, u64 *out, const char **end)
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
	if (end)
		*end = s;
	return n > 0;
}

/* The word after keyword kw (as a whole word) in line, or NULL. */
static const char *after_word(const char *line, const char *kw)
{
	size_t n = strlen(kw);

	for (const char *p = strstr(line, kw); p; p = strstr(p + 1, kw)) {
		bool start = p == line || isspace((unsigned char)p[-1]);

		if (start && isspace((unsigned char)p[n])) {
			p += n;
			while (isspace((unsigned char)*p))
				p++;
			return p;
		}
	}
	return NULL;
}

/* Whole-token hex words of line into the input (CAP ECAP [VER] / EFR [EFR2]). */
static bool plain_words(const char *line, struct input *in, bool vtd)
{
	char buf[512], *save = NULL, *w;
	int k = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save), k++) {
		const char *end;
		u64 v;

		if (vtd && k == 2 && sscanf(w, "%d:%d", &in->ver_major, &in->ver_minor) == 2)
			continue;
		if (k >= 2 || !parse_hex(w, &v, &end) || *end)
			return false;
		in->v[k] = v;
		in->has[k] = true;
	}
	return in->has[0] && (!vtd || in->has[1]);
}

static bool parse_vtd(const char *line, struct input *in)
{
	const char *cap = after_word(line, "cap"), *ecap = after_word(line, "ecap");
	const char *ver = after_word(line, "ver"), *base = after_word(line, "reg_base_addr");

	if (!cap && !ecap)
		return plain_words(line, in, true);
	if (!cap || !ecap || !parse_hex(cap, &in->v[0], NULL) || !parse_hex(ecap, &in->v[1], NULL))
		return false;
	in->has[0] = in->has[1] = true;
	if (ver && sscanf(ver, "%d:%d", &in->ver_major, &in->ver_minor) != 2)
		in->ver_major = in->ver_minor = -1;
	in->has_base = base && parse_hex(base, &in->base, NULL);
	return true;
}

/* "AMD-Vi: Extended features (0x206d73ef22254ade, 0x0): PPR ..." or "EFR [EFR2]". */
static bool parse_amdvi(const char *line, struct input *in)
{
	const char *p = strstr(line, "features (");

	if (!p)
		return plain_words(line, in, false);
	p += strlen("features (");
	if (!parse_hex(p, &in->v[0], &p))
		return false;
	in->has[0] = true;
	if (*p == ',') {
		while (*++p == ' ')
			;
		in->has[1] = parse_hex(p, &in->v[1], &p);
	}
	return *p == ')';
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
		"Values are hex (0x optional). A Linux boot line may be pasted whole:\n"
		"  iommu-caps vtd 'DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c40660462 ecap f050da'\n"
		"  iommu-caps amdvi 'AMD-Vi: Extended features (0x206d73ef22254ade, 0x0): PPR X2APIC NX GT IA GA PC GA_vAPIC'\n"
		"Exit status: 0 decoded (warnings included), 1 values not understood, 2 usage.\n");
	return code;
}

int main(int argc, char **argv)
{
	struct input in = { .ver_major = -1, .ver_minor = -1 };
	struct regfield_warnings w = { 0 };
	char line[1024] = "";
	bool json = false, vtd;
	int i = 1;

	if (i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")))
		return usage(stdout, 0);
	if (i < argc && !strcmp(argv[i], "--json")) {
		json = true;
		i++;
	}
	if (i >= argc || (strcmp(argv[i], "vtd") && strcmp(argv[i], "amdvi")) || i + 1 >= argc)
		return usage(stderr, 2);
	vtd = !strcmp(argv[i++], "vtd");
	for (; i < argc; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
			 line[0] ? " " : "", argv[i]);
	if (!(vtd ? parse_vtd(line, &in) : parse_amdvi(line, &in))) {
		fprintf(stderr, "iommu-caps: cannot find %s in \"%s\"\n",
			vtd ? "CAP and ECAP" : "EFR", line);
		return 1;
	}
	if (vtd)
		vtd_caps_check(in.v[0], in.v[1], in.ver_major >= 0 ?
			       (u32)(in.ver_major << 4 | in.ver_minor) : 0, &w);
	else
		amdvi_caps_check(in.v[0], in.has[1] ? in.v[1] : 0, &w);
	output(json, vtd, &in, &w);
	return 0;
}
