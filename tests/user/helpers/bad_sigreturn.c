// SPDX-License-Identifier: MIT
/*
 * Ring-3 helper: rt_sigreturn with frames no handler left behind. A
 * non-canonical rip, a frame on unmapped memory, and one that asks for
 * IOPL 3 (the kernel must keep it 0: the cli it returns to faults) each end
 * the child by SIGSEGV; the kernel carries on.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"

/* struct ucontext (x86-64) as u64 words: uc_mcontext from word 5 */
enum { W_RSP = 20, W_RIP = 21, W_EFLAGS = 22, W_SEGS = 23, W_FPSTATE = 28, W_MASK = 37,
       WORDS = 38 };

static uint64_t frame[WORDS] __attribute__((aligned(16)));
static uint8_t stack[8192] __attribute__((aligned(16)));

/* rt_sigreturn with rsp at f (the kernel reads the ucontext there); never returns. */
static void __attribute__((noreturn)) sigreturn_at(void *f)
{
	__asm__ __volatile__("movq %0, %%rsp\n\tmovl $15, %%eax\n\tsyscall\n\tud2"
			     : : "r"(f) : "memory");
	__builtin_unreachable();
}

static void __attribute__((noreturn)) try_cli(void)
{
	__asm__ __volatile__("cli");	/* #GP unless IOPL 3 */
	_exit(0);
}

/* Run one bad sigreturn in a child; its wait status. */
static int in_child(void *rip, uint64_t eflags, void *at)
{
	pid_t pid;
	int st = -1;

	for (int i = 0; i < WORDS; i++)
		frame[i] = 0;
	frame[W_RIP] = (uint64_t)(uintptr_t)rip;
	frame[W_RSP] = (uint64_t)(uintptr_t)(stack + sizeof(stack) - 8);
	frame[W_EFLAGS] = eflags;
	frame[W_SEGS] = 0x2b | (0x2bULL << 48);	/* cs, ss */
	fflush(stdout);
	pid = fork();
	if (!pid)
		sigreturn_at(at);
	waitpid(pid, &st, 0);
	return st;
}

TEST(test_noncanonical_rip_segv)
{
	int st = in_child((void *)0x8000000000001000ULL, 0x202, frame);

	EXPECT_EQ(1, WIFSIGNALED(st));
	EXPECT_EQ(SIGSEGV, WTERMSIG(st));
}

TEST(test_frame_on_unmapped_memory_segv)
{
	int st = in_child(try_cli, 0x202, test_ptr(0x1000));

	EXPECT_EQ(1, WIFSIGNALED(st));
	EXPECT_EQ(SIGSEGV, WTERMSIG(st));
}

TEST(test_iopl_not_granted)
{
	int st = in_child(try_cli, 0x3202, frame);	/* IOPL 3, IF */

	EXPECT_EQ(1, WIFSIGNALED(st));
	EXPECT_EQ(SIGSEGV, WTERMSIG(st));
}

TEST_HARNESS_MAIN
