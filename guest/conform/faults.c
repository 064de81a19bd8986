/*
 * faults.c - what a guest gets for what its CPU does not have: a write of a reserved bit
 * of CR0, CR4, EFER or XCR0 raises #GP(0) and changes nothing; the other vendor's
 * virtualization instructions (and this vendor's, with no nested virtualization) raise
 * #UD. "Reserved" is what the guest's CPUID says: CR4.VMXE is reserved when CPUID.1:ECX
 * has no VMX, EFER.SVME when CPUID.80000001H:ECX has no SVM. The same checks run bare
 * (qemu_bare_conform.test), which is how each expectation is checked against a CPU.
 *
 * See: Intel SDM Vol. 3A, "Control Registers" (reserved bits, #GP); Vol. 2B, "MOV—Move
 *      to/from Control Registers", "WRMSR"; Vol. 2C, "XSETBV", "VMX Instruction
 *      Reference" (#UD outside VMX operation); AMD APM Vol. 2, "Extended Feature Enable
 *      Register (EFER)"; APM Vol. 3, "SVM Instruction Reference" (#UD if EFER.SVME = 0).
 */
#include "conform.h"
#include "cpu.h"
#include "cpuid.h"
#include "idt.h"

#define CR0_NW              (1u << 29) /* not write-through: #GP without CD */
#define CR4_VMXE            (1u << 13)
#define CR4_SMXE            (1u << 14)
#define CR4_OSXSAVE         (1u << 18)
#define CR4_RESERVED31      (1u << 31) /* reserved on every CPU */
#define EFER_RESERVED1      (1u << 1)  /* EFER bits 7:1 are reserved on both vendors */
#define EFER_SVME           (1u << 12)
#define CPUID_1_ECX_SMX     (1u << 6)
#define CPUID_1_ECX_XSAVE   (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_LEAF_XSAVE    0xD
#define XCR0_X87            0x1u
#define XCR0_SSE            0x2u
#define XCR0_AVX            0x4u
#define XCR0_BIT63          (1ull << 63)
#define XCR_XCR1            1u /* XSETBV writes XCR0 only */

/* The outcome of one guarded instruction that must raise `vector` with error code 0. */
static enum tap_outcome faulted(const char *what, uint32_t vector, uint32_t at)
{
    trap_expect_nothing();
    if (trap_fault.count != 1)
        return tap_fail("%s: no exception (expected vector %u)", what, vector);
    if (trap_fault.vector != vector || trap_fault.error != 0)
        return tap_fail("%s: vector %u error 0x%x, expected vector %u error 0", what,
                        trap_fault.vector, trap_fault.error, vector);
    if (trap_fault.eip != at)
        return tap_fail("%s: saved eip 0x%08x, expected 0x%08x", what, trap_fault.eip, at);
    return TAP_PASS;
}

/* MOV to CRn of v, guarded; the EIP it would fault at. */
#define GUARDED_MOV_TO_CR(fn, cr)                                                              \
    static uint32_t fn(uint32_t v)                                                             \
    {                                                                                          \
        uint32_t at;                                                                           \
        trap_expect_fault();                                                                   \
        __asm__ volatile(GUARDED("movl %[v], %%" cr)                                           \
                         : [resume] "=m"(trap_resume_eip), [at] "=&r"(at)                      \
                         : [v] "r"(v)                                                          \
                         : "memory");                                                          \
        return at;                                                                             \
    }

GUARDED_MOV_TO_CR(try_write_cr0, "cr0")
GUARDED_MOV_TO_CR(try_write_cr4, "cr4")

