/*
 * vmentry_check_internal.h - shared by the three vmentry_check*.c files (and their tests):
 * the check context, the FAIL() reporter, and the bit layouts only the checks need.
 *
 * Follows the Intel SDM (revision pinned in docs/manuals.md); each layout cites its section.
 * Not for use outside arch/x86_64/vmx/vmentry_check*.c and tests/unit/test_vmentry_check.c.
 */
#ifndef HVLAB_ARCH_VMX_VMENTRY_CHECK_INTERNAL_H
#define HVLAB_ARCH_VMX_VMENTRY_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/vmx/vmentry_check.h"
#include "arch/x86_64/vmx/vmentry_state.h"

/* ---- SDM section titles a finding cites (See: SDM Vol. 3C, "VM Entries"). ---- */
#define SDM_CHECKS_VMX_CONTROLS       "Checks on VMX Controls"
#define SDM_CHECKS_HOST_CR_MSR        "Checks on Host Control Registers, MSRs, and SSP"
#define SDM_CHECKS_HOST_SEGMENTS      "Checks on Host Segment and Descriptor-Table Registers"
#define SDM_CHECKS_ADDR_SPACE_SIZE    "Checks Related to Address-Space Size"
#define SDM_CHECKS_GUEST_CR_MSR       "Checks on Guest Control Registers, Debug Registers, and MSRs"
#define SDM_CHECKS_GUEST_SEGMENTS     "Checks on Guest Segment Registers"
#define SDM_CHECKS_GUEST_DTR          "Checks on Guest Descriptor-Table Registers"
#define SDM_CHECKS_GUEST_RIP_RFLAGS   "Checks on Guest RIP, RFLAGS, and SSP"
#define SDM_CHECKS_GUEST_NON_REGISTER "Checks on Guest Non-Register State"
#define SDM_CPUID                     "CPUID-CPU Identification" /* Vol. 2A; leaf 80000008H gives address widths */

/* ---- Segment selectors. See: SDM Vol. 3A, "Segment Selectors". ---- */
#define SEL_RPL_MASK 0x3u      /* bits 1:0: requested privilege level */
#define SEL_TI       (1u << 2) /* table indicator: 1 = LDT, 0 = GDT */
#define SEL_NULL     0x0u      /* the null selector */

/* Segment limit bits the G flag must agree with (See: "Checks on Guest Segment Registers"). */
#define SEG_LIMIT_LOW_12      0x00000FFFu /* any 0 here: the limit is not a page multiple, G = 0 */
#define SEG_LIMIT_HIGH_12     0xFFF00000u /* any 1 here: the limit exceeds 1 MiB, G = 1 */
#define SEG_V86_LIMIT         0x0000FFFFu /* virtual-8086 segments are 64 KiB */
#define SEG_V86_ACCESS_RIGHTS 0xF3u /* P=1, DPL=3, S=1, type 3 (read/write accessed data) */
#define SEG_V86_BASE_SHIFT    4u    /* virtual-8086 base = selector * 16 */
#define DTR_LIMIT_RESERVED    0xFFFF0000u /* GDTR/IDTR limits are 16 bits; bits 31:16 must be 0 */
#define ADDR_HIGH_32          0xFFFFFFFF00000000ull /* bits 63:32 of an address or RIP */

_Static_assert(SEG_V86_ACCESS_RIGHTS ==
                   (SEG_AR_P | (3u << SEG_AR_DPL_SHIFT) | SEG_AR_S | SEG_TYPE_DATA_RW_ACCESSED),
               "virtual-8086 access rights are P, DPL 3, S, read/write accessed data");

/*
 * VM-entry interruption-information field (event injection).
 * See: SDM Vol. 3C, "VM-Entry Controls for Event Injection".
 *
 *    31    30       12   11          10   8   7      0
 *  +-----+-----------+----------------+------+--------+
 *  |valid| reserved  | deliver errcode| type | vector |
 *  +-----+-----------+----------------+------+--------+
 */
#define INJ_VECTOR_MASK        0x000000FFu /* bits 7:0: vector of the event */
#define INJ_TYPE_SHIFT         8u          /* bits 10:8: interruption type (INJ_TYPE_*) */
#define INJ_TYPE_MASK          (7u << INJ_TYPE_SHIFT)
#define INJ_DELIVER_ERROR_CODE (1u << 11)  /* push the VM-entry exception error code */
#define INJ_RESERVED           0x7FFFF000u /* bits 30:12: reserved, must be 0 */
#define INJ_VALID              (1u << 31)  /* 1 = inject this event on VM entry */
_Static_assert((uint64_t)INJ_VECTOR_MASK + INJ_TYPE_MASK + INJ_DELIVER_ERROR_CODE +
                       INJ_RESERVED + INJ_VALID ==
                   0xFFFFFFFFu,
               "interruption-information fields cover 32 bits without overlap");

