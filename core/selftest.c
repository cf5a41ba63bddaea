// SPDX-License-Identifier: MIT
/*
 * IOMMU_TEST_CMD: Linux's self-test ops against the mock IOMMU (mock
 * devices, reserved IOVA, domain and pin-count checks, test accesses with
 * their own fds), plus the state digest the failure-injection tests use.
 */
#include "core/io_pagetable.h"
#include <iommufd_test.h>

/* The object MOCK_DOMAIN makes: a mock device bound and attached for user space. */
struct selftest_obj {
	struct iommufd_object obj;
	struct iommufd_device *idev;
	struct iommu_dev *mock_dev;
};

void iommufd_selftest_destroy(struct iommufd_object *obj)
{
	struct selftest_obj *sobj = container_of(obj, struct selftest_obj, obj);

	iommufd_device_detach(sobj->idev);
	iommufd_device_unbind(sobj->idev);
	iommu_selftest_ops()->dev_destroy(sobj->mock_dev);
}

/* MOCK_DOMAIN(_FLAGS): a new mock device attached to the IOAS or HWPT cmd->id. */
static int test_mock_domain(struct iommufd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	u32 pt_id = cmd->id, idev_id, dev_flags = 0;
	struct selftest_obj *sobj;
	int ret;

	if (!iommu_selftest_ops())
		return -EOPNOTSUPP;	/* no self-test driver linked in */
	if (cmd->op == IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)
		dev_flags = cmd->mock_domain_flags.dev_flags;
	sobj = iommufd_object_alloc(ucmd->ictx, sobj, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(sobj))
		return (int)PTR_ERR(sobj);
	sobj->mock_dev = iommu_selftest_ops()->dev_create(dev_flags);
	if (IS_ERR(sobj->mock_dev)) {
		ret = (int)PTR_ERR(sobj->mock_dev);
		goto out_sobj;
	}
	sobj->idev = iommufd_device_bind(ucmd->ictx, sobj->mock_dev, &idev_id);
	if (IS_ERR(sobj->idev)) {
		ret = (int)PTR_ERR(sobj->idev);
		goto out_mdev;
	}
	ret = iommufd_device_attach(sobj->idev, &pt_id);
	if (ret)
		goto out_unbind;
	cmd->mock_domain.out_hwpt_id = pt_id;
	cmd->mock_domain.out_stdev_id = sobj->obj.id;
	cmd->mock_domain.out_idev_id = idev_id;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		goto out_detach;
	iommufd_object_finalize(ucmd->ictx, &sobj->obj);
	return 0;
out_detach:
	iommufd_device_detach(sobj->idev);
out_unbind:
	iommufd_device_unbind(sobj->idev);
out_mdev:
	iommu_selftest_ops()->dev_destroy(sobj->mock_dev);
out_sobj:
	iommufd_object_abort(ucmd->ictx, &sobj->obj);
	return ret;
}

static int test_mock_domain_replace(struct iommufd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	struct iommufd_object *obj;
	u32 pt_id = cmd->mock_domain_replace.pt_id;
	int ret;

	obj = iommufd_get_object(ucmd->ictx, cmd->id, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(obj))
		return (int)PTR_ERR(obj);
	ret = iommufd_device_replace(container_of(obj, struct selftest_obj, obj)->idev, &pt_id);
	if (!ret) {
		cmd->mock_domain_replace.pt_id = pt_id;
		ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iommufd_put_object(ucmd->ictx, obj);
	return ret;
}

static int test_add_reserved(struct iommufd_ucmd *ucmd, u32 id, u64 start, u64 length)
{
	struct iommufd_ioas *ioas;
	u64 last;
	int ret;

	if (!length || check_add_overflow(start, length - 1, &last))
		return -EINVAL;
	ioas = iommufd_get_ioas(ucmd->ictx, id);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	ret = iopt_reserve_iova(&ioas->iopt, start, last, NULL);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return ret;
}

/*
 * The mock paging domain of HWPT id, with the object referenced: ENOENT
 * for no such PAGING HWPT, EINVAL when its domain is not the mock's.
 */
static struct iommufd_object *get_md_domain(struct iommufd_ucmd *ucmd, u32 id,
					    struct iommu_domain **domain)
{
	struct iommufd_object *obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_HWPT_PAGING);

	if (IS_ERR(obj))
		return obj;
	*domain = container_of(obj, struct iommufd_hw_pagetable, obj)->domain;
	if (!iommu_selftest_ops()->owns_domain(*domain)) {
		iommufd_put_object(ucmd->ictx, obj);
		return ERR_PTR(-EINVAL);
	}
	return obj;
}

