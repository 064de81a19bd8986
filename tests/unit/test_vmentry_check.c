/*
 * test_vmentry_check.c - host unit tests for the VM-entry checker.
 *
 * Builds known-good snapshots (a 32-bit flat protected-mode guest under "unrestricted
 * guest" + EPT, like a Multiboot entry; a 64-bit IA-32e guest; a real-mode guest) with a
 * 64-bit host, checks that they pass, then breaks exactly one thing per test and asserts
 * the area and a distinctive piece of the message, so a different check firing fails it.
 * See: SDM Vol. 3C, "VM Entries".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/x86_64/vmx/vmentry_check.h"
#include "arch/x86_64/vmx/vmentry_check_internal.h"
#include "arch/x86_64/vmx/vmx_bits.h"

/* ---- Values a real CPU would report (typical Skylake-era capability MSRs). ---- */
#define TEST_CR0_FIXED0   (CR0_PE | CR0_NE | CR0_PG) /* 0x80000021 */
#define TEST_CR0_FIXED1   0xFFFFFFFFull
#define TEST_CR4_FIXED0   CR4_VMXE
#define TEST_CR4_FIXED1   0x003727FFull
#define TEST_PHYS_WIDTH   39u
#define TEST_LINEAR_WIDTH 48u
#define TEST_NONCANONICAL 0x0000800000000000ull /* bit 47 set, 63:48 clear */
#define TEST_PAT_DEFAULT  0x0007040600070406ull /* the power-on IA32_PAT */

/* Control words: any consistent value/capability triple will do. */
#define TEST_PIN_VALUE      0x16u
#define TEST_PIN_MAY_BE_1   0x7Fu
#define TEST_PROC_VALUE     0x84006172u
#define TEST_PROC_MUST_BE_1 0x04006172u
#define TEST_PROC_MAY_BE_1  0xFFF9FFFEu

/* Guest segments, as the brief's Multiboot-like guest uses them. */
#define CODE32_AR       0xC09Bu /* G, D/B, P, S, type 11 (execute/read accessed code) */
#define CODE64_AR       0xA09Bu /* G, L, P, S, type 11 */
#define DATA_AR         0xC093u /* G, D/B, P, S, type 3 (read/write accessed data) */
#define TSS_AR          0x008Bu /* P, type 11 (busy TSS) */
#define REAL_CODE_AR    0x009Bu
#define REAL_DATA_AR    0x0093u
#define FLAT_LIMIT      0xFFFFFFFFu
#define REAL_LIMIT      0xFFFFu
#define GUEST_CS_SEL    0x08u
#define GUEST_DS_SEL    0x10u
#define GUEST_ENTRY     0x00100000ull
#define GUEST_STACK     0x00090000ull
#define GUEST_PML4      0x00200000ull
#define EPT_PML4        0x00300000ull
#define MSR_BITMAP_PAGE 0x00400000ull

/* Host: a 64-bit UEFI application's state. */
#define HOST_CR0      (CR0_PG | CR0_AM | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE)
#define HOST_CR4      (CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_VMXE)
#define HOST_CR3      0x7F000000ull
#define HOST_CODE_SEL 0x38u
#define HOST_DATA_SEL 0x30u
#define HOST_TSS_SEL  0x40u
#define HOST_RIP      0x7E001000ull
#define HOST_RSP      0x7E100000ull
#define HOST_TABLES   0x7E200000ull

static void set_segment(struct vmentry_segment *seg, uint16_t sel, uint64_t base,
                        uint32_t limit, uint32_t ar)
{
    seg->selector = sel;
    seg->base = base;
    seg->limit = limit;
    seg->access_rights = ar;
}

/* good32 - a 32-bit flat protected-mode guest, unrestricted guest + EPT, 64-bit host. */
static struct vmentry_state good32(void)
{
    struct vmentry_state s;
    memset(&s, 0, sizeof(s));

    s.cap.cr0_fixed0 = TEST_CR0_FIXED0;
    s.cap.cr0_fixed1 = TEST_CR0_FIXED1;
    s.cap.cr4_fixed0 = TEST_CR4_FIXED0;
    s.cap.cr4_fixed1 = TEST_CR4_FIXED1;
    s.cap.phys_addr_width = TEST_PHYS_WIDTH;
    s.cap.linear_addr_width = TEST_LINEAR_WIDTH;
    s.cap.ept_walk_length_4 = s.cap.ept_uc = s.cap.ept_wb = s.cap.ept_accessed_dirty = true;
    s.cap.monitor_trap_flag = true;
    s.cap.cpu_in_ia32e_mode = true;

    s.ctl.pin_based =
        (struct vmentry_control_word){true, TEST_PIN_VALUE, TEST_PIN_VALUE, TEST_PIN_MAY_BE_1};
    s.ctl.proc_based = (struct vmentry_control_word){true, TEST_PROC_VALUE, TEST_PROC_MUST_BE_1,
                                                     TEST_PROC_MAY_BE_1};
    s.ctl.use_msr_bitmaps = true;
    s.ctl.msr_bitmap = MSR_BITMAP_PAGE;
    s.ctl.activate_secondary = s.ctl.enable_ept = s.ctl.unrestricted_guest = true;
    s.ctl.eptp = EPT_PML4 | EPTP_WALK_4_LEVELS | EPTP_MEMTYPE_WB;
    s.ctl.host_addr_space_size = s.ctl.exit_load_efer = s.ctl.exit_load_pat = true;
    s.ctl.load_efer = s.ctl.load_debug_controls = true;

