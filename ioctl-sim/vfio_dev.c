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
#define CMD_USER_BITS	(PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE)
#define VBARS		7	/* BAR0-5 and the expansion ROM (0x30) */
#define PCI_ROM_ADDRESS	0x30

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
	u32 vbar[VBARS];		/* the BAR registers as user space wrote them (vfio-pci's vconfig) */
	struct iommu_fault_owner owner;
	struct iommu_fault_record faults[FAULT_QUEUE];
	u32 head, queued, lost;
	/* interrupts: one index (MSI or MSI-X) at a time, an eventfd per vector */
	int irq_index;			/* -1: none enabled */
	u32 nvec;			/* vectors of the enabled index */
	struct vfio_vector {
		struct irq_line line;	/* how == IRQ_LINE_NONE: not set up */
		struct sim_file *trigger;	/* the eventfd the handler signals */
	} *vec;
	struct sim_file *err_trigger, *req_trigger;	/* ERR and REQ: signalled by loopback only */
};

static struct vfio_node nodes[MAX_NODES];
static int nnodes;
/* the folders above the nodes, as devtmpfs makes them: open(2) sees directories */
static struct sim_node dir_nodes[] = {
	{ .path = "/dev/vfio", .ops = &sim_dir_fops },
	{ .path = "/dev/vfio/devices", .ops = &sim_dir_fops },
};

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
	/* as vfio-pci's vconfig, made when the device opens (for a cdev: at bind) */
	for (int i = 0; i < VBARS - 1; i++)
		vf->vbar[i] = pci_read32(vf->vn->pdev, (u16)(PCI_BAR0 + 4 * i));
	vf->vbar[VBARS - 1] = 0;
	vf->owner.segment = vf->vn->dev->segment;
	vf->owner.source_id = vf->vn->dev->rid;
	vf->owner.fn = fault_queue;
	iommu_fault_owner_add(&vf->owner);
	return 0;
}

/*
 * The tail a flag adds to an ioctl struct (Linux: argsz must cover it, then
 * it is copied in): 0, -EINVAL, -EFAULT.
 */
static int copy_tail(void *k, size_t have, size_t need, u64 arg)
{
	if (*(u32 *)k < need)
		return -EINVAL;
	return copy_from_user((u8 *)k + have, arg + have, need - have) ? -EFAULT : 0;
}

/*
 * Attach to an IOAS or HWPT; on an attached device Linux replaces. With
 * VFIO_DEVICE_ATTACH_PASID the same for one PASID (Linux 6.15).
 */
static long vfio_attach(struct vfio_file *vf, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_device_attach_iommufd_pt, pt_id);
	u64 upt = arg + offsetof(struct vfio_device_attach_iommufd_pt, pt_id);
	struct vfio_device_attach_iommufd_pt a = { .pasid = 0 };
	long ret = copy_in(&a, minsz, arg);
	bool pasid;

	if (ret)
		return ret;
	if (a.flags & ~VFIO_DEVICE_ATTACH_PASID)
		return -EINVAL;
	pasid = a.flags & VFIO_DEVICE_ATTACH_PASID;
	if (pasid && (ret = copy_tail(&a, minsz,
				      offsetofend(struct vfio_device_attach_iommufd_pt, pasid), arg)))
		return ret;
	/* the reply must fit before anything changes: write pt_id back as it is */
	if (copy_to_user(upt, &a.pt_id, sizeof(a.pt_id)))
		return -EFAULT;
	if (pasid && iommufd_device_pasid_attached(vf->idev, a.pasid))
		ret = iommufd_device_replace_pasid(vf->idev, a.pasid, &a.pt_id);
	else if (pasid)
		ret = iommufd_device_attach_pasid(vf->idev, a.pasid, &a.pt_id);
	else if (vf->attached)
		ret = iommufd_device_replace(vf->idev, &a.pt_id);
	else
		ret = iommufd_device_attach(vf->idev, &a.pt_id);
	if (ret)
		return ret;
	if (!pasid)
		vf->attached = true;
	return copy_to_user(upt, &a.pt_id, sizeof(a.pt_id)) ? -EFAULT : 0;
}

/* Detach the device, or with VFIO_DEVICE_DETACH_PASID one PASID of it (not attached: nothing). */
static long vfio_detach(struct vfio_file *vf, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_device_detach_iommufd_pt, flags);
	struct vfio_device_detach_iommufd_pt d = { .pasid = 0 };
	long ret = copy_in(&d, minsz, arg);

	if (ret)
		return ret;
	if (d.flags & ~VFIO_DEVICE_DETACH_PASID)
		return -EINVAL;
	if (d.flags & VFIO_DEVICE_DETACH_PASID) {
		ret = copy_tail(&d, minsz, offsetofend(struct vfio_device_detach_iommufd_pt, pasid),
				arg);
		if (!ret)
			iommufd_device_detach_pasid(vf->idev, d.pasid);
		return ret;
	}
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
	return b->size && !b->io && !b->bad && IS_ALIGNED(b->base, PAGE_SIZE);
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

