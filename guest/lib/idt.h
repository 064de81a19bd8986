/*
 * idt.h - a minimal 32-bit IDT for catching a few exceptions.
 *
 * Only the first 32 vectors (the architectural exceptions) exist; a vector without a
 * handler is a not-present gate, so hitting it ends in a triple fault.
 *
 * See: Intel SDM Vol. 3A, 6.10 "Interrupt Descriptor Table (IDT)",
 *      6.11 "IDT Descriptors", 6.15 "Exception and Interrupt Reference".
 */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

#include <stdint.h>

/* Exception vectors (SDM Vol. 3A, "Protected-Mode Exceptions and Interrupts" table). */
#define EXC_BP 3  /* #BP breakpoint (INT3) */
#define EXC_UD 6  /* #UD invalid opcode */
#define EXC_DF 8  /* #DF double fault */
#define EXC_GP 13 /* #GP general protection */

#define IDT_EXCEPTION_VECTORS 32

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
 * Point vector at handler (a 32-bit interrupt gate in the flat code segment).
 */
void idt_set_handler(uint8_t vector, void *handler);

/* Load the IDT built by idt_set_handler(). */
void idt_load(void);

/* Load an IDT with base 0 and limit 0: every vector is out of bounds. */
void idt_load_empty(void);

#endif /* GUEST_IDT_H */
