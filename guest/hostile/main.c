/*
 * hostile - a guest that misbehaves on purpose, one way per boot.
 *
 * The Multiboot command line picks the test with a `test=NAME` word. The guest prints
 * "hostile: running test NAME", does exactly one bad thing, and ends with a debug-exit
 * status (see the STATUS_ table) unless the hypervisor stops it first, which is what
 * hvlab is expected to do for most tests.
 *
 * See: Intel SDM Vol. 3A, 6.15 "Exception and Interrupt Reference" ("Interrupt 8—Double
 *      Fault Exception (#DF)" for the triple fault); Intel SDM Vol. 2B, "WRMSR—Write to
 *      Model Specific Register"; Intel SDM Vol. 3C, "VMXON—Enter VMX Operation";
 *      Intel SDM Vol. 2B, "OUTS/OUTSB/OUTSW/OUTSD—Output String to Port" (the flood).
 */
#include <stdbool.h>
#include <stdint.h>

#include "debug_exit.h"
#include "hypercall.h"
#include "idt.h"
#include "io.h"
#include "multiboot.h"
#include "pic.h"
#include "pit.h"
#include "print.h"
#include "str.h"
#include "uart.h"

/* Debug-exit status bytes. */
#define STATUS_OK           0    /* the test saw the answer it expects */
#define STATUS_NOT_STOPPED  1    /* the bad operation came back to the guest */
#define STATUS_UNKNOWN_TEST 2    /* no test=NAME, or NAME is not in the table */
#define STATUS_NO_HVLAB     3    /* the test needs hvlab and it is not there */
#define STATUS_GOT_GP       0x47 /* 'G': #GP handler ran */
#define STATUS_GOT_UD       0x55 /* 'U': #UD handler ran */

#define CMDLINE_TEST_KEY "test="
#define TEST_NAME_MAX    31

/* Far outside any RAM a guest is given; under hvlab there is no EPT/NPT mapping here. */
#define OOB_ADDRESS     0xE0000000u
#define OOB_WRITE_VALUE 0xDEADBEEFu

#define BAD_MSR       0x12345678u /* no CPU implements this MSR index */
#define BAD_HYPERCALL 0xDEAD      /* no such hypercall number */

#define SPIN_TICK_HZ    1000 /* spin-cli: the PIT rate left running */
#define PIC_MASTER_BASE 0x20 /* spin-cli: IRQ 0-7 -> vectors 0x20-0x27 */
#define PIC_SLAVE_BASE  0x28
#define SHUTDOWN_STATUS 7 /* shutdown: the status HC_SHUTDOWN is asked to report */

/* kbc-reset: the 8042 keyboard controller's CPU reset pulse, as Linux's reboot=kbd sends
 * it. See: IBM PS/2 Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
 * Controller". */
#define KBC_STATUS_PORT  0x64
#define KBC_COMMAND_PORT 0x64
#define KBC_STATUS_IBF   0x02 /* input buffer full: the controller has not taken a write */
#define KBC_PULSE_RESET  0xFE /* pulse output line 0, the CPU reset */

#define FLOOD_BYTES      (4u << 20) /* flood: 4 MiB to the UART in all */
#define FLOOD_BLOCK      4096u      /* flood: bytes per REP OUTSB */
#define FLOOD_LINE       64u        /* flood: 63 printable characters and a newline */
#define FLOOD_CHARS      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define FLOOD_CHAR_COUNT (sizeof(FLOOD_CHARS) - 1)

/* The faulting instruction of the running test, for the exception handlers. */
static const char *faulting_insn = "?";

/* #GP: report and stop; never returns to the faulting instruction. */
__attribute__((interrupt)) static void on_gp(struct interrupt_frame *frame, uint32_t error)
{
    (void)error;
    kprintf("hostile: got #GP on %s\n", faulting_insn);
    kprintf("hostile: fault at eip 0x%08x\n", frame->eip);
    debug_exit(STATUS_GOT_GP);
}

/* #UD: report and stop; never returns to the faulting instruction. */
__attribute__((interrupt)) static void on_ud(struct interrupt_frame *frame)
{
    kprintf("hostile: got #UD on %s\n", faulting_insn);
    kprintf("hostile: fault at eip 0x%08x\n", frame->eip);
    debug_exit(STATUS_GOT_UD);
}

/* Install an IDT with just the #GP and #UD handlers. */
static void install_handlers(const char *insn)
{
    faulting_insn = insn;
    idt_set_handler(EXC_GP, (void *)on_gp);
    idt_set_handler(EXC_UD, (void *)on_ud);
    idt_load();
}

