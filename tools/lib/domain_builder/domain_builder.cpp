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

void Build_session::abandon()
{
    if (created_ && !keep_) {
        xen_domctl op{};
        // Nothing more to report: the build has already failed.
        (void)domctl(XEN_DOMCTL_destroydomain, op);
    }
    created_ = false;
}

Build_session::~Build_session()
{
    abandon();
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
    Build_job job(hc, alloc, req);
    while (job.step() == Build_job::State::running) {
    }
    out = job.result();
    err = job.error();
    return job.state() == Build_job::State::done;
}

static_assert(sizeof(Build_session) <= 1024, "Build_job::session_space_ holds a Build_session");

Build_job* Build_job::create(Hypercalls& hc, const Allocator& alloc, const Build_request& req)
{
    return toolstack::create<Build_job>(alloc, hc, alloc, req);
}

void Build_job::destroy(Build_job* j)
{
    if (j)
        toolstack::destroy(toolstack::Allocator(j->alloc_), j);
}

Build_job::Build_job(Hypercalls& hc, const Allocator& alloc, const Build_request& req)
    : alloc_(alloc), req_(req)
{
    // In place: the session refers to this job's request, result and error.
    session_ = new (session_space_) Build_session(hc, alloc, req_, out_, err_);
}

Build_job::~Build_job()
{
    // Undoes a build that is not done: the session destroys the domain.
    session_->~Build_session();
}

// The steps in build_pv_domain's order. The page tables go in last of the
// frame contents: once they reference the frames, a writable mapping of a
// table frame would be refused.
Build_job::State Build_job::step()
{
    if (state_ != State::running)
        return state_;
    Build_session& s = *session_;
    bool ok = true;
    switch (next_) {
    case 0: ok = s.check(); break;
    case 1: ok = s.create_domain(); break;
    case 2:
        ok = s.populate_some(populated_, populate_step_pages);
        if (ok && populated_ < s.nr_pages())
            return state_; // more of step 2 next time
        break;
    case 3: ok = s.load(); break;
    case 4: ok = s.setup_channels(); break;
    case 5: ok = s.write_start_info(); break;
    case 6: ok = s.setup_shared_info(); break;
    case 7: ok = s.setup_hypercall_page(); break;
    case 8: ok = s.build_page_tables(); break;
    case 9: ok = s.pin_tables(); break;
    case 10: ok = s.start_vcpu0(); break;
    case 11: ok = s.seed_grants(); break;
    case 12: ok = s.unpause(); break;
    default: break;
    }
    if (!ok) {
        out_ = Build_result{};
        // Nothing may outlive the failure: the domain goes now, not when
        // the job is destroyed.
        s.abandon();
        state_ = State::failed;
        return state_;
    }
    if (++next_ == 13) {
        s.keep();
        state_ = State::done;
    }
    return state_;
}

uint32_t Build_job::progress_permille() const
{
    if (state_ == State::done)
        return 1000;
    uint32_t pages = session_ ? session_->nr_pages() : 0;
    // Steps 0-1: 2%; populating: 90%; the rest: 8%.
    if (next_ < 2)
        return next_ * 10;
    if (next_ == 2)
        return 20 + (pages ? static_cast<uint32_t>(uint64_t{populated_} * 900 / pages) : 0);
    return 920 + (next_ - 3) * 8;
}

const char* Build_job::phase() const
{
    switch (next_) {
    case 0: return "checking the kernel";
    case 1: return "creating the domain";
    case 2: return "populating memory";
    case 3: return "loading the kernel";
    default: return "setting up the start state";
    }
}

} // namespace toolstack
