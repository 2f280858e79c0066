#!/usr/bin/env bash
# The toolstack's figure: `xl create` to the domain's first console byte.
# Boots two ramdisks of tests/toolstack and reads dom0's `timings` table:
# latency.cpio creates 20 domains of 4 MiB a second apart (p50 of the 20),
# many.cpio 100 back to back (the 1st against the 100th, which is built
# while 99 others run). Plain TCG
# gives microseconds of emulated time (they vary between runs); --icount
# (-icount shift=0,sleep=off) makes system time count instructions, so the
# figures are instructions / 1000 and repeat exactly.
#   bench/run_toolstack.sh [--icount] [build dir]
set -euo pipefail
cd "$(dirname "$0")/.."
icount=()
unit="us (TCG)"
if [ "${1:-}" = --icount ]; then
    icount=(-icount shift=0,sleep=off)
    unit="k instructions"
    shift
fi
BUILD=${1:-build}
cmake --build "$BUILD" --target xenith_dom0 toolstack_many_ramdisk toolstack_latency_ramdisk >/dev/null
boot() {
    timeout 900 qemu-system-i386 -accel tcg "${icount[@]}" -cpu pentium2 -m 768M -smp 2 \
        -display none -monitor none -serial stdio -no-reboot -kernel "$BUILD/xenith.elf" \
        -append 'console=com1 loglvl=warning dom0_mem=64M' \
        -initrd "$BUILD/tools/dom0/xenith-dom0.elf,$BUILD/tests/toolstack/$1" </dev/null | tr -d '\r' |
        awk '/^xl> timings/ { on = 1; next } on && /^tiny/ { print $3, $4 } on && /^xl>/ { on = 0 }'
}
rows=$(boot latency.cpio)
[ "$(wc -l <<<"$rows")" -eq 20 ] || { echo "latency.cpio: no timings table of 20" >&2; exit 1; }
p50=$(awk '{ print $2 }' <<<"$rows" | sort -n | awk '{ v[NR] = $1 } END { print (v[10] + v[11]) / 2 }')
rows=$(boot many.cpio)
[ "$(wc -l <<<"$rows")" -eq 100 ] || { echo "many.cpio: no timings table of 100" >&2; exit 1; }
first=$(head -1 <<<"$rows")
last=$(tail -1 <<<"$rows")
printf '%-46s %12s\n' "figure ($unit)" value
printf '%-46s %12s\n' "create -> first console byte, p50 of 20" "$p50"
printf '%-46s %12s\n' "domain 1: build, create -> first byte" "${first/ /, }"
printf '%-46s %12s\n' "domain 100: build, create -> first byte" "${last/ /, }"
