#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write the hand-made seed inputs of the ioctl fuzz target (tests/fuzz/ioctl_fuzz.c)
into tests/fuzz/corpus/ioctl/seed-*: short sequences that reach each handler's
success path (map, copy, mock domains, accesses, HWPTs, the VFIO compat
container). The fuzzer's own finds are merged beside them by make fuzz-run
FUZZ_SAVE=1. Usage: tests/fuzz/ioctl_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "ioctl")

# table indices of ioctl_fuzz.c
DESTROY, IOAS_ALLOC, ALLOW, COPY, RANGES, MAP, UNMAP, OPTION, VFIO_IOAS, HWPT_ALLOC, \
    HW_INFO, TEST = 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12
API, CHECK_EXT, SET_IOMMU, GET_INFO, MAP_DMA, UNMAP_DMA = 14, 15, 16, 17, 18, 19
SIZES = {DESTROY: 8, IOAS_ALLOC: 12, ALLOW: 24, COPY: 40, RANGES: 32, MAP: 40, UNMAP: 24,
         OPTION: 24, VFIO_IOAS: 12, HWPT_ALLOC: 48, HW_INFO: 40, TEST: 72, API: 8,
         CHECK_EXT: 8, SET_IOMMU: 8, GET_INFO: 24, MAP_DMA: 32, UNMAP_DMA: 24}
# fixup kinds
BUF, BAD, ID, IOVA, LEN, SMALL = 0, 1, 2, 3, 4, 5
# IOMMU_TEST_OP_*
MOCK_DOMAIN, CHECK_MAP, CHECK_REFS, CREATE_ACCESS, DESTROY_ACCESS_PAGES, ACCESS_PAGES, \
    ACCESS_RW, MOCK_REPLACE, ACCESS_REPLACE = 2, 3, 4, 5, 6, 7, 8, 10, 11


def call(sel, fixes=(), fields=(), mode=0):
    """fixes: (byte offset, kind, arg); fields: (byte offset, struct format, value)."""
    body = bytearray(SIZES[sel])
    for off, fmt, val in fields:
        struct.pack_into(fmt, body, off, val)
    out = bytes([sel, mode, len(fixes)])
    for off, kind, arg in fixes:
        out += bytes([off // 4, kind, arg])
    return out + bytes(body)


def ioas():
    return call(IOAS_ALLOC)


def map_(id_idx, page, npages, iova_idx, flags=7):
    return call(MAP, [(8, ID, id_idx), (16, BUF, page), (24, LEN, npages), (32, IOVA, iova_idx)],
                [(4, "<I", flags)])


def unmap(id_idx, iova_idx, npages):
    return call(UNMAP, [(4, ID, id_idx), (8, IOVA, iova_idx), (16, LEN, npages)])


def test(op, fixes=(), fields=()):
    return call(TEST, fixes, [(4, "<I", op)] + list(fields))


SEEDS = {
    "map-unmap": ioas() + map_(0, 0, 2, 0) + unmap(0, 0, 2),
    "mock-domain": ioas() + test(MOCK_DOMAIN, [(8, ID, 0)]) + map_(0, 1, 4, 8) +
    test(CHECK_MAP, [(8, ID, 2), (16, IOVA, 8), (24, LEN, 4), (32, BUF, 1)]) +
    test(CHECK_REFS, [(16, LEN, 4), (24, BUF, 1)], [(32, "<I", 1)]) +
    unmap(0, 0, 17),
    "access": ioas() + test(MOCK_DOMAIN, [(8, ID, 0)]) + map_(0, 2, 2, 0) +
    test(CREATE_ACCESS, [(8, ID, 0)], [(20, "<I", 1)]) +
    test(ACCESS_PAGES, [(8, ID, 4), (24, IOVA, 0), (32, LEN, 1), (40, BUF, 2)],
         [(16, "<I", 1)]) +
    test(ACCESS_RW, [(8, ID, 4), (16, IOVA, 0), (24, LEN, 1), (32, BUF, 5)],
         [(40, "<I", 1)]) +
    test(DESTROY_ACCESS_PAGES, [(8, ID, 4), (16, ID, 5)]) + unmap(0, 0, 2),
    "copy-replace": ioas() + ioas() + map_(0, 0, 3, 0) +
    call(COPY, [(8, ID, 1), (12, ID, 0), (16, LEN, 3), (24, IOVA, 32), (32, IOVA, 0)],
         [(4, "<I", 7)]) +
    test(MOCK_DOMAIN, [(8, ID, 1)]) + test(MOCK_REPLACE, [(8, ID, 2), (16, ID, 0)]) +
    call(DESTROY, [(4, ID, 1)]) + call(DESTROY, [(4, ID, 2)]),
    "hwpt": ioas() + test(MOCK_DOMAIN, [(8, ID, 0)]) + map_(0, 0, 1, 0) +
    call(HWPT_ALLOC, [(8, ID, 3), (12, ID, 0)]) + test(MOCK_REPLACE, [(8, ID, 1), (16, ID, 4)]) +
    call(HW_INFO, [(8, ID, 3), (16, BUF, 9)], [(12, "<I", 64)]) +
    call(DESTROY, [(4, ID, 2)]) + call(DESTROY, [(4, ID, 4)]),
    "vfio-compat": ioas() + call(VFIO_IOAS, [(4, ID, 0)], [(8, "<H", 1)]) +
    call(API) + call(CHECK_EXT, fields=[(0, "<B", 3)]) +
    call(SET_IOMMU, fields=[(0, "<B", 3)]) +
    call(GET_INFO, fields=[(0, "<I", 24)]) +
    call(MAP_DMA, [(8, BUF, 0), (16, IOVA, 0), (24, LEN, 4)], [(0, "<I", 32), (4, "<I", 3)]) +
    call(UNMAP_DMA, [(8, IOVA, 0), (16, LEN, 4)], [(0, "<I", 24)]) +
    call(VFIO_IOAS, fields=[(8, "<H", 0)]) + call(VFIO_IOAS, fields=[(8, "<H", 2)]),
    "ranges": ioas() + call(ALLOW, [(4, ID, 0), (8, SMALL, 1), (16, BUF, 0)]) +
    test(1, [(8, ID, 0), (16, IOVA, 64), (24, LEN, 2)]) +
    call(RANGES, [(4, ID, 0), (8, SMALL, 4), (16, BUF, 1)]) + map_(0, 0, 1, 0),
    "option": call(OPTION, fields=[(4, "<I", 0), (8, "<H", 0)]) + ioas() +
    call(OPTION, [(12, ID, 0)], [(4, "<I", 1), (8, "<H", 0), (16, "<Q", 0)]) +
    map_(0, 0, 2, 0),
    "destroy-busy": ioas() + test(MOCK_DOMAIN, [(8, ID, 0)]) + call(DESTROY, [(4, ID, 0)]) +
    call(DESTROY, [(4, ID, 3)]) + map_(0, 0, 2, 0) + call(DESTROY, [(4, ID, 1)]) +
    call(DESTROY, [(4, ID, 0)]),
    "bad-sizes": call(MAP, mode=2 | 4 | 0x10) + call(MAP, mode=3) + call(MAP, mode=0x20) +
    call(IOAS_ALLOC, mode=2 | 8) + call(DESTROY, mode=3, fields=[(0, "<I", 2)]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, "seed-" + name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), os.path.relpath(OUT)))


if __name__ == "__main__":
    main()
