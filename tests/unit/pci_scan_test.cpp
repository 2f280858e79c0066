// The PCI configuration-space scanner over a fake bus: which functions it
// finds, how it decodes headers and BARs, and what it makes of malformed
// ones.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <tuple>
#include <vector>

#include "tools/lib/net/pci.hpp"

namespace {

using net::Pci_address;
using net::Pci_bar;
using net::Pci_function;

class Fake_pci_bus final : public net::Pci_config {
public:
    using Space = std::array<uint32_t, 64>;

    Space& add(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor, uint16_t device,
               uint8_t header = 0)
    {
        Space& s = spaces_[{bus, dev, fn}];
        s.fill(0);
        s[0] = uint32_t{device} << 16 | vendor;
        s[3] = uint32_t{header} << 16;
        return s;
    }
    uint32_t read32(Pci_address a, uint8_t offset) override
    {
        ++reads;
        if (offset & 3)
            ++misaligned;
        auto it = spaces_.find({a.bus, a.dev, a.fn});
        return it == spaces_.end() ? 0xFFFFFFFFu : it->second[offset / 4];
    }
    void write32(Pci_address a, uint8_t offset, uint32_t value) override
    {
        writes.push_back({a.bus, a.dev, a.fn, offset, value});
        auto it = spaces_.find({a.bus, a.dev, a.fn});
        if (it != spaces_.end())
            it->second[offset / 4] = value;
    }

