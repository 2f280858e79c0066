// A fake hypervisor behind the domain builder's Hypercalls interface
// (tools/lib/domain_builder/hypercalls.hpp): domains with simulated memory
// (frames are host arrays, mapped by handing out their address), every call
// recorded by name, and any call made to fail on its n-th use. It checks
// what a real hypervisor would refuse: foreign frames of another domain, a
// writable mapping of a pinned page table, pinning a tree while one of its
// frames is still mapped, a table entry making a table frame writable.
// For the rest of the toolstack (tools/lib/xl) it also answers sysctl
// (domain list, physinfo), dom0's interdomain event channels and
// SCHEDOP_remote_shutdown.
#pragma once
#include "tools/lib/domain_builder/hypercalls.hpp"

#include <public/errno.h>

#include "tools/lib/base/allocator.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace buildtest {

using Page = std::array<uint8_t, 4096>;

// The builder's allocator in the tests: malloc, counting what is still
// allocated; fail makes every allocation fail.
struct Counting_allocator {
    size_t live = 0;
    bool fail = false;
    toolstack::Allocator a{
        [](void* ctx, size_t n) -> void* {
            auto* self = static_cast<Counting_allocator*>(ctx);
            if (self->fail)
                return nullptr;
            self->live += n;
            return std::malloc(n);
        },
        [](void* ctx, void* p, size_t n) {
            static_cast<Counting_allocator*>(ctx)->live -= n;
            std::free(p);
        },
        this};
};

struct Fake_domain {
    domid_t id = 0;
    xen_domctl_createdomain config{};
    uint32_t max_vcpus_set = 0;
    uint64_t max_memkb = 0;
    uint32_t tot_pages = 0;
    xen_pfn_t shared_info_mfn = 0;
    xen_pfn_t grant_frame = 0;
    bool paused = true;
    bool has_context = false;
    vcpu_guest_context context{};
    std::vector<xen_pfn_t> pinned_l3;
    std::set<xen_pfn_t> table_frames; // typed as page tables by the pin
    xen_pfn_t hypercall_page = 0;
    std::vector<struct evtchn_alloc_unbound> ports;
    // For the toolstack's tests (xl_*_test.cpp): what SCHEDOP_shutdown or
    // SCHEDOP_remote_shutdown left (XEN_DOMINF_shutdown and its SHUTDOWN_*
    // code in getdomaininfolist), and the time it ran.
    bool shutdown = false;
    unsigned shutdown_reason = 0;
    uint64_t cpu_time = 0;
};

class Fake_hypervisor final : public toolstack::Hypercalls {
public:
    static constexpr xen_pfn_t low_base = 0x8000;    // below 4 GiB
    static constexpr xen_pfn_t high_base = 0x180000; // above 4 GiB
    uint32_t free_frames = 1u << 20;
    domid_t next_domid = 7;
    int16_t grant_status = GNTST_okay; // what GNTTABOP_setup_table reports

    std::map<xen_pfn_t, std::unique_ptr<Page>> frames;
    std::map<xen_pfn_t, domid_t> owner;
    std::map<domid_t, Fake_domain> domains;
    std::vector<domid_t> destroyed;
    std::vector<std::string> calls;
    std::map<void*, xen_pfn_t> mapped; // live foreign mappings
    unsigned maps_made = 0;

    // The n-th call (from 1) named 'name' returns -err.
    void fail(const std::string& name, unsigned nth, int err)
    {
        fail_name_ = name;
        fail_nth_ = nth;
        fail_err_ = err;
    }

    Page& frame(xen_pfn_t mfn) { return *frames.at(mfn); }
    unsigned count(const std::string& name) const
    {
        unsigned n = 0;
        for (const std::string& c : calls)
            n += c == name;
        return n;
    }

