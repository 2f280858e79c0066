#include "hypervisor/domain/domain.hpp"

#include <new>

#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/heap.hpp"
#include "hypervisor/sched/schedule.hpp"

namespace {

// The table and every Domain's life, refs and table slot change under
// this lock; owned_frames is atomic so that frames can be counted in
// without it (the domain is referenced then).
Domain* table[max_domains];
Spinlock table_lock;

void* chunk_alloc(void*) { return heap_alloc(4096); }
void chunk_free(void*, void* p) { heap_free(p); }

[[gnu::noinline]] void destroy_object(Domain* d)
{
    for (unsigned i = 0; i < d->nr_vcpus; ++i)
        if (Vcpu* v = d->vcpus[i]) {
            if (!v->sched.removed) // domain_kill removed it already
                sched_vcpu_destroy(*v);
            v->~Vcpu();
            heap_free(v);
        }
    d->~Domain();
    heap_free(d);
}

// Caller holds table_lock; true when the object was unlinked (and must be
// destroyed after the lock is dropped).
bool unlink_if_gone(Domain& d)
{
    if (d.life != Domain_life::dead || d.refs != 0 ||
        __atomic_load_n(&d.owned_frames, __ATOMIC_ACQUIRE) != 0)
        return false;
    table[d.id] = nullptr;
    return true;
}

} // namespace

Domain* domain_get_raw(uint16_t id)
{
    if (id >= max_domains)
        return nullptr;
    Lock_guard<Spinlock> g(table_lock);
    Domain* d = table[id];
    if (!d || d->life == Domain_life::dead || d->life == Domain_life::building)
        return nullptr;
    ++d->refs;
    return d;
}

Domain* domain_peek(uint16_t id)
{
    return id < max_domains ? __atomic_load_n(&table[id], __ATOMIC_ACQUIRE) : nullptr;
}

Domain_ref domain_get(uint16_t id) { return Domain_ref(domain_get_raw(id)); }

void domain_put(Domain* d)
{
    bool gone;
    {
        Lock_guard<Spinlock> g(table_lock);
        --d->refs;
        gone = unlink_if_gone(*d);
    }
    if (gone)
        destroy_object(d);
}

namespace {

// A new object for id, already in the table (building), or nullptr.
Domain* reserve(uint16_t id, const Domain_config& cfg, int& err)
{
    err = -XEN_ENOMEM;
    void* mem = heap_alloc(sizeof(Domain));
    if (!mem)
        return nullptr;
    Domain* d = new (mem) Domain;
    d->id = id;
    {
        Lock_guard<Spinlock> g(table_lock);
        if (!table[id]) {
            table[id] = d;
            err = 0;
        }
    }
    if (err) {
        err = -XEN_EEXIST;
        d->~Domain();
        heap_free(d);
        return nullptr;
    }
    d->privileged = cfg.privileged;
    d->mm.id = id;
    d->mm.privileged = cfg.privileged;
    d->mm.io_caps = cfg.privileged;
    d->frames.set_allocator({chunk_alloc, chunk_free, nullptr});
    return d;
}

} // namespace

Domain* domain_create(uint16_t id, const Domain_config& cfg, int& err)
{
    err = -XEN_EINVAL;
    if (id >= max_domains || cfg.max_vcpus == 0 || cfg.max_vcpus > Domain::max_vcpus)
        return nullptr;
    Domain* d = reserve(id, cfg, err);
    if (!d)
        return nullptr;
    sched_domain_init(*d);
    for (unsigned i = 0; i < cfg.max_vcpus; ++i) {
        void* vm = heap_alloc(sizeof(Vcpu));
        if (!vm) {
            err = -XEN_ENOMEM;
            domain_abandon(*d);
            return nullptr;
        }
        Vcpu* v = new (vm) Vcpu;
        v->domain = d;
        v->id = i;
        sched_vcpu_init(*v);
        d->vcpus[i] = v;
        d->nr_vcpus = i + 1;
    }
    evtchn::init(*d);
    d->evtchn.max_port = cfg.max_evtchn_port < Evtchn_table::nr_ports ? cfg.max_evtchn_port
                                                                       : Evtchn_table::nr_ports - 1;
    return d;
}

void domain_publish(Domain& d)
{
    Lock_guard<Spinlock> g(table_lock);
    d.life = Domain_life::alive;
}

void domain_abandon(Domain& d) { domain_mark_dead(d); }

bool domain_id_in_use(uint16_t id)
{
    if (id >= max_domains)
        return true;
    Lock_guard<Spinlock> g(table_lock);
    return table[id] != nullptr;
}

void for_each_domain(void (*fn)(Domain& d, void* ctx), void* ctx)
{
    for (unsigned id = 0; id < max_domains; ++id) {
        if (!__atomic_load_n(&table[id], __ATOMIC_RELAXED))
            continue; // a racy hint: domain_get decides
        if (Domain_ref r = domain_get(static_cast<uint16_t>(id)))
            fn(*r, ctx);
    }
}

void domain_frame_owned(Domain& d) { __atomic_fetch_add(&d.owned_frames, 1, __ATOMIC_RELAXED); }

void domain_frame_owned_by(uint16_t owner)
{
    if (owner >= max_domains)
        return;
    Lock_guard<Spinlock> g(table_lock);
    if (Domain* d = table[owner])
        domain_frame_owned(*d);
}

void domain_frame_disowned(uint16_t owner)
{
    if (owner >= max_domains)
        return;
    Domain* gone = nullptr;
    {
        Lock_guard<Spinlock> g(table_lock);
        Domain* d = table[owner];
        if (!d)
            return;
        __atomic_fetch_sub(&d->owned_frames, 1, __ATOMIC_RELEASE);
        if (unlink_if_gone(*d))
            gone = d;
    }
    if (gone)
        destroy_object(gone);
}

void domain_mark_dying(Domain& d)
{
    Lock_guard<Spinlock> g(table_lock);
    if (d.life == Domain_life::alive)
        d.life = Domain_life::dying;
}

void domain_mark_dead(Domain& d)
{
    bool gone;
    {
        Lock_guard<Spinlock> g(table_lock);
        d.life = Domain_life::dead;
        gone = unlink_if_gone(d);
    }
    if (gone)
        destroy_object(&d);
}
