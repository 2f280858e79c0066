#!/usr/bin/env bash
# Interdomain figures under QEMU's -icount shift=0,sleep=off (the guest TSC
# counts executed instructions, so the figures repeat exactly): the event
# round trip between two domUs on one CPU and on two, and a 4 KiB grant copy
# against an in-guest copy. The domUs are those of guest_interdomain
# (tests/guests/interdomain_launch.cpp), without the intruder.
#   bench/run_interdomain.sh [build dir] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROUNDS=${2:-1000}
cmake --build "$BUILD" --target guest_interdomain_launch interdomain_launch_ramdisk >/dev/null
# The figure lines come from the domUs (dN: prefix); keep them and dom0's verdict.
run2() { timeout 600 qemu-system-i386 -accel tcg -icount shift=0,sleep=off -cpu pentium2 -m 128M \
        -smp "$1" -display none -monitor none -serial stdio -no-reboot \
        -kernel "$BUILD/xenith.elf" -append 'console=com1 dom0_mem=32M loglvl=warning' \
        -initrd "$BUILD/tests/guests/interdomain_launch.elf rounds=$ROUNDS quiet $2,$BUILD/tests/guests/interdomain_launch.ramdisk" \
        </dev/null 2>/dev/null | tr -d '\r' | grep -E 'figure:|FAIL|^RESULT' || true; }
echo "== one CPU (-smp 1: d1, d2 and dom0 share it)"; run2 1 ""
echo "== one CPU for both domUs (-smp 2, d1 and d2 pinned to CPU 1, dom0 to CPU 0)"; run2 2 pin=same
echo "== two CPUs (-smp 2, d1 on CPU 0, d2 on CPU 1)"; run2 2 pin=split
