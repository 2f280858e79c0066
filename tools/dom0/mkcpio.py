#!/usr/bin/env python3
"""Writes dom0's initial ramdisk: a newc cpio archive (what `cpio -o -H
newc` makes), without needing cpio. Usage:
    mkcpio.py OUT DEST=SRC [DEST=SRC ...]
DEST is the path inside the archive (directories are implied and added);
SRC a file on the host."""
import os
import sys


def entry(out, name, mode, data, ino):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0]
    out.write(b"070701" + b"".join(b"%08X" % f for f in fields))
    out.write(name_b)
    out.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
    out.write(data)
    out.write(b"\0" * ((4 - len(data) % 4) % 4))


def main():
    out_path, pairs = sys.argv[1], sys.argv[2:]
    files = []
    dirs = set()
    for p in pairs:
        dest, src = p.split("=", 1)
        dest = dest.strip("/")
        files.append((dest, src))
        parts = dest.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    with open(out_path + ".tmp", "wb") as out:
        ino = 1
        for d in sorted(dirs):
            entry(out, d, 0o040755, b"", ino)
            ino += 1
        for dest, src in files:
            with open(src, "rb") as f:
                entry(out, dest, 0o100644, f.read(), ino)
            ino += 1
        entry(out, "TRAILER!!!", 0, b"", 0)
    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main()
