/*
 * pit8254.h - the PC's 8254 programmable interval timer, as a guest sees it: three 16-bit
 * counters clocked at 1.193182 MHz, ports 0x40-0x42 (counters) and 0x43 (control word).
 * Channel 0's output drives IRQ 0. Modes 0, 2 (rate generator) and 3 (square wave) are
 * modelled; counter latch, read-back, and LSB/MSB/LSB-then-MSB access.
 *
 * Time is an argument: `now` counts PIT input clocks (PIT_HZ per second) since some fixed
 * point. The virtual platform derives it from the host TSC (guest time follows host time);
 * unit tests pass a fake clock.
 * See: Intel 82C54 datasheet (order no. 231244), "Operational Description" (modes, control
 * word, read-back command).
 */
#ifndef HVLAB_DEVICES_PIT8254_H
#define HVLAB_DEVICES_PIT8254_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ              1193182u /* input clock: 14.31818 MHz / 12 */
#define PIT_COUNTER0_PORT   0x40u
#define PIT_CONTROL_PORT    0x43u
#define PIT_PORT_COUNT      4u
#define PIT_CHANNELS        3u
#define PIT_NEVER           UINT64_MAX /* pit_next_irq0_edge(): channel 0 never fires */
#define PIT_MAX_COUNT       65536u     /* a count of 0 counts 65536 clocks */
#define PIT_SPEAKER_CHANNEL 2u         /* its gate and output are on port 0x61 */

/* Control word (port 0x43). See: 82C54 datasheet, "Control Word Format", "Read-Back
 * Command", "Status Byte".
 *
 *   control word: SC1 SC0 RW1 RW0 M2 M1 M0 BCD    (SC = 11: read-back; RW = 00: latch)
 *   read-back:    1   1   COUNT# STATUS# CNT2 CNT1 CNT0 0   (COUNT#, STATUS# active low)
 *   status byte:  OUTPUT NULL_COUNT RW1 RW0 M2 M1 M0 BCD
 */
#define PIT_CW_SC_SHIFT       6u
#define PIT_CW_SC_MASK        0x3u
#define PIT_CW_SC_READ_BACK   3u
#define PIT_CW_RW_SHIFT       4u
#define PIT_CW_RW_MASK        0x3u
#define PIT_CW_MODE_SHIFT     1u
#define PIT_CW_MODE_MASK      0x7u
#define PIT_CW_BCD            0x01u
#define PIT_RW_LATCH          0u             /* counter latch command */
#define PIT_RW_LSB            1u             /* read/write the least significant byte only */
#define PIT_RW_MSB            2u             /* most significant byte only */
#define PIT_RW_LSB_MSB        3u             /* LSB, then MSB */
#define PIT_RB_NO_COUNT       0x20u          /* COUNT# = 1: do not latch the count */
#define PIT_RB_NO_STATUS      0x10u          /* STATUS# = 1: do not latch the status */
#define PIT_RB_COUNTER(n)     (0x02u << (n)) /* CNT0 is bit 1 */
#define PIT_STATUS_OUTPUT     0x80u          /* the OUT pin */
#define PIT_STATUS_NULL_COUNT 0x40u /* the count written is not yet in the counting element */

/* Modes ("Operational Description"). */
#define PIT_MODE_INTERRUPT_ON_TC 0u /* one-shot: OUT low, high at terminal count */
#define PIT_MODE_ONE_SHOT        1u /* hardware retriggerable one-shot */
#define PIT_MODE_RATE_GENERATOR  2u /* OUT low for one clock every `count` clocks */
#define PIT_MODE_SQUARE_WAVE     3u /* OUT high for half the count, low for the other half */
#define PIT_MODE_SOFTWARE_STROBE 4u
#define PIT_MODE_HARDWARE_STROBE 5u
#define PIT_MODE_ALIAS_BIT       0x4u /* modes 6 and 7 are 2 and 3 (M2 is "don't care") */
#define PIT_MODE_FIRST_ALIAS     6u

struct pit_channel {
    uint8_t mode;        /* M2-M0 as written: 0-5 (6, 7 alias 2, 3) */
    uint8_t access;      /* control word RW bits: 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;            /* BCD counting: accepted, counted as binary */
    uint32_t reload;     /* the count written (0 means 65536) */
    bool counting;       /* a count has been written since the control word */
    bool write_msb_next; /* access 3: the next write is the MSB */
    bool read_msb_next;  /* access 3: the next read is the MSB */
    uint8_t write_lsb;   /* access 3: the LSB written, waiting for its MSB */
    uint64_t start;      /* `now` when counting started (the count was loaded) */
    bool latched;        /* a counter-latch command holds `latch` for reading */
    uint16_t latch;      /* the latched count */
    bool latch_msb_next; /* access 3: the next latched read is the MSB */
    bool status_latched; /* read-back latched the status byte */
    uint8_t status;
    uint64_t edges_seen;    /* channel 0: output periods already reported as IRQ 0 edges */
    uint64_t edges_carried; /* edges not yet reported when the counter was reprogrammed */
    bool gate;              /* the GATE input (channels 0, 1: tied high on the PC) */
    uint64_t gate_elapsed;  /* clocks counted when GATE went low (counting is held) */
};

struct pit8254 {
    struct pit_channel ch[PIT_CHANNELS];
};

/* Power-on state at time `now`: no counter is counting. */
void pit_reset(struct pit8254 *pit, uint64_t now);

/* Guest port access; `port` is 0x40-0x43. */
uint8_t pit_port_read(struct pit8254 *pit, uint16_t port, uint64_t now);
void pit_port_write(struct pit8254 *pit, uint16_t port, uint8_t value, uint64_t now);

/* The current count of a channel at time `now` (what a latch would capture). */
uint16_t pit_count(const struct pit8254 *pit, unsigned channel, uint64_t now);

/* How many IRQ 0 rising edges channel 0 produced since the previous call (0 if none, or if
 * it does not count). Edges that passed unseen are counted, not lost: the caller decides
 * whether to coalesce them. */
uint64_t pit_irq0_edges(struct pit8254 *pit, uint64_t now);

/* The time of channel 0's next rising edge after `now`, or PIT_NEVER. */
uint64_t pit_next_irq0_edge(const struct pit8254 *pit, uint64_t now);

/* Drive a channel's GATE input (the PC wires channel 2's to port 0x61 bit 0). Low holds
 * the count; a rising edge restarts modes 2 and 3 and resumes the others. */
void pit_set_gate(struct pit8254 *pit, unsigned channel, bool level, uint64_t now);

/* The level of a channel's OUT pin at time `now` (channel 2's is port 0x61 bit 5). */
bool pit_output(const struct pit8254 *pit, unsigned channel, uint64_t now);

#endif
