/*
 * svm_names.c - APM names of SVM exit codes and hvlab's compact raw reasons (see
 * svm_names.h for the numbering). Wording: AMD APM Vol. 2, Appendix C "SVM Intercept
 * Exit Codes", so a student can search the manual for what a report prints.
 */
#include "arch/x86_64/svm/svm_names.h"

#include <stddef.h>

#include "arch/x86_64/svm/svm_bits.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define DENSE_LAST   SVM_EXIT_TLBSYNC /* the dense table covers 0x40 .. 0xA4 */
#define DENSE(code)  [(code)-SVM_EXIT_EXCEPTION_BASE]
#define HIGH(code)   [(code)-SVM_EXIT_NPF]
#define GROUP_SIZE   16u /* CR0-CR15, DR0-DR15 */

static const char *const exception_names[32] = {
    "VMEXIT_EXCP0 (#DE)",  "VMEXIT_EXCP1 (#DB)",  "VMEXIT_EXCP2 (NMI)",  "VMEXIT_EXCP3 (#BP)",
    "VMEXIT_EXCP4 (#OF)",  "VMEXIT_EXCP5 (#BR)",  "VMEXIT_EXCP6 (#UD)",  "VMEXIT_EXCP7 (#NM)",
    "VMEXIT_EXCP8 (#DF)",  "VMEXIT_EXCP9",        "VMEXIT_EXCP10 (#TS)", "VMEXIT_EXCP11 (#NP)",
    "VMEXIT_EXCP12 (#SS)", "VMEXIT_EXCP13 (#GP)", "VMEXIT_EXCP14 (#PF)", "VMEXIT_EXCP15",
    "VMEXIT_EXCP16 (#MF)", "VMEXIT_EXCP17 (#AC)", "VMEXIT_EXCP18 (#MC)", "VMEXIT_EXCP19 (#XF)",
    "VMEXIT_EXCP20",       "VMEXIT_EXCP21 (#CP)", "VMEXIT_EXCP22",       "VMEXIT_EXCP23",
    "VMEXIT_EXCP24",       "VMEXIT_EXCP25",       "VMEXIT_EXCP26",       "VMEXIT_EXCP27",
    "VMEXIT_EXCP28 (#HV)", "VMEXIT_EXCP29 (#VC)", "VMEXIT_EXCP30 (#SX)", "VMEXIT_EXCP31",
};

