/*
 * test_mmio.c - emulated MMIO: the MOV decoder (hypervisor/mmio_decode.c) on hand-assembled
 * instructions, and a whole access through mmio_emulate() to the hvlab-info page on the
 * fake backend (instruction in guest RAM, register updated, RIP moved past it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/exit_dispatch.h"
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/mmio_bus.h"
#include "hypervisor/virtual_platform.h"
#include "hypervisor/mmio_decode.h"
#include "hypervisor/vcpu.h"
#include "tests/unit/fake_backend.h"
#include "tests/unit/host_pages.h"

#define RAM_SIZE  (2ull * 1024 * 1024)
#define GUEST_RIP 0x100040ull

static struct mmio_access decode_ok(const uint8_t *b, size_t n, enum mmio_mode mode)
{
    struct mmio_access a;
    const char *why = 0;
    assert_true(mmio_decode(b, n, mode, &a, &why));
    return a;
}

static const char *decode_fails(const uint8_t *b, size_t n, enum mmio_mode mode)
{
    struct mmio_access a;
    const char *why = 0;
    assert_false(mmio_decode(b, n, mode, &a, &why));
    assert_non_null(why);
    return why;
}

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static void test_load_register_indirect(void **state)
{
    (void)state;
    struct mmio_access a = decode_ok(BYTES(0x8B, 0x03), MMIO_MODE_32); /* mov eax,[ebx] */
    assert_false(a.write);
    assert_int_equal(a.size, 4);
    assert_int_equal(a.reg, 0);
    assert_int_equal(a.length, 2);
}

static void test_store_with_disp32_absolute(void **state)
{
    (void)state;
    /* mov [0xfeb00008], ecx: ModRM 00 001 101 = disp32 */
    struct mmio_access a = decode_ok(BYTES(0x89, 0x0D, 0x08, 0x00, 0xB0, 0xFE), MMIO_MODE_32);
    assert_true(a.write);
    assert_int_equal(a.reg, 1);
    assert_int_equal(a.length, 6);
}

static void test_sib_and_displacements(void **state)
{
    (void)state;
    /* mov edx,[eax+ecx*4+0x10]: 8B 54 88 10 */
    assert_int_equal(decode_ok(BYTES(0x8B, 0x54, 0x88, 0x10), MMIO_MODE_32).length, 4);
    /* mov edx,[ecx*4+0x12345678]: SIB base 101 with mod 00 -> disp32 */
    assert_int_equal(
        decode_ok(BYTES(0x8B, 0x14, 0x8D, 0x78, 0x56, 0x34, 0x12), MMIO_MODE_32).length, 7);
    /* mov edx,[ebp+0x12345678]: mod 10 */
    assert_int_equal(decode_ok(BYTES(0x8B, 0x95, 0x78, 0x56, 0x34, 0x12), MMIO_MODE_32).length,
                     6);
}

static void test_byte_and_word_forms(void **state)
{
    (void)state;
    struct mmio_access a = decode_ok(BYTES(0x8A, 0x23), MMIO_MODE_32); /* mov ah,[ebx] */
    assert_int_equal(a.size, 1);
    assert_int_equal(a.reg, 0);
    assert_true(a.high_byte);
    a = decode_ok(BYTES(0x66, 0x89, 0x0B), MMIO_MODE_32); /* mov [ebx],cx */
    assert_int_equal(a.size, 2);
    assert_int_equal(a.length, 3);
    a = decode_ok(BYTES(0x3E, 0x88, 0x03), MMIO_MODE_32); /* ds: mov [ebx],al */
    assert_int_equal(a.size, 1);
    assert_int_equal(a.length, 3);
}

static void test_immediates(void **state)
{
    (void)state;
    /* mov dword [ebx], 0x11223344 */
    struct mmio_access a = decode_ok(BYTES(0xC7, 0x03, 0x44, 0x33, 0x22, 0x11), MMIO_MODE_32);
    assert_true(a.write && a.has_imm);
    assert_int_equal(a.imm, 0x11223344);
    assert_int_equal(a.length, 6);
    /* mov byte [ebx+4], 0x7f */
    a = decode_ok(BYTES(0xC6, 0x43, 0x04, 0x7F), MMIO_MODE_32);
    assert_int_equal(a.size, 1);
    assert_int_equal(a.imm, 0x7F);
    assert_int_equal(a.length, 4);
    /* 64-bit: mov qword [rbx], -1 (imm32 sign-extended) */
    a = decode_ok(BYTES(0x48, 0xC7, 0x03, 0xFF, 0xFF, 0xFF, 0xFF), MMIO_MODE_64);
    assert_int_equal(a.size, 8);
    assert_int_equal(a.imm, ~0ull);
}