    s.guest.cr0 = CR0_PE | CR0_NE | CR0_ET;
    s.guest.cr4 = CR4_VMXE;
    s.guest.dr7 = 0x400; /* architectural reset value */
    s.guest.pat = TEST_PAT_DEFAULT;
    s.guest.rip = GUEST_ENTRY;
    s.guest.rsp = GUEST_STACK;
    s.guest.rflags = RFLAGS_FIXED1;
    set_segment(&s.guest.cs, GUEST_CS_SEL, 0, FLAT_LIMIT, CODE32_AR);
    set_segment(&s.guest.ss, GUEST_DS_SEL, 0, FLAT_LIMIT, DATA_AR);
    set_segment(&s.guest.ds, GUEST_DS_SEL, 0, FLAT_LIMIT, DATA_AR);
    set_segment(&s.guest.es, GUEST_DS_SEL, 0, FLAT_LIMIT, DATA_AR);
    set_segment(&s.guest.fs, GUEST_DS_SEL, 0, FLAT_LIMIT, DATA_AR);
    set_segment(&s.guest.gs, GUEST_DS_SEL, 0, FLAT_LIMIT, DATA_AR);
    set_segment(&s.guest.tr, 0, 0, 0xFF, TSS_AR);
    set_segment(&s.guest.ldtr, 0, 0, 0, SEG_AR_UNUSABLE);
    s.guest.gdtr_limit = s.guest.idtr_limit = 0xFFFF;
    s.guest.activity_state = GUEST_ACTIVITY_ACTIVE;
    s.guest.vmcs_link_pointer = VMCS_LINK_POINTER_NONE;

    s.host.cr0 = HOST_CR0;
    s.host.cr3 = HOST_CR3;
    s.host.cr4 = HOST_CR4;
    s.host.rip = HOST_RIP;
    s.host.rsp = HOST_RSP;
    s.host.cs_sel = HOST_CODE_SEL;
    s.host.es_sel = s.host.ss_sel = s.host.ds_sel = s.host.fs_sel = s.host.gs_sel =
        HOST_DATA_SEL;
    s.host.tr_sel = HOST_TSS_SEL;
    s.host.gdtr_base = HOST_TABLES;
    s.host.idtr_base = HOST_TABLES + 0x1000;
    s.host.tr_base = HOST_TABLES + 0x2000;
    s.host.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    s.host.pat = TEST_PAT_DEFAULT;
    return s;
}

/* good64 - the same, but the guest resumes in 64-bit mode (IA-32e mode guest). */
static struct vmentry_state good64(void)
{
    struct vmentry_state s = good32();
    s.ctl.ia32e_mode_guest = true;
    s.guest.cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE;
    s.guest.cr3 = GUEST_PML4;
    s.guest.cr4 = CR4_PAE | CR4_VMXE;
    s.guest.efer = EFER_LME | EFER_LMA;
    s.guest.cs.access_rights = CODE64_AR;
    return s;
}

/* goodreal - a real-mode guest at the reset vector's segment (needs unrestricted guest). */
static struct vmentry_state goodreal(void)
{
    struct vmentry_state s = good32();
    s.guest.cr0 = CR0_NE | CR0_ET;
    set_segment(&s.guest.cs, 0xF000, 0xF0000, REAL_LIMIT, REAL_CODE_AR);
    set_segment(&s.guest.ss, 0, 0, REAL_LIMIT, REAL_DATA_AR);
    set_segment(&s.guest.ds, 0, 0, REAL_LIMIT, REAL_DATA_AR);
    set_segment(&s.guest.es, 0, 0, REAL_LIMIT, REAL_DATA_AR);
    set_segment(&s.guest.fs, 0, 0, REAL_LIMIT, REAL_DATA_AR);
    set_segment(&s.guest.gs, 0, 0, REAL_LIMIT, REAL_DATA_AR);
    s.guest.rip = 0xFFF0;
    return s;
}

/* make_v86 - every data/code segment in the fixed virtual-8086 form (selector 0). */
static void make_v86(struct vmentry_state *s)
{
    struct vmentry_segment *segs[] = {&s->guest.cs, &s->guest.ss, &s->guest.ds,
                                      &s->guest.es, &s->guest.fs, &s->guest.gs};
    for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
        set_segment(segs[i], 0, 0, SEG_V86_LIMIT, SEG_V86_ACCESS_RIGHTS);
    s->guest.rflags |= RFLAGS_VM;
}

static uint32_t inject(uint32_t type, uint32_t vector, bool error_code)
{
    return INJ_VALID | (type << INJ_TYPE_SHIFT) | vector |
           (error_code ? INJ_DELIVER_ERROR_CODE : 0);
}

