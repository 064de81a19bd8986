/*
 * vmcs_fields.h - VMCS field encodings: the numbers VMREAD and VMWRITE take.
 *
 * The VMCS is an opaque 4 KiB region; software never touches it with plain
 * loads and stores. Each field is named by a 32-bit "encoding" that says how
 * wide the field is, which area it belongs to, and its index in that area.
 *
 * Follows: Intel SDM Vol. 3D, Appendix B "Field Encoding in VMCS" (tables
 * cited by title on each group below) and Vol. 3C "Components of the VMCS" /
 * "VMREAD, VMWRITE, and Encodings of VMCS Fields".
 *
 * Layout of an encoding (only bits 15:0 are used, 31:16 must be 0):
 *
 *    15  14   13  12  11   10  9                  1   0
 *   +---+-------+---+--------+---------------------+------+
 *   | 0 | width | 0 |  type  |        index        | high |
 *   +---+-------+---+--------+---------------------+------+
 *    width: 0 = 16-bit, 1 = 64-bit, 2 = 32-bit, 3 = natural-width
 *    type:  0 = control, 1 = VM-exit information (read-only),
 *           2 = guest state, 3 = host state
 *    high:  1 selects the upper 32 bits of a 64-bit field ("high" access)
 *
 * So e.g. 0x4816 = width 2 (32-bit), type 2 (guest), index 11: GUEST_CS_AR.
 */
#ifndef HVLAB_ARCH_X86_64_VMX_VMCS_FIELDS_H
#define HVLAB_ARCH_X86_64_VMX_VMCS_FIELDS_H

#include <stdint.h>

/* ---- Encoding bits. See: "VMREAD, VMWRITE, and Encodings of VMCS Fields" */
#define VMCS_ENC_ACCESS_HIGH   (1u << 0) /* access type: upper half of a 64-bit field */
#define VMCS_ENC_INDEX_SHIFT   1         /* bits 9:1: index within width+type */
#define VMCS_ENC_INDEX_MASK    0x1FFu
#define VMCS_ENC_TYPE_SHIFT    10 /* bits 11:10: control/read-only/guest/host */
#define VMCS_ENC_TYPE_MASK     0x3u
#define VMCS_ENC_WIDTH_SHIFT   13 /* bits 14:13: 16/64/32/natural */
#define VMCS_ENC_WIDTH_MASK    0x3u
#define VMCS_ENC_RESERVED_BITS ((1u << 12) | (1u << 15) | 0xFFFF0000u) /* must be 0 */

/* Field width, bits 14:13. See: "VMREAD, VMWRITE, and Encodings of VMCS Fields" */
enum vmcs_field_width {
    VMCS_WIDTH_16 = 0,      /* 16-bit */
    VMCS_WIDTH_64 = 1,      /* 64-bit */
    VMCS_WIDTH_32 = 2,      /* 32-bit */
    VMCS_WIDTH_NATURAL = 3, /* natural width: 64 bits on a 64-bit CPU */
};

/* Field type (area), bits 11:10. See: "VMREAD, VMWRITE, and Encodings of VMCS Fields" */
enum vmcs_field_type {
    VMCS_TYPE_CONTROL = 0,   /* VM-execution, VM-exit and VM-entry controls */
    VMCS_TYPE_READ_ONLY = 1, /* VM-exit information fields */
    VMCS_TYPE_GUEST = 2,     /* guest-state area */
    VMCS_TYPE_HOST = 3,      /* host-state area */
};

