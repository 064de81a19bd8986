/*
 * svm_guest.c - the guest's registers as the core sees them, on top of the VMCB.
 *
 * SVM has no fixed CR0/CR4 bits and no read shadows: the VMCB holds the guest's CR0 and
 * CR4 as the guest wrote them. The one register hvlab must bend is EFER: SVME has to stay
 * set in the guest's EFER (a VMRUN consistency check), so it is added on write and hidden
 * on read. See: AMD APM Vol. 2, "VMCB State Save Area", "Canonicalization and
 * Consistency Checks", "Event Injection".
 */
#include <stddef.h>

#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/svm/svm_bits.h"
#include "hypervisor/console.h"
#include "hypervisor/lab.h"
#include "hypervisor/string.h"

static struct vmcb *vmcb_of(struct vcpu *vcpu) { return ((struct svm_vcpu *)vcpu->arch)->vmcb; }

/* Long mode follows CR0.PG and EFER.LME: EFER.LMA is their AND. The guest's own MOV to
 * CR0 updates it in hardware; writes made by hvlab keep it consistent the same way.
 * See: APM Vol. 2, "Enabling and Activating Long Mode". */
static void sync_long_mode(struct vmcb_save *s)
{
    bool lma = (s->cr0 & CR0_PG) && (s->efer & EFER_LME);
    s->efer = lma ? s->efer | EFER_LMA : s->efer & ~EFER_LMA;
}

/* The VMCB field of a guest MSR: VMRUN loads FS/GS base and G_PAT, VMLOAD (svm_entry.S)
 * KernelGsBase, STAR, LSTAR, CSTAR, SFMASK and SYSENTER_*, and #VMEXIT / VMSAVE store them
 * back. NULL for another register. See: APM Vol. 2, "VMCB State Save Area", "VMSAVE and
 * VMLOAD Instructions", "Nested Paging and the Guest PAT". */
#define SAVE_FIELD(reg, field)                                                                 \
    {                                                                                          \
        reg, offsetof(struct vmcb_save, field)                                                 \
    }
static const struct {
    enum vcpu_reg reg;
    size_t offset;
} vmcb_msrs[] = {
    SAVE_FIELD(VCPU_REG_FS_BASE, fs.base),
    SAVE_FIELD(VCPU_REG_GS_BASE, gs.base),
    SAVE_FIELD(VCPU_REG_KERNEL_GS_BASE, kernel_gs_base),
    SAVE_FIELD(VCPU_REG_STAR, star),
    SAVE_FIELD(VCPU_REG_LSTAR, lstar),
    SAVE_FIELD(VCPU_REG_CSTAR, cstar),
    SAVE_FIELD(VCPU_REG_FMASK, sfmask),
    SAVE_FIELD(VCPU_REG_SYSENTER_CS, sysenter_cs),
    SAVE_FIELD(VCPU_REG_SYSENTER_ESP, sysenter_esp),
    SAVE_FIELD(VCPU_REG_SYSENTER_EIP, sysenter_eip),
    SAVE_FIELD(VCPU_REG_PAT, g_pat),
};

/* Where in the VMCB a guest MSR lives (its 8 bytes), or NULL for another register. */
static uint8_t *vmcb_msr_field(struct vmcb *vmcb, enum vcpu_reg reg)
{
    for (unsigned i = 0; i < sizeof(vmcb_msrs) / sizeof(vmcb_msrs[0]); i++)
        if (vmcb_msrs[i].reg == reg)
            return (uint8_t *)&vmcb->save + vmcb_msrs[i].offset;
    return 0;
}

uint64_t svm_get_reg(struct vcpu *vcpu, enum vcpu_reg reg)
{
    const struct vmcb_save *s = &vmcb_of(vcpu)->save;
    switch (reg) {
    case VCPU_REG_RSP: return s->rsp;
    case VCPU_REG_RFLAGS: return s->rflags;
    case VCPU_REG_CR0: return s->cr0;
    case VCPU_REG_CR3: return s->cr3;
    case VCPU_REG_CR4: return s->cr4;
    case VCPU_REG_EFER: return s->efer & ~EFER_SVME; /* the guest's view: no SVM */
    case VCPU_REG_CS_BASE: return s->cs.base;
    case VCPU_REG_DS_BASE: return s->ds.base;
    case VCPU_REG_ES_BASE: return s->es.base;
    case VCPU_REG_CODE_BYTES:
        if ((s->efer & EFER_LMA) && (s->cs.attrib & SVM_ATTR_L))
            return 8;
        return (s->cs.attrib & SVM_ATTR_DB) ? 4 : 2;
    case VCPU_REG_TSC_AUX: return ((struct svm_vcpu *)vcpu->arch)->guest_tsc_aux;
    case VCPU_REG_CPL: return s->cpl;
    case VCPU_REG_CR2: return s->cr2;
    default: {
        const uint8_t *held = vmcb_msr_field(vmcb_of(vcpu), reg);
        uint64_t value = 0;
        if (held)
            memcpy(&value, held, sizeof(value));
        return value;
    }
    }
}

