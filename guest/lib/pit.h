/*
 * pit.h - the PC's 8254 programmable interval timer, channel 0 (IRQ 0).
 *
 * Three 16-bit down-counters clocked at PIT_HZ; channel 0's output drives IRQ 0. Mode 2
 * (rate generator) reloads the count at every terminal count and pulses the output once
 * per period: one IRQ 0 edge every divisor / PIT_HZ seconds.
 *
 *   control word (port 0x43):  7  6 | 5  4 | 3  2  1 | 0
 *                             channel| access| mode    | BCD
 *
 * See: Intel 82C54 datasheet (order no. 231244), "Control Word Format", "Mode 0:
 *      Interrupt on Terminal Count", "Mode 2: Rate Generator", "Mode 4: Software
 *      Triggered Strobe", "Counter Latch Command".
 */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182u /* input clock: 14.31818 MHz / 12 */

#define PIT_CHANNEL0_PORT 0x40
#define PIT_CONTROL_PORT  0x43

/* Control word fields. */
#define PIT_SELECT_CHANNEL0 (0 << 6)
#define PIT_ACCESS_LATCH    (0 << 4) /* counter latch command */
#define PIT_ACCESS_LSB      (1 << 4) /* read/write the LSB only: one OUT loads a count */
#define PIT_ACCESS_LOHI     (3 << 4) /* read/write LSB then MSB */
#define PIT_MODE_TERMINAL   (0 << 1) /* mode 0: output low until the count runs out */
#define PIT_MODE_RATE       (2 << 1) /* mode 2: rate generator */
#define PIT_MODE_STROBE     (4 << 1) /* mode 4: software-triggered strobe, one per count */
#define PIT_BINARY          0        /* BCD = 0: 16-bit binary count */

/* Count for a rate in Hz, rounded (1000 Hz -> 1193, 100 Hz -> 11932). */
#define PIT_DIVISOR(hz) ((PIT_HZ + (hz) / 2) / (hz))
#define PIT_DIVISOR_MAX 0 /* a count of 0 means 65536 (about 18.2 Hz) */

/* Channel 0 in mode 2 with this count (0 = 65536): IRQ 0 every divisor / PIT_HZ s. */
void pit_start_periodic(uint16_t divisor);

/* Channel 0 in mode 0 with this count: OUT rises once, `count` clocks from now, and stays
 * high; one IRQ 0 edge in all. */
void pit_start_one_shot(uint16_t count);

/* Stop channel 0: a mode 0 control word without a count holds its output low and the
 * counter waits for a count that never comes. */
void pit_stop(void);

/* Channel 0's current count, through the counter latch command. */
uint16_t pit_read_count(void);

#endif /* GUEST_PIT_H */
