/*
 * apic_mmio.c - the register pages of the local APIC (at IA32_APIC_BASE, wherever the
 * guest moves it; absent while the APIC is globally disabled) and of the I/O APIC (at
 * 0xFEC00000), as MMIO devices handing each access to the models in vcpu->platform.
 *
 * A page relocated over guest RAM is not seen: the EPT/NPT maps the RAM there, so no
 * access exits (a real APIC would hide the RAM). Guests move it above their RAM.
 */
#include "hypervisor/apic_platform.h"
#include "hypervisor/console.h"
#include "hypervisor/mmio_bus.h"
#include "hypervisor/virtual_platform.h"

#define DWORD_BYTES 4u
#define DWORD_ALIGN (DWORD_BYTES - 1u)
#define BYTE_BITS   8u
#define NMI_VECTOR  2u /* SDM Vol. 3A, "Exception and Interrupt Vectors" */

/* ---- local APIC ---- */

static uint64_t lapic_locate(const struct vcpu *vcpu)
{
    const struct local_apic *apic = &vcpu->platform->lapic;
    return local_apic_globally_enabled(apic) ? local_apic_mmio_base(apic) : MMIO_DEVICE_ABSENT;
}

static uint64_t lapic_read(struct vcpu *vcpu, uint64_t offset, uint8_t size)
{
    struct virtual_platform *vp = vcpu->platform;
    return vplatform_lapic_read(vp, (uint32_t)offset, size, vp->read_tsc());
}

/* An NMI IPI to self is injected at the next entry (no NMI blocking is tracked); SMI and
 * INIT IPIs to self are logged and ignored (hvlab has no SMM and restarts no vCPU). */
static void lapic_write(struct vcpu *vcpu, uint64_t offset, uint8_t size, uint64_t value)
{
    struct virtual_platform *vp = vcpu->platform;
    uint32_t events =
        vplatform_lapic_write(vp, (uint32_t)offset, size, (uint32_t)value, vp->read_tsc());
    if ((events & LAPIC_EVENT_NMI) && !vcpu->pending_event.valid)
        vcpu->pending_event =
            (struct guest_event){.valid = true, .type = EVENT_NMI, .vector = NMI_VECTOR};
    if (events & (LAPIC_EVENT_SMI | LAPIC_EVENT_INIT))
        log_info("guest \"%s\": %s IPI to itself ignored (not modelled)", vcpu->guest_name,
                 (events & LAPIC_EVENT_SMI) ? "SMI" : "INIT");
}

const struct mmio_device local_apic_device = {
    .name = "local APIC",
    .base = LAPIC_BASE_DEFAULT,
    .size = LAPIC_PAGE_SIZE,
    .locate = lapic_locate,
    .read = lapic_read,
    .write = lapic_write,
};

/* ---- I/O APIC ---- */

/* The registers are 32 bits wide. A narrower read returns the bytes it covers of the
 * aligned dword; a wider one the dword, zero-extended. Writes other than 4 aligned bytes
 * are dropped (the 82093AA requires dword accesses). */
static uint64_t ioapic_read(struct vcpu *vcpu, uint64_t offset, uint8_t size)
{
    uint32_t dword = io_apic_read(&vcpu->platform->ioapic, offset & ~(uint64_t)DWORD_ALIGN);
    if (size >= DWORD_BYTES)
        return dword;
    return dword >> ((offset & DWORD_ALIGN) * BYTE_BITS);
}

static void ioapic_write(struct vcpu *vcpu, uint64_t offset, uint8_t size, uint64_t value)
{
    if (size != DWORD_BYTES || (offset & DWORD_ALIGN))
        return;
    io_apic_write(&vcpu->platform->ioapic, offset, (uint32_t)value);
    vcpu->platform->changed = true; /* an unmasked line may send now (vplatform_update) */
}

const struct mmio_device io_apic_device = {
    .name = "I/O APIC",
    .base = IO_APIC_DEFAULT_BASE,
    .size = IO_APIC_MMIO_SIZE,
    .read = ioapic_read,
    .write = ioapic_write,
};
