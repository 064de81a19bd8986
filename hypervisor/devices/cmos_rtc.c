/*
 * cmos_rtc.c - the MC146818A real-time clock as pure state over a clock passed in
 * (cmos_rtc.h).
 *
 * The divider chain is described by when it left reset (divider_start); everything else
 * follows from the time since then, computed when someone looks (a port access, or the
 * platform asking for the IRQ line before a VM entry):
 *
 *   periodic taps   every 2^(RS-1) cycles of 32.768 kHz (RS 1, 2: 2^7, 2^8), from
 *                   divider_start; each tap sets PF
 *   update cycles   one a second, the first 0.5 s after divider_start:
 *
 *        UIP  ___|=======================|_______________  ...one second later again
 *                 <-244 us-><--1984 us-->
 *                           ^next_update ^ time + 1 s, alarm compared, UF (and AF) set
 *
 * The clock bytes change at the end of the update cycle, so a guest that reads them while
 * UIP is clear always sees one consistent time (the datasheet's promise: UIP clear means no
 * update for at least 244 us). With SET held, update cycles do not happen (the divider goes
 * on counting, periodic taps too).
 *
 * Simplifications (behaviours no PC guest depends on):
 * - Only the 32.768 kHz time base (DV = 010) runs the clock; every other DV value stops it
 *   like the divider reset (11x) does, and leaving that state restarts the divider.
 * - Garbage in the clock bytes (a BCD nibble above 9, minute 75) is counted on from what it
 *   decodes to, not as the chip's counters would.
 * - The century byte (0x32, plain RAM on the chip) is carried into when the year wraps
 *   99 -> 00, in the data mode of register B, so the date stays right past 2099.
 * - Leap years are the datasheet's: a two-digit year divisible by 4 (right 1901-2099).
 * See: Motorola MC146818A datasheet, "Update Cycle", "Interrupts", "Register A" to
 * "Register D", "Daylight Savings Enable".
 */
#include "hypervisor/devices/cmos_rtc.h"

#include "hypervisor/muldiv.h"

#define PORT_INDEX_READ   0xFFu /* port 0x70 is write only on the PC: the bus floats */
#define SECONDS_PER_MIN   60u
#define MINUTES_PER_HOUR  60u
#define HOURS_PER_DAY     24u
#define HOURS_PER_HALF    12u
#define DAYS_PER_WEEK     7u
#define DAYS_PER_YEAR     365u /* common year; the leap days are counted apart */
#define MONTHS_PER_YEAR   12u
#define YEARS_PER_CENTURY 100u
#define SECONDS_PER_DAY   86400u
#define SUNDAY            1u /* day-of-week register: 1-7, Sunday first */
#define FEBRUARY          2u
#define APRIL             4u
#define OCTOBER           10u
#define LAST_WEEK_APRIL   24u /* a Sunday on or after the 24th is April's last */
#define LAST_WEEK_OCTOBER 25u
#define DST_HOUR          1u /* the daylight savings changes happen at 1:59:59 AM */
#define BCD_DIGIT         10u
#define NIBBLE_BITS       4u
#define NIBBLE_MASK       0x0Fu
#define RS_256HZ_CYCLES   128u /* RS = 0001 and 0010 on the 32.768 kHz time base */
#define RS_128HZ_CYCLES   256u
#define REG_C_FLAGS       (CMOS_C_PF | CMOS_C_AF | CMOS_C_UF)
#define REG_D_READ        CMOS_D_VRT /* bits 6-0 read 0, VRT 1 (the battery is good) */
#define KIB               1024ull
#define BASE_MEM_KB       640u
#define MIB               (1024ull * 1024ull)
#define HIGH_MEM_START    (16ull * MIB)
#define HIGH_MEM_UNIT     (64ull * KIB)
#define FOUR_GIB          (4096ull * MIB)
#define WORD_MAX          0xFFFFu
#define BYTE_BITS         8u
#define BYTE_MASK         0xFFu

