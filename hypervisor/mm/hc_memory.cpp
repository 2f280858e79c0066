// memory_op: a domain's memory reservation (increase, decrease, populate),
// its size and limits, its pseudo-physical memory map, and for the
// privileged domain the machine's memory map and the M2P's frames.
#include "arch/x86_32/include/guest_range.hpp"
#include "arch/x86_32/include/hypercall_continuation.hpp"
#include "arch/x86_32/include/m2p.hpp"
#include "arch/x86_32/include/machine_memory.hpp"
#include "hypervisor/domain/domain.hpp"
#include "hypervisor/guest_access.hpp"
#include "hypervisor/hypercall.hpp"
#include "hypervisor/lib/xen_errno.hpp"
#include "hypervisor/mm/domain_memory.hpp"
#include "hypervisor/mm/memory_op.hpp"
#include "hypervisor/mm/mm.hpp"
#include "public/memory.h"

unsigned max_order(const Domain& d)
{
    return is_hardware_domain(d) || d.privileged ? Frame_allocator::max_order : 9;
}

long memory_target_domain(Vcpu& v, uint16_t id, Domain_ref& d)
{
    if (id == DOMID_SELF)
        id = v.domain->id;
    if (id != v.domain->id && !v.domain->privileged)
        return -XEN_EPERM;
    d = domain_get(id);
    return d ? 0 : -XEN_ESRCH;
}

namespace {

Zone zone_for(uint32_t mem_flags)
{
    uint32_t bits = mem_flags & 0xFF; // XENMEMF_address_bits
    if (bits != 0 && bits <= 26)
        return Zone::direct;
    if (bits != 0 && bits <= 32)
        return Zone::below_4g;
    return Zone::any;
}

// Bits 6 and up of memory_op's cmd: where a reservation call starts
// (Xen's MEMOP_EXTENT_SHIFT), set by a continuation.
constexpr uint32_t extent_shift = 6;
constexpr uint32_t op_mask = (1u << extent_shift) - 1;

// Returns the number of extents done, counting from 'start' (the extents
// before it were done by the calls this one continues). As Xen's
// do_memory_op, a request it cannot act on at all (unreadable, unknown
// domain, order too large, extent list outside guest space, a start at or
// past the end, another domain's memory without privilege: Xen's
// xsm_memory_adjust_reservation refusal) is "nothing more done", not an
// errno. A long call makes way for waiting work after an extent and is
// continued from the next one.
long reservation(Vcpu& v, uint32_t cmd, uint32_t start, uint32_t arg)
{
    xen_memory_reservation_t r;
    if (!copy_from_guest(r, arg) || r.extent_order > max_order(*v.domain))
        return start;
    // The count must fit a continuation's cmd; the list from 'start' on
    // must lie in guest space (the extents before it are not read again).
    if (r.nr_extents > (~0u >> extent_shift) || start >= r.nr_extents ||
        (r.extent_start &&
         !arch::guest_range_ok(r.extent_start + 4 * start, (r.nr_extents - start) * 4)))
        return start;
    Domain_ref d;
    if (memory_target_domain(v, r.domid, d) != 0)
        return start;
    uint32_t pages = 1u << r.extent_order;
    uint32_t i = start;
    for (; i < r.nr_extents; ++i) {
        if (i != start && arch::hypercall_preempt_check(v))
            return arch::hypercall_continue(v, __HYPERVISOR_memory_op, cmd | (i << extent_shift),
                                            arg);
        uint32_t slot = r.extent_start + 4 * i;
        uint32_t in = 0;
        if (cmd != XENMEM_increase_reservation && !copy_from_guest(in, slot))
            break;
        // The target's frame list and counts change under its mm_lock: a
        // controller filling a domain races that domain's own vCPUs. A
        // dying domain gets no more frames (Xen's assign_pages).
        Mfn m;
        {
            Lock_guard<Spinlock> g(d->mm_lock);
            if (cmd == XENMEM_decrease_reservation) {
                if (!domain_release_extent(*d, Mfn{in}, r.extent_order))
                    break;
                continue;
            }
            if (d->life != Domain_life::alive)
                break;
            m = domain_add_extent(*d, r.extent_order, zone_for(r.mem_flags));
        }
        if (m == invalid_mfn)
            break;
        uint32_t out = raw(m);
        if (r.extent_start && !copy_to_guest(slot, out)) {
            // The guest cannot learn of the frame: take it back.
            Lock_guard<Spinlock> g(d->mm_lock);
            (void)domain_release_extent(*d, m, r.extent_order);
            break;
        }
        for (uint32_t p = 0; p < pages; ++p)
            arch::m2p_set(m + p, cmd == XENMEM_populate_physmap ? in + p : arch::m2p_invalid);
    }
    return static_cast<long>(i);
}

long reservation_size(Vcpu& v, uint32_t cmd, uint32_t arg)
{
    domid_t id;
    if (!copy_from_guest(id, arg))
        return -XEN_EFAULT;
    Domain_ref d;
    if (long rc = memory_target_domain(v, id, d))
        return rc;
    switch (cmd) {
    case XENMEM_current_reservation: return static_cast<long>(d->tot_pages);
    case XENMEM_maximum_reservation: return static_cast<long>(d->max_pages);
    default: {
        // PV: the largest pseudo-physical frame is what the guest says in
        // shared_info (arch.max_pfn), as Xen's arch_get_max_pfn.
        uint32_t max_pfn = d->shared->arch.max_pfn;
        return static_cast<long>(max_pfn ? max_pfn - 1 : 0);
    }
    }
}

long put_e820(uint32_t arg, const xen_e820_entry_t* e, uint32_t n)
{
    xen_memory_map_t map;
    if (!copy_from_guest(map, arg))
        return -XEN_EFAULT;
    if (map.nr_entries < n)
        n = map.nr_entries;
    for (uint32_t i = 0; i < n; ++i)
        if (!copy_to_guest(map.buffer + i * static_cast<uint32_t>(sizeof *e), e[i]))
            return -XEN_EFAULT;
    map.nr_entries = n;
    return copy_to_guest(arg, map) ? 0 : -XEN_EFAULT;
}

long memory_map(Vcpu& v, uint32_t arg)
{
    // A PV domain's pseudo-physical space: one RAM range up to its limit.
    xen_e820_entry_t e{0, uint64_t{v.domain->max_pages} << 12, XEN_E820_RAM};
    return put_e820(arg, &e, 1);
}

// The firmware's map with every type (reserved and ACPI ranges too), as
// Xen gives it to the privileged domain; a machine whose loader gave no
// map shows its RAM ranges.
long machine_memory_map(Vcpu& v, uint32_t arg)
{
    if (!v.domain->privileged)
        return -XEN_EPERM;
    static xen_e820_entry_t
        e[E820_map::capacity > Memory_map::capacity ? E820_map::capacity : Memory_map::capacity];
    uint32_t n = 0;
    const E820_map& fw = arch::machine_e820();
    for (unsigned i = 0; i < fw.count(); ++i)
        e[n++] = xen_e820_entry_t{fw[i].addr, fw[i].size, fw[i].type};
    if (n == 0) {
        const Memory_map& ram = arch::machine_ram_map();
        for (unsigned i = 0; i < ram.count(); ++i)
            e[n++] = xen_e820_entry_t{ram[i].start, ram[i].end - ram[i].start, XEN_E820_RAM};
    }
    return put_e820(arg, e, n);
}

// Where the M2P lies for this guest (read-only) and how many entries it has.
long machphys_mapping(uint32_t arg)
{
    xen_machphys_mapping_t m{MACH2PHYS_VIRT_START, MACH2PHYS_VIRT_END,
                             (MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) / 4 - 1};
    return copy_to_guest(arg, m) ? 0 : -XEN_EFAULT;
}

long machphys_mfn_list(uint32_t arg)
{
    xen_machphys_mfn_list_t l;
    if (!copy_from_guest(l, arg))
        return -XEN_EFAULT;
    uint32_t n = arch::m2p_chunks();
    if (l.max_extents < n)
        n = l.max_extents;
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t m = raw(arch::m2p_chunk(i));
        if (!copy_to_guest(l.extent_start + 4 * i, m))
            return -XEN_EFAULT;
    }
    l.nr_extents = n;
    return copy_to_guest(arg, l) ? 0 : -XEN_EFAULT;
}

