/*
 * vmx_exit_qual.h - Decode the exit qualification (VMCS_RO_EXIT_QUALIFICATION),
 * the interruption-information fields and the VM-exit instruction-information
 * field into small named structs, so exit handlers never shift raw bits.
 *
 * Follows: Intel SDM Vol. 3C "VM Exits", "Basic VM-Exit Information":
 * Tables "Exit Qualification for I/O Instructions", "Exit Qualification for
 * Control-Register Accesses", "Exit Qualification for EPT Violations",
 * "Format of the VM-Exit Instruction-Information Field as Used for INS and
 * OUTS"; interruption-information layout in vmx_bits.h.
 */
#ifndef HVLAB_ARCH_X86_64_VMX_VMX_EXIT_QUAL_H
#define HVLAB_ARCH_X86_64_VMX_VMX_EXIT_QUAL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/vmx/vmx_bits.h"

/* General-purpose register numbers used by exit qualifications and
 * instruction information. See: Table "Exit Qualification for
 * Control-Register Accesses", bits 11:8 */
enum vmx_gpr {
    VMX_GPR_RAX = 0,
    VMX_GPR_RCX = 1,
    VMX_GPR_RDX = 2,
    VMX_GPR_RBX = 3,
    VMX_GPR_RSP = 4,
    VMX_GPR_RBP = 5,
    VMX_GPR_RSI = 6,
    VMX_GPR_RDI = 7,
    VMX_GPR_R8 = 8,
    VMX_GPR_R9 = 9,
    VMX_GPR_R10 = 10,
    VMX_GPR_R11 = 11,
    VMX_GPR_R12 = 12,
    VMX_GPR_R13 = 13,
    VMX_GPR_R14 = 14,
    VMX_GPR_R15 = 15,
};

/* ---- I/O instructions (exit reason VMX_EXIT_IO_INSTRUCTION).
 * See: Table "Exit Qualification for I/O Instructions"
 *
 *    63     32 31        16 15    7   6    5     4     3    2    0
 *   +---------+------------+-------+-----+-----+-----+-----+------+
 *   |    0    |    port    |   0   | imm | rep | str | in  | size |
 *   +---------+------------+-------+-----+-----+-----+-----+------+
 */
#define QUAL_IO_SIZE_MASK         0x7u      /* bits 2:0: size of access - 1 */
#define QUAL_IO_SIZE_1            0u        /* 1-byte access */
#define QUAL_IO_SIZE_2            1u        /* 2-byte access */
#define QUAL_IO_SIZE_4            3u        /* 4-byte access */
#define QUAL_IO_DIRECTION_IN      (1u << 3) /* 1 = IN/INS, 0 = OUT/OUTS */
#define QUAL_IO_STRING            (1u << 4) /* INS/OUTS */
#define QUAL_IO_REP               (1u << 5) /* REP prefixed */
#define QUAL_IO_OPERAND_IMMEDIATE (1u << 6) /* 1 = port in imm8, 0 = port in DX */
#define QUAL_IO_PORT_SHIFT        16        /* bits 31:16: port number */
#define QUAL_IO_PORT_MASK         0xFFFFu

struct vmx_io_qual {
    uint16_t port;  /* I/O port accessed */
    uint8_t size;   /* bytes per access: 1, 2 or 4; 0 = reserved encoding */
    bool in;        /* IN/INS (guest reads the port) vs OUT/OUTS */
    bool string;    /* INS/OUTS: data moves through memory at RDI/RSI */
    bool rep;       /* REP prefix: RCX holds the count */
    bool immediate; /* port came from an imm8 operand (else from DX) */
};

struct vmx_io_qual vmx_io_qual_decode(uint64_t qual);

/* ---- Control-register accesses (exit reason VMX_EXIT_CR_ACCESS).
 * See: Table "Exit Qualification for Control-Register Accesses"
 *
 *    63   32 31           16 15  12 11   8  7   6    5   4 3     0
 *   +-------+---------------+------+------+---+-----+------+-------+
 *   |   0   | LMSW src data |  0   | GPR  | 0 | mem | type | CR nr |
 *   +-------+---------------+------+------+---+-----+------+-------+
 */
#define QUAL_CR_NUMBER_MASK       0xFu /* bits 3:0: CR number (0 for CLTS/LMSW) */
#define QUAL_CR_ACCESS_SHIFT      4    /* bits 5:4: enum vmx_cr_access */
#define QUAL_CR_ACCESS_MASK       0x3u
#define QUAL_CR_LMSW_MEMORY       (1u << 6) /* LMSW operand: 1 = memory, 0 = register */
#define QUAL_CR_GPR_SHIFT         8         /* bits 11:8: enum vmx_gpr (MOV CR) */
#define QUAL_CR_GPR_MASK          0xFu
#define QUAL_CR_LMSW_SOURCE_SHIFT 16 /* bits 31:16: LMSW source data */
#define QUAL_CR_LMSW_SOURCE_MASK  0xFFFFu