/* The clock registers decoded: hour 0-23, year 0-99. */
struct clock_fields {
    unsigned second, minute, hour, day_of_week, day, month, year, century;
};

/* ---- formats: BCD or binary, 12- or 24-hour (register B's DM and 24/12) ---------------- */

static bool binary_mode(const struct cmos_rtc *rtc)
{
    return (rtc->ram[CMOS_REG_B] & CMOS_B_DM) != 0;
}

static unsigned decode(const struct cmos_rtc *rtc, uint8_t value)
{
    if (binary_mode(rtc))
        return value;
    return (value >> NIBBLE_BITS) * BCD_DIGIT + (value & NIBBLE_MASK);
}

static uint8_t encode(const struct cmos_rtc *rtc, unsigned value)
{
    if (binary_mode(rtc))
        return (uint8_t)value;
    return (uint8_t)(((value / BCD_DIGIT) << NIBBLE_BITS) | (value % BCD_DIGIT));
}

/* 12-hour mode: 12 AM is midnight, 12 PM noon; bit 7 says PM. */
static unsigned decode_hour(const struct cmos_rtc *rtc, uint8_t value)
{
    if (rtc->ram[CMOS_REG_B] & CMOS_B_24H)
        return decode(rtc, value);
    unsigned hour = decode(rtc, value & (uint8_t)~CMOS_HOUR_PM) % HOURS_PER_HALF;
    return value & CMOS_HOUR_PM ? hour + HOURS_PER_HALF : hour;
}

static uint8_t encode_hour(const struct cmos_rtc *rtc, unsigned hour)
{
    if (rtc->ram[CMOS_REG_B] & CMOS_B_24H)
        return encode(rtc, hour);
    unsigned half = hour % HOURS_PER_HALF;
    uint8_t value = encode(rtc, half ? half : HOURS_PER_HALF);
    return hour >= HOURS_PER_HALF ? value | CMOS_HOUR_PM : value;
}

static struct clock_fields read_fields(const struct cmos_rtc *rtc)
{
    const uint8_t *r = rtc->ram;
    return (struct clock_fields){
        .second = decode(rtc, r[CMOS_SECONDS]),
        .minute = decode(rtc, r[CMOS_MINUTES]),
        .hour = decode_hour(rtc, r[CMOS_HOURS]),
        .day_of_week = decode(rtc, r[CMOS_DAY_OF_WEEK]),
        .day = decode(rtc, r[CMOS_DAY_OF_MONTH]),
        .month = decode(rtc, r[CMOS_MONTH]),
        .year = decode(rtc, r[CMOS_YEAR]),
        .century = decode(rtc, r[CMOS_CENTURY]),
    };
}

static void write_fields(struct cmos_rtc *rtc, const struct clock_fields *f)
{
    uint8_t *r = rtc->ram;
    r[CMOS_SECONDS] = encode(rtc, f->second);
    r[CMOS_MINUTES] = encode(rtc, f->minute);
    r[CMOS_HOURS] = encode_hour(rtc, f->hour);
    r[CMOS_DAY_OF_WEEK] = encode(rtc, f->day_of_week);
    r[CMOS_DAY_OF_MONTH] = encode(rtc, f->day);
    r[CMOS_MONTH] = encode(rtc, f->month);
    r[CMOS_YEAR] = encode(rtc, f->year);
    r[CMOS_CENTURY] = encode(rtc, f->century);
}

/* ---- the calendar ------------------------------------------------------------------------ */

