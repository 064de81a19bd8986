/*
 * mmio_decode.h - just enough of the x86 instruction decoder to emulate an access to an
 * emulated MMIO device: the MOV forms compilers emit for volatile loads and stores.
 *
 * An EPT violation / nested page fault says which guest-physical address was touched and
 * whether it was a read or a write, but not the register, the size or the length of the
 * instruction: those come from decoding it. Supported (Intel SDM Vol. 2B, "MOV—Move"):
 *   88 /r  MOV r/m8, r8        8A /r  MOV r8, r/m8        C6 /0 ib  MOV r/m8, imm8
 *   89 /r  MOV r/m, r16/32/64  8B /r  MOV r16/32/64, r/m  C7 /0 iw/id  MOV r/m, imm
 *   A0-A3  MOV AL/eAX <-> moffs
 * with the 66 operand-size prefix, segment-override prefixes, REX (64-bit code) and every
 * ModRM/SIB/displacement form (SDM Vol. 2A, "Instruction Format", tables 2-1 to 2-3).
 */
#ifndef HVLAB_MMIO_DECODE_H
#define HVLAB_MMIO_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMIO_INSN_MAX 15 /* the longest legal x86 instruction */

enum mmio_mode { MMIO_MODE_16 = 2, MMIO_MODE_32 = 4, MMIO_MODE_64 = 8 }; /* code size */

struct mmio_access {
    bool write;     /* MOV to memory */
    uint8_t size;   /* 1, 2, 4 or 8 bytes */
    bool has_imm;   /* write: the value is imm (C6/C7), else register `reg` */
    uint64_t imm;   /* sign-extended to `size` for C7 with REX.W */
    uint8_t reg;    /* register number (0-15, enum guest_gpr order) */
    bool high_byte; /* 8-bit register AH/CH/DH/BH (reg 4-7 without REX) */
    uint8_t length; /* instruction length in bytes */
};

/* Decode the instruction in bytes[0..len) for code of the given default size. Returns
 * false, with *why set to a short reason, if it is not one of the forms above. */
bool mmio_decode(const uint8_t *bytes, size_t len, enum mmio_mode mode, struct mmio_access *out,
                 const char **why);

#endif
