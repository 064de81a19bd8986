/*
 * virt_backend.c - VT-x or AMD-V: the one place that knows which backends exist.
 */
#include "arch/x86_64/virt_backend.h"

#include "arch/x86_64/vmx/vmx.h"
#include "hypervisor/fmt.h"

const struct virt_ops *virt_backend_for(enum virt_kind kind, char *why, size_t why_len)
{
    switch (kind) {
    case VIRT_INTEL_VMX: return &vmx_ops;
    case VIRT_AMD_SVM:
        fmt_snprintf(why, why_len,
                     "AMD-V (SVM) is present, but this build of hvlab has no "
                     "SVM backend yet: boot it in Bochs or on an Intel CPU");
        return 0;
    default:
        fmt_snprintf(why, why_len,
                     "this CPU offers neither VT-x nor AMD-V: no guest can run "
                     "(in QEMU use -cpu host with KVM, or boot in Bochs)");
        return 0;
    }
}
