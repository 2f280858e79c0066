// A machine for grant-table tests: Fake_frame_space's frames, two domains
// (0 privileged, 1 not) each with one vCPU and a validated address space
// whose single L1 maps virtual addresses 0..2 MiB, a pool of frames the
// core takes for shared grant and status frames, and hooks that play a
// guest changing its entries between two steps of an operation.
//
// Frames: 0..15 domain 0 (0 L3, 1 L2 of slot 0, 2 L2 of slot 3, 3 the L1,
// 4..15 data), 16..31 domain 1 (the same shape from 16), 32..39 nobody's,
// 40..55 the pool for shared frames.
#pragma once
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/grant/grant_table.hpp"
#include "hypervisor/mm/pt_ops.hpp"
#include "tests/unit/fake_frame_space.hpp"

class Fake_grant_env final : public Grant_env {
public:
    using F = Fake_frame_space;
    static constexpr uint32_t nr_domains = 2;
    static constexpr uint32_t frames_per_domain = 16;
    static constexpr uint32_t first_data = 4; // relative to the domain's first frame
    static constexpr uint32_t pool_first = 40;
    static constexpr uint32_t pool_end = 56;

    F fs;
    std::unique_ptr<Domain> doms[nr_domains];
    Vcpu vcpus[nr_domains]; // one each
    bool present[nr_domains] = {true, true};

    // What the core did.
    uint32_t flushes[nr_domains] = {};
    uint32_t held[nr_domains] = {}; // get_domain references not yet put
    long live_allocs = 0;
    uint32_t frames_left = pool_end - pool_first; // lower it to make alloc_frame fail
    long allocs_left = 1L << 30;                  // the same for alloc
    std::map<uint32_t, uint32_t> m2p;
    uint32_t stolen_freed = 0;

    // A racing guest: called with the word just before each cmpxchg on it,
    // and after each v2 status update.
    std::function<void(uint32_t* word)> before_cmpxchg;
    std::function<void(uint16_t* status)> after_set_status;
    std::function<void(Domain& d)> on_flush;
    // Another CPU's step between two of the core's: after each domain
    // lookup, and before each allocation.
    std::function<void(uint16_t id)> after_get_domain;
    std::function<void()> before_alloc;

    Fake_grant_env(const Grant_limits& lim0 = Grant_limits{},
                   const Grant_limits& lim1 = Grant_limits{})
    {
        for (uint32_t i = 0; i < nr_domains; ++i) {
            doms[i] = std::make_unique<Domain>();
            Domain& d = *doms[i];
            d.id = static_cast<uint16_t>(i);
            d.privileged = i == 0;
            d.mm = i == 0 ? fs.dom0 : fs.domu;
            d.max_pages = 64;
            vcpus[i].domain = &d;
            vcpus[i].id = 0;
            d.vcpus[0] = &vcpus[i];
            d.nr_vcpus = 1;
            uint32_t base = i * frames_per_domain;
            for (uint32_t f = base; f < base + frames_per_domain; ++f)
                fs.give(f, d.mm);
            d.tot_pages = frames_per_domain;
            fs.table(base)[0] = pte::make(F::mfn(base + 1), pte::P);
            fs.table(base)[3] = pte::make(F::mfn(base + 2), pte::P);
            fs.table(base + 1)[0] = pte::make(F::mfn(base + 3), pte::P | pte::RW | pte::A);
            Mm_ctx c{fs, d.mm};
            if (pin_table(c, F::mfn(base), 3) != 0)
                std::abort();
            d.vcpus[0]->cr3 = F::mfn(base);
        }
        if (grant::table_create(*this, *doms[0], lim0) != 0 ||
            grant::table_create(*this, *doms[1], lim1) != 0)
            std::abort();
    }

    ~Fake_grant_env()
    {
        for (auto& d : doms)
            grant::table_destroy(*this, *d);
        // The grant core gives back every domain it looked up.
        for (uint32_t i = 0; i < nr_domains; ++i)
            if (held[i] != 0)
                std::abort();
    }

    Domain& dom(uint32_t i) { return *doms[i]; }
    Vcpu& vcpu(uint32_t i) { return *doms[i]->vcpus[0]; }
    Grant_table& table(uint32_t i) { return *doms[i]->grant; }
    static uint32_t data(uint32_t d, uint32_t k) { return d * frames_per_domain + first_data + k; }
    static Mfn data_mfn(uint32_t d, uint32_t k) { return F::mfn(data(d, k)); }
    static uint32_t l1(uint32_t d) { return d * frames_per_domain + 3; }
    // The virtual address the L1's slot maps.
    static uint64_t va(uint32_t slot) { return uint64_t{slot} << page_shift; }
    uint64_t pte(uint32_t d, uint32_t slot) { return fs.table(l1(d))[slot]; }
    uint64_t pte_maddr(uint32_t d, uint32_t slot)
    {
        return mfn_to_paddr(F::mfn(l1(d))) + slot * sizeof(uint64_t);
    }
    // Maps a data frame of the domain itself at slot, as mmu_update would.
    int map_own(uint32_t d, uint32_t slot, uint32_t frame, uint32_t flags)
    {
        Mm_ctx c{fs, doms[d]->mm};
        return mmu_normal_update(c, F::mfn(l1(d)), slot, pte::make(F::mfn(frame), flags), false,
                                 doms[d]->mm);
    }

