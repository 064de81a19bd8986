/*
 * traps.c - the apic guest's own 256-vector IDT (the APIC's vectors go up to 0xFF; the
 * shared guest/lib/idt.c has 48): a gate for each vector the checks use (vectors.c says
 * what its handler does), a #GP handler that steps over a faulting WRMSR, and a bail-out
 * for anything else. The 32-bit half of the glue apic_checks.h asks for.
 *
 * See: Intel SDM Vol. 3A, "Interrupt Descriptor Table (IDT)", "IDT Descriptors".
 */
#include "apic.h"
#include "idt.h"
#include "segment.h"

#define VECTORS     256u
#define GATE_INTR32 0x8E /* P = 1, DPL 0, 32-bit interrupt gate */
#define WRMSR_BYTE0 0x0F
#define WRMSR_BYTE1 0x30
#define WRMSR_LEN   2u

struct gate {
    uint16_t offset_low, selector;
    uint8_t zero, type_attr;
    uint16_t offset_high;
} __attribute__((packed));

static struct gate idt[VECTORS] __attribute__((aligned(8)));

static void set_gate(unsigned vector, void *handler)
{
    uint32_t offset = (uint32_t)(uintptr_t)handler;
    idt[vector] =
        (struct gate){(uint16_t)offset, GDT_SEL_CODE, 0, GATE_INTR32, (uint16_t)(offset >> 16)};
}

/* Each vector a check uses has its own gate; what it does is shared (vectors.c). */
#define APIC_HANDLER(v)                                                                        \
    __attribute__((interrupt)) static void apic_##v(struct interrupt_frame *f)                 \
    {                                                                                          \
        (void)f;                                                                               \
        apic_checks_vector(v);                                                                 \
    }
#define PIC_HANDLER(n)                                                                         \
    __attribute__((interrupt)) static void pic_##n(struct interrupt_frame *f)                  \
    {                                                                                          \
        (void)f;                                                                               \
        apic_checks_vector(VEC_PIC_BASE + n);                                                  \
    }

APIC_HANDLER(0x30)
APIC_HANDLER(0x41)
APIC_HANDLER(0x52)
APIC_HANDLER(0x61)
APIC_HANDLER(0x62)
PIC_HANDLER(0)
PIC_HANDLER(1)
PIC_HANDLER(2)
PIC_HANDLER(3)
PIC_HANDLER(4)
PIC_HANDLER(5)
PIC_HANDLER(6)
PIC_HANDLER(7)
PIC_HANDLER(8)
PIC_HANDLER(9)
PIC_HANDLER(10)
PIC_HANDLER(11)
PIC_HANDLER(12)
PIC_HANDLER(13)
PIC_HANDLER(14)
PIC_HANDLER(15)

__attribute__((interrupt)) static void spurious(struct interrupt_frame *f)
{
    (void)f;
    apic_checks_vector(VEC_SPURIOUS);
}

/* #GP: a WRMSR the CPU refused is stepped over and counted; anything else ends the run. */
__attribute__((interrupt)) static void general_protection(struct interrupt_frame *f,
                                                          uint32_t error)
{
    const uint8_t *ip = (const uint8_t *)(uintptr_t)f->eip;
    if (ip[0] != WRMSR_BYTE0 || ip[1] != WRMSR_BYTE1)
        tap_bail_out("#GP(0x%x) at 0x%08x", error, f->eip);
    gp_count++;
    f->eip += WRMSR_LEN;
}

__attribute__((interrupt)) static void unexpected(struct interrupt_frame *f)
{
    tap_bail_out("unexpected interrupt or exception at 0x%08x", f->eip);
}

void traps_init(void)
{
    static void *const pic_handlers[IDT_IRQ_VECTORS] = {
        pic_0, pic_1, pic_2,  pic_3,  pic_4,  pic_5,  pic_6,  pic_7,
        pic_8, pic_9, pic_10, pic_11, pic_12, pic_13, pic_14, pic_15};
    for (unsigned v = 0; v < VECTORS; v++)
        set_gate(v, unexpected);
    for (unsigned i = 0; i < IDT_IRQ_VECTORS; i++)
        set_gate(VEC_PIC_BASE + i, pic_handlers[i]);
    set_gate(EXC_GP, general_protection);
    set_gate(VEC_TIMER, apic_0x30);
    set_gate(VEC_LOW, apic_0x41);
    set_gate(VEC_IOAPIC_PIT, apic_0x52);
    set_gate(VEC_HIGH, apic_0x61);
    set_gate(VEC_HIGH2, apic_0x62);
    set_gate(VEC_SPURIOUS, spurious);
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint32_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