/* Read far outside guest RAM: hvlab should stop on the EPT/NPT violation. */
static uint8_t test_oob_read(void)
{
    uint32_t value = *(volatile uint32_t *)(uintptr_t)OOB_ADDRESS;

    kprintf("hostile: read 0x%08x from 0x%08x and was not stopped\n", value, OOB_ADDRESS);
    return STATUS_NOT_STOPPED;
}

/* Write far outside guest RAM: hvlab should stop on the EPT/NPT violation. */
static uint8_t test_oob_write(void)
{
    *(volatile uint32_t *)(uintptr_t)OOB_ADDRESS = OOB_WRITE_VALUE;

    kprintf("hostile: wrote 0x%08x to 0x%08x and was not stopped\n", OOB_WRITE_VALUE,
            OOB_ADDRESS);
    return STATUS_NOT_STOPPED;
}

/*
 * An IDT with limit 0 has no usable gate: INT3 raises #GP, #GP cannot be delivered
 * either (#DF), nor can #DF: the CPU shuts down (a triple-fault VM exit under hvlab).
 */
static uint8_t test_triple_fault(void)
{
    idt_load_empty();
    __asm__ volatile("int3");
    __asm__ volatile("ud2");
    kprintf("hostile: int3/ud2 with an empty IDT came back\n");
    return STATUS_NOT_STOPPED;
}

/* WRMSR to an MSR that does not exist must raise #GP(0). */
static uint8_t test_bad_msr(void)
{
    install_handlers("wrmsr");
    __asm__ volatile("wrmsr" : : "c"(BAD_MSR), "a"(0), "d"(0));
    kprintf("hostile: wrmsr to 0x%08x did not fault\n", BAD_MSR);
    return STATUS_NOT_STOPPED;
}

/*
 * VMXON must end in #UD. Bare, or on AMD, the CPU raises it (no VMX, or CR4.VMXE clear).
 * Under VT-x the real CR4.VMXE is 1 (VMX operation requires it) even though the guest's
 * read shadow says 0, so VMXON takes a VM exit and hvlab must inject the #UD itself.
 */
static uint8_t test_vmx(void)
{
    static uint8_t vmxon_region[4096] __attribute__((aligned(4096)));
    static uint64_t vmxon_pointer;

    vmxon_pointer = (uint32_t)(uintptr_t)vmxon_region;
    install_handlers("vmxon");
    __asm__ volatile("vmxon %0" : : "m"(vmxon_pointer) : "memory", "cc");
    kprintf("hostile: vmxon did not fault\n");
    return STATUS_NOT_STOPPED;
}

/* Halt with interrupts off: nothing can wake us, hvlab should stop the guest. */
static uint8_t test_hlt(void)
{
    uart_flush();
    halt_forever();
}

/* Spin forever with no instruction that exits: only a watchdog in the hypervisor (the
 * VMX-preemption timer) can take the CPU back. */
static __attribute__((noreturn)) uint8_t test_spin(void)
{
    uart_flush();
    for (;;)
        __asm__ volatile("pause");
}

/*
 * Spin with interrupts off while the PIT runs at 1000 Hz with IRQ 0 unmasked: timer
 * interrupts are pending all the time but can never be delivered (IF = 0). The
 * hypervisor's own timer keeps taking the CPU back to update the PIT, yet the guest makes
 * no progress: the watchdog must still stop it.
 */
static __attribute__((noreturn)) uint8_t test_spin_cli(void)
{
    uart_flush();
    __asm__ volatile("cli");
    pic_remap(PIC_MASTER_BASE, PIC_SLAVE_BASE);
    pit_start_periodic(PIT_DIVISOR(SPIN_TICK_HZ));
    pic_unmask(PIC_IRQ_TIMER);
    for (;;)
        __asm__ volatile("pause");
}

/* HC_SHUTDOWN ends the guest with the status in EBX; it does not return. */
static uint8_t test_shutdown(void)
{
    struct hv_info hv;

    hv_detect(&hv);
    if (!hv.is_hvlab) {
        kprintf("hostile: no hvlab hypervisor, hypercall not made\n");
        return STATUS_NO_HVLAB;
    }
    kprintf("hostile: HC_SHUTDOWN with status %u\n", SHUTDOWN_STATUS);
    uart_flush();
    int32_t result = hypercall(HC_SHUTDOWN, SHUTDOWN_STATUS, 0);
    kprintf("hostile: HC_SHUTDOWN returned %d\n", result);
    return STATUS_NOT_STOPPED;
}

