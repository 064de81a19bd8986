/*
 * test_probe_ports.c - Host unit tests for the keyboard controller and the PCI
 * configuration ports as wired into the guest's PC (hypervisor/devices/platform_ports.c,
 * hypervisor/io_bus.c, hypervisor/virtual_platform.c): port accesses through io_bus as the
 * IN/OUT handler makes them, IRQ 1 and IRQ 12 through the 8259A pair as the run loop
 * delivers them, and the reset pulse that ends the VM as a reboot.
 *
 *   guest OUT/IN --> io_bus --> i8042 / pci_config --IRQ 1, 12--> PIC --> vectors here
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/io_bus.h"
#include "hypervisor/virtual_platform.h"

#define TSC_HZ      1000000000ull
#define TSC_START   5000000ull
#define MASTER_BASE 0x20u
#define SLAVE_BASE  0x28u
#define KBD_VECTOR  (MASTER_BASE + I8042_KBD_IRQ)
#define AUX_VECTOR  (SLAVE_BASE + I8042_AUX_IRQ - PIC_CHIP_IRQS)
#define NO_VECTOR   (-1)

static uint64_t tsc_now;
static uint64_t fake_read_tsc(void) { return tsc_now; }

static struct virtual_platform vp;
static struct vcpu vcpu;

static int setup(void **state)
{
    (void)state;
    tsc_now = TSC_START;
    vplatform_reset(&vp, fake_read_tsc, TSC_HZ);
    vcpu = (struct vcpu){.platform = &vp};
    return 0;
}

static enum exit_action out(uint16_t port, uint8_t value)
{
    return io_bus_write(&vcpu, port, 1, value);
}
static uint8_t in(uint16_t port) { return (uint8_t)io_bus_read(&vcpu, port, 1); }

/* The PC programming: vectors 0x20 / 0x28, cascade on IR2, 8086 mode, all unmasked. */
static void guest_init_pic(void)
{
    const uint8_t icw1 = PIC_ICW1_INIT | PIC_ICW1_IC4;
    out(PIC_MASTER_PORT, icw1);
    out(PIC_MASTER_PORT + 1, MASTER_BASE);
    out(PIC_MASTER_PORT + 1, 1u << PIC_CASCADE_IRQ);
    out(PIC_MASTER_PORT + 1, PIC_ICW4_8086);
    out(PIC_MASTER_PORT + 1, 0);
    out(PIC_SLAVE_PORT, icw1);
    out(PIC_SLAVE_PORT + 1, SLAVE_BASE);
    out(PIC_SLAVE_PORT + 1, PIC_CASCADE_IRQ);
    out(PIC_SLAVE_PORT + 1, PIC_ICW4_8086);
    out(PIC_SLAVE_PORT + 1, 0);
}

/* What the run loop does before an entry when the platform changed, and the guest's
 * handler: the one pending vector (acknowledged and EOIed, on both PICs for a slave
 * vector), or NO_VECTOR. */
static int take_vector(void)
{
    if (vp.changed) {
        vp.changed = false;
        vplatform_update(&vp, tsc_now);
    }
    int vector = pic_pending_vector(&vp.pic);
    if (vector < 0)
        return NO_VECTOR;
    assert_int_equal(pic_acknowledge(&vp.pic), vector);
    if (vector >= (int)SLAVE_BASE)
        out(PIC_SLAVE_PORT, PIC_OCW2_NONSPECIFIC_EOI);
    out(PIC_MASTER_PORT, PIC_OCW2_NONSPECIFIC_EOI);
    return vector;
}

/* atkbd's reset through the interrupt path: each reply byte is its own IRQ 1, the next
 * byte comes only after the guest read the one before. */
static void test_keyboard_replies_one_irq1_each(void **state)
{
    (void)state;
    guest_init_pic();
    take_vector();
    assert_int_equal(out(I8042_DATA_PORT, KBD_CMD_RESET), ACTION_RESUME);
    assert_int_equal(take_vector(), KBD_VECTOR);
    assert_int_equal(take_vector(), NO_VECTOR); /* no new edge until the byte is read */
    assert_true(in(I8042_COMMAND_PORT)&I8042_STR_OBF);
    assert_int_equal(in(I8042_DATA_PORT), KBD_REPLY_ACK);
    assert_int_equal(take_vector(), KBD_VECTOR); /* the BAT byte: a second edge */
    assert_int_equal(in(I8042_DATA_PORT), KBD_REPLY_BAT_OK);
    assert_int_equal(take_vector(), NO_VECTOR);
    assert_false(in(I8042_COMMAND_PORT)&I8042_STR_OBF);
}

