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

A domU's console lines reach the serial line only when dom0 relays them,
often after the work they announce is over, so a window opened on them
may miss it. Open it early instead (on a line of dom0's) and give
--span FUNCTION_PREFIX: only the stretch of the trace from the first to
the last instruction of that function is counted. --lines FUNCTION_PREFIX
adds, for each function of that prefix, its instructions per source line
(from objdump -l), in the units of --per.
"""
import argparse
import bisect
import collections
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def text_symbols(elf):
    out = subprocess.run(['nm', '-n', '-C', elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(' ', 2)
        if len(parts) == 3 and parts[1] in 'tTwW':
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def trace_lines(log):
    # Lines look like "Trace 0: 0x7f... [00000000/fb905541/000000b0/ff000201] ";
    # the second field is the guest-virtual PC.
    with open(log, 'rb') as f:
        for line in f:
            i = line.find(b'/')
            if i > 0 and line.startswith(b'Trace'):
                yield int(line[i + 1:i + 9], 16)


def function_ranges(syms, prefix):
    """[start, end) of each symbol whose name starts with prefix."""
    return [(a, syms[k + 1][0] if k + 1 < len(syms) else a + 1, name)
            for k, (a, name) in enumerate(syms) if name.startswith(prefix)]


def trace_pcs(log, span):
    """PC -> times executed; with span (ranges), only from the first to
    the last instruction inside them (read twice: the log can be large)."""
    inside = (lambda pc: any(lo <= pc < hi for lo, hi, _ in span)) if span else None
    first = last = None
    if span:
        for k, pc in enumerate(trace_lines(log)):
            if inside(pc):
                first = k if first is None else first
                last = k
        if first is None:
            raise SystemExit('no instruction of the --span function in the trace')
    pcs = collections.Counter()
    for k, pc in enumerate(trace_lines(log)):
        if span and (k < first or k > last):
            continue
        pcs[pc] += 1
    return pcs


def print_lines(elf, ranges, pcs, units):
    """Each function's instructions per source line, in objdump -l's order."""
    for lo, hi, name in ranges:
        out = subprocess.run(['objdump', '-d', '-l', '--no-show-raw-insn',
                              '--start-address=0x%x' % lo, '--stop-address=0x%x' % hi, elf],
                             capture_output=True, text=True, check=True).stdout
        per_line, where = collections.OrderedDict(), None
        for text in out.splitlines():
            t = text.strip()
            if t.startswith('/'):
                where = t[len(ROOT):] if t.startswith(ROOT) else t
                per_line.setdefault(where, 0)
                continue
            head = t.split(':', 1)[0]
            if where and head and all(c in '0123456789abcdef' for c in head):
                per_line[where] += pcs.get(int(head, 16), 0)
        total = sum(n for pc, n in pcs.items() if lo <= pc < hi)
        print('\n%10.1f  %s' % (total / units, name))
        for where, n in per_line.items():
            if n:
                print('%10.1f    %s' % (n / units, where))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('elf')
    ap.add_argument('log')
    ap.add_argument('--per', nargs=2, metavar=('FUNCTION_PREFIX', 'CALLS_PER_UNIT'))
    ap.add_argument('--top', type=int, default=60)
    ap.add_argument('--span', metavar='FUNCTION_PREFIX')
    ap.add_argument('--lines', metavar='FUNCTION_PREFIX')
    a = ap.parse_args()
    syms = text_symbols(a.elf)
    starts = [s for s, _ in syms]
    span = function_ranges(syms, a.span) if a.span else None
    if a.span and not span:
        raise SystemExit('no function %s in %s' % (a.span, a.elf))
    pcs = trace_pcs(a.log, span)
    insns, calls = collections.Counter(), collections.Counter()
    for pc, n in pcs.items():
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
    if a.lines:
        print_lines(a.elf, function_ranges(syms, a.lines), pcs, units)


if __name__ == '__main__':
    main()
