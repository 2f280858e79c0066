#!/bin/sh
# Boots the page-table benchmark guest as dom0 under QEMU (TCG) and prints
# its figures. Usage: bench/run_mm.sh [build-dir]. Not a timed test: under
# TCG cycles are emulator cycles, so only ratios from one run mean anything.
set -e
build=${1:-build}
guest="$build/tests/guests/bench_mm.elf"
[ -f "$guest" ] || { echo "missing $guest: build the guests first" >&2; exit 1; }
timeout 300 qemu-system-i386 -accel tcg -cpu pentium2 -m 128 -display none \
    -serial stdio -monitor none -no-reboot -kernel "$build/xenith.elf" \
    -append 'console=com1 dom0_mem=16M' -initrd "$guest" |
    tr -d '\r' | grep -E '^(BENCH|RATIO|RESULT|FAIL)'
