/*
 * virt_detect.h - which hardware virtualization this CPU offers, from CPUID alone.
 * The backends (arch/x86_64/vmx, arch/x86_64/svm) make the detailed checks later.
 */
#ifndef HVLAB_ARCH_VIRT_DETECT_H
#define HVLAB_ARCH_VIRT_DETECT_H

enum virt_kind { VIRT_NONE, VIRT_INTEL_VMX, VIRT_AMD_SVM };

/* Look at CPUID and say what is there; fills vendor (13 bytes). */
enum virt_kind virt_detect(char vendor[13]);

const char *virt_kind_name(enum virt_kind kind);

#endif
