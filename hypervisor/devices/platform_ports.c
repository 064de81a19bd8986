/*
 * platform_ports.c - the guest's port view of its virtual platform: thin io_bus devices
 * that hand each access to the pure models in vcpu->platform.
 *
 *   0x20-0x21 PIC master   0x40-0x43 PIT   0x60, 0x64 8042 keyboard controller
 *   0x61 port B            0x70-0x71 RTC/CMOS   0xA0-0xA1 PIC slave
 *   0x3F8-0x3FF COM1 UART  0xCF8-0xCFF PCI configuration
 *
 * Every register but PCI's CONFIG_ADDRESS and CONFIG_DATA is one byte wide. A 2- or
 * 4-byte access reaches the register at the port it names, and the upper bytes read as zero (a real ISA bus would split it into
 * byte accesses at consecutive ports; no PC driver does that to these chips).
 * The PIT's clock is the host TSC read at the access, converted to PIT clocks; the RTC's,
 * converted to nanoseconds.
 */
#include "hypervisor/fmt.h"
#include "hypervisor/io_bus.h"
#include "hypervisor/uart16550_regs.h"
#include "hypervisor/virtual_platform.h"

static uint64_t pit_now(const struct vcpu *vcpu)
{
    return vplatform_pit_clock(vcpu->platform, vcpu->platform->read_tsc());
}

/* ---- 8259A PICs ---- */

static uint32_t pic_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    (void)size;
    return pic_port_read(&vcpu->platform->pic, port);
}

static enum exit_action pic_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                  uint32_t value)
{
    (void)size;
    struct virtual_platform *vp = vcpu->platform;
    vplatform_pic_write(vp, port, (uint8_t)value, vp->read_tsc());
    return ACTION_RESUME;
}

const struct io_device pic_master_device = {
    .name = "8259A master",
    .base = PIC_MASTER_PORT,
    .count = PIC_PORT_COUNT,
    .read = pic_read,
    .write = pic_write,
};

const struct io_device pic_slave_device = {
    .name = "8259A slave",
    .base = PIC_SLAVE_PORT,
    .count = PIC_PORT_COUNT,
    .read = pic_read,
    .write = pic_write,
};

/* ---- 8254 PIT ---- */

static uint32_t pit_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    (void)size;
    return pit_port_read(&vcpu->platform->pit, port, pit_now(vcpu));
}

static enum exit_action pit_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                  uint32_t value)
{
    (void)size;
    pit_port_write(&vcpu->platform->pit, port, (uint8_t)value, pit_now(vcpu));
    vcpu->platform->changed = true; /* the next tick moved */
    return ACTION_RESUME;
}

const struct io_device pit8254_device = {
    .name = "8254 PIT",
    .base = PIT_COUNTER0_PORT,
    .count = PIT_PORT_COUNT,
    .read = pit_read,
    .write = pit_write,
};

/* ---- system control port B ---- */

static uint32_t port_b_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    (void)port;
    (void)size;
    return vplatform_port_b_read(vcpu->platform, pit_now(vcpu));
}

static enum exit_action port_b_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                     uint32_t value)
{
    (void)port;
    (void)size;
    vplatform_port_b_write(vcpu->platform, (uint8_t)value, pit_now(vcpu));
    vcpu->platform->changed = true;
    return ACTION_RESUME;
}

const struct io_device port_b_device = {
    .name = "port B",
    .base = PORT_B,
    .count = 1,
    .read = port_b_read,
    .write = port_b_write,
};

/* ---- MC146818A RTC and CMOS RAM ---- */

static uint64_t rtc_now(const struct vcpu *vcpu)
{
    return vplatform_ns(vcpu->platform, vcpu->platform->read_tsc());
}

/* Only a read of register C changes what the RTC can deliver (it lowers IRQ 8 and lets
 * the next event count): the UIP polls and clock reads before it change nothing. */
static uint32_t rtc_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    (void)size;
    struct virtual_platform *vp = vcpu->platform;
    if (port == CMOS_DATA_PORT && vp->rtc.index == CMOS_REG_C)
        vp->changed = true;
    return cmos_rtc_port_read(&vp->rtc, port, rtc_now(vcpu));
}

