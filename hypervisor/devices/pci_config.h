/*
 * pci_config.h - PCI configuration mechanism #1, as a guest sees it: CONFIG_ADDRESS at
 * port 0xCF8 (32 bits) and CONFIG_DATA at 0xCFC-0xCFF (1-, 2- and 4-byte accesses at any
 * of the four ports), behind which sits a bus with one device: a host bridge at 00:00.0
 * whose configuration space is read-only.
 *
 *   CONFIG_ADDRESS:  31 enable | 30:24 reserved (0) | 23:16 bus | 15:11 device |
 *                    10:8 function | 7:2 register (dword) | 1:0 (0)
 *
 * Every other bus/device/function reads all ones, the PCI answer for "no device" (vendor
 * ID 0xFFFF; a read of zeros would look like a device with vendor 0). Writes are dropped.
 *
 * Why a host bridge at all: Linux trusts mechanism #1 only after pci_sanity_check() in
 * arch/x86/pci/direct.c finds, on bus 0, a device of class "host bridge" or "VGA", or one
 * with Intel's or Compaq's vendor ID - unless the SMBIOS tables give a BIOS date of 2001
 * or later, and hvlab gives no SMBIOS tables. Without one, Linux says "PCI: Fatal: No
 * config space access function found" and runs with no PCI at all. The bridge has no
 * BARs, no capabilities and no writable register, so there is nothing for Linux to set up.
 * Its IDs are the Intel 82441FX's (the 440FX host bridge that Bochs' i440fx and QEMU's pc
 * machines show): a device drivers know and expect nothing more of.
 * See: PCI Local Bus Specification 3.0, 3.2.2.3.2 "Software Generation of Configuration
 * Transactions" (CONFIG_ADDRESS, CONFIG_DATA) and 6.1 "Configuration Space Organization";
 * Intel 440FX PCIset datasheet (order no. 290549), "PCI Configuration Registers".
 */
#ifndef HVLAB_DEVICES_PCI_CONFIG_H
#define HVLAB_DEVICES_PCI_CONFIG_H

#include <stdint.h>

#define PCI_CONFIG_ADDRESS_PORT 0xCF8u
#define PCI_CONFIG_DATA_PORT    0xCFCu
#define PCI_CONFIG_PORT_COUNT   8u /* 0xCF8-0xCFF */
#define PCI_CONFIG_DATA_BYTES   4u

/* CONFIG_ADDRESS fields. Only a 4-byte access at 0xCF8 reaches the register; any other
 * access to 0xCF8-0xCFB is an ordinary I/O access that no device claims (3.2.2.3.2). */
#define PCI_ADDR_ENABLE         0x80000000u
#define PCI_ADDR_BUS_SHIFT      16u
#define PCI_ADDR_BUS_MASK       0xFFu
#define PCI_ADDR_DEVICE_SHIFT   11u
#define PCI_ADDR_DEVICE_MASK    0x1Fu
#define PCI_ADDR_FUNCTION_SHIFT 8u
#define PCI_ADDR_FUNCTION_MASK  0x7u
#define PCI_ADDR_REGISTER_MASK  0xFCu       /* a dword's offset in configuration space */
#define PCI_ADDR_WRITABLE       0x80FFFFFCu /* 30:24 reserved and 1:0 read as 0 */

#define PCI_NO_DEVICE 0xFFFFFFFFu /* what a read finds where no device answers */

/* Configuration space header (type 0): the dwords the host bridge fills. */
#define PCI_REG_ID          0x00u /* 31:16 device ID, 15:0 vendor ID */
#define PCI_REG_CLASS_REV   0x08u /* 31:8 class code (class, subclass, prog-if), 7:0 revision */
#define PCI_ID_DEVICE_SHIFT 16u
#define PCI_CLASS_SHIFT     8u

/* The host bridge at bus 0, device 0, function 0. */
#define PCI_HOST_BRIDGE_VENDOR   0x8086u /* Intel */
#define PCI_HOST_BRIDGE_DEVICE   0x1237u /* 82441FX PCI and memory controller */
#define PCI_HOST_BRIDGE_REVISION 0x02u
#define PCI_CLASS_HOST_BRIDGE    0x060000u /* bridge, host bridge, prog-if 0 */

struct pci_config {
    uint32_t address; /* CONFIG_ADDRESS as the guest reads it back */
};

/* CONFIG_ADDRESS zero (disabled). */
void pci_config_reset(struct pci_config *pci);

/* A guest read of `size` bytes (1, 2, 4) at `port` (0xCF8-0xCFF), zero-extended. */
uint32_t pci_config_read(const struct pci_config *pci, uint16_t port, uint8_t size);

/* A guest write: only CONFIG_ADDRESS keeps anything. */
void pci_config_write(struct pci_config *pci, uint16_t port, uint8_t size, uint32_t value);

/* The dword at `reg` (a multiple of 4) of bus/device/function's configuration space:
 * the host bridge's, or PCI_NO_DEVICE. */
uint32_t pci_config_dword(unsigned bus, unsigned device, unsigned function, unsigned reg);

#endif
