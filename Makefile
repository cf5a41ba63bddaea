# SPDX-License-Identifier: MIT
# iommu-testos: one Makefile for the kernel ELF, the bootable ISO, the hosted
# library and tools, and every test. `make` builds all; `make run` boots the
# ISO under QEMU with an emulated IOMMU; `make check` runs every test.

# Parallel by default, one job per CPU (a fresh clone's `make kernel` takes 30 s, not 40).
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc)
endif

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
	-fno-asynchronous-unwind-tables -Iinclude/uapi -DCONFIG_KERNEL=1
# switches as compare chains: a jump table's indirect jump is a block lookup
# under TCG (docs/DESIGN.md "What TCG charges"), a compare and branch is not
KCFLAGS += -fno-jump-tables
# a section per function, so the link can put the map/unmap path's functions
# together (linker.hot: a jump to another page is a block lookup too)
KCFLAGS += -ffunction-sections
# LTO=1 (the default): the kernel is one unit to gcc's optimiser (docs/DESIGN.md
# "Build": fewer calls, returns and cross-page jumps, each a translation-block
# lookup under QEMU TCG); LTO=0 builds each object on its own
LTO ?= 1
ifeq ($(LTO),1)
KCFLAGS += -flto
# the link runs gcc's optimiser: it needs the compile flags, and -flto=N jobs
KLTOFLAGS := $(filter-out -MD -MP,$(KCFLAGS)) -flto=2
endif
KASFLAGS := -g -MD -MP -I. -D__ASSEMBLY__
KLDFLAGS := -Wl,--no-warn-rwx-segments -Wl,--build-id=none -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	-T linker.ld -L $(BUILD)/kernel

HCFLAGS := $(COMMON_CFLAGS) -O1 -DCONFIG_KERNEL=0 -Iinclude/uapi
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all

# --- components: each file is named once, here; the programs below are
# made of these lists, built in as many flavours as they need
# the entry (kernel only), and the loader handoff and command line (both builds)
boot-asm += boot/boot.o
boot += boot/bootinfo.o
boot += boot/cmdline.o

arch-x86 += arch/x86/entry.o
arch-x86 += arch/x86/console.o
arch-x86 += arch/x86/consetup.o
arch-x86 += arch/x86/conscfg.o
arch-x86 += arch/x86/uart.o
arch-x86 += arch/x86/screen.o
arch-x86 += arch/x86/font8x8.o
arch-x86 += arch/x86/smbios.o
arch-x86 += arch/x86/smbios_live.o
arch-x86 += arch/x86/cpu.o
arch-x86 += arch/x86/trap.o
arch-x86 += arch/x86/pmm.o
arch-x86 += arch/x86/kpt.o
arch-x86 += arch/x86/tcg.o
arch-x86 += arch/x86/kmalloc.o
arch-x86 += arch/x86/acpi.o
arch-x86 += arch/x86/pci.o
arch-x86 += arch/x86/lapic.o
arch-x86 += arch/x86/ioapic.o
arch-x86 += arch/x86/tsc.o
arch-x86 += arch/x86/fwcfg.o
arch-x86 += arch/x86/watchdog.o
arch-x86 += arch/x86/prof.o
arch-x86 += arch/x86/platform.o
arch-x86 += arch/x86/uvm.o
arch-x86 += arch/x86/proc.o
arch-x86 += arch/x86/sched.o
arch-x86 += arch/x86/signal.o
arch-x86 += arch/x86/uaccess.o
arch-x86 += arch/x86/smp.o
arch-x86 += arch/x86/trampoline.o

# the parts of arch/x86 that only parse and draw into memory (test-lib runs them hosted)
arch-pure := arch/x86/conscfg.o arch/x86/screen.o arch/x86/font8x8.o arch/x86/smbios.o

# the hosted twin of arch/x86 (an archive: a program takes what it calls)
arch-host += arch/host/kmalloc.o
arch-host += arch/host/platform.o
arch-host += arch/host/umem.o
arch-host += arch/host/fileview.o
arch-host += arch/host/pmm.o
arch-host += arch/host/kpt.o
arch-host += arch/host/console.o
arch-host += arch/host/tsc.o
arch-host += arch/host/trap.o
arch-host += arch/host/pci.o
arch-host += arch/host/boot.o

# lib-libc: what a C library provides too (hosted programs use libc's)
lib-asm += lib/setjmp.o
lib-libc += lib/string.o
lib-libc += lib/printf.o
lib += lib/strutil.o
lib += lib/bitmap.o
lib += lib/itree.o
lib += lib/idtable.o
lib += lib/failpoint.o
lib += lib/refcount.o
lib += lib/lockdep.o
lib += lib/json.o

# the iommufd core
core += core/main.o
core += core/ioas.o
core += core/io_pagetable.o
core += core/iopt_domains.o
core += core/iopt_dirty.o
core += core/pages.o
core += core/account.o
core += core/device.o
core += core/hw_pagetable.o
core += core/fault.o
core += core/access.o
core += core/vfio_compat.o
core += core/selftest.o

