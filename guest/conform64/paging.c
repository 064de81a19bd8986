/*
 * paging.c - the window: 4 KiB pages at linear 0xFFFFFFFFC0000000 (PML4 511, PDPT 511,
 * PD 0, boot64.S's window_pt) mapped onto frames elsewhere, so linear != physical; and
 * the checks that need such a mapping: the 4-level walk itself, NX, string I/O and MMIO.
 *
 *   window page        frame                    entry bits
 *   0 ALIAS            frames[0] (or [1])       P RW US
 *   1 SUPERVISOR       frames[2]                P RW         (U/S = 0)
 *   2 NX               frames[3]                P RW US (XD in check_nx_fetch)
 *   3 IO_LOW           frames[5]                P RW US      two pages, frames swapped:
 *   4 IO_HIGH          frames[4]                P RW US      a buffer across them is split
 *   5 MMIO             HV_INFO_MMIO_GPA         P RW PCD PWT (uncached)
 *
 * Under hvlab, string I/O and MMIO through the window need hvlab to walk the guest's
 * page tables (RSI/RDI and the MOV's operand are linear addresses).
 *
 * See: Intel SDM Vol. 3A, "4-Level Paging and 5-Level Paging", "Access Rights"
 *      (execute-disable), "Page-Fault Exceptions", "Invalidation of TLBs and
 *      Paging-Structure Caches" (INVLPG); Vol. 2B, "OUTS", "INS", "REP".
 */
#include "conform64.h"
#include "cpu64.h"
#include "cpuid.h"
#include "idt.h"
#include "io.h"
#include "str.h"
#include "uart.h"

#define WINDOW_BASE    0xFFFFFFFFC0000000ull /* PML4 511, PDPT 511, PD 0, sign-extended */
#define FRAMES         6
#define ALIAS_MARK0    0xA11A5000000000A0ull
#define ALIAS_MARK1    0xA11A5000000000A1ull
#define RET_OPCODE     0xC3
#define UNCLAIMED_PORT 0xE0
#define ALL_ONES_8     0xFF
#define SPLIT_BYTES                                                                            \
    8 /* a buffer of 8 bytes: 4 at the end of IO_LOW, 4 at the start of IO_HIGH */
#define SPLIT_OFFSET (PAGE_SIZE - SPLIT_BYTES / 2)
#define INSB_OFFSET  100 /* rep insb into IO_LOW at this offset */
#define INSB_COUNT   16

extern uint64_t window_pt[PAGE_ENTRIES]; /* boot64.S */

