// SPDX-License-Identifier: MIT
/*
 * Linux's signals for ring-3 processes: actions, the blocked mask, kill
 * within a run, alarm, and delivery on the way back to ring 3 through the
 * x86-64 rt_sigframe (handler with siginfo and ucontext, sa_restorer, then
 * rt_sigreturn), or the default action: ignore, or end the process. No job
 * control: the stop signals are ignored. Layouts: Linux's
 * arch/x86/include/uapi/asm/sigcontext.h, include/uapi/asm-generic/siginfo.h.
 */
#include "arch/x86/proc.h"
#include "arch/x86/cpu.h"
#include "arch/x86/tsc.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "lib/alloc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include <asm/signal.h>

#define SIG_DFL		0
#define SIG_IGN		1
#define UC_SIGCONTEXT_SS 0x2
#define RED_ZONE	128
/* the flags sigreturn takes from user space (Linux's FIX_EFLAGS) */
#define FIX_EFLAGS	(0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x10000 | 0x40000)

#define BIT(sig)	(1ULL << ((sig) - 1))
#define UNBLOCKABLE	(BIT(SIGKILL) | BIT(SIGSTOP))
/* default action "ignore" (the stop signals too: no job control here) */
#define DEFAULT_IGNORE	(BIT(SIGCHLD) | BIT(SIGCONT) | BIT(SIGURG) | BIT(SIGWINCH) | \
			 BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU))

/* struct sigcontext_64 */
struct sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;			/* user pointer to the FXSAVE image */
	u64 reserved1[8];
};

struct ucontext {
	u64 uc_flags, uc_link;
	struct {
		u64 ss_sp;
		s32 ss_flags, pad;
		u64 ss_size;
	} uc_stack;
	struct sigcontext uc_mcontext;
	u64 uc_sigmask;
};

struct siginfo {
	s32 si_signo, si_errno, si_code, pad;
	union {
		struct {
			s32 pid;
			u32 uid;
			s32 status;
		} kill;
		u64 addr;
		u8 bytes[112];
	};
};

/* What the handler finds at its rsp: the return address, then the context. */
struct rt_sigframe {
	u64 pretcode;
	struct ucontext uc;
	struct siginfo info;
};

_Static_assert(sizeof(struct sigcontext) == 256, "sigcontext");
_Static_assert(sizeof(struct siginfo) == 128, "siginfo");
_Static_assert(offsetof(struct ucontext, uc_mcontext) == 40, "ucontext");

static bool canonical(u64 va)
{
	return (u64)((s64)(va << 16) >> 16) == va;
}

static bool valid(int sig)
{
	return sig >= 1 && sig <= PROC_NSIG;
}

/* Whether sig would be thrown away on arrival (ignored, and not blocked). */
static bool ignored(const struct proc_signals *s, int sig)
{
	u64 h = s->action[sig - 1].handler;

	if (sig == SIGKILL || (s->blocked & BIT(sig)))
		return false;
	return h == SIG_IGN || (h == SIG_DFL && (DEFAULT_IGNORE & BIT(sig)));
}

void proc_signal(struct proc *q, int sig, int code, int from_pid)
{
	struct proc_signals *s = q->sig;

	if (!valid(sig) || q->zombie || ignored(s, sig))
		return;
	s->pending |= BIT(sig);
	s->info[sig - 1].code = code;
	s->info[sig - 1].pid = from_pid;
}

/* Signals q would act on now. */
static u64 ready(const struct proc_signals *s)
{
	return s->pending & (~s->blocked | BIT(SIGKILL));
}

bool proc_signal_pending(void)
{
	struct proc *p = proc_current();

	return p && ready(p->sig);
}

bool proc_signal_fatal(const struct proc *p)
{
	return p->sig->pending & BIT(SIGKILL);
}

bool proc_signal_catchable(const struct proc *p, int sig)
{
	u64 h = p->sig->action[sig - 1].handler;

	return h != SIG_DFL && h != SIG_IGN && !(p->sig->blocked & BIT(sig));
}

int proc_trap_signal(u64 vector)
{
	switch (vector) {
	case VEC_DE:
	case 16:		/* #MF */
	case 19:		/* #XM */
		return SIGFPE;
	case VEC_DB:
	case VEC_BP:
		return SIGTRAP;
	case VEC_UD:
		return SIGILL;
	case 17:		/* #AC */
		return SIGBUS;
	default:
		return SIGSEGV;
	}
}

