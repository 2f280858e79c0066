// Random page-table graphs torn down by relinquish_memory. Domain U (and
// dom0, which may also map U's frames as a domain builder does) builds
// tables with random entries, pins, base pointers and balloon-outs; then U
// is relinquished with a random budget, resumed until done. Then: U's list
// is empty, the audit agrees with every count, and each of U's frames is
// either back (count 0) or still referenced by dom0. Dom0 then lets go
// (its base pointer and its memory relinquished too) and every frame must
// be back with every count zero.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "hypervisor/mm/pt_ops.hpp"
#include "hypervisor/mm/relinquish.hpp"
#include "tests/unit/fake_frame_space.hpp"

namespace {
using F = Fake_frame_space;
constexpr uint32_t ram = 48; // frames given out: every third to dom0, the rest to U

struct Input {
    const uint8_t* p;
    size_t n;
    uint8_t byte() { return n ? (--n, *p++) : 0; }
};

[[noreturn]] void fail(const char* what, uint32_t a, uint32_t b)
{
    std::fprintf(stderr, "invariant broken: %s (%u, %u)\n", what, a, b);
    std::abort();
}

void* chunk_alloc(void*)
{
    return std::calloc(1, 4096);
}
void chunk_free(void*, void* p)
{
    std::free(p);
}
Page* lookup(void* ctx, Mfn m)
{
    return static_cast<F*>(ctx)->page(m);
}

constexpr uint32_t flag_choices[] = {
    pte::P, pte::P | pte::RW, pte::P | pte::RW | pte::A | pte::D, pte::P | pte::A, 0,
};

struct Dom {
    Mm_domain* mm;
    Domain_frames list{Chunk_allocator{chunk_alloc, chunk_free, nullptr}};
    uint32_t tot = 0;
    Mfn base = invalid_mfn;
};

struct Stop_every {
    uint32_t every;
    uint32_t n = 0;
    static bool stop(void* ctx)
    {
        auto& s = *static_cast<Stop_every*>(ctx);
        return s.every != 0 && ++s.n % s.every == 0;
    }
};

struct World {
    F fs;
    Dom doms[2] = {{&fs.dom0}, {&fs.domu}};

    World()
    {
        for (uint32_t i = 0; i < ram; ++i) {
            Dom& d = doms[i % 3 == 0 ? 0 : 1];
            fs.give(i, *d.mm);
            if (!d.list.add(F::mfn(i), fs.pg(i)))
                fail("list", i, 0);
            ++d.tot;
        }
    }

    uint64_t entry(Input& in)
    {
        uint32_t f = flag_choices[in.byte() % (sizeof flag_choices / sizeof flag_choices[0])];
        return pte::make(F::mfn(in.byte() % ram), f);
    }

    void step(Input& in)
    {
        uint8_t op = in.byte();
        // Mostly U's tables; dom0 maps U's frames when bit 6 says so.
        Dom& d = doms[(op & 0x80) && (op & 0x10) ? 0 : 1];
        Mm_ctx c{fs, *d.mm};
        Mfn m = F::mfn(in.byte() % ram);
        switch (op % 6) {
        case 0: (void)pin_table(c, m, 1 + in.byte() % 3); break;
        case 1: (void)unpin_table(c, m); break;
        case 2:
        case 3: {
            uint32_t s = in.byte() % 8;
            s = s == 7 ? 3 : s; // slot 3 of an L3 now and then
            const Mm_domain& owner = (&d == &doms[0] && (op & 0x40)) ? fs.domu : *d.mm;
            (void)mmu_normal_update(c, m, s, entry(in), false, owner);
            break;
        }
        case 4: (void)new_baseptr(c, m, d.base); break;
        default: {
            // XENMEM_decrease_reservation of a frame that may still be used.
            Page* pg = fs.page(m);
            if (pg->owner != d.mm->id || !pgc::is_allocated(pg->count_info))
                break;
            release_pin(c, m, *pg);
            d.list.remove(m, *pg, lookup, &fs);
            --d.tot;
            if (relinquish_page(*pg))
                fs.page_released(m);
            break;
        }
        }
    }

    void relinquish(Dom& d, uint32_t every)
    {
        Mm_ctx c{fs, *d.mm};
        drop_baseptr(c, d.base);
        fs.max_mapped = 0;
        Relinquish_progress p;
        Stop_every s{every};
        Relinquish_budget b{Stop_every::stop, &s};
        for (uint32_t calls = 0; !relinquish_memory(c, d.list, d.tot, p, b); ++calls)
            if (calls > 4 * ram + 8)
                fail("relinquish does not finish", calls, every);
        // A step maps the table it devalidates and at most one linear L2
        // below it while every table is listed. A table the guest gave
        // back (decrease_reservation) while another still used it is off
        // the list, so the passes do not reach it, and it goes with the
        // step that drops its last type reference: L3 -> given-back L2 ->
        // its linear L2 -> given-back L1, never deeper (relinquish.hpp).
        if (fs.max_mapped > 4)
            fail("a step worked through more than the four levels", fs.max_mapped, 0);
        if (d.list.count() != 0 || d.tot != 0)
            fail("frames left on the list", d.list.count(), d.tot);
    }

    void audit(const char* when)
    {
        External_ref ext[1];
        uint32_t n = 0;
        if (doms[0].base != invalid_mfn)
            ext[n++] = External_ref{doms[0].base, 1, 1};
        Audit_report r = fs.audit(ext, n);
        if (!r.clean())
            fail(when, static_cast<uint32_t>(r.kept[0].kind), raw(r.kept[0].mfn) - F::base);
    }
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static World* w = nullptr;
    if (w == nullptr)
        w = static_cast<World*>(std::malloc(sizeof(World)));
    new (w) World();
    Input in{data, size};
    uint32_t every = in.byte() % 10;
    for (uint32_t steps = 0; in.n != 0 && steps < 2048; ++steps)
        w->step(in);

    w->relinquish(w->doms[1], every);
    w->audit("audit after U's relinquish");
    for (uint32_t i = 0; i < ram; ++i) {
        const Page& pg = w->fs.pg(i);
        if (pg.owner != w->fs.domu.id)
            continue;
        // Still U's: only dom0 may hold it, never as a validated table.
        if (pgc::count(pg.count_info) == 0 || pgc::is_allocated(pg.count_info) ||
            pgt::is_pinned(pg.type_info))
            fail("U's frame kept without a holder", i, pg.count_info);
        if (is_page_table(pgt::type(pg.type_info)) && pgt::is_validated(pg.type_info))
            fail("U's table still validated", i, pg.type_info);
    }

    w->relinquish(w->doms[0], every);
    for (uint32_t i = 0; i < ram; ++i) {
        const Page& pg = w->fs.pg(i);
        if (pg.count_info != 0 || pgt::count(pg.type_info) != 0 || pg.owner != DOMID_INVALID)
            fail("frame not back", i, pg.count_info);
    }
    if (w->fs.released != ram || w->fs.mapped_now != 0 || w->fs.bad_unmaps != 0)
        fail("released or mappings", w->fs.released, w->fs.mapped_now);
    w->~World();
    return 0;
}
