// The narrow interface through which the page-type core sees machine memory
// and domains. The hypervisor implements it over the frame table and the
// map cache; tests implement it over arrays.
#pragma once
#include <cstdint>

#include "hypervisor/mm/frame.hpp"
#include "hypervisor/mm/page.hpp"
#include "public/xen.h" // the special domain ids (DOMID_IO, DOMID_XEN, DOMID_INVALID)
#ifdef XENITH_KERNEL
#include "arch/x86_32/include/frame_space_inline.hpp"
#endif

// What page-table validation needs to know about a domain.
struct Mm_domain {
    uint16_t id = DOMID_INVALID;
    bool privileged = false;        // Xen's is_priv: may map I/O it is entitled to, the M2P read-only
    bool io_caps = false;           // has iomem/ioport capabilities: may set PWT/PCD/PAT in L1s
    bool pae_extended_cr3 = false;  // VMASST_TYPE_pae_extended_cr3: L3 may live above 4 GiB
    bool initialised = false;       // vcpu0 started: the L3-below-4GiB rule applies
};

constexpr uint32_t entries_per_table = 512;
// L2 slots the hypervisor owns in the L2 that PAE L3 slot 3 points to
// (boot/layout.h HV_FIRST_L2_SLOT: 0xF5800000 is HYPERVISOR_VIRT_START).
constexpr uint32_t first_hypervisor_l2_slot = 428;
constexpr uint32_t l3_entries = 4;

class Frame_space {
public:
    // Descriptor of a frame inside the frame table, or nullptr.
    virtual Page* page(Mfn mfn) = 0;
    // The frame's 512 entries, mapped until unmap() is given the same
    // pointer; nullptr when no mapping can be made. Only called for frames
    // with a descriptor. Callers go through map_table and unmap_table
    // (Table_map, Held_table), never these two.
    virtual uint64_t* map(Mfn mfn) = 0;
    virtual void unmap(uint64_t* table) = 0;
    // What Table_map and the other users call. In the hypervisor the one
    // Frame_space is the arch's (pv_frame_space.cpp), whose map and unmap
    // are the map cache's: called directly, a hit inlines (a pair through
    // the virtual calls was about 60 instructions). Host builds (the
    // fakes) take the virtual way.
#ifdef XENITH_KERNEL
    uint64_t* map_table(Mfn mfn) { return arch::map_table(mfn); }
    void unmap_table(uint64_t* table) { arch::unmap_table(table); }
#else
    uint64_t* map_table(Mfn mfn) { return map(mfn); }
    void unmap_table(uint64_t* table) { unmap(table); }
#endif
    virtual bool is_ram(Mfn mfn) = 0;
    // Frames the hypervisor itself uses (image, heap, frame table, its page
    // tables); never mappable by guests.
    virtual bool is_hypervisor(Mfn mfn) = 0;
    // Frames of the machine-to-phys table: privileged guests may map them read-only.
    virtual bool is_m2p(Mfn mfn) = 0;
    // May 'd' map the non-RAM frame (Xen's iomem_access_permitted)?
    virtual bool iomem_permitted(const Mm_domain& d, Mfn mfn) = 0;
    // EFER.NXE on: bit 63 of a PTE is NX, not reserved. A plain flag, set
    // once by the implementation (the boot CPU enables NX before the frame
    // space is set up): every single-entry update asks, and a virtual call
    // cost it about 10 instructions.
    bool nx_enabled() const { return nx_; }
    void set_nx(bool on) { nx_ = on; }
    // The entry the hypervisor keeps in 'slot' (428..511) of d's top L2.
    virtual uint64_t hypervisor_l2e(const Mm_domain& d, uint32_t slot) = 0;
    // All of them from 'first' on, into t[first..511] (a top L2 being
    // validated): one call instead of one per slot.
    virtual void hypervisor_l2es(const Mm_domain& d, uint32_t first, uint64_t* t)
    {
        for (uint32_t i = first; i < entries_per_table; ++i)
            t[i] = hypervisor_l2e(d, i);
    }
    // Check a frame's 512 descriptors for use as GDT/LDT (seg_desc type).
    virtual bool descriptors_ok(const Mm_domain& d, Mfn mfn) = 0;
    // The last general reference on a frame was dropped: it goes back to the allocator.
    virtual void page_released(Mfn mfn) = 0;
    // TLB coherence across CPUs (Xen's tlbflush_timestamp): the frame's
    // last writable mapping is gone, though CPUs may still hold its
    // translation until they next flush; and before the frame is
    // validated for a new type, every CPU that might still write it
    // through such a translation flushes.
    virtual void writable_dropped(Mfn mfn) = 0;
    virtual void before_validate(Mfn mfn) = 0;
    // What the page-type core calls for writable_dropped: in the
    // hypervisor the TLB clock's stamp, inline (as map_table above).
#ifdef XENITH_KERNEL
    void note_writable_dropped(Mfn mfn) { arch::note_writable_dropped(mfn); }
#else
    void note_writable_dropped(Mfn mfn) { writable_dropped(mfn); }
#endif
    // An L3's entries were written, or a frame became an L3: a copy of
    // some L3's entries taken before may be out of date (the arch keeps
    // each vCPU's copy, and takes it again only after such a change).
    virtual void l3_changed() {}
    // Lookup for the audit; nullptr when unknown.
    virtual const Mm_domain* domain(uint16_t id) = 0;

