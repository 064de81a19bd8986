/*
 * pit8254.c - the 8254 interval timer as pure state over a clock passed in (pit8254.h).
 *
 * A counting channel is described by when it started and its initial count N; its count
 * and OUT level at any `now` are computed, never stepped:
 *
 *   e = clocks counted since the count was loaded (held while GATE is low)
 *   mode 0     count N - e (wraps past 0 like the real counter); OUT rises once, at e = N
 *   mode 2     count N - e % N (N .. 1); OUT low while the count is 1, rises at e = k * N
 *   mode 3     OUT high for (N + 1) / 2 clocks, low for N / 2; rises at e = k * N
 *
 * Simplifications (each a datasheet behaviour the PC's guests do not depend on):
 * - The count is loaded at the write itself, not on the next clock edge, so the first
 *   edge comes N clocks after the write (the datasheet says N + 1 for mode 0), and the
 *   status byte's NULL COUNT is set only between a control word and its count.
 * - A new count written in modes 2 and 3 restarts the period at the write (the datasheet
 *   loads it at the end of the current period, or half-period in mode 3).
 * - Modes 1, 4 and 5 are counted like mode 0 (one rising edge at terminal count); GATE
 *   only holds and resumes them, it does not trigger them.
 * - Mode 3 reads: the count falls by 2 per clock from N, twice per period (once per OUT
 *   half); for an odd N that is N, N-2, ..., 1 then N, N-2, ..., 3 - near what the chip
 *   reads (it loads N-1 on one half), exact for the even counts everyone uses.
 * - BCD counting is accepted and counted in binary.
 * - In mode 0 the first byte of a two-byte count does not stop the counter; the second
 *   byte restarts it.
 * See: Intel 82C54 datasheet (order no. 231244), "Operational Description" (modes,
 * control word, counter latch, read-back command, status byte).
 */
#include "hypervisor/devices/pit8254.h"

#define PIT_CONTROL_READ 0xFFu /* the control port cannot be read: the data bus floats */
#define BYTE_BITS        8u
#define BYTE_MASK        0xFFu

static uint32_t initial_count(const struct pit_channel *ch)
{
    return ch->reload ? ch->reload : PIT_MAX_COUNT;
}

/* The mode the counter runs in: 6 and 7 are 2 and 3 again. */
static uint8_t run_mode(const struct pit_channel *ch)
{
    return ch->mode >= PIT_MODE_FIRST_ALIAS ? ch->mode & ~PIT_MODE_ALIAS_BIT : ch->mode;
}

static bool periodic(const struct pit_channel *ch)
{
    uint8_t mode = run_mode(ch);
    return mode == PIT_MODE_RATE_GENERATOR || mode == PIT_MODE_SQUARE_WAVE;
}

/* Clocks counted since the count was loaded: frozen while GATE is low. */
static uint64_t elapsed(const struct pit_channel *ch, uint64_t now)
{
    if (!ch->counting)
        return 0;
    if (!ch->gate)
        return ch->gate_elapsed;
    return now > ch->start ? now - ch->start : 0;
}

/* Rising edges of OUT after `e` clocks: one per period, or one at terminal count. */
static uint64_t edges_after(const struct pit_channel *ch, uint64_t e)
{
    if (!ch->counting)
        return 0;
    if (periodic(ch))
        return e / initial_count(ch);
    return e >= initial_count(ch) ? 1 : 0;
}

/* Before the counter is reprogrammed: keep the edges it made that nobody has asked for
 * yet (only channel 0's are ever asked for), and start the edge count over. */
static void carry_edges(struct pit_channel *ch, uint64_t e)
{
    uint64_t total = edges_after(ch, e);
    if (total > ch->edges_seen)
        ch->edges_carried += total - ch->edges_seen;
    ch->edges_seen = 0;
}

static uint16_t channel_count(const struct pit_channel *ch, uint64_t now)
{
    if (!ch->counting)
        return (uint16_t)ch->reload; /* nothing loaded since the control word */
    uint64_t e = elapsed(ch, now);
    uint64_t n = initial_count(ch);
    switch (run_mode(ch)) {
    case PIT_MODE_RATE_GENERATOR: return (uint16_t)(n - e % n);
    case PIT_MODE_SQUARE_WAVE: {
        uint64_t phase = e % n, high = (n + 1) / 2;
        if (phase >= high)
            phase -= high; /* the low half counts down from N again */
        return (uint16_t)(n - 2 * phase);
    }
    default: return (uint16_t)(n - e); /* 16-bit wrap after terminal count */
    }
}

