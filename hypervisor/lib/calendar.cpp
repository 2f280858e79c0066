#include "hypervisor/lib/calendar.hpp"

namespace {

bool leap(uint32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

uint32_t days_in_month(uint32_t y, uint32_t m)
{
    static constexpr uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

} // namespace

bool unix_seconds(const Civil_time& t, uint64_t& out)
{
    if (t.year < 1970 || t.year > 9999 || t.month < 1 || t.month > 12 || t.day < 1 ||
        t.day > days_in_month(t.year, t.month) || t.hour > 23 || t.minute > 59 || t.second > 59)
        return false;
    uint64_t days = 0;
    for (uint32_t y = 1970; y < t.year; ++y)
        days += leap(y) ? 366 : 365;
    for (uint32_t m = 1; m < t.month; ++m)
        days += days_in_month(t.year, m);
    days += t.day - 1;
    out = ((days * 24 + t.hour) * 60 + t.minute) * 60 + t.second;
    return true;
}