# the driver interface, the self-test mock, the fault API
iommu += iommu/iommu.o
iommu += iommu/irq_remap.o
mock += iommu/mock/mock.o
iommu-hw += iommu/fault.o
# the kernel's binding of drivers to the machine (ACPI, PCI)
iommu-kernel += iommu/acpi_live.o
iommu-kernel += iommu/iommu_init.o
iommu-kernel += iommu/bringup.o
iommu-kernel += iommu/irq_line.o

# ACPI DMAR/IVRS parsers and capability-register decoders (kernel, tools, tests)
acpi += iommu/acpitab.o
acpi += iommu/dmar.o
acpi += iommu/dmar_match.o
acpi += iommu/dmar_rules.o
acpi += iommu/ivrs.o
acpi += iommu/ivrs_match.o
acpi += iommu/ivrs_rules.o
acpi += iommu/regfield.o
acpi += iommu/vtd/vtd_caps.o
acpi += iommu/amdvi/amdvi_caps.o
# the same, as JSON (iommu-acpi/iommu-caps --json, the bring-up line); needs lib/json.o
acpi-json += iommu/regfield_json.o
acpi-json += iommu/acpi_json.o

vtd += iommu/vtd/vtd_init.o
vtd += iommu/vtd/vtd_ctx.o
vtd += iommu/vtd/vtd_pasid.o
vtd += iommu/vtd/vtd_domain.o
vtd += iommu/vtd/vtd_pgtable.o
vtd += iommu/vtd/vtd_inval.o
vtd += iommu/vtd/vtd_qi.o
vtd += iommu/vtd/vtd_fault.o
vtd += iommu/vtd/vtd_irq.o
vtd-kernel += iommu/vtd/vtd_mem.o

amdvi += iommu/amdvi/amdvi_pgtable.o
amdvi += iommu/amdvi/amdvi_cmd.o
amdvi += iommu/amdvi/amdvi_event.o
amdvi += iommu/amdvi/amdvi_devtab.o
amdvi += iommu/amdvi/amdvi_init.o
amdvi += iommu/amdvi/amdvi_domain.o
amdvi += iommu/amdvi/amdvi_irq.o

# the syscall stub: fd table and /dev/iommu (both builds), ring 3's system
# calls and VFIO device files (kernel), the LD_PRELOAD front (hosted)
sim += ioctl-sim/fdtable.o
sim += ioctl-sim/ioctl.o
sim-kernel += ioctl-sim/syscall.o
sim-kernel += ioctl-sim/sys_proc.o
sim-kernel += ioctl-sim/pipe.o
sim-kernel += ioctl-sim/fault_inject.o
sim-kernel += ioctl-sim/vfio_dev.o
sim-kernel += ioctl-sim/eventfd.o
sim-preload += ioctl-sim/preload.o
sim-preload += ioctl-sim/fault_inject.o

# the devices the tests make DMA
testdev += testdev/edu.o
testdev += testdev/nvme.o
testdev += testdev/ahci.o

init += init/main.o
init += init/bringup.o

# the test runner and its two environments
runner += tests/ktest.o
runner-kernel += tests/kernel/env.o
runner-host += tests/host/env.o
runner-host += tests/host/main.o
runner-host += tests/host/hostutil.o

# suites that build both ways
suites-lib += tests/kernel/lib_string.o
suites-lib += tests/kernel/lib_printf.o
suites-lib += tests/kernel/lib_bitmap.o
suites-lib += tests/kernel/lib_list.o
suites-lib += tests/kernel/lib_itree.o
suites-lib += tests/kernel/lib_idtable.o
suites-lib += tests/kernel/lib_lockdep.o
suites-lib += tests/kernel/platform_bootinfo.o
suites-lib += tests/kernel/runner_checks.o
suites-lib += tests/kernel/platform_console.o
suites-lib += tests/kernel/platform_screen.o
suites-lib += tests/kernel/platform_smbios.o
suites-lib += tests/kernel/lib_json.o
# core, abi and fault-inject suites (kernel and build/host/test-core)
suites-core += tests/kernel/core_util.o
suites-core += tests/kernel/core_objects.o
suites-core += tests/kernel/core_iopt.o
suites-core += tests/kernel/core_domains.o
suites-core += tests/kernel/core_hwpt.o
suites-core += tests/kernel/core_access.o
suites-core += tests/kernel/core_iommu.o
suites-core += tests/kernel/abi_ioctl.o
suites-core += tests/kernel/fault_inject.o
# AMD-Vi table encoders (kernel and build/host/test-amdvi)
suites-amdvi += tests/kernel/amdvi_pgtable.o
suites-amdvi += tests/kernel/amdvi_encode.o

