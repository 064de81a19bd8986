/*
 * conform - a guest that checks, one TAP line per check, what hvlab promises its guests:
 * CPUID policy, port I/O, the 16550 UART, hypercalls, exceptions, the hvlab-info MMIO
 * page, paging and long mode of its own, the 8259A PIC, the 8254 PIT and interrupt
 * delivery.
 *
 * Under hvlab each line shows up as "[guest] ok 12 - ..."; bare under QEMU
 * (`qemu-system-x86_64 -kernel build/guest/conform.elf`) the checks that need hvlab say
 * "# SKIP no hvlab" and the others run against QEMU's own devices, which is how the
 * guest side of each check is validated. The guest decides pass or fail, and ends with
 * status 0 (every check passed or was skipped) or 1 on the debug-exit port.
 *
 * The order puts the checks that could take the guest down late (MMIO accesses hvlab
 * must emulate, then mode switches, then interrupts, then HLT and HC_YIELD, which hang or
 * get the guest stopped if nothing wakes them), so a crash there cannot hide the earlier
 * results. The Multiboot command line is ignored.
 */
#include "conform.h"
#include "cpuid.h"
#include "debug_exit.h"
#include "multiboot.h"
#include "print.h"
#include "str.h"
#include "uart.h"

#define STATUS_OK     0 /* every check passed or was skipped */
#define STATUS_FAILED 1 /* at least one "not ok" */

struct conform_env env;