static uint32_t try_wrmsr(uint32_t msr, uint64_t v)
{
    uint32_t at;
    trap_expect_fault();
    __asm__ volatile(GUARDED("wrmsr")
                     : [resume] "=m"(trap_resume_eip), [at] "=&r"(at)
                     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
    return at;
}

static uint32_t try_xsetbv(uint32_t xcr, uint64_t v)
{
    uint32_t at;
    trap_expect_fault();
    __asm__ volatile(GUARDED("xsetbv")
                     : [resume] "=m"(trap_resume_eip), [at] "=&r"(at)
                     : "c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
    return at;
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static bool cpu_has(uint32_t leaf, uint32_t ecx_bit)
{
    return (cpuid(leaf).ecx & ecx_bit) != 0;
}

/* QEMU 7.2 TCG (bare) never completes a MOV that sets a CR4 bit the CPU does not have:
 * it re-executes the instruction forever, with no exception (seen here; also reported as
 * hermit-os/kernel issue 273). Those parts run under hvlab only, which intercepts the
 * write first on both vendors. */
#define BARE_QEMU_HANGS "no hvlab: bare QEMU 7.2 TCG hangs on a MOV setting a reserved CR4 bit"
/* It also lets CR0.NW without CD and reserved EFER bits through without #GP. */
#define BARE_QEMU_LAX   "no hvlab: bare QEMU 7.2 TCG does not fault on this"

/* Each CR4 bit the guest's CPUID does not offer: VMXE (no VMX), SMXE (no SMX), bit 31. */
enum tap_outcome check_fault_cr4_reserved(void)
{
    static const struct {
        uint32_t bit;
        uint32_t cpuid_1_ecx; /* the feature that would make it legal, 0: none */
        const char *name;
    } bits[] = {
        {CR4_VMXE, CPUID_1_ECX_VMX, "CR4.VMXE"},
        {CR4_SMXE, CPUID_1_ECX_SMX, "CR4.SMXE"},
        {CR4_RESERVED31, 0, "CR4 bit 31"},
    };
    if (!env.hvlab)
        return tap_skip(BARE_QEMU_HANGS);
    uint32_t cr4 = read_cr4();
    for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (bits[i].cpuid_1_ecx && cpu_has(CPUID_LEAF_FEATURES, bits[i].cpuid_1_ecx))
            return tap_fail("CPUID offers the feature of %s", bits[i].name);
        enum tap_outcome r = faulted(bits[i].name, EXC_GP, try_write_cr4(cr4 | bits[i].bit));
        if (r != TAP_PASS)
            return r;
        if (read_cr4() != cr4)
            return tap_fail("%s: CR4 = 0x%08x after the fault, was 0x%08x", bits[i].name,
                            read_cr4(), cr4);
    }
    return TAP_PASS;
}

/* CR0.NW without CR0.CD: #GP(0), CR0 unchanged. */
enum tap_outcome check_fault_cr0_nw_without_cd(void)
{
    if (!env.hvlab)
        return tap_skip(BARE_QEMU_LAX);
    uint32_t cr0 = read_cr0();
    enum tap_outcome r = faulted("CR0.NW without CD", EXC_GP, try_write_cr0(cr0 | CR0_NW));
    if (r == TAP_PASS && read_cr0() != cr0)
        return tap_fail("CR0 = 0x%08x after the fault, was 0x%08x", read_cr0(), cr0);
    return r;
}

/* WRMSR EFER with bit 1 (reserved), and with SVME when CPUID has no SVM: #GP(0). */
enum tap_outcome check_fault_efer_reserved(void)
{
    if (!env.hvlab)
        return tap_skip(BARE_QEMU_LAX);
    uint64_t efer = rdmsr(MSR_EFER);
    enum tap_outcome r =
        faulted("EFER bit 1", EXC_GP, try_wrmsr(MSR_EFER, efer | EFER_RESERVED1));
    if (r != TAP_PASS)
        return r;
    if (cpu_has(CPUID_LEAF_EXT_FEATURES, CPUID_80000001_ECX_SVM))
        return tap_fail("CPUID offers SVM");
    r = faulted("EFER.SVME", EXC_GP, try_wrmsr(MSR_EFER, efer | EFER_SVME));
    if (r == TAP_PASS && rdmsr(MSR_EFER) != efer)
        return tap_fail("EFER = 0x%llx after the faults, was 0x%llx",
                        (unsigned long long)rdmsr(MSR_EFER), (unsigned long long)efer);
    return r;
}

/* XSETBV with CR4.OSXSAVE clear: #UD. Without XSAVE in CPUID, CR4.OSXSAVE itself is
 * reserved: #GP(0). */
enum tap_outcome check_fault_xsetbv_without_osxsave(void)
{
    uint32_t cr4 = read_cr4();
    if (!cpu_has(CPUID_LEAF_FEATURES, CPUID_1_ECX_XSAVE)) {
        if (!env.hvlab)
            return tap_skip(BARE_QEMU_HANGS);
        return faulted("CR4.OSXSAVE without XSAVE", EXC_GP, try_write_cr4(cr4 | CR4_OSXSAVE));
    }
    if (cr4 & CR4_OSXSAVE)
        return tap_fail("CR4.OSXSAVE already set: 0x%08x", cr4);
    return faulted("xsetbv", EXC_UD, try_xsetbv(0, XCR0_X87 | XCR0_SSE));
}

/* With CR4.OSXSAVE: CPUID.1:ECX.OSXSAVE reads 1; XCR0 values the rules forbid raise
 * #GP(0) and leave XCR0 as it was; x87+SSE (and +AVX if offered) load and read back. */
enum tap_outcome check_fault_xcr0_reserved(void)
{
    if (!cpu_has(CPUID_LEAF_FEATURES, CPUID_1_ECX_XSAVE))
        return tap_skip("CPUID has no XSAVE");
    uint32_t cr4 = read_cr4();
    if (cpu_has(CPUID_LEAF_FEATURES, CPUID_1_ECX_OSXSAVE))
        return tap_fail("CPUID.1:ECX.OSXSAVE set with CR4.OSXSAVE clear");
    write_cr4(cr4 | CR4_OSXSAVE);
    enum tap_outcome r = TAP_PASS;
    uint64_t before = xgetbv0();
    uint32_t supported = cpuid_sub(CPUID_LEAF_XSAVE, 0).eax;
    static const struct {
        uint32_t xcr;
        uint64_t value;
        const char *what;
    } bad[] = {
        {0, 0, "XCR0 = 0 (x87 off)"},
        {0, XCR0_SSE, "XCR0 = SSE (x87 off)"},
        {0, XCR0_X87 | XCR0_AVX, "XCR0 = x87|AVX (AVX without SSE)"},
        {0, XCR0_X87 | XCR0_BIT63, "XCR0 bit 63"},
        {XCR_XCR1, XCR0_X87, "XSETBV to XCR1"},
    };
    if (!cpu_has(CPUID_LEAF_FEATURES, CPUID_1_ECX_OSXSAVE))
        r = tap_fail("CPUID.1:ECX.OSXSAVE clear with CR4.OSXSAVE set");
    for (unsigned i = 0; r == TAP_PASS && i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = faulted(bad[i].what, EXC_GP, try_xsetbv(bad[i].xcr, bad[i].value));
        if (r == TAP_PASS && xgetbv0() != before)
            r = tap_fail("%s: XCR0 = 0x%llx after the fault, was 0x%llx", bad[i].what,
                         (unsigned long long)xgetbv0(), (unsigned long long)before);
    }
    uint64_t good[] = {XCR0_X87 | XCR0_SSE, XCR0_X87 | XCR0_SSE | XCR0_AVX, XCR0_X87};
    for (unsigned i = 0; r == TAP_PASS && i < sizeof(good) / sizeof(good[0]); i++) {
        if ((good[i] & ~(uint64_t)supported) != 0)
            continue; /* AVX not offered */
        if (try_xsetbv(0, good[i]), trap_expect_nothing(), trap_fault.count != 0)
            r = tap_fail("xsetbv 0x%llx raised vector %u", (unsigned long long)good[i],
                         trap_fault.vector);
        else if (xgetbv0() != good[i])
            r = tap_fail("xsetbv 0x%llx, xgetbv reads 0x%llx", (unsigned long long)good[i],
                         (unsigned long long)xgetbv0());
    }
    write_cr4(cr4);
    if (r == TAP_PASS && cpu_has(CPUID_LEAF_FEATURES, CPUID_1_ECX_OSXSAVE))
        r = tap_fail("CPUID.1:ECX.OSXSAVE still set after CR4.OSXSAVE was cleared");
    return r;
}

/* ---- virtualization instructions ------------------------------------------------------ */

static uint64_t operand64;                                    /* VMXON/VMPTRLD/... pointer */
static uint64_t operand128[2] __attribute__((aligned(16)));   /* INVEPT/INVVPID descriptor */
static uint8_t svm_area[4096] __attribute__((aligned(4096))); /* VMRUN/VMLOAD/... RAX */

/* One function per instruction: run it guarded, return the EIP it would fault at. */
#define GUARDED_INSN(fn, insn)                                                                 \
    static uint32_t fn(void)                                                                   \
    {                                                                                          \
        uint32_t at;                                                                           \
        trap_expect_fault();                                                                   \
        __asm__ volatile(GUARDED(insn)                                                         \
                         : [resume] "=m"(trap_resume_eip), [at] "=&r"(at)                      \
                         : [m64] "m"(operand64), [m128] "m"(operand128),                       \
                           "a"((uint32_t)(uintptr_t)svm_area), "c"(0u)                         \
                         : "memory", "cc", "edx");                                             \
        return at;                                                                             \
    }

GUARDED_INSN(try_vmxon, "vmxon %[m64]")
GUARDED_INSN(try_vmxoff, "vmxoff")
GUARDED_INSN(try_vmlaunch, "vmlaunch")
GUARDED_INSN(try_vmresume, "vmresume")
GUARDED_INSN(try_vmptrld, "vmptrld %[m64]")
GUARDED_INSN(try_vmptrst, "vmptrst %[m64]")
GUARDED_INSN(try_vmclear, "vmclear %[m64]")
GUARDED_INSN(try_vmread, "vmread %%eax, %%edx")
GUARDED_INSN(try_vmwrite, "vmwrite %%edx, %%eax")
GUARDED_INSN(try_invept, "invept %[m128], %%eax")
GUARDED_INSN(try_invvpid, "invvpid %[m128], %%eax")
GUARDED_INSN(try_vmfunc, "vmfunc")
GUARDED_INSN(try_getsec, "getsec")
GUARDED_INSN(try_vmcall, "vmcall")
GUARDED_INSN(try_vmrun, "vmrun")
GUARDED_INSN(try_vmload, "vmload")
GUARDED_INSN(try_vmsave, "vmsave")
GUARDED_INSN(try_stgi, "stgi")
GUARDED_INSN(try_clgi, "clgi")
GUARDED_INSN(try_skinit, "skinit")
GUARDED_INSN(try_invlpga, "invlpga")
GUARDED_INSN(try_vmmcall, "vmmcall")

/* The issue's own case: a guest that tries CR4.VMXE and then VMXON gets #GP, then #UD. */
enum tap_outcome check_fault_vmxe_then_vmxon(void)
{
    if (!env.hvlab)
        return tap_skip(BARE_QEMU_HANGS);
    enum tap_outcome r =
        faulted("mov to CR4.VMXE", EXC_GP, try_write_cr4(read_cr4() | CR4_VMXE));
    return r != TAP_PASS ? r : faulted("vmxon", EXC_UD, try_vmxon());
}

struct virt_insn {
    const char *name;
    uint32_t (*run)(void);
};

/* Every instruction in the list raises #UD, except the one hvlab takes as its hypercall
 * (VMCALL on Intel, VMMCALL on AMD), which is left out under hvlab. */
static enum tap_outcome all_raise_ud(const struct virt_insn *list, unsigned n,
                                     const char *hypercall)
{
    for (unsigned i = 0; i < n; i++) {
        if (env.hvlab && hypercall && list[i].name == hypercall)
            continue;
        enum tap_outcome r = faulted(list[i].name, EXC_UD, list[i].run());
        if (r != TAP_PASS)
            return r;
    }
    return TAP_PASS;
}

static const char vmcall_name[] = "vmcall", vmmcall_name[] = "vmmcall";

enum tap_outcome check_fault_vmx_instructions_ud(void)
{
    static const struct virt_insn list[] = {
        {"vmxon", try_vmxon},       {"vmxoff", try_vmxoff},    {"vmlaunch", try_vmlaunch},
        {"vmresume", try_vmresume}, {"vmptrld", try_vmptrld},  {"vmptrst", try_vmptrst},
        {"vmclear", try_vmclear},   {"vmread", try_vmread},    {"vmwrite", try_vmwrite},
        {"invept", try_invept},     {"invvpid", try_invvpid},  {"vmfunc", try_vmfunc},
        {"getsec", try_getsec},     {vmcall_name, try_vmcall},
    };
    return all_raise_ud(list, sizeof(list) / sizeof(list[0]),
                        hv_uses_vmmcall() ? 0 : vmcall_name);
}

enum tap_outcome check_fault_svm_instructions_ud(void)
{
    static const struct virt_insn list[] = {
        {"vmrun", try_vmrun},     {"vmload", try_vmload},      {"vmsave", try_vmsave},
        {"stgi", try_stgi},       {"clgi", try_clgi},          {"skinit", try_skinit},
        {"invlpga", try_invlpga}, {vmmcall_name, try_vmmcall},
    };
    return all_raise_ud(list, sizeof(list) / sizeof(list[0]),
                        hv_uses_vmmcall() ? vmmcall_name : 0);
}
