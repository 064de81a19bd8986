/*
 * descriptors.c - build and load the GDT, TSS and IDT (layout in descriptors.h).
 */
#include "arch/x86_64/descriptors.h"

#include "arch/x86_64/lapic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exceptions.h"

/* Code/data descriptor bits. See: SDM Vol. 3A, "Segment Descriptors". */
#define SEG_ACCESSED    (1ull << 40)
#define SEG_RW          (1ull << 41) /* data: writable; code: readable */
#define SEG_CODE        (1ull << 43) /* executable */
#define SEG_S           (1ull << 44) /* code or data (not system) */
#define SEG_PRESENT     (1ull << 47)
#define SEG_LONG        (1ull << 53) /* 64-bit code segment */
#define SEG_DB          (1ull << 54) /* 32-bit default operand size (must be 0 with L=1) */
#define SEG_GRANULARITY (1ull << 55) /* limit in 4 KiB units */
#define SEG_LIMIT_MAX   (0xFFFFull | (0xFull << 48)) /* limit 0xFFFFF */

/* Where base and limit go in a descriptor's low 8 bytes (the same for code, data and
 * system descriptors):
 *   63     56 55  52 51   48 47      40 39        16 15        0
 *  | base    | flags| limit | access   | base 23:0   | limit 15:0 |
 *  | 31:24   |      | 19:16 |          |             |            |            */
#define DESC_LIMIT_LOW_MASK  0xFFFFull   /* limit bits 15:0 -> descriptor bits 15:0 */
#define DESC_BASE_LOW_MASK   0xFFFFFFull /* base bits 23:0 -> descriptor bits 39:16 */
#define DESC_BASE_LOW_SHIFT  16
#define DESC_BASE_HIGH_BYTE  24 /* base bits 31:24 ... */
#define DESC_BASE_HIGH_SHIFT 56 /* ... -> descriptor bits 63:56 */
#define DESC_BYTE_MASK       0xFFull
#define DESC_UPPER_HALF      32 /* a 16-byte descriptor's second slot: base 63:32 */

/* System-descriptor type for an available 64-bit TSS. See: SDM Vol. 3A, "System
 * Descriptor Types". */
#define SYS_TYPE_TSS64_AVAILABLE 0x9ull
#define SYS_TYPE_SHIFT           40

/* IDT gate. See: SDM Vol. 3A, "64-Bit Mode IDT". */
#define GATE_TYPE_INTERRUPT64 0xEu /* clears IF on entry */
#define GATE_PRESENT          0x80u

#define IST_STACK_SIZE    4096
#define EXCEPTION_VECTORS 32
#define IDT_VECTORS       256

/* 64-bit TSS. See: SDM Vol. 3A, "Task Management in 64-bit Mode". */
struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7]; /* ist[0] is IST1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base; /* >= limit: no I/O permission bitmap */
};
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct __attribute__((packed)) idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

uint64_t descriptors_tss_base(void) { return (uint64_t)(uintptr_t)&tss; }

static void build_gdt(void)
{
    uint64_t tss_base = descriptors_tss_base();
    uint64_t tss_limit = sizeof(tss) - 1;

    gdt[0] = 0;
    gdt[1] = SEG_PRESENT | SEG_S | SEG_CODE | SEG_RW | SEG_ACCESSED | SEG_LONG |
             SEG_GRANULARITY | SEG_LIMIT_MAX;
    gdt[2] =
        SEG_PRESENT | SEG_S | SEG_RW | SEG_ACCESSED | SEG_DB | SEG_GRANULARITY | SEG_LIMIT_MAX;
    /* A 16-byte system descriptor: base bits 63:32 go into the second slot. */
    gdt[3] = (tss_limit & DESC_LIMIT_LOW_MASK) |
             ((tss_base & DESC_BASE_LOW_MASK) << DESC_BASE_LOW_SHIFT) |
             (SYS_TYPE_TSS64_AVAILABLE << SYS_TYPE_SHIFT) | SEG_PRESENT |
             (((tss_base >> DESC_BASE_HIGH_BYTE) & DESC_BYTE_MASK) << DESC_BASE_HIGH_SHIFT);
    gdt[4] = tss_base >> DESC_UPPER_HALF;
}

static void build_tss(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(uintptr_t)&ist_stacks[0][IST_STACK_SIZE];
    tss.ist[IST_NMI - 1] = (uint64_t)(uintptr_t)&ist_stacks[1][IST_STACK_SIZE];
    tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)(uintptr_t)&ist_stacks[2][IST_STACK_SIZE];
    tss.iomap_base = sizeof(tss);
}

extern const char lapic_timer_stub[], lapic_spurious_stub[]; /* isr.S */

static void set_gate(unsigned vector, uint64_t handler, uint8_t ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = (uint16_t)handler,
        .selector = GDT_SEL_CODE64,
        .ist = ist,
        .type_attr = GATE_PRESENT | GATE_TYPE_INTERRUPT64,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

static void build_idt(void)
{
    for (unsigned v = 0; v < EXCEPTION_VECTORS; v++) {
        uint8_t ist = v == EXC_DOUBLE_FAULT    ? IST_DOUBLE_FAULT
                      : v == EXC_NMI           ? IST_NMI
                      : v == EXC_MACHINE_CHECK ? IST_MACHINE_CHECK
                                               : 0;
        set_gate(v, exception_stub_address(v), ist);
    }
    /* The local APIC timer (hvlab's time source under AMD-V) and the APIC's spurious
     * vector; every other vector is not present and would fault (#NP, reported). */
    set_gate(LAPIC_TIMER_VECTOR, (uint64_t)(uintptr_t)lapic_timer_stub, 0);
    set_gate(LAPIC_SPURIOUS_VECTOR, (uint64_t)(uintptr_t)lapic_spurious_stub, 0);
}

void descriptors_init(void)
{
    build_tss();
    build_gdt();
    build_idt();

    struct descriptor_table_reg gdtr = {sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt};
    struct descriptor_table_reg idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

    /* Load the GDT, then reload CS with a far return and the data segments by MOV. */
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%ss\n\t"
                     "movw %w2, %%fs\n\t"
                     "movw %w2, %%gs\n\t"
                     :
                     : "m"(gdtr), "i"((uint64_t)GDT_SEL_CODE64), "r"(GDT_SEL_DATA)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"(GDT_SEL_TSS));
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
