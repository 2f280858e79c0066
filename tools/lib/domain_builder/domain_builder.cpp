#include "tools/lib/domain_builder/domain_builder.hpp"

#include "hypervisor/lib/format.hpp"
#include "tools/lib/base/text.hpp"
#include "tools/lib/domain_builder/build_session.hpp"

#include <public/errno.h>

#include <cstdarg>

namespace toolstack {

bool Build_session::fail(int xen_errno, const char* f, ...)
{
    va_list ap;
    va_start(ap, f);
    fmt::vsnprint(err_.text, Build_error::len, f, ap);
    va_end(ap);
    err_.xen_errno = xen_errno;
    return false;
}

bool Build_session::failed_call(const char* what, long rc)
{
    return fail(rc < 0 ? static_cast<int>(-rc) : XEN_EFAULT, "%s failed (%ld)", what, rc);
}

int Build_session::domctl(uint32_t cmd, xen_domctl& op, void* buf, size_t len)
{
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = domid_;
    return hc_.domctl(op, buf, len);
}

Build_session::~Build_session()
{
    if (created_ && !keep_) {
        xen_domctl op{};
        // Nothing more to report: the build has already failed.
        (void)domctl(XEN_DOMCTL_destroydomain, op);
    }
    alloc_.free(p2m_, size_t{nr_pages_} * sizeof *p2m_);
}

// Everything about the kernel and the request is checked here, before the
// domain exists, with the words dom0's builder uses
// (arch/x86_32/domain/dom0_build.cpp).
bool Build_session::check()
{
    if (req_.max_vcpus < 1 || req_.max_vcpus > XEN_LEGACY_MAX_VCPUS)
        return fail(XEN_EINVAL, "%u vCPUs asked for: 1 to %u are possible", req_.max_vcpus,
                    XEN_LEGACY_MAX_VCPUS);
    if (req_.memory_kib % 4 || !req_.memory_kib)
        return fail(XEN_EINVAL, "memory of %u KiB is not a positive multiple of 4 KiB",
                    req_.memory_kib);
    if (req_.max_memory_kib && req_.max_memory_kib < req_.memory_kib)
        return fail(XEN_EINVAL, "maximum memory %u KiB is below the memory of %u KiB",
                    req_.max_memory_kib, req_.memory_kib);
    Elf_policy policy;
    policy.dom0 = false;
    Elf_error e;
    if (!parse_elf_image(req_.kernel, req_.kernel ? req_.kernel_len : 0, policy, img_, e))
        return fail(XEN_EINVAL, "kernel refused: %s", e.text);

    nr_pages_ = req_.memory_kib / 4;
    uint32_t ramdisk_len = req_.ramdisk ? static_cast<uint32_t>(req_.ramdisk_len) : 0;
    if (req_.ramdisk && req_.ramdisk_len > 0xFFFFFFFFu)
        return fail(XEN_E2BIG, "ramdisk of %zu bytes is larger than 4 GiB", req_.ramdisk_len);
    Boot_layout_request lr{img_.virt_base, img_.virt_kstart, img_.virt_kend, ramdisk_len,
                           nr_pages_,      false,            img_.notes.mod_start_pfn};
    if (Boot_layout_error le = compute_boot_layout(lr, layout_); le != Boot_layout_error::none)
        return fail(le == Boot_layout_error::too_little_memory ? XEN_ENOMEM : XEN_EINVAL,
                    "cannot lay out %u MiB: %s", nr_pages_ >> 8, boot_layout_error_text(le));
    p2m_ = static_cast<xen_pfn_t*>(alloc_.allocate(size_t{nr_pages_} * sizeof *p2m_));
    if (!p2m_)
        return fail(XEN_ENOMEM, "no memory for a %u-entry p2m", nr_pages_);
    out_.layout = layout_;
    out_.nr_pages = nr_pages_;
    return true;
}

bool Build_session::create_domain()
{
    xen_domctl op{};
    domid_ = req_.domid;
    xen_domctl_createdomain& c = op.u.createdomain;
    mem_copy(c.handle, req_.handle, sizeof c.handle);
    c.flags = 0; // PV
    c.max_vcpus = req_.max_vcpus;
    c.max_evtchn_port = 1023;   // libxl's default event_channels
    c.max_grant_frames = -1;    // the hypervisor's defaults
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(1);
    if (int rc = domctl(XEN_DOMCTL_createdomain, op); rc != 0)
        return failed_call("XEN_DOMCTL_createdomain", rc);
    domid_ = op.domain;
    created_ = true;
    out_.domid = domid_;

    op = xen_domctl{};
    op.u.max_vcpus.max = req_.max_vcpus;
    if (int rc = domctl(XEN_DOMCTL_max_vcpus, op); rc != 0)
        return failed_call("XEN_DOMCTL_max_vcpus", rc);
    op = xen_domctl{};
    op.u.max_mem.max_memkb = req_.max_memory_kib ? req_.max_memory_kib : req_.memory_kib;
    if (int rc = domctl(XEN_DOMCTL_max_mem, op); rc != 0)
        return failed_call("XEN_DOMCTL_max_mem", rc);
    return true;
}

bool Build_session::unpause()
{
    if (!req_.start)
        return true;
    xen_domctl op{};
    if (int rc = domctl(XEN_DOMCTL_unpausedomain, op); rc != 0)
        return failed_call("XEN_DOMCTL_unpausedomain", rc);
    return true;
}

bool build_pv_domain(Hypercalls& hc, const Allocator& alloc, const Build_request& req,
                     Build_result& out, Build_error& err)
{
    out = Build_result{};
    err = Build_error{};
    Build_session s(hc, alloc, req, out, err);
    // The page tables go in last of the frame contents: once they reference
    // the frames, a writable mapping of a table frame would be refused.
    bool ok = s.check() && s.create_domain() && s.populate() && s.load() &&
              s.setup_channels() && s.write_start_info() && s.setup_shared_info() &&
              s.setup_hypercall_page() && s.build_page_tables() && s.pin_tables() &&
              s.start_vcpu0() && s.seed_grants() && s.unpause();
    if (ok)
        s.keep();
    else
        out = Build_result{};
    return ok;
}

} // namespace toolstack
