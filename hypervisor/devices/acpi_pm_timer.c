/*
 * acpi_pm_timer.c - the ACPI PM timer (see acpi_pm_timer.h) and its port.
 */
#include "hypervisor/devices/acpi_pm_timer.h"

#include "hypervisor/io_bus.h"
#include "hypervisor/muldiv.h"
#include "hypervisor/virtual_platform.h"

#define BITS_PER_BYTE 8u
#define ALL_ONES_32   0xFFFFFFFFu

uint32_t acpi_pm_timer_count(uint64_t ns)
{
    return (uint32_t)muldiv_floor(ns, ACPI_PM_TMR_HZ, ACPI_PM_TMR_NS_HZ);
}

uint32_t acpi_pm_timer_read(uint64_t ns, unsigned offset, unsigned size)
{
    if (offset >= ACPI_PM_TMR_LEN)
        return ALL_ONES_32;
    uint32_t value = acpi_pm_timer_count(ns) >> (offset * BITS_PER_BYTE);
    unsigned missing = offset + size > ACPI_PM_TMR_LEN ? offset + size - ACPI_PM_TMR_LEN : 0;
    /* Bytes of a wide read that fall past the register read as all ones. */
    if (missing)
        value |= ALL_ONES_32 << ((size - missing) * BITS_PER_BYTE);
    return size >= sizeof(uint32_t) ? value : value & ((1u << (size * BITS_PER_BYTE)) - 1);
}

static uint32_t pm_timer_port_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    const struct virtual_platform *vp = vcpu->platform;
    return acpi_pm_timer_read(vplatform_ns(vp, vp->read_tsc()), port - ACPI_PM_TMR_PORT, size);
}

const struct io_device acpi_pm_timer_device = {
    .name = "ACPI PM timer",
    .base = ACPI_PM_TMR_PORT,
    .count = ACPI_PM_TMR_LEN,
    .read = pm_timer_port_read,
    .write = 0, /* read-only: writes are dropped as on an unclaimed port */
};
