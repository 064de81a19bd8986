/*
 * fuzz_mmio_decode.c - libFuzzer harness for the MMIO instruction decoder
 * (hypervisor/mmio_decode.c). The guest controls every byte at its RIP when it touches
 * an emulated device; the decoder's answer moves RIP and picks the register written.
 *
 *   data: | mode (u8: 16/32/64-bit code) | instruction bytes (up to 2 x MMIO_INSN_MAX) |
 *
 * Invariants checked for every input:
 *   - the decoder agrees with reference(), a second decoder written from the SDM tables
 *     (Vol. 2A, tables 2-1 to 2-3 and "REX Prefixes"; Vol. 2B, "MOV—Move") in another
 *     shape: accept/refuse, direction, size, register, immediate and length;
 *   - an accepted instruction is at most MMIO_INSN_MAX bytes and inside the bytes given;
 *     decoding just its own bytes gives the same answer, and one byte less is refused
 *     (so no byte past the instruction was looked at, and none of it was skipped);
 *   - size is 1, 2, 4 or 8; 8 and r8-r15 only in 64-bit code; AH-BH only for byte
 *     accesses without REX; an immediate only on a write.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/mmio_decode.h"
#include "tests/fuzz/fuzz_check.h"

#define BYTES_MAX (2 * MMIO_INSN_MAX) /* longer than any instruction: the limit is tested */

/* What reference() needs of the encoding; each from the SDM section named above. */
#define REX_W 0x8
#define REX_R 0x4

static bool is_prefix(uint8_t b, bool *opsize, bool *addrsize)
{
    switch (b) {
    case 0x66: *opsize = true; return true;
    case 0x67: *addrsize = true; return true;
    case 0x26:
    case 0x2E:
    case 0x36:
    case 0x3E:
    case 0x64:
    case 0x65: return true;
    default: return false;
    }
}

/* Displacement bytes of a memory ModRM (+ SIB) for an address size; -1: incomplete. */
static int modrm_bytes(const uint8_t *p, size_t left, unsigned asz)
{
    unsigned mod = p[0] >> 6, rm = p[0] & 7;
    if (asz == 2) /* Table 2-1 */
        return 1 + (mod == 1 ? 1 : mod == 2 ? 2 : rm == 6 ? 2 : 0);
    int n = 1 + (mod == 1 ? 1 : mod == 2 ? 4 : 0); /* Table 2-2 */
    if (rm == 4) {                                 /* SIB, Table 2-3 */
        if (left < 2)
            return -1;
        return n + 1 + (mod == 0 && (p[1] & 7) == 5 ? 4 : 0);
    }
    return n + (mod == 0 && rm == 5 ? 4 : 0);
}

/* The reference decoding: true and *r filled, or false. */
static bool reference(const uint8_t *b, size_t len, enum mmio_mode mode, struct mmio_access *r)
{
    bool opsize = false, addrsize = false;
    size_t i = 0;
    memset(r, 0, sizeof(*r));
    while (i < len && is_prefix(b[i], &opsize, &addrsize))
        i++;
    if (i < len && (b[i] == 0xF0 || b[i] == 0xF2 || b[i] == 0xF3))
        return false; /* LOCK / REP: never a plain MMIO load or store */
    uint8_t rex = 0;
    if (mode == MMIO_MODE_64 && i < len && (b[i] & 0xF0) == 0x40)
        rex = b[i++];
    if (i >= len)
        return false;
    unsigned osz = mode == MMIO_MODE_16 ? 2 : 4;
    if (opsize)
        osz = osz == 2 ? 4 : 2;
    if (rex & REX_W)
        osz = 8;
    unsigned asz = mode;
    if (addrsize)
        asz = mode == MMIO_MODE_32 ? 2 : 4;
    uint8_t op = b[i++];
    bool byte_op = op == 0x88 || op == 0x8A || op == 0xC6 || op == 0xA0 || op == 0xA2;
    r->size = (uint8_t)(byte_op ? 1 : osz);
    if (op >= 0xA0 && op <= 0xA3) {
        r->write = op >= 0xA2;
        i += asz;
    } else if (op == 0x88 || op == 0x89 || op == 0x8A || op == 0x8B || op == 0xC6 ||
               op == 0xC7) {
        if (i >= len || b[i] >> 6 == 3)
            return false;
        uint8_t modrm = b[i];
        int m = modrm_bytes(b + i, len - i, asz);
        if (m < 0)
            return false;
        i += (size_t)m;
        r->write = op != 0x8A && op != 0x8B;
        if (op == 0xC6 || op == 0xC7) {
            if ((modrm >> 3) & 7)
                return false;
            unsigned n = byte_op ? 1 : osz == 2 ? 2 : 4;
            if (i + n > len)
                return false;
            int64_t v = 0;
            memcpy(&v, b + i, n); /* little-endian host */
            if (n == 4 && osz == 8)
                v = (int32_t)v;
            r->has_imm = true;
            r->imm = (uint64_t)v;
            i += n;
        } else {
            unsigned reg = ((modrm >> 3) & 7) + ((rex & REX_R) ? 8 : 0);
            if (byte_op && rex == 0 && reg >= 4) {
                r->high_byte = true;
                reg -= 4;
            }
            r->reg = (uint8_t)reg;
        }
    } else {
        return false;
    }
    if (i > len || i > MMIO_INSN_MAX)
        return false;
    r->length = (uint8_t)i;
    return true;
}

