// The nodes a new PV domain expects, as xl/libxl writes them
// (libxl__domain_make, libxl__build_post, the primary console): under
// /local/domain/<id>, owned by the control domain and readable by the
// domain, except the parts the domain writes itself, which it owns.
//
//   /vm/<uuid>                      {uuid, name}
//   /local/domain/<id>              name, domid, vm = /vm/<uuid>
//     memory/                       target, static-max (KiB)
//     cpu/<n>/availability          "online"
//     store/                        port, ring-ref
//     console/  (the domain's)      ring-ref, port, limit, type (control domain's)
//     control/                      platform-feature-* = 1
//       shutdown, feature-poweroff, feature-reboot, feature-suspend, sysrq
//                                   (the domain's)
//     device/                       suspend/event-channel (the domain's)
//     data/, drivers/, feature/, attr/, error/  (the domain's)
//
// Everything is written in one transaction (retried on a conflict), so a
// watcher never sees half a domain. Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/xenstore/xenstored.hpp"

namespace xs {

struct Domain_info {
    Domid domid = 0;
    const char* name = "";
    const char* uuid = "00000000-0000-0000-0000-000000000000";
    uint64_t memory_kb = 0;     // memory/target
    uint64_t max_memory_kb = 0; // memory/static-max (0: memory_kb)
    uint32_t vcpus = 1;
    uint32_t console_port = 0; // the domain's end of the console event channel
    uint64_t console_mfn = 0;  // console ring (start_info.console.domU.mfn)
    uint32_t store_port = 0;
    uint64_t store_mfn = 0;
};

[[nodiscard]] Err build_domain_tree(Xenstored& xs, const Domain_info& info);

// Removes /local/domain/<id> and the /vm/<uuid> it names: what the
// toolstack does when a domain is destroyed (release() leaves the control
// domain's nodes in place).
[[nodiscard]] Err remove_domain_tree(Xenstored& xs, Domid domid);

} // namespace xs
