# SPDX-License-Identifier: MIT
# iommu-testos: one Makefile for the kernel ELF, the bootable ISO, the hosted
# library and tools, and every test. `make` builds all; `make run` boots the
# ISO under QEMU with an emulated IOMMU; `make check` runs every test.

BUILD   := build
KB      := $(BUILD)/kernel
HB      := $(BUILD)/host
CC      ?= gcc
HOSTCC  ?= gcc
PYTHON  := /usr/bin/python3
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
CPUS    ?= 1
# V=1 shows full commands (and, for make check/run, the serial report live)
ifeq ($(V),1)
Q :=
else
Q := @
endif
export V

COMMON_CFLAGS := -std=gnu11 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-sign-compare -Wno-missing-field-initializers -Wstrict-prototypes -Wmissing-prototypes -fno-common \
	-fno-omit-frame-pointer -MD -MP -I. -DCONFIG_DEBUG=1

KCFLAGS := $(COMMON_CFLAGS) -O2 -ffreestanding -fno-builtin -nostdlib \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -fno-pic -fno-pie \
	-fno-stack-protector -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -Ilib/uapi -Icore/include/uapi \
	-DIOMMU_TESTOS_VERSION=\"$(VERSION)\" -DCONFIG_KERNEL=1
KASFLAGS := -g -MD -MP -I. -D__ASSEMBLY__
KLDFLAGS := -Wl,--no-warn-rwx-segments -Wl,--build-id=none -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	-T linker.ld

HCFLAGS := $(COMMON_CFLAGS) -O1 -DCONFIG_KERNEL=0
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all

# --- kernel objects, one per line -------------------------------------------
boot-objs += boot/boot.o
boot-objs += boot/bootinfo.o

arch-objs += arch/x86/entry.o
arch-objs += arch/x86/main.o
arch-objs += arch/x86/console.o
arch-objs += arch/x86/cmdline.o
arch-objs += arch/x86/cpu.o
arch-objs += arch/x86/trap.o
arch-objs += arch/x86/pmm.o
arch-objs += arch/x86/kpt.o
arch-objs += arch/x86/kmalloc.o
arch-objs += arch/x86/acpi.o
arch-objs += arch/x86/pci.o
arch-objs += arch/x86/lapic.o
arch-objs += arch/x86/tsc.o
arch-objs += arch/x86/fwcfg.o
arch-objs += arch/x86/watchdog.o
arch-objs += arch/x86/core_platform.o
arch-objs += arch/x86/uvm.o
arch-objs += arch/x86/proc.o
arch-objs += arch/x86/uaccess.o

lib-objs += lib/setjmp.o
lib-objs += lib/string.o
lib-objs += lib/strutil.o
lib-objs += lib/printf.o
lib-objs += lib/bitmap.o
lib-objs += lib/itree.o
lib-objs += lib/idtable.o
lib-objs += lib/failpoint.o

iommu-objs += iommu/iommu.o
iommu-objs += iommu/mock/mock.o

# --- the iommufd core and the syscall stub (kernel and hosted) ---------------
core-objs += core/main.o
core-objs += core/ioas.o
core-objs += core/io_pagetable.o
core-objs += core/pages.o
core-objs += core/device.o
core-objs += core/hw_pagetable.o
core-objs += core/access.o
core-objs += core/vfio_compat.o
core-objs += core/selftest.o

sim-objs += ioctl-sim/fdtable.o
sim-objs += ioctl-sim/ioctl.o
sim-objs += ioctl-sim/account.o

# ACPI DMAR/IVRS parsers and capability-register decoders (kernel and hosted)
acpi-objs += iommu/acpitab.o
acpi-objs += iommu/dmar.o
acpi-objs += iommu/dmar_match.o
acpi-objs += iommu/dmar_rules.o
acpi-objs += iommu/ivrs.o
acpi-objs += iommu/ivrs_match.o
acpi-objs += iommu/ivrs_rules.o
acpi-objs += iommu/regfield.o
acpi-objs += iommu/vtd/vtd_caps.o
acpi-objs += iommu/amdvi/amdvi_caps.o
iommu-objs += $(acpi-objs)
iommu-objs += iommu/acpi_live.o

