// SPDX-License-Identifier: MIT
/*
 * Interrupt remapping, the neutral part both builds share: which driver
 * remaps (one at a time), compatibility-format messages, and the IOAPIC
 * entry that makes an IOAPIC send a given message.
 * Layouts: Intel SDM vol. 3 11.11 (MSI address/data), VT-d 5.1.5.1.
 */
#include "iommu/irq_remap.h"
#include "lib/bitops.h"
#include "lib/errno.h"

#define MSI_ADDR_BASE		0xfee00000ULL
#define MSI_ADDR_DEST		GENMASK_ULL(19, 12)
#define MSI_DATA_LEVEL		BIT(15)		/* trigger mode */
#define MSI_DATA_ASSERT		BIT(14)		/* level: asserted */
#define RTE_LEVEL		BIT_ULL(15)
#define RTE_LOW			BIT_ULL(13)
#define RTE_MASKED		BIT_ULL(16)

static const struct irq_remap_ops *active_ops;

void irq_remap_register(const struct irq_remap_ops *ops)
{
	active_ops = ops;
}

void irq_remap_unregister(const struct irq_remap_ops *ops)
{
	if (active_ops == ops)
		active_ops = NULL;
}

const struct irq_remap_ops *irq_remap_ops(void)
{
	return active_ops;
}

bool irq_remap_covers(const struct irq_source *src)
{
	return active_ops && active_ops->covers(src);
}

int irq_msg_compat(const struct irq_target *t, struct irq_msg *msg)
{
	if (t->dest > 0xff)
		return -ERANGE;	/* 8 destination bits without remapping */
	msg->addr = MSI_ADDR_BASE | FIELD_PREP(MSI_ADDR_DEST, (u64)t->dest);
	msg->data = t->vector | (t->level ? MSI_DATA_LEVEL | MSI_DATA_ASSERT : 0);
	return 0;
}

/*
 * The IOAPIC sends address 0xfee00000 | entry[63:48] << 4 | entry[11] << 2
 * and data entry[10:0] | trigger << 15: the inverse picks those bits out.
 */
u64 irq_msg_to_rte(const struct irq_msg *msg, bool level, bool low)
{
	return ((msg->addr >> 4) & 0xffff) << 48 | ((msg->addr >> 2) & 1) << 11 |
	       (msg->data & 0x7ff) | (level ? RTE_LEVEL : 0) | (low ? RTE_LOW : 0) | RTE_MASKED;
}
