// SPDX-License-Identifier: MIT
/*
 * Ring-3 processes: syscall MSRs and the per-CPU area, loading a static ELF
 * into a fresh address space, entering ring 3, and coming back on exit or on
 * any fault. Layouts: ELF-64 (System V gABI); SDM vol. 3 5.8.8 (SYSCALL).
 */
#include "arch/x86/proc.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/watchdog.h"
#include "arch/x86/mm.h"
#include "arch/x86/percpu.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

#define KSTACK_ORDER	2		/* 16 KiB per process */
#define KSTACK_SIZE	(PAGE_SIZE << KSTACK_ORDER)
#define RFLAGS_RSVD1	(1UL << 1)
#define RFLAGS_IF	(1UL << 9)
#define RETRY_MS	100		/* out of time in a syscall: look again */
#define TIME_LIMIT_S	60		/* default run time of one program */

/* ELF-64 headers, only what a static executable needs. */
struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define ET_EXEC		2
#define EM_X86_64	62
#define PT_LOAD		1
#define PF_X		1
#define PF_W		2
#define PF_R		4
#define AT_NULL		0
#define AT_PAGESZ	6

static int last_pid;
static u64 time_limit_s;	/* cmdline user_timeout= (seconds) */

static const struct proc_syscall_ops *syscall_ops;

void proc_set_syscall_ops(const struct proc_syscall_ops *ops)
{
	syscall_ops = ops;
}

void proc_syscall(struct trap_frame *tf)
{
	if (syscall_ops)
		syscall_ops->dispatch(tf);
	else
		tf->rax = (u64)-ENOSYS;
}

__noreturn void user_enter(struct trap_frame *tf);

struct proc *proc_current(void)
{
	return this_cpu()->current;
}

/* End p, interrupted in ring 3 at tf, with a register dump; back to proc_run. */
static __noreturn void kill(struct proc *p, struct trap_frame *tf, enum proc_end why,
			    const char *what)
{
	const char *old;

	p->end = why;
	p->fault = *tf;
	p->fault_cr2 = read_cr2();
	if (p->out)
		p->out(p->out_ctx, NULL, 0);
	old = console_set_line_prefix(p->dump_prefix ? p->dump_prefix : "# ");
	printk("process %d (%s) killed: %s\n", p->pid, p->name, what);
	trap_dump(tf);
	console_set_line_prefix(old);
	klongjmp(&p->exit_jb, 1);
}

/* An exception in ring 3: the program dies, the kernel carries on. */
static void user_trap(struct trap_frame *tf)
{
	struct proc *p = proc_current();

	if (!p)
		panic("user_trap: exception from ring 3 with no process");
	kill(p, tf, PROC_FAULTED, "exception in ring 3");
}

/* The watchdog tick (interrupt context) when a program's time is up. */
static void out_of_time(struct trap_frame *tf, const char *what)
{
	struct proc *p = proc_current();

	if (!p)
		return;
	if (tf->cs & 3) {
		lapic_eoi();	/* we leave the handler for good */
		kill(p, tf, PROC_TIMEOUT, "out of time");
	}
	/* inside a syscall: stop it in ring 3, once the call is done */
	watchdog_arm(RETRY_MS, what, out_of_time);
}

void proc_init(void)
{
	BUILD_BUG_ON(offsetof(struct percpu, kstack_top) != 0x08);
	BUILD_BUG_ON(offsetof(struct percpu, user_rsp) != 0x10);
	BUILD_BUG_ON(offsetof(struct trap_frame, vector) != 0x78);
	BUILD_BUG_ON(offsetof(struct trap_frame, rip) != 0x88);
	BUILD_BUG_ON(sizeof(struct trap_frame) != 0xb0);

	user_trap_hook = user_trap;
	time_limit_s = cmdline_get_u64("user_timeout", TIME_LIMIT_S);
}

static u32 elf_prot(u32 pflags)
{
	return ((pflags & PF_R) ? UVM_READ : 0) | ((pflags & PF_W) ? UVM_WRITE : 0) |
	       ((pflags & PF_X) ? UVM_EXEC : 0);
}

/* Map the PT_LOAD segments of a static ELF; -ENOEXEC for anything malformed. */
static int load_elf(struct proc *p, const u8 *img, size_t size, u64 *entry)
{
	const struct elf64_ehdr *eh = (const void *)img;
	struct uvm_area *a;
	u64 phend;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
	    eh->ident[5] != 1 || eh->type != ET_EXEC || eh->machine != EM_X86_64 ||
	    eh->phentsize != sizeof(struct elf64_phdr) ||
	    check_add_overflow(eh->phoff, (u64)eh->phnum * sizeof(struct elf64_phdr), &phend) ||
	    phend > size)
		return -ENOEXEC;
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = (const void *)(img + eh->phoff + i * sizeof(*ph));
		u64 start, end, fend;
		long r;

		if (ph->type != PT_LOAD || !ph->memsz)
			continue;
		if (ph->filesz > ph->memsz || check_add_overflow(ph->offset, ph->filesz, &fend) ||
		    fend > size || check_add_overflow(ph->vaddr, ph->memsz, &end) ||
		    ph->vaddr < USER_MIN || end > USER_MAX)
			return -ENOEXEC;
		start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
		r = uvm_map(p->uvm, start, ALIGN(end, PAGE_SIZE) - start, elf_prot(ph->flags),
			    UVM_NOREPLACE, 0);
		if (r < 0)
			return r == -EEXIST ? -ENOEXEC : (int)r;
		if (uvm_write(p->uvm, ph->vaddr, img + ph->offset, ph->filesz))
			return -ENOEXEC;
	}
	a = uvm_find(p->uvm, eh->entry);
	if (!a || !(a->prot & UVM_EXEC))
		return -ENOEXEC;
	*entry = eh->entry;
	return 0;
}

