// The sub-operations of HYPERVISOR_grant_table_op on kernel structs (the
// hypercall edge, hc_grant.cpp, copies the guest's arrays in and out and
// runs the batches). Semantics, checks and their order are Xen's
// (xen/common/grant_table.c); each result is a GNTST_* status for the
// batched sub-ops and a Xen errno where Xen returns one.
//
// A domain may map and copy its own grants: Xen's map_grant_ref does not
// look at whether mapper and granter differ (only the entry's domid must
// name the mapper), and gnttab_host_mapping_get_page_type() treats ld == rd
// explicitly.
#pragma once
#include <cstdint>

#include "hypervisor/grant/grant_table.hpp"
#include "hypervisor/mm/audit/page_audit.hpp"

struct Domain;
struct Vcpu;

namespace grant {

// Where setup_table and get_status_frames write frame numbers; put()
// false means the guest's list could not be written (GNTST_bad_virt_addr).
class Frame_sink {
public:
    virtual bool put(uint32_t index, uint64_t frame) = 0;

protected:
    ~Frame_sink() = default;
};

// GNTTABOP_map_grant_ref by v: op.status, and on success op.handle and
// op.dev_bus_addr (the frame's machine address, for a PV mapper).
void map(Grant_env& env, Vcpu& v, gnttab_map_grant_ref& op);

// GNTTABOP_unmap_grant_ref and GNTTABOP_unmap_and_replace, in two phases
// (Xen's unmap_common and unmap_common_complete): unmap() removes the
// mappings the request names and returns the status; once the batch's
// unmaps are done the caller flushes the mapper's TLB (env.flush_tlb) and
// calls unmap_complete() on each Unmap_work, which drops the references
// and pins, so no frame is released while a stale translation remains.
struct Unmap_request {
    uint64_t host_addr = 0;
    uint64_t dev_bus_addr = 0;
    uint64_t new_addr = 0; // unmap_and_replace only
    uint32_t handle = 0;
};
struct Unmap_work {
    uint32_t handle = 0;
    uint32_t ref = 0;
    uint16_t domid = 0;
    uint8_t done = 0; // GNTMAP_host_map/device_map unmapped, | GNTMAP_readonly
};
[[nodiscard]] int16_t unmap(Grant_env& env, Vcpu& v, const Unmap_request& r, Unmap_work& w);
void unmap_complete(Grant_env& env, Domain& ld, const Unmap_work& w);

// One side of a copy, as a batch keeps it (grant_copy.cpp).
struct Copy_side {
    Env_domain held;       // the domain named, held while the batch names it
    Domain* dom = nullptr; // nullptr: none looked up
    uint16_t domid = 0;    // as the op named it (DOMID_SELF or an id)
    bool gref = false;     // what is claimed: a grant (name is the ref) or a frame (the gmfn)
    uint32_t name = 0;
    Mfn mfn = invalid_mfn;
    unsigned char* va = nullptr; // the frame, mapped (through map() when 'mapped')
    bool mapped = false;
    uint16_t start = 0; // the window the grant allows
    uint16_t length = page_size;
    bool readonly = true;
    bool have_grant = false; // pinned
    bool have_ref = false;   // a general reference, and a writable type one unless readonly
};

// GNTTABOP_copy by 'caller', a batch of ops (Xen's gnttab_copy with its
// copy buffers): each side's domain, pinned grant or frame references and
// mapping are kept from one op to the next while the ops name the same
// domain and the same grant or frame, and given back by end() (or the
// destructor), which the hypercall reaches before it returns, preempted
// or not. Every op is checked in full; only the claim is kept.
class Copy_batch {
public:
    Copy_batch(Grant_env& env, Domain& caller) : env_(env), caller_(caller) { dst_.readonly = false; }
    ~Copy_batch() // the domains go with the sides
    {
        release(dst_);
        release(src_);
    }
    Copy_batch(const Copy_batch&) = delete;
    Copy_batch& operator=(const Copy_batch&) = delete;

