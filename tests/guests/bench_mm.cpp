// Page-table operation costs in TSC cycles, with floors measured in the
// same run: a 4 KiB copy, a plain 8-byte store (what a native kernel's
// PTE write is) and a ring-1 int/iret round trip through a trap-table
// handler. Under QEMU TCG only ratios within one run mean anything.
// Lines: "BENCH: <name>: <cycles>" and "RATIO: <a> / <b> = <x.xx>"; an
// operation the hypervisor refused is "BENCH: <name>: n/a" (and its ratios
// n/a), and the run goes on with the next one. Under QEMU's
// -icount shift=0,sleep=off cycles are executed instructions.
#include "console.hpp"
#include "pt_lib.hpp"
#include "test.hpp"

extern "C" void bench_int_handler();
asm(R"(
    .text
    .globl bench_int_handler
bench_int_handler:
    iret
)");

namespace {

constexpr uint32_t bench_vector = 0x45;
constexpr uint32_t nr_l1s = 32; // 32 x 2 MiB = 64 MiB
alignas(4096) uint8_t copy_src[4096], copy_dst[4096];
uint32_t bench_data;

struct Result {
    const char* name;
    uint64_t cycles;
};
Result results[16];
unsigned nr_results;

// 0 stands for n/a: the operation was refused (ok false).
uint64_t record(const char* name, uint64_t total, uint32_t n, bool ok = true)
{
    uint64_t c = ok ? total / n : 0;
    results[nr_results++] = {name, c};
    if (ok)
        printf("BENCH: %s: %u\n", name, static_cast<uint32_t>(c));
    else
        printf("BENCH: %s: n/a\n", name);
    return c;
}

void ratio(const char* a, uint64_t x, const char* b, uint64_t y)
{
    if (x == 0 || y == 0) {
        printf("RATIO: %s / %s = n/a\n", a, b);
        return;
    }
    uint32_t r = static_cast<uint32_t>(x * 100 / y);
    printf("RATIO: %s / %s = %u.%02u\n", a, b, r / 100, r % 100);
}

uint64_t bench_copy()
{
    constexpr uint32_t n = 2000;
    uint64_t t = guest_rdtsc();
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t c = 1024;
        void* d = copy_dst;
        const void* s = copy_src;
        asm volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(c) : : "memory");
    }
    return record("4 KiB copy (rep movsl)", guest_rdtsc() - t, n);
}

uint64_t bench_store()
{
    constexpr uint32_t n = 20000;
    volatile uint64_t* p = reinterpret_cast<volatile uint64_t*>(copy_dst);
    uint64_t t = guest_rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        p[i & 511] = i;
    return record("plain 8-byte store (native PTE write)", guest_rdtsc() - t, n);
}

uint64_t bench_trap()
{
    trap_info_t table[2] = {};
    table[0] = trap_info_t{bench_vector, 1, FLAT_RING1_CS, hc::arg(bench_int_handler)};
    int32_t rc = hc::set_trap_table(table);
    CHECK_EQ(rc, 0, "install the int 0x45 handler");
    if (rc != 0)
        return record("ring-1 int/iret round trip", 0, 1, false);
    constexpr uint32_t n = 2000;
    uint64_t t = guest_rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        asm volatile("int $0x45" ::: "memory");
    return record("ring-1 int/iret round trip", guest_rdtsc() - t, n);
}

