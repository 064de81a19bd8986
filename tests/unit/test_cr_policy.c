/*
 * test_cr_policy.c - Host unit tests for the CR4/XCR0 rules (hypervisor/cr_policy.c) and
 * the MOV CR decoder (hypervisor/cr_decode.c). CPUID bit numbers and encodings are
 * written out from the SDM here, not taken from cpu_bits.h, so a wrong constant fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "arch/x86_64/cpu_bits.h"
#include "hypervisor/cr_decode.h"
#include "hypervisor/cr_policy.h"

#define B(n) (1u << (n))

static const struct cpuid_result none = {0, 0, 0, 0};

static void test_cr4_from_cpuid(void **state)
{
    (void)state;
    /* No feature at all: only PCE, which every CPU since the Pentium Pro has, and MCE,
     * which kernels keep set although CPUID hides machine checks from VMs. */
    struct guest_cpu_limits l = cr_policy_limits(none, none, none);
    assert_int_equal(l.cr4_valid, (1u << 8) | (1u << 6));
    assert_int_equal(l.xcr0_supported, 0);

    /* Leaf 1 EDX: VME(1) -> VME+PVI, DE(2), PSE(3), TSC(4) -> TSD, PAE(6), MCE(7),
     * PGE(13), FXSR(24) -> OSFXSR, SSE(25) -> OSXMMEXCPT. */
    struct cpuid_result leaf1 = {
        0, 0, 0, B(1) | B(2) | B(3) | B(4) | B(6) | B(7) | B(13) | B(24) | B(25)};
    l = cr_policy_limits(leaf1, none, none);
    assert_int_equal(l.cr4_valid, 0x7FFu); /* CR4 bits 0-10 */

    /* Leaf 7 EBX bit 0 -> FSGSBASE (16); leaf 1 ECX bit 26 (XSAVE) -> OSXSAVE (18). */
    /* Leaf 7 EBX bit 7 -> SMEP (20), bit 20 -> SMAP (21); ECX bit 2 -> UMIP (11); ECX
     * bit 16 (LA57) is never offered. Leaf 1 ECX bit 17 (PCID) -> PCIDE (17). */
    struct cpuid_result leaf7 = {0, B(0) | B(7) | B(20), B(2) | B(16), 0};
    leaf1.ecx = B(26) | B(5) | B(6) | B(17);        /* + VMX, SMX: never offered */
    struct cpuid_result xsave = {0x2E7, 0, 0, 0x1}; /* x87 SSE AVX MPX... and bit 32 */
    l = cr_policy_limits(leaf1, leaf7, xsave);
    assert_int_equal(l.cr4_valid, 0x7FFu | B(11) | B(16) | B(17) | B(18) | B(20) | B(21));
    assert_int_equal(l.xcr0_supported, 0xE7u); /* x87 SSE AVX + AVX-512; not MPX, PKRU, 32 */

    leaf1.ecx = 0; /* no XSAVE: no XCR0 at all, whatever leaf 0xD says */
    assert_int_equal(cr_policy_limits(leaf1, leaf7, xsave).xcr0_supported, 0);
}

/* MOV to CR4: the bits offered, PAE kept in IA-32e mode, PCIDE only in IA-32e mode with
 * PCID 0 in CR3 (SDM Vol. 2B, MOV to CR4, #GP(0) conditions). */
