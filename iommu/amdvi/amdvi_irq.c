// SPDX-License-Identifier: MIT
/*
 * AMD-Vi interrupt remapping: one table per requester ID behind its DTE
 * (IV, IntTabLen, IntCtl), 32-bit or 128-bit (GA) entries, x2APIC
 * destinations with XTEn, INVALIDATE_INTERRUPT_TABLE after every change,
 * IOAPIC/HPET devids, takeover of a found table. Spec 2.2.2, 2.2.5, 2.4.5.
 */
#include "iommu/amdvi/amdvi.h"
#include "iommu/amdvi/amdvi_caps.h"
#include "iommu/ivrs.h"
#include "boot/cmdline.h"
#include "arch/x86/console.h"
#include "arch/x86/lapic.h"
#include "arch/x86/pci.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/string.h"

int amdvi_irte_encode(const struct amdvi_irte_cfg *c, bool ga, bool xt, u64 raw[2])
{
	u64 lo = AMDVI_IRTE_REMAPEN | (c->sup_iopf ? AMDVI_IRTE_SUPIOPF : 0);

	raw[1] = 0;
	if (!ga) {
		if (c->dest > 0xff)
			return -ERANGE;
		raw[0] = lo | FIELD_PREP(AMDVI_IRTE_DEST, (u64)c->dest) |
			 FIELD_PREP(AMDVI_IRTE_VECTOR, (u64)c->vector);
		return 0;
	}
	if (c->dest > (xt ? 0xffffffffu : 0xffu))
		return -ERANGE;
	raw[0] = lo | FIELD_PREP(AMDVI_GA_DEST_LO, (u64)(c->dest & 0xffffff));
	raw[1] = FIELD_PREP(AMDVI_GA_VECTOR, (u64)c->vector) |
		 FIELD_PREP(AMDVI_GA_DEST_HI, (u64)(c->dest >> 24));
	return 0;
}

/*
 * A live 128-bit entry changes in one cmpxchg16b; an absent one gets its
 * high half first and RemapEn last (the unit reads entries in halves).
 */
static void entry_write(const struct amdvi_unit *u, void *t, u32 i, const u64 raw[2])
{
	u64 *s = (u64 *)t + 2 * i, lo = READ_ONCE(s[0]), hi = READ_ONCE(s[1]);
	bool ok;

	if (!u->ga) {
		WRITE_ONCE(((u32 *)t)[i], (u32)raw[0]);
		return;
	}
	if (!(lo & AMDVI_IRTE_REMAPEN) || !(raw[0] & AMDVI_IRTE_REMAPEN)) {
		int first = (lo & AMDVI_IRTE_REMAPEN) ? 0 : 1;

		WRITE_ONCE(s[first], raw[first]);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		WRITE_ONCE(s[!first], raw[!first]);
		return;
	}
	do {
		__asm__ __volatile__("lock cmpxchg16b %1\n\tsetz %0"
				     : "=q"(ok), "+m"(*(volatile u64 (*)[2])s), "+a"(lo), "+d"(hi)
				     : "b"(raw[0]), "c"(raw[1])
				     : "memory", "cc");
	} while (!ok);
}

static struct amdvi_irt *irt_find(struct amdvi_unit *u, u16 devid)
{
	struct amdvi_irt *t;

	list_for_each_entry(t, &u->irts, node)
		if (t->devid == devid)
			return t;
	return NULL;
}

/*
 * The devid an interrupt table is kept for: the one the unit sees for
 * requests of devid, i.e. its device's IVRS alias (or its own ID). Devices
 * sharing that alias share the table, as on Linux (irq_lookup_table[alias]).
 */
static u16 irt_key(struct amdvi_unit *u, u16 devid)
{
	struct amdvi_dev *ad = amdvi_dev_of_devid(u, devid);

	return ad && ad->devid == devid ? ad->alias : devid;
}

static struct amdvi_irt *irt_of(struct amdvi_unit *u, u16 devid)
{
	return irt_find(u, irt_key(u, devid));
}

u64 amdvi_ir_dte2(struct amdvi_unit *u, u16 devid)
{
	struct amdvi_irt *t = u->irts.next ? irt_find(u, devid) : NULL;

	if (!t || t->bypassed)
		return 0;
	return AMDVI_DTE2_IV | FIELD_PREP(AMDVI_DTE2_INTTABLEN, (u64)AMDVI_IRT_LEN_LOG2) |
	       (amdvi_pa(t->table) & AMDVI_DTE2_INTTAB) |
	       FIELD_PREP(AMDVI_DTE2_INTCTL, (u64)AMDVI_INTCTL_REMAP);
}

