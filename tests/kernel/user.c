// SPDX-License-Identifier: MIT
/*
 * user suite, kernel side: user address spaces, pinning rules, user copies,
 * and ring-3 programs that exit or die (the kernel must carry on and get
 * every page back). The Linux-style programs themselves are tests/user/.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/percpu.h"
#include "arch/x86/tsc.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "core/iommufd.h"
#include "testdev/edu.h"
#include "iommu/iommu.h"
#include "iommu/iommu_init.h"
#include "ioctl-sim/sim.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/kernel/user.h"

#define UBASE	0x40000000ULL	/* where these tests map things */

KTEST(user, test_user_uvm_kernel_half_supervisor_only)
{
	struct uvm *m = uvm_create();
	u64 *k = phys_to_virt(kpt_root());
	bool same = true, user = false, low = false;

	if (!m) {
		report(false, "uvm_create");
		return;
	}
	uvm_activate(m);
	report((read_cr3() & PTE_ADDR) == virt_to_phys(m->pml4), "CR3 switched to the new PML4");
	uvm_activate(NULL);
	report(read_cr3() == kpt_root(), "back on the kernel's tables");
	for (int i = 256; i < 512; i++) {
		same &= m->pml4[i] == k[i];
		user |= !!(m->pml4[i] & PTE_U);
	}
	for (int i = 0; i < 256; i++)
		low |= !!(m->pml4[i] & PTE_P);
	report(same, "upper half is the kernel's own tables");
	report(!user, "no kernel entry is user-accessible");
	report(!low, "lower half starts empty");
	uvm_destroy(m);
}

KTEST(user, test_user_uvm_map_unmap_split)
{
	u64 free0 = pmm_free_pages();
	struct uvm *m = uvm_create();
	long a, h;

	a = uvm_map(m, UBASE, 3 * PAGE_SIZE, UVM_READ | UVM_WRITE, UVM_FIXED, 0);
	report(a == (long)UBASE, "fixed map at %#llx", (unsigned long long)UBASE);
	report(uvm_unmap(m, UBASE + 1, PAGE_SIZE) == -EINVAL, "unaligned munmap -> EINVAL");
	report(uvm_unmap(m, UBASE + PAGE_SIZE, PAGE_SIZE) == 0, "unmap the middle page");
	report(uvm_find(m, UBASE) && uvm_find(m, UBASE + 2 * PAGE_SIZE) &&
	       !uvm_find(m, UBASE + PAGE_SIZE), "both ends stay, the middle is a hole");
	report(uvm_map(m, UBASE, PAGE_SIZE, UVM_READ, UVM_NOREPLACE, 0) == -EEXIST,
	       "NOREPLACE over a mapping -> EEXIST");
	report(uvm_map(m, UBASE + PAGE_SIZE, PAGE_SIZE, UVM_READ, UVM_NOREPLACE, 0) ==
	       (long)(UBASE + PAGE_SIZE), "NOREPLACE into the hole");

	h = uvm_map(m, 0, HPAGE_SIZE, UVM_READ | UVM_WRITE, UVM_HUGE, 0);
	report(h > 0 && IS_ALIGNED((u64)h, HPAGE_SIZE), "huge map is 2 MiB aligned");
	report(uvm_unmap(m, (u64)h + PAGE_SIZE, PAGE_SIZE) == -EINVAL,
	       "4K cut inside a huge page -> EINVAL");
	report(uvm_find(m, (u64)h + PAGE_SIZE) != NULL, "failed munmap changed nothing");
	report(uvm_map(m, UBASE + PAGE_SIZE, PAGE_SIZE, UVM_READ, UVM_HUGE | UVM_FIXED, 0) ==
	       -EINVAL,
	       "huge map at a 4K-aligned address -> EINVAL");
	report(uvm_map(m, 0, 0, UVM_READ, 0, 0) == -EINVAL, "zero length -> EINVAL");
	report(uvm_map(m, USER_MAX - PAGE_SIZE, 2 * PAGE_SIZE, UVM_READ, UVM_FIXED, 0) == -EINVAL,
	       "fixed map past the user half -> EINVAL");
	report(m->table_pages > 0, "page tables were built (%llu pages)",
	       (unsigned long long)m->table_pages);
	uvm_destroy(m);
	report(pmm_free_pages() == free0, "destroy gives back every page (%lld left)",
	       (long long)(free0 - pmm_free_pages()));
}

