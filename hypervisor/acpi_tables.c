/*
 * acpi_tables.c - build the VM's ACPI tables into a buffer (see acpi_tables.h).
 *
 * Two passes: place every table in the block first (each one's size is fixed), so that
 * each knows the addresses it points to; then write them, and give each its checksum last.
 * All multi-byte fields are little-endian (ACPI 6.4, 5.2 "ACPI System Description
 * Tables": "all numeric values ... are little-endian").
 */
#include "hypervisor/acpi_tables.h"

#include "hypervisor/apic_platform.h"
#include "hypervisor/devices/acpi_pm.h"
#include "hypervisor/devices/acpi_pm_timer.h"
#include "hypervisor/devices/io_apic.h"
#include "hypervisor/devices/local_apic.h"
#include "hypervisor/string.h"

#define BYTE_BITS 8u

/*
 * The DSDT's AML: one named object, \_S5_, the package an OS reads to learn the SLP_TYP
 * value of soft-off (ACPI 6.4, 7.4.2 "\_Sx (System States)": Package {PM1a_SLP_TYP,
 * PM1b_SLP_TYP, Reserved, Reserved}). In ASL: Name (\_S5_, Package (4) {5, 5, 0, 0}).
 * Hand-assembled from the grammar of ACPI 6.4, 20.2 "AML Grammar Definition":
 *
 *   08              NameOp (20.2.5.1: DefName := NameOp NameString DataRefObject)
 *   5C              RootChar '\' (20.2.2: NameString := <RootChar NamePath> | ...)
 *   5F 53 35 5F     NameSeg "_S5_" (20.2.2: NameSeg := LeadNameChar NameChar x3)
 *   12              PackageOp (20.2.5.4: DefPackage := PackageOp PkgLength NumElements
 *                   PackageElementList; a DefPackage is a DataObject, 20.2.3)
 *   08              PkgLength, one byte (20.2.4: bits 7:6 = 0 more bytes, 5:0 = the
 *                   length): 8 bytes from this byte to the package's end
 *   04              NumElements := ByteData: 4
 *   0A 05           BytePrefix ByteData (20.2.3: ByteConst): PM1a SLP_TYP = 5
 *   0A 05           the same for PM1b (there is no PM1b block: unused)
 *   00              ZeroOp (20.2.3: ConstObj): reserved
 *   00              ZeroOp: reserved
 */
#define AML_NAME_OP     0x08u
#define AML_ROOT_CHAR   0x5Cu
#define AML_PACKAGE_OP  0x12u
#define AML_BYTE_PREFIX 0x0Au
#define AML_ZERO_OP     0x00u
#define S5_ELEMENTS     4u
#define S5_PKG_LENGTH   8u /* PkgLength + NumElements + 2 x ByteConst + 2 x ZeroOp */

const uint8_t acpi_dsdt_aml[] = {
    AML_NAME_OP,        /* 08  Name ( */
    AML_ROOT_CHAR,      /* 5C    \ */
    '_',                /* 5F    _S5_ */
    'S',                /* 53 */
    '5',                /* 35 */
    '_',                /* 5F */
    AML_PACKAGE_OP,     /* 12    , Package ( */
    S5_PKG_LENGTH,      /* 08      (PkgLength) */
    S5_ELEMENTS,        /* 04      4) { */
    AML_BYTE_PREFIX,    /* 0A        5, */
    ACPI_PM_SLP_TYP_S5, /* 05 */
    AML_BYTE_PREFIX,    /* 0A        5, */
    ACPI_PM_SLP_TYP_S5, /* 05 */
    AML_ZERO_OP,        /* 00        0, */
    AML_ZERO_OP,        /* 00        0 }) */
};
const size_t acpi_dsdt_aml_size = sizeof(acpi_dsdt_aml);
#define AML_PACKAGE_START 7u /* acpi_dsdt_aml[7] is the PkgLength byte */
_Static_assert(sizeof(acpi_dsdt_aml) - AML_PACKAGE_START == S5_PKG_LENGTH,
               "PkgLength counts from itself to the end of the package");
_Static_assert(S5_PKG_LENGTH <= 0x3F, "one-byte PkgLength: lengths up to 63");
_Static_assert(ACPI_PM_SLP_TYP_S5 <= 0x7, "SLP_TYP is 3 bits");

#define ACPI_DSDT_LENGTH (ACPI_HEADER_LENGTH + sizeof(acpi_dsdt_aml))
#define ACPI_RSDT_LENGTH (ACPI_HEADER_LENGTH + ACPI_ROOT_ENTRIES * ACPI_RSDT_ENTRY_SIZE)
#define ACPI_XSDT_LENGTH (ACPI_HEADER_LENGTH + ACPI_ROOT_ENTRIES * ACPI_XSDT_ENTRY_SIZE)

