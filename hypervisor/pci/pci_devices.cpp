#include "hypervisor/pci/pci_devices.hpp"

#include "hypervisor/lib/xen_errno.hpp"

namespace {
bool same(const Pci_device& d, uint16_t seg, uint8_t bus, uint8_t devfn)
{
    return d.seg == seg && d.bus == bus && d.devfn == devfn;
}
} // namespace

int Pci_devices::add(const Pci_device& d)
{
    Lock_guard<Spinlock> g(lock_);
    for (unsigned i = 0; i < n_; ++i)
        if (same(dev_[i], d.seg, d.bus, d.devfn)) {
            // Announced again: the details are refreshed, the owner kept.
            uint16_t owner = dev_[i].owner;
            dev_[i] = d;
            dev_[i].owner = owner;
            return 0;
        }
    if (n_ == capacity)
        return -XEN_ENOMEM;
    dev_[n_++] = d;
    return 0;
}

int Pci_devices::remove(uint16_t seg, uint8_t bus, uint8_t devfn)
{
    Lock_guard<Spinlock> g(lock_);
    for (unsigned i = 0; i < n_; ++i)
        if (same(dev_[i], seg, bus, devfn)) {
            dev_[i] = dev_[--n_];
            return 0;
        }
    return -XEN_ENODEV;
}

const Pci_device* Pci_devices::find(uint16_t seg, uint8_t bus, uint8_t devfn) const
{
    Lock_guard<Spinlock> g(lock_);
    for (unsigned i = 0; i < n_; ++i)
        if (same(dev_[i], seg, bus, devfn))
            return &dev_[i];
    return nullptr;
}

namespace {
constinit Pci_devices table;
} // namespace

Pci_devices& pci_devices() { return table; }
