#!/usr/bin/env bash
# pick-emu.sh [--why] - the emulator that fits this host: kvm when /dev/kvm is usable and
# the CPU shows VT-x (vmx) or AMD-V (svm), otherwise bochs (VT-x emulated in software).
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
    [ "${1:-}" = --why ] && echo "/dev/kvm is usable and the CPU has vmx/svm" || echo kvm
else
    [ "${1:-}" = --why ] && echo "no usable /dev/kvm with vmx/svm: VT-x emulated by Bochs" || echo bochs
fi
