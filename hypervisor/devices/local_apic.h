/*
 * local_apic.h - one vCPU's local APIC in xAPIC mode, as a guest sees it: the 4 KiB
 * register page at IA32_APIC_BASE (default 0xFEE00000), the IA32_APIC_BASE and
 * IA32_TSC_DEADLINE MSRs, IRR/ISR/TMR with the priority rules, the LVT (timer in one-shot,
 * periodic and TSC-deadline mode; LINT0 as ExtINT for the 8259 pair; error), ESR and
 * self-IPIs through the ICR. x2APIC is hidden: enabling it is refused.
 *
 * The model is pure state, like pic8259.h: sources call local_apic_accept(); before each VM
 * entry the core calls local_apic_update(now), asks local_apic_pending_vector() and, when the
 * guest can take it, local_apic_acknowledge() (INTA) for the vector to inject. Time is an
 * argument: `now` is the guest's TSC; the APIC timer's input clock runs at one tick every
 * `tsc_per_apic_tick` TSC ticks (set at init), before the divide configuration. A `now`
 * older than the timer's last (re)load counts as no time passed.
 * The 8259's INTR does not go through IRR/ISR/PPR: while local_apic_extint_open() says so,
 * the caller injects pic_acknowledge()'s vector as it does without an APIC.
 * See: Intel SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)" (revision in
 * docs/manuals.md); section titles are cited next to each part.
 */
#ifndef HVLAB_DEVICES_LOCAL_APIC_H
#define HVLAB_DEVICES_LOCAL_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* IA32_APIC_BASE (MSR 0x1B). See: "Local APIC Status and Location" (Figure "IA32_APIC_BASE
 * MSR"), "Enabling or Disabling the Local APIC".
 *
 *   63        MAXPHYADDR  MAXPHYADDR-1     12  11  10   9   8   7     0
 *   [ reserved ]          [ APIC base       ] EN EXTD res BSP [ reserved ]
 */
#define LAPIC_BASE_MSR           0x1Bu
#define LAPIC_BASE_DEFAULT       0xFEE00000ull /* the base after power-up or reset */
#define LAPIC_BASE_BSP           (1ull << 8)   /* this processor is the bootstrap processor */
#define LAPIC_BASE_EXTD          (1ull << 10)  /* x2APIC mode (hidden: refused) */
#define LAPIC_BASE_EN            (1ull << 11)  /* APIC global enable */
#define LAPIC_BASE_ADDR_SHIFT    12u
#define LAPIC_BASE_FLAG_BITS     (LAPIC_BASE_BSP | LAPIC_BASE_EXTD | LAPIC_BASE_EN)
#define LAPIC_PAGE_SIZE          0x1000u    /* the register page: 4 KiB */
#define LAPIC_TSC_DEADLINE_MSR   0x6E0u     /* IA32_TSC_DEADLINE. See: "TSC-Deadline Mode" */
#define LAPIC_CPUID_TSC_DEADLINE (1u << 24) /* CPUID.01H:ECX: TSC-deadline mode offered */

/* Register offsets in the page. See: "Local APIC Register Address Map" (Table "Local APIC
 * Register Address Map"). Each register is 32 bits at the start of a 16-byte slot. */
