/*
 * vmx_guest.c - the guest's registers as the core sees them, on top of the VMCS.
 *
 * CR0 and CR4 have two values under VT-x: the one the guest believes in (the read
 * shadow) and the one the CPU uses (guest CR0/CR4 in the VMCS), which also carries the
 * bits VMX forces on. set_reg takes the guest's value and derives the real one.
 * See: SDM Vol. 3C, "Guest/Host Masks and Read Shadows for CR0 and CR4".
 */
#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/vmx/vmcs.h"
#include "arch/x86_64/vmx/vmentry_state.h"
#include "arch/x86_64/vmx/vmx.h"
#include "arch/x86_64/vmx/vmx_bits.h"
#include "arch/x86_64/vmx/vmx_controls.h"
#include "arch/x86_64/vmx/vmx_exit_qual.h"
#include "arch/x86_64/vmx/vmx_msrs.h"
#include "hypervisor/console.h"
#include "hypervisor/lab.h"

static struct vmx_vcpu *vmx_of(struct vcpu *vcpu) { return vcpu->arch; }

/* Long mode follows CR0.PG and EFER.LME: when both are set, EFER.LMA and the "IA-32e
 * mode guest" entry control must be set too (SDM Vol. 3C, "Checks on Guest Control
 * Registers, Debug Registers, and MSRs"). */
static void sync_long_mode(uint64_t cr0, uint64_t efer)
{
    bool lma = (cr0 & CR0_PG) && (efer & EFER_LME);
    uint64_t entry = vmcs_read(VMCS_CTRL_ENTRY);
    vmcs_write(VMCS_GUEST_IA32_EFER, lma ? efer | EFER_LMA : efer & ~EFER_LMA);
    vmcs_write(VMCS_CTRL_ENTRY,
               lma ? entry | ENTRY_IA32E_MODE_GUEST : entry & ~ENTRY_IA32E_MODE_GUEST);
}

uint64_t vmx_get_reg(struct vcpu *vcpu, enum vcpu_reg reg)
{
    struct vmx_vcpu *vv = vmx_of(vcpu);
    switch (reg) {
    case VCPU_REG_RSP: return vmcs_read(VMCS_GUEST_RSP);
    case VCPU_REG_RFLAGS: return vmcs_read(VMCS_GUEST_RFLAGS);
    case VCPU_REG_CR0:
        return (vmcs_read(VMCS_GUEST_CR0) & ~vv->cr0_owned) | (vv->cr0_shadow & vv->cr0_owned);
    case VCPU_REG_CR3: return vmcs_read(VMCS_GUEST_CR3);
    case VCPU_REG_CR4:
        return (vmcs_read(VMCS_GUEST_CR4) & ~vv->cr4_owned) | (vv->cr4_shadow & vv->cr4_owned);
    case VCPU_REG_EFER: return vmcs_read(VMCS_GUEST_IA32_EFER);
    case VCPU_REG_CS_BASE: return vmcs_read(VMCS_GUEST_CS_BASE);
    case VCPU_REG_DS_BASE: return vmcs_read(VMCS_GUEST_DS_BASE);
    case VCPU_REG_ES_BASE: return vmcs_read(VMCS_GUEST_ES_BASE);
    case VCPU_REG_CODE_BYTES: {
        uint64_t ar = vmcs_read(VMCS_GUEST_CS_AR);
        if ((vmcs_read(VMCS_GUEST_IA32_EFER) & EFER_LMA) && (ar & SEG_AR_L))
            return 8;
        return (ar & SEG_AR_DB) ? 4 : 2;
    }
    case VCPU_REG_CPL: /* SS.DPL is the CPL (SDM Vol. 3C, "Checks on Guest Segment Registers") */
        return (vmcs_read(VMCS_GUEST_SS_AR) & SEG_AR_DPL_MASK) >> SEG_AR_DPL_SHIFT;
    case VCPU_REG_CR2: return vv->cr2;
    case VCPU_REG_FS_BASE: return vmcs_read(VMCS_GUEST_FS_BASE);
    case VCPU_REG_GS_BASE: return vmcs_read(VMCS_GUEST_GS_BASE);
    case VCPU_REG_SYSENTER_CS: return vmcs_read(VMCS_GUEST_IA32_SYSENTER_CS);
    case VCPU_REG_SYSENTER_ESP: return vmcs_read(VMCS_GUEST_IA32_SYSENTER_ESP);
    case VCPU_REG_SYSENTER_EIP: return vmcs_read(VMCS_GUEST_IA32_SYSENTER_EIP);
    default: {
        const uint64_t *listed = vmx_msrs_guest_value(vv, reg);
        return listed ? *listed : 0;
    }
    }
}

