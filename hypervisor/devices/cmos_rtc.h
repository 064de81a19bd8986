/*
 * cmos_rtc.h - the PC's real-time clock and CMOS RAM, a Motorola MC146818A as a guest sees
 * it: an index port (0x70, bit 7 masks NMI) and a data port (0x71) onto 128 bytes.
 *
 *   0x00 seconds   0x01 seconds alarm   0x02 minutes   0x03 minutes alarm
 *   0x04 hours     0x05 hours alarm     0x06 day of week (1 = Sunday)
 *   0x07 date      0x08 month           0x09 year (00-99)
 *   0x0A register A: UIP DV2 DV1 DV0 RS3 RS2 RS1 RS0
 *   0x0B register B: SET PIE AIE UIE SQWE DM 24/12 DSE
 *   0x0C register C: IRQF PF AF UF 0 0 0 0          (read only; reading clears it)
 *   0x0D register D: VRT 0 0 0 0 0 0 0              (read only)
 *   0x0E-0x7F       battery-backed RAM; the PC BIOS keeps the memory sizes and the
 *                   century (0x32, the byte the ACPI FADT CENTURY field names) here
 *
 * The clock bytes hold the time in the format register B selects (BCD or binary, 12- or
 * 24-hour), and the chip counts in that format: a guest that changes DM or 24/12 must
 * write the time again, as the datasheet says.
 *
 * Time is an argument: `now` counts nanoseconds of guest time (vplatform_ns). The model
 * is pure state: it never reads a clock, and the interrupt line is asked for.
 * See: Motorola MC146818A datasheet, "Address Map", "Time, Calendar and Alarm Locations",
 * "Update Cycle", "Interrupts", "Register A" to "Register D".
 */
#ifndef HVLAB_DEVICES_CMOS_RTC_H
#define HVLAB_DEVICES_CMOS_RTC_H

#include <stdbool.h>
#include <stdint.h>

#define CMOS_INDEX_PORT 0x70u /* write: register number, bit 7 = NMI mask */
#define CMOS_DATA_PORT  0x71u
#define CMOS_PORT_COUNT 2u
#define CMOS_BYTES      128u
#define CMOS_INDEX_MASK 0x7Fu
#define CMOS_NMI_MASK   0x80u      /* the PC's glue, not the chip: set = NMI disabled */
#define CMOS_RTC_IRQ    8u         /* the PC wires the RTC's IRQ# to IRQ 8 (slave 8259A IR0) */
#define CMOS_RTC_NEVER  UINT64_MAX /* cmos_rtc_next_event(): nothing will raise IRQ 8 */

/* Register numbers. See: MC146818A datasheet, "Address Map". */
#define CMOS_SECONDS       0x00u
#define CMOS_SECONDS_ALARM 0x01u
#define CMOS_MINUTES       0x02u
#define CMOS_MINUTES_ALARM 0x03u
#define CMOS_HOURS         0x04u
#define CMOS_HOURS_ALARM   0x05u
#define CMOS_DAY_OF_WEEK   0x06u
#define CMOS_DAY_OF_MONTH  0x07u
#define CMOS_MONTH         0x08u
#define CMOS_YEAR          0x09u
#define CMOS_REG_A         0x0Au
#define CMOS_REG_B         0x0Bu
#define CMOS_REG_C         0x0Cu
#define CMOS_REG_D         0x0Du
#define CMOS_CENTURY       0x32u /* PC convention (IBM PC/AT BIOS), ACPI FADT CENTURY */

/* The PC BIOS's memory size bytes (IBM PC/AT Technical Reference, "CMOS RAM Address Map";
 * 0x34-0x35 is the Bochs/QEMU BIOS's), little endian. */
#define CMOS_BASE_MEM_KB_LO     0x15u /* conventional memory in KiB: 640 */
#define CMOS_BASE_MEM_KB_HI     0x16u
#define CMOS_EXT_MEM_KB_LO      0x17u /* KiB above 1 MiB, at most 0xFFFF */
#define CMOS_EXT_MEM_KB_HI      0x18u
#define CMOS_EXT_MEM_POST_KB_LO 0x30u /* the same, as POST found it */
#define CMOS_EXT_MEM_POST_KB_HI 0x31u
#define CMOS_HIGH_MEM_64K_LO    0x34u /* 64 KiB blocks above 16 MiB (below 4 GiB) */
#define CMOS_HIGH_MEM_64K_HI    0x35u

/* Register A. See: MC146818A datasheet, "Register A", Table 4 (divider) and Table 5
 * (periodic interrupt rate). */
#define CMOS_A_UIP       0x80u /* update in progress (read only) */
#define CMOS_A_DV_MASK   0x70u /* DV2-DV0: the time base */
#define CMOS_A_DV_32KHZ  0x20u /* 010: 32.768 kHz, the PC's crystal: the clock runs */
#define CMOS_A_DV_RESET  0x60u /* 11x: divider chain held in reset */
#define CMOS_A_RS_MASK   0x0Fu /* RS3-RS0: periodic rate; 0 = none */
#define CMOS_A_RS_1024HZ 0x06u /* the PC BIOS's choice: 976.5625 us */
#define CMOS_A_WRITABLE  0x7Fu

