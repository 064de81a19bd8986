/*
 * trap.c - conform64's IDT, TSS and exception dispatcher, and the catchers around checks.
 *
 * Every vector has a present 64-bit interrupt gate (trap64.S's stubs); the user gates
 * VECTOR_USER_INT and VECTOR_USER_EXIT have DPL 3 so INT n from CPL 3 reaches them. An
 * interrupt from CPL 3 switches to TSS.RSP0. Exceptions: a check that expects one calls
 * trap_expect_fault() and runs a GUARDED() instruction; the dispatcher records it and
 * resumes after the instruction. Any other exception goes to the innermost catcher
 * (run_caught around every check, catch_call around user mode), so it costs one "not ok",
 * not the run; with no catcher it is "Bail out!". Interrupts the APIC checks wait for
 * go to guest/apic's handlers (apic_checks_vector()); any other is a stray one.
 *
 * See: Intel SDM Vol. 3A, "64-Bit Mode IDT", "64-Bit Mode Stack Frame", "Task Management
 *      in 64-bit Mode" (the 64-bit TSS), "Segment Descriptors" (system descriptors in
 *      IA-32e mode).
 */
#include "../apic/apic_checks.h"
#include "conform64.h"
#include "cpu64.h"
#include "idt.h"
#include "print.h"

#define TRAP_VECTORS 256

#define GATE_PRESENT   (1 << 7)
#define GATE_DPL3      (3 << 5)
#define GATE_INTR_64   0xE /* 64-bit interrupt gate (clears IF) */
#define TSS_TYPE_AVAIL 0x9 /* 64-bit TSS (available) */
#define DESC_PRESENT   (1ull << 47)
#define TSS_GDT_INDEX  (SEL_TSS / 8)

/* The frame trap64.S builds (see the picture there). */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(__builtin_offsetof(struct trap_frame, vector) == 120, "vector after the GPRs");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == 136, "CPU frame after error");
_Static_assert(sizeof(struct trap_frame) == 176, "trap frame keeps RSP 16-byte aligned");

/* 64-bit IDT gate (16 bytes). */
struct idt_gate64 {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;       /* bits 2:0: interrupt stack table index, 0 = none */
    uint8_t type_attr; /* P | DPL | type */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate64) == 16, "64-bit gate size");

/* 64-bit TSS: only RSP0 and the I/O map base matter here. */
struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base; /* at or beyond the limit: no I/O bitmap */
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct tss64, rsp) == 4, "TSS RSP0");
_Static_assert(__builtin_offsetof(struct tss64, iomap_base) == 102, "TSS I/O map base");
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS size");

/* LGDT/LIDT pseudo-descriptor in 64-bit mode: 16-bit limit, 64-bit base. */
struct table_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern const uint64_t trap_stub_table[TRAP_VECTORS]; /* trap64.S */
extern uint64_t gdt[GDT_ENTRIES];                    /* boot64.S */

static struct idt_gate64 idt[TRAP_VECTORS] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t rsp0_stack[STACK_SIZE] __attribute__((aligned(16)));

volatile struct fault_record trap_fault;
volatile struct int_record trap_int;
uint64_t trap_resume_rip;
struct kctx *catch_top;

static volatile bool fault_expected;

static void set_gate(unsigned vector, uint64_t handler, unsigned dpl_bits)
{
    idt[vector] = (struct idt_gate64){
        .offset_low = handler & 0xFFFF,
        .selector = SEL_KCODE,
        .type_attr = GATE_PRESENT | dpl_bits | GATE_INTR_64,
        .offset_mid = (handler >> 16) & 0xFFFF,
        .offset_high = handler >> 32,
    };
}

