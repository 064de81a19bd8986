/*
 * vmx_controls.c - Control adjustment from VMX capability MSRs and the
 * CR0/CR4 fixed-bit rules (see vmx_controls.h for the contracts).
 *
 * Follows: Intel SDM Vol. 3D Appendix A "VMX Capability Reporting Facility"
 * and Vol. 3C "Algorithms for Determining VMX Capabilities".
 * Freestanding: no libc, so messages are built with the tiny helpers below.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_controls.h"

/* ---- Message building: a bounded, always NUL-terminated string. */

struct msg {
    char *buf;  /* NULL: discard everything */
    size_t len; /* capacity including the NUL */
    size_t pos; /* characters written so far */
};

static struct msg msg_start(char *buf, size_t len)
{
    struct msg m = {.buf = (len > 0) ? buf : NULL, .len = len, .pos = 0};
    if (m.buf)
        m.buf[0] = '\0';
    return m;
}

/* Append a string, truncating silently when the buffer is full. */
static void msg_str(struct msg *m, const char *s)
{
    if (!m->buf)
        return;
    while (*s && m->pos + 1 < m->len)
        m->buf[m->pos++] = *s++;
    m->buf[m->pos] = '\0';
}

/* Append an unsigned number in decimal. */
static void msg_uint(struct msg *m, unsigned n)
{
    enum { DECIMAL_BASE = 10, MAX_DIGITS = 10 }; /* 2^32 - 1 has 10 digits */
    char digits[MAX_DIGITS + 1];
    size_t i = MAX_DIGITS;

    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + n % DECIMAL_BASE);
        n /= DECIMAL_BASE;
    } while (n && i > 0);
    msg_str(m, &digits[i]);
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
    struct msg m = msg_start(why, why_len);
    uint32_t must_be_one = VMX_CAP_MUST_BE_ONE(cap_msr);
    uint32_t may_be_one = VMX_CAP_MAY_BE_ONE(cap_msr);
    uint32_t unsupported = req->wanted & ~may_be_one;

    if (unsupported) {
        uint32_t bit = lowest_bit(unsupported);
        const char *name = vmx_control_name(names, bit);

        msg_str(&m, req->what ? req->what : "controls");
        msg_str(&m, ": ");
        if (name) {
            msg_str(&m, "'");
            msg_str(&m, name);
            msg_str(&m, "'");
        } else {
            msg_str(&m, "bit ");
            msg_uint(&m, bit_index(bit));
        }
        msg_str(&m, " not supported by this CPU");
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
    struct msg m = msg_start(why, why_len);
    uint64_t missing = fixed0 & ~value; /* must be 1 but is 0 */
    uint64_t extra = value & ~fixed1;   /* must be 0 but is 1 */
    uint64_t broken = missing | extra;
    uint64_t bit;
    bool must_be_one;

    if (!broken)
        return 0;

    bit = broken & (~broken + 1u);
    must_be_one = (missing & bit) != 0;
    if (bad) {
        bad->bit = bit_index(bit);
        bad->must_be_one = must_be_one;
    }

    if (!reg)
        reg = "CR";
    msg_str(&m, reg);
    msg_str(&m, " bit ");
    msg_uint(&m, bit_index(bit));
    msg_str(&m, must_be_one ? " must be 1" : " must be 0");
    msg_str(&m, " in VMX operation (IA32_VMX_");
    msg_str(&m, reg);
    msg_str(&m, must_be_one ? "_FIXED0)" : "_FIXED1)");
    return -1;
}
