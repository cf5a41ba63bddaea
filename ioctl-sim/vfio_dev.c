// SPDX-License-Identifier: MIT
/*
 * VFIO cdev device files /dev/vfio/devices/vfioN: Linux's device ioctls (bind,
 * attach, info, regions, MSI/MSI-X to eventfds), BAR mmap, config/BAR
 * pread/pwrite, our fault ioctl.
 * Layouts: include/uapi/linux/vfio.h; semantics as Linux vfio-pci 6.12.
 */
#include "ioctl-sim/vfio_dev.h"
#include "arch/x86/console.h"
#include "arch/x86/mm.h"
#include "arch/x86/pci.h"
#include "arch/x86/uaccess.h"
#include "arch/x86/x86.h"
#include "core/iommufd.h"
#include <linux/vfio.h>
#include "iommu/iommu.h"
#include "iommu/iommu_init.h"
#include "iommu/irq_remap.h"
#include "ioctl-sim/sim.h"
#include "lib/alloc.h"
#include "lib/bitops.h"
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/failpoint.h"
#include "lib/printf.h"
#include "lib/string.h"

#define REGION_SHIFT	40	/* region index in the top bits of the file offset */
#define REGION_MASK	((1ULL << REGION_SHIFT) - 1)
#define MAX_NODES	32
#define FAULT_QUEUE	32
#define MAX_VECTORS	8	/* MSI-X vectors a file may have triggering */
#define CMD_USER_BITS	(PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE)

/* One device node. */
struct vfio_node {
	struct sim_node node;
	char path[32];
	int index;			/* N of vfioN */
	struct pci_dev *pdev;
	struct iommu_dev *dev;
	struct vfio_file *bound;	/* the one file bound to an iommufd */
};

/*
 * One open device file. Faults are queued from iommu_fault_report, which
 * runs in thread context on this CPU like the syscalls: no lock.
 */
struct vfio_file {
	struct vfio_node *vn;
	u16 saved_cmd;			/* PCI_COMMAND before the open */
	struct iommufd_ctx *ictx;	/* bound: a context reference */
	struct iommufd_device *idev;
	bool attached;
	struct iommu_fault_owner owner;
	struct iommu_fault_record faults[FAULT_QUEUE];
	u32 head, queued, lost;
	/* interrupts: one index (MSI or MSI-X) at a time, an eventfd per vector */
	int irq_index;			/* -1: none enabled */
	struct vfio_vector {
		struct irq_line line;	/* how == IRQ_LINE_NONE: not set up */
		struct sim_file *trigger;	/* the eventfd the handler signals */
	} vec[MAX_VECTORS];
};

static struct vfio_node nodes[MAX_NODES];
static int nnodes;

static void fault_queue(struct iommu_fault_owner *o, const struct iommu_fault_record *f)
{
	struct vfio_file *vf = container_of(o, struct vfio_file, owner);

	if (vf->queued == FAULT_QUEUE) {
		vf->lost++;
		return;
	}
	vf->faults[(vf->head + vf->queued++) % FAULT_QUEUE] = *f;
}

/* Copy the first minsz bytes of a VFIO struct; argsz below minsz is EINVAL. */
static int copy_in(void *k, size_t minsz, u64 arg)
{
	if (copy_from_user(k, arg, minsz))
		return -EFAULT;
	return *(u32 *)k < minsz ? -EINVAL : 0;
}

