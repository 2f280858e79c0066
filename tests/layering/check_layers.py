#!/usr/bin/env python3
"""The dependency rules of docs/design.md, checked over the source tree.

Every #include "..." of a source file is resolved the way the build
resolves it (the file's own folder, the root, include/, guest-abi/) and the
folder it lands in must be one the including folder may use. Headers that
resolve outside the tree (the compiler's own) are not checked. A second
rule keeps each hypervisor and toolstack-library source folder small. Exit 1 with one line per
break."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE = {".c", ".h", ".cpp", ".hpp", ".S"}
SEARCH = [root, root / "include", root / "guest-abi"]

# Folder -> folders (prefixes of the included file's path) it may include.
# Longest matching folder wins.
RULES = {
    "include/public": ["include/public"],
    "guest-abi": ["guest-abi", "include/public"],
    # Test dom0 kernels (domu_launch) host the toolstack library, as
    # tools/dom0 will; net_dhcp drives dom0's NIC with its event loop.
    "tests/guests": ["tests/guests", "guest-abi", "include/public", "tools/lib",
                     "tools/dom0/dom0_nic.hpp", "tools/dom0/dom0_ports.hpp",
                     "tools/dom0/event_loop.hpp"],
    # The core reaches the architecture only through its face, include/.
    "hypervisor": ["hypervisor", "include/public", "boot/layout.h", "arch/x86_32/include"],
    # The face itself: the core, the ABI, and the register layout it pins;
    # and the two headers whose hit paths the core's Frame_space calls
    # inline in the hypervisor (frame_space_inline.hpp).
    "arch/x86_32/include": ["arch/x86_32/include", "hypervisor", "include/public", "boot/layout.h",
                            "arch/x86_32/cpu/cpu_layout.h", "arch/x86_32/mm/mapcache.hpp",
                            "arch/x86_32/mm/tlb_clock.hpp"],
    # The portable instruction emulator: only its hooks reach the machine.
    "arch/x86_32/x86_emulate": ["arch/x86_32/x86_emulate", "arch/x86_32/include/exception_frame.hpp",
                                "arch/x86_32/cpu/cpu_layout.h"],
    # The portable toolstack library: itself and the ABI, nothing of the
    # hypervisor or the guests...
    "tools/lib": ["tools/lib", "include/public"],
    # ...except its domain builder, which shares dom0's PV kernel parser and
    # start-of-day layout (XENITH_SHARED_SOURCES, docs/design.md): exactly
    # those headers and the formatter their messages use.
    "tools/lib/domain_builder": ["tools/lib", "include/public",
                                 "hypervisor/boot/elf_image.hpp", "hypervisor/boot/xen_notes.hpp",
                                 "hypervisor/boot/elf_error.hpp", "hypervisor/boot/boot_layout.hpp",
                                 "hypervisor/boot/start_info.hpp",
                                 "hypervisor/lib/format.hpp"],
}
LIMIT = 25


def resolve(src: pathlib.Path, inc: str):
    for base in [src.parent] + SEARCH:
        p = base / inc
        if p.exists():
            return p.resolve().relative_to(root).as_posix()
    return None


def rule_for(rel: str):
    best = None
    for folder in RULES:
        if rel.startswith(folder + "/") and (best is None or len(folder) > len(best)):
            best = folder
    return best


breaks = []
checked = 0
for path in sorted(root.rglob("*")):
    rel = path.relative_to(root).as_posix()
    if path.suffix not in SOURCE or rel.startswith(("build", ".git")):
        continue
    folder = rule_for(rel)
    if folder is None:
        continue
    checked += 1
    for inc in INCLUDE.findall(path.read_text()):
        target = resolve(path, inc)
        if target is None:
            continue
        if not any(target == a or target.startswith(a + "/") for a in RULES[folder]):
            breaks.append(f"{rel}: includes {target}, which {folder}/ may not use")

for top in ("arch/x86_32", "hypervisor", "tools/lib"):
    for d in [root / top] + sorted(p for p in (root / top).rglob("*") if p.is_dir()):
        n = sum(1 for f in d.iterdir() if f.is_file() and f.suffix in SOURCE)
        if n > LIMIT:
            breaks.append(f"{d.relative_to(root)}/: {n} source files, more than {LIMIT}")

for b in breaks:
    print(b)
print(f"{checked} files checked, {len(breaks)} layering breaks")
sys.exit(1 if breaks else 0)