/* Interruption types (bits 10:8). */
#define INJ_TYPE_EXTERNAL_INTERRUPT      0u
#define INJ_TYPE_RESERVED                1u
#define INJ_TYPE_NMI                     2u
#define INJ_TYPE_HARDWARE_EXCEPTION      3u
#define INJ_TYPE_SOFTWARE_INTERRUPT      4u
#define INJ_TYPE_PRIV_SOFTWARE_EXCEPTION 5u /* INT1 */
#define INJ_TYPE_SOFTWARE_EXCEPTION      6u /* INT3, INTO */
#define INJ_TYPE_OTHER_EVENT             7u /* vector 0: pending MTF VM exit */

/* Exception vectors the checks name. See: SDM Vol. 3A, "Exception and Interrupt Vectors". */
#define VEC_DB                     1u  /* debug exception */
#define VEC_NMI                    2u  /* non-maskable interrupt */
#define VEC_DF                     8u  /* double fault (error code) */
#define VEC_TS                     10u /* invalid TSS (error code) */
#define VEC_NP                     11u /* segment not present (error code) */
#define VEC_SS                     12u /* stack fault (error code) */
#define VEC_GP                     13u /* general protection (error code) */
#define VEC_PF                     14u /* page fault (error code) */
#define VEC_AC                     17u /* alignment check (error code) */
#define VEC_MC                     18u /* machine check */
#define VEC_CP                     21u /* control protection (error code) */
#define VEC_LAST_EXCEPTION         31u /* vectors 0-31 are exceptions */
#define OTHER_EVENT_MTF_VECTOR     0u  /* the only vector allowed with type "other event" */
#define INJ_ERROR_CODE_RESERVED    0xFFFF0000u /* error code bits 31:16 must be 0 */
#define INJ_INSTRUCTION_LENGTH_MAX 15u         /* longest x86 instruction */

/* Guest activity states. See: SDM Vol. 3C, "Guest Non-Register State". */
#define GUEST_ACTIVITY_ACTIVE        0u
#define GUEST_ACTIVITY_HLT           1u
#define GUEST_ACTIVITY_SHUTDOWN      2u
#define GUEST_ACTIVITY_WAIT_FOR_SIPI 3u

/* Guest interruptibility state. See: SDM Vol. 3C, "Guest Non-Register State". */
#define BLOCKING_BY_STI           (1u << 0)   /* the instruction after STI */
#define BLOCKING_BY_MOV_SS        (1u << 1)   /* the instruction after MOV SS / POP SS */
#define BLOCKING_BY_SMI           (1u << 2)   /* inside SMM */
#define BLOCKING_BY_NMI           (1u << 3)   /* inside an NMI handler */
#define ENCLAVE_INTERRUPTION      (1u << 4)   /* VM exit interrupted an SGX enclave */
#define INTERRUPTIBILITY_RESERVED 0xFFFFFFE0u /* bits 31:5 */

/* Guest pending debug exceptions. See: SDM Vol. 3C, "Guest Non-Register State". */
#define PENDING_DBG_B0_B3      0x000000000000000Full /* bits 3:0: breakpoint conditions met */
#define PENDING_DBG_ENABLED_BP (1ull << 12)          /* an enabled breakpoint was met */
#define PENDING_DBG_BS         (1ull << 14)          /* single-step trap pending */
#define PENDING_DBG_RTM        (1ull << 16)          /* debug exception inside an RTM region */
#define PENDING_DBG_RESERVED                                                                   \
    (~(PENDING_DBG_B0_B3 | PENDING_DBG_ENABLED_BP | PENDING_DBG_BS | PENDING_DBG_RTM))

#define VMCS_LINK_POINTER_NONE UINT64_MAX /* "no shadow VMCS" */
#define PAGE_OFFSET_MASK       0xFFFull   /* bits 11:0: a 4-KiB-aligned address has them 0 */
#define MSR_AREA_ALIGN_MASK    0xFull     /* MSR load/store areas are 16-byte aligned */
#define MSR_AREA_ENTRY_SIZE    16u        /* bytes per MSR-area entry */
#define CR3_TARGET_COUNT_MAX   4u         /* CR3-target values the VMCS can hold */

/*
 * Extended-page-table pointer. See: SDM Vol. 3C, "Extended-Page-Table Pointer (EPTP)".
 *   bits 2:0 memory type, 5:3 page-walk length - 1, 6 A/D enable,
 *   7 supervisor shadow-stack enable, 11:8 reserved, N-1:12 PML4/PML5 address.
 */
