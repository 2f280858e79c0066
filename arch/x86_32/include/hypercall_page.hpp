// The hypercall page a PV kernel asks for (XEN_ELFNOTE_HYPERCALL_PAGE, or
// XEN_DOMCTL_hypercall_init from a domain builder): 128 stubs of 32 bytes.
#pragma once
#include <cstdint>

struct Domain;

namespace arch {

// Stub n at n*32: "mov $n, %eax; int $0x82; ret"; the iret stub pushes
// eax first and does not return (do_iret restores it from the stack).
// The rest of the page is int3.
void fill_hypercall_page(uint8_t* page);

// XEN_DOMCTL_hypercall_init on d's frame 'gmfn' (a PV gfn is its mfn):
// -EINVAL when the frame is not d's, -EPERM when it cannot be written
// (a page-table or descriptor frame), as Xen's arch_do_domctl.
[[nodiscard]] long hypercall_page_init(Domain& d, uint64_t gmfn);

} // namespace arch
