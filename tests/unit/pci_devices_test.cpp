#include "hypervisor/pci/pci_devices.hpp"

#include <gtest/gtest.h>

#include "hypervisor/lib/xen_errno.hpp"

namespace {
Pci_device dev(uint8_t bus, uint8_t devfn, uint16_t owner = 0)
{
    return Pci_device{0, bus, devfn, false, false, 0, 0, owner};
}
} // namespace

TEST(PciDevices, AnAnnouncedDeviceIsFoundAndAnnouncingItAgainKeepsItsOwner)
{
    Pci_devices t;
    ASSERT_EQ(t.add(dev(0, 0x18, 0)), 0);
    ASSERT_NE(t.find(0, 0, 0x18), nullptr);
    Pci_device again = dev(0, 0x18, 7);
    again.is_extfn = true;
    EXPECT_EQ(t.add(again), 0);
    EXPECT_EQ(t.count(), 1u);
    EXPECT_EQ(t.find(0, 0, 0x18)->owner, 0) << "the owner is not the announcer's to change";
    EXPECT_TRUE(t.find(0, 0, 0x18)->is_extfn);
    EXPECT_EQ(t.find(1, 0, 0x18), nullptr) << "another segment";
}

TEST(PciDevices, RemovingAnUnknownDeviceIsEnodev)
{
    Pci_devices t;
    EXPECT_EQ(t.remove(0, 3, 0), -XEN_ENODEV);
    ASSERT_EQ(t.add(dev(3, 0)), 0);
    EXPECT_EQ(t.remove(0, 3, 0), 0);
    EXPECT_EQ(t.find(0, 3, 0), nullptr);
    EXPECT_EQ(t.remove(0, 3, 0), -XEN_ENODEV);
}

TEST(PciDevices, AFullTableRefusesANewDeviceWithEnomem)
{
    Pci_devices t;
    for (unsigned i = 0; i < Pci_devices::capacity; ++i)
        ASSERT_EQ(t.add(dev(static_cast<uint8_t>(i), 0)), 0);
    EXPECT_EQ(t.add(Pci_device{1, 0, 0, false, false, 0, 0, 0}), -XEN_ENOMEM);
    EXPECT_EQ(t.add(dev(5, 0)), 0) << "an announced one is still refreshed";
}
