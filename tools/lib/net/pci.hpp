// PCI configuration space, read through an abstract accessor so the same
// scan runs on dom0's 0xCF8/0xCFC ports and on a fake bus in unit tests.
// Layout facts from the PCI Local Bus specification 3.0, §6.1 (type 0 and
// type 1 headers, BAR encodings) and §6.2.4 (interrupt line/pin).
#pragma once
#include <cstddef>
#include <cstdint>

namespace net {

struct Pci_address {
    uint8_t bus = 0;
    uint8_t dev = 0; // 0..31
    uint8_t fn = 0;  // 0..7
};

// Dword access to one function's 256-byte configuration space; offset is
// dword-aligned (the scanner never asks otherwise). A function that does
// not exist reads all-ones, as on real buses.
class Pci_config {
public:
    virtual uint32_t read32(Pci_address a, uint8_t offset) = 0;
    virtual void write32(Pci_address a, uint8_t offset, uint32_t value) = 0;

protected:
    ~Pci_config() = default;
};

struct Pci_bar {
    enum class Kind : uint8_t { none, io, mem32, mem64 };
    Kind kind = Kind::none;
    bool prefetchable = false;
    uint64_t base = 0; // an I/O port or a physical address, type bits cleared
};

struct Pci_function {
    static constexpr unsigned nr_bars = 6;
    Pci_address addr;
    uint16_t vendor = 0;
    uint16_t device = 0;
    uint8_t revision = 0;
    uint8_t prog_if = 0;
    uint8_t subclass = 0;
    uint8_t class_code = 0;
    uint8_t header_type = 0; // bits 0..6: 0 device, 1 bridge, 2 CardBus
    bool multifunction = false;
    uint16_t subsystem_vendor = 0; // type 0 only
    uint16_t subsystem_id = 0;
    Pci_bar bar[nr_bars];          // type 0: six, type 1: two, others none
    uint8_t interrupt_line = 0xFF; // what firmware routed (PC: the GSI/IRQ)
    uint8_t interrupt_pin = 0;     // 0 none, 1..4 INTA#..INTD#
};

// Configuration-space offsets used outside the scanner.
namespace pci_reg {
constexpr uint8_t command = 0x04;
constexpr uint16_t command_io = 1u << 0;
constexpr uint16_t command_memory = 1u << 1;
constexpr uint16_t command_bus_master = 1u << 2;
constexpr uint16_t command_intx_disable = 1u << 10;
} // namespace pci_reg

class Pci_visitor {
public:
    // False stops the scan.
    virtual bool function(const Pci_function& f) = 0;

protected:
    ~Pci_visitor() = default;
};

// Decodes one present function (vendor not 0xFFFF/0x0000); false if absent.
bool pci_read_function(Pci_config& cfg, Pci_address a, Pci_function& out);
// Every bus 0..255, device 0..31, and functions 1..7 of multifunction
// devices; the number of functions visited.
size_t pci_scan(Pci_config& cfg, Pci_visitor& v);
// The first function with that vendor and device id; false if none.
bool pci_find(Pci_config& cfg, uint16_t vendor, uint16_t device, Pci_function& out);
// Sets bits in the 16-bit command register, keeping the status half
// (writing status bits back would clear them: they are write-one-to-clear).
void pci_command_set(Pci_config& cfg, Pci_address a, uint16_t bits);

} // namespace net
