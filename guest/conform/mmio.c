/*
 * mmio.c - the hvlab-info MMIO page (docs/hypercalls.md, section 7): a 4 KiB page at
 * guest-physical 0xFEB00000 that nothing maps, so every access exits (EPT violation /
 * nested page fault) and hvlab completes it by decoding the guest's MOV.
 *
 *   offset 0x0  read         HV_INFO_MAGIC, 0x626C7668 ("hvlb")
 *   offset 0x4  read         the ABI version, as HC_VERSION
 *   offset 0x8  read/write   scratch: reads back what was last written
 *   other       read 0, writes ignored
 *
 * Each check pins the instruction form in asm, since what is checked is the decoder
 * (hypervisor/mmio_decode.c): MOV with ModRM (no displacement, disp8, SIB with disp32),
 * MOV r/m, imm, the moffs forms A0-A3, and 8-bit (AL and AH) and 16-bit (66 prefix)
 * operands. A store of any size replaces the whole scratch value with the stored bits
 * (zero-extended); a load of 8 or 16 bits merges into the register, as a MOV from RAM.
 * hvlab only: bare, nothing answers at that address.
 *
 * See: Intel SDM Vol. 2A, "Instruction Format" (ModRM, SIB, displacement), "Instruction
 *      Prefixes" (operand size); Vol. 2B, "MOV—Move"; Vol. 3C, "EPT Violations";
 *      AMD APM Vol. 2, "Nested Page Faults".
 */
#include "conform.h"

#define PAGE    HV_INFO_MMIO_GPA
#define SCRATCH (HV_INFO_MMIO_GPA + HV_INFO_REG_SCRATCH)

#define UNKNOWN_OFFSET    0x10u   /* the first offset past the three registers */
#define LAST_DWORD_OFFSET 0xFFCu  /* the page's last dword */
#define SIB_DISP          0x1000u /* disp32 of the SIB form: base = page - SIB_DISP */
#define SIB_SCALE         4u      /* index * 4 */
#define SCRATCH_INDEX     (HV_INFO_REG_SCRATCH / SIB_SCALE)
#define ALL_ONES_32       0xFFFFFFFFu
#define BYTE_VALUE        0x5Au
#define BYTE_IMM          0xA7u
#define HIGH_BYTE_VALUE   0x3Cu
#define MERGE_BEFORE      0x11223344u /* register contents around an 8/16-bit load */
#define MERGE_HIGH_BYTE   0x11223C44u /* MERGE_BEFORE with AH = HIGH_BYTE_VALUE */
#define WORD_VALUE        0xBEEFu
#define WORD_IMM          0x1234u
#define MERGE_WORD        0x1122BEEFu /* MERGE_BEFORE with DX = WORD_VALUE */
#define SCRATCH_KEPT      0x600DF00Du
#define LOW_BYTE          0xFFu
#define AL_MERGED         ((ALL_ONES_32 & ~LOW_BYTE) | BYTE_VALUE) /* A0 into EAX = ~0 */

/* The page is only touched once CPUID has offered it: under hvlab without bit 5 an access
 * there is a guest-physical address outside RAM, and the guest would be stopped. */
#define REQUIRE_MMIO_INFO()                                                                    \
    do {                                                                                       \
        REQUIRE_HVLAB();                                                                       \
        if (!(env.hv.features & HV_FEATURE_MMIO_INFO))                                         \
            return tap_fail(                                                                   \
                "CPUID 0x40000001 EBX = 0x%x: bit 5 (hvlab-info page) not offered",            \
                env.hv.features);                                                              \
    } while (0)

/* 32-bit load and store through a base register (8B /r, 89 /r, mod = 00). */
static uint32_t read32(uint32_t gpa)
{
    uint32_t v;

    __asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(gpa) : "memory");
    return v;
}

static void write32(uint32_t gpa, uint32_t v)
{
    __asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(gpa) : "memory");
}

/* CPUID offers the page, and offset 0 reads the magic. */
enum tap_outcome check_mmio_magic(void)
{
    REQUIRE_MMIO_INFO();
    uint32_t v = read32(PAGE + HV_INFO_REG_MAGIC);
    if (v != HV_INFO_MAGIC)
        return tap_fail("read 0x%08x at 0x%08x, expected 0x%08x", v, PAGE, HV_INFO_MAGIC);
    return TAP_PASS;
}

/* Offset 4, through a disp8 (8B /r, mod = 01) into ECX: the ABI version. */
enum tap_outcome check_mmio_version(void)
{
    uint32_t v;

