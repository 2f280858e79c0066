#include "arch/x86_32/irq/pic.hpp"

#include "arch/x86_32/cpu/io.hpp"
#include "arch/x86_32/irq/irq_vectors.hpp"

namespace arch {
namespace {

constexpr uint16_t master_cmd = 0x20, master_data = 0x21;
constexpr uint16_t slave_cmd = 0xA0, slave_data = 0xA1;

void out_slow(uint16_t port, uint8_t v)
{
    outb(port, v);
    io_delay();
}

} // namespace

void pic_disable()
{
    // ICW1: edge, cascade, ICW4 follows. ICW2: vector base. ICW3: the slave
    // hangs off master IR2. ICW4: 8086 mode. (8259A data sheet.)
    out_slow(master_cmd, 0x11);
    out_slow(slave_cmd, 0x11);
    out_slow(master_data, vector::pic_master_base);
    out_slow(slave_data, vector::pic_slave_base);
    out_slow(master_data, 1u << 2);
    out_slow(slave_data, 2);
    out_slow(master_data, 0x01);
    out_slow(slave_data, 0x01);
    out_slow(master_data, 0xFF);
    out_slow(slave_data, 0xFF);
}

} // namespace arch
