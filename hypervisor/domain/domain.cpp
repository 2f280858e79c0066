#include "hypervisor/domain/domain.hpp"

#include <new>

namespace {

alignas(Domain) unsigned char storage[max_domains][sizeof(Domain)];
bool used[max_domains];
Spinlock table_lock;

} // namespace

Domain* domain_by_id(uint16_t id)
{
    if (id >= max_domains)
        return nullptr;
    Lock_guard<Spinlock> g(table_lock);
    return used[id] ? std::launder(reinterpret_cast<Domain*>(storage[id])) : nullptr;
}

Domain* domain_create(uint16_t id, bool privileged)
{
    if (id >= max_domains)
        return nullptr;
    Lock_guard<Spinlock> g(table_lock);
    if (used[id])
        return nullptr;
    Domain* d = new (storage[id]) Domain;
    d->id = id;
    d->privileged = privileged;
    d->mm.id = id;
    d->mm.privileged = privileged;
    d->mm.io_caps = privileged;
    for (unsigned i = 0; i < Domain::max_vcpus; ++i) {
        d->vcpus[i].domain = d;
        d->vcpus[i].id = i;
    }
    evtchn::init(*d);
    used[id] = true;
    return d;
}