static enum vmentry_failure failure_of_area(const char *area)
{
    if (strcmp(area, VMENTRY_AREA_SNAPSHOT) == 0)
        return VMENTRY_BAD_SNAPSHOT;
    if (strcmp(area, VMENTRY_AREA_EXEC_CONTROLS) == 0 ||
        strcmp(area, VMENTRY_AREA_EXIT_CONTROLS) == 0 ||
        strcmp(area, VMENTRY_AREA_ENTRY_CONTROLS) == 0)
        return VMENTRY_FAILS_CONTROLS;
    if (strcmp(area, VMENTRY_AREA_HOST_CR_MSR) == 0 ||
        strcmp(area, VMENTRY_AREA_HOST_SEGMENTS) == 0 ||
        strcmp(area, VMENTRY_AREA_ADDR_SPACE_SIZE) == 0)
        return VMENTRY_FAILS_HOST_STATE;
    return VMENTRY_FAILS_GUEST_STATE;
}

/* expect_fail - s fails in area, and the message contains text (whole, not truncated). */
#define expect_fail(s, area, text) expect_fail_at((s), (area), (text), __LINE__)
static void expect_fail_at(struct vmentry_state s, const char *area, const char *text, int line)
{
    struct vmentry_finding f;
    bool ok = vmentry_check(&s, &f);

    if (ok || f.area == NULL || strcmp(f.area, area) != 0 || strstr(f.message, text) == NULL)
        fail_msg("line %d: expected [%s] \"...%s...\", got %s [%s] \"%s\"", line, area, text,
                 ok ? "pass" : "failure", f.area ? f.area : "-", f.message);
    assert_int_equal(f.failure, failure_of_area(area));
    assert_non_null(f.section);
    assert_true(strncmp(f.section, "Checks", strlen("Checks")) == 0 ||
                f.failure == VMENTRY_BAD_SNAPSHOT);
    assert_true(strlen(f.message) < VMENTRY_MESSAGE_MAX - 1); /* not cut off */
}

static void expect_pass(struct vmentry_state s)
{
    struct vmentry_finding f;
    if (!vmentry_check(&s, &f))
        fail_msg("expected pass, got [%s] %s", f.area, f.message);
    assert_int_equal(f.failure, VMENTRY_OK);
}

#define A_EXEC     VMENTRY_AREA_EXEC_CONTROLS
#define A_EXIT     VMENTRY_AREA_EXIT_CONTROLS
#define A_ENTRY    VMENTRY_AREA_ENTRY_CONTROLS
#define A_HOST_CR  VMENTRY_AREA_HOST_CR_MSR
#define A_HOST_SEG VMENTRY_AREA_HOST_SEGMENTS
#define A_ADDR     VMENTRY_AREA_ADDR_SPACE_SIZE
#define A_GUEST_CR VMENTRY_AREA_GUEST_CR_MSR
#define A_SEG      VMENTRY_AREA_GUEST_SEGMENTS
#define A_DTR      VMENTRY_AREA_GUEST_DTR
#define A_RIP      VMENTRY_AREA_GUEST_RIP_RFLAGS
#define A_NONREG   VMENTRY_AREA_GUEST_NON_REGISTER

/* ---- Known-good states. ---- */

static void test_good_states_pass(void **state)
{
    (void)state;
    expect_pass(good32());
    expect_pass(good64());
    expect_pass(goodreal());
}

static void test_other_good_variants_pass(void **state)
{
    (void)state;
    struct vmentry_state s = goodreal();
    s.guest.cs.access_rights = REAL_DATA_AR; /* CS type 3 is legal with unrestricted guest */
    expect_pass(s);

    s = good32();
    s.guest.ds.access_rights = SEG_AR_UNUSABLE | 0x1234u; /* unusable: rest not checked */
    s.guest.ds.base = UINT64_MAX;
    expect_pass(s);

    s = good32();
    s.cap.any_error_code = true; /* IA32_VMX_BASIC[56]: #GP may go without an error code */
    s.ctl.entry_intr_info = inject(INJ_TYPE_HARDWARE_EXCEPTION, VEC_GP, false);
    expect_pass(s);

    s = good32();
    s.guest.activity_state = GUEST_ACTIVITY_HLT; /* an interrupt may wake a halted guest */
    s.guest.rflags |= RFLAGS_IF;
    s.ctl.entry_intr_info = inject(INJ_TYPE_EXTERNAL_INTERRUPT, 0x20, false);
    expect_pass(s);

    s = good32();
    s.ctl.pin_based.captured = false; /* uncaptured words are not judged */
    s.ctl.pin_based.value = UINT32_MAX;
    expect_pass(s);
}

static void test_snapshot_incomplete(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.cap.phys_addr_width = 0;
    expect_fail(s, VMENTRY_AREA_SNAPSHOT, "phys_addr_width is 0");
}

/* ---- Checks on VMX Controls (VM-instruction error 7). ---- */