/* Map a huge page where 4K tables were: the empty table must not leak. */
KTEST(user, test_user_uvm_huge_over_old_table)
{
	struct uvm *m = uvm_create();
	u64 tables;

	uvm_map(m, UBASE, PAGE_SIZE, UVM_READ | UVM_WRITE, UVM_FIXED, 0);
	uvm_unmap(m, UBASE, PAGE_SIZE);
	tables = m->table_pages;
	report(uvm_map(m, UBASE, HPAGE_SIZE, UVM_READ | UVM_WRITE, UVM_FIXED | UVM_HUGE, 0) ==
	       (long)UBASE, "huge page over a now-empty page table");
	report(m->table_pages == tables - 1, "the empty page table was freed (%llu -> %llu)",
	       (unsigned long long)tables, (unsigned long long)m->table_pages);
	uvm_destroy(m);
}

static int owner_refs;

static void owner_get(void *obj)
{
	(*(int *)obj)++;
}

static void owner_put(void *obj)
{
	(*(int *)obj)--;
}

static const struct uvm_owner_ops owner_ops = { .get = owner_get, .put = owner_put };

/* A device mapping holds its owner once per piece, until the last piece goes. */
KTEST(user, test_user_uvm_device_mapping_holds_owner)
{
	struct uvm *m = uvm_create();
	u64 io = 0xfee00000;

	owner_refs = 0;
	report(uvm_map_owned(m, UBASE, 4 * PAGE_SIZE, UVM_READ | UVM_WRITE, UVM_FIXED | UVM_MMIO,
			     io, &owner_ops, &owner_refs) == (long)UBASE && owner_refs == 1,
	       "mapped: one reference");
	report(uvm_unmap(m, UBASE + PAGE_SIZE, PAGE_SIZE) == 0 && owner_refs == 2,
	       "a hole punched in it: two pieces, two references (%d)", owner_refs);
	report(uvm_protect(m, UBASE + 3 * PAGE_SIZE, PAGE_SIZE, UVM_READ) == 0 &&
	       owner_refs == 3, "mprotect of its last page splits again (%d)", owner_refs);
	report(uvm_find(m, UBASE + 2 * PAGE_SIZE)->io_pa == io + 2 * PAGE_SIZE,
	       "each piece maps its own part of the device memory");
	report(uvm_unmap(m, UBASE, PAGE_SIZE) == 0 && owner_refs == 2, "first piece gone (%d)",
	       owner_refs);
	report(uvm_map(m, UBASE + 2 * PAGE_SIZE, PAGE_SIZE, UVM_READ, UVM_FIXED, 0) ==
	       (long)(UBASE + 2 * PAGE_SIZE) && owner_refs == 1,
	       "MAP_FIXED over a piece drops its reference (%d)", owner_refs);
	uvm_unmap_all(m);
	report(owner_refs == 0 && !uvm_find(m, UBASE + 3 * PAGE_SIZE),
	       "unmap_all drops the rest (%d)", owner_refs);
	uvm_destroy(m);
}

static bool refs_are(const phys_addr_t *pa, int n, int want)
{
	for (int i = 0; i < n; i++)
		if (page_refcount(pa[i]) != want)
			return false;
	return true;
}

