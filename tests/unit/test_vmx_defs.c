/*
 * test_vmx_defs.c - Host unit tests for the pure VT-x definitions:
 * VMCS encodings, name tables, control adjustment, CR0/CR4 fixed bits and
 * exit-qualification decoders. Expected values are worked out by hand from
 * the Intel SDM tables cited in each test, not from the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/vmx/vmcs_fields.h"
#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_controls.h"
#include "arch/x86_64/vmx/vmx_exit_qual.h"
#include "arch/x86_64/vmx/vmx_names.h"

/* Compile-time facts from Appendix B / C and the control tables. */
_Static_assert(VMCS_FIELD_WIDTH(VMCS_GUEST_RIP) == VMCS_WIDTH_NATURAL, "RIP is natural-width");
_Static_assert(VMCS_FIELD_TYPE(VMCS_HOST_RIP) == VMCS_TYPE_HOST, "HOST_RIP is host state");
_Static_assert(VMCS_FIELD_WIDTH(VMCS_GUEST_IA32_EFER) == VMCS_WIDTH_64, "EFER is 64-bit");
_Static_assert(VMCS_GUEST_CS_AR == 0x4816, "Guest CS access rights is 00004816H");
_Static_assert(VMCS_CTRL_PROC_BASED2 == 0x401E, "secondary controls are 0000401EH");
_Static_assert(VMX_EXIT_CPUID == 10 && VMX_EXIT_CR_ACCESS == 28, "Appendix C numbers");
_Static_assert(MSR_IA32_VMX_TRUE_ENTRY_CTLS == 0x490 && MSR_IA32_VMX_VMFUNC == 0x491,
               "capability MSR numbers");
_Static_assert(VMX_BASIC_TRUE_CTLS == (1ull << 55), "TRUE controls flag is bit 55");
_Static_assert(EPT_CAP_PAGE_1GB == 0x20000ull, "1-GByte pages is bit 17");

/* ---- VMCS encodings ---------------------------------------------------- */

static void test_field_width_from_encoding(void **state)
{
    (void)state;
    assert_int_equal(vmcs_field_width(VMCS_GUEST_CS_SELECTOR), VMCS_WIDTH_16);
    assert_int_equal(vmcs_field_width(VMCS_CTRL_EPT_POINTER), VMCS_WIDTH_64);
    assert_int_equal(vmcs_field_width(VMCS_GUEST_CS_AR), VMCS_WIDTH_32);
    assert_int_equal(vmcs_field_width(VMCS_RO_EXIT_QUALIFICATION), VMCS_WIDTH_NATURAL);
    /* 0x4816 = 0100_1000_0001_0110b: width 2, type 2, index 11 */
    assert_int_equal(vmcs_field_width(0x4816), VMCS_WIDTH_32);
    assert_int_equal(vmcs_field_type(0x4816), VMCS_TYPE_GUEST);
    assert_int_equal(VMCS_FIELD_INDEX(0x4816), 11);
    assert_int_equal(vmcs_field_type(VMCS_RO_EXIT_REASON), VMCS_TYPE_READ_ONLY);
    assert_int_equal(vmcs_field_type(VMCS_CTRL_PIN_BASED), VMCS_TYPE_CONTROL);
    assert_int_equal(vmcs_field_type(VMCS_HOST_CR3), VMCS_TYPE_HOST);
    assert_true(vmcs_field_is_read_only(VMCS_RO_VM_INSTRUCTION_ERROR));
    assert_false(vmcs_field_is_read_only(VMCS_GUEST_RIP));
}