static void test_exec_controls(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.ctl.pin_based.value |= 0x80u;
    expect_fail(s, A_EXEC, "pin-based VM-execution controls 0x96 sets bits 0x80");

    s = good32();
    s.ctl.proc_based.value &= ~0x2u;
    expect_fail(s, A_EXEC, "clears bits 0x2 that the capability MSR requires");

    s = good32();
    s.ctl.cr3_target_count = 5;
    expect_fail(s, A_EXEC, "CR3-target count is 5");

    s = good32();
    s.ctl.use_io_bitmaps = true;
    s.ctl.io_bitmap_a = MSR_BITMAP_PAGE + 0x1000;
    s.ctl.io_bitmap_b = 1ull << TEST_PHYS_WIDTH;
    expect_fail(s, A_EXEC, "I/O bitmap B address 0x8000000000 is beyond");

    s = good32();
    s.ctl.msr_bitmap = MSR_BITMAP_PAGE + 0x10;
    expect_fail(s, A_EXEC, "MSR bitmap address 0x400010 is not 4-KiB aligned");

    s = good32();
    s.ctl.virtual_nmis = true;
    expect_fail(s, A_EXEC, "\"virtual NMIs\" is 1 but \"NMI exiting\" is 0");

    s = good32();
    s.ctl.nmi_window_exiting = true;
    expect_fail(s, A_EXEC, "\"NMI-window exiting\" is 1");

    s = good32();
    s.ctl.enable_vpid = true;
    expect_fail(s, A_EXEC, "the VPID is 0");
}

static void test_eptp(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.ctl.eptp = (s.ctl.eptp & ~EPTP_MEMTYPE_MASK) | 5;
    expect_fail(s, A_EXEC, "has memory type 5");

    s = good32();
    s.ctl.eptp = (s.ctl.eptp & ~EPTP_WALK_MASK) | EPTP_WALK_5_LEVELS;
    expect_fail(s, A_EXEC, "page-walk length field 4");

    s = good32();
    s.cap.ept_accessed_dirty = false;
    s.ctl.eptp |= EPTP_AD_ENABLE;
    expect_fail(s, A_EXEC, "bit 6 (EPT accessed/dirty flags)");

    s = good32();
    s.ctl.eptp |= 0x100;
    expect_fail(s, A_EXEC, "sets reserved bits 0x100");

    s = good32();
    s.ctl.eptp |= 1ull << TEST_PHYS_WIDTH;
    expect_fail(s, A_EXEC, "EPTP 0x800030001e sets bits beyond");

    s = good32();
    s.ctl.enable_ept = false;
    expect_fail(s, A_EXEC, "\"unrestricted guest\" is 1 but \"enable EPT\" is 0");
}

static void test_exit_entry_msr_areas(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.ctl.exit_msr_store_count = 2;
    s.ctl.exit_msr_store_addr = MSR_BITMAP_PAGE + 8;
    expect_fail(s, A_EXIT, "VM-exit MSR-store address 0x400008 is not 16-byte aligned");

    s = good32();
    s.ctl.entry_msr_load_count = 1;
    s.ctl.entry_msr_load_addr = (1ull << TEST_PHYS_WIDTH) - 8;
    expect_fail(s, A_ENTRY, "VM-entry MSR-load address 0x7ffffffff8 is not 16-byte");

    s = good32();
    s.ctl.entry_msr_load_count = 2;
    s.ctl.entry_msr_load_addr = (1ull << TEST_PHYS_WIDTH) - 16;
    expect_fail(s, A_ENTRY, "goes beyond the physical-address width");
}

/* Saving the preemption timer's value needs the timer active (the rule hvlab itself broke
 * with watchdog=0, when the timer was off and the save control left on). */
static void test_preemption_timer_save_needs_timer(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.ctl.pin_based.may_be_1 |= PIN_PREEMPTION_TIMER;
    s.ctl.exit = (struct vmentry_control_word){true, EXIT_SAVE_PREEMPTION_TIMER, 0,
                                               EXIT_SAVE_PREEMPTION_TIMER};
    expect_fail(s, A_EXIT, "\"save VMX-preemption timer value\" is 1 but \"activate");
    s.ctl.pin_based.value |= PIN_PREEMPTION_TIMER;
    expect_pass(s);
}

static void test_event_injection(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_RESERVED, 0, false);
    expect_fail(s, A_ENTRY, "reserved interruption type 1");

    s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_NMI, 3, false);
    expect_fail(s, A_ENTRY, "NMIs use vector 2");

    s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_HARDWARE_EXCEPTION, 32, false);
    expect_fail(s, A_ENTRY, "vector 32 is above 31");

    s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_HARDWARE_EXCEPTION, VEC_GP, false);
    expect_fail(s, A_ENTRY, "exception 13 pushes an error code");

    s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_HARDWARE_EXCEPTION, 6, true);
    expect_fail(s, A_ENTRY, "exception 6 pushes no error code");

    s = goodreal(); /* real mode: nothing pushes an error code */
    s.ctl.entry_intr_info = inject(INJ_TYPE_HARDWARE_EXCEPTION, VEC_GP, true);
    expect_fail(s, A_ENTRY, "only hardware exceptions in protected mode");

    s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_EXTERNAL_INTERRUPT, 0x20, false) | (1u << 12);
    s.guest.rflags |= RFLAGS_IF;
    expect_fail(s, A_ENTRY, "sets reserved bits 0x1000 (bits 30:12");

    s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_HARDWARE_EXCEPTION, VEC_PF, true);
    s.ctl.entry_exception_error_code = 0x10002;
    expect_fail(s, A_ENTRY, "error code 0x10002 sets bits 31:16");

    s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_SOFTWARE_INTERRUPT, 0x80, false);
    expect_fail(s, A_ENTRY, "instruction length of 1-15, not 0");
}