static uint8_t frames[FRAMES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static uint64_t phys(const void *p) { return (uint64_t)(uintptr_t)p; }

uint64_t window_address(enum window_page p) { return WINDOW_BASE + (uint64_t)p * PAGE_SIZE; }

uint64_t window_mark(void) { return *(volatile uint64_t *)frames[0]; }

static void map(enum window_page p, uint64_t frame, uint64_t bits)
{
    window_pt[p] = frame | bits;
    invlpg(window_address(p));
}

void paging_init(void)
{
    *(uint64_t *)frames[0] = ALIAS_MARK0;
    *(uint64_t *)frames[1] = ALIAS_MARK1;
    map(WINDOW_ALIAS, phys(frames[0]), PTE_P | PTE_RW | PTE_US);
    map(WINDOW_SUPERVISOR, phys(frames[2]), PTE_P | PTE_RW);
    map(WINDOW_NX, phys(frames[3]), PTE_P | PTE_RW | PTE_US);
    map(WINDOW_IO_LOW, phys(frames[5]), PTE_P | PTE_RW | PTE_US);
    map(WINDOW_IO_HIGH, phys(frames[4]), PTE_P | PTE_RW | PTE_US);
    map(WINDOW_MMIO, HV_INFO_MMIO_GPA, PTE_P | PTE_RW | PTE_PCD | PTE_PWT);
}

static volatile uint64_t *at(enum window_page p, unsigned offset)
{
    return (volatile uint64_t *)(uintptr_t)(window_address(p) + offset);
}

/* Window page 0 shows frames[0]; a store through it lands there; after the PTE points at
 * frames[1] and INVLPG, the same linear address shows frames[1]. */
enum tap_outcome check_paging_window(void)
{
    volatile uint64_t *w = at(WINDOW_ALIAS, 0);

    if (*w != ALIAS_MARK0)
        return tap_fail("window %s reads %s, its frame %s holds %s", x64(window_address(0)),
                        x64(*w), x64(phys(frames[0])), x64(ALIAS_MARK0));
    w[1] = ALIAS_MARK1;
    if (((volatile uint64_t *)frames[0])[1] != ALIAS_MARK1)
        return tap_fail("a store through the window did not reach frame %s",
                        x64(phys(frames[0])));
    map(WINDOW_ALIAS, phys(frames[1]), PTE_P | PTE_RW | PTE_US);
    uint64_t after = *w;
    map(WINDOW_ALIAS, phys(frames[0]), PTE_P | PTE_RW | PTE_US);
    if (after != ALIAS_MARK1)
        return tap_fail(
            "after remapping and invlpg the window reads %s, expected frame %s's %s",
            x64(after), x64(phys(frames[1])), x64(ALIAS_MARK1));
    return TAP_PASS;
}

/* A RET byte in WINDOW_NX: called with XD clear it returns; with EFER.NXE and XD set a
 * jump there raises #PF with P and I/D, CR2 = RIP = the page; data reads still work. */
enum tap_outcome check_nx_fetch(void)
{
    uint64_t target = window_address(WINDOW_NX), efer, rip;

    if (!(cpuid(CPUID_LEAF_EXT_FEATURES).edx & CPUID_80000001_EDX_NX))
        return tap_skip("CPUID.80000001H:EDX has no NX");
    frames[3][0] = RET_OPCODE;
    __asm__ volatile("call *%0" ::"r"(target) : "memory"); /* the RET comes straight back */
    if (!rdmsr_ok(MSR_EFER, &efer) || !wrmsr_ok(MSR_EFER, efer | EFER_NXE))
        return tap_fail("setting EFER.NXE raised vector %u", trap_fault.vector);
    map(WINDOW_NX, phys(frames[3]), PTE_P | PTE_RW | PTE_US | (1ull << PTE_XD_SHIFT));
    uint8_t data = *(volatile uint8_t *)(uintptr_t)target;
    trap_expect_fault();
    __asm__ volatile(GUARDED("jmp *%[t]")
                     : [resume] "=m"(trap_resume_rip), [at] "=&r"(rip)
                     : [t] "r"(target)
                     : "memory");
    trap_expect_nothing();
    map(WINDOW_NX, phys(frames[3]), PTE_P | PTE_RW | PTE_US);
    if (data != RET_OPCODE)
        return tap_fail("a data read of the XD page gave 0x%02x, expected 0x%02x", data,
                        RET_OPCODE);
    if (trap_fault.count != 1 || trap_fault.vector != EXC_PF)
        return tap_fail("jump to the XD page: %u exceptions (vector %u), expected one #PF",
                        trap_fault.count, trap_fault.vector);
    if (trap_fault.error != (PF_ERR_P | PF_ERR_ID))
        return tap_fail("#PF error 0x%x, expected 0x%x (P, I/D)", (unsigned)trap_fault.error,
                        PF_ERR_P | PF_ERR_ID);
    if (trap_fault.cr2 != target || trap_fault.rip != target)
        return tap_fail("#PF CR2 %s RIP %s, expected both %s", x64(trap_fault.cr2),
                        x64(trap_fault.rip), x64(target));
    return TAP_PASS;
}

/* REP OUTSB of one line to THR from WINDOW_IO_LOW: RCX ends 0, RSI advanced by the
 * length; the line shows in the transcript (the boot tests expect it). */
enum tap_outcome check_io_outsb_window(void)
{
    static const char line[] =
        "# conform64: this line went out by rep outsb from a window page\r\n";
    uint64_t len = sizeof(line) - 1;

    memcpy(frames[5], line, len);
    uint64_t rsi = window_address(WINDOW_IO_LOW), rcx = len;
    uart_flush();
    __asm__ volatile("cld; rep outsb"
                     : "+S"(rsi), "+c"(rcx)
                     : "d"(COM1_PORT + UART_THR)
                     : "memory");
    if (rcx != 0)
        return tap_fail("RCX = %s after rep outsb, expected 0", x64(rcx));
    if (rsi != window_address(WINDOW_IO_LOW) + len)
        return tap_fail("RSI = %s after rep outsb, expected %s", x64(rsi),
                        x64(window_address(WINDOW_IO_LOW) + len));
    return TAP_PASS;
}

/* REP OUTSB of 8 bytes to the UART scratch register, 4 from the end of IO_LOW and 4 from
 * the start of IO_HIGH (frames in the other order): SCR keeps the last byte, the one
 * the second page's frame holds. */
enum tap_outcome check_io_outsb_two_pages(void)
{
    static const char bytes[SPLIT_BYTES] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};

    memcpy(frames[5] + SPLIT_OFFSET, bytes, SPLIT_BYTES / 2);
    memcpy(frames[4], bytes + SPLIT_BYTES / 2, SPLIT_BYTES / 2);
    for (unsigned n = SPLIT_BYTES / 2 + 1; n <= SPLIT_BYTES; n += SPLIT_BYTES / 2 - 1) {
        uint64_t rsi = window_address(WINDOW_IO_LOW) + SPLIT_OFFSET, rcx = n;
        outb(COM1_PORT + UART_SCR, 0);
        __asm__ volatile("cld; rep outsb"
                         : "+S"(rsi), "+c"(rcx)
                         : "d"(COM1_PORT + UART_SCR)
                         : "memory");
        uint8_t got = inb(COM1_PORT + UART_SCR);
        if (rcx != 0 || rsi != window_address(WINDOW_IO_LOW) + SPLIT_OFFSET + n)
            return tap_fail("%u bytes: RCX %s RSI %s after rep outsb", n, x64(rcx), x64(rsi));
        if (got != (uint8_t)bytes[n - 1])
            return tap_fail("%u bytes across the pages: SCR = 0x%02x, expected '%c' (0x%02x)",
                            n, got, bytes[n - 1], (uint8_t)bytes[n - 1]);
    }
    return TAP_PASS;
}