void bench_batches(uint64_t& batched, uint64_t& single)
{
    constexpr uint32_t n = 2048, rounds = 8;
    static mmu_update_t reqs[n];
    uint32_t l1s[n / 512];
    bool pinned = true;
    for (auto& m : l1s) {
        m = pt::alloc_mfn();
        bool ok = pt::clear(m) && pt::pin(1, m) == 0;
        CHECK(ok, "pin an L1 for the batches");
        pinned = pinned && ok;
    }
    if (!pinned) {
        batched = record("mmu_update, batch of 2048, per entry", 0, 1, false);
        single = record("mmu_update, single-entry calls, per entry", 0, 1, false);
        return;
    }
    uint64_t total = 0;
    int32_t rc = 0;
    for (uint32_t r = 0; r < rounds; ++r) {
        uint64_t v = (r & 1) ? 0 : pt::entry(bench_data, pt::data_ro);
        for (uint32_t i = 0; i < n; ++i)
            reqs[i] = {pt::maddr(l1s[i / 512]) + (i % 512) * 8, v};
        uint64_t t = guest_rdtsc();
        rc |= hc::mmu_update(reqs, n, nullptr, DOMID_SELF);
        total += guest_rdtsc() - t;
    }
    batched = record("mmu_update, batch of 2048, per entry", total, n * rounds, rc == 0);
    int32_t batch_rc = rc;
    rc = 0;
    total = 0;
    for (uint32_t r = 0; r < 2; ++r) {
        uint64_t v = (r & 1) ? 0 : pt::entry(bench_data, pt::data_ro);
        for (uint32_t i = 0; i < n; ++i)
            reqs[i] = {pt::maddr(l1s[i / 512]) + (i % 512) * 8, v};
        uint64_t t = guest_rdtsc();
        for (uint32_t i = 0; i < n; ++i)
            rc |= hc::mmu_update(&reqs[i], 1, nullptr, DOMID_SELF);
        total += guest_rdtsc() - t;
    }
    single = record("mmu_update, single-entry calls, per entry", total, n * 2, rc == 0);
    CHECK_EQ(rc | batch_rc, 0, "every mmu_update succeeded");
    for (auto m : l1s)
        CHECK_EQ(pt::unpin(m), 0, "unpin a batch L1");
}

uint64_t bench_uvm()
{
    constexpr uint32_t n = 1000;
    uint32_t va = pt::window_va(1);
    uint64_t e = pt::entry(bench_data, pt::data_rw);
    int32_t rc = 0;
    uint64_t t = guest_rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        rc |= hc::update_va_mapping(va, (i & 1) ? 0 : e, UVMF_INVLPG);
    uint64_t c = record("update_va_mapping + UVMF_INVLPG", guest_rdtsc() - t, n, rc == 0);
    pt::unwindow(1);
    CHECK_EQ(rc, 0, "every update_va_mapping succeeded");
    return c;
}

// What a PV kernel's set_pmd on a pinned table costs (Linux hooks a new
// L1 into its L2 this way, and unhooks it at exit): single mmu_update
// calls on an L2 entry, an L1 made present there and removed again.
uint64_t bench_l2_entry()
{
    const char* name = "mmu_update of an L2 entry (hook, unhook an L1)";
    uint32_t l2 = pt::alloc_mfn(), l1 = pt::alloc_mfn();
    bool pinned = pt::clear(l2) && pt::clear(l1) && pt::pin(1, l1) == 0 && pt::pin(2, l2) == 0;
    CHECK(pinned, "pin an L2 and an L1 to hook into it");
    if (!pinned)
        return record(name, 0, 1, false);
    constexpr uint32_t n = 1000;
    int32_t rc = 0;
    uint64_t t = guest_rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        rc |= pt::set_entry(l2, 5, (i & 1) ? 0 : pt::entry(l1, pt::l2_flags));
    uint64_t c = record(name, guest_rdtsc() - t, n, rc == 0);
    CHECK_EQ(rc, 0, "every L2 entry update succeeded");
    CHECK_EQ(pt::unpin(l2), 0, "unpin the L2");
    CHECK_EQ(pt::unpin(l1), 0, "unpin the L1");
    return c;
}

uint64_t bench_pin(bool full)
{
    uint32_t l1 = pt::alloc_mfn();
    static uint64_t e[512];
    for (auto& x : e)
        x = full ? pt::entry(bench_data, pt::data_ro) : 0;
    const char* name = full ? "pin+unpin of an L1 with 512 entries" : "pin+unpin of an empty L1";
    bool filled = pt::fill(l1, 0, e, 512);
    CHECK(filled, "prepare an L1 to pin");
    if (!filled)
        return record(name, 0, 1, false);
    constexpr uint32_t n = 200;
    int32_t rc = 0;
    uint64_t t = guest_rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        rc |= pt::pin(1, l1) | pt::unpin(l1);
    CHECK_EQ(rc, 0, "every pin and unpin succeeded");
    return record(name, guest_rdtsc() - t, n, rc == 0);
}

