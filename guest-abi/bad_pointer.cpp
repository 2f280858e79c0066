#include "bad_pointer.hpp"

#include "console.hpp"
#include "hypercall.hpp"
#include "test.hpp"

namespace {
// NULL; below the image (0xC0000000) and never mapped; the first byte Xen
// keeps for itself (public/arch-x86/xen-x86_32.h); the top page, also Xen's.
const uint32_t bad_pointers[] = {0, 0x1000, HYPERVISOR_VIRT_START, 0xFFFFF000};
} // namespace

void check_bad_pointers(const Bad_pointer_case* cases, size_t n, int32_t want)
{
    for (size_t i = 0; i < n; ++i) {
        const Bad_pointer_case& c = cases[i];
        for (uint32_t p : bad_pointers) {
            if (p == 0 && c.skip_null)
                continue;
            uint32_t a[5] = {0, c.args[0], c.args[1], c.args[2], c.args[3]};
            a[c.slot] = p;
            int32_t rc = hc::call(c.op, a[1], a[2], a[3], a[4]);
            char what[96];
            format(what, sizeof what, "%s 0x%08x", c.name, p);
            CHECK_EQ(rc, want, what);
        }
    }
}
