// A test dom0 kernel that starts a domU: its initial ramdisk is an archive
// (ramdisk_archive.hpp) holding hello.elf, which the toolstack's domain
// builder (tools/lib/domain_builder) makes into a 16 MiB domain through
// real hypercalls (toolstack_hypercalls.hpp). dom0 then waits for the domU
// to power off and destroys it.
#include "console.hpp"
#include "domu_console.hpp"
#include "hypercall.hpp"
#include "ramdisk_archive.hpp"
#include "test.hpp"
#include "toolstack_hypercalls.hpp"
#include "tools/lib/domain_builder/domain_builder.hpp"

namespace {

// The builder's allocations (the P2M, a vCPU context) from a bump arena;
// only the latest block is ever given back.
alignas(8) uint8_t arena[128 * 1024];
size_t arena_used;

void* arena_alloc(void*, size_t n)
{
    n = (n + 7) & ~size_t{7};
    if (n > sizeof arena - arena_used)
        return nullptr;
    void* p = arena + arena_used;
    arena_used += n;
    return p;
}

void arena_release(void*, void* p, size_t n)
{
    n = (n + 7) & ~size_t{7};
    if (static_cast<uint8_t*>(p) + n == arena + arena_used)
        arena_used -= n;
}

Guest_hypercalls hcalls;

// XEN_DOMCTL_getdomaininfo's flags, or 0 when the call fails.
uint32_t domain_flags(domid_t d)
{
    xen_domctl op{};
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = d;
    return hcalls.domctl(op, nullptr, 0) == 0 ? op.u.getdomaininfo.flags : 0;
}

} // namespace

void guest_main(start_info_t* si)
{
    const auto* rd = reinterpret_cast<const uint8_t*>(si->mod_start);
    CHECK(si->mod_start && si->mod_len, "dom0 has an initial ramdisk");
    archive::File kernel;
    bool found = si->mod_len && archive::find(rd, si->mod_len, "hello.elf", kernel);
    CHECK(found, "the ramdisk archive holds hello.elf");
    if (!found)
        return;

    toolstack::Allocator alloc{arena_alloc, arena_release, nullptr};
    toolstack::Build_request req;
    req.kernel = kernel.data;
    req.kernel_len = kernel.len;
    req.cmdline = "launched by domu_launch";
    req.memory_kib = 16 * 1024;
    req.max_vcpus = 1;
    toolstack::Build_result out;
    toolstack::Build_error err;
    bool built = toolstack::build_pv_domain(hcalls, alloc, req, out, err);
    if (!built)
        printf("domu_launch: build failed: %s (errno %d)\n", err.text, err.xen_errno);
    CHECK(built, "the domain builder builds hello.elf as a domU");
    CHECK_EQ(arena_used, 0, "the builder gave back all its memory");
    if (!built)
        return;
    printf("domu_launch: built d%u: %u pages, store mfn %#x port %u, console mfn %#x port %u\n",
           out.domid, out.nr_pages, out.store_mfn, out.store_evtchn, out.console_mfn,
           out.console_evtchn);

    // The domU runs hello's checks and powers off (about a second under
    // TCG); dom0 is its console backend meanwhile.
    Domu_console cons;
    CHECK(cons.attach(hcalls, out.domid, out.console_mfn), "dom0 maps the domU's console ring");
    uint32_t flags = 0;
    for (unsigned i = 0; i < 2000000 && !(flags & XEN_DOMINF_shutdown); ++i) {
        hc::sched_yield();
        cons.drain();
        flags = domain_flags(out.domid);
    }
    cons.detach();
    CHECK(cons.lines() > 0, "the domU's output came through its console ring");
    CHECK(flags & XEN_DOMINF_shutdown, "the domU shut down");
    CHECK_EQ((flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask, SHUTDOWN_poweroff,
             "the domU powered off (all its checks passed)");
    xen_domctl op{};
    op.cmd = XEN_DOMCTL_destroydomain;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = out.domid;
    CHECK_EQ(hcalls.domctl(op, nullptr, 0), 0, "XEN_DOMCTL_destroydomain");
}
