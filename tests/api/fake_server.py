#!/usr/bin/env python3
"""A TEST DOUBLE of dom0's management API (docs: /tmp/brief/api_spec.md, v1).

This is not Xenith's server and never runs in dom0. It exists only so that
tools/xenith (test_cli.py) and the web page (test_browser.py) can be tested
on a developer's machine without QEMU. It keeps domains in memory, enforces
the bearer token, streams console output with chunked follow responses and
runs "create" as an operation with progress, as the spec says the real
server does. Every booted domain behaves like tests/guests/echo.cpp: it
greets, answers each input line with "echo: <line>", and "poweroff" ends it.

    python3 fake_server.py [--port N] [--token T]   (binds 127.0.0.1 only)

The tests that use it also run against the real server (XENITH_TEST_HOST),
so nothing here may be something a test relies on beyond the spec.
"""
import argparse
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WWW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "dom0", "www")
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/index.html": ("index.html", "text/html; charset=utf-8"),
          "/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/app.css": ("app.css", "text/css; charset=utf-8")}
CONSOLE_KEEP = 16 * 1024          # the spec: the log keeps the last 16 KiB
MAX_BODY = 64 * 1024 * 1024       # the spec: uploads up to 64 MiB
MAX_SAMPLES = 600                 # 10 minutes at 1 s
TOTAL_KIB = 256 * 1024


class Domain:
    def __init__(self, domid, name, memory_kib, vcpus, config):
        self.id, self.name, self.config = domid, name, config
        self.memory_kib = self.max_memory_kib = memory_kib
        self.vcpus = self.max_vcpus = vcpus
        self.weight, self.cap = 256, 0
        self.paused = False
        self.started = time.monotonic()
        self.cpu_time = 0.0
        self.cpu_percent = 0.0
        self.log = bytearray()
        self.log_base = 0          # offset of log[0] in the whole output
        self.gone = False
        self.line = bytearray()
        self.samples = []

    def state(self):
        return "-" + ("b" if not self.paused else "-") + ("p" if self.paused else "-") + "---"

    def json(self):
        return {"id": self.id, "name": self.name, "state": self.state(), "vcpus": self.vcpus,
                "max_vcpus": self.max_vcpus, "memory_kib": self.memory_kib,
                "max_memory_kib": self.max_memory_kib, "cpu_time_s": round(self.cpu_time, 3),
                "cpu_percent": self.cpu_percent, "weight": self.weight, "cap": self.cap,
                "uptime_s": round(time.monotonic() - self.started, 3), "config": self.config}


class Fake:
    """The in-memory host; one lock, one condition for every waiter."""

    def __init__(self, token):
        self.token = token
        self.cond = threading.Condition()
        self.domains = {0: Domain(0, "Domain-0", 64 * 1024, 2, None)}
        self.next_id = 1
        self.ops = {}
        self.next_op = 1
        self.boot = time.monotonic()
        self.dmesg = b"(XEN) Xenith 0.1.0 (fake server for tests)\n(XEN) Scheduler: credit\n"
        self.stop = False
        threading.Thread(target=self._sampler, daemon=True).start()

    def find(self, key):
        for d in self.domains.values():
            if not d.gone and (d.name == key or str(d.id) == key):
                return d
        return None

    def emit(self, d, data):
        d.log += data
        if len(d.log) > CONSOLE_KEEP:
            cut = len(d.log) - CONSOLE_KEEP
            del d.log[:cut]
            d.log_base += cut
        self.cond.notify_all()

    def type_into(self, d, data):
        for b in data:
            if b in (10, 13):
                line = d.line.decode("utf-8", "replace")
                d.line.clear()
                if line:  # as echo.cpp: empty lines are not answered
                    self.emit(d, ("echo: %s\n" % line).encode())
                if line == "poweroff":
                    self.kill(d)
                    return
            elif len(d.line) < 127:
                d.line.append(b)

    def kill(self, d):
        d.gone = True
        del self.domains[d.id]
        self.cond.notify_all()

    def _sampler(self):
        while not self.stop:
            time.sleep(1.0)
            with self.cond:
                for d in self.domains.values():
                    d.cpu_percent = 0.0 if d.paused else (3.0 + d.id * 1.5) % 40
                    d.cpu_time += d.cpu_percent / 100
                    d.samples.append({"t": round(time.monotonic() - self.boot, 3),
                                      "cpu_percent": d.cpu_percent, "memory_kib": d.memory_kib})
                    del d.samples[:-MAX_SAMPLES]

    def run_create(self, op, cfg, kernel):
        """The build, in steps, as the event loop's operation would be."""
        steps = [(0.1, "loading kernel"), (0.4, "populating memory"), (0.7, "populating memory"),
                 (0.9, "starting")]
        for frac, msg in steps:
            time.sleep(0.15)
            with self.cond:
                op["progress"], op["message"] = frac, msg
        with self.cond:
            if not kernel.startswith(b"\x7fELF"):
                op.update(state="failed", message="xc_dom_find_loader: no loader found")
            elif self.find(cfg["name"]):
                op.update(state="failed", message="domain with name \"%s\" already exists" % cfg["name"])
            else:
                d = Domain(self.next_id, cfg["name"], cfg["memory"] * 1024, cfg["vcpus"], cfg.get("path"))
                self.next_id += 1
                self.domains[d.id] = d
                op.update(state="done", progress=1.0, message="running", domain={"id": d.id, "name": d.name})
                self.emit(d, ("echo: hello from domain %s; type a line\n" % d.name).encode())