#define LAPIC_REG_ID          0x020u
#define LAPIC_REG_VERSION     0x030u
#define LAPIC_REG_TPR         0x080u /* task priority */
#define LAPIC_REG_APR         0x090u /* arbitration priority (reads 0: not modelled) */
#define LAPIC_REG_PPR         0x0A0u /* processor priority (computed) */
#define LAPIC_REG_EOI         0x0B0u
#define LAPIC_REG_RRD         0x0C0u /* remote read (reads 0: not on system-bus APICs) */
#define LAPIC_REG_LDR         0x0D0u /* logical destination */
#define LAPIC_REG_DFR         0x0E0u /* destination format */
#define LAPIC_REG_SVR         0x0F0u /* spurious-interrupt vector */
#define LAPIC_REG_ISR         0x100u /* in-service, 8 registers of 32 vectors, 0x100-0x170 */
#define LAPIC_REG_TMR         0x180u /* trigger mode, 0x180-0x1F0 */
#define LAPIC_REG_IRR         0x200u /* interrupt request, 0x200-0x270 */
#define LAPIC_REG_ESR         0x280u /* error status */
#define LAPIC_REG_LVT_CMCI    0x2F0u /* absent here (no CMCI): a reserved address */
#define LAPIC_REG_ICR_LOW     0x300u
#define LAPIC_REG_ICR_HIGH    0x310u
#define LAPIC_REG_LVT_TIMER   0x320u
#define LAPIC_REG_LVT_THERMAL 0x330u
#define LAPIC_REG_LVT_PERF    0x340u
#define LAPIC_REG_LVT_LINT0   0x350u
#define LAPIC_REG_LVT_LINT1   0x360u
#define LAPIC_REG_LVT_ERROR   0x370u
#define LAPIC_REG_TIMER_INIT  0x380u /* initial count */
#define LAPIC_REG_TIMER_CUR   0x390u /* current count (read-only) */
#define LAPIC_REG_TIMER_DCR   0x3E0u /* divide configuration */
#define LAPIC_REG_STRIDE      0x10u  /* one register per 16 bytes */
#define LAPIC_REG_WIDTH       4u     /* ... of which the first 4 bytes are the register */

#define LAPIC_VECTORS       256u
#define LAPIC_VECTOR_WORDS  8u /* ISR/TMR/IRR: 8 x 32 bits */
#define LAPIC_VECTOR_MASK   0xFFu
#define LAPIC_FIRST_VALID   16u /* vectors 0-15 are illegal. See: "Valid Interrupt Vectors" */
#define LAPIC_CLASS_SHIFT   4u  /* priority class = vector bits 7:4 */
#define LAPIC_NO_VECTOR     (-1)
#define LAPIC_NO_DEADLINE   UINT64_MAX /* local_apic_next_deadline(): the timer will not fire */
#define LAPIC_FLOATING_READ 0xFFFFFFFFu /* value of a read the APIC does not answer */

/* ID and version. See: "Local APIC ID", "Local APIC Version Register". */
#define LAPIC_ID_SHIFT              24u        /* xAPIC ID in bits 31:24 */
#define LAPIC_VERSION_INTEGRATED    0x14u      /* 1xH: an integrated (xAPIC) local APIC */
#define LAPIC_VERSION_MAX_LVT_SHIFT 16u        /* bits 23:16: number of LVT entries minus 1 */
#define LAPIC_VERSION_EOI_SUPPRESS  (1u << 24) /* EOI-broadcast suppression (not offered) */

/* TPR, PPR, LDR, DFR. See: "Task and Processor Priorities", "Logical Destination Mode". */
#define LAPIC_TPR_MASK      0xFFu
#define LAPIC_LDR_MASK      0xFF000000u /* logical APIC ID in bits 31:24, the rest reserved */
#define LAPIC_DFR_MODEL     0xF0000000u /* bits 31:28: 1111 flat, 0000 cluster */
#define LAPIC_DFR_FLAT      0xF0000000u
#define LAPIC_DFR_RESERVED  0x0FFFFFFFu /* reads as 1s */
#define LAPIC_LOGICAL_SHIFT 24u
#define LAPIC_CLUSTER_SHIFT 4u /* cluster model: bits 7:4 cluster, 3:0 member bitmap */
#define LAPIC_MEMBER_MASK   0x0Fu

/* Spurious-interrupt vector register. See: "Spurious Interrupt" (Figure "Spurious-Interrupt
 * Vector Register (SVR)"). */
#define LAPIC_SVR_VECTOR       0xFFu      /* spurious vector */
#define LAPIC_SVR_ENABLE       (1u << 8)  /* APIC software enable */
#define LAPIC_SVR_NO_FOCUS     (1u << 9)  /* focus processor checking off (stored only) */
#define LAPIC_SVR_EOI_SUPPRESS (1u << 12) /* reserved here: suppression not offered */
#define LAPIC_SVR_WRITABLE     (LAPIC_SVR_VECTOR | LAPIC_SVR_ENABLE | LAPIC_SVR_NO_FOCUS)
#define LAPIC_SVR_RESET        0xFFu