/* Constant-expression decoders (usable in _Static_assert and switch labels). */
#define VMCS_FIELD_WIDTH(enc)   (((uint32_t)(enc) >> VMCS_ENC_WIDTH_SHIFT) & VMCS_ENC_WIDTH_MASK)
#define VMCS_FIELD_TYPE(enc)    (((uint32_t)(enc) >> VMCS_ENC_TYPE_SHIFT) & VMCS_ENC_TYPE_MASK)
#define VMCS_FIELD_INDEX(enc)   (((uint32_t)(enc) >> VMCS_ENC_INDEX_SHIFT) & VMCS_ENC_INDEX_MASK)
#define VMCS_FIELD_IS_HIGH(enc) (((uint32_t)(enc)&VMCS_ENC_ACCESS_HIGH) != 0)
/* The "high" encoding of a 64-bit field (only needed by 32-bit code). */
#define VMCS_FIELD_HIGH(enc)    ((uint32_t)(enc) | VMCS_ENC_ACCESS_HIGH)

enum vmcs_field {
    /* ---- Table "Encoding for 16-Bit Control Fields (0000_00xx_xxxx_xxx0B)" */
    VMCS_CTRL_VPID = 0x0000,                      /* virtual-processor identifier */
    VMCS_CTRL_POSTED_INTR_NOTIFY_VECTOR = 0x0002, /* posted-interrupt notification vector */
    VMCS_CTRL_EPTP_INDEX = 0x0004,                /* EPTP index (#VE) */

    /* ---- Table "Encodings for 16-Bit Guest-State Fields (0000_10xx_xxxx_xxx0B)" */
    VMCS_GUEST_ES_SELECTOR = 0x0800,
    VMCS_GUEST_CS_SELECTOR = 0x0802,
    VMCS_GUEST_SS_SELECTOR = 0x0804,
    VMCS_GUEST_DS_SELECTOR = 0x0806,
    VMCS_GUEST_FS_SELECTOR = 0x0808,
    VMCS_GUEST_GS_SELECTOR = 0x080A,
    VMCS_GUEST_LDTR_SELECTOR = 0x080C,
    VMCS_GUEST_TR_SELECTOR = 0x080E,
    VMCS_GUEST_INTR_STATUS = 0x0810, /* guest interrupt status (APICv) */
    VMCS_GUEST_PML_INDEX = 0x0812,   /* page-modification-log index */

    /* ---- Table "Encodings for 16-Bit Host-State Fields (0000_11xx_xxxx_xxx0B)" */
    VMCS_HOST_ES_SELECTOR = 0x0C00,
    VMCS_HOST_CS_SELECTOR = 0x0C02,
    VMCS_HOST_SS_SELECTOR = 0x0C04,
    VMCS_HOST_DS_SELECTOR = 0x0C06,
    VMCS_HOST_FS_SELECTOR = 0x0C08,
    VMCS_HOST_GS_SELECTOR = 0x0C0A,
    VMCS_HOST_TR_SELECTOR = 0x0C0C,