# AMD-Vi driver (issue 6)
amdvi-objs += iommu/amdvi/amdvi_pgtable.o
amdvi-objs += iommu/amdvi/amdvi_cmd.o
amdvi-objs += iommu/amdvi/amdvi_event.o
amdvi-objs += iommu/amdvi/amdvi_devtab.o
amdvi-objs += iommu/amdvi/amdvi_init.o
amdvi-objs += iommu/amdvi/amdvi_domain.o
iommu-objs += $(amdvi-objs)
# VT-d driver, fault API, DMA initiators (issue 5)
iommu-objs += iommu/fault.o
iommu-objs += iommu/iommu_init.o
iommu-objs += iommu/vtd/vtd_init.o
iommu-objs += iommu/vtd/vtd_ctx.o
iommu-objs += iommu/vtd/vtd_domain.o
iommu-objs += iommu/vtd/vtd_pgtable.o
iommu-objs += iommu/vtd/vtd_inval.o
iommu-objs += iommu/vtd/vtd_qi.o
iommu-objs += iommu/vtd/vtd_mem.o
iommu-objs += iommu/vtd/vtd_fault.o
drivers-objs += drivers/edu.o
drivers-objs += drivers/nvme.o
drivers-objs += drivers/ahci.o

# the syscall stub (kernel only)
sim-kobjs += ioctl-sim/syscall.o
sim-kobjs += ioctl-sim/vfio_dev.o

# suites built into the kernel (lib_* also build hosted)
ktest-objs += tests/ktest.o
ktest-objs += tests/kernel/env.o
ktest-objs += tests/kernel/platform.o
ktest-objs += tests/kernel/platform_bootinfo.o
ktest-objs += tests/kernel/runner_selftest.o
ktest-objs += tests/kernel/lib_string.o
ktest-objs += tests/kernel/lib_printf.o
ktest-objs += tests/kernel/lib_bitmap.o
ktest-objs += tests/kernel/lib_list.o
ktest-objs += tests/kernel/acpi_live.o
ktest-objs += tests/kernel/user.o
ktest-objs += tests/kernel/user_run.o
ktest-objs += tests/kernel/iommu_env.o
ktest-objs += tests/kernel/dma_util.o
ktest-objs += tests/kernel/dma_edu.o
ktest-objs += tests/kernel/dma_storage.o
ktest-objs += tests/kernel/dma_core.o
ktest-objs += tests/kernel/vtd_util.o
ktest-objs += tests/kernel/vtd.o
ktest-objs += tests/kernel/vtd_qi.o
ktest-objs += tests/kernel/vtd_fault.o
ktest-objs += tests/kernel/vtd_rmrr.o
ktest-objs += tests/kernel/vtd_fixtures.o
ktest-objs += tests/kernel/bench_vtd.o
ktest-objs += tests/kernel/bench_amdvi.o
ktest-objs += tests/kernel/bench_user.o
ktest-objs += tests/kernel/lib_itree.o
ktest-objs += tests/kernel/lib_idtable.o
ktest-objs += tests/kernel/amdvi_pgtable.o
ktest-objs += tests/kernel/amdvi_encode.o
ktest-objs += tests/kernel/amdvi.o
ktest-objs += tests/kernel/amdvi_hw.o

ktest-objs += tests/kernel/core_env.o
# soak suite (make soak; one short run in make check)
ktest-objs += tests/kernel/soak_engine.o
ktest-objs += tests/kernel/soak.o
ktest-objs += $(core-test-objs)

# core/abi/fault-inject suites: built into the kernel and into build/host/test-core
core-test-objs += tests/kernel/core_util.o
core-test-objs += tests/kernel/core_objects.o
core-test-objs += tests/kernel/core_iopt.o
core-test-objs += tests/kernel/core_domains.o
core-test-objs += tests/kernel/core_access.o
core-test-objs += tests/kernel/core_iommu.o
core-test-objs += tests/kernel/abi_ioctl.o
core-test-objs += tests/kernel/fault_inject.o

