/*
 * user.c - CPL 3 and back: SYSRET/SYSCALL, IRETQ/INT n through a DPL 3 gate, INT n to a
 * DPL 0 gate (#GP), SYSEXIT/SYSENTER, and a user-mode page fault.
 *
 * Each check programs what the instruction reads (STAR/LSTAR/FMASK, SYSENTER_CS/ESP/EIP,
 * the gates, the TSS), runs a user program of user64.S under a catcher, and compares
 * what the program and the kernel entry recorded with what the manuals say the CPU
 * loads. The GDT order that makes the selectors come out right is cpu64.h's.
 *
 * See: Intel SDM Vol. 2B, "SYSCALL", "SYSRET", "SYSENTER", "SYSEXIT", "INT n";
 *      Vol. 3A, "Fast System Calls in 64-Bit Mode", "Interrupt Stack Frame" (64-bit),
 *      "Page-Fault Exceptions"; AMD APM Vol. 3, "SYSENTER" (#UD in long mode).
 */
#include "conform64.h"
#include "cpu64.h"
#include "cpuid.h"
#include "idt.h"
#include "print.h"
#include "user.h"

#define USER_RFLAGS          (RFLAGS_RESERVED | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC) /* set by SYSRET */
#define FMASK_VALUE          (RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC)
#define USER_CS64            (SEL_UCODE64 | SEL_RPL3)
#define USER_SS              (SEL_UDATA | SEL_RPL3)
#define SELECTOR             0xFFFF      /* a segment register read into a 32-bit register */
#define GP_IDT_ERROR(v)      ((v)*8 + 2) /* #GP error code naming an IDT vector (bit 1: IDT) */
/* QEMU 7.2 TCG's do_interrupt64 scales the vector by the 16-byte gate size instead. */
#define QEMU_GP_IDT_ERROR(v) ((v)*16 + 2)

volatile struct user_record user_rec;
uint64_t user_entry_rip, user_entry_rsp, user_entry_rflags, user_arg;

static uint8_t user_stack[STACK_SIZE] __attribute__((aligned(16)));

static const char *reason_name(long reason)
{
    switch (reason) {
    case CATCH_RETURNED: return "the entry function returned";
    case CATCH_FAULT: return "an exception";
    case CATCH_USER_EXIT: return "INT 0x81";
    case CATCH_SYSCALL: return "SYSCALL";
    case CATCH_SYSENTER: return "SYSENTER";
    default: return "?";
    }
}

/* Run prog at CPL 3 entered by `enter`; returns how it came back. */
static long run_user(void (*enter)(void), void (*prog)(void), uint64_t rflags)
{
    struct kctx c;

    for (unsigned i = 0; i < sizeof(user_rec) / sizeof(uint64_t); i++)
        ((volatile uint64_t *)&user_rec)[i] = 0;
    trap_int.count = 0;
    trap_fault.count = 0;
    user_entry_rip = (uint64_t)(uintptr_t)prog;
    user_entry_rsp = (uint64_t)(uintptr_t)(user_stack + sizeof(user_stack));
    user_entry_rflags = rflags;
    return catch_call(&c, enter);
}

/* The check fails unless the user program came back by `want`. */
#define EXPECT_REASON(got, want)                                                               \
    do {                                                                                       \
        if ((got) == CATCH_FAULT && (want) != CATCH_FAULT)                                     \
            return tap_fail("back by %s, not %s", fault_text(), reason_name(want));            \
        if ((got) != (want))                                                                   \
            return tap_fail("back by %s, not %s", reason_name(got), reason_name(want));        \
    } while (0)

#define SET_MSR(msr, v)                                                                        \
    do {                                                                                       \
        uint64_t got_;                                                                         \
        if (!wrmsr_ok((msr), (v)))                                                             \
            return tap_fail("wrmsr 0x%x raised vector %u", (msr), trap_fault.vector);          \
        if (!rdmsr_ok((msr), &got_) || got_ != (v))                                            \
            return tap_fail("rdmsr 0x%x = %s after wrmsr %s", (msr), x64(got_), x64(v));       \
    } while (0)

enum tap_outcome check_user_syscall(void)
{
    uint64_t efer;