    /* ---- Table "Encodings for 64-Bit Control Fields (0010_00xx_xxxx_xxxAb)"
	 * (full encodings; add VMCS_ENC_ACCESS_HIGH for the upper half) */
    VMCS_CTRL_IO_BITMAP_A = 0x2000, /* physical address of I/O bitmap A (ports 0-7FFF) */
    VMCS_CTRL_IO_BITMAP_B = 0x2002, /* physical address of I/O bitmap B (ports 8000-FFFF) */
    VMCS_CTRL_MSR_BITMAP = 0x2004,  /* physical address of the MSR bitmaps */
    VMCS_CTRL_EXIT_MSR_STORE_ADDR = 0x2006,    /* VM-exit MSR-store address */
    VMCS_CTRL_EXIT_MSR_LOAD_ADDR = 0x2008,     /* VM-exit MSR-load address */
    VMCS_CTRL_ENTRY_MSR_LOAD_ADDR = 0x200A,    /* VM-entry MSR-load address */
    VMCS_CTRL_EXECUTIVE_VMCS_POINTER = 0x200C, /* executive-VMCS pointer (SMM) */
    VMCS_CTRL_PML_ADDR = 0x200E,               /* PML address */
    VMCS_CTRL_TSC_OFFSET = 0x2010,             /* TSC offset */
    VMCS_CTRL_VIRTUAL_APIC_ADDR = 0x2012,      /* virtual-APIC address */
    VMCS_CTRL_APIC_ACCESS_ADDR = 0x2014,       /* APIC-access address */
    VMCS_CTRL_POSTED_INTR_DESC_ADDR = 0x2016,  /* posted-interrupt descriptor address */
    VMCS_CTRL_VMFUNC_CONTROLS = 0x2018,        /* VM-function controls */
    VMCS_CTRL_EPT_POINTER = 0x201A,            /* EPT pointer (EPTP) */
    VMCS_CTRL_EOI_EXIT_BITMAP0 = 0x201C,       /* EOI-exit bitmap 0 */
    VMCS_CTRL_EOI_EXIT_BITMAP1 = 0x201E,       /* EOI-exit bitmap 1 */
    VMCS_CTRL_EOI_EXIT_BITMAP2 = 0x2020,       /* EOI-exit bitmap 2 */
    VMCS_CTRL_EOI_EXIT_BITMAP3 = 0x2022,       /* EOI-exit bitmap 3 */
    VMCS_CTRL_EPTP_LIST_ADDR = 0x2024,         /* EPTP-list address */
    VMCS_CTRL_VMREAD_BITMAP = 0x2026,          /* VMREAD-bitmap address */
    VMCS_CTRL_VMWRITE_BITMAP = 0x2028,         /* VMWRITE-bitmap address */
    VMCS_CTRL_VE_INFO_ADDR = 0x202A,       /* virtualization-exception information address */
    VMCS_CTRL_XSS_EXITING_BITMAP = 0x202C, /* XSS-exiting bitmap */
    VMCS_CTRL_TSC_MULTIPLIER = 0x2032,     /* TSC multiplier */

    /* ---- Table "Encodings for 64-Bit Read-Only Data Field (0010_01xx_xxxx_xxxAb)" */
    VMCS_RO_GUEST_PHYSICAL_ADDRESS = 0x2400, /* faulting GPA on EPT violation/misconfig */

    /* ---- Table "Encodings for 64-Bit Guest-State Fields (0010_10xx_xxxx_xxxAb)" */
    VMCS_GUEST_VMCS_LINK_POINTER = 0x2800, /* must be all ones unless VMCS shadowing */
    VMCS_GUEST_IA32_DEBUGCTL = 0x2802,
    VMCS_GUEST_IA32_PAT = 0x2804,
    VMCS_GUEST_IA32_EFER = 0x2806,
    VMCS_GUEST_IA32_PERF_GLOBAL_CTRL = 0x2808,
    VMCS_GUEST_PDPTE0 = 0x280A, /* PAE PDPTEs, used with EPT + PAE paging */
    VMCS_GUEST_PDPTE1 = 0x280C,
    VMCS_GUEST_PDPTE2 = 0x280E,
    VMCS_GUEST_PDPTE3 = 0x2810,
    VMCS_GUEST_IA32_BNDCFGS = 0x2812,

    /* ---- Table "Encodings for 64-Bit Host-State Fields (0010_11xx_xxxx_xxxAb)" */
    VMCS_HOST_IA32_PAT = 0x2C00,
    VMCS_HOST_IA32_EFER = 0x2C02,
    VMCS_HOST_IA32_PERF_GLOBAL_CTRL = 0x2C04,

