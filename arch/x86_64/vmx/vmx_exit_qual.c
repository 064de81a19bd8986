/*
 * vmx_exit_qual.c - Decoders for exit qualifications, interruption
 * information and INS/OUTS instruction information (see vmx_exit_qual.h).
 *
 * Follows: Intel SDM Vol. 3C "Basic VM-Exit Information" and the tables
 * cited on each decoder. Every shift and mask comes from the header.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_exit_qual.h"

/* See: Table "Exit Qualification for I/O Instructions" */
struct vmx_io_qual vmx_io_qual_decode(uint64_t qual)
{
    struct vmx_io_qual io = {
        .port = (uint16_t)((qual >> QUAL_IO_PORT_SHIFT) & QUAL_IO_PORT_MASK),
        .in = (qual & QUAL_IO_DIRECTION_IN) != 0,
        .string = (qual & QUAL_IO_STRING) != 0,
        .rep = (qual & QUAL_IO_REP) != 0,
        .immediate = (qual & QUAL_IO_OPERAND_IMMEDIATE) != 0,
    };

    switch (qual & QUAL_IO_SIZE_MASK) {
    case QUAL_IO_SIZE_1: io.size = sizeof(uint8_t); break;
    case QUAL_IO_SIZE_2: io.size = sizeof(uint16_t); break;
    case QUAL_IO_SIZE_4: io.size = sizeof(uint32_t); break;
    default: io.size = 0; break; /* other values are not used */
    }
    return io;
}

/* See: Table "Exit Qualification for Control-Register Accesses" */
struct vmx_cr_qual vmx_cr_qual_decode(uint64_t qual)
{
    struct vmx_cr_qual cr = {
        .cr = (uint8_t)(qual & QUAL_CR_NUMBER_MASK),
        .access = (enum vmx_cr_access)((qual >> QUAL_CR_ACCESS_SHIFT) & QUAL_CR_ACCESS_MASK),
        .gpr = (enum vmx_gpr)((qual >> QUAL_CR_GPR_SHIFT) & QUAL_CR_GPR_MASK),
        .lmsw_memory = (qual & QUAL_CR_LMSW_MEMORY) != 0,
        .lmsw_source =
            (uint16_t)((qual >> QUAL_CR_LMSW_SOURCE_SHIFT) & QUAL_CR_LMSW_SOURCE_MASK),
    };
    return cr;
}

/* See: Table "Exit Qualification for EPT Violations" */
struct vmx_ept_qual vmx_ept_qual_decode(uint64_t qual)
{
    bool linear_valid = (qual & QUAL_EPT_LINEAR_VALID) != 0;
    struct vmx_ept_qual ept = {
        .read = (qual & QUAL_EPT_READ) != 0,
        .write = (qual & QUAL_EPT_WRITE) != 0,
        .fetch = (qual & QUAL_EPT_FETCH) != 0,
        .readable = (qual & QUAL_EPT_READABLE) != 0,
        .writable = (qual & QUAL_EPT_WRITABLE) != 0,
        .executable = (qual & QUAL_EPT_EXECUTABLE) != 0,
        .linear_valid = linear_valid,
        /* bit 8 is reserved (0) when bit 7 is 0 */
        .translation = linear_valid && (qual & QUAL_EPT_LINEAR_TRANSLATION) != 0,
        .nmi_unblocking = (qual & QUAL_EPT_NMI_UNBLOCKING) != 0,
    };
    return ept;
}

/* See: Table "Format of the VM-Exit Interruption-Information Field" */
struct vmx_intr_info vmx_intr_info_decode(uint32_t info)
{
    struct vmx_intr_info ii = {
        .vector = (uint8_t)(info & INTR_INFO_VECTOR_MASK),
        .type = (enum vmx_intr_type)((info >> INTR_INFO_TYPE_SHIFT) & INTR_INFO_TYPE_MASK),
        .error_code_valid = (info & INTR_INFO_ERROR_CODE_VALID) != 0,
        .nmi_unblocking = (info & INTR_INFO_NMI_UNBLOCKING) != 0,
        .valid = (info & INTR_INFO_VALID) != 0,
    };
    return ii;
}

/* See: Table "Format of the VM-Entry Interruption-Information Field" */
uint32_t vmx_intr_info_encode(uint8_t vector, enum vmx_intr_type type, bool error_code)
{
    uint32_t info = INTR_INFO_VALID | vector |
                    (((uint32_t)type & INTR_INFO_TYPE_MASK) << INTR_INFO_TYPE_SHIFT);
    if (error_code)
        info |= INTR_INFO_ERROR_CODE_VALID;
    return info;
}

/* See: Table "Format of the VM-Exit Instruction-Information Field as Used
 * for INS and OUTS" */
struct vmx_io_instr_info vmx_io_instr_info_decode(uint32_t info)
{
    enum { BITS_16 = 16, BITS_32 = 32, BITS_64 = 64 };
    struct vmx_io_instr_info ii = {
        .segment =
            (enum vmx_segment)((info >> INSTR_INFO_SEGMENT_SHIFT) & INSTR_INFO_SEGMENT_MASK),
    };

    switch ((info >> INSTR_INFO_ADDR_SIZE_SHIFT) & INSTR_INFO_ADDR_SIZE_MASK) {
    case INSTR_INFO_ADDR_SIZE_16: ii.address_bits = BITS_16; break;
    case INSTR_INFO_ADDR_SIZE_32: ii.address_bits = BITS_32; break;
    case INSTR_INFO_ADDR_SIZE_64: ii.address_bits = BITS_64; break;
    default: ii.address_bits = 0; break; /* not used */
    }
    return ii;
}
