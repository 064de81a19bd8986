/*
 * acpi_pm_port.c - the guest's port view of its ACPI PM1a registers (devices/acpi_pm.h):
 * ports 0x600-0x605, as the FADT (acpi_tables.c) names them.
 *
 * A power-off request (SLP_EN with the \_S5_ sleep type) ends the VM the way the
 * debug-exit port does, with status 0: what `poweroff` in a guest asks for is a clean
 * end. The log says it was a power-off, then the usual "exited with status 0" follows.
 */
#include "hypervisor/console.h"
#include "hypervisor/devices/acpi_pm.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/virtual_platform.h"

#define POWER_OFF_STATUS 0u /* a guest that powers itself off ended well */

static uint32_t acpi_pm_port_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    return acpi_pm_read(&vcpu->platform->acpi_pm, port - ACPI_PM1A_EVT_PORT, size);
}

static enum exit_action power_off(struct vcpu *vcpu)
{
    uart16550_flush(&vcpu->platform->uart); /* a last line without '\n' still gets printed */
    log_info("guest \"%s\" powered off (ACPI S5: SLP_EN with SLP_TYP %u)", vcpu->guest_name,
             ACPI_PM_SLP_TYP_S5);
    vcpu->exit_status = POWER_OFF_STATUS;
    vcpu->end = GUEST_EXITED;
    return ACTION_END;
}

static enum exit_action acpi_pm_port_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                           uint32_t value)
{
    struct acpi_pm *pm = &vcpu->platform->acpi_pm;
    switch (acpi_pm_write(pm, port - ACPI_PM1A_EVT_PORT, size, value)) {
    case ACPI_PM_POWER_OFF: return power_off(vcpu);
    case ACPI_PM_SLEEP_IGNORED:
        log_info("guest \"%s\" asked for sleep type %u, a state this machine does not have "
                 "(its DSDT names only \\_S5_): it wakes at once",
                 vcpu->guest_name,
                 (unsigned)((pm->control & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT));
        return ACTION_RESUME;
    case ACPI_PM_NONE:
    default: return ACTION_RESUME;
    }
}

const struct io_device acpi_pm_device = {
    .name = "ACPI PM1a",
    .base = ACPI_PM1A_EVT_PORT,
    .count = ACPI_PM_PORT_COUNT,
    .read = acpi_pm_port_read,
    .write = acpi_pm_port_write,
};
