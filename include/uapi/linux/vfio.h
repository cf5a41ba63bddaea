/* SPDX-License-Identifier: MIT */
/*
 * The part of Linux's include/uapi/linux/vfio.h this project serves: the
 * type1 container ioctls (answered on /dev/iommu) and the VFIO cdev device
 * ioctls. Numbers and layouts as Linux 6.12, written from the published ABI.
 */
#ifndef _UAPIVFIO_H
#define _UAPIVFIO_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VFIO_API_VERSION	0

/* Extensions (VFIO_CHECK_EXTENSION argument, VFIO_SET_IOMMU types). */
#define VFIO_TYPE1_IOMMU		1
#define VFIO_SPAPR_TCE_IOMMU		2
#define VFIO_TYPE1v2_IOMMU		3
#define VFIO_DMA_CC_IOMMU		4
#define VFIO_EEH			5
#define VFIO_TYPE1_NESTING_IOMMU	6
#define VFIO_SPAPR_TCE_v2_IOMMU		7
#define VFIO_NOIOMMU_IOMMU		8
#define VFIO_UNMAP_ALL			9
#define VFIO_UPDATE_VADDR		10

#define VFIO_TYPE	(';')
#define VFIO_BASE	100

/* Header of every capability in an info chain; next is an offset from the struct start. */
struct vfio_info_cap_header {
	__u16 id;
	__u16 version;
	__u32 next;
};

/* --- container ioctls (served on /dev/iommu by the compatibility layer) --- */
#define VFIO_GET_API_VERSION		_IO(VFIO_TYPE, VFIO_BASE + 0)
#define VFIO_CHECK_EXTENSION		_IO(VFIO_TYPE, VFIO_BASE + 1)
#define VFIO_SET_IOMMU			_IO(VFIO_TYPE, VFIO_BASE + 2)

struct vfio_iommu_type1_info {
	__u32 argsz;
	__u32 flags;
#define VFIO_IOMMU_INFO_PGSIZES	(1 << 0)	/* iova_pgsizes is valid */
#define VFIO_IOMMU_INFO_CAPS	(1 << 1)	/* cap_offset is valid */
	__u64 iova_pgsizes;
	__u32 cap_offset;
	__u32 pad;
};

#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE	1

struct vfio_iova_range {
	__u64 start;
	__u64 end;
};

struct vfio_iommu_type1_info_cap_iova_range {
	struct vfio_info_cap_header header;
	__u32 nr_iovas;
	__u32 reserved;
	struct vfio_iova_range iova_ranges[];
};

#define VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION	2

struct vfio_iommu_type1_info_cap_migration {
	struct vfio_info_cap_header header;
	__u32 flags;
	__u64 pgsize_bitmap;
	__u64 max_dirty_bitmap_size;
};

#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL		3

struct vfio_iommu_type1_info_dma_avail {
	struct vfio_info_cap_header header;
	__u32 avail;
};

#define VFIO_IOMMU_GET_INFO		_IO(VFIO_TYPE, VFIO_BASE + 12)

struct vfio_iommu_type1_dma_map {
	__u32 argsz;
	__u32 flags;
#define VFIO_DMA_MAP_FLAG_READ	(1 << 0)
#define VFIO_DMA_MAP_FLAG_WRITE	(1 << 1)
#define VFIO_DMA_MAP_FLAG_VADDR	(1 << 2)
	__u64 vaddr;
	__u64 iova;
	__u64 size;
};

#define VFIO_IOMMU_MAP_DMA		_IO(VFIO_TYPE, VFIO_BASE + 13)

struct vfio_bitmap {
	__u64 pgsize;
	__u64 size;
	__u64 *data;
};

struct vfio_iommu_type1_dma_unmap {
	__u32 argsz;
	__u32 flags;
#define VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP	(1 << 0)
#define VFIO_DMA_UNMAP_FLAG_ALL			(1 << 1)
#define VFIO_DMA_UNMAP_FLAG_VADDR		(1 << 2)
	__u64 iova;
	__u64 size;
	__u8 data[];
};

