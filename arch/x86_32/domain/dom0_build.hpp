// Building domain 0 from the first multiboot module (its kernel) and the
// optional second (its initial ramdisk), with Xen's start-of-day layout
// (hypervisor/boot/boot_layout.hpp). Everything about the kernel is checked
// before any of the domain's memory is touched; a refusal is one clear
// console line.
#pragma once
#include "boot/multiboot.hpp"
#include "hypervisor/boot/cmdline.hpp"

struct Domain;

namespace arch {

// nullptr (after logging why) when dom0 cannot be built.
Domain* build_dom0(const multiboot::Info& mbi, const Boot_options& opt, bool strip_module_name);

} // namespace arch
