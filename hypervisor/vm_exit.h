/*
 * vm_exit.h - one vendor-neutral record of why the guest stopped running.
 *
 * The VMX and SVM backends translate their raw exits (VMX basic exit reason + exit
 * qualification, SVM EXITCODE + EXITINFO1/2) into a struct vm_exit; the core's
 * dispatch table (hypervisor/exit_dispatch.c) is indexed by its `kind`.
 */
#ifndef HVLAB_VM_EXIT_H
#define HVLAB_VM_EXIT_H

#include <stdbool.h>
#include <stdint.h>

enum vm_exit_kind {
    VM_EXIT_CPUID,            /* CPUID executed */
    VM_EXIT_IO,               /* IN/OUT/INS/OUTS to an intercepted port */
    VM_EXIT_HLT,              /* HLT executed */
    VM_EXIT_HYPERCALL,        /* VMCALL (Intel) / VMMCALL (AMD) */
    VM_EXIT_MSR_READ,         /* RDMSR */
    VM_EXIT_MSR_WRITE,        /* WRMSR */
    VM_EXIT_CR_ACCESS,        /* MOV to/from CR, CLTS, LMSW on an intercepted bit */
    VM_EXIT_MEMORY_VIOLATION, /* EPT violation / nested page fault: no such guest RAM */
    VM_EXIT_MEMORY_MISCONFIG, /* EPT misconfiguration: hvlab built a bad table */
    VM_EXIT_TRIPLE_FAULT,     /* the guest triple-faulted (shutdown) */
    VM_EXIT_EXCEPTION,        /* an intercepted exception or NMI */
    VM_EXIT_INTERRUPT,        /* an external interrupt arrived for the host */
    VM_EXIT_INTERRUPT_WINDOW, /* the guest can take an interrupt now (it asked for one) */
    VM_EXIT_VIRT_INSTRUCTION, /* the guest ran VMXON/VMRUN & co. */
    VM_EXIT_XSETBV,           /* XSETBV: a write of an extended control register (XCR0) */
    VM_EXIT_TIMER,            /* the host time source reached vcpu->deadline_tsc */
    VM_EXIT_OTHER,            /* anything else: the guest is stopped with a report */
    VM_EXIT_KIND_COUNT
};

/* An event for the guest's IDT: what a VM entry delivers, or what was being delivered
 * when an exit interrupted it. See: SDM Vol. 3C, "Event Injection" and "Information for
 * VM Exits That Occur During Event Delivery"; APM Vol. 2, "Event Injection" (EVENTINJ)
 * and "Interrupted Event Delivery" (EXITINTINFO). */
enum guest_event_type {
    EVENT_EXTERNAL_INTERRUPT, /* from the virtual PIC */
    EVENT_NMI,
    EVENT_EXCEPTION,          /* a fault or abort, e.g. #GP(0) */
    EVENT_SOFTWARE_INTERRUPT, /* INT n */
    EVENT_SOFTWARE_EXCEPTION, /* INT3, INTO */
};

struct guest_event {
    bool valid;
    enum guest_event_type type;
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    uint32_t instr_len; /* software forms: length of the INT instruction */
};

enum cr_access_type { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };

/* General-purpose register numbers, in the order instructions encode them. */
enum guest_gpr {
    GPR_RAX,
    GPR_RCX,
    GPR_RDX,
    GPR_RBX,
    GPR_RSP,
    GPR_RBP,
    GPR_RSI,
    GPR_RDI,
    GPR_R8,
    GPR_R9,
    GPR_R10,
    GPR_R11,
    GPR_R12,
    GPR_R13,
    GPR_R14,
    GPR_R15,
    GPR_COUNT
};

struct vm_exit {
    enum vm_exit_kind kind;
    uint32_t raw_reason;    /* statistics slot: VMX basic exit reason, SVM compact number */
    uint64_t hw_code;       /* the vendor's own number: VMX basic exit reason, SVM EXITCODE */
    uint64_t qualification; /* the vendor's exit qualification / EXITINFO1, for reports */
    uint64_t rip;           /* guest RIP of the instruction that exited */
    uint32_t instr_len;     /* its length in bytes; 0 when the exit has none */
    /* The event the guest was receiving when the exit hit (IDT-vectoring information /
     * EXITINTINFO); the core delivers it again at the next entry. */
    struct guest_event interrupted;

    union {
        struct {
            uint16_t port;
            uint8_t size;      /* 1, 2 or 4 bytes */
            bool in;           /* IN/INS: the guest reads the port */
            bool string;       /* INS/OUTS */
            bool rep;          /* REP prefix: RCX iterations */
            uint8_t addr_size; /* string forms: address size in bytes (2, 4, 8) */
            uint64_t seg_base; /* string forms: base of the segment the data is in */
        } io;
        struct {
            uint8_t cr; /* 0, 3, 4, 8 */
            enum cr_access_type access;
            enum guest_gpr gpr; /* MOV forms */
            uint16_t lmsw_source;
            /* The backend could not say which register or how long the instruction is
             * (SVM without decode assists): the core decodes it (cr_decode.h). */
            bool undecoded;
        } cr;
        struct {
            uint64_t gpa; /* guest-physical address accessed */
            uint64_t gla; /* guest-linear address, if gla_valid */
            bool gla_valid;
            bool read, write, fetch;             /* what the guest did */
            bool present;                        /* the second-level entry was present */
            bool readable, writable, executable; /* what the mapping allowed the guest */
        } mem;
        struct {
            uint8_t vector;
            bool has_error_code;
            uint32_t error_code;
        } exception;
        struct {
            const char *mnemonic; /* "VMXON", "VMRUN", ... */
        } virt;
    } u;
};

/* Short name of a kind, for the statistics table. */
const char *vm_exit_kind_name(enum vm_exit_kind kind);

#endif