def parse_config(text, source):
    """The few keys the fake needs, with xl's message and line number on error."""
    cfg = {"memory": 16, "vcpus": 1}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r'([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(".*"|\'.*\'|[0-9]+|\[.*\])\s*;?', line)
        if not m:
            tok = line.split()[0]
            raise ValueError("%s:%d: config parsing error near `%s': syntax error" % (source, n, tok))
        key, val = m.group(1), m.group(2)
        if val[0] in "\"'":
            cfg[key] = val[1:-1]
        elif val[0] == "[":
            cfg[key] = val
        else:
            cfg[key] = int(val)
    for k in ("memory", "vcpus"):
        if not isinstance(cfg[k], int) or cfg[k] <= 0:
            raise ValueError("%s: %s must be a positive number" % (source, k))
    if not cfg.get("name"):
        raise ValueError("%s: domain name must be specified" % source)
    if not cfg.get("kernel"):
        raise ValueError("%s: kernel must be specified: Xenith boots PV kernels directly." % source)
    return cfg


def parse_multipart(body, ctype):
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    if not m:
        raise ValueError("multipart without boundary")
    sep = b"--" + m.group(1).encode()
    parts, names = {}, {}
    for chunk in body.split(sep)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.partition(b"\r\n\r\n")
        name = re.search(rb'; name="([^"]*)"', head)
        if name:
            key = name.group(1).decode()
            parts[key] = data[:-2] if data.endswith(b"\r\n") else data
            filename = re.search(rb'filename="([^"]*)"', head)
            names[key] = filename.group(1).decode("utf-8", "replace") if filename else None
    return parts, names


