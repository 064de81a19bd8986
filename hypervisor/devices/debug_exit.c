/*
 * debug_exit.c - the debug-exit port: a guest writes one byte, its exit status, and ends.
 * The same port number as QEMU's isa-debug-exit device, so a guest ends the same way
 * bare under QEMU and inside hvlab (docs/hypercalls.md, "Debug-exit port").
 */
#include "hypervisor/hvlab_abi.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/virtual_platform.h"

static enum exit_action debug_exit_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                         uint32_t value)
{
    (void)port;
    (void)size;
    uart16550_flush(&vcpu->platform->uart); /* a last line without '\n' still gets printed */
    vcpu->exit_status = (uint8_t)value;
    vcpu->end = GUEST_EXITED;
    return ACTION_END;
}

const struct io_device debug_exit_device = {
    .name = "debug-exit",
    .base = HVLAB_DEBUG_EXIT_PORT,
    .count = 1,
    .read = 0,
    .write = debug_exit_write,
};
