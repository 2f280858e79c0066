#!/usr/bin/env bash
# mkiso.sh XENITH_ELF OUT_ISO [GRUB_OPTIONS] [MODULE [ARGS]]...
# Builds a BIOS-bootable GRUB rescue ISO that boots Xenith with the given
# hypervisor options and modules (each module argument is "path args").
# GRUB_TIMEOUT (default 3 s) sets the menu timeout.
set -euo pipefail
elf=$1 iso=$2 opts=${3:-console=com1 loglvl=info}
shift 2; shift || true
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub"
cp "$elf" "$root/boot/xenith.elf"
{
    echo "set timeout=${GRUB_TIMEOUT:-3}"
    echo "serial --unit=0 --speed=115200"
    echo "terminal_input serial console"
    echo "terminal_output serial console"
    echo 'menuentry "Xenith" {'
    echo "  multiboot /boot/xenith.elf $opts"
    i=0
    for m in "$@"; do
        path=${m%% *}
        name=$(basename "$path")
        cp "$path" "$root/boot/mod$i-$name"
        # GRUB 2 passes only the words after the path as the module's string.
        echo "  module /boot/mod$i-$name${m#"$path"}"
        i=$((i + 1))
    done
    echo "}"
} > "$root/boot/grub/grub.cfg"
grub-mkrescue -o "$iso" "$root" 2>/dev/null
