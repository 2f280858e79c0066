// What the toolstack needs to make (and remake) one domain: an xl config
// file, once parsed and checked (tools/lib/config), comes down to this.
// Fixed-size so a domain's record keeps its own copy for restarts.
// Portable and freestanding.
#pragma once
#include <cstdint>

namespace xl {

// on_poweroff / on_reboot / on_crash (xl.cfg(5)).
enum class Action : uint8_t { destroy, restart, preserve, rename_restart };

const char* action_name(Action a);

struct Domain_spec {
    char name[64] = {};
    char kernel[256] = {};  // paths in dom0's file system
    char ramdisk[256] = {}; // empty: none
    char cmdline[1024] = {};
    uint32_t memory_mib = 128;
    uint32_t maxmem_mib = 0; // 0: memory_mib
    uint32_t vcpus = 1;
    uint32_t maxvcpus = 0; // 0: vcpus
    uint64_t cpus = ~0ull; // hard affinity of every vCPU (bit n: CPU n)
    uint32_t weight = 256;
    uint32_t cap = 0;
    Action on_poweroff = Action::destroy;
    Action on_reboot = Action::restart;
    Action on_crash = Action::destroy;
    uint8_t uuid[16] = {};
    bool has_uuid = false;
};

} // namespace xl