# hosted-only parts of test-core (environment, threads)
host-core-test-objs += tests/host/core_env.o
host-core-test-objs += tests/host/core_threads.o
# the ioctl fuzz target's corpus replay (make fuzz-run fuzzes it)
host-core-test-objs += tests/fuzz/ioctl_fuzz.o
host-core-test-objs += tests/fuzz/ioctl_replay.o
host-core-test-objs += tests/fuzz/replay.o
host-core-test-objs += tests/host/hostutil.o


# --- ring-3 programs (tests/user/) --------------------------------------------
# Each program in user-progs is linked into the kernel and runs as the test
# test_user_<name>; user-helpers are linked in for kernel tests to run.
# make also builds every program as a Linux executable: build/host/user-<name>.
user-progs += syscalls
user-progs += iommufd_abi
user-progs += iommufd_map
user-progs += pin_limit
user-progs += vfio_cdev
user-progs += edu_dma
user-progs += iommufd_fuzz

# device-free programs that make check also runs hosted, against
# libiommufd-host.so (LD_PRELOAD): build/host/test-user-<name>
user-hosted += syscalls
user-hosted += iommufd_abi
user-hosted += iommufd_map
user-hosted += pin_limit

# make bench's ring-3 program (tests/user/bench_map.c): linked in for the
# bench suite, and built small (-DBENCH_QUICK) as a user test make check runs
user-progs += bench_map_quick
user-helpers += bench_map

user-helpers += exit_status
user-helpers += fault_null
user-helpers += fault_kernel
user-helpers += fault_priv
user-helpers += spin
user-helpers += exit_live
user-helpers += crash_syscall

user-lib-objs += tests/user/lib/crt0.o
user-lib-objs += lib/setjmp.o
user-lib-objs += tests/user/lib/syscall.o
user-lib-objs += tests/user/lib/stdio.o
user-lib-objs += tests/user/lib/stdlib.o
user-lib-objs += tests/user/lib/harness.o
user-lib-objs += lib/string.o
user-lib-objs += lib/printf.o

UB      := $(BUILD)/user
GCC_INC := $(shell $(CC) -print-file-name=include)
UCFLAGS := $(COMMON_CFLAGS) -O2 -ffreestanding -nostdinc -isystem tests/user/lib/include \
	-isystem $(GCC_INC) -Itests/user/lib -Ilib/uapi -Icore/include/uapi -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
ULDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	-Wl,-T,tests/user/lib/user.ld
# hosted (glibc) builds of the same sources
UHCFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
	-Wno-missing-field-initializers -Itests/user/lib -Icore/include/uapi

user-prog-kobjs := $(patsubst %,$(KB)/tests/user/%.prog.o,$(user-progs) $(user-helpers))
USER_HOST_PROGS := $(patsubst %,$(HB)/user-%,$(user-progs)) \
	$(patsubst %,$(HB)/test-user-%,$(user-hosted))

USER_HOST_PROGS += $(HB)/user-bench_map

kernel-objs := $(addprefix $(KB)/,$(boot-objs) $(arch-objs) $(lib-objs) $(iommu-objs) \
	$(drivers-objs) $(core-objs) $(sim-objs) $(sim-kobjs) $(ktest-objs)) $(user-prog-kobjs)

# --- hosted unit tests --------------------------------------------------------
# test-lib links our lib/ (string functions replace libc's in that program),
# so it runs under UBSan only; everything else also gets ASan.
host-lib-test-srcs += lib/string.c
host-lib-test-srcs += lib/strutil.c
host-lib-test-srcs += lib/printf.c
host-lib-test-srcs += lib/bitmap.c
host-lib-test-srcs += lib/itree.c
host-lib-test-srcs += lib/idtable.c
host-lib-test-srcs += lib/failpoint.c
host-lib-test-srcs += lib/alloc_host.c
host-lib-test-srcs += tests/ktest.c
host-lib-test-srcs += tests/host/env.c
host-lib-test-srcs += tests/host/main.c
host-lib-test-srcs += tests/kernel/lib_string.c
host-lib-test-srcs += tests/kernel/lib_printf.c
host-lib-test-srcs += tests/kernel/lib_bitmap.c
host-lib-test-srcs += tests/kernel/lib_list.c
host-lib-test-srcs += tests/kernel/platform_bootinfo.c
host-lib-test-srcs += boot/bootinfo.c
host-lib-test-srcs += tests/kernel/lib_itree.c
host-lib-test-srcs += tests/kernel/lib_idtable.c

