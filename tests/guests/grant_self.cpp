// Grant tables as dom0 alone can use them: granting pages to itself (Xen's
// map_grant_ref only requires the entry's domid to name the mapper, so a
// domain may map its own grants). The table is set up and mapped by
// machine address, a page is granted and mapped at a virtual address
// (writable, read-only: a write faults), by PTE address, for a device;
// unmapped; copied in every direction; every refusal with Xen's GNTST
// code or errno; batches, including one whose second entry cannot be
// read; a transfer to itself; version 2 with its status frames; and one
// mapping left in place for the shutdown audit to count.
#include "console.hpp"
#include "grant.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "traps.hpp"
#include "upcall_probe.hpp"

namespace {

constexpr domid_t self_id = 0; // dom0
constexpr uint32_t magic = 0x6A17E5EDu;

alignas(4096) uint8_t table_window[4096];  // grant frame 0, mapped by mfn
alignas(4096) uint8_t status_window[4096]; // v2 status frame 0
alignas(4096) uint8_t page_a[4096];        // granted
alignas(4096) uint8_t page_b[4096];        // granted, copy target
alignas(4096) uint8_t own[4096];           // never granted
alignas(4096) uint8_t win[4][4096];        // where grants get mapped
alignas(4096) uint8_t edge[2][4096];       // a batch across an unmapped page
alignas(4096) uint8_t ro_ops[4096];       // an op array mapped read-only
xen_pfn_t frame_list[8];

uint32_t mfn_of(const void* va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}
uint32_t va_of(const void* p)
{
    return hc::arg(p);
}
const uint32_t* m2p()
{
    return reinterpret_cast<const uint32_t*>(MACH2PHYS_VIRT_START);
}
grant_entry_v1_t* v1()
{
    return reinterpret_cast<grant_entry_v1_t*>(table_window);
}
grant_entry_v2_t* v2()
{
    return reinterpret_cast<grant_entry_v2_t*>(table_window);
}
grant_status_t* status()
{
    return reinterpret_cast<grant_status_t*>(status_window);
}

// A frame of the hypervisor's (the M2P's first chunk): not the domain's.
uint32_t m2p_frame()
{
    static xen_pfn_t chunk[1];
    xen_machphys_mfn_list_t l = {};
    l.max_extents = 1;
    set_xen_guest_handle(l.extent_start, chunk);
    return hc::memory_op(XENMEM_machphys_mfn_list, &l) == 0 ? chunk[0] : 0;
}

// Empties the window's PTE (and its TLB entry) before a grant is mapped
// there, as Linux maps grants into empty slots: map_grant_ref does not
// flush the TLB.
bool clear(const void* va)
{
    return hc::update_va_mapping(va_of(va), 0, UVMF_INVLPG) == 0;
}

// Put a page of the image back on its own frame (after a grant replaced it).
bool restore(const void* va)
{
    return hc::update_va_mapping(va_of(va), (uint64_t{mfn_of(va)} << 12) | pte_kernel_rw,
                                 UVMF_INVLPG) == 0;
}

// Machine address of the PTE that maps va: walk the bootstrap tables
// through their read-only mappings in the initial region.
uint64_t pte_maddr(const void* va)
{
    constexpr uint64_t addr = 0x000FFFFFFFFFF000ull;
    uint32_t v = va_of(va);
    auto* l3 = reinterpret_cast<const uint64_t*>(guest_start_info()->pt_base);
    uint32_t l2 = static_cast<uint32_t>((l3[v >> 30] & addr) >> 12);
    auto* l2p = reinterpret_cast<const uint64_t*>(guest_virt_base + m2p()[l2] * guest_page_size);
    uint32_t l1 = static_cast<uint32_t>((l2p[(v >> 21) & 511] & addr) >> 12);
    return (uint64_t{l1} << 12) + ((v >> 12) & 511) * 8;
}

volatile uint32_t* word(void* p)
{
    return static_cast<volatile uint32_t*>(p);
}
void write_word(void* p)
{
    *word(p) = 1;
}
void read_word(void* p)
{
    (void)*word(p);
}

int32_t op1(uint32_t cmd, void* a)
{
    return hc::grant_table_op(cmd, a, 1);
}

gnttab_copy_t copy_op(uint32_t src, domid_t sdom, uint16_t soff, uint32_t dst, domid_t ddom,
                      uint16_t doff, uint16_t len, uint16_t flags)
{
    gnttab_copy_t c = {};
    c.source.u.ref = src;
    c.source.domid = sdom;
    c.source.offset = soff;
    c.dest.u.ref = dst;
    c.dest.domid = ddom;
    c.dest.offset = doff;
    c.len = len;
    c.flags = flags;
    return c;
}

void test_setup()
{
    gnttab_query_size_t q = {};
    q.dom = DOMID_SELF;
    CHECK_EQ(op1(GNTTABOP_query_size, &q), 0, "query_size: 0");
    CHECK_EQ(q.status, GNTST_okay, "  status okay");
    CHECK_EQ(q.nr_frames, 1, "  a new table has one frame (INITIAL_NR_GRANT_FRAMES)");
    CHECK_EQ(q.max_nr_frames, 64, "  of at most 64 (gnttab_max_frames)");

    gnttab_setup_table_t s = {};
    s.dom = DOMID_SELF;
    s.nr_frames = 2;
    set_xen_guest_handle(s.frame_list, frame_list);
    CHECK_EQ(op1(GNTTABOP_setup_table, &s), 0, "setup_table of 2 frames: 0");
    CHECK_EQ(s.status, GNTST_okay, "  status okay");
    CHECK(frame_list[0] != 0 && frame_list[1] != 0 && frame_list[0] != frame_list[1],
          "  two distinct machine frames");
    q.dom = self_id;
    CHECK_EQ(op1(GNTTABOP_query_size, &q), 0, "query_size by domain id");
    CHECK_EQ(q.nr_frames, 2, "  the table has grown to 2 frames");

    CHECK_EQ(hc::update_va_mapping(va_of(table_window),
                                   (uint64_t{frame_list[0]} << 12) | pte_kernel_rw, UVMF_INVLPG),
             0, "the grant frame maps writable by its machine address");
    CHECK_EQ(v1()[100].flags, 0, "  and starts out empty");

    s.nr_frames = 65;
    CHECK_EQ(op1(GNTTABOP_setup_table, &s), 0, "setup_table beyond the maximum: 0");
    CHECK_EQ(s.status, GNTST_general_error, "  status GNTST_general_error");
    s.nr_frames = 1;
    s.dom = 77;
    CHECK_EQ(op1(GNTTABOP_setup_table, &s), 0, "setup_table of a missing domain: 0");
    CHECK_EQ(s.status, GNTST_bad_domain, "  status GNTST_bad_domain");
    s.dom = DOMID_SELF;
    set_xen_guest_handle(s.frame_list, reinterpret_cast<xen_pfn_t*>(0x1000));
    CHECK_EQ(op1(GNTTABOP_setup_table, &s), 0, "setup_table with an unmapped frame list: 0");
    CHECK_EQ(s.status, GNTST_bad_virt_addr, "  status GNTST_bad_virt_addr");
    set_xen_guest_handle(s.frame_list, reinterpret_cast<xen_pfn_t*>(0xF5800000u));
    CHECK_EQ(op1(GNTTABOP_setup_table, &s), -XEN_EFAULT,
             "setup_table with a list in the hypervisor: -EFAULT");
    set_xen_guest_handle(s.frame_list, frame_list);
    CHECK_EQ(hc::grant_table_op(GNTTABOP_setup_table, &s, 2), -XEN_EINVAL,
             "setup_table with count 2: -EINVAL");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_query_size, &q, 0), -XEN_EINVAL,
             "query_size with count 0: -EINVAL");

    gnttab_get_version_t gv = {};
    gv.dom = DOMID_SELF;
    CHECK_EQ(op1(GNTTABOP_get_version, &gv), 0, "get_version: 0");
    CHECK_EQ(gv.version, 1, "  version 1");
    gv.dom = 77;
    CHECK_EQ(op1(GNTTABOP_get_version, &gv), -XEN_ESRCH, "get_version of a missing domain: -ESRCH");

    xen_add_to_physmap_t x = {};
    x.domid = DOMID_SELF;
    x.space = XENMAPSPACE_grant_table;
    x.idx = 0;
    x.gpfn = 0x8000;
    CHECK_EQ(
        hc::memory_op(XENMEM_add_to_physmap, &x), -XEN_EACCES,
        "XENMEM_add_to_physmap of a grant frame by a PV domain: -EACCES (translated guests only)");
}

