/*
 * local_apic.c - one vCPU's xAPIC as pure state (see local_apic.h).
 *
 *   I/O APIC, IPIs --accept--> IRR --acknowledge (INTA)--> ISR --EOI--> (TMR: I/O APIC EOI)
 *   LVT timer, LVT error ------^     PPR = max(TPR, class of highest ISR) gates delivery
 *   8259 INTR --LINT0 (ExtINT)--> CPU, outside IRR/ISR (local_apic_extint_open)
 *
 * Modelled: the registers of "Local APIC Register Address Map" except those listed below,
 * the priority rules, the timer's three modes, ESR with the LVT error interrupt, self-IPIs.
 * Not modelled, and why:
 * - x2APIC: hidden (EXTD refused); one register interface is enough for the guests.
 * - LVT CMCI: absent (the version reports 6 LVT entries), hvlab reports no machine checks.
 * - Thermal, performance-counter, LINT1 entries: stored, but nothing drives them.
 * - LINT0 as a Fixed/NMI source and its remote IRR: only ExtINT (the 8259's INTR) is wired.
 * - APR and RRD read 0: they serve lowest-priority arbitration and remote reads, which a
 *   system-bus xAPIC does not do ("Lowest Priority Delivery Mode").
 * - Lowest-priority IPIs: not sent; ESR "Redirectable IPI", as the SDM allows.
 * - IPIs to other CPUs: there are none (one vCPU per VM), so they are dropped and counted;
 *   the ESR send-accept bit is P6/Pentium-only ("Error Handling"), so nothing is logged.
 * - INIT, SMI IPIs to self: reported to the caller; SIPI to self dropped (a running CPU is
 *   not in wait-for-SIPI). INIT level de-assert dropped (not on Pentium 4 and later).
 * - EOI-broadcast suppression, focus processor checking, writable APIC ID: not offered.
 * See: Intel SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)".
 */
#include "hypervisor/devices/local_apic.h"

#define BITS_PER_WORD      32u
#define LVT_COUNT_FIELD    ((uint32_t)(LAPIC_LVT_COUNT - 1) << LAPIC_VERSION_MAX_LVT_SHIFT)
#define VERSION_VALUE      (LAPIC_VERSION_INTEGRATED | LVT_COUNT_FIELD)
#define DFR_RESET          0xFFFFFFFFu
#define SLOT_MASK          (LAPIC_REG_STRIDE - 1u)
#define BYTE_BITS          8u
#define VECTOR_BANK_BYTES  (LAPIC_VECTOR_WORDS * LAPIC_REG_STRIDE) /* ISR/TMR/IRR: 0x80 */
#define MAX_PHYS_ADDR_BITS 52u /* the architectural limit of MAXPHYADDR */

/* Writable bits of each LVT entry ("Local Vector Table"): the rest are reserved or
 * read-only (delivery status, remote IRR). */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
    [LAPIC_LVT_TIMER] = LAPIC_LVT_VECTOR | LAPIC_LVT_MASKED | LAPIC_LVT_TIMER_PERIODIC,
    [LAPIC_LVT_THERMAL] = LAPIC_LVT_VECTOR | LAPIC_LVT_DELIVERY_MASK | LAPIC_LVT_MASKED,
    [LAPIC_LVT_PERF] = LAPIC_LVT_VECTOR | LAPIC_LVT_DELIVERY_MASK | LAPIC_LVT_MASKED,
    [LAPIC_LVT_LINT0] = LAPIC_LVT_VECTOR | LAPIC_LVT_DELIVERY_MASK | LAPIC_LVT_POLARITY_LOW |
                        LAPIC_LVT_LEVEL | LAPIC_LVT_MASKED,
    [LAPIC_LVT_LINT1] = LAPIC_LVT_VECTOR | LAPIC_LVT_DELIVERY_MASK | LAPIC_LVT_POLARITY_LOW |
                        LAPIC_LVT_LEVEL | LAPIC_LVT_MASKED,
    [LAPIC_LVT_ERROR] = LAPIC_LVT_VECTOR | LAPIC_LVT_MASKED,
};