    /* ---- Table "Encodings for 32-Bit Control Fields (0100_00xx_xxxx_xxx0B)" */
    VMCS_CTRL_PIN_BASED = 0x4000,            /* pin-based VM-execution controls */
    VMCS_CTRL_PROC_BASED = 0x4002,           /* primary processor-based VM-execution controls */
    VMCS_CTRL_EXCEPTION_BITMAP = 0x4004,     /* bit n = 1: exception vector n exits */
    VMCS_CTRL_PF_ERRCODE_MASK = 0x4006,      /* page-fault error-code mask */
    VMCS_CTRL_PF_ERRCODE_MATCH = 0x4008,     /* page-fault error-code match */
    VMCS_CTRL_CR3_TARGET_COUNT = 0x400A,     /* CR3-target count */
    VMCS_CTRL_EXIT = 0x400C,                 /* primary VM-exit controls */
    VMCS_CTRL_EXIT_MSR_STORE_COUNT = 0x400E, /* VM-exit MSR-store count */
    VMCS_CTRL_EXIT_MSR_LOAD_COUNT = 0x4010,  /* VM-exit MSR-load count */
    VMCS_CTRL_ENTRY = 0x4012,                /* VM-entry controls */
    VMCS_CTRL_ENTRY_MSR_LOAD_COUNT = 0x4014, /* VM-entry MSR-load count */
    VMCS_CTRL_ENTRY_INTR_INFO = 0x4016,      /* VM-entry interruption-information field */
    VMCS_CTRL_ENTRY_EXCEPTION_ERRCODE = 0x4018, /* VM-entry exception error code */
    VMCS_CTRL_ENTRY_INSTR_LEN = 0x401A,         /* VM-entry instruction length */
    VMCS_CTRL_TPR_THRESHOLD = 0x401C,           /* TPR threshold */
    VMCS_CTRL_PROC_BASED2 = 0x401E, /* secondary processor-based VM-execution controls */
    VMCS_CTRL_PLE_GAP = 0x4020,     /* PAUSE-loop exiting gap */
    VMCS_CTRL_PLE_WINDOW = 0x4022,  /* PAUSE-loop exiting window */

    /* ---- Table "Encodings for 32-Bit Read-Only Data Fields (0100_01xx_xxxx_xxx0B)" */
    VMCS_RO_VM_INSTRUCTION_ERROR = 0x4400,  /* see enum vmx_instruction_error */
    VMCS_RO_EXIT_REASON = 0x4402,           /* basic reason in bits 15:0 */
    VMCS_RO_EXIT_INTR_INFO = 0x4404,        /* VM-exit interruption information */
    VMCS_RO_EXIT_INTR_ERRCODE = 0x4406,     /* VM-exit interruption error code */
    VMCS_RO_IDT_VECTORING_INFO = 0x4408,    /* IDT-vectoring information field */
    VMCS_RO_IDT_VECTORING_ERRCODE = 0x440A, /* IDT-vectoring error code */
    VMCS_RO_EXIT_INSTR_LEN = 0x440C,        /* VM-exit instruction length */
    VMCS_RO_EXIT_INSTR_INFO = 0x440E,       /* VM-exit instruction information */

    /* ---- Table "Encodings for 32-Bit Guest-State Fields (0100_10xx_xxxx_xxx0B)" */
    VMCS_GUEST_ES_LIMIT = 0x4800,
    VMCS_GUEST_CS_LIMIT = 0x4802,
    VMCS_GUEST_SS_LIMIT = 0x4804,
    VMCS_GUEST_DS_LIMIT = 0x4806,
    VMCS_GUEST_FS_LIMIT = 0x4808,
    VMCS_GUEST_GS_LIMIT = 0x480A,
    VMCS_GUEST_LDTR_LIMIT = 0x480C,
    VMCS_GUEST_TR_LIMIT = 0x480E,
    VMCS_GUEST_GDTR_LIMIT = 0x4810,
    VMCS_GUEST_IDTR_LIMIT = 0x4812,
    VMCS_GUEST_ES_AR = 0x4814, /* access rights */
    VMCS_GUEST_CS_AR = 0x4816,
    VMCS_GUEST_SS_AR = 0x4818,
    VMCS_GUEST_DS_AR = 0x481A,
    VMCS_GUEST_FS_AR = 0x481C,
    VMCS_GUEST_GS_AR = 0x481E,
    VMCS_GUEST_LDTR_AR = 0x4820,
    VMCS_GUEST_TR_AR = 0x4822,
    VMCS_GUEST_INTERRUPTIBILITY = 0x4824, /* interruptibility state */
    VMCS_GUEST_ACTIVITY_STATE = 0x4826,   /* see enum vmx_activity_state */
    VMCS_GUEST_SMBASE = 0x4828,
    VMCS_GUEST_IA32_SYSENTER_CS = 0x482A,
    VMCS_GUEST_PREEMPTION_TIMER = 0x482E, /* VMX-preemption timer value */