/*
 * Vectors an index has, as vfio-pci counts them (vfio_pci_get_irq_count):
 * MSI's multiple message capable, MSI-X's table size, ERR on PCIe, REQ.
 * INTx: 0, as vfio-pci with nointx (a pin's GSI needs ACPI _PRT, which the
 * kernel does not run).
 */
static u32 irq_count(const struct pci_dev *p, u32 index)
{
	switch (index) {
	case VFIO_PCI_MSI_IRQ_INDEX:
		return p->cap_msi ? 1u << ((pci_read16(p, p->cap_msi + 2) & 0xe) >> 1) : 0;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return p->cap_msix ? (pci_read16(p, p->cap_msix + 2) & 0x7ff) + 1u : 0;
	case VFIO_PCI_ERR_IRQ_INDEX:
		return p->cap_pcie ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;
}

static long vfio_irq_info(struct vfio_file *vf, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	long ret = copy_in(&info, minsz, arg);

	if (ret)
		return ret;
	if (info.index >= VFIO_PCI_NUM_IRQS ||
	    (info.index == VFIO_PCI_ERR_IRQ_INDEX && !vf->vn->pdev->cap_pcie))
		return -EINVAL;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = irq_count(vf->vn->pdev, info.index);
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else
		info.flags |= VFIO_IRQ_INFO_NORESIZE;	/* no dynamic MSI-X */
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* The handler: count it on the vector's eventfd (interrupt context). */
static void vector_fired(struct irq_line *l, void *ctx)
{
	struct vfio_vector *v = ctx;

	if (v->trigger)
		sim_eventfd_signal(v->trigger);
}

/* The eventfd fd names (a reference): -EBADF no such fd, -EINVAL not an eventfd. */
static struct sim_file *eventfd_get(s32 fd, long *err)
{
	struct sim_file *f = sim_fget(fd);

	*err = !f ? -EBADF : !sim_file_is_eventfd(f) ? -EINVAL : 0;
	if (*err && f)
		sim_fput(f);
	return *err ? NULL : f;
}

static void trigger_put(struct sim_file **t)
{
	if (*t)
		sim_fput(*t);
	*t = NULL;
}

/* MSI or MSI-X off: every vector's line and eventfd, then the capability. */
static void msi_disable(struct vfio_file *vf)
{
	for (u32 i = 0; i < vf->nvec; i++) {
		irq_line_free(&vf->vec[i].line);
		trigger_put(&vf->vec[i].trigger);
	}
	if (vf->irq_index == VFIO_PCI_MSIX_IRQ_INDEX)
		pci_msix_disable(vf->vn->pdev);
	kfree(vf->vec);
	vf->vec = NULL;
	vf->nvec = 0;
	vf->irq_index = -1;
}

/* The index on with nvec vectors, none signalling yet (vfio_msi_enable). */
static long msi_enable(struct vfio_file *vf, u32 index, u32 nvec)
{
	if (!nvec)
		return -EINVAL;	/* pci_alloc_irq_vectors(1, 0) */
	vf->vec = failable(kzalloc(nvec * sizeof(*vf->vec)));
	if (!vf->vec)
		return -ENOMEM;
	for (u32 i = 0; i < nvec; i++)
		vf->vec[i].line.how = IRQ_LINE_NONE;
	vf->nvec = nvec;
	vf->irq_index = (int)index;
	return 0;
}

/* Vector i to signal eventfd fd, or off (fd < 0), as vfio_msi_set_vector_signal. */
static long vector_signal(struct vfio_file *vf, u32 i, s32 fd)
{
	struct vfio_vector *v = &vf->vec[i];
	long ret;

	irq_line_free(&v->line);
	trigger_put(&v->trigger);
	if (fd < 0)
		return 0;
	if (vf->irq_index == VFIO_PCI_MSI_IRQ_INDEX && i)
		return -EINVAL;	/* one MSI message: irq_line has no multiple-message MSI */
	v->trigger = eventfd_get(fd, &ret);
	if (!v->trigger)
		return ret;
	if (vf->irq_index == VFIO_PCI_MSI_IRQ_INDEX)
		ret = irq_line_msi(&v->line, vf->vn->pdev, 0);
	else
		ret = irq_line_msix(&v->line, vf->vn->pdev, (u16)i, 0);
	if (ret) {
		trigger_put(&v->trigger);
		return ret;
	}
	v->line.fn = vector_fired;
	v->line.ctx = v;
	return 0;
}

/* vfio_msi_set_block: on an error the block's vectors set so far go off again. */
static long vector_block(struct vfio_file *vf, u32 start, u32 count, const s32 *fds)
{
	long ret = 0;
	u32 j;

	for (j = start; j < start + count && !ret; j++)
		ret = vector_signal(vf, j, fds[j - start]);
	for (u32 i = start; ret && i < j; i++)
		vector_signal(vf, i, -1);
	return ret;
}

/*
 * ACTION_TRIGGER of MSI or MSI-X (vfio_pci_set_msi_trigger): DATA_NONE
 * with count 0 turns the enabled index off; DATA_EVENTFD sets a block of
 * vectors (enabling the index when none is); DATA_NONE and DATA_BOOL signal
 * vectors of the enabled index (loopback). Another index on: -EINVAL.
 */
static long msi_trigger(struct vfio_file *vf, const struct vfio_irq_set *h, const void *data)
{
	long ret;

	if (vf->irq_index == (int)h->index && !h->count && (h->flags & VFIO_IRQ_SET_DATA_NONE)) {
		msi_disable(vf);
		return 0;
	}
	if (vf->irq_index >= 0 && vf->irq_index != (int)h->index)
		return -EINVAL;
	if (h->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		if (vf->irq_index == (int)h->index)
			return vector_block(vf, h->start, h->count, data);
		ret = msi_enable(vf, h->index, h->start + h->count);
		if (!ret)
			ret = vector_block(vf, h->start, h->count, data);
		if (ret && vf->irq_index >= 0)
			msi_disable(vf);
		return ret;
	}
	if (vf->irq_index != (int)h->index)
		return -EINVAL;
	for (u32 i = h->start; i < h->start + h->count && i < vf->nvec; i++) {
		struct vfio_vector *v = &vf->vec[i];

		if (v->trigger && ((h->flags & VFIO_IRQ_SET_DATA_NONE) ||
				   ((const u8 *)data)[i - h->start]))
			sim_eventfd_signal(v->trigger);
	}
	return 0;
}

/* ERR and REQ: one eventfd each (vfio_pci_set_ctx_trigger_single). */
static long single_trigger(struct sim_file **t, const struct vfio_irq_set *h, const void *data)
{
	s32 fd;
	long ret;

	if (h->start || h->count > 1)
		return -EINVAL;
	if (h->flags & VFIO_IRQ_SET_DATA_NONE) {
		if (!*t)
			return -EINVAL;
		if (h->count)
			sim_eventfd_signal(*t);
		else
			trigger_put(t);
		return 0;
	}
	if (!h->count)
		return -EINVAL;
	if (h->flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(const u8 *)data && *t)
			sim_eventfd_signal(*t);
		return 0;
	}
	memcpy(&fd, data, 4);
	if (fd < -1)
		return -EINVAL;
	trigger_put(t);
	if (fd == -1)
		return 0;
	*t = eventfd_get(fd, &ret);
	return ret;
}

/*
 * vfio_set_irqs_validate_and_prepare, then vfio_pci_set_irqs_ioctl's
 * table: errors and their order as Linux 6.12's vfio-pci.
 */
static long vfio_set_irqs(struct vfio_file *vf, u64 arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count), dsize = 0;
	struct pci_dev *p = vf->vn->pdev;
	struct vfio_irq_set h;
	u32 action, max;
	void *data = NULL;
	long ret = copy_in(&h, minsz, arg);

	if (ret)
		return ret;
	if (h.index >= VFIO_PCI_NUM_IRQS || h.count >= U32_MAX - h.start ||
	    (h.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)))
		return -EINVAL;
	max = irq_count(p, h.index);
	if (h.start >= max || h.start + h.count > max)
		return -EINVAL;
	switch (h.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		dsize = h.count;
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		dsize = 4 * (size_t)h.count;
		break;
	default:
		return -EINVAL;
	}
	if (h.argsz - minsz < dsize)
		return -EINVAL;
	if (dsize) {
		data = failable(kmalloc(dsize));
		if (!data)
			return -ENOMEM;
		if (copy_from_user(data, arg + minsz, dsize)) {
			kfree(data);
			return -EFAULT;
		}
	}
	action = h.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	ret = -ENOTTY;	/* MSI/MSI-X mask and unmask: none in vfio-pci either */
	if (action == VFIO_IRQ_SET_ACTION_TRIGGER) {
		if (h.index == VFIO_PCI_MSI_IRQ_INDEX || h.index == VFIO_PCI_MSIX_IRQ_INDEX)
			ret = msi_trigger(vf, &h, data);
		else if (h.index == VFIO_PCI_ERR_IRQ_INDEX && p->cap_pcie)
			ret = single_trigger(&vf->err_trigger, &h, data);
		else if (h.index == VFIO_PCI_REQ_IRQ_INDEX)
			ret = single_trigger(&vf->req_trigger, &h, data);
	}
	kfree(data);
	return ret;
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

	/* until it is bound, the device does nothing but bind: Linux's EINVAL, known or not */
	if (!vf->idev && cmd != VFIO_DEVICE_BIND_IOMMUFD)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(vfio_ioctls); i++)
		if (vfio_ioctls[i].cmd == cmd)
			return vfio_ioctls[i].fn(vf, arg);
	return -ENOIOCTLCMD;
}

