#!/usr/bin/env python3
"""Where the hypervisor's instructions go, per function, from a QEMU trace.

Run QEMU with `-icount shift=0,sleep=off -singlestep` (one instruction per
translation block, so every executed instruction is one trace line) and
`-dfilter` on the hypervisor's text, and turn `log exec,nochain` on and off
from the monitor around the steady state of a benchmark (the boot is
skipped that way). Then

    bench/profile.py build/xenith.elf qemu.log --per 'evtchn::send(' 2

prints each function's instructions and calls per unit of work, the unit
being the calls of the function named by --per divided by its count (two
sends make one event round trip). Without --per the figures are totals.
"""
import argparse
import bisect
import collections
import subprocess


def text_symbols(elf):
    out = subprocess.run(['nm', '-n', '-C', elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(' ', 2)
        if len(parts) == 3 and parts[1] in 'tTwW':
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def trace_pcs(log):
    # Lines look like "Trace 0: 0x7f... [00000000/fb905541/000000b0/ff000201] ";
    # the second field is the guest-virtual PC.
    pcs = collections.Counter()
    with open(log, 'rb') as f:
        for line in f:
            i = line.find(b'/')
            if i > 0 and line.startswith(b'Trace'):
                pcs[line[i + 1:i + 9]] += 1
    return pcs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('elf')
    ap.add_argument('log')
    ap.add_argument('--per', nargs=2, metavar=('FUNCTION_PREFIX', 'CALLS_PER_UNIT'))
    ap.add_argument('--top', type=int, default=60)
    a = ap.parse_args()
    syms = text_symbols(a.elf)
    starts = [s for s, _ in syms]
    insns, calls = collections.Counter(), collections.Counter()
    for pc_text, n in trace_pcs(a.log).items():
        pc = int(pc_text, 16)
        i = bisect.bisect_right(starts, pc) - 1
        name = syms[i][1] if i >= 0 else '?'
        insns[name] += n
        if i >= 0 and pc == syms[i][0]:
            calls[name] += n
    units = 1.0
    if a.per:
        units = sum(n for name, n in calls.items() if name.startswith(a.per[0])) / float(a.per[1])
        if units == 0:
            raise SystemExit('no call of %s in the trace' % a.per[0])
    print('units %.0f, hypervisor instructions per unit %.1f' % (units, sum(insns.values()) / units))
    print('%10s %8s  function' % ('insns', 'calls'))
    for name, n in insns.most_common(a.top):
        print('%10.1f %8.2f  %s' % (n / units, calls[name] / units, name))


if __name__ == '__main__':
    main()
