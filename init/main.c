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
#include "arch/x86/prof.h"
#include "arch/x86/x86.h"
#include "boot/bootinfo.h"
#include "init/bringup.h"
#include "iommu/iommu_init.h"
#include "iommu/irq_remap.h"
#include "ioctl-sim/syscall.h"
#include "ioctl-sim/vfio_dev.h"
#include "lib/lockdep.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/kernel/env.h"
#include "tests/kernel/fwstage.h"
#include "tests/ktest.h"
#include "testdev/edu.h"

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

	printk("# iommu-testos %s: booted by %s%s%s%s\n", iommu_testos_version,
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

/*
 * Where a run's time goes: the TSC at the end of each boot stage. Under
 * QEMU (and most firmware) the TSC counts from reset, so the first
 * stage's value is the time before the kernel ran (firmware, loader).
 */
#define MAX_STAGES 16
static struct {
	const char *name;
	u64 tsc;
} stages[MAX_STAGES];
static int nstages;

static void stage(const char *name)
{
	if (nstages < MAX_STAGES) {
		stages[nstages].name = name;
		stages[nstages].tsc = rdtsc();
		nstages++;
	}
}

/* TSC ticks as "ms.d" (after tsc_calibrate). */
static const char *ms(u64 ticks, char *buf, size_t n)
{
	u64 tenths = ticks / (tsc_hz() / 10000);	/* TSCs run at MHz, not kHz */

	snprintf(buf, n, "%llu.%llu", (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10));
	return buf;
}

/* "# time: boot ..." (one line: scripts/bench reads it). */
static void print_boot_times(void)
{
	char line[400], b[24];
	size_t len;

	len = (size_t)snprintf(line, sizeof(line), "# time: before the kernel %s ms,",
			       ms(stages[0].tsc, b, sizeof(b)));
	len += (size_t)snprintf(line + len, sizeof(line) - len, " boot %s ms:",
				ms(stages[nstages - 1].tsc - stages[0].tsc, b, sizeof(b)));
	for (int i = 1; i < nstages && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s %s", stages[i].name,
					ms(stages[i].tsc - stages[i - 1].tsc, b, sizeof(b)));
	printk("%s\n", line);
}

void boot_main(u32 magic, u32 info)
{
	struct ktest_opts opts = { 0 };
	struct ktest_totals tot;
	char line[24];
	unsigned long dmas;
	u64 t0, dma_ns;

	stage("entry");
	percpu_init_boot();
	cpu_detect();
	cpu_load_tables(cpu_tables_boot());
	idt_init();
	bootinfo_parse(magic, info);
	if (boot_info.loader == BOOT_NONE)
		panic("boot_main: unknown boot magic %#x", magic);
	fwcfg_append_cmdline();	/* QEMU runs of fixed media (ISO, netboot) add words */
	if (cmdline_get("lockdep", line, sizeof(line)) && !strcmp(line, "0"))
		lockdep_disable();	/* no lock is held yet */
	mm_init();
	tcg_init();
	stage("mm");
	cpu_set_kernel_stack(0);
	cpu_setup_features();
	proc_init();
	set_exit_mode();
	stage("cpu");
	acpi_init();
	stage("acpi");
	lapic_init();
	ioapic_init();		/* every pin masked until a line is requested */
	irq_enable();
	stage("apic");
	tsc_calibrate();
	stage("tsc");
	watchdog_init();
	prof_init();
	pci_init();
	stage("pci");
	if (cmdline_flag("selftest_early_fault"))
		trap_selftest_gp();	/* make check: a crash before the consoles must be seen */
	console_setup();	/* until here printk output waited in a buffer */
	smbios_init();
	print_boot_summary();
	stage("console");
	smp_init();		/* every other CPU: up and idle, or reported */
	stage("smp");
	fwstage_run();		/* fwstage=ir: a firmware that left interrupt remapping on */
	iommu_init();		/* IOMMU driver by ACPI or iommu=, PCI devices bound */
	fwstage_after();
	irq_remap_report();
	stage("iommu");
	syscall_init();		/* ring 3's system calls, onto ioctl-sim */
	vfio_dev_init();	/* /dev/vfio/devices/vfioN for ring 3 */
	iommu_test_env_init();
	bringup_report();	/* "# bringup: {...}", before the tests */
	stage("report");
	print_boot_times();

	opts.seed = rdtsc() & 0xffffffffULL;
	cmdline_for_each(opt_word, &opts);
	t0 = rdtsc();
	tot = ktest_run_all(&opts);
	edu_dma_totals(&dmas, &dma_ns);
	/* QEMU 7.2's edu ends a DMA 100 ms (its virtual clock) after it starts */
	printk("# time: tests %s ms, of which %llu ms waiting for %lu edu DMAs\n",
	       ms(rdtsc() - t0, line, sizeof(line)), (unsigned long long)(dma_ns / 1000000), dmas);
	if (cmdline_flag("lockdep_edges"))
		lockdep_for_each_edge(print_edge, NULL);
	printk("# lockdep: %d lock classes, %d orders seen, %lu inversions\n", lockdep_classes(),
	       lockdep_edges(), lockdep_inversions());
	if (opts.list)
		machine_exit(EXIT_PASS);
	machine_exit(tot.failed ? EXIT_FAIL : EXIT_PASS);
}
