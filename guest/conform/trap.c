/*
 * trap.c - the conformance guest's exception and interrupt dispatcher.
 *
 * Exceptions: a check that expects one calls trap_expect_fault() and runs a GUARDED()
 * instruction; the dispatcher records vector, error code and EIP, and resumes at the
 * label after the instruction. An exception nobody expected ends the run with
 * "Bail out!" (better one clear line than a triple fault).
 * IRQs (vectors 0x20-0x2F once the PIC is remapped): counted per line, an optional hook
 * runs, then a non-specific EOI unless the check asked to send it itself.
 *
 * See: Intel SDM Vol. 3A, "Exception- or Interrupt-Handler Procedures";
 *      Intel 8259A datasheet, "Interrupt Sequence" (spurious IR7), "The End of Interrupt".
 */
#include "conform.h"
#include "idt.h"
#include "pic.h"

/* The frame trap_stubs.S builds (see the picture there). */
struct trap_frame {
    uint32_t edi, esi, ebp, esp_pushad, ebx, edx, ecx, eax; /* PUSHAD */
    uint32_t vector;
    uint32_t error; /* 0 for vectors without one */
    uint32_t eip, cs, eflags;
};

_Static_assert(__builtin_offsetof(struct trap_frame, vector) == 32, "vector after PUSHAD");
_Static_assert(__builtin_offsetof(struct trap_frame, eip) == 40, "CPU frame after error");
_Static_assert(sizeof(struct trap_frame) == 52, "trap frame size");

extern const uint32_t trap_stub_table[IDT_VECTORS]; /* trap_stubs.S */

volatile struct fault_record trap_fault;
volatile struct irq_record trap_irqs;
uint32_t trap_resume_eip;

static volatile bool fault_expected;
static void (*irq_hooks[PIC_IRQS])(void);
static uint16_t no_eoi_mask;

void trap_init(void)
{
    for (unsigned v = 0; v < IDT_VECTORS; v++)
        idt_set_handler(v, (void *)(uintptr_t)trap_stub_table[v]);
    idt_load();
}

void trap_expect_fault(void)
{
    trap_fault.count = 0;
    trap_fault.vector = trap_fault.error = trap_fault.eip = trap_fault.cr2 = 0;
    fault_expected = true;
}

void trap_expect_nothing(void) { fault_expected = false; }

void trap_set_irq_hook(unsigned irq, void (*hook)(void)) { irq_hooks[irq] = hook; }

void trap_set_no_eoi(uint16_t mask) { no_eoi_mask = mask; }

static uint32_t read_cr2(void)
{
    uint32_t cr2;

    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    return cr2;
}

/* An exception: record it and resume after the guarded instruction, or bail out. */
static void exception(struct trap_frame *f)
{
    if (!fault_expected)
        tap_bail_out("unexpected exception %u (error 0x%x) at eip 0x%08x", f->vector, f->error,
                     f->eip);
    trap_fault.count++;
    trap_fault.vector = f->vector;
    trap_fault.error = f->error;
    trap_fault.eip = f->eip;
    trap_fault.cr2 = f->vector == EXC_PF ? read_cr2() : 0;
    fault_expected = false;
    f->eip = trap_resume_eip;
}

/* A spurious IRQ 7/15 (the request went away before INTA) has no ISR bit: no EOI for it
 * (but the master does have IRQ 2 in service for a spurious IRQ 15). */
static bool spurious(unsigned irq)
{
    if (irq != PIC_IRQ_SPURIOUS && irq != PIC_IRQ_SPURIOUS + 8)
        return false;
    if (pic_read_isr() & (1u << irq))
        return false;
    trap_irqs.spurious++;
    if (irq > PIC_IRQ_SPURIOUS)
        pic_eoi(PIC_IRQ_CASCADE);
    return true;
}

static void interrupt(struct trap_frame *f)
{
    unsigned irq = f->vector - IDT_IRQ_BASE;

    if (spurious(irq))
        return;
    trap_irqs.count[irq]++;
    trap_irqs.last_vector = f->vector;
    trap_irqs.last_eip = f->eip;
    if (irq_hooks[irq])
        irq_hooks[irq]();
    if (!(no_eoi_mask & (1u << irq)))
        pic_eoi(irq);
}

/* Called by trap_common with the frame on the stack. */
void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
    if (f->vector >= IDT_IRQ_BASE && f->vector < IDT_VECTORS)
        interrupt(f);
    else
        exception(f);
}

uint32_t wait_for_irq(unsigned irq, uint32_t before, uint32_t ms)
{
    uint64_t deadline = clock_deadline(ms);
    uint32_t now;

    while ((now = trap_irqs.count[irq]) == before && !clock_expired(deadline))
        __asm__ volatile("pause");
    return now;
}