/* ---- vector bitmaps (IRR, ISR, TMR) ----------------------------------------------------- */

static uint32_t vector_bit(uint8_t vector) { return 1u << (vector % BITS_PER_WORD); }
static unsigned vector_word(uint8_t vector) { return vector / BITS_PER_WORD; }

static void set_vector(uint32_t *bank, uint8_t vector)
{
    bank[vector_word(vector)] |= vector_bit(vector);
}

static void clear_vector(uint32_t *bank, uint8_t vector)
{
    bank[vector_word(vector)] &= ~vector_bit(vector);
}

static bool test_vector(const uint32_t *bank, uint8_t vector)
{
    return (bank[vector_word(vector)] & vector_bit(vector)) != 0;
}

/* The highest set vector (the highest priority: "Interrupt, Task, and Processor Priority"),
 * or LAPIC_NO_VECTOR. */
static int highest_vector(const uint32_t *bank)
{
    for (unsigned word = LAPIC_VECTOR_WORDS; word-- > 0;)
        if (bank[word])
            return (int)(word * BITS_PER_WORD + (BITS_PER_WORD - 1u) -
                         (unsigned)__builtin_clz(bank[word]));
    return LAPIC_NO_VECTOR;
}

static unsigned priority_class(unsigned vector) { return vector >> LAPIC_CLASS_SHIFT; }

/* ---- state, reset, enable ----------------------------------------------------------- */

static bool globally_enabled(const struct local_apic *apic)
{
    return (apic->base_msr & LAPIC_BASE_EN) != 0;
}

static bool software_enabled(const struct local_apic *apic)
{
    return (apic->svr & LAPIC_SVR_ENABLE) != 0;
}

static uint32_t apic_id_register(const struct local_apic *apic)
{
    return (uint32_t)apic->config.apic_id << LAPIC_ID_SHIFT;
}

/* Every register to its power-up value ("Local APIC State After Power-Up or Reset"): IRR,
 * ISR, TMR, ICR, LDR, TPR, DCR, the counts 0; DFR all 1s; LVTs masked; SVR 0xFF. The ID
 * and version are not registers here (computed); IA32_APIC_BASE is the caller's. */
static void reset_registers(struct local_apic *apic)
{
    struct local_apic_config config = apic->config;
    uint64_t base_msr = apic->base_msr;
    uint64_t ipis_dropped = apic->ipis_dropped;
    *apic = (struct local_apic){.config = config, .base_msr = base_msr};
    apic->ipis_dropped = ipis_dropped;
    apic->dfr = DFR_RESET;
    apic->svr = LAPIC_SVR_RESET;
    apic->error_armed = true;
    for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
        apic->lvt[i] = LAPIC_LVT_RESET;
}

void local_apic_init(struct local_apic *apic, const struct local_apic_config *config)
{
    *apic = (struct local_apic){.config = *config};
    if (apic->config.tsc_per_apic_tick == 0)
        apic->config.tsc_per_apic_tick = 1;
    if (apic->config.phys_addr_bits == 0 || apic->config.phys_addr_bits > MAX_PHYS_ADDR_BITS)
        apic->config.phys_addr_bits = MAX_PHYS_ADDR_BITS;
    apic->base_msr = LAPIC_BASE_DEFAULT | LAPIC_BASE_EN;
    if (config->apic_id == 0)
        apic->base_msr |= LAPIC_BASE_BSP;
    reset_registers(apic);
}

uint64_t local_apic_read_base(const struct local_apic *apic) { return apic->base_msr; }

uint64_t local_apic_mmio_base(const struct local_apic *apic)
{
    return apic->base_msr & ~(uint64_t)(LAPIC_PAGE_SIZE - 1u);
}

bool local_apic_globally_enabled(const struct local_apic *apic)
{
    return globally_enabled(apic);
}

/* "Local APIC Status and Location", "Enabling or Disabling the Local APIC": the base is
 * any 4 KiB frame below MAXPHYADDR; bits 7:0, 9 and those above MAXPHYADDR are reserved.
 * Clearing EN makes the processor one without an APIC, and "prior initialization to the
 * APIC may be lost": we reset the registers, so re-enabling finds the power-up state. */
