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

#define PIT_HZ            1193182u /* input clock: 14.31818 MHz / 12 */
#define PIT_COUNTER0_PORT 0x40u
#define PIT_CONTROL_PORT  0x43u
#define PIT_PORT_COUNT    4u
#define PIT_CHANNELS      3u
#define PIT_NEVER         UINT64_MAX /* pit_next_irq0_edge(): channel 0 never fires */

struct pit_channel {
    uint8_t mode;         /* 0-5 (6, 7 alias 2, 3) */
    uint8_t access;       /* control word RW bits: 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;             /* BCD counting: accepted, counted as binary */
    uint32_t reload;      /* the count written (0 means 65536) */
    bool counting;        /* a count has been written since the control word */
    bool write_msb_next;  /* access 3: the next write is the MSB */
    bool read_msb_next;   /* access 3: the next read is the MSB */
    uint8_t write_lsb;    /* access 3: the LSB written, waiting for its MSB */
    uint64_t start;       /* `now` when counting started (the count was loaded) */
    bool latched;         /* a counter-latch command holds `latch` for reading */
    uint16_t latch;       /* the latched count */
    bool latch_msb_next;  /* access 3: the next latched read is the MSB */
    bool status_latched;  /* read-back latched the status byte */
    uint8_t status;
    uint64_t edges_seen;  /* channel 0: output periods already reported as IRQ 0 edges */
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

#endif
