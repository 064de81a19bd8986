/*
 * apic.h - the apic guest: the local APIC (xAPIC MMIO page) and I/O APIC registers it
 * checks, the vectors it uses, and the helpers its checks share. The check files
 * (lapic.c, ioapic.c, pit2.c, regs.c, vectors.c) are compiled twice: for guest/apic
 * (32-bit) and for guest/conform64 (64-bit, guest64.mk); nothing in them depends on the
 * mode. What does (the IDT, WRMSR's #GP) is each guest's glue; apic_checks.h says what.
 *
 * See: Intel SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)";
 *      Intel 82093AA I/O APIC datasheet (order no. 290566-001), "Register Description".
 */
#ifndef GUEST_APIC_APIC_H
#define GUEST_APIC_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "apic_checks.h"
#include "tap.h"

/* IA32_APIC_BASE. See: "Local APIC Status and Location". */
#define MSR_APIC_BASE     0x1Bu
#define MSR_TSC_DEADLINE  0x6E0u
#define APIC_BASE_DEFAULT 0xFEE00000u
#define APIC_BASE_BSP     (1u << 8)
#define APIC_BASE_RSVD9   (1u << 9)
#define APIC_BASE_EXTD    (1u << 10)
#define APIC_BASE_EN      (1u << 11)
#define APIC_BASE_ADDR    0xFFFFF000u
#define APIC_BASE_MOVED   0xFED00000u /* above guest RAM, below the I/O APIC's neighbours */

/* CPUID.01H bits. */
#define CPUID_1_EDX_APIC          (1u << 9)
#define CPUID_1_ECX_X2APIC        (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE  (1u << 24)
#define CPUID_1_EBX_APIC_ID_SHIFT 24u

/* Local APIC registers ("Local APIC Register Address Map"). */
#define LAPIC_ID          0x020u
#define LAPIC_VERSION     0x030u
#define LAPIC_TPR         0x080u
#define LAPIC_PPR         0x0A0u
#define LAPIC_EOI         0x0B0u
#define LAPIC_SVR         0x0F0u
#define LAPIC_ISR         0x100u /* 8 registers, 16 bytes apart */
#define LAPIC_IRR         0x200u
#define LAPIC_ESR         0x280u
#define LAPIC_ICR_LOW     0x300u
#define LAPIC_ICR_HIGH    0x310u
#define LAPIC_LVT_TIMER   0x320u
#define LAPIC_LVT_LINT0   0x350u
#define LAPIC_LVT_LINT1   0x360u
#define LAPIC_LVT_ERROR   0x370u
#define LAPIC_TIMER_INIT  0x380u
#define LAPIC_TIMER_CUR   0x390u
#define LAPIC_TIMER_DCR   0x3E0u
#define LAPIC_BANK_STRIDE 0x10u

#define LAPIC_ID_SHIFT          24u
#define LAPIC_VERSION_MASK      0xFFu
#define LAPIC_VERSION_MAXLVT(v) (((v) >> 16) & 0xFFu)
#define LAPIC_SVR_ENABLE        (1u << 8)
#define LVT_MASKED              (1u << 16)
#define LVT_TIMER_PERIODIC      (1u << 17)
#define LVT_TIMER_DEADLINE      (2u << 17)
#define LVT_EXTINT              (7u << 8)
#define LVT_NMI                 (4u << 8)
#define ICR_SHORTHAND_SELF      (1u << 18)
#define ICR_LEVEL_ASSERT        (1u << 14)
#define DCR_DIVIDE_16           0x3u /* 0011b */

/* I/O APIC ("Memory Mapped Registers", "IOAPIC Registers", "IOREDTBL[23:0]"). */
#define IOAPIC_BASE         0xFEC00000u
#define IOAPIC_IOREGSEL     0x00u
#define IOAPIC_IOWIN        0x10u
#define IOAPIC_REG_ID       0x00u
#define IOAPIC_REG_VER      0x01u
#define IOAPIC_REG_REDTBL   0x10u
#define IOAPIC_ID_SHIFT     24u
#define IOAPIC_ID_MASK      0x0Fu
#define IOAPIC_MAX_ENTRY(v) (((v) >> 16) & 0xFFu)
#define IOAPIC_PINS         24u
#define RTE_MASKED          (1u << 16)
#define IOAPIC_PIT_PIN      2u /* the PIT's IRQ 0 (MADT interrupt source override) */