static long vfio_bind(struct vfio_file *vf, u64 arg)
{
	struct vfio_device_bind_iommufd b;
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev;
	u32 devid;
	long ret = copy_in(&b, offsetofend(struct vfio_device_bind_iommufd, out_devid), arg);

	if (ret)
		return ret;
	if (b.flags || b.iommufd < 0 || vf->vn->bound)
		return -EINVAL;	/* one binding per device at a time, as Linux's cdev */
	ictx = sim_iommufd_ctx_from_fd(b.iommufd);
	if (IS_ERR(ictx))
		return PTR_ERR(ictx);
	idev = iommufd_device_bind(ictx, vf->vn->dev, &devid);
	if (IS_ERR(idev)) {
		iommufd_ctx_put(ictx);
		return PTR_ERR(idev);
	}
	if (copy_to_user(arg + offsetof(struct vfio_device_bind_iommufd, out_devid), &devid,
			 sizeof(devid))) {
		iommufd_device_unbind(idev);
		iommufd_ctx_put(ictx);
		return -EFAULT;
	}
	vf->ictx = ictx;
	vf->idev = idev;
	vf->vn->bound = vf;
	vf->owner.segment = vf->vn->dev->segment;
	vf->owner.source_id = vf->vn->dev->rid;
	vf->owner.fn = fault_queue;
	iommu_fault_owner_add(&vf->owner);
	return 0;
}

/* Attach to an IOAS or HWPT; on an attached device Linux replaces. */
static long vfio_attach(struct vfio_file *vf, u64 arg)
{
	u64 upt = arg + offsetof(struct vfio_device_attach_iommufd_pt, pt_id);
	struct vfio_device_attach_iommufd_pt a;
	long ret = copy_in(&a, offsetofend(struct vfio_device_attach_iommufd_pt, pt_id), arg);

	if (ret)
		return ret;
	if (a.flags)
		return -EINVAL;
	/* the reply must fit before anything changes: write pt_id back as it is */
	if (copy_to_user(upt, &a.pt_id, sizeof(a.pt_id)))
		return -EFAULT;
	if (vf->attached)
		ret = iommufd_device_replace(vf->idev, &a.pt_id);
	else
		ret = iommufd_device_attach(vf->idev, &a.pt_id);
	if (ret)
		return ret;
	vf->attached = true;
	return copy_to_user(upt, &a.pt_id, sizeof(a.pt_id)) ? -EFAULT : 0;
}

static long vfio_detach(struct vfio_file *vf, u64 arg)
{
	struct vfio_device_detach_iommufd_pt d;
	long ret = copy_in(&d, offsetofend(struct vfio_device_detach_iommufd_pt, flags), arg);

	if (ret)
		return ret;
	if (d.flags)
		return -EINVAL;
	if (vf->attached)
		iommufd_device_detach(vf->idev);
	vf->attached = false;
	return 0;
}

