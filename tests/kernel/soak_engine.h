/* SPDX-License-Identifier: MIT */
/*
 * Inside the soak engine (soak.h): the reference model of one /dev/iommu
 * context that its parts share. soak_model.c keeps and checks the model,
 * soak_ops.c drives /dev/iommu against it, soak_dma.c the real device's
 * DMA, soak_engine.c the run.
 */
#ifndef TESTS_KERNEL_SOAK_ENGINE_H
#define TESTS_KERNEL_SOAK_ENGINE_H

#include "iommu/iommu.h"
#include "tests/kernel/core_util.h"
#include "tests/kernel/dma_util.h"
#include "tests/kernel/soak.h"

#define NSLOT		64		/* 4 KiB IOVA slots per IOAS */
#define NPOOL		64		/* pages of user memory the maps use */
#define SLOT_BASE	0x01000000ULL	/* inside the mock aperture and edu's 28-bit mask */
#define MAX_IOAS	3
#define MAX_HWPT	10		/* MAX_DEV automatic ones, the rest manual */
#define MAX_DEV		4		/* [0]: the real device, then mocks */
#define MAX_AREA	(MAX_IOAS * NSLOT)
#define HISTORY		10
#define HOT		8
#define NONE		(-1)

/* An area: slots [slot, slot + n) of an IOAS -> pool pages from page. */
struct m_area {
	bool live;
	u8 ioas;
	u16 slot, n, page;
	bool write;		/* the area's prot */
	u32 pobj;		/* its pages object: a map makes one, a copy shares it */
	bool pobj_write;	/* that object was made writable */
};

struct m_ioas {
	bool live;
	u32 id;
};

struct m_hwpt {
	bool live, autod, mock;
	u32 id;
	u8 ioas;
};

struct m_dev {
	bool live, mock;
	u32 id;			/* DEVICE object */
	u32 stdev;		/* mock: its self-test object */
	int hwpt;		/* index in hwpt[], NONE: detached */
};

struct soak {
	const struct soak_params *p;
	u64 rng;
	int fd;
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev;
	u8 *pool, *shadow;	/* user memory, and what it must hold */
	phys_addr_t pa[NPOOL];
	struct m_ioas ioas[MAX_IOAS];
	struct m_hwpt hwpt[MAX_HWPT];
	struct m_dev dev[MAX_DEV];
	struct m_area area[MAX_AREA];
	s16 slot[MAX_IOAS][NSLOT];	/* area index or NONE */
	u32 next_pobj;
	u8 edu_buf[EDU_BUF_SIZE];	/* the device buffer's first edu_len bytes */
	u32 edu_len;
	/* slots the device reached lately (its IOTLB may hold them), one to probe next */
	s16 hot[HOT];
	unsigned int nhot;
	int probe;
	char hist[HISTORY][112];
	unsigned int nhist;
	bool broken, fp_armed;
	long base_objects, base_pins, base_mock_doms, base_mock_devs;
	struct soak_stats st;
};

/* --- small helpers ---------------------------------------------------------- */

static inline u64 rnd(struct soak *s, u64 n)
{
	u64 z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return n ? (z ^ (z >> 31)) % n : 0;
}

static inline bool chance(struct soak *s, unsigned int per_cent)
{
	return rnd(s, 100) < per_cent;
}

static inline u64 iova_of(unsigned int slot)
{
	return SLOT_BASE + (u64)slot * PAGE_SIZE;
}

static inline u8 *page_va(struct soak *s, unsigned int page)
{
	return s->pool + (size_t)page * PAGE_SIZE;
}

/* The op history, and a mismatch reported with it (soak_model.c). */
__printf(2, 3) void soak_note(struct soak *s, const char *fmt, ...);
__printf(2, 3) void soak_fail(struct soak *s, const char *fmt, ...);

/* --- the model (soak_model.c) ------------------------------------------------ */

int device_ioas(struct soak *s);
void schedule_probe(struct soak *s, int k, unsigned int first, unsigned int last);
void probe_hot(struct soak *s);
void hot_add(struct soak *s, int slot);
/* A random index below n that ok() accepts, or NONE; how many it accepts. */
int pick_live(struct soak *s, bool (*ok)(struct soak *s, int i), int n);
int count_of(struct soak *s, bool (*ok)(struct soak *s, int i), int n);
bool ioas_live(struct soak *s, int i);
bool hwpt_live(struct soak *s, int i);
bool hwpt_manual(struct soak *s, int i);
bool hwpt_free(struct soak *s, int i);
bool dev_mock(struct soak *s, int i);
bool dev_live(struct soak *s, int i);
bool ioas_has_domain(struct soak *s, int k);
int hwpt_users(struct soak *s, int h);
int auto_hwpt(struct soak *s, int k, bool mock);
bool range_free(struct soak *s, int k, unsigned int slot, unsigned int n);
void area_add(struct soak *s, int k, unsigned int slot, unsigned int n, unsigned int page,
	      bool write, u32 pobj, bool pobj_write);
void area_del(struct soak *s, int a);
int slot_page(struct soak *s, int k, unsigned int slot);
int model_unmap(struct soak *s, int k, unsigned int first, unsigned int last, u64 *bytes);
bool soak_inject(struct soak *s, int k);
void drop_if_unused(struct soak *s, int h);
int adopt_hwpt(struct soak *s, int d, int k, u32 id);

/* After every op: domains, pins and objects as the model has them. */
void check_all(struct soak *s);
bool soak_expect(struct soak *s, const char *what, int got, int want, u64 digest);

/* --- ops (soak_ops.c, soak_dma.c) -------------------------------------------- */

int some_ioas(struct soak *s);
void soak_iommufd_op(struct soak *s);
void op_dma(struct soak *s);

#endif