/*
 * MD_CHECK_MAP: every IO page of [iova, iova + length) in the mock domain
 * of HWPT id maps the user memory at uptr, and the START/LAST marks of the
 * map calls nest properly (a START only after a LAST, and vice versa).
 */
static int test_md_check_map(struct iommufd_ucmd *ucmd, u32 id, u64 iova, u64 length,
			     u64 uptr)
{
	const struct iommu_selftest_ops *mock = iommu_selftest_ops();
	struct iommufd_object *obj;
	struct iommu_domain *domain;
	u64 end, prev_flags = 0;
	int ret = 0;

	if (!mock)
		return -EOPNOTSUPP;
	if ((iova | length | uptr) % mock->io_page_size || check_add_overflow(uptr, length, &end))
		return -EINVAL;
	obj = get_md_domain(ucmd, id, &domain);
	if (IS_ERR(obj))
		return (int)PTR_ERR(obj);
	for (u64 off = 0; off < length; off += mock->io_page_size) {
		phys_addr_t want, got;
		u64 flags;

		ret = plat_user_to_phys(uptr + off, &want);
		if (ret)
			break;
		if (mock->domain_lookup(domain, iova + off, &got, &flags) || got != want) {
			ret = -EINVAL;
			break;
		}
		if (off && !!(flags & IOMMU_SELFTEST_PFN_START) != !!(prev_flags & IOMMU_SELFTEST_PFN_LAST)) {
			ret = -EINVAL;
			break;
		}
		prev_flags = flags;
	}
	iommufd_put_object(ucmd->ictx, obj);
	return ret;
}

/* MD_CHECK_REFS: every page of [uptr, uptr + length) is pinned exactly refs times. */
static int test_md_check_refs(u64 uptr, u64 length, unsigned int refs)
{
	u64 end;

	if (length % PAGE_SIZE || uptr % PAGE_SIZE || check_add_overflow(uptr, length, &end))
		return -EINVAL;
	for (; length; length -= PAGE_SIZE, uptr += PAGE_SIZE) {
		phys_addr_t pa;
		int ret = plat_user_to_phys(uptr, &pa);

		if (ret)
			return ret;
		if (iommufd_page_pins(pa) != refs)
			return -EIO;
	}
	return 0;
}

/* A test access and the pins made through it, behind an fd of its own. */
struct selftest_access {
	struct iommufd_access *access;
	struct plat_mutex lock;		/* protects items, next_id */
	struct list_head items;
	unsigned int next_id;
};

struct selftest_access_item {
	struct list_head node;
	unsigned long iova, length;
	unsigned int id;
};

/* The access's unmap op: drop every pin that overlaps [iova, iova + length). */
static void test_access_unmap(void *data, unsigned long iova, unsigned long length)
{
	unsigned long last = iova + length - 1;
	struct selftest_access *sta = data;
	struct selftest_access_item *item, *tmp;

	plat_mutex_lock(&sta->lock);
	list_for_each_entry_safe(item, tmp, &sta->items, node) {
		if (iova > item->iova + item->length - 1 || last < item->iova)
			continue;
		list_del(&item->node);
		iommufd_access_unpin_pages(sta->access, item->iova, item->length);
		kfree(item);
	}
	plat_mutex_unlock(&sta->lock);
}

static void test_access_release(void *priv)
{
	struct selftest_access *sta = priv;

	if (sta->access) {
		test_access_unmap(sta, 0, ULONG_MAX);
		iommufd_access_destroy(sta->access);
	}
	plat_mutex_destroy(&sta->lock);
	kfree(sta);
}

