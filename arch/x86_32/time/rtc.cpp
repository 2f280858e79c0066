#include "arch/x86_32/time/rtc.hpp"

#include "arch/x86_32/cpu/io.hpp"
#include "hypervisor/lib/calendar.hpp"

namespace arch {
namespace {

constexpr uint16_t index_port = 0x70, data_port = 0x71;
constexpr uint8_t reg_a = 0x0A, reg_b = 0x0B;
constexpr uint8_t a_update_in_progress = 0x80;
constexpr uint8_t b_24h = 0x02, b_binary = 0x04;
constexpr uint8_t century_reg = 0x32;  // ACPI FADT's usual century register

uint8_t cmos(uint8_t reg)
{
    // Bit 7 of the index port keeps NMIs enabled as they were (clear).
    outb(index_port, reg & 0x7F);
    return inb(data_port);
}

struct Raw {
    uint8_t sec, min, hour, day, mon, year, century;
    bool operator==(const Raw&) const = default;
};

Raw read_raw()
{
    // The registers change during an update cycle: wait until none is in
    // progress (at most ~2 ms after UIP rises).
    for (unsigned i = 0; i < 100000 && (cmos(reg_a) & a_update_in_progress); ++i)
        cpu_relax();
    return Raw{cmos(0x00), cmos(0x02), cmos(0x04), cmos(0x07), cmos(0x08), cmos(0x09), cmos(century_reg)};
}

uint32_t bcd(uint8_t v, bool binary) { return binary ? v : (v >> 4) * 10u + (v & 15u); }

} // namespace

bool rtc_read_unix(uint64_t& seconds)
{
    // Two equal readings in a row cannot straddle an update.
    Raw r = read_raw();
    for (int i = 0; i < 5; ++i) {
        Raw again = read_raw();
        if (again == r)
            break;
        r = again;
    }
    uint8_t b = cmos(reg_b);
    bool bin = b & b_binary;
    uint32_t hour = bcd(r.hour & 0x7F, bin);
    if (!(b & b_24h) && (r.hour & 0x80))
        hour = (hour % 12) + 12;
    else if (!(b & b_24h) && hour == 12)
        hour = 0;
    uint32_t century = bcd(r.century, bin);
    uint32_t yy = bcd(r.year, bin);
    uint32_t year = (century >= 19 && century <= 99) ? century * 100 + yy : (yy < 70 ? 2000 : 1900) + yy;
    Civil_time t{year, bcd(r.mon, bin), bcd(r.day, bin), hour, bcd(r.min, bin), bcd(r.sec, bin)};
    return unix_seconds(t, seconds);
}

} // namespace arch