#define STACK_STRINGS	1024	/* bytes of argv[0] and environment strings */
#define MAX_ENV		8

/* Copy s below *sp on the user stack; its user address, 0 if no room. */
static u64 push_string(struct proc *p, u64 *sp, u64 floor, const char *s)
{
	size_t n = strnlen(s, STACK_STRINGS) + 1;

	if (n > STACK_STRINGS || *sp - n < floor)
		return 0;
	*sp -= n;
	uvm_write(p->uvm, *sp, s, n - 1);	/* the stack is zeroed: the NUL is there */
	return *sp;
}

/* The initial stack as Linux builds it: argc, argv[], envp[], auxv[]. */
static int setup_stack(struct proc *p, u64 *rsp)
{
	u64 sp = USER_STACK_TOP, floor = USER_STACK_TOP - STACK_STRINGS;
	u64 words[4 + MAX_ENV + 4];
	int n = 0, nenv = 0;
	long r;

	r = uvm_map(p->uvm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
		    UVM_READ | UVM_WRITE, UVM_NOREPLACE, 0);
	if (r < 0)
		return (int)r;
	words[n++] = 1;					/* argc */
	words[n++] = push_string(p, &sp, floor, p->name ? p->name : "a.out");
	words[n++] = 0;
	for (; p->envp && p->envp[nenv] && nenv < MAX_ENV; nenv++) {
		words[n] = push_string(p, &sp, floor, p->envp[nenv]);
		if (!words[n++])
			return -E2BIG;
	}
	words[n++] = 0;
	words[n++] = AT_PAGESZ;
	words[n++] = PAGE_SIZE;
	words[n++] = AT_NULL;
	words[n++] = 0;
	if (!words[1])
		return -E2BIG;
	sp = ALIGN_DOWN(sp, 16) - (n % 2) * 8;	/* rsp 16-aligned at argc */
	sp -= (u64)n * 8;
	uvm_write(p->uvm, sp, words, (size_t)n * 8);
	*rsp = sp;
	return 0;
}

struct start {
	struct proc *p;
	u64 entry, rsp;
};

/* Enter ring 3; "returns" when the process exits or faults. */
static void proc_enter(void *arg)
{
	struct start *s = arg;
	struct trap_frame *tf;

	if (ksetjmp(&s->p->exit_jb))
		return;
	tf = (struct trap_frame *)(uintptr_t)this_cpu()->kstack_top - 1;
	memset(tf, 0, sizeof(*tf));
	tf->rip = s->entry;
	tf->cs = SEL_UCODE | 3;
	tf->rflags = RFLAGS_IF | RFLAGS_RSVD1;
	tf->rsp = s->rsp;
	tf->ss = SEL_UDATA | 3;
	user_enter(tf);
}

int proc_run(struct proc *p, const void *image, size_t size)
{
	struct percpu *c = this_cpu();
	struct start s = { p, 0, 0 };
	struct watchdog_state test_wd;
	bool irq = irqs_enabled();
	int ret, r;

	if (c->current)
		return -EBUSY;
	p->pid = __atomic_add_fetch(&last_pid, 1, __ATOMIC_RELAXED);
	p->uvm = uvm_create();
	p->kstack = failable(page_alloc_va(KSTACK_ORDER));
	ret = -ENOMEM;
	if (!p->uvm || !p->kstack)
		goto out;
	ret = load_elf(p, image, size, &s.entry);
	if (!ret)
		ret = setup_stack(p, &s.rsp);
	if (ret)
		goto out;
	c->current = p;
	ret = syscall_ops ? syscall_ops->prepare(p) : 0;
	if (ret) {
		c->current = NULL;
		goto out;
	}

	c->kstack_top = (u64)(uintptr_t)p->kstack + KSTACK_SIZE;
	cpu_set_kernel_stack(c->kstack_top);
	uvm_activate(p->uvm);
	watchdog_save(&test_wd);
	watchdog_arm(p->time_limit_ms ? p->time_limit_ms : time_limit_s * 1000, p->name,
		     out_of_time);
	r = trap_call(proc_enter, &s, NULL, true);
	user_access_end();	/* a fault in ring 3 may bring the program's EFLAGS.AC along */
	watchdog_restore(&test_wd);
	if (r) {
		p->end = PROC_KERNEL_CRASH;
		p->status = r - 1;
	}
	if (irq)
		irq_enable();
	else
		irq_disable();
	/*
	 * mappings and files go first, while p is current: their pins are
	 * charged to it, and a device mapping holds its file
	 */
	uvm_unmap_all(p->uvm);
	if (syscall_ops)
		syscall_ops->release(p);
	uvm_activate(NULL);
	c->current = NULL;
	c->kstack_top = 0;
	cpu_set_kernel_stack(0);
out:
	uvm_destroy(p->uvm);
	page_free_va(p->kstack, KSTACK_ORDER);
	p->uvm = NULL;
	p->kstack = NULL;
	return ret;
}

__noreturn void proc_exit(int status)
{
	struct proc *p = proc_current();

	if (!p)
		panic("proc_exit: no process");
	p->end = PROC_EXITED;
	p->status = status;
	if (p->out)
		p->out(p->out_ctx, NULL, 0);
	klongjmp(&p->exit_jb, 1);
}
