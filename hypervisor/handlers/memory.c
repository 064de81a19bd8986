/*
 * memory.c - guest-physical accesses the EPT/NPT did not allow: emulated MMIO, or a guest
 * touching memory it does not have.
 */
#include "hypervisor/exit_handlers.h"
#include "hypervisor/fmt.h"
#include "hypervisor/mmio_bus.h"
#include "hypervisor/lab.h"

/* An access the guest-physical map does not allow (EPT violation / NPF). At an emulated
 * MMIO device, hvlab completes it; anywhere else outside guest RAM nothing is mapped at
 * all, and inside RAM the mapping's permissions refused it: the guest is stopped. */
enum exit_action handle_memory_violation(struct vcpu *vcpu, const struct vm_exit *exit)
{
    const struct vm_exit *e = exit;
    const struct mmio_device *device = mmio_device_at(vcpu, e->u.mem.gpa);
    if (device)
        return mmio_emulate(vcpu, exit, device);
    /* LAB vmx-6 svm-6 BEGIN: stopping a guest outside its memory in handle_memory_violation() */
    const char *access = e->u.mem.fetch   ? "instruction fetch"
                         : e->u.mem.write ? "write"
                                          : "read";
    bool outside = !guest_memory_contains(vcpu->mem, e->u.mem.gpa, 1);
    char linear[40] = "not reported";
    if (e->u.mem.gla_valid)
        fmt_snprintf(linear, sizeof(linear), "0x%lx", (unsigned long)e->u.mem.gla);
    return vcpu_stop(vcpu,
                     "%s at guest-physical 0x%lx (linear %s), %s guest RAM [0x0-0x%lx); "
                     "mapping allowed %s%s%s%s",
                     access, (unsigned long)e->u.mem.gpa, linear,
                     outside ? "outside" : "inside", (unsigned long)vcpu->mem->ram_size,
                     e->u.mem.readable ? "r" : "-", e->u.mem.writable ? "w" : "-",
                     e->u.mem.executable ? "x" : "-", e->u.mem.present ? "" : " (not present)");
    /* LAB vmx-6 svm-6 END */
}
