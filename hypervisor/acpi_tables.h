/*
 * acpi_tables.h - the ACPI tables that describe a VM's PC to the OS in it: where its
 * interrupt controllers are, which ports power it off, how it is built.
 *
 *   RSDP --RsdtAddress--> RSDT --+--> FACP (FADT) --FIRMWARE_CTRL--> FACS
 *        --XsdtAddress--> XSDT --+                --DSDT----------> DSDT: Name(\_S5_, ...)
 *                                +--> APIC (MADT): local APIC 0, I/O APIC 0, two overrides
 *
 * Everything sits in one block of guest RAM (e.g. in the BIOS area 0xE0000-0xFFFFF, where
 * an OS without boot_params.acpi_rsdp_addr scans 16-byte boundaries for the RSDP), RSDP
 * first, each table on a 16-byte boundary (the FACS on a 64-byte one, as it must be).
 * Every address is below 4 GiB, so the RSDP is revision 2 with both an RSDT and an XSDT
 * listing the same tables (an ACPI 1.0 reader takes the RSDT, a newer one the XSDT), and
 * the FADT fills its 32-bit address fields and leaves every X_ field zero (an X_ field
 * supersedes its 32-bit field only when nonzero; X_FIRMWARE_CTRL must be zero when
 * FIRMWARE_CTRL is not).
 *
 * The tables describe what hvlab's platform has (virtual_platform.h): the local APIC at
 * 0xFEE00000 (ID 0), the I/O APIC at 0xFEC00000 (ID 0, GSIs 0-23), the 8259 pair (so
 * PCAT_COMPAT), the PIT on pin 2, the PM1a blocks of devices/acpi_pm.h, the SCI on IRQ 9,
 * legacy ISA devices and an 8042, no VGA, no reset register, no PM timer.
 * Pinned to: ACPI Specification 6.4 (uefi.org/htmlspecs/ACPI_Spec_6_4_html). Sections:
 * 5.2.5.3 "Root System Description Pointer (RSDP) Structure", 5.2.6 "System Description
 * Table Header", 5.2.7 "Root System Description Table (RSDT)", 5.2.8 "Extended System
 * Description Table (XSDT)", 5.2.9 "Fixed ACPI Description Table (FADT)", 5.2.10 "Firmware
 * ACPI Control Structure (FACS)", 5.2.11.1 "Differentiated System Description Table
 * (DSDT)", 5.2.12 "Multiple APIC Description Table (MADT)", 20 "ACPI Machine Language (AML)
 * Specification".
 */
#ifndef HVLAB_ACPI_TABLES_H
#define HVLAB_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "hypervisor/guest_memory.h"

#define ACPI_TABLES_ALIGN    16u   /* the RSDP's boundary (5.2.5.1), and every table's here */
#define ACPI_FACS_ALIGN      64u   /* 5.2.10: the FACS is 64-byte aligned */
#define ACPI_TABLES_MAX_SIZE 1024u /* more than they take (acpi_tables_build says how much) */
#define ACPI_TABLES_ADDR_MAX 0xFFFFFFFFull /* 32-bit fields address them all */

/* Who made the tables (5.2.6). IDs are space-padded to their field widths. */
#define ACPI_OEM_ID           "HVLAB "   /* 6 bytes */
#define ACPI_OEM_TABLE_ID     "HVLABVM " /* 8 bytes */
#define ACPI_OEM_REVISION     1u
#define ACPI_CREATOR_ID       "HVLB" /* 4 bytes: the "compiler" of these tables */
#define ACPI_CREATOR_REVISION 1u

/* ---- RSDP (5.2.5.3, Table 5.3) ---- */
#define ACPI_RSDP_SIGNATURE       "RSD PTR " /* 8 bytes, with the trailing blank */
#define ACPI_RSDP_REVISION        2u         /* ACPI 2.0 and later: has the XSDT address */
#define ACPI_RSDP_LENGTH          36u
#define ACPI_RSDP_V1_LENGTH       20u /* the part the first checksum covers */
#define ACPI_RSDP_CHECKSUM        8u  /* byte offsets */
#define ACPI_RSDP_OEM_ID          9u
#define ACPI_RSDP_REVISION_OFFSET 15u
#define ACPI_RSDP_RSDT_ADDRESS    16u
#define ACPI_RSDP_LENGTH_OFFSET   20u
#define ACPI_RSDP_XSDT_ADDRESS    24u
#define ACPI_RSDP_EXT_CHECKSUM    32u