static const struct iommufd_anon_ops test_access_fops = {
	.name = "[iommufd_test_staccess]",
	.release = test_access_release,
};

static const struct iommufd_access_ops test_access_ops = {
	.unmap = test_access_unmap,
};

static const struct iommufd_access_ops test_access_ops_pin = {
	.needs_pin_pages = 1,
	.unmap = test_access_unmap,
};

static struct selftest_access *access_get(int fd, void **ref)
{
	struct selftest_access *sta;

	if (!iommufd_fd_ops)
		return ERR_PTR(-EBADF);
	sta = iommufd_fd_ops->get(fd, &test_access_fops, ref);
	return sta ? sta : ERR_PTR(-EBADFD);
}

static int test_create_access(struct iommufd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	u32 flags = cmd->create_access.flags, id;
	struct selftest_access *sta;
	struct iommufd_access *access;
	int fd, ret;

	if (flags & ~MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES)
		return -EOPNOTSUPP;
	if (!iommufd_fd_ops)
		return -EOPNOTSUPP;	/* no fd layer to hand out the access's fd */
	sta = iommufd_alloc(sizeof(*sta));
	if (!sta)
		return -ENOMEM;
	INIT_LIST_HEAD(&sta->items);
	plat_mutex_init(&sta->lock);
	fd = iommufd_fd_ops->reserve();
	if (fd < 0) {
		ret = fd;
		goto out_free;
	}
	access = iommufd_access_create(ucmd->ictx,
				       flags & MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES ?
				       &test_access_ops_pin : &test_access_ops, sta, &id);
	if (IS_ERR(access)) {
		ret = (int)PTR_ERR(access);
		goto out_unreserve;
	}
	ret = iommufd_access_attach(access, cmd->id);
	if (ret)
		goto out_destroy;
	cmd->create_access.out_access_fd = (u32)fd;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		goto out_destroy;
	sta->access = access;
	iommufd_fd_ops->install(fd, &test_access_fops, sta);
	return 0;
out_destroy:
	iommufd_access_destroy(access);
out_unreserve:
	iommufd_fd_ops->unreserve(fd);
out_free:
	plat_mutex_destroy(&sta->lock);
	kfree(sta);
	return ret;
}

static int test_access_item_destroy(int fd, unsigned int item_id)
{
	struct selftest_access_item *item;
	struct selftest_access *sta;
	void *ref;
	int ret = -ENOENT;

	sta = access_get(fd, &ref);
	if (IS_ERR(sta))
		return (int)PTR_ERR(sta);
	plat_mutex_lock(&sta->lock);
	list_for_each_entry(item, &sta->items, node) {
		if (item->id == item_id) {
			list_del(&item->node);
			iommufd_access_unpin_pages(sta->access, item->iova, item->length);
			kfree(item);
			ret = 0;
			break;
		}
	}
	plat_mutex_unlock(&sta->lock);
	iommufd_fd_ops->put(ref);
	return ret;
}

/* The pinned pages must be the user's pages at uptr (bug class 16's check). */
static int check_pages(u64 uptr, const phys_addr_t *pas, unsigned long npages)
{
	for (unsigned long i = 0; i < npages; i++, uptr += PAGE_SIZE) {
		phys_addr_t pa;
		int ret = plat_user_to_phys(uptr, &pa);

		if (ret)
			return ret;
		if (pa != pas[i])
			return -EBADE;
	}
	return 0;
}

#define TEST_ACCESS_MAX (16UL << 20)

