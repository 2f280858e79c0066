#!/usr/bin/env python3
"""Writes the archive tests/guests/ramdisk_archive.hpp reads:
mkarchive.py OUT FILE... (each stored under its base name)."""
import os
import struct
import sys


def pad(b):
    return b + b"\0" * (-len(b) % 4)


out, files = sys.argv[1], sys.argv[2:]
body = b"XNARCHV1" + struct.pack("<II", len(files), 0)
for path in files:
    name = os.path.basename(path).encode()
    with open(path, "rb") as f:
        data = f.read()
    body += struct.pack("<II", len(name), len(data)) + pad(name) + pad(data)
with open(out, "wb") as f:
    f.write(body)
