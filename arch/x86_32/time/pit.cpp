#include "arch/x86_32/time/pit.hpp"

#include "arch/x86_32/cpu/io.hpp"

namespace arch::pit {
namespace {

// Port 0x61 (NMI status and control): bit 0 gates channel 2, bit 1 feeds
// it to the speaker, bit 5 reads back OUT2.
constexpr uint16_t port_control = 0x61;
constexpr uint8_t gate2 = 1u << 0;
constexpr uint8_t speaker = 1u << 1;
constexpr uint8_t out2 = 1u << 5;
constexpr uint16_t port_mode = 0x43;
constexpr uint16_t port_ch2 = 0x42;
// Channel 2, lobyte/hibyte access, mode 0 (interrupt on terminal count).
constexpr uint8_t ch2_mode0 = 0xB0;
// Channel 2, lobyte/hibyte access, mode 2 (rate generator: counts down and
// reloads for ever).
constexpr uint8_t ch2_mode2 = 0xB4;

} // namespace

void gate_start(uint16_t count)
{
    outb(port_control, static_cast<uint8_t>((inb(port_control) & ~(speaker | gate2)) | gate2));
    outb(port_mode, ch2_mode0);
    outb(port_ch2, static_cast<uint8_t>(count));
    outb(port_ch2, static_cast<uint8_t>(count >> 8));
}

void periodic_start()
{
    outb(port_control, static_cast<uint8_t>((inb(port_control) & ~(speaker | gate2)) | gate2));
    outb(port_mode, ch2_mode2);
    outb(port_ch2, 0); // 0 = 65536: the longest period
    outb(port_ch2, 0);
}

bool gate_expired() { return (inb(port_control) & out2) != 0; }

uint16_t read_count()
{
    outb(port_mode, 0x80); // latch channel 2's count
    uint8_t lo = inb(port_ch2);
    uint8_t hi = inb(port_ch2);
    return static_cast<uint16_t>(lo | hi << 8);
}

void gate_stop() { outb(port_control, static_cast<uint8_t>(inb(port_control) & ~(speaker | gate2))); }

} // namespace arch::pit