/* Access type, bits 5:4. */
enum vmx_cr_access {
    VMX_CR_ACCESS_MOV_TO_CR = 0,   /* MOV to CR: GPR -> CR */
    VMX_CR_ACCESS_MOV_FROM_CR = 1, /* MOV from CR: CR -> GPR */
    VMX_CR_ACCESS_CLTS = 2,        /* CLTS */
    VMX_CR_ACCESS_LMSW = 3,        /* LMSW */
};

struct vmx_cr_qual {
    uint8_t cr;                /* control register number */
    enum vmx_cr_access access; /* which instruction */
    enum vmx_gpr gpr;          /* MOV CR: the general-purpose register */
    bool lmsw_memory;          /* LMSW: operand was in memory */
    uint16_t lmsw_source;      /* LMSW: the 16-bit source operand */
};

struct vmx_cr_qual vmx_cr_qual_decode(uint64_t qual);

/* ---- EPT violations (exit reason VMX_EXIT_EPT_VIOLATION).
 * See: Table "Exit Qualification for EPT Violations" */
#define QUAL_EPT_READ            (1u << 0) /* access was a data read */
#define QUAL_EPT_WRITE           (1u << 1) /* access was a data write */
#define QUAL_EPT_FETCH           (1u << 2) /* access was an instruction fetch */
#define QUAL_EPT_READABLE        (1u << 3) /* EPT entries allowed reads (AND of walk) */
#define QUAL_EPT_WRITABLE        (1u << 4) /* EPT entries allowed writes */
#define QUAL_EPT_EXECUTABLE      (1u << 5) /* EPT entries allowed execution */
#define QUAL_EPT_USER_EXECUTABLE (1u << 6) /* user-mode execute (mode-based control) */
#define QUAL_EPT_LINEAR_VALID    (1u << 7) /* VMCS_RO_GUEST_LINEAR_ADDRESS is valid */
#define QUAL_EPT_LINEAR_TRANSLATION                                                            \
    (1u << 8)                              /* if bit 7: 1 = access to the translated
						 address, 0 = to a guest paging entry */
#define QUAL_EPT_NMI_UNBLOCKING (1u << 12) /* NMI unblocking due to IRET */

struct vmx_ept_qual {
    bool read, write, fetch;             /* what the guest tried to do */
    bool readable, writable, executable; /* what the EPT entries allowed */
    bool linear_valid;                   /* guest-linear address field valid */
    bool translation;                    /* linear_valid only: true = access to the final
			      translation of the linear address, false = to a
			      guest paging-structure entry during the walk */
    bool nmi_unblocking;                 /* re-block NMIs before resuming */
};

struct vmx_ept_qual vmx_ept_qual_decode(uint64_t qual);

/* ---- Interruption information (bits in vmx_bits.h). See: Tables
 * "Format of the VM-Exit Interruption-Information Field",
 * "Format of the IDT-Vectoring Information Field",
 * "Format of the VM-Entry Interruption-Information Field" */
struct vmx_intr_info {
    uint8_t vector;          /* interrupt / exception vector */
    enum vmx_intr_type type; /* external, NMI, hardware exception, ... */
    bool error_code_valid;   /* an error code was saved / will be delivered */
    bool nmi_unblocking;     /* NMI unblocking due to IRET (exit fields only) */
    bool valid;              /* the field holds an event at all */
};

struct vmx_intr_info vmx_intr_info_decode(uint32_t info);

/* Build a VM-entry interruption-information value (valid bit set) for
 * injecting an event, e.g. #GP(0):
 * vmx_intr_info_encode(13, VMX_INTR_TYPE_HW_EXCEPTION, true). */
uint32_t vmx_intr_info_encode(uint8_t vector, enum vmx_intr_type type, bool error_code);

/* ---- VM-exit instruction information for INS/OUTS (VMCS_RO_EXIT_INSTR_INFO,
 * reported when IA32_VMX_BASIC has VMX_BASIC_INS_OUTS_INFO).
 * See: Table "Format of the VM-Exit Instruction-Information Field as Used
 * for INS and OUTS" */
#define INSTR_INFO_ADDR_SIZE_SHIFT 7 /* bits 9:7: address size */
#define INSTR_INFO_ADDR_SIZE_MASK  0x7u
#define INSTR_INFO_ADDR_SIZE_16    0u /* 16-bit */
#define INSTR_INFO_ADDR_SIZE_32    1u /* 32-bit */
#define INSTR_INFO_ADDR_SIZE_64    2u /* 64-bit */
#define INSTR_INFO_SEGMENT_SHIFT   15 /* bits 17:15: segment (OUTS only; INS uses ES) */
#define INSTR_INFO_SEGMENT_MASK    0x7u

/* Segment register numbers used in instruction information. */
enum vmx_segment {
    VMX_SEG_ES = 0,
    VMX_SEG_CS = 1,
    VMX_SEG_SS = 2,
    VMX_SEG_DS = 3,
    VMX_SEG_FS = 4,
    VMX_SEG_GS = 5,
};

struct vmx_io_instr_info {
    uint8_t address_bits;     /* 16, 32 or 64; 0 = reserved encoding */
    enum vmx_segment segment; /* segment of the memory operand */
};

struct vmx_io_instr_info vmx_io_instr_info_decode(uint32_t info);

#endif /* HVLAB_ARCH_X86_64_VMX_VMX_EXIT_QUAL_H */
