/*
 * vmentry_state.h - a plain snapshot of everything VM entry checks, for the entry checker.
 *
 * When VMLAUNCH/VMRESUME fails (VM-instruction error 7 or 8) or the VM exits with basic
 * reason 33 ("VM-entry failure due to invalid guest state"), the VMX code reads the VMCS
 * into a struct vmentry_state and hands it to vmentry_check() (vmentry_check.h). The
 * snapshot holds no VMCS field encodings: controls are already decoded to booleans and
 * values, so the checker (and its host unit tests) never touch hardware.
 *
 * Follows the Intel SDM (revision pinned in docs/manuals.md):
 *   See: SDM Vol. 3C, "Guest-State Area", "Host-State Area", "VM-Execution Control Fields",
 *        "VM-Exit Control Fields", "VM-Entry Control Fields"
 *   See: SDM Vol. 3C, "VM Entries" (the checks themselves).
 * Pure definitions: safe to include from host unit tests.
 */
#ifndef HVLAB_ARCH_VMX_VMENTRY_STATE_H
#define HVLAB_ARCH_VMX_VMENTRY_STATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Access rights of a guest segment register as the VMCS stores them (the descriptor's
 * attribute bits, moved down to bit 0, plus an "unusable" flag the descriptor lacks).
 * See: SDM Vol. 3C, "Guest Register State", table "Format of Access Rights".
 *
 *   31         17  16   15   14   13   12  11   8   7   6 5   4   3    0
 *  +-------------+----+----+----+----+----+------+---+-----+---+------+
 *  |  reserved   |unus| G  |D/B | L  |AVL | rsvd | P | DPL | S | type |
 *  +-------------+----+----+----+----+----+------+---+-----+---+------+
 */
#define SEG_AR_TYPE_MASK      0x0000000Fu /* bits 3:0: segment type (SEG_TYPE_* below) */
#define SEG_AR_S              (1u << 4)   /* descriptor type: 1 = code/data, 0 = system */
#define SEG_AR_DPL_SHIFT      5u          /* bits 6:5: descriptor privilege level */
#define SEG_AR_DPL_MASK       (3u << SEG_AR_DPL_SHIFT)
#define SEG_AR_P              (1u << 7)   /* segment present */
#define SEG_AR_RESERVED_11_8  0x00000F00u /* bits 11:8: reserved, must be 0 */
#define SEG_AR_AVL            (1u << 12)  /* available to system software */
#define SEG_AR_L              (1u << 13)  /* CS only: 64-bit code segment */
#define SEG_AR_DB             (1u << 14)  /* default operation size: 1 = 32-bit */
#define SEG_AR_G              (1u << 15)  /* granularity: limit counts 4-KiB units */
#define SEG_AR_UNUSABLE       (1u << 16)  /* VMX only: 1 = register holds no segment */
#define SEG_AR_RESERVED_31_17 0xFFFE0000u /* bits 31:17: reserved, must be 0 */

/* The fields above cover all 32 bits exactly once (a sum equal to the OR means no overlap). */
#define SEG_AR_ALL_FIELDS                                                                      \
    (SEG_AR_TYPE_MASK | SEG_AR_S | SEG_AR_DPL_MASK | SEG_AR_P | SEG_AR_RESERVED_11_8 |         \
     SEG_AR_AVL | SEG_AR_L | SEG_AR_DB | SEG_AR_G | SEG_AR_UNUSABLE | SEG_AR_RESERVED_31_17)
_Static_assert(SEG_AR_ALL_FIELDS == 0xFFFFFFFFu, "access-rights fields cover 32 bits");
_Static_assert((uint64_t)SEG_AR_TYPE_MASK + SEG_AR_S + SEG_AR_DPL_MASK + SEG_AR_P +
                       SEG_AR_RESERVED_11_8 + SEG_AR_AVL + SEG_AR_L + SEG_AR_DB + SEG_AR_G +
                       SEG_AR_UNUSABLE + SEG_AR_RESERVED_31_17 ==
                   0xFFFFFFFFu,
               "access-rights fields do not overlap");

/* Named accessors, so checks never shift raw numbers. */
static inline uint32_t seg_ar_type(uint32_t ar) { return ar & SEG_AR_TYPE_MASK; }
static inline uint32_t seg_ar_dpl(uint32_t ar)
{
    return (ar & SEG_AR_DPL_MASK) >> SEG_AR_DPL_SHIFT;
}
static inline bool seg_ar_usable(uint32_t ar) { return (ar & SEG_AR_UNUSABLE) == 0; }

/*
 * Segment type bits (AR bits 3:0) and the whole type values the VM-entry checks name.
 * See: SDM Vol. 3A, "Code- and Data-Segment Descriptor Types" and
 *      "System Descriptor Types".
 */
#define SEG_TYPE_ACCESSED    (1u << 0) /* code/data: set by the CPU when the segment is used */
#define SEG_TYPE_WRITABLE    (1u << 1) /* data segments: writable */
#define SEG_TYPE_READABLE    (1u << 1) /* code segments: readable */
#define SEG_TYPE_EXPAND_DOWN (1u << 2) /* data segments: limit grows down (stacks) */
#define SEG_TYPE_CONFORMING  (1u << 2) /* code segments: callable from lower privilege */
#define SEG_TYPE_CODE        (1u << 3) /* code/data: 1 = code, 0 = data */