/* ---- System description table header (5.2.6, Table 5.4) ---- */
#define ACPI_HEADER_LENGTH           36u
#define ACPI_HEADER_SIGNATURE        0u /* 4 bytes */
#define ACPI_HEADER_LENGTH_OFFSET    4u /* 4 bytes: the whole table, header included */
#define ACPI_HEADER_REVISION         8u
#define ACPI_HEADER_CHECKSUM         9u /* the whole table sums to zero */
#define ACPI_HEADER_OEM_ID           10u
#define ACPI_HEADER_OEM_TABLE_ID     16u
#define ACPI_HEADER_OEM_REVISION     24u
#define ACPI_HEADER_CREATOR_ID       28u
#define ACPI_HEADER_CREATOR_REVISION 32u

/* ---- RSDT and XSDT (5.2.7, 5.2.8): the header, then 4- or 8-byte table addresses ---- */
#define ACPI_RSDT_SIGNATURE  "RSDT"
#define ACPI_XSDT_SIGNATURE  "XSDT"
#define ACPI_RSDT_REVISION   1u
#define ACPI_XSDT_REVISION   1u
#define ACPI_RSDT_ENTRY_SIZE 4u
#define ACPI_XSDT_ENTRY_SIZE 8u
#define ACPI_ROOT_ENTRIES    2u /* the FADT and the MADT */

/* ---- FADT (5.2.9, Table 5.9): signature "FACP", ACPI 6.4's layout, 276 bytes ---- */
#define ACPI_FADT_SIGNATURE       "FACP"
#define ACPI_FADT_REVISION        6u /* major version (header Revision) */
#define ACPI_FADT_MINOR_REVISION  4u /* "FADT Minor Version": 6.4 */
#define ACPI_FADT_LENGTH          276u
#define ACPI_FADT_FIRMWARE_CTRL   36u  /* 4: the FACS */
#define ACPI_FADT_DSDT            40u  /* 4 */
#define ACPI_FADT_PM_PROFILE      45u  /* 1: Preferred_PM_Profile, 0 = unspecified */
#define ACPI_FADT_SCI_INT         46u  /* 2 */
#define ACPI_FADT_SMI_CMD         48u  /* 4: 0 = no SMI command port, always in ACPI mode */
#define ACPI_FADT_PM1A_EVT_BLK    56u  /* 4 */
#define ACPI_FADT_PM1B_EVT_BLK    60u  /* 4 */
#define ACPI_FADT_PM1A_CNT_BLK    64u  /* 4 */
#define ACPI_FADT_PM1B_CNT_BLK    68u  /* 4 */
#define ACPI_FADT_PM2_CNT_BLK     72u  /* 4 */
#define ACPI_FADT_PM_TMR_BLK      76u  /* 4: 0 = no PM timer (optional since ACPI 5.0A) */
#define ACPI_FADT_GPE0_BLK        80u  /* 4 */
#define ACPI_FADT_GPE1_BLK        84u  /* 4 */
#define ACPI_FADT_PM1_EVT_LEN     88u  /* 1 */
#define ACPI_FADT_PM1_CNT_LEN     89u  /* 1 */
#define ACPI_FADT_PM2_CNT_LEN     90u  /* 1 */
#define ACPI_FADT_PM_TMR_LEN      91u  /* 1 */
#define ACPI_FADT_GPE0_BLK_LEN    92u  /* 1 */
#define ACPI_FADT_GPE1_BLK_LEN    93u  /* 1 */
#define ACPI_FADT_P_LVL2_LAT      96u  /* 2: > 100 = no C2 state */
#define ACPI_FADT_P_LVL3_LAT      98u  /* 2: > 1000 = no C3 state */
#define ACPI_FADT_CENTURY         108u /* 1: CMOS index of the century, 0 = none */
#define ACPI_FADT_IAPC_BOOT_ARCH  109u /* 2 */
#define ACPI_FADT_FLAGS           112u /* 4 */
#define ACPI_FADT_RESET_REG       116u /* 12: a Generic Address Structure, all zero: none */
#define ACPI_FADT_MINOR_VERSION   131u /* 1 */
#define ACPI_FADT_X_FIRMWARE_CTRL 132u /* 8: must be 0 when FIRMWARE_CTRL is not */
#define ACPI_FADT_X_DSDT          140u /* 8: 0, DSDT holds it */
#define ACPI_FADT_HYPERVISOR_ID   268u /* 8: "Hypervisor Vendor Identity", last field */