    [[nodiscard]] int16_t copy(const gnttab_copy& op);
    void end()
    {
        if (src_.dom != nullptr || dst_.dom != nullptr)
            drop_domains();
    }

private:
    int16_t claim(Copy_side& s, const gnttab_copy_ptr& p, bool gref);
    // A side claims something exactly when it has a mapping of it.
    void release(Copy_side& s)
    {
        if (s.va != nullptr)
            give_back(s, s.mapped);
    }
    void give_back(Copy_side& s, bool mapped);
    void drop_domains();

    Grant_env& env_;
    Domain& caller_;
    Copy_side src_, dst_;
};

// A batch of one.
[[nodiscard]] int16_t copy(Grant_env& env, Domain& caller, const gnttab_copy& op);

// GNTTABOP_transfer by 'caller': even when it fails the frame is no longer
// the caller's, unless the status is GNTST_bad_page.
[[nodiscard]] int16_t transfer(Grant_env& env, Domain& caller, const gnttab_transfer& op);

// GNTTABOP_setup_table: dom's table grows to nr_frames if smaller; its
// first nr_frames frames go to 'out' (machine frames: a PV caller maps
// them by machine address).
[[nodiscard]] int16_t setup_table(Grant_env& env, Domain& caller, uint16_t dom, uint32_t nr_frames,
                                  Frame_sink& out);
[[nodiscard]] int16_t query_size(Grant_env& env, Domain& caller, uint16_t dom, uint32_t& nr_frames,
                                 uint32_t& max_frames);
// GNTTABOP_set_version on the caller's own table: 0 or -EINVAL, -ENOSYS,
// -EBUSY, -ERANGE, -ENOMEM; 'version' becomes the version now in force.
[[nodiscard]] long set_version(Grant_env& env, Domain& caller, uint32_t& version);
// GNTTABOP_get_version: 0, -ESRCH or -EPERM.
[[nodiscard]] long get_version(Grant_env& env, Domain& caller, uint16_t dom, uint32_t& version);
[[nodiscard]] int16_t get_status_frames(Grant_env& env, Domain& caller, uint16_t dom,
                                        uint32_t nr_frames, Frame_sink& out);
[[nodiscard]] int16_t swap_refs(Grant_env& env, Domain& caller, uint32_t ref_a, uint32_t ref_b);

// Domain teardown, in this order (docs/design.md "Grant tables"):
//  1. release_mappings(d): every mapping d made (of any domain's grants,
//     its own included) is undone: host PTEs still in place are cleared,
//     references and pins dropped. Call once d's vCPUs no longer run.
//  2. revoke_mappings(d): every mapping other domains still hold of d's
//     grants is removed by force (their PTEs cleared, their TLBs flushed),
//     so nothing keeps reaching d's memory. From here on d's grants can be
//     neither mapped nor copied.
//  3. pins_drained(d), until true: a copy that found d's table alive just
//     before 2 may still hold a pin on one of its grants, until its batch
//     ends. (Only copies: every mapping is gone.)
//  4. (d's page tables and memory are relinquished.)
//  5. table_destroy(d): the table's frames and memory are freed (a frame
//     still mapped by a page table goes when that mapping goes); d.grant is
//     nullptr afterwards, the emptied table stays dying in d.grant_storage.
//     Runs 1 and 2 itself if they were skipped.
// No lock may be held by the caller.
void release_mappings(Grant_env& env, Domain& d);
void revoke_mappings(Grant_env& env, Domain& d);
[[nodiscard]] bool pins_drained(Domain& d);
void table_destroy(Grant_env& env, Domain& d);

// References the hypervisor holds outside page tables for d's grants, for
// the reference audit: its own on each shared and status frame, and those
// of d's device mappings. Writes at most 'max' and returns how many exist.
uint32_t external_refs(Grant_env& env, const Domain& d, External_ref* out, uint32_t max);
// The frames d's host mappings of grants map (the audit accepts them in
// d's L1s though they are another domain's). Writes at most 'max' and
// returns how many exist.
uint32_t granted_frames(Grant_env& env, const Domain& d, Granted_frame* out, uint32_t max);

} // namespace grant