#define SEG_TYPE_DATA_RW_ACCESSED (SEG_TYPE_ACCESSED | SEG_TYPE_WRITABLE) /* 3 */
#define SEG_TYPE_DATA_RW_ACCESSED_DOWN                                                         \
    (SEG_TYPE_DATA_RW_ACCESSED | SEG_TYPE_EXPAND_DOWN)                             /* 7 */
#define SEG_TYPE_CODE_ACCESSED      (SEG_TYPE_CODE | SEG_TYPE_ACCESSED)            /* 9 */
#define SEG_TYPE_CODE_READ_ACCESSED (SEG_TYPE_CODE_ACCESSED | SEG_TYPE_READABLE)   /* 11 */
#define SEG_TYPE_CODE_CONF_ACCESSED (SEG_TYPE_CODE_ACCESSED | SEG_TYPE_CONFORMING) /* 13 */
#define SEG_TYPE_CODE_CONF_READ_ACCESSED                                                       \
    (SEG_TYPE_CODE_CONF_ACCESSED | SEG_TYPE_READABLE) /* 15 */

/* System types (S = 0). */
#define SEG_TYPE_LDT        2u  /* local descriptor table */
#define SEG_TYPE_TSS16_BUSY 3u  /* 16-bit busy TSS */
#define SEG_TYPE_TSS_BUSY   11u /* 32-bit busy TSS; in IA-32e mode, 64-bit busy TSS */

_Static_assert(SEG_TYPE_DATA_RW_ACCESSED == 3u && SEG_TYPE_DATA_RW_ACCESSED_DOWN == 7u &&
                   SEG_TYPE_CODE_ACCESSED == 9u && SEG_TYPE_CODE_READ_ACCESSED == 11u &&
                   SEG_TYPE_CODE_CONF_ACCESSED == 13u &&
                   SEG_TYPE_CODE_CONF_READ_ACCESSED == 15u,
               "segment type values match the SDM's numbering");

/* One guest segment register: the selector and its hidden descriptor cache. */
struct vmentry_segment {
    uint16_t selector;      /* bits 1:0 RPL, bit 2 TI, bits 15:3 index */
    uint64_t base;          /* linear base address */
    uint32_t limit;         /* limit in bytes (already scaled when G = 1) */
    uint32_t access_rights; /* SEG_AR_* layout above */
};

/*
 * One 32-bit VMX control word as written, with what the capability MSR allows.
 * The checker skips the word when captured is false.
 * See: SDM Vol. 3D, "VMX Capability Reporting Facility" (IA32_VMX_*_CTLS and the
 *      IA32_VMX_TRUE_*_CTLS MSRs: bits 31:0 allowed 0-settings, bits 63:32 allowed 1-settings).
 */
struct vmentry_control_word {
    bool captured;      /* false: not recorded in this snapshot, so not checked */
    uint32_t value;     /* the control field in the VMCS */
    uint32_t must_be_1; /* capability MSR bits 31:0: a 1 here means the control must be 1 */
    uint32_t may_be_1;  /* capability MSR bits 63:32: a 0 here means the control must be 0 */
};

/*
 * What the CPU supports, read from the VMX capability MSRs and CPUID.
 * See: SDM Vol. 3D, "VMX Capability Reporting Facility".
 */
struct vmentry_caps {
    uint64_t cr0_fixed0;        /* IA32_VMX_CR0_FIXED0: bits that must be 1 in CR0 */
    uint64_t cr0_fixed1;        /* IA32_VMX_CR0_FIXED1: bits that may be 1 in CR0 */
    uint64_t cr4_fixed0;        /* IA32_VMX_CR4_FIXED0 */
    uint64_t cr4_fixed1;        /* IA32_VMX_CR4_FIXED1 */
    uint8_t phys_addr_width;    /* MAXPHYADDR: CPUID.80000008H:EAX[7:0] */
    uint8_t linear_addr_width;  /* CPUID.80000008H:EAX[15:8]: 48, or 57 with 5-level paging */
    bool ept_walk_length_4;     /* IA32_VMX_EPT_VPID_CAP bit 6: 4-level EPT supported */
    bool ept_walk_length_5;     /* IA32_VMX_EPT_VPID_CAP bit 7: 5-level EPT supported */
    bool ept_uc;                /* IA32_VMX_EPT_VPID_CAP bit 8: EPTP may use UC */
    bool ept_wb;                /* IA32_VMX_EPT_VPID_CAP bit 14: EPTP may use WB */
    bool ept_accessed_dirty;    /* IA32_VMX_EPT_VPID_CAP bit 21: EPT A/D flags */
    bool ept_shadow_stack;      /* IA32_VMX_EPT_VPID_CAP bit 23: EPTP bit 7 allowed */
    bool monitor_trap_flag;     /* "monitor trap flag" may be 1 (allows event type 7) */
    bool zero_length_injection; /* IA32_VMX_MISC bit 30: instruction length 0 allowed */
    bool any_error_code;        /* IA32_VMX_BASIC bit 56: hardware exceptions may be
                                   injected with or without an error code */
    bool cpu_in_ia32e_mode;     /* IA32_EFER.LMA of the CPU executing VMLAUNCH (always 1
                                   for hvlab, a 64-bit UEFI application) */
};