// XENMEM_add_to_physmap places a frame (shared_info, a grant-table frame,
// another of the domain's) at a guest frame number: translated (HVM)
// guests only. A PV caller gets what Xen gives it once the argument is
// read and the domain found: -EACCES (common/memory.c,
// xatp_permission_check); -ENOSYS for the foreign space, which only the
// batch form takes; -EDOM for a start extent the size field cannot hold.
// A PV guest maps its grant-table frames by the machine frames
// GNTTABOP_setup_table returns instead.
long add_to_physmap(Vcpu& v, uint32_t start_extent, uint32_t arg)
{
    xen_add_to_physmap_t x;
    if (start_extent > 0xFFFF)
        return -XEN_EDOM;
    if (!copy_from_guest(x, arg))
        return -XEN_EFAULT;
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -XEN_ENOSYS;
    if (x.domid != DOMID_SELF && x.domid != v.domain->id && !domain_get(x.domid))
        return -XEN_ESRCH;
    return -XEN_EACCES;
}

} // namespace

long do_memory_op(Vcpu& v, const Hypercall_args& a)
{
    uint32_t cmd = a.a[0], arg = a.a[1];
    uint32_t op = cmd & op_mask, start = cmd >> extent_shift;
    switch (op) {
    case XENMEM_add_to_physmap: return add_to_physmap(v, start, arg);
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap: return reservation(v, op, start, arg);
    }
    // Xen's common sub-ops take no start extent (-EINVAL); its arch ones
    // see the whole cmd, so one with a start extent is unknown (-ENOSYS).
    bool common = op == XENMEM_maximum_ram_page || op == XENMEM_current_reservation ||
                  op == XENMEM_maximum_reservation || op == XENMEM_maximum_gpfn ||
                  op == XENMEM_exchange;
    if (start != 0 && common)
        return -XEN_EINVAL;
    switch (cmd) {
    case XENMEM_maximum_ram_page: return static_cast<long>(max_mfn());
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn: return reservation_size(v, cmd, arg);
    case XENMEM_memory_map: return memory_map(v, arg);
    case XENMEM_machine_memory_map: return machine_memory_map(v, arg);
    case XENMEM_machphys_mfn_list: return machphys_mfn_list(arg);
    case XENMEM_machphys_mapping: return machphys_mapping(arg);
    case XENMEM_exchange: return memory_exchange(v, arg);
    default: return -XEN_ENOSYS;
    }
}