/* Error status register. See: "Error Handling" (Figure "Error Status Register (ESR)"). */
#define LAPIC_ESR_SEND_CHECKSUM    (1u << 0) /* P6/Pentium APIC bus only: never set here */
#define LAPIC_ESR_RECV_CHECKSUM    (1u << 1) /* P6/Pentium only */
#define LAPIC_ESR_SEND_ACCEPT      (1u << 2) /* P6/Pentium only: not for an absent CPU here */
#define LAPIC_ESR_RECV_ACCEPT      (1u << 3) /* P6/Pentium only */
#define LAPIC_ESR_REDIRECTABLE_IPI (1u << 4) /* a lowest-priority IPI, which we do not send */
#define LAPIC_ESR_SEND_ILLEGAL     (1u << 5) /* ICR written with a vector 0-15 */
#define LAPIC_ESR_RECV_ILLEGAL     (1u << 6) /* an interrupt with a vector 0-15 arrived */
#define LAPIC_ESR_ILLEGAL_REG      (1u << 7) /* an access to a reserved address */

/* Local vector table entries. See: "Local Vector Table" (Figure "Local Vector Table").
 *
 *   31      19 18:17  16   15    14     13     12       10:8      7:0
 *   reserved   timer  mask trig  remote polar- delivery delivery  vector
 *              mode        mode  IRR    ity    status   mode
 */
#define LAPIC_LVT_VECTOR          0xFFu
#define LAPIC_LVT_DELIVERY_SHIFT  8u
#define LAPIC_LVT_DELIVERY_MASK   (0x7u << LAPIC_LVT_DELIVERY_SHIFT)
#define LAPIC_LVT_STATUS_PENDING  (1u << 12) /* delivery status: read-only, always idle here */
#define LAPIC_LVT_POLARITY_LOW    (1u << 13) /* LINT0/1 only */
#define LAPIC_LVT_REMOTE_IRR      (1u << 14) /* LINT0/1, read-only: not modelled (reads 0) */
#define LAPIC_LVT_LEVEL           (1u << 15) /* LINT0/1 trigger mode */
#define LAPIC_LVT_MASKED          (1u << 16)
#define LAPIC_LVT_TIMER_MODE_MASK (0x3u << 17)
#define LAPIC_LVT_TIMER_ONE_SHOT  (0x0u << 17)
#define LAPIC_LVT_TIMER_PERIODIC  (0x1u << 17)
#define LAPIC_LVT_TIMER_DEADLINE  (0x2u << 17) /* only if CPUID reports TSC-deadline mode */
#define LAPIC_LVT_RESET           LAPIC_LVT_MASKED
#define LAPIC_DELIVERY_FIXED      (0x0u << LAPIC_LVT_DELIVERY_SHIFT)
#define LAPIC_DELIVERY_LOWEST     (0x1u << LAPIC_LVT_DELIVERY_SHIFT) /* ICR only */
#define LAPIC_DELIVERY_SMI        (0x2u << LAPIC_LVT_DELIVERY_SHIFT)
#define LAPIC_DELIVERY_NMI        (0x4u << LAPIC_LVT_DELIVERY_SHIFT)
#define LAPIC_DELIVERY_INIT       (0x5u << LAPIC_LVT_DELIVERY_SHIFT)
#define LAPIC_DELIVERY_STARTUP    (0x6u << LAPIC_LVT_DELIVERY_SHIFT) /* ICR only */
#define LAPIC_DELIVERY_EXTINT     (0x7u << LAPIC_LVT_DELIVERY_SHIFT) /* LVT LINT0/1 only */

/* The LVT entries this APIC has, in register order (0x320 + 0x10 * index). CMCI (0x2F0) is
 * absent, so the version register reports 6 entries. */
enum lapic_lvt {
    LAPIC_LVT_TIMER,
    LAPIC_LVT_THERMAL,
    LAPIC_LVT_PERF,
    LAPIC_LVT_LINT0,
    LAPIC_LVT_LINT1,
    LAPIC_LVT_ERROR,
    LAPIC_LVT_COUNT
};

