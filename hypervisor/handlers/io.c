/*
 * io.c - IN, OUT, INS and OUTS exits: move the data between the guest and io_bus.
 * See: SDM Vol. 2, IN/OUT/INS/OUTS, and Vol. 3C "Exit Qualification for I/O
 * Instructions" (decoded by the backend into exit->u.io).
 */
#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/exit_handlers.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/lab.h"

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

/* INS/OUTS, with or without REP: one io_bus access per element, memory at ES:RDI (INS)
 * or seg:RSI (OUTS), stepping by the size in the direction RFLAGS.DF says. */
static enum exit_action string_io(struct vcpu *vcpu, const struct vm_exit *exit)
{
    const struct vm_exit *e = exit;
    uint8_t size = e->u.io.size;
    uint64_t amask = low_mask(e->u.io.addr_size);
    enum guest_gpr index = e->u.io.in ? GPR_RDI : GPR_RSI;
    uint64_t rcx = vcpu_gpr(vcpu, GPR_RCX);
    uint64_t count = e->u.io.rep ? (rcx & amask) : 1;
    bool down = (vcpu->ops->get_reg(vcpu, VCPU_REG_RFLAGS) & RFLAGS_DF) != 0;

    /* With guest paging on, RSI/RDI are linear addresses that need a guest page walk;
     * hvlab's guests do string I/O with paging off, where linear = physical. */
    if (vcpu->ops->get_reg(vcpu, VCPU_REG_CR0) & CR0_PG)
        return vcpu_stop(vcpu, "string I/O (port 0x%x) with guest paging on: not emulated",
                         e->u.io.port);

    enum exit_action action = ACTION_RESUME;
    for (; count > 0 && action == ACTION_RESUME; count--) {
        uint64_t offset = vcpu_gpr(vcpu, index) & amask;
        uint64_t gpa = e->u.io.seg_base + offset;
        uint32_t value = 0;
        if (e->u.io.in) {
            value = io_bus_read(vcpu, e->u.io.port, size);
            if (guest_memory_write(vcpu->mem, gpa, &value, size) != 0)
                return vcpu_stop(vcpu, "INS to 0x%lx: outside guest RAM", (unsigned long)gpa);
        } else {
            if (guest_memory_read(vcpu->mem, gpa, &value, size) != 0)
                return vcpu_stop(vcpu, "OUTS from 0x%lx: outside guest RAM",
                                 (unsigned long)gpa);
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