void vmx_set_reg(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t value)
{
    struct vmx_vcpu *vv = vmx_of(vcpu);
    switch (reg) {
    case VCPU_REG_RSP: vmcs_write(VMCS_GUEST_RSP, value); break;
    case VCPU_REG_RFLAGS: vmcs_write(VMCS_GUEST_RFLAGS, value); break;
    case VCPU_REG_CR0: {
        /* The guest's value in the shadow; the real CR0 with the fixed bits applied,
         * except PE and PG, which unrestricted guest leaves to the guest. */
        uint64_t fixed0 = vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG);
        vv->cr0_shadow = value;
        vmcs_write(VMCS_CTRL_CR0_READ_SHADOW, value);
        vmcs_write(VMCS_GUEST_CR0, vmx_fixed_bits_apply(value, fixed0, vmx_caps.cr0_fixed1));
        sync_long_mode(value, vmcs_read(VMCS_GUEST_IA32_EFER));
        break;
    }
    case VCPU_REG_CR3: vmcs_write(VMCS_GUEST_CR3, value); break;
    case VCPU_REG_CR4:
        vv->cr4_shadow = value;
        vmcs_write(VMCS_CTRL_CR4_READ_SHADOW, value);
        vmcs_write(VMCS_GUEST_CR4,
                   vmx_fixed_bits_apply(value, vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1));
        break;
    case VCPU_REG_EFER: sync_long_mode(vv->cr0_shadow, value); break;
    case VCPU_REG_CR2: vv->cr2 = value; break;
    case VCPU_REG_FS_BASE: vmcs_write(VMCS_GUEST_FS_BASE, value); break;
    case VCPU_REG_GS_BASE: vmcs_write(VMCS_GUEST_GS_BASE, value); break;
    case VCPU_REG_SYSENTER_CS: vmcs_write(VMCS_GUEST_IA32_SYSENTER_CS, value); break;
    case VCPU_REG_SYSENTER_ESP: vmcs_write(VMCS_GUEST_IA32_SYSENTER_ESP, value); break;
    case VCPU_REG_SYSENTER_EIP: vmcs_write(VMCS_GUEST_IA32_SYSENTER_EIP, value); break;
    default: {
        /* CS/DS/ES bases are not written through this interface */
        uint64_t *listed = vmx_msrs_guest_value(vv, reg);
        if (listed)
            *listed = value;
        break;
    }
    }
}

uint64_t vmx_get_rip(struct vcpu *vcpu)
{
    (void)vcpu;
    return vmcs_read(VMCS_GUEST_RIP);
}

/* Completing an instruction for the guest ends the STI / MOV SS blocking it was under
 * (SDM Vol. 3C, "Guest Non-Register State": blocking covers one instruction). */