class ApiError(Exception):
    def __init__(self, status, message, allow=None):
        super().__init__(message)
        self.status, self.message, self.allow = status, message, allow


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "xenith-fake/1"

    def log_message(self, *args):
        pass

    def fake(self):
        return self.server.fake

    def send_json(self, status, obj, extra=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_text(self, body, ctype="text/plain; charset=utf-8", extra=()):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        if self.headers.get("Transfer-Encoding"):
            raise ApiError(411, "length required")
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "request body too large")
        return self.rfile.read(n)

    def json_body(self):
        data = self.body()
        if not data:
            return {}
        try:
            obj = json.loads(data)
        except ValueError:
            raise ApiError(400, "malformed JSON body")
        if not isinstance(obj, dict):
            raise ApiError(400, "JSON body must be an object")
        return obj

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def do_PUT(self):
        self.route("PUT")

    def route(self, method):
        path, _, query = self.path.partition("?")
        try:
            if path in STATIC or path == "/favicon.ico":
                return self.static(method, path)
            if not (path.startswith("/api/") or path == "/metrics"):
                raise ApiError(404, "no such path: " + path)
            if self.headers.get("Authorization", "") != "Bearer " + self.fake().token:
                self.body()  # nothing is changed, but the request is read off the wire
                raise ApiError(401, "authentication required")
            self.api(method, path, dict(kv.partition("=")[::2] for kv in query.split("&") if kv))
        except ApiError as e:
            extra = [("Allow", e.allow)] if e.allow else []
            if e.status == 401:
                extra.append(("WWW-Authenticate", 'Bearer realm="xenith"'))
            self.send_json(e.status, {"error": e.message}, extra)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def static(self, method, path):
        if method != "GET":
            raise ApiError(405, "method not allowed", "GET")
        if path not in STATIC:
            raise ApiError(404, "no such path: " + path)
        name, ctype = STATIC[path]
        with open(os.path.join(WWW, name), "rb") as f:
            self.send_text(f.read(), ctype, [("Cache-Control", "no-cache")])

    def allow(self, method, allowed):
        if method not in allowed.split(", "):
            raise ApiError(405, "method not allowed", allowed)

    def api(self, method, path, query):
        f = self.fake()
        parts = path.strip("/").split("/")
        if path == "/metrics":
            self.allow(method, "GET")
            return self.send_text(self.metrics(), "text/plain; version=0.0.4")
        if parts[:2] != ["api", "v1"] or len(parts) < 3:
            raise ApiError(404, "no such path: " + path)
        rest = parts[2:]
        if rest == ["host"]:
            self.allow(method, "GET")
            with f.cond:
                n = len(f.domains)
                used = sum(d.memory_kib for d in f.domains.values())
            return self.send_json(200, {"hostname": "xenith", "hypervisor": "Xenith 0.1.0",
                                        "xen_version": "4.17-xenith-fake", "nr_cpus": 2, "cpu_mhz": 2000,
                                        "total_memory_kib": TOTAL_KIB, "free_memory_kib": TOTAL_KIB - used,
                                        "uptime_s": round(time.monotonic() - f.boot, 3), "domains": n,
                                        "scheduler": "credit"})
        if rest == ["dmesg"]:
            self.allow(method, "GET")
            return self.send_text(f.dmesg)
        if rest[0] == "operations" and len(rest) == 2:
            self.allow(method, "GET")
            with f.cond:
                op = f.ops.get(rest[1])
                if op is None:
                    raise ApiError(404, "no such operation: " + rest[1])
                return self.send_json(200, dict(op))
        if rest == ["domains"]:
            self.allow(method, "GET, POST")
            if method == "GET":
                with f.cond:
                    doms = [d.json() for _, d in sorted(f.domains.items())]
                return self.send_json(200, {"domains": doms})
            return self.create()
        if rest[0] == "domains" and len(rest) in (2, 3):
            with f.cond:
                d = f.find(rest[1])
            if d is None:
                self.body()
                raise ApiError(404, "Invalid domain identifier: " + rest[1])
            return self.domain_op(method, d, rest[2] if len(rest) == 3 else None, query)
        raise ApiError(404, "no such path: " + path)

    def create(self):
        f = self.fake()
        ctype = self.headers.get("Content-Type", "")
        data = self.body()
        kernel, source = None, "config"
        if ctype.startswith("multipart/form-data"):
            try:
                parts, names = parse_multipart(data, ctype)
            except ValueError as e:
                raise ApiError(400, str(e))
            if "config" not in parts:
                raise ApiError(400, "multipart create needs a \"config\" part")
            text, extra, kernel = parts["config"].decode("utf-8", "replace"), [], parts.get("kernel")
            source = names.get("config") or "config"
        elif ctype.startswith("application/json"):
            try:
                obj = json.loads(data)
                text, extra = obj["config"], obj.get("extra", [])
                assert isinstance(text, str) and isinstance(extra, list)
            except (ValueError, KeyError, AssertionError, TypeError):
                raise ApiError(400, "create needs {\"config\": text, \"extra\": [\"key=value\", ...]}")
        else:
            raise ApiError(400, "create takes application/json or multipart/form-data")
        try:
            cfg = parse_config(text + "".join("\n" + str(e) for e in extra), source)
        except ValueError as e:
            raise ApiError(400, str(e))
        if kernel is None:
            # The fake's "dom0 file system": the example kernels, a fake ELF each.
            if cfg["kernel"] not in ("/boot/echo.elf", "/boot/hello.elf"):
                raise ApiError(400, "Failed to read kernel: %s: No such file or directory" % cfg["kernel"])
            kernel = b"\x7fELF"
        with f.cond:
            if f.find(cfg["name"]):
                raise ApiError(409, "Domain with name \"%s\" already exists." % cfg["name"])
            n = f.next_op
            f.next_op += 1
            op = {"id": n, "kind": "create", "target": cfg["name"], "state": "running", "progress": 0.0,
                  "message": "parsing config"}
            f.ops[str(n)] = op
        threading.Thread(target=f.run_create, args=(op, cfg, kernel), daemon=True).start()
        self.send_json(202, {"operation": "/api/v1/operations/%d" % n, "id": n})

    def domain_op(self, method, d, verb, query):
        f = self.fake()
        if verb is None:
            self.allow(method, "GET, DELETE")
            if method == "GET":
                with f.cond:
                    return self.send_json(200, d.json())
            verb = "destroy"
        elif verb == "console":
            self.allow(method, "GET, POST")
            return self.console(method, d, query)
        elif verb in ("vcpus", "stats"):
            self.allow(method, "GET")
            with f.cond:
                if verb == "stats":
                    return self.send_json(200, {"samples": list(d.samples)})
                return self.send_json(200, {"vcpus": [
                    {"vcpu": v, "cpu": v % 2, "state": "-b-" if not d.paused else "--p",
                     "time_s": round(d.cpu_time / d.vcpus, 3), "affinity": "all"} for v in range(d.vcpus)]})
        elif verb == "sched-credit":
            self.allow(method, "GET, POST")
            if method == "GET":
                return self.send_json(200, {"weight": d.weight, "cap": d.cap})
        else:
            self.allow(method, "POST")
        if verb not in ("pause", "unpause", "destroy", "shutdown", "reboot", "vcpu-set", "mem-set",
                        "sched-credit"):
            raise ApiError(404, "no such path: " + self.path)
        body = self.json_body()
        with f.cond:
            if d.id == 0 and verb in ("pause", "destroy", "shutdown", "reboot"):
                raise ApiError(400, "Domain-0 cannot be %s here" % verb)
            self.apply(d, verb, body)
        self.send_json(200, {"ok": True})

    def apply(self, d, verb, body):
        f = self.fake()
        if verb in ("pause", "unpause"):
            d.paused = verb == "pause"
        elif verb == "destroy":
            f.kill(d)
        elif verb == "shutdown":
            # The guest takes a moment to answer, like a real one.
            threading.Timer(0.3, lambda: self._later(lambda: d.gone or f.kill(d))).start()
        elif verb == "reboot":
            f.emit(d, ("echo: hello from domain %s; type a line\n" % d.name).encode())
            d.started = time.monotonic()
        elif verb == "vcpu-set":
            n = body.get("vcpus")
            if not isinstance(n, int) or n < 1:
                raise ApiError(400, "Usage: xl vcpu-set <domain> <vCPUs>")
            if n > d.max_vcpus:
                raise ApiError(400, "You cannot set vcpus greater than the domain's maximum (%d)" % d.max_vcpus)
            d.vcpus = n
        elif verb == "mem-set":
            kib = body.get("memory_kib")
            if isinstance(body.get("memory"), str):
                m = re.fullmatch(r"([0-9]+)([kKmMgG]?)", body["memory"])
                kib = m and int(m.group(1)) * {"": 1024, "k": 1, "m": 1024, "g": 1 << 20}[m.group(2).lower()]
            if not isinstance(kib, int) or kib <= 0:
                raise ApiError(400, "Usage: xl mem-set <domain> <MiB>")
            if kib > d.max_memory_kib:
                raise ApiError(400, "memory_dynamic_max must be less than or equal to memory_static_max")
            d.memory_kib = kib
        elif verb == "sched-credit":
            w, c = body.get("weight", d.weight), body.get("cap", d.cap)
            if not (isinstance(w, int) and 1 <= w <= 65535 and isinstance(c, int) and 0 <= c <= 65534):
                raise ApiError(400, "Usage: xl sched-credit [-d <domain> [-w <weight>] [-c <cap>]]")
            d.weight, d.cap = w, c

    def _later(self, fn):
        with self.fake().cond:
            fn()

    def console(self, method, d, query):
        f = self.fake()
        if method == "POST":
            data = self.body()
            with f.cond:
                f.type_into(d, data)
            return self.send_json(200, {"ok": True, "bytes": len(data)})
        try:
            offset = int(query.get("offset", "0"))
        except ValueError:
            raise ApiError(400, "offset must be a number")
        with f.cond:
            start = max(offset, d.log_base)
            data = bytes(d.log[start - d.log_base:])
        if query.get("follow") != "1":
            return self.send_text(data, extra=[("X-Console-Offset", str(start))])
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("X-Console-Offset", str(start))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        pos = start + len(data)
        try:
            while True:
                if data:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                with f.cond:
                    f.cond.wait_for(lambda: d.gone or f.stop or d.log_base + len(d.log) > pos, timeout=1.0)
                    ending = d.gone or f.stop
                    begin = max(pos, d.log_base)
                    data = bytes(d.log[begin - d.log_base:])
                    pos = begin + len(data)
                if ending:
                    break
            if data:  # what the domain printed last, then the final chunk
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        self.close_connection = True

    def metrics(self):
        f = self.fake()
        out = []

        def metric(name, kind, help_text, rows):
            out.append("# HELP %s %s\n# TYPE %s %s\n" % (name, help_text, name, kind))
            out.extend("%s%s %s\n" % (name, labels, value) for labels, value in rows)

        with f.cond:
            doms = list(f.domains.values())
            used = sum(d.memory_kib for d in doms)
        lab = lambda d: '{id="%d",name="%s"}' % (d.id, d.name.replace("\\", "\\\\").replace('"', '\\"'))
        metric("xenith_host_memory_total_bytes", "gauge", "Host memory.", [("", TOTAL_KIB * 1024)])
        metric("xenith_host_memory_free_bytes", "gauge", "Free host memory.", [("", (TOTAL_KIB - used) * 1024)])
        metric("xenith_host_cpus", "gauge", "Physical CPUs.", [("", 2)])
        metric("xenith_domains", "gauge", "Domains, dom0 included.", [("", len(doms))])
        metric("xenith_domain_cpu_seconds_total", "counter", "CPU time used.",
               [(lab(d), "%.3f" % d.cpu_time) for d in doms])
        metric("xenith_domain_memory_bytes", "gauge", "Memory.", [(lab(d), d.memory_kib * 1024) for d in doms])
        metric("xenith_domain_max_memory_bytes", "gauge", "Maximum memory.",
               [(lab(d), d.max_memory_kib * 1024) for d in doms])
        metric("xenith_domain_vcpus", "gauge", "Online vCPUs.", [(lab(d), d.vcpus) for d in doms])
        metric("xenith_domain_running", "gauge", "1 unless paused.", [(lab(d), 0 if d.paused else 1) for d in doms])
        return "".join(out).encode()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start(token, port=0):
    """Serve on 127.0.0.1 in a thread; returns the server (.server_port, .shutdown_all())."""
    srv = Server(("127.0.0.1", port), Handler)
    srv.fake = Fake(token)
    # A fake of the example ramdisk's autostarted echo guest, so that a fresh
    # fake, like a fresh dom0, has a domU.
    with srv.fake.cond:
        cfg = {"name": "echo", "memory": 16, "vcpus": 1, "path": "/etc/xen/echo.cfg"}
        d = Domain(srv.fake.next_id, "echo", 16 * 1024, 1, cfg["path"])
        srv.fake.next_id += 1
        srv.fake.domains[d.id] = d
        srv.fake.emit(d, b"echo: hello from domain echo; type a line\n")
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()

    def shutdown_all():
        with srv.fake.cond:
            srv.fake.stop = True
            srv.fake.cond.notify_all()
        srv.shutdown()
        srv.server_close()

    srv.shutdown_all = shutdown_all
    return srv


def main():
    ap = argparse.ArgumentParser(description="test double of the Xenith management API (tests only)")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--token", default="0123456789abcdef")
    a = ap.parse_args()
    srv = start(a.token, a.port)
    print("api: token %s" % a.token, flush=True)
    print("api: listening on http://127.0.0.1:%d/" % srv.server_port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.shutdown_all()


if __name__ == "__main__":
    main()