static const struct tap_check checks[] = {
    /* cpuid.c: the CPUID policy (hvlab only) */
    {"cpuid: hypervisor bit CPUID.1:ECX[31] set", check_cpuid_hypervisor_bit},
    {"cpuid: leaf 0x40000000 signature \"hvlab\", max leaf >= 0x40000001",
     check_cpuid_signature},
    {"cpuid: leaf 0x40000001 ABI 1.2 (0x00010002), feature bits 0-4 and 6",
     check_cpuid_abi_leaf},
    {"cpuid: VMX hidden (CPUID.1:ECX[5] clear)", check_cpuid_vmx_hidden},
    {"cpuid: SVM hidden (CPUID.80000001H:ECX[2] clear)", check_cpuid_svm_hidden},
    /* io.c: port I/O of each width, string I/O */
    {"io: 8-bit OUT/IN of the UART scratch register keeps the value and the rest of EAX",
     check_io_byte_scratch},
    {"io: 16-bit IN from unclaimed port 0xe0 reads 0xffff", check_io_word_unclaimed},
    {"io: 32-bit IN from unclaimed port 0xe0 reads 0xffffffff", check_io_dword_unclaimed},
    {"io: 8/16/32-bit OUT to unclaimed port 0xe0 return, port still reads 0xff",
     check_io_out_unclaimed},
    {"io: rep outsb to THR ends with ECX = 0 and ESI advanced", check_io_rep_outsb},
    {"io: rep insb from unclaimed port fills 0xff, EDI advanced, nothing past it",
     check_io_rep_insb},
    /* uart.c: the 16550's registers, polled */
    {"uart: divisor latch DLL/DLM with DLAB, IER again without", check_uart_divisor_latch},
    {"uart: LCR write/read", check_uart_lcr},
    {"uart: MCR write/read", check_uart_mcr},
    {"uart: IER write/read", check_uart_ier},
    {"uart: IIR reads 0x01 with nothing pending", check_uart_iir_idle},
    {"uart: loopback THR -> RBR, LSR.DR 1 then 0", check_uart_loopback_data},
    {"uart: loopback MSR reflects DTR/RTS/OUT1/OUT2", check_uart_loopback_msr},
    /* hypercalls.c: ABI 1.2 with good and bad arguments (hvlab only) */
    {"hypercall: HC_VERSION returns 0x00010002", check_hc_version},
    {"hypercall: HC_CONSOLE_WRITE of a good buffer returns its length", check_hc_console_write},
    {"hypercall: HC_CONSOLE_WRITE of length 0 returns 0", check_hc_console_write_empty},
    {"hypercall: HC_CONSOLE_WRITE of length 4097 returns HC_EINVAL",
     check_hc_console_write_too_long},
    {"hypercall: HC_CONSOLE_WRITE outside RAM returns HC_EFAULT",
     check_hc_console_write_outside_ram},
    {"hypercall: HC_CONSOLE_WRITE across the end of RAM returns HC_EFAULT",
     check_hc_console_write_ram_end},
    {"hypercall: HC_CONSOLE_WRITE wrapping around 4 GiB returns HC_EFAULT",
     check_hc_console_write_wrap},
    {"hypercall: HC_MEMORY_SIZE = Multiboot mem_upper + 1024 KiB", check_hc_memory_size},
    {"hypercall: HC_TIME is monotonic and advances", check_hc_time},
    {"hypercall: unknown call 0xdead returns HC_ENOSYS", check_hc_unknown},
    /* exceptions.c: delivered to the guest's IDT */
    {"exception: #GP(selector) from the CPU reaches the guest IDT", check_exc_gp_bad_selector},
    {"exception: rdmsr VM_HSAVE_PA (0xc0010117) raises #GP(0)", check_exc_gp_msr_hsave},
    {"exception: rdmsr IA32_VMX_BASIC (0x480) raises #GP(0)", check_exc_gp_msr_vmx_basic},
    {"exception: vmxon raises #UD", check_exc_ud_vmxon},
    {"exception: vmrun raises #UD", check_exc_ud_vmrun},
    /* faults.c: reserved bits and absent instructions fault as on a CPU without them */
    {"fault: CR4.VMXE, CR4.SMXE and CR4 bit 31 (not in CPUID) raise #GP(0), CR4 kept",
     check_fault_cr4_reserved},
    {"fault: after the refused CR4.VMXE write, vmxon raises #UD", check_fault_vmxe_then_vmxon},
    {"fault: CR0.NW without CR0.CD raises #GP(0), CR0 kept", check_fault_cr0_nw_without_cd},
    {"fault: EFER bit 1 and EFER.SVME (SVM not in CPUID) raise #GP(0), EFER kept",
     check_fault_efer_reserved},
    {"fault: xsetbv with CR4.OSXSAVE clear raises #UD (no XSAVE: CR4.OSXSAVE raises #GP)",
     check_fault_xsetbv_without_osxsave},
    {"fault: reserved XCR0 values raise #GP(0), XCR0 kept; x87/SSE/AVX load; CPUID OSXSAVE "
     "follows CR4",
     check_fault_xcr0_reserved},
    {"fault: every VMX instruction raises #UD (vmcall too, unless it is the hypercall)",
     check_fault_vmx_instructions_ud},
    {"fault: every SVM instruction raises #UD (vmmcall too, unless it is the hypercall)",
     check_fault_svm_instructions_ud},
    /* mmio.c: the hvlab-info page, each access emulated by decoding the MOV (hvlab only) */
    {"mmio: CPUID 0x40000001 EBX bit 5 set, offset 0x0 reads 0x626c7668 (\"hvlb\")",
     check_mmio_magic},
    {"mmio: offset 0x4 reads the ABI version 0x00010002 (disp8, into ECX)", check_mmio_version},
    {"mmio: scratch 32-bit write/read, mov %eax,(%ebx) and mov 8(%esi),%edx",
     check_mmio_scratch_rw},
    {"mmio: scratch through SIB, disp32(%ebx,%ecx,4) and (%edx,%ecx,4)",
     check_mmio_scratch_sib},
    {"mmio: scratch written by movl $imm32 (C7 /0)", check_mmio_scratch_imm},
    {"mmio: scratch through moffs, A3/A1 (EAX) and A2/A0 (AL)", check_mmio_scratch_moffs},
    {"mmio: 8-bit writes (AL, AH, imm8) read back zero-extended; 8-bit read into AH merges",
     check_mmio_scratch_byte},
    {"mmio: 16-bit writes (AX, imm16) read back zero-extended; 16-bit read into DX merges",
     check_mmio_scratch_word},
    {"mmio: offsets 0x10 and 0xffc read 0 and ignore writes, scratch kept",
     check_mmio_unknown_offset},
    /* paging.c: the guest's own 32-bit paging */
    {"paging: 32-bit 4 KiB paging, two virtual pages alias one frame", check_paging_alias},
    {"paging: write to a not-present page raises #PF with CR2", check_paging_not_present},
    /* longmode.c: the guest's own IA-32e mode */
    {"long mode: CR4.PAE + EFER.LME + CR0.PG sets EFER.LMA, and back", check_long_mode_lma},
    {"long mode: 64-bit code segment runs, back to protected mode", check_long_mode_64bit},
    /* timer.c, interrupts.c, uart.c, hypercalls.c: PIC, PIT and interrupt delivery; HLT
     * and HC_YIELD last, since a hypervisor with no interrupt to wake them stops the guest */
    {"clock: TSC calibrated (against HC_TIME under hvlab, PIT channel 0 bare)",
     check_clock_calibration},
    {"pit: channel 0 mode 2 latched count within 1..1193 and moving", check_pit_latch},
    {"pic: ICW1-4 remap to 0x20/0x28, IMR write/read-back", check_pic_remap_imr},
    {"pic: OCW3 reads ISR 0 with nothing in service", check_pic_isr_idle},
    {"pic: masked IRQ 0 not delivered in 10 PIT periods, IRR bit 0 set", check_pic_masked},
    {"pic: unmasked IRQ 0 delivered at vector 0x20", check_pic_unmasked},
    {"pic: without EOI no second IRQ 0, ISR bit 0 stays set", check_pic_no_eoi},
    {"pic: after EOI ISR bit 0 clears and IRQ 0 comes again", check_pic_eoi},
    {"uart: loopback RX interrupt on IRQ 4 (vector 0x24), IIR 0x04 in the handler",
     check_uart_rx_interrupt},
    {"interrupt: IRQ pending at sti is taken right after the shadow instruction",
     check_irq_after_sti_shadow},
    {"pit: IRQ 0 at 100 Hz: every edge a tick or counted lost, as many edges as the rate gives",
     check_pit_rate},
    {"hlt: sti; hlt wakes on the PIT's IRQ 0", check_hlt_wakes},
    {"pic: edges while IRQ 0 is masked merge into one tick, nothing follows",
     check_pic_edges_merge},
    {"hypercall: HC_YIELD with the PIT running returns 0 after a tick", check_hc_yield_wakes},
    {"hypercall: HC_YIELD with nothing armed returns HC_EWOULDBLOCK",
     check_hc_yield_would_block},
    /* rtc.c: polled, no interrupt (it may come after HLT and HC_YIELD) */
    {"rtc: register D VRT set, the time reads as a date and its seconds move on",
     check_rtc_ticks},
};