long proc_sigaction(int sig, const struct proc_sigaction *act, struct proc_sigaction *old)
{
	struct proc_signals *s = proc_current()->sig;

	if (!valid(sig) || (act && (UNBLOCKABLE & BIT(sig))))
		return -EINVAL;
	if (old)
		*old = s->action[sig - 1];
	if (act) {
		s->action[sig - 1] = *act;
		s->action[sig - 1].mask &= ~UNBLOCKABLE;
		if (ignored(s, sig))
			s->pending &= ~BIT(sig);	/* as Linux: a pending one goes too */
	}
	return 0;
}

long proc_sigprocmask(int how, const u64 *set, u64 *old)
{
	struct proc_signals *s = proc_current()->sig;

	if (how < SIG_BLOCK || how > SIG_SETMASK)
		return -EINVAL;
	if (old)
		*old = s->blocked;
	if (!set)
		return 0;
	if (how == SIG_BLOCK)
		s->blocked |= *set;
	else if (how == SIG_UNBLOCK)
		s->blocked &= ~*set;
	else
		s->blocked = *set;
	s->blocked &= ~UNBLOCKABLE;
	return 0;
}

/* Whether q is a target of kill(pid) from p. */
static bool kill_target(const struct proc *p, const struct proc *q, int pid)
{
	if (pid > 0)
		return q->pid == pid;
	if (pid == -1)
		return q != p;
	return q->pgid == (pid == 0 ? p->pgid : -pid);
}

long proc_kill(int pid, int sig)
{
	struct proc *p = proc_current(), *q;
	bool found = false;

	if (sig < 0 || sig > PROC_NSIG || pid == (int)0x80000000)
		return -EINVAL;
	list_for_each_entry(q, &p->job->procs, node) {
		if (!kill_target(p, q, pid))
			continue;
		found = true;
		if (sig)
			proc_signal(q, sig, SI_USER, p->pid);
	}
	return found ? 0 : -ESRCH;
}

u64 proc_alarm(u64 secs)
{
	struct proc_signals *s = proc_current()->sig;
	u64 now = time_ns(), left = 0;

	if (s->alarm_ns > now)
		left = (s->alarm_ns - now + 999999999ULL) / 1000000000ULL;
	s->alarm_ns = secs ? now + min(secs, 1ULL << 32) * 1000000000ULL : 0;
	return left;
}

int proc_signals_init(struct proc *p, const struct proc *parent)
{
	p->sig = failable(kzalloc(sizeof(*p->sig)));
	if (!p->sig)
		return -ENOMEM;
	if (parent) {
		/* fork: the actions and the mask, nothing pending, no alarm */
		memcpy(p->sig->action, parent->sig->action, sizeof(p->sig->action));
		p->sig->blocked = parent->sig->blocked;
	}
	return 0;
}

void proc_signals_free(struct proc *p)
{
	kfree(p->sig);
	p->sig = NULL;
}

/* The MXCSR bits fxrstor takes (a reserved one set is #GP in the kernel). */
static u32 mxcsr_mask(void)
{
	static u32 mask;
	u8 area[512] __aligned(16);

	if (!mask) {
		fxsave(area);
		memcpy(&mask, area + 28, sizeof(mask));
		if (!mask)
			mask = 0xffbf;
	}
	return mask;
}

/*
 * Build the handler's frame on the user stack below tf->rsp (past the red
 * zone): the FXSAVE image, then struct rt_sigframe, rsp + 8 16-aligned as
 * after a call. 0, or -EFAULT when the stack cannot take it.
 */
static int setup_frame(struct proc *p, struct trap_frame *tf, int sig,
		       const struct proc_sigaction *act)
{
	struct proc_signals *s = p->sig;
	u8 fpu[512] __aligned(16);
	struct rt_sigframe f;
	struct sigcontext *sc = &f.uc.uc_mcontext;
	u64 fp = ALIGN_DOWN(tf->rsp - RED_ZONE - sizeof(fpu), 64);
	u64 sp = ALIGN_DOWN(fp - sizeof(f), 16) - 8;

	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS;
	f.uc.uc_sigmask = s->blocked;
	*sc = (struct sigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11, .r12 = tf->r12,
		.r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15, .rdi = tf->rdi, .rsi = tf->rsi,
		.rbp = tf->rbp, .rbx = tf->rbx, .rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx,
		.rsp = tf->rsp, .rip = tf->rip, .eflags = tf->rflags, .cs = (u16)tf->cs,
		.ss = (u16)tf->ss, .err = tf->vector < 32 ? tf->error : 0,
		.trapno = tf->vector < 32 ? tf->vector : 0, .oldmask = s->blocked,
		.cr2 = tf->vector == VEC_PF ? read_cr2() : 0, .fpstate = fp,
	};
	f.info.si_signo = sig;
	f.info.si_code = s->info[sig - 1].code;
	f.info.kill.pid = s->info[sig - 1].pid;
	f.info.kill.uid = 1000;
	fxsave(fpu);
	if (copy_to_user(fp, fpu, sizeof(fpu)) || copy_to_user(sp, &f, sizeof(f)))
		return -EFAULT;
	tf->rsp = sp;
	tf->rip = act->handler;
	tf->rdi = (u64)sig;
	tf->rsi = sp + offsetof(struct rt_sigframe, info);
	tf->rdx = sp + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rflags &= ~(0x100ULL | 0x400ULL);	/* TF, DF off for the handler */
	tf->cs = SEL_UCODE | 3;
	tf->ss = SEL_UDATA | 3;
	return 0;
}