/* ---- Host state (VM-instruction error 8). ---- */

static void test_host_cr_msr(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.host.cr0 &= ~CR0_PG;
    expect_fail(s, A_HOST_CR, "bits 0x80000000 clear that IA32_VMX_CR0_FIXED0");

    s = good32();
    s.host.cr4 &= ~CR4_VMXE;
    expect_fail(s, A_HOST_CR, "bits 0x2000 clear that IA32_VMX_CR4_FIXED0");

    s = good32();
    s.host.cr4 |= CR4_CET; /* bit 23: not in this CPU's FIXED1 */
    expect_fail(s, A_HOST_CR, "sets bits 0x800000 that IA32_VMX_CR4_FIXED1");

    s = good32();
    s.host.cr3 = 1ull << TEST_PHYS_WIDTH;
    expect_fail(s, A_HOST_CR, "host CR3 0x8000000000 sets bits beyond");

    s = good32();
    s.host.sysenter_eip = TEST_NONCANONICAL;
    expect_fail(s, A_HOST_CR, "IA32_SYSENTER_EIP 0x800000000000 is not canonical");

    s = good32();
    s.host.pat = (TEST_PAT_DEFAULT & ~(PAT_ENTRY_MASK << 16)) | (2ull << 16); /* type 2 */
    expect_fail(s, A_HOST_CR, "host IA32_PAT 0x7040600020406");

    s = good32();
    s.host.efer &= ~EFER_LMA;
    expect_fail(s, A_HOST_CR, "host IA32_EFER.LMA (EFER 0x901)");
}

static void test_host_segments(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.host.ds_sel = HOST_DATA_SEL | 3;
    expect_fail(s, A_HOST_SEG, "host DS selector 0x33 has RPL or TI set");

    s = good32();
    s.host.cs_sel = SEL_NULL;
    expect_fail(s, A_HOST_SEG, "host CS selector is 0");

    s = good32();
    s.host.tr_sel = SEL_NULL;
    expect_fail(s, A_HOST_SEG, "host TR selector is 0");

    s = good32();
    s.host.fs_base = TEST_NONCANONICAL;
    expect_fail(s, A_HOST_SEG, "host FS base 0x800000000000 is not canonical");
}

static void test_address_space_size(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.ctl.host_addr_space_size = false;
    s.ctl.exit_load_efer = false;
    expect_fail(s, A_ADDR, "VM exit would drop the 64-bit host out of long mode");

    s = good32();
    s.host.cr4 &= ~CR4_PAE;
    expect_fail(s, A_ADDR, "64-bit host needs CR4.PAE=1");

    s = good32();
    s.host.rip = TEST_NONCANONICAL;
    expect_fail(s, A_ADDR, "host RIP 0x800000000000 is not canonical");
}

/* ---- Guest control registers, debug registers and MSRs (exit reason 33). ---- */

static void test_guest_cr0_cr4(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.cr0 |= CR0_PG;
    s.guest.cr0 &= ~CR0_PE;
    expect_fail(s, A_GUEST_CR, "paging needs protected mode");

    s = good32();
    s.ctl.unrestricted_guest = false; /* now CR0.PG=0 breaks IA32_VMX_CR0_FIXED0 */
    expect_fail(s, A_GUEST_CR, "has bits 0x80000000 clear that IA32_VMX_CR0_FIXED0");

    s = good32();
    s.ctl.activate_secondary = false; /* unrestricted guest silently off */
    expect_fail(s, A_GUEST_CR, "has no effect while \"activate secondary controls\" is 0");

    s = good32();
    s.guest.cr4 &= ~CR4_VMXE;
    expect_fail(s, A_GUEST_CR, "CR4 read shadow");

    s = good32();
    s.guest.cr4 |= CR4_PCIDE;
    expect_fail(s, A_GUEST_CR, "PCIDs exist only in IA-32e mode");

    s = good64();
    s.guest.cr4 &= ~CR4_PAE;
    expect_fail(s, A_GUEST_CR, "\"IA-32e mode guest\" is 1 but guest CR4.PAE=0");

    s = good32();
    s.guest.cr3 = 1ull << TEST_PHYS_WIDTH;
    expect_fail(s, A_GUEST_CR, "guest CR3 0x8000000000 sets bits beyond");
}