/* Where each table sits: offsets into the buffer (the RSDP's is 0). */
struct layout {
    size_t rsdt, xsdt, fadt, facs, dsdt, madt, end;
};

static uint64_t align_up(uint64_t value, uint64_t align)
{
    return (value + align - 1) / align * align;
}

/* Place `length` bytes after `*end`, their guest address aligned to `align`. */
static size_t place(uint64_t gpa, size_t *end, size_t length, uint64_t align)
{
    size_t at = (size_t)(align_up(gpa + *end, align) - gpa);
    *end = at + length;
    return at;
}

static void lay_out(uint64_t gpa, struct layout *l)
{
    size_t end = ACPI_RSDP_LENGTH;
    l->rsdt = place(gpa, &end, ACPI_RSDT_LENGTH, ACPI_TABLES_ALIGN);
    l->xsdt = place(gpa, &end, ACPI_XSDT_LENGTH, ACPI_TABLES_ALIGN);
    l->fadt = place(gpa, &end, ACPI_FADT_LENGTH, ACPI_TABLES_ALIGN);
    l->facs = place(gpa, &end, ACPI_FACS_LENGTH, ACPI_FACS_ALIGN);
    l->dsdt = place(gpa, &end, ACPI_DSDT_LENGTH, ACPI_TABLES_ALIGN);
    l->madt = place(gpa, &end, ACPI_MADT_LENGTH, ACPI_TABLES_ALIGN);
    l->end = end;
}

/* ---- little-endian stores ---- */

static void put_le(uint8_t *at, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        at[i] = (uint8_t)(value >> (BYTE_BITS * i));
}

static void put8(uint8_t *at, uint8_t value) { at[0] = value; }
static void put16(uint8_t *at, uint16_t value) { put_le(at, value, 2); }
static void put32(uint8_t *at, uint32_t value) { put_le(at, value, 4); }
static void put64(uint8_t *at, uint64_t value) { put_le(at, value, 8); }

/* Copy an ID's characters without its terminating NUL. */
static void put_id(uint8_t *at, const char *id, size_t bytes) { memcpy(at, id, bytes); }

/* The byte that makes bytes [0, length) sum to zero, given that it is itself 0 now. */
static uint8_t checksum(const uint8_t *bytes, size_t length)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < length; i++)
        sum = (uint8_t)(sum + bytes[i]);
    return (uint8_t)(0u - sum);
}

/* ---- the tables ---- */

/* The common header (5.2.6); its checksum is set by seal() once the body is written. */
static void put_header(uint8_t *t, const char *signature, uint32_t length, uint8_t revision)
{
    put_id(t + ACPI_HEADER_SIGNATURE, signature, 4);
    put32(t + ACPI_HEADER_LENGTH_OFFSET, length);
    put8(t + ACPI_HEADER_REVISION, revision);
    put_id(t + ACPI_HEADER_OEM_ID, ACPI_OEM_ID, 6);
    put_id(t + ACPI_HEADER_OEM_TABLE_ID, ACPI_OEM_TABLE_ID, 8);
    put32(t + ACPI_HEADER_OEM_REVISION, ACPI_OEM_REVISION);
    put_id(t + ACPI_HEADER_CREATOR_ID, ACPI_CREATOR_ID, 4);
    put32(t + ACPI_HEADER_CREATOR_REVISION, ACPI_CREATOR_REVISION);
}

static void seal(uint8_t *t, uint32_t length) { t[ACPI_HEADER_CHECKSUM] = checksum(t, length); }

/* RSDP (5.2.5.3): the first checksum covers the ACPI 1.0 part, the extended one all. */
static void put_rsdp(uint8_t *r, uint64_t rsdt, uint64_t xsdt)
{
    put_id(r, ACPI_RSDP_SIGNATURE, 8);
    put_id(r + ACPI_RSDP_OEM_ID, ACPI_OEM_ID, 6);
    put8(r + ACPI_RSDP_REVISION_OFFSET, ACPI_RSDP_REVISION);
    put32(r + ACPI_RSDP_RSDT_ADDRESS, (uint32_t)rsdt);
    put32(r + ACPI_RSDP_LENGTH_OFFSET, ACPI_RSDP_LENGTH);
    put64(r + ACPI_RSDP_XSDT_ADDRESS, xsdt);
    r[ACPI_RSDP_CHECKSUM] = checksum(r, ACPI_RSDP_V1_LENGTH);
    r[ACPI_RSDP_EXT_CHECKSUM] = checksum(r, ACPI_RSDP_LENGTH);
}

