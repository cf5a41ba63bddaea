// SPDX-License-Identifier: MIT
/*
 * Linked into the sanitized tools: a sanitizer report exits with
 * TOOL_EXIT_SANITIZER (70), a status no normal outcome uses, so a test can
 * tell a crash from a rejected table (1). ASAN_OPTIONS/UBSAN_OPTIONS still win.
 */
#include "tools/tools.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "exitcode=" STR(TOOL_EXIT_SANITIZER);
}

const char *__ubsan_default_options(void)
{
	return "exitcode=" STR(TOOL_EXIT_SANITIZER) ":halt_on_error=1:print_stacktrace=1";
}
