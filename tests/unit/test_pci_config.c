/*
 * test_pci_config.c - Host unit tests for PCI configuration mechanism #1
 * (hypervisor/devices/pci_config.c): CONFIG_ADDRESS as Linux's pci_check_type1() and
 * pci_check_type2() probe it, CONFIG_DATA reads of each size and offset, the host
 * bridge's IDs, all ones everywhere else, writes dropped.
 * See: PCI Local Bus Specification 3.0, 3.2.2.3.2 "Software Generation of Configuration
 * Transactions".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/devices/pci_config.h"

#define ADDRESS PCI_CONFIG_ADDRESS_PORT
#define DATA    PCI_CONFIG_DATA_PORT

/* CONFIG_ADDRESS for bus/device/function/register, enabled (Linux's PCI_CONF1_ADDRESS). */
#define CONF1(bus, dev, fn, reg)                                                               \
    (PCI_ADDR_ENABLE | (bus) << PCI_ADDR_BUS_SHIFT | (dev) << PCI_ADDR_DEVICE_SHIFT |          \
     (fn) << PCI_ADDR_FUNCTION_SHIFT | (reg))

#define HOST_BRIDGE_ID    (PCI_HOST_BRIDGE_DEVICE << 16 | PCI_HOST_BRIDGE_VENDOR)
#define PCI_CLASS_DEVICE  0x0Au   /* Linux's offset of the 16-bit class/subclass word */
#define CLASS_BRIDGE_HOST 0x0600u /* Linux's PCI_CLASS_BRIDGE_HOST */

static struct pci_config pci;

static int setup(void **state)
{
    (void)state;
    pci_config_reset(&pci);
    return 0;
}

/* A config read the way Linux's pci_conf1_read does it: the address, then the data port
 * at the register's offset in its dword. */
static uint32_t conf1_read(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint8_t size)
{
    pci_config_write(&pci, ADDRESS, 4, CONF1(bus, dev, fn, reg & PCI_ADDR_REGISTER_MASK));
    return pci_config_read(&pci, (uint16_t)(DATA + (reg & 3)), size);
}

/* pci_check_type1: a byte to 0xCFB, then 0x80000000 to CONFIG_ADDRESS reads back. */
static void test_type1_probe(void **state)
{
    (void)state;
    pci_config_write(&pci, 0xCFB, 1, 0x01);
    uint32_t saved = pci_config_read(&pci, ADDRESS, 4);
    assert_int_equal(saved, 0); /* the byte write did not reach CONFIG_ADDRESS */
    pci_config_write(&pci, ADDRESS, 4, PCI_ADDR_ENABLE);
    assert_int_equal(pci_config_read(&pci, ADDRESS, 4), PCI_ADDR_ENABLE);
    pci_config_write(&pci, ADDRESS, 4, saved);
    assert_int_equal(pci_config_read(&pci, ADDRESS, 4), 0);
}

/* pci_check_type2 writes bytes to 0xCF8 and 0xCFA and expects them back as zero: they are
 * ordinary unclaimed ports here (all ones), so Linux does not take mechanism #2. */
static void test_byte_accesses_miss_config_address(void **state)
{
    (void)state;
    pci_config_write(&pci, ADDRESS, 4, CONF1(0, 0, 0, 0));
    pci_config_write(&pci, 0xCFB, 1, 0x00);
    pci_config_write(&pci, ADDRESS, 1, 0x00);
    pci_config_write(&pci, 0xCFA, 1, 0x00);
    pci_config_write(&pci, ADDRESS, 2, 0x0000);
    assert_int_equal(pci_config_read(&pci, ADDRESS, 1), 0xFF);
    assert_int_equal(pci_config_read(&pci, 0xCFA, 1), 0xFF);
    assert_int_equal(pci_config_read(&pci, ADDRESS, 2), 0xFFFF);
    assert_int_equal(pci_config_read(&pci, 0xCF9, 1), 0xFF);
    assert_int_equal(pci_config_read(&pci, ADDRESS, 4), CONF1(0, 0, 0, 0));
}

/* Bits 30:24 and 1:0 are read-only zeros. */
static void test_address_reserved_bits(void **state)
{
    (void)state;
    pci_config_write(&pci, ADDRESS, 4, 0xFFFFFFFFu);
    assert_int_equal(pci_config_read(&pci, ADDRESS, 4), 0x80FFFFFCu);
    pci_config_write(&pci, ADDRESS, 4, 0x7F000003u);
    assert_int_equal(pci_config_read(&pci, ADDRESS, 4), 0);
}

