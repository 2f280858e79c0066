// The start_info page of a PV domain at start of day (public/xen.h struct
// start_info), as both domain builders fill it: dom0's
// (arch/x86_32/domain/guest_image.cpp) and the toolstack's
// (tools/lib/domain_builder). Portable.
#pragma once
#include <cstdint>

#include "hypervisor/boot/boot_layout.hpp"

#include <public/xen.h>

// Everything the layout decides: magic, nr_pages, pt_base, nr_pt_frames,
// mfn_list, the module (mod_start a virtual address, or a pfn with
// SIF_MOD_START_PFN when the ramdisk is outside the region), and the
// command line (truncated to MAX_GUEST_CMDLINE - 1 bytes). The caller adds
// shared_info, the SIF_PRIVILEGED / SIF_INITDOMAIN flags of dom0, and a
// domU's store and console.
start_info_t boot_start_info(const Boot_layout& l, uint32_t nr_pages, uint32_t mod_len,
                             const char* cmdline);