/* The flag bits vfio-pci gives a BAR (vfio_generate_bar_flags). */
static u32 bar_flags(const struct pci_bar *b)
{
	if (b->io)
		return 0x1;			/* PCI_BASE_ADDRESS_SPACE_IO */
	return (b->prefetch ? 0x8 : 0) | (b->is64 ? 0x4 : 0);
}

/*
 * BAR register i (6: the ROM) as vfio-pci shows it (vfio_bar_fixup): what
 * user space wrote, cut to the BAR's size, with the BAR's own flag bits,
 * so writing all ones reads back the size mask while the device's BAR never
 * moves. An unimplemented BAR, and the ROM (none is offered), read 0.
 */
static u32 vbar_value(const struct vfio_file *vf, int i)
{
	const struct pci_bar *b = vf->vn->pdev->bar;

	if (i == VBARS - 1)
		return 0;
	if (i > 0 && b[i - 1].is64 && b[i - 1].size)
		return vf->vbar[i] & (u32)(~(b[i - 1].size - 1) >> 32);
	if (!b[i].size)
		return 0;
	return (vf->vbar[i] & (u32)~(b[i].size - 1)) | bar_flags(&b[i]);
}

/* The virtual BAR register holding config byte off; -1 for other bytes. */
static int vbar_index(u16 off)
{
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * (VBARS - 1))
		return (off - PCI_BAR0) / 4;
	if (off >= PCI_ROM_ADDRESS && off < PCI_ROM_ADDRESS + 4)
		return VBARS - 1;
	return -1;
}

