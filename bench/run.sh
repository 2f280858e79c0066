#!/usr/bin/env bash
# Runs the benchmarks in QEMU (TCG) and prints each figure and its ratio to
# the native floor measured by bench/native in the same session. Under TCG
# cycles are emulator cycles: compare ratios, not absolute numbers. With
# --icount QEMU runs with -icount shift=0,sleep=off: the guest TSC counts
# executed instructions, and the figures (instructions) repeat exactly.
# An operation the hypervisor refused shows as n/a.
#   bench/run.sh [--icount] [build dir]
set -euo pipefail
cd "$(dirname "$0")/.."
icount=()
unit=cycles
if [ "${1:-}" = --icount ]; then
    icount=(-icount shift=0,sleep=off)
    unit=instructions
    shift
fi
BUILD=${1:-build}
cmake --build "$BUILD" --target bench_native guest_bench_hc guest_bench_mm >/dev/null
q() { timeout 300 qemu-system-i386 -accel tcg "${icount[@]}" -cpu max -m 256M -display none -monitor none \
        -serial stdio -no-reboot "$@" </dev/null 2>/dev/null | tr -d '\r' || true; }
native=$(q -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$BUILD/bench/native.elf")
pv=$(q -kernel "$BUILD/xenith.elf" -append 'console=com1 dom0_mem=32M loglvl=warning' \
       -initrd "$BUILD/tests/guests/bench_hc.elf")
mm=$(q -kernel "$BUILD/xenith.elf" -append 'console=com1 dom0_mem=16M loglvl=warning' \
       -initrd "$BUILD/tests/guests/bench_mm.elf")
get() { awk -v k="$2" '$2 == k { print $3 }' <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }
n3=$(get "$native" int_iret_ring3); n0=$(get "$native" int_iret_ring0)
null=$(get "$pv" null_hypercall); mc=$(get "$pv" multicall32)
mc1=$(get "$pv" multicall1); unk=$(get "$pv" unknown_hypercall)
refl=$(get "$pv" reflected_int_ring1); sys=$(get "$pv" direct_syscall_ring3)
evs=$(get "$pv" event_send_to_upcall); tmr=$(get "$pv" timer_to_upcall); blk=$(get "$pv" block_wake)
printf '%-34s %10s  %s\n' figure "$unit" ratio
printf '%-34s %10s\n' "native int/iret ring 0" "$n0"
printf '%-34s %10s\n' "native int/iret ring 3 -> 0" "$n3"
printf '%-34s %10s  %s x native ring-3 int/iret\n' "PV null hypercall" "$null" "$(ratio "$null" "$n3")"
printf '%-34s %10s  %s x one null hypercall\n' "PV multicall of 32 null entries" "$mc" "$(ratio "$mc" "$null")"
printf '%-34s %10s\n' "PV multicall of 1 null entry" "$mc1"
printf '%-34s %10s  (trap and return, no handler)\n' "PV unknown hypercall (-ENOSYS)" "$unk"
awk -v a="$mc" -v b="$mc1" -v n="$null" -v u="$unk" 'BEGIN { if (a + 0 > 0 && b + 0 > 0 && u + 0 > 0)
    printf "%-34s %10.1f  (per entry %.1f, of which the xen_version call %d)\n",
        "PV multicall entry beyond its call", (a - b) / 31 - (n - u), (a - b) / 31, n - u }'
printf '%-34s %10s  %s x native ring-3 int/iret\n' "PV int from ring 1, reflected" "$refl" "$(ratio "$refl" "$n3")"
printf '%-34s %10s  %s x native ring-3 int/iret\n' "PV int 0x80 from ring 3, direct" "$sys" "$(ratio "$sys" "$n3")"
printf '%-34s %10s  %s x native ring-3 int/iret\n' "PV event send to upcall entry" "$evs" "$(ratio "$evs" "$n3")"
printf '%-34s %10s  %s x native ring-3 int/iret\n' "PV timer deadline to upcall entry" "$tmr" "$(ratio "$tmr" "$n3")"
printf '%-34s %10s  %s x native ring-3 int/iret\n' "PV block/wake (expired timer)" "$blk" "$(ratio "$blk" "$n3")"
# The page-table work of a fork+exit, PV (bench_mm) against the same cycle on bare metal.
fork_pv=$(awk -F': ' '$2 == "fork-like address space cycle" { print $3 }' <<<"$mm")
fork_native=$(get "$native" fork_like)
printf '%-34s %10s\n' "native fork-like cycle" "$fork_native"
printf '%-34s %10s  %s x native fork-like cycle\n' "PV fork-like cycle" "$fork_pv" "$(ratio "$fork_pv" "$fork_native")"
for k in invlpg cr3_reload pte_write copy_4k; do
    printf '%-34s %10s\n' "native $k" "$(get "$native" "$k")"
done
