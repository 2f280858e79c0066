#!/bin/sh
# QEMU scenario for the CPU tables and the fatal-exception report.
#   cpu_faults.sh <qemu-system-i386> <xenith.elf> <cpu model>
# 1. A normal boot passes the CPU self-tests and reaches the end of boot.
# 2. Each hv_fault_test value prints the full report and reboots (QEMU runs
#    with -no-reboot, so the reboot makes it exit before the timeout).
# 3. With noreboot the same report ends in a halt (QEMU is still running
#    when the timeout stops it).
qemu=$1 elf=$2 cpu=$3
out=$(mktemp)
trap 'rm -f "$out"' EXIT
failures=0

run() { # <seconds> <append>
    timeout "$1" "$qemu" -accel tcg -cpu "$cpu" -m 128 -display none -serial "file:$out" \
        -monitor none -no-reboot -kernel "$elf" -append "$2" </dev/null >/dev/null 2>&1
}
fail() { echo "FAIL [$cpu] $*"; sed 's/^/    | /' "$out"; failures=$((failures + 1)); }
expect() { # <what> <grep -E pattern>...
    what=$1; shift
    for p in "$@"; do
        grep -Eq -- "$p" "$out" || { fail "$what: missing /$p/"; return 1; }
    done
}

run 20 "loglvl=debug"
expect "plain boot" "cpu self-test: .*: ok" "no dom0 kernel module given"
grep -q "FAILED\|fatal exception" "$out" && fail "plain boot: self-test failure or crash"

report="CR0: [0-9a-f]{8} +CR2: [0-9a-f]{8} +CR3: [0-9a-f]{8} +CR4: [0-9a-f]{8}"
regs="EAX: [0-9a-f]{8} +EBX: [0-9a-f]{8} +ECX: [0-9a-f]{8} +EDX: [0-9a-f]{8}"
segs="CS: e008 +DS: e010 +ES: e010 +FS: [0-9a-f]{4} +GS: [0-9a-f]{4} +SS: e010"
for t in de:0:0x0000 ud:6:0x0000 gp:13:0xfff8 pf:14:0x0000 df:8:0x0000; do
    name=${t%%:*} rest=${t#*:} vec=${rest%%:*} err=${rest#*:}
    run 20 "hv_fault_test=$name"
    rc=$?
    [ $rc -eq 124 ] && fail "hv_fault_test=$name: did not reboot"
    expect "hv_fault_test=$name" \
        "fatal exception on CPU 0: vector $vec \(.*\), error code $err" \
        "EIP: +e008:fb[0-9a-f]{6} +EFLAGS" "$regs" "$report" "$segs" \
        "Stack trace \(CPU 0 stack" "\[ 0\] fb[0-9a-f]{6}" "Xenith rebooting"
    grep -q "no dom0 kernel module given" "$out" && fail "hv_fault_test=$name: boot went on"
done
grep -q "double-fault task" "$out" || fail "hv_fault_test=df: not reported from the double-fault task"

run 20 "hv_fault_test=panic"
expect "hv_fault_test=panic" "PANIC on CPU 0: hv_fault_test=panic \(value 42\)" "Stack trace" \
    "Xenith rebooting"

run 8 "hv_fault_test=pf noreboot"
[ $? -eq 124 ] || fail "noreboot: QEMU exited, so the machine did not halt"
expect "noreboot" "CR2: deadb000" "Xenith halted"

[ $failures -eq 0 ] && echo "PASS [$cpu] cpu tables and fatal reports"
exit $((failures != 0))