void svm_set_reg(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t value)
{
    struct vmcb_save *s = &vmcb_of(vcpu)->save;
    switch (reg) {
    case VCPU_REG_RSP: s->rsp = value; break;
    case VCPU_REG_RFLAGS: s->rflags = value; break;
    case VCPU_REG_CR0:
        s->cr0 = value;
        sync_long_mode(s);
        break;
    case VCPU_REG_CR3: s->cr3 = value; break;
    case VCPU_REG_CR4: s->cr4 = value; break;
    case VCPU_REG_EFER:
        s->efer = value | EFER_SVME;
        sync_long_mode(s);
        break;
    case VCPU_REG_TSC_AUX: ((struct svm_vcpu *)vcpu->arch)->guest_tsc_aux = value; break;
    case VCPU_REG_CR2: s->cr2 = value; break;
    default: {
        /* CS/DS/ES bases are not written through this interface */
        uint8_t *held = vmcb_msr_field(vmcb_of(vcpu), reg);
        if (held)
            memcpy(held, &value, sizeof(value));
        break;
    }
    }
}

uint64_t svm_get_rip(struct vcpu *vcpu) { return vmcb_of(vcpu)->save.rip; }

/* Completing an instruction for the guest ends the interrupt shadow it was in (APM Vol. 2,
 * "Interrupt Shadows": the shadow covers one instruction). */
void svm_set_rip(struct vcpu *vcpu, uint64_t rip)
{
    struct vmcb *vmcb = vmcb_of(vcpu);
    vmcb->save.rip = rip;
    vmcb->control.interrupt_shadow &= ~SVM_INT_SHADOW;
}

/* Event injection: EVENTINJ delivers the event through the guest's IDT at the next
 * VMRUN, as if it had happened on the instruction at RIP. SVM has one type for both
 * software interrupts and INT3/INTO. See: APM Vol. 2, "Event Injection". */
void svm_inject_event(struct vcpu *vcpu, const struct guest_event *event)
{
    static const uint64_t types[] = {
        [EVENT_EXTERNAL_INTERRUPT] = SVM_EVENT_TYPE_INTR,
        [EVENT_NMI] = SVM_EVENT_TYPE_NMI,
        [EVENT_EXCEPTION] = SVM_EVENT_TYPE_EXCEPTION,
        [EVENT_SOFTWARE_INTERRUPT] = SVM_EVENT_TYPE_SOFT_INT,
        [EVENT_SOFTWARE_EXCEPTION] = SVM_EVENT_TYPE_SOFT_INT,
    };
    uint64_t inj =
        event->vector | (types[event->type] << SVM_EVENT_TYPE_SHIFT) | SVM_EVENT_VALID;
    if (event->has_error_code)
        inj |= SVM_EVENT_ERROR_CODE_VALID |
               ((uint64_t)event->error_code << SVM_EVENT_ERROR_CODE_SHIFT);
    vmcb_of(vcpu)->control.eventinj = inj;
}

/* RFLAGS.IF = 1 and no interrupt shadow (VMCB offset 0x068 bit 0). See: APM Vol. 2,
 * "Interrupt Shadows". */
bool svm_interrupts_open(struct vcpu *vcpu)
{
    const struct vmcb *vmcb = vmcb_of(vcpu);
    return (vmcb->save.rflags & RFLAGS_IF) &&
           !(vmcb->control.interrupt_shadow & SVM_INT_SHADOW);
}

/* The interrupt window, SVM style: a pending virtual interrupt (V_IRQ, highest priority,
 * TPR ignored) that the VINTR intercept turns into a #VMEXIT the moment the guest could
 * take it; hvlab then clears V_IRQ and injects the real vector with EVENTINJ. See: APM
 * Vol. 2, "Virtual Interrupt Intercept", "Injecting Virtual (INTR) Interrupts". */
void svm_request_interrupt_window(struct vcpu *vcpu, bool on)
{
    /* LAB svm-5 BEGIN: svm_request_interrupt_window() */
    struct vmcb_control *c = &vmcb_of(vcpu)->control;
    const uint64_t virq = SVM_V_IRQ | SVM_V_INTR_PRIO_HIGHEST | SVM_V_IGN_TPR;
    c->virtual_interrupt = on ? c->virtual_interrupt | virq : c->virtual_interrupt & ~virq;
    /* LAB svm-5 END */
}

void svm_dump_guest(struct vcpu *vcpu)
{
    const struct vmcb_save *s = &vmcb_of(vcpu)->save;
    const uint64_t *r = vcpu->regs.gprs;
    kprintf("  guest RIP %08lx  RSP %08lx  RFLAGS %08lx  CPL %u\n", (unsigned long)s->rip,
            (unsigned long)s->rsp, (unsigned long)s->rflags, (unsigned)s->cpl);
    kprintf("  guest EAX %08lx  EBX %08lx  ECX %08lx  EDX %08lx\n", (unsigned long)r[GPR_RAX],
            (unsigned long)r[GPR_RBX], (unsigned long)r[GPR_RCX], (unsigned long)r[GPR_RDX]);
    kprintf("  guest ESI %08lx  EDI %08lx  EBP %08lx\n", (unsigned long)r[GPR_RSI],
            (unsigned long)r[GPR_RDI], (unsigned long)r[GPR_RBP]);
    kprintf("  guest CR0 %08lx  CR3 %08lx  CR4 %08lx  EFER %lx (SVME hidden from the guest)\n",
            (unsigned long)s->cr0, (unsigned long)s->cr3, (unsigned long)s->cr4,
            (unsigned long)s->efer);
    kprintf("  guest CS %04x base %08lx attr %03x  SS %04x attr %03x  GDTR %08lx/%04x  "
            "IDTR %08lx/%04x\n",
            s->cs.selector, (unsigned long)s->cs.base, s->cs.attrib, s->ss.selector,
            s->ss.attrib, (unsigned long)s->gdtr.base, s->gdtr.limit,
            (unsigned long)s->idtr.base, s->idtr.limit);
}
