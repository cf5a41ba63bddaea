// SPDX-License-Identifier: MIT
/*
 * irq suite, IOMMU-neutral: device interrupts through whatever remapping
 * the machine has (VT-d, AMD-Vi), each test also run as a control with
 * remapping bypassed. Blocked interrupts are checked by their absence.
 */
#include "tests/kernel/env.h"
#include "tests/kernel/irq_util.h"
#include "arch/x86/ioapic.h"
#include "arch/x86/lapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/smp.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"
#include "testdev/nvme.h"
#include "tests/ktest.h"

#define NEEDS (KT_NEED_EDU | KT_NEED_KERNEL)
#define FIRES 5

/* A test, and its control (same name + _control) with remapping bypassed. */
#define IRQ_TEST(name, fn, needs)                                             \
	KTEST_NEEDS(irq, name, needs)                                         \
	{                                                                     \
		fn(false);                                                    \
	}                                                                     \
	KTEST_NEEDS(irq, name##_control, needs)                               \
	{                                                                     \
		fn(true);                                                     \
	}

/*
 * The configuration says which remapping the kernel must end up with
 * (expect_intremap=, from scripts/qemu.cfg): a driver that could not set
 * it up, or boot checks that dropped it, fail here rather than turning
 * every remapped test into a skip.
 */
KTEST_NEEDS(irq, test_irq_remapping_as_configured, KT_NEED_KERNEL)
{
	const struct irq_remap_ops *ops = irq_remap_ops();
	const char *have = ops ? ops->name : "off", *want;
	struct pci_dev *edu;
	char buf[16];

	want = irq_expected_remap(buf, sizeof(buf));
	if (!want) {
		report_skip("no expect_intremap= given (not a configured QEMU run)");
		return;
	}
	report(!strcmp(have, want), "interrupt remapping by %s, the configuration expects %s%s%s",
	       have, want, irq_remap_dropped() ? "; dropped at boot: " : "",
	       irq_remap_dropped() ?: "");
	for (int i = 0; ops && i < ioapic_count; i++) {
		struct irq_source s = { .kind = IRQ_SRC_IOAPIC, .id = ioapics[i].id };

		report(ops->covers(&s), "IOAPIC %u is remapped", ioapics[i].id);
	}
	for (int n = 0; ops && (edu = pci_find(EDU_VENDOR, EDU_DEVICE, n)); n++) {
		struct irq_source s;

		irq_source_pci(&s, edu);
		report(ops->covers(&s), "edu %s is remapped", edu->name);
	}
}

/* One edu and its MSI line, remapped or (control) with remapping bypassed. */
struct run {
	struct irq_edu x;
	struct irq_source src;
	bool control, bypassed, open;
};

static bool run_begin(struct run *r, int n, bool control)
{
	memset(r, 0, sizeof(*r));
	r->control = control;
	if (irq_edu_open(&r->x, n))
		return false;
	r->open = true;
	irq_source_pci(&r->src, r->x.e.d.pdev);
	if (!irq_mode_begin(&r->src, control, &r->bypassed))
		return false;
	if (irq_edu_msi(&r->x, control ? IRQ_LINE_DIRECT : 0))
		return false;
	report(r->x.l.remapped == !control, "the line is %s",
	       control ? "direct (control)" : "remapped");
	return true;
}

static void run_end(struct run *r)
{
	irq_line_free(&r->x.l);
	irq_mode_end(&r->src, r->bypassed);
	if (r->open)
		irq_edu_close(&r->x);
}

/* An edu MSI arrives on its vector and destination, once per raise. */
static void msi_delivered(bool control)
{
	struct run r;
	int ok = 0;

	if (run_begin(&r, 0, control)) {
		for (int i = 0; i < FIRES; i++)
			ok += irq_edu_fire(&r.x);
		report(ok == FIRES && irq_line_settled(&r.x.l, FIRES),
		       "%d raised, %llu taken on vector %d (none lost, none twice)", FIRES,
		       (unsigned long long)r.x.l.count, r.x.l.vector);
		report(irq_count(r.x.l.vector) == FIRES && r.x.l.last_apic == lapic_id() &&
		       r.x.l.wrong_dest == 0, "taken on vector %d by APIC %u, the destination, "
		       "%llu elsewhere", r.x.l.vector, r.x.l.last_apic,
		       (unsigned long long)r.x.l.wrong_dest);
	}
	run_end(&r);
}

IRQ_TEST(test_irq_msi_delivered, msi_delivered, NEEDS)

/*
 * The line moved to every online CPU in turn (its entry rewritten, or the
 * device reprogrammed in the control): each interrupt is taken by that
 * CPU, on the new vector, and by no other. One CPU: only the boot CPU's
 * APIC ID is checked (smp-vtd and smp-amdvi run this on four).
 */
static void msi_every_cpu(bool control)
{
	int ncpu = 0, bad = 0;
	struct run r;

	if (!run_begin(&r, 0, control))
		goto out;
	for (int cpu = 0; cpu < smp_cpu_slots(); cpu++) {
		u32 apic = smp_cpu_apic_id(cpu);
		u64 vec_before;
		bool ok;

		if (smp_cpu_state(cpu) != CPU_ONLINE)
			continue;
		ncpu++;
		if (irq_line_retarget(&r.x.l, -1, apic)) {
			report(false, "retarget to CPU %d (APIC %u)", cpu, apic);
			bad++;
			continue;
		}
		vec_before = irq_count(r.x.l.vector);
		ok = irq_edu_fire(&r.x) && r.x.l.last_apic == apic && r.x.l.wrong_dest == 0 &&
		     irq_count(r.x.l.vector) == vec_before + 1;
		if (!ok)
			report(false, "CPU %d: vector %d, destination APIC %u: taken by APIC %u "
			       "(%llu misdelivered)", cpu, r.x.l.vector, apic, r.x.l.last_apic,
			       (unsigned long long)r.x.l.wrong_dest);
		bad += !ok;
	}
	report(ncpu >= 1 && !bad, "%d online CPU(s): each interrupt taken by the CPU its %s names, "
	       "on its vector", ncpu, control ? "message" : "entry");
	if (ncpu == 1)
		report_info("one CPU online: no other destination to try here");
out:
	run_end(&r);
}

IRQ_TEST(test_irq_msi_destination_every_cpu, msi_every_cpu, NEEDS)

/*
 * The line moves to another vector: through remapping its entry is
 * rewritten in place and invalidated (the device's message stays); the
 * new vector gets every interrupt, the old one none.
 */
static void msi_retarget(bool control)
{
	struct run r;
	u32 index;
	u64 old_count;
	int old, ok = 0;

	if (!run_begin(&r, 0, control))
		goto out;
	index = r.x.l.ire.index;
	old = r.x.l.vector;
	report(irq_edu_fire(&r.x), "before: the interrupt arrives on vector %d", old);
	report(irq_line_retarget(&r.x.l, -1, lapic_id()) == 0 && r.x.l.vector != old,
	       "moved to vector %d", r.x.l.vector);
	if (!control)
		report(r.x.l.ire.index == index, "the same entry %u was rewritten", index);
	old_count = irq_count(old);
	for (int i = 0; i < FIRES; i++)
		ok += irq_edu_fire(&r.x);
	report(ok == FIRES, "%d of %d interrupts on the new vector", ok, FIRES);
	report(irq_count(old) == old_count, "none on the old vector %d (%llu)", old,
	       (unsigned long long)(irq_count(old) - old_count));
out:
	run_end(&r);
}

IRQ_TEST(test_irq_retarget_new_vector_never_old, msi_retarget, NEEDS)

/*
 * A not-present entry blocks the interrupt (the fault, where recorded,
 * names the device); set again, the same entry delivers. The control shows
 * the device's interrupt arriving with remapping bypassed.
 */
static void not_present(bool control)
{
	const struct irq_remap_ops *ops = irq_remap_ops();
	struct irq_msg msg;
	struct run r;

	if (!run_begin(&r, 0, control))
		goto out;
	if (control) {
		report(irq_edu_fire(&r.x), "control: the interrupt arrives");
		goto out;
	}
	report(ops->clear(&r.x.l.ire) == 0, "entry %u made not present and invalidated",
	       r.x.l.ire.index);
	irq_expect_fault(&r.src);
	report(irq_edu_blocked(&r.x, NULL), "an interrupt through it stays away");
	irq_fault_check(&r.src, "not-present entry");
	report(ops->set(&r.x.l.ire, &r.x.l.tgt, &msg) == 0 && msg.addr == r.x.l.msg.addr &&
	       msg.data == r.x.l.msg.data, "entry set again, same message");
	report(irq_edu_fire(&r.x), "now the interrupt arrives: the entry was what blocked it");
out:
	run_end(&r);
}

IRQ_TEST(test_irq_entry_not_present_blocks, not_present, NEEDS)

static void count_vec(struct trap_frame *tf, void *ctx)
{
	(*(volatile u64 *)ctx)++;
}

/*
 * Another source's entry: set up for a second edu when there is one, else
 * for the IOAPIC. The device sends that entry's message; on VT-d the
 * source-id check refuses it, on AMD-Vi its own table has no such entry:
 * either way nothing arrives on the other source's vector.
 */
static void other_entry(bool control)
{
	const struct irq_remap_ops *ops = irq_remap_ops();
	struct pci_dev *other = pci_find(EDU_VENDOR, EDU_DEVICE, 1);
	struct irq_remap_entry e = { 0 };
	struct irq_source src2;
	struct irq_msg msg;
	volatile u64 hits = 0;
	u64 strays;
	struct irq_target t;
	struct run r;
	int vec = -1;

	if (!run_begin(&r, 0, control))
		goto out;
	if (control) {
		report(irq_edu_fire(&r.x), "control: the device's own interrupt arrives");
		goto out;
	}
	if (other && pci_dma_source_id(other) == r.src.rid) {
		/* the same requester ID: the hardware cannot tell them apart (alias test) */
		report_info("edu #1 shares requester ID %04x: another source instead", r.src.rid);
		other = NULL;
	}
	if (other)
		irq_source_pci(&src2, other);
	else if (irq_source_ioapic(&src2, 2) || !ops->covers(&src2))
		irq_source_pci(&src2, pci_find(0xffff, 0xffff, 0));	/* function 0 of the bus */
	vec = irq_alloc_vector(count_vec, (void *)&hits);
	if (vec < 0 || ops->alloc(&src2, &e)) {
		report(false, "a vector (%d) and an entry for another source", vec);
		goto out;
	}
	t = r.x.l.tgt;
	t.vector = (u8)vec;
	report(ops->set(&e, &t, &msg) == 0, "entry %u of source %02x:%02x.%d (kind %d) -> vector %d",
	       e.index, src2.rid >> 8, (src2.rid >> 3) & 31, src2.rid & 7, src2.kind, vec);
	pci_msi_enable(r.x.e.d.pdev, msg.addr, msg.data);
	irq_expect_fault(&r.src);
	strays = irq_strays();
	edu_irq_raise(&r.x.e.edu, EDU_IRQ_FACT);
	udelay(IRQ_QUIET_US);
	edu_irq_ack(&r.x.e.edu, EDU_IRQ_FACT);
	strays = irq_strays() - strays;
	report(hits == 0 && strays == 0, "the device cannot use the other source's entry (%llu "
	       "arrived, %llu on vectors without a handler)", (unsigned long long)hits,
	       (unsigned long long)strays);
	if (e.index != r.x.l.ire.index)
		report(r.x.l.count == 0, "and nothing reached its own vector either");
	else
		report_info("index %u names the device's own entry in its own table", e.index);
	irq_fault_check(&r.src, "another source's entry");
	pci_msi_enable(r.x.e.d.pdev, r.x.l.msg.addr, r.x.l.msg.data);
	report(irq_edu_fire(&r.x), "its own entry still works");
	ops->free(&e);
out:
	if (vec >= 0)
		irq_unregister(vec);
	run_end(&r);
}

IRQ_TEST(test_irq_device_cannot_use_another_sources_entry, other_entry, NEEDS)

/* The PIT on ISA IRQ 0 (a GSI by the MADT's override) through the IOAPIC. */
static void ioapic_pit(bool control)
{
	struct irq_line l = { .how = IRQ_LINE_NONE };
	struct irq_source src;
	bool level, low, bypassed = false;
	u32 gsi = ioapic_isa_gsi(0, &level, &low);
	u64 c;
	int ret;

	if (irq_source_ioapic(&src, gsi)) {
		report_skip("no IOAPIC has GSI %u (ISA IRQ 0)", gsi);
		return;
	}
	if (!irq_mode_begin(&src, control, &bypassed))
		return;
	ret = irq_line_isa(&l, 0, control ? IRQ_LINE_DIRECT : 0);
	report(ret == 0 && l.remapped == !control, "ISA IRQ 0 -> GSI %u, vector %d, %s (%d)", gsi,
	       l.vector, l.remapped ? "remapped" : "direct", ret);
	if (!ret) {
		pit_periodic(IRQ_PIT_HZ);
		report(poll_timeout(l.count >= 3, 1000000) == 0,
		       "the PIT ticks arrive on vector %d (%llu)", l.vector,
		       (unsigned long long)l.count);
		pit_periodic(0);
		udelay(5000);
		c = l.count;
		udelay(20000);
		/* a busy host may deliver the mode change's one last edge late */
		report(l.count <= c + 1, "and stop with the PIT: they were its ticks (%llu, "
		       "then %llu)", (unsigned long long)c, (unsigned long long)l.count);
	}
	irq_line_free(&l);
	irq_mode_end(&src, bypassed);
}

IRQ_TEST(test_irq_ioapic_pit_through_remapping, ioapic_pit, KT_NEED_KERNEL)

/*
 * The edu's INTx on its IOAPIC pin, level-triggered, active low: each
 * raise is one interrupt, and a second arrives only because the first
 * one's end of interrupt reached the pin through the remapped path.
 */
static void ioapic_edu_level(bool control)
{
	struct irq_line l = { .how = IRQ_LINE_NONE };
	struct irq_edu x;
	bool bypassed = false;
	int gsi, ok = 0;

	if (irq_edu_open(&x, 0))
		return;
	gsi = irq_edu_intx_gsi(&x);
	if (gsi < 0) {
		report_skip("the edu's INTx reached none of GSI 16-23");
		goto out;
	}
	report_info("edu INTx is GSI %d", gsi);
	if (irq_source_ioapic(&l.src, (u32)gsi) || !irq_mode_begin(&l.src, control, &bypassed))
		goto out;
	report(irq_line_ioapic(&l, (u32)gsi, true, true, control ? IRQ_LINE_DIRECT : 0) == 0 &&
	       l.remapped == !control, "GSI %d level, active low, vector %d, %s", gsi, l.vector,
	       l.remapped ? "remapped" : "direct");
	l.fn = irq_edu_ack;	/* in the handler: the level drops before the EOI */
	l.ctx = &x;
	pci_write16(x.e.d.pdev, PCI_COMMAND,
		    pci_read16(x.e.d.pdev, PCI_COMMAND) & ~PCI_CMD_INTX_DISABLE);
	for (int i = 0; i < 3 && l.how != IRQ_LINE_NONE; i++) {
		u64 seen = l.count;

		edu_irq_raise(&x.e.edu, EDU_IRQ_FACT);
		ok += irq_line_wait(&l, seen, IRQ_WAIT_US) == 0;
		udelay(100);
	}
	report(ok == 3 && l.count == 3, "3 raises, %llu interrupts: the pin's EOI works",
	       (unsigned long long)l.count);
	pci_write16(x.e.d.pdev, PCI_COMMAND,
		    pci_read16(x.e.d.pdev, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
	irq_line_free(&l);
	irq_mode_end(&l.src, bypassed);
out:
	irq_edu_close(&x);
}

IRQ_TEST(test_irq_ioapic_edu_intx_level, ioapic_edu_level, NEEDS)

/* Two devices, each in its own DMA domain: their interrupts never cross. */
static void two_devices(bool control)
{
	struct run a, b;
	int oka = 0, okb = 0;

	if (irq_edu_alias_pair() == (0 << 8 | 1)) {
		report_skip("edus #0 and #1 share a requester ID, so one DMA domain: "
			    "test_irq_alias_shared_by_two_devices covers them");
		return;
	}
	memset(&b, 0, sizeof(b));	/* run_end(&b) below also when a did not begin */
	if (run_begin(&a, 0, control) && run_begin(&b, 1, control)) {
		report(a.x.translated == b.x.translated, "both in domains of their own (%d)",
		       a.x.translated);
		for (int i = 0; i < 2; i++)
			oka += irq_edu_fire(&a.x);
		for (int i = 0; i < 3; i++)
			okb += irq_edu_fire(&b.x);
		report(oka == 2 && okb == 3 && irq_line_settled(&a.x.l, 2) && b.x.l.count == 3,
		       "A: %llu of 2 on vector %d, B: %llu of 3 on vector %d",
		       (unsigned long long)a.x.l.count, a.x.l.vector,
		       (unsigned long long)b.x.l.count, b.x.l.vector);
		if (!control)
			report(a.x.l.ire.unit != b.x.l.ire.unit || a.x.l.ire.index != b.x.l.ire.index ||
			       a.x.l.ire.priv != b.x.l.ire.priv, "separate entries");
	}
	run_end(&b);
	run_end(&a);
}

IRQ_TEST(test_irq_two_devices_two_domains_apart, two_devices, NEEDS | KT_NEED_TWO_EDU)

/*
 * Two devices whose MSIs carry one requester ID (behind a PCIe-to-PCI
 * bridge: its alias) share what remapping keys by that ID (VT-d: the
 * source-id their entries verify; AMD-Vi: the devid's one interrupt table).
 * Each gets its own entry and vector and only its own interrupts; one
 * line freed, the other still delivers.
 */
static void alias_pair(bool control)
{
	int pair = irq_edu_alias_pair(), oka = 0, okb = 0;
	struct irq_edu a, b;
	struct irq_source s;
	bool bypassed = false;

	if (pair < 0) {
		report_skip("no two edus share a requester ID (vtd-bridges, amdvi-bridges have two)");
		return;
	}
	if (irq_edu_open(&a, pair >> 8))
		return;
	if (irq_edu_open_nodma(&b, pair & 0xff))
		goto close_a;
	irq_source_pci(&s, a.e.d.pdev);
	report_info("%s and %s both send as %04x", a.e.d.pdev->name, b.e.d.pdev->name, s.rid);
	if (!irq_mode_begin(&s, control, &bypassed))
		goto close_b;
	if (irq_edu_msi(&a, control ? IRQ_LINE_DIRECT : 0) ||
	    irq_edu_msi(&b, control ? IRQ_LINE_DIRECT : 0))
		goto end;
	if (!control)
		report(a.l.ire.unit == b.l.ire.unit && a.l.ire.index != b.l.ire.index,
		       "two entries (%u, %u) of one unit for the one requester ID", a.l.ire.index,
		       b.l.ire.index);
	for (int i = 0; i < 2; i++)
		oka += irq_edu_fire(&a);
	for (int i = 0; i < 3; i++)
		okb += irq_edu_fire(&b);
	report(oka == 2 && okb == 3 && irq_line_settled(&a.l, 2) && b.l.count == 3 &&
	       !a.l.wrong_dest &&
	       !b.l.wrong_dest, "A: %llu of 2 on vector %d, B: %llu of 3 on vector %d, none crossed",
	       (unsigned long long)a.l.count, a.l.vector, (unsigned long long)b.l.count,
	       b.l.vector);
	irq_line_free(&a.l);
	report(irq_edu_fire(&b) && a.l.count == 2, "A's line freed: B's still delivers (what "
	       "they share stays while one uses it)");
end:
	irq_line_free(&a.l);
	irq_line_free(&b.l);
	irq_mode_end(&s, bypassed);
close_b:
	irq_edu_close(&b);
close_a:
	irq_edu_close(&a);
}

IRQ_TEST(test_irq_alias_shared_by_two_devices, alias_pair, NEEDS | KT_NEED_TWO_EDU)

/*
 * A compatibility-format MSI while remapping is on: blocked where the unit
 * blocks that format (VT-d with GCMD.CFI clear, or x2APIC mode). The
 * control: with remapping bypassed the same message arrives.
 */
static void compat_blocked(bool control)
{
	const struct irq_remap_ops *ops = irq_remap_ops();
	struct irq_edu x;
	struct irq_source src;
	bool bypassed = false;
	int blocked;

	if (irq_edu_open(&x, 0))
		return;
	irq_source_pci(&src, x.e.d.pdev);
	if (!irq_mode_begin(&src, control, &bypassed))
		goto out;
	if (irq_edu_msi(&x, IRQ_LINE_DIRECT))
		goto end;
	if (control) {
		report(irq_edu_fire(&x), "control: the compatibility-format MSI arrives");
		goto end;
	}
	blocked = ops->compat_blocked(&src);
	if (blocked < 0) {
		report_skip("%s: %s", ops->name, blocked == -EOPNOTSUPP ?
			    "the unit does not block compatibility format (GCMD.CFI not "
			    "implemented, QEMU 7.2) or has no such format (AMD-Vi)" :
			    "no unit for the device");
		goto end;
	}
	report(blocked == 1, "the unit blocks compatibility format");
	irq_expect_fault(&src);
	report(irq_edu_blocked(&x, NULL), "a compatibility-format MSI stays away");
	irq_fault_check(&src, "compatibility-format interrupt");
end:
	irq_line_free(&x.l);
	irq_mode_end(&src, bypassed);
out:
	irq_edu_close(&x);
}

IRQ_TEST(test_irq_compat_format_blocked, compat_blocked, NEEDS)

/* A wait for an interrupt that never comes ends with -ETIMEDOUT, never hangs. */
KTEST_NEEDS(irq, test_irq_wait_times_out, NEEDS)
{
	struct irq_edu x;

	if (irq_edu_open(&x, 0))
		return;
	if (!irq_edu_msi(&x, 0)) {
		report(irq_line_wait(&x.l, x.l.count, 10000) == -ETIMEDOUT,
		       "no raise: the wait times out");
		report(irq_edu_fire(&x), "a raise after it still arrives");
	}
	irq_edu_close(&x);
}

/*
 * The helpers behind "none lost, none twice" and "no interrupt arrives"
 * catch what they are for: an interrupt that lands on a vector without a
 * handler fails the blocked check, and a duplicate later than
 * irq_edu_fire's window fails the settled count (planted: a self-IPI).
 */
KTEST_NEEDS(irq, test_irq_checks_see_strays_and_late_duplicates, NEEDS)
{
	struct irq_edu x;
	bool blocked;
	u64 strays;

	if (irq_edu_open(&x, 0))
		return;
	if (!irq_edu_msi(&x, 0)) {
		report(irq_edu_fire(&x), "one interrupt arrives");
		lapic_self_ipi(x.l.vector);
		report(!irq_line_settled(&x.l, 1) && x.l.count == 2,
		       "a late second one on the vector fails the exact count (%llu)",
		       (unsigned long long)x.l.count);
		irq_unregister(x.l.vector);	/* its interrupts now land without a handler */
		ktest_expect_strays(1);
		strays = irq_strays();
		blocked = irq_edu_blocked(&x, NULL);
		strays = irq_strays() - strays;
		report(!blocked && strays == 1, "one on a vector without a handler fails the "
		       "blocked check (%llu, line %llu, vector %llu)", (unsigned long long)strays,
		       (unsigned long long)x.l.count, (unsigned long long)irq_count(x.l.vector));
	}
	irq_edu_close(&x);
}

/*
 * Fail the n-th allocation or hardware wait of a line request for n = 1,
 * 2, ...: each fails cleanly with vectors and entries as before, then a
 * request with no failure works.
 */
KTEST_NEEDS(irq, test_irq_failure_at_every_site, NEEDS)
{
	const struct irq_remap_ops *ops = irq_remap_ops();
	long vec0 = irq_vectors_used(), ent0 = ops ? ops->live() : 0;
	struct irq_edu x;
	int n, fired = 0, bad = 0;

	if (irq_edu_open(&x, 0))
		return;
	for (n = 1; n < 50; n++) {
		bool f;
		int ret;

		failpoint_arm((unsigned long)n);
		ret = irq_line_msi(&x.l, x.e.d.pdev, 0);
		f = failpoint_fired();
		failpoint_arm(0);
		if (!f) {
			report(ret == 0, "past the last site the request works (%d)", ret);
			break;
		}
		fired++;
		if (!ret)
			irq_line_free(&x.l);
		bad += ret == 0 || irq_vectors_used() != vec0 || (ops && ops->live() != ent0);
	}
	/*
	 * The vector; with remapping also the entry and the flush (AMD-Vi's
	 * per-device table is one more, VT-d's is there from the start).
	 */
	report(n < 50 && fired >= (ops ? 3 : 1) && !bad, "%d sites failed one at a time (at least "
	       "%d), each cleanly", fired, ops ? 3 : 1);
	x.l.fn = NULL;
	if (x.l.how != IRQ_LINE_NONE) {
		u64 seen = x.l.count;

		edu_irq_raise(&x.e.edu, EDU_IRQ_FACT);
		report(irq_line_wait(&x.l, seen, IRQ_WAIT_US) == 0, "and the line delivers");
	}
	irq_edu_close(&x);
	report(irq_vectors_used() == vec0 && (!ops || ops->live() == ent0),
	       "vectors and entries back where they were");
}

/* The NVMe (class 01:08:02) to test MSI-X with, or NULL. */
static struct pci_dev *nvme_dev(void)
{
	for (int i = 0; i < pci_ndevs; i++)
		if (((u32)pci_devs[i].class << 16 | pci_devs[i].subclass << 8 |
		     pci_devs[i].progif) == NVME_CLASS)
			return &pci_devs[i];
	return NULL;
}

/*
 * MSI-X: the NVMe admin completion queue interrupts on vector 0. With its
 * entry 0 remapped, an Identify's completion arrives on the line's vector.
 */
KTEST_NEEDS(irq, test_irq_msix_nvme_admin_completion, KT_NEED_IOMMU | KT_NEED_NVME)
{
	struct irq_line l = { .how = IRQ_LINE_NONE };
	struct pci_dev *p = nvme_dev();
	struct nvme_ctrl c;
	struct dma_dev d;
	struct dma_buf b;
	int ret;

	if (dma_dev_open(&d, p))
		return;
	if (dma_buf_alloc(&b, 2))
		goto out;
	dma_map(&d, DMA_IOVA_A, b.pa, PAGE_SIZE, IOMMU_READ);		/* SQ */
	dma_map(&d, DMA_IOVA_A + PAGE_SIZE, b.pa + PAGE_SIZE, PAGE_SIZE, IOMMU_READ | IOMMU_WRITE);
	dma_map(&d, DMA_IOVA_B, b.pa + 2 * PAGE_SIZE, PAGE_SIZE, IOMMU_WRITE);	/* data */
	ret = irq_line_msix(&l, p, 0, 0);
	report(ret == 0, "MSI-X entry 0 of %s (table of %u) on vector %d, %s (%d)", p->name,
	       p->msix_n, l.vector, l.remapped ? "remapped" : "direct", ret);
	ret = ret ? ret : nvme_init(&c, p);
	ret = ret ? ret : nvme_enable(&c, b.va, DMA_IOVA_A, b.va + PAGE_SIZE, DMA_IOVA_A + PAGE_SIZE);
	report(ret == 0, "controller enabled with the admin queues at IOVAs (%d)", ret);
	if (!ret) {
		ret = nvme_identify(&c, NVME_CNS_CTRL, 0, DMA_IOVA_B);
		report(ret == 0 && irq_line_wait(&l, 0, IRQ_WAIT_US) == 0 && irq_line_settled(&l, 1),
		       "Identify completes and its completion interrupt arrives once (%llu)",
		       (unsigned long long)l.count);
		nvme_disable(&c);
	}
	irq_line_free(&l);
	pci_msix_disable(p);
	dma_unmap(&d, DMA_IOVA_A, 2 * PAGE_SIZE);
	dma_unmap(&d, DMA_IOVA_B, PAGE_SIZE);
	dma_buf_free(&b);
out:
	dma_dev_close(&d);
}
