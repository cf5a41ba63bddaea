/* SPDX-License-Identifier: MIT */
/*
 * x86-64 instruction wrappers: port and MMIO access, MSRs, control registers,
 * CPUID, TSC, cache-line flush and interrupt flag. No state, no policy.
 */
#ifndef ARCH_X86_X86_H
#define ARCH_X86_X86_H

#include "lib/compiler.h"
#include "lib/types.h"

static inline void outb(u16 port, u8 v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/*
 * MMIO: plain single mov instructions, which every emulator can decode,
 * each between compiler barriers (as Linux's readl/writel): a device reads
 * memory the CPU wrote before the register write (a table entry, a
 * descriptor), so no store may be moved or dropped across it; with LTO an
 * out-of-line call no longer does that by accident.
 */
#define MMIO_ACCESSORS(bits)							\
static inline u##bits mmio_read##bits(const volatile void *a)			\
{										\
	u##bits v;								\
										\
	barrier();								\
	v = *(const volatile u##bits *)a;					\
	barrier();								\
	return v;								\
}										\
static inline void mmio_write##bits(volatile void *a, u##bits v)		\
{										\
	barrier();								\
	*(volatile u##bits *)a = v;						\
	barrier();								\
}
MMIO_ACCESSORS(8)
MMIO_ACCESSORS(16)
MMIO_ACCESSORS(32)
MMIO_ACCESSORS(64)
#undef MMIO_ACCESSORS

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(sub));
}

#define DEFINE_CR(n)                                                     \
	static inline u64 read_cr##n(void)                               \
	{                                                                \
		u64 v;                                                   \
		__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));    \
		return v;                                                \
	}                                                                \
	static inline void write_cr##n(u64 v)                            \
	{                                                                \
		__asm__ __volatile__("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline u64 read_rflags(void)
{
	u64 f;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline bool irqs_enabled(void)
{
	return read_rflags() & (1UL << 9);
}

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void halt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}

/* Enable interrupts and halt in one step: one arriving after the check wakes us. */
static inline void sti_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

/* Save / load the x87 and SSE registers (a 512-byte, 16-aligned FXSAVE area). */
static inline void fxsave(void *area)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(*(u8(*)[512])area));
}

static inline void fxrstor(const void *area)
{
	__asm__ __volatile__("fxrstor64 %0" : : "m"(*(const u8(*)[512])area));
}

static inline void clflush(const volatile void *p)
{
	__asm__ __volatile__("clflush %0" : "+m"(*(volatile char *)p));
}

static inline void mfence(void)
{
	__asm__ __volatile__("mfence" ::: "memory");
}

static inline void invlpg(u64 va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void wbinvd(void)
{
	__asm__ __volatile__("wbinvd" ::: "memory");
}

#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_SFMASK	0xc0000084
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KGS_BASE	0xc0000102
#define MSR_APIC_BASE	0x1b
#define EFER_SCE	(1UL << 0)
#define EFER_NXE	(1UL << 11)

#endif