void test_map_unmap()
{
    *word(page_a) = magic;
    gnt::grant_v1(&v1()[10], self_id, mfn_of(page_a), GTF_permit_access);

    gnttab_map_grant_ref_t m;
    CHECK(clear(win[0]) && clear(win[1]) && clear(win[3]), "empty the windows");
    CHECK_EQ(gnt::map(m, self_id, 10, va_of(win[0]), GNTMAP_host_map), 0,
             "map_grant_ref of its own grant: 0");
    CHECK_EQ(m.status, GNTST_okay, "  status okay");
    CHECK_EQ(*word(win[0]), magic, "  the granted page appears at the address");
    *word(win[0]) = magic + 1;
    CHECK_EQ(*word(page_a), magic + 1, "  and writes through it reach the page");
    CHECK_EQ(m.dev_bus_addr, uint64_t{mfn_of(page_a)} << 12,
             "  dev_bus_addr is the frame's machine address");
    CHECK_EQ(v1()[10].flags, GTF_permit_access | GTF_reading | GTF_writing,
             "  the entry shows GTF_reading | GTF_writing");
    CHECK(!gnt::end_access_v1(&v1()[10]), "  and cannot be revoked while mapped");

    CHECK_EQ(gnt::unmap(m.handle, va_of(win[0])), GNTST_okay, "unmap_grant_ref: okay");
    CHECK(try_fault(read_word, win[0]).vector == 14,
          "  the address no longer maps anything (read faults)");
    CHECK_EQ(v1()[10].flags, GTF_permit_access, "  the entry is free again");
    CHECK_EQ(gnt::unmap(m.handle, va_of(win[0])), GNTST_bad_handle,
             "unmapping it again: GNTST_bad_handle");

    // Read-only.
    CHECK_EQ(gnt::map(m, self_id, 10, va_of(win[1]), GNTMAP_host_map | GNTMAP_readonly), 0,
             "a read-only mapping: 0");
    CHECK_EQ(m.status, GNTST_okay, "  status okay");
    CHECK_EQ(*word(win[1]), magic + 1, "  reads see the page");
    Fault f = try_fault(write_word, win[1]);
    CHECK(f.happened && f.vector == 14 && (f.error_code & 2), "  a write faults (#PF on write)");
    CHECK_EQ(v1()[10].flags, GTF_permit_access | GTF_reading, "  the entry shows GTF_reading only");
    CHECK_EQ(gnt::unmap(m.handle, va_of(win[1])), GNTST_okay, "  unmap: okay");

    // By the PTE's machine address.
    uint64_t pa = pte_maddr(win[2]);
    CHECK(clear(win[2]), "  (window emptied)");
    CHECK_EQ(gnt::map(m, self_id, 10, pa, GNTMAP_host_map | GNTMAP_contains_pte), 0,
             "a mapping by PTE machine address (GNTMAP_contains_pte): 0");
    CHECK_EQ(m.status, GNTST_okay, "  status okay");
    CHECK_EQ(*word(win[2]), magic + 1, "  the page appears where that PTE maps");
    CHECK_EQ(gnt::unmap(m.handle, pa), GNTST_okay, "  unmap by the same PTE address: okay");
    CHECK(restore(win[2]), "  (window back)");

    // The guest overwrites a grant PTE itself (a reserved entry, 7, whose
    // pin may outlive the version switches below): the PTE's references go
    // with it, and the grant's unmap then finds another frame there.
    gnt::grant_v1(&v1()[7], self_id, mfn_of(page_a), GTF_permit_access);
    CHECK(clear(win[2]), "  (window emptied)");
    CHECK_EQ(gnt::map(m, self_id, 7, va_of(win[2]), GNTMAP_host_map), 0, "map reserved ref 7");
    CHECK_EQ(m.status, GNTST_okay, "  status okay");
    CHECK(restore(win[2]), "the guest maps its own page over the grant PTE (update_va_mapping)");
    CHECK_EQ(
        gnt::unmap(m.handle, va_of(win[2])), GNTST_general_error,
        "  then unmap finds no grant at the address: GNTST_general_error (Xen's replace check)");
    CHECK_EQ(v1()[7].flags, GTF_permit_access | GTF_reading | GTF_writing,
             "  and the grant stays pinned, as in Xen");

    // unmap_and_replace: the PTE of another address moves into the grant's
    // slot and that address is cleared.
    CHECK(clear(win[2]), "  (window emptied)");
    CHECK_EQ(gnt::map(m, self_id, 10, va_of(win[2]), GNTMAP_host_map), 0,
             "map for unmap_and_replace");
    *word(edge[0]) = 0x5EED;
    gnttab_unmap_and_replace_t ur = {};
    ur.host_addr = va_of(win[2]);
    ur.new_addr = va_of(edge[0]);
    ur.handle = m.handle;
    CHECK_EQ(op1(GNTTABOP_unmap_and_replace, &ur), 0, "unmap_and_replace: 0");
    CHECK_EQ(ur.status, GNTST_okay, "  status okay");
    CHECK_EQ(*word(win[2]), 0x5EED, "  the grant's address now maps the other page");
    CHECK(try_fault(read_word, edge[0]).vector == 14, "  and the other address maps nothing");
    CHECK_EQ(v1()[10].flags, GTF_permit_access, "  the grant is free");
    CHECK(restore(edge[0]) && restore(win[2]), "  (both back)");

    // Device mapping (PV: the frame for DMA).
    CHECK_EQ(gnt::map(m, self_id, 10, 0, GNTMAP_device_map), 0, "a device mapping: 0");
    CHECK_EQ(m.status, GNTST_okay, "  status okay");
    CHECK_EQ(m.dev_bus_addr, uint64_t{mfn_of(page_a)} << 12, "  dev_bus_addr is the frame");
    CHECK_EQ(gnt::unmap(m.handle, 0, m.dev_bus_addr + 4096), GNTST_bad_dev_addr,
             "  unmap with another device address: GNTST_bad_dev_addr");
    CHECK_EQ(gnt::unmap(m.handle, 0, m.dev_bus_addr), GNTST_okay, "  unmap with its address: okay");
}

