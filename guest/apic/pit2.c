/*
 * pit2.c - delays timed by PIT channel 2 (the speaker timer behind port B), polled: an
 * independent clock to measure the APIC timer against, needing no interrupt.
 *
 * Mode 0 on channel 2 with the gate on (port B bit 0): OUT2 (port B bit 5) goes low when
 * the count is written and high at terminal count. See: Intel 82C54 datasheet, "Mode 0";
 * IBM PC/AT Technical Reference, "System Control Port B".
 */
#include "apic.h"
#include "io.h"
#include "pit.h"

#define PIT_CHANNEL2_PORT   0x42
#define PIT_SELECT_CHANNEL2 (2 << 6)
#define PORT_B              0x61
#define PORT_B_GATE2        0x01
#define PORT_B_SPEAKER      0x02
#define PORT_B_OUT2         0x20
#define CHUNK_MS            50u /* 59659 clocks: below the 16-bit count's 65536 */
#define MS_PER_S            1000u

static void wait_clocks(uint16_t clocks)
{
    outb(PORT_B, (uint8_t)((inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    outb(PIT_CONTROL_PORT, PIT_SELECT_CHANNEL2 | PIT_ACCESS_LOHI | PIT_MODE_TERMINAL);
    outb(PIT_CHANNEL2_PORT, (uint8_t)clocks);
    outb(PIT_CHANNEL2_PORT, (uint8_t)(clocks >> 8));
    while (!(inb(PORT_B) & PORT_B_OUT2))
        ;
}

void delay_ms(unsigned ms)
{
    while (ms) {
        unsigned chunk = ms < CHUNK_MS ? ms : CHUNK_MS;
        wait_clocks((uint16_t)(PIT_HZ / MS_PER_S * chunk));
        ms -= chunk;
    }
}
