/*
 * mmio_decode.c - decode the MOV that touched an emulated MMIO device (see mmio_decode.h).
 */
#include "hypervisor/mmio_decode.h"

/* Prefixes and opcodes. See: SDM Vol. 2A, "Instruction Prefixes"; Vol. 2B, "MOV—Move". */
#define PREFIX_OPERAND_SIZE 0x66
#define PREFIX_ADDRESS_SIZE 0x67
#define PREFIX_LOCK         0xF0
#define PREFIX_REP          0xF3
#define PREFIX_REPNE        0xF2
#define REX_MIN             0x40
#define REX_MAX             0x4F
#define REX_W               0x08
#define REX_R               0x04
#define REX_B               0x01
#define REX_REG_HIGH        8 /* REX.R adds 8 to ModRM.reg: registers r8-r15 */
#define BYTE_REG_HIGH_FIRST 4 /* without REX, byte registers 4-7 are AH, CH, DH, BH */
#define IMM32_SIGN          0x80000000u
#define IMM32_SIGN_EXTEND   0xFFFFFFFF00000000ull
#define PREFIX_ES           0x26 /* segment overrides (SDM Vol. 2A, 2.1.1 "Group 2") */
#define PREFIX_CS           0x2E
#define PREFIX_SS           0x36
#define PREFIX_DS           0x3E
#define PREFIX_FS           0x64
#define PREFIX_GS           0x65
#define OP_MOV_RM8_R8       0x88
#define OP_MOV_RM_R         0x89
#define OP_MOV_R8_RM8       0x8A
#define OP_MOV_R_RM         0x8B
#define OP_MOV_AL_MOFFS     0xA0
#define OP_MOV_EAX_MOFFS    0xA1
#define OP_MOV_MOFFS_AL     0xA2
#define OP_MOV_MOFFS_EAX    0xA3
#define OP_MOV_RM8_IMM8     0xC6
#define OP_MOV_RM_IMM       0xC7
#define MODRM_MOD(m)        ((m) >> 6)
#define MODRM_REG(m)        (((m) >> 3) & 7)
#define MODRM_RM(m)         ((m)&7)
#define MOD_REGISTER        3 /* mod = 11b: a register, not memory */
#define RM_SIB              4 /* rm = 100b: a SIB byte follows (32/64-bit addressing) */
#define RM_DISP32           5 /* mod = 00b, rm = 101b: disp32 (RIP-relative in 64-bit) */
#define RM16_DISP16         6 /* 16-bit addressing, mod = 00b, rm = 110b: disp16 */
#define SIB_BASE(s)         ((s)&7)
#define SIB_BASE_NONE       5 /* base = 101b with mod = 00b: disp32, no base */

static bool is_segment_override(uint8_t b)
{
    return b == PREFIX_ES || b == PREFIX_CS || b == PREFIX_SS || b == PREFIX_DS ||
           b == PREFIX_FS || b == PREFIX_GS;
}

/* Bytes of ModRM (+ SIB + displacement) for a memory operand. */
static size_t modrm_length(const uint8_t *p, size_t left, unsigned addr_size)
{
    uint8_t m = p[0];
    unsigned mod = MODRM_MOD(m), rm = MODRM_RM(m);
    if (addr_size == 2) { /* 16-bit addressing: SDM Vol. 2A, Table 2-1 */
        size_t disp = mod == 1 ? 1 : mod == 2 ? 2 : (mod == 0 && rm == RM16_DISP16) ? 2 : 0;
        return 1 + disp;
    }
    size_t n = 1, disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (rm == RM_SIB) {
        if (left < 2)
            return 0;
        n++;
        if (mod == 0 && SIB_BASE(p[1]) == SIB_BASE_NONE)
            disp = 4;
    } else if (mod == 0 && rm == RM_DISP32) {
        disp = 4;
    }
    return n + disp;
}

static bool fail(const char **why, const char *text)
{
    *why = text;
    return false;
}

