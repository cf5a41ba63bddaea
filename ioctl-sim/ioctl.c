// SPDX-License-Identifier: MIT
/*
 * /dev/iommu as a file: open makes a context, close drops it, and ioctl
 * dispatches through one table with Linux's size-first copy-in rules.
 * No object logic here; the handlers are core/'s.
 */
#include "ioctl-sim/sim.h"
#include "core/iommufd.h"
#include "lib/platform.h"
#include <linux/iommufd.h>
#include <iommufd_test.h>
#include "lib/err.h"
#include "lib/errno.h"
#include "lib/string.h"

/* One kernel buffer big enough for every command struct. */
union ucmd_buffer {
	struct iommu_destroy destroy;
	struct iommu_hw_info info;
	struct iommu_hwpt_alloc hwpt;
	struct iommu_hwpt_set_dirty_tracking set_dirty;
	struct iommu_hwpt_get_dirty_bitmap get_dirty;
	struct iommu_hwpt_invalidate invalidate;
	struct iommu_fault_alloc fault;
	struct iommu_ioas_map_file map_file;
	struct iommu_ioas_change_process change_process;
	struct iommu_ioas_alloc alloc;
	struct iommu_ioas_allow_iovas allow_iovas;
	struct iommu_ioas_copy ioas_copy;
	struct iommu_ioas_iova_ranges iova_ranges;
	struct iommu_ioas_map map;
	struct iommu_ioas_unmap unmap;
	struct iommu_option option;
	struct iommu_vfio_ioas vfio_ioas;
	struct iommu_test_cmd test;
};

struct iommufd_ioctl_op {
	unsigned int size;		/* sizeof the struct we know */
	unsigned int min_size;		/* offsetofend of the first release's last field */
	unsigned int ioctl_num;		/* the full number; anything else is ENOTTY */
	int (*execute)(struct iommufd_ucmd *ucmd);
};

#define IOCTL_OP(_ioctl, _fn, _struct, _last)                                \
	[_IOC_NR(_ioctl) - IOMMUFD_CMD_BASE] = {                             \
		.size = sizeof(_struct) +                                    \
			0 * sizeof(char[sizeof(union ucmd_buffer) >= sizeof(_struct) ? 1 : -1]), \
		.min_size = offsetofend(_struct, _last),                     \
		.ioctl_num = _ioctl,                                         \
		.execute = _fn,                                              \
	}

/*
 * Linux 6.12's fifteen ioctls, the self-test command, and two of the later
 * ones (MAP_FILE, CHANGE_PROCESS); the other later slots stay ENOTTY.
 */
static const struct iommufd_ioctl_op iommufd_ioctl_ops[] = {
	IOCTL_OP(IOMMU_DESTROY, iommufd_destroy, struct iommu_destroy, id),
	IOCTL_OP(IOMMU_GET_HW_INFO, iommufd_get_hw_info, struct iommu_hw_info, __reserved),
	IOCTL_OP(IOMMU_FAULT_QUEUE_ALLOC, iommufd_fault_alloc, struct iommu_fault_alloc,
		 out_fault_fd),
	IOCTL_OP(IOMMU_HWPT_ALLOC, iommufd_hwpt_alloc, struct iommu_hwpt_alloc, __reserved),
	IOCTL_OP(IOMMU_HWPT_GET_DIRTY_BITMAP, iommufd_hwpt_get_dirty_bitmap,
		 struct iommu_hwpt_get_dirty_bitmap, data),
	IOCTL_OP(IOMMU_HWPT_INVALIDATE, iommufd_hwpt_invalidate, struct iommu_hwpt_invalidate,
		 __reserved),
	IOCTL_OP(IOMMU_HWPT_SET_DIRTY_TRACKING, iommufd_hwpt_set_dirty_tracking,
		 struct iommu_hwpt_set_dirty_tracking, __reserved),
	IOCTL_OP(IOMMU_IOAS_ALLOC, iommufd_ioas_alloc_ioctl, struct iommu_ioas_alloc,
		 out_ioas_id),
	IOCTL_OP(IOMMU_IOAS_ALLOW_IOVAS, iommufd_ioas_allow_iovas,
		 struct iommu_ioas_allow_iovas, allowed_iovas),
	IOCTL_OP(IOMMU_IOAS_COPY, iommufd_ioas_copy, struct iommu_ioas_copy, src_iova),
	IOCTL_OP(IOMMU_IOAS_IOVA_RANGES, iommufd_ioas_iova_ranges,
		 struct iommu_ioas_iova_ranges, out_iova_alignment),
	IOCTL_OP(IOMMU_IOAS_MAP, iommufd_ioas_map, struct iommu_ioas_map, iova),
	IOCTL_OP(IOMMU_IOAS_MAP_FILE, iommufd_ioas_map_file, struct iommu_ioas_map_file, iova),
	IOCTL_OP(IOMMU_IOAS_CHANGE_PROCESS, iommufd_ioas_change_process,
		 struct iommu_ioas_change_process, __reserved),
	IOCTL_OP(IOMMU_IOAS_UNMAP, iommufd_ioas_unmap, struct iommu_ioas_unmap, length),
	IOCTL_OP(IOMMU_OPTION, iommufd_option, struct iommu_option, val64),
	IOCTL_OP(IOMMU_VFIO_IOAS, iommufd_vfio_ioas, struct iommu_vfio_ioas, __reserved),
	IOCTL_OP(IOMMU_TEST_CMD, iommufd_test, struct iommu_test_cmd, last),
};

