// SPDX-License-Identifier: MIT
/*
 * abi-preload suite, fault injection: Linux's fail-nth and debugfs fail*
 * files as a Linux program sees them under libiommufd-host.so (libc calls
 * only), with the semantics Linux's iommufd_fail_nth relies on.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "tests/host/abi_preload.h"

/* The text of fd read at offset 0 ("" on error). */
static const char *pread_text(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static ssize_t pwrite_text(int fd, const char *s)
{
	return pwrite(fd, s, strlen(s), 0);
}

static int open_fail_nth(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	return open(path, O_RDWR);
}

/*
 * Linux: writing N fails the N-th site from then on; reading gives those
 * left, 0 once fired. Each IOAS_ALLOC is destroyed again, so every round
 * starts from the same state and passes the same sites.
 */
KTEST(abi-preload, test_preload_fail_nth_fails_exactly_the_nth_site)
{
	int nth = open_fail_nth(), fd = open("/dev/iommu", O_RDWR);
	unsigned long left, sites;
	uint32_t id;
	char buf[32];

	report(nth >= 0, "open /proc/self/task/<tid>/fail-nth O_RDWR");
	report(!strcmp(pread_text(nth, buf, sizeof(buf)), "0\n"), "unarmed it reads \"0\\n\"");
	ioctl_destroy(fd, ioas_alloc(fd));
	report(pwrite_text(nth, "1000") == 4, "write \"1000\" -> 4 bytes taken");
	id = ioas_alloc(fd);
	report(id != 0, "IOAS_ALLOC with the failure 1000 sites away succeeds");
	ioctl_destroy(fd, id);
	left = strtoul(pread_text(nth, buf, sizeof(buf)), NULL, 10);
	sites = 1000 - left;
	report(left > 0 && left < 1000, "it counted the IOAS_ALLOC's sites: %lu left", left);
	for (unsigned long n = 1; n <= sites; n++) {
		char val[16];

		snprintf(val, sizeof(val), "%lu", n);
		pwrite_text(nth, val);
		report(ioctl_ioas_alloc(fd, &id) == -ENOMEM,
		       "armed at %lu of %lu sites: IOAS_ALLOC -> ENOMEM", n, sites);
		report(!strcmp(pread_text(nth, buf, sizeof(buf)), "0\n"),
		       "armed at %lu: fired, reads \"0\\n\"", n);
	}
	snprintf(buf, sizeof(buf), "%lu", sites + 1);
	pwrite_text(nth, buf);
	id = ioas_alloc(fd);
	report(id != 0, "armed one site past them: IOAS_ALLOC succeeds");
	report(!strcmp(pread_text(nth, buf, sizeof(buf)), "1\n"), "and 1 site is left");
	ioctl_destroy(fd, id);
	report(pwrite_text(nth, "0") == 1 && !strcmp(pread_text(nth, buf, sizeof(buf)), "0\n"),
	       "\"0\" disarms");
	close(fd);
	close(nth);
}

/* kstrtouint_from_user: base 0, one newline, no sign, 32 bits. */
KTEST(abi-preload, test_preload_fail_nth_parses_like_linux)
{
	static const struct {
		const char *in, *out;	/* out NULL: EINVAL; "" ERANGE */
	} cases[] = {
		{ "7\n", "7\n" }, { "0x10", "16\n" }, { "010", "8\n" }, { "+5", "5\n" },
		{ "4294967295", "4294967295\n" }, { "4294967296", "" }, { "-1", NULL },
		{ "", NULL }, { "1 2", NULL }, { "abc", NULL }, { "5\n\n", NULL },
	};
	int nth = open_fail_nth();
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ssize_t r;

		pwrite_text(nth, "3");
		r = pwrite_text(nth, cases[i].in);
		if (!cases[i].out || !cases[i].out[0])
			report(r == -1 && errno == (cases[i].out ? ERANGE : EINVAL) &&
			       !strcmp(pread_text(nth, buf, sizeof(buf)), "3\n"),
			       "\"%s\" -> %s, value kept", cases[i].in,
			       cases[i].out ? "ERANGE" : "EINVAL");
		else
			report(r == (ssize_t)strlen(cases[i].in) &&
			       !strcmp(pread_text(nth, buf, sizeof(buf)), cases[i].out),
			       "\"%s\" reads back %s", cases[i].in, cases[i].out);
	}
	pwrite_text(nth, "0");
	close(nth);
}

