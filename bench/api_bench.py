#!/usr/bin/env python3
"""Figures of dom0's management API, measured from the host through QEMU's
forwarded port (bench/run_api.sh starts the machine): requests per second
on one keep-alive connection and on eight, `xenith create` (kernel uploaded)
to the domain's first console byte, and the web page's first load (its
three files on a fresh connection each). Wall-clock figures of a TCG
machine: compare runs on one host, not absolute numbers.
    api_bench.py HOST:PORT TOKEN KERNEL"""
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HOST, TOKEN, KERNEL = sys.argv[1], sys.argv[2], sys.argv[3]
ADDR = (HOST.rsplit(":", 1)[0], int(HOST.rsplit(":", 1)[1]))
XENITH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "xenith", "xenith")
AUTH = {"Authorization": "Bearer " + TOKEN}


def rate(conns, seconds=10.0):
    counts = [0] * conns
    stop = time.monotonic() + seconds

    def worker(i):
        c = http.client.HTTPConnection(*ADDR, timeout=30)
        while time.monotonic() < stop:
            c.request("GET", "/api/v1/host", headers=AUTH)
            r = c.getresponse()
            r.read()
            if r.status == 200:
                counts[i] += 1
        c.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def xenith(*args, **kw):
    return subprocess.run([sys.executable, XENITH, "--host", HOST, "--token", TOKEN, *args],
                          capture_output=True, text=True, **kw)


def create_to_first_byte(i):
    name = f"bench{i}"
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write(f'name = "{name}"\nmemory = 16\nkernel = "{KERNEL}"\n')
        cfg = f.name
    t0 = time.monotonic()
    r = xenith("create", "-q", cfg)
    if r.returncode != 0:
        raise SystemExit(f"create failed: {r.stderr}")
    while True:
        c = http.client.HTTPConnection(*ADDR, timeout=30)
        c.request("GET", f"/api/v1/domains/{name}/console", headers=AUTH)
        body = c.getresponse().read()
        c.close()
        if body:
            break
        time.sleep(0.005)
    took = time.monotonic() - t0
    xenith("destroy", name)
    os.unlink(cfg)
    return took


def page_load():
    t0 = time.monotonic()
    for path in ("/", "/app.js", "/app.css"):
        c = http.client.HTTPConnection(*ADDR, timeout=30)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        assert r.status == 200, (path, r.status)
        c.close()
    return time.monotonic() - t0


print(f"{'figure':52} {'value':>12}")
print(f"{'GET /api/v1/host, one keep-alive connection (req/s)':52} {rate(1):12.0f}")
print(f"{'GET /api/v1/host, eight connections (req/s)':52} {rate(8):12.0f}")
times = [create_to_first_byte(i) for i in range(5)]
print(f"{'xenith create (upload) -> first console byte, p50 of 5 (ms)':52} "
      f"{statistics.median(times) * 1000:12.0f}")
loads = [page_load() for _ in range(5)]
print(f"{'web page first load, 3 files, p50 of 5 (ms)':52} {statistics.median(loads) * 1000:12.1f}")