    // The fast paths' view of ordinary RAM, not virtual: the descriptor of
    // a frame in [direct_first, direct_first + direct_count) whose owner is
    // a domain (an id below DOMID_FIRST_RESERVED), or nullptr. Contract of
    // whoever sets the view: every such frame is is_ram(), neither
    // is_hypervisor() nor is_m2p(), and its descriptor is page(). So a
    // caller may take the answer instead of asking those three, and any
    // frame the view does not answer for goes the virtual way.
    Page* ordinary(Mfn m) const
    {
        uint32_t i = raw(m) - direct_first_;
        if (i >= direct_count_ || direct_pages_[i].owner >= DOMID_FIRST_RESERVED)
            return nullptr;
        return &direct_pages_[i];
    }
    // page(m) without the virtual call for a domain's frame in the view
    // (ordinary() gives the same descriptor there).
    Page* page_of(Mfn m)
    {
        Page* pg = ordinary(m);
        return pg != nullptr ? pg : page(m);
    }
    // The descriptor of a frame that can be a domain's page table or data
    // (RAM, neither the hypervisor's nor the M2P's), or nullptr: the view's
    // answer inline, any other frame asked the three questions out of line.
    Page* ram_page(Mfn m)
    {
        Page* pg = ordinary(m);
        return pg != nullptr ? pg : ram_page_asking(m);
    }
    // The view's descriptors as plain values, for a loop over a whole
    // table to keep in registers: stores into Page descriptors may alias
    // this object's fields, so ordinary() reloads them each time.
    struct Direct_pages {
        Page* pages;
        uint32_t first, count;
    };
    Direct_pages direct_pages() const { return {direct_pages_, direct_first_, direct_count_}; }
    // The frame's entries through a mapping that always exists (a direct
    // map), or nullptr: then map()/unmap() are needed.
    uint64_t* direct_table(Mfn m) const
    {
        uint32_t i = raw(m) - direct_first_;
        return i < direct_mapped_ ? direct_map_ + static_cast<uintptr_t>(i) * entries_per_table
                                  : nullptr;
    }

protected:
    ~Frame_space() = default;
    // 'pages' is the descriptor of frame 'first'; the first 'mapped' frames
    // of the range are at 'map' (512 entries each), mapped for good.
    void set_direct_view(Page* pages, Mfn first, uint32_t count, uint64_t* map, uint32_t mapped)
    {
        direct_pages_ = pages;
        direct_first_ = raw(first);
        direct_count_ = count;
        direct_map_ = map;
        direct_mapped_ = map ? mapped : 0;
    }

private:
    [[gnu::noinline]] Page* ram_page_asking(Mfn m)
    {
        Page* pg = page(m);
        return pg == nullptr || !is_ram(m) || is_hypervisor(m) || is_m2p(m) ? nullptr : pg;
    }