void vmx_set_rip(struct vcpu *vcpu, uint64_t rip)
{
    (void)vcpu;
    vmcs_write(VMCS_GUEST_RIP, rip);
    uint64_t blocking = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
    if (blocking & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
        vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
                   blocking & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* Event injection: the VM-entry interruption-information field delivers the event
 * through the guest's IDT on the next VM entry; software interrupts also need the
 * instruction length, so the return address is after the INT. The CPU clears the field's
 * valid bit on every VM exit. See: SDM Vol. 3C, "Event Injection". */
void vmx_inject_event(struct vcpu *vcpu, const struct guest_event *event)
{
    static const enum vmx_intr_type types[] = {
        [EVENT_EXTERNAL_INTERRUPT] = VMX_INTR_TYPE_EXTERNAL,
        [EVENT_NMI] = VMX_INTR_TYPE_NMI,
        [EVENT_EXCEPTION] = VMX_INTR_TYPE_HW_EXCEPTION,
        [EVENT_SOFTWARE_INTERRUPT] = VMX_INTR_TYPE_SW_INTERRUPT,
        [EVENT_SOFTWARE_EXCEPTION] = VMX_INTR_TYPE_SW_EXCEPTION,
    };
    (void)vcpu;
    vmcs_write(VMCS_CTRL_ENTRY_INTR_INFO,
               vmx_intr_info_encode(event->vector, types[event->type], event->has_error_code));
    if (event->has_error_code)
        vmcs_write(VMCS_CTRL_ENTRY_EXCEPTION_ERRCODE, event->error_code);
    if (event->type == EVENT_SOFTWARE_INTERRUPT || event->type == EVENT_SOFTWARE_EXCEPTION)
        vmcs_write(VMCS_CTRL_ENTRY_INSTR_LEN, event->instr_len);
}

/* An external interrupt can be injected only if RFLAGS.IF = 1 and nothing blocks it: the
 * instruction after STI or MOV SS (SDM Vol. 3C, "Checks on Guest Non-Register State"). */
bool vmx_interrupts_open(struct vcpu *vcpu)
{
    (void)vcpu;
    return (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
           !(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) &
             (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* "Interrupt-window exiting": the guest exits (reason 7) at the first instruction
 * boundary where it could take an interrupt. See: SDM Vol. 3C, "Interrupt-Window
 * Exiting and Virtual-Interrupt Delivery". */
void vmx_request_interrupt_window(struct vcpu *vcpu, bool on)
{
    /* LAB vmx-5 BEGIN: vmx_request_interrupt_window() */
    struct vmx_vcpu *vv = vmx_of(vcpu);
    vv->proc_controls = on ? vv->proc_controls | PROC_INTERRUPT_WINDOW_EXITING
                           : vv->proc_controls & ~PROC_INTERRUPT_WINDOW_EXITING;
    vmcs_write(VMCS_CTRL_PROC_BASED, vv->proc_controls);
    /* LAB vmx-5 END */
}

void vmx_dump_guest(struct vcpu *vcpu)
{
    const uint64_t *r = vcpu->regs.gprs;
    kprintf("  guest RIP %08lx  RSP %08lx  RFLAGS %08lx\n",
            (unsigned long)vmcs_read(VMCS_GUEST_RIP), (unsigned long)vmcs_read(VMCS_GUEST_RSP),
            (unsigned long)vmcs_read(VMCS_GUEST_RFLAGS));
    kprintf("  guest EAX %08lx  EBX %08lx  ECX %08lx  EDX %08lx\n", (unsigned long)r[GPR_RAX],
            (unsigned long)r[GPR_RBX], (unsigned long)r[GPR_RCX], (unsigned long)r[GPR_RDX]);
    kprintf("  guest ESI %08lx  EDI %08lx  EBP %08lx\n", (unsigned long)r[GPR_RSI],
            (unsigned long)r[GPR_RDI], (unsigned long)r[GPR_RBP]);
    kprintf("  guest CR0 %08lx (real %08lx)  CR3 %08lx  CR4 %08lx (real %08lx)  EFER %lx\n",
            (unsigned long)vmx_get_reg(vcpu, VCPU_REG_CR0),
            (unsigned long)vmcs_read(VMCS_GUEST_CR0), (unsigned long)vmcs_read(VMCS_GUEST_CR3),
            (unsigned long)vmx_get_reg(vcpu, VCPU_REG_CR4),
            (unsigned long)vmcs_read(VMCS_GUEST_CR4),
            (unsigned long)vmcs_read(VMCS_GUEST_IA32_EFER));
    kprintf("  guest CS %04lx base %08lx AR %05lx  SS %04lx AR %05lx  GDTR %08lx/%04lx  "
            "IDTR %08lx/%04lx\n",
            (unsigned long)vmcs_read(VMCS_GUEST_CS_SELECTOR),
            (unsigned long)vmcs_read(VMCS_GUEST_CS_BASE),
            (unsigned long)vmcs_read(VMCS_GUEST_CS_AR),
            (unsigned long)vmcs_read(VMCS_GUEST_SS_SELECTOR),
            (unsigned long)vmcs_read(VMCS_GUEST_SS_AR),
            (unsigned long)vmcs_read(VMCS_GUEST_GDTR_BASE),
            (unsigned long)vmcs_read(VMCS_GUEST_GDTR_LIMIT),
            (unsigned long)vmcs_read(VMCS_GUEST_IDTR_BASE),
            (unsigned long)vmcs_read(VMCS_GUEST_IDTR_LIMIT));
}
