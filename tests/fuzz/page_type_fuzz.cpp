// Random sequences of page-table operations from two domains against the
// fake machine. After every step: the audit must agree with every count,
// no page table may be mapped writable, no L1 may map a frame its domain
// does not own (no foreigndom is used here) or I/O it is not entitled to,
// and the pin flags must match a model of successful pins and unpins.
// Every input runs on two machines, one without the fast paths' view
// (every question a virtual call) and one with it and direct-mapped
// tables: their results, descriptors, tables and hook calls must agree.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "hypervisor/mm/pt_ops.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "tests/unit/fake_frame_space.hpp"

namespace {
using F = Fake_frame_space;

struct Input {
    const uint8_t* p;
    size_t n;
    uint8_t byte() { return n ? (--n, *p++) : 0; }
    uint32_t u32() { return byte() | (uint32_t{byte()} << 8) | (uint32_t{byte()} << 16) | (uint32_t{byte()} << 24); }
};

[[noreturn]] void fail(const char* what, uint32_t a, uint32_t b)
{
    std::fprintf(stderr, "invariant broken: %s (%u, %u)\n", what, a, b);
    std::abort();
}

constexpr uint32_t flag_choices[] = {
    pte::P, pte::P | pte::RW, pte::P | pte::RW | pte::A | pte::D, pte::P | pte::A,
    pte::P | pte::RW | pte::PSE, pte::P | pte::PCD, pte::P | pte::NX, pte::P | pte::G,
    pte::P | pte::US | pte::RW, 0, pte::RW, pte::P | pte::PWT,
};

struct World {
    F fs;
    Mm_domain* doms[2] = {&fs.dom0, &fs.domu};
    Mfn base[2] = {invalid_mfn, invalid_mfn};
    bool pinned[F::frames] = {};

    explicit World(bool fast)
    {
        fs.set_view(fast, fast);
        for (uint32_t i = 0; i < 48; ++i)
            fs.give(i, *doms[i % 3 == 0 ? 0 : 1]);
    }

    uint64_t entry(Input& in)
    {
        uint8_t k = in.byte();
        if (k == 0xFF)
            return uint64_t{in.u32()} << 32 | in.u32();
        uint32_t f = flag_choices[k % (sizeof flag_choices / sizeof flag_choices[0])];
        return pte::make(F::mfn(in.byte() % F::frames), f);
    }
    uint32_t slot(Input& in)
    {
        static constexpr uint32_t slots[] = {0, 1, 2, 3, 4, 427, 428, 511};
        return slots[in.byte() % 8];
    }

    int step(Input& in)
    {
        int rc = 0;
        uint8_t op = in.byte();
        uint32_t di = op >> 7;
        Mm_ctx c{fs, *doms[di]};
        uint32_t f = in.byte() % F::frames;
        Mfn m = F::mfn(f);
        switch (op % 8) {
        case 0: {
            rc = pin_table(c, m, 1 + in.byte() % 3);
            if (rc == 0 && pinned[f])
                fail("pinned twice", f, 0);
            if (rc == 0)
                pinned[f] = true;
            break;
        }
        case 1: {
            rc = unpin_table(c, m);
            if (rc == 0 && !pinned[f])
                fail("unpinned an unpinned frame", f, 0);
            if (rc == 0)
                pinned[f] = false;
            break;
        }
        case 2: {
            uint32_t s = slot(in);
            uint64_t e = entry(in);
            rc = mmu_normal_update(c, m, s, e, (op & 0x40) != 0, *doms[di]);
            break;
        }
        case 3: {
            uint32_t bytes = (op & 0x40) ? 4 : 8;
            uint32_t off = slot(in) * 8 + ((op & 0x20) ? 4 : 0);
            uint64_t e = entry(in);
            rc = ptwr_emulated_write(c, m, off, bytes, bytes == 4 && (op & 0x20) ? e >> 32 : e);
            break;
        }
        case 4: rc = new_baseptr(c, m, base[di]); break;
        case 5:
            drop_baseptr(c, base[di]);
            break;
        case 6:
            if (f < F::first_hv && fs.pg(f).owner == doms[di]->id)
                (void)relinquish_page(fs.pg(f));
            if (f < F::first_hv && pgc::count(fs.pg(f).count_info) == 0)
                fs.give(f, *doms[di]);
            break;
        default:
            doms[di]->pae_extended_cr3 = (op & 0x40) != 0;
            doms[di]->initialised = (op & 0x20) != 0;
            break;
        }
        return rc;
    }

