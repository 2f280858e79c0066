#!/bin/sh
# Boots Xenith with no dom0 module and checks that the platform came up
# (ACPI, APIC, timers, IO-APIC) and that QEMU exits by itself at power-off.
# usage: boot_power_off.sh QEMU ELF MACHINE CPU SMP
set -u
qemu=$1 elf=$2 machine=$3 cpu=$4 smp=$5
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 60 "$qemu" -accel tcg -machine "$machine" -cpu "$cpu" -smp "$smp" -m 128 \
    -display none -serial stdio -monitor none -no-reboot -kernel "$elf" -append 'loglvl=debug' >"$log" 2>&1
rc=$?
cat "$log"
fail() { echo "FAIL: $*"; exit 1; }
[ $rc -eq 0 ] || fail "QEMU did not exit by itself (status $rc)"
for want in "ACPI: RSDP at" "$smp CPUs enabled of $smp listed" "power-off: S5 via PM1a_CNT" \
            "timer: TSC" "timer: APIC timer" "IO-APIC: self-test: ISA IRQ 9 -> GSI 9 level high" \
            "powering off"; do
    grep -q "$want" "$log" || fail "missing '$want'"
done
if grep -q "ERROR\|NOT expired\|MISMATCH" "$log"; then fail "error reported"; fi
echo PASS