KTEST(user, test_user_uvm_pin_rules)
{
	struct uvm *m = uvm_create();
	static phys_addr_t pa[512], ref[4];
	u64 rw = UBASE, ro = UBASE + 0x100000, io = UBASE + 0x200000, hg = UBASE + 0x400000;
	u64 pinned0 = uvm_pinned_total();
	bool contig = true;

	uvm_map(m, rw, 4 * PAGE_SIZE, UVM_READ | UVM_WRITE, UVM_FIXED, 0);
	uvm_map(m, ro, 2 * PAGE_SIZE, UVM_READ, UVM_FIXED, 0);
	uvm_map(m, io, PAGE_SIZE, UVM_READ | UVM_WRITE, UVM_FIXED | UVM_MMIO, 0xfee00000);
	uvm_map(m, hg, HPAGE_SIZE, UVM_READ | UVM_WRITE, UVM_FIXED | UVM_HUGE, 0);

	report(uvm_pin(m, rw, 4, true, ref) == 0, "pin 4 writable pages for device writes");
	report(refs_are(ref, 4, 2) && uvm_pinned_total() == pinned0 + 4, "each page holds mapping + pin");
	uvm_unpin(ref, 4);
	report(refs_are(ref, 4, 1) && uvm_pinned_total() == pinned0, "unpin drops exactly the pins");

	report(uvm_pin(m, ro, 2, true, pa) == -EFAULT, "device-write pin of read-only memory -> EFAULT");
	report(uvm_pin(m, ro, 2, false, pa) == 0, "device-read pin of read-only memory works");
	uvm_unpin(pa, 2);

	uvm_pin(m, rw, 4, false, ref);
	uvm_unpin(ref, 4);
	report(uvm_pin(m, rw, 8, false, pa) == -EFAULT, "range running into a hole -> EFAULT");
	report(refs_are(ref, 4, 1) && uvm_pinned_total() == pinned0, "nothing stays pinned after the failure");
	report(uvm_pin(m, io, 1, false, pa) == -EFAULT, "MMIO pages cannot be pinned");
	report(uvm_pin(m, USER_MAX - PAGE_SIZE, 4, false, pa) == -EFAULT,
	       "range past the user half -> EFAULT");
	report(uvm_pin(m, rw + 1, 1, false, pa) == -EINVAL, "unaligned address -> EINVAL");

	report(uvm_pin(m, hg, 512, true, pa) == 0, "pin a whole 2 MiB page");
	for (int i = 1; i < 512; i++)
		contig &= pa[i] == pa[0] + (u64)i * PAGE_SIZE;
	report(contig && IS_ALIGNED(pa[0], HPAGE_SIZE), "its 4K parts are one aligned 2 MiB run");
	report(page_refcount(pa[0]) == 513, "the huge page counts 512 pins (%d)",
	       page_refcount(pa[0]));
	uvm_unpin(pa, 512);

	/* munmap of pinned memory: the page lives until the pin goes */
	uvm_pin(m, rw, 1, true, pa);
	uvm_unmap(m, rw, 4 * PAGE_SIZE);
	report(page_refcount(pa[0]) == 1, "after munmap only the pin holds the page");
	uvm_unpin(pa, 1);
	report(page_refcount(pa[0]) == 0, "unpin frees it");
	report(uvm_pinned_total() == pinned0, "global pin count back where it was");
	uvm_destroy(m);
}

KTEST(user, test_user_copy_kernel_context_efault)
{
	u8 buf[16];
	u64 x = 0x1122334455667788ULL;

	memset(buf, 0xaa, sizeof(buf));
	report(!proc_current(), "no process: pointers are the kernel's");
	report(copy_from_user(buf, 0x8000000000000000ULL, sizeof(buf)) == -EFAULT,
	       "non-canonical source -> EFAULT");
	report(mem_is_zero(buf, sizeof(buf)), "the uncopied bytes read as zero");
	report(copy_to_user(IOREMAP_BASE + (1ULL << 31) - PAGE_SIZE, &x, sizeof(x)) == -EFAULT,
	       "unmapped destination -> EFAULT");
	report(copy_from_user(buf, (u64)(uintptr_t)&x, sizeof(x)) == 0 &&
	       !memcmp(buf, &x, sizeof(x)), "a good kernel pointer copies");
	report(strncpy_from_user((char *)buf, (u64)(uintptr_t)"abc", sizeof(buf)) == 3,
	       "string of 3 bytes");
	report(strncpy_from_user((char *)buf, 8, sizeof(buf)) == -EFAULT,
	       "string at a bad address -> EFAULT");
}

