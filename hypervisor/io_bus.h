/*
 * io_bus.h - the guest's I/O port space: a table of emulated devices by port range.
 *
 * Every port access the guest makes exits (the I/O bitmaps intercept all ports), and
 * handle_io() sends it here one access at a time. A port no device claims behaves like
 * an empty ISA bus: reads return all ones, writes are dropped (and counted); the first
 * access to each such port is logged once.
 */
#ifndef HVLAB_IO_BUS_H
#define HVLAB_IO_BUS_H

#include <stdint.h>

#include "hypervisor/vcpu.h"

struct io_device {
    const char *name;
    uint16_t base;  /* first port */
    uint16_t count; /* number of ports */
    /* Read `size` bytes (1, 2, 4) at port; the value is zero-extended. */
    uint32_t (*read)(struct vcpu *vcpu, uint16_t port, uint8_t size);
    /* Write; a device can end the guest (the debug-exit port does). */
    enum exit_action (*write)(struct vcpu *vcpu, uint16_t port, uint8_t size, uint32_t value);
};

/* The devices every guest gets (hypervisor/devices/): the platform's chips, whose state
 * is in vcpu->platform (platform_ports.c), and the debug-exit port. */
extern const struct io_device pic_master_device;
extern const struct io_device pic_slave_device;
extern const struct io_device pit8254_device;
extern const struct io_device port_b_device;
extern const struct io_device cmos_rtc_device;
extern const struct io_device uart16550_device;
extern const struct io_device debug_exit_device;
extern const struct io_device i8042_data_device;
extern const struct io_device i8042_command_device;
extern const struct io_device pci_config_device;
extern const struct io_device acpi_pm_timer_device; /* 0x608-0x60B */
extern const struct io_device acpi_pm_timer_device; /* 0x608-0x60B */
extern const struct io_device acpi_pm_device; /* ACPI PM1a blocks, 0x600-0x605 */

uint32_t io_bus_read(struct vcpu *vcpu, uint16_t port, uint8_t size);
enum exit_action io_bus_write(struct vcpu *vcpu, uint16_t port, uint8_t size, uint32_t value);

/* Accesses to ports no device claims since the guest started (for its report). The
 * record is the VM's own (vcpu->platform->io_bus); vplatform_reset starts it over. */
uint64_t io_bus_unclaimed_accesses(const struct vcpu *vcpu);

#endif
