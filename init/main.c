// SPDX-License-Identifier: MIT
/*
 * The kernel's main, entered from boot.S: the one place that knows every
 * layer. It brings the machine up in dependency order (arch, IOMMU drivers,
 * the syscall stub, the test environment), runs the selected suites, and
 * ends the run with a status the lab can read.
 */
#include "arch/x86/acpi.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/cpu.h"
#include "arch/x86/fwcfg.h"
#include "arch/x86/ioapic.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/percpu.h"
#include "arch/x86/proc.h"
#include "arch/x86/smbios.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "arch/x86/watchdog.h"
#include "arch/x86/x86.h"
#include "boot/bootinfo.h"
#include "init/bringup.h"
#include "iommu/iommu_init.h"
#include "iommu/irq_remap.h"
#include "ioctl-sim/syscall.h"
#include "ioctl-sim/vfio_dev.h"
#include "lib/lockdep.h"
#include "lib/string.h"
#include "tests/kernel/env.h"
#include "tests/kernel/fwstage.h"
#include "tests/ktest.h"

#ifndef IOMMU_TESTOS_VERSION
#define IOMMU_TESTOS_VERSION "unknown"
#endif

void boot_main(u32 magic, u32 info);

static void set_exit_mode(void)
{
	char buf[16];

	if (!cmdline_get("exit", buf, sizeof(buf)))
		return;
	if (!strcmp(buf, "halt"))
		console_set_exit_mode(EXIT_HALT);
	else if (!strcmp(buf, "reboot"))
		console_set_exit_mode(EXIT_REBOOT);
	else if (!strcmp(buf, "qemu"))
		console_set_exit_mode(EXIT_QEMU);
}

static void opt_word(const char *w, size_t n, void *ctx)
{
	ktest_parse_opt(ctx, w, n);
}

static void print_boot_summary(void)
{
	const struct smbios_info *sm = smbios_get();
	u64 usable = 0;

	printk("# iommu-testos %s: booted by %s%s%s%s\n", IOMMU_TESTOS_VERSION,
	       bootinfo_loader_str(boot_info.loader), boot_info.loader_name[0] ? " (" : "",
	       boot_info.loader_name, boot_info.loader_name[0] ? ")" : "");
	if (boot_info.efi)
		printk("# firmware: UEFI\n");
	printk("# machine: %s %s, firmware %s %s (%s)%s%s\n", sm->vendor, sm->product,
	       sm->bios_vendor, sm->bios_version, sm->bios_date, sm->error[0] ? "; SMBIOS: " : "",
	       sm->error);
	printk("# cmdline: %s\n", boot_info.cmdline);
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_region *r = &boot_info.mmap[i];

		if (r->type == MEM_USABLE)
			usable += r->len;
	}
	printk("# memory: %d regions, %llu MiB usable, %llu MiB free after boot, RAM top %#llx\n",
	       boot_info.nmmap, (unsigned long long)(usable >> 20),
	       (unsigned long long)(pmm_free_pages() >> 8), (unsigned long long)mm_ram_top());
	printk("# cpu: %s, phys bits %u, nx %d, 1G pages %d, x2apic %d, tsc %llu MHz\n",
	       cpu_feat.vendor, cpu_feat.phys_bits, cpu_feat.nx, cpu_feat.pdpe1gb,
	       cpu_feat.x2apic, (unsigned long long)(tsc_hz() / 1000000));
	printk("# lapic: %s, boot CPU APIC ID %u; MADT: %d processors, %d enabled\n",
	       lapic_mode_str(), lapic_id(), acpi.madt.ncpus, acpi.madt.nenabled);
}

static void print_edge(const char *held, const char *then, void *ctx)
{
	printk("# lockdep: %s -> %s\n", held, then);
}

void boot_main(u32 magic, u32 info)
{
	struct ktest_opts opts = { 0 };
	struct ktest_totals tot;

	percpu_init_boot();
	cpu_detect();
	cpu_load_tables(cpu_tables_boot());
	idt_init();
	bootinfo_parse(magic, info);
	if (boot_info.loader == BOOT_NONE)
		panic("boot_main: unknown boot magic %#x", magic);
	fwcfg_append_cmdline();	/* QEMU runs of fixed media (ISO, netboot) add words */
	mm_init();
	cpu_set_kernel_stack(0);
	cpu_setup_features();
	proc_init();
	set_exit_mode();
	acpi_init();
	lapic_init();
	ioapic_init();		/* every pin masked until a line is requested */
	irq_enable();
	tsc_calibrate();
	watchdog_init();
	pci_init();
	if (cmdline_flag("selftest_early_fault"))
		trap_selftest_gp();	/* make check: a crash before the consoles must be seen */
	console_setup();	/* until here printk output waited in a buffer */
	smbios_init();
	print_boot_summary();
	smp_init();		/* every other CPU: up and idle, or reported */
	fwstage_run();		/* fwstage=ir: a firmware that left interrupt remapping on */
	iommu_init();		/* IOMMU driver by ACPI or iommu=, PCI devices bound */
	fwstage_after();
	irq_remap_report();
	syscall_init();		/* ring 3's system calls, onto ioctl-sim */
	vfio_dev_init();	/* /dev/vfio/devices/vfioN for ring 3 */
	iommu_test_env_init();
	bringup_report();	/* "# bringup: {...}", before the tests */

	opts.seed = rdtsc() & 0xffffffffULL;
	cmdline_for_each(opt_word, &opts);
	tot = ktest_run_all(&opts);
	if (cmdline_flag("lockdep_edges"))
		lockdep_for_each_edge(print_edge, NULL);
	printk("# lockdep: %d lock classes, %d orders seen, %lu inversions\n", lockdep_classes(),
	       lockdep_edges(), lockdep_inversions());
	if (opts.list)
		machine_exit(EXIT_PASS);
	machine_exit(tot.failed ? EXIT_FAIL : EXIT_PASS);
}
