/*
 * vmentry_check.h - explain a failed VM entry: the first SDM check a VMCS snapshot breaks.
 *
 * The CPU only says *that* VM entry failed (VM-instruction error 7 or 8, or a VM exit with
 * basic reason 33), never *which* rule was broken. vmentry_check() walks the SDM's
 * VM-entry checks in the SDM's order over a struct vmentry_state and reports the first
 * failing one in words, with the values involved and the SDM section to read next.
 *
 * See: SDM Vol. 3C, "Checks on VMX Controls and Host-State Area" and
 *      "Checks on the Guest State Area" (revision pinned in docs/manuals.md).
 * Pure code: no hardware access, so it runs in host unit tests.
 */
#ifndef HVLAB_ARCH_VMX_VMENTRY_CHECK_H
#define HVLAB_ARCH_VMX_VMENTRY_CHECK_H

#include <stdbool.h>

#include "arch/x86_64/vmx/vmentry_state.h"

/* How the CPU reports a failure of each group of checks. See: SDM Vol. 3C, "VM Entries". */
enum vmentry_failure {
    VMENTRY_OK = 0,            /* every check passed */
    VMENTRY_BAD_SNAPSHOT,      /* the snapshot itself is incomplete (a hvlab bug) */
    VMENTRY_FAILS_CONTROLS,    /* VMLAUNCH fails: VM-instruction error 7 */
    VMENTRY_FAILS_HOST_STATE,  /* VMLAUNCH fails: VM-instruction error 8 */
    VMENTRY_FAILS_GUEST_STATE, /* VM exit, basic reason 33, "invalid guest state" */
};

/* Areas a finding can name (one per SDM subsection; tests compare against these). */
#define VMENTRY_AREA_SNAPSHOT           "vmentry_state snapshot"
#define VMENTRY_AREA_EXEC_CONTROLS      "VM-execution control fields"
#define VMENTRY_AREA_EXIT_CONTROLS      "VM-exit control fields"
#define VMENTRY_AREA_ENTRY_CONTROLS     "VM-entry control fields"
#define VMENTRY_AREA_HOST_CR_MSR        "host control registers and MSRs"
#define VMENTRY_AREA_HOST_SEGMENTS      "host segment and descriptor-table registers"
#define VMENTRY_AREA_ADDR_SPACE_SIZE    "address-space size"
#define VMENTRY_AREA_GUEST_CR_MSR       "guest control registers, debug registers and MSRs"
#define VMENTRY_AREA_GUEST_SEGMENTS     "guest segment registers"
#define VMENTRY_AREA_GUEST_DTR          "guest descriptor-table registers"
#define VMENTRY_AREA_GUEST_RIP_RFLAGS   "guest RIP and RFLAGS"
#define VMENTRY_AREA_GUEST_NON_REGISTER "guest non-register state"

#define VMENTRY_MESSAGE_MAX 160 /* bytes in a finding's message, including the NUL */

/* The first failing check. */
struct vmentry_finding {
    enum vmentry_failure failure; /* what the CPU reports for this check */
    const char *area;             /* VMENTRY_AREA_*: which part of the VMCS */
    const char *section; /* SDM section title, e.g. "Checks on Guest Segment Registers" */
    char message[VMENTRY_MESSAGE_MAX]; /* the broken rule in words, offending values in hex */
};

/*
 * vmentry_check - run the VM-entry checks over s, in SDM order.
 * Returns true if every implemented check passes (out->failure = VMENTRY_OK); otherwise
 * fills *out with the first failing check and returns false.
 */
bool vmentry_check(const struct vmentry_state *s, struct vmentry_finding *out);

/* vmentry_failure_name - how the CPU reports a failure kind, e.g. "VM-instruction error 7 ...". */
const char *vmentry_failure_name(enum vmentry_failure failure);

#endif