/* The keyboard controller's reset pulse resets the machine: under hvlab the VM ends,
 * reported as a reboot. */
static uint8_t test_kbc_reset(void)
{
    while (inb(KBC_STATUS_PORT) & KBC_STATUS_IBF)
        ;
    kprintf("hostile: pulsing the CPU reset line through the 8042\n");
    uart_flush();
    outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
    kprintf("hostile: the machine did not reset\n");
    return STATUS_NOT_STOPPED;
}

/* A hypercall number nobody implements must come back as HC_ENOSYS. */
static uint8_t test_unknown_hypercall(void)
{
    struct hv_info hv;

    hv_detect(&hv);
    if (!hv.is_hvlab) {
        kprintf("hostile: no hvlab hypervisor, hypercall not made\n");
        return STATUS_NO_HVLAB;
    }
    int32_t result = hypercall(BAD_HYPERCALL, 0, 0);
    kprintf("hostile: unknown hypercall returned %d\n", result);
    return result == HC_ENOSYS ? STATUS_OK : STATUS_NOT_STOPPED;
}

/*
 * Send 4 MiB of text lines to the UART as fast as a guest can: REP OUTSB of 4 KiB at a
 * time, no LSR polling. hvlab emulates a whole REP OUTS in one exit, so this is 1024 exits
 * that each hand its console 4096 bytes, 64 lines: the console must keep up and keep other
 * VMs' lines whole. Each line is a run of consecutive letters and digits, shifted by one
 * per line: it can never spell a word a test rejects (FATAL, PANIC, not ok).
 */
static uint8_t test_flood(void)
{
    static char block[FLOOD_BLOCK];

    for (uint32_t i = 0; i < FLOOD_BLOCK; i++) {
        uint32_t line = i / FLOOD_LINE, column = i % FLOOD_LINE;
        block[i] =
            column == FLOOD_LINE - 1 ? '\n' : FLOOD_CHARS[(line + column) % FLOOD_CHAR_COUNT];
    }
    uart_flush();
    for (uint32_t sent = 0; sent < FLOOD_BYTES; sent += FLOOD_BLOCK)
        rep_outsb(COM1_PORT + UART_THR, block, FLOOD_BLOCK);
    kprintf("hostile: flood done, %u bytes\n", FLOOD_BYTES);
    return STATUS_OK;
}

/* Every test: its command-line name and the function that runs it. */
static const struct hostile_test {
    const char *name;
    uint8_t (*run)(void); /* returns the debug-exit status, if it returns at all */
} tests[] = {
    {"oob-read", test_oob_read},
    {"oob-write", test_oob_write},
    {"triple-fault", test_triple_fault},
    {"bad-msr", test_bad_msr},
    {"vmx", test_vmx},
    {"hlt", test_hlt},
    {"spin", test_spin},
    {"spin-cli", test_spin_cli},
    {"unknown-hypercall", test_unknown_hypercall},
    {"shutdown", test_shutdown},
    {"kbc-reset", test_kbc_reset},
    {"flood", test_flood},
};

/* Copy the NAME of the first `test=NAME` word of cmdline into name ("" if none). */
static void find_test_name(const char *cmdline, char name[TEST_NAME_MAX + 1])
{
    size_t key_len = strlen(CMDLINE_TEST_KEY);
    const char *p = cmdline;

    name[0] = '\0';
    while (*p) {
        while (*p == ' ')
            p++;
        if (strncmp(p, CMDLINE_TEST_KEY, key_len) == 0) {
            p += key_len;
            size_t n = 0;
            while (p[n] && p[n] != ' ' && n < TEST_NAME_MAX) {
                name[n] = p[n];
                n++;
            }
            name[n] = '\0';
            return;
        }
        while (*p && *p != ' ')
            p++;
    }
}

/* Entry from boot.S: pick the test from the command line and run it. */
void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
    char name[TEST_NAME_MAX + 1] = "";

    uart_init();
    if (magic == MULTIBOOT_BOOTLOADER_MAGIC && (mbi->flags & MULTIBOOT_INFO_CMDLINE))
        find_test_name((const char *)(uintptr_t)mbi->cmdline, name);
    kprintf("hostile: running test %s\n", name[0] ? name : "(none)");

    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (strcmp(tests[i].name, name) == 0) {
            uint8_t status = tests[i].run();
            kprintf("hostile: exit status %u\n", status);
            uart_flush();
            debug_exit(status);
        }
    }
    kprintf("hostile: unknown test\n");
    uart_flush();
    debug_exit(STATUS_UNKNOWN_TEST);
}