# kernel-only suites
suites-kernel += tests/kernel/platform.o
suites-kernel += tests/kernel/platform_lapic.o
suites-kernel += tests/kernel/prof.o
suites-kernel += tests/kernel/runner_selftest.o
suites-kernel += tests/kernel/acpi_live.o
suites-kernel += tests/kernel/bringup_live.o
suites-kernel += tests/kernel/user.o
suites-kernel += tests/kernel/user_run.o
suites-kernel += tests/kernel/iommu_env.o
suites-kernel += tests/kernel/dma_util.o
suites-kernel += tests/kernel/dma_edu.o
suites-kernel += tests/kernel/dma_storage.o
suites-kernel += tests/kernel/dma_core.o
suites-kernel += tests/kernel/irq_util.o
suites-kernel += tests/kernel/irq.o
suites-kernel += tests/kernel/irq_hw.o
suites-kernel += tests/kernel/fwstage.o
suites-kernel += tests/kernel/vtd_util.o
suites-kernel += tests/kernel/vtd.o
suites-kernel += tests/kernel/vtd_qi.o
suites-kernel += tests/kernel/vtd_fault.o
suites-kernel += tests/kernel/vtd_rmrr.o
suites-kernel += tests/kernel/vtd_fixtures.o
suites-kernel += tests/kernel/amdvi.o
suites-kernel += tests/kernel/amdvi_hw.o
suites-kernel += tests/kernel/core_env.o
suites-kernel += tests/kernel/fault_inject_env.o
suites-kernel += tests/kernel/soak_model.o
suites-kernel += tests/kernel/soak_ops.o
suites-kernel += tests/kernel/soak_dma.o
suites-kernel += tests/kernel/soak_engine.o
suites-kernel += tests/kernel/soak.o
suites-kernel += tests/kernel/smp.o
suites-kernel += tests/kernel/smp_stress.o

# hosted-only suites, one list per test program; corpus replay of fuzz targets
fuzz-replay += tests/fuzz/replay.o
# the fuzz targets' bodies: fuzzed by make fuzz-run, replayed in the tests
fuzz-ioctl += tests/fuzz/ioctl_fuzz.o
fuzz-acpi += tests/fuzz/acpi_fuzz.o
# what a hosted driver test puts in front of the driver (its firmware tables)
suites-driver-host += tests/host/live_tables.o
suites-core-host += tests/host/core_env.o
suites-core-host += tests/host/core_threads.o
suites-core-host += tests/host/core_umem.o
suites-core-host += $(fuzz-ioctl)
suites-core-host += tests/fuzz/ioctl_replay.o

suites-acpi-host += tests/host/acpi_manifest.o
suites-acpi-host += tests/host/acpi_damage.o
suites-acpi-host += tests/host/acpi_dmar.o
suites-acpi-host += tests/host/acpi_ivrs.o
suites-acpi-host += tests/host/acpi_rules.o
suites-acpi-host += tests/host/acpi_tools.o
suites-acpi-host += $(fuzz-acpi)
suites-acpi-host += tests/fuzz/acpi_replay.o

suites-caps-host += tests/host/caps_fixtures.o

# the tools' whole input path in-process: their fuzz targets' corpora replayed
suites-tools-host += tests/fuzz/tool_replay.o

suites-amdvi-host += tests/host/amdvi_model.o
suites-amdvi-host += tests/host/amdvi_rig.o
suites-amdvi-host += tests/host/amdvi_ring.o
suites-amdvi-host += tests/host/amdvi_events.o
suites-amdvi-host += tests/host/amdvi_ivmd.o
suites-amdvi-host += tests/host/amdvi_units.o
suites-amdvi-host += tests/host/amdvi_irq.o

suites-vtd-host += tests/host/vtd_model.o
suites-vtd-host += tests/host/vtd_pgtable.o
suites-vtd-host += tests/host/vtd_hw.o
suites-vtd-host += tests/host/vtd_walk.o
suites-vtd-host += tests/host/vtd_rig.o
suites-vtd-host += tests/host/vtd_units.o
suites-vtd-host += tests/host/vtd_irq.o
suites-vtd-host += tests/host/vtd_sm.o
suites-vtd-host += tests/host/vtd_stage1.o
suites-vtd-host += tests/host/vtd_abi.o
suites-vtd-host += tests/host/vtd_mixed.o
suites-vtd-host += tests/kernel/core_util.o
suites-vtd-host += tests/host/core_env.o

suites-preload-host += tests/host/preload_exec.o
suites-preload-host += tests/host/abi_preload.o
suites-preload-host += tests/host/abi_preload_ioas.o
suites-preload-host += tests/host/abi_preload_domain.o
suites-preload-host += tests/host/abi_preload_vfio.o
suites-preload-host += tests/host/abi_preload_file.o
suites-preload-host += tests/host/fault_inject_preload.o

# benchmarks (make bench): kernel suites, the hosted core, a ring-3 program
bench-kernel += bench/kernel/bench_costs.o
bench-kernel += bench/kernel/bench_vtd.o
bench-kernel += bench/kernel/bench_amdvi.o
bench-kernel += bench/kernel/bench_user.o
bench-kernel += bench/kernel/bench_smp.o
bench-host += bench/host/bench_iommufd.o