KTEST(user, test_user_program_exit_status)
{
	const struct user_prog *up = user_prog_find("exit_status");
	u64 free0 = pmm_free_pages();
	struct proc p = { 0 };

	if (!up) {
		report(false, "helper exit_status is linked in");
		return;
	}
	report(user_prog_run_plain(up, &p) == 0, "program starts");
	report(p.end == PROC_EXITED && p.status == 42, "exit_group(42) seen as status %d",
	       p.status);
	report(pmm_free_pages() == free0, "its 1 MiB + 2 MiB mappings came back");
	report(!proc_current() && read_cr3() == kpt_root(), "back in the kernel context");
}

static const struct {
	const char *prog;
	int vector;
	u64 error_set;		/* #PF error bits that must be set */
	bool cr2_zero;
} fault_cases[] = {
	{ "fault_null", VEC_PF, 0x6, true },	/* user write, page not present */
	{ "fault_kernel", VEC_PF, 0x5, false },	/* user read, protection */
	{ "fault_priv", VEC_GP, 0, false },
};

KTEST(user, test_user_fault_kills_program)
{
	for (size_t i = 0; i < ARRAY_SIZE(fault_cases); i++) {
		const struct user_prog *up = user_prog_find(fault_cases[i].prog);
		u64 free0 = pmm_free_pages();
		struct proc p = { 0 };

		report_prefix_push(fault_cases[i].prog);
		if (!up || user_prog_run_plain(up, &p)) {
			report(false, "program linked in and started");
			report_prefix_pop();
			continue;
		}
		report(p.end == PROC_FAULTED && p.fault.vector == (u64)fault_cases[i].vector,
		       "killed by vector %d (got end %d vector %llu)", fault_cases[i].vector,
		       p.end, (unsigned long long)p.fault.vector);
		report((p.fault.cs & 3) == 3, "the fault came from ring 3");
		report((p.fault.error & fault_cases[i].error_set) == fault_cases[i].error_set,
		       "error code %#llx has bits %#llx", (unsigned long long)p.fault.error,
		       (unsigned long long)fault_cases[i].error_set);
		if (fault_cases[i].cr2_zero)
			report(p.fault_cr2 == 0, "CR2 is the NULL address");
		report(pmm_free_pages() == free0, "every page came back");
		report_prefix_pop();
	}
}

KTEST(user, test_user_runaway_program_stopped)
{
	u64 free0 = pmm_free_pages(), t0 = time_ns();
	struct proc p;
	int ret = user_spin_run(&p, 300);

	if (ret == -ENOENT)
		return;
	report(ret == 0, "program starts");
	report(p.end == PROC_TIMEOUT && (p.fault.cs & 3) == 3,
	       "stopped in ring 3 when its time ran out (end %d)", p.end);
	/* the lower bound is the limit; the upper only says it was not ignored */
	report(time_ns() - t0 >= 300 * 1000000ULL && time_ns() - t0 < 60000 * 1000000ULL,
	       "after its 300 ms (%llu ms)", (unsigned long long)((time_ns() - t0) / 1000000));
	report(pmm_free_pages() == free0, "every page came back");
}

/*
 * A process that runs alone keeps its page tables loaded across its
 * scheduler ticks: switching it out and in again (every 100 ms) loads CR3
 * once, at its start, and the end puts the kernel's tables back. A reload
 * per switch would be 2 per tick, 6 or more in 350 ms. The loads counted
 * are this CPU's, where the run is.
 */