    REQUIRE_MMIO_INFO();
    __asm__ volatile("movl %c[off](%[page]), %%ecx"
                     : "=c"(v)
                     : [page] "b"(PAGE), [off] "i"(HV_INFO_REG_VERSION)
                     : "memory");
    if (v != HV_ABI_VERSION_1_2)
        return tap_fail("read 0x%08x, expected 0x%08x", v, HV_ABI_VERSION_1_2);
    return TAP_PASS;
}

/* Scratch: store with no displacement (mov %eax,(%ebx), EBX = scratch), load with a disp8
 * (mov 8(%esi),%edx, ESI = the page), for several patterns. */
enum tap_outcome check_mmio_scratch_rw(void)
{
    static const uint32_t patterns[] = {0xA5A55A5Au, 0x12345678u, 0, ALL_ONES_32};

    REQUIRE_MMIO_INFO();
    for (unsigned i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        uint32_t got;
        __asm__ volatile("movl %%eax, (%%ebx)\n\t"
                         "movl %c[off](%%esi), %%edx"
                         : "=d"(got)
                         : "a"(patterns[i]), "b"(SCRATCH),
                           "S"(PAGE), [off] "i"(HV_INFO_REG_SCRATCH)
                         : "memory");
        if (got != patterns[i])
            return tap_fail("wrote 0x%08x, read back 0x%08x", patterns[i], got);
    }
    return TAP_PASS;
}

/* Scratch through SIB: store to disp32(base, index, 4) (89 /r, mod = 10, SIB), load from
 * (base, index, 4) (8B /r, mod = 00, SIB). */
enum tap_outcome check_mmio_scratch_sib(void)
{
    const uint32_t value = 0x0BADCAFEu;
    uint32_t got;

    REQUIRE_MMIO_INFO();
    __asm__ volatile("movl %%edi, %c[disp](%%ebx,%%ecx,4)\n\t"
                     "movl (%%edx,%%ecx,4), %%eax"
                     : "=a"(got)
                     : "D"(value), "b"(PAGE - SIB_DISP), "c"(SCRATCH_INDEX),
                       "d"(PAGE), [disp] "i"(SIB_DISP)
                     : "memory");
    if (got != value)
        return tap_fail("wrote 0x%08x through SIB, read back 0x%08x", value, got);
    return TAP_PASS;
}

/* Scratch written from an immediate: movl $imm32, 8(%ebx) (C7 /0 id, disp8). */
enum tap_outcome check_mmio_scratch_imm(void)
{
    const uint32_t value = 0xC0FFEE11u;

    REQUIRE_MMIO_INFO();
    __asm__ volatile("movl %[imm], %c[off](%%ebx)"
                     :
                     : [imm] "i"(value), "b"(PAGE), [off] "i"(HV_INFO_REG_SCRATCH)
                     : "memory");
    uint32_t got = read32(SCRATCH);
    if (got != value)
        return tap_fail("movl $0x%08x, read back 0x%08x", value, got);
    return TAP_PASS;
}

/* Scratch through absolute addresses: mov %eax, moffs32 (A3) then mov moffs32, %eax (A1);
 * the same for AL (A2, A0). */
enum tap_outcome check_mmio_scratch_moffs(void)
{
    const uint32_t value = 0x7E57AB1Eu;
    uint32_t got, got8;

    REQUIRE_MMIO_INFO();
    __asm__ volatile("movl %%eax, %c[abs]\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movl %c[abs], %%eax"
                     : "=a"(got)
                     : "0"(value), [abs] "i"(SCRATCH)
                     : "memory");
    __asm__ volatile("movb %%al, %c[abs]\n\t"
                     "movl %[ones], %%eax\n\t"
                     "movb %c[abs], %%al"
                     : "=a"(got8)
                     : "0"(BYTE_VALUE), [abs] "i"(SCRATCH), [ones] "i"(ALL_ONES_32)
                     : "memory");
    if (got != value)
        return tap_fail("A3/A1: wrote 0x%08x, read back 0x%08x", value, got);
    if (got8 != AL_MERGED)
        return tap_fail("A2/A0: wrote 0x%02x, EAX 0x%08x after the byte load, expected 0x%08x",
                        BYTE_VALUE, got8, AL_MERGED);
    return TAP_PASS;
}