/* Vectors. PIC: IRQ 0-7 at 0x20, 8-15 at 0x28; the rest the APIC's, in distinct
 * priority classes (vector bits 7:4). */
#define VEC_PIC_BASE   0x20u
#define VEC_PIC_SLAVE  0x28u
#define VEC_PIC_IRQ0   VEC_PIC_BASE
#define VEC_TIMER      0x30u
#define VEC_LOW        0x41u /* class 4 */
#define VEC_IOAPIC_PIT 0x52u /* class 5 */
#define VEC_HIGH       0x61u /* class 6 */
#define VEC_HIGH2      0x62u /* class 6 too */
#define VEC_SPURIOUS   0xFFu

/* ---- vectors.c: what the checks' handlers do, whatever the guest's IDT looks like ----
 * (apic_checks_vector() in apic_checks.h is the entry each guest's IDT calls.) */
extern volatile uint32_t hits[256];
extern volatile uint32_t isr_seen;   /* the vector's ISR bit, read in its handler */
extern volatile uint32_t ppr_seen;   /* PPR, read in the handler */
extern volatile bool eoi_in_handler; /* APIC vectors: EOI at the end of the handler */
extern volatile uint32_t gp_count;   /* #GP on a WRMSR skipped */

/* ---- pit2.c: delays measured by PIT channel 2, polled (no interrupt) ---- */
void delay_ms(unsigned ms);

/* ---- regs.c: register access shared by the checks ---- */
extern bool under_hvlab; /* apic_checks_prepare(): some checks need hvlab */
extern uint32_t lapic_base;

/* The explicit MOVs keep the access one 32-bit load or store, an instruction every MMIO
 * emulator decodes; the address is a full register in either mode. */
static inline uint32_t mmio_read(uint32_t addr)
{
    uint32_t v;
    __asm__ volatile("movl (%1), %0" : "=r"(v) : "r"((uintptr_t)addr) : "memory");
    return v;
}

static inline void mmio_write(uint32_t addr, uint32_t v)
{
    __asm__ volatile("movl %0, (%1)" : : "r"(v), "r"((uintptr_t)addr) : "memory");
}

static inline uint32_t lapic_read(uint32_t reg) { return mmio_read(lapic_base + reg); }
static inline void lapic_write(uint32_t reg, uint32_t v) { mmio_write(lapic_base + reg, v); }

/* IRR/ISR bit of `vector` in the bank at `bank` (LAPIC_ISR or LAPIC_IRR). */
static inline bool lapic_bank_bit(uint32_t bank, uint8_t vector)
{
    return (lapic_read(bank + (vector / 32u) * LAPIC_BANK_STRIDE) >> (vector % 32u)) & 1u;
}

uint64_t rdmsr(uint32_t msr);
/* Per guest (apic/main.c, conform64/apic_glue.c): a #GP is counted in gp_count and the
 * write skipped. */
void wrmsr(uint32_t msr, uint64_t value);

static inline void cpu_sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cpu_cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* A fixed, edge self-IPI at `vector` through the ICR (destination shorthand self). */
void self_ipi(uint8_t vector);
/* Spin until `vector` was taken (hits[] moved past `before`) or give up: under hvlab the
 * exit of the write that raised it already delivered it. */
void spin_for(uint8_t vector, uint32_t before);

uint32_t ioapic_read(uint8_t index);
void ioapic_write(uint8_t index, uint32_t value);

/* ---- traps.c (guest/apic only): its 32-bit IDT ---- */
void traps_init(void);

/* The checks themselves, quiesce() and apic_checks_vector(): apic_checks.h. */

#endif