KTEST(user, test_user_tick_keeps_the_tables_loaded)
{
	u64 loads0 = uvm_cr3_loads(), ticks0 = this_cpu()->ticks, loads, ticks;
	unsigned long grows0 = tcg_tlb_grows(), grows;
	struct proc p;
	int ret = user_spin_run(&p, 350);

	if (ret == -ENOENT)
		return;
	report(ret == 0 && p.end == PROC_TIMEOUT, "the spin ran (end %d)", p.end);
	loads = uvm_cr3_loads() - loads0;
	ticks = this_cpu()->ticks - ticks0;
	report(ticks >= 2, "%llu scheduler ticks passed while it ran", (unsigned long long)ticks);
	/* in: its tables; out: the kernel's, when its end freed them */
	report(loads == 2, "CR3 loaded %llu times (2: in at the start, out at the end)",
	       (unsigned long long)loads);
	report((read_cr3() & PTE_ADDR) == kpt_root(), "the kernel's tables are loaded after it");
	/* under TCG each load lets QEMU shrink its TLB: grown again after each (tcg_tlb=off: never) */
	grows = tcg_tlb_grows() - grows0;
	report(grows == (tcg_tlb_growing() ? loads : 0), "QEMU's TLB grown %lu times after them (%s)",
	       grows, tcg_tlb_growing() ? "TCG" : cpu_is_tcg() ? "TCG, tcg_tlb=off" : "not TCG");
}

/*
 * /dev/testos-crash: a file whose ioctl crashes the kernel (a bug in a
 * syscall, simulated). how: VEC_UD or VEC_PF; held: the file of the call,
 * which the crash leaves pinned.
 */
static struct {
	int how;
	struct sim_file *held;
} crash;

/* An address the compiler cannot see through. */
static void *test_ptr(uintptr_t v)
{
	__asm__("" : "+r"(v));
	return (void *)v;
}

static long crash_ioctl(struct sim_file *f, unsigned int cmd, u64 arg)
{
	crash.held = f;
	if (crash.how == VEC_UD)
		__asm__ __volatile__("ud2");
	return *(volatile long *)test_ptr(8);	/* NULL + 8: #PF */
}

static const struct sim_file_ops crash_fops = { .name = "testos-crash", .ioctl = crash_ioctl };
static struct sim_node crash_node = { .path = "/dev/testos-crash", .ops = &crash_fops };

/*
 * A kernel exception inside a syscall ends the program as PROC_KERNEL_CRASH
 * with a dump, and the kernel is back in its own context, with the process's
 * stack, address space and files gone; the next program runs normally.
 */
KTEST(user, test_user_kernel_crash_in_syscall_contained)
{
	static const int hows[] = { VEC_UD, VEC_PF };
	const struct user_prog *up = user_prog_find("crash_syscall");
	const struct user_prog *ok = user_prog_find("exit_status");
	u64 free0 = pmm_free_pages();
	long files = sim_live_files();
	bool irq = irqs_enabled();
	struct proc p;

	if (!up || !ok || sim_register_node(&crash_node)) {
		report(false, "helpers linked in, /dev/testos-crash registered");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(hows); i++) {
		memset(&crash, 0, sizeof(crash));
		crash.how = hows[i];
		memset(&p, 0, sizeof(p));
		report_prefix_push(hows[i] == VEC_UD ? "#UD" : "#PF");
		report(user_prog_run_plain(up, &p) == 0, "program starts");
		report(p.end == PROC_KERNEL_CRASH && p.status == hows[i],
		       "ended as a kernel crash with vector %d (end %d, status %d)", hows[i], p.end,
		       p.status);
		report(!proc_current() && read_cr3() == kpt_root() && irqs_enabled() == irq,
		       "back in the kernel context, interrupts as before");
		/*
		 * the dead call's file is kept, never released: its release could
		 * take a lock the call died holding (the table pins it on the way)
		 */
		report(crash.held && sim_live_files() == files + 1,
		       "only the crashed call's file is left (%ld files, was %ld)",
		       sim_live_files(), files);
		if (crash.held)
			sim_fput(crash.held);
		report(sim_live_files() == files, "its last put releases the file");
		report(pmm_free_pages() == free0, "stack and address space came back");
		report_prefix_pop();
	}
	sim_unregister_node(&crash_node);
	memset(&p, 0, sizeof(p));
	report(user_prog_run_plain(ok, &p) == 0 && p.end == PROC_EXITED && p.status == 42,
	       "the next program runs and exits normally");
}