enum lapic_status local_apic_write_base(struct local_apic *apic, uint64_t value)
{
    uint64_t addr_bits = ~(uint64_t)0 << apic->config.phys_addr_bits;
    uint64_t base_field = ~addr_bits & ~(uint64_t)(LAPIC_PAGE_SIZE - 1u);
    if (value & ~(base_field | LAPIC_BASE_FLAG_BITS))
        return LAPIC_RESERVED_BIT;
    if (value & LAPIC_BASE_EXTD)
        return LAPIC_X2APIC_HIDDEN;
    bool was_enabled = globally_enabled(apic);
    apic->base_msr = value;
    if (was_enabled != globally_enabled(apic))
        reset_registers(apic);
    return LAPIC_OK;
}

/* ---- errors ("Error Handling") --------------------------------------------------------- */

static void raise_vector(struct local_apic *apic, uint8_t vector, bool level);

/* Log an error; the first error after an ESR write raises the LVT error interrupt (the
 * write "rearms the APIC error interrupt triggering mechanism"), unless masked. A masked
 * first error uses up the arming too: the guest's ESR write after unmasking rearms it. */
static void report_error(struct local_apic *apic, uint32_t error)
{
    apic->esr_errors |= error;
    if (!apic->error_armed)
        return;
    apic->error_armed = false;
    uint32_t lvt = apic->lvt[LAPIC_LVT_ERROR];
    if (!(lvt & LAPIC_LVT_MASKED))
        raise_vector(apic, (uint8_t)(lvt & LAPIC_LVT_VECTOR), false);
}

/* An interrupt arriving in IRR. Vectors 0-15 are refused with "Receive Illegal Vector":
 * "the local APIC will never set an IRR bit in the range 0 to 15". TMR follows the trigger
 * mode ("Interrupt Acceptance for Fixed Interrupts"). */
static void raise_vector(struct local_apic *apic, uint8_t vector, bool level)
{
    if (vector < LAPIC_FIRST_VALID) {
        report_error(apic, LAPIC_ESR_RECV_ILLEGAL);
        return;
    }
    set_vector(apic->irr, vector);
    if (level)
        set_vector(apic->tmr, vector);
    else
        clear_vector(apic->tmr, vector);
}

/* ---- priority ("Task and Processor Priorities", "Interrupt, Task, and Processor
 * Priority") --------------------------------------------------------------------------- */

uint8_t local_apic_ppr(const struct local_apic *apic)
{
    int isrv = highest_vector(apic->isr);
    unsigned isr_vector = isrv == LAPIC_NO_VECTOR ? 0u : (unsigned)isrv;
    if (priority_class(apic->tpr) >= priority_class(isr_vector))
        return (uint8_t)apic->tpr;
    return (uint8_t)(priority_class(isr_vector) << LAPIC_CLASS_SHIFT);
}

int local_apic_pending_vector(const struct local_apic *apic)
{
    if (!globally_enabled(apic))
        return LAPIC_NO_VECTOR;
    int irrv = highest_vector(apic->irr);
    if (irrv == LAPIC_NO_VECTOR ||
        priority_class((unsigned)irrv) <= priority_class(local_apic_ppr(apic)))
        return LAPIC_NO_VECTOR;
    return irrv;
}

uint8_t local_apic_acknowledge(struct local_apic *apic)
{
    int vector = local_apic_pending_vector(apic);
    if (vector == LAPIC_NO_VECTOR)
        return (uint8_t)(apic->svr & LAPIC_SVR_VECTOR); /* "Spurious Interrupt" */
    clear_vector(apic->irr, (uint8_t)vector);
    set_vector(apic->isr, (uint8_t)vector);
    return (uint8_t)vector;
}

/* Software-disabled ("Local APIC State After It Has Been Software Disabled"): IRR and ISR
 * are held (and still delivered), but new fixed interrupts are not accepted. */
