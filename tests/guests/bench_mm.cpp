// Page-table operation costs in TSC cycles, with floors measured in the
// same run: a 4 KiB copy, a plain 8-byte store (what a native kernel's
// PTE write is) and a ring-1 int/iret round trip through a trap-table
// handler. Under QEMU TCG only ratios within one run mean anything.
// Lines: "BENCH: <name>: <cycles>" and "RATIO: <a> / <b> = <x.xx>".
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

uint64_t record(const char* name, uint64_t total, uint32_t n)
{
    uint64_t c = total / n;
    results[nr_results++] = {name, c};
    printf("BENCH: %s: %u\n", name, static_cast<uint32_t>(c));
    return c;
}

void ratio(const char* a, uint64_t x, const char* b, uint64_t y)
{
    uint32_t r = static_cast<uint32_t>(x * 100 / (y ? y : 1));
    printf("RATIO: %s / %s = %u.%02u\n", a, b, r / 100, r % 100);
}

uint64_t bench_copy()
{
    constexpr uint32_t n = 2000;
    uint64_t t = pt::rdtsc();
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t c = 1024;
        void* d = copy_dst;
        const void* s = copy_src;
        asm volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(c) : : "memory");
    }
    return record("4 KiB copy (rep movsl)", pt::rdtsc() - t, n);
}

uint64_t bench_store()
{
    constexpr uint32_t n = 20000;
    volatile uint64_t* p = reinterpret_cast<volatile uint64_t*>(copy_dst);
    uint64_t t = pt::rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        p[i & 511] = i;
    return record("plain 8-byte store (native PTE write)", pt::rdtsc() - t, n);
}

uint64_t bench_trap()
{
    trap_info_t table[2] = {};
    table[0] = trap_info_t{bench_vector, 1, FLAT_RING1_CS, hc::arg(bench_int_handler)};
    CHECK_EQ(hc::set_trap_table(table), 0, "install the int 0x45 handler");
    constexpr uint32_t n = 2000;
    uint64_t t = pt::rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        asm volatile("int $0x45" ::: "memory");
    return record("ring-1 int/iret round trip", pt::rdtsc() - t, n);
}

void bench_batches(uint64_t& batched, uint64_t& single)
{
    constexpr uint32_t n = 2048, rounds = 8;
    static mmu_update_t reqs[n];
    uint32_t l1s[n / 512];
    for (auto& m : l1s) {
        m = pt::alloc_mfn();
        CHECK(pt::clear(m) && pt::pin(1, m) == 0, "pin an L1 for the batches");
    }
    uint64_t total = 0;
    int32_t rc = 0;
    for (uint32_t r = 0; r < rounds; ++r) {
        uint64_t v = (r & 1) ? 0 : pt::entry(bench_data, pt::data_ro);
        for (uint32_t i = 0; i < n; ++i)
            reqs[i] = {pt::maddr(l1s[i / 512]) + (i % 512) * 8, v};
        uint64_t t = pt::rdtsc();
        rc |= hc::mmu_update(reqs, n, nullptr, DOMID_SELF);
        total += pt::rdtsc() - t;
    }
    batched = record("mmu_update, batch of 2048, per entry", total, n * rounds);
    total = 0;
    for (uint32_t r = 0; r < 2; ++r) {
        uint64_t v = (r & 1) ? 0 : pt::entry(bench_data, pt::data_ro);
        for (uint32_t i = 0; i < n; ++i)
            reqs[i] = {pt::maddr(l1s[i / 512]) + (i % 512) * 8, v};
        uint64_t t = pt::rdtsc();
        for (uint32_t i = 0; i < n; ++i)
            rc |= hc::mmu_update(&reqs[i], 1, nullptr, DOMID_SELF);
        total += pt::rdtsc() - t;
    }
    single = record("mmu_update, single-entry calls, per entry", total, n * 2);
    CHECK_EQ(rc, 0, "every mmu_update succeeded");
    for (auto m : l1s)
        CHECK_EQ(pt::unpin(m), 0, "unpin a batch L1");
}

