/*
 * exit_dispatch.c - the table that maps each kind of VM exit to its handler.
 *
 * The backends have already turned the vendor's exit code into a vm_exit_kind (for VT-x:
 * the row for each basic exit reason in arch/x86_64/vmx/vmx_exit.c). Every kind has a
 * row here; a missing row would fall to handle_unexpected, which stops the guest.
 */
#include "hypervisor/exit_dispatch.h"

#include "hypervisor/exit_handlers.h"
#include "hypervisor/lab.h"

static const exit_handler handlers[VM_EXIT_KIND_COUNT] = {
    [VM_EXIT_CPUID] = handle_cpuid,
    [VM_EXIT_IO] = handle_io,
    [VM_EXIT_HLT] = handle_hlt,
    [VM_EXIT_HYPERCALL] = handle_hypercall,
    [VM_EXIT_MSR_READ] = handle_msr_read,
    [VM_EXIT_MSR_WRITE] = handle_msr_write,
    [VM_EXIT_CR_ACCESS] = handle_cr_access,
    [VM_EXIT_MEMORY_VIOLATION] = handle_memory_violation,
    [VM_EXIT_MEMORY_MISCONFIG] = handle_memory_misconfig,
    [VM_EXIT_TRIPLE_FAULT] = handle_triple_fault,
    [VM_EXIT_EXCEPTION] = handle_exception,
    [VM_EXIT_INTERRUPT] = handle_interrupt,
    [VM_EXIT_INTERRUPT_WINDOW] = handle_interrupt_window,
    [VM_EXIT_VIRT_INSTRUCTION] = handle_virt_instruction,
    [VM_EXIT_XSETBV] = handle_xsetbv,
    [VM_EXIT_TIMER] = handle_timer,
    [VM_EXIT_OTHER] = handle_unexpected,
};

static const char *const kind_names[VM_EXIT_KIND_COUNT] = {
    [VM_EXIT_CPUID] = "cpuid",
    [VM_EXIT_IO] = "i/o",
    [VM_EXIT_HLT] = "hlt",
    [VM_EXIT_HYPERCALL] = "hypercall",
    [VM_EXIT_MSR_READ] = "rdmsr",
    [VM_EXIT_MSR_WRITE] = "wrmsr",
    [VM_EXIT_CR_ACCESS] = "cr access",
    [VM_EXIT_MEMORY_VIOLATION] = "memory violation",
    [VM_EXIT_MEMORY_MISCONFIG] = "memory misconfiguration",
    [VM_EXIT_TRIPLE_FAULT] = "triple fault",
    [VM_EXIT_EXCEPTION] = "exception",
    [VM_EXIT_INTERRUPT] = "interrupt",
    [VM_EXIT_INTERRUPT_WINDOW] = "interrupt window",
    [VM_EXIT_VIRT_INSTRUCTION] = "virtualization instruction",
    [VM_EXIT_XSETBV] = "XSETBV",
    [VM_EXIT_TIMER] = "timer",
    [VM_EXIT_OTHER] = "other",
};

const char *vm_exit_kind_name(enum vm_exit_kind kind)
{
    return (unsigned)kind < VM_EXIT_KIND_COUNT ? kind_names[kind] : "?";
}

/* Exits that are not the guest doing something: they do not count as signs of life for
 * the watchdog (handlers/time.c). */
static bool caused_by_guest(enum vm_exit_kind kind)
{
    return kind != VM_EXIT_TIMER && kind != VM_EXIT_INTERRUPT &&
           kind != VM_EXIT_INTERRUPT_WINDOW;
}

enum exit_action exit_dispatch(struct vcpu *vcpu, const struct vm_exit *exit)
{
    /* LAB vmx-4 svm-4 BEGIN: exit_dispatch() */
    vcpu->exits++;
    if (caused_by_guest(exit->kind))
        vcpu->watchdog_kicked = true; /* one store: no clock read on the hot path */
    if (exit->raw_reason < VCPU_RAW_REASONS_MAX)
        vcpu->exits_by_reason[exit->raw_reason]++;
    if ((unsigned)exit->kind >= VM_EXIT_KIND_COUNT || !handlers[exit->kind])
        return handle_unexpected(vcpu, exit);
    return handlers[exit->kind](vcpu, exit);
    /* LAB vmx-4 svm-4 END */
}