/*
 * For the SMAP/SMEP tests: skip without the feature; else check its CR4 bit
 * and switch to an address space whose page at UBASE starts with "ret".
 * NULL when the test cannot go on.
 */
static struct uvm *smx_enter(bool has, const char *name, int cr4_bit)
{
	static const u8 ret = 0xc3;
	struct uvm *m;

	if (!has) {
		report_skip("the CPU has no %s (QEMU: -cpu max)", name);
		return NULL;
	}
	report(read_cr4() & (1UL << cr4_bit), "CR4.%s is on", name);
	m = uvm_create();
	if (!m || uvm_map(m, UBASE, PAGE_SIZE, UVM_READ | UVM_WRITE | UVM_EXEC, UVM_FIXED, 0) !=
		  (long)UBASE || uvm_write(m, UBASE, &ret, 1)) {
		report(false, "user page mapped");
		uvm_destroy(m);
		return NULL;
	}
	uvm_activate(m);
	return m;
}

static void smx_leave(struct uvm *m)
{
	uvm_activate(NULL);
	uvm_destroy(m);
}

static void kernel_reads_user(void *arg)
{
	*(u8 *)arg = *(volatile u8 *)(uintptr_t)UBASE;
}

static void kernel_runs_user(void *arg)
{
	((void (*)(void))(uintptr_t)UBASE)();
}

/* SMAP: the kernel touches user pages only inside the user-copy window. */
KTEST(user, test_user_smap_blocks_stray_kernel_access)
{
	struct uvm *m = smx_enter(cpu_feat.smap, "SMAP", 21);
	struct trap_info ti;
	u8 b = 0;
	int r;

	if (!m)
		return;
	r = trap_call(kernel_reads_user, &b, &ti, false);
	report(r == VEC_PF + 1 && ti.cr2 == UBASE && !(ti.error & 4),
	       "a plain kernel read of a user page faults (vector %d, cr2 %#llx)", r - 1,
	       (unsigned long long)ti.cr2);
	user_access_begin();
	r = trap_call(kernel_reads_user, &b, &ti, false);
	user_access_end();
	report(r == 0 && b == 0xc3, "inside user_access_begin/end it reads (%#x)", b);
	report(!(read_rflags() & (1UL << 18)), "EFLAGS.AC is clear again");
	smx_leave(m);
}

/* SMEP: the kernel never runs code from a user page. */
KTEST(user, test_user_smep_blocks_kernel_running_user_code)
{
	struct uvm *m = smx_enter(cpu_feat.smep, "SMEP", 20);
	struct trap_info ti;
	int r;

	if (!m)
		return;
	r = trap_call(kernel_runs_user, NULL, &ti, false);
	report(r == VEC_PF + 1 && (ti.error & 0x10) && ti.rip == UBASE,
	       "a kernel call into a user page faults on the fetch (vector %d, error %#llx)",
	       r - 1, (unsigned long long)ti.error);
	smx_leave(m);
}

/*
 * A process that ends with live iommufd objects and a bound, DMA-capable
 * device: its exit releases them all and stops the device's DMA.
 */