/* Exit codes 0x60 .. 0xA4, indexed from 0x40 (the exceptions come from the table above). */
static const char *const dense_names[DENSE_LAST - SVM_EXIT_EXCEPTION_BASE + 1] = {
    DENSE(SVM_EXIT_INTR) = "VMEXIT_INTR",
    DENSE(SVM_EXIT_NMI) = "VMEXIT_NMI",
    DENSE(SVM_EXIT_SMI) = "VMEXIT_SMI",
    DENSE(SVM_EXIT_INIT) = "VMEXIT_INIT",
    DENSE(SVM_EXIT_VINTR) = "VMEXIT_VINTR",
    DENSE(SVM_EXIT_CR0_SEL_WRITE) = "VMEXIT_CR0_SEL_WRITE",
    DENSE(SVM_EXIT_IDTR_READ) = "VMEXIT_IDTR_READ",
    DENSE(SVM_EXIT_GDTR_READ) = "VMEXIT_GDTR_READ",
    DENSE(SVM_EXIT_LDTR_READ) = "VMEXIT_LDTR_READ",
    DENSE(SVM_EXIT_TR_READ) = "VMEXIT_TR_READ",
    DENSE(SVM_EXIT_IDTR_WRITE) = "VMEXIT_IDTR_WRITE",
    DENSE(SVM_EXIT_GDTR_WRITE) = "VMEXIT_GDTR_WRITE",
    DENSE(SVM_EXIT_LDTR_WRITE) = "VMEXIT_LDTR_WRITE",
    DENSE(SVM_EXIT_TR_WRITE) = "VMEXIT_TR_WRITE",
    DENSE(SVM_EXIT_RDTSC) = "VMEXIT_RDTSC",
    DENSE(SVM_EXIT_RDPMC) = "VMEXIT_RDPMC",
    DENSE(SVM_EXIT_PUSHF) = "VMEXIT_PUSHF",
    DENSE(SVM_EXIT_POPF) = "VMEXIT_POPF",
    DENSE(SVM_EXIT_CPUID) = "VMEXIT_CPUID",
    DENSE(SVM_EXIT_RSM) = "VMEXIT_RSM",
    DENSE(SVM_EXIT_IRET) = "VMEXIT_IRET",
    DENSE(SVM_EXIT_SWINT) = "VMEXIT_SWINT",
    DENSE(SVM_EXIT_INVD) = "VMEXIT_INVD",
    DENSE(SVM_EXIT_PAUSE) = "VMEXIT_PAUSE",
    DENSE(SVM_EXIT_HLT) = "VMEXIT_HLT",
    DENSE(SVM_EXIT_INVLPG) = "VMEXIT_INVLPG",
    DENSE(SVM_EXIT_INVLPGA) = "VMEXIT_INVLPGA",
    DENSE(SVM_EXIT_IOIO) = "VMEXIT_IOIO",
    DENSE(SVM_EXIT_MSR) = "VMEXIT_MSR",
    DENSE(SVM_EXIT_TASK_SWITCH) = "VMEXIT_TASK_SWITCH",
    DENSE(SVM_EXIT_FERR_FREEZE) = "VMEXIT_FERR_FREEZE",
    DENSE(SVM_EXIT_SHUTDOWN) = "VMEXIT_SHUTDOWN",
    DENSE(SVM_EXIT_VMRUN) = "VMEXIT_VMRUN",
    DENSE(SVM_EXIT_VMMCALL) = "VMEXIT_VMMCALL",
    DENSE(SVM_EXIT_VMLOAD) = "VMEXIT_VMLOAD",
    DENSE(SVM_EXIT_VMSAVE) = "VMEXIT_VMSAVE",
    DENSE(SVM_EXIT_STGI) = "VMEXIT_STGI",
    DENSE(SVM_EXIT_CLGI) = "VMEXIT_CLGI",
    DENSE(SVM_EXIT_SKINIT) = "VMEXIT_SKINIT",
    DENSE(SVM_EXIT_RDTSCP) = "VMEXIT_RDTSCP",
    DENSE(SVM_EXIT_ICEBP) = "VMEXIT_ICEBP",
    DENSE(SVM_EXIT_WBINVD) = "VMEXIT_WBINVD",
    DENSE(SVM_EXIT_MONITOR) = "VMEXIT_MONITOR",
    DENSE(SVM_EXIT_MWAIT) = "VMEXIT_MWAIT",
    DENSE(SVM_EXIT_MWAIT_CONDITIONAL) = "VMEXIT_MWAIT_CONDITIONAL",
    DENSE(SVM_EXIT_XSETBV) = "VMEXIT_XSETBV",
    DENSE(SVM_EXIT_RDPRU) = "VMEXIT_RDPRU",
    DENSE(SVM_EXIT_EFER_WRITE_TRAP) = "VMEXIT_EFER_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 0) = "VMEXIT_CR0_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 1) = "VMEXIT_CR1_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 2) = "VMEXIT_CR2_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 3) = "VMEXIT_CR3_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 4) = "VMEXIT_CR4_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 5) = "VMEXIT_CR5_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 6) = "VMEXIT_CR6_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 7) = "VMEXIT_CR7_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 8) = "VMEXIT_CR8_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 9) = "VMEXIT_CR9_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 10) = "VMEXIT_CR10_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 11) = "VMEXIT_CR11_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 12) = "VMEXIT_CR12_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 13) = "VMEXIT_CR13_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 14) = "VMEXIT_CR14_WRITE_TRAP",
    DENSE(SVM_EXIT_CR_WRITE_TRAP_BASE + 15) = "VMEXIT_CR15_WRITE_TRAP",
    DENSE(SVM_EXIT_INVLPGB) = "VMEXIT_INVLPGB",
    DENSE(SVM_EXIT_INVLPGB_ILLEGAL) = "VMEXIT_INVLPGB_ILLEGAL",
    DENSE(SVM_EXIT_INVPCID) = "VMEXIT_INVPCID",
    DENSE(SVM_EXIT_MCOMMIT) = "VMEXIT_MCOMMIT",
    DENSE(SVM_EXIT_TLBSYNC) = "VMEXIT_TLBSYNC",
};

static const char *const high_names[] = {
    HIGH(SVM_EXIT_NPF) = "VMEXIT_NPF",
    HIGH(SVM_EXIT_AVIC_INCOMPLETE_IPI) = "VMEXIT_AVIC_INCOMPLETE_IPI",
    HIGH(SVM_EXIT_AVIC_NOACCEL) = "VMEXIT_AVIC_NOACCEL",
    HIGH(SVM_EXIT_VMGEXIT) = "VMEXIT_VMGEXIT",
};

_Static_assert(SVM_RAW_DENSE_FIRST + ARRAY_LEN(dense_names) == SVM_RAW_NPF,
               "raw reasons 4..104 are exit codes 0x40..0xA4");
/* The codes numbered after the others, in raw-reason order from SVM_RAW_INVALID. */
static const struct {
    uint64_t code;
    const char *name;
} tail[] = {
    {SVM_EXIT_INVALID, "VMEXIT_INVALID"},
    {SVM_EXIT_BUSY, "VMEXIT_BUSY"},
    {SVM_EXIT_BUSLOCK, "VMEXIT_BUSLOCK"},
    {SVM_EXIT_IDLE_HLT, "VMEXIT_IDLE_HLT"},
    {SVM_EXIT_IDLE_REQUIRED, "VMEXIT_IDLE_REQUIRED"},
    {SVM_EXIT_INVALID_PMC, "VMEXIT_INVALID_PMC"},
};

