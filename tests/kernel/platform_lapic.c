// SPDX-License-Identifier: MIT
/*
 * platform suite, the local APIC and the MADT: the mode chosen (x2APIC
 * wherever the CPU has it unless x2apic=off, kept when a loader hands over
 * in x2APIC mode), IPIs by APIC ID in either mode, and the MADT's Local APIC
 * and Local x2APIC entries (sparse and above-255 IDs) from built tables.
 */
#include "arch/x86/acpi.h"
#include "boot/cmdline.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/trap.h"
#include "arch/x86/tsc.h"
#include "arch/x86/watchdog.h"
#include "arch/x86/x86.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "tests/ktest.h"

#define APIC_BASE_EN	(1ULL << 11)
#define APIC_BASE_X2	(1ULL << 10)

/* The APIC ID the CPU itself reports: CPUID 0xB (32 bits) or CPUID 1 (8 bits). */
static u32 cpuid_apic_id(bool x2)
{
	u32 a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	if (x2 && max >= 0xb) {
		cpuid(0xb, 0, &a, &b, &c, &d);
		return d;
	}
	cpuid(1, 0, &a, &b, &c, &d);
	return b >> 24;
}

static bool madt_has(u32 id)
{
	for (int i = 0; i < acpi.madt.ncpus; i++)
		if (acpi.madt.cpus[i].apic_id == id && acpi.madt.cpus[i].enabled)
			return true;
	return false;
}

KTEST(platform, test_platform_lapic_mode)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	char v[8];
	bool off = cmdline_get("x2apic", v, sizeof(v)) && strcmp(v, "on");
	bool want = lapic_loader_x2apic() || (cpu_feat.x2apic && !off);

	report_info("mode: %s; CPU has x2APIC: %d; x2apic=off: %d", lapic_mode_str(),
		    cpu_feat.x2apic, off);
	report(base & APIC_BASE_EN, "IA32_APIC_BASE.EN is set");
	report(lapic_x2apic() == want, "%s mode as the policy says (loader %d, CPU %d, off %d)",
	       lapic_x2apic() ? "x2APIC" : "xAPIC", lapic_loader_x2apic(), cpu_feat.x2apic, off);
	report(!!(base & APIC_BASE_X2) == lapic_x2apic(), "IA32_APIC_BASE.EXTD matches the mode");
	report(lapic_id() == cpuid_apic_id(lapic_x2apic()),
	       "APIC ID register (%#x) matches CPUID's (%#x)", lapic_id(),
	       cpuid_apic_id(lapic_x2apic()));
	report(madt_has(lapic_id()), "the MADT lists this CPU's APIC ID %#x as enabled", lapic_id());
}

static void count_irq(struct trap_frame *tf, void *ctx)
{
	__atomic_fetch_add((int *)ctx, 1, __ATOMIC_RELAXED);
}

/* An IPI by destination ID to ourselves, and a self-IPI, each arrive once. */
static void check_ipis(const char *mode)
{
	int hits = 0, vec = irq_alloc_vector(count_irq, &hits);
	int r;

	if (vec < 0) {
		report(false, "%s: a free vector", mode);
		return;
	}
	r = lapic_send_ipi(lapic_id(), vec);
	report(r == 0 && poll_timeout(__atomic_load_n(&hits, __ATOMIC_RELAXED) == 1, 500000) == 0,
	       "%s: fixed IPI to APIC ID %#x arrives (send %d)", mode, lapic_id(), r);
	lapic_self_ipi(vec);
	report(poll_timeout(__atomic_load_n(&hits, __ATOMIC_RELAXED) == 2, 500000) == 0,
	       "%s: self-IPI arrives", mode);
	report(lapic_send_ipi(lapic_max_dest() + 1, vec) == -EINVAL,
	       "%s: destination %#x beyond the mode's range is refused", mode,
	       lapic_max_dest() + 1);
	udelay(1000);
	report(__atomic_load_n(&hits, __ATOMIC_RELAXED) == 2, "%s: no extra interrupt", mode);
	irq_unregister(vec);
}