/* REP INSB from an unclaimed port into IO_LOW, and across into IO_HIGH: 0xFF lands in
 * the frames the pages map, and nothing around. */
enum tap_outcome check_io_insb_window(void)
{
    memset(frames[5], 0, PAGE_SIZE);
    memset(frames[4], 0, PAGE_SIZE);
    uint64_t rdi = window_address(WINDOW_IO_LOW) + INSB_OFFSET, rcx = INSB_COUNT;
    __asm__ volatile("cld; rep insb" : "+D"(rdi), "+c"(rcx) : "d"(UNCLAIMED_PORT) : "memory");
    if (rcx != 0 || rdi != window_address(WINDOW_IO_LOW) + INSB_OFFSET + INSB_COUNT)
        return tap_fail("RCX %s RDI %s after rep insb of %u", x64(rcx), x64(rdi), INSB_COUNT);
    for (unsigned i = 0; i < INSB_COUNT; i++)
        if (frames[5][INSB_OFFSET + i] != ALL_ONES_8)
            return tap_fail("frame byte %u = 0x%02x, expected 0xff", INSB_OFFSET + i,
                            frames[5][INSB_OFFSET + i]);
    if (frames[5][INSB_OFFSET - 1] != 0 || frames[5][INSB_OFFSET + INSB_COUNT] != 0)
        return tap_fail("rep insb wrote outside its %u bytes", INSB_COUNT);