/* Every name of the current thread's fail-nth is the same file; others are not ours. */
KTEST(abi-preload, test_preload_fail_nth_paths)
{
	char path[64], buf[32];
	const char *names[] = { "/proc/self/fail-nth", "/proc/thread-self/fail-nth", path };
	int nth = open_fail_nth(), fds[3];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/fail-nth", getpid(), gettid());
	/* opened before arming: opening a file passes allocation sites, as on Linux */
	for (int i = 0; i < 3; i++)
		fds[i] = open(names[i], O_RDONLY);
	pwrite_text(nth, "42");
	for (int i = 0; i < 3; i++) {
		report(fds[i] >= 0 && !strcmp(pread_text(fds[i], buf, sizeof(buf)), "42\n"),
		       "%s reads the armed 42", names[i]);
		close(fds[i]);
	}
	report(read(nth, buf, 2) == 2 && read(nth, buf + 2, 8) == 1 && !memcmp(buf, "42\n", 3) &&
	       read(nth, buf, 8) == 0, "read() goes on from the file position, then EOF");
	report(pwrite_text(nth, "0") == 1, "disarm");
	report(open("/proc/self/task/0/fail-nth", O_RDONLY) == -1,
	       "no task 0: not ours, and the real /proc has none");
	close(nth);
}

/* The debugfs directory the fail_nth program walks, as Linux 6.12 has it. */
KTEST(abi-preload, test_preload_debugfs_fail_knobs)
{
	const char *want[] = { "failslab", "fail_page_alloc", "fail_iommufd" };
	DIR *d = opendir("/sys/kernel/debug/");
	struct dirent *e;
	int found = 0, dots = 0, fd, wfd;
	char buf[32];

	report(d != NULL, "opendir(\"/sys/kernel/debug/\")");
	if (!d)
		return;
	while ((e = readdir(d))) {
		for (int i = 0; i < 3; i++)
			found += !strcmp(e->d_name, want[i]) && e->d_type == DT_DIR;
		dots += !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	}
	report(found == 3 && dots == 2, "lists . .. failslab fail_page_alloc fail_iommufd");
	fd = openat(dirfd(d), "failslab/ignore-gfp-wait", O_RDONLY);
	report(fd >= 0 && !strcmp(pread_text(fd, buf, sizeof(buf)), "Y\n"),
	       "failslab/ignore-gfp-wait defaults to Y (openat relative to the DIR)");
	wfd = openat(dirfd(d), "failslab/ignore-gfp-wait", O_WRONLY);
	report(pwrite_text(wfd, "N") == 1 && !strcmp(pread_text(fd, buf, sizeof(buf)), "N\n"),
	       "writing N sticks");
	report(pwrite_text(wfd, "maybe") == 5 && !strcmp(pread_text(fd, buf, sizeof(buf)), "N\n"),
	       "a bool it cannot parse is taken and ignored, as debugfs does");
	report(pread(wfd, buf, sizeof(buf), 0) == -1 && errno == EBADF, "read on O_WRONLY: EBADF");
	report(pwrite_text(fd, "Y") == -1 && errno == EBADF, "write on O_RDONLY: EBADF");
	close(fd);
	close(wfd);
	fd = open("/sys/kernel/debug/fail_iommufd/verbose", O_RDWR);
	report(!strcmp(pread_text(fd, buf, sizeof(buf)), "2\n"), "verbose defaults to 2");
	report(pwrite_text(fd, "0") == 1 && !strcmp(pread_text(fd, buf, sizeof(buf)), "0\n"),
	       "verbose 0 sticks");
	report(pwrite_text(fd, "x") == -1 && errno == EINVAL, "verbose \"x\" -> EINVAL");
	close(fd);
	report(openat(dirfd(d), "fail_page_alloc", O_WRONLY) == -1 && errno == EISDIR,
	       "a directory opened for writing: EISDIR");
	report(open("/sys/kernel/debug/failslab/times", O_RDONLY | O_DIRECTORY) == -1 &&
	       errno == ENOTDIR, "a knob with O_DIRECTORY: ENOTDIR");
	report(opendir("/sys/kernel/debug/failslab/times") == NULL && errno == ENOTDIR,
	       "opendir of a knob: ENOTDIR");
	report(openat(dirfd(d), "failslab/nosuch", O_RDONLY) == -1 && errno == ENOENT,
	       "an unknown name under it: ENOENT");
	rewinddir(d);
	e = readdir(d);
	report(e && !strcmp(e->d_name, "."), "rewinddir starts over");
	report(closedir(d) == 0, "closedir");
}

/* Linux's iommufd file has no read or write: EINVAL, not the placeholder's eventfd. */
KTEST(abi-preload, test_preload_iommufd_read_write_einval)
{
	int fd = open("/dev/iommu", O_RDWR);
	char buf[8] = { 0 };

	report(read(fd, buf, sizeof(buf)) == -1 && errno == EINVAL, "read -> EINVAL");
	report(write(fd, buf, sizeof(buf)) == -1 && errno == EINVAL, "write -> EINVAL");
	close(fd);
}