KTEST(user, test_user_exit_with_live_objects)
{
	const struct user_prog *up = user_prog_find("exit_live");
	struct pci_dev *edu = pci_find(EDU_VENDOR, EDU_DEVICE, 0);
	struct iommu_dev *edev = iommu_dev_of_pci(edu);
	long objs = iommufd_live_objects(), pins = iommufd_pinned_pages();
	long files = sim_live_files();
	u64 free0 = pmm_free_pages();
	struct proc p = { 0 };

	if (!up) {
		report(false, "helper exit_live is linked in");
		return;
	}
	report(user_prog_run_plain(up, &p) == 0, "program starts");
	report(p.end == PROC_EXITED && p.status == 0,
	       "it built objects, pinned 4K and 2M pages and exited (end %d status %d)",
	       p.end, p.status);
	report(iommufd_live_objects() == objs, "no iommufd object left (%ld, was %ld)",
	       iommufd_live_objects(), objs);
	report(iommufd_pinned_pages() == pins && uvm_pinned_total() == 0,
	       "no page left pinned (%ld)", iommufd_pinned_pages());
	report(sim_live_files() == files, "every file closed (%ld, was %ld)", sim_live_files(),
	       files);
	report(pmm_free_pages() == free0, "every page came back");
	if (edev && edev->ops)
		report(!(pci_read16(edu, PCI_COMMAND) & PCI_CMD_MASTER),
		       "the edu it left bus-mastering can no longer DMA");
}

/*
 * The process tests (fork, wait4, signals, the run's end) are the proc
 * suite, run where it is named (make check's ring3 configuration): the
 * process layer is the same under every machine, and they take seconds.
 */
#define KTEST_PROC(n) KTEST_FULL(proc, n, 0, KT_NODEFAULT)

/* Run the helper name as a kernel test, with its sample lines (n); false if it is missing. */
static bool run_sampled(const char *name, struct user_sample *smp, int n)
{
	const struct user_prog *up = user_prog_find(name);

	memset(smp, 0, sizeof(*smp) * (size_t)n);
	if (!up) {
		report(false, "helper %s is linked in", name);
		return false;
	}
	user_prog_run_test_sampled(up, smp, n);
	return true;
}

/*
 * A forked child's pages, pins, files and objects are all back once its
 * parent has reaped it with wait4, however it ended: exit, SIGKILL, a
 * fault, or as an orphan the first process reaped. The counts are read
 * while the program runs (its "# sample N" lines), not only at its end.
 */
KTEST_PROC(test_user_fork_child_gives_everything_back)
{
	static const char *const ends[] = { "exit", "SIGKILL", "a fault", "an orphan" };
	struct user_sample smp[9];
	char why[80];

	if (!run_sampled("fork_life", smp, ARRAY_SIZE(smp)))
		return;
	for (int k = 0; k < 4; k++) {
		const struct user_sample *alive = &smp[2 * k + 1];

		report(alive->taken && alive->free_pages < smp[0].free_pages &&
		       alive->iommufd_pins > smp[0].iommufd_pins && alive->files > smp[0].files,
		       "a child ending by %s held pages, pins and files while alive", ends[k]);
		report(user_sample_same(&smp[0], &smp[2 * k + 2], why, sizeof(why)),
		       "after wait4 of a child ending by %s: %s", ends[k], why);
	}
}

/* fork and pipe2 fail at every allocation they make, ENOMEM, leaving nothing behind. */
KTEST_PROC(test_user_fork_failure_sweep)
{
	struct user_sample smp[4];
	char why[80];

	if (!run_sampled("fork_sweep", smp, ARRAY_SIZE(smp)))
		return;
	report(user_sample_same(&smp[0], &smp[1], why, sizeof(why)),
	       "after every failed fork: %s", why);
	report(user_sample_same(&smp[2], &smp[3], why, sizeof(why)),
	       "after every failed pipe2: %s", why);
}

/* Forking until the limit: EAGAIN, and the kernel carries on. */
KTEST_PROC(test_user_fork_limit_eagain)
{
	struct user_sample none;

	run_sampled("fork_many", &none, 0);
}

