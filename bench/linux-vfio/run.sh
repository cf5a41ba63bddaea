#!/bin/bash
# SPDX-License-Identifier: MIT
# Linux's own speed on the same emulated hardware: Debian's Linux 6.1 kernel boots in QEMU with
# q35 + intel-iommu (caching mode) + edu, binds edu to vfio-pci and measures VFIO type1
# map/unmap (bench.c). Compare a figure of ours with these only when both ran with the same
# accelerator on the same machine, in one go.
# Usage: run.sh [tcg|kvm] [extra kernel args...]   (tcg by default: the /dev/kvm of these
#   machines cannot run this kernel, see RESULTS.md)
# Needs: qemu-system-x86, gcc, cpio, python3, apt-get (downloads the Debian kernel and
#   busybox-static packages once). Work files go to $WORK (default build/linux-vfio).
# Output: RESULT lines on stdout; the full guest console in $WORK/logs/.
# `BENCH_LINUX=1 make bench` runs this beside our own figures (scripts/bench).
# PREPARE_ONLY=1: build vmlinux and initramfs.cpio.gz in $WORK and stop (scripts/bench-compare
# boots them itself, on the QEMU flags of our bench-vfio configuration).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$HERE/../../build/linux-vfio}
command -v cpio >/dev/null || "$HERE/../../scripts/deps" bench-linux
mkdir -p "$WORK" && cd "$WORK"
KPKG=${KPKG:-linux-image-6.1.0-56-amd64-unsigned}
ACCEL=${1:-tcg}; shift || true
EXTRA="$*"

mkdir -p dl logs
if [ ! -d kpkg/boot ]; then
    (cd dl && apt-get download "$KPKG")
    rm -rf kpkg && mkdir kpkg && dpkg -x dl/${KPKG}_*.deb kpkg
fi
if [ ! -x bbpkg/bin/busybox ]; then
    (cd dl && apt-get download busybox-static)
    rm -rf bbpkg && mkdir bbpkg && dpkg -x dl/busybox-static_*.deb bbpkg
fi
KVER=$(ls kpkg/lib/modules | head -1)
VMLINUZ=kpkg/boot/vmlinuz-$KVER
# Under this nested-KVM host the bzImage's XZ decompressor stalls (>10 min, no output) with
# accel=kvm, so we boot the uncompressed ELF vmlinux via QEMU's PVH entry (CONFIG_PVH=y).
# Same kernel bits; only the boot path/decompressor is skipped.
if [ ! -f vmlinux ]; then
    python3 -c "import lzma,sys; d=open('$VMLINUZ','rb').read(); i=d.find(b'\xfd7zXZ\x00'); open('vmlinux','wb').write(lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(d[i:]))"
fi
KIMG=${KIMG:-vmlinux}
MODDIR=kpkg/lib/modules/$KVER/kernel

# build bench (static)
gcc -O2 -static -Wall -Wno-format-truncation -o bench "$HERE/bench.c"

# build initramfs
rm -rf rootfs && mkdir -p rootfs/bin rootfs/lib/modules rootfs/proc rootfs/sys rootfs/dev rootfs/tmp
cp bbpkg/bin/busybox rootfs/bin/busybox
cp bench rootfs/bench
cp "$HERE/init" rootfs/init && chmod +x rootfs/init
for m in drivers/vfio/vfio.ko drivers/vfio/vfio_iommu_type1.ko drivers/vfio/vfio_virqfd.ko \
         virt/lib/irqbypass.ko drivers/vfio/pci/vfio-pci-core.ko drivers/vfio/pci/vfio-pci.ko; do
    f=$MODDIR/$m
    [ -f "$f" ] || { [ -f "$f.xz" ] && xz -dc "$f.xz" > "rootfs/lib/modules/$(basename $m)" && continue; }
    cp "$f" rootfs/lib/modules/
done
(cd rootfs && find . | cpio -o -H newc --quiet | gzip -1) > initramfs.cpio.gz
[ -z "${PREPARE_ONLY:-}" ] || exit 0

if [ "$ACCEL" = tcg ]; then
    MACH="q35,accel=tcg,kernel-irqchip=split"; CPU="max"
else
    MACH="q35,accel=kvm,kernel-irqchip=split"; CPU="${CPU:-host}"
fi
APPEND="console=ttyS0 intel_iommu=on iommu=nopt${EXTRA:+ $EXTRA}"
LOG=logs/$(date +%Y%m%d-%H%M%S)-$ACCEL${EXTRA:+-$(echo "$EXTRA" | tr ' =' '_-')}.log
# guest RAM from a memfd, as scripts/qemulib.py gives our kernel (no THP compaction stalls)
CMD=(qemu-system-x86_64 -machine "$MACH" -cpu "$CPU" -m "${MEM:-4G}" -smp 2
     -object memory-backend-memfd,id=ram0,size="${MEM:-4G}" -machine memory-backend=ram0
     -device intel-iommu,intremap=on,caching-mode=on -device edu
     -kernel "$KIMG" -initrd initramfs.cpio.gz -append "$APPEND" -nographic -no-reboot ${QEXTRA:-})
echo "CMD ${CMD[*]}" | tee "$LOG"
TMO=${TMO:-1800}
timeout "$TMO" "${CMD[@]}" < /dev/null >> "$LOG" 2>&1 || echo "qemu exit rc=$?" | tee -a "$LOG"
tr -d '\r' < "$LOG" | grep -E '^(RESULT|INFO)' || true
