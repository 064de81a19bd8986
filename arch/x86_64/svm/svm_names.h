/*
 * svm_names.h - APM names for SVM exit codes, and the compact numbering hvlab uses for
 * them in its per-reason statistics.
 *
 * SVM exit codes are sparse 64-bit numbers (0x72 CPUID, 0x400 NPF, -1 VMEXIT_INVALID);
 * the core counts exits in VCPU_RAW_REASONS_MAX (128) slots. hvlab's "raw reason" for
 * SVM is therefore a compact renumbering:
 *
 *   raw reason    SVM exit code                      APM name
 *   0             0x00-0x0F  read of any CR          VMEXIT_CR0_READ .. CR15_READ
 *   1             0x10-0x1F  write of any CR         VMEXIT_CR0_WRITE ..
 *   2             0x20-0x2F  read of any DR          VMEXIT_DR0_READ ..
 *   3             0x30-0x3F  write of any DR         VMEXIT_DR0_WRITE ..
 *   4 + (c-0x40)  0x40-0xA4  one raw reason each     VMEXIT_EXCP0 .. VMEXIT_TLBSYNC
 *                 (exceptions 4-35, INTR 36, CPUID 54, HLT 60, IOIO 63, MSR 64,
 *                  SHUTDOWN 67, VMRUN 68, VMMCALL 69)
 *   105..108      0x400-0x403                        VMEXIT_NPF .. VMEXIT_VMGEXIT
 *   109           -1                                 VMEXIT_INVALID
 *   110           -2                                 VMEXIT_BUSY
 *   111, 112      0xA5, 0xA6                         VMEXIT_BUSLOCK, VMEXIT_IDLE_HLT
 *   113, 114      -3, -4                             VMEXIT_IDLE_REQUIRED, _INVALID_PMC
 *   115           any other code                     (not in the manual)
 *
 * (0xA5 and up came after the rest was numbered; they sit at the end so the numbers
 * reports and tests know stay.) EXITCODE is 64 bits wide, and -1 is all ones; QEMU TCG
 * (7.2) stores its exit code from a 32-bit variable, so its VMEXIT_INVALID reads
 * 0x00000000FFFFFFFF: both forms count as the same negative code.
 *
 * Wording: AMD APM Vol. 2, Appendix C "SVM Intercept Exit Codes".
 */
#ifndef HVLAB_ARCH_X86_64_SVM_SVM_NAMES_H
#define HVLAB_ARCH_X86_64_SVM_SVM_NAMES_H

#include <stdint.h>

#define SVM_RAW_CR_READ      0u
#define SVM_RAW_CR_WRITE     1u
#define SVM_RAW_DR_READ      2u
#define SVM_RAW_DR_WRITE     3u
#define SVM_RAW_DENSE_FIRST  4u   /* raw reason of exit code 0x40 (VMEXIT_EXCP0) */
#define SVM_RAW_NPF          105u /* raw reasons of 0x400..0x403 follow from here */
#define SVM_RAW_INVALID      109u /* raw reasons of the codes after VMGEXIT follow from here */
#define SVM_RAW_BUSY         110u
#define SVM_RAW_UNKNOWN      115u
#define SVM_RAW_REASON_COUNT 116u

/* The compact raw reason of an SVM exit code (table above). */
uint32_t svm_raw_reason(uint64_t exitcode);

/* The exit code as the APM numbers it: a 32-bit negative code (QEMU's) sign-extended. */
uint64_t svm_exit_code_normalize(uint64_t exitcode);

/* The APM name of an exit code ("VMEXIT_CPUID"); "unknown SVM exit code" else. */
const char *svm_exit_code_name(uint64_t exitcode);

/* The name for a compact raw reason (virt_ops.exit_reason_name): the APM name, or for
 * the CR/DR groups "VMEXIT_CRn_READ" and the like. */
const char *svm_raw_reason_name(uint32_t raw);

#endif