/* Interrupt command register. See: "Interrupt Command Register (ICR)" (Figure "Interrupt
 * Command Register (ICR)").
 *
 *   low:  31:20 res | 19:18 shorthand | 17:16 res | 15 trigger | 14 level | 13 res |
 *         12 delivery status | 11 dest mode | 10:8 delivery mode | 7:0 vector
 *   high: 31:24 destination | 23:0 reserved
 */
#define LAPIC_ICR_VECTOR          0xFFu
#define LAPIC_ICR_LOGICAL         (1u << 11)
#define LAPIC_ICR_STATUS_PENDING  (1u << 12) /* read-only: always idle (sent at once) */
#define LAPIC_ICR_LEVEL_ASSERT    (1u << 14)
#define LAPIC_ICR_TRIGGER_LEVEL   (1u << 15)
#define LAPIC_ICR_SHORTHAND_MASK  (0x3u << 18)
#define LAPIC_ICR_SHORTHAND_NONE  (0x0u << 18)
#define LAPIC_ICR_SHORTHAND_SELF  (0x1u << 18)
#define LAPIC_ICR_SHORTHAND_ALL   (0x2u << 18) /* all including self */
#define LAPIC_ICR_SHORTHAND_OTHER (0x3u << 18) /* all excluding self */
#define LAPIC_ICR_LOW_WRITABLE    0x000CCFFFu
#define LAPIC_ICR_DEST_SHIFT      24u
#define LAPIC_ICR_HIGH_WRITABLE   0xFF000000u
#define LAPIC_BROADCAST_ID        0xFFu /* physical or logical destination 0xFF: everyone */

/* Divide configuration register: bits 3, 1:0 encode 2, 4, ..., 128, 1. See: "APIC Timer"
 * (Figure "Divide Configuration Register"). */
#define LAPIC_DCR_WRITABLE   0x0Bu
#define LAPIC_DCR_HIGH_BIT   0x08u /* bit 3 is the encoding's bit 2 */
#define LAPIC_DCR_LOW_BITS   0x03u
#define LAPIC_DCR_BY_1       0x0Bu /* 1011b */
#define LAPIC_DCR_DIVIDE_ONE 0x7u  /* the encoding that means "divide by 1" */

/* What a register write asks of the rest of the machine. */
#define LAPIC_EVENT_NMI  (1u << 0) /* an NMI IPI to self: inject an NMI */
#define LAPIC_EVENT_SMI  (1u << 1) /* an SMI IPI to self (hvlab has no SMM) */
#define LAPIC_EVENT_INIT (1u << 2) /* an INIT IPI to self (INIT of a running vCPU) */
struct lapic_effects {
    int level_eoi_vector; /* EOI of a vector whose TMR bit is set: forward it to the I/O
                           * APIC ("EOI Message"); else LAPIC_NO_VECTOR */
    uint32_t events;      /* LAPIC_EVENT_* */
};

/* Result of an MMIO access or an MSR write. */
enum lapic_status {
    LAPIC_OK,
    LAPIC_IGNORED,      /* MMIO: a write that is not 4 bytes at a slot's start, or out of
                         * the page: dropped (reads of such shapes are answered, see .c) */
    LAPIC_NOT_APIC,     /* MMIO while globally disabled: the page is not the APIC's */
    LAPIC_RESERVED_BIT, /* IA32_APIC_BASE / IA32_TSC_DEADLINE: the caller injects #GP */
    LAPIC_X2APIC_HIDDEN /* IA32_APIC_BASE.EXTD set: x2APIC is not offered, #GP */
};

struct local_apic_config {
    uint8_t apic_id;            /* the vCPU's number; 0 is the BSP */
    unsigned phys_addr_bits;    /* MAXPHYADDR (0 or > 52 means 52): the base lies below */
    uint64_t tsc_per_apic_tick; /* TSC ticks per APIC timer input clock (0 means 1) */
    bool tsc_deadline;          /* CPUID.01H:ECX[24] is reported to the guest */
};

