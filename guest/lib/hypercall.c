/*
 * hypercall.c - detect hvlab through CPUID and issue VMCALL/VMMCALL hypercalls.
 *
 * See: docs/hypercalls.md for the ABI; Intel SDM Vol. 3C, "VMCALL—Call to VM Monitor";
 *      AMD APM Vol. 3, "VMMCALL". Both opcodes are 3 bytes long (0F 01 C1 and 0F 01 D9).
 */
#include "hypercall.h"

#include "cpuid.h"
#include "str.h"

/* Which instruction reaches the hypervisor: VMMCALL on AMD, VMCALL elsewhere. */
static bool use_vmmcall;

/* Copy the 12 bytes of three CPUID registers into out (NUL-terminated). */
static void cpuid_string(char out[13], uint32_t first, uint32_t second, uint32_t third)
{
    memcpy(out + 0, &first, 4);
    memcpy(out + 4, &second, 4);
    memcpy(out + 8, &third, 4);
    out[12] = '\0';
}

/* Fill *hv from CPUID and pick VMCALL or VMMCALL from the CPU vendor. */
void hv_detect(struct hv_info *hv)
{
    char vendor[CPUID_VENDOR_LEN + 1];
    struct cpuid_regs r;

    memset(hv, 0, sizeof(*hv));

    /* Leaf 0 returns the vendor in EBX, EDX, ECX order. */
    r = cpuid(CPUID_LEAF_VENDOR);
    cpuid_string(vendor, r.ebx, r.edx, r.ecx);
    use_vmmcall = mem_equal(vendor, CPUID_VENDOR_AMD, CPUID_VENDOR_LEN);

    r = cpuid(CPUID_LEAF_FEATURES);
    hv->present = (r.ecx & CPUID_1_ECX_HYPERVISOR) != 0;
    if (!hv->present)
        return;

    /* Hypervisor leaves return the signature in EBX, ECX, EDX order. */
    r = cpuid(HV_CPUID_BASE);
    hv->max_leaf = r.eax;
    cpuid_string(hv->signature, r.ebx, r.ecx, r.edx);
    hv->is_hvlab = mem_equal(hv->signature, HV_SIGNATURE_HVLAB, HV_SIGNATURE_LEN);
    if (!hv->is_hvlab || hv->max_leaf < HV_CPUID_FEATURES)
        return;

    r = cpuid(HV_CPUID_FEATURES);
    hv->abi_version = r.eax;
    hv->features = r.ebx;
}

/* True if hypercalls use VMMCALL (AMD CPU), false for VMCALL; valid after hv_detect(). */
bool hv_uses_vmmcall(void) { return use_vmmcall; }

/* Make hypercall nr with two arguments; every register but EAX is preserved. */
int32_t hypercall(uint32_t nr, uint32_t arg0, uint32_t arg1)
{
    uint32_t result;

    if (use_vmmcall)
        __asm__ volatile("vmmcall" : "=a"(result) : "a"(nr), "b"(arg0), "c"(arg1) : "memory");
    else
        __asm__ volatile("vmcall" : "=a"(result) : "a"(nr), "b"(arg0), "c"(arg1) : "memory");
    return (int32_t)result;
}

/* Make hypercall nr and return EDX:EAX; EDX is 0 on the way in. */
uint64_t hypercall_edx_eax(uint32_t nr, uint32_t arg0, uint32_t arg1)
{
    uint32_t lo, hi = 0;

    if (use_vmmcall)
        __asm__ volatile("vmmcall"
                         : "=a"(lo), "+d"(hi)
                         : "a"(nr), "b"(arg0), "c"(arg1)
                         : "memory");
    else
        __asm__ volatile("vmcall"
                         : "=a"(lo), "+d"(hi)
                         : "a"(nr), "b"(arg0), "c"(arg1)
                         : "memory");
    return ((uint64_t)hi << 32) | lo;
}