/*
 * Point the DTEs that use the table of key at its current state: the
 * probed devices seen as key get their DTEs rebuilt whole; an IOAPIC's or
 * HPET's keeps its low half and changes word 2. Each write flushes the
 * entry and waits.
 */
static int irt_attach(struct amdvi_unit *u, u16 key)
{
	int n = amdvi_alias_refresh(u, key);
	u64 dte[4];

	if (n)
		return n < 0 ? n : 0;
	memcpy(dte, amdvi_dte_ptr(u, key), sizeof(dte));
	dte[2] = (dte[2] & ~AMDVI_DTE2_IR_FIELDS) | amdvi_ir_dte2(u, key);
	return amdvi_dte_set(u, key, dte);
}

/* INVALIDATE_INTERRUPT_TABLE for every devid that uses the table, then a wait. */
static int irt_flush(struct amdvi_unit *u, u16 key)
{
	u16 ids[16] = { key };
	int n = amdvi_alias_devids(u, key, ids, ARRAY_SIZE(ids)), ret = 0;
	u64 cmd[2];

	for (int i = 0; i < (n ? n : 1) && !ret; i++) {
		amdvi_cmd_inv_intr_table(cmd, ids[i]);
		ret = amdvi_cmd_queue(u, cmd);
	}
	return ret ? ret : amdvi_cmd_sync(u);
}

static struct amdvi_irt *irt_new(struct amdvi_unit *u, u16 devid)
{
	struct amdvi_irt *t = failable(kzalloc(sizeof(*t)));

	if (!t)
		return NULL;
	t->table = failable(page_alloc_va(0));
	if (!t->table) {
		kfree(t);
		return NULL;
	}
	t->devid = devid;
	list_add_tail(&t->node, &u->irts);
	return t;
}

static void irt_del(struct amdvi_irt *t)
{
	list_del(&t->node);
	page_free_va(t->table, 0);
	kfree(t);
}

static bool irt_empty(const struct amdvi_irt *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(t->used); i++)
		if (t->used[i])
			return false;
	return true;
}

/* --- the devids of sources --- */

/* ivrs_ioapic=ID@[SSSS:]BB:DD.F or ivrs_ioapic[ID]=BB:DD.F (Linux's), same for HPET. */
struct special_override {
	const char *key;
	u8 handle;
	bool found;
	u16 segment, devid;
};

static int parse_bdf(const char *s, size_t n, u16 *seg, u16 *bdf)
{
	unsigned int v[4] = { 0 }, k = 0;

	for (size_t i = 0; i < n && k < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d >= 0)
			v[k] = v[k] * 16 + (unsigned int)d;
		else if (c == ':' || c == '.')
			k++;
		else
			return -EINVAL;
	}
	if (k == 3) {	/* segment given */
		*seg = (u16)v[0];
		memmove(v, v + 1, 3 * sizeof(v[0]));
	} else if (k == 2) {
		*seg = 0;
	} else {
		return -EINVAL;
	}
	if (v[0] > 0xff || v[1] > 0x1f || v[2] > 7)
		return -EINVAL;
	*bdf = (u16)(v[0] << 8 | v[1] << 3 | v[2]);
	return 0;
}

static void override_word(const char *w, size_t n, void *ctx)
{
	struct special_override *o = ctx;
	size_t kl = strlen(o->key), i;
	unsigned int id = 0;

	if (n <= kl || memcmp(w, o->key, kl))
		return;
	w += kl;
	n -= kl;
	if (*w == '[') {		/* [ID]=BDF */
		for (i = 1; i < n && w[i] >= '0' && w[i] <= '9'; i++)
			id = id * 10 + (unsigned int)(w[i] - '0');
		if (i + 1 >= n || w[i] != ']' || w[i + 1] != '=')
			return;
		i += 2;
	} else if (*w == '=') {		/* =ID@BDF */
		for (i = 1; i < n && w[i] >= '0' && w[i] <= '9'; i++)
			id = id * 10 + (unsigned int)(w[i] - '0');
		if (i >= n || w[i] != '@')
			return;
		i++;
	} else {
		return;
	}
	if (id == o->handle && !parse_bdf(w + i, n - i, &o->segment, &o->devid))
		o->found = true;
}