static bool gregorian_leap(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days in `month` (1-12); a month out of range counts as 31 days. */
static unsigned days_in_month(unsigned month, bool leap)
{
    static const uint8_t days[MONTHS_PER_YEAR] = {31, 28, 31, 30, 31, 30,
                                                  31, 31, 30, 31, 30, 31};
    if (month < 1 || month > MONTHS_PER_YEAR)
        return days[0];
    return month == FEBRUARY && leap ? days[month - 1] + 1u : days[month - 1];
}

/* Day of the week (1 = Sunday) of a Gregorian date, from the days since 0001-01-01 (a
 * Monday in the proleptic Gregorian calendar). */
static unsigned day_of_week(unsigned year, unsigned month, unsigned day)
{
    enum { EPOCH_DAY_OF_WEEK = 2 }; /* Monday */
    uint64_t before = year ? year - 1u : 0;
    uint64_t days = before * DAYS_PER_YEAR + before / 4 - before / 100 + before / 400;
    for (unsigned m = 1; m < month && m <= MONTHS_PER_YEAR; m++)
        days += days_in_month(m, gregorian_leap(year));
    days += day ? day - 1u : 0;
    return (unsigned)((days + EPOCH_DAY_OF_WEEK - 1) % DAYS_PER_WEEK) + 1;
}

/* The next day: day of week, date, month, year and century roll over together. */
static void next_day(struct clock_fields *f)
{
    f->day_of_week = f->day_of_week % DAYS_PER_WEEK + 1;
    bool leap = f->year % 4 == 0; /* the chip's rule: see the file comment */
    if (++f->day <= days_in_month(f->month, leap))
        return;
    f->day = 1;
    if (++f->month <= MONTHS_PER_YEAR)
        return;
    f->month = 1;
    if (++f->year < YEARS_PER_CENTURY)
        return;
    f->year = 0;
    f->century++;
}

/* The datasheet's daylight savings rules (DSE): on the last Sunday in April 1:59:59 AM
 * becomes 3:00:00 AM; on the last Sunday in October it becomes 1:00:00 AM, the first time
 * only. Returns true when it took care of this second. */
static bool daylight_savings_step(struct cmos_rtc *rtc, struct clock_fields *f)
{
    bool last_sunday =
        f->day_of_week == SUNDAY && ((f->month == APRIL && f->day >= LAST_WEEK_APRIL) ||
                                     (f->month == OCTOBER && f->day >= LAST_WEEK_OCTOBER));
    if (!(rtc->ram[CMOS_REG_B] & CMOS_B_DSE) || !last_sunday || f->hour != DST_HOUR ||
        f->minute != MINUTES_PER_HOUR - 1 || f->second != SECONDS_PER_MIN - 1)
        return false;
    if (f->month == OCTOBER && rtc->dst_fell_back) {
        rtc->dst_fell_back = false; /* the second time through 1:59:59: on to 2:00:00 */
        return false;
    }
    rtc->dst_fell_back = f->month == OCTOBER;
    f->hour = f->month == APRIL ? DST_HOUR + 2 : DST_HOUR;
    f->minute = f->second = 0;
    return true;
}

static void next_second(struct cmos_rtc *rtc, struct clock_fields *f)
{
    if (daylight_savings_step(rtc, f))
        return;
    if (++f->second < SECONDS_PER_MIN)
        return;
    f->second = 0;
    if (++f->minute < MINUTES_PER_HOUR)
        return;
    f->minute = 0;
    if (++f->hour < HOURS_PER_DAY)
        return;
    f->hour = 0;
    next_day(f);
}

/* ---- the divider chain: update cycles and periodic taps ---------------------------------- */

static bool divider_running(const struct cmos_rtc *rtc)
{
    return (rtc->ram[CMOS_REG_A] & CMOS_A_DV_MASK) == CMOS_A_DV_32KHZ;
}

static bool updates_stopped(const struct cmos_rtc *rtc)
{
    return (rtc->ram[CMOS_REG_B] & CMOS_B_SET) != 0;
}

/* 32.768 kHz cycles between periodic taps, or 0 for RS = 0000 (no periodic interrupt). */
static uint64_t periodic_cycles(const struct cmos_rtc *rtc)
{
    unsigned rs = rtc->ram[CMOS_REG_A] & CMOS_A_RS_MASK;
    if (rs == 0)
        return 0;
    if (rs == 1)
        return RS_256HZ_CYCLES;
    if (rs == 2)
        return RS_128HZ_CYCLES;
    return 1ull << (rs - 1);
}

/* Periodic taps since the divider left reset, at `now`. */
static uint64_t periodic_taps(const struct cmos_rtc *rtc, uint64_t now)
{
    uint64_t cycles = periodic_cycles(rtc);
    if (!cycles || now < rtc->divider_start)
        return 0;
    return muldiv_floor(now - rtc->divider_start, CMOS_TIME_BASE_HZ, CMOS_NS_PER_S) / cycles;
}

/* The time of periodic tap number `tap`: the first nanosecond at which it has happened. */
static uint64_t periodic_tap_time(const struct cmos_rtc *rtc, uint64_t tap)
{
    uint64_t cycles = tap * periodic_cycles(rtc);
    uint64_t whole = cycles / CMOS_TIME_BASE_HZ, rest = cycles % CMOS_TIME_BASE_HZ;
    return rtc->divider_start + whole * CMOS_NS_PER_S +
           (rest * CMOS_NS_PER_S + CMOS_TIME_BASE_HZ - 1) / CMOS_TIME_BASE_HZ;
}

static bool alarm_matches(uint8_t alarm, uint8_t value)
{
    return (alarm & CMOS_ALARM_ANY) == CMOS_ALARM_ANY || alarm == value;
}

/* The end of one update cycle: one second more, the alarm compared, UF set. */
static void finish_update(struct cmos_rtc *rtc)
{
    struct clock_fields f = read_fields(rtc);
    next_second(rtc, &f);
    write_fields(rtc, &f);
    uint8_t *r = rtc->ram;
    r[CMOS_REG_C] |= CMOS_C_UF;
    if (alarm_matches(r[CMOS_SECONDS_ALARM], r[CMOS_SECONDS]) &&
        alarm_matches(r[CMOS_MINUTES_ALARM], r[CMOS_MINUTES]) &&
        alarm_matches(r[CMOS_HOURS_ALARM], r[CMOS_HOURS]))
        r[CMOS_REG_C] |= CMOS_C_AF;
}

/* Everything the divider did up to `now` (time never runs backwards: an earlier `now` is
 * taken as the latest seen). */
static void advance(struct cmos_rtc *rtc, uint64_t now)
{
    if (now < rtc->now)
        now = rtc->now;
    rtc->now = now;
    if (!divider_running(rtc))
        return;
    uint64_t taps = periodic_taps(rtc, now);
    if (taps > rtc->periodic_seen) {
        rtc->ram[CMOS_REG_C] |= CMOS_C_PF;
        rtc->periodic_seen = taps;
    }
    if (now < rtc->next_update + CMOS_UPDATE_NS)
        return;
    if (updates_stopped(rtc)) { /* SET: the cycles pass without updating anything */
        uint64_t missed = (now - rtc->next_update - CMOS_UPDATE_NS) / CMOS_NS_PER_S + 1;
        rtc->next_update += missed * CMOS_NS_PER_S;
        return;
    }
    while (now >= rtc->next_update + CMOS_UPDATE_NS) {
        finish_update(rtc);
        rtc->next_update += CMOS_NS_PER_S;
    }
}

static bool update_in_progress(const struct cmos_rtc *rtc)
{
    return divider_running(rtc) && !updates_stopped(rtc) &&
           rtc->now + CMOS_UIP_LEAD_NS >= rtc->next_update; /* and before its end: advance */
}

static uint8_t irq_flag(const struct cmos_rtc *rtc)
{
    uint8_t c = rtc->ram[CMOS_REG_C], b = rtc->ram[CMOS_REG_B];
    bool irq = ((c & CMOS_C_PF) && (b & CMOS_B_PIE)) || ((c & CMOS_C_AF) && (b & CMOS_B_AIE)) ||
               ((c & CMOS_C_UF) && (b & CMOS_B_UIE));
    return irq ? CMOS_C_IRQF : 0;
}

/* ---- registers ----------------------------------------------------------------------------- */

/* A new time base or rate: leaving divider reset restarts the chain (first update 0.5 s
 * later); a new rate counts its taps from here on, without a tap for the change itself. */
static void write_reg_a(struct cmos_rtc *rtc, uint8_t value, uint64_t now)
{
    bool was_running = divider_running(rtc);
    rtc->ram[CMOS_REG_A] = value & CMOS_A_WRITABLE;
    if (!divider_running(rtc))
        return;
    if (!was_running) {
        rtc->divider_start = now;
        rtc->next_update = now + CMOS_FIRST_UPDATE_NS;
    }
    rtc->periodic_seen = periodic_taps(rtc, now);
}

/* SET going high ends any update cycle in progress (UIP reads 0) and clears UIE. */
static void write_reg_b(struct cmos_rtc *rtc, uint8_t value)
{
    if (value & CMOS_B_SET)
        value &= (uint8_t)~CMOS_B_UIE;
    rtc->ram[CMOS_REG_B] = value;
}

static uint8_t read_register(struct cmos_rtc *rtc, uint8_t reg)
{
    uint8_t value;
    switch (reg) {
    case CMOS_REG_A: return rtc->ram[CMOS_REG_A] | (update_in_progress(rtc) ? CMOS_A_UIP : 0);
    case CMOS_REG_C: /* reading C clears its flags, and IRQ# goes inactive */
        value = rtc->ram[CMOS_REG_C] | irq_flag(rtc);
        rtc->ram[CMOS_REG_C] = 0;
        return value;
    case CMOS_REG_D: return REG_D_READ;
    default: return rtc->ram[reg];
    }
}

static void write_register(struct cmos_rtc *rtc, uint8_t reg, uint8_t value, uint64_t now)
{
    switch (reg) {
    case CMOS_REG_A: write_reg_a(rtc, value, now); break;
    case CMOS_REG_B: write_reg_b(rtc, value); break;
    case CMOS_REG_C: /* read only */
    case CMOS_REG_D: break;
    default: rtc->ram[reg] = value; break;
    }
}

/* ---- the interface ------------------------------------------------------------------------- */

void cmos_rtc_reset(struct cmos_rtc *rtc, const struct cmos_rtc_time *start, uint64_t now)
{
    *rtc = (struct cmos_rtc){.now = now, .divider_start = now};
    rtc->ram[CMOS_REG_A] = CMOS_A_DV_32KHZ | CMOS_A_RS_1024HZ;
    rtc->ram[CMOS_REG_B] = CMOS_B_24H;
    rtc->next_update = now + CMOS_NS_PER_S - CMOS_UPDATE_NS; /* the next second ends 1 s on */
    struct clock_fields f = {
        .second = start->second,
        .minute = start->minute,
        .hour = start->hour,
        .day_of_week = day_of_week(start->year, start->month, start->day),
        .day = start->day,
        .month = start->month,
        .year = start->year % YEARS_PER_CENTURY,
        .century = start->year / YEARS_PER_CENTURY,
    };
    write_fields(rtc, &f);
}

static void put_word(struct cmos_rtc *rtc, uint8_t lo, uint64_t value)
{
    if (value > WORD_MAX)
        value = WORD_MAX;
    rtc->ram[lo] = (uint8_t)(value & BYTE_MASK);
    rtc->ram[lo + 1] = (uint8_t)(value >> BYTE_BITS);
}

void cmos_rtc_set_memory_size(struct cmos_rtc *rtc, uint64_t ram_bytes)
{
    uint64_t extended_kb = ram_bytes > MIB ? (ram_bytes - MIB) / KIB : 0;
    uint64_t below_4g = ram_bytes < FOUR_GIB ? ram_bytes : FOUR_GIB;
    uint64_t high_blocks =
        below_4g > HIGH_MEM_START ? (below_4g - HIGH_MEM_START) / HIGH_MEM_UNIT : 0;
    put_word(rtc, CMOS_BASE_MEM_KB_LO, BASE_MEM_KB);
    put_word(rtc, CMOS_EXT_MEM_KB_LO, extended_kb);
    put_word(rtc, CMOS_EXT_MEM_POST_KB_LO, extended_kb);
    put_word(rtc, CMOS_HIGH_MEM_64K_LO, high_blocks);
}

uint8_t cmos_rtc_port_read(struct cmos_rtc *rtc, uint16_t port, uint64_t now)
{
    if (port != CMOS_DATA_PORT)
        return PORT_INDEX_READ;
    advance(rtc, now);
    return read_register(rtc, rtc->index);
}

void cmos_rtc_port_write(struct cmos_rtc *rtc, uint16_t port, uint8_t value, uint64_t now)
{
    if (port == CMOS_INDEX_PORT) {
        rtc->index = value & CMOS_INDEX_MASK;
        rtc->nmi_masked = (value & CMOS_NMI_MASK) != 0;
        return;
    }
    if (port != CMOS_DATA_PORT)
        return;
    advance(rtc, now); /* the time so far passed under the old settings */
    write_register(rtc, rtc->index, value, now);
}

bool cmos_rtc_irq(struct cmos_rtc *rtc, uint64_t now)
{
    /* With no interrupt enabled IRQ 8 stays low, and the clock catches up at the next port
     * access: the exit path does no RTC work for a guest that only polls (or ignores) it. */
    if (!(rtc->ram[CMOS_REG_B] & (CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE)))
        return false;
    advance(rtc, now);
    return irq_flag(rtc) != 0;
}

uint64_t cmos_rtc_next_event(const struct cmos_rtc *rtc, uint64_t now)
{
    if (irq_flag(rtc) || !divider_running(rtc))
        return CMOS_RTC_NEVER;
    uint8_t b = rtc->ram[CMOS_REG_B];
    uint64_t next = CMOS_RTC_NEVER;
    if ((b & CMOS_B_PIE) && periodic_cycles(rtc)) {
        uint64_t seen = periodic_taps(rtc, now);
        if (seen < rtc->periodic_seen)
            seen = rtc->periodic_seen;
        next = periodic_tap_time(rtc, seen + 1);
    }
    if ((b & (CMOS_B_UIE | CMOS_B_AIE)) && !updates_stopped(rtc)) {
        uint64_t update = rtc->next_update + CMOS_UPDATE_NS;
        if (update <= now) /* not brought to `now` yet: the first one after it */
            update += ((now - update) / CMOS_NS_PER_S + 1) * CMOS_NS_PER_S;
        if (update < next)
            next = update;
    }
    return next;
}

struct cmos_rtc_time cmos_rtc_read_time(const struct cmos_rtc *rtc)
{
    struct clock_fields f = read_fields(rtc);
    return (struct cmos_rtc_time){
        .year = (uint16_t)(f.century * YEARS_PER_CENTURY + f.year),
        .month = (uint8_t)f.month,
        .day = (uint8_t)f.day,
        .hour = (uint8_t)f.hour,
        .minute = (uint8_t)f.minute,
        .second = (uint8_t)f.second,
    };
}

struct cmos_rtc_time cmos_rtc_time_add(struct cmos_rtc_time t, uint64_t seconds)
{
    uint64_t days = seconds / SECONDS_PER_DAY;
    unsigned rest = (unsigned)(seconds % SECONDS_PER_DAY);
    unsigned second = t.second + rest % SECONDS_PER_MIN;
    unsigned minute =
        t.minute + rest / SECONDS_PER_MIN % MINUTES_PER_HOUR + second / SECONDS_PER_MIN;
    unsigned hour =
        t.hour + rest / (SECONDS_PER_MIN * MINUTES_PER_HOUR) + minute / MINUTES_PER_HOUR;
    t.second = (uint8_t)(second % SECONDS_PER_MIN);
    t.minute = (uint8_t)(minute % MINUTES_PER_HOUR);
    t.hour = (uint8_t)(hour % HOURS_PER_DAY);
    days += hour / HOURS_PER_DAY;
    while (days--) {
        if (++t.day <= days_in_month(t.month, gregorian_leap(t.year)))
            continue;
        t.day = 1;
        if (++t.month > MONTHS_PER_YEAR) {
            t.month = 1;
            t.year++;
        }
    }
    return t;
}