static void test_field_size(void **state)
{
    (void)state;
    assert_int_equal(vmcs_field_size(VMCS_HOST_TR_SELECTOR), 2);
    assert_int_equal(vmcs_field_size(VMCS_CTRL_ENTRY), 4);
    assert_int_equal(vmcs_field_size(VMCS_GUEST_VMCS_LINK_POINTER), 8);
    assert_int_equal(vmcs_field_size(VMCS_GUEST_RFLAGS), 8);
    /* "high" access of a 64-bit field: 0x2807 = upper half of guest EFER */
    assert_int_equal(VMCS_FIELD_HIGH(VMCS_GUEST_IA32_EFER), 0x2807);
    assert_true(VMCS_FIELD_IS_HIGH(0x2807));
    assert_int_equal(vmcs_field_size(0x2807), 4);
}

static void test_field_names(void **state)
{
    (void)state;
    assert_string_equal(vmcs_field_name(VMCS_GUEST_CS_AR), "GUEST_CS_AR");
    assert_string_equal(vmcs_field_name(0x4816), "GUEST_CS_AR");
    assert_string_equal(vmcs_field_name(VMCS_CTRL_EPT_POINTER), "CTRL_EPT_POINTER");
    assert_string_equal(vmcs_field_name(VMCS_CTRL_VPID), "CTRL_VPID");
    assert_string_equal(vmcs_field_name(VMCS_RO_EXIT_QUALIFICATION), "RO_EXIT_QUALIFICATION");
    assert_string_equal(vmcs_field_name(VMCS_HOST_RIP), "HOST_RIP");
    assert_string_equal(vmcs_field_name(VMCS_GUEST_PDPTE3), "GUEST_PDPTE3");
    assert_string_equal(vmcs_field_name(0x1234), "unknown VMCS field");
    assert_string_equal(vmcs_field_name(0x201B), "unknown VMCS field");
}

/* ---- Names ------------------------------------------------------------- */

static void test_exit_reason_names(void **state)
{
    (void)state;
    assert_string_equal(vmx_exit_reason_name(0), "Exception or non-maskable interrupt (NMI)");
    assert_string_equal(vmx_exit_reason_name(10), "CPUID");
    assert_string_equal(vmx_exit_reason_name(28), "Control-register accesses");
    assert_string_equal(vmx_exit_reason_name(30), "I/O instruction");
    assert_string_equal(vmx_exit_reason_name(33),
                        "VM-entry failure due to invalid guest state");
    assert_string_equal(vmx_exit_reason_name(48), "EPT violation");
    assert_string_equal(vmx_exit_reason_name(49), "EPT misconfiguration");
    assert_string_equal(vmx_exit_reason_name(69), "LOADIWKEY");
    /* gaps and out of range */
    assert_string_equal(vmx_exit_reason_name(35), "unknown exit reason");
    assert_string_equal(vmx_exit_reason_name(71), "unknown exit reason");
    assert_string_equal(vmx_exit_reason_name(VMX_EXIT_REASON_COUNT), "unknown exit reason");
    assert_string_equal(vmx_exit_reason_name(0xFFFFFFFFu), "unknown exit reason");
    assert_string_equal(vmx_exit_code_name(0x10000 + 10), "unknown exit reason");
}

/* Every basic reason the SDM lists (0..79, written out here, not taken from vmx_bits.h)
 * except its unused numbers has a name; so has every one through vmx_exit_code_name. */
static void test_exit_reason_table_complete(void **state)
{
    (void)state;
    assert_int_equal(VMX_EXIT_REASON_COUNT, 80);
    for (uint32_t r = 0; r < 80; r++) {
        int unused = (r == 35 || r == 38 || r == 42 || r == 71);
        assert_string_equal(vmx_exit_code_name(r), vmx_exit_reason_name(r));
        int unknown = strcmp(vmx_exit_reason_name(r), "unknown exit reason") == 0;
        if (unused != unknown)
            fail_msg("exit reason %u: unused=%d but unknown=%d", r, unused, unknown);
    }
}