#define VFIO_IOMMU_UNMAP_DMA		_IO(VFIO_TYPE, VFIO_BASE + 14)
#define VFIO_IOMMU_ENABLE		_IO(VFIO_TYPE, VFIO_BASE + 15)
#define VFIO_IOMMU_DISABLE		_IO(VFIO_TYPE, VFIO_BASE + 16)
#define VFIO_IOMMU_DIRTY_PAGES		_IO(VFIO_TYPE, VFIO_BASE + 17)

/* --- device ioctls (on /dev/vfio/devices/vfioN) --- */
struct vfio_device_info {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_FLAGS_RESET		(1 << 0)
#define VFIO_DEVICE_FLAGS_PCI		(1 << 1)
#define VFIO_DEVICE_FLAGS_PLATFORM	(1 << 2)
#define VFIO_DEVICE_FLAGS_AMBA		(1 << 3)
#define VFIO_DEVICE_FLAGS_CCW		(1 << 4)
#define VFIO_DEVICE_FLAGS_AP		(1 << 5)
#define VFIO_DEVICE_FLAGS_FSL_MC	(1 << 6)
#define VFIO_DEVICE_FLAGS_CAPS		(1 << 7)
#define VFIO_DEVICE_FLAGS_CDX		(1 << 8)
	__u32 num_regions;	/* max region index + 1 */
	__u32 num_irqs;		/* max IRQ index + 1 */
	__u32 cap_offset;
	__u32 pad;
};
#define VFIO_DEVICE_GET_INFO		_IO(VFIO_TYPE, VFIO_BASE + 7)

struct vfio_region_info {
	__u32 argsz;
	__u32 flags;
#define VFIO_REGION_INFO_FLAG_READ	(1 << 0)
#define VFIO_REGION_INFO_FLAG_WRITE	(1 << 1)
#define VFIO_REGION_INFO_FLAG_MMAP	(1 << 2)
#define VFIO_REGION_INFO_FLAG_CAPS	(1 << 3)
	__u32 index;
	__u32 cap_offset;
	__u64 size;
	__u64 offset;		/* offset of the region in the device fd (mmap/pread) */
};
#define VFIO_DEVICE_GET_REGION_INFO	_IO(VFIO_TYPE, VFIO_BASE + 8)

/* Region indexes of a vfio-pci device. */
enum {
	VFIO_PCI_BAR0_REGION_INDEX,
	VFIO_PCI_BAR1_REGION_INDEX,
	VFIO_PCI_BAR2_REGION_INDEX,
	VFIO_PCI_BAR3_REGION_INDEX,
	VFIO_PCI_BAR4_REGION_INDEX,
	VFIO_PCI_BAR5_REGION_INDEX,
	VFIO_PCI_ROM_REGION_INDEX,
	VFIO_PCI_CONFIG_REGION_INDEX,
	VFIO_PCI_VGA_REGION_INDEX,
	VFIO_PCI_NUM_REGIONS = 9
};

/* One interrupt index of a device: MSI, MSI-X... (its count of vectors). */
struct vfio_irq_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_INFO_EVENTFD		(1 << 0)
#define VFIO_IRQ_INFO_MASKABLE		(1 << 1)
#define VFIO_IRQ_INFO_AUTOMASKED	(1 << 2)
#define VFIO_IRQ_INFO_NORESIZE		(1 << 3)
	__u32	index;
	__u32	count;
};
#define VFIO_DEVICE_GET_IRQ_INFO	_IO(VFIO_TYPE, VFIO_BASE + 9)

/* Set vectors [start, start + count) of an index; data as the flags say. */
struct vfio_irq_set {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_SET_DATA_NONE		(1 << 0)	/* no data */
#define VFIO_IRQ_SET_DATA_BOOL		(1 << 1)	/* __u8 per vector */
#define VFIO_IRQ_SET_DATA_EVENTFD	(1 << 2)	/* __s32 eventfd per vector, -1 none */
#define VFIO_IRQ_SET_ACTION_MASK	(1 << 3)
#define VFIO_IRQ_SET_ACTION_UNMASK	(1 << 4)
#define VFIO_IRQ_SET_ACTION_TRIGGER	(1 << 5)
	__u32	index;
	__u32	start;
	__u32	count;
	__u8	data[];
};
#define VFIO_DEVICE_SET_IRQS		_IO(VFIO_TYPE, VFIO_BASE + 10)