/* pci_sanity_check: bus 0 has a host bridge (class word 0x0600 at offset 0x0A). */
static void test_host_bridge(void **state)
{
    (void)state;
    assert_int_equal(conf1_read(0, 0, 0, PCI_CLASS_DEVICE, 2), CLASS_BRIDGE_HOST);
    assert_int_equal(conf1_read(0, 0, 0, 0x00, 4), HOST_BRIDGE_ID);
    assert_int_equal(conf1_read(0, 0, 0, 0x00, 2), PCI_HOST_BRIDGE_VENDOR);
    assert_int_equal(conf1_read(0, 0, 0, 0x02, 2), PCI_HOST_BRIDGE_DEVICE);
    assert_int_equal(conf1_read(0, 0, 0, 0x08, 1), PCI_HOST_BRIDGE_REVISION);
    assert_int_equal(conf1_read(0, 0, 0, 0x09, 1), 0x00); /* prog-if */
    assert_int_equal(conf1_read(0, 0, 0, 0x0B, 1), 0x06); /* class: bridge */
    assert_int_equal(conf1_read(0, 0, 0, 0x08, 4),
                     PCI_CLASS_HOST_BRIDGE << 8 | PCI_HOST_BRIDGE_REVISION);
    /* Header type 0, single function; no BARs, no capabilities. */
    assert_int_equal(conf1_read(0, 0, 0, 0x0E, 1), 0x00);
    for (unsigned reg = 0x10; reg < 0x28; reg += 4)
        assert_int_equal(conf1_read(0, 0, 0, reg, 4), 0);
    assert_int_equal(conf1_read(0, 0, 0, 0x34, 1), 0);
}

/* The bus scan: every other device and function, on every bus, reads all ones. */
static void test_no_other_device(void **state)
{
    (void)state;
    for (unsigned dev = 0; dev < 32; dev++)
        for (unsigned fn = 0; fn < 8; fn++)
            if (dev || fn)
                assert_int_equal(conf1_read(0, dev, fn, 0, 4), PCI_NO_DEVICE);
    assert_int_equal(conf1_read(1, 0, 0, 0, 4), PCI_NO_DEVICE);
    assert_int_equal(conf1_read(255, 31, 7, 0xFC, 4), PCI_NO_DEVICE);
    assert_int_equal(conf1_read(0, 1, 0, 0x02, 2), 0xFFFF);
    assert_int_equal(conf1_read(0, 0, 1, 0x0B, 1), 0xFF);
    assert_int_equal(pci_config_dword(0, 0, 1, 0), PCI_NO_DEVICE);
    assert_int_equal(pci_config_dword(0, 1, 0, 0), PCI_NO_DEVICE);
    assert_int_equal(pci_config_dword(1, 0, 0, 0), PCI_NO_DEVICE);
}

/* Enable bit clear: CONFIG_DATA is an ordinary unclaimed port. */
static void test_disabled_reads_all_ones(void **state)
{
    (void)state;
    pci_config_write(&pci, ADDRESS, 4, CONF1(0, 0, 0, 0) & ~PCI_ADDR_ENABLE);
    assert_int_equal(pci_config_read(&pci, DATA, 4), 0xFFFFFFFFu);
    assert_int_equal(pci_config_read(&pci, DATA + 2, 2), 0xFFFF);
}

/* Each byte of the data dword at its own port; an access running past 0xCFF reads ones
 * for the bytes beyond. */
static void test_data_offsets(void **state)
{
    (void)state;
    pci_config_write(&pci, ADDRESS, 4, CONF1(0, 0, 0, 0));
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(pci_config_read(&pci, (uint16_t)(DATA + i), 1),
                         (HOST_BRIDGE_ID >> (8 * i)) & 0xFF);
    assert_int_equal(pci_config_read(&pci, DATA + 1, 2), (HOST_BRIDGE_ID >> 8) & 0xFFFF);
    assert_int_equal(pci_config_read(&pci, DATA + 3, 2), 0xFF00 | (HOST_BRIDGE_ID >> 24));
    assert_int_equal(pci_config_read(&pci, DATA + 2, 4), 0xFFFF0000u | (HOST_BRIDGE_ID >> 16));
}

/* The bridge is read-only and nothing else answers: data writes change nothing, and
 * leave CONFIG_ADDRESS alone. */
static void test_data_writes_dropped(void **state)
{
    (void)state;
    pci_config_write(&pci, ADDRESS, 4, CONF1(0, 0, 0, 0x10));
    pci_config_write(&pci, DATA, 4, 0xFFFFFFFFu); /* BAR sizing */
    assert_int_equal(pci_config_read(&pci, DATA, 4), 0);
    pci_config_write(&pci, ADDRESS, 4, CONF1(0, 0, 0, 0));
    pci_config_write(&pci, DATA, 2, 0x1234);
    pci_config_write(&pci, DATA + 3, 1, 0x56);
    assert_int_equal(pci_config_read(&pci, DATA, 4), HOST_BRIDGE_ID);
    assert_int_equal(pci_config_read(&pci, ADDRESS, 4), CONF1(0, 0, 0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_type1_probe, setup),
        cmocka_unit_test_setup(test_byte_accesses_miss_config_address, setup),
        cmocka_unit_test_setup(test_address_reserved_bits, setup),
        cmocka_unit_test_setup(test_host_bridge, setup),
        cmocka_unit_test_setup(test_no_other_device, setup),
        cmocka_unit_test_setup(test_disabled_reads_all_ones, setup),
        cmocka_unit_test_setup(test_data_offsets, setup),
        cmocka_unit_test_setup(test_data_writes_dropped, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
