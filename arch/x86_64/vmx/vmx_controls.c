/*
 * vmx_controls.c - Control adjustment from VMX capability MSRs and the
 * CR0/CR4 fixed-bit rules (see vmx_controls.h for the contracts).
 *
 * Follows: Intel SDM Vol. 3D Appendix A "VMX Capability Reporting Facility"
 * and Vol. 3C "Algorithms for Determining VMX Capabilities".
 * Pure code: messages are formatted with hypervisor/fmt.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_controls.h"
#include "hypervisor/fmt.h"

/* Start `why` empty, as the contract promises on success (why may be NULL). */
static void why_clear(char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
}

/* Lowest set bit of a non-zero mask, as a single-bit mask. */
static uint32_t lowest_bit(uint32_t mask) { return mask & (~mask + 1u); }

/* Bit number of a single-bit mask. */
static unsigned bit_index(uint64_t single_bit)
{
    unsigned n = 0;
    while (single_bit > 1) {
        single_bit >>= 1;
        n++;
    }
    return n;
}

/* ---- Controls. See: Appendix A, "VM-Execution Controls", "VM-Exit Controls",
 * "VM-Entry Controls" and "Algorithms for Determining VMX Capabilities". */

int vmx_adjust_controls(uint64_t cap_msr, const struct vmx_control_request *req,
                        const struct vmx_control_name *names, uint32_t *out, char *why,
                        size_t why_len)
{
    uint32_t must_be_one = VMX_CAP_MUST_BE_ONE(cap_msr);
    uint32_t may_be_one = VMX_CAP_MAY_BE_ONE(cap_msr);
    uint32_t unsupported = req->wanted & ~may_be_one;
    const char *what = req->what ? req->what : "controls";

    why_clear(why, why_len);
    if (unsupported) {
        uint32_t bit = lowest_bit(unsupported);
        const char *name = vmx_control_name(names, bit);
        if (name)
            fmt_snprintf(why, why_len, "%s: '%s' not supported by this CPU", what, name);
        else
            fmt_snprintf(why, why_len, "%s: bit %u not supported by this CPU", what,
                         bit_index(bit));
        return -1;
    }

    *out = must_be_one | req->wanted | (req->optional & may_be_one);
    return 0;
}

uint32_t vmx_control_cap_msr(uint64_t vmx_basic, uint32_t plain_msr, uint32_t true_msr)
{
    return (vmx_basic & VMX_BASIC_TRUE_CTLS) ? true_msr : plain_msr;
}

/* ---- CR0/CR4. See: Appendix A, "VMX-Fixed Bits in CR0", "VMX-Fixed Bits in CR4" */

uint64_t vmx_fixed_bits_apply(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
    return (value | fixed0) & fixed1;
}

int vmx_fixed_bits_check(const char *reg, uint64_t value, uint64_t fixed0, uint64_t fixed1,
                         struct vmx_fixed_violation *bad, char *why, size_t why_len)
{
    uint64_t missing = fixed0 & ~value; /* must be 1 but is 0 */
    uint64_t extra = value & ~fixed1;   /* must be 0 but is 1 */
    uint64_t broken = missing | extra;

    why_clear(why, why_len);
    if (!broken)
        return 0;

    uint64_t bit = broken & (~broken + 1u);
    bool must_be_one = (missing & bit) != 0;
    if (bad) {
        bad->bit = bit_index(bit);
        bad->must_be_one = must_be_one;
    }
    if (!reg)
        reg = "CR";
    fmt_snprintf(why, why_len, "%s bit %u must be %d in VMX operation (IA32_VMX_%s_%s)", reg,
                 bit_index(bit), must_be_one ? 1 : 0, reg, must_be_one ? "FIXED0" : "FIXED1");
    return -1;
}
