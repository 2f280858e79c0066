#include "shared.hpp"

#include "console.hpp"
#include "hypercall.hpp"
#include "test.hpp"
#include "traps.hpp"

namespace {
start_info_t* g_start_info;
shared_info_t* g_shared_info;
alignas(4096) char shared_info_window[4096];
} // namespace

start_info_t* guest_start_info() { return g_start_info; }
shared_info_t* guest_shared_info() { return g_shared_info; }
vcpu_info_t* vcpu0_info() { return g_shared_info ? &g_shared_info->vcpu_info[0] : nullptr; }

bool map_shared_info(start_info_t* si)
{
    uint32_t va = hc::arg(shared_info_window);
    int32_t rc = hc::update_va_mapping(va, uint64_t{si->shared_info} | pte_kernel_rw, UVMF_INVLPG);
    if (rc != 0) {
        printf("guest: mapping shared_info %#x failed: %d\n", si->shared_info, rc);
        return false;
    }
    g_shared_info = reinterpret_cast<shared_info_t*>(shared_info_window);
    return true;
}

uint32_t virt_to_pfn(const void* va) { return (hc::arg(va) - guest_virt_base) / guest_page_size; }

uint32_t pfn_to_mfn(uint32_t pfn)
{
    const uint32_t* p2m = reinterpret_cast<const uint32_t*>(g_start_info->mfn_list);
    return p2m[pfn];
}

void set_p2m(uint32_t pfn, uint32_t mfn)
{
    uint32_t* p2m = reinterpret_cast<uint32_t*>(g_start_info->mfn_list);
    p2m[pfn] = mfn;
}

uint64_t system_time_now_ns(unsigned vcpu)
{
    shared_info_t* s = guest_shared_info();
    if (s == nullptr || vcpu >= XEN_LEGACY_MAX_VCPUS)
        return 0;
    const vcpu_time_info_t& t = s->vcpu_info[vcpu].time;
    for (;;) {
        uint32_t ver = __atomic_load_n(&t.version, __ATOMIC_ACQUIRE);
        uint64_t base = t.system_time, stamp = t.tsc_timestamp;
        uint32_t mul = t.tsc_to_system_mul;
        int8_t shift = t.tsc_shift;
        uint64_t tsc = guest_rdtsc();
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if ((ver & 1) || ver != __atomic_load_n(&t.version, __ATOMIC_RELAXED))
            continue;
        uint64_t delta = tsc - stamp;
        delta = shift < 0 ? delta >> -shift : delta << shift;
        // (delta * mul) >> 32 without a 64x64 multiply.
        uint64_t ns = ((delta & 0xFFFFFFFFu) * mul >> 32) + (delta >> 32) * mul;
        return base + ns;
    }
}

uint64_t system_time_ns()
{
    const vcpu_info_t* v = vcpu0_info();
    if (v == nullptr)
        return 0;
    // Versioned read: odd while Xen updates, retry on change.
    for (;;) {
        uint32_t ver = __atomic_load_n(&v->time.version, __ATOMIC_ACQUIRE);
        uint64_t t = v->time.system_time;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if ((ver & 1) == 0 && ver == __atomic_load_n(&v->time.version, __ATOMIC_RELAXED))
            return t;
    }
}

extern "C" [[noreturn]] void guest_start(start_info_t* si)
{
    g_start_info = si;
    printf("guest: start_info %p magic %.32s nr_pages %u flags %#x\n", static_cast<void*>(si),
           si->magic, si->nr_pages, si->flags);
    traps_install();
    (void)map_shared_info(si);
    guest_main(si);
    gtest::finish();
}
