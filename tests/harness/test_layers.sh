#!/usr/bin/env bash
# Layering rules (see README "Layout"): only boot/ includes GNU-EFI headers, and the
# vendor-neutral core in hypervisor/ includes no VMX or SVM backend header.
set -u
cd "$(dirname "$0")/../.."
ok=0
bad=$(grep -rlE '#include *[<"](efi|efilib)\.h' --include='*.[chS]' hypervisor arch guest 2>/dev/null)
[ -z "$bad" ] || { echo "GNU-EFI headers included outside boot/: $bad"; ok=1; }
bad=$(grep -rlE '#include *"arch/x86_64/(vmx|svm)/' --include='*.[ch]' hypervisor 2>/dev/null)
[ -z "$bad" ] || { echo "hypervisor/ includes a vendor backend header: $bad"; ok=1; }
exit $ok