/* The TSS descriptor: two GDT slots (SDM Vol. 3A, "TSS Descriptor in 64-bit mode"). */
static void set_tss_descriptor(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss;
    uint64_t limit = sizeof(tss) - 1;

    gdt[TSS_GDT_INDEX] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
                         ((uint64_t)TSS_TYPE_AVAIL << 40) | DESC_PRESENT |
                         (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    gdt[TSS_GDT_INDEX + 1] = base >> 32;
}

void trap_init(void)
{
    for (unsigned v = 0; v < TRAP_VECTORS; v++)
        set_gate(v, trap_stub_table[v], 0);
    set_gate(VECTOR_USER_INT, trap_stub_table[VECTOR_USER_INT], GATE_DPL3);
    set_gate(VECTOR_USER_EXIT, trap_stub_table[VECTOR_USER_EXIT], GATE_DPL3);

    tss.rsp[0] = trap_rsp0();
    tss.iomap_base = sizeof(tss);
    set_tss_descriptor();

    struct table_pointer g = {.limit = GDT_ENTRIES * 8 - 1, .base = (uintptr_t)gdt};
    struct table_pointer i = {.limit = sizeof(idt) - 1, .base = (uintptr_t)idt};
    __asm__ volatile("lgdt %0" ::"m"(g));
    __asm__ volatile("lidt %0" ::"m"(i));
    __asm__ volatile("ltr %w0" ::"r"(SEL_TSS));
}

uint64_t trap_rsp0(void) { return (uint64_t)(uintptr_t)(rsp0_stack + sizeof(rsp0_stack)); }

void trap_expect_fault(void)
{
    trap_fault.count = 0;
    trap_fault.vector = 0;
    trap_fault.error = trap_fault.rip = trap_fault.cs = trap_fault.cr2 = 0;
    fault_expected = true;
}

void trap_expect_nothing(void) { fault_expected = false; }

static void record_fault(const struct trap_frame *f)
{
    trap_fault.count++;
    trap_fault.vector = f->vector;
    trap_fault.error = f->error;
    trap_fault.rip = f->rip;
    trap_fault.cs = f->cs;
    trap_fault.cr2 = f->vector == EXC_PF ? read_cr2() : 0;
}

/* INT VECTOR_USER_INT: record the frame and where it lies, then IRETQ back. */
static void user_int(const struct trap_frame *f)
{
    trap_int.count++;
    trap_int.rip = f->rip;
    trap_int.cs = f->cs;
    trap_int.rflags = f->rflags;
    trap_int.rsp = f->rsp;
    trap_int.ss = f->ss;
    trap_int.frame_end = (uint64_t)(uintptr_t)(f + 1);
}

/* Called by trap_common with the frame on the stack. */
void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
    if (f->vector == VECTOR_USER_INT) {
        user_int(f);
        return;
    }
    if (f->vector == VECTOR_USER_EXIT && catch_top)
        kctx_return(catch_top, CATCH_USER_EXIT);
    if (f->vector >= IDT_EXCEPTION_VECTORS && apic_checks_vector((uint8_t)f->vector))
        return; /* an interrupt an APIC check waits for (../apic/vectors.c) */
    if (fault_expected && (f->cs & SEL_RPL_MASK) == 0 && f->vector < IDT_EXCEPTION_VECTORS) {
        record_fault(f);
        fault_expected = false;
        f->rip = trap_resume_rip;
        return;
    }
    record_fault(f);
    if (catch_top)
        kctx_return(catch_top, CATCH_FAULT);
    tap_bail_out("unexpected vector %u (error 0x%x) at rip %s", (unsigned)f->vector,
                 (unsigned)f->error, x64(f->rip));
}

long catch_call(struct kctx *c, void (*fn)(void))
{
    extern long kctx_call(struct kctx * c, void (*fn)(void)) __attribute__((returns_twice));

    c->prev = catch_top;
    catch_top = c;
    long reason = kctx_call(c, fn);
    catch_top = c->prev;
    return reason;
}

static enum tap_outcome (*caught_check)(void);
static enum tap_outcome caught_outcome;

static void run_check(void) { caught_outcome = caught_check(); }

enum tap_outcome run_caught(enum tap_outcome (*check)(void))
{
    struct kctx c;

    caught_check = check;
    long reason = catch_call(&c, run_check);
    trap_expect_nothing();
    if (reason == CATCH_RETURNED)
        return caught_outcome;
    return tap_fail("unexpected %s", fault_text());
}

/* Mnemonics of the exception vectors (SDM Vol. 3A, "Exception and Interrupt Reference"). */
static const char *const vector_names[IDT_EXCEPTION_VECTORS] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#9",  "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *fault_text(void)
{
    static char text[96];
    char name[12];
    unsigned v = trap_fault.vector;

    if (v < IDT_EXCEPTION_VECTORS && vector_names[v])
        ksnprintf(name, sizeof(name), "%s", vector_names[v]);
    else
        ksnprintf(name, sizeof(name), "vector %u", v);
    size_t n =
        ksnprintf(text, sizeof(text), "%s(0x%x) rip %s cs 0x%x", name,
                  (unsigned)trap_fault.error, x64(trap_fault.rip), (unsigned)trap_fault.cs);
    if (v == EXC_PF)
        ksnprintf(text + n, sizeof(text) - n, " cr2 %s", x64(trap_fault.cr2));
    return text;
}

const char *x64(uint64_t v)
{
    enum { BUFFERS = 6, LEN = 20 };
    static char buf[BUFFERS][LEN];
    static unsigned next;
    char *b = buf[next++ % BUFFERS];
    uint32_t hi = v >> 32, lo = (uint32_t)v;

    if (hi)
        ksnprintf(b, LEN, "0x%x%08x", hi, lo);
    else
        ksnprintf(b, LEN, "0x%x", lo);
    return b;
}
