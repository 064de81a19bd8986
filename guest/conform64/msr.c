/*
 * msr.c - the guest's own MSRs: PAT, FS/GS base, KERNEL_GS_BASE with SWAPGS, the
 * FSGSBASE instructions, TSC_AUX with RDTSCP/RDPID. Each value is written with WRMSR (or
 * WRFSBASE) and read back twice: by RDMSR, and by what the CPU does with it (a %fs:/%gs:
 * load, SWAPGS, RDTSCP). A hypervisor that stores the guest's value but does not load it
 * into the CPU passes the first and fails the second.
 *
 * See: Intel SDM Vol. 3A, "Page Attribute Table (PAT)" ("Programming the PAT"),
 *      "Segment Loading Instructions in IA-32e Mode" (FS/GS base MSRs, SWAPGS);
 *      Vol. 2B, "SWAPGS", "RDTSCP", "RDPID", "RDFSBASE/RDGSBASE", "WRFSBASE/WRGSBASE".
 */
#include "conform64.h"
#include "cpu64.h"
#include "cpuid.h"
#include "idt.h"
#include "print.h"

#define PAT_NEW_HIGH  0x00010504u /* entries 7..4 = UC, WC, WP, WT (0-3 stay: in use) */
#define PAT_POWER_ON  0x0007040600070406ull /* WB, WT, UC-, UC, twice ("PAT Initialization") */
#define PAT_RESERVED  0x02ull               /* memory type 2 is reserved */
#define PAT_ENTRY7    56                    /* bit position of entry 7 */
#define FS_MARK       0xF5F5F5F500000001ull
#define GS_MARK       0x6565656500000002ull
#define KGS_MARK      0x4B4B4B4B00000003ull
#define FSGS_MARK     0xBA5EBA5E00000004ull
#define TSC_AUX_VALUE 0x00C0FFEEu /* bits 63:32 are reserved */

/* Where the bases point: one marker each. */
static volatile uint64_t fs_area[2] = {FS_MARK, 0};
static volatile uint64_t gs_area[2] = {0, GS_MARK};
static volatile uint64_t kgs_area[2] = {KGS_MARK, 0};
static volatile uint64_t fsgs_area[2] = {FSGS_MARK, 0};

static uint64_t addr(volatile const void *p) { return (uint64_t)(uintptr_t)p; }

