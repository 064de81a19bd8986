# hvlab - build, run and test. `make help` lists the targets.
#
#   make            build build/hvlab.efi (+ build/hvlab.so, the ELF with symbols for gdb)
#   make run        boot it in the emulator that fits this host (EMU=bochs|qemu-svm|kvm)
#   make test       unit tests + boot tests; ends with "N passed, N failed"
#   make soak       boot the conformance guest SOAK_N=10 times per vendor under SOAK_LOAD=2
#                   CPU-bound processes (~3 min); ends with "N passed, N failed"
#   make fuzz       run every libFuzzer harness of tests/fuzz/ FUZZ_S=30 seconds (~4 min);
#                   one line each with its executions and crashes
#   make bench      exit costs, overhead and boot cost in exact emulator instructions (~1 min)
#   make iso        build/hvlab.iso: GRUB (UEFI) menu that chainloads hvlab.efi
#   make linux      build/linux/: Debian 12's cloud kernel and a busybox initramfs, from
#                   their Debian packages (apt-get download; tools/linux-fetch.sh)
#   make lab        TRACK=vmx|svm LAB=N DEST=DIR: a coursework lab tree (labs/README.md)
#   make bug        TRACK=vmx|svm BUG=N DEST=DIR: a debugging lab with one planted bug
#   make grade      [TRACK=vmx|svm] [LAB=N]: grade the labs, "score: X/Y"
#   make gdb        boot in QEMU with the gdb stub, symbols loaded
#   make doctor     check this host (packages, VT-x/AMD-V, KVM) and which lab tracks run here
#   make format     clang-format the C sources
#   make clean

BUILD := build
# A student tree (make lab) says which lab it is, and relaxes unused-code warnings.
-include labs/tree.mk
# Quiet by default ("CC file"); `make V=1` shows the full commands.
V ?= 0
ifeq ($(V),0)
Q := @
say = @echo "  $(1)	$(2)"
else
Q :=
say =
endif
CC := gcc
LD := ld
OBJCOPY := objcopy

EFI_INC := /usr/include/efi
EFI_LDS := /usr/lib/elf_x86_64_efi.lds
EFI_CRT0 := /usr/lib/crt0-efi-x86_64.o

# Freestanding, position-independent (UEFI relocates the image), no red zone (exceptions
# push on the current stack), no SSE/x87 in the hypervisor (it would clobber guest FPU
# state), frame pointers for backtraces.
HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-ffreestanding -fpic -fshort-wchar -mno-red-zone -fno-stack-protector \
	-maccumulate-outgoing-args -mgeneral-regs-only -fno-omit-frame-pointer \
	-fno-strict-aliasing -I. -I$(BUILD) $(LAB_CFLAGS)
# Only boot/ sees GNU-EFI's headers: that is how the layering is enforced.
BOOT_CFLAGS := -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 -DGNU_EFI_USE_MS_ABI

HV_DIRS := boot hypervisor hypervisor/handlers hypervisor/devices arch/x86_64 arch/x86_64/vmx \
	arch/x86_64/svm
# Directories under arch/x86_64 are added as their backends land.
HV_C := $(sort $(foreach d,$(HV_DIRS),$(shell find $(d) -maxdepth 1 -name '*.c')))
HV_S := $(sort $(foreach d,$(HV_DIRS),$(shell find $(d) -maxdepth 1 -name '*.S')))
HV_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(HV_C) $(HV_S)) $(BUILD)/obj/guest_images.S.o

.SECONDEXPANSION:
.PHONY: all clean run test unit iso gdb help deps format bench soak doctor lab bug grade linux
all: $(BUILD)/hvlab.efi

include guest/guest.mk
all: $(GUEST_DISK_ELFS) # the guests boot tests put on the boot volume
include tests/fuzz/fuzz.mk

$(BUILD)/obj/boot/%.c.o: boot/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(HV_CFLAGS) $(BOOT_CFLAGS) -MMD -c $< -o $@

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(HV_CFLAGS) -MMD -c $< -o $@

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(HV_CFLAGS) -MMD -c $< -o $@