/* A write may enable an interrupt or change the periodic rate. */
static enum exit_action rtc_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                  uint32_t value)
{
    (void)size;
    struct virtual_platform *vp = vcpu->platform;
    cmos_rtc_port_write(&vp->rtc, port, (uint8_t)value, rtc_now(vcpu));
    if (port == CMOS_DATA_PORT)
        vp->changed = true;
    return ACTION_RESUME;
}

const struct io_device cmos_rtc_device = {
    .name = "MC146818A RTC",
    .base = CMOS_INDEX_PORT,
    .count = CMOS_PORT_COUNT,
    .read = rtc_read,
    .write = rtc_write,
};

/* ---- 16550 UART (COM1) ---- */

/* A polled UART (LSR reads, THR writes) is the commonest exit there is: the platform is
 * marked changed only when the access moved the IRQ 4 line. */
static void note_irq_change(struct virtual_platform *vp, bool before)
{
    if (uart16550_irq(&vp->uart) != before)
        vp->changed = true;
}

static uint32_t uart_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    (void)size;
    struct virtual_platform *vp = vcpu->platform;
    bool before = uart16550_irq(&vp->uart);
    uint32_t value = uart16550_read(&vp->uart, port - COM1_PORT);
    note_irq_change(vp, before);
    return value;
}

static enum exit_action uart_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                   uint32_t value)
{
    (void)size;
    struct virtual_platform *vp = vcpu->platform;
    bool before = uart16550_irq(&vp->uart);
    uart16550_write(&vp->uart, port - COM1_PORT, (uint8_t)value);
    note_irq_change(vp, before);
    return ACTION_RESUME;
}

const struct io_device uart16550_device = {
    .name = "uart16550",
    .base = COM1_PORT,
    .count = UART_PORT_COUNT,
    .read = uart_read,
    .write = uart_write,
};

/* ---- 8042 keyboard controller ---- */

/* The guest pulsed the CPU reset line: the VM ends, reported as a reboot (vm.c). */
static enum exit_action reboot(struct vcpu *vcpu, const char *how)
{
    fmt_snprintf(vcpu->stop_reason, sizeof(vcpu->stop_reason), "%s", how);
    vcpu->end = GUEST_REBOOTED;
    return ACTION_END;
}

/* Status polls change nothing; a data read empties the buffer, and the platform lets the
 * next byte in when it next brings the IRQ lines up to date (vplatform_update). */
static uint32_t kbc_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    (void)size;
    struct virtual_platform *vp = vcpu->platform;
    if (port == I8042_DATA_PORT)
        vp->changed = true;
    return i8042_port_read(&vp->kbc, port);
}

static enum exit_action kbc_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                  uint32_t value)
{
    (void)size;
    struct virtual_platform *vp = vcpu->platform;
    vp->changed = true; /* a reply may raise IRQ 1 or 12 */
    if (i8042_port_write(&vp->kbc, port, (uint8_t)value))
        return reboot(vcpu, "i8042 reset");
    return ACTION_RESUME;
}

const struct io_device i8042_data_device = {
    .name = "8042 data",
    .base = I8042_DATA_PORT,
    .count = 1,
    .read = kbc_read,
    .write = kbc_write,
};

const struct io_device i8042_command_device = {
    .name = "8042 status/command",
    .base = I8042_COMMAND_PORT,
    .count = 1,
    .read = kbc_read,
    .write = kbc_write,
};

/* ---- PCI configuration mechanism #1 ---- */

static uint32_t pci_read(struct vcpu *vcpu, uint16_t port, uint8_t size)
{
    return pci_config_read(&vcpu->platform->pci, port, size);
}

static enum exit_action pci_write(struct vcpu *vcpu, uint16_t port, uint8_t size,
                                  uint32_t value)
{
    pci_config_write(&vcpu->platform->pci, port, size, value);
    return ACTION_RESUME;
}

const struct io_device pci_config_device = {
    .name = "PCI configuration",
    .base = PCI_CONFIG_ADDRESS_PORT,
    .count = PCI_CONFIG_PORT_COUNT,
    .read = pci_read,
    .write = pci_write,
};