# The core, stub and mock hosted: three flavours of the same objects
# (san: ASan+UBSan for tests, pic: the LD_PRELOAD library, opt: make bench).
HOST_INC := -Icore/include/uapi
host-core-objs += lib/itree.o
host-core-objs += lib/idtable.o
host-core-objs += lib/failpoint.o
host-core-objs += lib/strutil.o
host-core-objs += lib/alloc_host.o
host-core-objs += iommu/iommu.o
host-core-objs += iommu/mock/mock.o
host-core-objs += $(core-objs)
host-core-objs += $(sim-objs)
host-core-objs += ioctl-sim/host_platform.o

host-runner-objs += tests/ktest.o
host-runner-objs += tests/host/env.o
host-runner-objs += tests/host/main.o

HOST_TESTS := $(HB)/test-lib
HOST_TESTS += $(HB)/test-core
HOST_TESTS += $(HB)/test-abi-preload
HOST_LIBS := $(HB)/libiommufd-host.so

# ACPI/caps: parsers + tests under ASan/UBSan, and the tools for people.
# They use libc's string functions, plus lib/strutil.c's non-libc helpers.
host-acpi-srcs := $(acpi-objs:.o=.c)
host-acpi-test-srcs += $(host-acpi-srcs)
host-acpi-test-srcs += tests/ktest.c
host-acpi-test-srcs += tests/host/env.c
host-acpi-test-srcs += tests/host/main.c
host-acpi-test-srcs += tests/host/hostutil.c
host-acpi-test-srcs += tests/host/acpi_manifest.c
host-acpi-test-srcs += tests/host/acpi_damage.c
host-acpi-test-srcs += tests/host/acpi_dmar.c
host-acpi-test-srcs += tests/host/acpi_ivrs.c
host-acpi-test-srcs += tests/host/acpi_rules.c
host-acpi-test-srcs += tests/host/acpi_tools.c
host-acpi-test-srcs += tests/fuzz/acpi_fuzz.c
host-acpi-test-srcs += tests/fuzz/acpi_replay.c
host-acpi-test-srcs += tests/fuzz/replay.c
host-caps-test-srcs += $(host-acpi-srcs)
host-caps-test-srcs += tests/ktest.c
host-caps-test-srcs += tests/host/env.c
host-caps-test-srcs += tests/host/main.c
host-caps-test-srcs += tests/host/hostutil.c
host-caps-test-srcs += tests/host/caps_fixtures.c
iommu-acpi-srcs += $(host-acpi-srcs)
iommu-acpi-srcs += iommu/tools/iommu-acpi.c
iommu-acpi-srcs += iommu/tools/acpi_report.c
iommu-acpi-srcs += iommu/tools/jsonout.c
iommu-acpi-srcs += iommu/tools/sanitize.c
iommu-caps-srcs += $(host-acpi-srcs)
iommu-caps-srcs += iommu/tools/iommu-caps.c
iommu-caps-srcs += iommu/tools/jsonout.c
iommu-caps-srcs += iommu/tools/sanitize.c
HOST_TOOLS := $(HB)/iommu-acpi $(HB)/iommu-caps
HOST_TESTS += $(HB)/test-acpi $(HB)/test-caps

# the tools' whole input path in-process: fuzz targets, and test-tools
# replaying their corpora (tests/fuzz/tool_replay.c)
tool-fuzz-srcs += $(host-acpi-srcs)
tool-fuzz-srcs += iommu/tools/iommu-acpi.c
tool-fuzz-srcs += iommu/tools/acpi_report.c
tool-fuzz-srcs += iommu/tools/iommu-caps.c
tool-fuzz-srcs += iommu/tools/jsonout.c
tool-fuzz-srcs += tests/fuzz/toolrun.c
tool-fuzz-srcs += tests/fuzz/acpi_tool_fuzz.c
tool-fuzz-srcs += tests/fuzz/caps_tool_fuzz.c
host-tools-test-srcs += $(tool-fuzz-srcs)
host-tools-test-srcs += tests/ktest.c
host-tools-test-srcs += tests/host/env.c
host-tools-test-srcs += tests/host/main.c
host-tools-test-srcs += tests/host/hostutil.c
host-tools-test-srcs += tests/fuzz/replay.c
host-tools-test-srcs += tests/fuzz/tool_replay.c
HOST_TESTS += $(HB)/test-tools

