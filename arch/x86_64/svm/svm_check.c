/*
 * svm_check.c - why VMRUN refused a VMCB (#VMEXIT with EXITCODE = VMEXIT_INVALID).
 *
 * The CPU only says "invalid"; this walks the consistency checks the APM lists over the
 * VMCB and names each one that is broken. See: AMD APM Vol. 2, "Canonicalization and
 * Consistency Checks" (under "VMRUN Instruction"), and "Event Injection" for EVENTINJ.
 * The checker is pure: it reads the VMCB and the physical-address width only.
 */
#include "arch/x86_64/cpu_bits.h"
#include "arch/x86_64/exceptions.h"
#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/svm/svm_bits.h"
#include "hypervisor/console.h"

#define HIGH32               0xFFFFFFFF00000000ull /* bits 63:32 */
#define CR3_LONG_MBZ         0xFFF0000000000000ull /* bits 63:52 of CR3 (long mode) */
#define EFER_MBZ             0xFFFFFFFFFFE00000ull /* bits 63:21 (rev. 3.42 defines up to 20) */
#define EVENT_RESERVED       0x7FFFF000ull         /* EVENTINJ bits 30:12 */
#define EVENT_TYPE_MASK      (7ull << SVM_EVENT_TYPE_SHIFT)
#define PAT_ENTRIES          8
#define PAT_ENTRY_BITS       8
#define PAT_TYPE_MASK        0xFFull
#define PAT_VALID_TYPES      0xF3u /* types 0, 1, 4, 5, 6, 7 (2 and 3 are reserved) */
#define PAT_TYPE_MAX         7
#define MAP_PAGE_SIZE        4096ull /* the permission maps are counted in 4 KiB pages */
#define EXCEPTION_VECTOR_MAX 31      /* vectors 0-31 are exceptions */

/* Is a permission map at pa, pages long, inside the physical-address space? */
static bool map_in_range(uint64_t pa, unsigned pages, unsigned phys_bits)
{
    return phys_bits >= 64 || pa + (uint64_t)pages * MAP_PAGE_SIZE <= (1ull << phys_bits);
}

static bool pat_valid(uint64_t pat)
{
    for (unsigned i = 0; i < PAT_ENTRIES; i++) {
        uint64_t type = (pat >> (i * PAT_ENTRY_BITS)) & PAT_TYPE_MASK;
        if (type > PAT_TYPE_MAX || !(PAT_VALID_TYPES & (1u << type)))
            return false;
    }
    return true;
}

/* EVENTINJ: a valid event must have a defined type and reserved bits clear; an
 * exception vector of 2 (NMI) is illegal as type "exception". */
static bool event_legal(uint64_t event)
{
    if (!(event & SVM_EVENT_VALID))
        return true;
    uint64_t type = (event & EVENT_TYPE_MASK) >> SVM_EVENT_TYPE_SHIFT;
    uint64_t vector = event & SVM_EVENT_VECTOR_MASK;
    if (event & EVENT_RESERVED)
        return false;
    if (type != SVM_EVENT_TYPE_INTR && type != SVM_EVENT_TYPE_NMI &&
        type != SVM_EVENT_TYPE_EXCEPTION && type != SVM_EVENT_TYPE_SOFT_INT)
        return false;
    return !(type == SVM_EVENT_TYPE_EXCEPTION &&
             (vector == EXC_NMI || vector > EXCEPTION_VECTOR_MAX));
}

unsigned svm_check_vmcb(const struct vmcb *vmcb, unsigned phys_bits,
                        struct svm_check_failure *out, unsigned max)
{
    const struct vmcb_control *c = &vmcb->control;
    const struct vmcb_save *s = &vmcb->save;
    bool lme_pg = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);
    unsigned n = 0;
#define RULE(broken, text, value)                                                              \
    do {                                                                                       \
        if (broken) {                                                                          \
            if (n < max)                                                                       \
                out[n] = (struct svm_check_failure){text, value};                              \
            n++;                                                                               \
        }                                                                                      \
    } while (0)

    RULE(!(s->efer & EFER_SVME), "EFER.SVME is zero in the guest's EFER", s->efer);
    RULE(!(s->cr0 & CR0_CD) && (s->cr0 & CR0_NW), "CR0.CD is zero and CR0.NW is set", s->cr0);
    RULE(s->cr0 & HIGH32, "CR0[63:32] are not zero", s->cr0);
    RULE(lme_pg && (s->cr3 & CR3_LONG_MBZ), "CR3 has MBZ bits set (long mode: bits 63:52)",
         s->cr3);
    RULE(s->cr4 & HIGH32, "CR4 has MBZ bits set (bits 63:32)", s->cr4);
    RULE(s->dr6 & HIGH32, "DR6[63:32] are not zero", s->dr6);
    RULE(s->dr7 & HIGH32, "DR7[63:32] are not zero", s->dr7);
    RULE(s->efer & EFER_MBZ, "EFER has MBZ bits set", s->efer);
    RULE(lme_pg && !(s->cr4 & CR4_PAE), "EFER.LME and CR0.PG are set and CR4.PAE is zero",
         s->cr4);
    RULE(lme_pg && !(s->cr0 & CR0_PE), "EFER.LME and CR0.PG are set and CR0.PE is zero",
         s->cr0);
    RULE(lme_pg && (s->cr4 & CR4_PAE) && (s->cs.attrib & SVM_ATTR_L) &&
             (s->cs.attrib & SVM_ATTR_DB),
         "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all set", s->cs.attrib);
    RULE(!(c->intercept_misc2 & SVM_INTERCEPT_VMRUN), "the VMRUN intercept bit is clear",
         c->intercept_misc2);
    RULE(!map_in_range(c->msrpm_base_pa, SVM_MSRPM_PAGES, phys_bits),
         "the MSR permission map reaches past the physical-address width", c->msrpm_base_pa);
    RULE(!map_in_range(c->iopm_base_pa, SVM_IOPM_PAGES, phys_bits),
         "the I/O permission map reaches past the physical-address width", c->iopm_base_pa);
    RULE(!event_legal(c->eventinj),
         "EVENTINJ holds an illegal event (type, vector or "
         "reserved bits)",
         c->eventinj);
    RULE(c->guest_asid == 0, "ASID is zero (ASID 0 is the host's)", c->guest_asid);
    RULE((c->np_control & SVM_NP_ENABLE) && !pat_valid(s->g_pat),
         "nested paging is on and G_PAT holds a reserved memory type", s->g_pat);
    RULE((c->np_control & SVM_NP_ENABLE) && (c->n_cr3 & CR3_LONG_MBZ),
         "nested paging is on and N_CR3 has MBZ bits set", c->n_cr3);
#undef RULE
    return n;
}

#define FAILURES_SHOWN 8

void svm_explain_invalid(const struct vmcb *vmcb)
{
    struct svm_check_failure failures[FAILURES_SHOWN];
    unsigned n = svm_check_vmcb(vmcb, svm_caps.phys_bits, failures, FAILURES_SHOWN);
    if (n == 0) {
        log_error("VMRUN consistency checks: none of the rules hvlab checks is broken "
                  "(see APM Vol. 2, \"Canonicalization and Consistency Checks\": segment "
                  "and canonical-address rules are not checked here)");
        return;
    }
    for (unsigned i = 0; i < n && i < FAILURES_SHOWN; i++)
        log_error("VMRUN consistency check failed: %s (0x%lx). See: APM Vol. 2, "
                  "\"Canonicalization and Consistency Checks\"",
                  failures[i].rule, (unsigned long)failures[i].value);
}
