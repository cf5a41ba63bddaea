#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# /init of make linux-oracle's initramfs (scripts/linux-oracle), busybox only:
# mounts what the programs need, reserves huge pages, binds every edu
# (1234:11e8) to vfio-pci, then runs the programs named in $oracle_progs
# (kernel command line, comma-separated, from /oracle/) between marker lines
# and powers off. User programs run as uid 1000 (no CAP_IPC_LOCK: RLIMIT_MEMLOCK
# applies, as for our ring-3 programs); Linux's selftest runs as root, as
# kselftest expects.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
echo "oracle:x:1000:1000:oracle:/tmp:/bin/sh" > /etc/passwd
echo "oracle:x:1000:" > /etc/group
echo 80 > /proc/sys/vm/nr_hugepages
echo "=== oracle: linux $(uname -r), hugepages $(cat /proc/sys/vm/nr_hugepages)"
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] || continue
	echo vfio-pci > "$d/driver_override"
	echo "${d##*/}" > /sys/bus/pci/drivers_probe
	echo "=== oracle: edu ${d##*/} -> $(basename "$(readlink "$d/driver")" 2>/dev/null)," \
	     "iommu group $(basename "$(readlink "$d/iommu_group")" 2>/dev/null)"
done
chmod 666 /dev/iommu /dev/vfio/devices/* 2>/dev/null
echo "=== oracle: vfio nodes: $(ls /dev/vfio/devices 2>/dev/null | tr '\n' ' ')"
ulimit -l 8192
IFS=,
for p in $oracle_progs; do
	unset IFS
	echo "=== oracle: begin $p"
	case "$p" in
	user-*) cd /tmp && timeout 600 su -p -s /bin/sh oracle -c "/oracle/$p" 2>&1 ;;
	*) cd /oracle && timeout 1200 "/oracle/$p" 2>&1 ;;
	esac
	echo "=== oracle: end $p rc=$?"
	IFS=,
done
echo "=== oracle: done"
poweroff -f