bool local_apic_accept(struct local_apic *apic, uint8_t vector, bool level_triggered)
{
    if (!globally_enabled(apic) || !software_enabled(apic))
        return false;
    raise_vector(apic, vector, level_triggered);
    return vector >= LAPIC_FIRST_VALID;
}

/* "EOI Register": the highest in-service vector ends; a level-triggered one (TMR set) is
 * reported so the caller can send the I/O APIC its EOI ("EOI Message"). */
static void write_eoi(struct local_apic *apic, struct lapic_effects *effects)
{
    int vector = highest_vector(apic->isr);
    if (vector == LAPIC_NO_VECTOR)
        return;
    clear_vector(apic->isr, (uint8_t)vector);
    if (test_vector(apic->tmr, (uint8_t)vector))
        effects->level_eoi_vector = vector;
}

/* Virtual wire mode (MP spec 1.4, "Virtual Wire Mode"; SDM "Local Vector Table", ExtINT):
 * LINT0 programmed ExtINT and unmasked passes the 8259's INTR. Without a working APIC
 * (globally or software disabled, which is the reset state) the pin is the plain INTR
 * input, as in "PIC Mode": guests that never touch the APIC keep their 8259. */
bool local_apic_extint_open(const struct local_apic *apic)
{
    if (!globally_enabled(apic) || !software_enabled(apic))
        return true;
    uint32_t lint0 = apic->lvt[LAPIC_LVT_LINT0];
    return !(lint0 & LAPIC_LVT_MASKED) &&
           (lint0 & LAPIC_LVT_DELIVERY_MASK) == LAPIC_DELIVERY_EXTINT;
}

/* ---- timer ("APIC Timer", "TSC-Deadline Mode") --------------------------------------- */

static uint32_t timer_mode(const struct local_apic *apic)
{
    return apic->lvt[LAPIC_LVT_TIMER] & LAPIC_LVT_TIMER_MODE_MASK;
}

static bool deadline_mode(const struct local_apic *apic)
{
    return timer_mode(apic) == LAPIC_LVT_TIMER_DEADLINE;
}

/* The divider of "Divide Configuration Register": bits 3, 1:0 as a 3-bit number n give
 * 2^(n+1), except 111b which is 1. */
static uint64_t timer_divisor(uint32_t dcr)
{
    uint32_t n = ((dcr & LAPIC_DCR_HIGH_BIT) >> 1) | (dcr & LAPIC_DCR_LOW_BITS);
    return n == LAPIC_DCR_DIVIDE_ONE ? 1u : 2ull << n;
}

/* TSC ticks per decrement of the current count. */
static uint64_t timer_tick(const struct local_apic *apic)
{
    return apic->config.tsc_per_apic_tick * timer_divisor(apic->timer_dcr);
}

static uint64_t timer_period(const struct local_apic *apic)
{
    return (uint64_t)apic->timer_initial * timer_tick(apic);
}

/* TSC ticks since the count was loaded; a `now` before that (a caller's stale clock) counts
 * as no time at all. */
static uint64_t timer_elapsed(const struct local_apic *apic, uint64_t now)
{
    uint64_t elapsed = now - apic->timer_start;
    return (int64_t)elapsed < 0 ? 0 : elapsed;
}

/* The LVT timer fires: delivered if unmasked (a software-disabled APIC has it masked);
 * timer interrupts are edge-triggered ("Local Vector Table"). */
static void timer_fire(struct local_apic *apic)
{
    uint32_t lvt = apic->lvt[LAPIC_LVT_TIMER];
    if (!(lvt & LAPIC_LVT_MASKED))
        raise_vector(apic, (uint8_t)(lvt & LAPIC_LVT_VECTOR), false);
}

/* Process the expiries up to `now`. Periodic mode reloads at the expiry it is due, not at
 * `now`, so late updates do not drift the period; several missed periods coalesce into one
 * IRR bit, as an IRR bit does on hardware. */