# the host tools for people; sanitize.c only in their own sanitized builds
tool-common += tools/jsonout.o
tool-common += $(acpi-json)
tool-acpi += tools/iommu-acpi.o
tool-acpi += tools/acpi_report.o
tool-caps += tools/iommu-caps.o
tool-san += tools/sanitize.o
# each tool's fuzz target (tests/fuzz/*_tool_fuzz.c) runs it in-process
tool-fuzz-run += tests/fuzz/toolrun.o
tool-fuzz-acpi += tests/fuzz/acpi_tool_fuzz.o
tool-fuzz-caps += tests/fuzz/caps_tool_fuzz.o

# --- ring-3 programs (tests/user/, bench/user/) ------------------------------
# Each program in user-progs is linked into the kernel and runs as the test
# test_user_<name>; user-helpers are linked in for kernel tests to run.
# make also builds every program as a Linux executable: build/host/user-<name>.
user-progs += syscalls
user-progs += proc
# ...whose test is in the proc suite, which runs only where it is named (suite=proc)
user-progs-proc += proc
user-progs += iommufd_abi
user-progs += iommufd_map
user-progs += pin_limit
user-progs += vfio_cdev
user-progs += edu_dma
user-progs += iommufd_fuzz

# device-free programs that make check also runs hosted, against
# libiommufd-host.so (LD_PRELOAD): build/host/test-user-<name>
user-hosted += syscalls
user-hosted += proc
user-hosted += iommufd_abi
user-hosted += iommufd_map
user-hosted += pin_limit

# make bench's ring-3 program (bench/user/bench_map.c): linked in for the
# bench suite, and built small (-DQUICK) as a user test make check runs
user-progs += bench_map_quick
user-helpers += bench_map

user-helpers += exit_status
user-helpers += fault_null
user-helpers += fault_kernel
user-helpers += fault_priv
user-helpers += spin
user-helpers += exit_live
user-helpers += crash_syscall
user-helpers += fork_life
user-helpers += fork_sweep
user-helpers += fork_many
user-helpers += orphans
user-helpers += bad_sigreturn
user-helpers += wait_spin

# ring 3's small libc, over lib/'s string and print functions
user-lib += tests/user/lib/crt0.o
user-lib += tests/user/lib/syscall.o
user-lib += tests/user/lib/stdio.o
user-lib += tests/user/lib/stdlib.o
user-lib += tests/user/lib/process.o
user-lib += tests/user/lib/harness.o
user-lib += $(lib-asm) $(lib-libc)
# where ring-3 program sources live
user-dirs := tests/user tests/user/helpers bench/user

# --- the programs, as lists of components ------------------------------------
kernel-objs := $(addprefix $(KB)/,$(boot-asm) $(boot) $(arch-x86) $(lib-asm) $(lib-libc) $(lib) \
	$(core) $(iommu) $(mock) $(iommu-hw) $(iommu-kernel) $(acpi) $(acpi-json) $(vtd) $(vtd-kernel) \
	$(amdvi) $(sim) $(sim-kernel) $(testdev) $(init) $(runner) $(runner-kernel) \
	$(suites-lib) $(suites-core) $(suites-amdvi) $(suites-kernel) $(bench-kernel))
kernel-objs += $(patsubst %,$(KB)/tests/user/%.prog.o,$(user-progs) $(user-helpers))

# the core behind /dev/iommu, hosted (test-core, the LD_PRELOAD library, bench, fuzz)
host-core := $(lib) $(iommu) $(mock) $(core) $(sim)
# a whole driver against software units (test-vtd, test-amdvi)
host-driver := $(boot) $(lib) $(iommu) $(mock) $(iommu-hw) $(acpi) $(suites-driver-host)

# --- hosted programs: the same objects in flavours ---------------------------
# san: ASan+UBSan (tests, tools); ubsan: UBSan only, for test-lib, which
# links our own string functions in place of libc's; pic: the LD_PRELOAD
# library; opt: make bench; fuzz: clang's libFuzzer targets (make fuzz)
FUZZ_CC ?= clang
CC.fuzz := $(FUZZ_CC)
BASE.fuzz := -std=gnu11 -g -O1 -I. -Iinclude/uapi -DCONFIG_KERNEL=0 -DCONFIG_DEBUG=1 -MD -MP
CFLAGS.fuzz := -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all
LDFLAGS.fuzz := -fsanitize=fuzzer,address,undefined
CFLAGS.san := $(SAN)
CFLAGS.ubsan := -fsanitize=undefined -fno-sanitize-recover=all -fno-builtin \
	-fno-tree-loop-distribute-patterns
CFLAGS.pic := -O2 -fPIC
CFLAGS.opt := -O2 -DCONFIG_LOCKDEP=0 -DCONFIG_TEST_HOOKS=0
LDFLAGS.san := $(SAN)
LDFLAGS.ubsan := -fsanitize=undefined
LDFLAGS.pic := -shared
LDFLAGS.opt :=
HOST_FLAVOURS := san ubsan pic opt fuzz
cc-of = $(or $(CC.$(1)),$(HOSTCC))
base-of = $(or $(BASE.$(1)),$(HCFLAGS))