bool wrmsr_ok(uint32_t msr, uint64_t v)
{
    uint64_t at;

    trap_expect_fault();
    __asm__ volatile(GUARDED("wrmsr")
                     : [resume] "=m"(trap_resume_rip), [at] "=&r"(at)
                     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
    trap_expect_nothing();
    return trap_fault.count == 0;
}

bool rdmsr_ok(uint32_t msr, uint64_t *v)
{
    uint64_t at;
    uint32_t lo = 0, hi = 0;

    trap_expect_fault();
    __asm__ volatile(GUARDED("rdmsr")
                     : [resume] "=m"(trap_resume_rip), [at] "=&r"(at), "+a"(lo), "+d"(hi)
                     : "c"(msr)
                     : "memory");
    trap_expect_nothing();
    *v = ((uint64_t)hi << 32) | lo;
    return trap_fault.count == 0;
}

/* WRMSR then RDMSR of the same value, or the reason it did not come back. */
static bool set_msr(uint32_t msr, uint64_t v, char *why, unsigned size)
{
    uint64_t got;

    if (!wrmsr_ok(msr, v)) {
        ksnprintf(why, size, "wrmsr 0x%x = %s raised vector %u", msr, x64(v),
                  trap_fault.vector);
        return false;
    }
    if (!rdmsr_ok(msr, &got)) {
        ksnprintf(why, size, "rdmsr 0x%x raised vector %u", msr, trap_fault.vector);
        return false;
    }
    if (got != v) {
        ksnprintf(why, size, "rdmsr 0x%x = %s after wrmsr %s", msr, x64(got), x64(v));
        return false;
    }
    return true;
}

#define SET_MSR(msr, v)                                                                        \
    do {                                                                                       \
        char why_[96];                                                                         \
        if (!set_msr((msr), (v), why_, sizeof(why_)))                                          \
            return tap_fail("%s", why_);                                                       \
    } while (0)

/* A load of 8 bytes at %fs:off / %gs:off, guarded: false if it faulted. */
#define SEG_LOAD(seg, off, out)                                                                \
    ({                                                                                         \
        uint64_t at_, v_ = 0;                                                                  \
        trap_expect_fault();                                                                   \
        __asm__ volatile(GUARDED("movq %%" seg ":%c[o], %[v]")                                 \
                         : [resume] "=m"(trap_resume_rip), [at] "=&r"(at_), [v] "+r"(v_)       \
                         : [o] "i"(off)                                                        \
                         : "memory");                                                          \
        trap_expect_nothing();                                                                 \
        (out) = v_;                                                                            \
        trap_fault.count == 0;                                                                 \
    })

enum tap_outcome check_pat(void)
{
    uint64_t old, got;

    if (!(cpuid(CPUID_LEAF_FEATURES).edx & CPUID_1_EDX_PAT))
        return tap_skip("CPUID has no PAT");
    if (!rdmsr_ok(MSR_PAT, &old))
        return tap_fail("rdmsr IA32_PAT raised vector %u", trap_fault.vector);
    tap_note("IA32_PAT read %s at first (power-on value %s)", x64(old), x64(PAT_POWER_ON));
    uint64_t fresh = (old & 0xFFFFFFFFu) | ((uint64_t)PAT_NEW_HIGH << 32);
    SET_MSR(MSR_PAT, fresh);
    uint64_t bad = (fresh & ~(0xFFull << PAT_ENTRY7)) | (PAT_RESERVED << PAT_ENTRY7);
    bool took = wrmsr_ok(MSR_PAT, bad);
    unsigned vector = trap_fault.vector; /* before the read-back resets it */
    bool read = rdmsr_ok(MSR_PAT, &got);
    SET_MSR(MSR_PAT, old);
    if (took && !env.hvlab)
        return tap_skip("no hvlab: bare QEMU 7.2 TCG takes a reserved PAT type (read-back "
                        "passed)");
    if (took)
        return tap_fail("wrmsr IA32_PAT = %s (entry 7 type 2, reserved) did not raise #GP",
                        x64(bad));
    if (vector != EXC_GP)
        return tap_fail("reserved PAT type raised vector %u, expected #GP", vector);
    if (!read || got != fresh)
        return tap_fail("IA32_PAT = %s after the refused write, expected %s kept", x64(got),
                        x64(fresh));
    return TAP_PASS;
}

enum tap_outcome check_fs_gs_base(void)
{
    uint64_t v;

    SET_MSR(MSR_FS_BASE, addr(fs_area));
    SET_MSR(MSR_GS_BASE, addr(gs_area));
    if (!SEG_LOAD("fs", 0, v))
        return tap_fail("%%fs:0 with FS_BASE %s: %s", x64(addr(fs_area)), fault_text());
    if (v != FS_MARK)
        return tap_fail("%%fs:0 = %s, expected %s (FS_BASE not in use?)", x64(v), x64(FS_MARK));
    if (!SEG_LOAD("gs", 8, v))
        return tap_fail("%%gs:8 with GS_BASE %s: %s", x64(addr(gs_area)), fault_text());
    if (v != GS_MARK)
        return tap_fail("%%gs:8 = %s, expected %s (GS_BASE not in use?)", x64(v), x64(GS_MARK));
    /* A base above 4 GiB: the window, whose page 0 paging.c marked. */
    SET_MSR(MSR_FS_BASE, window_address(WINDOW_ALIAS));
    if (!SEG_LOAD("fs", 0, v))
        return tap_fail("%%fs:0 with FS_BASE %s: %s", x64(window_address(WINDOW_ALIAS)),
                        fault_text());
    if (v != window_mark())
        return tap_fail("%%fs:0 = %s with FS_BASE %s, expected %s", x64(v),
                        x64(window_address(WINDOW_ALIAS)), x64(window_mark()));
    SET_MSR(MSR_FS_BASE, 0);
    SET_MSR(MSR_GS_BASE, 0);
    return TAP_PASS;
}

enum tap_outcome check_swapgs(void)
{
    uint64_t v, gs, kgs;

    SET_MSR(MSR_GS_BASE, addr(gs_area));
    SET_MSR(MSR_KERNEL_GS_BASE, addr(kgs_area));
    __asm__ volatile("swapgs" ::: "memory");
    bool load_ok = SEG_LOAD("gs", 0, v);
    bool read_ok = rdmsr_ok(MSR_GS_BASE, &gs) && rdmsr_ok(MSR_KERNEL_GS_BASE, &kgs);
    __asm__ volatile("swapgs" ::: "memory");
    if (!load_ok)
        return tap_fail("%%gs:0 after swapgs: %s", fault_text());
    if (v != KGS_MARK)
        return tap_fail("%%gs:0 = %s after swapgs, expected %s (KERNEL_GS_BASE's)", x64(v),
                        x64(KGS_MARK));
    if (!read_ok)
        return tap_fail("rdmsr of GS_BASE/KERNEL_GS_BASE raised vector %u", trap_fault.vector);
    if (gs != addr(kgs_area) || kgs != addr(gs_area))
        return tap_fail("after swapgs GS_BASE = %s, KERNEL_GS_BASE = %s: expected %s and %s",
                        x64(gs), x64(kgs), x64(addr(kgs_area)), x64(addr(gs_area)));
    if (!rdmsr_ok(MSR_GS_BASE, &gs) || gs != addr(gs_area))
        return tap_fail("GS_BASE = %s after the second swapgs, expected %s", x64(gs),
                        x64(addr(gs_area)));
    SET_MSR(MSR_GS_BASE, 0);
    SET_MSR(MSR_KERNEL_GS_BASE, 0);
    return TAP_PASS;
}

/* CR4 = v, guarded; false if it faulted. */
static bool cr4_ok(uint64_t v)
{
    uint64_t at;

    trap_expect_fault();
    __asm__ volatile(GUARDED("movq %[v], %%cr4")
                     : [resume] "=m"(trap_resume_rip), [at] "=&r"(at)
                     : [v] "r"(v)
                     : "memory");
    trap_expect_nothing();
    return trap_fault.count == 0;
}

enum tap_outcome check_fsgsbase(void)
{
    uint64_t at, v = 0, msr;

    if (!(cpuid_sub(CPUID_LEAF_EXTENDED7, 0).ebx & CPUID_7_EBX_FSGSBASE))
        return tap_skip("CPUID.7.0:EBX has no FSGSBASE");
    uint64_t cr4 = read_cr4();
    /* Off: RDFSBASE is #UD. */
    trap_expect_fault();
    __asm__ volatile(GUARDED("rdfsbase %[v]")
                     : [resume] "=m"(trap_resume_rip), [at] "=&r"(at), [v] "+r"(v)
                     :
                     : "memory");
    trap_expect_nothing();
    if (trap_fault.count != 1 || trap_fault.vector != EXC_UD)
        return tap_fail("rdfsbase with CR4.FSGSBASE clear: %u exceptions (vector %u), expected "
                        "#UD",
                        trap_fault.count, trap_fault.vector);
    if (!cr4_ok(cr4 | CR4_FSGSBASE))
        return tap_fail("setting CR4.FSGSBASE raised vector %u error 0x%x", trap_fault.vector,
                        (unsigned)trap_fault.error);
    /* The instructions first, the MSRs they must agree with last. */
    __asm__ volatile("wrfsbase %0" ::"r"(addr(fsgs_area)) : "memory");
    __asm__ volatile("rdfsbase %0" : "=r"(v));
    uint64_t mark = 0;
    bool load_ok = SEG_LOAD("fs", 0, mark);
    const char *load_fault = load_ok ? "" : fault_text();
    uint64_t gsv;
    __asm__ volatile("wrgsbase %0" ::"r"(addr(gs_area)) : "memory");
    __asm__ volatile("rdgsbase %0" : "=r"(gsv));
    uint64_t gsmsr = 0;
    bool msr_ok = rdmsr_ok(MSR_FS_BASE, &msr);
    unsigned msr_vector = trap_fault.vector;
    bool gsmsr_ok = rdmsr_ok(MSR_GS_BASE, &gsmsr);
    __asm__ volatile("wrfsbase %0; wrgsbase %0" ::"r"(0ull) : "memory");
    cr4_ok(cr4);
    if (v != addr(fsgs_area))
        return tap_fail("rdfsbase = %s after wrfsbase %s", x64(v), x64(addr(fsgs_area)));
    if (!load_ok)
        return tap_fail("%%fs:0 after wrfsbase: %s", load_fault);
    if (mark != FSGS_MARK)
        return tap_fail("%%fs:0 = %s after wrfsbase, expected %s", x64(mark), x64(FSGS_MARK));
    if (gsv != addr(gs_area))
        return tap_fail("rdgsbase = %s after wrgsbase %s", x64(gsv), x64(addr(gs_area)));
    if (!msr_ok)
        return tap_fail("rdmsr FS_BASE raised vector %u (the instructions were right)",
                        msr_vector);
    if (msr != v)
        return tap_fail("rdmsr FS_BASE = %s after wrfsbase %s", x64(msr), x64(v));
    if (!gsmsr_ok || gsmsr != gsv)
        return tap_fail("rdmsr GS_BASE = %s (%s) after wrgsbase %s", x64(gsmsr),
                        gsmsr_ok ? "read" : "faulted", x64(gsv));
    return TAP_PASS;
}

enum tap_outcome check_tsc_aux(void)
{
    uint32_t lo, hi, aux;

    if (!(cpuid(CPUID_LEAF_EXT_FEATURES).edx & CPUID_80000001_EDX_RDTSCP))
        return tap_skip("CPUID.80000001H:EDX has no RDTSCP");
    SET_MSR(MSR_TSC_AUX, TSC_AUX_VALUE);
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    if (aux != TSC_AUX_VALUE)
        return tap_fail("rdtscp ECX = 0x%x, expected TSC_AUX 0x%x", aux, TSC_AUX_VALUE);
    if (!(cpuid_sub(CPUID_LEAF_EXTENDED7, 0).ecx & CPUID_7_ECX_RDPID)) {
        tap_note("CPUID.7.0:ECX has no RDPID: RDTSCP alone");
        return TAP_PASS;
    }
    uint64_t pid;
    __asm__ volatile("rdpid %0" : "=r"(pid));
    if (pid != TSC_AUX_VALUE)
        return tap_fail("rdpid = %s, expected TSC_AUX 0x%x", x64(pid), TSC_AUX_VALUE);
    return TAP_PASS;
}