void test_map_refusals()
{
    gnt::grant_v1(&v1()[11], 5, mfn_of(page_a), GTF_permit_access);
    gnt::grant_v1(&v1()[12], self_id, mfn_of(page_a), GTF_permit_access | GTF_readonly);
    gnt::grant_v1(&v1()[13], self_id, m2p_frame(), GTF_permit_access);
    gnttab_map_grant_ref_t m;
    struct Case {
        domid_t dom;
        grant_ref_t ref;
        uint32_t flags;
        uint64_t addr;
        int16_t want;
        const char* what;
    } cases[] = {
        {self_id, 10, GNTMAP_readonly, va_of(win[0]), GNTST_bad_gntref,
         "neither host nor device map: GNTST_bad_gntref"},
        {DOMID_SELF, 10, GNTMAP_host_map, va_of(win[0]), GNTST_bad_domain,
         "dom DOMID_SELF (map takes ids only): GNTST_bad_domain"},
        {77, 10, GNTMAP_host_map, va_of(win[0]), GNTST_bad_domain,
         "a missing domain: GNTST_bad_domain"},
        {self_id, 1024, GNTMAP_host_map, va_of(win[0]), GNTST_bad_gntref,
         "a ref beyond the table: GNTST_bad_gntref"},
        {self_id, 11, GNTMAP_host_map, va_of(win[0]), GNTST_general_error,
         "a grant to another domain: GNTST_general_error"},
        {self_id, 12, GNTMAP_host_map, va_of(win[0]), GNTST_general_error,
         "a read-only grant mapped writable: GNTST_general_error"},
        {self_id, 14, GNTMAP_host_map, va_of(win[0]), GNTST_general_error,
         "an empty entry: GNTST_general_error"},
        {self_id, 13, GNTMAP_host_map, va_of(win[0]), GNTST_bad_page,
         "a frame the domain does not own: GNTST_bad_page"},
        {self_id, 10, GNTMAP_host_map, 0xF6000000u, GNTST_general_error,
         "a hypervisor address: GNTST_general_error"},
        {self_id, 10, GNTMAP_host_map, 0x00400000u, GNTST_general_error,
         "an address without an L1: GNTST_general_error"},
        {self_id, 10, GNTMAP_host_map | GNTMAP_contains_pte, (uint64_t{mfn_of(own)} << 12),
         GNTST_general_error, "a PTE address in a data page: GNTST_general_error"},
    };
    for (const Case& c : cases) {
        CHECK_EQ(gnt::map(m, c.dom, c.ref, c.addr, c.flags), 0, c.what);
        CHECK_EQ(m.status, c.want, "  status as Xen's");
    }
    CHECK_EQ(v1()[10].flags, GTF_permit_access, "after every refusal the entry is untouched");
    CHECK_EQ(v1()[12].flags, GTF_permit_access | GTF_readonly, "  also the read-only one");
    gnt::grant_v1(&v1()[13], 0, 0, 0);

    CHECK_EQ(hc::grant_table_op(GNTTABOP_map_grant_ref, reinterpret_cast<void*>(0xF5800000u), 1),
             -XEN_EFAULT, "a map array in the hypervisor's area: -EFAULT");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_map_grant_ref, reinterpret_cast<void*>(0x1000), 1),
             -XEN_EFAULT, "an unmapped map array: -EFAULT");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_unmap_grant_ref, reinterpret_cast<void*>(0x1000), 1),
             -XEN_EFAULT, "an unmapped unmap array: -EFAULT");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_map_grant_ref, &m, 0xFFFFFFFFu), -XEN_EINVAL,
             "a negative count: -EINVAL");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_map_grant_ref | (1u << 12), &m, 1), -XEN_EINVAL,
             "continuation bits on map: -EINVAL");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_dump_table, &m, 1), -XEN_ENOSYS,
             "dump_table: -ENOSYS (as Xen)");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_cache_flush, &m, 1), -XEN_ENOSYS,
             "cache_flush: -ENOSYS (x86)");
    CHECK_EQ(hc::grant_table_op(99, &m, 1), -XEN_ENOSYS, "an unknown sub-op: -ENOSYS");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_map_grant_ref, &m, 0), 0, "an empty batch: 0");
}