    /* ---- Table "Encoding for 32-Bit Host-State Field (0100_11xx_xxxx_xxx0B)" */
    VMCS_HOST_IA32_SYSENTER_CS = 0x4C00,

    /* ---- Table "Encodings for Natural-Width Control Fields (0110_00xx_xxxx_xxx0B)" */
    VMCS_CTRL_CR0_GUEST_HOST_MASK = 0x6000, /* 1 = bit owned by the host */
    VMCS_CTRL_CR4_GUEST_HOST_MASK = 0x6002,
    VMCS_CTRL_CR0_READ_SHADOW = 0x6004, /* what the guest reads for host-owned bits */
    VMCS_CTRL_CR4_READ_SHADOW = 0x6006,
    VMCS_CTRL_CR3_TARGET_VALUE0 = 0x6008,
    VMCS_CTRL_CR3_TARGET_VALUE1 = 0x600A,
    VMCS_CTRL_CR3_TARGET_VALUE2 = 0x600C,
    VMCS_CTRL_CR3_TARGET_VALUE3 = 0x600E,

    /* ---- Table "Encodings for Natural-Width Read-Only Data Fields (0110_01xx_xxxx_xxx0B)" */
    VMCS_RO_EXIT_QUALIFICATION = 0x6400, /* decode with vmx_exit_qual.h */
    VMCS_RO_IO_RCX = 0x6402,             /* I/O RCX (SMI after I/O) */
    VMCS_RO_IO_RSI = 0x6404,
    VMCS_RO_IO_RDI = 0x6406,
    VMCS_RO_IO_RIP = 0x6408,
    VMCS_RO_GUEST_LINEAR_ADDRESS = 0x640A,

    /* ---- Table "Encodings for Natural-Width Guest-State Fields (0110_10xx_xxxx_xxx0B)" */
    VMCS_GUEST_CR0 = 0x6800,
    VMCS_GUEST_CR3 = 0x6802,
    VMCS_GUEST_CR4 = 0x6804,
    VMCS_GUEST_ES_BASE = 0x6806,
    VMCS_GUEST_CS_BASE = 0x6808,
    VMCS_GUEST_SS_BASE = 0x680A,
    VMCS_GUEST_DS_BASE = 0x680C,
    VMCS_GUEST_FS_BASE = 0x680E,
    VMCS_GUEST_GS_BASE = 0x6810,
    VMCS_GUEST_LDTR_BASE = 0x6812,
    VMCS_GUEST_TR_BASE = 0x6814,
    VMCS_GUEST_GDTR_BASE = 0x6816,
    VMCS_GUEST_IDTR_BASE = 0x6818,
    VMCS_GUEST_DR7 = 0x681A,
    VMCS_GUEST_RSP = 0x681C,
    VMCS_GUEST_RIP = 0x681E,
    VMCS_GUEST_RFLAGS = 0x6820,
    VMCS_GUEST_PENDING_DBG_EXCEPTIONS = 0x6822, /* pending debug exceptions */
    VMCS_GUEST_IA32_SYSENTER_ESP = 0x6824,
    VMCS_GUEST_IA32_SYSENTER_EIP = 0x6826,