    void check_mappings(uint32_t t)
    {
        const Page& tp = fs.pg(t);
        for (uint32_t i = 0; i < entries_per_table; ++i) {
            uint64_t e = fs.table(t)[i];
            if (!pte::present(e))
                continue;
            Mfn m = pte::mfn(e);
            if (!F::in_range(m)) {
                if (tp.owner != fs.dom0.id)
                    fail("domU maps I/O outside the frame table", t, i);
                continue;
            }
            uint32_t x = F::index(m);
            bool rw = (pte::flags(e) & pte::RW) != 0;
            if (x >= F::first_hv && x < F::first_m2p)
                fail("hypervisor frame mapped", t, x);
            if (x >= F::first_m2p && x < F::first_io && (rw || tp.owner != fs.dom0.id))
                fail("M2P mapped writable or by domU", t, x);
            if (x >= F::first_io && (tp.owner != fs.dom0.id || x == F::denied_io))
                fail("I/O mapped without permission", t, x);
            if (x < F::first_hv && fs.pg(x).owner != tp.owner)
                fail("foreign frame mapped", t, x);
            if (x < F::first_hv && rw && pgt::type(fs.pg(x).type_info) != Page_type::writable)
                fail("page table (or typed frame) mapped writable", t, x);
        }
    }

    void check()
    {
        External_ref ext[2];
        uint32_t n = 0;
        for (uint32_t d = 0; d < 2; ++d)
            if (base[d] != invalid_mfn)
                ext[n++] = External_ref{base[d], 1, 1};
        Audit_report r = fs.audit(ext, n);
        if (!r.clean())
            fail("audit", static_cast<uint32_t>(r.kept[0].kind), raw(r.kept[0].mfn) - F::base);
        for (uint32_t f = 0; f < F::first_hv; ++f) {
            const Page& pg = fs.pg(f);
            if (pgt::is_pinned(pg.type_info) != pinned[f])
                fail("pin flag differs from the model", f, 0);
            if (pgt::type(pg.type_info) == Page_type::l1 && pgt::is_validated(pg.type_info))
                check_mappings(f);
        }
    }
};
} // namespace

namespace {
void compare(const World& a, const World& b, int rc_a, int rc_b, uint32_t step)
{
    if (rc_a != rc_b)
        fail("the fast paths answered differently", step, static_cast<uint32_t>(rc_b));
    if (std::memcmp(a.fs.pages, b.fs.pages, sizeof a.fs.pages) != 0)
        fail("the fast paths left other descriptors", step, 0);
    // The tables (256 KiB) only every 64 steps: a difference stays.
    if (step % 64 == 63 && std::memcmp(a.fs.mem, b.fs.mem, sizeof a.fs.mem) != 0)
        fail("the fast paths left other tables", step, 0);
    if (a.fs.writable_drops != b.fs.writable_drops || a.fs.validations != b.fs.validations ||
        a.fs.released != b.fs.released)
        fail("the fast paths called the hooks differently", step, 0);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static World* w[2] = {nullptr, nullptr};
    for (int k = 0; k < 2; ++k) {
        if (w[k] == nullptr)
            w[k] = static_cast<World*>(std::malloc(sizeof(World)));
        new (w[k]) World(k == 1);
    }
    Input in{data, size};
    for (uint32_t steps = 0; in.n != 0 && steps < 4096; ++steps) {
        Input again = in;
        int rc_slow = w[0]->step(in);
        int rc_fast = w[1]->step(again);
        compare(*w[0], *w[1], rc_slow, rc_fast, steps);
        // Same state on both (compared): the invariants once.
        w[1]->check();
    }
    compare(*w[0], *w[1], 0, 0, 63);
    return 0;
}
