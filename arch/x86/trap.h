/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupts: the saved register frame, handler registration,
 * register dumps, exception fixups for user copies, and recovery points that
 * let a test survive its own crash (trap_call).
 */
#ifndef ARCH_X86_TRAP_H
#define ARCH_X86_TRAP_H

#include "lib/compiler.h"

/* Layout must match the push order in entry.S (byte offsets on the right). */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;	/* 0x00 */
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;		/* 0x40 */
	u64 vector, error;				/* 0x78 */
	u64 rip, cs, rflags, rsp, ss;			/* 0x88: pushed by the CPU */
};

#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
#define VEC_FIRST_IRQ 32
#define VEC_SPURIOUS 0xff

typedef void (*irq_handler_t)(struct trap_frame *tf, void *ctx);

struct jmpbuf {
	u64 rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

int ksetjmp(struct jmpbuf *jb);
__noreturn void klongjmp(struct jmpbuf *jb, int val);

/* What trap_call saw when the function trapped. */
struct trap_info {
	int vector;
	u64 error, rip, cr2;
};

void idt_init(void);
/* Load the (shared) IDT on this CPU. */
void idt_load(void);
/* Register a handler for an interrupt vector (32..254); returns -EBUSY if taken. */
int irq_register(int vector, irq_handler_t fn, void *ctx);
void irq_unregister(int vector);
/* Allocate a free vector and register fn on it; returns the vector or -ENOSPC. */
int irq_alloc_vector(irq_handler_t fn, void *ctx);
/* Interrupts taken on vector since it was registered (counted with or without a handler). */
u64 irq_count(int vector);
/* Interrupts taken on vectors without a handler (stray or misdelivered). */
u64 irq_strays(void);
/* Vectors with a handler (leak check). */
long irq_vectors_used(void);

/*
 * Call fn(arg); if it raises a CPU exception, print the dump (when verbose)
 * and return vector + 1 with details in *info; 0 when it returned normally.
 */
int trap_call(void (*fn)(void *), void *arg, struct trap_info *info, bool dump);

/* Called from entry.S for every vector. */
void trap_dispatch(struct trap_frame *tf);
/* Set by the ring-3 layer: handles exceptions raised in user mode. */
extern void (*user_trap_hook)(struct trap_frame *tf);
/* Set by the ring-3 layer: runs after an interrupt of ring 3, before the return there. */
extern bool (*user_return_hook)(struct trap_frame *tf);
void trap_dump(const struct trap_frame *tf);
/* The same with CR2/CR3 as saved elsewhere (another CPU's, by NMI). */
void trap_dump_regs(const struct trap_frame *tf, u64 cr2, u64 cr3);
/* Dump the caller's registers and stack (for panic). */
void trap_dump_here(void);
__noreturn void trap_triple_fault(void);
/* A general-protection fault on purpose (selftest_early_fault). */
void trap_selftest_gp(void);
void stack_walk(u64 rbp, int max);
/* The return addresses of up to max frames from rbp (frame pointers); how many. */
int stack_callers(u64 rbp, u64 *pcs, int max);
/* Function containing addr (kernel text), with the offset into it; NULL if unknown. */
const char *ksym_lookup(u64 addr, u64 *offset);
/* The index of the symbol at or below addr (-1: none), and the name of index i. */
long ksym_index(u64 addr);
const char *ksym_name(long i);

/* Exception fixup table entry: a faulting instruction and where to resume. */
struct extable_entry {
	u64 insn, fixup;
};

#endif
