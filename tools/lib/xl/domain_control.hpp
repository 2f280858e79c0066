// Changes to a running domain that both the xl commands (commands.cpp)
// and the management API (tools/lib/api) make, with xl's messages.
// Portable and freestanding.
#pragma once
#include <cstdint>

#include "tools/lib/xl/toolstack.hpp"

namespace xl {

// A domctl of this interface version for one domain, its payload zeroed.
xen_domctl make_domctl(uint32_t cmd, domid_t dom);

// XEN_DOMCTL_pausedomain / unpausedomain.
[[nodiscard]] bool pause_domain(Toolstack& ts, domid_t id, bool pause, Text& err);
// cpu/<n>/availability for every vCPU up to the maximum (the PV protocol).
[[nodiscard]] bool set_vcpus(Toolstack& ts, Domain& d, uint64_t n, Text& err);
// memory/target in KiB (the balloon protocol).
[[nodiscard]] bool set_memory_target(Toolstack& ts, Domain& d, uint64_t kib, Text& err);
// The credit scheduler's weight and cap; a value not set stays.
struct Credit {
    uint32_t weight = 0;
    uint32_t cap = 0;
};
[[nodiscard]] bool get_credit(Toolstack& ts, domid_t id, Credit& out);
[[nodiscard]] bool set_credit(Toolstack& ts, domid_t id, bool set_weight, uint32_t weight,
                              bool set_cap, uint32_t cap, Text& err);

} // namespace xl