static void test_instruction_error_names(void **state)
{
    (void)state;
    assert_string_equal(vmx_instruction_error_name(VMX_ERR_VMCALL_IN_ROOT),
                        "VMCALL executed in VMX root operation");
    assert_string_equal(vmx_instruction_error_name(4), "VMLAUNCH with non-clear VMCS");
    assert_string_equal(vmx_instruction_error_name(7),
                        "VM entry with invalid control field(s)");
    assert_string_equal(vmx_instruction_error_name(8),
                        "VM entry with invalid host-state field(s)");
    assert_string_equal(vmx_instruction_error_name(12),
                        "VMREAD/VMWRITE from/to unsupported VMCS component");
    assert_string_equal(vmx_instruction_error_name(26),
                        "VM entry with events blocked by MOV SS");
    assert_string_equal(vmx_instruction_error_name(28), "Invalid operand to INVEPT/INVVPID");
    assert_string_equal(vmx_instruction_error_name(0), "unknown VM-instruction error");
    assert_string_equal(vmx_instruction_error_name(14), "unknown VM-instruction error");
    assert_string_equal(vmx_instruction_error_name(29), "unknown VM-instruction error");
    assert_string_equal(vmx_instruction_error_name(4096), "unknown VM-instruction error");
}

/* Each control table: one bit per entry, no duplicates, and lookups work. */
static void test_control_name_tables(void **state)
{
    const struct vmx_control_name *tables[] = {
        vmx_pin_control_names,  vmx_proc_control_names,  vmx_proc2_control_names,
        vmx_exit_control_names, vmx_entry_control_names,
    };
    (void)state;
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        uint32_t seen = 0;
        for (const struct vmx_control_name *e = tables[t]; e->name; e++) {
            assert_true(e->bit != 0 && (e->bit & (e->bit - 1)) == 0);
            assert_false(seen & e->bit);
            seen |= e->bit;
        }
    }
    assert_string_equal(vmx_control_name(vmx_proc2_control_names, PROC2_ENABLE_EPT),
                        "enable EPT");
    assert_string_equal(vmx_control_name(vmx_proc2_control_names, PROC2_UNRESTRICTED_GUEST),
                        "unrestricted guest");
    assert_string_equal(vmx_control_name(vmx_proc_control_names, PROC_USE_IO_BITMAPS),
                        "use I/O bitmaps");
    assert_string_equal(vmx_control_name(vmx_exit_control_names, EXIT_HOST_ADDR_SPACE_SIZE),
                        "host address-space size");
    assert_string_equal(vmx_control_name(vmx_entry_control_names, ENTRY_IA32E_MODE_GUEST),
                        "IA-32e mode guest");
    assert_null(vmx_control_name(vmx_pin_control_names, 1u << 1));
    assert_null(vmx_control_name(NULL, PIN_NMI_EXITING));
}

/* ---- Control adjustment ------------------------------------------------ */

/* Build a capability MSR value: allowed 0-settings low, allowed 1-settings high. */
static uint64_t cap(uint32_t must_be_one, uint32_t may_be_one)
{
    return ((uint64_t)may_be_one << 32) | must_be_one;
}

static void test_adjust_forces_required_bits(void **state)
{
    struct vmx_control_request req = {.what = "pin-based controls", .wanted = PIN_NMI_EXITING};
    uint32_t out = 0;
    char why[96] = "stale";
    (void)state;
    /* default1 bits 1, 2, 4 must be 1; everything may be 1 */
    assert_int_equal(vmx_adjust_controls(cap(PIN_DEFAULT1, 0xFFFFFFFFu), &req,
                                         vmx_pin_control_names, &out, why, sizeof why),
                     0);
    assert_int_equal(out, 0x16u | 0x08u);
    assert_string_equal(why, "");
}

