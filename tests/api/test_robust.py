#!/usr/bin/env python3
"""Hostile and heavy clients against dom0's HTTP server.

Run by the api_robust scenario against the real dom0 in QEMU (the runner
sets XENITH_TEST_HOST=127.0.0.1:PORT and XENITH_TEST_TOKEN). Each case
ends by checking that an ordinary request is still answered and that the
domains are as they were: what one client does must not cost the others.
"""
import collections
import http.client
import json
import os
import socket
import sys
import time
import unittest

HOST = os.environ.get("XENITH_TEST_HOST", "127.0.0.1:8080")
TOKEN = os.environ.get("XENITH_TEST_TOKEN", "")
ADDR = (HOST.rsplit(":", 1)[0], int(HOST.rsplit(":", 1)[1]))
assert ADDR[0] == "127.0.0.1", "tests only ever address 127.0.0.1"


def request(method, path, body=None, token=TOKEN, headers=None, timeout=30):
    c = http.client.HTTPConnection(*ADDR, timeout=timeout)
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = "Bearer " + token
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r.headers, data


def domains():
    status, _, data = request("GET", "/api/v1/domains")
    assert status == 200, (status, data)
    # CPU figures move; identity, state letters that matter and memory do not.
    return [(d["id"], d["name"], d["memory_kib"], d["vcpus"], "p" in d["state"])
            for d in json.loads(data)["domains"]]


def raw_exchange(data, timeout=20, shut=True):
    """Sends bytes on a fresh connection, returns what came back until close."""
    s = socket.create_connection(ADDR, timeout=timeout)
    s.sendall(data)
    if shut:
        s.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out


def status_of(reply):
    line = reply.split(b"\r\n", 1)[0].split(b" ")
    return int(line[1]) if len(line) > 1 and line[1].isdigit() else None


class Robust(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.before = domains()

    def assert_unharmed(self):
        status, _, data = request("GET", "/api/v1/host")
        self.assertEqual(status, 200, data)
        self.assertEqual(domains(), self.before)

    def test_no_token_is_401_and_changes_nothing(self):
        target = self.before[-1][0]
        for token in (None, "", "0" * 16, TOKEN + "x", TOKEN[:-1]):
            status, headers, data = request("POST", f"/api/v1/domains/{target}/pause", token=token)
            self.assertEqual(status, 401, (token, data))
            self.assertIn("Bearer", headers.get("WWW-Authenticate", ""))
        status, _, _ = request("GET", "/metrics", token=None)
        self.assertEqual(status, 401)
        self.assert_unharmed()

    def test_malformed_requests_get_4xx(self):
        # An HTTP version the server does not speak is 505 (RFC 9110 15.6.6).
        code = status_of(raw_exchange(b"GET /api/v1/host HTTP/9.9\r\n\r\n"))
        self.assertEqual(code, 505)
        cases = [
            b"GARBAGE\r\n\r\n",
            b"GET /api/v1/host HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
            b"GET /api/v1/host HTTP/1.1\r\nNo-Colon-Here\r\n\r\n",
            b"POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"\x00\x01\x02\x03\xff\xfe\r\n\r\n",
        ]
        for raw in cases:
            reply = raw_exchange(raw)
            code = status_of(reply)
            self.assertIsNotNone(code, (raw, reply[:200]))
            self.assertTrue(400 <= code < 500, (raw, reply[:200]))
        self.assert_unharmed()

    def test_oversized_requests(self):
        long_target = b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        code = status_of(raw_exchange(long_target))
        self.assertIn(code, (414, 431, 400))
        big_header = (b"GET /api/v1/host HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 70000 + b"\r\n\r\n")
        code = status_of(raw_exchange(big_header))
        self.assertIn(code, (431, 400))
        huge_body = (b"POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     TOKEN.encode() + b"\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 4294967296\r\n\r\n{")
        code = status_of(raw_exchange(huge_body))
        self.assertEqual(code, 413)
        self.assert_unharmed()

    def test_disconnect_mid_request_and_mid_upload(self):
        for part in (b"GET /api/v1/ho", b"GET /api/v1/host HTTP/1.1\r\nHost: x\r\nAuthor"):
            s = socket.create_connection(ADDR, timeout=10)
            s.sendall(part)
            s.close()
        # Half of a 1 MiB upload, then gone: the partial file must be freed.
        boundary = "xenithtestboundary"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n"
                f"name = \"halfway\"\nmemory = 16\nkernel = \"k\"\n\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"kernel\"; filename=\"k\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode()
        s = socket.create_connection(ADDR, timeout=10)
        s.sendall((f"POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                   f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                   f"Content-Length: {len(head) + (1 << 20) + 64}\r\n\r\n").encode() + head)
        s.sendall(b"\x7fELF" + b"\0" * (1 << 19))
        s.close()
        time.sleep(1)
        self.assert_unharmed()
        names = [d[1] for d in domains()]
        self.assertNotIn("halfway", names)

    def test_slow_client_does_not_stall_others(self):
        slow = socket.create_connection(ADDR, timeout=60)
        slow.sendall(b"GET /api/v1/host HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        t0 = time.monotonic()
        for _ in range(5):
            status, _, _ = request("GET", "/api/v1/host", timeout=10)
            self.assertEqual(status, 200)
        served = time.monotonic() - t0
        self.assertLess(served, 10.0, "others waited behind a slow client")
        # The server drops the slow one on its own (request timeout).
        slow.settimeout(60)
        t0 = time.monotonic()
        try:
            rest = slow.recv(4096)
            while rest and b"\r\n\r\n" not in rest:
                more = slow.recv(4096)
                if not more:
                    break
                rest += more
        except ConnectionResetError:
            rest = b""
        waited = time.monotonic() - t0
        slow.close()
        self.assertLess(waited, 55, "a half-sent request was never timed out")
        code = status_of(rest) if rest else None
        self.assertIn(code, (None, 408))
        self.assert_unharmed()

    def test_200_concurrent_connections(self):
        # QEMU's user network hands the guest about three new connections
        # a second (its accept pacing, not dom0's: each SYN is answered at
        # once), so the 200 build up over about a minute, each sending
        # its request as soon as it is open and keeping the connection
        # (keep-alive) while the rest arrive.
        req = (f"GET /api/v1/host HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
               f"\r\n").encode()
        socks = []
        t0 = time.monotonic()
        for _ in range(200):
            s = socket.create_connection(ADDR, timeout=150)
            s.sendall(req)
            socks.append(s)
        opened = time.monotonic() - t0
        codes = collections.Counter()
        for s in socks:
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except (ConnectionResetError, socket.timeout):
                pass
            codes[status_of(data)] += 1
        # With all of them still open (or closed by the server's idle
        # timeout), a fresh client is served at once.
        t1 = time.monotonic()
        status, _, _ = request("GET", "/api/v1/host", timeout=10)
        fresh = time.monotonic() - t1
        for s in socks:
            s.close()
        print(f"200 connections: opened in {opened:.1f} s, answers {dict(codes)}, "
              f"a fresh request then took {fresh:.2f} s", file=sys.stderr)
        self.assertEqual(status, 200)
        self.assertEqual(codes[200] + codes[503], 200, codes)
        self.assertGreaterEqual(codes[200], 190, codes)
        self.assert_unharmed()

    def test_keep_alive_and_pipelining(self):
        req = (f"GET /api/v1/host HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n").encode()
        last = req.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")
        reply = raw_exchange(req * 9 + last, shut=False)
        self.assertEqual(reply.count(b"HTTP/1.1 200"), 10, reply[:400])


if __name__ == "__main__":
    unittest.main(verbosity=2)