static void test_cr4_write_rules(void **state)
{
    (void)state;
    const uint64_t pae = B(5), pcide = B(17), smep = B(20), lma = B(10);
    const uint64_t valid = pae | pcide | smep;
    const char *why = 0;
    struct cr4_context legacy = {0, 0x1000, 0}, ia32e = {pae, 0x1000, lma | B(8)};

    assert_true(cr_policy_cr4_write_ok(pae | smep, &legacy, valid, &why));
    assert_null(why);
    assert_false(cr_policy_cr4_write_ok(B(12), &legacy, valid, &why)); /* LA57 */
    assert_string_equal(why, "a bit the guest's CPUID does not offer");
    assert_false(cr_policy_cr4_write_ok(smep, &ia32e, valid, &why));
    assert_string_equal(why, "PAE cleared in IA-32e mode");
    assert_true(cr_policy_cr4_write_ok(0, &legacy, valid, 0)); /* legacy mode may clear PAE */

    assert_false(cr_policy_cr4_write_ok(pcide, &legacy, valid, &why));
    assert_string_equal(why, "PCIDE set outside IA-32e mode or with CR3[11:0] not 0");
    assert_true(cr_policy_cr4_write_ok(pae | pcide, &ia32e, valid, 0));
    struct cr4_context pcid_in_cr3 = {pae, 0x1005, lma};
    assert_false(cr_policy_cr4_write_ok(pae | pcide, &pcid_in_cr3, valid, 0));
    /* Once set, CR3 may hold a PCID and other CR4 bits may change. */
    struct cr4_context with_pcide = {pae | pcide, 0x1005, lma};
    assert_true(cr_policy_cr4_write_ok(pae | pcide | smep, &with_pcide, valid, 0));
}

static void test_xcr0_rules(void **state)
{
    (void)state;
    const uint64_t all = 0xE7; /* x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM */
    const char *why = "unset";
    assert_true(cr_policy_xcr0_valid(0x1, all, &why));
    assert_null(why);
    assert_true(cr_policy_xcr0_valid(0x3, all, 0));
    assert_true(cr_policy_xcr0_valid(0x7, all, 0));
    assert_true(cr_policy_xcr0_valid(0xE7, all, 0));
    assert_false(cr_policy_xcr0_valid(0x0, all, &why));
    assert_string_equal(why, "x87 state (bit 0) must stay enabled");
    assert_false(cr_policy_xcr0_valid(0x2, all, 0));
    assert_false(cr_policy_xcr0_valid(0x5, all, &why));
    assert_string_equal(why, "AVX (bit 2) without SSE (bit 1)");
    assert_false(cr_policy_xcr0_valid(0x27, all, &why)); /* opmask alone */
    assert_string_equal(why, "AVX-512 (bits 7:5) not all together with AVX");
    assert_false(cr_policy_xcr0_valid(0xE3, all, 0)); /* AVX-512 without AVX */
    assert_false(cr_policy_xcr0_valid(0x1 | (1ull << 63), all, &why));
    assert_string_equal(why, "a component the CPU does not support");
    assert_false(cr_policy_xcr0_valid(0x7, 0x3, 0)); /* AVX not supported */
    /* The pair rules, with a CPU that has MPX and AMX. */
    assert_false(cr_policy_xcr0_valid(0x1 | B(3), 0x6001F, &why));
    assert_string_equal(why, "MPX (bits 4:3) or AMX (bits 18:17) not in pairs");
    assert_true(cr_policy_xcr0_valid(0x1 | B(3) | B(4), 0x6001F, 0));
    assert_false(cr_policy_xcr0_valid(0x1 | B(17), 0x6001F, 0));
}

static struct cr_instruction decode_ok(const uint8_t *bytes, size_t len, enum mmio_mode mode)
{
    struct cr_instruction in;
    const char *why = 0;
    if (!cr_decode(bytes, len, mode, &in, &why))
        fail_msg("decode failed: %s", why);
    return in;
}

