/*
 * io.c - IN, OUT, INS and OUTS exits: move the data between the guest and io_bus.
 * See: SDM Vol. 2, IN/OUT/INS/OUTS, and Vol. 3C "Exit Qualification for I/O
 * Instructions" (decoded by the backend into exit->u.io).
 */
#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/exit_handlers.h"
#include "hypervisor/guest_access.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/lab.h"

#define LINEAR_32_MASK 0xFFFFFFFFull

/* Mask of the low `bytes` bytes of a register. */
static uint64_t low_mask(unsigned bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* IN writes AL/AX/EAX; a 32-bit destination clears bits 63:32 (SDM Vol. 1, "General-
 * Purpose Registers in 64-Bit Mode"), 8- and 16-bit ones keep the rest of RAX. */
static void set_accumulator(struct vcpu *vcpu, uint8_t size, uint32_t value)
{
    uint64_t rax = vcpu_gpr(vcpu, GPR_RAX);
    if (size == 4)
        rax = value;
    else
        rax = (rax & ~low_mask(size)) | value;
    vcpu_set_gpr(vcpu, GPR_RAX, rax);
}

/* Copy one element between `value` and the guest memory the walk found (one piece, or
 * two when the element crosses a page); -1 if a piece is outside guest RAM. */
static int copy_element(struct vcpu *vcpu, const struct guest_span *span, uint32_t *value,
                        bool to_guest)
{
    uint8_t *bytes = (uint8_t *)value;
    for (unsigned i = 0; i < span->count; i++) /* all or nothing: no element half-written */
        if (!guest_memory_contains(vcpu->mem, span->piece[i].gpa, span->piece[i].len))
            return -1;
    for (unsigned i = 0; i < span->count; i++) {
        uint64_t gpa = span->piece[i].gpa, len = span->piece[i].len;
        int r = to_guest ? guest_memory_write(vcpu->mem, gpa, bytes, len)
                         : guest_memory_read(vcpu->mem, gpa, bytes, len);
        if (r != 0)
            return -1;
        bytes += len;
    }
    return 0;
}

/* INS/OUTS, with or without REP: one io_bus access per element, memory at ES:RDI (INS)
 * or seg:RSI (OUTS), stepping by the size in the direction RFLAGS.DF says. The address is
 * guest-linear: it goes through the guest's paging (guest_access.h), and a page fault is
 * injected on the element it hits, with RCX/RSI/RDI saying how far the REP got, as the
 * CPU leaves them (SDM Vol. 2B, "REP/REPE/REPZ/REPNE/REPNZ", restartable string
 * instructions). */
static enum exit_action string_io(struct vcpu *vcpu, const struct vm_exit *exit)
{
    const struct vm_exit *e = exit;
    uint8_t size = e->u.io.size;
    uint64_t amask = low_mask(e->u.io.addr_size);
    enum guest_gpr index = e->u.io.in ? GPR_RDI : GPR_RSI;
    uint64_t rcx = vcpu_gpr(vcpu, GPR_RCX);
    uint64_t count = e->u.io.rep ? (rcx & amask) : 1;
    bool down = (vcpu->ops->get_reg(vcpu, VCPU_REG_RFLAGS) & RFLAGS_DF) != 0;
    bool linear_64 = vcpu->ops->get_reg(vcpu, VCPU_REG_CODE_BYTES) == sizeof(uint64_t);

    enum exit_action action = ACTION_RESUME;
    for (; count > 0 && action == ACTION_RESUME; count--) {
        uint64_t offset = vcpu_gpr(vcpu, index) & amask;
        uint64_t linear = e->u.io.seg_base + offset;
        if (!linear_64)
            linear &= LINEAR_32_MASK; /* outside 64-bit mode, linear addresses wrap at 4 GiB */
        struct guest_span span;
        bool faulted;
        action = vcpu_walk_data(vcpu, linear, size, e->u.io.in, &span, &faulted);
        if (action != ACTION_RESUME || faulted)
            return action; /* #PF queued: RIP stays on the instruction */
        uint32_t value = 0;
        if (e->u.io.in) {
            value = io_bus_read(vcpu, e->u.io.port, size);
            if (copy_element(vcpu, &span, &value, true) != 0)
                return vcpu_stop(vcpu, "INS to 0x%lx: outside guest RAM",
                                 (unsigned long)span.piece[0].gpa);
        } else {
            if (copy_element(vcpu, &span, &value, false) != 0)
                return vcpu_stop(vcpu, "OUTS from 0x%lx: outside guest RAM",
                                 (unsigned long)span.piece[0].gpa);
            action = io_bus_write(vcpu, e->u.io.port, size, value);
        }
        uint64_t next = (offset + (down ? -(uint64_t)size : size)) & amask;
        vcpu_set_gpr(vcpu, index, (vcpu_gpr(vcpu, index) & ~amask) | next);
        if (e->u.io.rep)
            vcpu_set_gpr(vcpu, GPR_RCX, (rcx & ~amask) | ((count - 1) & amask));
    }
    if (action == ACTION_RESUME)
        vcpu_skip_instruction(vcpu, exit);
    return action;
}

enum exit_action handle_io(struct vcpu *vcpu, const struct vm_exit *exit)
{
    const struct vm_exit *e = exit;
    if (e->u.io.size != 1 && e->u.io.size != 2 && e->u.io.size != 4)
        return vcpu_stop(vcpu, "I/O exit with an invalid access size %u", e->u.io.size);
    if (e->u.io.string)
        return string_io(vcpu, exit);

    /* LAB vmx-4 svm-4 BEGIN: port IN and OUT in handle_io() */
    enum exit_action action = ACTION_RESUME;
    if (e->u.io.in)
        set_accumulator(vcpu, e->u.io.size, io_bus_read(vcpu, e->u.io.port, e->u.io.size));
    else
        action = io_bus_write(vcpu, e->u.io.port, e->u.io.size,
                              (uint32_t)(vcpu_gpr(vcpu, GPR_RAX) & low_mask(e->u.io.size)));
    if (action == ACTION_RESUME)
        vcpu_skip_instruction(vcpu, exit);
    return action;
    /* LAB vmx-4 svm-4 END */
}
