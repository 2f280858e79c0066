// The guest side of grant tables (public/grant_table.h) as Linux's
// drivers/xen/grant-table.c does it: filling and revoking entries in the
// order the ABI requires, and one-entry wrappers of the map, unmap and
// copy sub-ops.
#pragma once
#include "hypercall.hpp"

#include <cstdint>

namespace gnt {

// The entry's frame and domid must be visible before its flags.
inline void write_barrier()
{
    asm volatile("" ::: "memory");
}

// Version 1: grant 'frame' to domain 'to'.
inline void grant_v1(grant_entry_v1_t* e, domid_t to, uint32_t frame, uint16_t flags)
{
    e->domid = to;
    e->frame = frame;
    write_barrier();
    __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

// Version 1 revoke (gnttab_end_foreign_access_ref): flags go to 0 only
// while neither GTF_reading nor GTF_writing is set; false when in use.
inline bool end_access_v1(grant_entry_v1_t* e)
{
    uint16_t cur = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
    do {
        if (cur & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(&e->flags, &cur, static_cast<uint16_t>(0), false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return true;
}

// Version 2: a full-page grant; the status word tells whether it is in use.
inline void grant_v2(grant_entry_v2_t* e, domid_t to, uint64_t frame, uint16_t flags)
{
    e->full_page.hdr.domid = to;
    e->full_page.frame = frame;
    write_barrier();
    __atomic_store_n(&e->hdr.flags, flags, __ATOMIC_RELEASE);
}
inline void grant_sub_page(grant_entry_v2_t* e, domid_t to, uint64_t frame, uint16_t off,
                           uint16_t len, uint16_t flags)
{
    e->sub_page.hdr.domid = to;
    e->sub_page.page_off = off;
    e->sub_page.length = len;
    e->sub_page.frame = frame;
    write_barrier();
    __atomic_store_n(&e->hdr.flags, static_cast<uint16_t>(flags | GTF_sub_page), __ATOMIC_RELEASE);
}

// One map_grant_ref; returns the hypercall's result, the status in op.
inline int32_t map(gnttab_map_grant_ref_t& op, domid_t dom, grant_ref_t ref, uint64_t host_addr,
                   uint32_t flags)
{
    op = gnttab_map_grant_ref_t{};
    op.host_addr = host_addr;
    op.flags = flags;
    op.ref = ref;
    op.dom = dom;
    return hc::grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
}

// One unmap_grant_ref; returns the status (or the hypercall's error).
inline int32_t unmap(grant_handle_t handle, uint64_t host_addr, uint64_t dev_bus_addr = 0)
{
    gnttab_unmap_grant_ref_t op = {};
    op.host_addr = host_addr;
    op.dev_bus_addr = dev_bus_addr;
    op.handle = handle;
    int32_t rc = hc::grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);
    return rc ? rc : op.status;
}

// One copy; returns the status (or the hypercall's error).
inline int32_t copy(gnttab_copy_t& op)
{
    int32_t rc = hc::grant_table_op(GNTTABOP_copy, &op, 1);
    return rc ? rc : op.status;
}

} // namespace gnt
