// Random sequences of grant operations by two fake domains, each granting,
// mapping (its own and the other's grants), unmapping, copying,
// transferring, switching versions, rewriting its own page tables and
// racing the hypervisor on its entries, against a model of the mappings.
// After every step: the reference audit agrees with every count (grant
// mappings, device mappings and the tables' own references included);
// each grant's pin counters equal the mappings the model holds of it; the
// maptracks hold exactly the model's mappings; and for a well-behaved
// guest GTF_reading/GTF_writing say exactly whether the grant is pinned,
// and pinned writable. At the end both tables are torn down in a random
// order (before or after their page tables) and nothing may remain: no memory, no shared frame, no
// reference beyond the allocation, no pin.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

#include "tests/unit/fake_grant_env.hpp"

namespace {

using E = Fake_grant_env;
using F = Fake_frame_space;

constexpr uint32_t nr_refs = 16;

struct Input {
    const uint8_t* p;
    size_t n;
    uint8_t byte() { return n ? (--n, *p++) : 0; }
    uint32_t u16() { return byte() | uint32_t{byte()} << 8; }
};

[[noreturn]] void fail(const char* what, uint32_t a, uint32_t b)
{
    std::fprintf(stderr, "invariant broken: %s (%u, %u)\n", what, a, b);
    std::abort();
}

struct Mapping {
    uint32_t granter;
    uint32_t ref;
    uint32_t kinds; // GNTMAP_host_map | GNTMAP_device_map still mapped
    bool ro;
    uint64_t addr; // as mapped (VA or PTE address)
    bool by_pte;
    uint64_t dev;
};

// GRANT_FUZZ_TRACE=1 in the environment prints each step (for reading a crash).
const bool trace = std::getenv("GRANT_FUZZ_TRACE") != nullptr;

struct World {
    E env;
    std::map<uint32_t, Mapping> maps[2]; // per mapper, by handle
    bool tainted[2][nr_refs] = {};       // the guest wrote a pinned v1 entry (until unpinned
                                         // and granted again)

    // A frame a guest names: its own data frames mostly, sometimes the
    // other's, a page table, a shared grant frame, a hypervisor frame.
    uint32_t frame(Input& in, uint32_t d)
    {
        uint8_t k = in.byte();
        switch (k % 8) {
        case 5: return E::data(1 - d, k / 8 % 12);
        case 6: return E::l1(d);
        case 7: return (k & 0x80) ? F::first_hv : F::index(env.table(d).shared[0].mfn);
        default: return E::data(d, k / 8 % 12);
        }
    }

    void grant(Input& in, uint32_t d)
    {
        uint32_t ref = in.byte() % nr_refs;
        uint16_t to = static_cast<uint16_t>(in.byte() % 3 == 0 ? 1 - d : d);
        static constexpr uint16_t flag_choices[] = {
            GTF_permit_access,   GTF_permit_access | GTF_readonly,
            GTF_accept_transfer, GTF_permit_access | GTF_sub_page,
            GTF_invalid,         GTF_permit_access | GTF_PWT,
            GTF_transitive,      GTF_permit_access};
        uint8_t f = in.byte();
        uint16_t flags = flag_choices[f % 8];
        bool misbehave = (f & 0x80) != 0;
        if (env.pin(d, ref) != 0 && !misbehave)
            return; // a well-behaved guest leaves an entry in use alone
        if (env.pin(d, ref) != 0 && env.table(d).version == 1)
            tainted[d][ref] = true;
        if (env.pin(d, ref) == 0)
            tainted[d][ref] = false;
        uint64_t fr = raw(F::mfn(frame(in, d)));
        if (flags & GTF_sub_page)
            env.grant_sub_page(d, ref, to, fr, static_cast<uint16_t>(in.byte() * 16),
                               static_cast<uint16_t>(in.byte() * 16), flags & ~GTF_sub_page);
        else
            env.grant(d, ref, to, fr, flags);
    }