struct local_apic {
    struct local_apic_config config;
    uint64_t base_msr; /* IA32_APIC_BASE */
    uint32_t tpr, ldr, dfr, svr;
    uint32_t esr;        /* what the last ESR write latched */
    uint32_t esr_errors; /* errors seen since that write */
    bool error_armed;    /* the next error raises the LVT error interrupt */
    uint32_t lvt[LAPIC_LVT_COUNT];
    uint32_t icr_low, icr_high;
    uint32_t irr[LAPIC_VECTOR_WORDS], isr[LAPIC_VECTOR_WORDS], tmr[LAPIC_VECTOR_WORDS];
    uint32_t timer_initial; /* initial count register */
    uint32_t timer_dcr;     /* divide configuration register */
    bool timer_running;     /* one-shot or periodic count in progress */
    uint64_t timer_start;   /* TSC at which the count was (re)loaded (modulo 2^64) */
    uint64_t tsc_deadline;  /* IA32_TSC_DEADLINE; 0 = disarmed */
    uint64_t ipis_dropped;  /* IPIs that matched no APIC (no other vCPU exists) */
};

/* Power-up state ("Local APIC State After Power-Up or Reset"): IA32_APIC_BASE at the default
 * base, enabled, BSP iff apic_id is 0; software-disabled, every LVT masked. */
void local_apic_init(struct local_apic *apic, const struct local_apic_config *config);

/* IA32_APIC_BASE. A write clearing EN resets every register to its power-up state (the APIC
 * comes back that way when EN is set again). Reserved bits and EXTD are refused with the
 * state unchanged. */
uint64_t local_apic_read_base(const struct local_apic *apic);
enum lapic_status local_apic_write_base(struct local_apic *apic, uint64_t value);
uint64_t local_apic_mmio_base(const struct local_apic *apic);
bool local_apic_globally_enabled(const struct local_apic *apic);

/* Guest access to the register page at `offset` (0-4095), `size` 1, 2 or 4 bytes, the
 * guest's TSC `now`. `effects` (may be NULL) receives what a write asks of the caller. */
enum lapic_status local_apic_read(struct local_apic *apic, uint32_t offset, unsigned size,
                                  uint64_t now, uint32_t *value);
enum lapic_status local_apic_write(struct local_apic *apic, uint32_t offset, unsigned size,
                                   uint32_t value, uint64_t now, struct lapic_effects *effects);

/* IA32_TSC_DEADLINE: false if CPUID does not report TSC-deadline mode (the caller injects
 * #GP). In the other timer modes it reads 0 and writes are ignored. */
bool local_apic_read_tsc_deadline(struct local_apic *apic, uint64_t now, uint64_t *value);
bool local_apic_write_tsc_deadline(struct local_apic *apic, uint64_t value, uint64_t now);

/* A fixed interrupt from outside (I/O APIC, another CPU): into IRR, TMR set if level.
 * False if not accepted (vector 0-15: ESR receive-illegal-vector; APIC disabled). */
bool local_apic_accept(struct local_apic *apic, uint8_t vector, bool level_triggered);

/* Processor priority: TPR, or the class of the highest in-service vector if higher. */
uint8_t local_apic_ppr(const struct local_apic *apic);

/* The vector the CPU would receive now (the highest IRR vector whose class is above
 * PPR's), or LAPIC_NO_VECTOR. Changes nothing. */
int local_apic_pending_vector(const struct local_apic *apic);

/* INTA: moves the pending vector from IRR to ISR and returns it; with none, the spurious
 * vector (SVR bits 7:0), nothing in service. */
uint8_t local_apic_acknowledge(struct local_apic *apic);

/* Whether the 8259's INTR reaches the CPU: the APIC globally or software disabled (the
 * reset state), or LVT LINT0 unmasked with delivery mode ExtINT. */
bool local_apic_extint_open(const struct local_apic *apic);

/* Timer: raise the timer vector for every expiry up to `now`. */
void local_apic_update(struct local_apic *apic, uint64_t now);

/* The TSC at which local_apic_update() will next raise the timer vector (<= now if it is
 * overdue), or LAPIC_NO_DEADLINE (timer stopped, masked, or the APIC disabled). */
uint64_t local_apic_next_deadline(const struct local_apic *apic);

#endif
