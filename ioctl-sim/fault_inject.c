// SPDX-License-Identifier: MIT
/*
 * Linux's fault-injection controls as files of the syscall stub, so a
 * fail_nth program (Linux's iommufd_fail_nth) drives our fail points
 * (lib/failpoint.h) unmodified. /proc/thread-self/fail-nth: writing N makes
 * the N-th fail-point site from then on fail ("0" disarms); reading gives the
 * sites left before it, "0" once it fired. The debugfs directories failslab,
 * fail_page_alloc and fail_iommufd hold the knobs Linux 6.12 has there, with
 * its defaults, formats and parsing. Our sites are one set (core, ID tables,
 * drivers: Linux's slab, page and iommufd sites alike), so the knobs are kept
 * and read back but select nothing. One difference: Linux counts per task,
 * our fail point per process (kernel: per kernel), so one thread's fail-nth
 * also fails sites other threads pass. Freestanding code, linked into
 * libiommufd-host.so today; the kernel's stub can register the same nodes.
 */
#include "ioctl-sim/fault_inject.h"
#include "lib/platform.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/printf.h"
#include "lib/string.h"

#define DEBUGFS		"/sys/kernel/debug"

/* How a knob stores, prints and parses its value (debugfs_create_*). */
enum knob_kind { K_UL, K_U32, K_ATOMIC, K_BOOL };

struct knob {
	const char *dir;		/* under DEBUGFS */
	const char *name;
	enum knob_kind kind;
	s64 val;			/* Linux's default until written */
};

/* lib/fault-inject.c fault_create_debugfs_attr() (FAULT_ATTR_INITIALIZER values) */
#define ATTR_KNOBS(d)                                                        \
	{ d, "probability", K_UL, 0 }, { d, "interval", K_UL, 1 },           \
	{ d, "times", K_ATOMIC, 1 }, { d, "space", K_ATOMIC, 0 },            \
	{ d, "verbose", K_UL, 2 }, { d, "task-filter", K_BOOL, 0 }

static struct knob knobs[] = {
	ATTR_KNOBS("failslab"),			/* mm/failslab.c */
	{ "failslab", "ignore-gfp-wait", K_BOOL, 1 },
	{ "failslab", "cache-filter", K_BOOL, 0 },
	ATTR_KNOBS("fail_page_alloc"),		/* mm/fail_page_alloc.c */
	{ "fail_page_alloc", "ignore-gfp-wait", K_BOOL, 1 },
	{ "fail_page_alloc", "ignore-gfp-highmem", K_BOOL, 1 },
	{ "fail_page_alloc", "min-order", K_U32, 1 },
	ATTR_KNOBS("fail_iommufd"),		/* drivers/iommu/iommufd/selftest.c */
};

static const char *const dirs[] = { "failslab", "fail_page_alloc", "fail_iommufd" };

/*
 * Linux's kstrtoull/kstrtoll on at most 23 bytes of user input: optional
 * sign, base 0 (0x hex, 0 octal), at least one digit, one optional newline.
 */