    // Linux's gnttab_end_foreign_access_ref (v1) / its v2 form.
    void revoke(Input& in, uint32_t d)
    {
        uint32_t ref = in.byte() % nr_refs;
        Grant_table& t = env.table(d);
        uint32_t* w = t.header(ref);
        if (t.version == 2) {
            *w &= 0xFFFF0000u; // then the guest reads the status to learn if it is free
            return;
        }
        uint32_t cur = *w;
        if (!(cur & (GTF_reading | GTF_writing)))
            __atomic_compare_exchange_n(w, &cur, cur & 0xFFFF0000u, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST);
    }

    void map(Input& in, uint32_t m)
    {
        uint32_t g = in.byte() % 3 == 0 ? m : 1 - m;
        uint8_t f = in.byte();
        uint32_t flags = 0;
        if (f & 1)
            flags |= GNTMAP_host_map;
        if (f & 2)
            flags |= GNTMAP_device_map;
        if (f & 4)
            flags |= GNTMAP_readonly;
        bool by_pte = (f & 8) != 0;
        if (by_pte)
            flags |= GNTMAP_contains_pte;
        if (f & 0x10)
            flags |= GNTMAP_application_map;
        uint32_t slot = in.byte() % 24;
        uint64_t addr = by_pte ? env.pte_maddr(m, slot) : E::va(slot);
        if (f & 0x20)
            addr += (f & 0x40) ? 4 : 0x40000000u; // misaligned, or no L1 there
        gnttab_map_grant_ref_t op{};
        op.host_addr = addr;
        op.flags = flags;
        op.ref = in.byte() % (nr_refs + 1);
        op.dom = static_cast<uint16_t>((f & 0x80) ? DOMID_SELF : g);
        grant::map(env, env.vcpu(m), op);
        if (trace)
            std::fprintf(stderr, "  map by %u of %u ref %u flags %#x: %d handle %u\n", m, op.dom,
                         op.ref, flags, op.status, op.handle);
        if (op.status != GNTST_okay)
            return;
        if (maps[m].count(op.handle))
            fail("handle given out twice", m, op.handle);
        uint32_t kinds = flags & (GNTMAP_host_map | GNTMAP_device_map);
        maps[m][op.handle] = Mapping{g,    op.ref, kinds,          (flags & GNTMAP_readonly) != 0,
                                     addr, by_pte, op.dev_bus_addr};
    }

    void unmap(Input& in, uint32_t m)
    {
        uint8_t f = in.byte();
        uint32_t handle = in.byte();
        const Mapping* known = nullptr;
        if (!maps[m].empty() && !(f & 1)) {
            auto it = maps[m].begin();
            std::advance(it, handle % maps[m].size());
            handle = it->first;
            known = &it->second;
        }
        grant::Unmap_request r;
        r.handle = handle;
        if (known && (f & 2))
            r.host_addr = (f & 4) ? known->addr + page_size : known->addr;
        if (known && (f & 8))
            r.dev_bus_addr = (f & 4) ? known->dev + page_size : known->dev;
        if (f & 0x10)
            r.new_addr = E::va(in.byte() % 24);
        grant::Unmap_work w;
        int16_t rc = grant::unmap(env, env.vcpu(m), r, w);
        if (trace)
            std::fprintf(stderr, "  unmap by %u handle %u host %#llx dev %#llx new %#llx: %d\n", m,
                         handle, static_cast<unsigned long long>(r.host_addr),
                         static_cast<unsigned long long>(r.dev_bus_addr),
                         static_cast<unsigned long long>(r.new_addr), rc);
        env.flush_tlb(env.dom(m));
        grant::unmap_complete(env, env.dom(m), w);
        if (rc != GNTST_okay || known == nullptr)
            return;
        Mapping& mp = maps[m][handle];
        if (r.host_addr)
            mp.kinds &= ~uint32_t{GNTMAP_host_map};
        if (r.dev_bus_addr)
            mp.kinds &= ~uint32_t{GNTMAP_device_map};
        if (mp.kinds == 0)
            maps[m].erase(handle);
    }

