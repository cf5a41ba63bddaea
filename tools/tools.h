/* SPDX-License-Identifier: MIT */
/*
 * The hosted tools as functions, so the fuzz targets and the tests can run
 * their whole input path in-process; and the exit statuses they give.
 */
#ifndef TOOLS_TOOLS_H
#define TOOLS_TOOLS_H

#include <stddef.h>

/* Exit statuses: every tool uses these and nothing else. */
#define TOOL_EXIT_OK		0	/* decoded, every table valid */
#define TOOL_EXIT_REJECTED	1	/* a table rejected, an input not understood */
#define TOOL_EXIT_USAGE		2	/* bad arguments */
/* A sanitizer report in a sanitized build (sanitize.c): never a normal outcome. */
#define TOOL_EXIT_SANITIZER	70

/* iommu-acpi and iommu-caps; main() of each tool calls its function. */
int iommu_acpi_main(int argc, char **argv);
int iommu_caps_main(int argc, char **argv);

/*
 * iommu-acpi's first read buffer, doubled as a file grows (default 64 KiB).
 * The fuzz target makes it tiny so that small inputs cross every boundary.
 */
extern size_t iommu_acpi_read_chunk;

#endif