    if (!(cpuid(CPUID_LEAF_EXT_FEATURES).edx & CPUID_80000001_EDX_SYSCALL))
        return tap_skip("CPUID.80000001H:EDX has no SYSCALL");
    if (!rdmsr_ok(MSR_EFER, &efer))
        return tap_fail("rdmsr EFER raised vector %u", trap_fault.vector);
    SET_MSR(MSR_EFER, efer | EFER_SCE);
    SET_MSR(MSR_STAR, ((uint64_t)SEL_UCODE32 << STAR_SYSRET_SHIFT) |
                          ((uint64_t)SEL_KCODE << STAR_SYSCALL_SHIFT));
    SET_MSR(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    SET_MSR(MSR_FMASK, FMASK_VALUE);

    long r = run_user(user_enter_sysret, user_prog_syscall, USER_RFLAGS);
    if (r == CATCH_FAULT && (trap_fault.cs & SEL_RPL_MASK) == 0 &&
        trap_fault.rip != (uint64_t)(uintptr_t)syscall_entry)
        return tap_fail("SYSCALL went elsewhere: %s; LSTAR %s", fault_text(),
                        x64((uint64_t)(uintptr_t)syscall_entry));
    EXPECT_REASON(r, CATCH_SYSCALL);
    const volatile struct user_record *u = &user_rec;
    if ((u->user_cs & SELECTOR) != USER_CS64 || (u->user_ss & SELECTOR) != USER_SS)
        return tap_fail("user mode after SYSRET: CS 0x%x SS 0x%x, expected 0x%x 0x%x",
                        (unsigned)(u->user_cs & SELECTOR), (unsigned)(u->user_ss & SELECTOR),
                        USER_CS64, USER_SS);
    if ((u->user_rflags & USER_RFLAGS) != USER_RFLAGS)
        return tap_fail("user RFLAGS %s after SYSRET with R11 = 0x%x", x64(u->user_rflags),
                        USER_RFLAGS);
    if (u->rcx != (uint64_t)(uintptr_t)user_prog_syscall_after)
        return tap_fail("RCX = %s at LSTAR, expected the RIP after SYSCALL %s", x64(u->rcx),
                        x64((uint64_t)(uintptr_t)user_prog_syscall_after));
    if (u->r11 != u->user_rflags)
        return tap_fail("R11 = %s at LSTAR, expected the user RFLAGS %s", x64(u->r11),
                        x64(u->user_rflags));
    if (u->rflags != (u->r11 & ~(uint64_t)FMASK_VALUE))
        return tap_fail("RFLAGS %s at LSTAR, expected R11 & ~FMASK = %s", x64(u->rflags),
                        x64(u->r11 & ~(uint64_t)FMASK_VALUE));
    if ((u->cs & SELECTOR) != SEL_KCODE || (u->ss & SELECTOR) != SEL_KDATA)
        return tap_fail("CS 0x%x SS 0x%x at LSTAR, expected 0x%x 0x%x from STAR",
                        (unsigned)(u->cs & SELECTOR), (unsigned)(u->ss & SELECTOR), SEL_KCODE,
                        SEL_KDATA);
    if (u->rsp != user_entry_rsp)
        return tap_fail("RSP %s at LSTAR, expected the user's %s", x64(u->rsp),
                        x64(user_entry_rsp));
    return TAP_PASS;
}

enum tap_outcome check_user_int_gate(void)
{
    long r = run_user(user_enter_iret, user_prog_int, RFLAGS_RESERVED | RFLAGS_IF);

    EXPECT_REASON(r, CATCH_USER_EXIT);
    const volatile struct user_record *u = &user_rec;
    if ((u->user_cs & SELECTOR) != USER_CS64)
        return tap_fail("user mode after IRETQ: CS 0x%x, expected 0x%x",
                        (unsigned)(u->user_cs & SELECTOR), USER_CS64);
    if (trap_int.count != 1)
        return tap_fail("INT 0x%x handler ran %u times, expected once", VECTOR_USER_INT,
                        trap_int.count);
    if (trap_int.cs != USER_CS64 || trap_int.ss != USER_SS)
        return tap_fail("INT frame CS 0x%x SS 0x%x, expected 0x%x 0x%x", (unsigned)trap_int.cs,
                        (unsigned)trap_int.ss, USER_CS64, USER_SS);
    if (trap_int.rip != (uint64_t)(uintptr_t)user_prog_int_after)
        return tap_fail("INT frame RIP %s, expected %s", x64(trap_int.rip),
                        x64((uint64_t)(uintptr_t)user_prog_int_after));
    if (trap_int.rsp != user_entry_rsp || !(trap_int.rflags & RFLAGS_IF))
        return tap_fail("INT frame RSP %s RFLAGS %s, expected RSP %s and IF", x64(trap_int.rsp),
                        x64(trap_int.rflags), x64(user_entry_rsp));
    if (trap_int.frame_end != trap_rsp0())
        return tap_fail("the frame ends at %s, expected TSS.RSP0 %s", x64(trap_int.frame_end),
                        x64(trap_rsp0()));
    if ((u->user_cs_after & SELECTOR) != USER_CS64)
        return tap_fail("after IRETQ from the handler CS = 0x%x, expected 0x%x",
                        (unsigned)(u->user_cs_after & SELECTOR), USER_CS64);
    return TAP_PASS;
}

enum tap_outcome check_user_int_dpl0(void)
{
    long r = run_user(user_enter_iret, user_prog_int_dpl0, RFLAGS_RESERVED);

