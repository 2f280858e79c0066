#include "arch/x86_32/include/pv_frame_space.hpp"

#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/mm/mapcache.hpp"
#include "arch/x86_32/mm/paging.hpp"
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

// The page-type core never unmaps, and keeps the pointers of the tables it
// is validating while it maps their children: an L3, the L2 being
// validated (and a linear-table check), and one L1 at a time, however many
// L1s that L2 has. Each CPU keeps a ring of mappings; a miss reuses the
// oldest slot that holds no L2 or L3 (L1s and data frames are leaves, done
// with once the next frame is asked for), so the ancestors of the frame
// being validated survive. A hierarchy has at most five L2/L3 frames, so
// a leaf slot is always found in a ring of eight.
constexpr unsigned ring_size = 8;
struct Map_ring {
    Mfn mfn[ring_size];
    void* va[ring_size];
    unsigned next;
};
Map_ring rings[max_cpus];

bool holds_upper_table(Mfn m)
{
    Page* p = mfn_to_page(m);
    if (!p)
        return false;
    Page_type t = pgt::type(p->type_info);
    return t == Page_type::l2 || t == Page_type::l3;
}

class Pv_frame_space final : public Frame_space {
public:
    Page* page(Mfn m) override { return mfn_to_page(m); }

    uint64_t* map(Mfn m) override
    {
        Map_ring& r = rings[this_cpu().index];
        for (unsigned i = 0; i < ring_size; ++i)
            if (r.va[i] && r.mfn[i] == m)
                return static_cast<uint64_t*>(r.va[i]);
        unsigned slot = r.next;
        for (unsigned i = 0; i < ring_size; ++i) {
            unsigned cand = (r.next + i) % ring_size;
            if (!r.va[cand] || !holds_upper_table(r.mfn[cand])) {
                slot = cand;
                break;
            }
        }
        r.next = (slot + 1) % ring_size;
        if (r.va[slot])
            unmap_frame(r.va[slot]);
        r.va[slot] = map_frame(m);
        r.mfn[slot] = m;
        return static_cast<uint64_t*>(r.va[slot]);
    }

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

    bool iomem_permitted(const Mm_domain& d, Mfn m) override
    {
        if (!d.privileged)
            return false;
        Page* p = mfn_to_page(m);
        return !p || p->state == Frame_state::absent || raw(m) < isa_hole_end;
    }

    bool nx_enabled() override { return false; }

    uint64_t hypervisor_l2e(const Mm_domain&, uint32_t slot) override { return boot_l2_high[slot]; }

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

    void page_released(Mfn m) override
    {
        Page* p = mfn_to_page(m);
        if (p)
            p->owner = DOMID_INVALID;
        m2p_set(m, m2p_invalid);
        (void)free_frames(m, 0);
    }

    const Mm_domain* domain(uint16_t id) override
    {
        Domain* d = domain_by_id(id);
        return d ? &d->mm : nullptr;
    }
};

Pv_frame_space space;

} // namespace

Frame_space& pv_frame_space() { return space; }

} // namespace arch