static int parse_user_int(u64 ubuf, size_t n, bool is_signed, s64 *out)
{
	char buf[24], *s = buf;
	bool neg = false;
	u64 v = 0, base = 10;
	int digits = 0;

	n = min(n, sizeof(buf) - 1);
	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';
	if (*s == '+')
		s++;
	else if (is_signed && *s == '-')
		neg = true, s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    ((s[2] >= '0' && s[2] <= '9') || ((s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f')))
		base = 16, s += 2;
	else if (s[0] == '0')
		base = 8;
	for (;; s++, digits++) {
		u64 d = *s >= '0' && *s <= '9' ? (u64)(*s - '0') :
			(*s | 0x20) >= 'a' && (*s | 0x20) <= 'f' ? (u64)((*s | 0x20) - 'a' + 10) : 99;

		if (d >= base)
			break;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (*s == '\n')
		s++;
	if (!digits || *s)
		return -EINVAL;
	if (is_signed && v > (neg ? (1ULL << 63) : (1ULL << 63) - 1))
		return -ERANGE;
	*out = neg ? (s64)(0 - v) : (s64)v;
	return 0;
}

/* kstrtobool: 'YyTt1' true, 'NnFf0' false, "on"/"off". */
static int parse_user_bool(u64 ubuf, size_t n, bool *out)
{
	char b[3] = { 0 };

	if (copy_from_user(b, ubuf, min(n, sizeof(b) - 1)))
		return -EFAULT;
	switch (b[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*out = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*out = false;
		return 0;
	case 'o': case 'O':
		if ((b[1] | 0x20) == 'n' || (b[1] | 0x20) == 'f') {
			*out = (b[1] | 0x20) == 'n';
			return 0;
		}
	}
	return -EINVAL;
}

/* simple_read_from_buffer(): the part of text at off, as much as fits. */
static long read_text(u64 ubuf, size_t n, u64 off, const char *text)
{
	size_t len = strlen(text);

	if (off >= len)
		return 0;
	n = min(n, len - (size_t)off);
	return copy_to_user(ubuf, text + off, n) ? -EFAULT : (long)n;
}

/* --- /proc/thread-self/fail-nth (fs/proc/base.c) --- */

static long fail_nth_read(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	char text[24];

	snprintf(text, sizeof(text), "%lu\n", failpoint_remaining());
	return read_text(ubuf, n, off, text);
}

static long fail_nth_write(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	s64 v;
	int ret = parse_user_int(ubuf, n, false, &v);

	if (!ret && (u64)v > 0xffffffffULL)
		ret = -ERANGE;		/* kstrtouint */
	if (ret)
		return ret;
	failpoint_arm((unsigned long)v);
	return (long)n;
}

static const struct sim_file_ops fail_nth_fops = {
	.name = "fail-nth",
	.read = fail_nth_read,
	.write = fail_nth_write,
	.mode = 0100644,	/* S_IFREG */
};

/* --- debugfs knobs (fs/debugfs/file.c, fs/libfs.c simple_attr_*) --- */

static long knob_read(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	const struct knob *k = f->node->data;
	char text[24];

	if (k->kind == K_BOOL)
		snprintf(text, sizeof(text), "%c\n", k->val ? 'Y' : 'N');
	else if (k->kind == K_ATOMIC)
		snprintf(text, sizeof(text), "%lld\n", (long long)k->val);
	else
		snprintf(text, sizeof(text), "%llu\n", (unsigned long long)k->val);
	return read_text(ubuf, n, off, text);
}

static long knob_write(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	struct knob *k = f->node->data;
	bool b;
	s64 v;
	int ret;

	if (k->kind == K_BOOL) {
		/* debugfs_write_file_bool(): a value it cannot parse is ignored, not refused */
		if (!parse_user_bool(ubuf, n, &b))
			__atomic_store_n(&k->val, b, __ATOMIC_RELAXED);
		return (long)n;
	}
	ret = parse_user_int(ubuf, n, k->kind == K_ATOMIC, &v);
	if (ret)
		return ret;
	if (k->kind == K_U32)
		v = (u32)v;
	else if (k->kind == K_ATOMIC)
		v = (s32)v;
	__atomic_store_n(&k->val, v, __ATOMIC_RELAXED);
	return (long)n;
}

static const struct sim_file_ops knob_fops = {
	.name = "debugfs-knob",
	.read = knob_read,
	.write = knob_write,
	.mode = 0100600,	/* S_IFREG */
};

/* --- nodes --- */

static char knob_paths[ARRAY_SIZE(knobs)][64];
static char dir_paths[ARRAY_SIZE(dirs)][48];
static struct sim_node knob_nodes[ARRAY_SIZE(knobs)];
static struct sim_node dir_nodes[ARRAY_SIZE(dirs) + 1];
static struct sim_node fail_nth_node = {
	.path = FAULT_INJECT_FAIL_NTH, .ops = &fail_nth_fops,
};

int fault_inject_register(void)
{
	int ret = sim_register_node(&fail_nth_node);

	dir_nodes[0] = (struct sim_node){ .path = DEBUGFS, .ops = &sim_dir_fops };
	for (size_t i = 0; !ret && i < ARRAY_SIZE(dirs); i++) {
		snprintf(dir_paths[i], sizeof(dir_paths[i]), DEBUGFS "/%s", dirs[i]);
		dir_nodes[i + 1] = (struct sim_node){ .path = dir_paths[i],
						      .ops = &sim_dir_fops };
	}
	for (size_t i = 0; !ret && i < ARRAY_SIZE(dir_nodes); i++)
		ret = sim_register_node(&dir_nodes[i]);
	for (size_t i = 0; !ret && i < ARRAY_SIZE(knobs); i++) {
		snprintf(knob_paths[i], sizeof(knob_paths[i]), DEBUGFS "/%s/%s",
			 knobs[i].dir, knobs[i].name);
		knob_nodes[i] = (struct sim_node){ .path = knob_paths[i], .ops = &knob_fops,
						   .data = &knobs[i] };
		ret = sim_register_node(&knob_nodes[i]);
	}
	return ret;
}