static void test_guest_debug_and_msrs(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.debugctl = 1ull << 20;
    expect_fail(s, A_GUEST_CR, "guest IA32_DEBUGCTL 0x100000 sets reserved bits");

    s = good32();
    s.guest.dr7 |= 1ull << 32;
    expect_fail(s, A_GUEST_CR, "guest DR7 0x100000400 has bits 63:32 set");

    s = good32();
    s.guest.sysenter_esp = TEST_NONCANONICAL;
    expect_fail(s, A_GUEST_CR, "guest IA32_SYSENTER_ESP 0x800000000000");

    s = good32();
    s.ctl.load_pat = true;
    s.guest.pat = 0x0007040600070403ull;
    expect_fail(s, A_GUEST_CR, "guest IA32_PAT 0x7040600070403");

    s = good32();
    s.guest.efer = EFER_LMA | EFER_LME;
    expect_fail(s, A_GUEST_CR, "IA32_EFER.LMA is 1 but \"IA-32e mode guest\" is 0");

    s = good64();
    s.guest.efer &= ~EFER_LME;
    expect_fail(s, A_GUEST_CR, "IA32_EFER.LMA (1) differs from LME (0)");

    s = good32();
    s.guest.efer = 1ull << 2;
    expect_fail(s, A_GUEST_CR, "guest IA32_EFER 0x4 sets reserved bits");
}

/* ---- Guest segment registers. ---- */

static void test_guest_selectors_and_bases(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.tr.selector = SEL_TI;
    expect_fail(s, A_SEG, "guest TR selector 0x4 has TI=1");

    s = good64();
    s.ctl.unrestricted_guest = false;
    s.guest.ss.selector = GUEST_DS_SEL | 3;
    expect_fail(s, A_SEG, "SS.RPL (selector 0x13) differs from CS.RPL");

    s = good32();
    s.guest.gs.base = TEST_NONCANONICAL;
    expect_fail(s, A_SEG, "guest GS base 0x800000000000 is not canonical");

    s = good32();
    s.guest.cs.base = 1ull << 32;
    expect_fail(s, A_SEG, "guest CS base 0x100000000 has bits 63:32 set");

    s = good32();
    s.guest.es.base = 1ull << 32;
    expect_fail(s, A_SEG, "guest ES is usable but base 0x100000000");
}

static void test_guest_segment_types(void **state)
{
    (void)state;
    struct vmentry_state s = good64();
    s.ctl.unrestricted_guest = false;
    s.guest.cs.access_rights = DATA_AR;
    expect_fail(s, A_SEG, "guest CS type is 3 (AR 0xc093)");

    s = good32();
    s.guest.cs.access_rights = CODE32_AR & ~SEG_TYPE_ACCESSED; /* type 10 */
    expect_fail(s, A_SEG, "guest CS type is 10");

    s = good32();
    s.guest.ss.access_rights = CODE32_AR;
    expect_fail(s, A_SEG, "a usable SS must be 3 or 7");

    s = good32();
    s.guest.ds.access_rights = DATA_AR & ~SEG_TYPE_ACCESSED;
    expect_fail(s, A_SEG, "guest DS type 2 (AR 0xc092) is not accessed");

    s = good32();
    s.guest.es.access_rights = (CODE32_AR & ~SEG_TYPE_READABLE);
    expect_fail(s, A_SEG, "guest ES type 9 (AR 0xc099) is execute-only code");

    s = good32();
    s.guest.fs.access_rights = DATA_AR & ~SEG_AR_S;
    expect_fail(s, A_SEG, "guest FS AR 0xc083 has S=0");
}

static void test_guest_segment_dpl(void **state)
{
    (void)state;
    const uint32_t dpl3 = 3u << SEG_AR_DPL_SHIFT;
    struct vmentry_state s = good32();
    s.guest.cs.access_rights |= dpl3;
    expect_fail(s, A_SEG, "CS.DPL (3) must equal SS.DPL (0)");

    s = goodreal();
    s.guest.cs.access_rights = REAL_DATA_AR | dpl3;
    s.guest.ss.access_rights |= dpl3;
    expect_fail(s, A_SEG, "CS type is 3 (real-mode style) so CS.DPL must be 0, not 3");

    s = goodreal();
    s.guest.cs.access_rights |= dpl3;
    s.guest.ss.access_rights |= dpl3;
    expect_fail(s, A_SEG, "CR0.PE=0 (real mode) so SS.DPL must be 0, not 3");

    s = good64();
    s.ctl.unrestricted_guest = false;
    s.guest.cs.access_rights |= dpl3; /* CPL 3 in the descriptors, RPL 0 in the selectors */
    s.guest.ss.access_rights |= dpl3;
    expect_fail(s, A_SEG, "guest SS.DPL (3) must equal SS.RPL (selector 0x10)");

    s = good64();
    s.ctl.unrestricted_guest = false;
    s.guest.ds.selector = GUEST_DS_SEL | 3;
    expect_fail(s, A_SEG, "guest DS.DPL (0) is below its selector's RPL (selector 0x13)");
}

static void test_guest_segment_other_ar(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.gs.access_rights &= ~SEG_AR_P;
    expect_fail(s, A_SEG, "guest GS AR 0xc013 has P=0");

    s = good32();
    s.guest.fs.access_rights |= 0x100;
    expect_fail(s, A_SEG, "guest FS AR 0xc193 sets reserved bits 11:8");

    s = good64();
    s.guest.cs.access_rights |= SEG_AR_DB;
    expect_fail(s, A_SEG, "both L=1 and D/B=1");

    s = good32();
    s.guest.ds.access_rights &= ~SEG_AR_G;
    expect_fail(s, A_SEG, "guest DS limit 0xffffffff is above 1 MiB, so G must be 1");

    s = good32();
    s.guest.ss.limit = 0x1000;
    expect_fail(s, A_SEG, "guest SS limit 0x1000 does not end in fff");

    s = good32();
    s.guest.es.access_rights |= 1u << 17;
    expect_fail(s, A_SEG, "guest ES AR 0x2c093 sets reserved bits 31:17");
}