static void check_same(const struct mmio_access *a, const struct mmio_access *b,
                       const char *what)
{
    FUZZ_CHECK(a->write == b->write && a->size == b->size && a->has_imm == b->has_imm &&
                   a->imm == b->imm && a->reg == b->reg && a->high_byte == b->high_byte &&
                   a->length == b->length,
               "%s: write %d/%d size %u/%u imm %d:0x%llx/%d:0x%llx reg %u/%u high %d/%d "
               "length %u/%u",
               what, a->write, b->write, a->size, b->size, a->has_imm,
               (unsigned long long)a->imm, b->has_imm, (unsigned long long)b->imm, a->reg,
               b->reg, a->high_byte, b->high_byte, a->length, b->length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum mmio_mode modes[] = {MMIO_MODE_16, MMIO_MODE_32, MMIO_MODE_64};
    struct fuzz_input in = {data, size};
    enum mmio_mode mode = modes[fuzz_u8(&in) % 3];
    size_t len = in.left < BYTES_MAX ? in.left : BYTES_MAX;
    /* A heap copy of exactly len bytes: AddressSanitizer sees a read past the end. */
    uint8_t *bytes = malloc(len ? len : 1);
    FUZZ_CHECK(bytes != NULL, "out of memory");
    memcpy(bytes, in.data, len);

    struct mmio_access got, want;
    const char *why = NULL;
    memset(&got, 0xA5, sizeof(got));
    bool ok = mmio_decode(bytes, len, mode, &got, &why);
    bool ref_ok = reference(bytes, len, mode, &want);
    FUZZ_CHECK(ok == ref_ok, "decoder %s, reference %s (mode %u, %zu bytes, first 0x%02x)",
               ok ? "accepts" : "refuses", ref_ok ? "accepts" : "refuses", mode, len,
               len ? bytes[0] : 0);
    if (!ok) {
        FUZZ_CHECK(why != NULL && why[0] != '\0', "refused without a reason");
        free(bytes);
        return 0;
    }
    check_same(&got, &want, "decoder vs reference");
    FUZZ_CHECK(got.length >= 1 && got.length <= len && got.length <= MMIO_INSN_MAX,
               "length %u of %zu bytes", got.length, len);
    FUZZ_CHECK(got.size == 1 || got.size == 2 || got.size == 4 ||
                   (got.size == 8 && mode == MMIO_MODE_64),
               "size %u in mode %u", got.size, mode);
    FUZZ_CHECK(got.reg < (mode == MMIO_MODE_64 ? 16 : 8), "register %u in mode %u", got.reg,
               mode);
    FUZZ_CHECK(!got.high_byte || (got.size == 1 && got.reg < 4), "AH-BH form: reg %u size %u",
               got.reg, got.size);
    FUZZ_CHECK(!got.has_imm || got.write, "an immediate on a read");

    /* Exactly its own bytes: same answer; one byte fewer: refused. */
    struct mmio_access again;
    FUZZ_CHECK(mmio_decode(bytes, got.length, mode, &again, &why), "refused its own bytes");
    check_same(&got, &again, "full vs own bytes");
    FUZZ_CHECK(!mmio_decode(bytes, got.length - 1u, mode, &again, &why),
               "accepted without its last byte");
    free(bytes);
    return 0;
}
