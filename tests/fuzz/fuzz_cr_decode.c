/*
 * fuzz_cr_decode.c - libFuzzer harness for the MOV CR / CLTS / LMSW decoder
 * (hypervisor/cr_decode.c). Under AMD-V without decode assists every byte at the guest's
 * RIP on a CR0 or CR4 write exit comes from the guest; the decoder's answer picks the
 * register read and moves RIP.
 *
 *   data: | mode (u8: 16/32/64-bit code) | instruction bytes (up to 2 x MMIO_INSN_MAX) |
 *
 * Invariants checked for every input:
 *   - an accepted instruction is at most MMIO_INSN_MAX bytes and inside the bytes given;
 *     decoding just its own bytes gives the same answer, one byte less is refused;
 *   - its last bytes are the opcode the answer names (SDM Vol. 2B, MOV CR, CLTS, LMSW):
 *     0F 20/22 ModRM, 0F 06, or 0F 01 with ModRM.reg = 6 and mod = 3;
 *   - CR and GPR come from ModRM (+ REX.R/REX.B in 64-bit code), CR0 becomes CR8 under
 *     LOCK; CR and GPR are below 16, CLTS and LMSW are CR0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/cr_decode.h"
#include "tests/fuzz/fuzz_check.h"

#define BYTES_MAX (2 * MMIO_INSN_MAX)

static enum mmio_mode mode_of(uint8_t b)
{
    static const enum mmio_mode modes[] = {MMIO_MODE_16, MMIO_MODE_32, MMIO_MODE_64};
    return modes[b % 3];
}

static bool same(const struct cr_instruction *a, const struct cr_instruction *b)
{
    return a->access == b->access && a->cr == b->cr && a->gpr == b->gpr &&
           a->length == b->length;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum mmio_mode mode = mode_of(data[0]);
    const uint8_t *bytes = data + 1;
    size_t len = size - 1 < BYTES_MAX ? size - 1 : BYTES_MAX;

    struct cr_instruction in;
    const char *why = 0;
    if (!cr_decode(bytes, len, mode, &in, &why)) {
        FUZZ_CHECK(why && *why, "a refusal without a reason");
        return 0;
    }
    FUZZ_CHECK(in.length >= 2 && in.length <= MMIO_INSN_MAX && in.length <= len,
               "length %u of %zu bytes", in.length, len);
    struct cr_instruction again;
    FUZZ_CHECK(cr_decode(bytes, in.length, mode, &again, &why) && same(&in, &again),
               "its own %u bytes decode differently", in.length);
    FUZZ_CHECK(!cr_decode(bytes, in.length - 1u, mode, &again, &why),
               "accepted one byte short of %u", in.length);
    FUZZ_CHECK(in.cr < 16 && in.gpr < 16, "CR%u GPR %u", in.cr, in.gpr);

    const uint8_t *end = bytes + in.length;
    if (in.access == CR_CLTS) {
        FUZZ_CHECK(end[-2] == 0x0F && end[-1] == 0x06 && in.cr == 0, "CLTS from other bytes");
        return 0;
    }
    uint8_t modrm = end[-1];
    /* A REX byte right before 0F counts in 64-bit code only. */
    uint8_t rex =
        (mode == MMIO_MODE_64 && in.length >= 4 && (end[-4] & 0xF0) == 0x40) ? end[-4] : 0;
    bool lock = memchr(bytes, 0xF0, in.length - 3u - (rex ? 1u : 0u)) != 0;
    unsigned gpr = (modrm & 7) + ((rex & 1) ? 8 : 0);
    FUZZ_CHECK(in.gpr == gpr, "GPR %u, ModRM says %u", in.gpr, gpr);
    if (in.access == CR_LMSW) {
        FUZZ_CHECK(end[-3] == 0x0F && end[-2] == 0x01 && ((modrm >> 3) & 7) == 6 &&
                       (modrm >> 6) == 3 && in.cr == 0,
                   "LMSW from other bytes");
        return 0;
    }
    FUZZ_CHECK(end[-3] == 0x0F && (end[-2] == 0x20 || end[-2] == 0x22),
               "MOV CR from bytes %02x %02x", end[-3], end[-2]);
    FUZZ_CHECK((in.access == CR_MOV_TO) == (end[-2] == 0x22), "direction");
    unsigned cr = ((modrm >> 3) & 7) + ((rex & 4) ? 8 : 0);
    if (lock)
        cr = 8; /* only LOCK MOV CR0 is accepted */
    FUZZ_CHECK(in.cr == cr, "CR%u, the bytes say CR%u", in.cr, cr);
    return 0;
}
