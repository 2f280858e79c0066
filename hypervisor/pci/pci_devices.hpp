// The PCI devices the hardware domain announced (PHYSDEVOP_pci_device_add,
// manage_pci_add/_ext; Xen's pci_add_device): segment, bus, device and
// function, whether it is a virtual function and of which physical
// function, and the domain that owns it (the hardware domain until one is
// assigned elsewhere). Announcing a device twice is not an error, as Xen.
// Portable and host-tested.
#pragma once
#include <cstdint>

#include "hypervisor/lib/spinlock.hpp"

struct Pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    bool is_virtfn;
    bool is_extfn;
    uint8_t physfn_bus, physfn_devfn;
    uint16_t owner;
};

class Pci_devices {
public:
    static constexpr unsigned capacity = 256;

    // 0, or -ENOMEM when the table is full.
    [[nodiscard]] int add(const Pci_device& d);
    // 0, or -ENODEV for a device never announced.
    [[nodiscard]] int remove(uint16_t seg, uint8_t bus, uint8_t devfn);
    const Pci_device* find(uint16_t seg, uint8_t bus, uint8_t devfn) const;
    unsigned count() const { return n_; }
    const Pci_device& operator[](unsigned i) const { return dev_[i]; }

private:
    Pci_device dev_[capacity]{};
    unsigned n_ = 0;
    mutable Spinlock lock_;
};

Pci_devices& pci_devices();
