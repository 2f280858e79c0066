// What the toolstack needs from the kernel or program hosting it, beyond
// hypercalls: its files, its console, its clock, the machine's power. The
// dom0 kernel implements it over its ramdisk and serial console; tests
// with fakes. Portable and freestanding.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tools/lib/base/text.hpp"

namespace xl {

class Host {
public:
    // The whole file at path; false if there is none.
    [[nodiscard]] virtual bool read_file(toolstack::Str path, const uint8_t*& data,
                                         size_t& len) = 0;
    // Bytes for the operator's console.
    virtual void write(toolstack::Str s) = 0;
    // System time (ns since the hypervisor booted).
    virtual uint64_t now_ns() = 0;
    // Asks to be called (Toolstack::tick and Shell::tick) at or soon after
    // deadline_ns. Of several requests the earliest must be kept; the ticks
    // ask again for whatever is still ahead of them.
    virtual void wake_at(uint64_t deadline_ns) = 0;
    // The whole machine (SHUTDOWN_poweroff / SHUTDOWN_reboot of dom0).
    virtual void power_off(bool reboot) = 0;

protected:
    ~Host() = default;
};

} // namespace xl