static bool channel_output(const struct pit_channel *ch, uint64_t now)
{
    /* After a control word OUT is low in mode 0 and high in every other mode. */
    if (!ch->counting)
        return run_mode(ch) != PIT_MODE_INTERRUPT_ON_TC;
    if (periodic(ch) && !ch->gate)
        return true; /* modes 2 and 3: GATE low forces OUT high */
    uint64_t e = elapsed(ch, now);
    uint64_t n = initial_count(ch);
    switch (run_mode(ch)) {
    case PIT_MODE_RATE_GENERATOR: return e % n != n - 1;
    case PIT_MODE_SQUARE_WAVE: return e % n < (n + 1) / 2;
    default: return e >= n;
    }
}

/* A complete count was written: counting restarts now with it. */
static void load_count(struct pit_channel *ch, uint32_t value, uint64_t now)
{
    if (ch->counting)
        carry_edges(ch, elapsed(ch, now));
    ch->edges_seen = 0;
    ch->reload = value;
    ch->counting = true;
    ch->start = now;
    ch->gate_elapsed = 0;
}

/* Counter latch command: the count is held until read; a second latch before that is
 * ignored ("Counter Latch Command"). */
static void latch_count(struct pit_channel *ch, uint64_t now)
{
    if (ch->latched)
        return;
    ch->latch = channel_count(ch, now);
    ch->latched = true;
    ch->latch_msb_next = false;
}

static void latch_status(struct pit_channel *ch, uint64_t now)
{
    if (ch->status_latched)
        return;
    ch->status = (uint8_t)((ch->access << PIT_CW_RW_SHIFT) | (ch->mode << PIT_CW_MODE_SHIFT) |
                           (ch->bcd ? PIT_CW_BCD : 0));
    if (channel_output(ch, now))
        ch->status |= PIT_STATUS_OUTPUT;
    if (!ch->counting)
        ch->status |= PIT_STATUS_NULL_COUNT;
    ch->status_latched = true;
}

static void read_back(struct pit8254 *pit, uint8_t value, uint64_t now)
{
    for (unsigned n = 0; n < PIT_CHANNELS; n++) {
        if (!(value & PIT_RB_COUNTER(n)))
            continue;
        if (!(value & PIT_RB_NO_COUNT))
            latch_count(&pit->ch[n], now);
        if (!(value & PIT_RB_NO_STATUS))
            latch_status(&pit->ch[n], now);
    }
}

static void write_control(struct pit8254 *pit, uint8_t value, uint64_t now)
{
    unsigned select = (value >> PIT_CW_SC_SHIFT) & PIT_CW_SC_MASK;
    if (select == PIT_CW_SC_READ_BACK) {
        read_back(pit, value, now);
        return;
    }
    struct pit_channel *ch = &pit->ch[select];
    uint8_t access = (value >> PIT_CW_RW_SHIFT) & PIT_CW_RW_MASK;
    if (access == PIT_RW_LATCH) {
        latch_count(ch, now);
        return;
    }
    /* A control word resets the counter's control logic: counting stops until a count is
     * written, and the byte-order flip-flops and latches start over. */
    if (ch->counting)
        carry_edges(ch, elapsed(ch, now));
    ch->edges_seen = 0;
    ch->counting = false;
    ch->access = access;
    ch->mode = (value >> PIT_CW_MODE_SHIFT) & PIT_CW_MODE_MASK;
    ch->bcd = (value & PIT_CW_BCD) != 0;
    ch->write_msb_next = ch->read_msb_next = false;
    ch->latched = ch->latch_msb_next = ch->status_latched = false;
}

/* The byte of `count` that the access mode and its flip-flop select. */
static uint8_t count_byte(uint16_t count, uint8_t access, bool *msb_next, bool *done)
{
    bool msb = access == PIT_RW_MSB || (access == PIT_RW_LSB_MSB && *msb_next);
    if (access == PIT_RW_LSB_MSB)
        *msb_next = !*msb_next;
    *done = access != PIT_RW_LSB_MSB || msb;
    return (uint8_t)(msb ? count >> BYTE_BITS : count & BYTE_MASK);
}