bool mmio_decode(const uint8_t *bytes, size_t len, enum mmio_mode mode, struct mmio_access *out,
                 const char **why)
{
    size_t i = 0;
    bool opsize = false, addrsize = false;
    uint8_t rex = 0;
    *out = (struct mmio_access){0};

    for (; i < len; i++) {
        uint8_t b = bytes[i];
        if (b == PREFIX_OPERAND_SIZE)
            opsize = true;
        else if (b == PREFIX_ADDRESS_SIZE)
            addrsize = true;
        else if (is_segment_override(b))
            continue;
        else if (b == PREFIX_LOCK || b == PREFIX_REP || b == PREFIX_REPNE)
            return fail(why, "LOCK/REP prefix on an MMIO access");
        else
            break;
    }
    if (mode == MMIO_MODE_64 && i < len && bytes[i] >= REX_MIN && bytes[i] <= REX_MAX)
        rex = bytes[i++]; /* REX must come right before the opcode */
    if (i >= len)
        return fail(why, "instruction bytes end before the opcode");

    unsigned addr_size = mode == MMIO_MODE_64   ? (addrsize ? 4 : 8)
                         : mode == MMIO_MODE_32 ? (addrsize ? 2 : 4)
                                                : (addrsize ? 4 : 2);
    unsigned wide = (rex & REX_W)          ? 8
                    : mode == MMIO_MODE_16 ? (opsize ? 4 : 2)
                                           : (opsize ? 2 : 4);
    uint8_t op = bytes[i++];

    switch (op) {
    case OP_MOV_AL_MOFFS:
    case OP_MOV_EAX_MOFFS:
    case OP_MOV_MOFFS_AL:
    case OP_MOV_MOFFS_EAX:
        out->write = op == OP_MOV_MOFFS_AL || op == OP_MOV_MOFFS_EAX;
        out->size = (op == OP_MOV_AL_MOFFS || op == OP_MOV_MOFFS_AL) ? 1 : (uint8_t)wide;
        out->reg = 0;   /* AL / eAX */
        i += addr_size; /* the offset has the address size */
        break;
    case OP_MOV_RM8_R8:
    case OP_MOV_RM_R:
    case OP_MOV_R8_RM8:
    case OP_MOV_R_RM:
    case OP_MOV_RM8_IMM8:
    case OP_MOV_RM_IMM: {
        if (i >= len)
            return fail(why, "instruction bytes end before ModRM");
        uint8_t modrm = bytes[i];
        if (MODRM_MOD(modrm) == MOD_REGISTER)
            return fail(why, "ModRM names a register, not memory");
        size_t m = modrm_length(&bytes[i], len - i, addr_size);
        if (m == 0)
            return fail(why, "instruction bytes end inside ModRM/SIB");
        i += m;
        bool byte_op = op == OP_MOV_RM8_R8 || op == OP_MOV_R8_RM8 || op == OP_MOV_RM8_IMM8;
        out->size = byte_op ? 1 : (uint8_t)wide;
        out->write = op != OP_MOV_R8_RM8 && op != OP_MOV_R_RM;
        if (op == OP_MOV_RM8_IMM8 || op == OP_MOV_RM_IMM) {
            if (MODRM_REG(modrm) != 0)
                return fail(why, "C6/C7 with ModRM.reg != 0 is not MOV");
            unsigned imm_size = byte_op ? 1 : (wide == 8 ? 4 : wide); /* imm32, sign-extended */
            if (i + imm_size > len)
                return fail(why, "instruction bytes end inside the immediate");
            uint64_t imm = 0;
            for (unsigned k = 0; k < imm_size; k++)
                imm |= (uint64_t)bytes[i + k] << (8 * k);
            if (wide == 8 && !byte_op && (imm & IMM32_SIGN))
                imm |= IMM32_SIGN_EXTEND;
            out->has_imm = true;
            out->imm = imm;
            i += imm_size;
        } else {
            out->reg = (uint8_t)(MODRM_REG(modrm) | ((rex & REX_R) ? REX_REG_HIGH : 0));
            /* Without REX, byte registers 4-7 are AH, CH, DH, BH (SDM Vol. 2A, 3.4.1.1). */
            if (byte_op && !rex && out->reg >= BYTE_REG_HIGH_FIRST) {
                out->reg -= BYTE_REG_HIGH_FIRST;
                out->high_byte = true;
            }
        }
        break;
    }
    default: return fail(why, "not a MOV to or from memory");
    }
    if (i > len || i > MMIO_INSN_MAX)
        return fail(why, "instruction longer than the bytes available");
    out->length = (uint8_t)i;
    return true;
}