/* i8042_check_aux's IRQ test: with AUX_INT on, the loopback byte arrives as IRQ 12 on
 * the slave PIC. */
static void test_aux_loopback_irq12(void **state)
{
    (void)state;
    guest_init_pic();
    take_vector();
    out(I8042_COMMAND_PORT, I8042_CMD_WRITE_RAM);
    out(I8042_DATA_PORT, I8042_CTR_AUX_INT | I8042_CTR_TRANSLATE);
    out(I8042_COMMAND_PORT, I8042_CMD_WRITE_AUX_OUT);
    out(I8042_DATA_PORT, 0xA5);
    assert_int_equal(take_vector(), AUX_VECTOR);
    assert_int_equal(in(I8042_COMMAND_PORT) & (I8042_STR_OBF | I8042_STR_AUX_DATA),
                     I8042_STR_OBF | I8042_STR_AUX_DATA);
    assert_int_equal(in(I8042_DATA_PORT), 0xA5);
    assert_int_equal(take_vector(), NO_VECTOR);
}

/* Linux's reboot=kbd: 0xFE to port 0x64 ends the VM, reported as a reboot. */
static void test_reset_pulse_ends_vm_as_reboot(void **state)
{
    (void)state;
    assert_int_equal(out(I8042_COMMAND_PORT, I8042_CMD_SELF_TEST), ACTION_RESUME);
    assert_int_equal(vcpu.end, GUEST_RUNNING);
    assert_int_equal(out(I8042_COMMAND_PORT, I8042_CMD_CPU_RESET), ACTION_END);
    assert_int_equal(vcpu.end, GUEST_REBOOTED);
    assert_string_equal(vcpu.stop_reason, "i8042 reset");
}

static void test_output_port_reset_ends_vm(void **state)
{
    (void)state;
    out(I8042_COMMAND_PORT, I8042_CMD_WRITE_OUTPUT);
    assert_int_equal(out(I8042_DATA_PORT, I8042_OUT_POWER_ON & ~I8042_OUT_RESET_HIGH),
                     ACTION_END);
    assert_int_equal(vcpu.end, GUEST_REBOOTED);
}

/* pci_check_type1 and a config read through io_bus at 4 and 2 bytes; every access is
 * claimed (none counts as unclaimed). */
static void test_pci_through_io_bus(void **state)
{
    (void)state;
    io_bus_write(&vcpu, PCI_CONFIG_ADDRESS_PORT, 4, PCI_ADDR_ENABLE);
    assert_int_equal(io_bus_read(&vcpu, PCI_CONFIG_ADDRESS_PORT, 4), PCI_ADDR_ENABLE);
    assert_int_equal(io_bus_read(&vcpu, PCI_CONFIG_DATA_PORT, 4),
                     PCI_HOST_BRIDGE_DEVICE << PCI_ID_DEVICE_SHIFT | PCI_HOST_BRIDGE_VENDOR);
    assert_int_equal(io_bus_read(&vcpu, PCI_CONFIG_DATA_PORT + 2, 2), PCI_HOST_BRIDGE_DEVICE);
    io_bus_write(&vcpu, PCI_CONFIG_ADDRESS_PORT, 4,
                 PCI_ADDR_ENABLE | 1u << PCI_ADDR_DEVICE_SHIFT);
    assert_int_equal(io_bus_read(&vcpu, PCI_CONFIG_DATA_PORT, 4), PCI_NO_DEVICE);
    assert_int_equal(io_bus_unclaimed_accesses(&vcpu), 0);
    /* A new VM starts with CONFIG_ADDRESS clear. */
    vplatform_reset(&vp, fake_read_tsc, TSC_HZ);
    assert_int_equal(io_bus_read(&vcpu, PCI_CONFIG_ADDRESS_PORT, 4), 0);
}

/* The keyboard controller starts as the firmware left it, in every new VM. */
static void test_kbc_reset_with_platform(void **state)
{
    (void)state;
    out(I8042_COMMAND_PORT, I8042_CMD_WRITE_RAM);
    out(I8042_DATA_PORT, 0);
    vplatform_reset(&vp, fake_read_tsc, TSC_HZ);
    out(I8042_COMMAND_PORT, I8042_CMD_READ_RAM);
    assert_int_equal(in(I8042_DATA_PORT), I8042_CTR_FIRMWARE);
    assert_int_equal(io_bus_unclaimed_accesses(&vcpu), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
    const struct CMUnitTest tests[] = {
        T(test_keyboard_replies_one_irq1_each),
        T(test_aux_loopback_irq12),
        T(test_reset_pulse_ends_vm_as_reboot),
        T(test_output_port_reset_ends_vm),
        T(test_pci_through_io_bus),
        T(test_kbc_reset_with_platform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