    int domctl(xen_domctl& op, void* buffer, size_t len) override
    {
        static const std::map<uint32_t, std::string> names = {
            {XEN_DOMCTL_createdomain, "createdomain"},     {XEN_DOMCTL_destroydomain, "destroydomain"},
            {XEN_DOMCTL_unpausedomain, "unpausedomain"},   {XEN_DOMCTL_getdomaininfo, "getdomaininfo"},
            {XEN_DOMCTL_max_mem, "max_mem"},               {XEN_DOMCTL_setvcpucontext, "setvcpucontext"},
            {XEN_DOMCTL_max_vcpus, "max_vcpus"},           {XEN_DOMCTL_hypercall_init, "hypercall_init"}};
        auto n = names.find(op.cmd);
        if (n == names.end() || op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
            return -XEN_ENOSYS;
        if (int rc = record("domctl:" + n->second))
            return rc;
        if (op.cmd == XEN_DOMCTL_createdomain)
            return create(op);
        auto it = domains.find(op.domain);
        if (it == domains.end())
            return -XEN_ESRCH;
        Fake_domain& d = it->second;
        switch (op.cmd) {
        case XEN_DOMCTL_destroydomain: destroy(d.id); return 0;
        case XEN_DOMCTL_unpausedomain:
            if (!d.has_context)
                return -XEN_EINVAL;
            d.paused = false;
            return 0;
        case XEN_DOMCTL_getdomaininfo:
            op.u.getdomaininfo = xen_domctl_getdomaininfo{};
            op.u.getdomaininfo.domain = d.id;
            op.u.getdomaininfo.tot_pages = d.tot_pages;
            op.u.getdomaininfo.shared_info_frame = d.shared_info_mfn;
            return 0;
        case XEN_DOMCTL_max_mem: d.max_memkb = op.u.max_mem.max_memkb; return 0;
        case XEN_DOMCTL_max_vcpus:
            if (op.u.max_vcpus.max != d.config.max_vcpus)
                return -XEN_EINVAL;
            d.max_vcpus_set = op.u.max_vcpus.max;
            return 0;
        case XEN_DOMCTL_setvcpucontext:
            if (op.u.vcpucontext.vcpu != 0 || !buffer || len != sizeof(vcpu_guest_context))
                return -XEN_EINVAL;
            std::memcpy(&d.context, buffer, len);
            d.has_context = true;
            return 0;
        case XEN_DOMCTL_hypercall_init: {
            uint64_t gmfn = op.u.hypercall_init.gmfn;
            if (owner_of(static_cast<xen_pfn_t>(gmfn)) != d.id)
                return -XEN_EINVAL;
            d.hypercall_page = static_cast<xen_pfn_t>(gmfn);
            return 0;
        }
        }
        return -XEN_ENOSYS;
    }

    long populate_physmap(xen_memory_reservation& r, xen_pfn_t* extents) override
    {
        if (int rc = record("populate_physmap"))
            return rc;
        auto it = domains.find(r.domid);
        if (it == domains.end())
            return -XEN_ESRCH;
        if (r.extent_order != 0)
            return -XEN_EINVAL;
        Fake_domain& d = it->second;
        bool low = XENMEMF_get_address_bits(r.mem_flags) == 32;
        for (xen_ulong_t i = 0; i < r.nr_extents; ++i) {
            if (!free_frames || uint64_t{d.tot_pages + 1} * 4 > d.max_memkb)
                return static_cast<long>(i);
            // Scattered, descending within each pool: a builder that
            // assumes contiguous frames writes to the wrong ones.
            xen_pfn_t mfn = (low ? low_base : high_base) + 0x10000 - 2 * next_frame_++;
            extents[i] = new_frame(mfn, d.id);
            ++d.tot_pages;
        }
        return static_cast<long>(r.nr_extents);
    }

    int mmuext_op(const struct mmuext_op* ops, unsigned count, domid_t foreigndom) override
    {
        if (int rc = record("mmuext:pin_l3"))
            return rc;
        auto it = domains.find(foreigndom);
        if (count != 1 || ops[0].cmd != MMUEXT_PIN_L3_TABLE || it == domains.end())
            return -XEN_EINVAL;
        return pin_l3(it->second, ops[0].arg1.mfn);
    }

    int evtchn_alloc_unbound(struct evtchn_alloc_unbound& op) override
    {
        if (int rc = record("evtchn_alloc_unbound"))
            return rc;
        auto it = domains.find(op.dom);
        if (it == domains.end())
            return -XEN_ESRCH;
        op.port = static_cast<evtchn_port_t>(it->second.ports.size() + 1);
        it->second.ports.push_back(op);
        return 0;
    }

    int grant_setup_table(gnttab_setup_table& op, xen_pfn_t* frames) override
    {
        if (int rc = record("grant_setup_table"))
            return rc;
        auto it = domains.find(op.dom);
        if (it == domains.end() || op.nr_frames != 1) {
            op.status = GNTST_bad_domain;
            return 0;
        }
        Fake_domain& d = it->second;
        if (!d.grant_frame) {
            d.grant_frame = new_frame(0x6000 + d.id, d.id);
            frame(d.grant_frame).fill(0); // a fresh table is empty
        }
        frames[0] = d.grant_frame;
        op.status = grant_status;
        return 0;
    }

    int map_foreign(domid_t dom, xen_pfn_t mfn, void*& out) override
    {
        if (int rc = record("map_foreign"))
            return rc;
        if (owner_of(mfn) != dom || !domains.count(dom))
            return -XEN_EPERM;
        if (domains[dom].table_frames.count(mfn))
            return -XEN_EINVAL; // a page table is never mapped writable
        out = frame(mfn).data();
        mapped[out] = mfn;
        ++maps_made;
        return 0;
    }

    void unmap_foreign(void* page) override { mapped.erase(page); }

    // --- What the rest of the toolstack calls (tools/lib/xl) ---
    // dom0's interdomain event channels: its local port -> the remote end.
    struct Binding {
        domid_t dom;
        evtchn_port_t port;
    };
    std::map<evtchn_port_t, Binding> bound;
    evtchn_port_t next_local_port = 16; // what the next bind hands out
    std::vector<evtchn_port_t> sent;    // EVTCHNOP_send, in order
    std::vector<std::pair<domid_t, unsigned>> remote_shutdowns;
    uint64_t dom0_pages = 65536; // dom0 as getdomaininfolist reports it
    bool report_dom0 = true;

    // XEN_SYSCTL_getdomaininfolist (dom0, then every domain, by id) and
    // XEN_SYSCTL_physinfo; others -ENOSYS.
    int sysctl(struct xen_sysctl& op, void* buffer, size_t len) override
    {
        if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
            return -XEN_EACCES;
        if (op.cmd == XEN_SYSCTL_physinfo) {
            if (int rc = record("sysctl:physinfo"))
                return rc;
            op.u.physinfo = xen_sysctl_physinfo{};
            op.u.physinfo.threads_per_core = 1;
            op.u.physinfo.cores_per_socket = 2;
            op.u.physinfo.nr_cpus = 2;
            op.u.physinfo.max_cpu_id = 1;
            op.u.physinfo.nr_nodes = 1;
            op.u.physinfo.cpu_khz = 2000000;
            op.u.physinfo.total_pages = 1u << 20;
            op.u.physinfo.free_pages = free_frames;
            return 0;
        }
        if (op.cmd != XEN_SYSCTL_getdomaininfolist)
            return -XEN_ENOSYS;
        if (int rc = record("sysctl:getdomaininfolist"))
            return rc;
        xen_sysctl_getdomaininfolist& l = op.u.getdomaininfolist;
        if (!buffer || len < size_t{l.max_domains} * sizeof(xen_domctl_getdomaininfo_t))
            return -XEN_EFAULT;
        auto* out = static_cast<xen_domctl_getdomaininfo_t*>(buffer);
        uint32_t n = 0;
        if (report_dom0 && l.first_domain == 0 && n < l.max_domains) {
            out[n] = xen_domctl_getdomaininfo_t{};
            out[n].flags = XEN_DOMINF_running;
            out[n].tot_pages = out[n].max_pages = dom0_pages;
            out[n].nr_online_vcpus = 1;
            ++n;
        }
        for (auto it = domains.lower_bound(l.first_domain); it != domains.end() && n < l.max_domains;
             ++it) {
            const Fake_domain& d = it->second;
            xen_domctl_getdomaininfo_t& i = out[n++];
            i = xen_domctl_getdomaininfo_t{};
            i.domain = d.id;
            if (d.shutdown)
                i.flags = XEN_DOMINF_shutdown | (d.shutdown_reason << XEN_DOMINF_shutdownshift);
            else
                i.flags = d.paused ? XEN_DOMINF_paused : XEN_DOMINF_blocked;
            i.tot_pages = d.tot_pages;
            i.max_pages = d.max_memkb / 4;
            i.shared_info_frame = d.shared_info_mfn;
            i.cpu_time = d.cpu_time;
            i.nr_online_vcpus = d.has_context ? 1 : 0;
            i.max_vcpu_id = d.config.max_vcpus ? d.config.max_vcpus - 1 : 0;
        }
        l.num_domains = n;
        return 0;
    }

    // Binds a new dom0 port to dom's unbound port meant for dom0.
    int evtchn_bind_interdomain(domid_t dom, evtchn_port_t remote, evtchn_port_t& local) override
    {
        if (int rc = record("evtchn_bind_interdomain"))
            return rc;
        auto it = domains.find(dom);
        if (it == domains.end())
            return -XEN_ESRCH;
        const std::vector<struct evtchn_alloc_unbound>& ports = it->second.ports;
        if (remote == 0 || remote > ports.size() || ports[remote - 1].remote_dom != 0)
            return -XEN_EINVAL;
        for (const auto& b : bound)
            if (b.second.dom == dom && b.second.port == remote)
                return -XEN_EINVAL; // no longer unbound
        local = next_local_port++;
        bound[local] = Binding{dom, remote};
        return 0;
    }

    int evtchn_close(evtchn_port_t port) override
    {
        if (int rc = record("evtchn_close"))
            return rc;
        return bound.erase(port) ? 0 : -XEN_EINVAL;
    }

    int evtchn_send(evtchn_port_t port) override
    {
        if (int rc = record("evtchn_send"))
            return rc;
        if (!bound.count(port))
            return -XEN_EINVAL;
        sent.push_back(port);
        return 0;
    }

    // What Xen does: the domain is shut down with reason, as if it had
    // called SCHEDOP_shutdown itself.
    int remote_shutdown(domid_t dom, unsigned reason) override
    {
        if (int rc = record("remote_shutdown"))
            return rc;
        auto it = domains.find(dom);
        if (it == domains.end())
            return -XEN_ESRCH;
        it->second.shutdown = true;
        it->second.shutdown_reason = reason;
        remote_shutdowns.emplace_back(dom, reason);
        return 0;
    }

private:
    int record(const std::string& name)
    {
        calls.push_back(name);
        if (name == fail_name_ && count(name) == fail_nth_)
            return -fail_err_;
        return 0;
    }

    domid_t owner_of(xen_pfn_t mfn) const
    {
        auto it = owner.find(mfn);
        return it == owner.end() ? DOMID_INVALID : it->second;
    }

    xen_pfn_t new_frame(xen_pfn_t mfn, domid_t dom)
    {
        auto p = std::make_unique<Page>();
        p->fill(0xA5); // not scrubbed: the builder must clear what it uses
        frames[mfn] = std::move(p);
        owner[mfn] = dom;
        --free_frames;
        return mfn;
    }

    int create(xen_domctl& op)
    {
        const xen_domctl_createdomain& c = op.u.createdomain;
        if (c.flags != 0 || c.max_vcpus < 1)
            return -XEN_EINVAL;
        domid_t id = op.domain ? op.domain : next_domid++;
        if (domains.count(id))
            return -XEN_EEXIST;
        Fake_domain& d = domains[id];
        d.id = id;
        d.config = c;
        d.shared_info_mfn = new_frame(0x7000 + id, id);
        op.domain = id;
        return 0;
    }

    void destroy(domid_t id)
    {
        for (auto it = owner.begin(); it != owner.end();)
            if (it->second == id) {
                frames.erase(it->first);
                it = owner.erase(it);
                ++free_frames;
            } else {
                ++it;
            }
        domains.erase(id);
        destroyed.push_back(id);
    }

    // Xen's validation, reduced to what the bootstrap tables must obey: the
    // tree is the domain's, no frame of it is mapped, no L1 entry maps one
    // of its frames writable.
    int pin_l3(Fake_domain& d, xen_pfn_t l3)
    {
        std::set<xen_pfn_t> tree{l3};
        std::vector<xen_pfn_t> l1s;
        const uint64_t* e3 = reinterpret_cast<const uint64_t*>(frame_of(d, l3));
        if (!e3)
            return -XEN_EINVAL;
        for (unsigned s = 0; s < 4; ++s) {
            if (!(e3[s] & 1))
                continue;
            xen_pfn_t l2 = static_cast<xen_pfn_t>(e3[s] >> 12);
            const uint64_t* e2 = reinterpret_cast<const uint64_t*>(frame_of(d, l2));
            if (!e2 || (e3[s] & 0xFFE))
                return -XEN_EINVAL;
            tree.insert(l2);
            for (unsigned i = 0; i < 512; ++i)
                if (e2[i] & 1) {
                    xen_pfn_t l1 = static_cast<xen_pfn_t>((e2[i] & 0xFFFFFFFFFF000ull) >> 12);
                    if (!frame_of(d, l1))
                        return -XEN_EINVAL;
                    tree.insert(l1);
                    l1s.push_back(l1);
                }
        }
        for (xen_pfn_t l1 : l1s) {
            const uint64_t* e1 = reinterpret_cast<const uint64_t*>(frame_of(d, l1));
            for (unsigned i = 0; i < 512; ++i) {
                xen_pfn_t m = static_cast<xen_pfn_t>((e1[i] & 0xFFFFFFFFFF000ull) >> 12);
                if ((e1[i] & 1) && !frame_of(d, m))
                    return -XEN_EINVAL;
                if ((e1[i] & 1) && (e1[i] & 2) && tree.count(m))
                    return -XEN_EINVAL;
            }
        }
        for (const auto& m : mapped)
            if (tree.count(m.second))
                return -XEN_EINVAL;
        d.table_frames.insert(tree.begin(), tree.end());
        d.pinned_l3.push_back(l3);
        return 0;
    }

    uint8_t* frame_of(const Fake_domain& d, xen_pfn_t mfn)
    {
        return owner_of(mfn) == d.id ? frame(mfn).data() : nullptr;
    }

    std::string fail_name_;
    unsigned fail_nth_ = 0;
    int fail_err_ = 0;
    uint32_t next_frame_ = 0;
};

} // namespace buildtest