    void copy(Input& in, uint32_t c)
    {
        uint8_t f = in.byte();
        gnttab_copy_t op{};
        op.flags = f & 3;
        auto side = [&](gnttab_copy_ptr& p, bool gref) {
            uint8_t k = in.byte();
            p.domid = static_cast<uint16_t>(k & 1 ? DOMID_SELF : (k & 2 ? c : 1 - c));
            p.offset = static_cast<uint16_t>(in.u16() % 4200);
            if (gref)
                p.u.ref = in.byte() % (nr_refs + 1);
            else
                p.u.gmfn = raw(F::mfn(frame(in, c)));
        };
        side(op.source, (op.flags & GNTCOPY_source_gref) != 0);
        side(op.dest, (op.flags & GNTCOPY_dest_gref) != 0);
        op.len = static_cast<uint16_t>(in.u16() % 4200);
        (void)grant::copy(env, env.dom(c), op);
    }

    void step(Input& in)
    {
        uint8_t op = in.byte();
        uint32_t d = op >> 7;
        env.before_cmpxchg = nullptr;
        env.after_set_status = nullptr;
        if (op & 0x40) {
            // The granter races the next swap once: a Linux-style revoke,
            // or a change of a bit that does not matter.
            uint8_t how = in.byte();
            env.before_cmpxchg = [how, fired = false](uint32_t* w) mutable {
                if (fired)
                    return;
                fired = true;
                if (how & 1)
                    *w ^= GTF_PWT;
                else if (!(*w & (GTF_reading | GTF_writing)))
                    *w &= 0xFFFF0000u;
            };
            env.after_set_status = [this, d](uint16_t*) {
                // A v2 guest clears its entry while the hypervisor pins it.
                Grant_table& t = env.table(1 - d);
                if (t.version == 2)
                    *t.header(0) &= 0xFFFF0000u;
            };
        }
        if (trace)
            std::fprintf(stderr, "step: op %u domain %u%s\n", op % 12, d,
                         (op & 0x40) ? " racing" : "");
        switch (op % 12) {
        case 0:
        case 1: grant(in, d); break;
        case 2: revoke(in, d); break;
        case 3:
        case 4: map(in, d); break;
        case 5:
        case 6: unmap(in, d); break;
        case 7: copy(in, d); break;
        case 8: {
            uint32_t was = env.table(d).version;
            uint32_t v = 1 + in.byte() % 2;
            if (grant::set_version(env, env.dom(d), v) == 0 && was != v)
                // Reserved entries keep their contents across the switch as
                // Xen keeps them: a pinned one survives v2 -> v1 only if its
                // header was a full-page grant (a v2 guest clears the header
                // of an entry in use when it tries to revoke it), and the v1
                // bits of a completed transfer become "reading" in a v2
                // status word.
                for (uint32_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ++ref)
                    if ((was == 2 && env.pin(d, ref) != 0) ||
                        (env.pin(d, ref) == 0 && env.in_use(d, ref) != 0))
                        tainted[d][ref] = true;
            break;
        }
        case 9: {
            // The guest rewrites a slot of its own L1 (maybe a grant PTE).
            uint8_t k = in.byte();
            uint32_t slot = k % 24;
            uint64_t val = (k & 0x80) ? 0
                                      : pte::make(F::mfn(frame(in, d)),
                                                  pte::P | pte::A | ((k & 0x40) ? pte::RW : 0));
            Mm_ctx c{env.fs, env.dom(d).mm};
            (void)mmu_normal_update(c, F::mfn(E::l1(d)), slot, val, false, env.dom(d).mm);
            break;
        }
        case 10: {
            uint8_t k = in.byte();
            if (k & 1) {
                gnttab_transfer_t t{};
                t.mfn = raw(F::mfn(frame(in, d)));
                t.domid = static_cast<uint16_t>(k & 2 ? d : 1 - d);
                t.ref = in.byte() % nr_refs;
                (void)grant::transfer(env, env.dom(d), t);
            } else {
                (void)grant::swap_refs(env, env.dom(d), in.byte() % nr_refs, in.byte() % nr_refs);
            }
            break;
        }
        default: {
            struct Null final : grant::Frame_sink {
                bool put(uint32_t, uint64_t) override { return true; }
            } sink;
            (void)grant::setup_table(env, env.dom(d), DOMID_SELF, in.byte() % 4, sink);
            break;
        }
        }
        env.before_cmpxchg = nullptr;
        env.after_set_status = nullptr;
    }

