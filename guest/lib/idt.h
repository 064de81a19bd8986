/*
 * idt.h - a minimal 32-bit IDT for catching exceptions and the PIC's interrupts.
 *
 * 48 vectors: the 32 architectural exceptions, then the 16 IRQs of the 8259A pair once
 * it is remapped to IDT_IRQ_BASE (see pic.h). A vector without a handler is a
 * not-present gate, so hitting it ends in a triple fault (#NP, then #DF).
 *
 * See: Intel SDM Vol. 3A, 6.10 "Interrupt Descriptor Table (IDT)",
 *      6.11 "IDT Descriptors", 6.15 "Exception and Interrupt Reference".
 *
 * The vector numbers are also for assembly (guest/conform/trap.S): the C part is hidden
 * from the assembler.
 */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

/* Exception vectors (SDM Vol. 3A, "Protected-Mode Exceptions and Interrupts" table). */
#define EXC_BP 3  /* #BP breakpoint (INT3) */
#define EXC_UD 6  /* #UD invalid opcode */
#define EXC_DF 8  /* #DF double fault (error code 0) */
#define EXC_TS 10 /* #TS invalid TSS (error code) */
#define EXC_NP 11 /* #NP segment not present (error code) */
#define EXC_SS 12 /* #SS stack-segment fault (error code) */
#define EXC_GP 13 /* #GP general protection (error code) */
#define EXC_PF 14 /* #PF page fault (error code) */
#define EXC_AC 17 /* #AC alignment check (error code 0) */

#define IDT_EXCEPTION_VECTORS 32                               /* vectors 0-31: exceptions */
#define IDT_IRQ_BASE          IDT_EXCEPTION_VECTORS            /* 0x20: IRQ 0 once remapped */
#define IDT_IRQ_VECTORS       16                               /* IRQ 0-15 of the PIC pair */
#define IDT_VECTORS           (IDT_IRQ_BASE + IDT_IRQ_VECTORS) /* 48 gates in the table */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* What the CPU pushes for a same-privilege interrupt (after any error code). */
struct interrupt_frame {
    uint32_t eip;
    uint32_t cs;
    uint32_t eflags;
};

/*
 * Handlers are GCC interrupt functions:
 *   __attribute__((interrupt)) void h(struct interrupt_frame *f);                 no error code
 *   __attribute__((interrupt)) void h(struct interrupt_frame *f, uint32_t error); #GP, #DF, ...
 * Point vector (below IDT_VECTORS) at handler: a 32-bit interrupt gate in the flat code
 * segment. Larger vectors are ignored.
 */
void idt_set_handler(uint8_t vector, void *handler);

/* Load the IDT built by idt_set_handler(). */
void idt_load(void);

/* Load an IDT with base 0 and limit 0: every vector is out of bounds. */
void idt_load_empty(void);

#endif /* !__ASSEMBLER__ */
#endif /* GUEST_IDT_H */