#define VFIO_IRQ_SET_DATA_TYPE_MASK	(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | \
					 VFIO_IRQ_SET_DATA_EVENTFD)
#define VFIO_IRQ_SET_ACTION_TYPE_MASK	(VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK | \
					 VFIO_IRQ_SET_ACTION_TRIGGER)

/* Interrupt indices of a PCI device. */
enum {
	VFIO_PCI_INTX_IRQ_INDEX,
	VFIO_PCI_MSI_IRQ_INDEX,
	VFIO_PCI_MSIX_IRQ_INDEX,
	VFIO_PCI_ERR_IRQ_INDEX,
	VFIO_PCI_REQ_IRQ_INDEX,
	VFIO_PCI_NUM_IRQS
};

#define VFIO_DEVICE_RESET		_IO(VFIO_TYPE, VFIO_BASE + 11)

/* Bind the device fd to an iommufd; out_devid is its DEVICE object ID there. */
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

/*
 * Attach to an IOAS or HWPT; pt_id returns the HWPT actually attached.
 * With VFIO_DEVICE_ATTACH_PASID (Linux 6.15's PASID attach; argsz must
 * then cover pasid) PASID pasid of the device is attached, or replaced
 * when attached already.
 */
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_ATTACH_PASID	(1 << 0)
	__u32 pt_id;
	__u32 pasid;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)

struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_DETACH_PASID	(1 << 0)
	__u32 pasid;
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 20)

/*
 * ---- Not in Linux: project-defined by iommu-testos ----
 * VFIO_DEVICE_TESTOS_GET_FAULTS, on a bound device fd: the DMA faults the
 * IOMMU recorded for this device since the last call, decoded, oldest
 * first. count: in, room in faults[]; out, records written (and taken off
 * the device's queue). out_pending: records still queued. out_lost: records
 * dropped since the last call because the queue was full. out_flags:
 * VFIO_TESTOS_FAULTS_UNRECORDED when the IOMMU translating this device does
 * not record faults (e.g. QEMU 7.2's amd-iommu never writes its event log),
 * so an empty answer proves nothing. A Linux kernel answers this number
 * with ENOTTY.
 */
enum vfio_testos_fault_kind {
	VFIO_TESTOS_FAULT_PAGE = 1,	/* no mapping or no permission for the access */
	VFIO_TESTOS_FAULT_DEVICE = 2,	/* device not set up to translate */
	VFIO_TESTOS_FAULT_RANGE = 3,	/* address beyond the domain's width */
	VFIO_TESTOS_FAULT_TABLE = 4,	/* bad translation structure */
	VFIO_TESTOS_FAULT_OTHER = 6,
};

struct vfio_device_testos_fault {
	__u64 addr;		/* faulting IOVA (page-aligned on VT-d) */
	__u32 reason;		/* the IOMMU's code: VT-d fault reason, AMD-Vi event code */
	__u16 source_id;	/* requester ID: bus << 8 | devfn */
	__u8 write;		/* 1: the device wrote, 0: it read */
	__u8 kind;		/* enum vfio_testos_fault_kind */
	__u32 pasid;		/* 0 when none */
	__u32 __reserved;
};

struct vfio_device_testos_faults {
	__u32 argsz;
	__u32 flags;		/* none defined: 0 */
	__u32 count;
	__u32 out_pending;
	__u32 out_lost;
	__u32 out_flags;	/* VFIO_TESTOS_FAULTS_* */
	__u64 faults;		/* user pointer to count struct vfio_device_testos_fault */
};
#define VFIO_TESTOS_FAULTS_UNRECORDED	(1u << 0)
#define VFIO_DEVICE_TESTOS_GET_FAULTS	_IO(VFIO_TYPE, VFIO_BASE + 90)