    /* ---- Table "Encodings for Natural-Width Host-State Fields (0110_11xx_xxxx_xxx0B)" */
    VMCS_HOST_CR0 = 0x6C00,
    VMCS_HOST_CR3 = 0x6C02,
    VMCS_HOST_CR4 = 0x6C04,
    VMCS_HOST_FS_BASE = 0x6C06,
    VMCS_HOST_GS_BASE = 0x6C08,
    VMCS_HOST_TR_BASE = 0x6C0A,
    VMCS_HOST_GDTR_BASE = 0x6C0C,
    VMCS_HOST_IDTR_BASE = 0x6C0E,
    VMCS_HOST_IA32_SYSENTER_ESP = 0x6C10,
    VMCS_HOST_IA32_SYSENTER_EIP = 0x6C12,
    VMCS_HOST_RSP = 0x6C14, /* stack the exit handler starts on */
    VMCS_HOST_RIP = 0x6C16, /* where every VM exit lands */
};

/* Each group's first and last encoding decodes to the width and type of its
 * Appendix B table: a typo that moves a field into another table fails here. */
#define VMCS_CHECK_FIELD(f, w, t)                                                              \
    _Static_assert(VMCS_FIELD_WIDTH(f) == (w) && VMCS_FIELD_TYPE(f) == (t) &&                  \
                       !VMCS_FIELD_IS_HIGH(f) && ((f)&VMCS_ENC_RESERVED_BITS) == 0,            \
                   #f " is not in its Appendix B table")
VMCS_CHECK_FIELD(VMCS_CTRL_VPID, VMCS_WIDTH_16, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_CTRL_EPTP_INDEX, VMCS_WIDTH_16, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_GUEST_ES_SELECTOR, VMCS_WIDTH_16, VMCS_TYPE_GUEST);
VMCS_CHECK_FIELD(VMCS_GUEST_PML_INDEX, VMCS_WIDTH_16, VMCS_TYPE_GUEST);
VMCS_CHECK_FIELD(VMCS_HOST_ES_SELECTOR, VMCS_WIDTH_16, VMCS_TYPE_HOST);
VMCS_CHECK_FIELD(VMCS_HOST_TR_SELECTOR, VMCS_WIDTH_16, VMCS_TYPE_HOST);
VMCS_CHECK_FIELD(VMCS_CTRL_IO_BITMAP_A, VMCS_WIDTH_64, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_CTRL_EPT_POINTER, VMCS_WIDTH_64, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_CTRL_TSC_MULTIPLIER, VMCS_WIDTH_64, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_RO_GUEST_PHYSICAL_ADDRESS, VMCS_WIDTH_64, VMCS_TYPE_READ_ONLY);
VMCS_CHECK_FIELD(VMCS_GUEST_VMCS_LINK_POINTER, VMCS_WIDTH_64, VMCS_TYPE_GUEST);
VMCS_CHECK_FIELD(VMCS_GUEST_IA32_BNDCFGS, VMCS_WIDTH_64, VMCS_TYPE_GUEST);
VMCS_CHECK_FIELD(VMCS_HOST_IA32_PAT, VMCS_WIDTH_64, VMCS_TYPE_HOST);
VMCS_CHECK_FIELD(VMCS_HOST_IA32_PERF_GLOBAL_CTRL, VMCS_WIDTH_64, VMCS_TYPE_HOST);
VMCS_CHECK_FIELD(VMCS_CTRL_PIN_BASED, VMCS_WIDTH_32, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_CTRL_PLE_WINDOW, VMCS_WIDTH_32, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_RO_VM_INSTRUCTION_ERROR, VMCS_WIDTH_32, VMCS_TYPE_READ_ONLY);
VMCS_CHECK_FIELD(VMCS_RO_EXIT_INSTR_INFO, VMCS_WIDTH_32, VMCS_TYPE_READ_ONLY);
VMCS_CHECK_FIELD(VMCS_GUEST_ES_LIMIT, VMCS_WIDTH_32, VMCS_TYPE_GUEST);
VMCS_CHECK_FIELD(VMCS_GUEST_PREEMPTION_TIMER, VMCS_WIDTH_32, VMCS_TYPE_GUEST);
VMCS_CHECK_FIELD(VMCS_HOST_IA32_SYSENTER_CS, VMCS_WIDTH_32, VMCS_TYPE_HOST);
VMCS_CHECK_FIELD(VMCS_CTRL_CR0_GUEST_HOST_MASK, VMCS_WIDTH_NATURAL, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_CTRL_CR3_TARGET_VALUE3, VMCS_WIDTH_NATURAL, VMCS_TYPE_CONTROL);
VMCS_CHECK_FIELD(VMCS_RO_EXIT_QUALIFICATION, VMCS_WIDTH_NATURAL, VMCS_TYPE_READ_ONLY);
VMCS_CHECK_FIELD(VMCS_RO_GUEST_LINEAR_ADDRESS, VMCS_WIDTH_NATURAL, VMCS_TYPE_READ_ONLY);
VMCS_CHECK_FIELD(VMCS_GUEST_CR0, VMCS_WIDTH_NATURAL, VMCS_TYPE_GUEST);
VMCS_CHECK_FIELD(VMCS_GUEST_IA32_SYSENTER_EIP, VMCS_WIDTH_NATURAL, VMCS_TYPE_GUEST);
VMCS_CHECK_FIELD(VMCS_HOST_CR0, VMCS_WIDTH_NATURAL, VMCS_TYPE_HOST);
VMCS_CHECK_FIELD(VMCS_HOST_RIP, VMCS_WIDTH_NATURAL, VMCS_TYPE_HOST);
/* Spot checks against the manual's table rows. */
_Static_assert(VMCS_FIELD_INDEX(VMCS_GUEST_CS_AR) == 11, "guest CS access rights is index 11");
_Static_assert(VMCS_FIELD_INDEX(VMCS_CTRL_EPT_POINTER) == 13, "EPT pointer is index 13");
_Static_assert(VMCS_FIELD_HIGH(VMCS_CTRL_EPT_POINTER) == 0x201B, "EPTP (high) is 201BH");

/* Width of a field, from bits 14:13 of its encoding. */
static inline enum vmcs_field_width vmcs_field_width(uint32_t encoding)
{
    return (enum vmcs_field_width)VMCS_FIELD_WIDTH(encoding);
}

/* Area of a field (control, read-only, guest, host), from bits 11:10. */
static inline enum vmcs_field_type vmcs_field_type(uint32_t encoding)
{
    return (enum vmcs_field_type)VMCS_FIELD_TYPE(encoding);
}

/* Size in bytes of the value VMREAD returns on a 64-bit CPU: 2, 4 or 8
 * (a "high" access of a 64-bit field returns 4). */
static inline unsigned vmcs_field_size(uint32_t encoding)
{
    switch (vmcs_field_width(encoding)) {
    case VMCS_WIDTH_16: return sizeof(uint16_t);
    case VMCS_WIDTH_32: return sizeof(uint32_t);
    case VMCS_WIDTH_64:
        return VMCS_FIELD_IS_HIGH(encoding) ? sizeof(uint32_t) : sizeof(uint64_t);
    case VMCS_WIDTH_NATURAL:
    default: return sizeof(uint64_t);
    }
}

/* True if VMWRITE may target this field: VM-exit information fields are
 * read-only unless IA32_VMX_MISC reports "VMWRITE to any supported field". */
static inline int vmcs_field_is_read_only(uint32_t encoding)
{
    return vmcs_field_type(encoding) == VMCS_TYPE_READ_ONLY;
}

/* Name of a field for messages ("GUEST_CS_AR"), or "unknown VMCS field".
 * The name is the enum identifier without its "VMCS_" prefix.
 * Implemented in arch/x86_64/vmx/vmx_names.c. */
const char *vmcs_field_name(uint32_t encoding);

#endif /* HVLAB_ARCH_X86_64_VMX_VMCS_FIELDS_H */