// An event pending and unmasked makes the hypervisor stop a long batch
// after an entry and continue it in a fresh call (upcall_probe.hpp); the
// probe counts the entries whose status was written by the upcall.
struct Statuses {
    const uint8_t* first = nullptr;
    uint32_t stride = 0;
    uint32_t count = 0;
} statuses;
constexpr int16_t unwritten = 0x7777;

uint32_t statuses_written()
{
    uint32_t done = 0;
    for (uint32_t i = 0; i < statuses.count; ++i) {
        int16_t st;
        __builtin_memcpy(&st, statuses.first + i * statuses.stride, sizeof st);
        done += st != unwritten;
    }
    return done;
}

// Arms the probe for a batch of 'count' entries of 'stride' bytes whose
// status field is at 'status'; every status is set to 'unwritten'.
void arm_event(void* status, uint32_t stride, uint32_t count)
{
    statuses = Statuses{static_cast<const uint8_t*>(status), stride, count};
    for (uint32_t i = 0; i < count; ++i)
        __builtin_memcpy(static_cast<uint8_t*>(status) + i * stride, &unwritten, sizeof unwritten);
    upcall_probe::arm(statuses_written);
}

void test_batches()
{
    // Three maps in one call, each with its own status.
    static gnttab_map_grant_ref_t b[3];
    b[0] = {};
    b[0].host_addr = va_of(win[0]);
    b[0].flags = GNTMAP_host_map;
    b[0].ref = 10;
    b[0].dom = self_id;
    b[1] = b[0];
    b[1].ref = 11; // granted to domain 5
    b[2] = b[0];
    b[2].host_addr = va_of(win[1]);
    b[2].flags |= GNTMAP_readonly;
    CHECK_EQ(hc::grant_table_op(GNTTABOP_map_grant_ref, b, 3), 0, "a batch of three maps: 0");
    CHECK(b[0].status == GNTST_okay && b[1].status == GNTST_general_error &&
              b[2].status == GNTST_okay,
          "  each entry has its own status");
    static gnttab_unmap_grant_ref_t u[2];
    u[0] = {};
    u[0].host_addr = va_of(win[0]);
    u[0].handle = b[0].handle;
    u[1] = u[0];
    u[1].host_addr = va_of(win[1]);
    u[1].handle = b[2].handle;
    CHECK_EQ(hc::grant_table_op(GNTTABOP_unmap_grant_ref, u, 2), 0, "a batch of two unmaps: 0");
    CHECK(u[0].status == GNTST_okay && u[1].status == GNTST_okay, "  both okay");

    // 40 device mappings and 40 unmaps: the unmaps cross Xen's batch of 32.
    static gnttab_map_grant_ref_t many[40];
    static gnttab_unmap_grant_ref_t undo[40];
    for (uint32_t i = 0; i < 40; ++i) {
        many[i] = {};
        many[i].flags = GNTMAP_device_map | GNTMAP_readonly;
        many[i].ref = 10;
        many[i].dom = self_id;
    }
    arm_event(&many[0].status, sizeof many[0], 40);
    CHECK_EQ(hc::grant_table_op(GNTTABOP_map_grant_ref, many, 40), 0,
             "40 device mappings of one grant, an event pending: 0");
    upcall_probe::Seen seen = upcall_probe::disarm();
    CHECK(upcall_probe::part_way(seen, statuses.count),
          "  the batch stopped for the event part-way and was continued");
    CHECK_EQ(seen.progress, 1, "  after its first entry");
    bool ok = true;
    for (uint32_t i = 0; i < 40; ++i) {
        ok = ok && many[i].status == GNTST_okay;
        undo[i] = {};
        undo[i].dev_bus_addr = many[i].dev_bus_addr;
        undo[i].handle = many[i].handle;
    }
    CHECK(ok, "  all okay");
    arm_event(&undo[0].status, sizeof undo[0], 40);
    CHECK_EQ(hc::grant_table_op(GNTTABOP_unmap_grant_ref, undo, 40), 0,
             "and 40 unmaps in one call, an event pending: 0");
    seen = upcall_probe::disarm();
    CHECK(upcall_probe::part_way(seen, statuses.count), "  continued part-way");
    CHECK_EQ(seen.progress, 32, "  after the first 32 (Xen's unmap batch)");
    ok = true;
    for (auto& x : undo)
        ok = ok && x.status == GNTST_okay;
    CHECK(ok, "  all okay");
    CHECK_EQ(v1()[10].flags, GTF_permit_access, "  the entry is free again");

    // A batch whose second entry lies on an unmapped page: the first is
    // done, then -EFAULT.
    CHECK_EQ(hc::update_va_mapping(va_of(edge[1]), 0, UVMF_INVLPG), 0,
             "unmap the page after the batch's first entry");
    auto* e =
        reinterpret_cast<gnttab_map_grant_ref_t*>(edge[0] + 4096 - sizeof(gnttab_map_grant_ref_t));
    *e = {};
    e->flags = GNTMAP_device_map;
    e->ref = 10;
    e->dom = self_id;
    CHECK_EQ(hc::grant_table_op(GNTTABOP_map_grant_ref, e, 2), -XEN_EFAULT,
             "  a batch of two maps: -EFAULT");
    CHECK_EQ(e->status, GNTST_okay, "  the first entry was done");
    CHECK_EQ(gnt::unmap(e->handle, 0, e->dev_bus_addr), GNTST_okay, "  and is undone");
    CHECK(restore(edge[1]), "  (page back)");

    // A long batch of copies: whether or not it is continued part-way, every
    // entry is done.
    static gnttab_copy_t copies[512];
    for (uint32_t i = 0; i < 512; ++i)
        copies[i] = copy_op(mfn_of(page_a), DOMID_SELF, static_cast<uint16_t>(i * 8),
                            mfn_of(page_b), DOMID_SELF, static_cast<uint16_t>(i * 8), 8, 0);
    for (uint32_t i = 0; i < 4096; ++i)
        page_a[i] = static_cast<uint8_t>(i * 7);
    arm_event(&copies[0].status, sizeof copies[0], 512);
    CHECK_EQ(hc::grant_table_op(GNTTABOP_copy, copies, 512), 0,
             "512 copies in one call, an event pending: 0");
    seen = upcall_probe::disarm();
    CHECK(upcall_probe::part_way(seen, statuses.count), "  continued part-way");
    CHECK_EQ(seen.progress, 1, "  after its first entry");
    ok = true;
    for (uint32_t i = 0; i < 512; ++i)
        ok = ok && copies[i].status == GNTST_okay;
    for (uint32_t i = 0; i < 4096; ++i)
        ok = ok && page_b[i] == static_cast<uint8_t>(i * 7);
    CHECK(ok, "  every status okay and the whole page copied");
}