static void test_adjust_keeps_supported_drops_unsupported_optional(void **state)
{
    struct vmx_control_request req = {
        .what = "primary processor-based controls",
        .wanted = PROC_USE_IO_BITMAPS | PROC_ACTIVATE_SECONDARY,
        .optional = PROC_USE_MSR_BITMAPS | PROC_MONITOR_TRAP_FLAG,
    };
    uint32_t may = PROC_DEFAULT1 | PROC_USE_IO_BITMAPS | PROC_ACTIVATE_SECONDARY |
                   PROC_USE_MSR_BITMAPS; /* no monitor trap flag on this CPU */
    uint32_t out = 0;
    (void)state;
    assert_int_equal(vmx_adjust_controls(cap(PROC_DEFAULT1, may), &req, vmx_proc_control_names,
                                         &out, NULL, 0),
                     0);
    /* 0x0401E172 | bit 25 | bit 31 | bit 28; bit 27 dropped */
    assert_int_equal(out, 0x0401E172u | 0x02000000u | 0x80000000u | 0x10000000u);
    assert_false(out & PROC_MONITOR_TRAP_FLAG);
}

static void test_adjust_true_msr_allows_default1_zero(void **state)
{
    /* A TRUE MSR may report CR3-load/store exiting as allowed to be 0. */
    uint32_t must = PROC_DEFAULT1 & ~(PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING);
    struct vmx_control_request req = {.what = "primary processor-based controls",
                                      .wanted = PROC_HLT_EXITING};
    uint32_t out = 0;
    (void)state;
    assert_int_equal(vmx_adjust_controls(cap(must, 0xFFFFFFFFu), &req, vmx_proc_control_names,
                                         &out, NULL, 0),
                     0);
    assert_int_equal(out, 0x04006172u | 0x80u);
    assert_false(out & PROC_CR3_LOAD_EXITING);
}

static void test_adjust_wanted_unsupported_fails(void **state)
{
    struct vmx_control_request req = {
        .what = "secondary controls",
        .wanted = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST | PROC2_ENABLE_XSAVES,
    };
    uint32_t out = 0xDEADBEEFu;
    char why[96];
    (void)state;
    /* EPT yes; neither unrestricted guest (bit 7) nor XSAVES (bit 20) */
    assert_int_equal(vmx_adjust_controls(cap(0, PROC2_ENABLE_EPT | PROC2_ENABLE_VPID), &req,
                                         vmx_proc2_control_names, &out, why, sizeof why),
                     -1);
    assert_string_equal(why,
                        "secondary controls: 'unrestricted guest' not supported by this CPU");
    assert_int_equal(out, 0xDEADBEEFu);
}

static void test_adjust_unnamed_bit_and_truncation(void **state)
{
    struct vmx_control_request req = {.what = "secondary controls", .wanted = 1u << 21};
    uint32_t out = 0;
    char why[64];
    char tiny[12];
    (void)state;
    assert_int_equal(
        vmx_adjust_controls(cap(0, 0), &req, vmx_proc2_control_names, &out, why, sizeof why),
        -1);
    assert_string_equal(why, "secondary controls: bit 21 not supported by this CPU");
    /* bounded: 11 characters and the NUL, ASan checks the rest */
    assert_int_equal(vmx_adjust_controls(cap(0, 0), &req, NULL, &out, tiny, sizeof tiny), -1);
    assert_string_equal(tiny, "secondary c");
    /* no message buffer at all */
    assert_int_equal(vmx_adjust_controls(cap(0, 0), &req, NULL, &out, NULL, 0), -1);
}

static void test_control_cap_msr_selects_true(void **state)
{
    (void)state;
    assert_int_equal(vmx_control_cap_msr(VMX_BASIC_TRUE_CTLS | 0x12, MSR_IA32_VMX_PINBASED_CTLS,
                                         MSR_IA32_VMX_TRUE_PINBASED_CTLS),
                     0x48D);
    assert_int_equal(
        vmx_control_cap_msr(0x12, MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS),
        0x481);
}

/* ---- CR0 / CR4 fixed bits ---------------------------------------------- */

/* Typical values: CR0_FIXED0 = PG|NE|PE, CR0_FIXED1 = low 32 bits,
 * CR4_FIXED0 = VMXE (bit 13), CR4_FIXED1 without bit 23. */
#define T_CR0_FIXED0 0x80000021ull
#define T_CR0_FIXED1 0xFFFFFFFFull
#define T_CR4_FIXED0 0x00002000ull
#define T_CR4_FIXED1 0x003767FFull