    EXPECT_REASON(r, CATCH_FAULT);
    if (trap_fault.vector == EXC_GP && trap_fault.error == QEMU_GP_IDT_ERROR(VECTOR_DPL0))
        return tap_skip("QEMU 7.2 TCG pushes #GP(0x%x), vector * 16 + 2, not the SDM's 0x%x",
                        QEMU_GP_IDT_ERROR(VECTOR_DPL0), GP_IDT_ERROR(VECTOR_DPL0));
    if (trap_fault.vector != EXC_GP || trap_fault.error != GP_IDT_ERROR(VECTOR_DPL0))
        return tap_fail("vector %u error 0x%x, expected #GP(0x%x)", trap_fault.vector,
                        (unsigned)trap_fault.error, GP_IDT_ERROR(VECTOR_DPL0));
    if (trap_fault.rip != (uint64_t)(uintptr_t)user_prog_int_dpl0_at ||
        trap_fault.cs != USER_CS64)
        return tap_fail("#GP at rip %s cs 0x%x, expected the INT at %s in cs 0x%x",
                        x64(trap_fault.rip), (unsigned)trap_fault.cs,
                        x64((uint64_t)(uintptr_t)user_prog_int_dpl0_at), USER_CS64);
    return TAP_PASS;
}

enum tap_outcome check_user_sysenter(void)
{
    const uint64_t stack = (uint64_t)(uintptr_t)entry_stack_top;

    if (!(cpuid(CPUID_LEAF_FEATURES).edx & CPUID_1_EDX_SEP))
        return tap_skip("CPUID.1:EDX has no SEP");
    if (!env.intel)
        return tap_skip("not GenuineIntel: SYSENTER/SYSEXIT are #UD in long mode on AMD");
    SET_MSR(MSR_SYSENTER_CS, SEL_KCODE);
    SET_MSR(MSR_SYSENTER_ESP, stack);
    SET_MSR(MSR_SYSENTER_EIP, (uint64_t)(uintptr_t)sysenter_entry);

    long r = run_user(user_enter_sysexit, user_prog_sysenter, RFLAGS_RESERVED);
    if (r == CATCH_FAULT && trap_fault.rip == (uint64_t)(uintptr_t)user_sysexit_at)
        return tap_fail("SYSEXIT raised %s (SYSENTER_CS 0 in the CPU?)", fault_text());
    EXPECT_REASON(r, CATCH_SYSENTER);
    const volatile struct user_record *u = &user_rec;
    const unsigned ucs = (SEL_KCODE + 32) | SEL_RPL3, uss = (SEL_KCODE + 40) | SEL_RPL3;
    if ((u->user_cs & SELECTOR) != ucs || (u->user_ss & SELECTOR) != uss)
        return tap_fail("user mode after SYSEXIT: CS 0x%x SS 0x%x, expected 0x%x 0x%x",
                        (unsigned)(u->user_cs & SELECTOR), (unsigned)(u->user_ss & SELECTOR),
                        ucs, uss);
    if ((u->cs & SELECTOR) != SEL_KCODE || (u->ss & SELECTOR) != SEL_KCODE + 8)
        return tap_fail("CS 0x%x SS 0x%x at SYSENTER_EIP, expected 0x%x 0x%x",
                        (unsigned)(u->cs & SELECTOR), (unsigned)(u->ss & SELECTOR), SEL_KCODE,
                        SEL_KCODE + 8);
    if (u->rsp != stack)
        return tap_fail("RSP %s at SYSENTER_EIP, expected SYSENTER_ESP %s", x64(u->rsp),
                        x64(stack));
    if (u->rflags & RFLAGS_IF)
        return tap_fail("RFLAGS %s at SYSENTER_EIP: IF not cleared", x64(u->rflags));
    return TAP_PASS;
}

/* One access from CPL 3 to the supervisor page: #PF with `error`, CR2 and RIP right. */
static enum tap_outcome user_fault(void (*prog)(void), const char *at, uint64_t error)
{
    uint64_t page = window_address(WINDOW_SUPERVISOR);

    user_arg = page;
    long r = run_user(user_enter_iret, prog, RFLAGS_RESERVED);
    EXPECT_REASON(r, CATCH_FAULT);
    if (trap_fault.vector != EXC_PF || trap_fault.error != error)
        return tap_fail("vector %u error 0x%x, expected #PF error 0x%x", trap_fault.vector,
                        (unsigned)trap_fault.error, (unsigned)error);
    if (trap_fault.cr2 != page)
        return tap_fail("CR2 %s, expected %s", x64(trap_fault.cr2), x64(page));
    if (trap_fault.rip != (uint64_t)(uintptr_t)at || trap_fault.cs != USER_CS64)
        return tap_fail("#PF at rip %s cs 0x%x, expected %s cs 0x%x", x64(trap_fault.rip),
                        (unsigned)trap_fault.cs, x64((uint64_t)(uintptr_t)at), USER_CS64);
    return TAP_PASS;
}

enum tap_outcome check_user_page_fault(void)
{
    volatile uint64_t *kernel_view =
        (volatile uint64_t *)(uintptr_t)window_address(WINDOW_SUPERVISOR);

    *kernel_view = 0; /* CPL 0 may: only the user accesses fault */
    enum tap_outcome o = user_fault(user_prog_read, user_prog_read_at, PF_ERR_P | PF_ERR_U);
    if (o != TAP_PASS)
        return o;
    return user_fault(user_prog_write, user_prog_write_at, PF_ERR_P | PF_ERR_W | PF_ERR_U);
}