static void timer_advance(struct local_apic *apic, uint64_t now)
{
    if (!globally_enabled(apic))
        return;
    if (deadline_mode(apic)) {
        if (apic->tsc_deadline != 0 && now >= apic->tsc_deadline) {
            apic->tsc_deadline = 0; /* the MSR clears when the timer fires */
            timer_fire(apic);
        }
        return;
    }
    if (!apic->timer_running)
        return;
    uint64_t period = timer_period(apic);
    uint64_t elapsed = timer_elapsed(apic, now);
    if (elapsed < period)
        return;
    if (timer_mode(apic) == LAPIC_LVT_TIMER_PERIODIC)
        apic->timer_start += elapsed / period * period;
    else
        apic->timer_running = false; /* one-shot: the count stays at 0 */
    timer_fire(apic);
}

void local_apic_update(struct local_apic *apic, uint64_t now) { timer_advance(apic, now); }

uint64_t local_apic_next_deadline(const struct local_apic *apic)
{
    if (!globally_enabled(apic) || (apic->lvt[LAPIC_LVT_TIMER] & LAPIC_LVT_MASKED))
        return LAPIC_NO_DEADLINE;
    if (deadline_mode(apic))
        return apic->tsc_deadline != 0 ? apic->tsc_deadline : LAPIC_NO_DEADLINE;
    if (!apic->timer_running)
        return LAPIC_NO_DEADLINE;
    return apic->timer_start + timer_period(apic);
}

/* The current count: the initial count minus the ticks elapsed in this period; 0 when
 * stopped, after a one-shot expiry, and always in TSC-deadline mode. */
static uint32_t timer_current(const struct local_apic *apic, uint64_t now)
{
    if (deadline_mode(apic) || !apic->timer_running)
        return 0;
    uint64_t period = timer_period(apic);
    uint64_t elapsed = timer_elapsed(apic, now);
    if (elapsed >= period) {
        if (timer_mode(apic) != LAPIC_LVT_TIMER_PERIODIC)
            return 0;
        elapsed %= period;
    }
    return apic->timer_initial - (uint32_t)(elapsed / timer_tick(apic));
}

/* Writing the initial count starts counting from it; 0 stops the timer. Ignored in
 * TSC-deadline mode. */
static void write_initial_count(struct local_apic *apic, uint32_t value, uint64_t now)
{
    if (deadline_mode(apic))
        return;
    apic->timer_initial = value;
    apic->timer_running = value != 0;
    apic->timer_start = now;
}

/* A new divider applies from now on: the count keeps its current value and goes on at the
 * new rate (the SDM leaves the in-flight behaviour open; this is the least surprising). */
static void write_divide(struct local_apic *apic, uint32_t value, uint64_t now)
{
    uint32_t current = timer_current(apic, now);
    apic->timer_dcr = value & LAPIC_DCR_WRITABLE;
    if (apic->timer_running)
        apic->timer_start = now - (uint64_t)(apic->timer_initial - current) * timer_tick(apic);
}

/* "TSC-Deadline Mode": switching between it and the other modes disarms the timer. Bit 18
 * is reserved without the CPUID flag. The reserved mode 11b is kept and counts one-shot. */
static void write_lvt_timer(struct local_apic *apic, uint32_t value)
{
    uint32_t writable = lvt_writable[LAPIC_LVT_TIMER];
    if (apic->config.tsc_deadline)
        writable |= LAPIC_LVT_TIMER_DEADLINE;
    bool was_deadline = deadline_mode(apic);
    apic->lvt[LAPIC_LVT_TIMER] = value & writable;
    if (was_deadline != deadline_mode(apic)) {
        apic->timer_running = false;
        apic->tsc_deadline = 0;
    }
}

bool local_apic_read_tsc_deadline(struct local_apic *apic, uint64_t now, uint64_t *value)
{
    if (!apic->config.tsc_deadline)
        return false;
    timer_advance(apic, now);
    *value = deadline_mode(apic) ? apic->tsc_deadline : 0;
    return true;
}