    void check()
    {
        Audit_report r = env.audit();
        if (!r.clean())
            fail("audit", static_cast<uint32_t>(r.kept[0].kind), raw(r.kept[0].mfn) - F::base);
        if (env.fs.mapped_now != 0 || env.fs.bad_unmaps != 0)
            fail("frame mappings unbalanced", env.fs.mapped_now, env.fs.bad_unmaps);
        for (uint32_t m = 0; m < 2; ++m)
            if (env.table(m).maptrack_used != maps[m].size())
                fail("maptrack differs from the model", m, env.table(m).maptrack_used);
        for (uint32_t g = 0; g < 2; ++g) {
            Grant_table& t = env.table(g);
            for (uint32_t ref = 0; ref < nr_refs; ++ref) {
                uint32_t want = 0;
                for (uint32_t m = 0; m < 2; ++m)
                    for (auto& [h, mp] : maps[m])
                        if (mp.granter == g && mp.ref == ref) {
                            if (mp.kinds & GNTMAP_host_map)
                                want += mp.ro ? gntpin::hstr : gntpin::hstw;
                            if (mp.kinds & GNTMAP_device_map)
                                want += mp.ro ? gntpin::devr : gntpin::devw;
                        }
                uint32_t pin = t.active_entry(ref).pin;
                if (pin != want)
                    fail("pin differs from the mappings", g * 100 + ref, pin);
                // In v1 the same bits of a transfer entry mean committed
                // and completed.
                bool transfer_entry = (env.flags(g, ref) & GTF_type_mask) == GTF_accept_transfer;
                // A tainted reserved entry carries what the guest wrote across
                // version switches.
                if (tainted[g][ref] || (t.version == 1 && transfer_entry))
                    continue;
                uint16_t use = env.in_use(g, ref);
                bool reading = (use & GTF_reading) != 0, writing = (use & GTF_writing) != 0;
                if (reading != (pin != 0) || writing != ((pin & gntpin::writers) != 0))
                    fail("GTF flags differ from the pins", g * 100 + ref, use);
            }
        }
    }

    void teardown(Input& in)
    {
        uint8_t order = in.byte();
        uint32_t first = order & 1;
        if (order & 2)
            grant::revoke_mappings(env, env.dom(first));
        if (order & 4)
            grant::release_mappings(env, env.dom(1 - first));
        // The domains' memory goes: their page tables are devalidated, and
        // every PTE gives up its references (grant ones included, when
        // teardown has not removed them yet).
        for (uint32_t d = 0; d < 2; ++d) {
            Mm_ctx c{env.fs, env.dom(d).mm};
            if (unpin_table(c, F::mfn(d * E::frames_per_domain)) != 0)
                fail("the L3 was not pinned any more", d, 0);
        }
        grant::table_destroy(env, env.dom(first));
        grant::table_destroy(env, env.dom(1 - first));
        if (env.live_allocs != 0)
            fail("memory left", static_cast<uint32_t>(env.live_allocs), 0);
        for (uint32_t i = E::pool_first; i < E::pool_end; ++i)
            if (env.gcount(i) != 0)
                fail("shared frame left", i, env.gcount(i));
        Audit_report r = env.fs.audit();
        if (!r.clean())
            fail("audit after teardown", static_cast<uint32_t>(r.kept[0].kind),
                 raw(r.kept[0].mfn) - F::base);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto w = std::make_unique<World>();
    Input in{data, size};
    for (uint32_t steps = 0; in.n != 0 && steps < 512; ++steps) {
        w->step(in);
        w->check();
    }
    w->teardown(in);
    return 0;
}
