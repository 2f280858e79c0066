// memory_op's reservation calls on requests they cannot act on. As Xen's
// do_memory_op (xen/common/memory.c), increase_reservation,
// decrease_reservation and populate_physmap answer the number of extents
// done (0 here), not an errno, when the argument cannot be read, the domain
// does not exist, the extent order is too large, or the extent list lies
// outside guest space, and nothing is allocated before those checks.
#include "bad_pointer.hpp"
#include "hypercall.hpp"
#include "test.hpp"

namespace {
const Bad_pointer_case cases[] = {
    {"memory_op increase_reservation", __HYPERVISOR_memory_op, {XENMEM_increase_reservation}, 2, false},
    {"memory_op decrease_reservation", __HYPERVISOR_memory_op, {XENMEM_decrease_reservation}, 2, false},
    {"memory_op populate_physmap", __HYPERVISOR_memory_op, {XENMEM_populate_physmap}, 2, false},
};

int32_t reservation_op(uint32_t op, xen_pfn_t* list, domid_t dom, uint32_t order = 0)
{
    xen_memory_reservation_t r = {};
    set_xen_guest_handle(r.extent_start, list);
    r.nr_extents = 1;
    r.extent_order = order;
    r.domid = dom;
    return hc::memory_op(op, &r);
}
} // namespace

void guest_main(start_info_t*)
{
    static xen_pfn_t list[1];
    CHECK_EQ(reservation_op(XENMEM_increase_reservation, list, 0x1234), 0,
             "increase_reservation for a missing domain: 0 done");
    CHECK_EQ(reservation_op(XENMEM_populate_physmap, list, 0x1234), 0,
             "populate_physmap for a missing domain: 0 done");
    // Order 31 is past every domain's max_order (memory.c max_order()).
    CHECK_EQ(reservation_op(XENMEM_increase_reservation, list, DOMID_SELF, 31), 0,
             "increase_reservation of order 31: 0 done");
    // Xen checks the list before allocating; Xenith allocates, fails to
    // write the frame number back, and keeps the frame charged to us.
    static domid_t self = DOMID_SELF;
    const int32_t pages = hc::memory_op(XENMEM_current_reservation, &self);
    auto* in_xen = reinterpret_cast<xen_pfn_t*>(HYPERVISOR_VIRT_START);
    CHECK_EQ(reservation_op(XENMEM_increase_reservation, in_xen, DOMID_SELF), 0,
             "increase_reservation, extent list in the hypervisor: 0 done");
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &self), pages, "  no page was added");
    CHECK_EQ(reservation_op(XENMEM_decrease_reservation, in_xen, DOMID_SELF), 0,
             "decrease_reservation, extent list in the hypervisor: 0 done");
    // Unreadable reservation argument: "0 done", not -EFAULT.
    check_bad_pointers(cases, 0);
}