define host-flavour
$(HB)/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  HOSTCC  $$< ($(1))")
	$$(Q)$$(call cc-of,$(1)) $$(call base-of,$(1)) $$(CFLAGS.$(1)) -c $$< -o $$@

$(HB)/$(1)/libarch-host.a: $$(addprefix $(HB)/$(1)/,$$(arch-host))
	@$$(if $$(Q),echo "  AR      $$@")
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach f,$(HOST_FLAVOURS),$(eval $(call host-flavour,$(f))))

# $(call host-program,OUTPUT,FLAVOUR,COMPONENTS,LIBRARIES): the program links
# the flavour's objects of every component, then the hosted platform
define host-program
$(1): $$(addprefix $(HB)/$(2)/,$(3)) $(HB)/$(2)/libarch-host.a
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  HOSTLD  $$@")
	$$(Q)$$(call cc-of,$(2)) $$(LDFLAGS.$(2)) -o $$@ $$(filter %.o,$$^) $(HB)/$(2)/libarch-host.a $(4)
$(if $(filter fuzz,$(2)),,HOST_PROGRAMS += $(1))
endef

$(eval $(call host-program,$(HB)/test-lib,ubsan,$(lib-libc) $(lib) $(boot) \
	$(arch-pure) $(runner) $(runner-host) $(suites-lib)))
$(eval $(call host-program,$(HB)/test-core,san,$(host-core) $(runner) $(runner-host) \
	$(suites-core) $(suites-core-host) $(fuzz-replay),-lpthread))
$(eval $(call host-program,$(HB)/test-acpi,san,$(acpi) $(lib) \
	$(runner) $(runner-host) $(suites-acpi-host) $(fuzz-replay)))
$(eval $(call host-program,$(HB)/test-caps,san,$(acpi) $(lib) \
	$(runner) $(runner-host) $(suites-caps-host)))
$(eval $(call host-program,$(HB)/test-amdvi,san,$(host-driver) $(amdvi) $(runner) \
	$(runner-host) $(suites-amdvi) $(suites-amdvi-host)))
$(eval $(call host-program,$(HB)/test-vtd,san,$(host-driver) $(vtd) $(core) $(sim) $(runner) \
	$(runner-host) $(suites-vtd-host),-lpthread))
# a Linux-style program: libc calls only, served by libiommufd-host.so
$(eval $(call host-program,$(HB)/test-abi-preload,san,$(lib) \
	$(runner) $(runner-host) $(suites-preload-host)))
$(eval $(call host-program,$(HB)/test-tools,san,$(acpi) $(lib) $(tool-common) $(tool-acpi) \
	$(tool-caps) $(tool-fuzz-run) $(tool-fuzz-acpi) $(tool-fuzz-caps) $(runner) $(runner-host) \
	$(suites-tools-host) $(fuzz-replay)))
$(eval $(call host-program,$(HB)/iommu-acpi,san,$(acpi) $(lib) $(tool-common) $(tool-acpi) $(tool-san)))
$(eval $(call host-program,$(HB)/iommu-caps,san,$(acpi) $(lib) $(tool-common) $(tool-caps) $(tool-san)))
$(eval $(call host-program,$(HB)/libiommufd-host.so,pic,$(host-core) $(sim-preload),-ldl -lpthread))
# make bench: optimized; make check runs the sanitized build once, small
$(eval $(call host-program,$(HB)/bench-iommufd,opt,$(host-core) $(bench-host),-lpthread -lm))
$(eval $(call host-program,$(HB)/san/bench-iommufd,san,$(host-core) $(bench-host),-lpthread -lm))

$(HB)/test-acpi: $(HB)/iommu-acpi $(HB)/iommu-caps
$(HB)/test-abi-preload: | $(HB)/libiommufd-host.so
$(KB)/tests/kernel/vtd_fixtures.o: tests/fixtures/acpi/real/hp-compaq-dc7800-sff.dmar.bin

# --- ring-3 programs ---------------------------------------------------------
UB      := $(BUILD)/user
GCC_INC := $(shell $(CC) -print-file-name=include)
UCFLAGS := $(COMMON_CFLAGS) -O2 -ffreestanding -nostdinc -isystem tests/user/lib/include \
	-isystem $(GCC_INC) -Itests/user/lib -Iinclude/uapi -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
ULDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
	-Wl,-T,tests/user/lib/user.ld
# hosted (glibc) builds of the same sources
UHCFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
	-Wno-missing-field-initializers -Itests/user/lib -Iinclude/uapi

USER_HOST_PROGS := $(patsubst %,$(HB)/user-%,$(user-progs) bench_map) \
	$(patsubst %,$(HB)/test-user-%,$(user-hosted))

HOST_TESTS := $(filter $(HB)/test-%,$(HOST_PROGRAMS)) $(HB)/test-bench-iommufd $(HB)/test-ktap \
	$(HB)/test-layers $(HB)/test-lava $(HB)/test-failpoints $(HB)/test-mmio \
	$(HB)/test-hot-ld $(HB)/test-hot-order