static void test_fixed_bits_apply(void **state)
{
    (void)state;
    /* CR0 = ET only -> PG|NE|ET|PE */
    assert_int_equal(vmx_fixed_bits_apply(0x10, T_CR0_FIXED0, T_CR0_FIXED1), 0x80000031ull);
    /* upper bits of CR0 are cleared */
    assert_int_equal(vmx_fixed_bits_apply(1ull << 40, T_CR0_FIXED0, T_CR0_FIXED1),
                     0x80000021ull);
    /* CR4 = PAE|bit 23 -> PAE|VMXE, bit 23 cleared */
    assert_int_equal(vmx_fixed_bits_apply(0x00800020, T_CR4_FIXED0, T_CR4_FIXED1),
                     0x00002020ull);
    /* unrestricted guest: PE and PG exempt */
    assert_int_equal(vmx_fixed_bits_apply(0x10, T_CR0_FIXED0 & ~0x80000001ull, T_CR0_FIXED1),
                     0x30ull);
}

static void test_fixed_bits_check(void **state)
{
    struct vmx_fixed_violation bad = {99, false};
    char why[96];
    (void)state;
    assert_int_equal(vmx_fixed_bits_check("CR0", 0x80000031ull, T_CR0_FIXED0, T_CR0_FIXED1,
                                          &bad, why, sizeof why),
                     0);
    assert_int_equal(bad.bit, 99); /* untouched on success */

    /* PE (bit 0) and PG (bit 31) missing: the lowest one is reported */
    assert_int_equal(
        vmx_fixed_bits_check("CR0", 0x20ull, T_CR0_FIXED0, T_CR0_FIXED1, &bad, why, sizeof why),
        -1);
    assert_int_equal(bad.bit, 0);
    assert_true(bad.must_be_one);
    assert_string_equal(why, "CR0 bit 0 must be 1 in VMX operation (IA32_VMX_CR0_FIXED0)");

    /* CR4 bit 23 set but not allowed */
    assert_int_equal(vmx_fixed_bits_check("CR4", 0x00802000ull, T_CR4_FIXED0, T_CR4_FIXED1,
                                          &bad, why, sizeof why),
                     -1);
    assert_int_equal(bad.bit, 23);
    assert_false(bad.must_be_one);
    assert_string_equal(why, "CR4 bit 23 must be 0 in VMX operation (IA32_VMX_CR4_FIXED1)");

    /* bit 63, no message buffer */
    assert_int_equal(vmx_fixed_bits_check("CR0", 0x80000021ull | (1ull << 63), T_CR0_FIXED0,
                                          T_CR0_FIXED1, &bad, NULL, 0),
                     -1);
    assert_int_equal(bad.bit, 63);
}

/* ---- Exit qualifications ----------------------------------------------- */

/* Table "Exit Qualification for I/O Instructions" */
static void test_io_qual_out_dx_al(void **state)
{
    /* out dx, al with DX = 3F8H: size 0 (1 byte), OUT, DX operand */
    struct vmx_io_qual io = vmx_io_qual_decode(0x03F80000ull);
    (void)state;
    assert_int_equal(io.port, 0x3F8);
    assert_int_equal(io.size, 1);
    assert_false(io.in);
    assert_false(io.string);
    assert_false(io.rep);
    assert_false(io.immediate);
}

static void test_io_qual_rep_insw(void **state)
{
    /* rep insw, DX = 3F8H: size 1 (2 bytes) | IN 08H | string 10H | rep 20H */
    struct vmx_io_qual io = vmx_io_qual_decode(0x03F80039ull);
    (void)state;
    assert_int_equal(io.port, 0x3F8);
    assert_int_equal(io.size, 2);
    assert_true(io.in);
    assert_true(io.string);
    assert_true(io.rep);
    assert_false(io.immediate);
}

