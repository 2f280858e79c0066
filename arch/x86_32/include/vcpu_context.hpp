// VCPUOP_initialise: a vCPU of a PV domain gets its first context from the
// guest (Xen's arch_set_info_guest for a 32-bit PV vCPU not yet
// initialised), as Linux does for each secondary CPU before VCPUOP_up.
#pragma once

#include "public/arch-x86/xen.h"

struct Vcpu;

namespace arch {

// t must not be initialised (the caller answers -EEXIST); it stays down.
// 0, or -EINVAL for a bad context (selectors are fixed up, as Xen: RPL 0
// becomes 1), or the errno of the GDT, page-table base or LDT refused;
// nothing is kept of a refused context.
[[nodiscard]] long vcpu_initialise(Vcpu& t, const vcpu_guest_context_t& c);

// XEN_DOMCTL_setvcpucontext on a vCPU that is not running (its domain
// paused): vcpu_initialise for a vCPU without a context; for one with a
// context, the same checks, then only its registers change: a page-table
// base, GDT or LDT other than the vCPU's is -EOPNOTSUPP (as Xen).
[[nodiscard]] long vcpu_set_context(Vcpu& t, const vcpu_guest_context_t& c);
// XEN_DOMCTL_setvcpucontext with no context (Xen's vcpu_reset and
// arch_vcpu_reset for PV): the vCPU (not running) gives up its LDT, GDT
// frames and page-table base and has no context any more; the caller
// takes it down.
[[nodiscard]] long vcpu_reset(Vcpu& t);
// XEN_DOMCTL_getvcpucontext (Xen's arch_get_info_guest for a 32-bit PV
// vCPU): the virtual IOPL back in EFLAGS, CR3 in xen_pfn_to_cr3 form.
void vcpu_get_context(const Vcpu& t, vcpu_guest_context_t& c);

} // namespace arch