/*
 * Copy a user struct of usize bytes into ksize bytes: a shorter one is
 * zero-extended, a longer one must be zero past ksize (else E2BIG).
 */
static int copy_struct_from_user(void *dst, size_t ksize, u64 src, size_t usize)
{
	size_t n = min(ksize, usize);

	if (usize > ksize) {
		u8 chunk[64];

		for (size_t off = ksize; off < usize; off += sizeof(chunk)) {
			size_t c = min(sizeof(chunk), usize - off);

			if (copy_from_user(chunk, src + off, c))
				return -EFAULT;
			if (!mem_is_zero(chunk, c))
				return -E2BIG;
		}
	}
	if (copy_from_user(dst, src, n))
		return -EFAULT;
	memset((u8 *)dst + n, 0, ksize - n);
	return 0;
}

/* An iommufd command: its struct copied in by the table's size rules. */
static __attribute__((noinline)) long ucmd_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
						 u64 arg)
{
	struct iommufd_ucmd ucmd = { .ictx = ictx, .ubuffer = arg };
	const struct iommufd_ioctl_op *op;
	union ucmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	/* the size comes first, before the number is even checked */
	if (copy_from_user(&ucmd.user_size, arg, sizeof(ucmd.user_size)))
		return -EFAULT;
	if (nr < IOMMUFD_CMD_BASE || nr - IOMMUFD_CMD_BASE >= ARRAY_SIZE(iommufd_ioctl_ops))
		return -ENOIOCTLCMD;	/* the caller checked too: this index stands alone */
	op = &iommufd_ioctl_ops[nr - IOMMUFD_CMD_BASE];
	if (op->ioctl_num != cmd)
		return -ENOIOCTLCMD;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	ucmd.cmd = &buf;
	ret = copy_struct_from_user(&buf, op->size, arg, ucmd.user_size);
	if (ret)
		return ret;
	/* as Linux: a reply that cannot be written back is EFAULT after the work */
	return op->execute(&ucmd);
}

/* The VFIO container's numbers go straight on, with no command buffer set up. */
static long iommufd_fops_ioctl(struct sim_file *f, unsigned int cmd, u64 arg)
{
	unsigned int nr = _IOC_NR(cmd);

	if (nr < IOMMUFD_CMD_BASE || nr - IOMMUFD_CMD_BASE >= ARRAY_SIZE(iommufd_ioctl_ops))
		return iommufd_vfio_ioctl(f->private_data, cmd, arg);
	return ucmd_ioctl(f->private_data, cmd, arg);
}

static int iommufd_fops_open(struct sim_file *f, struct sim_node *node)
{
	iommufd_set_fd_ops(&sim_iommufd_fd_ops);	/* CREATE_ACCESS hands out fds */
	f->private_data = iommufd_ctx_alloc();
	return f->private_data ? 0 : -ENOMEM;
}

static void iommufd_fops_release(struct sim_file *f)
{
	iommufd_ctx_put(f->private_data);
}

const struct sim_file_ops iommufd_fops = {
	.name = "iommufd",
	.open = iommufd_fops_open,
	.ioctl = iommufd_fops_ioctl,
	.release = iommufd_fops_release,
	.mode = 0020666,	/* S_IFCHR */
};

struct iommufd_ctx *sim_iommufd_ctx_from_fd(int fd)
{
	struct sim_file *f = sim_fget(fd);
	struct iommufd_ctx *ictx;

	if (!f)
		return ERR_PTR(-EBADF);
	if (f->ops != &iommufd_fops) {
		sim_fput(f);
		return ERR_PTR(-EBADFD);
	}
	ictx = f->private_data;
	iommufd_ctx_get(ictx);
	sim_fput(f);
	return ictx;
}
