#include "arch/x86_32/domain/domain_audit.hpp"

#include "arch/x86_32/include/pv_frame_space.hpp"
#include "arch/x86_32/include/pv_grant_env.hpp"
#include "arch/x86_32/mm/paging.hpp"
#include "hypervisor/console/console.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/mm/heap.hpp"
#include "hypervisor/mm/mm.hpp"
#include "hypervisor/mm/audit/page_audit.hpp"

namespace arch {
namespace {

// 2 GiB: 16 bytes of scratch a frame, one 8 MiB block (the allocator's
// largest) from the direct map, taken only on a machine that large.
constexpr uint32_t max_audited_frames = 0x80000;
constexpr unsigned vcpu_refs = 1 + Domain::max_vcpus * (1 + 14 + 16 + 1);

// The hypervisor's references outside page tables: shared_info, each
// vCPU's base pointer, GDT and LDT frames and vcpu_info, and those of the
// grant table (its shared and status frames, device mappings).
unsigned collect_refs(const Domain& d, External_ref* refs, unsigned grant_refs)
{
    unsigned n = grant::external_refs(grant_env(), d, refs, grant_refs);
    if (d.shared_info_mfn != invalid_mfn)
        refs[n++] = {d.shared_info_mfn, 1, 0}; // the hypervisor's reference
    for (unsigned i = 0; i < d.nr_vcpus; ++i) {
        const Vcpu& v = *d.vcpus[i];
        if (v.cr3 != invalid_mfn)
            refs[n++] = {v.cr3, 1, 1};
        for (unsigned g = 0; g < v.nr_gdt_frames; ++g)
            refs[n++] = {v.gdt_frames[g], 1, 1};
        for (unsigned l = 0; l < v.nr_ldt_frames; ++l)
            refs[n++] = {v.ldt_frames[l], 1, 1};
        if (v.info_mfn != invalid_mfn)
            refs[n++] = {v.info_mfn, 1, 1};
    }
    return n;
}

// The audit walks every frame of the machine, so it must know the
// hypervisor's references of every domain, not only the one it is for.
struct Ref_list {
    External_ref* refs = nullptr; // nullptr: only count
    unsigned used = 0;
    unsigned room = 0;
};

void count_domain(Domain& d, void* ctx)
{
    static_cast<Ref_list*>(ctx)->room += vcpu_refs + grant::external_refs(grant_env(), d, nullptr, 0);
}

void collect_domain(Domain& d, void* ctx)
{
    auto& l = *static_cast<Ref_list*>(ctx);
    unsigned grant_refs = grant::external_refs(grant_env(), d, nullptr, 0);
    // A domain made since the count is skipped (its vCPUs are not running
    // yet, but its references would not fit).
    if (l.used + vcpu_refs + grant_refs <= l.room)
        l.used += collect_refs(d, l.refs + l.used, grant_refs);
}

const char* kind_name(Audit_kind k)
{
    static constexpr const char* names[] = {
        "general count", "type count", "linear count", "validated but unused",
        "used but not validated", "page table mapped writable", "wrong target type",
        "foreign mapping", "hypervisor frame mapped", "bad flags", "hypervisor slot changed",
        "entry outside memory", "unknown owner", "could not be mapped"};
    return names[static_cast<unsigned>(k)];
}

// Four words per frame (4 MiB for 1 GiB), taken once at boot from the
// direct map while it is still in one piece: later, as domains come and go,
// it rarely holds that much in one block.
uint32_t* scratch_words;
Spinlock scratch_lock;

} // namespace

void audit_init()
{
    uint32_t frames = max_mfn();
    if (frames > max_audited_frames)
        return;
    unsigned order = 0;
    while ((size_t{page_size} << order) < size_t{frames} * 4 * sizeof(uint32_t))
        ++order;
    Mfn block = alloc_frames(order, Zone::direct);
    if (block == invalid_mfn) {
        log::warn("audit: no %u KiB of scratch space: domains will not be audited", 4u << order);
        return;
    }
    scratch_words = phys_to_virt<uint32_t>(static_cast<uint32_t>(mfn_to_paddr(block)));
}

bool audit_domain(Domain& d)
{
    uint32_t frames = max_mfn();
    if (frames > max_audited_frames) {
        log::info("audit: d%u not audited (%u frames: more than the audit covers)", d.id, frames);
        return true;
    }
    Lock_guard<Spinlock> g(scratch_lock);
    uint32_t* scratch = scratch_words;
    Ref_list list;
    for_each_domain(count_domain, &list);
    auto* refs = static_cast<External_ref*>(heap_alloc(list.room * sizeof(External_ref)));
    if (!scratch || !refs) {
        heap_free(refs);
        log::warn("audit: d%u not audited (no memory for it%s)", d.id, scratch ? "" : ": no scratch space from boot");
        return true;
    }
    Audit_scratch s{scratch, scratch + frames, scratch + 2 * frames, scratch + 3 * frames};
    list.refs = refs;
    for_each_domain(collect_domain, &list);
    Audit_report r = audit_frames(pv_frame_space(), Mfn{0}, frames, refs, list.used, s);
    heap_free(refs);
    if (r.clean()) {
        log::info("audit: d%u: %u frames checked, every reference count consistent", d.id, frames);
        return true;
    }
    log::error("audit: d%u: %u disagreement(s)", d.id, r.issues);
    for (uint32_t i = 0; i < r.issues && i < Audit_report::kept_max; ++i)
        log::error("audit:   mfn %#x (type_info %#x): %s (expected %lld, found %lld)",
                   raw(r.kept[i].mfn), mfn_to_page(r.kept[i].mfn)->type_info,
                   kind_name(r.kept[i].kind), r.kept[i].expected, r.kept[i].actual);
    return false;
}

} // namespace arch