# AMD-Vi pure parts and the ring/log against a software unit (issue 6)
host-amdvi-test-srcs += lib/alloc_host.c
host-amdvi-test-srcs += lib/failpoint.c
host-amdvi-test-srcs += tests/ktest.c
host-amdvi-test-srcs += tests/host/env.c
host-amdvi-test-srcs += tests/host/main.c
host-amdvi-test-srcs += iommu/iommu.c
host-amdvi-test-srcs += iommu/fault.c
host-amdvi-test-srcs += iommu/amdvi/amdvi_pgtable.c
host-amdvi-test-srcs += iommu/amdvi/amdvi_cmd.c
host-amdvi-test-srcs += iommu/amdvi/amdvi_event.c
host-amdvi-test-srcs += iommu/amdvi/amdvi_devtab.c
host-amdvi-test-srcs += tests/host/kernel_stubs.c
host-amdvi-test-srcs += tests/host/amdvi_model.c
host-amdvi-test-srcs += tests/kernel/amdvi_pgtable.c
host-amdvi-test-srcs += tests/kernel/amdvi_encode.c
host-amdvi-test-srcs += tests/host/amdvi_ring.c
host-amdvi-test-srcs += tests/host/amdvi_events.c
host-amdvi-test-srcs += tests/host/amdvi_ivmd.c
host-amdvi-test-srcs += tests/host/hostutil.c
host-amdvi-test-srcs += tests/host/platform_stubs.c
host-amdvi-test-srcs += arch/x86/cmdline.c
host-amdvi-test-srcs += tests/host/amdvi_units.c
host-amdvi-test-srcs += $(host-acpi-srcs)
host-amdvi-test-srcs += lib/bitmap.c
host-amdvi-test-srcs += iommu/amdvi/amdvi_init.c
host-amdvi-test-srcs += iommu/amdvi/amdvi_domain.c
HOST_TESTS += $(HB)/test-amdvi

# VT-d page tables and PSI encoder against a memory model, and the whole
# driver against software units built from real DMAR/CAP data (issue 5)
host-vtd-test-srcs += lib/alloc_host.c
host-vtd-test-srcs += lib/bitmap.c
host-vtd-test-srcs += lib/failpoint.c
host-vtd-test-srcs += tests/ktest.c
host-vtd-test-srcs += tests/host/env.c
host-vtd-test-srcs += tests/host/main.c
host-vtd-test-srcs += tests/host/hostutil.c
host-vtd-test-srcs += tests/host/kernel_stubs.c
host-vtd-test-srcs += tests/host/platform_stubs.c
host-vtd-test-srcs += arch/x86/cmdline.c
host-vtd-test-srcs += $(host-acpi-srcs)
host-vtd-test-srcs += iommu/iommu.c
host-vtd-test-srcs += iommu/fault.c
host-vtd-test-srcs += iommu/vtd/vtd_init.c
host-vtd-test-srcs += iommu/vtd/vtd_ctx.c
host-vtd-test-srcs += iommu/vtd/vtd_domain.c
host-vtd-test-srcs += iommu/vtd/vtd_inval.c
host-vtd-test-srcs += iommu/vtd/vtd_qi.c
host-vtd-test-srcs += iommu/vtd/vtd_fault.c
host-vtd-test-srcs += iommu/vtd/vtd_pgtable.c
host-vtd-test-srcs += tests/host/vtd_model.c
host-vtd-test-srcs += tests/host/vtd_pgtable.c
host-vtd-test-srcs += tests/host/vtd_hw.c
host-vtd-test-srcs += tests/host/vtd_units.c
HOST_TESTS += $(HB)/test-vtd

