#!/usr/bin/env python3
"""Boot Xenith in QEMU (TCG) for one scenario and check its serial console.

A scenario is a small TOML file in tests/integration/scenarios/:

    description = "what it proves"
    qemu = "i386"            # or "x86_64" (needed for more than 4 GiB)
    cpu = "pentium2"
    memory = "128M"
    smp = 1
    machine = "pc"
    boot = "multiboot"       # QEMU's own loader; "grub" boots a real GRUB ISO
    append = "loglvl=debug"  # hypervisor command line
    modules = ["build:xenith.elf some args"]   # "build:" = path in the build dir
    timeout = 60
    expect = ["regex", ...]  # must appear, in this order
    reject = ["regex", ...]  # must not appear anywhere
    exits = true             # QEMU must terminate by itself (power-off/reset)
    disabled = "reason"      # CTest does not run it (tests/integration/CMakeLists.txt);
                             # running this script by hand still does
    input = [["after regex", "text to type"], ...]  # serial input, optional
    nic = "user,model=virtio-net-pci"  # optional: one NIC (-nic), none by default
    clock = {start = "regex (\\d+)", end = "regex (\\d+)", max_ppm = 100,
             tick = "regex (\\d+)"}
                             # optional: the guest prints its time in ns at
                             # two points; compared with the host's clock.
                             # With 'tick' (a line the guest prints often),
                             # the host stamps every tick as it arrives and
                             # the drift comes from the least-delayed ticks
                             # of the first and last fifth, so a late read
                             # of one line under load does not count
    host_test = {command = ["source:tests/api/test_cli.py", "args"],
                 after = "regex", token = "regex (group 1)",
                 guest_port = 80, guest_addr = "10.0.2.20" (slirp's own
                 DHCP address when not given), nic = "virtio-net-pci",
                 then = "input",
                 env = {NAME = "build:path or text"}}
                             # optional: a program run on the host while the
                             # machine runs. The machine gets a user-mode NIC
                             # whose guest_port is forwarded from a free port
                             # on 127.0.0.1; once 'after' and 'token' appear
                             # on the console the program starts with
                             # XENITH_TEST_HOST=127.0.0.1:PORT,
                             # XENITH_TEST_TOKEN and XENITH_TEST_LOGDIR set;
                             # it must exit 0, and 'then' is typed after it
                             # ends. Its output is kept in <name>.host.log

Exit status 0 on success. On failure the reason and the console's tail are
printed; the whole console is kept in <build>/integration-logs/<name>.log.
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
import tomllib


def resolve(path, build_dir, source_dir):
    if path.startswith("build:"):
        return os.path.join(build_dir, path[len("build:"):])
    if path.startswith("source:"):
        return os.path.join(source_dir, path[len("source:"):])
    return path


def module_args(scn, build_dir, source_dir):
    mods = []
    for m in scn.get("modules", []):
        parts = m.split(" ", 1)
        path = resolve(parts[0], build_dir, source_dir)
        if not os.path.exists(path):
            raise SystemExit(f"module not found: {path}")
        mods.append((path, parts[1] if len(parts) > 1 else ""))
    return mods


def make_grub_iso(scn, build_dir, source_dir, workdir):
    iso = os.path.join(workdir, "xenith.iso")
    mods = [f"{p} {a}".rstrip() for p, a in module_args(scn, build_dir, source_dir)]
    r = subprocess.run([os.path.join(source_dir, "tools", "mkiso.sh"),
                        os.path.join(build_dir, "xenith.elf"), iso, scn.get("append", "")] + mods,
                       capture_output=True, text=True, env=dict(os.environ, GRUB_TIMEOUT="0"))
    if r.returncode != 0:
        raise SystemExit(f"tools/mkiso.sh failed:\n{r.stderr}")
    return iso


def qemu_command(scn, build_dir, source_dir, workdir):
    cmd = [f"qemu-system-{scn.get('qemu', 'i386')}", "-accel", "tcg",
           "-machine", scn.get("machine", "pc"),
           "-cpu", scn.get("cpu", "pentium2"), "-m", scn.get("memory", "128M"),
           "-smp", str(scn.get("smp", 1)),
           "-display", "none", "-vga", "none", "-monitor", "none",
           "-serial", "stdio", "-no-reboot", "-nodefaults"]
    if scn.get("boot", "multiboot") == "grub":
        cmd += ["-cdrom", make_grub_iso(scn, build_dir, source_dir, workdir), "-boot", "d"]
    else:
        cmd += ["-kernel", os.path.join(build_dir, "xenith.elf"),
                "-append", scn.get("append", "")]
        mods = module_args(scn, build_dir, source_dir)
        if mods:
            # QEMU splits -initrd at commas; a module's own commas are doubled.
            cmd += ["-initrd", ",".join(
                f"{p} {a}".rstrip().replace(",", ",,") for p, a in mods)]
    host = scn.get("host_test")
    if host:
        cmd += ["-nic", f"user,model={host.get('nic', 'virtio-net-pci')},"
                f"hostfwd=tcp:127.0.0.1:{host['port']}-{host.get('guest_addr', '')}:"
                f"{host.get('guest_port', 80)}"]
    elif "nic" in scn:  # e.g. "user,model=virtio-net-pci": QEMU's -nic
        cmd += ["-nic", scn["nic"]]
    cmd += scn.get("qemu_args", [])
    return cmd


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Host_test:
    """The host-side program of a scenario, started once the console says so."""

    def __init__(self, spec, build_dir, source_dir, log_dir, name):
        self.spec = spec
        self.argv = [resolve(a, build_dir, source_dir) for a in spec["command"]]
        self.log_path = os.path.join(log_dir, name + ".host.log")
        self.log_dir = log_dir
        self.build_dir, self.source_dir = build_dir, source_dir
        self.proc = None
        self.rc = None

    def poll(self, text):
        """Starts the program when its lines have appeared; True once it ended."""
        if self.rc is not None:
            return True
        if self.proc is None:
            # Whole lines only: a token read while its line is still
            # arriving would be cut short.
            text = text[:text.rfind("\n") + 1]
            token = re.search(self.spec["token"], text, re.M) if "token" in self.spec else None
            if not re.search(self.spec["after"], text, re.M) or ("token" in self.spec and not token):
                return False
            env = dict(os.environ, XENITH_TEST_HOST=f"127.0.0.1:{self.spec['port']}",
                       XENITH_TEST_LOGDIR=self.log_dir)
            env.update({k: resolve(v, self.build_dir, self.source_dir)
                        for k, v in self.spec.get("env", {}).items()})
            if token:
                env["XENITH_TEST_TOKEN"] = token.group(1)
            self.log = open(self.log_path, "w")
            self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env)
            return False
        self.rc = self.proc.poll()
        if self.rc is not None:
            self.log.close()
        return self.rc is not None

    def stop(self):
        if self.proc is not None and self.rc is None:
            self.proc.kill()
            self.proc.wait()
            self.log.close()

    def errors(self):
        if self.proc is None:
            return ["the host test never started (its console lines did not appear)"]
        if self.rc is None:
            return ["the host test did not finish in time"]
        if self.rc != 0:
            with open(self.log_path) as f:
                tail = f.read().splitlines()[-30:]
            return [f"the host test exited with {self.rc}:"] + ["    " + ln for ln in tail]
        return []


def run(scn, cmd, log_path, host_test=None):
    timeout = scn.get("timeout", 60)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = b""
    inputs = list(scn.get("input", []))
    deadline = time.monotonic() + timeout
    exited = False
    settled_at = None
    clock = scn.get("clock")
    seen = {"ticks": []}  # clock key -> (host monotonic seconds, guest ns)
    ticks_seen = 0
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.2))
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    proc.wait(timeout=10)
                    exited = True
                    break
                out += chunk
            text = out.decode("utf-8", "replace")
            if clock:
                for key in ("start", "end"):
                    m = key not in seen and re.search(clock[key], text, re.M)
                    if m:
                        seen[key] = (time.monotonic(), int(m.group(1)))
                if "tick" in clock:
                    found = re.findall(clock["tick"], text, re.M)
                    for g in found[ticks_seen:]:
                        seen["ticks"].append((time.monotonic(), int(g)))
                    ticks_seen = len(found)
            # A scenario that expects the machine to stay up (halted, idle)
            # ends once every expectation is met and a short grace passed.
            if not scn.get("exits", True) and not inputs and not check(scn, text, False):
                settled_at = settled_at or time.monotonic()
                if time.monotonic() - settled_at >= scn.get("settle", 1.0):
                    break
            if host_test and host_test.poll(text) and "then" in host_test.spec:
                inputs.append([".", host_test.spec["then"]])
                host_test.spec = dict(host_test.spec)
                del host_test.spec["then"]
            while inputs and re.search(inputs[0][0], text, re.M):
                data = inputs.pop(0)[1].encode().decode("unicode_escape").encode("latin-1")
                proc.stdin.write(data)
                proc.stdin.flush()
    finally:
        if host_test:
            host_test.stop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    with open(log_path, "w") as f:
        f.write(text)
    return text, exited, proc.returncode, seen


def check_clock(scn, seen):
    clock = scn.get("clock")
    if not clock:
        return []
    if "start" not in seen or "end" not in seen:
        return ["clock lines not both seen"]
    host = seen["end"][0] - seen["start"][0]
    guest = (seen["end"][1] - seen["start"][1]) / 1e9
    ticks = seen["ticks"]
    if len(ticks) >= 10:
        # A line is only ever read late, never early: the smallest
        # host-minus-guest offset of each end is the least delayed.
        fifth = len(ticks) // 5
        first, last = ticks[:fifth], ticks[-fifth:]
        off_a = min(h - g / 1e9 for h, g in first)
        off_b = min(h - g / 1e9 for h, g in last)
        guest = (last[-1][1] - first[0][1]) / 1e9
        host = guest + (off_b - off_a)
    ppm = abs(guest - host) / host * 1e6
    print(f"clock: guest {guest:.6f} s, host {host:.6f} s, drift {ppm:.1f} ppm "
          f"(limit {clock['max_ppm']})")
    if ppm > clock["max_ppm"]:
        return [f"guest clock drifted {ppm:.1f} ppm from the host's"]
    return []


def check(scn, text, exited):
    errors = []
    pos = 0
    for pattern in scn.get("expect", []):
        m = re.compile(pattern, re.M).search(text, pos)
        if not m:
            errors.append(f"expected (in order) but not found: {pattern!r}")
            break
        pos = m.end()
    for pattern in scn.get("reject", []):
        m = re.search(pattern, text, re.M)
        if m:
            errors.append(f"must not appear but did: {pattern!r} -> {m.group(0)!r}")
    if scn.get("exits", True) and not exited:
        errors.append(f"QEMU did not exit by itself within {scn.get('timeout', 60)} s")
    if not scn.get("exits", True) and exited:
        errors.append("QEMU exited but the scenario expects it to keep running")
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    ap.add_argument("scenario")
    args = ap.parse_args()
    with open(args.scenario, "rb") as f:
        scn = tomllib.load(f)
    name = os.path.splitext(os.path.basename(args.scenario))[0]
    log_dir = os.path.join(args.build_dir, "integration-logs")
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, name + ".log")
    host_test = None
    if "host_test" in scn:
        scn["host_test"]["port"] = free_port()
        host_test = Host_test(scn["host_test"], os.path.abspath(args.build_dir), args.source_dir,
                              log_dir, name)
    with tempfile.TemporaryDirectory() as workdir:
        cmd = qemu_command(scn, os.path.abspath(args.build_dir), args.source_dir, workdir)
        start = time.monotonic()
        text, exited, rc, seen = run(scn, cmd, log_path, host_test)
        took = time.monotonic() - start
    errors = check(scn, text, exited) + check_clock(scn, seen)
    if host_test:
        errors += host_test.errors()
    print(f"scenario {name}: {scn.get('description', '')}")
    print("qemu: " + " ".join(cmd))
    print(f"took {took:.1f} s, qemu {'exited with ' + str(rc) if exited else 'was killed'}")
    if errors:
        print("FAILED:")
        for e in errors:
            print("  " + e)
        tail = text.splitlines()[-40:]
        print(f"--- last {len(tail)} console lines (full log: {log_path}) ---")
        print("\n".join(tail))
        return 1
    print("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
