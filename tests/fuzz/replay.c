// SPDX-License-Identifier: MIT
/*
 * fuzz_replay_dir (replay.h): every corpus file through a fuzz target,
 * in directory order, under the unit test's sanitizers.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include "tests/fuzz/replay.h"
#include "tests/host/hostutil.h"

int fuzz_replay_dir(const char *rel, int (*one)(const unsigned char *data, size_t size))
{
	char path[1024];
	struct dirent *e;
	DIR *d = opendir(host_path(rel));
	int n = 0;

	while (d && (e = readdir(d))) {
		unsigned char *b;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", rel, e->d_name);
		b = host_read(host_path(path), &len);
		if (!b)
			continue;
		one(b, len);
		free(b);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}
