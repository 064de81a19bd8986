/*
 * virtual_platform.c - the guest's PC: devices to power-on state, guest time from the
 * host TSC, device lines into the PIC, and the next deadline (see virtual_platform.h).
 *
 * Time conversions multiply a TSC interval by a rate and divide by the TSC frequency,
 * without a 128-bit intermediate (hypervisor/muldiv.h): exact for tsc_hz below about
 * 15 THz for PIT clocks and 18 GHz for nanoseconds.
 */
#include "hypervisor/virtual_platform.h"

#include "hypervisor/muldiv.h"
#include "hypervisor/string.h"

/* ceil(clocks * hz / rate): the fewest TSC ticks in which `clocks` PIT clocks have passed
 * (the inverse of muldiv_floor), or VPLATFORM_NO_DEADLINE if that does not fit 64 bits. */
static uint64_t scale_up(uint64_t clocks, uint64_t rate, uint64_t hz)
{
    uint64_t whole = clocks / rate, rest = clocks % rate;
    if (whole > (VPLATFORM_NO_DEADLINE - hz) / hz)
        return VPLATFORM_NO_DEADLINE;
    return whole * hz + (rest * hz + rate - 1) / rate;
}

/* A fixed date for a VM whose boot layer could not read the time (RTC power-on). */
static const struct cmos_rtc_time rtc_default_time = {2000, 1, 1, 0, 0, 0};

static uint64_t since_start(const struct virtual_platform *vp, uint64_t tsc)
{
    return tsc > vp->tsc_start ? tsc - vp->tsc_start : 0;
}

void vplatform_reset(struct virtual_platform *vp, uint64_t (*read_tsc)(void), uint64_t tsc_hz)
{
    pic_reset(&vp->pic);
    pit_reset(&vp->pit, 0);
    uart16550_reset(&vp->uart);
    i8042_reset(&vp->kbc);
    pci_config_reset(&vp->pci);
    cmos_rtc_reset(&vp->rtc, &rtc_default_time, 0);
    vplatform_apic_reset(vp, tsc_hz);
    acpi_pm_reset(&vp->acpi_pm);
    memset(&vp->io_bus, 0, sizeof(vp->io_bus));
    vp->info_scratch = 0;
    vp->port_b = 0;
    vp->ticks_lost = 0;
    vp->changed = true;
    pit_set_gate(&vp->pit, PIT_SPEAKER_CHANNEL, false, 0); /* port B bit 0 is clear */
    vp->read_tsc = read_tsc;
    vp->tsc_hz = tsc_hz;
    vp->tsc_start = read_tsc();
}

void vplatform_rtc_start(struct virtual_platform *vp, const struct cmos_rtc_time *start,
                         uint64_t ram_bytes)
{
    if (start)
        cmos_rtc_reset(&vp->rtc, start, 0);
    cmos_rtc_set_memory_size(&vp->rtc, ram_bytes);
}

/* With an unknown TSC frequency (calibration failed: tsc_hz = 0) guest time stands still. */
uint64_t vplatform_pit_clock(const struct virtual_platform *vp, uint64_t tsc)
{
    if (vp->tsc_hz == 0)
        return 0;
    return muldiv_floor(since_start(vp, tsc), PIT_HZ, vp->tsc_hz);
}

uint64_t vplatform_ns(const struct virtual_platform *vp, uint64_t tsc)
{
    if (vp->tsc_hz == 0)
        return 0;
    return muldiv_floor(since_start(vp, tsc), VPLATFORM_NS_PER_S, vp->tsc_hz);
}

/* Is the timer line blocked at the PIC (a request pending, in service or masked, or ExtINT
 * closed) and at the I/O APIC (pin masked, or its vector already requested)? Then a new
 * edge changes nothing the guest could notice before its next exit. */
static bool timer_blocked(const struct virtual_platform *vp)
{
    return !vplatform_isa_irq_open(vp, VPLATFORM_PIT_IRQ, true);
}

/* The keyboard controller's IRQ 1 and IRQ 12 levels, to the PICs and the I/O APIC. */
static void kbc_lines(struct virtual_platform *vp)
{
    bool kbd = i8042_kbd_irq(&vp->kbc), aux = i8042_aux_irq(&vp->kbc);
    pic_set_irq(&vp->pic, I8042_KBD_IRQ, kbd);
    vplatform_apic_isa_irq(vp, I8042_KBD_IRQ, kbd);
    pic_set_irq(&vp->pic, I8042_AUX_IRQ, aux);
    vplatform_apic_isa_irq(vp, I8042_AUX_IRQ, aux);
}

/* Timer edges become one pulse on IRQ 0, however many passed since the last update: the
 * 8259A latches one edge in IRR and the others are lost, whether the guest held the line
 * blocked or hvlab came late (an emulator descheduled, like an SMI on a PC). Late ticks are
 * not paid back, since no PC delivers two ticks without an edge between them: see
 * docs/timer.md. Every edge that does not set IRR is counted lost (HC_TICKS_LOST). The
 * UART's IRQ 4, the keyboard controller's IRQ 1 and 12 and the RTC's IRQ 8 (register C's
 * IRQF, until the guest reads C) are levels. Every line also drives its I/O APIC pin, as
 * on a PC. */
