/*
 * cr_decode.c - decode MOV to/from CRn (see cr_decode.h).
 */
#include "hypervisor/cr_decode.h"

/* See: SDM Vol. 2A, "Instruction Prefixes", "REX Prefixes"; Vol. 2B, MOV CR. */
#define PREFIX_OPERAND_SIZE 0x66
#define PREFIX_ADDRESS_SIZE 0x67
#define PREFIX_LOCK         0xF0
#define PREFIX_REPNE        0xF2
#define PREFIX_REP          0xF3
#define PREFIX_ES           0x26
#define PREFIX_CS           0x2E
#define PREFIX_SS           0x36
#define PREFIX_DS           0x3E
#define PREFIX_FS           0x64
#define PREFIX_GS           0x65
#define REX_MIN             0x40
#define REX_MAX             0x4F
#define REX_R               0x04
#define REX_B               0x01
#define REG_HIGH            8 /* REX.R / REX.B add 8 */
#define OPCODE_ESCAPE       0x0F
#define OPCODE_MOV_FROM_CR  0x20
#define OPCODE_MOV_TO_CR    0x22
#define OPCODE_CLTS         0x06 /* 0F 06 */
#define OPCODE_GROUP7       0x01 /* 0F 01 /6 with a register: LMSW */
#define GROUP7_LMSW         6
#define MODRM_MOD(m)        ((m) >> 6)
#define MOD_REGISTER        3
#define CLTS_BYTES          2
#define CR_ALT_MOV_CR8      8 /* LOCK MOV CR0 means CR8 (APM Vol. 3, "MOV CRn") */
#define MODRM_REG(m)        (((m) >> 3) & 7)
#define MODRM_RM(m)         ((m)&7)
#define OPCODE_BYTES        3 /* 0F, 20/22, ModRM */

static bool is_ignored_prefix(uint8_t b)
{
    return b == PREFIX_OPERAND_SIZE || b == PREFIX_ADDRESS_SIZE || b == PREFIX_REPNE ||
           b == PREFIX_REP || b == PREFIX_ES || b == PREFIX_CS || b == PREFIX_SS ||
           b == PREFIX_DS || b == PREFIX_FS || b == PREFIX_GS;
}

static bool fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return false;
}

bool cr_decode(const uint8_t *bytes, size_t len, enum mmio_mode mode,
               struct cr_instruction *out, const char **why)
{
    if (len > MMIO_INSN_MAX)
        len = MMIO_INSN_MAX;
    size_t i = 0;
    bool lock = false;
    for (; i < len && (is_ignored_prefix(bytes[i]) || bytes[i] == PREFIX_LOCK); i++)
        lock |= bytes[i] == PREFIX_LOCK;
    uint8_t rex = 0;
    if (mode == MMIO_MODE_64 && i < len && bytes[i] >= REX_MIN && bytes[i] <= REX_MAX)
        rex = bytes[i++];
    if (len - i >= CLTS_BYTES && bytes[i] == OPCODE_ESCAPE && bytes[i + 1] == OPCODE_CLTS) {
        *out = (struct cr_instruction){CR_CLTS, 0, 0, (uint8_t)(i + CLTS_BYTES)};
        return true;
    }
    if (len - i < OPCODE_BYTES)
        return fail(why, "instruction bytes end before ModRM");
    if (bytes[i] == OPCODE_ESCAPE && bytes[i + 1] == OPCODE_GROUP7 &&
        MODRM_REG(bytes[i + 2]) == GROUP7_LMSW) {
        if (MODRM_MOD(bytes[i + 2]) != MOD_REGISTER)
            return fail(why, "LMSW with a memory operand");
        uint8_t gpr = (uint8_t)(MODRM_RM(bytes[i + 2]) + ((rex & REX_B) ? REG_HIGH : 0));
        *out = (struct cr_instruction){CR_LMSW, 0, gpr, (uint8_t)(i + OPCODE_BYTES)};
        return true;
    }
    if (bytes[i] != OPCODE_ESCAPE ||
        (bytes[i + 1] != OPCODE_MOV_TO_CR && bytes[i + 1] != OPCODE_MOV_FROM_CR))
        return fail(why, "not a MOV CR, CLTS or LMSW");
    uint8_t modrm = bytes[i + 2];
    unsigned cr = MODRM_REG(modrm) + ((rex & REX_R) ? REG_HIGH : 0);
    if (lock) {
        if (cr != 0)
            return fail(why, "LOCK prefix on a MOV CR other than CR0");
        cr = CR_ALT_MOV_CR8;
    }
    *out = (struct cr_instruction){
        .access = bytes[i + 1] == OPCODE_MOV_TO_CR ? CR_MOV_TO : CR_MOV_FROM,
        .cr = (uint8_t)cr,
        .gpr = (uint8_t)(MODRM_RM(modrm) + ((rex & REX_B) ? REG_HIGH : 0)),
        .length = (uint8_t)(i + OPCODE_BYTES),
    };
    return true;
}