/* A deadline at or before `now` fires at once; 0 disarms. */
bool local_apic_write_tsc_deadline(struct local_apic *apic, uint64_t value, uint64_t now)
{
    if (!apic->config.tsc_deadline)
        return false;
    timer_advance(apic, now);
    if (!deadline_mode(apic) || !globally_enabled(apic))
        return true;
    apic->tsc_deadline = value;
    timer_advance(apic, now);
    return true;
}

/* ---- IPIs ("Interrupt Command Register (ICR)", "Determining IPI Destination") --------- */

/* Whether this APIC is among the destinations of a no-shorthand IPI. */
static bool ipi_targets_self(const struct local_apic *apic, uint32_t icr_low, uint8_t dest)
{
    if (dest == LAPIC_BROADCAST_ID)
        return true;
    if (!(icr_low & LAPIC_ICR_LOGICAL))
        return dest == apic->config.apic_id; /* "Physical Destination Mode" */
    uint8_t logical = (uint8_t)(apic->ldr >> LAPIC_LOGICAL_SHIFT); /* "Logical ... Mode" */
    if ((apic->dfr & LAPIC_DFR_MODEL) == LAPIC_DFR_FLAT)
        return (dest & logical) != 0;
    return (dest >> LAPIC_CLUSTER_SHIFT) == (logical >> LAPIC_CLUSTER_SHIFT) &&
           (dest & logical & LAPIC_MEMBER_MASK) != 0;
}

/* The IPI as this APIC receives it from itself. */
static void ipi_to_self(struct local_apic *apic, uint32_t icr_low,
                        struct lapic_effects *effects)
{
    uint8_t vector = (uint8_t)(icr_low & LAPIC_ICR_VECTOR);
    switch (icr_low & LAPIC_LVT_DELIVERY_MASK) {
    case LAPIC_DELIVERY_FIXED:
        if (software_enabled(apic))
            raise_vector(apic, vector, false);
        break;
    case LAPIC_DELIVERY_NMI: effects->events |= LAPIC_EVENT_NMI; break;
    case LAPIC_DELIVERY_SMI: effects->events |= LAPIC_EVENT_SMI; break;
    case LAPIC_DELIVERY_INIT:
        /* INIT level de-assert (level 0, level-triggered) is a no-op since Pentium 4. */
        if ((icr_low & LAPIC_ICR_LEVEL_ASSERT) || !(icr_low & LAPIC_ICR_TRIGGER_LEVEL))
            effects->events |= LAPIC_EVENT_INIT;
        break;
    default: break; /* SIPI (not waiting for one) and the reserved modes: dropped */
    }
}

/* Writing ICR low sends the IPI at once; delivery status then reads idle. */
static void send_ipi(struct local_apic *apic, struct lapic_effects *effects)
{
    uint32_t icr = apic->icr_low;
    uint32_t mode = icr & LAPIC_LVT_DELIVERY_MASK;
    if (mode == LAPIC_DELIVERY_LOWEST) {
        report_error(apic, LAPIC_ESR_REDIRECTABLE_IPI);
        return;
    }
    if (mode == LAPIC_DELIVERY_FIXED && (icr & LAPIC_ICR_VECTOR) < LAPIC_FIRST_VALID)
        report_error(apic, LAPIC_ESR_SEND_ILLEGAL);

    uint8_t dest = (uint8_t)(apic->icr_high >> LAPIC_ICR_DEST_SHIFT);
    uint32_t shorthand = icr & LAPIC_ICR_SHORTHAND_MASK;
    bool to_self =
        shorthand == LAPIC_ICR_SHORTHAND_SELF || shorthand == LAPIC_ICR_SHORTHAND_ALL;
    bool to_others =
        shorthand == LAPIC_ICR_SHORTHAND_ALL || shorthand == LAPIC_ICR_SHORTHAND_OTHER;
    if (shorthand == LAPIC_ICR_SHORTHAND_NONE) {
        to_self = ipi_targets_self(apic, icr, dest);
        to_others = !to_self || dest == LAPIC_BROADCAST_ID;
    }
    if (to_self)
        ipi_to_self(apic, icr, effects);
    if (to_others)
        apic->ipis_dropped++; /* no other CPU exists to accept it */
}

