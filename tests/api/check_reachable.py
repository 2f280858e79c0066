#!/usr/bin/env python3
"""The API answers at XENITH_TEST_HOST with XENITH_TEST_TOKEN and refuses
without it: the smallest check that dom0's network came up (used by the
api_static_ip scenario, whose dom0 has a static address)."""
import http.client
import json
import os
import sys

host, port = os.environ["XENITH_TEST_HOST"].rsplit(":", 1)
assert host == "127.0.0.1"
token = os.environ["XENITH_TEST_TOKEN"]


def get(path, auth):
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    c.request("GET", path, headers={"Authorization": "Bearer " + token} if auth else {})
    r = c.getresponse()
    return r.status, r.read()


status, body = get("/api/v1/host", True)
if status != 200 or json.loads(body).get("nr_cpus", 0) < 1:
    sys.exit(f"GET /api/v1/host: {status} {body[:200]!r}")
status, _ = get("/api/v1/host", False)
if status != 401:
    sys.exit(f"without the token: {status}, not 401")
print("the API answers with the token and refuses without it")
