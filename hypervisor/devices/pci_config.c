/*
 * pci_config.c - PCI configuration mechanism #1 over a bus with only a read-only host
 * bridge (see pci_config.h).
 *
 * A CONFIG_DATA access of `size` bytes at port 0xCFC + n reads bytes n .. n + size - 1 of
 * the dword CONFIG_ADDRESS selects; bytes past 0xCFF belong to ports beyond this device,
 * which no device claims, so they read as ones.
 * See: PCI Local Bus Specification 3.0, 3.2.2.3.2 "Software Generation of Configuration
 * Transactions".
 */
#include "hypervisor/devices/pci_config.h"

#include <stdbool.h>

#define BYTE_BITS       8u
#define DWORD_BITS      32u
#define SIZE_MASK(size) ((size) >= 4 ? 0xFFFFFFFFu : ((1u << (BYTE_BITS * (size))) - 1))

void pci_config_reset(struct pci_config *pci) { pci->address = 0; }

uint32_t pci_config_dword(unsigned bus, unsigned device, unsigned function, unsigned reg)
{
    if (bus != 0 || device != 0 || function != 0)
        return PCI_NO_DEVICE;
    switch (reg) {
    case PCI_REG_ID:
        return PCI_HOST_BRIDGE_DEVICE << PCI_ID_DEVICE_SHIFT | PCI_HOST_BRIDGE_VENDOR;
    case PCI_REG_CLASS_REV:
        return PCI_CLASS_HOST_BRIDGE << PCI_CLASS_SHIFT | PCI_HOST_BRIDGE_REVISION;
    default: return 0; /* command, status, header type 0, no BARs, no capabilities */
    }
}

/* Is this access CONFIG_ADDRESS itself (a full dword at 0xCF8)? */
static bool is_address_register(uint16_t port, uint8_t size)
{
    return port == PCI_CONFIG_ADDRESS_PORT && size == PCI_CONFIG_DATA_BYTES;
}

static bool is_data_port(uint16_t port)
{
    return port >= PCI_CONFIG_DATA_PORT && port < PCI_CONFIG_DATA_PORT + PCI_CONFIG_DATA_BYTES;
}

/* The dword CONFIG_ADDRESS selects (all ones while it is disabled: then CONFIG_DATA is
 * an ordinary port that nothing claims). */
static uint32_t selected_dword(const struct pci_config *pci)
{
    uint32_t a = pci->address;
    if (!(a & PCI_ADDR_ENABLE))
        return PCI_NO_DEVICE;
    return pci_config_dword((a >> PCI_ADDR_BUS_SHIFT) & PCI_ADDR_BUS_MASK,
                            (a >> PCI_ADDR_DEVICE_SHIFT) & PCI_ADDR_DEVICE_MASK,
                            (a >> PCI_ADDR_FUNCTION_SHIFT) & PCI_ADDR_FUNCTION_MASK,
                            a & PCI_ADDR_REGISTER_MASK);
}

uint32_t pci_config_read(const struct pci_config *pci, uint16_t port, uint8_t size)
{
    if (is_address_register(port, size))
        return pci->address;
    if (!is_data_port(port))
        return SIZE_MASK(size);
    unsigned shift = BYTE_BITS * (port - PCI_CONFIG_DATA_PORT);
    uint64_t window = (uint64_t)PCI_NO_DEVICE << DWORD_BITS | selected_dword(pci);
    return (uint32_t)(window >> shift) & SIZE_MASK(size);
}

void pci_config_write(struct pci_config *pci, uint16_t port, uint8_t size, uint32_t value)
{
    if (is_address_register(port, size))
        pci->address = value & PCI_ADDR_WRITABLE;
    /* CONFIG_DATA: the host bridge's registers are read-only, and nothing else answers. */
}
