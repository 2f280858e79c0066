// Port I/O and PCI configuration space for dom0's drivers. Dom0 runs in
// ring 1; after PHYSDEVOP_set_iopl(1) its IN/OUT instructions reach every
// port but the hypervisor's (docs/abi.md "Port I/O"), and configuration
// space is reached through 0xCF8/0xCFC (mechanism #1: the hypervisor
// latches our 0xCF8 dword and replays it for our 0xCFC accesses).
#pragma once
#include <cstdint>

#include "tools/lib/net/device_io.hpp"
#include "tools/lib/net/pci.hpp"

namespace dom0 {

// PHYSDEVOP_set_iopl(1); false if the hypervisor refused.
[[nodiscard]] bool enable_port_io();

class X86_ports final : public net::Port_io {
public:
    uint8_t in8(uint16_t port) override;
    uint16_t in16(uint16_t port) override;
    uint32_t in32(uint16_t port) override;
    void out8(uint16_t port, uint8_t v) override;
    void out16(uint16_t port, uint16_t v) override;
    void out32(uint16_t port, uint32_t v) override;
};

class Cf8_config final : public net::Pci_config {
public:
    explicit Cf8_config(net::Port_io& io) : io_(io) {}
    uint32_t read32(net::Pci_address a, uint8_t offset) override;
    void write32(net::Pci_address a, uint8_t offset, uint32_t value) override;

private:
    net::Port_io& io_;
};

} // namespace dom0