void test_copy()
{
    gnt::grant_v1(&v1()[20], self_id, mfn_of(page_a), GTF_permit_access | GTF_readonly);
    gnt::grant_v1(&v1()[21], self_id, mfn_of(page_b), GTF_permit_access);
    for (uint32_t i = 0; i < 4096; ++i) {
        page_a[i] = 0xA1;
        page_b[i] = 0;
        own[i] = 0x0F;
    }
    gnttab_copy_t c =
        copy_op(20, self_id, 16, mfn_of(own), DOMID_SELF, 32, 100, GNTCOPY_source_gref);
    CHECK_EQ(gnt::copy(c), GNTST_okay, "copy from a grant into an own frame: okay");
    CHECK(own[31] == 0x0F && own[32] == 0xA1 && own[131] == 0xA1 && own[132] == 0x0F,
          "  exactly the bytes asked");
    c = copy_op(mfn_of(own), DOMID_SELF, 0, 21, self_id, 4000, 96, GNTCOPY_dest_gref);
    CHECK_EQ(gnt::copy(c), GNTST_okay, "copy from an own frame into a grant: okay");
    CHECK(page_b[3999] == 0 && page_b[4000] == 0x0F && page_b[4031] == 0x0F &&
              page_b[4032] == 0xA1 && page_b[4095] == 0xA1,
          "  the bytes arrived");
    c = copy_op(20, self_id, 0, 21, DOMID_SELF, 0, 1, GNTCOPY_source_gref | GNTCOPY_dest_gref);
    CHECK_EQ(gnt::copy(c), GNTST_okay,
             "copy between two grants (the second named by DOMID_SELF): okay");
    CHECK_EQ(page_b[0], 0xA1, "  the byte arrived");
    CHECK(v1()[20].flags == (GTF_permit_access | GTF_readonly) &&
              v1()[21].flags == GTF_permit_access,
          "  no flag stays set after a copy");

    struct Case {
        gnttab_copy_t op;
        int16_t want;
        const char* what;
    } cases[] = {
        {copy_op(mfn_of(own), DOMID_SELF, 4000, mfn_of(page_b), DOMID_SELF, 0, 200, 0),
         GNTST_bad_copy_arg, "a source range crossing the page end: GNTST_bad_copy_arg"},
        {copy_op(mfn_of(own), DOMID_SELF, 0, mfn_of(page_b), DOMID_SELF, 4095, 2, 0),
         GNTST_bad_copy_arg, "a destination range crossing the page end: GNTST_bad_copy_arg"},
        {copy_op(mfn_of(own), self_id, 0, mfn_of(page_b), DOMID_SELF, 0, 8, 0),
         GNTST_permission_denied,
         "a frame named with the domain's id instead of DOMID_SELF: GNTST_permission_denied"},
        {copy_op(20, 77, 0, mfn_of(page_b), DOMID_SELF, 0, 8, GNTCOPY_source_gref),
         GNTST_bad_domain, "a grant of a missing domain: GNTST_bad_domain"},
        {copy_op(1024, self_id, 0, mfn_of(page_b), DOMID_SELF, 0, 8, GNTCOPY_source_gref),
         GNTST_bad_gntref, "a ref beyond the table: GNTST_bad_gntref"},
        {copy_op(mfn_of(own), DOMID_SELF, 0, 20, self_id, 0, 8, GNTCOPY_dest_gref),
         GNTST_general_error, "a read-only grant as destination: GNTST_general_error"},
        {copy_op(11, self_id, 0, mfn_of(page_b), DOMID_SELF, 0, 8, GNTCOPY_source_gref),
         GNTST_general_error, "a grant to another domain: GNTST_general_error"},
        {copy_op(m2p_frame(), DOMID_SELF, 0, mfn_of(page_b), DOMID_SELF, 0, 8, 0), GNTST_bad_page,
         "a frame the domain does not own: GNTST_bad_page"},
        {copy_op(mfn_of(own), DOMID_SELF, 0, 77, 77, 0, 0, GNTCOPY_dest_gref), GNTST_okay,
         "length 0 is done before anything is looked at: okay"},
    };
    for (Case& k : cases)
        CHECK_EQ(gnt::copy(k.op), k.want, k.what);

    // The op is read, done, and its status cannot be written back: the
    // call is -EFAULT (Xen's copy-back failing), the bytes have moved.
    own[0] = 0x5C;
    page_b[0] = 0;
    auto* op = reinterpret_cast<gnttab_copy_t*>(ro_ops);
    *op = copy_op(mfn_of(own), DOMID_SELF, 0, mfn_of(page_b), DOMID_SELF, 0, 1, 0);
    op->status = 77;
    CHECK_EQ(hc::update_va_mapping(va_of(ro_ops),
                                   (uint64_t{mfn_of(ro_ops)} << 12) | pte_present | pte_accessed,
                                   UVMF_INVLPG),
             0, "an op array mapped read-only");
    CHECK_EQ(hc::grant_table_op(GNTTABOP_copy, op, 1), -XEN_EFAULT,
             "a copy whose status cannot be written back: -EFAULT");
    CHECK(page_b[0] == 0x5C && op->status == 77, "  the byte moved, the status is untouched");
    CHECK(restore(ro_ops), "  the array writable again");
}