# make bench's hosted core benchmark, one small round (tests/host/bench_iommufd.c --quick)
HOST_TESTS += $(HB)/test-bench-iommufd

# the report tools (scripts/ktaplib.py) against good and broken logs
HOST_TESTS += $(HB)/test-ktap

.PHONY: all kernel iso host check run bench clean deps qemu qemu-gdb fuzz fuzz-run fuzz-targets soak
all: kernel iso host

kernel: $(BUILD)/iommu-testos.elf $(BUILD)/iommu-testos-pvh.elf
iso: $(BUILD)/iommu-testos.iso
host: $(HOST_TESTS) $(HOST_TOOLS) $(HOST_LIBS) $(USER_HOST_PROGS)

$(KB)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(KB)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Two links: the first gives the symbol addresses, the second embeds them
# (in .rodata, after .text, so no function moves); check-image verifies both.
$(BUILD)/iommu-testos.elf: $(kernel-objs) linker.ld scripts/kallsyms
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(PYTHON) scripts/kallsyms --empty > $(KB)/kallsyms0.S
	$(Q)$(CC) $(KASFLAGS) -c $(KB)/kallsyms0.S -o $(KB)/kallsyms0.o
	$(Q)$(CC) $(KLDFLAGS) -o $@.tmp $(kernel-objs) $(KB)/kallsyms0.o
	$(Q)$(PYTHON) scripts/kallsyms $@.tmp > $(KB)/kallsyms.S
	$(Q)$(CC) $(KASFLAGS) -c $(KB)/kallsyms.S -o $(KB)/kallsyms.o
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(kernel-objs) $(KB)/kallsyms.o
	$(Q)$(PYTHON) scripts/check-image $@ $@.tmp

# The same kernel without the multiboot1 header, so `qemu -kernel` takes the PVH path.
$(BUILD)/iommu-testos-pvh.elf: $(BUILD)/iommu-testos.elf
	@$(if $(Q),echo "  OBJCOPY $@")
	$(Q)head -c 32 /dev/zero > $(BUILD)/zero32.bin
	$(Q)objcopy --update-section .multiboot1=$(BUILD)/zero32.bin $< $@

$(BUILD)/iommu-testos.iso: $(BUILD)/iommu-testos.elf boot/grub.cfg
	@$(if $(Q),echo "  ISO     $@")
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	$(Q)cp $(BUILD)/iommu-testos.elf $(BUILD)/iso/boot/iommu-testos.elf
	$(Q)cp boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/iso >$(BUILD)/grub-mkrescue.log 2>&1 || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

$(UB)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UCC     $<")
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(UB)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UAS     $<")
	$(Q)$(CC) $(KASFLAGS) -DSETJMP=setjmp -DLONGJMP=longjmp -c $< -o $@

.PRECIOUS: $(UB)/%.o $(UB)/%.elf

$(UB)/libuser.a: $(addprefix $(UB)/,$(user-lib-objs))
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(UB)/%.elf: $(UB)/tests/user/%.o $(UB)/libuser.a tests/user/lib/user.ld
	@$(if $(Q),echo "  ULD     $@")
	$(Q)$(CC) $(ULDFLAGS) -o $@ $< $(UB)/libuser.a

$(UB)/%.elf: $(UB)/tests/user/helpers/%.o $(UB)/libuser.a tests/user/lib/user.ld
	@$(if $(Q),echo "  ULD     $@")
	$(Q)$(CC) $(ULDFLAGS) -o $@ $< $(UB)/libuser.a

# the program's ELF embedded in the kernel, with its test_user_<name>
$(KB)/tests/user/%.prog.o: tests/kernel/user_prog.c $(UB)/%.elf
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EMBED   $*")
	$(Q)$(CC) $(KCFLAGS) -DPROG=$* -DPROG_ELF=\"$(UB)/$*.elf\" \
		$(if $(filter $*,$(user-helpers)),-DPROG_HELPER) -c $< -o $@

$(HB)/user-%: tests/user/%.c tests/user/lib/harness.c tests/user/lib/harness.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(UHCFLAGS) -o $@ $< tests/user/lib/harness.c

