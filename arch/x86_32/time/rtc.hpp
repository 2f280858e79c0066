// The CMOS real-time clock (MC146818): read once at boot for the wall clock.
#pragma once
#include <cstdint>

namespace arch {

// Seconds since 1970-01-01 UTC (the RTC is assumed to keep UTC, as Xen
// assumes), or false when the RTC's reading is not a valid date.
[[nodiscard]] bool rtc_read_unix(uint64_t& seconds);

} // namespace arch