static void test_guest_tr_ldtr(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.tr.access_rights = (TSS_AR & ~SEG_AR_TYPE_MASK) | 9; /* available, not busy */
    expect_fail(s, A_SEG, "guest TR type is 9 (AR 0x89); it must be 3 or 11");

    s = good64();
    s.guest.tr.access_rights = (TSS_AR & ~SEG_AR_TYPE_MASK) | SEG_TYPE_TSS16_BUSY;
    expect_fail(s, A_SEG, "an IA-32e guest needs 11");

    s = good32();
    s.guest.tr.access_rights |= SEG_AR_S;
    expect_fail(s, A_SEG, "guest TR AR 0x9b has S=1");

    s = good32();
    s.guest.tr.access_rights &= ~SEG_AR_P;
    expect_fail(s, A_SEG, "TR must be present");

    s = good32();
    s.guest.tr.access_rights |= SEG_AR_UNUSABLE;
    expect_fail(s, A_SEG, "TR must always be usable");

    s = good32();
    s.guest.ldtr.access_rights = SEG_AR_P; /* usable, type 0 */
    expect_fail(s, A_SEG, "guest LDTR is usable but its type is 0");

    s = good32();
    s.guest.ldtr.access_rights = SEG_AR_P | SEG_TYPE_LDT;
    s.guest.ldtr.selector = SEL_TI;
    expect_fail(s, A_SEG, "guest LDTR selector 0x4 has TI=1");
}

static void test_guest_virtual_8086(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.rflags |= RFLAGS_VM;
    expect_fail(s, A_SEG, "virtual-8086 guest: CS base 0x0 must be selector 0x8 times 16");

    s = good32();
    make_v86(&s);
    s.guest.fs.access_rights = DATA_AR;
    expect_fail(s, A_SEG, "virtual-8086 guest: FS AR is 0xc093");

    s = good32();
    make_v86(&s);
    s.guest.ds.limit = FLAT_LIMIT;
    expect_fail(s, A_SEG, "virtual-8086 guest: DS limit is 0xffffffff");

    s = good32();
    make_v86(&s);
    expect_pass(s);
}

/* ---- Descriptor tables, RIP and RFLAGS. ---- */

static void test_guest_dtr(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.gdtr_limit = 0x10000;
    expect_fail(s, A_DTR, "guest GDTR limit 0x10000 is wider than 16 bits");

    s = good32();
    s.guest.idtr_base = TEST_NONCANONICAL;
    expect_fail(s, A_DTR, "guest IDTR base 0x800000000000 is not canonical");
}

static void test_guest_rip_rflags(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.rip = 1ull << 32;
    expect_fail(s, A_RIP, "guest RIP 0x100000000 has bits 63:32 set");

    s = good64();
    s.guest.rip = TEST_NONCANONICAL;
    expect_fail(s, A_RIP, "guest RIP 0x800000000000 is not canonical");

    s = good64();
    s.guest.rip = 1ull << 32; /* fine in 64-bit code */
    expect_pass(s);

    s = good32();
    s.guest.rflags = 0;
    expect_fail(s, A_RIP, "has bit 1 clear; it must be 1 (use 0x2, not 0)");

    s = good32();
    s.guest.rflags |= 1u << 3;
    expect_fail(s, A_RIP, "guest RFLAGS 0xa sets reserved bits 0x8");

    s = good64();
    make_v86(&s);
    expect_fail(s, A_RIP, "guest RFLAGS.VM=1 (RFLAGS 0x20002)");

    s = good32();
    s.ctl.entry_intr_info = inject(INJ_TYPE_EXTERNAL_INTERRUPT, 0x20, false);
    expect_fail(s, A_RIP, "injecting an external interrupt but guest RFLAGS.IF=0");
}

/* ---- Guest non-register state. ---- */

static void test_guest_activity_state(void **state)
{
    (void)state;
    const uint32_t dpl3 = 3u << SEG_AR_DPL_SHIFT;
    struct vmentry_state s = good32();
    s.guest.activity_state = 4;
    expect_fail(s, A_NONREG, "activity state 4 is not 0");

    s = good32();
    s.guest.activity_state = GUEST_ACTIVITY_HLT;
    s.guest.cs.access_rights |= dpl3;
    s.guest.ss.access_rights |= dpl3;
    expect_fail(s, A_NONREG, "SS.DPL (the CPL) is 3; only CPL 0 can halt");

    s = good32();
    s.guest.activity_state = GUEST_ACTIVITY_HLT;
    s.guest.interruptibility = BLOCKING_BY_MOV_SS;
    expect_fail(s, A_NONREG, "so activity state must be 0 (active), not 1");

    s = good32();
    s.guest.activity_state = GUEST_ACTIVITY_HLT;
    s.ctl.entry_intr_info = inject(INJ_TYPE_HARDWARE_EXCEPTION, 6, false);
    expect_fail(s, A_NONREG, "activity state 1 cannot take the injected event");

    s = good32();
    s.guest.activity_state = GUEST_ACTIVITY_WAIT_FOR_SIPI;
    s.ctl.entry_intr_info = inject(INJ_TYPE_NMI, VEC_NMI, false);
    expect_fail(s, A_NONREG, "activity state 3 cannot take the injected event");
}

