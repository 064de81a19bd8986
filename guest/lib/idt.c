/*
 * idt.c - build and load a minimal 32-bit IDT.
 *
 * See: Intel SDM Vol. 3A, 6.10 "Interrupt Descriptor Table (IDT)", 6.11 "IDT Descriptors".
 *
 * 32-bit interrupt gate (8 bytes):
 *
 *   63            48 47 46 45 44    40 39    32 31          16 15           0
 *  | offset 31..16  | P | DPL | 0 1 1 1 0 | 0     | selector    | offset 15..0 |
 *                              (D = 1: 32-bit)
 */
#include "idt.h"

#include "segment.h"

#define IDT_GATE_PRESENT (1 << 7) /* P */
#define IDT_GATE_DPL0    (0 << 5) /* only ring 0 may INT n to it */
#define IDT_GATE_INTR_32 0xE      /* type 1110b: 32-bit interrupt gate (clears IF) */

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr; /* P | DPL | type */
    uint16_t offset_high;
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct idt_gate, selector) == 2, "gate selector");
_Static_assert(__builtin_offsetof(struct idt_gate, type_attr) == 5, "gate type");
_Static_assert(__builtin_offsetof(struct idt_gate, offset_high) == 6, "gate offset high");
_Static_assert(sizeof(struct idt_gate) == 8, "gate size");

/* Pseudo-descriptor for LIDT (SDM Vol. 3A, 6.10): 16-bit limit, 32-bit base. */
struct idt_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_pointer) == 6, "IDTR pseudo-descriptor size");

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(8)));

/* Point vector at handler through a present ring-0 32-bit interrupt gate. */
void idt_set_handler(uint8_t vector, void *handler)
{
    uint32_t offset = (uint32_t)(uintptr_t)handler;

    if (vector >= IDT_VECTORS)
        return;
    idt[vector].offset_low = offset & 0xFFFF;
    idt[vector].selector = GDT_SEL_CODE;
    idt[vector].zero = 0;
    idt[vector].type_attr = IDT_GATE_PRESENT | IDT_GATE_DPL0 | IDT_GATE_INTR_32;
    idt[vector].offset_high = offset >> 16;
}

static void lidt(const struct idt_pointer *p) { __asm__ volatile("lidt %0" : : "m"(*p)); }

/* Load the IDT built by idt_set_handler(). */
void idt_load(void)
{
    struct idt_pointer p = {.limit = sizeof(idt) - 1, .base = (uint32_t)(uintptr_t)idt};

    lidt(&p);
}

/* Load an IDT with base 0 and limit 0, so no vector has a usable gate. */
void idt_load_empty(void)
{
    struct idt_pointer p = {.limit = 0, .base = 0};

    lidt(&p);
}