KTEST(platform, test_platform_lapic_ipi_by_id)
{
	check_ipis(lapic_x2apic() ? "x2APIC" : "xAPIC");
}

/*
 * A loader (firmware with many CPUs, another kernel) hands over with the
 * APIC in x2APIC mode: re-run the boot path with x2apic=off on an APIC in
 * x2APIC mode, and it must stay in x2APIC mode and work. (An APIC in xAPIC
 * mode is not switched for this: getting back needs a disable, after which
 * some CPUs, and Bochs, keep the APIC off until reset.)
 */
KTEST(platform, test_platform_lapic_x2apic_handover)
{
	const char *why;
	unsigned long f;
	u64 t0;

	if (!cpu_feat.x2apic) {
		report_skip("the CPU has no x2APIC (QEMU's TCG has none: Bochs, or KVM with -cpu qemu64,+x2apic)");
		return;
	}
	if (!lapic_x2apic()) {
		report_skip("the APIC runs in xAPIC mode (x2apic=off); leaving x2APIC needs a reset on some CPUs");
		return;
	}
	f = arch_irq_save();
	why = lapic_setup(false);
	watchdog_cpu_start();
	arch_irq_restore(f);
	report_info("boot path on a handed-over x2APIC with x2apic=off: %s", why);
	report(lapic_x2apic() && (rdmsr(MSR_APIC_BASE) & APIC_BASE_X2),
	       "the APIC stays in x2APIC mode although x2apic=off");
	report(strstr(why, "loader") != NULL, "the reason names the loader");
	report(lapic_id() == cpuid_apic_id(true), "x2APIC ID %#x matches CPUID 0xB", lapic_id());
	check_ipis("handed-over x2APIC");
	t0 = watchdog_ticks();
	report(!watchdog_running() || poll_timeout(watchdog_ticks() > t0 + 1, 2000000) == 0,
	       "the APIC timer ticks after the handover");
	f = arch_irq_save();
	lapic_setup(true);
	watchdog_cpu_start();
	arch_irq_restore(f);
}

/* --- the MADT parser on built tables --- */

struct tbl {
	u8 b[512];
	size_t n;
};