void vplatform_update(struct virtual_platform *vp, uint64_t tsc)
{
    uint64_t edges = pit_irq0_edges(&vp->pit, vplatform_pit_clock(vp, tsc));
    if (edges) {
        bool latched = (vp->pic.master.irr & PIC_IRQ_BIT(VPLATFORM_PIT_IRQ)) != 0;
        vp->ticks_lost += latched ? edges : edges - 1;
        pic_set_irq(&vp->pic, VPLATFORM_PIT_IRQ, true);
        pic_set_irq(&vp->pic, VPLATFORM_PIT_IRQ, false);
        vplatform_apic_isa_irq(vp, VPLATFORM_PIT_IRQ, true);
        vplatform_apic_isa_irq(vp, VPLATFORM_PIT_IRQ, false);
    }
    bool uart = uart16550_irq(&vp->uart);
    pic_set_irq(&vp->pic, UART_COM1_IRQ, uart);
    vplatform_apic_isa_irq(vp, UART_COM1_IRQ, uart);
    /* A byte the guest read drops its IRQ line; the next waiting byte raises it again:
     * one edge per byte, as on a PC (i8042.h). */
    kbc_lines(vp);
    if (i8042_service(&vp->kbc))
        kbc_lines(vp);
    bool rtc = cmos_rtc_irq(&vp->rtc, vplatform_ns(vp, tsc));
    pic_set_irq(&vp->pic, CMOS_RTC_IRQ, rtc);
    vplatform_apic_isa_irq(vp, CMOS_RTC_IRQ, rtc);
    vplatform_apic_update(vp, tsc);
}

void vplatform_pic_write(struct virtual_platform *vp, uint16_t port, uint8_t value,
                         uint64_t tsc)
{
    vplatform_update(vp, tsc); /* time so far passed under the old masks and ISR */
    pic_port_write(&vp->pic, port, value);
    vp->changed = true; /* a mask or an EOI: what is deliverable may differ */
}

/* The PIT edge's time in PIT clocks, back to the first TSC value at which
 * vplatform_pit_clock() reaches it (rounded up, so the edge has happened by then). */
static uint64_t pit_deadline(const struct virtual_platform *vp, uint64_t tsc)
{
    /* A blocked timer line needs no host timer: the edges merge at the PIC, and the guest
     * can only unblock it by an exit (EOI, unmask), which brings the platform up to date.
     * Without this, a PIT faster than an exit would keep hvlab busy with timer exits. */
    if (vp->tsc_hz == 0 || timer_blocked(vp))
        return VPLATFORM_NO_DEADLINE;
    uint64_t edge = pit_next_irq0_edge(&vp->pit, vplatform_pit_clock(vp, tsc));
    if (edge == PIT_NEVER)
        return VPLATFORM_NO_DEADLINE;
    uint64_t ticks = scale_up(edge, PIT_HZ, vp->tsc_hz);
    if (ticks == VPLATFORM_NO_DEADLINE || ticks > VPLATFORM_NO_DEADLINE - 1 - vp->tsc_start)
        return VPLATFORM_NO_DEADLINE;
    return vp->tsc_start + ticks;
}

/* The RTC's next IRQ 8 (a periodic tap, an update end), back to the first TSC value at
 * which vplatform_ns() reaches it. As for the PIT, a blocked line needs no host timer:
 * the RTC's flags are computed when it is next looked at. */
static uint64_t rtc_deadline(const struct virtual_platform *vp, uint64_t tsc)
{
    if (vp->tsc_hz == 0 || !vplatform_isa_irq_open(vp, CMOS_RTC_IRQ, true))
        return VPLATFORM_NO_DEADLINE;
    uint64_t event = cmos_rtc_next_event(&vp->rtc, vplatform_ns(vp, tsc));
    if (event == CMOS_RTC_NEVER)
        return VPLATFORM_NO_DEADLINE;
    uint64_t ticks = scale_up(event, VPLATFORM_NS_PER_S, vp->tsc_hz);
    if (ticks == VPLATFORM_NO_DEADLINE || ticks > VPLATFORM_NO_DEADLINE - 1 - vp->tsc_start)
        return VPLATFORM_NO_DEADLINE;
    return vp->tsc_start + ticks;
}

uint64_t vplatform_next_deadline(const struct virtual_platform *vp, uint64_t tsc)
{
    uint64_t pit = pit_deadline(vp, tsc), apic = vplatform_apic_deadline(vp);
    uint64_t rtc = rtc_deadline(vp, tsc);
    uint64_t due = pit < apic ? pit : apic;
    return rtc < due ? rtc : due;
}

uint8_t vplatform_port_b_read(const struct virtual_platform *vp, uint64_t now)
{
    uint8_t value = vp->port_b;
    if (pit_output(&vp->pit, PIT_SPEAKER_CHANNEL, now))
        value |= PORT_B_OUT2;
    return value;
}

void vplatform_port_b_write(struct virtual_platform *vp, uint8_t value, uint64_t now)
{
    vp->port_b = value & PORT_B_WRITABLE;
    pit_set_gate(&vp->pit, PIT_SPEAKER_CHANNEL, (value & PORT_B_GATE2) != 0, now);
}