_Static_assert(SVM_RAW_NPF + ARRAY_LEN(high_names) == SVM_RAW_INVALID,
               "raw reasons 105..108 are exit codes 0x400..0x403");
_Static_assert(SVM_RAW_INVALID + ARRAY_LEN(tail) == SVM_RAW_UNKNOWN,
               "raw reasons 109..114 are the tail codes");
_Static_assert(SVM_RAW_REASON_COUNT == SVM_RAW_UNKNOWN + 1, "unknown is the last slot");
_Static_assert(SVM_RAW_REASON_COUNT <= 128, "must fit VCPU_RAW_REASONS_MAX");

#define LOW32_MASK          0xFFFFFFFFull
#define NEGATIVE_CODE_LOW32 ((uint32_t)SVM_EXIT_INVALID_PMC) /* -4 .. -1 in 32 bits */

uint64_t svm_exit_code_normalize(uint64_t code)
{
    if ((code & ~LOW32_MASK) == 0 && (uint32_t)code >= NEGATIVE_CODE_LOW32)
        return code | ~LOW32_MASK; /* sign-extend QEMU's 32-bit -1 .. -4 */
    return code;
}

uint32_t svm_raw_reason(uint64_t code)
{
    code = svm_exit_code_normalize(code);
    if (code < SVM_EXIT_EXCEPTION_BASE)
        return (uint32_t)(code / GROUP_SIZE); /* CR read, CR write, DR read, DR write */
    if (code <= DENSE_LAST)
        return SVM_RAW_DENSE_FIRST + (uint32_t)(code - SVM_EXIT_EXCEPTION_BASE);
    if (code >= SVM_EXIT_NPF && code <= SVM_EXIT_VMGEXIT)
        return SVM_RAW_NPF + (uint32_t)(code - SVM_EXIT_NPF);
    for (uint32_t i = 0; i < ARRAY_LEN(tail); i++)
        if (code == tail[i].code)
            return SVM_RAW_INVALID + i;
    return SVM_RAW_UNKNOWN;
}

const char *svm_raw_reason_name(uint32_t raw)
{
    static const char *const groups[] = {
        [SVM_RAW_CR_READ] = "VMEXIT_CRn_READ",
        [SVM_RAW_CR_WRITE] = "VMEXIT_CRn_WRITE",
        [SVM_RAW_DR_READ] = "VMEXIT_DRn_READ",
        [SVM_RAW_DR_WRITE] = "VMEXIT_DRn_WRITE",
    };
    const char *name = 0;
    if (raw < SVM_RAW_DENSE_FIRST)
        name = groups[raw];
    else if (raw < SVM_RAW_DENSE_FIRST + ARRAY_LEN(exception_names))
        name = exception_names[raw - SVM_RAW_DENSE_FIRST];
    else if (raw < SVM_RAW_NPF)
        name = dense_names[raw - SVM_RAW_DENSE_FIRST];
    else if (raw < SVM_RAW_INVALID)
        name = high_names[raw - SVM_RAW_NPF];
    else if (raw < SVM_RAW_UNKNOWN)
        name = tail[raw - SVM_RAW_INVALID].name;
    return name ? name : "unknown SVM exit code";
}

const char *svm_exit_code_name(uint64_t code)
{
    code = svm_exit_code_normalize(code);
    if (code < SVM_EXIT_EXCEPTION_BASE) {
        static const char *const cr_dr[4][GROUP_SIZE] = {
#define N16(kind, what)                                                                        \
    {"VMEXIT_" kind "0_" what,  "VMEXIT_" kind "1_" what,  "VMEXIT_" kind "2_" what,           \
     "VMEXIT_" kind "3_" what,  "VMEXIT_" kind "4_" what,  "VMEXIT_" kind "5_" what,           \
     "VMEXIT_" kind "6_" what,  "VMEXIT_" kind "7_" what,  "VMEXIT_" kind "8_" what,           \
     "VMEXIT_" kind "9_" what,  "VMEXIT_" kind "10_" what, "VMEXIT_" kind "11_" what,          \
     "VMEXIT_" kind "12_" what, "VMEXIT_" kind "13_" what, "VMEXIT_" kind "14_" what,          \
     "VMEXIT_" kind "15_" what}
            N16("CR", "READ"),
            N16("CR", "WRITE"),
            N16("DR", "READ"),
            N16("DR", "WRITE"),
#undef N16
        };
        return cr_dr[code / GROUP_SIZE][code % GROUP_SIZE];
    }
    uint32_t raw = svm_raw_reason(code);
    return raw == SVM_RAW_UNKNOWN ? "unknown SVM exit code" : svm_raw_reason_name(raw);
}