/*
 * ---- Where iommu-testos's device files deliberately differ from vfio-pci ----
 * Config space: the BARs are virtual as vfio-pci's (writing all ones reads
 * back the size mask with the BAR's flag bits; the device never moves), but
 * no expansion ROM is offered (0x30 reads 0), and of the other registers
 * only PCI_COMMAND's I/O, memory, bus-master and INTx-disable bits take
 * writes (vfio-pci lets some capability registers through too). INTx is not
 * offered (VFIO_DEVICE_GET_IRQ_INFO: count 0). Everything else a program can
 * see (unbound files EINVAL to all but BIND, config access past the end
 * EFAULT, /dev/vfio/devices a directory) is as Linux 6.12.
 */

#ifndef __cplusplus
#define VFIO_UAPI_CHECK(t, f, off) \
	_Static_assert(__builtin_offsetof(struct t, f) == (off), #t "." #f)
#define VFIO_UAPI_SIZE(t, sz) _Static_assert(sizeof(struct t) == (sz), #t)

VFIO_UAPI_SIZE(vfio_info_cap_header, 8);
VFIO_UAPI_SIZE(vfio_iommu_type1_info, 24);
VFIO_UAPI_CHECK(vfio_iommu_type1_info, iova_pgsizes, 8);
VFIO_UAPI_CHECK(vfio_iommu_type1_info, cap_offset, 16);
VFIO_UAPI_SIZE(vfio_iommu_type1_info_cap_iova_range, 16);
VFIO_UAPI_CHECK(vfio_iommu_type1_info_cap_iova_range, iova_ranges, 16);
VFIO_UAPI_SIZE(vfio_iommu_type1_info_dma_avail, 12);
VFIO_UAPI_SIZE(vfio_iommu_type1_dma_map, 32);
VFIO_UAPI_CHECK(vfio_iommu_type1_dma_map, vaddr, 8);
VFIO_UAPI_CHECK(vfio_iommu_type1_dma_map, iova, 16);
VFIO_UAPI_CHECK(vfio_iommu_type1_dma_map, size, 24);
VFIO_UAPI_SIZE(vfio_iommu_type1_dma_unmap, 24);
VFIO_UAPI_CHECK(vfio_iommu_type1_dma_unmap, iova, 8);
VFIO_UAPI_CHECK(vfio_iommu_type1_dma_unmap, size, 16);
VFIO_UAPI_SIZE(vfio_device_info, 24);
VFIO_UAPI_CHECK(vfio_device_info, num_regions, 8);
VFIO_UAPI_CHECK(vfio_device_info, cap_offset, 16);
VFIO_UAPI_SIZE(vfio_region_info, 32);
VFIO_UAPI_CHECK(vfio_region_info, index, 8);
VFIO_UAPI_CHECK(vfio_region_info, size, 16);
VFIO_UAPI_CHECK(vfio_region_info, offset, 24);
VFIO_UAPI_SIZE(vfio_device_bind_iommufd, 16);
VFIO_UAPI_CHECK(vfio_device_bind_iommufd, iommufd, 8);
VFIO_UAPI_CHECK(vfio_device_bind_iommufd, out_devid, 12);
VFIO_UAPI_SIZE(vfio_device_attach_iommufd_pt, 16);
VFIO_UAPI_CHECK(vfio_device_attach_iommufd_pt, pt_id, 8);
VFIO_UAPI_CHECK(vfio_device_attach_iommufd_pt, pasid, 12);
VFIO_UAPI_SIZE(vfio_device_detach_iommufd_pt, 12);
VFIO_UAPI_CHECK(vfio_device_detach_iommufd_pt, pasid, 8);
VFIO_UAPI_SIZE(vfio_device_testos_fault, 24);
VFIO_UAPI_SIZE(vfio_device_testos_faults, 32);
VFIO_UAPI_CHECK(vfio_device_testos_faults, faults, 24);
_Static_assert(VFIO_GET_API_VERSION == 0x3b64 && VFIO_IOMMU_UNMAP_DMA == 0x3b72 &&
	       VFIO_DEVICE_BIND_IOMMUFD == 0x3b76 && VFIO_DEVICE_DETACH_IOMMUFD_PT == 0x3b78,
	       "VFIO ioctl numbers");
#undef VFIO_UAPI_CHECK
#undef VFIO_UAPI_SIZE
#endif

#endif
