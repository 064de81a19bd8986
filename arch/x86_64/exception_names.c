/*
 * exception_names.c - names of the CPU exception vectors and which push an error code.
 * Pure code (no entry stubs), so host unit tests link it too.
 * See: SDM Vol. 3A, "Exception and Interrupt Reference".
 */
#include "arch/x86_64/exceptions.h"

static const char *const names[] = {
    [EXC_DIVIDE_ERROR] = "#DE divide error",
    [EXC_DEBUG] = "#DB debug",
    [EXC_NMI] = "NMI non-maskable interrupt",
    [EXC_BREAKPOINT] = "#BP breakpoint",
    [EXC_OVERFLOW] = "#OF overflow",
    [EXC_BOUND_RANGE] = "#BR bound range exceeded",
    [EXC_INVALID_OPCODE] = "#UD invalid opcode",
    [EXC_DEVICE_NOT_AVAILABLE] = "#NM device not available",
    [EXC_DOUBLE_FAULT] = "#DF double fault",
    [EXC_COPROCESSOR_SEGMENT_OVERRUN] = "coprocessor segment overrun",
    [EXC_INVALID_TSS] = "#TS invalid TSS",
    [EXC_SEGMENT_NOT_PRESENT] = "#NP segment not present",
    [EXC_STACK_FAULT] = "#SS stack-segment fault",
    [EXC_GENERAL_PROTECTION] = "#GP general protection",
    [EXC_PAGE_FAULT] = "#PF page fault",
    [EXC_X87_FPU_ERROR] = "#MF x87 floating-point error",
    [EXC_ALIGNMENT_CHECK] = "#AC alignment check",
    [EXC_MACHINE_CHECK] = "#MC machine check",
    [EXC_SIMD_FP] = "#XM SIMD floating-point",
    [EXC_VIRTUALIZATION] = "#VE virtualization exception",
    [EXC_CONTROL_PROTECTION] = "#CP control protection",
    [EXC_HYPERVISOR_INJECTION] = "#HV hypervisor injection",
    [EXC_VMM_COMMUNICATION] = "#VC VMM communication",
    [EXC_SECURITY] = "#SX security",
};

const char *exception_name(unsigned vector)
{
    if (vector < sizeof(names) / sizeof(names[0]) && names[vector])
        return names[vector];
    return "reserved vector";
}

int exception_has_error_code(unsigned vector)
{
    switch (vector) {
    case EXC_DOUBLE_FAULT:
    case EXC_INVALID_TSS:
    case EXC_SEGMENT_NOT_PRESENT:
    case EXC_STACK_FAULT:
    case EXC_GENERAL_PROTECTION:
    case EXC_PAGE_FAULT:
    case EXC_ALIGNMENT_CHECK:
    case EXC_CONTROL_PROTECTION:
    case EXC_VMM_COMMUNICATION:
    case EXC_SECURITY: return 1;
    default: return 0;
    }
}
