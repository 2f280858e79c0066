#!/usr/bin/env python3
"""Writes a C++ source holding files as byte arrays and a table of them
(api::Static_file, declared in tools/dom0/dom0_api.hpp), so dom0 serves its
web page without reading it from the ramdisk. Usage:
    embed_files.py OUT.cpp URL_PATH=FILE [URL_PATH=FILE ...]"""
import os
import sys

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}


def main():
    out_path, pairs = sys.argv[1], sys.argv[2:]
    lines = ['#include "tools/dom0/dom0_api.hpp"', "", "namespace {", ""]
    table = []
    for i, pair in enumerate(pairs):
        url, src = pair.split("=", 1)
        ext = os.path.splitext(src)[1]
        if ext not in TYPES:
            sys.exit(f"embed_files.py: no content type for {src}")
        with open(src, "rb") as f:
            data = f.read()
        lines.append(f"const uint8_t file{i}[] = {{")
        for j in range(0, len(data), 24):
            lines.append("    " + ",".join(str(b) for b in data[j:j + 24]) + ",")
        lines.append("};")
        table.append(f'    {{"{url}", "{TYPES[ext]}", file{i}, sizeof file{i}}},')
    lines += ["", "} // namespace", "", "namespace dom0 {", "",
              "const api::Static_file www_files[] = {"] + table + ["};",
              f"const size_t www_file_count = {len(table)};", "", "} // namespace dom0", ""]
    with open(out_path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
