// Hostile page-table hypercalls at random: mmu_update, mmuext_op,
// update_va_mapping (and its otherdomain form) and multicalls of them,
// with random entries (any frame: the pool's, the guest's own, the
// hypervisor's, none; any flags, reserved bits and PSE included), random
// slots and commands, random foreign domain names, bad and good "done"
// pointers, flush masks and LDTs. hcfuzz leaves these calls out, as they
// can tear the guest down; here every table they change or pin is one of
// a pool of the guest's own frames that nothing of its live address space
// maps or uses, every address they map at is one of a few pages of its
// own kept for them, and no call switches its base pointer. So any crash
// or hang is the hypervisor's, every result must be 0 or a Xen errno, and
// the scenario's audit at power-off checks every reference count the pool
// ended with (pinned or not, tables of every level hooked into each other
// at random).
//   seed=N picks the sequence, calls=N how many (default 20 000).
#include "cmdline_arg.hpp"
#include "console.hpp"
#include "fuzz_guest.hpp"
#include "pt_lib.hpp"
#include "test.hpp"

namespace {

constexpr unsigned pool_size = 48;
constexpr unsigned nr_victims = 4;
uint32_t pool[pool_size];
// Pages whose mappings the calls may replace: nothing reads or writes them.
alignas(4096) uint8_t victims[nr_victims][4096];
uint32_t rng = 0x2545F491u;
uint32_t own_pages;

uint32_t next() { return xorshift32(rng); }

uint32_t pick(const uint32_t* v, uint32_t n) { return v[next() % n]; }

// A frame of this guest (the M2P says which pseudo-physical page it is,
// and the p2m agrees). The M2P is mapped for 2 MiB of entries.
bool own_frame(uint32_t mfn)
{
    const auto* m2p = reinterpret_cast<const volatile uint32_t*>(MACH2PHYS_VIRT_START);
    if (mfn >= 0x80000u)
        return false;
    uint32_t pfn = m2p[mfn];
    return pfn < own_pages && pfn_to_mfn(pfn) == mfn;
}

bool in_pool(uint32_t mfn)
{
    for (uint32_t m : pool)
        if (m == mfn)
            return true;
    return false;
}

// A frame the calls may change or pin: mostly the pool's, else one that is
// not this guest's (free, another owner's, the hypervisor's, past RAM).
uint32_t target_frame()
{
    if (next() % 8)
        return pick(pool, pool_size);
    for (int tries = 0; tries < 4; ++tries) {
        uint32_t m = next() % 4 == 0 ? next() : next() % 0x9000u;
        if (in_pool(m) || !own_frame(m))
            return m;
    }
    return pick(pool, pool_size);
}

// Any frame at all for an entry to map: the guest's own included.
uint32_t any_frame()
{
    switch (next() % 6) {
    case 0: return pfn_to_mfn(next() % own_pages);
    case 1: return pt::boot_l3();
    case 2: return pt::boot_top_l2();
    case 3: return next() % 0x9000u;
    case 4: return next();
    default: return pick(pool, pool_size);
    }
}

uint64_t random_entry()
{
    if (next() % 8 == 0)
        return 0;
    uint64_t flags;
    switch (next() % 4) {
    case 0: flags = pt::data_ro; break;
    case 1: flags = pt::data_rw; break;
    case 2: flags = pt::l2_flags; break;
    default: flags = next() & 0xFFFu; break;
    }
    uint64_t e = pt::entry(any_frame() & 0xFFFFFFu, flags);
    if (next() % 16 == 0)
        e |= uint64_t{next() & 0xFFE00000u} << 32; // NX, reserved, huge frames
    if (next() % 16 == 0)
        e |= 1u << 7; // PSE
    return e;
}

uint32_t victim_va() { return hc::arg(victims[next() % nr_victims]); }

// An address outside the guest's memory (unmapped, or the hypervisor's) or
// a victim page: never one of the guest's live pages.
uint32_t random_va()
{
    uint32_t va = next() & ~0xFFFu;
    return in_own_memory(va) ? victim_va() : va;
}

uint32_t mask_word;
uint32_t done_word;

uint32_t random_pointer(void* good)
{
    switch (next() % 5) {
    case 0: return 0;
    case 1: return 0xFB900000u + (next() & 0xFFFF0u); // the hypervisor
    case 2: return 0x1000u;                           // unmapped
    default: return hc::arg(good);
    }
}

uint32_t random_foreigndom()
{
    if (next() % 4)
        return DOMID_SELF;
    static constexpr uint32_t doms[] = {0, DOMID_IO, DOMID_XEN, DOMID_COW, 1, 7, 0x7FEF,
                                        (1u << 16) | DOMID_SELF, (2u << 16) | DOMID_SELF};
    return next() % 8 ? pick(doms, sizeof doms / sizeof doms[0]) : next();
}

void set_call(multicall_entry_t& c, uint32_t op, uint32_t a0, uint32_t a1, uint32_t a2,
              uint32_t a3, uint32_t a4 = 0)
{
    c = {};
    c.op = op;
    c.args[0] = a0, c.args[1] = a1, c.args[2] = a2, c.args[3] = a3, c.args[4] = a4;
}

constexpr unsigned max_reqs = 8;
mmu_update_t reqs[4][max_reqs];
mmuext_op_t ops[4][max_reqs];

void make_mmu_update(multicall_entry_t& c, unsigned slot)
{
    uint32_t n = 1 + next() % max_reqs;
    for (uint32_t i = 0; i < n; ++i) {
        mmu_update_t& r = reqs[slot][i];
        uint32_t cmd = next() % 8 < 6 ? MMU_NORMAL_PT_UPDATE : next() % 4;
        r.ptr = pt::maddr(target_frame()) + (next() % 512) * 8 + cmd + (next() % 32 == 0 ? 4 : 0);
        r.val = cmd == MMU_MACHPHYS_UPDATE ? next() % 0x10000u : random_entry();
    }
    set_call(c, __HYPERVISOR_mmu_update, hc::arg(reqs[slot]), next() % 16 ? n : next(),
             random_pointer(&done_word), random_foreigndom());
}

void make_mmuext_op(multicall_entry_t& c, unsigned slot)
{
    uint32_t n = 1 + next() % 4;
    for (uint32_t i = 0; i < n; ++i) {
        mmuext_op_t& o = ops[slot][i];
        o = {};
        uint32_t cmd = next() % 32 ? next() % 21 : next() % 256;
        if (cmd == MMUEXT_NEW_BASEPTR)
            cmd = MMUEXT_TLB_FLUSH_LOCAL; // would leave the guest's own tables
        o.cmd = cmd;
        switch (cmd) {
        case MMUEXT_INVLPG_LOCAL:
        case MMUEXT_INVLPG_ALL:
        case MMUEXT_INVLPG_MULTI:
            o.arg1.linear_addr = next();
            break;
        case MMUEXT_SET_LDT:
            o.arg1.linear_addr = next() % 2 ? victim_va() : random_va();
            break;
        default:
            o.arg1.mfn = target_frame();
        }
        if (cmd == MMUEXT_TLB_FLUSH_MULTI || cmd == MMUEXT_INVLPG_MULTI) {
            mask_word = next();
            o.arg2.nr_ents = random_pointer(&mask_word); // the vcpumask handle's word
        } else if (cmd == MMUEXT_COPY_PAGE) {
            o.arg2.src_mfn = any_frame();
        } else {
            o.arg2.nr_ents = next() % 4 ? next() % 600 : next();
        }
    }
    set_call(c, __HYPERVISOR_mmuext_op, hc::arg(ops[slot]), n, random_pointer(&done_word),
             random_foreigndom());
}

void make_update_va_mapping(multicall_entry_t& c)
{
    uint64_t e = random_entry();
    uint32_t flags = next() % 4;
    switch (next() % 4) {
    case 0: flags |= UVMF_ALL; break;
    case 1: mask_word = next(); flags |= random_pointer(&mask_word) & ~3u; break;
    default: break; // UVMF_LOCAL
    }
    uint32_t va = next() % 4 ? victim_va() : random_va();
    if (next() % 4)
        set_call(c, __HYPERVISOR_update_va_mapping, va, static_cast<uint32_t>(e),
                 static_cast<uint32_t>(e >> 32), flags);
    else
        set_call(c, __HYPERVISOR_update_va_mapping_otherdomain, va, static_cast<uint32_t>(e),
                 static_cast<uint32_t>(e >> 32), flags, random_foreigndom() & 0xFFFF);
}

void make_call(multicall_entry_t& c, unsigned slot)
{
    switch (next() % 3) {
    case 0: make_mmu_update(c, slot); break;
    case 1: make_mmuext_op(c, slot); break;
    default: make_update_va_mapping(c); break;
    }
}

struct Tally {
    unsigned ok = 0, refused = 0, odd = 0;
    void count(uint32_t op, int32_t r)
    {
        if (r == 0)
            ++ok;
        else if (r < 0 && r >= -133)
            ++refused;
        else if (odd++ < 8)
            printf("pt_fuzz: hypercall %u returned %d, neither 0 nor a Xen errno\n", op, r);
    }
};

} // namespace

