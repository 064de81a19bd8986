/*
 * io_bus.c - port -> device routing (see io_bus.h).
 */
#include "hypervisor/io_bus.h"

#include "hypervisor/console.h"
#include "hypervisor/virtual_platform.h"

#define ALL_ONES_32     0xFFFFFFFFu
#define SIZE_MASK(size) ((size) >= 4 ? ALL_ONES_32 : ((1u << (8 * (size))) - 1))

static const struct io_device *const devices[] = {
    &pic_master_device, &pic_slave_device,  &pit8254_device,    &port_b_device,
    &uart16550_device,  &debug_exit_device, &i8042_data_device, &i8042_command_device,
    &cmos_rtc_device,   &pci_config_device, &acpi_pm_device,    &acpi_pm_timer_device,
};
#define DEVICE_COUNT (sizeof(devices) / sizeof(devices[0]))

/* Port -> device for ports 0-0xFFF (the ISA range, 0-0x3FF, and above it the ACPI PM
 * block at 0x600 and the PCI configuration ports 0xCF8-0xCFF: all of hvlab's devices sit
 * there), built from the table above on first use: one load per access instead of a
 * search. The same for every VM (the devices' state is each VM's own, in its
 * virtual_platform). */
#define MAPPED_PORTS 0x1000u
static const struct io_device *port_map[MAPPED_PORTS];
static bool port_map_built;

static void build_port_map(void)
{
    port_map_built = true;
    for (unsigned i = 0; i < DEVICE_COUNT; i++)
        if ((unsigned)devices[i]->base + devices[i]->count > MAPPED_PORTS)
            log_error("io_bus: %s (ports 0x%x+%u) lies outside the port map: grow MAPPED_PORTS",
                      devices[i]->name, devices[i]->base, devices[i]->count);
    for (unsigned port = 0; port < MAPPED_PORTS; port++) {
        port_map[port] = 0;
        for (unsigned i = 0; i < DEVICE_COUNT; i++)
            if (port >= devices[i]->base && port - devices[i]->base < devices[i]->count)
                port_map[port] = devices[i];
    }
}

static const struct io_device *device_at(uint16_t port)
{
    if (!port_map_built)
        build_port_map();
    return port < MAPPED_PORTS ? port_map[port] : 0;
}

/* Count an access no device takes; say so once per port at info level (a guest probing
 * for hardware is worth one line, not one per access: those go to debug). */
static void note_unclaimed(struct vcpu *vcpu, uint16_t port)
{
    struct io_bus_state *bus = &vcpu->platform->io_bus;
    uint64_t bit = 1ull << (port % VPLATFORM_BITS_PER_WORD);
    uint64_t *word = &bus->logged[port / VPLATFORM_BITS_PER_WORD];
    bus->unclaimed++;
    if (*word & bit)
        return;
    *word |= bit;
    log_info("guest used port 0x%x, which no device claims: reads return all ones, writes "
             "are dropped",
             port);
}

uint32_t io_bus_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    const struct io_device *d = device_at(port);
    if (!d || !d->read) {
        note_unclaimed(vcpu, port);
        return SIZE_MASK(size);
    }
    return d->read(vcpu, port, size) & SIZE_MASK(size);
}

enum exit_action io_bus_write(struct vcpu *vcpu, uint16_t port, uint8_t size, uint32_t value)
{
    const struct io_device *d = device_at(port);
    if (!d || !d->write) {
        (void)value;
        note_unclaimed(vcpu, port);
        return ACTION_RESUME;
    }
    return d->write(vcpu, port, size, value & SIZE_MASK(size));
}

uint64_t io_bus_unclaimed_accesses(const struct vcpu *vcpu)
{
    return vcpu->platform->io_bus.unclaimed;
}