    rdi = window_address(WINDOW_IO_LOW) + SPLIT_OFFSET;
    rcx = SPLIT_BYTES;
    __asm__ volatile("cld; rep insb" : "+D"(rdi), "+c"(rcx) : "d"(UNCLAIMED_PORT) : "memory");
    for (unsigned i = 0; i < SPLIT_BYTES / 2; i++)
        if (frames[5][SPLIT_OFFSET + i] != ALL_ONES_8 || frames[4][i] != ALL_ONES_8)
            return tap_fail("across the pages: byte %u = 0x%02x / 0x%02x, expected 0xff", i,
                            frames[5][SPLIT_OFFSET + i], frames[4][i]);
    if (frames[4][SPLIT_BYTES / 2] != 0)
        return tap_fail("rep insb across the pages wrote past its %u bytes", SPLIT_BYTES);
    return TAP_PASS;
}

/* The hvlab-info page through the window: magic at 0, version at 4, scratch at 8. */
enum tap_outcome check_mmio_window(void)
{
    static const uint32_t patterns[] = {0xA5A55A5Au, 0x12345678u, 0, 0xFFFFFFFFu};
    uint64_t page = window_address(WINDOW_MMIO);
    uint32_t magic, version;

    REQUIRE_HVLAB();
    if (!(env.hv.features & HV_FEATURE_MMIO_INFO))
        return tap_fail("CPUID 0x40000001 EBX = 0x%x: bit 5 (hvlab-info page) not offered",
                        env.hv.features);
    __asm__ volatile("movl (%1), %0" : "=r"(magic) : "r"(page + HV_INFO_REG_MAGIC) : "memory");
    __asm__ volatile("movl %c[off](%[p]), %%ecx"
                     : "=c"(version)
                     : [p] "r"(page), [off] "i"(HV_INFO_REG_VERSION)
                     : "memory");
    if (magic != HV_INFO_MAGIC)
        return tap_fail("magic 0x%08x through %s, expected 0x%08x", magic, x64(page),
                        HV_INFO_MAGIC);
    if (version != HV_ABI_VERSION_1_2)
        return tap_fail("version 0x%08x, expected 0x%08x", version, HV_ABI_VERSION_1_2);
    for (unsigned i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        uint32_t got;
        __asm__ volatile("movl %[v], %c[off](%[p])\n\tmovl %c[off](%[p]), %[g]"
                         : [g] "=&r"(got)
                         : [v] "r"(patterns[i]), [p] "r"(page), [off] "i"(HV_INFO_REG_SCRATCH)
                         : "memory");
        if (got != patterns[i])
            return tap_fail("scratch: wrote 0x%08x, read back 0x%08x", patterns[i], got);
    }
    return TAP_PASS;
}

/* The same page through REX-prefixed forms: R9-R12 as base, index and data registers. */
enum tap_outcome check_mmio_window_rex(void)
{
    uint64_t page = window_address(WINDOW_MMIO);
    const uint32_t value = 0x0BADF00Du;
    uint32_t magic, got;

    REQUIRE_HVLAB();
    if (!(env.hv.features & HV_FEATURE_MMIO_INFO))
        return tap_fail("CPUID 0x40000001 EBX bit 5 (hvlab-info page) not offered");
    __asm__ volatile("movq %[p], %%r9\n\t"
                     "movl (%%r9), %%r10d\n\t" /* 45 8B 11: REX.RB */
                     "movl %%r10d, %[m]\n\t"
                     "movl %[v], %%r11d\n\t"
                     "movq $2, %%r12\n\t"
                     "movl %%r11d, (%%r9,%%r12,4)\n\t" /* 47 89 1C A1: REX.RXB, SIB */
                     "movl 8(%%r9), %%r10d\n\t"        /* 45 8B 51 08: disp8 */
                     "movl %%r10d, %[g]"
                     : [m] "=&r"(magic), [g] "=&r"(got)
                     : [p] "r"(page), [v] "r"(value)
                     : "r9", "r10", "r11", "r12", "memory");
    if (magic != HV_INFO_MAGIC)
        return tap_fail("movl (%%r9), %%r10d read 0x%08x, expected 0x%08x", magic,
                        HV_INFO_MAGIC);
    if (got != value)
        return tap_fail("scratch through (%%r9,%%r12,4) / 8(%%r9): wrote 0x%08x, read 0x%08x",
                        value, got);
    return TAP_PASS;
}
