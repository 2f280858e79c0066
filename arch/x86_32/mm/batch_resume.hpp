// A long mmu_update or mmuext_op batch makes way for waiting work part-way
// and is continued, as Xen's: the guest re-issues the call for the requests
// not done yet, with MMU_UPDATE_PREEMPTED set in the count, and done_out
// holds the running total, which the continuation reads back. A batch with
// hundreds of thousands of requests would otherwise hold its CPU (with
// interrupts off) for the whole of it.
#pragma once
#include "arch/x86_32/include/hypercall_continuation.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include <cstdint>

namespace arch {

// Xen steals the count's top bit (asm-x86/hypercall.h).
constexpr uint32_t mmu_update_preempted = 1u << 31;

struct Batch {
    uint32_t reqs, count, done_out, foreigndom;
    uint32_t done_before = 0; // by the calls this one continues

    // From a call's arguments. A continuation's done_out holds what the
    // earlier calls did; one that cannot be read counts as none, as in Xen.
    Batch(uint32_t reqs_, uint32_t count_, uint32_t done_out_, uint32_t foreigndom_)
        : reqs(reqs_), count(count_ & ~mmu_update_preempted), done_out(done_out_),
          foreigndom(foreigndom_)
    {
        if ((count_ & mmu_update_preempted) && done_out && !copy_from_guest(done_before, done_out))
            done_before = 0;
    }

    // The end of this call, 'done' of its requests done, 'rc' their result:
    // the total written to done_out (-EFAULT when it cannot be), and when
    // 'preempted' the continuation for the rest. At least one request is
    // done before a call makes way, so every call makes progress.
    long finish(Vcpu& v, uint32_t nr, uint32_t req_size, uint32_t done, long rc,
                bool preempted) const
    {
        if (done_out && !copy_to_guest(done_out, done_before + done))
            return -XEN_EFAULT;
        if (!preempted)
            return rc;
        return hypercall_continue(v, nr, reqs + done * req_size,
                                  (count - done) | mmu_update_preempted, done_out, foreigndom);
    }
};

} // namespace arch
