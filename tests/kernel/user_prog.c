// SPDX-License-Identifier: MIT
/*
 * One ring-3 program linked into the kernel. Built once per program with
 * -DPROG=name -DPROG_ELF="path": embeds the ELF and, unless PROG_HELPER is
 * set, registers test_user_<name> to run it: in the user suite, or with
 * -DPROG_SUITE=s in suite s, which runs only where it is named.
 */
#include "tests/kernel/user.h"

#define STR2(x) #x
#define STR(x) STR2(x)
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

__asm__(".pushsection .rodata.user_elf, \"a\"\n"
	".balign 16\n"
	"prog_image:\n"
	".incbin \"" PROG_ELF "\"\n"
	"prog_image_end:\n"
	".popsection\n");

extern const u8 prog_image[], prog_image_end[];

static const struct user_prog prog __used __section("user_progs") __aligned(8) = {
	STR(PROG), prog_image, prog_image_end, NULL, false
};

#if defined(PROG_SUITE)
/* a program of a suite that runs only where it is named (suite=PROG_SUITE) */
#define KTEST_NAMED_ONLY(s, n) KTEST_FULL(s, n, 0, KT_NODEFAULT)
KTEST_NAMED_ONLY(PROG_SUITE, CAT(test_user_, PROG))
{
	user_prog_run_test(&prog);
}
#elif !defined(PROG_HELPER)
KTEST(user, CAT(test_user_, PROG))
{
	user_prog_run_test(&prog);
}
#endif