/* RSDT and XSDT (5.2.7, 5.2.8): the same two tables, by 32- and by 64-bit address. */
static void put_roots(uint8_t *rsdt, uint8_t *xsdt, const uint64_t entries[ACPI_ROOT_ENTRIES])
{
    put_header(rsdt, ACPI_RSDT_SIGNATURE, ACPI_RSDT_LENGTH, ACPI_RSDT_REVISION);
    put_header(xsdt, ACPI_XSDT_SIGNATURE, ACPI_XSDT_LENGTH, ACPI_XSDT_REVISION);
    for (unsigned i = 0; i < ACPI_ROOT_ENTRIES; i++) {
        put32(rsdt + ACPI_HEADER_LENGTH + i * ACPI_RSDT_ENTRY_SIZE, (uint32_t)entries[i]);
        put64(xsdt + ACPI_HEADER_LENGTH + i * ACPI_XSDT_ENTRY_SIZE, entries[i]);
    }
    seal(rsdt, ACPI_RSDT_LENGTH);
    seal(xsdt, ACPI_XSDT_LENGTH);
}

/* FADT (5.2.9). Fields not set here are zero: no PM1b, PM2, GPE blocks, no PM timer, no
 * SMI command port (so no ACPI_ENABLE/DISABLE values), no P_BLK duty cycle, no RTC alarm
 * fields, no reset register, every X_ field (the 32-bit ones hold the addresses). */
static void put_fadt(uint8_t *f, uint64_t facs, uint64_t dsdt)
{
    put_header(f, ACPI_FADT_SIGNATURE, ACPI_FADT_LENGTH, ACPI_FADT_REVISION);
    put32(f + ACPI_FADT_FIRMWARE_CTRL, (uint32_t)facs);
    put32(f + ACPI_FADT_DSDT, (uint32_t)dsdt);
    put8(f + ACPI_FADT_PM_PROFILE, ACPI_FADT_PM_PROFILE_UNSPECIFIED);
    put16(f + ACPI_FADT_SCI_INT, ACPI_SCI_IRQ);
    put32(f + ACPI_FADT_SMI_CMD, 0);
    put32(f + ACPI_FADT_PM1A_EVT_BLK, ACPI_PM1A_EVT_PORT);
    put32(f + ACPI_FADT_PM1A_CNT_BLK, ACPI_PM1A_CNT_PORT);
    put32(f + ACPI_FADT_PM_TMR_BLK, ACPI_PM_TMR_PORT);
    put8(f + ACPI_FADT_PM_TMR_LEN, ACPI_PM_TMR_LEN);
    put8(f + ACPI_FADT_PM1_EVT_LEN, ACPI_PM1_EVT_LEN);
    put8(f + ACPI_FADT_PM1_CNT_LEN, ACPI_PM1_CNT_LEN);
    put16(f + ACPI_FADT_P_LVL2_LAT, ACPI_FADT_NO_C2_LATENCY);
    put16(f + ACPI_FADT_P_LVL3_LAT, ACPI_FADT_NO_C3_LATENCY);
    put8(f + ACPI_FADT_CENTURY, ACPI_FADT_NO_CENTURY);
    put16(f + ACPI_FADT_IAPC_BOOT_ARCH, ACPI_FADT_BOOT_ARCH);
    put32(f + ACPI_FADT_FLAGS, ACPI_FADT_FLAGS_VALUE);
    put8(f + ACPI_FADT_MINOR_VERSION, ACPI_FADT_MINOR_REVISION);
    seal(f, ACPI_FADT_LENGTH);
}

/* FACS (5.2.10): a signature, a length, a version; no global lock in use, no waking
 * vector (there is no sleep state to wake from). */
static void put_facs(uint8_t *s)
{
    put_id(s, ACPI_FACS_SIGNATURE, 4);
    put32(s + ACPI_FACS_LENGTH_OFFSET, ACPI_FACS_LENGTH);
    put8(s + ACPI_FACS_VERSION_OFFSET, ACPI_FACS_VERSION);
}

static void put_dsdt(uint8_t *d)
{
    put_header(d, ACPI_DSDT_SIGNATURE, ACPI_DSDT_LENGTH, ACPI_DSDT_REVISION);
    memcpy(d + ACPI_HEADER_LENGTH, acpi_dsdt_aml, sizeof(acpi_dsdt_aml));
    seal(d, ACPI_DSDT_LENGTH);
}

