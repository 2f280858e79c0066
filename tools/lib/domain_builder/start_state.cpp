// What the new domain finds when it starts: its event channels to the store
// and the console, start_info, shared_info, the hypercall page, and vCPU 0's
// registers (libxc's start_info_x86_32, shared_info_x86_32, vcpu_x86_32).
#include "hypervisor/boot/start_info.hpp"
#include "tools/lib/base/text.hpp"
#include "tools/lib/domain_builder/build_session.hpp"

#include <public/errno.h>

namespace toolstack {
namespace {

constexpr uint32_t page_size = 4096;

} // namespace

// Unbound ports in the new domain that the store's and the console's
// domains may bind to (libxl's alloc_unbound with remote_dom = backend).
bool Build_session::setup_channels()
{
    evtchn_alloc_unbound store{domid_, req_.store_domid, 0};
    if (int rc = hc_.evtchn_alloc_unbound(store); rc != 0)
        return failed_call("EVTCHNOP_alloc_unbound (store)", rc);
    evtchn_alloc_unbound console{domid_, req_.console_domid, 0};
    if (int rc = hc_.evtchn_alloc_unbound(console); rc != 0)
        return failed_call("EVTCHNOP_alloc_unbound (console)", rc);
    out_.store_evtchn = store.port;
    out_.store_mfn = mfn_of_va(layout_.store_page);
    out_.console_evtchn = console.port;
    out_.console_mfn = mfn_of_va(layout_.console_page);
    return true;
}

// public/xen.h struct start_info, its layout part shared with dom0's
// builder. shared_info is a machine address (libxc: shared_info_mfn <<
// PAGE_SHIFT); no SIF_PRIVILEGED / SIF_INITDOMAIN: a domU is neither.
bool Build_session::write_start_info()
{
    xen_domctl op{};
    if (int rc = domctl(XEN_DOMCTL_getdomaininfo, op); rc != 0)
        return failed_call("XEN_DOMCTL_getdomaininfo", rc);
    shared_info_mfn_ = static_cast<xen_pfn_t>(op.u.getdomaininfo.shared_info_frame);

    uint32_t mod_len = req_.ramdisk ? static_cast<uint32_t>(req_.ramdisk_len) : 0;
    start_info_t si = boot_start_info(layout_, nr_pages_, mod_len, req_.cmdline);
    si.shared_info = shared_info_mfn_ << 12;
    si.store_mfn = out_.store_mfn;
    si.store_evtchn = out_.store_evtchn;
    si.console.domU.mfn = out_.console_mfn;
    si.console.domU.evtchn = out_.console_evtchn;
    return write_va(layout_.start_info, reinterpret_cast<const uint8_t*>(&si), sizeof si);
}

// Cleared, with every legacy vcpu_info's events masked until its kernel
// unmasks them (libxc's shared_info_x86_32).
bool Build_session::setup_shared_info()
{
    Foreign_page f(hc_, domid_, shared_info_mfn_);
    if (!f.ok())
        return failed_call("mapping the new domain's shared_info", f.rc());
    mem_set(f.bytes(), 0, page_size);
    shared_info* sh = f.as<shared_info>();
    for (auto& vi : sh->vcpu_info)
        vi.evtchn_upcall_mask = 1;
    return true;
}

// The hypervisor writes its own stubs (XEN_DOMCTL_hypercall_init, as libxc's
// setup_hypercall_page) into the page the kernel's HYPERCALL_PAGE note names.
bool Build_session::setup_hypercall_page()
{
    if (!img_.has_hypercall_page)
        return true;
    xen_domctl op{};
    op.u.hypercall_init.gmfn = mfn_of_va(img_.virt_hypercall);
    if (int rc = domctl(XEN_DOMCTL_hypercall_init, op); rc != 0)
        return failed_call("XEN_DOMCTL_hypercall_init", rc);
    return true;
}

// public/arch-x86/xen.h struct vcpu_guest_context, as libxc's vcpu_x86_32:
// flat ring-1 selectors, the stack at the top of the bootstrap stack page,
// %esi = start_info, CR3 = the L3 in xen_pfn_to_cr3 form, no callbacks yet.
bool Build_session::start_vcpu0()
{
    auto* ctx = create<vcpu_guest_context>(alloc_);
    if (!ctx)
        return fail(XEN_ENOMEM, "no memory for vCPU 0's context");
    mem_set(ctx, 0, sizeof *ctx);
    cpu_user_regs& r = ctx->user_regs;
    r.eip = img_.virt_entry;
    r.esp = layout_.stack_page + page_size;
    r.esi = layout_.start_info;
    r.eflags = 1u << 9; // IF
    r.cs = FLAT_KERNEL_CS;
    r.ss = FLAT_KERNEL_SS;
    r.ds = r.es = r.fs = r.gs = FLAT_KERNEL_DS;
    ctx->flags = VGCF_in_kernel | VGCF_online;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = r.esp;
    ctx->debugreg[6] = 0xFFFF0FF0u; // DR6 and DR7 as after reset (SDM 17.2)
    ctx->debugreg[7] = 0x00000400u;
    xen_pfn_t l3 = mfn_of_va(layout_.pt_base);
    ctx->ctrlreg[3] = xen_pfn_to_cr3(l3);
    if (img_.pae == Pae_mode::extended_cr3 || img_.pae == Pae_mode::bimodal)
        ctx->vm_assist |= 1u << VMASST_TYPE_pae_extended_cr3;

    xen_domctl op{};
    op.u.vcpucontext.vcpu = 0;
    int rc = domctl(XEN_DOMCTL_setvcpucontext, op, ctx, sizeof *ctx);
    destroy(alloc_, ctx);
    if (rc != 0)
        return failed_call("XEN_DOMCTL_setvcpucontext", rc);
    return true;
}

} // namespace toolstack

namespace toolstack {

// libxc's xc_dom_gnttab_seed, compat path for PV (libxl runs it after the
// context, before the unpause): the domain's first grant frame, from
// GNTTABOP_setup_table on it, gets its reserved entries for the console
// and store rings, granted to their backends' domains (a PV gfn is the
// mfn). An entry whose backend is the domain itself stays empty.
bool Build_session::seed_grants()
{
    gnttab_setup_table op{};
    op.dom = domid_;
    op.nr_frames = 1;
    xen_pfn_t frame = 0;
    if (int rc = hc_.grant_setup_table(op, &frame); rc != 0)
        return failed_call("GNTTABOP_setup_table", rc);
    if (op.status != GNTST_okay)
        return fail(XEN_EINVAL, "GNTTABOP_setup_table of d%u: status %d", domid_, op.status);
    Foreign_page f(hc_, domid_, frame);
    if (!f.ok())
        return failed_call("mapping the new domain's grant table", f.rc());
    auto* table = f.as<grant_entry_v1_t>();
    auto grant = [&](unsigned ref, domid_t backend, xen_pfn_t mfn) {
        if (backend == domid_)
            return;
        table[ref].domid = backend;
        table[ref].frame = mfn;
        table[ref].flags = GTF_permit_access;
    };
    grant(GNTTAB_RESERVED_CONSOLE, req_.console_domid, out_.console_mfn);
    grant(GNTTAB_RESERVED_XENSTORE, req_.store_domid, out_.store_mfn);
    return true;
}

} // namespace toolstack
