// Civil date and time (UTC, proleptic Gregorian) to seconds since
// 1970-01-01, for the wall clock read from the CMOS RTC. Portable.
#pragma once
#include <cstdint>

struct Civil_time {
    uint32_t year;   // e.g. 2024
    uint32_t month;  // 1..12
    uint32_t day;    // 1..31
    uint32_t hour, minute, second;
};

// False when a field is out of range or the date precedes 1970.
[[nodiscard]] bool unix_seconds(const Civil_time& t, uint64_t& out);
