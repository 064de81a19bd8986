# guest.mk - build the Multiboot guest kernels (included by the root Makefile).
#
# Each guest is a 32-bit i386 ELF loaded at 1 MiB: guest/boot.S + guest/lib/*.c + its own
# directory guest/NAME/*.c  ->  build/guest/NAME.elf  (objects under build/guest/obj/).
# Defines GUEST_ELFS, the kernels built into hvlab.efi, GUEST_DISK_ELFS, those that
# boot tests put on the boot volume, and the phony target `guests`.
# Every variable starts with GUEST_ so nothing clashes with the hypervisor's flags.

GUEST_SRC := guest
GUEST_OUT := build/guest
GUEST_OBJ := $(GUEST_OUT)/obj

GUEST_CC ?= gcc
GUEST_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g \
	-ffreestanding -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
	-mgeneral-regs-only \
	-Wall -Wextra -Werror \
	-I$(GUEST_SRC)/lib -MMD -MP
GUEST_LDFLAGS := -m32 -nostdlib -static -no-pie \
	-Wl,-T,$(GUEST_SRC)/linker.ld -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack

# Code shared by every guest.
GUEST_COMMON_SRCS := boot.S \
	lib/uart.c lib/print.c lib/str.c lib/hypercall.c lib/idt.c \
	lib/pic.c lib/pit.c lib/tap.c

# One entry per guest: GUEST_SRCS_<name> lists its own sources.
GUEST_NAMES := hello hostile conform bench victim spy counter apic
GUEST_SRCS_hello := hello/main.c hello/memtest.c hello/echo.c
GUEST_SRCS_hostile := hostile/main.c
GUEST_SRCS_conform := conform/main.c conform/trap_stubs.S conform/trap.c conform/clock.c \
	conform/cpuid.c conform/io.c conform/uart.c conform/hypercalls.c \
	conform/exceptions.c conform/mmio.c conform/paging.c conform/interrupts.c conform/timer.c \
	conform/longmode.c conform/longmode_switch.S conform/faults.c conform/rtc.c
GUEST_SRCS_bench := bench/main.c bench/exits.c bench/hlt.c bench/measure.c bench/work.c \
	bench/u64.c lib/cmdline.c
# The isolation and fairness guests of the multi-VM tests (counter borrows bench's u64).
GUEST_SRCS_victim := victim/main.c lib/cmdline.c lib/ram.c lib/pattern.c
GUEST_SRCS_spy := spy/main.c lib/cmdline.c lib/ram.c lib/pattern.c
GUEST_SRCS_counter := counter/main.c lib/cmdline.c bench/u64.c
# The local APIC and I/O APIC checks (tests/boot/apic.test).
GUEST_SRCS_apic := apic/main.c apic/traps.c apic/pit2.c apic/lapic.c apic/ioapic.c \
	apic/regs.c apic/vectors.c

# Guests not built into hvlab.efi: a boot test puts them on the boot volume (\guests\).
GUEST_DISK_NAMES := modcheck
GUEST_SRCS_modcheck := modcheck/main.c lib/multiboot_modules.c

GUEST_ELFS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf)
GUEST_DISK_ELFS := $(GUEST_DISK_NAMES:%=$(GUEST_OUT)/%.elf)

# Source path (relative to guest/) -> object path.
guest_objs = $(patsubst %,$(GUEST_OBJ)/%.o,$(basename $(1)))

# Sorted: a source that several guests list gets one object rule.
GUEST_ALL_SRCS := $(sort $(GUEST_COMMON_SRCS) \
	$(foreach g,$(GUEST_NAMES) $(GUEST_DISK_NAMES),$(GUEST_SRCS_$(g))))
GUEST_COMMON_OBJS := $(call guest_objs,$(GUEST_COMMON_SRCS))
GUEST_C_OBJS := $(call guest_objs,$(filter %.c,$(GUEST_ALL_SRCS)))
GUEST_S_OBJS := $(call guest_objs,$(filter %.S,$(GUEST_ALL_SRCS)))

.PHONY: guests
guests: $(GUEST_ELFS) $(GUEST_DISK_ELFS)

# Static pattern rules: they win over any generic %.o rule of the including Makefile.
$(GUEST_C_OBJS): $(GUEST_OBJ)/%.o: $(GUEST_SRC)/%.c $(GUEST_SRC)/guest.mk
	@mkdir -p $(@D)
	$(call say,CC32,$<)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_S_OBJS): $(GUEST_OBJ)/%.o: $(GUEST_SRC)/%.S $(GUEST_SRC)/guest.mk
	@mkdir -p $(@D)
	$(call say,CC32,$<)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

# One link rule per guest: common objects + its own, laid out by linker.ld.
define guest_link_rule
$(GUEST_OUT)/$(1).elf: $(GUEST_COMMON_OBJS) $(call guest_objs,$(GUEST_SRCS_$(1))) \
		$(GUEST_SRC)/linker.ld
	@mkdir -p $$(@D)
	$$(call say,LD32,$$@)
	$$(Q)$$(GUEST_CC) $$(GUEST_LDFLAGS) -o $$@ $$(filter %.o,$$^)
endef
$(foreach g,$(GUEST_NAMES) $(GUEST_DISK_NAMES),$(eval $(call guest_link_rule,$(g))))

-include $(GUEST_C_OBJS:.o=.d) $(GUEST_S_OBJS:.o=.d)

# Broken copies of hello for the tests of the loader's refusals: 64-bit (objcopy converts
# the real kernel), and those tools/mkbadelf.c makes (it says what each one breaks).
# Build products like the kernels: nothing binary is committed.
GUEST_HOSTCC ?= gcc
GUEST_OBJCOPY ?= objcopy
GUEST_MKBADELF := build/tools/mkbadelf
GUEST_BAD_KINDS := arm nomb lowseg huge
GUEST_BAD_ELFS := $(GUEST_OUT)/bad/class64.elf $(GUEST_BAD_KINDS:%=$(GUEST_OUT)/bad/%.elf)

.PHONY: bad-guests
bad-guests: $(GUEST_BAD_ELFS)

$(GUEST_MKBADELF): tools/mkbadelf.c hypervisor/elf.h hypervisor/multiboot.h \
		hypervisor/multiboot_info.h
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(GUEST_HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -I. -o $@ $<

$(GUEST_OUT)/bad/class64.elf: $(GUEST_OUT)/hello.elf
	@mkdir -p $(@D)
	$(call say,OBJCOPY,$@)
	$(Q)$(GUEST_OBJCOPY) -O elf64-x86-64 $< $@

$(GUEST_OUT)/bad/%.elf: $(GUEST_OUT)/hello.elf $(GUEST_MKBADELF)
	@mkdir -p $(@D)
	$(call say,BADELF,$@)
	$(Q)$(GUEST_MKBADELF) $* $< $@

# The 64-bit guests (conform64): their own flags and an ELF32 container; see guest64.mk.
include $(GUEST_SRC)/guest64.mk