    bool nx_ = false;
    Page* direct_pages_ = nullptr;
    uint32_t direct_first_ = 0;
    uint32_t direct_count_ = 0;
    uint64_t* direct_map_ = nullptr;
    uint32_t direct_mapped_ = 0;
};

// One table mapped for exactly the lifetime of this object (map in the
// constructor, unmap in the destructor): validation of a table keeps its
// own mapping while it maps the tables below it, however many, so it never
// reads a frame other than the one it validates. A failed mapping is
// reported by operator bool and must make the operation fail.
class [[nodiscard]] Table_map {
public:
    Table_map(Frame_space& fs, Mfn m) : fs_(fs), t_(fs.direct_table(m))
    {
        if (t_ == nullptr) {
            t_ = fs.map_table(m);
            mapped_ = t_ != nullptr;
        }
    }
    ~Table_map()
    {
        if (mapped_)
            fs_.unmap_table(t_);
    }
    Table_map(const Table_map&) = delete;
    Table_map& operator=(const Table_map&) = delete;

    explicit operator bool() const { return t_ != nullptr; }
    uint64_t* get() const { return t_; }
    uint64_t& operator[](uint32_t i) const { return t_[i]; }

private:
    Frame_space& fs_;
    uint64_t* t_;
    bool mapped_ = false; // through map(): unmap() it
};

// One table a batch of updates keeps mapped from one request to the next
// (the hypercall layer's, living for its batch under the domain's lock):
// consecutive updates of one table map it once. It holds at most one
// mapping, given back when another table is asked for and at the end.
class [[nodiscard]] Held_table {
public:
    explicit Held_table(Frame_space& fs) : fs_(fs) {}
    ~Held_table() { drop(); }
    Held_table(const Held_table&) = delete;
    Held_table& operator=(const Held_table&) = delete;

    // The entries of 'm', or nullptr when no mapping can be made.
    uint64_t* get(Mfn m)
    {
        if (t_ != nullptr && m == mfn_)
            return t_;
        drop();
        t_ = fs_.direct_table(m);
        if (t_ == nullptr) {
            t_ = fs_.map_table(m);
            mapped_ = t_ != nullptr;
        }
        mfn_ = m;
        return t_;
    }

private:
    void drop()
    {
        if (mapped_)
            fs_.unmap_table(t_);
        t_ = nullptr;
        mapped_ = false;
    }
    Frame_space& fs_;
    Mfn mfn_ = invalid_mfn;
    uint64_t* t_ = nullptr;
    bool mapped_ = false;
};

// Everything an operation needs: the memory and the domain whose tables
// are being validated or changed.
struct Mm_ctx {
    Frame_space& fs;
    const Mm_domain& dom;
    // Optional: the table mapping a batch keeps between its updates.
    Held_table* held = nullptr;
    // pte::l1_disallow(fs, dom) as a batch (a context with a held table)
    // first looked it up, kept for its further updates; 0 (never a mask)
    // until then, and always without a held table.
    uint32_t l1_disallow = 0;
    // Set by an update after which this CPU's TLB may hold translations
    // through an entry that is gone: an L2 entry that was present changed
    // (one made present where none was cannot be cached). The hypercall
    // layer flushes once per batch. An L1 entry's change is the guest's
    // to flush, as in Xen.
    bool flush_tlb = false;
    // Set by an update of an L3 entry: a vCPU's copy of its L3's entries
    // (arch guest_cr3) may be stale, so the flush re-reads it.
    bool reload_l3 = false;
};
