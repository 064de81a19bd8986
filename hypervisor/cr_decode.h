/*
 * cr_decode.h - decode a MOV to or from a control register from its bytes.
 *
 * VT-x reports the register and access type of a CR exit in the exit qualification; SVM
 * does so only with decode assists (APM Vol. 2, "Decode Assists": EXITINFO1 bit 63 and
 * the GPR number), which QEMU TCG does not emulate. Without them hvlab reads the
 * instruction at CS:RIP and decodes it here (SDM Vol. 2B, "MOV—Move to/from Control
 * Registers", "CLTS", "LMSW"):
 *   0F 22 /r  MOV CRn, r    0F 20 /r  MOV r, CRn    0F 06  CLTS    0F 01 /6  LMSW r16
 * ModRM.reg is the CR and ModRM.rm the GPR whatever ModRM.mod says; REX.R and REX.B
 * extend them in 64-bit code; LOCK turns CR0 into CR8 (AMD's AltMovCr8). Other legacy
 * prefixes are ignored, as the CPU ignores them. LMSW with a memory operand is refused.
 */
#ifndef HVLAB_CR_DECODE_H
#define HVLAB_CR_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/mmio_decode.h"
#include "hypervisor/vm_exit.h"

struct cr_instruction {
    enum cr_access_type access; /* CR_MOV_TO, CR_MOV_FROM, CR_CLTS or CR_LMSW */
    uint8_t cr;                 /* 0-15; 0 for CLTS and LMSW */
    uint8_t gpr;                /* 0-15, enum guest_gpr order (MOV, LMSW) */
    uint8_t length;             /* bytes, prefixes included */
};

/* Decode bytes[0..len) for code of the given default size. False, with *why set to a
 * short reason, for anything else. */
bool cr_decode(const uint8_t *bytes, size_t len, enum mmio_mode mode,
               struct cr_instruction *out, const char **why);

#endif
