# guest64.mk - build the 64-bit Multiboot guests (included by guest.mk).
#
# A 64-bit guest is compiled with -m64 (its lib/ files a second time, into obj64/), linked
# as an x86-64 ELF at 1 MiB by its own linker script, then copied into an ELF32 container
# (objcopy -O elf32-i386): Multiboot loaders, QEMU's -kernel and hvlab's loader take only
# ELFCLASS32 EM_386 files. Its boot code enters 64-bit mode itself.
#   guest/NAME/*.[cS] + GUEST64_LIB_SRCS  ->  build/guest/NAME.elf64 (gdb)  ->  NAME.elf
# Each name is added to GUEST_NAMES and GUEST_ELFS, so hvlab.efi embeds it like the others.

GUEST64_OBJ := $(GUEST_OUT)/obj64

# No red zone (exceptions push on the current stack) and no vector registers in C (the
# checks of SSE/AVX state load them from assembly only).
GUEST64_CFLAGS := -m64 -march=x86-64 -mcmodel=small -std=gnu11 -O2 -g \
	-ffreestanding -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
	-mno-red-zone -mgeneral-regs-only \
	-Wall -Wextra -Werror \
	-I$(GUEST_SRC)/lib -MMD -MP
GUEST64_LDFLAGS := -m64 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack

GUEST64_LIB_SRCS := lib/uart.c lib/print.c lib/str.c lib/hypercall.c lib/tap.c

GUEST64_NAMES := conform64
# conform64 also runs guest/apic's checks and guest/modcheck's module report, compiled
# a second time for 64-bit mode (apic/apic_checks.h says what glue they need).
GUEST64_SRCS_conform64 := conform64/boot64.S conform64/trap64.S conform64/kctx.S \
	conform64/user64.S conform64/simd_regs.S conform64/main.c conform64/trap.c \
	conform64/longmode.c conform64/paging.c conform64/msr.c conform64/user.c \
	conform64/simd.c conform64/modules.c conform64/apic64.c \
	lib/multiboot_modules.c lib/pic.c lib/pit.c \
	apic/lapic.c apic/ioapic.c apic/pit2.c apic/regs.c apic/vectors.c
GUEST64_LDS_conform64 := $(GUEST_SRC)/conform64/linker64.ld

guest64_objs = $(patsubst %,$(GUEST64_OBJ)/%.o,$(basename $(1)))

GUEST64_ALL_SRCS := $(sort $(GUEST64_LIB_SRCS) $(foreach g,$(GUEST64_NAMES),$(GUEST64_SRCS_$(g))))
GUEST64_C_OBJS := $(call guest64_objs,$(filter %.c,$(GUEST64_ALL_SRCS)))
GUEST64_S_OBJS := $(call guest64_objs,$(filter %.S,$(GUEST64_ALL_SRCS)))

$(GUEST64_C_OBJS): $(GUEST64_OBJ)/%.o: $(GUEST_SRC)/%.c $(GUEST_SRC)/guest64.mk
	@mkdir -p $(@D)
	$(call say,CC64,$<)
	$(Q)$(GUEST_CC) $(GUEST64_CFLAGS) -c $< -o $@

$(GUEST64_S_OBJS): $(GUEST64_OBJ)/%.o: $(GUEST_SRC)/%.S $(GUEST_SRC)/guest64.mk
	@mkdir -p $(@D)
	$(call say,CC64,$<)
	$(Q)$(GUEST_CC) $(GUEST64_CFLAGS) -c $< -o $@

# Link as x86-64, then the ELF32 copy the loaders take (same segments, same entry).
define guest64_link_rule
$(GUEST_OUT)/$(1).elf64: $(call guest64_objs,$(GUEST64_SRCS_$(1)) $(GUEST64_LIB_SRCS)) \
		$(GUEST64_LDS_$(1))
	@mkdir -p $$(@D)
	$$(call say,LD64,$$@)
	$$(Q)$$(GUEST_CC) $$(GUEST64_LDFLAGS) -Wl,-T,$(GUEST64_LDS_$(1)) -o $$@ $$(filter %.o,$$^)

$(GUEST_OUT)/$(1).elf: $(GUEST_OUT)/$(1).elf64
	$$(call say,ELF32,$$@)
	$$(Q)$$(GUEST_OBJCOPY) -O elf32-i386 $$< $$@
endef
$(foreach g,$(GUEST64_NAMES),$(eval $(call guest64_link_rule,$(g))))

GUEST_NAMES += $(GUEST64_NAMES)
GUEST_ELFS += $(GUEST64_NAMES:%=$(GUEST_OUT)/%.elf)
guests: $(GUEST64_NAMES:%=$(GUEST_OUT)/%.elf)

-include $(GUEST64_C_OBJS:.o=.d) $(GUEST64_S_OBJS:.o=.d)
