/*
 * pit.c - program and read channel 0 of the 8254 (see pit.h).
 *
 * See: Intel 82C54 datasheet (order no. 231244), "Write Operations", "Read Operations".
 */
#include "pit.h"

#include "io.h"

#define LOW_BYTE(x) ((x)&0xFF)

/* Control word for channel 0 in `mode`, then the count LSB first: counting starts with
 * the MSB. */
static void start_channel0(uint8_t mode, uint16_t count)
{
    outb(PIT_CONTROL_PORT, PIT_SELECT_CHANNEL0 | PIT_ACCESS_LOHI | mode | PIT_BINARY);
    outb(PIT_CHANNEL0_PORT, LOW_BYTE(count));
    outb(PIT_CHANNEL0_PORT, count >> 8);
}

void pit_start_periodic(uint16_t divisor) { start_channel0(PIT_MODE_RATE, divisor); }

void pit_start_one_shot(uint16_t count) { start_channel0(PIT_MODE_TERMINAL, count); }

void pit_stop(void)
{
    outb(PIT_CONTROL_PORT,
         PIT_SELECT_CHANNEL0 | PIT_ACCESS_LOHI | PIT_MODE_TERMINAL | PIT_BINARY);
}

/* Latch, then read the latched count LSB then MSB. */
uint16_t pit_read_count(void)
{
    outb(PIT_CONTROL_PORT, PIT_SELECT_CHANNEL0 | PIT_ACCESS_LATCH);
    uint8_t lsb = inb(PIT_CHANNEL0_PORT);
    uint8_t msb = inb(PIT_CHANNEL0_PORT);
    return lsb | (uint16_t)(msb << 8);
}