static int test_access_pages(struct iommufd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	u64 iova = cmd->access_pages.iova, length = cmd->access_pages.length;
	u64 uptr = cmd->access_pages.uptr;
	u32 flags = cmd->access_pages.flags;
	struct selftest_access_item *item;
	struct selftest_access *sta;
	unsigned long npages;
	phys_addr_t *pas;
	void *ref;
	int ret;

	if (length > TEST_ACCESS_MAX)
		return -ENOMEM;
	if (flags & ~(MOCK_FLAGS_ACCESS_WRITE | MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;
	sta = access_get((int)cmd->id, &ref);
	if (IS_ERR(sta))
		return (int)PTR_ERR(sta);
	if (sta->access->ops != &test_access_ops_pin) {
		ret = -EOPNOTSUPP;
		goto out_put;
	}
	if (!length || iova + length < iova) {
		ret = length ? -EOVERFLOW : -EINVAL;
		goto out_put;
	}
	npages = (ALIGN(iova + length, PAGE_SIZE) - ALIGN_DOWN(iova, PAGE_SIZE)) / PAGE_SIZE;
	pas = iommufd_alloc(npages * sizeof(*pas));
	if (!pas) {
		ret = -ENOMEM;
		goto out_put;
	}
	plat_mutex_lock(&sta->lock);
	ret = iommufd_access_pin_pages(sta->access, iova, length, pas,
				       flags & MOCK_FLAGS_ACCESS_WRITE ? IOMMUFD_ACCESS_RW_WRITE : 0);
	if (ret)
		goto out_unlock;
	if (uptr) {
		ret = check_pages(uptr - (iova - ALIGN_DOWN(iova, PAGE_SIZE)), pas, npages);
		if (ret)
			goto out_unpin;
	}
	item = iommufd_alloc(sizeof(*item));
	if (!item) {
		ret = -ENOMEM;
		goto out_unpin;
	}
	item->iova = iova;
	item->length = length;
	item->id = sta->next_id++;
	list_add_tail(&item->node, &sta->items);
	cmd->access_pages.out_access_pages_id = item->id;
	ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (!ret)
		goto out_unlock;
	list_del(&item->node);
	kfree(item);
out_unpin:
	iommufd_access_unpin_pages(sta->access, iova, length);
out_unlock:
	plat_mutex_unlock(&sta->lock);
	kfree(pas);
out_put:
	iommufd_fd_ops->put(ref);
	return ret;
}

static int test_access_rw(struct iommufd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	u64 iova = cmd->access_rw.iova, length = cmd->access_rw.length;
	u32 flags = cmd->access_rw.flags;
	struct selftest_access *sta;
	void *tmp, *ref;
	int ret;

	if (length > TEST_ACCESS_MAX)
		return -ENOMEM;
	if (flags & ~(MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH | MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;
	sta = access_get((int)cmd->id, &ref);
	if (IS_ERR(sta))
		return (int)PTR_ERR(sta);
	tmp = iommufd_alloc(length ? length : 1);
	if (!tmp) {
		ret = -ENOMEM;
		goto out_put;
	}
	if ((flags & MOCK_ACCESS_RW_WRITE) && copy_from_user(tmp, cmd->access_rw.uptr, length)) {
		ret = -EFAULT;
		goto out_free;
	}
	ret = iommufd_access_rw(sta->access, iova, tmp, length,
				flags & (MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH));
	if (!ret && !(flags & MOCK_ACCESS_RW_WRITE) &&
	    copy_to_user(cmd->access_rw.uptr, tmp, length))
		ret = -EFAULT;
out_free:
	kfree(tmp);
out_put:
	iommufd_fd_ops->put(ref);
	return ret;
}

static int test_access_replace_ioas(u32 fd, u32 ioas_id)
{
	struct selftest_access *sta;
	void *ref;
	int ret;

	sta = access_get((int)fd, &ref);
	if (IS_ERR(sta))
		return (int)PTR_ERR(sta);
	ret = iommufd_access_replace(sta->access, ioas_id);
	iommufd_fd_ops->put(ref);
	return ret;
}

#define TEST_DIRTY_MAX_BITS (16UL * 1024 * 1024 * 8)

/*
 * DIRTY: the device wrote to every page_size page of [iova, iova + length)
 * whose bit is set in the user's bitmap at uptr; out_nr_dirty counts the
 * pages that were mapped. Checks in Linux's order.
 */
static int test_dirty(struct iommufd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	const struct iommu_selftest_ops *mock = iommu_selftest_ops();
	u64 iova = cmd->dirty.iova, length = cmd->dirty.length, psz = cmd->dirty.page_size;
	struct iommufd_object *obj;
	struct iommu_domain *domain;
	unsigned long max, count = 0;
	u8 chunk[64];
	int ret = 0;

	if (!psz || !length || iova % psz || length % psz || !cmd->dirty.uptr)
		return -EINVAL;
	max = length / psz;
	if (max > TEST_DIRTY_MAX_BITS)
		return -EOVERFLOW;
	obj = get_md_domain(ucmd, cmd->id, &domain);
	if (IS_ERR(obj))
		return (int)PTR_ERR(obj);
	if (!mock->domain_dirty_tracking(domain)) {
		ret = -EINVAL;
		goto out_put;
	}
	for (unsigned long i = 0; i < max && !ret; i++) {
		if (i % (8 * sizeof(chunk)) == 0 &&
		    copy_from_user(chunk, cmd->dirty.uptr + i / 8,
				   min(sizeof(chunk), (max - i + 7) / 8))) {
			ret = -EFAULT;
			break;
		}
		if (!(chunk[(i / 8) % sizeof(chunk)] & (1 << (i % 8))))
			continue;
		if (!mock->domain_set_dirty(domain, iova + i * psz))
			count++;
	}
	if (!ret) {
		cmd->dirty.out_nr_dirty = count;
		ret = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}
out_put:
	iommufd_put_object(ucmd->ictx, obj);
	return ret;
}

/* MD_CHECK_IOTLB: entry iotlb_id of the nested mock HWPT id holds want. */
static int test_md_check_iotlb(struct iommufd_ucmd *ucmd, u32 id, u32 iotlb_id, u32 want)
{
	struct iommufd_object *obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_HWPT_NESTED);
	u32 val;
	int ret;

	if (IS_ERR(obj))
		return (int)PTR_ERR(obj);
	ret = iommu_selftest_ops()->nested_iotlb(
		container_of(obj, struct iommufd_hw_pagetable, obj)->domain, iotlb_id, &val);
	if (!ret && val != want)
		ret = -EINVAL;
	iommufd_put_object(ucmd->ictx, obj);
	return ret;
}

/* TRIGGER_IOPF: a page request from the mock device behind DEVICE dev_id. */
static int test_trigger_iopf(struct iommufd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	struct iommu_page_request req = {
		.flags = IOMMU_PGFAULT_FLAGS_LAST_PAGE,
		.pasid = cmd->trigger_iopf.pasid,
		.grpid = cmd->trigger_iopf.grpid,
		.perm = cmd->trigger_iopf.perm,
		.addr = cmd->trigger_iopf.addr,
	};
	struct iommufd_device *idev = iommufd_get_device(ucmd, cmd->trigger_iopf.dev_id);

	if (IS_ERR(idev))
		return (int)PTR_ERR(idev);
	if (!iommu_selftest_ops()->owns_dev(idev->dev)) {
		iommufd_put_object(ucmd->ictx, &idev->obj);
		return -EINVAL;
	}
	if (req.pasid != IOMMU_NO_PASID)
		req.flags |= IOMMU_PGFAULT_FLAGS_PASID_VALID;
	iommufd_device_page_request(idev, &req);
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return 0;
}

/* IOMMU_TEST_CMD: ops 1-15 of Linux 6.12. */
int iommufd_test(struct iommufd_ucmd *ucmd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;

	switch (cmd->op) {
	case IOMMU_TEST_OP_ADD_RESERVED:
		return test_add_reserved(ucmd, cmd->id, cmd->add_reserved.start,
					 cmd->add_reserved.length);
	case IOMMU_TEST_OP_MOCK_DOMAIN:
	case IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS:
		return test_mock_domain(ucmd, cmd);
	case IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE:
		return test_mock_domain_replace(ucmd, cmd);
	case IOMMU_TEST_OP_MD_CHECK_MAP:
		return test_md_check_map(ucmd, cmd->id, cmd->check_map.iova,
					 cmd->check_map.length, cmd->check_map.uptr);
	case IOMMU_TEST_OP_MD_CHECK_REFS:
		return test_md_check_refs(cmd->check_refs.uptr, cmd->check_refs.length,
					  cmd->check_refs.refs);
	case IOMMU_TEST_OP_CREATE_ACCESS:
		return test_create_access(ucmd, cmd);
	case IOMMU_TEST_OP_ACCESS_REPLACE_IOAS:
		return test_access_replace_ioas(cmd->id, cmd->access_replace_ioas.ioas_id);
	case IOMMU_TEST_OP_ACCESS_PAGES:
		return test_access_pages(ucmd, cmd);
	case IOMMU_TEST_OP_ACCESS_RW:
		return test_access_rw(ucmd, cmd);
	case IOMMU_TEST_OP_DESTROY_ACCESS_PAGES:
		return test_access_item_destroy((int)cmd->id,
						cmd->destroy_access_pages.access_pages_id);
	case IOMMU_TEST_OP_DIRTY:
		return test_dirty(ucmd, cmd);
	case IOMMU_TEST_OP_MD_CHECK_IOTLB:
		return test_md_check_iotlb(ucmd, cmd->id, cmd->check_iotlb.id,
					   cmd->check_iotlb.iotlb);
	case IOMMU_TEST_OP_TRIGGER_IOPF:
		return test_trigger_iopf(ucmd, cmd);
	case IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT:
		/* a batch must hold one entry: pfn + count */
		if (cmd->memory_limit.limit < sizeof(unsigned long) + sizeof(u32))
			return -EINVAL;
		iommufd_test_memory_limit = cmd->memory_limit.limit;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static u64 mix(u64 h, u64 v)
{
	return (h ^ v) * 0x100000001b3ULL + (v >> 7);
}

static u64 itree_digest(u64 h, const struct itree_root *root)
{
	for (struct itree_node *n = itree_first(root); n; n = itree_next(n))
		h = mix(mix(h, n->start), n->last);
	return h;
}

static u64 ioas_digest(u64 h, struct iommufd_ioas *ioas)
{
	struct io_pagetable *iopt = &ioas->iopt;
	struct iopt_area *area;

	plat_down_read(&iopt->iova_rwsem);
	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		h = mix(mix(mix(h, area->node.start), area->node.last), area->iommu_prot);
		h = mix(mix(h, area->page_offset), area->pages_node.start);
		if (area->pages)
			h = mix(mix(h, area->pages->uptr), area->pages->npinned);
		h = mix(h, area->storage | area->num_accesses << 1);
	}
	h = itree_digest(h, &iopt->reserved_itree);
	h = itree_digest(h, &iopt->allowed_itree);
	h = mix(mix(mix(h, iopt->iova_alignment), iopt->ndomains), iopt->disable_large_pages);
	plat_up_read(&iopt->iova_rwsem);
	return h;
}

u64 iommufd_test_digest(struct iommufd_ctx *ictx)
{
	struct iommufd_object *obj;
	unsigned long index;
	u64 h = 0xcbf29ce484222325ULL;

	plat_mutex_lock(&ictx->lock);
	idtab_for_each(&ictx->objects, index, obj) {
		h = mix(mix(mix(h, index), obj->type), refcount_read(&obj->users));
		if (obj->type == IOMMUFD_OBJ_IOAS)
			h = ioas_digest(h, container_of(obj, struct iommufd_ioas, obj));
		if (obj->type == IOMMUFD_OBJ_HWPT_PAGING) {
			struct iommu_domain *d =
				container_of(obj, struct iommufd_hw_pagetable, obj)->domain;
			const struct iommu_selftest_ops *mock = iommu_selftest_ops();

			if (mock && mock->owns_domain(d))
				h = mix(mix(h, mock->domain_digest(d)), mock->domain_entries(d));
		}
	}
	h = mix(h, ictx->objects.count);
	/* SET and CLEAR change the compat IOAS under vfio_ioas_lock alone: read it once */
	spin_lock(&ictx->vfio_ioas_lock);
	h = mix(h, ictx->vfio_ioas ? ictx->vfio_ioas->obj.id : 0);
	spin_unlock(&ictx->vfio_ioas_lock);
	plat_mutex_unlock(&ictx->lock);
	return mix(mix(h, iommufd_pinned_pages()), iommufd_live_objects());
}