/* rt_sigreturn of frames no handler made: SIGSEGV, never a kernel fault or IOPL 3. */
KTEST_PROC(test_user_bad_sigreturn_segv)
{
	struct user_sample none;

	run_sampled("bad_sigreturn", &none, 0);
}

/*
 * The first process exits leaving children spinning, blocked in a read, in
 * wait4 and holding pins: the run ends at once, all five killed, and every
 * page, pin, file and object comes back.
 */
KTEST_PROC(test_user_orphans_killed_at_the_end)
{
	const struct user_prog *up = user_prog_find("orphans");
	struct user_sample before, after;
	struct proc p = { 0 };
	u64 t0 = time_ns();
	char why[80];

	if (!up) {
		report(false, "helper orphans is linked in");
		return;
	}
	user_sample_take(&before);
	report(user_prog_run_plain(up, &p) == 0, "program starts");
	user_sample_take(&after);
	report(p.end == PROC_EXITED && p.status == 0, "it exited 0 (end %d status %d)", p.end,
	       p.status);
	report(p.killed == 5, "the five left behind were killed (%d)", p.killed);
	report(time_ns() - t0 < 20000000000ULL, "the run ended without waiting for them (%llu ms)",
	       (unsigned long long)((time_ns() - t0) / 1000000));
	report(user_sample_same(&before, &after, why, sizeof(why)), "after the run: %s", why);
}

/* A parent waiting for a child that spins: the time limit stops both. */
KTEST_PROC(test_user_time_limit_stops_every_process)
{
	const struct user_prog *up = user_prog_find("wait_spin");
	struct user_sample before, after;
	struct proc p;
	char why[80];

	if (!up) {
		report(false, "helper wait_spin is linked in");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.time_limit_ms = 500;
	user_sample_take(&before);
	report(user_prog_run_plain(up, &p) == 0, "program starts");
	user_sample_take(&after);
	report(p.end == PROC_TIMEOUT, "the run ended by its time limit (end %d)", p.end);
	report(p.killed == 1, "the spinning child was killed too (%d)", p.killed);
	report(user_sample_same(&before, &after, why, sizeof(why)), "after the run: %s", why);
}

static long user_pins(void)
{
	return (long)uvm_pinned_total();
}

KTEST_COUNTER(user_pinned_pages, user_pins);

/* One corruption of a valid image: byte offset, new value (8 bytes). */
static const struct {
	const char *what;
	u32 off;
	u64 val;
	u32 len;
} elf_bad[] = {
	{ "bad magic", 0, 0x464c457e, 4 },
	{ "32-bit class", 4, 1, 1 },
	{ "not x86-64", 18, 3, 2 },
	{ "not an executable", 16, 3, 2 },
	{ "program headers past the end", 32, 1ULL << 40, 8 },
	{ "entry outside every segment", 24, 0x1000, 8 },
};

KTEST(user, test_user_bad_elf_rejected)
{
	const struct user_prog *up = user_prog_find("exit_status");
	size_t size = up ? (size_t)(up->end - up->image) : 0;
	u64 free0 = pmm_free_pages();
	u8 *img = size ? kmalloc(size) : NULL;
	struct proc p;

	if (!img) {
		report(false, "helper image available");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(elf_bad); i++) {
		memcpy(img, up->image, size);
		memcpy(img + elf_bad[i].off, &elf_bad[i].val, elf_bad[i].len);
		memset(&p, 0, sizeof(p));
		p.name = "bad-elf";
		report(proc_run(&p, img, size) == -ENOEXEC, "%s -> ENOEXEC", elf_bad[i].what);
	}
	memset(&p, 0, sizeof(p));
	report(proc_run(&p, up->image, 100) == -ENOEXEC, "truncated image -> ENOEXEC");
	report(proc_run(&p, up->image, 30) == -ENOEXEC, "image shorter than a header -> ENOEXEC");
	kfree(img);
	report(pmm_free_pages() == free0, "refused images leave no pages behind");
}
