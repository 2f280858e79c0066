#!/usr/bin/env bash
# The management API's figures (bench/api_bench.py): boots Xenith with the
# toolstack dom0 and its example ramdisk in QEMU (TCG), dom0's port 80
# forwarded from a free port on 127.0.0.1, and measures from the host.
#   bench/run_api.sh [build dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
cmake --build "$BUILD" --target xenith_dom0 dom0_example_ramdisk guest_echo >/dev/null
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TOKEN=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
LOG=$(mktemp)
trap 'kill $QEMU 2>/dev/null || true; rm -f "$LOG"' EXIT
qemu-system-i386 -accel tcg -cpu max -m 512M -smp 2 -display none -monitor none \
    -serial "file:$LOG" -no-reboot -nic "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$PORT-:80" \
    -kernel "$BUILD/xenith.elf" -append 'console=com1 loglvl=warning dom0_mem=64M' \
    -initrd "$BUILD/tools/dom0/xenith-dom0.elf api_token=$TOKEN mirror=0,$BUILD/tools/dom0/example.cpio" &
QEMU=$!
for _ in $(seq 1 120); do
    grep -q "api: listening" "$LOG" && break
    sleep 0.5
done
grep -q "api: listening" "$LOG" || { echo "dom0 never listened" >&2; tail -20 "$LOG" >&2; exit 1; }
python3 bench/api_bench.py "127.0.0.1:$PORT" "$TOKEN" "$PWD/$BUILD/tests/guests/echo.elf"
