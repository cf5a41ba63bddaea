/* SPDX-License-Identifier: MIT */
/*
 * The kernel's system-call layer (syscall.c): Linux-numbered calls from ring
 * 3 onto the fd table, /dev/iommu and the VFIO device files. Kernel only.
 */
#ifndef IOCTL_SIM_SYSCALL_H
#define IOCTL_SIM_SYSCALL_H

/* Install the layer under arch/x86/proc.c (before the first process runs). */
void syscall_init(void);

/*
 * Inside a system call: wait until cond or the time_ns() deadline; cond is
 * tested with interrupts off and the CPU halts with them on in one step, so
 * an interrupt that makes cond true is never slept through. Evaluates to
 * cond's last value; interrupts are on afterwards.
 */
#define sim_wait_until(cond, deadline_ns)                                    \
	({                                                                   \
		bool __c;                                                    \
		for (;;) {                                                   \
			irq_disable();                                       \
			__c = (cond);                                        \
			if (__c || time_ns() >= (deadline_ns))               \
				break;                                       \
			sti_halt();                                          \
		}                                                            \
		irq_enable();                                                \
		__c;                                                         \
	})

#endif