static uint8_t read_counter(struct pit_channel *ch, uint64_t now)
{
    bool done;
    if (ch->status_latched) { /* status comes first, whichever was latched first */
        ch->status_latched = false;
        return ch->status;
    }
    if (ch->latched) {
        uint8_t byte = count_byte(ch->latch, ch->access, &ch->latch_msb_next, &done);
        if (done)
            ch->latched = false;
        return byte;
    }
    return count_byte(channel_count(ch, now), ch->access, &ch->read_msb_next, &done);
}

static void write_counter(struct pit_channel *ch, uint8_t value, uint64_t now)
{
    switch (ch->access) {
    case PIT_RW_LSB: load_count(ch, value, now); break;
    case PIT_RW_MSB: load_count(ch, (uint32_t)value << BYTE_BITS, now); break;
    case PIT_RW_LSB_MSB:
        if (!ch->write_msb_next) {
            ch->write_lsb = value;
            ch->write_msb_next = true;
            break;
        }
        ch->write_msb_next = false;
        load_count(ch, ch->write_lsb | ((uint32_t)value << BYTE_BITS), now);
        break;
    default: break; /* unreachable: RW = 00 is the latch command, not an access mode */
    }
}

void pit_reset(struct pit8254 *pit, uint64_t now)
{
    for (unsigned n = 0; n < PIT_CHANNELS; n++)
        pit->ch[n] = (struct pit_channel){.access = PIT_RW_LSB_MSB, .gate = true, .start = now};
}

uint8_t pit_port_read(struct pit8254 *pit, uint16_t port, uint64_t now)
{
    unsigned n = port - PIT_COUNTER0_PORT;
    if (n >= PIT_CHANNELS)
        return PIT_CONTROL_READ;
    return read_counter(&pit->ch[n], now);
}

void pit_port_write(struct pit8254 *pit, uint16_t port, uint8_t value, uint64_t now)
{
    unsigned n = port - PIT_COUNTER0_PORT;
    if (n < PIT_CHANNELS)
        write_counter(&pit->ch[n], value, now);
    else if (port == PIT_CONTROL_PORT)
        write_control(pit, value, now);
}

uint16_t pit_count(const struct pit8254 *pit, unsigned channel, uint64_t now)
{
    return channel < PIT_CHANNELS ? channel_count(&pit->ch[channel], now) : 0;
}

uint64_t pit_irq0_edges(struct pit8254 *pit, uint64_t now)
{
    struct pit_channel *ch = &pit->ch[0];
    uint64_t total = edges_after(ch, elapsed(ch, now));
    uint64_t fresh = ch->edges_carried;
    if (total > ch->edges_seen) {
        fresh += total - ch->edges_seen;
        ch->edges_seen = total;
    }
    ch->edges_carried = 0;
    return fresh;
}

uint64_t pit_next_irq0_edge(const struct pit8254 *pit, uint64_t now)
{
    const struct pit_channel *ch = &pit->ch[0];
    if (!ch->counting || !ch->gate)
        return PIT_NEVER;
    uint64_t e = elapsed(ch, now);
    uint64_t n = initial_count(ch);
    if (periodic(ch))
        return ch->start + (e / n + 1) * n;
    return e < n ? ch->start + n : PIT_NEVER;
}

void pit_set_gate(struct pit8254 *pit, unsigned channel, bool level, uint64_t now)
{
    if (channel >= PIT_CHANNELS || pit->ch[channel].gate == level)
        return;
    struct pit_channel *ch = &pit->ch[channel];
    if (!level) {
        ch->gate_elapsed = elapsed(ch, now);
        ch->gate = false;
        return;
    }
    if (ch->counting && periodic(ch)) {
        /* Modes 2 and 3: a rising GATE reloads the count and starts a new period. */
        carry_edges(ch, ch->gate_elapsed);
        ch->start = now;
    } else {
        ch->start = now - ch->gate_elapsed; /* the others go on where they were held */
    }
    ch->gate_elapsed = 0;
    ch->gate = true;
}

bool pit_output(const struct pit8254 *pit, unsigned channel, uint64_t now)
{
    return channel < PIT_CHANNELS && channel_output(&pit->ch[channel], now);
}