static void test_io_qual_in_eax_imm(void **state)
{
    /* in eax, 60H: size 3 (4 bytes) | IN 08H | immediate 40H */
    struct vmx_io_qual io = vmx_io_qual_decode(0x0060004Bull);
    (void)state;
    assert_int_equal(io.port, 0x60);
    assert_int_equal(io.size, 4);
    assert_true(io.in);
    assert_false(io.string);
    assert_false(io.rep);
    assert_true(io.immediate);
    /* size encoding 2 is not used by the manual */
    assert_int_equal(vmx_io_qual_decode(0x00600002ull).size, 0);
}

/* Table "Exit Qualification for Control-Register Accesses" */
static void test_cr_qual_mov_to_cr(void **state)
{
    struct vmx_cr_qual cr = vmx_cr_qual_decode(0x0); /* mov cr0, rax */
    (void)state;
    assert_int_equal(cr.cr, 0);
    assert_int_equal(cr.access, VMX_CR_ACCESS_MOV_TO_CR);
    assert_int_equal(cr.gpr, VMX_GPR_RAX);
    cr = vmx_cr_qual_decode(0xC04); /* mov cr4, r12 */
    assert_int_equal(cr.cr, 4);
    assert_int_equal(cr.access, VMX_CR_ACCESS_MOV_TO_CR);
    assert_int_equal(cr.gpr, VMX_GPR_R12);
}

static void test_cr_qual_mov_from_cr(void **state)
{
    /* mov rbx, cr3: CR 3 | type 1 (10H) | GPR 3 (300H) */
    struct vmx_cr_qual cr = vmx_cr_qual_decode(0x313);
    (void)state;
    assert_int_equal(cr.cr, 3);
    assert_int_equal(cr.access, VMX_CR_ACCESS_MOV_FROM_CR);
    assert_int_equal(cr.gpr, VMX_GPR_RBX);
}

static void test_cr_qual_clts_lmsw(void **state)
{
    struct vmx_cr_qual cr = vmx_cr_qual_decode(0x20); /* clts */
    (void)state;
    assert_int_equal(cr.cr, 0);
    assert_int_equal(cr.access, VMX_CR_ACCESS_CLTS);

    cr = vmx_cr_qual_decode(0x000F0030ull); /* lmsw ax, AX = 000FH */
    assert_int_equal(cr.access, VMX_CR_ACCESS_LMSW);
    assert_false(cr.lmsw_memory);
    assert_int_equal(cr.lmsw_source, 0x000F);

    cr = vmx_cr_qual_decode(0x80010070ull); /* lmsw [mem], value 8001H */
    assert_int_equal(cr.access, VMX_CR_ACCESS_LMSW);
    assert_true(cr.lmsw_memory);
    assert_int_equal(cr.lmsw_source, 0x8001);
}

/* Table "Exit Qualification for EPT Violations" */
static void test_ept_qual(void **state)
{
    /* write to a read+execute page, via the final translation:
	 * write 02H | readable 08H | executable 20H | linear valid 80H | translation 100H */
    struct vmx_ept_qual e = vmx_ept_qual_decode(0x1AAull);
    (void)state;
    assert_false(e.read);
    assert_true(e.write);
    assert_false(e.fetch);
    assert_true(e.readable);
    assert_false(e.writable);
    assert_true(e.executable);
    assert_true(e.linear_valid);
    assert_true(e.translation);
    assert_false(e.nmi_unblocking);

    /* fetch that hit a not-present entry while walking guest page tables */
    e = vmx_ept_qual_decode(0x84ull);
    assert_true(e.fetch);
    assert_false(e.readable || e.writable || e.executable);
    assert_true(e.linear_valid);
    assert_false(e.translation);

    /* bit 8 means nothing without bit 7; NMI unblocking is bit 12 */
    e = vmx_ept_qual_decode(0x1101ull);
    assert_true(e.read);
    assert_false(e.linear_valid);
    assert_false(e.translation);
    assert_true(e.nmi_unblocking);
}

