#include "tools/lib/net/pci.hpp"

namespace net {

namespace {

constexpr uint8_t reg_id = 0x00;
constexpr uint8_t reg_class = 0x08;
constexpr uint8_t reg_header = 0x0C; // header type is byte 2
constexpr uint8_t reg_bar0 = 0x10;
constexpr uint8_t reg_subsystem = 0x2C;
constexpr uint8_t reg_interrupt = 0x3C; // line byte 0, pin byte 1

constexpr unsigned nr_devices = 32;
constexpr unsigned nr_functions = 8;

unsigned bars_of(uint8_t header_kind)
{
    switch (header_kind) {
    case 0: return 6;
    case 1: return 2;
    default: return 0;
    }
}

// BAR i of n; a 64-bit BAR takes the next slot as its upper half, and one
// that has no next slot is malformed and left as none.
unsigned decode_bar(Pci_config& cfg, Pci_address a, unsigned i, unsigned n, Pci_bar& out)
{
    const uint32_t lo = cfg.read32(a, static_cast<uint8_t>(reg_bar0 + 4 * i));
    out = Pci_bar{};
    if (lo & 1) {
        out.kind = Pci_bar::Kind::io;
        out.base = lo & 0xFFFFFFFCu;
        return 1;
    }
    out.prefetchable = (lo >> 3) & 1;
    switch ((lo >> 1) & 3) {
    case 0:
        out.kind = Pci_bar::Kind::mem32;
        out.base = lo & 0xFFFFFFF0u;
        return 1;
    case 2: {
        if (i + 1 >= n) {
            out.prefetchable = false;
            return 1;
        }
        const uint32_t hi = cfg.read32(a, static_cast<uint8_t>(reg_bar0 + 4 * (i + 1)));
        out.kind = Pci_bar::Kind::mem64;
        out.base = (uint64_t{hi} << 32) | (lo & 0xFFFFFFF0u);
        return 2;
    }
    default: // type 1 (below 1 MiB, PCI 2.x) and 3 (reserved): not decoded
        out.prefetchable = false;
        return 1;
    }
}

bool present(uint32_t id)
{
    const uint16_t vendor = static_cast<uint16_t>(id);
    return vendor != 0xFFFF && vendor != 0x0000;
}

} // namespace

bool pci_read_function(Pci_config& cfg, Pci_address a, Pci_function& out)
{
    if (a.dev >= nr_devices || a.fn >= nr_functions)
        return false;
    const uint32_t id = cfg.read32(a, reg_id);
    if (!present(id))
        return false;
    out = Pci_function{};
    out.addr = a;
    out.vendor = static_cast<uint16_t>(id);
    out.device = static_cast<uint16_t>(id >> 16);
    const uint32_t cls = cfg.read32(a, reg_class);
    out.revision = static_cast<uint8_t>(cls);
    out.prog_if = static_cast<uint8_t>(cls >> 8);
    out.subclass = static_cast<uint8_t>(cls >> 16);
    out.class_code = static_cast<uint8_t>(cls >> 24);
    const uint8_t header = static_cast<uint8_t>(cfg.read32(a, reg_header) >> 16);
    out.header_type = header & 0x7F;
    out.multifunction = (header & 0x80) != 0;
    if (out.header_type == 0) {
        const uint32_t sub = cfg.read32(a, reg_subsystem);
        out.subsystem_vendor = static_cast<uint16_t>(sub);
        out.subsystem_id = static_cast<uint16_t>(sub >> 16);
    }
    const unsigned n = bars_of(out.header_type);
    for (unsigned i = 0; i < n;)
        i += decode_bar(cfg, a, i, n, out.bar[i]);
    if (out.header_type <= 1) { // both headers keep line/pin at 0x3C
        const uint32_t irq = cfg.read32(a, reg_interrupt);
        out.interrupt_line = static_cast<uint8_t>(irq);
        out.interrupt_pin = static_cast<uint8_t>(irq >> 8);
        if (out.interrupt_pin > 4) // not a pin: no interrupt
            out.interrupt_pin = 0;
    }
    return true;
}

size_t pci_scan(Pci_config& cfg, Pci_visitor& v)
{
    size_t seen = 0;
    for (unsigned bus = 0; bus < 256; ++bus) {
        for (uint8_t dev = 0; dev < nr_devices; ++dev) {
            Pci_function f;
            Pci_address a{static_cast<uint8_t>(bus), dev, 0};
            if (!pci_read_function(cfg, a, f))
                continue;
            ++seen;
            if (!v.function(f))
                return seen;
            if (!f.multifunction)
                continue;
            for (uint8_t fn = 1; fn < nr_functions; ++fn) {
                a.fn = fn;
                if (!pci_read_function(cfg, a, f))
                    continue;
                ++seen;
                if (!v.function(f))
                    return seen;
            }
        }
    }
    return seen;
}

namespace {

class Finder final : public Pci_visitor {
public:
    Finder(uint16_t vendor, uint16_t device, Pci_function& out)
        : vendor_(vendor), device_(device), out_(out)
    {
    }
    bool function(const Pci_function& f) override
    {
        if (f.vendor != vendor_ || f.device != device_)
            return true;
        out_ = f;
        found = true;
        return false;
    }
    bool found = false;

private:
    uint16_t vendor_, device_;
    Pci_function& out_;
};

} // namespace

bool pci_find(Pci_config& cfg, uint16_t vendor, uint16_t device, Pci_function& out)
{
    Finder finder(vendor, device, out);
    pci_scan(cfg, finder);
    return finder.found;
}

void pci_command_set(Pci_config& cfg, Pci_address a, uint16_t bits)
{
    const uint32_t v = cfg.read32(a, pci_reg::command);
    cfg.write32(a, pci_reg::command, (v & 0xFFFFu) | bits);
}

} // namespace net