# hvlab.efi carries the guests without their symbols and debug information (the loader
# needs only the program headers); gdb uses the full build/guest/NAME.elf.
GUEST_EMBEDDED := $(GUEST_NAMES:%=$(BUILD)/guest/embed/%.elf)
$(BUILD)/guest/embed/%.elf: $(BUILD)/guest/%.elf
	@mkdir -p $(dir $@)
	$(call say,STRIP,$@)
	$(Q)$(OBJCOPY) --strip-all $< $@

$(BUILD)/guest_images.S: tools/embed-guests.sh $(GUEST_EMBEDDED)
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)tools/embed-guests.sh $@ $(GUEST_EMBEDDED)

$(BUILD)/obj/guest_images.S.o: $(BUILD)/guest_images.S $(GUEST_EMBEDDED)
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

# The ELF keeps its symbols (gdb, addr2line); the PE/COFF copy is what firmware loads.
$(BUILD)/hvlab.so: $(HV_OBJS)
	$(call say,LD,$@)
	$(Q)$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LDS) $(EFI_CRT0) \
		$(HV_OBJS) -L/usr/lib -lgnuefi -o $@

$(BUILD)/hvlab.efi: $(BUILD)/hvlab.so
	$(call say,EFI,$@)
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

iso: $(BUILD)/hvlab.iso
$(BUILD)/hvlab.iso: $(BUILD)/hvlab.efi boot/grub.cfg
	$(Q)tools/mkiso.sh $@ $(BUILD)/hvlab.efi boot/grub.cfg

# The Linux guest: downloads only what changed in apt's index, rebuilds only what changed.
linux: deps
	$(Q)tools/linux-fetch.sh $(BUILD)/linux

# ---- running ---------------------------------------------------------------------------
EMU ?= auto
run: deps $(BUILD)/hvlab.efi
	tools/run.sh --emu $(EMU) --efi $(BUILD)/hvlab.efi --log $(BUILD)/logs/run.log \
		$(if $(OPTIONS),--options "$(OPTIONS)")

gdb: deps $(BUILD)/hvlab.efi
	tools/gdb.sh $(BUILD)/hvlab.efi $(BUILD)/hvlab.so

deps:
	@tools/deps.sh

# Passes the Makefile's own GNU-EFI paths, so that the two cannot differ.
doctor:
	@EFI_INC=$(EFI_INC) EFI_LDS=$(EFI_LDS) EFI_CRT0=$(EFI_CRT0) tools/doctor.sh

# ---- tests -----------------------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
UNIT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I. $(LAB_CFLAGS)

# Each tests/unit/test_X.c links the sources listed in tests/unit/test_X.src.
$(BUILD)/tests/%: tests/unit/%.c tests/unit/%.src $$(shell cat tests/unit/$$*.src 2>/dev/null)
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $< $$(cat tests/unit/$*.src) -lcmocka

unit: $(UNIT_TESTS) $(GUEST_BAD_ELFS)

test: deps all iso unit linux
	tools/test.sh

# The conformance boots again and again on a loaded host: timing dependences show here.
SOAK_N ?= 10
SOAK_LOAD ?= 2
soak: deps all
	tools/soak.sh $(SOAK_N) $(SOAK_LOAD)

# Boots the bench guest under hvlab and bare in Bochs (VT-x; AMD-V with cpu ryzen) and
# QEMU -icount (AMD-V); tables on the terminal, CSV and plot in build/bench/.
# BENCH="bochs-vtx" picks configurations.
bench: deps all
	tools/bench.sh $(BENCH)

# ---- coursework labs (labs/README.md) ---------------------------------------------------
# make lab TRACK=vmx|svm LAB=N DEST=DIR: a student tree; make bug TRACK=... BUG=N DEST=DIR:
# a debugging lab; make grade [TRACK=...] [LAB=N]: points per test, "score: X/Y".
lab:
	tools/lab.sh tree "$(TRACK)" "$(LAB)" "$(DEST)"
bug:
	tools/lab.sh bug "$(TRACK)" "$(BUG)" "$(DEST)"
grade: deps
	tools/grade.sh $(if $(TRACK),--track $(TRACK)) $(if $(LAB),--lab $(LAB))

# Reformat the C sources with .clang-format (clang-format 14, as on Debian 12).
format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

help:
	@sed -n '/^#/!q;p' Makefile

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
