// Smallest useful guest: console output, the version, the capabilities.
#include "console.hpp"
#include "hypercall.hpp"
#include "shared.hpp"
#include "test.hpp"

namespace {
bool contains(const char* hay, const char* needle)
{
    for (; *hay != '\0'; ++hay) {
        const char* h = hay;
        const char* n = needle;
        while (*n != '\0' && *h == *n) {
            ++h;
            ++n;
        }
        if (*n == '\0')
            return true;
    }
    return false;
}
} // namespace

void guest_main(start_info_t* si)
{
    printf("Hello from a Xenith test guest\n");
    CHECK(contains(si->magic, "xen-3.0-x86_32p"), "start_info magic is xen-3.0-x86_32p");
    int32_t ver = hc::xen_version(XENVER_version);
    printf("xen version %d.%d\n", ver >> 16, ver & 0xffff);
    CHECK(ver >= (3 << 16), "XENVER_version reports 3.0 or later");
    static xen_capabilities_info_t caps;
    CHECK_EQ(hc::xen_version(XENVER_capabilities, caps), 0, "XENVER_capabilities succeeds");
    caps[sizeof caps - 1] = '\0';
    printf("capabilities: %s\n", caps);
    CHECK(contains(caps, "xen-3.0-x86_32p"), "capabilities list xen-3.0-x86_32p");
    const shared_info_t* sh = guest_shared_info();
    CHECK(sh != nullptr, "shared_info page mapped");
    // A domU's builder clears shared_info after createdomain (as libxc);
    // vCPU 0's first context writes the wall clock again (Xen's
    // arch_set_info_guest). Linux sets its clock from it at boot.
    uint32_t wc_version = __atomic_load_n(&sh->wc_version, __ATOMIC_ACQUIRE);
    uint32_t wc_sec = sh->wc_sec;
    printf("wall clock: %u s since 1970 (version %u)\n", wc_sec, wc_version);
    CHECK((wc_version & 1) == 0 && wc_version != 0, "wall clock written, version even");
    CHECK(wc_sec > 1577836800u, "wall clock after 2020 (from the CMOS RTC)");
}
