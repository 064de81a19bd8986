/*
 * exceptions.h - hvlab's handlers for CPU exceptions raised in the hypervisor itself.
 *
 * Any exception in hvlab is a bug: the handler prints a full report (vector, name, error
 * code, RIP, CR2, registers, backtrace) and shuts the platform down with a failure status.
 * It never returns, so a fault can never become a silent triple fault or reboot.
 */
#ifndef HVLAB_ARCH_EXCEPTIONS_H
#define HVLAB_ARCH_EXCEPTIONS_H

#include <stdint.h>

/* Exception vectors. See: SDM Vol. 3A, "Exception and Interrupt Reference". */
enum exception_vector {
    EXC_DIVIDE_ERROR = 0,
    EXC_DEBUG = 1,
    EXC_NMI = 2,
    EXC_BREAKPOINT = 3,
    EXC_OVERFLOW = 4,
    EXC_BOUND_RANGE = 5,
    EXC_INVALID_OPCODE = 6,
    EXC_DEVICE_NOT_AVAILABLE = 7,
    EXC_DOUBLE_FAULT = 8,
    EXC_COPROCESSOR_SEGMENT_OVERRUN = 9,
    EXC_INVALID_TSS = 10,
    EXC_SEGMENT_NOT_PRESENT = 11,
    EXC_STACK_FAULT = 12,
    EXC_GENERAL_PROTECTION = 13,
    EXC_PAGE_FAULT = 14,
    EXC_X87_FPU_ERROR = 16,
    EXC_ALIGNMENT_CHECK = 17,
    EXC_MACHINE_CHECK = 18,
    EXC_SIMD_FP = 19,
    EXC_VIRTUALIZATION = 20,
    EXC_CONTROL_PROTECTION = 21,
    EXC_HYPERVISOR_INJECTION = 28,
    EXC_VMM_COMMUNICATION = 29,
    EXC_SECURITY = 30,
};

/* What the entry stubs (isr.S) save, lowest address first. The CPU pushes rip..ss; the
 * stub pushes the vector and an error code (0 where the CPU pushes none). */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "must match isr.S");

/* Name of an exception vector ("#PF page fault"). */
const char *exception_name(unsigned vector);

/* Does the CPU push an error code for this vector? */
int exception_has_error_code(unsigned vector);

/* Address of the entry stub for a vector (for the IDT). */
uint64_t exception_stub_address(unsigned vector);

/* Called by isr.S with the saved frame. Reports and shuts down; never returns. */
__attribute__((noreturn)) void exception_dispatch(struct trap_frame *frame);

/* Print a register dump and a frame-pointer backtrace for `frame`. */
void cpu_state_print(const struct trap_frame *frame);

/* Fill `frame` with the caller's registers (isr.S); used by panic(). */
void cpu_capture_registers(struct trap_frame *frame);

#endif