void test_revoke_and_swap()
{
    gnt::grant_v1(&v1()[30], self_id, mfn_of(page_a), GTF_permit_access);
    gnttab_map_grant_ref_t m;
    CHECK_EQ(gnt::map(m, self_id, 30, 0, GNTMAP_device_map), 0, "pin ref 30 with a device mapping");
    gnttab_swap_grant_ref_t sw = {30, 31, 0};
    CHECK_EQ(op1(GNTTABOP_swap_grant_ref, &sw), 0, "swap_grant_ref of a pinned entry: 0");
    CHECK_EQ(sw.status, GNTST_eagain, "  status GNTST_eagain");
    CHECK_EQ(gnt::unmap(m.handle, 0, m.dev_bus_addr), GNTST_okay, "  unpinned");
    CHECK_EQ(op1(GNTTABOP_swap_grant_ref, &sw), 0, "swap_grant_ref once free: 0");
    CHECK_EQ(sw.status, GNTST_okay, "  status okay");
    CHECK(v1()[31].flags == GTF_permit_access && v1()[31].frame == mfn_of(page_a) &&
              v1()[30].flags == 0,
          "  the entries traded places");
    sw = {31, 5000, 0};
    CHECK_EQ(op1(GNTTABOP_swap_grant_ref, &sw), 0, "swap with a ref beyond the table: 0");
    CHECK_EQ(sw.status, GNTST_bad_gntref, "  status GNTST_bad_gntref");
    CHECK(gnt::end_access_v1(&v1()[31]), "an unused grant is revoked by the guest");
}

