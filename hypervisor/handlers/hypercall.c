/*
 * hypercall.c - VMCALL/VMMCALL: the hvlab hypercall ABI (docs/hypercalls.md).
 * EAX = call number, EBX/ECX = arguments; the result goes to RAX, sign-extended. Every
 * guest pointer and length is checked against guest RAM first: a bad call returns an
 * error to the guest, it never faults the hypervisor.
 */
#include "hypervisor/devices/uart16550.h"
#include "hypervisor/exit_handlers.h"
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/virtual_platform.h"
#include "hypervisor/wait.h"

#define LOW32(x)       ((uint32_t)(x))
#define HIGH32(x)      ((uint32_t)((x) >> 32))
#define STATUS_BYTE(x) ((uint8_t)(x))

static int64_t console_write(struct vcpu *vcpu, uint32_t gpa, uint32_t len)
{
    if (len > HC_CONSOLE_WRITE_MAX)
        return HC_EINVAL;
    if (len == 0)
        return 0; /* valid, whatever EBX holds (docs/hypercalls.md) */
    /* 64-bit arithmetic inside: a buffer that wraps past 4 GiB is outside RAM. */
    if (!guest_memory_contains(vcpu->mem, gpa, len))
        return HC_EFAULT;
    for (uint32_t i = 0; i < len; i++) {
        char c;
        guest_memory_read(vcpu->mem, gpa + i, &c, 1);
        uart16550_put(&vcpu->platform->uart, c); /* the same path as UART output */
    }
    return len;
}

/* Nanoseconds since the guest started, from the host TSC. RAX holds all 64 bits; EDX also
 * gets the high half, so a 32-bit guest reads EDX:EAX as RDTSC's convention. */
static int64_t read_time(struct vcpu *vcpu)
{
    struct virtual_platform *vp = vcpu->platform;
    uint64_t ns = vplatform_ns(vp, vp->read_tsc());
    vcpu_set_gpr(vcpu, GPR_RDX, HIGH32(ns));
    return (int64_t)ns;
}

/* PIT edges so far that never became an IRQ 0 request, merged at the PIC while the
 * request was blocked or hvlab was late (docs/timer.md). Counted up to now, so the
 * platform is brought up to date first; what that raises is delivered as after any exit. */
static int64_t read_ticks_lost(struct vcpu *vcpu)
{
    struct virtual_platform *vp = vcpu->platform;
    vplatform_update(vp, vp->read_tsc());
    vp->changed = true;
    vcpu_set_gpr(vcpu, GPR_RDX, HIGH32(vp->ticks_lost));
    return (int64_t)vp->ticks_lost;
}

enum exit_action handle_hypercall(struct vcpu *vcpu, const struct vm_exit *exit)
{
    uint32_t call = LOW32(vcpu_gpr(vcpu, GPR_RAX));
    uint32_t arg0 = LOW32(vcpu_gpr(vcpu, GPR_RBX));
    uint32_t arg1 = LOW32(vcpu_gpr(vcpu, GPR_RCX));
    int64_t result;

    switch (call) {
    case HC_VERSION: result = HVLAB_ABI_VERSION; break;
    case HC_CONSOLE_WRITE: result = console_write(vcpu, arg0, arg1); break;
    case HC_MEMORY_SIZE: result = (int64_t)(vcpu->mem->ram_size >> 10); break;
    case HC_TIME: result = read_time(vcpu); break;
    case HC_YIELD:
        /* Sleep until an interrupt is pending (wait.c completes the call). Unlike HLT, a
         * guest that nothing wakes gets HC_EWOULDBLOCK back instead of a stop. */
        return vcpu_wait_begin(vcpu, VCPU_WAIT_YIELD);
    case HC_TICKS_LOST: result = read_ticks_lost(vcpu); break;
    case HC_SHUTDOWN:
        uart16550_flush(&vcpu->platform->uart);
        vcpu->exit_status = STATUS_BYTE(arg0);
        vcpu->end = GUEST_EXITED;
        return ACTION_END;
    default: result = HC_ENOSYS; break;
    }
    /* HC_TIME and HC_TICKS_LOST return all 64 bits; the others a sign-extended 32-bit
     * value. */
    bool wide = call == HC_TIME || call == HC_TICKS_LOST;
    vcpu_set_gpr(vcpu, GPR_RAX, wide ? (uint64_t)result : (uint64_t)(int64_t)(int32_t)result);
    vcpu_skip_instruction(vcpu, exit);
    return ACTION_RESUME;
}
