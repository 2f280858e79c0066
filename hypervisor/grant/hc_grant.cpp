// grant_table_op(cmd, uop, count): 'uop' is an array of 'count' structs of
// the sub-op. Each entry is copied in, handed to the grant core
// (grant_ops.hpp) and its results copied out, as Xen's do_grant_table_op.
//
// Batches: a whole array outside guest space is -EFAULT before anything is
// done; an entry that cannot be read or written back ends the batch with
// -EFAULT (entries before it stay done). When work is waiting on the CPU a
// long batch stops after an entry and continues in a fresh hypercall with
// the rest of the array (Xen's continuation: same cmd, uop advanced past
// the entries done, count reduced by them). Bits 12 and up of cmd carry
// continuation state in Xen for cache_flush only; for anything else they
// are -EINVAL.
#include "arch/x86_32/include/guest_range.hpp"
#include "arch/x86_32/include/hypercall_continuation.hpp"
#include "arch/x86_32/include/pv_grant_env.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/grant/grant_ops.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"

namespace {

constexpr uint32_t cmd_mask = (1u << 12) - 1; // GNTTABOP_CONTINUATION_ARG_SHIFT
constexpr uint32_t unmap_batch_size = 32;     // GNTTAB_UNMAP_BATCH_SIZE

// Xen's guest_handle_okay: count entries of 'size' bytes in guest space.
bool range_ok(uint32_t uop, uint32_t count, uint32_t size)
{
    uint64_t bytes = uint64_t{count} * size;
    return bytes <= 0xFFFFFFFFu && arch::guest_range_ok(uop, static_cast<size_t>(bytes));
}

template <typename T> uint32_t at(uint32_t uop, uint32_t i)
{
    return uop + i * static_cast<uint32_t>(sizeof(T));
}

template <typename T> bool put_status(uint32_t gva, const T& op)
{
    return copy_to_guest(gva + static_cast<uint32_t>(offsetof(T, status)), op.status);
}

// Frame numbers into the guest's list: xen_pfn_t (setup_table) or
// uint64_t (get_status_frames) entries.
class Guest_frames final : public grant::Frame_sink {
public:
    Guest_frames(uint32_t list, bool wide) : list_(list), wide_(wide) {}
    bool put(uint32_t i, uint64_t frame) override
    {
        if (wide_)
            return copy_to_guest(list_ + i * 8, frame);
        return copy_to_guest(list_ + i * 4, static_cast<xen_pfn_t>(frame));
    }

private:
    uint32_t list_;
    bool wide_;
};

long map_batch(Grant_env& env, Vcpu& v, uint32_t uop, uint32_t count)
{
    for (uint32_t i = 0; i < count; ++i) {
        if (i && arch::hypercall_preempt_check(v))
            return i;
        gnttab_map_grant_ref_t op;
        uint32_t gva = at<gnttab_map_grant_ref_t>(uop, i);
        if (!copy_from_guest(op, gva))
            return -XEN_EFAULT;
        grant::map(env, v, op);
        if (!copy_to_guest(gva, op))
            return -XEN_EFAULT;
    }
    return 0;
}

grant::Unmap_request request(const gnttab_unmap_grant_ref_t& op)
{
    grant::Unmap_request r;
    r.host_addr = op.host_addr;
    r.dev_bus_addr = op.dev_bus_addr;
    r.handle = op.handle;
    return r;
}

grant::Unmap_request request(const gnttab_unmap_and_replace_t& op)
{
    grant::Unmap_request r;
    r.host_addr = op.host_addr;
    r.new_addr = op.new_addr;
    r.handle = op.handle;
    return r;
}

// unmap_grant_ref and unmap_and_replace: 32 entries, one TLB flush, then
// the references of those 32 go (Xen's gnttab_unmap_grant_ref).
template <typename T> long unmap_batch(Grant_env& env, Vcpu& v, uint32_t uop, uint32_t count)
{
    grant::Unmap_work work[unmap_batch_size];
    for (uint32_t done = 0; done < count;) {
        uint32_t n = count - done < unmap_batch_size ? count - done : unmap_batch_size;
        uint32_t partial = 0;
        bool fault = false;
        for (; partial < n; ++partial) {
            T op;
            uint32_t gva = at<T>(uop, done + partial);
            if (!copy_from_guest(op, gva)) {
                fault = true;
                break;
            }
            op.status = grant::unmap(env, v, request(op), work[partial]);
            if (!put_status(gva, op)) {
                ++partial;
                fault = true;
                break;
            }
        }
        env.flush_tlb(*v.domain);
        for (uint32_t i = 0; i < partial; ++i)
            grant::unmap_complete(env, *v.domain, work[i]);
        if (fault)
            return -XEN_EFAULT;
        done += n;
        if (done < count && arch::hypercall_preempt_check(v))
            return done;
    }
    return 0;
}
long setup_table(Grant_env& env, Vcpu& v, uint32_t uop, uint32_t count)
{
    if (count != 1)
        return -XEN_EINVAL;
    gnttab_setup_table_t op;
    if (!copy_from_guest(op, uop))
        return -XEN_EFAULT;
    if (!range_ok(op.frame_list, op.nr_frames, sizeof(xen_pfn_t)))
        return -XEN_EFAULT;
    Guest_frames out(op.frame_list, false);
    op.status = grant::setup_table(env, *v.domain, op.dom, op.nr_frames, out);
    return put_status(uop, op) ? 0 : -XEN_EFAULT;
}

long query_size(Grant_env& env, Vcpu& v, uint32_t uop, uint32_t count)
{
    if (count != 1)
        return -XEN_EINVAL;
    gnttab_query_size_t op;
    if (!copy_from_guest(op, uop))
        return -XEN_EFAULT;
    op.status = grant::query_size(env, *v.domain, op.dom, op.nr_frames, op.max_nr_frames);
    return copy_to_guest(uop, op) ? 0 : -XEN_EFAULT;
}

long get_status_frames(Grant_env& env, Vcpu& v, uint32_t uop, uint32_t count)
{
    if (count != 1)
        return -XEN_EINVAL;
    gnttab_get_status_frames_t op;
    if (!copy_from_guest(op, uop))
        return -XEN_EFAULT;
    if (!range_ok(op.frame_list, op.nr_frames, sizeof(uint64_t)))
        return -XEN_EFAULT;
    Guest_frames out(op.frame_list, true);
    op.status = grant::get_status_frames(env, *v.domain, op.dom, op.nr_frames, out);
    return put_status(uop, op) ? 0 : -XEN_EFAULT;
}

long set_version(Grant_env& env, Vcpu& v, uint32_t uop)
{
    gnttab_set_version_t op;
    if (!copy_from_guest(op, uop))
        return -XEN_EFAULT;
    long rc = grant::set_version(env, *v.domain, op.version);
    return copy_to_guest(uop, op) ? rc : -XEN_EFAULT;
}

long get_version(Grant_env& env, Vcpu& v, uint32_t uop)
{
    gnttab_get_version_t op;
    if (!copy_from_guest(op, uop))
        return -XEN_EFAULT;
    if (long rc = grant::get_version(env, *v.domain, op.dom, op.version))
        return rc;
    return copy_to_guest(uop + static_cast<uint32_t>(offsetof(gnttab_get_version_t, version)),
                         op.version)
               ? 0
               : -XEN_EFAULT;
}

long transfer_batch(Grant_env& env, Vcpu& v, uint32_t uop, uint32_t count)
{
    for (uint32_t i = 0; i < count; ++i) {
        if (i && arch::hypercall_preempt_check(v))
            return i;
        gnttab_transfer_t op;
        uint32_t gva = at<gnttab_transfer_t>(uop, i);
        if (!copy_from_guest(op, gva))
            return -XEN_EFAULT;
        op.status = grant::transfer(env, *v.domain, op);
        if (!put_status(gva, op))
            return -XEN_EFAULT;
    }
    return 0;
}

// Returns count - (entries done) when it stops early, as Xen's gnttab_copy,
// so that stopping before the first entry still differs from "all done".
// What the batch holds is given back when it goes out of scope, before
// the hypercall returns (preempted too).
// Flattened: the claims, give-backs, frame references and domain look-ups
// of every op were a dozen calls, each as long as its work (a 4 KiB copy
// 2 285 -> 1 982 instructions, an op of a batch 2 048 -> 1 742). Their
// slow paths (type changes, a domain's or frame's last reference) are
// noinline where they are declared, so they stay calls.
[[gnu::flatten]] long copy_batch(Grant_env& env, Vcpu& v, uint32_t uop, uint32_t count)
{
    grant::Copy_batch batch(env, *v.domain);
    for (uint32_t i = 0; i < count; ++i) {
        if (i && arch::hypercall_preempt_check(v))
            return count - i;
        gnttab_copy_t op;
        uint32_t gva = at<gnttab_copy_t>(uop, i);
        if (!copy_from_guest(op, gva))
            return -XEN_EFAULT;
        op.status = batch.copy(op);
        if (!put_status(gva, op))
            return -XEN_EFAULT;
    }
    return 0;
}

long swap_batch(Grant_env& env, Vcpu& v, uint32_t uop, uint32_t count)
{
    for (uint32_t i = 0; i < count; ++i) {
        if (i && arch::hypercall_preempt_check(v))
            return i;
        gnttab_swap_grant_ref_t op;
        uint32_t gva = at<gnttab_swap_grant_ref_t>(uop, i);
        if (!copy_from_guest(op, gva))
            return -XEN_EFAULT;
        op.status = grant::swap_refs(env, *v.domain, op.ref_a, op.ref_b);
        if (!put_status(gva, op))
            return -XEN_EFAULT;
    }
    return 0;
}

// The size of each batched sub-op's entry; 0 for the others.
uint32_t entry_size(uint32_t op)
{
    switch (op) {
    case GNTTABOP_map_grant_ref: return sizeof(gnttab_map_grant_ref_t);
    case GNTTABOP_unmap_grant_ref: return sizeof(gnttab_unmap_grant_ref_t);
    case GNTTABOP_unmap_and_replace: return sizeof(gnttab_unmap_and_replace_t);
    case GNTTABOP_transfer: return sizeof(gnttab_transfer_t);
    case GNTTABOP_copy: return sizeof(gnttab_copy_t);
    case GNTTABOP_swap_grant_ref: return sizeof(gnttab_swap_grant_ref_t);
    default: return 0;
    }
}

long run(Grant_env& env, Vcpu& v, uint32_t op, uint32_t uop, uint32_t count)
{
    if (uint32_t size = entry_size(op); size != 0 && !range_ok(uop, count, size))
        return -XEN_EFAULT;
    switch (op) {
    case GNTTABOP_map_grant_ref: return map_batch(env, v, uop, count);
    case GNTTABOP_unmap_grant_ref: return unmap_batch<gnttab_unmap_grant_ref_t>(env, v, uop, count);
    case GNTTABOP_unmap_and_replace:
        return unmap_batch<gnttab_unmap_and_replace_t>(env, v, uop, count);
    case GNTTABOP_setup_table: return setup_table(env, v, uop, count);
    case GNTTABOP_transfer: return transfer_batch(env, v, uop, count);
    case GNTTABOP_copy: return copy_batch(env, v, uop, count);
    case GNTTABOP_query_size: return query_size(env, v, uop, count);
    case GNTTABOP_set_version: return set_version(env, v, uop);
    case GNTTABOP_get_status_frames: return get_status_frames(env, v, uop, count);
    case GNTTABOP_get_version: return get_version(env, v, uop);
    case GNTTABOP_swap_grant_ref: return swap_batch(env, v, uop, count);
    // dump_table and (on x86) cache_flush are not in Xen's switch either.
    default: return -XEN_ENOSYS;
    }
}

} // namespace

long do_grant_table_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], uop = a.a[1], count = a.a[2];
    if (static_cast<int32_t>(count) < 0)
        return -XEN_EINVAL;
    uint32_t op = cmd & cmd_mask;
    if (op != GNTTABOP_cache_flush && (cmd & ~cmd_mask) != 0)
        return -XEN_EINVAL;
    long rc = run(arch::grant_env(), v, op, uop, count);
    if (rc <= 0)
        return rc;
    uint32_t done =
        op == GNTTABOP_copy ? count - static_cast<uint32_t>(rc) : static_cast<uint32_t>(rc);
    return arch::hypercall_continue(v, __HYPERVISOR_grant_table_op, op, uop + done * entry_size(op),
                                    count - done);
}