/* Tables "Format of the VM-Exit/VM-Entry Interruption-Information Field" */
static void test_intr_info(void **state)
{
    /* #PF (14) hardware exception with error code */
    struct vmx_intr_info ii = vmx_intr_info_decode(0x80000B0Eu);
    (void)state;
    assert_true(ii.valid);
    assert_int_equal(ii.vector, 14);
    assert_int_equal(ii.type, VMX_INTR_TYPE_HW_EXCEPTION);
    assert_true(ii.error_code_valid);
    assert_false(ii.nmi_unblocking);

    ii = vmx_intr_info_decode(0x80001202u); /* NMI, unblocking due to IRET */
    assert_int_equal(ii.vector, 2);
    assert_int_equal(ii.type, VMX_INTR_TYPE_NMI);
    assert_true(ii.nmi_unblocking);
    assert_false(ii.error_code_valid);

    ii = vmx_intr_info_decode(0x00000020u); /* valid bit clear */
    assert_false(ii.valid);

    assert_int_equal(vmx_intr_info_encode(13, VMX_INTR_TYPE_HW_EXCEPTION, true), 0x80000B0Du);
    assert_int_equal(vmx_intr_info_encode(3, VMX_INTR_TYPE_SW_EXCEPTION, false), 0x80000603u);
    assert_int_equal(vmx_intr_info_encode(0x20, VMX_INTR_TYPE_EXTERNAL, false), 0x80000020u);
}

/* Table "Format of the VM-Exit Instruction-Information Field as Used for INS and OUTS" */
static void test_io_instr_info(void **state)
{
    /* rep outsb with 64-bit addresses and a DS: operand: 2 << 7 | 3 << 15 */
    struct vmx_io_instr_info ii = vmx_io_instr_info_decode(0x18100u);
    (void)state;
    assert_int_equal(ii.address_bits, 64);
    assert_int_equal(ii.segment, VMX_SEG_DS);
    ii = vmx_io_instr_info_decode(0x00080u); /* 32-bit, ES */
    assert_int_equal(ii.address_bits, 32);
    assert_int_equal(ii.segment, VMX_SEG_ES);
    ii = vmx_io_instr_info_decode(0x28000u); /* 16-bit, GS */
    assert_int_equal(ii.address_bits, 16);
    assert_int_equal(ii.segment, VMX_SEG_GS);
    assert_int_equal(vmx_io_instr_info_decode(0x180u).address_bits, 0); /* reserved 3 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_width_from_encoding),
        cmocka_unit_test(test_field_size),
        cmocka_unit_test(test_field_names),
        cmocka_unit_test(test_exit_reason_names),
        cmocka_unit_test(test_exit_reason_table_complete),
        cmocka_unit_test(test_instruction_error_names),
        cmocka_unit_test(test_control_name_tables),
        cmocka_unit_test(test_adjust_forces_required_bits),
        cmocka_unit_test(test_adjust_keeps_supported_drops_unsupported_optional),
        cmocka_unit_test(test_adjust_true_msr_allows_default1_zero),
        cmocka_unit_test(test_adjust_wanted_unsupported_fails),
        cmocka_unit_test(test_adjust_unnamed_bit_and_truncation),
        cmocka_unit_test(test_control_cap_msr_selects_true),
        cmocka_unit_test(test_fixed_bits_apply),
        cmocka_unit_test(test_fixed_bits_check),
        cmocka_unit_test(test_io_qual_out_dx_al),
        cmocka_unit_test(test_io_qual_rep_insw),
        cmocka_unit_test(test_io_qual_in_eax_imm),
        cmocka_unit_test(test_cr_qual_mov_to_cr),
        cmocka_unit_test(test_cr_qual_mov_from_cr),
        cmocka_unit_test(test_cr_qual_clts_lmsw),
        cmocka_unit_test(test_ept_qual),
        cmocka_unit_test(test_intr_info),
        cmocka_unit_test(test_io_instr_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
