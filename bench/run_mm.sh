#!/bin/sh
# Boots the page-table benchmark guest as dom0 under QEMU (TCG) and prints
# its figures. Usage: bench/run_mm.sh [--icount] [build-dir]. Not a timed
# test. Plain TCG: cycles are emulator cycles, so only ratios from one run
# mean anything. --icount adds -icount shift=0,sleep=off: the guest TSC then
# counts executed instructions and the figures repeat exactly (the way to
# compare two versions, or Xenith and Xen). A refused operation shows n/a.
set -e
icount=
if [ "$1" = --icount ]; then
    icount="-icount shift=0,sleep=off"
    shift
fi
build=${1:-build}
guest="$build/tests/guests/bench_mm.elf"
[ -f "$guest" ] || { echo "missing $guest: build the guests first" >&2; exit 1; }
[ -n "$icount" ] && echo "figures in executed instructions (-icount shift=0,sleep=off)"
# shellcheck disable=SC2086 # $icount is two words or none
timeout 300 qemu-system-i386 -accel tcg $icount -cpu pentium2 -m 128 -display none \
    -serial stdio -monitor none -no-reboot -kernel "$build/xenith.elf" \
    -append 'console=com1 dom0_mem=16M' -initrd "$guest" |
    tr -d '\r' | grep -E '^(BENCH|RATIO|RESULT|FAIL)'
