#include "domu_fleet.hpp"

#include "console.hpp"
#include "ctl_ops.hpp"
#include "hypercall.hpp"
#include "launch_arena.hpp"
#include "ramdisk_archive.hpp"
#include "shared.hpp"
#include "test.hpp"
#include "tools/lib/domain_builder/domain_builder.hpp"

namespace {

bool all_shut_down(Guest_hypercalls& hc, const domid_t* ids, unsigned n)
{
    for (unsigned i = 0; i < n; ++i)
        if (!(domu_flags(hc, ids[i]) & XEN_DOMINF_shutdown))
            return false;
    return true;
}

} // namespace

uint32_t domu_flags(Guest_hypercalls& hc, domid_t d)
{
    xen_domctl op = domctl_op(XEN_DOMCTL_getdomaininfo, d);
    return hc.domctl(op, nullptr, 0) == 0 ? op.u.getdomaininfo.flags : 0;
}

bool Domu_fleet::build(const uint8_t* archive, uint32_t archive_len, const char* elf, domid_t domid,
                       const char* cmdline, uint32_t memory_kib, unsigned vcpus)
{
    archive::File kernel;
    bool found = archive_len && archive::find(archive, archive_len, elf, kernel);
    CHECK(found, "the ramdisk archive holds the domU's kernel");
    if (!found || n_ == max_domus)
        return false;
    toolstack::Build_request req;
    req.kernel = kernel.data;
    req.kernel_len = kernel.len;
    req.cmdline = cmdline;
    req.memory_kib = memory_kib;
    req.max_vcpus = vcpus;
    req.domid = domid;
    req.start = false;
    toolstack::Build_result out;
    toolstack::Build_error err;
    // Printed before and after: with console_timestamps=boot the two lines
    // time the build (and, with the domU's first relayed line, its start).
    printf("fleet: building %s (%u KiB, %u vCPUs)\n", elf, memory_kib, vcpus);
    uint64_t t0 = guest_rdtsc();
    bool built = toolstack::build_pv_domain(hc_, launch::arena_allocator(), req, out, err);
    uint64_t cycles = guest_rdtsc() - t0;
    if (!built)
        printf("fleet: build of %s failed: %s (errno %d)\n", elf, err.text, err.xen_errno);
    CHECK(built, "the domain builder builds the domU");
    CHECK_EQ(launch::arena_used(), 0, "the builder gave back all its memory");
    if (!built)
        return false;
    printf("fleet: built %s as d%u (%u pages) with \"%s\" in %u kcycles\n", elf, out.domid, out.nr_pages,
           cmdline, static_cast<uint32_t>(cycles / 1000));
    domu_[n_].domid = out.domid;
    domu_[n_].console_mfn = static_cast<uint32_t>(out.console_mfn);
    ++n_;
    return true;
}

bool Domu_fleet::start()
{
    bool ok = true;
    for (unsigned i = 0; i < n_; ++i)
        ok &= domu_[i].console.attach(hc_, domu_[i].domid, domu_[i].console_mfn);
    CHECK(ok, "dom0 maps every domU's console ring");
    for (unsigned i = 0; i < n_; ++i) {
        xen_domctl op = domctl_op(XEN_DOMCTL_unpausedomain, domu_[i].domid);
        ok &= hc_.domctl(op, nullptr, 0) == 0;
    }
    CHECK(ok, "every domU is unpaused");
    return ok;
}

void Domu_fleet::run_to_completion(bool quiet)
{
    domid_t ids[max_domus];
    for (unsigned i = 0; i < n_; ++i)
        ids[i] = domu_[i].domid;
    // The domUs run their checks (seconds under TCG); dom0 yields between
    // drains, or for a benchmark (quiet) sleeps 1 ms in SCHEDOP_poll so
    // that it takes none of their time. The scenarios yield: once in some
    // hundred runs on two busy CPUs that poll never returned, a lost
    // wake-up still to be found.
    bool done = false;
    uint64_t give_up = system_time_ns() + 600ull * 1000000000ull;
    while (!done && system_time_ns() < give_up) {
        if (quiet) {
            sched_poll_t p = {};
            p.timeout = system_time_now_ns(0) + 1000000;
            (void)hc::sched_poll(&p);
        } else {
            (void)hc::sched_yield();
        }
        drain_all();
        done = all_shut_down(hc_, ids, n_);
    }
    for (unsigned i = 0; i < n_; ++i) {
        Domu& d = domu_[i];
        d.console.detach();
        uint32_t flags = domu_flags(hc_, d.domid);
        printf("fleet: d%u relayed %u lines, flags %#x\n", d.domid, d.console.lines(), flags);
        CHECK(d.console.lines() > 0, "the domU's output came through its console ring");
        CHECK(flags & XEN_DOMINF_shutdown, "the domU shut down");
        CHECK_EQ((flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask, SHUTDOWN_poweroff,
                 "the domU powered off (all its checks passed)");
        xen_domctl op = domctl_op(XEN_DOMCTL_destroydomain, d.domid);
        CHECK_EQ(hc_.domctl(op, nullptr, 0), 0, "XEN_DOMCTL_destroydomain");
    }
}

void Domu_fleet::relay_for(uint32_t ms)
{
    uint64_t until = system_time_ns() + uint64_t{ms} * 1000000;
    while (system_time_ns() < until) {
        (void)hc::sched_yield();
        drain_all();
    }
}

void Domu_fleet::drain_all()
{
    for (unsigned k = 0; k < n_; ++k)
        domu_[k].console.drain();
}

bool Domu_fleet::destroy_now(domid_t domid)
{
    for (unsigned i = 0; i < n_; ++i) {
        if (domu_[i].domid != domid)
            continue;
        domu_[i].console.drain();
        domu_[i].console.detach();
        xen_domctl op = domctl_op(XEN_DOMCTL_destroydomain, domid);
        bool ok = hc_.domctl(op, nullptr, 0) == 0;
        CHECK(ok, "XEN_DOMCTL_destroydomain of a running domU");
        for (unsigned k = i + 1; k < n_; ++k)
            domu_[k - 1] = domu_[k];
        --n_;
        domu_[n_] = Domu{};
        return ok;
    }
    CHECK(false, "destroy_now: the domU is in the fleet");
    return false;
}

uint64_t physinfo_free_pages()
{
    xen_sysctl_t s = sysctl_op(XEN_SYSCTL_physinfo);
    return hc::call(__HYPERVISOR_sysctl, hc::arg(&s)) == 0 ? s.u.physinfo.free_pages : 0;
}