int amdvi_special_devid(u8 variety, u8 handle, u16 *devid, struct amdvi_unit **unit)
{
	struct special_override o = {
		.key = variety == IVRS_SPECIAL_IOAPIC ? "ivrs_ioapic" : "ivrs_hpet",
		.handle = handle,
	};
	const struct ivrs_special *sp = NULL;

	cmdline_for_each(override_word, &o);
	for (int i = 0; amdvi_ivrs && i < amdvi_ivrs->nspecial && !sp; i++)
		if (amdvi_ivrs->special[i].variety == variety &&
		    amdvi_ivrs->special[i].handle == handle)
			sp = &amdvi_ivrs->special[i];
	if (o.found) {
		*devid = o.devid;
		*unit = amdvi_unit_for(o.segment, o.devid);
		if (!*unit && sp && sp->unit < amdvi_nunits)
			*unit = amdvi_units[sp->unit];
		if (!*unit && amdvi_nunits == 1)
			*unit = amdvi_units[0];
		return *unit ? 0 : -ENODEV;
	}
	if (!sp || sp->unit >= amdvi_nunits)
		return -ENODEV;
	*devid = sp->devid;
	*unit = amdvi_units[sp->unit];
	return 0;
}

/* The unit and devid a source's interrupts arrive with. */
static struct amdvi_unit *unit_of_source(const struct irq_source *src, u16 *devid)
{
	struct amdvi_unit *u = NULL;

	switch (src->kind) {
	case IRQ_SRC_PCI:
		u = amdvi_unit_for(src->segment, src->rid);
		*devid = src->rid;
		if (u && !amdvi_dev_of_devid(u, src->rid))
			u = NULL;	/* not a device this driver probed */
		break;
	case IRQ_SRC_IOAPIC:
		if (amdvi_special_devid(IVRS_SPECIAL_IOAPIC, src->id, devid, &u))
			u = NULL;
		break;
	case IRQ_SRC_HPET:
		if (amdvi_special_devid(IVRS_SPECIAL_HPET, src->id, devid, &u))
			u = NULL;
		break;
	}
	return u;
}

/* --- bring-up and takeover --- */

static bool opt_on(const char *key)
{
	char v[8];

	if (!cmdline_get(key, v, sizeof(v)))
		return true;
	return strcmp(v, "off") && strcmp(v, "0") && strcmp(v, "no");
}

/*
 * Copy the interrupt table an old DTE points at (IntCtl remap) into a new
 * table of ours, converting between 32-bit and 128-bit entries: present
 * entries keep their index. Returns how many were kept, or -errno.
 */
static int keep_old_table(struct amdvi_unit *u, u16 devid, u64 dte2, bool old_ga)
{
	u32 n = 1u << min((u32)FIELD_GET(AMDVI_DTE2_INTTABLEN, dte2), 11u), kept = 0;
	const void *old = memremap(dte2 & AMDVI_DTE2_INTTAB, (size_t)n * (old_ga ? 16 : 4));
	struct amdvi_irt *t;

	if (!old)
		return -ENOMEM;
	t = irt_find(u, devid);
	if (!t && !(t = irt_new(u, devid)))
		return -ENOMEM;
	for (u32 i = 0; i < n && i < AMDVI_IRT_ENTRIES; i++) {
		const u64 *o64 = old;
		u64 raw[2], lo = old_ga ? o64[2 * i] : ((const u32 *)old)[i];
		struct amdvi_irte_cfg c = { .sup_iopf = lo & AMDVI_IRTE_SUPIOPF };

		if (!(lo & AMDVI_IRTE_REMAPEN) || (lo & AMDVI_IRTE_GUEST))
			continue;
		c.dest = old_ga ? (u32)(FIELD_GET(AMDVI_GA_DEST_LO, lo) |
					FIELD_GET(AMDVI_GA_DEST_HI, o64[2 * i + 1]) << 24) :
				  (u32)FIELD_GET(AMDVI_IRTE_DEST, lo);
		c.vector = (u8)(old_ga ? FIELD_GET(AMDVI_GA_VECTOR, o64[2 * i + 1]) :
					 FIELD_GET(AMDVI_IRTE_VECTOR, lo));
		if (amdvi_irte_encode(&c, u->ga, u->xt, raw))
			continue;	/* not expressible here: that interrupt stays blocked */
		entry_write(u, t->table, i, raw);
		bitmap_set_bit(t->used, i);
		bitmap_set_bit(t->kept, i);
		kept++;
	}
	return (int)kept;
}