static void test_moffs_forms(void **state)
{
    (void)state;
    struct mmio_access a =
        decode_ok(BYTES(0xA1, 0x00, 0x00, 0xB0, 0xFE), MMIO_MODE_32); /* mov eax,[moffs32] */
    assert_false(a.write);
    assert_int_equal(a.length, 5);
    a = decode_ok(BYTES(0xA2, 0, 0, 0, 0, 0, 0, 0, 0), MMIO_MODE_64); /* mov [moffs64],al */
    assert_true(a.write);
    assert_int_equal(a.size, 1);
    assert_int_equal(a.length, 9);
}

static void test_rex_registers(void **state)
{
    (void)state;
    /* mov r9,[rax] = 4C 8B 08 */
    struct mmio_access a = decode_ok(BYTES(0x4C, 0x8B, 0x08), MMIO_MODE_64);
    assert_int_equal(a.reg, 9);
    assert_int_equal(a.size, 8);
    /* mov [rip+0x10], esi = 89 35 10 00 00 00 (RIP-relative: disp32) */
    assert_int_equal(decode_ok(BYTES(0x89, 0x35, 0x10, 0, 0, 0), MMIO_MODE_64).length, 6);
    /* With REX, byte register 6 is SIL, not DH. */
    a = decode_ok(BYTES(0x40, 0x88, 0x33), MMIO_MODE_64);
    assert_int_equal(a.reg, 6);
    assert_false(a.high_byte);
}

static void test_16bit_addressing(void **state)
{
    (void)state;
    /* 16-bit code: mov ax,[0x1234] = 8B 06 34 12 */
    struct mmio_access a = decode_ok(BYTES(0x8B, 0x06, 0x34, 0x12), MMIO_MODE_16);
    assert_int_equal(a.size, 2);
    assert_int_equal(a.length, 4);
    /* 32-bit code with 67: mov eax,[bx+si] = 67 8B 00 */
    assert_int_equal(decode_ok(BYTES(0x67, 0x8B, 0x00), MMIO_MODE_32).length, 3);
}

static void test_rejected(void **state)
{
    (void)state;
    decode_fails(BYTES(0x01, 0x03), MMIO_MODE_32);             /* add [ebx],eax */
    decode_fails(BYTES(0x8B, 0xC3), MMIO_MODE_32);             /* mov eax,ebx: no memory */
    decode_fails(BYTES(0xF0, 0x89, 0x03), MMIO_MODE_32);       /* lock */
    decode_fails(BYTES(0xC7, 0x0B, 1, 2, 3, 4), MMIO_MODE_32); /* C7 /1 */
    decode_fails(BYTES(0x89, 0x0D, 0x08), MMIO_MODE_32);       /* truncated disp32 */
    decode_fails(BYTES(0x66), MMIO_MODE_32);                   /* prefix only */
}

/* ---- a whole access through the fake backend ------------------------------------------ */

struct fixture {
    struct host_pages src;
    struct guest_memory mem;
    struct fake_cpu cpu;
    struct vcpu vcpu;
    struct virtual_platform platform; /* the MMIO page's scratch register lives here */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char why[128];
    assert_int_equal(
        guest_memory_create(&f->mem, RAM_SIZE, host_pages_alloc, &f->src, why, sizeof(why)), 0);
    fake_vcpu_attach(&f->vcpu, &f->cpu, &f->mem);
    f->vcpu.guest_name = "test";
    f->cpu.rip = GUEST_RIP;
    f->cpu.reg[VCPU_REG_CODE_BYTES] = MMIO_MODE_32;
    f->vcpu.platform = &f->platform; /* zeroed: the devices' power-on state */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    host_pages_free_all(&f->src);
    free(f);
    return 0;
}