/* 8-bit stores (88 /r from AL and AH, C6 /0 ib) replace the whole scratch value, zero-
 * extended; an 8-bit load into AH (8A /r) changes only bits 15:8 of EAX. */
enum tap_outcome check_mmio_scratch_byte(void)
{
    uint32_t got, merged;

    REQUIRE_MMIO_INFO();
    write32(SCRATCH, ALL_ONES_32);
    __asm__ volatile("movb %%al, (%%ebx)" : : "a"(BYTE_VALUE), "b"(SCRATCH) : "memory");
    got = read32(SCRATCH);
    if (got != BYTE_VALUE)
        return tap_fail(
            "movb %%al of 0x%02x over 0xffffffff: read back 0x%08x, expected 0x%08x",
            BYTE_VALUE, got, BYTE_VALUE);

    __asm__ volatile("movb %[imm], (%%ebx)" : : [imm] "i"(BYTE_IMM), "b"(SCRATCH) : "memory");
    got = read32(SCRATCH);
    if (got != BYTE_IMM)
        return tap_fail("movb $0x%02x: read back 0x%08x", BYTE_IMM, got);

    __asm__ volatile("movb %%ah, (%%ebx)"
                     :
                     : "a"(HIGH_BYTE_VALUE << 8), "b"(SCRATCH)
                     : "memory");
    got = read32(SCRATCH);
    if (got != HIGH_BYTE_VALUE)
        return tap_fail("movb %%ah (AH = 0x%02x): read back 0x%08x", HIGH_BYTE_VALUE, got);

    __asm__ volatile("movb (%%ebx), %%ah"
                     : "=a"(merged)
                     : "0"(MERGE_BEFORE), "b"(SCRATCH)
                     : "memory");
    if (merged != MERGE_HIGH_BYTE)
        return tap_fail("movb (scratch), %%ah: EAX 0x%08x, expected 0x%08x", merged,
                        MERGE_HIGH_BYTE);
    return TAP_PASS;
}

/* 16-bit stores (66 89 /r, 66 C7 /0 iw) replace the whole scratch value, zero-extended; a
 * 16-bit load (66 8B /r) changes only bits 15:0 of the register. */
enum tap_outcome check_mmio_scratch_word(void)
{
    uint32_t got, merged;

    REQUIRE_MMIO_INFO();
    write32(SCRATCH, ALL_ONES_32);
    __asm__ volatile("movw %%ax, (%%ebx)" : : "a"(WORD_VALUE), "b"(SCRATCH) : "memory");
    got = read32(SCRATCH);
    if (got != WORD_VALUE)
        return tap_fail(
            "movw %%ax of 0x%04x over 0xffffffff: read back 0x%08x, expected 0x%08x",
            WORD_VALUE, got, WORD_VALUE);

    __asm__ volatile("movw (%%ebx), %%dx"
                     : "=d"(merged)
                     : "0"(MERGE_BEFORE), "b"(SCRATCH)
                     : "memory");
    if (merged != MERGE_WORD)
        return tap_fail("movw (scratch), %%dx: EDX 0x%08x, expected 0x%08x", merged,
                        MERGE_WORD);

    __asm__ volatile("movw %[imm], (%%ebx)" : : [imm] "i"(WORD_IMM), "b"(SCRATCH) : "memory");
    got = read32(SCRATCH);
    if (got != WORD_IMM)
        return tap_fail("movw $0x%04x: read back 0x%08x", WORD_IMM, got);
    return TAP_PASS;
}

/* Offsets without a register read 0 and drop writes; the scratch value is not touched. */
enum tap_outcome check_mmio_unknown_offset(void)
{
    static const uint32_t offsets[] = {UNKNOWN_OFFSET, LAST_DWORD_OFFSET};

    REQUIRE_MMIO_INFO();
    write32(SCRATCH, SCRATCH_KEPT);
    for (unsigned i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        uint32_t gpa = PAGE + offsets[i];
        uint32_t before = read32(gpa);
        write32(gpa, ALL_ONES_32);
        uint32_t after = read32(gpa);
        if (before != 0 || after != 0)
            return tap_fail("offset 0x%x read 0x%08x, then 0x%08x after writing 0xffffffff, "
                            "expected 0 both times",
                            offsets[i], before, after);
    }
    uint32_t kept = read32(SCRATCH);
    if (kept != SCRATCH_KEPT)
        return tap_fail("scratch 0x%08x after the writes elsewhere, expected 0x%08x", kept,
                        SCRATCH_KEPT);
    return TAP_PASS;
}
