#include "tools/dom0/dom0_ports.hpp"

#include "hypercall.hpp"
#include "port_io.hpp"

namespace dom0 {

bool enable_port_io()
{
    physdev_set_iopl_t s = {1};
    return hc::physdev_op(PHYSDEVOP_set_iopl, &s) == 0;
}

uint8_t X86_ports::in8(uint16_t port) { return pio::inb(port); }
uint16_t X86_ports::in16(uint16_t port) { return pio::inw(port); }
uint32_t X86_ports::in32(uint16_t port) { return pio::inl(port); }
void X86_ports::out8(uint16_t port, uint8_t v) { pio::outb(port, v); }
void X86_ports::out16(uint16_t port, uint16_t v) { pio::outw(port, v); }
void X86_ports::out32(uint16_t port, uint32_t v) { pio::outl(port, v); }

namespace {

constexpr uint16_t cf8 = 0xCF8, cfc = 0xCFC;

// Configuration mechanism #1 (PCI 3.0 §3.2.2.3.2): enable bit, bus,
// device, function, dword register.
uint32_t address(net::Pci_address a, uint8_t offset)
{
    return 0x80000000u | uint32_t{a.bus} << 16 | uint32_t{a.dev & 31u} << 11 |
           uint32_t{a.fn & 7u} << 8 | (offset & 0xFCu);
}

} // namespace

// Dom0 has one vCPU and nothing else touches 0xCF8 in it, so the pair
// needs no lock here (the hypervisor serialises the replay itself).
uint32_t Cf8_config::read32(net::Pci_address a, uint8_t offset)
{
    io_.out32(cf8, address(a, offset));
    return io_.in32(cfc);
}

void Cf8_config::write32(net::Pci_address a, uint8_t offset, uint32_t value)
{
    io_.out32(cf8, address(a, offset));
    io_.out32(cfc, value);
}

} // namespace dom0