HOST_TOOLS := $(HB)/iommu-acpi $(HB)/iommu-caps
HOST_LIBS := $(HB)/libiommufd-host.so

# ACPI tables the QEMU configurations inject with -acpitable (SPCRs naming a
# console), compiled from their source by iasl (acpica-tools)
ACPI_TABLES := $(patsubst tests/fixtures/acpi/spcr/%.asl,$(BUILD)/acpi/%.aml,\
	$(wildcard tests/fixtures/acpi/spcr/*.asl))

.PHONY: all kernel iso netboot host acpi-tables check run bench profile clean deps qemu qemu-gdb fuzz fuzz-run fuzz-targets soak lava
all: kernel iso netboot host acpi-tables
acpi-tables: $(ACPI_TABLES)

$(BUILD)/acpi/%.aml: tests/fixtures/acpi/spcr/%.asl
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  IASL    $<")
	$(Q)iasl -p $(BUILD)/acpi/$* $< >$(BUILD)/acpi/$*.log 2>&1 || { cat $(BUILD)/acpi/$*.log; exit 1; }

kernel: $(BUILD)/iommu-testos.elf $(BUILD)/iommu-testos-pvh.elf
iso: $(BUILD)/iommu-testos.iso
netboot: $(BUILD)/netboot/boot/grub/grub.cfg
host: $(HOST_TESTS) $(HOST_TOOLS) $(HOST_LIBS) $(USER_HOST_PROGS) $(HB)/bench-iommufd

# a change of the compile flags (LTO=0, a new -f option) rebuilds every kernel
# object: the file changes only then
$(KB)/cflags.flag: FORCE
	@mkdir -p $(dir $@)
	@echo '$(KCFLAGS)' | cmp -s - $@ || echo '$(KCFLAGS)' > $@

# The version string (iommu_testos_version, init/bringup.h): its own object in
# the final links, so a new commit relinks those two and recompiles nothing
# (the file changes only then)
version-asm := '\t.section .rodata\n\t.globl iommu_testos_version\niommu_testos_version:\n\t.asciz "$(VERSION)"\n\t.section .note.GNU-stack,"",@progbits\n'
$(KB)/version.S: FORCE
	@mkdir -p $(dir $@)
	@printf $(version-asm) | cmp -s - $@ || printf $(version-asm) > $@

$(KB)/version.o: $(KB)/version.S
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

.PHONY: FORCE
FORCE:

$(KB)/%.o: %.c $(KB)/cflags.flag
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(KB)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Two links: the first gives the symbol addresses, the second embeds them
# (in .rodata, after .text, so no function moves); check-image verifies both.
# LTO's code generation, the slow part, runs once: into one relocatable object
# (-flinker-output=nolto-rel) that both kallsyms links below take as it is.
$(KB)/kernel-all.o: $(kernel-objs)
	@$(if $(Q),echo "  LTO     $@")
	$(Q)$(CC) $(KLTOFLAGS) -nostdlib -r -z noexecstack $(if $(KLTOFLAGS),-flinker-output=nolto-rel) \
		-o $@ $(kernel-objs)

# linker.hot's functions first in .text, in its order (linker.ld includes hot.ld)
$(KB)/hot.ld: linker.hot scripts/hot-ld.awk
	@mkdir -p $(dir $@)
	$(Q)awk -f scripts/hot-ld.awk $< > $@.tmp && mv $@.tmp $@ || { rm -f $@.tmp; exit 1; }

$(BUILD)/iommu-testos.elf: $(KB)/kernel-all.o $(KB)/version.o linker.ld $(KB)/hot.ld scripts/kallsyms
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(PYTHON) scripts/kallsyms --empty > $(KB)/kallsyms0.S
	$(Q)$(CC) $(KASFLAGS) -c $(KB)/kallsyms0.S -o $(KB)/kallsyms0.o
	$(Q)$(CC) $(KLDFLAGS) -o $@.tmp $(KB)/kernel-all.o $(KB)/version.o $(KB)/kallsyms0.o
	$(Q)$(PYTHON) scripts/kallsyms $@.tmp > $(KB)/kallsyms.S
	$(Q)$(CC) $(KASFLAGS) -c $(KB)/kallsyms.S -o $(KB)/kallsyms.o
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(KB)/kernel-all.o $(KB)/version.o $(KB)/kallsyms.o
	$(Q)$(PYTHON) scripts/check-image $@ $@.tmp linker.hot

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

# The TFTP tree for PXE/iPXE (BIOS: boot/grub/i386-pc/core.0) and UEFI network
# boot (boot/grub/x86_64-efi/core.efi): the ISO's grub.cfg and kernel at the
# same paths (debug info stripped: it only slows TFTP). check-menu compares
# the menus of both media.
$(BUILD)/netboot/boot/grub/grub.cfg: $(BUILD)/iommu-testos.elf boot/grub.cfg scripts/check-menu $(BUILD)/iommu-testos.iso
	@$(if $(Q),echo "  NETBOOT $(BUILD)/netboot")
	@rm -rf $(BUILD)/netboot && mkdir -p $(BUILD)/netboot/boot
	$(Q)grub-mknetdir --net-directory=$(BUILD)/netboot --subdir=boot/grub \
		-d /usr/lib/grub/i386-pc >$(BUILD)/grub-mknetdir.log 2>&1 && \
		grub-mknetdir --net-directory=$(BUILD)/netboot --subdir=boot/grub \
		-d /usr/lib/grub/x86_64-efi >>$(BUILD)/grub-mknetdir.log 2>&1 || \
		{ cat $(BUILD)/grub-mknetdir.log; exit 1; }
	$(Q)objcopy --strip-debug $(BUILD)/iommu-testos.elf $(BUILD)/netboot/boot/iommu-testos.elf
	$(Q)cp boot/grub.cfg $@
	$(Q)$(PYTHON) scripts/check-menu boot/grub.cfg $(BUILD)/iommu-testos.iso $(BUILD)/netboot

$(UB)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UCC     $<")
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(UB)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  UAS     $<")
	$(Q)$(CC) $(KASFLAGS) -DSETJMP=setjmp -DLONGJMP=longjmp -c $< -o $@

# kept, not deleted as intermediates: a -MD .d file names the object, so a
# deleted one is remade at the next make, and with it the kernel's LTO link
.PRECIOUS: $(UB)/%.o $(UB)/%.elf $(foreach d,$(user-dirs),$(UB)/$(d)/%_quick.o)

$(UB)/libuser.a: $(addprefix $(UB)/,$(user-lib))
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# a program's ELF and its Linux build, from whichever of user-dirs has it;
# NAME_quick is NAME.c built with -DQUICK (a short run for make check)
define user-dir
$(UB)/$(1)/%_quick.o: $(1)/%.c
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  UCC     $$< (quick)")
	$$(Q)$$(CC) $$(UCFLAGS) -DQUICK -c $$< -o $$@

$(UB)/%.elf: $(UB)/$(1)/%.o $(UB)/libuser.a tests/user/lib/user.ld
	@$$(if $$(Q),echo "  ULD     $$@")
	$$(Q)$$(CC) $$(ULDFLAGS) -o $$@ $$< $(UB)/libuser.a

$(HB)/user-%_quick: $(1)/%.c tests/user/lib/harness.c $$(wildcard tests/user/lib/*.h)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  HOSTCC  $$@")
	$$(Q)$$(HOSTCC) $$(UHCFLAGS) -DQUICK -o $$@ $$< tests/user/lib/harness.c

$(HB)/user-%: $(1)/%.c tests/user/lib/harness.c $$(wildcard tests/user/lib/*.h)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  HOSTCC  $$@")
	$$(Q)$$(HOSTCC) $$(UHCFLAGS) -o $$@ $$< tests/user/lib/harness.c
endef
$(foreach d,$(user-dirs),$(eval $(call user-dir,$(d))))

# the program's ELF embedded in the kernel, with its test_user_<name>. Not
# LTO: its top-level asm names the image prog_image in every one of these
# objects, and LTO would assemble several of them into one partition
$(KB)/tests/user/%.prog.o: tests/kernel/user_prog.c $(UB)/%.elf $(KB)/cflags.flag
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EMBED   $*")
	$(Q)$(CC) $(filter-out -flto,$(KCFLAGS)) -DPROG=$* -DPROG_ELF=\"$(UB)/$*.elf\" \
		$(if $(filter $*,$(user-helpers)),-DPROG_HELPER) \
		$(if $(filter $*,$(user-progs-proc)),-DPROG_SUITE=proc) -c $< -o $@

$(HB)/test-user-%: $(HB)/user-% $(HOST_LIBS)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# tests/user/%s.c on Linux, /dev/iommu from libiommufd-host.so,\n# with the 8 MiB memlock limit Linux gives by default\nulimit -S -l 8192 2>/dev/null\nd=$$(dirname "$$0")\nLD_PRELOAD="$$d/libiommufd-host.so" exec "$$d/user-%s" "$$@"\n' $* $* > $@
	$(Q)chmod +x $@

$(HB)/test-ktap: tests/host/ktap_selftest.py scripts/ktaplib.py scripts/ktapreport.py scripts/junit.xsd \
		scripts/bringuplib.py scripts/screenlib.py $(HB)/iommu-acpi
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# scripts/ktaplib.py against good and broken logs\nexec $(PYTHON) "$$(dirname "$$0")/../../tests/host/ktap_selftest.py"\n' > $@
	$(Q)chmod +x $@

$(HB)/test-lava: tests/host/lava_selftest.py scripts/lavalib.py scripts/ktaplib.py
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# lab/jobs/*.yaml through LAVA'"'"'s validation and test monitor\nexec $(PYTHON) "$$(dirname "$$0")/../../tests/host/lava_selftest.py"\n' > $@
	$(Q)chmod +x $@

# the layers of docs/DESIGN.md over the sources and the built objects
$(HB)/test-layers: scripts/check-layers
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# scripts/check-layers: includes and calls follow docs/DESIGN.md\nexec $(PYTHON) "$$(dirname "$$0")/../../scripts/check-layers"\n' > $@
	$(Q)chmod +x $@

# linker.hot to hot.ld: names pass, anything else fails (scripts/check-hot-ld)
$(HB)/test-hot-ld: scripts/check-hot-ld scripts/hot-ld.awk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# scripts/check-hot-ld: linker.hot lines to hot.ld, bad ones refused\nexec $(PYTHON) "$$(dirname "$$0")/../../scripts/check-hot-ld"\n' > $@
	$(Q)chmod +x $@

# scripts/hot-order's counts on a trace whose answer is known (scripts/check-hot-order)
$(HB)/test-hot-order: scripts/check-hot-order scripts/hot-order
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# scripts/check-hot-order: hot-order counts a known trace right\nexec $(PYTHON) "$$(dirname "$$0")/../../scripts/check-hot-order"\n' > $@
	$(Q)chmod +x $@

# MMIO accessors keep the stores before them (scripts/check-mmio)
$(HB)/test-mmio: scripts/check-mmio
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# scripts/check-mmio: MMIO accessors are compiler barriers\nexec $(PYTHON) "$$(dirname "$$0")/../../scripts/check-mmio"\n' > $@
	$(Q)chmod +x $@

# every allocation and hardware wait behind a fail point (lib/failpoint.h)
$(HB)/test-failpoints: scripts/check-failpoints
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# scripts/check-failpoints: every allocation and wait can be made to fail\nexec $(PYTHON) "$$(dirname "$$0")/../../scripts/check-failpoints"\n' > $@
	$(Q)chmod +x $@

$(HB)/test-bench-iommufd: $(HB)/san/bench-iommufd
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '#!/bin/sh\n# make bench'"'"'s hosted core benchmark, one small round\nexec "$$(dirname "$$0")/san/bench-iommufd" --quick\n' > $@
	$(Q)chmod +x $@

# --- libFuzzer targets (the fuzz flavour; not in `all`: make check replays
# their corpora hosted). scripts/fuzz checks for clang's libFuzzer first.
FUZZTIME ?= 30
FB := $(BUILD)/fuzz
$(eval $(call host-program,$(FB)/acpi-fuzz,fuzz,$(acpi) $(fuzz-acpi)))
$(eval $(call host-program,$(FB)/ioctl-fuzz,fuzz,$(host-core) $(fuzz-ioctl),-lpthread))
$(eval $(call host-program,$(FB)/acpi-tool-fuzz,fuzz,$(acpi) $(lib) $(tool-common) $(tool-acpi) \
	$(tool-fuzz-run) $(tool-fuzz-acpi)))
$(eval $(call host-program,$(FB)/caps-tool-fuzz,fuzz,$(acpi) $(lib) $(tool-common) $(tool-caps) \
	$(tool-fuzz-run) $(tool-fuzz-caps)))
FUZZ_TARGETS := $(FB)/acpi-fuzz $(FB)/ioctl-fuzz $(FB)/acpi-tool-fuzz $(FB)/caps-tool-fuzz

fuzz-targets: $(FUZZ_TARGETS)

# make fuzz builds the targets; make fuzz-run runs each for FUZZTIME seconds
fuzz:
	$(PYTHON) scripts/fuzz --build

fuzz-run:
	FUZZTIME=$(FUZZTIME) $(PYTHON) scripts/fuzz

check:
	$(PYTHON) scripts/check

# the QEMU LAVA jobs run by LAVA's own dispatcher, offline (scripts/lava; root)
lava:
	@[ "$(SKIP_DEPS)" = 1 ] || scripts/deps
	$(MAKE) kernel iso netboot
	$(PYTHON) scripts/lava

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

# the ring-3 4K map/unmap loops under the kernel's sampling profiler (scripts/profile)
profile: kernel
	$(PYTHON) scripts/profile

deps:
	scripts/deps

clean:
	rm -rf $(BUILD)

# (not in build/linux-vfio: make bench's Debian files, where conf-hooks.d is a folder)
-include $(shell find $(BUILD) -path $(BUILD)/linux-vfio -prune -o -name '*.d' -type f -print 2>/dev/null)

# --- Linux as the reference (not part of make check; long) -------------------
.PHONY: linux-selftest linux-oracle

# Linux 6.12's own iommufd selftest, unmodified, against libiommufd-host.so and,
# linked statically, in ring 3 of our kernel under QEMU (scripts/linux-selftest)
linux-selftest: host kernel
	@[ "$(SKIP_DEPS)" = 1 ] || scripts/deps linux
	$(PYTHON) scripts/linux-selftest

# Linux 6.12 built once (cached outside git) as the oracle for tests/user (scripts/linux-oracle)
linux-oracle: host kernel
	@[ "$(SKIP_DEPS)" = 1 ] || scripts/deps linux
	$(PYTHON) scripts/linux-oracle