$(UB)/tests/user/bench_map_quick.o: tests/user/bench_map.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UCC     $< (quick)")
	$(Q)$(CC) $(UCFLAGS) -DBENCH_QUICK -c $< -o $@

$(HB)/user-bench_map_quick: tests/user/bench_map.c tests/user/lib/harness.c tests/user/lib/harness.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(UHCFLAGS) -DBENCH_QUICK -o $@ $< tests/user/lib/harness.c

$(HB)/test-user-%: $(HB)/user-% $(HOST_LIBS)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# tests/user/%s.c on Linux, /dev/iommu from libiommufd-host.so,\n# with the 8 MiB memlock limit Linux gives by default\nulimit -S -l 8192 2>/dev/null\nd=$$(dirname "$$0")\nLD_PRELOAD="$$d/libiommufd-host.so" exec "$$d/user-%s" "$$@"\n' $* $* > $@
	$(Q)chmod +x $@

$(HB)/test-ktap: tests/host/ktap_selftest.py scripts/ktaplib.py
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# scripts/ktaplib.py against good and broken logs\nexec $(PYTHON) "$$(dirname "$$0")/../../tests/host/ktap_selftest.py"\n' > $@
	$(Q)chmod +x $@

$(HB)/test-lib: $(host-lib-test-srcs)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) -fsanitize=undefined -fno-sanitize-recover=all \
		-fno-builtin -fno-tree-loop-distribute-patterns -o $@ $(host-lib-test-srcs)

$(HB)/san/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) $(HOST_INC) -c $< -o $@

$(HB)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (pic)")
	$(Q)$(HOSTCC) $(HCFLAGS) -O2 -fPIC $(HOST_INC) -c $< -o $@

$(HB)/opt/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (opt)")
	$(Q)$(HOSTCC) $(HCFLAGS) -O2 $(HOST_INC) -c $< -o $@

$(HB)/test-core: $(addprefix $(HB)/san/,$(host-core-objs) $(host-runner-objs) \
		$(core-test-objs) $(host-core-test-objs))
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOSTCC) $(SAN) -o $@ $^ -lpthread

# A Linux-style program: libc calls only, served by libiommufd-host.so.
$(HB)/test-abi-preload: $(addprefix $(HB)/san/,$(host-runner-objs) lib/strutil.o \
		tests/host/preload_exec.o tests/host/abi_preload.o) | $(HB)/libiommufd-host.so
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOSTCC) $(SAN) -o $@ $^

# make bench: optimized, no sanitizers; make check runs the sanitized build
# once, small (--quick), to see that it still runs
$(HB)/bench-iommufd: $(addprefix $(HB)/opt/,$(host-core-objs) tests/host/bench_iommufd.o)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOSTCC) -o $@ $^ -lpthread -lm

$(HB)/san/bench-iommufd: $(addprefix $(HB)/san/,$(host-core-objs) tests/host/bench_iommufd.o)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOSTCC) $(SAN) -o $@ $^ -lpthread -lm

$(HB)/test-bench-iommufd: $(HB)/san/bench-iommufd
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# make bench'"'"'s hosted core benchmark, one small round\nexec "$$(dirname "$$0")/san/bench-iommufd" --quick\n' > $@
	$(Q)chmod +x $@

$(HB)/libiommufd-host.so: $(addprefix $(HB)/pic/,$(host-core-objs) ioctl-sim/preload.o)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOSTCC) -shared -o $@ $^ -ldl -lpthread

# lib/strutil.c holds the non-libc string helpers (glob_match, strlcpy, mem_is_zero)
$(HB)/lib-string-extras.o: lib/strutil.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) -c $< -o $@

$(HB)/test-acpi: $(host-acpi-test-srcs) $(HB)/lib-string-extras.o $(HOST_TOOLS)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) -o $@ $(host-acpi-test-srcs) $(HB)/lib-string-extras.o

$(HB)/test-caps: $(host-caps-test-srcs) $(HB)/lib-string-extras.o
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) -o $@ $(host-caps-test-srcs) $(HB)/lib-string-extras.o

