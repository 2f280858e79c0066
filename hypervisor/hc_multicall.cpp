// multicall: a batch of hypercalls in one trap. Each entry's result is
// written back to it; a failing entry does not stop the batch (Xen's
// semantics: the caller inspects every result). A bad entry pointer stops
// the batch with -EFAULT; an iret entry is refused and ends the batch.
// Between chunks of 16 entries the batch makes way for waiting work, as
// Xen's do_multicall does between entries: the guest re-issues it for the
// entries not run yet (a continuation), so a list of 65,536 entries cannot
// hold its CPU. An entry that makes way itself (a long mmu_update, say)
// has its arguments in the guest's list rewritten to its continuation's,
// and the multicall is re-issued from that entry, as Xen's.
#include "arch/x86_32/include/hypercall_continuation.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {
// Entries are read a chunk at a time: one guest copy instead of one per
// entry. Results go back one by one, since a call in the batch may itself
// write guest memory that overlaps the list.
constexpr uint32_t chunk = 16;
} // namespace

namespace {

static_assert(sizeof(multicall_entry_t::args) >= sizeof(Hypercall_args));

long run_batch(Vcpu& v, uint32_t list, uint32_t nr)
{
    multicall_entry_t batch[chunk];
    constexpr uint32_t size = sizeof(multicall_entry_t);
    for (uint32_t first = 0; first < nr; first += chunk) {
        // Waiting work is looked for between chunks: a check at every
        // entry (Xen's) cost 40 instructions an entry, twice the entry's
        // own overhead. A chunk has run first, so every call progresses.
        if (first > 0 && arch::hypercall_preempt_check(v))
            return arch::hypercall_continue(v, __HYPERVISOR_multicall, list + first * size,
                                            nr - first);
        uint32_t n = nr - first < chunk ? nr - first : chunk;
        if (!copy_bytes_from_guest(batch, list + first * size, n * size))
            return -XEN_EFAULT;
        for (uint32_t i = 0; i < n; ++i) {
            const multicall_entry_t& e = batch[i];
            // The entry's first five argument words are the call's
            // arguments in order: read in place, as the entry path does.
            const auto& args = *reinterpret_cast<const Hypercall_args*>(e.args);
            // multicall_table refuses iret and a nested multicall.
            uint32_t result = static_cast<uint32_t>(
                e.op < Hypercall_table::size ? multicall_table.fn[e.op](v, args) : -XEN_ENOSYS);
            uint32_t entry = list + (first + i) * size;
            if (v.continuation.pending) {
                // The entry made way part-way: it is run again, from
                // where it stopped, when the guest re-issues the multicall
                // from it (its result is stored when it ends).
                v.continuation.pending = false;
                if (!copy_bytes_to_guest(entry + offsetof(multicall_entry_t, args),
                                         v.continuation.args, sizeof v.continuation.args))
                    return -XEN_EFAULT;
                return arch::hypercall_continue(v, __HYPERVISOR_multicall, entry,
                                                nr - (first + i));
            }
            if (!arch::put_guest(entry + offsetof(multicall_entry_t, result), result))
                return -XEN_EFAULT;
            // Xen ends the batch at an iret entry (mc_exit); so do we,
            // after refusing it.
            if (v.domain->shutting_down || e.op == __HYPERVISOR_iret)
                return 0;
        }
    }
    return 0;
}

} // namespace

long do_multicall(Vcpu& v, const Hypercall_args& a)
{
    uint32_t list = a.a[0], nr = a.a[1];
    if (nr > 0x10000)
        return -XEN_EINVAL;
    return run_batch(v, list, nr);
}