static void put(struct tbl *t, const void *p, size_t n)
{
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void header(struct tbl *t)
{
	u32 lapic = 0xfee00000, flags = 1;

	memset(t, 0, sizeof(*t));
	memcpy(t->b, "APIC", 4);
	t->n = 36;
	put(t, &lapic, 4);
	put(t, &flags, 4);
}

static void lapic_entry(struct tbl *t, u8 uid, u8 id, u32 flags)
{
	u8 e[8] = { MADT_LAPIC, 8, uid, id };

	memcpy(e + 4, &flags, 4);
	put(t, e, 8);
}

static void x2apic_entry(struct tbl *t, u32 id, u32 flags, u32 uid)
{
	u8 e[16] = { MADT_X2APIC, 16 };

	memcpy(e + 4, &id, 4);
	memcpy(e + 8, &flags, 4);
	memcpy(e + 12, &uid, 4);
	put(t, e, 16);
}

static const struct acpi_cpu *find(const struct madt_info *m, u32 id)
{
	for (int i = 0; i < m->ncpus; i++)
		if (m->cpus[i].apic_id == id)
			return &m->cpus[i];
	return NULL;
}

static void parse(const struct tbl *t, struct madt_info *m, struct acpi_cpu *cpus, int max)
{
	memset(m, 0, sizeof(*m));
	m->cpus = cpus;
	m->max = max;
	madt_parse(t->b, t->n, m);
}

/* A machine with sparse xAPIC IDs and x2APIC IDs above 255, plus every bad entry kind. */
static void build_mixed(struct tbl *t)
{
	u8 ioapic[12] = { MADT_IOAPIC, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe };
	u8 unknown[6] = { 0x7f, 6 }, short_lapic[6] = { MADT_LAPIC, 6, 9, 9, 1 };

	header(t);
	lapic_entry(t, 0, 0, 1);
	lapic_entry(t, 1, 2, 1);		/* sparse */
	lapic_entry(t, 2, 0xff, 1);		/* 0xff is broadcast: invalid */
	lapic_entry(t, 3, 5, 0);		/* neither enabled nor online-capable */
	lapic_entry(t, 4, 6, 2);		/* online-capable */
	put(t, ioapic, sizeof(ioapic));
	put(t, unknown, sizeof(unknown));
	put(t, short_lapic, sizeof(short_lapic));
	x2apic_entry(t, 0x100, 1, 7);
	x2apic_entry(t, 0x12345, 1, 8);
	x2apic_entry(t, 2, 1, 9);		/* the same CPU as the LAPIC entry */
	x2apic_entry(t, 0xffffffff, 1, 10);	/* invalid */
}

KTEST(platform, test_platform_madt_sparse_and_x2apic_ids)
{
	struct acpi_cpu cpus[16];
	struct madt_info m;
	struct tbl t;
	const struct acpi_cpu *c;

	build_mixed(&t);
	parse(&t, &m, cpus, 16);
	report(m.ncpus == 5 && m.nenabled == 4, "5 usable processors, 4 enabled (got %d, %d)",
	       m.ncpus, m.nenabled);
	report(m.dropped == 3, "3 entries dropped: ID 0xff, a duplicate, ID 0xffffffff (got %d)",
	       m.dropped);
	report(!m.truncated && m.lapic_addr == 0xfee00000 && m.ioapic_base == 0xfec00000,
	       "whole table read; LAPIC and IOAPIC addresses");
	c = find(&m, 2);
	report(c && c->type == MADT_LAPIC && c->uid == 1 && c->enabled,
	       "sparse ID 2 from its Local APIC entry, UID 1 (the x2APIC duplicate ignored)");
	c = find(&m, 0x100);
	report(c && c->type == MADT_X2APIC && c->uid == 7 && c->enabled,
	       "x2APIC ID 0x100 (above 255), UID 7");
	c = find(&m, 0x12345);
	report(c && c->type == MADT_X2APIC && c->uid == 8, "x2APIC ID 0x12345, UID 8");
	c = find(&m, 6);
	report(c && !c->enabled && c->online_capable, "ID 6 online-capable, not enabled");
	report(!find(&m, 5) && !find(&m, 0xff) && !find(&m, 9),
	       "disabled, invalid and too-short entries are not processors");

	parse(&t, &m, cpus, 2);
	report(m.ncpus == 2 && m.dropped == 6, "a full table keeps 2 and counts the rest (%d, %d)",
	       m.ncpus, m.dropped);
}

KTEST(platform, test_platform_madt_malformed)
{
	struct acpi_cpu cpus[8];
	struct madt_info m;
	struct tbl t;

	header(&t);
	lapic_entry(&t, 0, 0, 1);
	t.b[t.n] = MADT_X2APIC;
	t.b[t.n + 1] = 16;		/* claims 16 bytes, only 8 left */
	t.n += 8;
	parse(&t, &m, cpus, 8);
	report(m.truncated && m.ncpus == 1, "an entry running past the end stops the walk, earlier ones kept");

	header(&t);
	lapic_entry(&t, 0, 0, 1);
	t.b[t.n] = MADT_LAPIC;		/* length 0 would loop forever */
	t.n += 2;
	lapic_entry(&t, 1, 1, 1);
	parse(&t, &m, cpus, 8);
	report(m.truncated && m.ncpus == 1, "a zero-length entry stops the walk");

	header(&t);
	parse(&t, &m, cpus, 8);
	report(!m.truncated && m.ncpus == 0, "no entries: no processors");
	t.n = 30;
	parse(&t, &m, cpus, 8);
	report(m.ncpus == 0 && m.lapic_addr == 0, "a table shorter than its header gives nothing");
}
