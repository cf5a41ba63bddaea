// SPDX-License-Identifier: MIT
/*
 * The process system calls of ring 3 (Linux x86-64 numbers and semantics)
 * onto arch/x86/proc.h: fork/clone, wait4, exit, signals, alarm, sleeps,
 * brk, identity, clocks, resource limits, capabilities and what a static
 * glibc asks for at start (arch_prctl, set_tid_address, set_robust_list,
 * getrandom, uname). syscall.c's table points here. Layouts: Linux's
 * include/uapi (asm-generic/resource.h, linux/utsname.h, asm/prctl.h).
 */
#include "arch/x86/mm.h"
#include "arch/x86/proc.h"
#include "arch/x86/tsc.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "ioctl-sim/syscall.h"
#include "lib/errno.h"
#include "lib/string.h"
#include <asm/signal.h>

#define CLOCK_BOOTTIME		7
#define TIMER_ABSTIME		1
#define RLIMIT_MEMLOCK		8
#define RLIM_NLIMITS		16
#define RLIM_INFINITY		(~0ULL)
#define ARCH_SET_GS		0x1001
#define ARCH_SET_FS		0x1002
#define ARCH_GET_FS		0x1003
#define ARCH_GET_GS		0x1004
#define MADV_NORMAL		0
#define MADV_DONTNEED		4
#define MADV_FREE		8
#define MADV_HUGEPAGE		14
#define MADV_NOHUGEPAGE		15
#define GRND_NONBLOCK		1
#define GRND_RANDOM		2
#define GRND_INSECURE		4
#define ROBUST_LIST_HEAD_SIZE	24
#define LINUX_CAPABILITY_VERSION_3 0x20080522

struct linux_timespec {
	s64 tv_sec, tv_nsec;
};

struct linux_rlimit {
	u64 rlim_cur, rlim_max;
};

static struct proc *cur(void)
{
	return proc_current();
}

/* The registers of the call in progress: the frame at the top of the kernel stack. */
static struct trap_frame *frame(void)
{
	return proc_user_frame(cur());
}

long sys_exit(const u64 *arg)
{
	proc_exit((int)(arg[0] & 0xff));
}

/* fork and clone share one path: flags, the child's stack, the tid pointers, TLS. */
static long do_clone(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls)
{
	struct trap_frame tf = *frame();

	if (newsp)
		tf.rsp = newsp;
	return proc_fork(&tf, flags, parent_tid, child_tid, tls);
}