// A trapped write of each kind a PV kernel makes: a 32-bit mov (a PTE
// half), and the compare-exchange of a whole entry Linux's set_pte_atomic
// makes (set_64bit: the entry read, then cmpxchg8b, its LOCK prefix
// patched into DS on a uniprocessor kernel, as Linux's alternatives do;
// its ptep_get_and_clear is the same instruction). 'cx8' gets the second.
uint64_t bench_ptwr(uint64_t& cx8)
{
    const char* name = "trapped-and-emulated L1 write";
    const char* name8 = "trapped cmpxchg8b of an L1 entry (Linux's set_pte_atomic)";
    cx8 = 0;
    uint32_t l1 = pt::alloc_mfn();
    bool pinned = pt::clear(l1) && pt::pin(1, l1) == 0;
    CHECK(pinned, "pin an L1 for emulated writes");
    if (!pinned) {
        cx8 = record(name8, 0, 1, false);
        return record(name, 0, 1, false);
    }
    int32_t assist = hc::vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    CHECK_EQ(assist, 0, "enable writable_pagetables");
    if (assist != 0) {
        CHECK_EQ(pt::unpin(l1), 0, "unpin it");
        cx8 = record(name8, 0, 1, false);
        return record(name, 0, 1, false);
    }
    volatile uint32_t* t = reinterpret_cast<volatile uint32_t*>(pt::window(0, l1, false));
    uint32_t v = static_cast<uint32_t>(pt::entry(bench_data, pt::data_ro));
    constexpr uint32_t n = 1000;
    uint64_t s = guest_rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        t[2 * (i & 511)] = (i & 512) ? 0 : v;
    uint64_t c = record(name, guest_rdtsc() - s, n);
    CHECK(t[0] == 0 || t[0] == v, "the emulated writes landed");
    for (uint32_t i = 0; i < 512; ++i)
        t[2 * i] = 0;
    uint64_t e8 = pt::entry(bench_data, pt::data_ro);
    uint32_t lost = 0;
    s = guest_rdtsc();
    for (uint32_t i = 0; i < n; ++i) {
        auto* p = const_cast<uint32_t*>(&t[2 * (i & 511)]);
        uint64_t old = (uint64_t{p[1]} << 32) | p[0];
        uint64_t val = (i & 512) ? 0 : e8;
        bool done;
        asm volatile(".byte 0x3e\n\tcmpxchg8b (%%esi)"
                     : "=@ccz"(done), "+A"(old)
                     : "S"(p), "b"(static_cast<uint32_t>(val)), "c"(static_cast<uint32_t>(val >> 32))
                     : "memory");
        lost += done ? 0 : 1;
    }
    cx8 = record(name8, guest_rdtsc() - s, n, lost == 0);
    CHECK_EQ(lost, 0u, "every emulated cmpxchg8b found the entry it expected");
    CHECK(t[0] == 0 || t[0] == static_cast<uint32_t>(e8), "the emulated compare-exchanges landed");
    for (uint32_t i = 0; i < 512; ++i)
        t[2 * i] = 0;
    pt::unwindow(0);
    CHECK_EQ(pt::unpin(l1), 0, "unpin it");
    return c;
}