static int keep_old_tables(struct amdvi_unit *u, u64 found_ctrl, u64 found_devtab)
{
	u32 ndte = (u32)((FIELD_GET(AMDVI_DEVTAB_SIZE, found_devtab) + 1) * (PAGE_SIZE / 32));
	const u64 *old = memremap(found_devtab & AMDVI_BASE_ADDR, (size_t)ndte * 32);
	int tables = 0, entries = 0;

	if (!old)
		return -ENOMEM;
	for (u32 id = 0; id < ndte && id < AMDVI_DEVTAB_ENTRIES; id++) {
		u64 dte2 = old[4 * id + 2];
		int n;

		if (!(old[4 * id] & AMDVI_DTE0_V) || !(dte2 & AMDVI_DTE2_IV) ||
		    FIELD_GET(AMDVI_DTE2_INTCTL, dte2) != AMDVI_INTCTL_REMAP)
			continue;
		n = keep_old_table(u, (u16)id, dte2, found_ctrl & AMDVI_CTRL_GA_EN);
		if (n < 0)
			return n;
		tables++;
		entries += n;
	}
	u->ir_inherited = (u32)entries;
	printk("# %s: interrupt remapping found in use: %d table(s), %d entries kept at "
	       "their indices\n", u->name, tables, entries);
	return tables;
}

u64 amdvi_ir_init(struct amdvi_unit *u, u64 found_ctrl, u64 found_devtab)
{
	bool x2 = lapic_x2apic();

	spin_lock_init(&u->ir_lock);
	if (!u->irts.next)
		INIT_LIST_HEAD(&u->irts);
	u->ir_on = opt_on("intremap");
	u->ga = amdvi_efr_ga(u->efr) && opt_on("amdvi_ga");
	u->xt = u->ga && x2 && amdvi_efr_xt(u->efr);
	if (x2 && !u->xt)
		printk("# %s: x2APIC mode without XTSup/GASup: 8-bit destinations only\n",
		       u->name);
	u->ir_takeover_failed = u->ir_on && (found_ctrl & AMDVI_CTRL_IOMMU_EN) &&
				keep_old_tables(u, found_ctrl, found_devtab) < 0;
	if (u->ir_takeover_failed) {
		/* the caller leaves the device table found in place: nothing is lost */
		printk("# %s: the interrupt tables found could not be kept: unit left as found\n",
		       u->name);
		return 0;
	}
	if (!u->ir_on)
		return 0;
	printk("# %s: interrupt remapping on: %s entries%s\n", u->name,
	       u->ga ? "128-bit (GA)" : "32-bit", u->xt ? ", x2APIC destinations" : "");
	return (u->ga ? AMDVI_CTRL_GA_EN : 0) | (u->xt ? AMDVI_CTRL_XT_EN : 0);
}

void amdvi_ir_fini(struct amdvi_unit *u)
{
	struct amdvi_irt *t, *n;

	if (!u->irts.next)
		return;
	list_for_each_entry_safe(t, n, &u->irts, node)
		irt_del(t);
	u->ir_inherited = 0;
}

int amdvi_ir_release_inherited(struct amdvi_unit *u)
{
	static const u64 none[2] = { 0, 0 };
	struct amdvi_irt *t, *n;
	int released = 0;

	list_for_each_entry_safe(t, n, &u->irts, node) {
		bool any = false;

		for (u32 i = 0; i < AMDVI_IRT_ENTRIES; i++) {
			if (!bitmap_test_bit(t->kept, i))
				continue;
			entry_write(u, t->table, i, none);
			bitmap_clear_bit(t->kept, i);
			bitmap_clear_bit(t->used, i);
			released++;
			any = true;
		}
		if (!any)
			continue;
		irt_flush(u, t->devid);
		if (irt_empty(t)) {
			t->bypassed = true;	/* detach first: IV = 0 */
			irt_attach(u, t->devid);
			irt_del(t);
		}
	}
	u->ir_inherited = 0;
	return released;
}

/* --- irq_remap_ops --- */

static bool amdvi_ir_covers(const struct irq_source *src)
{
	u16 devid;
	struct amdvi_unit *u = unit_of_source(src, &devid);

	return u && u->ir_on;
}

static int amdvi_ir_alloc(const struct irq_source *src, struct irq_remap_entry *e)
{
	struct amdvi_unit *u;
	struct amdvi_irt *t;
	size_t i;
	u16 devid;
	bool fresh = false;
	int ret;

	u = unit_of_source(src, &devid);
	if (!u || !u->ir_on)
		return -ENODEV;
	spin_lock(&u->ir_lock);
	t = irt_of(u, devid);
	if (!t) {
		t = irt_new(u, irt_key(u, devid));
		fresh = true;
	}
	i = t ? bitmap_find_next_zero(t->used, AMDVI_IRT_ENTRIES, 0) : AMDVI_IRT_ENTRIES;
	ret = !t ? -ENOMEM : i >= AMDVI_IRT_ENTRIES || failpoint_hit() ? -ENOSPC : 0;
	if (!ret)
		bitmap_set_bit(t->used, i);
	spin_unlock(&u->ir_lock);
	if (!ret && fresh)
		ret = irt_attach(u, t->devid);	/* IV=1, every entry still blocked */
	if (ret)
		goto err;
	e->src = *src;
	e->unit = u;
	e->priv = t;
	e->index = (u32)i;
	e->live = true;
	return 0;
err:
	if (t && fresh) {
		t->bypassed = true;
		irt_attach(u, t->devid);	/* never leave a DTE pointing at a freed table */
		spin_lock(&u->ir_lock);
		irt_del(t);
		spin_unlock(&u->ir_lock);
	}
	return ret;	/* a table that was there keeps its bitmap: nothing was set */
}