/*
 * Config space: reads see the device, but for the BARs (virtual, as
 * vfio-pci's); writes reach the virtual BARs and PCI_COMMAND's user bits.
 */
static long config_rw(struct vfio_file *vf, u64 ubuf, size_t n, u64 pos, bool write)
{
	struct pci_dev *p = vf->vn->pdev;

	for (size_t i = 0; i < n; i++) {
		u16 off = (u16)(pos + i);
		int vb = vbar_index(off);
		u8 b;

		if (!write) {
			b = vb < 0 ? pci_read8(p, off) : (u8)(vbar_value(vf, vb) >> (8 * (off & 3)));
			if (copy_to_user(ubuf + i, &b, 1))
				return i ? (long)i : -EFAULT;
			continue;
		}
		if (copy_from_user(&b, ubuf + i, 1))
			return i ? (long)i : -EFAULT;
		if (vb >= 0) {
			vf->vbar[vb] &= ~(0xffu << (8 * (off & 3)));
			vf->vbar[vb] |= (u32)b << (8 * (off & 3));
		} else if (off == PCI_COMMAND || off == PCI_COMMAND + 1) {
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
	/* vfio-pci: config access past its end is EFAULT, a BAR's is EINVAL or cut short */
	if (idx == VFIO_PCI_CONFIG_REGION_INDEX)
		return pos >= size || n > size - pos ? -EFAULT : config_rw(vf, ubuf, n, pos, write);
	if (pos >= size)
		return -EINVAL;
	n = min_t(u64, n, size - pos);
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
	msi_disable(vf);
	trigger_put(&vf->err_trigger);
	trigger_put(&vf->req_trigger);
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
	.mode = 0020666,	/* S_IFCHR */
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

/* As vfio-pci's probe fails in pci_enable_device(): no function with a BAR the kernel refused. */
static bool bars_usable(const struct pci_dev *p)
{
	for (int i = 0; i < 6; i++)
		if (p->bar[i].bad) {
			printk("# vfio: %s not exposed: BAR%d %s\n", p->name, i, p->bar[i].bad);
			return false;
		}
	return true;
}

void vfio_dev_init(void)
{
	for (int i = 0; i < pci_ndevs && nnodes < MAX_NODES; i++) {
		struct pci_dev *p = &pci_devs[i];
		struct iommu_dev *dev = iommu_dev_of_pci(p);
		struct vfio_node *vn = &nodes[nnodes];

		if (!exposable(p, dev) || !bars_usable(p))
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
	for (size_t i = 0; nnodes && i < ARRAY_SIZE(dir_nodes); i++)
		sim_register_node(&dir_nodes[i]);
	if (nnodes)
		printk("# vfio: %d PCI functions as /dev/vfio/devices/vfio0..%d\n", nnodes,
		       nnodes - 1);
}

int vfio_dev_count(void)
{
	return nnodes;
}