/* Register B. See: MC146818A datasheet, "Register B". */
#define CMOS_B_DSE  0x01u /* daylight savings enable (the datasheet's US rules) */
#define CMOS_B_24H  0x02u /* 1: 24-hour mode; 0: 12-hour, bit 7 of the hours = PM */
#define CMOS_B_DM   0x04u /* data mode 1: binary; 0: BCD */
#define CMOS_B_SQWE 0x08u /* square-wave output (no pin on the PC: stored only) */
#define CMOS_B_UIE  0x10u /* update-ended interrupt enable */
#define CMOS_B_AIE  0x20u /* alarm interrupt enable */
#define CMOS_B_PIE  0x40u /* periodic interrupt enable */
#define CMOS_B_SET  0x80u /* 1: updates stop so software can set the time */

/* Register C. See: MC146818A datasheet, "Register C". */
#define CMOS_C_UF   0x10u /* update ended */
#define CMOS_C_AF   0x20u /* alarm */
#define CMOS_C_PF   0x40u /* periodic */
#define CMOS_C_IRQF 0x80u /* PF & PIE | AF & AIE | UF & UIE: the IRQ# pin is driven */

/* Register D. See: MC146818A datasheet, "Register D". */
#define CMOS_D_VRT 0x80u /* valid RAM and time: the battery is good */

#define CMOS_HOUR_PM   0x80u /* 12-hour mode: bit 7 of the hours (and hours alarm) */
#define CMOS_ALARM_ANY 0xC0u /* an alarm byte 0xC0-0xFF matches every value */

/* Timing of the update cycle with the 32.768 kHz time base. See: MC146818A datasheet,
 * "Update Cycle", Figure 12 and Table 3 (tBUC, tUC). */
#define CMOS_TIME_BASE_HZ    32768u
#define CMOS_UIP_LEAD_NS     244000ull    /* tBUC: UIP rises this long before an update */
#define CMOS_UPDATE_NS       1984000ull   /* tUC: the update cycle itself */
#define CMOS_FIRST_UPDATE_NS 500000000ull /* out of divider reset: first update after 0.5 s */
#define CMOS_NS_PER_S        1000000000ull

/* A calendar time in plain numbers (what the firmware says at boot, in hvlab's words). */
struct cmos_rtc_time {
    uint16_t year;  /* full year, e.g. 2026 */
    uint8_t month;  /* 1-12 */
    uint8_t day;    /* 1-31 */
    uint8_t hour;   /* 0-23 */
    uint8_t minute; /* 0-59 */
    uint8_t second; /* 0-59 */
};

struct cmos_rtc {
    uint8_t ram[CMOS_BYTES]; /* every byte as stored; A's UIP and C's IRQF are computed */
    uint8_t index;           /* the register port 0x71 reaches */
    bool nmi_masked;         /* port 0x70 bit 7 as last written */
    uint64_t now;            /* the latest time the state has been brought to */
    uint64_t divider_start;  /* when the divider chain last left reset */
    uint64_t next_update;    /* when the next update cycle begins (UIP rose 244 us before) */
    uint64_t periodic_seen;  /* periodic taps since divider_start already turned into PF */
    bool dst_fell_back;      /* DSE: October's 1:59:59 -> 1:00:00 happened this night */
};

/* Power-on state as a PC BIOS leaves it (A = 32.768 kHz, 1024 Hz; B = 24-hour BCD, no
 * interrupts; D = VRT), the clock set to `start` at time `now`, the first update 1 s on. */
void cmos_rtc_reset(struct cmos_rtc *rtc, const struct cmos_rtc_time *start, uint64_t now);

/* Fill the BIOS's memory size bytes for a VM of `ram_bytes` of RAM from address 0. */
void cmos_rtc_set_memory_size(struct cmos_rtc *rtc, uint64_t ram_bytes);

/* Guest port access; `port` is 0x70 or 0x71. */
uint8_t cmos_rtc_port_read(struct cmos_rtc *rtc, uint16_t port, uint64_t now);
void cmos_rtc_port_write(struct cmos_rtc *rtc, uint16_t port, uint8_t value, uint64_t now);

/* Say whether IRQ 8 is driven at `now` (register C's IRQF: a level, until the guest reads
 * register C), bringing the clock to `now` when register B enables an interrupt. */
bool cmos_rtc_irq(struct cmos_rtc *rtc, uint64_t now);

/* When IRQF will next rise (a periodic tap with PIE, an update end with UIE or AIE), or
 * CMOS_RTC_NEVER: also while IRQF is already set, since only a read of C can lower it. */
uint64_t cmos_rtc_next_event(const struct cmos_rtc *rtc, uint64_t now);

/* The clock registers as a calendar time (decoded from the guest's format). */
struct cmos_rtc_time cmos_rtc_read_time(const struct cmos_rtc *rtc);

/* `t` moved on by `seconds` (Gregorian calendar): the firmware's time at boot brought to
 * the moment a VM is created. */
struct cmos_rtc_time cmos_rtc_time_add(struct cmos_rtc_time t, uint64_t seconds);

#endif
