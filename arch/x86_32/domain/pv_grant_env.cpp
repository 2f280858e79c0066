#include "arch/x86_32/include/pv_grant_env.hpp"

#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/mm/guest_cr3.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/domain_memory.hpp"
#include "hypervisor/mm/heap.hpp"
#include "hypervisor/mm/mm.hpp"

namespace arch {
namespace {

class Pv_grant_env final : public Grant_env {
public:
    Frame_space& frames() override { return pv_frame_space(); }

    Domain* get_domain(uint16_t id) override { return domain_get_raw(id); }
    void put_domain(Domain* d) override { domain_put(d); }

    // d's translations are cached only by CPUs running one of its vCPUs
    // (switching vCPUs, or to idle, flushes the whole TLB).
    void flush_tlb(Domain& d) override
    {
        Vcpu* cur = this_cpu().current;
        if (cur != nullptr && cur->domain == &d)
            flush_guest_tlb(*cur);
        tlb_flush_domain(d);
    }

    void* alloc(size_t bytes) override { return heap_alloc(bytes); }
    void free(void* p) override { heap_free(p); }

    // Shared frames come from the direct map: the hypervisor reads and
    // writes them on every grant operation.
    bool alloc_frame(Shared_frame& f) override
    {
        Mfn m = alloc_frames(0, Zone::direct);
        if (m == invalid_mfn)
            return false;
        void* va = phys_to_virt<void>(static_cast<uint32_t>(mfn_to_paddr(m)));
        __builtin_memset(va, 0, page_size);
        f = Shared_frame{m, va};
        return true;
    }

    void frame_owned(uint16_t owner) override { domain_frame_owned_by(owner); }

    bool steal_page(Domain& d, Mfn m) override
    {
        Lock_guard<Spinlock> g(d.mm_lock);
        return domain_steal_page(d, m);
    }
    void give_page(Domain& d, Mfn m) override
    {
        Lock_guard<Spinlock> g(d.mm_lock);
        domain_return_page(d, m);
    }
    void free_stolen(Mfn m) override { domain_free_stolen_page(m); }
    void set_m2p(Mfn m, uint32_t gfn) override { m2p_set(m, gfn); }
};

Pv_grant_env env;

} // namespace

Grant_env& grant_env()
{
    return env;
}

} // namespace arch