static int amdvi_ir_set(struct irq_remap_entry *e, const struct irq_target *t, struct irq_msg *msg)
{
	struct amdvi_unit *u = e->unit;
	struct amdvi_irt *irt = e->priv;
	struct amdvi_irte_cfg c = { .dest = t->dest, .vector = t->vector };
	u64 raw[2];
	int ret = amdvi_irte_encode(&c, u->ga, u->xt, raw);

	if (ret)
		return ret;
	entry_write(u, irt->table, e->index, raw);
	amdvi_trace(u, AMDVI_TR_IRTE, 0, (u32)irt->devid << 16 | e->index);
	ret = irt_flush(u, irt->devid);
	if (ret)
		return ret;
	/* the index in data 10:0; the destination field of the address is ignored */
	msg->addr = 0xfee00000ULL;
	msg->data = FIELD_PREP(AMDVI_MSI_INDEX, e->index);
	return 0;
}

static int amdvi_ir_clear(struct irq_remap_entry *e)
{
	static const u64 none[2] = { 0, 0 };
	struct amdvi_irt *irt = e->priv;

	entry_write(e->unit, irt->table, e->index, none);
	amdvi_trace(e->unit, AMDVI_TR_IRTE, 0, (u32)irt->devid << 16 | e->index);
	return irt_flush(e->unit, irt->devid);
}

/* The last entry gone: DTE back to IV = 0, then the table is freed. */
static void amdvi_ir_free(struct irq_remap_entry *e)
{
	struct amdvi_irt *irt = e->priv;
	struct amdvi_unit *u = e->unit;
	bool empty;

	if (!e->live)
		return;
	amdvi_ir_clear(e);
	e->live = false;
	spin_lock(&u->ir_lock);
	bitmap_clear_bit(irt->used, e->index);
	empty = irt_empty(irt);
	if (empty)
		irt->bypassed = true;
	spin_unlock(&u->ir_lock);
	if (!empty || irt_attach(u, irt->devid))
		return;	/* in use, or the unit may still read it: keep the table */
	spin_lock(&u->ir_lock);
	if (irt_empty(irt))
		irt_del(irt);
	spin_unlock(&u->ir_lock);
}

/* Per requester ID: IV = 0 lets its interrupts pass unremapped. */
static int amdvi_ir_bypass(const struct irq_source *src, bool on)
{
	u16 devid;
	struct amdvi_unit *u = unit_of_source(src, &devid);
	struct amdvi_irt *t = u ? irt_of(u, devid) : NULL;

	if (!u)
		return -ENODEV;
	if (!t)
		return 0;	/* no table: IV is 0; remapping starts with the first entry */
	t->bypassed = on;
	return irt_attach(u, t->devid);
}

static int amdvi_ir_compat_blocked(const struct irq_source *src)
{
	return -EOPNOTSUPP;	/* every MSI names an entry by its data: no such format */
}

static long amdvi_ir_live(void)
{
	long n = 0;

	for (int i = 0; i < amdvi_nunits; i++) {
		struct amdvi_irt *t;

		if (!amdvi_units[i]->irts.next)
			continue;
		list_for_each_entry(t, &amdvi_units[i]->irts, node)
			for (u32 k = 0; k < AMDVI_IRT_ENTRIES; k++)
				n += bitmap_test_bit(t->used, k) && !bitmap_test_bit(t->kept, k);
	}
	return n;
}

static void amdvi_ir_off(void)
{
	for (int i = 0; i < amdvi_nunits; i++)
		amdvi_units[i]->ir_on = false;
}

const struct irq_remap_ops amdvi_irq_remap_ops = {
	.name = "amdvi",
	.covers = amdvi_ir_covers,
	.alloc = amdvi_ir_alloc,
	.set = amdvi_ir_set,
	.clear = amdvi_ir_clear,
	.free = amdvi_ir_free,
	.bypass = amdvi_ir_bypass,
	.compat_blocked = amdvi_ir_compat_blocked,
	.live = amdvi_ir_live,
	.off = amdvi_ir_off,
};