/* ---- register page ("Local APIC Register Address Map") ------------------------------- */

static bool in_bank(uint32_t reg, uint32_t bank)
{
    return reg >= bank && reg < bank + VECTOR_BANK_BYTES;
}

static unsigned bank_word(uint32_t reg, uint32_t bank)
{
    return (reg - bank) / LAPIC_REG_STRIDE;
}

static bool is_lvt(uint32_t reg)
{
    return reg >= LAPIC_REG_LVT_TIMER && reg <= LAPIC_REG_LVT_ERROR;
}

static enum lapic_lvt lvt_index(uint32_t reg)
{
    return (enum lapic_lvt)((reg - LAPIC_REG_LVT_TIMER) / LAPIC_REG_STRIDE);
}

/* The register at the 16-byte-aligned `reg`; false for a reserved address. */
static bool read_register(struct local_apic *apic, uint32_t reg, uint64_t now, uint32_t *value)
{
    if (in_bank(reg, LAPIC_REG_ISR))
        *value = apic->isr[bank_word(reg, LAPIC_REG_ISR)];
    else if (in_bank(reg, LAPIC_REG_TMR))
        *value = apic->tmr[bank_word(reg, LAPIC_REG_TMR)];
    else if (in_bank(reg, LAPIC_REG_IRR))
        *value = apic->irr[bank_word(reg, LAPIC_REG_IRR)];
    else if (is_lvt(reg))
        *value = apic->lvt[lvt_index(reg)];
    else {
        switch (reg) {
        case LAPIC_REG_ID: *value = apic_id_register(apic); break;
        case LAPIC_REG_VERSION: *value = VERSION_VALUE; break;
        case LAPIC_REG_TPR: *value = apic->tpr; break;
        case LAPIC_REG_APR: *value = 0; break;
        case LAPIC_REG_PPR: *value = local_apic_ppr(apic); break;
        case LAPIC_REG_EOI: *value = 0; break; /* write-only */
        case LAPIC_REG_RRD: *value = 0; break;
        case LAPIC_REG_LDR: *value = apic->ldr; break;
        case LAPIC_REG_DFR: *value = apic->dfr; break;
        case LAPIC_REG_SVR: *value = apic->svr; break;
        case LAPIC_REG_ESR: *value = apic->esr; break;
        case LAPIC_REG_ICR_LOW: *value = apic->icr_low; break;
        case LAPIC_REG_ICR_HIGH: *value = apic->icr_high; break;
        case LAPIC_REG_TIMER_INIT: *value = apic->timer_initial; break;
        case LAPIC_REG_TIMER_CUR: *value = timer_current(apic, now); break;
        case LAPIC_REG_TIMER_DCR: *value = apic->timer_dcr; break;
        default: return false;
        }
    }
    return true;
}

/* Reads answer any 1-, 2- or 4-byte access inside the page: bytes 0-3 of a slot are the
 * register's, bytes 4-15 read 0 (the SDM only defines aligned 32-bit accesses; some CPUs
 * answer narrower reads, "Local APIC Register Address Map"). A reserved slot reads 0 and
 * logs "Illegal Register Address". */
enum lapic_status local_apic_read(struct local_apic *apic, uint32_t offset, unsigned size,
                                  uint64_t now, uint32_t *value)
{
    *value = LAPIC_FLOATING_READ;
    if (!globally_enabled(apic))
        return LAPIC_NOT_APIC;
    if ((size != 1 && size != 2 && size != LAPIC_REG_WIDTH) || offset >= LAPIC_PAGE_SIZE ||
        offset + size > LAPIC_PAGE_SIZE)
        return LAPIC_IGNORED;
    timer_advance(apic, now);
    uint32_t reg = offset & ~SLOT_MASK, byte = offset & SLOT_MASK, bits = 0;
    if (!read_register(apic, reg, now, &bits)) {
        report_error(apic, LAPIC_ESR_ILLEGAL_REG);
        bits = 0;
    }
    uint64_t slot = byte < LAPIC_REG_WIDTH ? (uint64_t)bits >> (byte * BYTE_BITS) : 0;
    uint64_t size_mask = (1ull << (size * BYTE_BITS)) - 1u;
    *value = (uint32_t)(slot & size_mask);
    return LAPIC_OK;
}

