/*
 * exceptions.c - report a CPU exception in the hypervisor, then stop the machine.
 */
#include "arch/x86_64/exceptions.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/platform.h"
#include "hypervisor/console.h"

#define ISR_STUB_SIZE   16 /* must match isr.S */
#define BACKTRACE_DEPTH 12

extern const uint8_t isr_stubs[];

uint64_t exception_stub_address(unsigned vector)
{
    return (uint64_t)(uintptr_t)(isr_stubs + vector * ISR_STUB_SIZE);
}

/* Walk the RBP chain (hvlab is built with frame pointers). Addresses are also printed
 * relative to the image base so `addr2line -e build/hvlab.so` can name them. */
static void backtrace(uint64_t rbp)
{
    extern const uint8_t ImageBase[]; /* from GNU-EFI's linker script */
    uint64_t base = (uint64_t)(uintptr_t)ImageBase;
    kprintf("  backtrace (image base %p):\n", (void *)(uintptr_t)base);
    for (int depth = 0; depth < BACKTRACE_DEPTH && rbp && (rbp & 7) == 0; depth++) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        uint64_t ret = frame[1];
        if (ret < base)
            break;
        kprintf("    #%d %p (image+0x%lx)\n", depth, (void *)(uintptr_t)ret,
                (unsigned long)(ret - base));
        if (frame[0] <= rbp) /* the chain must go up the stack */
            break;
        rbp = frame[0];
    }
}

void cpu_state_print(const struct trap_frame *f)
{
    kprintf("  RIP %016lx  CS %04lx  RFLAGS %016lx\n", f->rip, f->cs, f->rflags);
    kprintf("  RSP %016lx  SS %04lx  CR2 %016lx\n", f->rsp, f->ss, read_cr2());
    kprintf("  RAX %016lx  RBX %016lx  RCX %016lx\n", f->rax, f->rbx, f->rcx);
    kprintf("  RDX %016lx  RSI %016lx  RDI %016lx\n", f->rdx, f->rsi, f->rdi);
    kprintf("  RBP %016lx  R8  %016lx  R9  %016lx\n", f->rbp, f->r8, f->r9);
    kprintf("  R10 %016lx  R11 %016lx  R12 %016lx\n", f->r10, f->r11, f->r12);
    kprintf("  R13 %016lx  R14 %016lx  R15 %016lx\n", f->r13, f->r14, f->r15);
    kprintf("  CR0 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
    backtrace(f->rbp);
}

void exception_dispatch(struct trap_frame *f)
{
    kprintf("\nhvlab: FATAL: CPU exception %lu (%s) in the hypervisor\n", f->vector,
            exception_name((unsigned)f->vector));
    if (exception_has_error_code((unsigned)f->vector))
        kprintf("  error code 0x%lx\n", f->error_code);
    else
        kprintf("  error code (none)\n");
    cpu_state_print(f);
    platform_shutdown(HV_STATUS_EXCEPTION);
}
