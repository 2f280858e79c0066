#!/usr/bin/env bash
# Developer entry point: set up a fresh Debian machine, build, boot, test.
#   tools/dev.sh run [hypervisor options]   install what is missing, build, boot in QEMU
#                                           (DOM0=path/to/kernel.elf picks dom0's kernel)
#   tools/dev.sh test                       install what is missing, build, run every test
#   tools/dev.sh build | deps | iso
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential g++-multilib cmake ninja-build googletest libgtest-dev
          clang libclang-rt-14-dev python3 qemu-system-x86 grub-pc-bin grub-common
          grub-xen-bin xorriso mtools cpio chromium chromium-driver python3-selenium)
BUILD=${BUILD_DIR:-build}

# The build fetches lwIP with `apt-get source lwip` (cmake/lwip.cmake),
# which needs a deb-src entry; a fresh Debian has only deb ones. This adds
# the deb-src twin of each stanza of debian.sources (same URIs, suites,
# components and keyring) unless apt already knows lwip's source package.
# Its messages go to stderr: `packages` prints the package list on stdout.
SRC_SOURCES=/etc/apt/sources.list.d/xenith-src.sources
deb_src() {
    # grep reads all (no -q): with pipefail an early exit could fail apt-cache.
    if apt-cache showsrc lwip 2>/dev/null | grep '^Package: lwip$' >/dev/null; then
        return 0
    fi
    local from=/etc/apt/sources.list.d/debian.sources
    if [ ! -r "$from" ]; then
        echo "no $from: add a deb-src line for Debian main yourself (lwIP is built from its source package)" >&2
        return 1
    fi
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "adding $SRC_SOURCES (deb-src, for lwIP's source package)" >&2
    awk 'BEGIN { RS = ""; FS = "\n" }
         {
             out = ""; deb = 0
             for (i = 1; i <= NF; i++) {
                 l = $i
                 if (l ~ /^#/) continue
                 if (l ~ /^Types:/) {
                     if (l ~ /[: \t]deb([ \t]|$)/) deb = 1
                     l = "Types: deb-src"
                 }
                 out = out l "\n"
             }
             if (deb) printf "%s%s", (n++ ? "\n" : ""), out
         }' "$from" | $sudo tee "$SRC_SOURCES" >/dev/null
    $sudo apt-get update >&2 || echo "apt-get update reported errors; continuing" >&2
}

deps() {
    deb_src
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        echo "installing: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get update
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
    fi
}

build() {
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD"
}

case "${1:-}" in
packages) deb_src >&2 || true; echo "${PACKAGES[*]}" ;;
deps) deps ;;
build) deps; build ;;
run)
    shift
    deps; build
    # dom0 is the toolstack (tools/dom0) with the example ramdisk: it starts
    # the example domUs hello and echo (/etc/xen/auto) and gives an xl>
    # prompt on this terminal. DOM0=<kernel[,ramdisk]> boots another dom0.
    # Its management API and web page are on dom0's port 80, forwarded
    # from 127.0.0.1:$XENITH_PORT (8080) on this machine, with a token
    # made here for this boot (dom0's api_token= option).
    PORT=${XENITH_PORT:-8080}
    TOKEN=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
    MODULES=${DOM0:-$BUILD/tools/dom0/xenith-dom0.elf api_token=$TOKEN,$BUILD/tools/dom0/example.cpio}
    echo "booting Xenith in QEMU (TCG) with dom0 and its guests; the serial console follows: at xl> try list, console echo (Ctrl-] leaves), help; poweroff or Ctrl-C quits"
    echo "web page: http://127.0.0.1:$PORT/#token=$TOKEN"
    echo "command line: tools/xenith/xenith --host 127.0.0.1:$PORT --token $TOKEN list"
    exec qemu-system-i386 -accel tcg -cpu pentium2 -m 256M -smp 2 \
        -display none -monitor none -serial stdio -no-reboot \
        -nic "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$PORT-:80" \
        -kernel "$BUILD/xenith.elf" -append "${*:-console=com1 loglvl=info dom0_mem=64M}" \
        -initrd "$MODULES"
    ;;
iso)
    deps; build
    tools/mkiso.sh "$BUILD/xenith.elf" "$BUILD/xenith.iso"
    echo "$BUILD/xenith.iso"
    ;;
test)
    deps; build
    ctest --test-dir "$BUILD" --output-on-failure -j2
    ;;
*)
    sed -n '2,5p' "$0"
    exit 2
    ;;
esac
