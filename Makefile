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
arch-objs += arch/x86/uvm.o
arch-objs += arch/x86/proc.o
arch-objs += arch/x86/uaccess.o

lib-objs += lib/setjmp.o
lib-objs += lib/string.o
lib-objs += lib/printf.o
lib-objs += lib/bitmap.o

iommu-objs += iommu/iommu.o

# the syscall stub (kernel only)
sim-kobjs += ioctl-sim/syscall.o

# suites built into the kernel (lib_* also build hosted)
ktest-objs += tests/ktest.o
ktest-objs += tests/kernel/env.o
ktest-objs += tests/kernel/platform.o
ktest-objs += tests/kernel/runner_selftest.o
ktest-objs += tests/kernel/lib_string.o
ktest-objs += tests/kernel/lib_printf.o
ktest-objs += tests/kernel/lib_bitmap.o
ktest-objs += tests/kernel/lib_list.o
ktest-objs += tests/kernel/user.o
ktest-objs += tests/kernel/user_run.o

# --- ring-3 programs (tests/user/) --------------------------------------------
# Each program in user-progs is linked into the kernel and runs as the test
# test_user_<name>; user-helpers are linked in for kernel tests to run.
# make also builds every program as a Linux executable: build/host/user-<name>.
user-progs += syscalls

user-helpers += exit_status
user-helpers += fault_null
user-helpers += fault_kernel
user-helpers += fault_priv
user-helpers += spin

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
USER_HOST_PROGS := $(patsubst %,$(HB)/user-%,$(user-progs))

kernel-objs := $(addprefix $(KB)/,$(boot-objs) $(arch-objs) $(lib-objs) $(iommu-objs) \
	$(sim-kobjs) $(ktest-objs)) $(user-prog-kobjs)

# --- hosted unit tests --------------------------------------------------------
# test-lib links our lib/ (string functions replace libc's in that program),
# so it runs under UBSan only; everything else also gets ASan.
host-lib-test-srcs += lib/string.c
host-lib-test-srcs += lib/printf.c
host-lib-test-srcs += lib/bitmap.c
host-lib-test-srcs += tests/ktest.c
host-lib-test-srcs += tests/host/env.c
host-lib-test-srcs += tests/host/main.c
host-lib-test-srcs += tests/kernel/lib_string.c
host-lib-test-srcs += tests/kernel/lib_printf.c
host-lib-test-srcs += tests/kernel/lib_bitmap.c
host-lib-test-srcs += tests/kernel/lib_list.c

HOST_TESTS := $(HB)/test-lib

.PHONY: all kernel iso host check run bench clean deps qemu qemu-gdb
all: kernel iso host

kernel: $(BUILD)/iommu-testos.elf $(BUILD)/iommu-testos-pvh.elf
iso: $(BUILD)/iommu-testos.iso
host: $(HOST_TESTS) $(USER_HOST_PROGS)

$(KB)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(KB)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/iommu-testos.elf: $(kernel-objs) linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(KLDFLAGS) -o $@ $(kernel-objs)
	$(Q)$(PYTHON) scripts/check-image $@

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

$(HB)/test-lib: $(host-lib-test-srcs)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HCFLAGS) -fsanitize=undefined -fno-sanitize-recover=all \
		-fno-builtin -fno-tree-loop-distribute-patterns -o $@ $(host-lib-test-srcs)

check:
	$(PYTHON) scripts/check

run:
	scripts/deps
	$(MAKE) kernel iso
	$(PYTHON) scripts/qemu vtd --iso $(BUILD)/iommu-testos.iso -v

# Boot a config by name with the ELF: make qemu CONFIG=vtd APPEND="suite=platform"
CONFIG ?= vtd
qemu: kernel
	$(PYTHON) scripts/qemu $(CONFIG) --append "$(APPEND)" -v

qemu-gdb: kernel
	$(PYTHON) scripts/qemu $(CONFIG) --append "$(APPEND)" -v --gdb

deps:
	scripts/deps

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
