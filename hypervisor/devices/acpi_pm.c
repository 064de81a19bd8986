/*
 * acpi_pm.c - the PM1a event and control registers (see acpi_pm.h).
 *
 * The three 16-bit registers sit back to back, so a guest access is taken byte by byte:
 * each byte lands in the register it names, and each register then applies its own rule
 * (write 1 to clear, store, or store and act) to the bytes the access wrote.
 */
#include "hypervisor/devices/acpi_pm.h"

#define BYTE_BITS      8u
#define BYTE_MASK      0xFFu
#define REGISTER_BYTES 2u /* every PM1 register is 16 bits here */
#define REGISTER_COUNT (ACPI_PM_PORT_COUNT / REGISTER_BYTES)

/* Register numbers: the byte offset divided by the register width. */
enum pm1_register { PM1_STS = 0, PM1_EN = 1, PM1_CNT = 2 };
_Static_assert(ACPI_PM1_STS_OFFSET / REGISTER_BYTES == PM1_STS, "PM1_STS first");
_Static_assert(ACPI_PM1_EN_OFFSET / REGISTER_BYTES == PM1_EN, "PM1_EN at PM1_EVT_LEN / 2");
_Static_assert(ACPI_PM1_CNT_OFFSET / REGISTER_BYTES == PM1_CNT, "PM1_CNT after the events");
_Static_assert(REGISTER_COUNT == 3, "three registers");

void acpi_pm_reset(struct acpi_pm *pm)
{
    pm->status = 0;
    pm->enable = 0;
    pm->control = 0;
    pm->sleeps_ignored = 0;
}

/* A register as the guest reads it: SCI_EN always set (ACPI-only machine), the write-only
 * GBL_RLS and SLP_EN never stored, so they read 0. */
static uint16_t register_value(const struct acpi_pm *pm, enum pm1_register reg)
{
    switch (reg) {
    case PM1_STS: return pm->status;
    case PM1_EN: return pm->enable;
    case PM1_CNT:
    default: return (uint16_t)(pm->control | ACPI_PM1_SCI_EN);
    }
}

uint32_t acpi_pm_read(const struct acpi_pm *pm, unsigned offset, unsigned size)
{
    uint32_t value = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned at = offset + i;
        uint32_t byte = ACPI_PM_NO_REGISTER;
        if (at < ACPI_PM_PORT_COUNT) {
            uint16_t reg = register_value(pm, (enum pm1_register)(at / REGISTER_BYTES));
            byte = (reg >> (BYTE_BITS * (at % REGISTER_BYTES))) & BYTE_MASK;
        }
        value |= byte << (BYTE_BITS * i);
    }
    return value;
}

/* SLP_EN was written: S5 powers off; any other type "wakes" at once (WAK_STS, which an OS
 * polls after a sleep it returns from, so it does not wait forever). See: ACPI 6.4,
 * 4.8.4.2.1 (SLP_EN, SLP_TYPx), 7.4.2 "\_Sx (System States)". */
static enum acpi_pm_request sleep_request(struct acpi_pm *pm)
{
    unsigned type = (pm->control & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT;
    if (type == ACPI_PM_SLP_TYP_S5)
        return ACPI_PM_POWER_OFF;
    pm->status |= ACPI_PM1_WAK_STS;
    pm->sleeps_ignored++;
    return ACPI_PM_SLEEP_IGNORED;
}

enum acpi_pm_request acpi_pm_write(struct acpi_pm *pm, unsigned offset, unsigned size,
                                   uint32_t value)
{
    /* Sort the bytes into registers: the bits written, and which bits were. */
    uint16_t bits[REGISTER_COUNT] = {0}, written[REGISTER_COUNT] = {0};
    for (unsigned i = 0; i < size; i++) {
        unsigned at = offset + i;
        if (at >= ACPI_PM_PORT_COUNT)
            continue; /* no register there */
        unsigned shift = BYTE_BITS * (at % REGISTER_BYTES);
        uint16_t byte = (uint16_t)((value >> (BYTE_BITS * i)) & BYTE_MASK);
        bits[at / REGISTER_BYTES] |= (uint16_t)(byte << shift);
        written[at / REGISTER_BYTES] |= (uint16_t)(BYTE_MASK << shift);
    }

    pm->status &= (uint16_t) ~(bits[PM1_STS] & ACPI_PM1_STS_DEFINED); /* write 1 to clear */
    pm->enable =
        (uint16_t)((pm->enable & ~written[PM1_EN]) | (bits[PM1_EN] & ACPI_PM1_EN_WRITABLE));
    pm->control =
        (uint16_t)((pm->control & ~written[PM1_CNT]) | (bits[PM1_CNT] & ACPI_PM1_CNT_STORED));
    if (bits[PM1_CNT] & ACPI_PM1_SLP_EN)
        return sleep_request(pm);
    return ACPI_PM_NONE;
}

void acpi_pm_set_status(struct acpi_pm *pm, uint16_t bits)
{
    pm->status |= (uint16_t)(bits & ACPI_PM1_STS_DEFINED);
}

bool acpi_pm_sci(const struct acpi_pm *pm)
{
    return (pm->status & pm->enable & ACPI_PM1_SCI_EVENTS) != 0;
}