#define EPTP_MEMTYPE_MASK  0x7ull
#define EPTP_MEMTYPE_UC    0ull
#define EPTP_MEMTYPE_WB    6ull
#define EPTP_WALK_SHIFT    3u
#define EPTP_WALK_MASK     (7ull << EPTP_WALK_SHIFT)
#define EPTP_WALK_4_LEVELS (3ull << EPTP_WALK_SHIFT) /* field holds levels minus 1 */
#define EPTP_WALK_5_LEVELS (4ull << EPTP_WALK_SHIFT)
#define EPTP_AD_ENABLE     (1ull << 6)
#define EPTP_SSS_ENABLE    (1ull << 7)
#define EPTP_RESERVED_11_8 0xF00ull

/* IA32_DEBUGCTL bits. See: SDM Vol. 3B, "IA32_DEBUGCTL MSR" (newer CPUs define more). */
#define DEBUGCTL_BTF      (1ull << 1)            /* single-step on branches */
#define DEBUGCTL_RESERVED (0x38ull | ~0xFFFFull) /* bits 5:3 and 63:16 */

/* IA32_EFER bits Intel defines; all others are reserved. See: "Extended Feature Enable Register". */
#define EFER_RESERVED (~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))

/* IA32_PAT: eight one-byte entries. See: SDM Vol. 3A, "IA32_PAT MSR". */
#define PAT_ENTRIES       8u
#define PAT_ENTRY_BITS    8u
#define PAT_ENTRY_MASK    0xFFull
#define PAT_TYPE_UC       0u /* uncacheable */
#define PAT_TYPE_WC       1u /* write combining */
#define PAT_TYPE_WT       4u /* write through */
#define PAT_TYPE_WP       5u /* write protected */
#define PAT_TYPE_WB       6u /* write back */
#define PAT_TYPE_UC_MINUS 7u /* UC- */

/* Address widths the snapshot may report. See: CPUID leaf 80000008H. */
#define ADDRESS_BITS          64u /* bits in a register holding an address */
#define PHYS_ADDR_WIDTH_MIN   32u
#define PHYS_ADDR_WIDTH_MAX   52u
#define LINEAR_ADDR_WIDTH_MIN 48u
#define LINEAR_ADDR_WIDTH_MAX 64u

/* ---- The check context. ---- */
struct vmentry_ctx {
    const struct vmentry_state *s;
    struct vmentry_finding *out;
    enum vmentry_failure failure; /* what the current group's failure looks like */
    const char *area;             /* VMENTRY_AREA_* of the current group */
    const char *section;          /* SDM_CHECKS_* of the current group */
    const char *reg;              /* name printed for %r, e.g. "DS" */
    /* Effective secondary controls: 0 unless "activate secondary controls" is 1. */
    bool unrestricted_guest, enable_ept, enable_vpid, vmcs_shadowing;
};

/* vmentry_begin - start a group of checks: later failures name this area and section. */
void vmentry_begin(struct vmentry_ctx *c, enum vmentry_failure failure, const char *area,
                   const char *section);

/*
 * vmentry_fail - record the failing check and return false.
 * text is a message template: %x prints the next value in hex (0x...), %u in decimal,
 * %r prints c->reg. Use it through FAIL(), which pads missing values with 0:
 *     if (bad) return FAIL(c, "guest CR0 %x has PG=1 but PE=0", g->cr0);
 */
bool vmentry_fail(struct vmentry_ctx *c, const char *text, uint64_t v1, uint64_t v2,
                  uint64_t v3);
#define FAIL(ctx, ...) FAIL_PAD_(ctx, __VA_ARGS__, 0, 0, 0, 0)
#define FAIL_PAD_(ctx, text, v1, v2, v3, ...)                                                  \
    vmentry_fail((ctx), (text), (uint64_t)(v1), (uint64_t)(v2), (uint64_t)(v3))

/* Address helpers. width is a CPUID address width in bits. */
bool vmentry_canonical(uint64_t addr, unsigned width);    /* bits 63:width-1 all equal */
bool vmentry_within_width(uint64_t addr, unsigned width); /* bits 63:width all 0 */
bool vmentry_pat_valid(uint64_t pat); /* each byte is UC, WC, WT, WP, WB or UC- */

/* The groups, in SDM order; each returns true when all its checks pass. */
bool vmentry_check_controls(struct vmentry_ctx *c);       /* vmentry_check.c */
bool vmentry_check_host(struct vmentry_ctx *c);           /* vmentry_check_host.c */
bool vmentry_check_guest_regs(struct vmentry_ctx *c);     /* vmentry_check_guest.c */
bool vmentry_check_guest_segments(struct vmentry_ctx *c); /* vmentry_check_segments.c */
bool vmentry_check_guest_rest(struct vmentry_ctx *c);     /* vmentry_check_guest.c */

#endif