/* A 4-byte write at a slot's start to the register there. Writes to read-only registers
 * (ID, version, APR, PPR, RRD, ISR, TMR, IRR, current count) are ignored; reserved slots
 * log "Illegal Register Address". */
static void write_register(struct local_apic *apic, uint32_t reg, uint32_t value, uint64_t now,
                           struct lapic_effects *effects)
{
    if (in_bank(reg, LAPIC_REG_ISR) || in_bank(reg, LAPIC_REG_TMR) ||
        in_bank(reg, LAPIC_REG_IRR))
        return;
    if (is_lvt(reg)) {
        enum lapic_lvt lvt = lvt_index(reg);
        if (lvt == LAPIC_LVT_TIMER)
            write_lvt_timer(apic, value);
        else
            apic->lvt[lvt] = value & lvt_writable[lvt];
        /* Software-disabled: "attempts to reset these [mask] bits will be ignored". */
        if (!software_enabled(apic))
            apic->lvt[lvt] |= LAPIC_LVT_MASKED;
        return;
    }
    switch (reg) {
    case LAPIC_REG_ID:
    case LAPIC_REG_VERSION:
    case LAPIC_REG_APR:
    case LAPIC_REG_PPR:
    case LAPIC_REG_RRD:
    case LAPIC_REG_TIMER_CUR: break;
    case LAPIC_REG_TPR: apic->tpr = value & LAPIC_TPR_MASK; break;
    case LAPIC_REG_EOI: write_eoi(apic, effects); break;
    case LAPIC_REG_LDR: apic->ldr = value & LAPIC_LDR_MASK; break;
    case LAPIC_REG_DFR: apic->dfr = (value & LAPIC_DFR_MODEL) | LAPIC_DFR_RESERVED; break;
    case LAPIC_REG_SVR:
        apic->svr = value & LAPIC_SVR_WRITABLE;
        /* "Local APIC State After It Has Been Software Disabled": every LVT masked. */
        if (!software_enabled(apic))
            for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
                apic->lvt[i] |= LAPIC_LVT_MASKED;
        break;
    case LAPIC_REG_ESR:
        /* The write latches the errors seen since the last one and rearms the interrupt. */
        apic->esr = apic->esr_errors;
        apic->esr_errors = 0;
        apic->error_armed = true;
        break;
    case LAPIC_REG_ICR_LOW:
        apic->icr_low = value & LAPIC_ICR_LOW_WRITABLE;
        send_ipi(apic, effects);
        break;
    case LAPIC_REG_ICR_HIGH: apic->icr_high = value & LAPIC_ICR_HIGH_WRITABLE; break;
    case LAPIC_REG_TIMER_INIT: write_initial_count(apic, value, now); break;
    case LAPIC_REG_TIMER_DCR: write_divide(apic, value, now); break;
    default: report_error(apic, LAPIC_ESR_ILLEGAL_REG); break;
    }
}

enum lapic_status local_apic_write(struct local_apic *apic, uint32_t offset, unsigned size,
                                   uint32_t value, uint64_t now, struct lapic_effects *effects)
{
    struct lapic_effects ignored;
    if (!effects)
        effects = &ignored;
    *effects = (struct lapic_effects){.level_eoi_vector = LAPIC_NO_VECTOR};
    if (!globally_enabled(apic))
        return LAPIC_NOT_APIC;
    if (size != LAPIC_REG_WIDTH || offset >= LAPIC_PAGE_SIZE || (offset & SLOT_MASK))
        return LAPIC_IGNORED;
    /* Expiries before the write happen under the old settings. */
    timer_advance(apic, now);
    write_register(apic, offset, value, now, effects);
    /* A new deadline, count or unmasking may be due at once. */
    timer_advance(apic, now);
    return LAPIC_OK;
}