uint64_t bench_uvm()
{
    constexpr uint32_t n = 1000;
    uint32_t va = pt::window_va(1);
    uint64_t e = pt::entry(bench_data, pt::data_rw);
    int32_t rc = 0;
    uint64_t t = pt::rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        rc |= hc::update_va_mapping(va, (i & 1) ? 0 : e, UVMF_INVLPG);
    uint64_t c = record("update_va_mapping + UVMF_INVLPG", pt::rdtsc() - t, n);
    pt::unwindow(1);
    CHECK_EQ(rc, 0, "every update_va_mapping succeeded");
    return c;
}

uint64_t bench_pin(bool full)
{
    uint32_t l1 = pt::alloc_mfn();
    static uint64_t e[512];
    for (auto& x : e)
        x = full ? pt::entry(bench_data, pt::data_ro) : 0;
    CHECK(pt::fill(l1, 0, e, 512), "prepare an L1 to pin");
    constexpr uint32_t n = 200;
    int32_t rc = 0;
    uint64_t t = pt::rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        rc |= pt::pin(1, l1) | pt::unpin(l1);
    CHECK_EQ(rc, 0, "every pin and unpin succeeded");
    return record(full ? "pin+unpin of an L1 with 512 entries" : "pin+unpin of an empty L1",
                  pt::rdtsc() - t, n);
}

uint64_t bench_ptwr()
{
    uint32_t l1 = pt::alloc_mfn();
    CHECK(pt::clear(l1) && pt::pin(1, l1) == 0, "pin an L1 for emulated writes");
    CHECK_EQ(hc::vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0,
             "enable writable_pagetables");
    volatile uint32_t* t = reinterpret_cast<volatile uint32_t*>(pt::window(0, l1, false));
    uint32_t v = static_cast<uint32_t>(pt::entry(bench_data, pt::data_ro));
    constexpr uint32_t n = 1000;
    uint64_t s = pt::rdtsc();
    for (uint32_t i = 0; i < n; ++i)
        t[2 * (i & 511)] = (i & 512) ? 0 : v;
    uint64_t c = record("trapped-and-emulated L1 write", pt::rdtsc() - s, n);
    CHECK(t[0] == 0 || t[0] == v, "the emulated writes landed");
    for (uint32_t i = 0; i < 512; ++i)
        t[2 * i] = 0;
    pt::unwindow(0);
    CHECK_EQ(pt::unpin(l1), 0, "unpin it");
    return c;
}

void bench_space(uint64_t& pin, uint64_t& unpin)
{
    pt::Space s;
    CHECK(pt::build_space(s), "build a fresh address space");
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
        uint64_t t = pt::rdtsc();
        int32_t r = pt::pin(3, s.l3);
        tp += pt::rdtsc() - t;
        if (r != 0)
            printf("pin %u: %d\n", i, r);
        rc |= r;
        t = pt::rdtsc();
        rc |= pt::unpin(s.l3);
        tu += pt::rdtsc() - t;
    }
    CHECK_EQ(rc, 0, "every L3 pin and unpin succeeded");
    pin = record("pin of a fresh L3 with 64 MiB mapped", tp, n);
    unpin = record("unpin of it (teardown)", tu, n);
}

} // namespace

void guest_main(start_info_t*)
{
    bench_data = pt::alloc_mfn();
    uint64_t copy = bench_copy(), store = bench_store(), trap = bench_trap();
    uint64_t batched, single;
    bench_batches(batched, single);
    uint64_t uvm = bench_uvm();
    uint64_t pin_empty = bench_pin(false), pin_full = bench_pin(true);
    uint64_t ptwr = bench_ptwr();
    uint64_t space_pin, space_unpin;
    bench_space(space_pin, space_unpin);
    ratio("single-entry mmu_update", single, "batched mmu_update (per entry)", batched);
    ratio("pin+unpin empty L1", pin_empty, "4 KiB copy", copy);
    ratio("pin+unpin full L1", pin_full, "4 KiB copy", copy);
    ratio("emulated L1 write", ptwr, "int/iret round trip", trap);
    ratio("emulated L1 write", ptwr, "plain store", store);
    ratio("update_va_mapping+INVLPG", uvm, "int/iret round trip", trap);
    ratio("64 MiB L3 pin", space_pin, "4 KiB copy", copy);
    (void)space_unpin;
}