/* An Interrupt Source Override (5.2.12.5): ISA IRQ `irq` arrives on GSI `gsi`. */
static uint8_t *put_override(uint8_t *e, unsigned irq, unsigned gsi, uint16_t inti_flags)
{
    put8(e + 0, ACPI_MADT_TYPE_OVERRIDE);
    put8(e + 1, ACPI_MADT_OVERRIDE_LENGTH);
    put8(e + 2, IO_APIC_MADT_OVERRIDE_BUS_ISA); /* Bus: ISA */
    put8(e + 3, (uint8_t)irq);                  /* Source: the bus-relative IRQ */
    put32(e + 4, gsi);                          /* Global System Interrupt */
    put16(e + 8, inti_flags);                   /* MPS INTI flags */
    return e + ACPI_MADT_OVERRIDE_LENGTH;
}

/* MADT (5.2.12): the one local APIC, the I/O APIC, and the ISA IRQs that do not arrive on
 * the pin of their number or with ISA's edge, active-high signal: the PIT's IRQ 0 (pin 2,
 * where hvlab wires it; apic_platform.c) and the SCI (level, see ACPI_SCI_INTI_FLAGS). */
static void put_madt(uint8_t *m)
{
    put_header(m, ACPI_MADT_SIGNATURE, ACPI_MADT_LENGTH, ACPI_MADT_REVISION);
    put32(m + ACPI_MADT_LAPIC_ADDRESS, (uint32_t)LAPIC_BASE_DEFAULT);
    put32(m + ACPI_MADT_FLAGS, ACPI_MADT_PCAT_COMPAT);

    uint8_t *e = m + ACPI_MADT_ENTRIES;
    put8(e + 0, ACPI_MADT_TYPE_LOCAL_APIC); /* 5.2.12.2 */
    put8(e + 1, ACPI_MADT_LOCAL_APIC_LENGTH);
    put8(e + 2, ACPI_MADT_PROCESSOR_UID);
    put8(e + 3, VPLATFORM_BSP_APIC_ID);
    put32(e + 4, ACPI_MADT_LAPIC_ENABLED);
    e += ACPI_MADT_LOCAL_APIC_LENGTH;

    put8(e + 0, ACPI_MADT_TYPE_IO_APIC); /* 5.2.12.3 */
    put8(e + 1, ACPI_MADT_IO_APIC_LENGTH);
    put8(e + 2, ACPI_MADT_IO_APIC_ID);
    put8(e + 3, 0); /* reserved */
    put32(e + 4, (uint32_t)IO_APIC_DEFAULT_BASE);
    put32(e + 8, ACPI_MADT_IO_APIC_GSI_BASE);
    e += ACPI_MADT_IO_APIC_LENGTH;

    e = put_override(e, IO_APIC_PIT_ISA_IRQ, IO_APIC_PIT_PIN, ACPI_MPS_INTI_CONFORMS);
    put_override(e, ACPI_SCI_IRQ, (unsigned)io_apic_isa_irq_pin(ACPI_SCI_IRQ),
                 ACPI_SCI_INTI_FLAGS);
    seal(m, ACPI_MADT_LENGTH);
}

size_t acpi_tables_build(uint8_t *buf, size_t size, uint64_t gpa)
{
    struct layout l;
    if (gpa % ACPI_TABLES_ALIGN || gpa > ACPI_TABLES_ADDR_MAX)
        return 0;
    lay_out(gpa, &l);
    if (l.end > size || gpa + l.end - 1 > ACPI_TABLES_ADDR_MAX)
        return 0;

    memset(buf, 0, l.end);
    uint64_t roots[ACPI_ROOT_ENTRIES] = {gpa + l.fadt, gpa + l.madt};
    put_roots(buf + l.rsdt, buf + l.xsdt, roots);
    put_fadt(buf + l.fadt, gpa + l.facs, gpa + l.dsdt);
    put_facs(buf + l.facs);
    put_dsdt(buf + l.dsdt);
    put_madt(buf + l.madt);
    put_rsdp(buf, gpa + l.rsdt, gpa + l.xsdt);
    return l.end;
}

uint64_t acpi_install(const struct guest_memory *m, uint64_t gpa, uint64_t *bytes)
{
    uint8_t tables[ACPI_TABLES_MAX_SIZE];
    size_t used = acpi_tables_build(tables, sizeof(tables), gpa);
    if (used == 0 || guest_memory_write(m, gpa, tables, used) != 0)
        return 0;
    if (bytes)
        *bytes = used;
    return gpa;
}