#define ACPI_FADT_PM_PROFILE_UNSPECIFIED 0u
#define ACPI_FADT_NO_C2_LATENCY          101u  /* "a value > 100 indicates ... no C2" */
#define ACPI_FADT_NO_C3_LATENCY          1001u /* "a value > 1000 indicates ... no C3" */
#define ACPI_FADT_NO_CENTURY             0u

/* IAPC_BOOT_ARCH (5.2.9.3, Table 5.11). */
#define ACPI_IAPC_LEGACY_DEVICES  (1u << 0) /* ISA devices the OS may probe (UART, PIT, RTC) */
#define ACPI_IAPC_8042            (1u << 1) /* an 8042 keyboard controller is present */
#define ACPI_IAPC_VGA_NOT_PRESENT (1u << 2) /* do not probe VGA */
#define ACPI_FADT_BOOT_ARCH                                                                    \
    (ACPI_IAPC_LEGACY_DEVICES | ACPI_IAPC_8042 | ACPI_IAPC_VGA_NOT_PRESENT)

/* FADT Flags (5.2.9, Table 5.10): what this PC without buttons, RTC wake or reset
 * register says. */
#define ACPI_FADT_WBINVD        (1u << 0)  /* WBINVD works: required of new systems */
#define ACPI_FADT_PROC_C1       (1u << 2)  /* C1 (HLT) on all processors */
#define ACPI_FADT_PWR_BUTTON    (1u << 4)  /* 1: no fixed power button (none at all here) */
#define ACPI_FADT_SLP_BUTTON    (1u << 5)  /* 1: no fixed sleep button */
#define ACPI_FADT_FIX_RTC       (1u << 6)  /* 1: no RTC wake status in fixed registers */
#define ACPI_FADT_RESET_REG_SUP (1u << 10) /* clear: no RESET_REG (the 8042 resets) */
#define ACPI_FADT_TMR_VAL_EXT   (1u << 8)  /* the PM timer counts 32 bits, not 24 */
#define ACPI_FADT_HW_REDUCED    (1u << 20) /* clear: a full fixed-hardware PC */
#define ACPI_FADT_FLAGS_VALUE                                                                  \
    (ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 | ACPI_FADT_PWR_BUTTON | ACPI_FADT_SLP_BUTTON |      \
     ACPI_FADT_FIX_RTC | ACPI_FADT_TMR_VAL_EXT)

/* The SCI: ISA IRQ 9, as on PIIX4/ICH PCs (FADT SCI_INT is the 8259 vector number). */
#define ACPI_SCI_IRQ 9u

/* ---- FACS (5.2.10, Table 5.13): no header, no checksum ---- */
#define ACPI_FACS_SIGNATURE      "FACS"
#define ACPI_FACS_LENGTH         64u
#define ACPI_FACS_VERSION        2u
#define ACPI_FACS_LENGTH_OFFSET  4u
#define ACPI_FACS_HW_SIGNATURE   8u /* 4: unchanged across boots: 0 */
#define ACPI_FACS_VERSION_OFFSET 32u

/* ---- DSDT (5.2.11.1): the header, then AML ---- */
#define ACPI_DSDT_SIGNATURE "DSDT"
#define ACPI_DSDT_REVISION  2u /* 2 and up: the AML interpreter uses 64-bit integers */