    struct Write {
        uint8_t bus, dev, fn, offset;
        uint32_t value;
    };
    std::vector<Write> writes;
    unsigned reads = 0;
    unsigned misaligned = 0;

private:
    std::map<std::tuple<uint8_t, uint8_t, uint8_t>, Space> spaces_;
};

struct Record final : net::Pci_visitor {
    bool function(const Pci_function& f) override
    {
        seen.push_back(f);
        return seen.size() < stop_after;
    }
    std::vector<Pci_function> seen;
    size_t stop_after = ~size_t{0};
};

// QEMU's transitional virtio-net on i440fx: 00:03.0, BAR0 I/O 0xc040,
// BAR1 32-bit MMIO, BAR4 64-bit prefetchable MMIO, INTA# routed to 11.
Fake_pci_bus::Space& add_virtio_net(Fake_pci_bus& bus)
{
    auto& s = bus.add(0, 3, 0, 0x1af4, 0x1000);
    s[2] = 0x02000000; // class 02 (network), subclass 00
    s[4] = 0xc040 | 1;
    s[5] = 0xfebf1000;
    s[8] = 0xfe000000 | 0xC; // 64-bit, prefetchable
    s[9] = 0x00000001;       // upper half: above 4 GiB
    s[11] = 0x00011af4;      // subsystem 1af4:0001
    s[15] = 0x0000010b;      // pin 1, line 11
    return s;
}

TEST(PciScan, DecodesTheVirtioNetFunction)
{
    Fake_pci_bus bus;
    add_virtio_net(bus);
    Pci_function f;
    ASSERT_TRUE(net::pci_find(bus, 0x1af4, 0x1000, f));
    EXPECT_EQ(f.addr.dev, 3);
    EXPECT_EQ(f.class_code, 2);
    EXPECT_EQ(f.subsystem_id, 1);
    EXPECT_EQ(f.bar[0].kind, Pci_bar::Kind::io);
    EXPECT_EQ(f.bar[0].base, 0xc040u);
    EXPECT_EQ(f.bar[1].kind, Pci_bar::Kind::mem32);
    EXPECT_EQ(f.bar[1].base, 0xfebf1000u);
    EXPECT_EQ(f.bar[4].kind, Pci_bar::Kind::mem64);
    EXPECT_TRUE(f.bar[4].prefetchable);
    EXPECT_EQ(f.bar[4].base, 0x1fe000000ull);
    EXPECT_EQ(f.bar[5].kind, Pci_bar::Kind::none); // the upper half, not a BAR
    EXPECT_EQ(f.interrupt_line, 11);
    EXPECT_EQ(f.interrupt_pin, 1);
    EXPECT_EQ(bus.misaligned, 0u);
}

TEST(PciScan, FindsNothingOnAnEmptyBusAfterEveryAddress)
{
    Fake_pci_bus bus;
    Pci_function f;
    EXPECT_FALSE(net::pci_find(bus, 0x1af4, 0x1000, f));
    EXPECT_EQ(bus.reads, 256u * 32u); // function 0 of each device, once
}

TEST(PciScan, ReachesTheLastBusAndDevice)
{
    Fake_pci_bus bus;
    bus.add(255, 31, 0, 0x8086, 0x1234);
    Record r;
    EXPECT_EQ(net::pci_scan(bus, r), 1u);
    ASSERT_EQ(r.seen.size(), 1u);
    EXPECT_EQ(r.seen[0].addr.bus, 255);
    EXPECT_EQ(r.seen[0].addr.dev, 31);
}

TEST(PciScan, OtherFunctionsOnlyOfMultifunctionDevices)
{
    Fake_pci_bus bus;
    bus.add(0, 1, 0, 0x8086, 0x7000, 0x80); // PIIX3: multifunction
    bus.add(0, 1, 1, 0x8086, 0x7010);
    bus.add(0, 1, 7, 0x8086, 0x7113);
    bus.add(0, 2, 0, 0x1234, 0x1111); // single function...
    bus.add(0, 2, 1, 0x1234, 0x2222); // ...so this is never asked for
    Record r;
    EXPECT_EQ(net::pci_scan(bus, r), 4u);
    ASSERT_EQ(r.seen.size(), 4u);
    EXPECT_TRUE(r.seen[0].multifunction);
    EXPECT_EQ(r.seen[1].addr.fn, 1);
    EXPECT_EQ(r.seen[2].addr.fn, 7);
    EXPECT_EQ(r.seen[3].device, 0x1111);
}

TEST(PciScan, VendorZeroOrAllOnesIsAbsent)
{
    Fake_pci_bus bus;
    bus.add(0, 4, 0, 0x0000, 0x1000);
    bus.add(0, 5, 0, 0xFFFF, 0x1000);
    Record r;
    EXPECT_EQ(net::pci_scan(bus, r), 0u);
}

TEST(PciScan, VisitorCanStopTheScan)
{
    Fake_pci_bus bus;
    for (uint8_t d = 0; d < 10; ++d)
        bus.add(0, d, 0, 0x1000, d);
    Record r;
    r.stop_after = 3;
    EXPECT_EQ(net::pci_scan(bus, r), 3u);
}

TEST(PciScan, BridgeHasTwoBarsAndNoSubsystem)
{
    Fake_pci_bus bus;
    auto& s = bus.add(0, 6, 0, 0x8086, 0x2448, 1);
    s[4] = 0xe001;
    s[5] = 0xfe800000;
    s[6] = 0x00020100; // bus numbers, not a BAR
    s[11] = 0x12345678;
    s[15] = 0x0000020a;
    Pci_function f;
    ASSERT_TRUE(net::pci_read_function(bus, {0, 6, 0}, f));
    EXPECT_EQ(f.header_type, 1);
    EXPECT_EQ(f.bar[0].kind, Pci_bar::Kind::io);
    EXPECT_EQ(f.bar[1].kind, Pci_bar::Kind::mem32);
    EXPECT_EQ(f.bar[2].kind, Pci_bar::Kind::none);
    EXPECT_EQ(f.subsystem_vendor, 0);
    EXPECT_EQ(f.interrupt_pin, 2);
    EXPECT_EQ(f.interrupt_line, 10);
}

TEST(PciScan, CardBusAndUnknownHeadersHaveNoBars)
{
    Fake_pci_bus bus;
    auto& s = bus.add(0, 7, 0, 0x104c, 0xac50, 2);
    s[4] = 0xc001;
    auto& u = bus.add(0, 8, 0, 0x104c, 0xac51, 0x7f);
    u[4] = 0xc001;
    Pci_function f;
    ASSERT_TRUE(net::pci_read_function(bus, {0, 7, 0}, f));
    EXPECT_EQ(f.bar[0].kind, Pci_bar::Kind::none);
    ASSERT_TRUE(net::pci_read_function(bus, {0, 8, 0}, f));
    EXPECT_EQ(f.bar[0].kind, Pci_bar::Kind::none);
    EXPECT_EQ(f.interrupt_pin, 0);
}

TEST(PciScan, SixtyFourBitBarInTheLastSlotIsMalformed)
{
    Fake_pci_bus bus;
    auto& s = bus.add(0, 9, 0, 0x1000, 1);
    s[9] = 0xfe000004; // BAR5 says 64-bit: there is no BAR6 for its upper half
    Pci_function f;
    ASSERT_TRUE(net::pci_read_function(bus, {0, 9, 0}, f));
    EXPECT_EQ(f.bar[5].kind, Pci_bar::Kind::none);
    EXPECT_EQ(bus.misaligned, 0u);
}

TEST(PciScan, ReservedMemoryTypesAreNotDecoded)
{
    Fake_pci_bus bus;
    auto& s = bus.add(0, 10, 0, 0x1000, 1);
    s[4] = 0x000d0002; // type 1: below 1 MiB (PCI 2.x)
    s[5] = 0xfe000006; // type 3: reserved
    Pci_function f;
    ASSERT_TRUE(net::pci_read_function(bus, {0, 10, 0}, f));
    EXPECT_EQ(f.bar[0].kind, Pci_bar::Kind::none);
    EXPECT_EQ(f.bar[1].kind, Pci_bar::Kind::none);
}

TEST(PciScan, InterruptPinBeyondIntdMeansNone)
{
    Fake_pci_bus bus;
    auto& s = bus.add(0, 11, 0, 0x1000, 1);
    s[15] = 0x000005ff;
    Pci_function f;
    ASSERT_TRUE(net::pci_read_function(bus, {0, 11, 0}, f));
    EXPECT_EQ(f.interrupt_pin, 0);
}

TEST(PciScan, AddressOutsideDeviceOrFunctionRangeIsAbsent)
{
    Fake_pci_bus bus;
    Pci_function f;
    EXPECT_FALSE(net::pci_read_function(bus, {0, 32, 0}, f));
    EXPECT_FALSE(net::pci_read_function(bus, {0, 0, 8}, f));
    EXPECT_EQ(bus.reads, 0u);
}

TEST(PciScan, CommandSetKeepsStatusBitsOutOfTheWrite)
{
    Fake_pci_bus bus;
    auto& s = add_virtio_net(bus);
    s[1] = 0xF9000003; // status: error bits set (write-one-to-clear); IO and memory on
    net::pci_command_set(bus, {0, 3, 0}, net::pci_reg::command_bus_master);
    ASSERT_EQ(bus.writes.size(), 1u);
    EXPECT_EQ(bus.writes[0].offset, 4);
    EXPECT_EQ(bus.writes[0].value, 0x00000007u);
}

} // namespace