long proc_sigreturn(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	u8 fpu[512] __aligned(16);
	struct ucontext uc;
	struct sigcontext *sc = &uc.uc_mcontext;
	u32 mxcsr;

	/* the handler's ret took pretcode: the frame starts 8 below rsp */
	if (copy_from_user(&uc, tf->rsp - 8 + offsetof(struct rt_sigframe, uc), sizeof(uc)) ||
	    (sc->fpstate && copy_from_user(fpu, sc->fpstate, sizeof(fpu))))
		proc_exit_signal(SIGSEGV);
	/* iretq to a non-canonical rip faults in the kernel: Linux's result, SIGSEGV, now */
	if (!canonical(sc->rip))
		proc_exit_signal(SIGSEGV);
	*tf = (struct trap_frame){
		.r15 = sc->r15, .r14 = sc->r14, .r13 = sc->r13, .r12 = sc->r12, .r11 = sc->r11,
		.r10 = sc->r10, .r9 = sc->r9, .r8 = sc->r8, .rbp = sc->rbp, .rdi = sc->rdi,
		.rsi = sc->rsi, .rdx = sc->rdx, .rcx = sc->rcx, .rbx = sc->rbx, .rax = sc->rax,
		.vector = VEC_SIGRETURN, .rip = sc->rip, .cs = SEL_UCODE | 3,
		.rflags = (tf->rflags & ~(u64)FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS) | 0x200,
		.rsp = sc->rsp, .ss = SEL_UDATA | 3,
	};
	if (sc->fpstate) {
		memcpy(&mxcsr, fpu + 24, sizeof(mxcsr));
		mxcsr &= mxcsr_mask();
		memcpy(fpu + 24, &mxcsr, sizeof(mxcsr));
		fxrstor(fpu);
	}
	p->sig->blocked = uc.uc_sigmask & ~UNBLOCKABLE;
	p->iret = true;		/* rcx and r11 come back too: not by sysret */
	return (long)sc->rax;
}

/* A syscall interrupted at tf by a signal handler: restarted after it (SA_RESTART) or EINTR. */
static void restart_or_eintr(struct proc *p, struct trap_frame *tf, bool restart)
{
	if (tf->vector != VEC_SYSCALL || tf->rax != (u64)-ERESTARTSYS)
		return;
	if (restart) {
		tf->rax = p->syscall_nr;
		tf->rip -= 2;		/* the syscall instruction again */
	} else {
		tf->rax = (u64)-EINTR;
	}
}

bool proc_signals_deliver(struct trap_frame *tf)
{
	struct proc *p = proc_current();
	struct proc_signals *s = p->sig;
	bool iret = p->iret;
	u64 r;

	p->iret = false;
	while ((r = ready(s))) {
		int sig = __builtin_ctzll(r) + 1;
		struct proc_sigaction act = s->action[sig - 1];

		if (r & BIT(SIGKILL))
			sig = SIGKILL;
		s->pending &= ~BIT(sig);
		if (sig == SIGKILL || act.handler == SIG_DFL) {
			if (sig != SIGKILL && (DEFAULT_IGNORE & BIT(sig)))
				continue;
			proc_exit_signal(sig);
		}
		if (act.handler == SIG_IGN)
			continue;
		restart_or_eintr(p, tf, act.flags & SA_RESTART);
		if (setup_frame(p, tf, sig, &act))
			proc_exit_signal(SIGSEGV);
		s->blocked |= act.mask | ((act.flags & SA_NODEFER) ? 0 : BIT(sig));
		s->blocked &= ~UNBLOCKABLE;
		if (act.flags & SA_RESETHAND)
			s->action[sig - 1].handler = SIG_DFL;
		return true;
	}
	/* no handler ran: an interrupted call starts again, as Linux's ERESTARTSYS */
	restart_or_eintr(p, tf, true);
	return iret;
}