$(HB)/test-tools: $(host-tools-test-srcs) $(HB)/lib-string-extras.o
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) -o $@ $(host-tools-test-srcs) $(HB)/lib-string-extras.o

$(HB)/iommu-acpi: $(iommu-acpi-srcs)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) -o $@ $(iommu-acpi-srcs)

$(HB)/iommu-caps: $(iommu-caps-srcs)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) -o $@ $(iommu-caps-srcs)

# libFuzzer targets (not in `all`; make check replays their corpora hosted).
# scripts/fuzz checks for clang's libFuzzer first and says what to install.
FUZZ_CC ?= clang
FUZZTIME ?= 30
FUZZ_CFLAGS := -std=gnu11 -g -O1 -I. $(HOST_INC) -DCONFIG_KERNEL=0 -DCONFIG_DEBUG=1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := $(BUILD)/fuzz/acpi-fuzz $(BUILD)/fuzz/ioctl-fuzz
FUZZ_TARGETS += $(BUILD)/fuzz/acpi-tool-fuzz $(BUILD)/fuzz/caps-tool-fuzz

$(BUILD)/fuzz/acpi-fuzz: tests/fuzz/acpi_fuzz.c $(host-acpi-srcs)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

# the tools' whole input path (tests/fuzz/*_tool_fuzz.c); one target per tool
$(BUILD)/fuzz/acpi-tool-fuzz $(BUILD)/fuzz/caps-tool-fuzz: $(BUILD)/fuzz/%-tool-fuzz: \
		tests/fuzz/%_tool_fuzz.c $(filter-out tests/fuzz/%_tool_fuzz.c,$(tool-fuzz-srcs))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MD -MP -c $< -o $@

# the /dev/iommu ioctl ABI against the hosted core and mock (tests/fuzz/ioctl_fuzz.c)
$(BUILD)/fuzz/ioctl-fuzz: $(addprefix $(BUILD)/fuzz/obj/,$(host-core-objs) tests/fuzz/ioctl_fuzz.o)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ -lpthread

fuzz-targets: $(FUZZ_TARGETS)

# make fuzz builds the targets; make fuzz-run runs each for FUZZTIME seconds
fuzz:
	$(PYTHON) scripts/fuzz --build

fuzz-run:
	FUZZTIME=$(FUZZTIME) $(PYTHON) scripts/fuzz

$(HB)/test-amdvi: $(host-amdvi-test-srcs) $(HB)/lib-string-extras.o
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) -o $@ $(host-amdvi-test-srcs) $(HB)/lib-string-extras.o

$(HB)/test-vtd: $(host-vtd-test-srcs) $(HB)/lib-string-extras.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) $(SAN) -o $@ $(host-vtd-test-srcs) $(HB)/lib-string-extras.o

$(KB)/tests/kernel/vtd_fixtures.o: tests/fixtures/acpi/real/hp-compaq-dc7800-sff.dmar.bin

check:
	$(PYTHON) scripts/check

# SOAK_LOOPS=N SOAK_SEED=S: see scripts/soak
soak:
	$(PYTHON) scripts/soak

run:
	@[ "$(SKIP_DEPS)" = 1 ] || scripts/deps
	$(MAKE) kernel iso
	$(PYTHON) scripts/qemu vtd --iso $(BUILD)/iommu-testos.iso -v

# Boot a config by name with the ELF: make qemu CONFIG=vtd APPEND="suite=platform"
CONFIG ?= vtd
qemu: kernel
	$(PYTHON) scripts/qemu $(CONFIG) --append "$(APPEND)" -v

qemu-gdb: kernel
	$(PYTHON) scripts/qemu $(CONFIG) --append "$(APPEND)" -v --gdb

# everything side by side (scripts/bench); BENCH_LINUX=1 adds Linux's own figures
bench:
	$(PYTHON) scripts/bench

deps:
	scripts/deps

clean:
	rm -rf $(BUILD)

# (not in build/linux-vfio: make bench's Debian files, where conf-hooks.d is a folder)
-include $(shell find $(BUILD) -path $(BUILD)/linux-vfio -prune -o -name '*.d' -type f -print 2>/dev/null)