void bench_space(uint64_t& pin, uint64_t& unpin)
{
    pt::Space s;
    bool built = pt::build_space(s);
    CHECK(built, "build a fresh address space");
    if (!built) {
        pin = record("pin of a fresh L3 with 64 MiB mapped", 0, 1, false);
        unpin = record("unpin of it (teardown)", 0, 1, false);
        return;
    }
    static uint64_t l1e[512], l2e[nr_l1s];
    for (auto& x : l1e)
        x = pt::entry(bench_data, pt::data_ro);
    for (uint32_t i = 0; i < nr_l1s; ++i) {
        uint32_t m = i == 0 ? s.l1 : pt::alloc_mfn();
        CHECK(pt::fill(m, 0, l1e, 512), "fill an L1 of the 64 MiB");
        l2e[i] = pt::entry(m, pt::l2_flags);
    }
    CHECK(pt::fill(s.low_l2, 0, l2e, nr_l1s), "fill the L2 of the 64 MiB");
    constexpr uint32_t n = 4;
    uint64_t tp = 0, tu = 0;
    int32_t rc = 0;
    for (uint32_t i = 0; i < n; ++i) {
        uint64_t t = guest_rdtsc();
        int32_t r = pt::pin(3, s.l3);
        tp += guest_rdtsc() - t;
        if (r != 0)
            printf("pin %u: %d\n", i, r);
        rc |= r;
        t = guest_rdtsc();
        rc |= pt::unpin(s.l3);
        tu += guest_rdtsc() - t;
    }
    CHECK_EQ(rc, 0, "every L3 pin and unpin succeeded");
    pin = record("pin of a fresh L3 with 64 MiB mapped", tp, n, rc == 0);
    unpin = record("unpin of it (teardown)", tu, n, rc == 0);
}

} // namespace

// The page-table work of a fork+exit (lmbench's lat_proc fork, PV
// style): a fresh address space whose first 256 KiB at low_va map 64
// distinct frames read-only (copy-on-write), its L1 written while not yet
// a page table, the whole space made live (MMUEXT_PIN_L3_TABLE validates
// its tables), entered, 64 pages read, left, torn down (unpin). bench/
// native runs the same cycle on bare metal ("fork_like").
uint64_t bench_fork()
{
    const char* name = "fork-like address space cycle";
    pt::Space s;
    if (!pt::build_space(s))
        return record(name, 0, 1, false);
    static uint64_t l1e[64];
    for (auto& e : l1e)
        e = pt::entry(pt::alloc_mfn(), pt::data_ro);
    uint32_t boot = pt::boot_l3();
    constexpr uint32_t n = 50;
    bool ok = true;
    uint32_t sum = 0;
    uint64_t t = guest_rdtsc();
    for (uint32_t i = 0; i < n && ok; ++i) {
        ok = pt::fill(s.l1, 0, l1e, 64) && pt::pin(3, s.l3) == 0 && pt::new_baseptr(s.l3) == 0;
        for (uint32_t p = 0; ok && p < 64; ++p)
            sum += *reinterpret_cast<volatile uint32_t*>(pt::low_va + p * 4096);
        ok = ok && pt::new_baseptr(boot) == 0 && pt::unpin(s.l3) == 0;
    }
    uint64_t c = record(name, guest_rdtsc() - t, n, ok);
    CHECK(ok, "fork-like cycles: fill, pin, enter, touch, leave, unpin");
    (void)sum;
    return c;
}

void guest_main(start_info_t*)
{
    bench_data = pt::alloc_mfn();
    uint64_t copy = bench_copy(), store = bench_store(), trap = bench_trap();
    uint64_t batched, single;
    bench_batches(batched, single);
    uint64_t uvm = bench_uvm();
    uint64_t l2_entry = bench_l2_entry();
    uint64_t pin_empty = bench_pin(false), pin_full = bench_pin(true);
    uint64_t ptwr_cx8;
    uint64_t ptwr = bench_ptwr(ptwr_cx8);
    uint64_t space_pin, space_unpin;
    bench_space(space_pin, space_unpin);
    uint64_t fork_like = bench_fork();
    ratio("fork-like cycle", fork_like, "4 KiB copy", copy);
    ratio("single-entry mmu_update", single, "batched mmu_update (per entry)", batched);
    ratio("pin+unpin empty L1", pin_empty, "4 KiB copy", copy);
    ratio("pin+unpin full L1", pin_full, "4 KiB copy", copy);
    ratio("emulated L1 write", ptwr, "int/iret round trip", trap);
    ratio("emulated L1 write", ptwr, "plain store", store);
    ratio("emulated L1 cmpxchg8b", ptwr_cx8, "emulated L1 write", ptwr);
    ratio("update_va_mapping+INVLPG", uvm, "int/iret round trip", trap);
    ratio("L2 entry update", l2_entry, "single-entry mmu_update", single);
    ratio("64 MiB L3 pin", space_pin, "4 KiB copy", copy);
    (void)space_unpin;
}
