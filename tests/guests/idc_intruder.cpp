// The "intruder" domU of the interdomain scenario: every way it has of
// reaching dom0's or its sibling's frames, ports and grants is refused with
// Xen's errno or status, while the sibling runs its own checks beside it.
// Its frames to aim at come from dom0 on the command line (a frame of
// dom0's, the sibling's console ring).
#include "console.hpp"
#include "ctl_ops.hpp"
#include "grant.hpp"
#include "idc_link.hpp"
#include "idc_roles.hpp"
#include "pt_lib.hpp"
#include "test.hpp"

namespace {

constexpr domid_t dom0 = 0;

int32_t domctl(xen_domctl_t* op)
{
    return hc::call(__HYPERVISOR_domctl, hc::arg(op));
}
int32_t sysctl(xen_sysctl_t* op)
{
    return hc::call(__HYPERVISOR_sysctl, hc::arg(op));
}

void page_tables(uint32_t foreign, const char* whose)
{
    int32_t rc = 0;
    (void)pt::window(0, foreign, false, &rc);
    CHECK_EQ(rc, -XEN_EBUSY, whose);
    printf("  (update_va_mapping of it read-only)\n");
    (void)pt::window(0, foreign, true, &rc);
    CHECK_EQ(rc, -XEN_EBUSY, "  writable too: -EBUSY");
    pt::unwindow(0);
    uint32_t l1 = pt::alloc_mfn();
    CHECK(pt::clear(l1) && pt::pin(1, l1) == 0, "  an L1 of our own pinned");
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(foreign, pt::data_ro)), -XEN_EBUSY,
             "  mmu_update of an entry mapping it: -EBUSY");
    CHECK_EQ(pt::set_entry(l1, 0, pt::entry(foreign, pt::data_ro), dom0), -XEN_EPERM,
             "  with dom0 as the foreign domain: -EPERM");
    CHECK_EQ(pt::unpin(l1), 0, "  our L1 unpinned");
    CHECK_EQ(pt::pin(1, foreign), -XEN_EINVAL, "  mmuext pin of it as our L1: -EINVAL");
    CHECK_EQ(pt::ext(MMUEXT_PIN_L1_TABLE, foreign, dom0), -XEN_EPERM,
             "  mmuext_op with foreigndom 0: -EPERM");
    uint32_t va = pt::window_va(1);
    CHECK_EQ(hc::call(__HYPERVISOR_update_va_mapping_otherdomain, va,
                      static_cast<uint32_t>(pt::entry(foreign, pt::data_ro)), 0, UVMF_INVLPG, dom0),
             -XEN_EPERM, "  update_va_mapping_otherdomain naming dom0: -EPERM");
}

void grants(const idc::Args& a)
{
    alignas(4096) static uint32_t window[1024];
    gnttab_map_grant_ref_t op;
    (void)hc::update_va_mapping(hc::arg(window), 0, UVMF_INVLPG);
    (void)gnt::map(op, dom0, 1, hc::arg(window), GNTMAP_host_map);
    CHECK_EQ(op.status, GNTST_general_error,
             "a map of a ref dom0 never granted: GNTST_general_error");
    (void)gnt::map(op, a.peer, 0xFFFF0, hc::arg(window), GNTMAP_host_map);
    CHECK_EQ(op.status, GNTST_bad_gntref, "a forged ref of the sibling's: GNTST_bad_gntref");
    (void)gnt::map(op, a.peer, a.gref + 2, hc::arg(window), GNTMAP_host_map);
    CHECK_EQ(op.status, GNTST_general_error,
             "the sibling's grant for another domain: GNTST_general_error");
    (void)hc::update_va_mapping(hc::arg(window),
                                (uint64_t{idc::mfn_of(window)} << 12) | pte_kernel_rw, UVMF_INVLPG);
    gnttab_copy_t c = {};
    c.source.domid = dom0;
    c.source.u.gmfn = a.dom0_mfn;
    c.dest.domid = DOMID_SELF;
    c.dest.u.gmfn = idc::mfn_of(window);
    c.len = 8;
    CHECK_EQ(gnt::copy(c), GNTST_permission_denied,
             "GNTTABOP_copy from a frame of dom0's: permission_denied");
    static xen_pfn_t frame[1];
    gnttab_setup_table_t s = {};
    s.dom = a.peer;
    s.nr_frames = 1;
    set_xen_guest_handle(s.frame_list, frame);
    CHECK_EQ(hc::grant_table_op(GNTTABOP_setup_table, &s, 1), 0,
             "setup_table of the sibling's table: 0");
    CHECK_EQ(s.status, GNTST_permission_denied, "  status permission_denied");
}

void memory_and_control(const idc::Args& a)
{
    static xen_pfn_t ext[1] = {0};
    xen_memory_reservation_t r = {};
    set_xen_guest_handle(r.extent_start, ext);
    r.nr_extents = 1;
    r.domid = dom0;
    // Xen's do_memory_op answers a refused reservation change with the
    // extents done (xsm_memory_adjust_reservation): none.
    CHECK_EQ(hc::memory_op(XENMEM_populate_physmap, &r), 0,
             "populate_physmap for dom0: 0 extents done");
    r.domid = a.peer;
    ext[0] = 0;
    CHECK_EQ(hc::memory_op(XENMEM_decrease_reservation, &r), 0,
             "decrease_reservation of the sibling's: 0 extents done");
    domid_t d = a.peer;
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &d), -XEN_EPERM,
             "current_reservation of the sibling: -EPERM");
    xen_domctl_t op = domctl_op(XEN_DOMCTL_destroydomain, a.peer);
    CHECK_EQ(domctl(&op), -XEN_EPERM, "domctl destroydomain of the sibling: -EPERM");
    op.cmd = XEN_DOMCTL_pausedomain;
    CHECK_EQ(domctl(&op), -XEN_EPERM, "domctl pausedomain of the sibling: -EPERM");
    xen_sysctl_t s = sysctl_op(XEN_SYSCTL_physinfo);
    CHECK_EQ(sysctl(&s), -XEN_EPERM, "sysctl physinfo: -EPERM");
    evtchn_alloc_unbound_t u = {a.peer, DOMID_SELF, 0};
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_alloc_unbound, &u), -XEN_EPERM,
             "alloc_unbound in the sibling's table: -EPERM");
    evtchn_status_t st = {};
    st.dom = a.peer;
    st.port = 1;
    CHECK_EQ(hc::event_channel_op(EVTCHNOP_status, &st), -XEN_EPERM,
             "status of the sibling's port: -EPERM");
}

} // namespace

void idc::run_intruder(const Args& a)
{
    page_tables(a.dom0_mfn, "update_va_mapping of a frame of dom0's: -EBUSY");
    page_tables(a.peer_mfn, "update_va_mapping of the sibling's console frame: -EBUSY");
    grants(a);
    memory_and_control(a);
}