static long vfio_get_info(struct vfio_file *vf, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	long ret = copy_in(&info, minsz, arg);

	if (ret)
		return ret;
	info.flags = VFIO_DEVICE_FLAGS_PCI;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static u64 config_size(const struct pci_dev *p)
{
	return p->ecam ? 4096 : 256;
}

/* Memory BARs on whole pages can be mapped into a process. */
static bool bar_mappable(const struct pci_bar *b)
{
	return b->size && !b->io && IS_ALIGNED(b->base, PAGE_SIZE);
}

static long vfio_region_info(struct vfio_file *vf, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct pci_dev *p = vf->vn->pdev;
	struct vfio_region_info r;
	long ret = copy_in(&r, minsz, arg);

	if (ret)
		return ret;
	if (r.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	r.offset = (u64)r.index << REGION_SHIFT;
	r.flags = 0;
	r.size = 0;
	r.cap_offset = 0;
	if (r.index <= VFIO_PCI_BAR5_REGION_INDEX && p->bar[r.index].size) {
		r.size = p->bar[r.index].size;
		r.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		if (bar_mappable(&p->bar[r.index]))
			r.flags |= VFIO_REGION_INFO_FLAG_MMAP;
	} else if (r.index == VFIO_PCI_CONFIG_REGION_INDEX) {
		r.size = config_size(p);
		r.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	}
	return copy_to_user(arg, &r, minsz) ? -EFAULT : 0;
}

/* Vectors an index has on this device (0: not supported here, as INTx). */
static u32 irq_count(const struct pci_dev *p, u32 index)
{
	if (index == VFIO_PCI_MSI_IRQ_INDEX)
		return p->cap_msi ? 1 : 0;	/* one vector: no multiple message */
	if (index == VFIO_PCI_MSIX_IRQ_INDEX && p->cap_msix)
		return min_t(u32, (pci_read16(p, p->cap_msix + 2) & 0x7ff) + 1, MAX_VECTORS);
	return 0;
}

static long vfio_irq_info(struct vfio_file *vf, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	long ret = copy_in(&info, minsz, arg);

	if (ret)
		return ret;
	if (info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info.count = irq_count(vf->vn->pdev, info.index);
	info.flags = info.count ? VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE : 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* The handler: count it on the vector's eventfd (interrupt context). */
static void vector_fired(struct irq_line *l, void *ctx)
{
	struct vfio_vector *v = ctx;

	if (v->trigger)
		sim_eventfd_signal(v->trigger);
}

static void vector_off(struct vfio_vector *v)
{
	irq_line_free(&v->line);
	if (v->trigger)
		sim_fput(v->trigger);
	v->trigger = NULL;
}

static void irqs_off(struct vfio_file *vf)
{
	for (int i = 0; i < MAX_VECTORS; i++)
		vector_off(&vf->vec[i]);
	if (vf->irq_index == VFIO_PCI_MSIX_IRQ_INDEX)
		pci_msix_disable(vf->vn->pdev);
	vf->irq_index = -1;
}

/* Vector i of index set to signal eventfd fd (-1: off). */
static long vector_set(struct vfio_file *vf, u32 index, u32 i, s32 fd)
{
	struct vfio_vector *v = &vf->vec[i];
	struct sim_file *f = NULL;
	long ret = 0;

	if (fd >= 0) {
		f = sim_fget(fd);
		if (!sim_file_is_eventfd(f)) {
			if (f)
				sim_fput(f);
			return -EINVAL;
		}
	}
	vector_off(v);
	if (!f)
		return 0;
	v->trigger = f;
	if (index == VFIO_PCI_MSI_IRQ_INDEX)
		ret = irq_line_msi(&v->line, vf->vn->pdev, 0);
	else
		ret = irq_line_msix(&v->line, vf->vn->pdev, (u16)i, 0);
	if (ret) {
		vector_off(v);
		return ret;
	}
	v->line.fn = vector_fired;
	v->line.ctx = v;
	return 0;
}

/*
 * ACTION_TRIGGER only, as vfio-pci for MSI/MSI-X: DATA_EVENTFD sets the
 * vectors' eventfds (-1 turns one off), DATA_NONE with count 0 turns the
 * index off, DATA_NONE or DATA_BOOL with vectors signals them (loopback).
 */
static long irq_trigger(struct vfio_file *vf, const struct vfio_irq_set *h, const u8 *data)
{
	long ret = 0;

	if ((h->flags & VFIO_IRQ_SET_DATA_NONE) && !h->count) {
		if (vf->irq_index == (int)h->index)
			irqs_off(vf);
		return 0;
	}
	if (!(h->flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		for (u32 i = 0; i < h->count; i++) {
			struct vfio_vector *v = &vf->vec[h->start + i];

			if (vf->irq_index == (int)h->index && v->trigger &&
			    ((h->flags & VFIO_IRQ_SET_DATA_NONE) || data[i]))
				sim_eventfd_signal(v->trigger);
		}
		return 0;
	}
	if (vf->irq_index >= 0 && vf->irq_index != (int)h->index)
		return -EINVAL;	/* MSI and MSI-X are never on together */
	vf->irq_index = (int)h->index;
	for (u32 i = 0; i < h->count && !ret; i++) {
		s32 fd;

		memcpy(&fd, data + 4 * i, 4);
		ret = vector_set(vf, h->index, h->start + i, fd);
	}
	if (ret)
		irqs_off(vf);	/* all or nothing */
	return ret;
}

static long vfio_set_irqs(struct vfio_file *vf, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count), dsize = 0;
	u32 type, action, max;
	struct vfio_irq_set h;
	u8 data[4 * MAX_VECTORS];
	long ret = copy_in(&h, minsz, arg);

	if (ret)
		return ret;
	type = h.flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	action = h.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	if ((h.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)) ||
	    !is_power_of_2(type) || !is_power_of_2(action) ||
	    h.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	max = irq_count(vf->vn->pdev, h.index);
	if (h.start >= max || h.count > max - h.start)
		return -EINVAL;
	if (type == VFIO_IRQ_SET_DATA_BOOL)
		dsize = h.count;
	else if (type == VFIO_IRQ_SET_DATA_EVENTFD)
		dsize = 4 * (size_t)h.count;
	if (h.argsz - minsz < dsize)
		return -EINVAL;
	if (dsize && copy_from_user(data, arg + minsz, dsize))
		return -EFAULT;
	if (action != VFIO_IRQ_SET_ACTION_TRIGGER ||
	    (h.index != VFIO_PCI_MSI_IRQ_INDEX && h.index != VFIO_PCI_MSIX_IRQ_INDEX))
		return -ENOTTY;	/* vfio-pci: no mask/unmask for MSI/MSI-X */
	return irq_trigger(vf, &h, data);
}

static long vfio_get_faults(struct vfio_file *vf, u64 arg)
{
	struct vfio_device_testos_faults q;
	long ret = copy_in(&q, offsetofend(struct vfio_device_testos_faults, faults), arg);
	u32 n;

	if (ret)
		return ret;
	if (q.flags)
		return -EINVAL;
	iommu_fault_poll();
	n = min(q.count, vf->queued);
	/* copy everything out first: a bad pointer takes nothing off the queue */
	for (u32 i = 0; i < n; i++) {
		const struct iommu_fault_record *f = &vf->faults[(vf->head + i) % FAULT_QUEUE];
		struct vfio_device_testos_fault out = {
			.addr = f->addr, .reason = f->reason, .source_id = f->source_id,
			.write = f->write, .kind = f->kind, .pasid = f->pasid,
		};

		if (copy_to_user(q.faults + (u64)i * sizeof(out), &out, sizeof(out)))
			return -EFAULT;
	}
	q.count = n;
	q.out_pending = vf->queued - n;
	q.out_lost = vf->lost;
	q.out_flags = vf->vn->dev->iommu && vf->vn->dev->iommu->no_fault_log ?
		      VFIO_TESTOS_FAULTS_UNRECORDED : 0;
	if (copy_to_user(arg, &q, sizeof(q)))
		return -EFAULT;
	vf->head = (vf->head + n) % FAULT_QUEUE;
	vf->queued -= n;
	vf->lost = 0;
	return 0;
}

static const struct {
	unsigned int cmd;
	long (*fn)(struct vfio_file *vf, u64 arg);
} vfio_ioctls[] = {
	{ VFIO_DEVICE_BIND_IOMMUFD, vfio_bind },
	{ VFIO_DEVICE_ATTACH_IOMMUFD_PT, vfio_attach },
	{ VFIO_DEVICE_DETACH_IOMMUFD_PT, vfio_detach },
	{ VFIO_DEVICE_GET_INFO, vfio_get_info },
	{ VFIO_DEVICE_GET_REGION_INFO, vfio_region_info },
	{ VFIO_DEVICE_GET_IRQ_INFO, vfio_irq_info },
	{ VFIO_DEVICE_SET_IRQS, vfio_set_irqs },
	{ VFIO_DEVICE_TESTOS_GET_FAULTS, vfio_get_faults },
};

static long vfio_fops_ioctl(struct sim_file *f, unsigned int cmd, u64 arg)
{
	struct vfio_file *vf = f->private_data;

	for (size_t i = 0; i < ARRAY_SIZE(vfio_ioctls); i++) {
		if (vfio_ioctls[i].cmd != cmd)
			continue;
		/* until it is bound, the device does nothing but bind (Linux: EINVAL) */
		if (!vf->idev && cmd != VFIO_DEVICE_BIND_IOMMUFD)
			return -EINVAL;
		return vfio_ioctls[i].fn(vf, arg);
	}
	return -ENOIOCTLCMD;
}

/* Config space: reads see the device; writes reach only PCI_COMMAND's user bits. */
static long config_rw(struct pci_dev *p, u64 ubuf, size_t n, u64 pos, bool write)
{
	for (size_t i = 0; i < n; i++) {
		u16 off = (u16)(pos + i);
		u8 b;

		if (!write) {
			b = pci_read8(p, off);
			if (copy_to_user(ubuf + i, &b, 1))
				return i ? (long)i : -EFAULT;
			continue;
		}
		if (copy_from_user(&b, ubuf + i, 1))
			return i ? (long)i : -EFAULT;
		if (off == PCI_COMMAND || off == PCI_COMMAND + 1) {
			u16 cmd = pci_read16(p, PCI_COMMAND);
			u16 mask = (u16)(off == PCI_COMMAND ? 0x00ff : 0xff00) & CMD_USER_BITS;
			u16 v = off == PCI_COMMAND ? b : (u16)(b << 8);

			pci_write16(p, PCI_COMMAND, (cmd & ~mask) | (v & mask));
		}
	}
	return (long)n;
}

/* BAR access in 4, 2 or 1 byte MMIO operations, as alignment allows. */
static long bar_rw(struct pci_dev *p, int bar, u64 ubuf, size_t n, u64 pos, bool write)
{
	volatile u8 *mmio = pci_map_bar(p, bar);
	size_t done = 0;

	if (!mmio)
		return -EINVAL;
	while (done < n) {
		u64 at = pos + done;
		size_t sz = (!(at & 3) && n - done >= 4) ? 4 : (!(at & 1) && n - done >= 2) ? 2 : 1;
		u32 v = 0;

		if (write) {
			if (copy_from_user(&v, ubuf + done, sz))
				break;
			if (sz == 4)
				mmio_write32(mmio + at, v);
			else if (sz == 2)
				mmio_write16(mmio + at, (u16)v);
			else
				mmio_write8(mmio + at, (u8)v);
		} else {
			v = sz == 4 ? mmio_read32(mmio + at) :
			    sz == 2 ? mmio_read16(mmio + at) : mmio_read8(mmio + at);
			if (copy_to_user(ubuf + done, &v, sz))
				break;
		}
		done += sz;
	}
	return done ? (long)done : -EFAULT;
}

static long vfio_rw(struct sim_file *f, u64 ubuf, size_t n, u64 off, bool write)
{
	struct vfio_file *vf = f->private_data;
	struct pci_dev *p = vf->vn->pdev;
	u64 idx = off >> REGION_SHIFT, pos = off & REGION_MASK, size;

	if (!vf->idev)
		return -EINVAL;
	if (idx == VFIO_PCI_CONFIG_REGION_INDEX)
		size = config_size(p);
	else if (idx <= VFIO_PCI_BAR5_REGION_INDEX && !p->bar[idx].io)
		size = p->bar[idx].size;
	else
		return -EINVAL;
	if (pos >= size)
		return -EINVAL;
	n = min_t(u64, n, size - pos);
	if (idx == VFIO_PCI_CONFIG_REGION_INDEX)
		return config_rw(p, ubuf, n, pos, write);
	return bar_rw(p, (int)idx, ubuf, n, pos, write);
}

static long vfio_fops_read(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	return vfio_rw(f, ubuf, n, off, false);
}

static long vfio_fops_write(struct sim_file *f, u64 ubuf, size_t n, u64 off)
{
	return vfio_rw(f, ubuf, n, off, true);
}

static int vfio_fops_mmap(struct sim_file *f, u64 off, u64 len, phys_addr_t *pa)
{
	struct vfio_file *vf = f->private_data;
	u64 idx = off >> REGION_SHIFT, pos = off & REGION_MASK, end;
	const struct pci_bar *b;

	if (!vf->idev || idx > VFIO_PCI_BAR5_REGION_INDEX)
		return -EINVAL;
	b = &vf->vn->pdev->bar[idx];
	if (!bar_mappable(b) || check_add_overflow(pos, len, &end) ||
	    end > ALIGN(b->size, PAGE_SIZE))
		return -EINVAL;
	*pa = b->base + pos;
	return 0;
}

static int vfio_fops_open(struct sim_file *f, struct sim_node *node)
{
	struct vfio_file *vf = failable(kzalloc(sizeof(*vf)));

	if (!vf)
		return -ENOMEM;
	vf->vn = node->data;
	vf->irq_index = -1;
	for (int i = 0; i < MAX_VECTORS; i++)
		vf->vec[i].line.how = IRQ_LINE_NONE;
	vf->saved_cmd = pci_read16(vf->vn->pdev, PCI_COMMAND);
	/* as Linux's pci_enable_device: decoding on, bus mastering is the user's */
	pci_write16(vf->vn->pdev, PCI_COMMAND,
		    vf->saved_cmd | (vf->vn->pdev->bar[0].io ? PCI_CMD_IO : 0) | PCI_CMD_MEM);
	f->private_data = vf;
	return 0;
}

static void vfio_fops_release(struct sim_file *f)
{
	struct vfio_file *vf = f->private_data;
	struct pci_dev *p = vf->vn->pdev;

	/* no more interrupts, no more DMA, then the faults it caused reach this file */
	irqs_off(vf);
	pci_set_master(p, false);
	if (vf->idev) {
		iommu_fault_poll();
		iommu_fault_owner_del(&vf->owner);
		if (vf->queued || vf->lost)
			printk("vfio%d: %u DMA faults never read, %u lost\n", vf->vn->index,
			       vf->queued, vf->lost);
		iommufd_device_unbind(vf->idev);
		iommufd_ctx_put(vf->ictx);
		vf->vn->bound = NULL;
	}
	pci_write16(p, PCI_COMMAND, vf->saved_cmd & ~PCI_CMD_MASTER);
	kfree(vf);
}

static const struct sim_file_ops vfio_fops = {
	.name = "vfio-device",
	.open = vfio_fops_open,
	.ioctl = vfio_fops_ioctl,
	.read = vfio_fops_read,
	.write = vfio_fops_write,
	.mmap = vfio_fops_mmap,
	.release = vfio_fops_release,
};

/*
 * Devices user space may drive: functions an IOMMU translates, but no
 * bridge of any kind (host, ISA, PCI: class 06) and not the IOMMU itself.
 */
static bool exposable(struct pci_dev *p, struct iommu_dev *dev)
{
	return !p->is_bridge && p->class != 0x06 && dev && dev->ops &&
	       !(p->class == 0x08 && p->subclass == 0x06);
}

void vfio_dev_init(void)
{
	for (int i = 0; i < pci_ndevs && nnodes < MAX_NODES; i++) {
		struct pci_dev *p = &pci_devs[i];
		struct iommu_dev *dev = iommu_dev_of_pci(p);
		struct vfio_node *vn = &nodes[nnodes];

		if (!exposable(p, dev))
			continue;
		vn->index = nnodes;
		vn->pdev = p;
		vn->dev = dev;
		snprintf(vn->path, sizeof(vn->path), "/dev/vfio/devices/vfio%d", nnodes);
		vn->node.path = vn->path;
		vn->node.ops = &vfio_fops;
		vn->node.data = vn;
		if (sim_register_node(&vn->node) == 0)
			nnodes++;
	}
	if (nnodes)
		printk("# vfio: %d PCI functions as /dev/vfio/devices/vfio0..%d\n", nnodes,
		       nnodes - 1);
}

int vfio_dev_count(void)
{
	return nnodes;
}