void test_transfer()
{
    // A frame of our own that nothing maps: a fresh one.
    static xen_pfn_t list[1];
    xen_memory_reservation_t r = {};
    set_xen_guest_handle(r.extent_start, list);
    r.nr_extents = 1;
    r.domid = DOMID_SELF;
    CHECK_EQ(hc::memory_op(XENMEM_increase_reservation, &r), 1, "a fresh frame to transfer");
    static domid_t self = DOMID_SELF;
    int32_t pages = hc::memory_op(XENMEM_current_reservation, &self);
    gnt::grant_v1(&v1()[40], self_id, 0x7777, GTF_accept_transfer);
    gnttab_transfer_t t = {list[0], self_id, 40, 0};
    CHECK_EQ(op1(GNTTABOP_transfer, &t), 0, "transfer of an unmapped frame to itself: 0");
    CHECK_EQ(t.status, GNTST_okay, "  status okay");
    CHECK_EQ(v1()[40].flags, GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed,
             "  the entry is committed and completed");
    CHECK_EQ(v1()[40].frame, list[0], "  and names the frame");
    CHECK_EQ(m2p()[list[0]], 0x7777, "  the M2P puts it at the pfn the entry asked for");
    CHECK_EQ(hc::memory_op(XENMEM_current_reservation, &self), pages,
             "  the domain's size is unchanged");

    gnt::grant_v1(&v1()[41], self_id, 0x7778, GTF_accept_transfer);
    t = {mfn_of(own), self_id, 41, 0};
    CHECK_EQ(op1(GNTTABOP_transfer, &t), 0, "transfer of a mapped frame: 0");
    CHECK_EQ(t.status, GNTST_bad_page, "  status GNTST_bad_page, and the frame stays");
    CHECK_EQ(v1()[41].flags, GTF_accept_transfer, "  the entry is untouched");
    own[0] = 1;
    CHECK_EQ(own[0], 1, "  the page is still ours");
    CHECK_EQ(hc::memory_op(XENMEM_decrease_reservation, &r), 1,
             "the transferred frame can be given back");
}

