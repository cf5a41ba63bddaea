// SPDX-License-Identifier: MIT
/*
 * Kernel command line lookup over boot_info.cmdline. The first word may be
 * the kernel's path (GRUB passes it); it simply matches no key.
 */
#include "boot/cmdline.h"
#include "boot/bootinfo.h"
#include "lib/string.h"

void cmdline_for_each(void (*fn)(const char *word, size_t len, void *ctx), void *ctx)
{
	const char *p = boot_info.cmdline;

	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = 0;
		while (p[n] && p[n] != ' ')
			n++;
		if (n)
			fn(p, n, ctx);
		p += n;
	}
}

struct lookup {
	const char *key;
	const char *val;
	size_t vlen;
	bool found;
};

static void match_word(const char *w, size_t n, void *ctx)
{
	struct lookup *l = ctx;
	size_t k = strlen(l->key);

	if (n >= k && !strncmp(w, l->key, k) && (n == k || w[k] == '=')) {
		l->found = true;
		l->val = n == k ? "" : w + k + 1;
		l->vlen = n == k ? 0 : n - k - 1;
	}
}

bool cmdline_get(const char *key, char *buf, size_t len)
{
	struct lookup l = { key, NULL, 0, false };

	cmdline_for_each(match_word, &l);
	if (!l.found)
		return false;
	if (len) {
		size_t n = min(l.vlen, len - 1);

		memcpy(buf, l.val, n);
		buf[n] = 0;
	}
	return true;
}

u64 cmdline_get_u64(const char *key, u64 def)
{
	char buf[32], *end;
	u64 v;

	if (!cmdline_get(key, buf, sizeof(buf)) || !buf[0])
		return def;
	v = strtoull(buf, &end, 0);
	return *end ? def : v;
}

bool cmdline_flag(const char *key)
{
	char buf[8];

	if (!cmdline_get(key, buf, sizeof(buf)))
		return false;
	return !buf[0] || buf[0] == '1' || buf[0] == 'y' || !strcmp(buf, "on");
}
