/* SPDX-License-Identifier: MIT */
/*
 * The hosted platform (arch/host/, twin of arch/x86/) and the knobs tests
 * turn on it: failing page allocations, virtual time, a fake PCI bus, MMIO
 * windows backed by software models, MSI delivery, the memlock rlimit.
 */
#ifndef ARCH_HOST_HOST_H
#define ARCH_HOST_HOST_H

#include "arch/x86/pci.h"
#include "lib/types.h"

/* pmm.c: the next n page allocations succeed, then every one fails (-1: never fail). */
void host_pages_fail_after(long n);
long host_pages_live(void);

/*
 * tsc.c: nonzero: every deadline check advances a virtual clock by this many
 * microseconds instead of reading the real one, so a driver's one-second
 * hardware time-out passes in a few thousand polls. 0 (default): real time.
 */
void host_poll_step_us(u64 us);

/* boot.c: the kernel command line boot/cmdline.c reads (boot_info.cmdline). */
void host_set_cmdline(const char *line);

/* pci.c: pci_find_bdf() looks here; config space is pci_dev.cfg (4 KiB, may be NULL). */
extern struct pci_dev *host_pci_devs;
extern int host_pci_ndevs;

/* kpt.c: ioremap(pa, len) returns va for a window registered here, else NULL. */
void host_mmio_add(phys_addr_t pa, void *va, size_t len);
void host_mmio_reset(void);

/* trap.c: deliver an MSI: the handler irq_alloc_vector() put on this vector runs. */
void host_msi(u32 data);
/* trap.c: the local APIC's mode lapic_x2apic() reports (default xAPIC). */
void host_set_x2apic(bool on);

/*
 * platform.c: pins count against the process's RLIMIT_MEMLOCK, as on
 * Linux for a process without CAP_IPC_LOCK (libiommufd-host.so turns this on).
 */
void host_use_rlimit(void);

/*
 * umem.c: user copies as plain copies whose faults (SIGSEGV, SIGBUS) our
 * handler turns into -EFAULT, instead of a process_vm_readv/writev system
 * call per copy; same results. The fuzz targets turn it on for speed; off
 * by default, since a program's own SIGSEGV handler would take the faults.
 */
void host_user_copy_fast(bool on);

#endif
