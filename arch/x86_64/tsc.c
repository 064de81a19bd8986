/*
 * tsc.c - measure the TSC frequency with channel 2 of the 8254 PIT, the one channel whose
 * output software can read (port 0x61 bit 5) and whose gate it controls (bit 0).
 * See: Intel 8254 datasheet, "Mode 0: Interrupt on Terminal Count"; the PC's port 61h.
 */
#include "arch/x86_64/tsc.h"

#include "arch/x86_64/io.h"

#define PIT_HZ                1193182u /* the PIT's input clock */
#define PIT_CHANNEL2_DATA     0x42u
#define PIT_COMMAND           0x43u
#define PIT_CMD_CH2_MODE0_BIN 0xB0u /* channel 2, low then high byte, mode 0, binary */
#define SYSTEM_CONTROL_PORT_B 0x61u
#define PORT_B_GATE2          0x01u /* bit 0: channel 2 gate */
#define PORT_B_SPEAKER        0x02u /* bit 1: speaker data enable (kept off) */
#define PORT_B_OUT2           0x20u /* bit 5: channel 2 output */
#define CALIBRATION_MS        10u
#define CALIBRATION_RUNS      5u /* measurements; the median is kept */
#define MS_PER_S              1000u
#define CALIBRATION_SPIN_MAX  100000000u /* give up if OUT2 never rises */

/* One measurement: TSC ticks while channel 2 counts CALIBRATION_MS in mode 0; 0 if OUT2
 * never rises. */
static uint64_t measure_once(uint8_t port_b)
{
    uint16_t count = (uint16_t)(PIT_HZ / (MS_PER_S / CALIBRATION_MS));

    /* Gate low, load the count (mode 0: OUT2 goes low, then high at terminal count), then
     * raise the gate to start counting. */
    outb(SYSTEM_CONTROL_PORT_B, port_b);
    outb(PIT_COMMAND, PIT_CMD_CH2_MODE0_BIN);
    outb(PIT_CHANNEL2_DATA, (uint8_t)count);
    outb(PIT_CHANNEL2_DATA, (uint8_t)(count >> 8));
    outb(SYSTEM_CONTROL_PORT_B, port_b | PORT_B_GATE2);

    uint64_t start = rdtsc();
    uint64_t elapsed = 0;
    for (uint32_t spins = 0; spins < CALIBRATION_SPIN_MAX; spins++) {
        if (inb(SYSTEM_CONTROL_PORT_B) & PORT_B_OUT2) {
            elapsed = rdtsc() - start;
            break;
        }
    }
    outb(SYSTEM_CONTROL_PORT_B, port_b);
    return elapsed;
}

/* The median of CALIBRATION_RUNS measurements: under an emulator the host may deschedule
 * us between the gate and the TSC read, or between OUT2 and the read; one such run (too
 * short or too long) is an outlier the median ignores. */
uint64_t tsc_calibrate_hz(void)
{
    uint64_t runs[CALIBRATION_RUNS];
    uint8_t port_b = inb(SYSTEM_CONTROL_PORT_B) & (uint8_t) ~(PORT_B_SPEAKER | PORT_B_GATE2);

    for (unsigned i = 0; i < CALIBRATION_RUNS; i++) {
        uint64_t t = measure_once(port_b);
        if (t == 0)
            return 0;
        unsigned j = i; /* insertion into the sorted runs so far */
        for (; j > 0 && runs[j - 1] > t; j--)
            runs[j] = runs[j - 1];
        runs[j] = t;
    }
    return runs[CALIBRATION_RUNS / 2] * (MS_PER_S / CALIBRATION_MS);
}
