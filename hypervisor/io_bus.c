/*
 * io_bus.c - port -> device routing (see io_bus.h).
 */
#include "hypervisor/io_bus.h"

#include "hypervisor/console.h"

#define ALL_ONES_32     0xFFFFFFFFu
#define SIZE_MASK(size) ((size) >= 4 ? ALL_ONES_32 : ((1u << (8 * (size))) - 1))

static const struct io_device *const devices[] = {
    &pic_master_device, &pic_slave_device, &pit8254_device,
    &port_b_device,     &uart16550_device, &debug_exit_device,
};
#define DEVICE_COUNT (sizeof(devices) / sizeof(devices[0]))

static uint64_t unclaimed;

static const struct io_device *device_at(uint16_t port)
{
    for (unsigned i = 0; i < DEVICE_COUNT; i++)
        if (port >= devices[i]->base && port - devices[i]->base < devices[i]->count)
            return devices[i];
    return 0;
}

uint32_t io_bus_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    const struct io_device *d = device_at(port);
    if (!d || !d->read) {
        unclaimed++;
        log_debug("guest %u-byte IN from unclaimed port 0x%x", size, port);
        return SIZE_MASK(size);
    }
    return d->read(vcpu, port, size) & SIZE_MASK(size);
}

enum exit_action io_bus_write(struct vcpu *vcpu, uint16_t port, uint8_t size, uint32_t value)
{
    const struct io_device *d = device_at(port);
    if (!d || !d->write) {
        unclaimed++;
        log_debug("guest %u-byte OUT 0x%x to unclaimed port 0x%x", size, value, port);
        return ACTION_RESUME;
    }
    return d->write(vcpu, port, size, value & SIZE_MASK(size));
}

uint64_t io_bus_unclaimed_accesses(void) { return unclaimed; }

void io_bus_reset(void) { unclaimed = 0; }