    // The guest side of an entry: v1 or v2 according to the table.
    void grant(uint32_t d, uint32_t ref, uint16_t to, uint64_t frame, uint16_t flags)
    {
        Grant_table& t = table(d);
        uint32_t* w = t.header(ref);
        if (t.version == 1) {
            w[1] = static_cast<uint32_t>(frame);
        } else {
            w[1] = 0;
            w[2] = static_cast<uint32_t>(frame);
            w[3] = static_cast<uint32_t>(frame >> 32);
        }
        w[0] = flags | uint32_t{to} << 16;
    }
    void grant_sub_page(uint32_t d, uint32_t ref, uint16_t to, uint64_t frame, uint16_t off,
                        uint16_t len, uint16_t flags)
    {
        grant(d, ref, to, frame, flags | GTF_sub_page);
        table(d).header(ref)[1] = off | uint32_t{len} << 16;
    }
    uint16_t flags(uint32_t d, uint32_t ref) { return header_flags(*table(d).header(ref)); }
    void set_flags(uint32_t d, uint32_t ref, uint16_t f)
    {
        uint32_t* w = table(d).header(ref);
        *w = (*w & 0xFFFF0000u) | f;
    }
    // GTF_reading/GTF_writing wherever the version keeps them.
    uint16_t in_use(uint32_t d, uint32_t ref)
    {
        Grant_table& t = table(d);
        uint16_t f = t.version == 1 ? flags(d, ref) : *t.status_word(ref);
        return f & (GTF_reading | GTF_writing);
    }
    uint32_t pin(uint32_t d, uint32_t ref) { return table(d).active_entry(ref).pin; }
    uint32_t gcount(uint32_t f) { return pgc::count(fs.pg(f).count_info); }
    uint32_t tcount(uint32_t f) { return pgt::count(fs.pg(f).type_info); }

    // Every count agrees with what exists: page tables, pins, the grant
    // tables' own references and grant mappings.
    Audit_report audit()
    {
        std::vector<External_ref> ext;
        std::vector<Granted_frame> granted;
        for (auto& d : doms) {
            if (!present[d->id])
                continue;
            uint32_t n = grant::external_refs(*this, *d, nullptr, 0);
            size_t at = ext.size();
            ext.resize(at + n);
            grant::external_refs(*this, *d, ext.data() + at, n);
            uint32_t g = grant::granted_frames(*this, *d, nullptr, 0);
            size_t gat = granted.size();
            granted.resize(gat + g);
            grant::granted_frames(*this, *d, granted.data() + gat, g);
        }
        return fs.audit(ext.data(), static_cast<uint32_t>(ext.size()), granted.data(),
                        static_cast<uint32_t>(granted.size()));
    }

    // Grant_env
    Frame_space& frames() override { return fs; }
    Domain* get_domain(uint16_t id) override
    {
        if (id >= nr_domains || !present[id])
            return nullptr;
        ++held[id];
        if (after_get_domain)
            after_get_domain(id);
        return doms[id].get();
    }
    void put_domain(Domain* d) override
    {
        if (held[d->id] == 0)
            std::abort(); // put_domain without get_domain
        --held[d->id];
    }
    void flush_tlb(Domain& d) override
    {
        ++flushes[d.id];
        if (on_flush)
            on_flush(d);
    }
    void* alloc(size_t bytes) override
    {
        if (before_alloc)
            before_alloc();
        if (allocs_left <= 0)
            return nullptr;
        --allocs_left;
        ++live_allocs;
        return std::calloc(1, bytes);
    }
    void free(void* p) override
    {
        if (p != nullptr)
            --live_allocs;
        std::free(p);
    }
    bool alloc_frame(Shared_frame& f) override
    {
        if (frames_left == 0)
            return false;
        for (uint32_t i = pool_first; i < pool_end; ++i) {
            Page& pg = fs.pg(i);
            if (pg.owner == DOMID_INVALID && pgc::count(pg.count_info) == 0) {
                --frames_left;
                pg.type_info = 0;
                std::memset(fs.mem[i], 0, sizeof fs.mem[i]);
                f = Shared_frame{F::mfn(i), fs.mem[i]};
                return true;
            }
        }
        return false;
    }
    bool steal_page(Domain& d, Mfn m) override
    {
        Page* pg = fs.page(m);
        if (pg == nullptr || pg->owner != d.id || pg->count_info != (pgc::allocated | 1) ||
            pgt::count(pg->type_info) != 0 || pgt::is_pinned(pg->type_info))
            return false;
        pg->count_info = 0;
        pg->type_info = 0;
        pg->owner = DOMID_INVALID;
        return true;
    }
    void give_page(Domain& d, Mfn m) override { assign_page(*fs.page(m), d.id); }
    void free_stolen(Mfn) override { ++stolen_freed; }
    void set_m2p(Mfn m, uint32_t gfn) override { m2p[raw(m)] = gfn; }

    uint32_t cmpxchg(uint32_t* w, uint32_t expected, uint32_t desired) override
    {
        if (before_cmpxchg)
            before_cmpxchg(w);
        return Grant_env::cmpxchg(w, expected, desired);
    }
    void set_status(uint16_t* s, uint16_t bits) override
    {
        Grant_env::set_status(s, bits);
        if (after_set_status)
            after_set_status(s);
    }
};