long sys_fork(const u64 *arg)
{
	return do_clone(SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(const u64 *arg)
{
	return do_clone(0x4000 | 0x100 | SIGCHLD /* CLONE_VFORK | CLONE_VM */, 0, 0, 0, 0);
}

/* x86-64 order: flags, newsp, parent_tid, child_tid, tls. */
long sys_clone(const u64 *arg)
{
	return do_clone(arg[0], arg[1], arg[2], arg[3], arg[4]);
}

/* wait4(pid, wstatus, options, rusage): the rusage is all zeros. */
long sys_wait4(const u64 *arg)
{
	u8 rusage[144] = { 0 };
	int status = 0;
	long ret = proc_wait((int)arg[0], &status, (int)arg[2]);

	if (ret <= 0)
		return ret;
	/* Linux has reaped the child by now too: a bad pointer still says EFAULT */
	if (arg[1] && copy_to_user(arg[1], &status, sizeof(status)))
		return -EFAULT;
	if (arg[3] && copy_to_user(arg[3], rusage, sizeof(rusage)))
		return -EFAULT;
	return ret;
}

long sys_kill(const u64 *arg)
{
	return proc_kill((int)arg[0], (int)arg[1]);
}

/* A thread of the caller's (one thread per process here) or -ESRCH. */
static long thread_kill(int tgid, int tid, int sig)
{
	struct proc *q;

	if (tid <= 0 || (tgid != -1 && tgid <= 0) || sig < 0 || sig > PROC_NSIG)
		return -EINVAL;
	q = proc_find(tid);
	if (!q || q->zombie || (tgid != -1 && tgid != tid))
		return -ESRCH;
	if (sig)
		proc_signal(q, sig, SI_TKILL, cur()->pid);
	return 0;
}

long sys_tkill(const u64 *arg)
{
	return thread_kill(-1, (int)arg[0], (int)arg[1]);
}

long sys_tgkill(const u64 *arg)
{
	return thread_kill((int)arg[0], (int)arg[1], (int)arg[2]);
}

/* rt_sigaction(sig, act, oact, sigsetsize) with Linux's x86-64 struct sigaction. */
long sys_rt_sigaction(const u64 *arg)
{
	struct proc_sigaction act, old;
	long ret;

	if (arg[3] != 8)
		return -EINVAL;
	if (arg[1] && copy_from_user(&act, arg[1], sizeof(act)))
		return -EFAULT;
	ret = proc_sigaction((int)arg[0], arg[1] ? &act : NULL, &old);
	if (!ret && arg[2] && copy_to_user(arg[2], &old, sizeof(old)))
		return -EFAULT;
	return ret;
}

long sys_rt_sigprocmask(const u64 *arg)
{
	u64 set, old;
	long ret;

	if (arg[3] != 8)
		return -EINVAL;
	if (arg[1] && copy_from_user(&set, arg[1], sizeof(set)))
		return -EFAULT;
	ret = proc_sigprocmask((int)arg[0], arg[1] ? &set : NULL, &old);
	if (!ret && arg[2] && copy_to_user(arg[2], &old, sizeof(old)))
		return -EFAULT;
	return ret;
}

long sys_rt_sigreturn(const u64 *arg)
{
	return proc_sigreturn(frame());
}

long sys_alarm(const u64 *arg)
{
	return (long)proc_alarm((u32)arg[0]);
}

long sys_pause(const u64 *arg)
{
	sim_wait_until(false, ~0ULL);
	return -EINTR;	/* Linux's ERESTARTNOHAND: a handler ran */
}

long sys_sched_yield(const u64 *arg)
{
	proc_yield();
	return 0;
}

/* Sleep until the time_ns() deadline or a signal: 0 or -EINTR. */
static long sleep_until(u64 deadline)
{
	sim_wait_until(false, deadline);
	return time_ns() >= deadline ? 0 : -EINTR;
}

static long read_timespec(u64 uts, u64 *ns)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000LL)
		return -EINVAL;
	*ns = (u64)ts.tv_sec > (~0ULL / 2) / 1000000000ULL ? ~0ULL / 2 :
	      (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
	return 0;
}

/* What is left of a relative sleep cut short by a signal, into *urem. */
static long sleep_for(u64 ns, u64 urem)
{
	u64 start = time_ns(), deadline = start + ns;
	long ret = sleep_until(deadline < start ? ~0ULL : deadline);

	if (ret == -EINTR && urem) {
		u64 left = deadline - min(time_ns(), deadline);
		struct linux_timespec ts = { (s64)(left / 1000000000ULL),
					     (s64)(left % 1000000000ULL) };

		if (copy_to_user(urem, &ts, sizeof(ts)))
			return -EFAULT;
	}
	return ret;
}

long sys_nanosleep(const u64 *arg)
{
	u64 ns;
	long ret = read_timespec(arg[0], &ns);

	return ret ? ret : sleep_for(ns, arg[1]);
}

/* clock_nanosleep(clock, flags, req, rem): every clock here is time_ns(). */
long sys_clock_nanosleep(const u64 *arg)
{
	u64 ns;
	long ret;

	if (arg[0] > CLOCK_BOOTTIME)
		return -EINVAL;
	ret = read_timespec(arg[2], &ns);
	if (ret)
		return ret;
	if (arg[1] & TIMER_ABSTIME)
		return sleep_until(ns);
	return sleep_for(ns, arg[3]);
}

long sys_clock_gettime(const u64 *arg)
{
	struct linux_timespec ts;
	u64 ns = time_ns();

	if (arg[0] > CLOCK_BOOTTIME)
		return -EINVAL;
	ts.tv_sec = (s64)(ns / 1000000000ULL);
	ts.tv_nsec = (s64)(ns % 1000000000ULL);
	if (copy_to_user(arg[1], &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

long sys_brk(const u64 *arg)
{
	return (long)proc_brk(arg[0]);
}

/* madvise: MADV_DONTNEED drops private contents; the hints are accepted and do nothing. */
long sys_madvise(const u64 *arg)
{
	u64 addr = arg[0], len = arg[1];

	if (addr % PAGE_SIZE || len > USER_MAX)
		return -EINVAL;
	switch (arg[2]) {
	case MADV_DONTNEED:
	case MADV_FREE:
		return uvm_discard(cur()->uvm, addr, len);
	case MADV_NORMAL:
	case 1:	/* MADV_RANDOM */
	case 2:	/* MADV_SEQUENTIAL */
	case 3:	/* MADV_WILLNEED */
	case 10:	/* MADV_DONTFORK */
	case 11:	/* MADV_DOFORK */
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_getpid(const u64 *arg)
{
	return cur()->pid;
}

long sys_gettid(const u64 *arg)
{
	return cur()->pid;
}

long sys_getppid(const u64 *arg)
{
	return cur()->parent ? cur()->parent->pid : 0;
}

long sys_getuid(const u64 *arg)
{
	return proc_uid(cur());
}

long sys_getgid(const u64 *arg)
{
	return proc_uid(cur());
}

/* setpgid(pid, pgid): the caller or a child of its, into a group of the run. */
long sys_setpgid(const u64 *arg)
{
	struct proc *p = cur(), *q;
	int pid = (int)arg[0], pgid = (int)arg[1];

	if (pgid < 0)
		return -EINVAL;
	q = pid ? proc_find(pid) : p;
	if (!q || q->zombie || (q != p && q->parent != p))
		return -ESRCH;
	q->pgid = pgid ? pgid : q->pid;
	return 0;
}

long sys_getpgid(const u64 *arg)
{
	struct proc *q = arg[0] ? proc_find((int)arg[0]) : cur();

	return q ? q->pgid : -ESRCH;
}

long sys_getpgrp(const u64 *arg)
{
	return cur()->pgid;
}

long sys_set_tid_address(const u64 *arg)
{
	cur()->clear_child_tid = arg[0];
	return cur()->pid;
}

/* Nobody walks the robust list (threads are not here): remembered as accepted. */
long sys_set_robust_list(const u64 *arg)
{
	return arg[1] == ROBUST_LIST_HEAD_SIZE ? 0 : -EINVAL;
}

long sys_arch_prctl(const u64 *arg)
{
	u64 v;

	switch (arg[0]) {
	case ARCH_SET_FS:
		if (arg[1] >= USER_MAX)
			return -EPERM;
		wrmsr(MSR_FS_BASE, arg[1]);
		return 0;
	case ARCH_GET_FS:
		v = rdmsr(MSR_FS_BASE);
		return copy_to_user(arg[1], &v, sizeof(v)) ? -EFAULT : 0;
	case ARCH_SET_GS:
	case ARCH_GET_GS:
		return -EPERM;	/* the kernel's GS base is swapped in at every entry: not offered */
	default:
		return -EINVAL;
	}
}

long sys_getrandom(const u64 *arg)
{
	u8 buf[64];
	u64 done = 0, n = min(arg[1], (u64)0x1ffffff);

	if (arg[2] & ~(u64)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	while (done < n) {
		size_t c = min_t(u64, n - done, sizeof(buf));

		proc_random(buf, c);
		if (copy_to_user(arg[0] + done, buf, c))
			return done ? (long)done : -EFAULT;
		done += c;
	}
	return (long)done;
}

/* struct new_utsname: six 65-byte strings. */
long sys_uname(const u64 *arg)
{
	static const char *const fields[6] = {
		"Linux", "iommu-testos", "6.12.0-iommu-testos", "#1", "x86_64", "(none)",
	};
	char u[6][65];

	memset(u, 0, sizeof(u));
	for (int i = 0; i < 6; i++)
		strlcpy(u[i], fields[i], sizeof(u[i]));
	return copy_to_user(arg[0], u, sizeof(u)) ? -EFAULT : 0;
}

/* RLIMIT_MEMLOCK limits pinned pages (core's accounting); others are unlimited. */
static long rlimit_get(u32 res, struct linux_rlimit *r)
{
	struct uvm *m = cur()->uvm;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	r->rlim_cur = r->rlim_max = RLIM_INFINITY;
	if (res == RLIMIT_MEMLOCK && m->memlock_limit < (RLIM_INFINITY >> PAGE_SHIFT))
		r->rlim_cur = m->memlock_limit << PAGE_SHIFT;
	return 0;
}

static long rlimit_set(u32 res, const struct linux_rlimit *r)
{
	if (res >= RLIM_NLIMITS || r->rlim_cur > r->rlim_max)
		return -EINVAL;
	if (res != RLIMIT_MEMLOCK)
		return r->rlim_cur == RLIM_INFINITY ? 0 : -EPERM;
	cur()->uvm->memlock_limit = r->rlim_cur >> PAGE_SHIFT;
	return 0;
}

long sys_prlimit64(const u64 *arg)
{
	struct linux_rlimit old, new;
	u64 pid = arg[0];
	long ret;

	if (pid && pid != (u64)cur()->pid)
		return -ESRCH;
	ret = rlimit_get((u32)arg[1], &old);
	if (ret)
		return ret;
	if (arg[2]) {
		if (copy_from_user(&new, arg[2], sizeof(new)))
			return -EFAULT;
		ret = rlimit_set((u32)arg[1], &new);
		if (ret)
			return ret;
	}
	if (arg[3] && copy_to_user(arg[3], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(const u64 *arg)
{
	u64 a[4] = { 0, arg[0], 0, arg[1] };

	return arg[1] ? sys_prlimit64(a) : -EFAULT;
}

long sys_setrlimit(const u64 *arg)
{
	u64 a[4] = { 0, arg[0], arg[1], 0 };

	return arg[1] ? sys_prlimit64(a) : -EFAULT;
}

/*
 * capget/capset: ring-3 processes have no capabilities (lib/platform.h's
 * model), root ones all (Linux's 41, CAP_LAST_CAP 40); a set reads as it is
 * and capset may only keep it.
 */
static long cap_header(u64 uhdr)
{
	u32 hdr[2];

	if (copy_from_user(hdr, uhdr, sizeof(hdr)))
		return -EFAULT;
	if (hdr[0] != LINUX_CAPABILITY_VERSION_3) {
		hdr[0] = LINUX_CAPABILITY_VERSION_3;
		return copy_to_user(uhdr, hdr, sizeof(hdr[0])) ? -EFAULT : -EINVAL;
	}
	return hdr[1] && (int)hdr[1] != cur()->pid ? -ESRCH : 0;
}

/* struct __user_cap_data_struct[2]: effective, permitted, inheritable, twice. */
static void cap_sets(u32 data[6])
{
	bool all = cur()->root;

	memset(data, 0, 6 * sizeof(u32));
	for (int i = 0; i < 2 && all; i++) {
		data[i * 3] = i ? 0x1ff : 0xffffffff;		/* effective */
		data[i * 3 + 1] = data[i * 3];			/* permitted */
	}
}

long sys_capget(const u64 *arg)
{
	u32 data[6];
	long ret = cap_header(arg[0]);

	if (ret || !arg[1])
		return ret;
	cap_sets(data);
	return copy_to_user(arg[1], data, sizeof(data)) ? -EFAULT : 0;
}

long sys_capset(const u64 *arg)
{
	u32 data[6], have[6];
	long ret = cap_header(arg[0]);

	if (ret)
		return ret;
	if (copy_from_user(data, arg[1], sizeof(data)))
		return -EFAULT;
	cap_sets(have);
	return memcmp(data, have, sizeof(data)) ? -EPERM : 0;
}
