/*
 * virtual_platform.h - the PC a guest sees: its devices, their interrupt lines, its clock.
 *
 *   PIT channel 0 --IRQ 0-----\
 *   16550 UART    --IRQ 4------> 8259A pair --vector--> core (interrupts.c) --> inject
 *   8042 KBC      --IRQ 1, 12--/|                         ^
 *   MC146818A RTC --IRQ 8------/ \--> I/O APIC --> local APIC (apic_platform.h)
 *
 * Guest time follows the host TSC: `now` for the PIT is the TSC since the guest started,
 * converted to PIT clocks. Before each VM entry the core brings the devices up to date
 * (vplatform_update) and arms the host time source for the next thing that will happen
 * (vplatform_next_deadline), so a timer interrupt is delivered on time even when the guest
 * never exits by itself.
 */
#ifndef HVLAB_VIRTUAL_PLATFORM_H
#define HVLAB_VIRTUAL_PLATFORM_H

#include <stdint.h>

#include "hypervisor/apic_platform.h"
#include "hypervisor/devices/i8042.h"
#include "hypervisor/devices/acpi_pm.h"
#include "hypervisor/devices/cmos_rtc.h"
#include "hypervisor/devices/io_apic.h"
#include "hypervisor/devices/local_apic.h"
#include "hypervisor/devices/pci_config.h"
#include "hypervisor/devices/pic8259.h"
#include "hypervisor/devices/pit8254.h"
#include "hypervisor/devices/uart16550.h"

#define VPLATFORM_NO_DEADLINE UINT64_MAX
#define PIC_IRQ_BIT(irq)      (1u << (irq))
#define VPLATFORM_PIT_IRQ     0u /* PIT channel 0's output */
#define VPLATFORM_NS_PER_S    1000000000ull

/* System control port B (0x61), the PC's glue around PIT channel 2 (the speaker timer).
 * Bits 0-3 are written and read back; bit 5 reads channel 2's OUT. See: the IBM PC/AT
 * Technical Reference, "System Control Port B"; the same port arch/x86_64/tsc.c uses. */
#define PORT_B              0x61u
#define PORT_B_GATE2        0x01u /* PIT channel 2 GATE */
#define PORT_B_SPEAKER_DATA 0x02u /* speaker enable (no sound is made) */
#define PORT_B_WRITABLE     0x0Fu /* gate, speaker, parity and I/O check enables */
#define PORT_B_OUT2         0x20u /* PIT channel 2 OUT (read only) */

/* The port bus's record of ports no device claims (io_bus.c): counted, and each logged
 * once per VM. */
#define VPLATFORM_PORTS         65536u /* x86 I/O ports 0-0xFFFF */
#define VPLATFORM_BITS_PER_WORD 64u
struct io_bus_state {
    uint64_t unclaimed;
    uint64_t logged[VPLATFORM_PORTS / VPLATFORM_BITS_PER_WORD]; /* one bit per port */
};

struct virtual_platform {
    struct pic_pair pic;
    struct pit8254 pit;
    struct uart16550 uart;
    struct i8042 kbc;        /* keyboard controller, ports 0x60 and 0x64 */
    struct pci_config pci;   /* PCI configuration ports 0xCF8-0xCFF */
    struct local_apic lapic; /* the one vCPU's, ID 0 */
    struct io_apic ioapic;   /* at IO_APIC_DEFAULT_BASE */
    struct acpi_pm acpi_pm;  /* PM1a event and control blocks (power-off) */
    struct cmos_rtc rtc;     /* ports 0x70-0x71, IRQ 8; its `now` is vplatform_ns */
    uint64_t ioapic_dropped; /* I/O APIC messages of a kind not modelled (NMI, ExtINT...) */
    struct io_bus_state io_bus;
    uint64_t info_scratch;      /* the hvlab-info MMIO page's scratch register */
    uint64_t (*read_tsc)(void); /* the host clock: rdtsc (unit tests pass a fake) */
    uint64_t tsc_hz;            /* host TSC frequency (arch/x86_64/tsc.c) */
    uint64_t tsc_start;         /* host TSC when the guest started: guest time zero */
    uint8_t port_b;             /* port B as last written (PORT_B_WRITABLE bits) */
    uint64_t ticks_lost;        /* PIT edges that never set IRR (see vplatform_update) */
    /* A device changed in a way that may change what the guest can be given (a PIC or
     * PIT write, the UART's IRQ line moving): the run loop brings the platform up to
     * date and delivers events only then, or when the next device event is due. */
    bool changed;
};

/* All devices to power-on state; guest time starts at read_tsc() now. */
void vplatform_reset(struct virtual_platform *vp, uint64_t (*read_tsc)(void), uint64_t tsc_hz);

/* The RTC's clock set to `start` at guest time zero (NULL: it stays at the 2000-01-01
 * 00:00:00 vplatform_reset gave it), and the BIOS's memory size bytes for `ram_bytes`. */
void vplatform_rtc_start(struct virtual_platform *vp, const struct cmos_rtc_time *start,
                         uint64_t ram_bytes);

/* Guest time at host TSC `tsc`: in PIT input clocks, and in nanoseconds. */
uint64_t vplatform_pit_clock(const struct virtual_platform *vp, uint64_t tsc);
uint64_t vplatform_ns(const struct virtual_platform *vp, uint64_t tsc);

/* Bring devices to time `tsc`: PIT edges and the UART's and keyboard controller's levels
 * reach the PIC. */
void vplatform_update(struct virtual_platform *vp, uint64_t tsc);

/* A guest write to a PIC port at host TSC `tsc`: the devices are brought up to date
 * first, so the edges before the write meet the masks and in-service bits they met. */
void vplatform_pic_write(struct virtual_platform *vp, uint16_t port, uint8_t value,
                         uint64_t tsc);

/* Host TSC of the next device event (the PIT's next IRQ 0 edge, the RTC's next IRQ 8,
 * the APIC timer's next expiry), or VPLATFORM_NO_DEADLINE. */
uint64_t vplatform_next_deadline(const struct virtual_platform *vp, uint64_t tsc);

/* Guest access to port B (platform_ports.c routes port 0x61 here); `now` in PIT clocks. */
uint8_t vplatform_port_b_read(const struct virtual_platform *vp, uint64_t now);
void vplatform_port_b_write(struct virtual_platform *vp, uint8_t value, uint64_t now);

#endif