static void test_guest_interruptibility(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.interruptibility = 1u << 5;
    expect_fail(s, A_NONREG, "interruptibility state 0x20 sets reserved bits 0x20");

    s = good32();
    s.guest.interruptibility = BLOCKING_BY_STI | BLOCKING_BY_MOV_SS;
    expect_fail(s, A_NONREG, "blocks by both STI and MOV SS");

    s = good32();
    s.guest.interruptibility = BLOCKING_BY_STI;
    expect_fail(s, A_NONREG, "blocks by STI but RFLAGS.IF=0");

    s = good32();
    s.guest.rflags |= RFLAGS_IF;
    s.guest.interruptibility = BLOCKING_BY_MOV_SS;
    s.ctl.entry_intr_info = inject(INJ_TYPE_EXTERNAL_INTERRUPT, 0x20, false);
    expect_fail(s, A_NONREG, "injecting an external interrupt while interruptibility");

    s = good32();
    s.guest.interruptibility = BLOCKING_BY_MOV_SS;
    s.ctl.entry_intr_info = inject(INJ_TYPE_NMI, VEC_NMI, false);
    expect_fail(s, A_NONREG, "injecting an NMI while interruptibility state 0x2");

    s = good32();
    s.guest.interruptibility = BLOCKING_BY_SMI;
    expect_fail(s, A_NONREG, "blocking by SMI, but the CPU is not in SMM");

    s = good32();
    s.ctl.nmi_exiting = s.ctl.virtual_nmis = true;
    s.guest.interruptibility = BLOCKING_BY_NMI;
    s.ctl.entry_intr_info = inject(INJ_TYPE_NMI, VEC_NMI, false);
    expect_fail(s, A_NONREG, "injecting a virtual NMI while");
}

static void test_guest_pending_debug_and_link(void **state)
{
    (void)state;
    struct vmentry_state s = good32();
    s.guest.pending_debug = 1u << 4;
    expect_fail(s, A_NONREG, "pending debug exceptions 0x10 sets reserved bits 0x10");

    s = good32();
    s.guest.rflags |= RFLAGS_TF;
    s.guest.interruptibility = BLOCKING_BY_MOV_SS;
    expect_fail(s, A_NONREG, "must set BS (bit 14)");

    s = good32();
    s.guest.interruptibility = BLOCKING_BY_MOV_SS;
    s.guest.pending_debug = PENDING_DBG_BS;
    expect_fail(s, A_NONREG, "pending debug exceptions 0x4000 sets BS");

    s = good32();
    s.guest.vmcs_link_pointer = 0;
    expect_fail(s, A_NONREG, "VMCS link pointer is 0x0, not all ones");

    s = good32();
    s.guest.vmcs_link_pointer = 0x1001;
    expect_fail(s, A_NONREG, "VMCS link pointer 0x1001 is not 4-KiB aligned");
}

static void test_failure_names(void **state)
{
    (void)state;
    assert_non_null(strstr(vmentry_failure_name(VMENTRY_FAILS_CONTROLS), "error 7"));
    assert_non_null(strstr(vmentry_failure_name(VMENTRY_FAILS_HOST_STATE), "error 8"));
    assert_non_null(strstr(vmentry_failure_name(VMENTRY_FAILS_GUEST_STATE), "reason 33"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_states_pass),
        cmocka_unit_test(test_other_good_variants_pass),
        cmocka_unit_test(test_snapshot_incomplete),
        cmocka_unit_test(test_exec_controls),
        cmocka_unit_test(test_eptp),
        cmocka_unit_test(test_exit_entry_msr_areas),
        cmocka_unit_test(test_preemption_timer_save_needs_timer),
        cmocka_unit_test(test_event_injection),
        cmocka_unit_test(test_host_cr_msr),
        cmocka_unit_test(test_host_segments),
        cmocka_unit_test(test_address_space_size),
        cmocka_unit_test(test_guest_cr0_cr4),
        cmocka_unit_test(test_guest_debug_and_msrs),
        cmocka_unit_test(test_guest_selectors_and_bases),
        cmocka_unit_test(test_guest_segment_types),
        cmocka_unit_test(test_guest_segment_dpl),
        cmocka_unit_test(test_guest_segment_other_ar),
        cmocka_unit_test(test_guest_tr_ldtr),
        cmocka_unit_test(test_guest_virtual_8086),
        cmocka_unit_test(test_guest_dtr),
        cmocka_unit_test(test_guest_rip_rflags),
        cmocka_unit_test(test_guest_activity_state),
        cmocka_unit_test(test_guest_interruptibility),
        cmocka_unit_test(test_guest_pending_debug_and_link),
        cmocka_unit_test(test_failure_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