#define CHECK_COUNT (sizeof(checks) / sizeof(checks[0]))

/* Who is under us: env.hvlab comes from leaf 0x40000000 alone, so a missing hypervisor
 * bit shows up as a failed check instead of turning every hvlab check into a skip. */
static void detect_environment(uint32_t magic, const struct multiboot_info *mbi)
{
    char signature[HV_SIGNATURE_LEN];

    hv_detect(&env.hv); /* also picks VMCALL or VMMCALL */
    struct cpuid_regs r = cpuid(HV_CPUID_BASE);
    memcpy(signature + 0, &r.ebx, 4);
    memcpy(signature + 4, &r.ecx, 4);
    memcpy(signature + 8, &r.edx, 4);
    env.hvlab = mem_equal(signature, HV_SIGNATURE_HVLAB, HV_SIGNATURE_LEN);
    if (env.hvlab && !env.hv.is_hvlab) { /* hypervisor bit clear: hv_detect stopped early */
        struct cpuid_regs f = cpuid(HV_CPUID_FEATURES);
        env.hv.abi_version = f.eax;
        env.hv.features = f.ebx;
    }
    if (magic == MULTIBOOT_BOOTLOADER_MAGIC && (mbi->flags & MULTIBOOT_INFO_MEMORY)) {
        env.mem_known = true;
        env.mem_upper_kib = mbi->mem_upper;
    }
}

/* Entry from boot.S: interrupts off, paging off, the loader's EAX and EBX. */
void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
    uart_init();                    /* COM1, 115200 8N1, polled */
    trap_init();                    /* 48-vector IDT: exceptions and IRQs */
    detect_environment(magic, mbi); /* hvlab or not, RAM size */
    kprintf("# conform: hvlab conformance checks (%s)\n",
            env.hvlab ? "under hvlab" : "no hvlab: hvlab-only checks are skipped");

    struct tap_summary sum = tap_run(checks, CHECK_COUNT);

    kprintf("# conform: %u passed, %u failed, %u skipped\n", sum.passed, sum.failed,
            sum.skipped);
    uart_flush();
    debug_exit(sum.failed == 0 ? STATUS_OK : STATUS_FAILED);
}