void test_v2()
{
    gnttab_map_grant_ref_t m;
    CHECK_EQ(gnt::map(m, self_id, 10, 0, GNTMAP_device_map), 0, "a grant in use (ref 10, device)");
    gnttab_set_version_t sv = {2};
    CHECK_EQ(op1(GNTTABOP_set_version, &sv), -XEN_EBUSY,
             "set_version 2 with a grant in use: -EBUSY");
    CHECK_EQ(sv.version, 1, "  the version stays 1");
    CHECK_EQ(gnt::unmap(m.handle, 0, m.dev_bus_addr), GNTST_okay, "  unmapped");
    sv.version = 3;
    CHECK_EQ(op1(GNTTABOP_set_version, &sv), -XEN_EINVAL, "set_version 3: -EINVAL");
    sv.version = 2;
    CHECK_EQ(op1(GNTTABOP_set_version, &sv), 0, "set_version 2: 0");
    CHECK_EQ(sv.version, 2, "  version 2 in force");
    gnttab_get_version_t gv = {DOMID_SELF, 0, 0};
    CHECK_EQ(op1(GNTTABOP_get_version, &gv), 0, "get_version: 0");
    CHECK_EQ(gv.version, 2, "  version 2");

    static uint64_t status_list[2];
    gnttab_get_status_frames_t gs = {};
    gs.nr_frames = 1;
    gs.dom = DOMID_SELF;
    set_xen_guest_handle(gs.frame_list, status_list);
    CHECK_EQ(op1(GNTTABOP_get_status_frames, &gs), 0, "get_status_frames: 0");
    CHECK_EQ(gs.status, GNTST_okay, "  status okay");
    gs.nr_frames = 2;
    CHECK_EQ(op1(GNTTABOP_get_status_frames, &gs), 0,
             "get_status_frames of more than there are: 0");
    CHECK_EQ(gs.status, GNTST_general_error,
             "  status GNTST_general_error (2 frames of 256 entries need 1)");
    CHECK_EQ(hc::update_va_mapping(va_of(status_window),
                                   (uint64_t{static_cast<uint32_t>(status_list[0])} << 12) |
                                       pte_present | pte_accessed,
                                   UVMF_INVLPG),
             0, "the status frame maps read-only by machine address");

    for (uint32_t i = 0; i < 4096; ++i)
        page_a[i] = static_cast<uint8_t>(i);
    gnt::grant_v2(&v2()[50], self_id, mfn_of(page_a), GTF_permit_access);
    CHECK_EQ(gnt::map(m, self_id, 50, va_of(win[3]), GNTMAP_host_map), 0, "a v2 grant maps: 0");
    CHECK_EQ(m.status, GNTST_okay, "  status okay");
    CHECK_EQ(win[3][77], 77, "  the page appears");
    CHECK_EQ(status()[50], GTF_reading | GTF_writing, "  the status word says reading | writing");
    CHECK_EQ(v2()[50].hdr.flags, GTF_permit_access, "  the entry's flags are untouched");
    CHECK_EQ(gnt::unmap(m.handle, va_of(win[3])), GNTST_okay, "  unmap: okay");
    CHECK_EQ(status()[50], 0, "  the status word is clear");

    gnt::grant_sub_page(&v2()[51], self_id, mfn_of(page_a), 1024, 16, GTF_permit_access);
    CHECK_EQ(gnt::map(m, self_id, 51, va_of(win[3]), GNTMAP_host_map), 0, "a sub-page grant: 0");
    CHECK_EQ(m.status, GNTST_general_error, "  cannot be mapped: GNTST_general_error");
    gnttab_copy_t c =
        copy_op(51, self_id, 1024, mfn_of(own), DOMID_SELF, 0, 16, GNTCOPY_source_gref);
    CHECK_EQ(gnt::copy(c), GNTST_okay, "  but copied from within its window: okay");
    CHECK(own[0] == static_cast<uint8_t>(1024) && own[15] == static_cast<uint8_t>(1039),
          "  the bytes arrived");
    c = copy_op(51, self_id, 1020, mfn_of(own), DOMID_SELF, 0, 16, GNTCOPY_source_gref);
    CHECK_EQ(gnt::copy(c), GNTST_general_error, "  not from outside it: GNTST_general_error");

    sv.version = 1;
    CHECK_EQ(op1(GNTTABOP_set_version, &sv), -XEN_EBUSY,
             "back to version 1 while the status frame is mapped: -EBUSY");
    CHECK_EQ(sv.version, 2, "  version 2 stays");
    CHECK(restore(status_window), "  (status frame unmapped)");
    sv.version = 1;
    CHECK_EQ(op1(GNTTABOP_set_version, &sv), 0, "back to version 1: 0");
    CHECK_EQ(sv.version, 1, "  version 1");
    gs.nr_frames = 1;
    CHECK_EQ(op1(GNTTABOP_get_status_frames, &gs), 0, "get_status_frames in version 1: 0");
    CHECK_EQ(gs.status, GNTST_general_error, "  status GNTST_general_error (no status frames)");
    CHECK_EQ(v1()[10].flags, 0, "  the old entries are gone");
}

// One mapping left in place: the shutdown audit must count its references.
void leave_one_mapped()
{
    gnt::grant_v1(&v1()[60], self_id, mfn_of(page_b), GTF_permit_access);
    gnttab_map_grant_ref_t m;
    CHECK_EQ(gnt::map(m, self_id, 60, va_of(win[3]), GNTMAP_host_map), 0,
             "a mapping left for the audit");
    CHECK_EQ(m.status, GNTST_okay, "  status okay");
}

} // namespace

void guest_main(start_info_t*)
{
    test_setup();
    test_map_unmap();
    test_map_refusals();
    test_batches();
    test_copy();
    test_revoke_and_swap();
    test_transfer();
    test_v2();
    leave_one_mapped();
}
