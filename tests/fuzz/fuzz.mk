# fuzz.mk - libFuzzer harnesses for the parsers of guest- and user-controlled input
# (included by the root Makefile; tools/fuzz.sh runs them).
#
#   tests/fuzz/fuzz_X.c + the sources in tests/fuzz/fuzz_X.src  ->  build/fuzz/fuzz_X
#   tests/fuzz/corpus/fuzz_X/                                      seed inputs
#
# `make fuzz [FUZZ_S=30]` runs every harness FUZZ_S seconds, one line each, and fails on
# any crash. `make fuzz-build` only builds them. Every variable starts with FUZZ_.

FUZZ_CC := clang
FUZZ_S ?= 30
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Harness support that only touches the harness's own memory (the RAM junk scans): built
# plain, so it does not cost more than the code under test. An archive: a harness links
# only what it calls.
FUZZ_PLAIN_SRCS := tests/fuzz/fuzz_ram.c
FUZZ_PLAIN_OBJS := $(FUZZ_PLAIN_SRCS:%.c=$(FUZZ_OUT)/obj/%.o)
FUZZ_PLAIN_LIB := $(FUZZ_OUT)/obj/libfuzzplain.a
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ_OUT)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(filter-out $(FUZZ_PLAIN_SRCS:tests/fuzz/%.c=$(FUZZ_OUT)/%),$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build

$(FUZZ_PLAIN_OBJS): $(FUZZ_OUT)/obj/%.o: %.c $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(FUZZ_CC) -std=gnu11 -g -O2 -Wall -Wextra -Werror -I. -c $< -o $@

$(FUZZ_PLAIN_LIB): $(FUZZ_PLAIN_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

# A harness may compile a source into itself (#include "x.c", after a fake header): any
# hypervisor source or header can be in it, and rebuilding all of them takes seconds.
FUZZ_DEPS := $(HV_C) $(wildcard tests/fuzz/*.h tests/unit/*.h tests/unit/*.c $(HV_DIRS:%=%/*.h))

# Like the unit tests: each harness links the sources its .src file lists.
$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_%.src $(FUZZ_PLAIN_LIB) \
		$$(shell cat tests/fuzz/fuzz_$$*.src 2>/dev/null) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(call say,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $$(cat tests/fuzz/fuzz_$*.src) $(FUZZ_PLAIN_LIB)

# The loader's seeds include the real guest kernels, as hvlab.efi embeds them, and the
# bad ones tests/boot/bad_guests.test boots.
fuzz-build: $(FUZZ_TARGETS) $(GUEST_EMBEDDED) $(GUEST_BAD_ELFS)

fuzz: deps fuzz-build
	tools/fuzz.sh $(FUZZ_S) $(FUZZ_TARGETS)
