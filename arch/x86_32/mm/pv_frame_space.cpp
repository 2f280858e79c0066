#include "arch/x86_32/include/pv_frame_space.hpp"

#include "arch/x86_32/cpu/cpu_tables.hpp"
#include "arch/x86_32/include/frame_space_inline.hpp"
#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/mm/guest_cr3.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/iomem.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "arch/x86_32/mm/tlb_clock.hpp"
#include "arch/x86_32/cpu/percpu.hpp"
#include "arch/x86_32/pv/descriptor.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/page_type.hpp"

namespace arch {
namespace {

// Frames below 1 MiB (BIOS data, VGA, option ROMs) are the ISA hole: I/O
// memory for a privileged domain, never RAM a guest can own.
constexpr uint32_t isa_hole_end = 0x100;

class Pv_frame_space final : public Frame_space {
public:
    // The view's contract holds here: a frame gets a domain's id as owner
    // only when the allocator handed it out (so it is RAM); the
    // hypervisor's frames, the M2P's (DOMID_XEN) and free ones (DOMID_INVALID)
    // have reserved ids, and the ISA hole is left out of the range.
    void init_view()
    {
        uint32_t frames = max_mfn();
        uint32_t count = frames > isa_hole_end ? frames - isa_hole_end : 0;
        uint32_t direct = (HV_DIRECTMAP_SIZE >> page_shift) - isa_hole_end;
        set_direct_view(mfn_to_page(Mfn{isa_hole_end}), Mfn{isa_hole_end}, count,
                        phys_to_virt<uint64_t>(isa_hole_end << page_shift),
                        count < direct ? count : direct);
        // cpu_tables_boot_init turned NX on (or found none) before memory_init.
        set_nx(arch::nx_enabled());
    }

    Page* page(Mfn m) override { return mfn_to_page(m); }

    // The map cache's per-CPU slots, one per table the core holds mapped:
    // the core's Table_map nests at most an L3, an L2 and an L1 (with one
    // more for a linear L2 check), far fewer than a CPU's slots.
    // (The core calls map_table/unmap_table, the same functions, inline.)
    uint64_t* map(Mfn m) override { return map_table(m); }
    void unmap(uint64_t* t) override { unmap_table(t); }

    bool is_ram(Mfn m) override
    {
        Page* p = mfn_to_page(m);
        return p && p->state != Frame_state::absent && raw(m) >= isa_hole_end;
    }

    bool is_hypervisor(Mfn m) override
    {
        Page* p = mfn_to_page(m);
        if (!p || p->state == Frame_state::absent || raw(m) < isa_hole_end)
            return false;
        return p->owner >= DOMID_FIRST_RESERVED;
    }

    bool is_m2p(Mfn m) override { return is_m2p_frame(m); }

    bool iomem_permitted(const Mm_domain& md, Mfn m) override
    {
        Page* p = mfn_to_page(m);
        if (p && p->state != Frame_state::absent && raw(m) >= isa_hole_end)
            return false; // RAM is never I/O memory
        Domain_ref d = domain_get(md.id);
        return d && arch::iomem_permitted(*d, m);
    }

    uint64_t hypervisor_l2e(const Mm_domain&, uint32_t slot) override { return boot_l2_high[slot]; }
    void hypervisor_l2es(const Mm_domain&, uint32_t first, uint64_t* t) override
    {
        if (first < entries_per_table)
            __builtin_memcpy(t + first, &boot_l2_high[first],
                             (entries_per_table - first) * sizeof(uint64_t));
    }

    bool descriptors_ok(const Mm_domain&, Mfn m) override
    {
        Frame_mapping f(m);
        if (!f)
            return false;
        auto* d = f.as<uint64_t>();
        // The frame is about to become a descriptor page, so nothing can
        // write it under us; fix-ups (DPL 0 -> 1, truncated limits) are
        // written back as Xen does.
        for (unsigned i = 0; i < 512; ++i) {
            uint64_t copy = d[i];
            if (!check_descriptor(copy))
                return false;
            d[i] = copy;
        }
        return true;
    }

    void writable_dropped(Mfn m) override { note_writable_dropped(m); }
    void before_validate(Mfn m) override { tlb_flush_stale(m, 1); }
    void l3_changed() override { note_l3_change(); }
    [[gnu::noinline]] void page_released(Mfn m) override
    {
        Page* p = mfn_to_page(m);
        uint16_t owner = p ? p->owner : DOMID_INVALID;
        if (p)
            p->owner = DOMID_INVALID;
        domain_frame_disowned(owner);
        m2p_set(m, m2p_invalid);
        (void)free_frames(m, 0);
    }

    // Only the audit asks, while the domains it looks at are stopped: the
    // object cannot go while it reads it.
    const Mm_domain* domain(uint16_t id) override
    {
        Domain_ref d = domain_get(id);
        return d ? &d->mm : nullptr;
    }
};

Pv_frame_space space;

} // namespace

Frame_space& pv_frame_space() { return space; }

void pv_frame_space_init()
{
    space.init_view();
}

} // namespace arch
