/*
 * virt_backend.c - VT-x or AMD-V: the one place that knows which backends exist.
 */
#include "arch/x86_64/virt_backend.h"

#include "arch/x86_64/svm/svm.h"
#include "arch/x86_64/vmx/vmx.h"
#include "hypervisor/fmt.h"

const struct virt_ops *virt_backend_for(enum virt_kind kind, char *why, size_t why_len)
{
    switch (kind) {
    case VIRT_INTEL_VMX: return &vmx_ops;
    case VIRT_AMD_SVM: return &svm_ops;
    default:
        fmt_snprintf(why, why_len,
                     "this CPU offers neither VT-x nor AMD-V: no guest can run "
                     "(in QEMU use -cpu host with KVM, or boot in Bochs)");
        return 0;
    }
}