static void test_decode_mov_cr(void **state)
{
    (void)state;
    static const uint8_t to_cr4_ebx[] = {0x0F, 0x22, 0xE3};
    struct cr_instruction in = decode_ok(to_cr4_ebx, 3, MMIO_MODE_32);
    assert_int_equal(in.access, CR_MOV_TO);
    assert_int_equal(in.cr, 4);
    assert_int_equal(in.gpr, 3);
    assert_int_equal(in.length, 3);

    static const uint8_t from_cr0_esi_mod0[] = {0x0F, 0x20, 0x06, 0x90}; /* mod ignored */
    in = decode_ok(from_cr0_esi_mod0, 4, MMIO_MODE_32);
    assert_int_equal(in.access, CR_MOV_FROM);
    assert_int_equal(in.cr, 0);
    assert_int_equal(in.gpr, 6);
    assert_int_equal(in.length, 3);

    static const uint8_t rex_rb[] = {0x66, 0x45, 0x0F, 0x22, 0xC1}; /* mov %r9, %cr8 */
    in = decode_ok(rex_rb, 5, MMIO_MODE_64);
    assert_int_equal(in.cr, 8);
    assert_int_equal(in.gpr, 9);
    assert_int_equal(in.length, 5);

    static const uint8_t lock_cr0[] = {0xF0, 0x0F, 0x22, 0xC2}; /* AltMovCr8: CR8, EDX */
    in = decode_ok(lock_cr0, 4, MMIO_MODE_32);
    assert_int_equal(in.cr, 8);
    assert_int_equal(in.gpr, 2);

    static const uint8_t clts[] = {0x66, 0x0F, 0x06, 0x0F};
    in = decode_ok(clts, 4, MMIO_MODE_32);
    assert_int_equal(in.access, CR_CLTS);
    assert_int_equal(in.cr, 0);
    assert_int_equal(in.length, 3);

    static const uint8_t lmsw_r10[] = {0x41, 0x0F, 0x01, 0xF2}; /* lmsw %r10w */
    in = decode_ok(lmsw_r10, 4, MMIO_MODE_64);
    assert_int_equal(in.access, CR_LMSW);
    assert_int_equal(in.gpr, 10);
    assert_int_equal(in.length, 4);
}

static void test_decode_refusals(void **state)
{
    (void)state;
    struct cr_instruction in;
    const char *why;
    static const uint8_t lock_cr4[] = {0xF0, 0x0F, 0x22, 0xE0};
    assert_false(cr_decode(lock_cr4, 4, MMIO_MODE_32, &in, &why));
    assert_string_equal(why, "LOCK prefix on a MOV CR other than CR0");
    static const uint8_t rex_in_32bit[] = {0x41, 0x0F, 0x22, 0xE0}; /* INC ECX there */
    assert_false(cr_decode(rex_in_32bit, 4, MMIO_MODE_32, &in, &why));
    assert_string_equal(why, "not a MOV CR, CLTS or LMSW");
    static const uint8_t lmsw_mem[] = {0x0F, 0x01, 0x30}; /* lmsw (%eax) */
    assert_false(cr_decode(lmsw_mem, 3, MMIO_MODE_32, &in, &why));
    assert_string_equal(why, "LMSW with a memory operand");
    static const uint8_t sgdt[] = {0x0F, 0x01, 0x00}; /* 0F 01 /0: not LMSW */
    assert_false(cr_decode(sgdt, 3, MMIO_MODE_32, &in, &why));
    static const uint8_t cut[] = {0x0F, 0x22};
    assert_false(cr_decode(cut, 2, MMIO_MODE_32, &in, &why));
    assert_string_equal(why, "instruction bytes end before ModRM");
    assert_false(cr_decode(cut, 0, MMIO_MODE_32, &in, &why));
    /* 13 prefixes + 0F 22 /r is 16 bytes: over the 15-byte limit. */
    uint8_t longest[16];
    for (int i = 0; i < 13; i++)
        longest[i] = 0x2E;
    longest[13] = 0x0F, longest[14] = 0x22, longest[15] = 0xE0;
    assert_false(cr_decode(longest, 16, MMIO_MODE_32, &in, &why));
    assert_true(cr_decode(longest + 1, 15, MMIO_MODE_32, &in, &why));
    assert_int_equal(in.length, 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cr4_from_cpuid),  cmocka_unit_test(test_cr4_write_rules),
        cmocka_unit_test(test_xcr0_rules),      cmocka_unit_test(test_decode_mov_cr),
        cmocka_unit_test(test_decode_refusals),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
