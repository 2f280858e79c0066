#!/usr/bin/env python3
"""Trace the hypervisor's instructions between two lines of a guest's console.

Runs the QEMU command given after `--` with a monitor socket, `-D LOG` and
`-dfilter` set to the hypervisor's text (the executable LOAD segment of
ELF), copies the serial console to stdout, turns `log exec,nochain` on when
the output first matches START and off when it then matches STOP, and
stops QEMU. Give the command `-icount shift=0,sleep=off -singlestep` so
that every executed instruction is one trace line, then read the log with
bench/profile.py. For example, a real kernel's fork loop as dom0:

    bench/trace_window.py build/xenith.elf /tmp/trace.log 'MemTotal' 'fork ok' -- \\
        qemu-system-i386 -accel tcg -icount shift=0,sleep=off -singlestep ... \\
        -serial stdio -kernel build/xenith.elf ...
    bench/profile.py build/xenith.elf /tmp/trace.log
"""
import argparse
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time


def text_range(elf):
    out = subprocess.run(['readelf', '-lW', elf], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        f = line.split()
        # LOAD offset vaddr paddr filesz memsz flags align; flags "R E"
        if f and f[0] == 'LOAD' and 'E' in f[6:-1]:
            start, size = int(f[2], 16), int(f[5], 16)
            return '0x%x..0x%x' % (start, start + size - 1)
    sys.exit('%s: no executable LOAD segment' % elf)


def main():
    if '--' not in sys.argv:
        sys.exit(__doc__)
    cut = sys.argv.index('--')
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('elf')
    ap.add_argument('log')
    ap.add_argument('start', help='regular expression: the line that turns the log on')
    ap.add_argument('stop', help='regular expression: the line that turns it off')
    ap.add_argument('--timeout', type=float, default=900, help='seconds (default 900)')
    a = ap.parse_args(sys.argv[1:cut])
    qemu = sys.argv[cut + 1:]
    mon_path = os.path.join(tempfile.mkdtemp(), 'monitor.sock')
    p = subprocess.Popen(qemu + ['-monitor', 'unix:%s,server,nowait' % mon_path, '-D', a.log,
                                 '-dfilter', text_range(a.elf)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 10
    while not os.path.exists(mon_path) and time.time() < deadline and p.poll() is None:
        time.sleep(0.1)
    mon = socket.socket(socket.AF_UNIX)
    mon.connect(mon_path)
    patterns = [re.compile(a.start.encode()), re.compile(a.stop.encode())]
    commands = ['log exec,nochain', 'log none']
    state, seen = 0, b''
    deadline = time.time() + a.timeout
    try:
        while state < 2 and time.time() < deadline:
            ready, _, _ = select.select([p.stdout], [], [], 1)
            if not ready:
                if p.poll() is not None:
                    break
                continue
            data = os.read(p.stdout.fileno(), 65536)
            if not data:
                break
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            seen += data
            if patterns[state].search(seen):
                mon.sendall((commands[state] + '\n').encode())
                state += 1
                seen = b''
        time.sleep(0.5)  # the monitor acts on 'log none' before QEMU goes
    finally:
        p.kill()
    if state < 2:
        sys.exit('trace_window: %s was not seen' % ('START' if state == 0 else 'STOP'))


if __name__ == '__main__':
    main()
