// The PV domain builder: makes a 32-bit PAE PV domU from an ELF kernel
// image (+ optional initial ramdisk and command line) the way Xen's libxc
// does (tools/libs/guest/xg_dom_*.c), with the start-of-day layout and the
// refusals of dom0's builder inside the hypervisor, whose parser and layout
// code it shares (hypervisor/boot/elf_image.hpp, boot_layout.hpp).
//
// Steps, every one a hypercall through Hypercalls (hypercalls.hpp):
//   1. parse and check the kernel, compute the layout (nothing created yet);
//   2. XEN_DOMCTL_createdomain, max_vcpus, max_mem;
//   3. XENMEM_populate_physmap for the new domain, order-0 extents: the
//      frames it returns are the P2M (the bootstrap region's below 4 GiB);
//   4. map each frame of the region, zero it and fill it: kernel, ramdisk,
//      P2M list, start_info, the store and console rings, the bootstrap
//      page tables (tables mapped read-only), the stack;
//   5. store and console event channels (alloc_unbound, remote = their
//      backends' domains), shared_info's vcpu_info masks, the hypercall page
//      (XEN_DOMCTL_hypercall_init);
//   6. MMUEXT_PIN_L3_TABLE on the new domain, XEN_DOMCTL_setvcpucontext for
//      vCPU 0, the reserved grant entries of the console and store rings
//      (GNTTABOP_setup_table on it), XEN_DOMCTL_unpausedomain.
// A refusal or a failing hypercall leaves nothing behind: the domain, once
// created, is destroyed, and every mapping is undone (each is an object).
#pragma once
#include <cstddef>
#include <cstdint>

#include "hypervisor/boot/boot_layout.hpp"
#include "tools/lib/base/allocator.hpp"
#include "tools/lib/domain_builder/hypercalls.hpp"

namespace toolstack {

struct Build_request {
    const uint8_t* kernel = nullptr; // the ELF image
    size_t kernel_len = 0;
    const uint8_t* ramdisk = nullptr; // optional: nullptr or 0 bytes = none
    size_t ramdisk_len = 0;
    const char* cmdline = "";        // truncated to MAX_GUEST_CMDLINE - 1
    uint32_t memory_kib = 0;         // the domain's memory (multiple of 4)
    uint32_t max_memory_kib = 0;     // XEN_DOMCTL_max_mem; 0: memory_kib
    uint32_t max_vcpus = 1;          // 1..XEN_LEGACY_MAX_VCPUS
    domid_t domid = 0;               // 0: the hypervisor picks one
    domid_t store_domid = 0;         // remote ends of the two event channels
    domid_t console_domid = 0;
    uint8_t handle[16] = {};         // the domain's UUID
    bool start = true;               // unpause once built
};

struct Build_result {
    domid_t domid = 0;
    Boot_layout layout{};
    uint32_t nr_pages = 0;
    xen_pfn_t store_mfn = 0;
    evtchn_port_t store_evtchn = 0;
    xen_pfn_t console_mfn = 0;
    evtchn_port_t console_evtchn = 0;
};

struct Build_error {
    static constexpr size_t len = 200;
    int xen_errno = 0;   // positive XEN_E* value
    char text[len] = {}; // one line: what was refused, or which call failed
};

// True when the domain was built (and started unless !req.start). False with
// err filled in otherwise; then no domain and no mapping remains.
[[nodiscard]] bool build_pv_domain(Hypercalls& hc, const Allocator& alloc, const Build_request& req,
                                   Build_result& out, Build_error& err);

class Build_session;

// The same build in steps, for a host that must keep serving while a large
// domain is made (the management API's create): each step() does one of
// the steps above, step 3 a bounded number of pages at a time. The result
// and the refusals are build_pv_domain's; a job destroyed before it is
// done, or one that failed, leaves nothing behind. The request's buffers
// (kernel, ramdisk, cmdline) must stay until the job is done or destroyed.
class Build_job {
public:
    enum class State : uint8_t { running, done, failed };
    // Pages populated per step: 16 MiB, a multiple of the builder's batch.
    static constexpr uint32_t populate_step_pages = 4096;

    [[nodiscard]] static Build_job* create(Hypercalls& hc, const Allocator& alloc,
                                           const Build_request& req);
    static void destroy(Build_job* j);

    State step();
    State state() const { return state_; }
    // 0..1000, mostly the memory populated so far.
    uint32_t progress_permille() const;
    // What the next step does, for a progress line ("populating memory").
    const char* phase() const;
    const Build_result& result() const { return out_; }
    const Build_error& error() const { return err_; }

    Build_job(Hypercalls& hc, const Allocator& alloc, const Build_request& req);
    ~Build_job();
    Build_job(const Build_job&) = delete;
    Build_job& operator=(const Build_job&) = delete;

private:
    const Allocator& alloc_;
    Build_request req_;
    Build_result out_{};
    Build_error err_{};
    Build_session* session_ = nullptr;
    alignas(8) unsigned char session_space_[1024];
    unsigned next_ = 0;       // the step to run
    uint32_t populated_ = 0;  // pages so far
    State state_ = State::running;
};

} // namespace toolstack