/* ---- MADT (5.2.12): signature "APIC" ---- */
#define ACPI_MADT_SIGNATURE     "APIC"
#define ACPI_MADT_REVISION      5u        /* ACPI 6.4's */
#define ACPI_MADT_LAPIC_ADDRESS 36u       /* 4: Local Interrupt Controller Address */
#define ACPI_MADT_FLAGS         40u       /* 4 */
#define ACPI_MADT_ENTRIES       44u       /* interrupt controller structures from here */
#define ACPI_MADT_PCAT_COMPAT   (1u << 0) /* dual 8259s are present too */

/* Every structure starts with Type (1 byte) and Length (1 byte). */
#define ACPI_MADT_TYPE_LOCAL_APIC   0u
#define ACPI_MADT_TYPE_IO_APIC      1u
#define ACPI_MADT_TYPE_OVERRIDE     2u  /* Interrupt Source Override */
#define ACPI_MADT_LOCAL_APIC_LENGTH 8u  /* 5.2.12.2 "Processor Local APIC Structure" */
#define ACPI_MADT_IO_APIC_LENGTH    12u /* 5.2.12.3 "I/O APIC Structure" */
#define ACPI_MADT_OVERRIDE_LENGTH   10u /* 5.2.12.5 "Interrupt Source Override Structure" */
#define ACPI_MADT_LAPIC_ENABLED     (1u << 0) /* Local APIC Flags: usable */
#define ACPI_MADT_PROCESSOR_UID     0u        /* the one vCPU's ACPI Processor UID */
#define ACPI_MADT_IO_APIC_ID        0u        /* what io_apic_reset leaves in IOAPICID */
#define ACPI_MADT_IO_APIC_GSI_BASE  0u        /* its pin 0 is global system interrupt 0 */

/* MPS INTI flags (5.2.12.5, "MPS INTI Flags"): polarity bits 1:0, trigger mode bits 3:2. */
#define ACPI_MPS_INTI_CONFORMS    0x0u /* both: as the bus says (ISA: edge, active high) */
#define ACPI_MPS_INTI_ACTIVE_HIGH 0x1u
#define ACPI_MPS_INTI_ACTIVE_LOW  0x3u
#define ACPI_MPS_INTI_EDGE        (0x1u << 2)
#define ACPI_MPS_INTI_LEVEL       (0x3u << 2)
/* The SCI is level-triggered; without an override an OS takes it active low (5.2.9,
 * SCI_INT: "sharable, level, active low"), but nothing drives hvlab's pin 9, which sits
 * low: active low would read as a SCI that never ends. So the override says active high. */
#define ACPI_SCI_INTI_FLAGS       (ACPI_MPS_INTI_LEVEL | ACPI_MPS_INTI_ACTIVE_HIGH)

#define ACPI_MADT_LENGTH                                                                       \
    (ACPI_MADT_ENTRIES + ACPI_MADT_LOCAL_APIC_LENGTH + ACPI_MADT_IO_APIC_LENGTH +              \
     2u * ACPI_MADT_OVERRIDE_LENGTH)

/* The \_S5_ object's AML (acpi_tables.c explains each byte). */
extern const uint8_t acpi_dsdt_aml[];
extern const size_t acpi_dsdt_aml_size;

/* Build every table into buf[0, size) as it will sit at guest-physical `gpa` (16-byte
 * aligned, the block below 4 GiB): the RSDP is at buf[0], i.e. at gpa. Returns the bytes
 * used, or 0 (nothing promised in buf) if gpa is unusable or size too small. */
size_t acpi_tables_build(uint8_t *buf, size_t size, uint64_t gpa);

/* Build the tables and copy them into guest RAM at `gpa`: returns the RSDP's address (for
 * boot_params.acpi_rsdp_addr) and the block's length in *bytes (to mark it ACPI-reclaimable
 * or reserved in the E820 map), or 0 if they do not fit there. */
uint64_t acpi_install(const struct guest_memory *m, uint64_t gpa, uint64_t *bytes);

#endif