static enum exit_action access(struct fixture *f, const uint8_t *code, size_t n, uint64_t gpa,
                               bool write)
{
    guest_memory_write(&f->mem, GUEST_RIP, code, n);
    f->cpu.rip = GUEST_RIP;
    struct vm_exit exit = {.kind = VM_EXIT_MEMORY_VIOLATION, .rip = GUEST_RIP};
    exit.u.mem.gpa = gpa;
    exit.u.mem.write = write;
    exit.u.mem.read = !write;
    return exit_dispatch(&f->vcpu, &exit);
}

static void test_read_magic_into_register(void **state)
{
    struct fixture *f = *state;
    f->vcpu.regs.gprs[GPR_RDX] = 0xFFFFFFFFFFFFFFFFull;
    /* mov edx,[ebx] */
    assert_int_equal(access(f, BYTES(0x8B, 0x13), HVLAB_INFO_MMIO_BASE, false), ACTION_RESUME);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RDX], HVLAB_INFO_MAGIC); /* zero-extended */
    assert_int_equal(f->cpu.rip, GUEST_RIP + 2);
}

static void test_scratch_write_then_byte_read(void **state)
{
    struct fixture *f = *state;
    uint64_t scratch = HVLAB_INFO_MMIO_BASE + HVLAB_INFO_REG_SCRATCH;
    f->vcpu.regs.gprs[GPR_RCX] = 0xA5C3;
    assert_int_equal(access(f, BYTES(0x89, 0x0B), scratch, true), ACTION_RESUME);
    f->vcpu.regs.gprs[GPR_RAX] = 0x1111;
    /* mov ah,[ebx]: the low byte of scratch lands in bits 15:8, the rest of EAX stays */
    assert_int_equal(access(f, BYTES(0x8A, 0x23), scratch, false), ACTION_RESUME);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RAX], 0xC311);
}

static void test_immediate_store(void **state)
{
    struct fixture *f = *state;
    uint64_t scratch = HVLAB_INFO_MMIO_BASE + HVLAB_INFO_REG_SCRATCH;
    assert_int_equal(access(f, BYTES(0xC7, 0x03, 0x44, 0x33, 0x22, 0x11), scratch, true),
                     ACTION_RESUME);
    assert_int_equal(f->cpu.rip, GUEST_RIP + 6);
    assert_int_equal(access(f, BYTES(0x8B, 0x03), scratch, false), ACTION_RESUME);
    assert_int_equal(f->vcpu.regs.gprs[GPR_RAX], 0x11223344);
}

static void test_undecodable_stops_guest(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(access(f, BYTES(0x01, 0x03), HVLAB_INFO_MMIO_BASE, true), ACTION_END);
    assert_int_equal(f->vcpu.end, GUEST_STOPPED);
    assert_non_null(strstr(f->vcpu.stop_reason, "not a MOV to or from memory"));
    assert_non_null(strstr(f->vcpu.stop_reason, "bytes 01 03"));
}

static void test_direction_mismatch_stops_guest(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(access(f, BYTES(0x8B, 0x03), HVLAB_INFO_MMIO_BASE, true), ACTION_END);
    assert_non_null(
        strstr(f->vcpu.stop_reason, "the instruction reads but the CPU reported a write"));
}

static void test_outside_device_is_still_a_stop(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(access(f, BYTES(0x8B, 0x03), 0xE0000000ull, false), ACTION_END);
    assert_non_null(strstr(f->vcpu.stop_reason, "outside guest RAM"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_register_indirect),
        cmocka_unit_test(test_store_with_disp32_absolute),
        cmocka_unit_test(test_sib_and_displacements),
        cmocka_unit_test(test_byte_and_word_forms),
        cmocka_unit_test(test_immediates),
        cmocka_unit_test(test_moffs_forms),
        cmocka_unit_test(test_rex_registers),
        cmocka_unit_test(test_16bit_addressing),
        cmocka_unit_test(test_rejected),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_read_magic_into_register),
        T(test_scratch_write_then_byte_read),
        T(test_immediate_store),
        T(test_undecodable_stops_guest),
        T(test_direction_mismatch_stops_guest),
        T(test_outside_device_is_still_a_stop),
#undef T
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