/*
 * The VMX controls, decoded. Secondary controls are recorded as written; the checker
 * treats them as 0 unless activate_secondary is 1, exactly as the CPU does.
 * See: SDM Vol. 3C, "VM-Execution Control Fields", "VM-Exit Control Fields",
 *      "VM-Entry Control Fields".
 */
struct vmentry_controls {
    /* Raw control words, for the reserved-bit checks. */
    struct vmentry_control_word pin_based;
    struct vmentry_control_word proc_based;
    struct vmentry_control_word proc_based2;
    struct vmentry_control_word exit;
    struct vmentry_control_word entry;

    /* Pin-based VM-execution controls. */
    bool nmi_exiting;  /* "NMI exiting" */
    bool virtual_nmis; /* "virtual NMIs" */

    /* Primary processor-based VM-execution controls. */
    bool nmi_window_exiting; /* "NMI-window exiting" */
    bool use_io_bitmaps;     /* "use I/O bitmaps" */
    bool use_msr_bitmaps;    /* "use MSR bitmaps" */
    bool activate_secondary; /* "activate secondary controls" */

    /* Secondary processor-based VM-execution controls (as written). */
    bool enable_ept;         /* "enable EPT" */
    bool enable_vpid;        /* "enable VPID" */
    bool unrestricted_guest; /* "unrestricted guest" */
    bool vmcs_shadowing;     /* "VMCS shadowing" */

    /* Other VM-execution control fields. */
    uint32_t cr3_target_count;
    uint16_t vpid;
    uint64_t io_bitmap_a; /* physical address of I/O bitmap A (ports 0000H-7FFFH) */
    uint64_t io_bitmap_b; /* physical address of I/O bitmap B (ports 8000H-FFFFH) */
    uint64_t msr_bitmap;  /* physical address of the MSR bitmaps */
    uint64_t eptp;        /* extended-page-table pointer */

    /* VM-exit controls and fields. */
    bool host_addr_space_size; /* "host address-space size": 1 = 64-bit host */
    bool exit_load_pat;        /* "load IA32_PAT" (on VM exit) */
    bool exit_load_efer;       /* "load IA32_EFER" (on VM exit) */
    uint32_t exit_msr_store_count;
    uint64_t exit_msr_store_addr;
    uint32_t exit_msr_load_count;
    uint64_t exit_msr_load_addr;

    /* VM-entry controls and fields. */
    bool load_debug_controls; /* "load debug controls": DR7 and IA32_DEBUGCTL */
    bool ia32e_mode_guest;    /* "IA-32e mode guest" */
    bool load_pat;            /* "load IA32_PAT" (on VM entry) */
    bool load_efer;           /* "load IA32_EFER" (on VM entry) */
    uint32_t entry_msr_load_count;
    uint64_t entry_msr_load_addr;
    uint32_t entry_intr_info;            /* VM-entry interruption-information field */
    uint32_t entry_exception_error_code; /* VM-entry exception error code */
    uint32_t entry_instruction_length;   /* VM-entry instruction length */
};

/* Guest-state area. See: SDM Vol. 3C, "Guest-State Area". */
struct vmentry_guest {
    uint64_t cr0, cr3, cr4, dr7;
    uint64_t debugctl; /* IA32_DEBUGCTL */
    uint64_t sysenter_esp, sysenter_eip;
    uint64_t pat, efer;
    uint64_t rip, rsp, rflags;
    struct vmentry_segment es, cs, ss, ds, fs, gs, ldtr, tr;
    uint64_t gdtr_base, idtr_base;
    uint32_t gdtr_limit, idtr_limit;
    uint32_t activity_state;    /* 0 active, 1 HLT, 2 shutdown, 3 wait-for-SIPI */
    uint32_t interruptibility;  /* interruptibility state */
    uint64_t pending_debug;     /* pending debug exceptions */
    uint64_t vmcs_link_pointer; /* all ones unless VMCS shadowing is used */
};

/* Host-state area. See: SDM Vol. 3C, "Host-State Area". */
struct vmentry_host {
    uint64_t cr0, cr3, cr4, rip, rsp;
    uint16_t es_sel, cs_sel, ss_sel, ds_sel, fs_sel, gs_sel, tr_sel;
    uint64_t fs_base, gs_base, tr_base, gdtr_base, idtr_base;
    uint64_t sysenter_esp, sysenter_eip;
    uint64_t efer, pat;
};

/* Everything vmentry_check() looks at. Zero-initialise, then fill every field. */
struct vmentry_state {
    struct vmentry_caps cap;
    struct vmentry_controls ctl;
    struct vmentry_guest guest;
    struct vmentry_host host;
};

#endif