void guest_main(start_info_t* si)
{
    const char* line = reinterpret_cast<const char*>(si->cmd_line);
    if (uint32_t seed = cmdline_number(line, "seed", 0))
        rng = seed;
    const uint32_t calls = cmdline_number(line, "calls", 20000);
    printf("pt_fuzz: seed %u, %u calls\n", rng, calls);
    own_pages = si->nr_pages;
    for (uint32_t& m : pool) {
        m = pt::alloc_mfn();
        CHECK(pt::clear(m), "a pool frame starts empty");
    }
    Tally t;
    static multicall_entry_t batch[4];
    for (uint32_t i = 0; i < calls; ++i) {
        if (next() % 8 == 0) {
            uint32_t n = 1 + next() % 4;
            for (uint32_t k = 0; k < n; ++k)
                make_call(batch[k], k);
            int32_t r = hc::multicall(batch, n);
            t.count(__HYPERVISOR_multicall, r);
            for (uint32_t k = 0; r == 0 && k < n; ++k)
                t.count(static_cast<uint32_t>(batch[k].op), static_cast<int32_t>(batch[k].result));
            continue;
        }
        multicall_entry_t& c = batch[0];
        make_call(c, 0);
        t.count(static_cast<uint32_t>(c.op),
                hc::call(static_cast<uint32_t>(c.op), static_cast<uint32_t>(c.args[0]),
                         static_cast<uint32_t>(c.args[1]), static_cast<uint32_t>(c.args[2]),
                         static_cast<uint32_t>(c.args[3]), static_cast<uint32_t>(c.args[4])));
    }
    printf("pt_fuzz: %u results 0, %u refused with a Xen errno\n", t.ok, t.refused);
    CHECK_EQ(t.odd, 0u, "every result is 0 or a Xen errno");
    CHECK(t.ok > calls / 20 && t.refused > calls / 20, "many calls succeeded and many were refused");
    // Undone: no LDT, every pool frame unpinned and emptied. Then no frame
    // is a table any more but the guest's own (a victim page's frame, once
    // its only mapping was replaced, may have been made one by a pool
    // table's entry), so each victim page can be mapped writable again.
    mmuext_op_t no_ldt = {};
    no_ldt.cmd = MMUEXT_SET_LDT;
    CHECK_EQ(hc::mmuext_op(&no_ldt, 1, nullptr, DOMID_SELF), 0, "the LDT is dropped");
    for (uint32_t m : pool)
        (void)pt::unpin(m);
    static mmu_update_t zero[512];
    bool emptied = true;
    for (uint32_t m : pool) {
        for (uint32_t k = 0; k < 512; ++k)
            zero[k] = {pt::maddr(m) + k * 8 + MMU_NORMAL_PT_UPDATE, 0};
        emptied &= hc::mmu_update(zero, 512, nullptr, DOMID_SELF) == 0;
    }
    CHECK(emptied, "every entry of every pool frame is cleared through mmu_update");
    CHECK_EQ(pt::ext(MMUEXT_NEW_BASEPTR, pt::boot_l3()), 0, "its own L3 is still a valid base");
    for (auto& v : victims)
        CHECK_EQ(hc::update_va_mapping(hc::arg(v), pt::entry(pfn_to_mfn(virt_to_pfn(v)), pt::data_rw),
                                       UVMF_INVLPG),
                 0, "a victim page gets its own frame back");
    victims[0][0] = 1;
    CHECK_EQ(victims[0][0], 1, "  and is written through it");
    gtest::finish();
}
