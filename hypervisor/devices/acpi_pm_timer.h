/*
 * acpi_pm_timer.h - the ACPI power-management timer: a free-running 32-bit counter at
 * 3.579545 MHz that the FADT names (PM_TMR_BLK, port 0x608, TMR_VAL_EXT set), read from
 * guest time.
 *
 * Linux calibrates the TSC against the PIT by timing one PIT period with back-to-back port
 * reads; that needs port reads far faster than an emulated VM exit (about 1 us each), so
 * under hvlab it fails and Linux falls back to the PM timer, read once before and once
 * after the same period: exits then cost nothing. The timer also is a clocksource.
 * TMR_STS (the counter's bit 31 toggling) is not raised: no hvlab device drives the SCI.
 * See: ACPI 6.4, 4.8.3.3 "Power Management Timer"; 5.2.9, FADT PM_TMR_BLK and TMR_VAL_EXT.
 */
#ifndef HVLAB_DEVICES_ACPI_PM_TIMER_H
#define HVLAB_DEVICES_ACPI_PM_TIMER_H

#include <stdint.h>

#define ACPI_PM_TMR_PORT  0x608u     /* after the PM1a blocks, as on the PIIX4 (base + 8) */
#define ACPI_PM_TMR_LEN   4u         /* one 32-bit register (FADT PM_TMR_LEN) */
#define ACPI_PM_TMR_HZ    3579545ull /* "3.579545 MHz" */
#define ACPI_PM_TMR_NS_HZ 1000000000ull

/* The counter after `ns` nanoseconds of guest time (it starts at 0 and wraps at 2^32). */
uint32_t acpi_pm_timer_count(uint64_t ns);

/* A read of `size` bytes at byte `offset` (0-3) of the register: the bytes it names, all
 * ones past the register. */
uint32_t acpi_pm_timer_read(uint64_t ns, unsigned offset, unsigned size);

#endif
