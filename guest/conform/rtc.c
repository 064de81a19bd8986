/*
 * rtc.c - the PC's real-time clock as a guest meets it (hypervisor/devices/cmos_rtc.c
 * under hvlab, the emulator's own bare): register D says the clock is valid, the time
 * reads as a date, and it moves on.
 *
 * Reads follow the datasheet's safe way, the one Linux uses: wait while register A's UIP
 * is set, then read; UIP clear promises no update for 244 us, far longer than a read.
 * See: Motorola MC146818A datasheet, "Update Cycle", "Register A", "Register D".
 */
#include "conform.h"
#include "io.h"

#define CMOS_INDEX_PORT 0x70
#define CMOS_DATA_PORT  0x71
#define CMOS_NMI_OFF    0x80 /* port 0x70 bit 7: NMI disabled while we use the index */
#define RTC_SECONDS     0x00
#define RTC_MONTH       0x08
#define RTC_REG_A       0x0A
#define RTC_REG_B       0x0B
#define RTC_REG_D       0x0D
#define RTC_A_UIP       0x80
#define RTC_B_DM        0x04 /* binary, else BCD */
#define RTC_D_VRT       0x80
#define RTC_D_UNUSED    0x7F /* read as 0 */
#define UIP_WAIT_MS     10   /* UIP lasts 2228 us at most */
#define TICK_WAIT_MS    1500 /* a second, and some */
#define BCD_DIGIT       10u
#define BCD_LOW_MASK    0x0F
#define BCD_HIGH_SHIFT  4
#define SECONDS_MAX     59
#define MONTH_MAX       12

static uint8_t rtc_read(uint8_t reg)
{
    outb(CMOS_INDEX_PORT, CMOS_NMI_OFF | reg);
    return inb(CMOS_DATA_PORT);
}

/* Wait until UIP is clear; false if it stays set for UIP_WAIT_MS. The deadline is taken
 * before each read, so a read made after it decides: a VM descheduled past the deadline
 * (another VM's slice) still looks once more instead of failing on an old reading. */
static bool rtc_wait_uip_clear(void)
{
    uint64_t deadline = clock_deadline(UIP_WAIT_MS);
    for (;;) {
        bool expired = clock_expired(deadline);
        if (!(rtc_read(RTC_REG_A) & RTC_A_UIP))
            return true;
        if (expired)
            return false;
    }
}

static unsigned rtc_decode(uint8_t value, bool binary)
{
    return binary ? value : (value >> BCD_HIGH_SHIFT) * BCD_DIGIT + (value & BCD_LOW_MASK);
}

/* Register D reads VRT and nothing else; the seconds and month are in range; and within
 * 1.5 s the seconds move on (each read after UIP has cleared). */
enum tap_outcome check_rtc_ticks(void)
{
    uint8_t d = rtc_read(RTC_REG_D);
    if ((d & RTC_D_VRT) == 0 || (d & RTC_D_UNUSED) != 0)
        return tap_fail("register D = 0x%02x, expected 0x80 (VRT)", d);
    bool binary = (rtc_read(RTC_REG_B) & RTC_B_DM) != 0;
    if (!rtc_wait_uip_clear())
        return tap_fail("register A's UIP stayed set for %u ms", UIP_WAIT_MS);
    unsigned first = rtc_decode(rtc_read(RTC_SECONDS), binary);
    unsigned month = rtc_decode(rtc_read(RTC_MONTH), binary);
    if (first > SECONDS_MAX || month < 1 || month > MONTH_MAX)
        return tap_fail("seconds %u, month %u: not a time", first, month);
    uint64_t deadline = clock_deadline(TICK_WAIT_MS);
    for (;;) {
        if (!rtc_wait_uip_clear())
            return tap_fail("register A's UIP stayed set for %u ms", UIP_WAIT_MS);
        unsigned now = rtc_decode(rtc_read(RTC_SECONDS), binary);
        if (now != first)
            return TAP_PASS;
        if (clock_expired(deadline))
            return tap_fail("seconds stayed %u for %u ms", first, TICK_WAIT_MS);
    }
}
