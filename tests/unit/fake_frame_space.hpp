// A small machine for page-type tests: 64 frames straddling 4 GiB, some of
// them the hypervisor's, the M2P's or I/O memory, and two domains.
//
// Mappings are strict, like a map cache that reuses a slot the moment it
// is given back: map() hands out a private copy of the frame in one of a
// few slots, unmap() writes it back and fills the slot with 0xFF (an entry
// with every reserved bit set). Code that keeps using a table after
// unmapping it reads garbage and fails its checks; code that maps more
// frames at once than 'map_limit' gets nullptr.
#pragma once
#include <cstdint>
#include <cstring>

#include "hypervisor/mm/frame_space.hpp"
#include "hypervisor/mm/audit/page_audit.hpp"
#include "hypervisor/mm/page_ref.hpp"
#include "hypervisor/mm/page_type.hpp"
#include "hypervisor/mm/pte_check.hpp"

class Fake_frame_space final : public Frame_space {
public:
    static constexpr uint32_t frames = 64;
    static constexpr uint32_t base = 0xFFFE0; // frames 0..31 below 4 GiB, 32..63 above
    static constexpr uint32_t first_hv = 56;  // 56, 57: hypervisor
    static constexpr uint32_t first_m2p = 58; // 58, 59: M2P
    static constexpr uint32_t first_io = 60;  // 60..63: not RAM; 60, 61 owned by DOMID_IO
    static constexpr uint32_t denied_io = 63; // not even dom0 may map it

    Page pages[frames];
    uint64_t mem[frames][entries_per_table];
    bool bad_descriptors[frames] = {};
    uint32_t released = 0;
    uint32_t writable_drops = 0; // writable_dropped() calls
    uint32_t validations = 0;    // before_validate() calls
    uint32_t l3_changes = 0;     // l3_changed() calls
    // Distinct frames mapped at once: the limit, now, the most seen; and
    // unmaps of pointers that were not mapped.
    uint32_t map_limit = max_slots;
    uint32_t mapped_now = 0;
    uint32_t max_mapped = 0;
    uint32_t bad_unmaps = 0;
    Mm_domain dom0;
    Mm_domain domu;

    Fake_frame_space()
    {
        std::memset(pages, 0, sizeof pages);
        std::memset(mem, 0, sizeof mem);
        for (auto& p : pages) {
            p.owner = DOMID_INVALID;
            p.state = Frame_state::free;
        }
        for (uint32_t i = first_io; i < first_io + 2; ++i) {
            pages[i].owner = DOMID_IO;
            pages[i].count_info = pgc::allocated | 1;
        }
        dom0.id = 0;
        dom0.privileged = true;
        dom0.io_caps = true;
        dom0.initialised = true;
        domu.id = 1;
        domu.initialised = true;
        set_view(true, false);
    }

    // The fast paths' view (Frame_space::ordinary/direct_table) over the
    // ordinary RAM frames 0..first_hv-1, where its contract holds: those
    // are RAM, neither the hypervisor's nor the M2P's. With 'direct_map'
    // their tables are read and written in place, never through map();
    // without 'ordinary' every question goes through the virtual calls.
    void set_view(bool ordinary, bool direct_map)
    {
        set_direct_view(ordinary ? pages : nullptr, mfn(0), ordinary ? first_hv : 0,
                        direct_map ? mem[0] : nullptr, first_hv);
    }

    static Mfn mfn(uint32_t i) { return Mfn{base + i}; }
    static uint32_t index(Mfn m) { return raw(m) - base; }
    static bool in_range(Mfn m) { return raw(m) >= base && raw(m) - base < frames; }

    void give(uint32_t i, const Mm_domain& d) { assign_page(pages[i], d.id); }
    uint64_t* table(uint32_t i) { return mem[i]; }
    Page& pg(uint32_t i) { return pages[i]; }

    Page* page(Mfn m) override
    {
        if (!in_range(m) || index(m) >= first_io + 2)
            return nullptr;
        return &pages[index(m)];
    }
    uint64_t* map(Mfn m) override
    {
        uint32_t i = index(m);
        for (Slot& sl : slots_)
            if (sl.refs && sl.frame == i) {
                ++sl.refs;
                return sl.buf;
            }
        if (mapped_now >= map_limit)
            return nullptr;
        for (Slot& sl : slots_)
            if (sl.refs == 0) {
                std::memcpy(sl.buf, mem[i], sizeof sl.buf);
                sl.frame = i;
                sl.refs = 1;
                if (++mapped_now > max_mapped)
                    max_mapped = mapped_now;
                return sl.buf;
            }
        return nullptr;
    }
    void unmap(uint64_t* t) override
    {
        for (Slot& sl : slots_)
            if (sl.refs && sl.buf == t) {
                if (--sl.refs == 0) {
                    std::memcpy(mem[sl.frame], sl.buf, sizeof sl.buf);
                    std::memset(sl.buf, 0xFF, sizeof sl.buf);
                    --mapped_now;
                }
                return;
            }
        ++bad_unmaps;
    }
    bool is_ram(Mfn m) override { return !in_range(m) ? false : index(m) < first_io; }
    bool is_hypervisor(Mfn m) override
    {
        return in_range(m) && index(m) >= first_hv && index(m) < first_m2p;
    }
    bool is_m2p(Mfn m) override { return in_range(m) && index(m) >= first_m2p && index(m) < first_io; }
    bool iomem_permitted(const Mm_domain& d, Mfn m) override
    {
        return d.privileged && !is_ram(m) && !(in_range(m) && index(m) == denied_io);
    }
    uint64_t hypervisor_l2e(const Mm_domain&, uint32_t slot) override
    {
        return pte::make(Mfn{0x5000 + slot}, pte::P | pte::RW | pte::A | pte::D);
    }
    bool descriptors_ok(const Mm_domain&, Mfn m) override { return !bad_descriptors[index(m)]; }
    // As the real machine: the frame belongs to nobody again.
    void writable_dropped(Mfn) override { ++writable_drops; }
    void before_validate(Mfn) override { ++validations; }
    void l3_changed() override { ++l3_changes; }
    void page_released(Mfn m) override
    {
        ++released;
        if (in_range(m) && index(m) < first_io)
            pages[index(m)].owner = DOMID_INVALID;
    }
    const Mm_domain* domain(uint16_t id) override
    {
        return id == dom0.id ? &dom0 : id == domu.id ? &domu : nullptr;
    }

    Audit_report audit(const External_ref* ext = nullptr, uint32_t n = 0,
                       const Granted_frame* granted = nullptr, uint32_t granted_n = 0)
    {
        Audit_scratch s{general_, type_, lin_e_, lin_u_};
        return audit_frames(*this, mfn(0), frames, ext, n, s, granted, granted_n);
    }

private:
    static constexpr uint32_t max_slots = 8;
    struct Slot {
        uint32_t frame = 0;
        uint32_t refs = 0;
        uint64_t buf[entries_per_table];
    };
    Slot slots_[max_slots];
    uint32_t general_[frames];
    uint32_t type_[frames];
    uint32_t lin_e_[frames];
    uint32_t lin_u_[frames];
};
